/* previous.c — the half year before, from the archive; see previous.h. */
#include "previous.h"

#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "dirlist.h"
#include "ledger.h"
#include "state.h"

struct previous_view {
    ledger *l;
    state_store *store;
    processed_file scratch;      /* the previous document, when it was parsed again */
    arena *a;                    /* the report's */
    period_report *report;
};

previous_view *previous_open(const char *archive, const config *cfg, const document *doc, const char *name,
                             char *err, size_t errlen)
{
    err[0] = '\0';
    if (!doc || !doc->has_period || doc->department < 0)
        return NULL;
    previous_view *v = calloc(1, sizeof *v);
    name_list runs = {0};
    if (!v || archive_list_runs(archive, &runs, err, errlen) != 0 || !runs.n)
        goto none;
    size_t n_runs = 0;
    v->l = ledger_new(cfg, LEDGER_CACHE_BUDGET);
    if (!v->l || state_open(archive, runs.names[runs.n - 1], cfg, cfg, v->l, &v->store, &n_runs, err, errlen) != 1)
        goto none;
    sn_period before = period_previous(doc->period);
    if (!ledger_need_period(v->l, before)) {
        snprintf(err, errlen, "%s", ledger_error(v->l));
        goto none;
    }
    ledger_entry *found = NULL;
    for (size_t i = 0; i < ledger_count(v->l); i++) {
        ledger_entry *e = ledger_get(v->l, i);
        if (e->row.status == SOURCE_ACCEPTED && e->row.id.has_period &&
            period_compare(&e->row.id.period, &before) == 0 && e->row.id.department == doc->department)
            found = e;
    }
    const document *previous = found ? ledger_load(found, cfg, &v->scratch, err, errlen) : NULL;
    if (!previous)
        goto none;
    v->a = arena_new();
    period_document now = {doc, name}, then = {previous, found->row.id.name};
    aggregate_input in = {.cfg = cfg, .period = doc->period, .department = doc->department, .docs = &now,
                          .n_docs = 1, .previous_docs = &then, .n_previous_docs = 1};
    v->report = v->a ? aggregate_period(&in, v->a) : NULL;
    name_list_free(&runs);
    return v;
none:
    name_list_free(&runs);
    previous_free(v);
    return NULL;
}

const period_report *previous_report(const previous_view *v)
{
    return v ? v->report : NULL;
}

void previous_free(previous_view *v)
{
    if (!v)
        return;
    arena_free(v->a);
    processed_file_release(&v->scratch);
    if (v->store)
        state_close(v->store);
    ledger_free(v->l);
    free(v);
}
