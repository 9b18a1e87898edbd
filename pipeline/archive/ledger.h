/* ledger.h — every source the archive and this run know, in arrival order,
 * with what became of it: accepted, rejected, superseded or duplicate
 * (FORMAT.md, "Identity, duplicates, supersession").
 *
 * A byte-identical resend of an accepted (or superseded) document is a
 * duplicate; a resend of a rejected one is decided again — rejected again
 * with its reasons — and a file that could not be read is never admitted.
 *
 * In:  admissions, one at a time in arrival order: a file just processed, or
 *      one replayed from an earlier run's manifest (its identity, whether it
 *      validated, its indsats ids and its findings — no parsing needed).
 * Out: per source a Kilder row (status, "superseded by", findings, with
 *      ID_CONFLICT or DOCUMENT_OLDER added where admission finds them), and
 *      per (department, period) the one current document.
 *
 * The ledger keeps a processed document's arena while a memory budget allows
 * (so a period can be built without parsing the file again) and drops it
 * otherwise; ledger_load() gives the document back either way. */
#ifndef STATUSNOTAT_LEDGER_H
#define STATUSNOTAT_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"
#include "process.h"

/* What admission needs to know of a source. */
typedef struct {
    source_identity id;
    const char *path;            /* where to read it again (the archive copy, or the inbox
                                    in a run without an archive) */
    const char *archived;        /* the archive copy, relative to the archive ("" for none) */
    const char *path_sha256_hex; /* of the file at path; NULL: the same as id.sha256_hex */
    const config *load_cfg;      /* to read it again with; NULL: the caller's */
    bool valid;                  /* processing found no error */
    const char *const *ids;      /* indsats ids (valid documents), in document order */
    const uint32_t *id_lines;    /* the line of each */
    size_t n_ids;
    const finding *findings;     /* from processing */
    size_t n_findings;
    size_t run_index;            /* the run it arrived in: its position among the runs */
    const char *received;        /* when it landed in the inbox (ISO UTC), or NULL */
} admission;

typedef struct ledger_entry {
    source_row row;              /* what Kilder and Fund show */
    const char *path;
    const char *archived;        /* relative to the archive; "" until stored */
    const char *path_sha256_hex;
    const config *load_cfg;
    size_t seq;                  /* arrival order */
    size_t run_index;            /* the run it arrived in (admission.run_index) */
    bool valid;                  /* processing found no error (admission may still reject) */
    const char **ids;            /* of an accepted document, in document order */
    uint32_t *id_lines;          /* the line of each */
    size_t n_ids;
    processed_file *cache;       /* the parsed document, while the budget allows; or NULL */
    bool changed;                /* its status changed after it was loaded (superseded) */
} ledger_entry;

typedef struct ledger ledger;

/* Where a ledger that does not hold the whole archive finds the rest
 * (state.h): the entries of a period, and those with given bytes, each
 * brought in with ledger_restore in arrival order. Each returns false with a
 * message in err. The ledger asks for a period or a hash once. */
typedef struct {
    void *ctx;
    bool (*load_period)(void *ctx, ledger *l, sn_period period, char *err, size_t errlen);
    bool (*load_hash)(void *ctx, ledger *l, const char *sha256_hex, char *err, size_t errlen);
    /* The entries without a period (rejected: their period could not be
     * read), except those with bytes already asked for (ledger_hash_loaded). */
    bool (*load_loose)(void *ctx, ledger *l, char *err, size_t errlen);
} ledger_source;

/* How much of the earliest period's parsed documents the ledger keeps
 * between intake and that period's workbooks (the first built); every other
 * document is parsed again from its file when its period is built, so memory
 * follows one period, not the input. */
#define LEDGER_CACHE_BUDGET (64u << 20)

ledger *ledger_new(const config *cfg, size_t cache_budget_bytes);
void ledger_free(ledger *l);

/* Decides what the source is and records it; copies everything it keeps.
 * Returns the entry, or NULL when out of memory. */
ledger_entry *ledger_admit_record(ledger *l, const admission *a);

