/* ledger.h — every source a run knows, in arrival order, with what became of
 * it: accepted, rejected, superseded or duplicate (FORMAT.md, "Identity,
 * duplicates, supersession").
 *
 * In:  processed files, admitted one at a time in arrival order.
 * Out: per source a Kilder row (status, "superseded by", findings copied into
 *      the ledger), and per (department, period) the one current document.
 *
 * The ledger keeps a processed document's arena while a memory budget allows
 * (so a period can be built without parsing the file again) and drops it
 * otherwise; ledger_load() gives the document back either way. */
#ifndef STATUSNOTAT_LEDGER_H
#define STATUSNOTAT_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include "aggregate.h"
#include "process.h"

typedef struct ledger_entry {
    source_row row;              /* what Kilder and Fund show */
    const char *path;            /* where to read the file again */
    size_t seq;                  /* arrival order */
    const char **ids;            /* indsats ids of an accepted document */
    size_t n_ids;
    processed_file cache;        /* the parsed document, while the budget allows */
    struct ledger_entry *superseded_by;
} ledger_entry;

typedef struct ledger ledger;

ledger *ledger_new(const config *cfg, size_t cache_budget_bytes);
void ledger_free(ledger *l);

/* Decides what the processed file is, moving its findings into the ledger
 * (with ID_CONFLICT or DOCUMENT_OLDER added where they apply). Takes p over:
 * afterwards p is empty. Returns the entry, or NULL when out of memory. */
ledger_entry *ledger_admit(ledger *l, processed_file *p, const char *path);

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

#endif
