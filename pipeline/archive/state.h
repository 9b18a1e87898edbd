/* state.h — the ledger as the last complete run left it, in ARCHIVE/state.sqlite
 * (SQLite), so that a night reads what its new files touch instead of every
 * manifest: the cost of a night follows its new files, not the archive's size.
 *
 * A night opens the state and gives it to an empty ledger as its source
 * (ledger_set_source): the ledger loads a period's entries before admitting
 * or building in it, and the entries with given bytes before deciding a
 * duplicate — indexed look-ups, never a scan. After the run the new entries,
 * the ones whose status changed and the digests of their periods are written
 * in one transaction.
 *
 * It is derived data. The state is trusted only when it names the archive's
 * last complete run and its bytes are the ones last written — every write
 * seals the file's SHA-256 into state.sqlite.sha256, since SQLite's own
 * checks do not see every damage and the night reads through the indexes;
 * otherwise the night replays every manifest (as rerun and verify always
 * do) and writes a whole new state. It is opened the way a delivery is: a
 * link, a FIFO or a folder in its place is set aside. `verify` compares it
 * with a replay by table scan and through the same indexed look-ups. A crash anywhere leaves
 * it naming an earlier run (or absent), which costs one full replay.
 *
 * Tables: meta (format, run, runs), entries (seq — the place in the arrival
 * order —, sha256, period or NULL, line: the entry's fields separated by TAB —
 * name, sha256, bytes, department code, period, indsendt, indsendt_fuzzy,
 * valid, status, superseded_by, archived, archived_sha256, run index, ids
 * (id US line, joined by RS), received (ISO UTC) and findings (code US line US path US message US
 * detail, joined by RS), US and RS being the bytes 0x1F and 0x1E, every text
 * one line without control bytes), indexed by sha256 and by period; periods
 * (period, digest: ledger_period_digests); workbooks (the share's records,
 * share.h: file, key, run, created, version, config_sha256, written, sha256,
 * size, mtime_ns, error). A state of another format (an older program's) is
 * no state: the night replays and writes one of this format. */
#ifndef STATUSNOTAT_STATE_H
#define STATUSNOTAT_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ledger.h"
#include "share.h"

typedef struct state_store state_store;

/* ARCHIVE/state.sqlite. */
void state_path(const char *archive, char *buf, size_t size);

/* Whether the state names run `run_id`. */
bool state_is_of(const char *archive, const char *run_id);

/* Opens the state when it names run `run_id` and makes it the source of the
 * empty ledger l (entries read their archive copies with load_cfg). Returns
 * 1 when opened (*out, *runs set), 0 when there is none or it names another
 * run (nothing done), -1 when it cannot be read (err; the caller replays). */
int state_open(const char *archive, const char *run_id, const config *cfg, const config *load_cfg,
               ledger *l, state_store **out, size_t *runs, char *err, size_t errlen);

/* Every period's digest now: the state's, with those of the periods the
 * ledger holds (loaded whole, and changed by this run) put over them.
 * Periods ascending; *out malloc'd. The count, or (size_t)-1. */
size_t state_period_digests(state_store *s, const ledger *l, period_digest **out);

/* The run's changes — the entries new since state_open, those whose status
 * changed, their periods' digests, the share's records (sh: all of them) —
 * and the run's name, in one transaction. 0, or -1 with a message (the
 * state then still names the run before). */
int state_update(state_store *s, const ledger *l, const share *sh, const char *run_id, size_t runs,
                 char *err, size_t errlen);

/* The share's records the last run left (share.h). 0, or -1 with a message. */
int state_read_share(state_store *s, share *out, char *err, size_t errlen);
/* The share's records alone, in one transaction (a night that made no run
 * but saw a workbook touched). 0, or -1 with a message. */
int state_save_share(state_store *s, const share *sh, char *err, size_t errlen);

void state_close(state_store *s);

/* A whole new state from a ledger that holds the whole archive (after a
 * replay), written beside the old one and renamed over it. 0, or -1. */
int state_write(const char *archive, const char *run_id, size_t runs, const ledger *l,
                const share *sh, const config *cfg, char *err, size_t errlen);

/* `statusnotat verify`: whether the state is what a ledger replayed from
 * every manifest gives (every entry, in order, every period's digest, and the
 * run), and its share records what the reports give (sh). 1 the same, 0
 * different, -1 when it cannot be read (err). */
int state_matches(const char *archive, const char *run_id, size_t runs, const ledger *l,
                  const share *sh, const config *cfg, char *err, size_t errlen);

/* A consistent copy of the state at `from` to `to` (SQLite's online backup
 * API), sealed like the state. 0, or -1 with a message. */
int state_copy(const char *from, const char *to, char *err, size_t errlen);

#endif