/* An entry whose status was decided before (state.h): recorded as it is,
 * with its findings (admission's included), and indexed; `seq` is its place
 * in the arrival order of the whole archive. NULL when out of memory. */
ledger_entry *ledger_restore(ledger *l, const admission *a, source_status status,
                             const char *superseded_by, size_t seq);

/* From now on the ledger holds only what it was given and what it loads
 * from src on demand — a period's entries before admitting or building in it,
 * the entries with given bytes before deciding a duplicate; new entries take
 * arrival numbers from next_seq on. */
void ledger_set_source(ledger *l, const ledger_source *src, size_t next_seq);

/* Brings in the period's entries (once; nothing to do without a source).
 * false with the reason in ledger_error(). */
bool ledger_need_period(ledger *l, sn_period period);

/* Brings in every entry without a period (once; nothing to do without a
 * source) — the overview's Afviste shows them. false with the reason in
 * ledger_error(). */
bool ledger_need_loose(ledger *l);
/* Whether the entries with these bytes were brought in (load_hash), and
 * whether those without a period were (load_loose): a source loads an entry
 * once. */
bool ledger_hash_loaded(const ledger *l, const char *sha256_hex);
bool ledger_loose_loaded(const ledger *l);

/* Lets go of every entry's indsats ids and their index once nothing more is
 * admitted and no manifest or state is written from the ledger (a run without
 * an archive): they are the one part of the ledger that grows with the size of
 * the documents, and the workbooks do not need them. Admitting afterwards
 * fails. */
void ledger_release_ids(ledger *l);

/* Why the last admission or load failed: the source's message, or "ikke nok
 * hukommelse". */
const char *ledger_error(const ledger *l);

/* A period and its digest: a SHA-256 over its sources in arrival order
 * (bytes, status, department) — what a period's figures depend on besides
 * the configuration and the program (overview.h). */
typedef struct {
    sn_period period;
    char digest[65];
} period_digest;

/* Every period's digest, periods ascending; *out malloc'd. Returns the
 * count, or (size_t)-1 when out of memory. */
size_t ledger_period_digests(const ledger *l, period_digest **out);

/* The same for a file just processed (received: when it landed in the inbox,
 * ISO UTC, or NULL): takes p over (afterwards p is empty), keeping its
 * document in the cache when accepted and the budget allows. */
ledger_entry *ledger_admit(ledger *l, processed_file *p, const char *path, size_t run_index,
                           const char *received);

/* Processes the file at path (shown as `name`) and admits it. Returns the
 * entry, or NULL when out of memory. */
ledger_entry *ledger_take_file(ledger *l, const char *path, const char *name, size_t run_index);

/* Records where an entry's bytes are archived (after the run stored them). */
bool ledger_set_copy(ledger *l, ledger_entry *e, const char *path, const char *archived,
                     const char *copy_sha256);

/* An earlier entry whose bytes are archived under this content hash, or NULL:
 * the same bytes are stored once. */
ledger_entry *ledger_find_copy(ledger *l, const char *sha256_hex);

size_t ledger_count(const ledger *l);
ledger_entry *ledger_get(const ledger *l, size_t i);

/* The distinct periods of all entries, ascending; *out is malloc'd. Returns
 * the count, or (size_t)-1 when out of memory. */
size_t ledger_periods(const ledger *l, sn_period **out);

/* The document of an accepted entry: the cached one, or parsed again into
 * *scratch (release it after use). NULL with a message when the file cannot
 * be read again or is no longer the same bytes. */
const document *ledger_load(ledger_entry *e, const config *cfg, processed_file *scratch,
                            char *err, size_t errlen);

/* ledger_load in parts, for reading many entries at once
 * (process_in_order): the cached document handed over into *into (the
 * cache lets go of it: it is read once; false when there is none); how to
 * read the entry again; whether what was read is what was admitted (else a
 * message). */
bool ledger_take_cached(ledger *l, ledger_entry *e, processed_file *into);
process_job ledger_reload_job(const ledger_entry *e, const config *cfg);
bool ledger_reload_ok(const ledger_entry *e, const processed_file *p, char *err, size_t errlen);

#endif
