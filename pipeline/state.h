/* state.h — the ledger as the last complete run left it, in one compact
 * file, ARCHIVE/state.tsv, so that a night reads one file instead of
 * replaying every manifest: the cost of a night follows its new files, not
 * the archive's size.
 *
 * It is derived data. A night writes it after a run completes (and after a
 * full replay), and trusts it only when it names the archive's last complete
 * run; otherwise the night replays every manifest, as rerun and verify
 * always do, and writes it again. A crash anywhere leaves it naming an
 * earlier run (or absent), which costs one full replay.
 *
 * Format: a first line "statusnotat-state/1 TAB <run id> TAB <runs> TAB
 * <entries>", then one line per ledger entry in arrival order, its fields
 * separated by TAB: name, sha256, bytes, department code, period, indsendt,
 * indsendt_fuzzy, valid, status, superseded_by, archived, archived_sha256,
 * run index, ids (id US line, joined by RS) and findings (code US line US
 * path US message US detail, joined by RS), where US and RS are the bytes
 * 0x1F and 0x1E; every text is one line without control bytes
 * (text_one_line). */
#ifndef STATUSNOTAT_STATE_H
#define STATUSNOTAT_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ledger.h"

/* Writes the ledger as run `run_id` (the `runs`-th) left it. 0, or -1. */
int state_write(const char *archive, const char *run_id, size_t runs, const ledger *l,
                const config *cfg, char *err, size_t errlen);

/* The same into another file (verify compares it with the archive's). */
int state_write_to(const char *path, const char *run_id, size_t runs, const ledger *l,
                   const config *cfg, char *err, size_t errlen);

/* ARCHIVE/state.tsv. */
void state_path(const char *archive, char *buf, size_t size);

/* Whether the state names run `run_id` (reads its first line only). */
bool state_is_of(const char *archive, const char *run_id);

/* Loads the state into an empty ledger when it names run `run_id`; entries
 * read their archive copies with load_cfg. Returns 1 when loaded (*runs set),
 * 0 when there is none or it names another run (nothing loaded), -1 when it
 * cannot be read (err; the caller replays instead). */
int state_load(const char *archive, const char *run_id, const config *cfg, const config *load_cfg,
               ledger *l, size_t *runs, char *err, size_t errlen);

#endif
