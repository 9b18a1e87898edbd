/* build.c — one period: load its documents, aggregate, emit every workbook;
 * see build.h. */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

static bool in_period(const source_row *r, sn_period p)
{
    return r->id.has_period && period_compare(&r->id.period, &p) == 0;
}

static int write_one(const period_report *report, const char *out_dir, const char *stem,
                     sn_period period, const build_options *o, char *err, size_t errlen)
{
    char name[8], path[4096];
    period_format(&period, name);
    int n = snprintf(path, sizeof path, "%s/%s-%s.xlsx", out_dir, stem, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errlen, "%s: stien er for lang", out_dir);
        return -1;
    }
    emit_options eo = {.path = path, .created = o->created};
    if (emit_workbook(report, &eo, err, errlen) != 0)
        return -1;
    if (o->on_written)
        o->on_written(o->ctx, path);
    return 0;
}

int build_period(ledger *l, const config *cfg, sn_period period, const build_options *o,
                 char *err, size_t errlen)
{
    size_t n = ledger_count(l);
    int rc = -1;
    arena *a = arena_new();
    source_row *sources = a ? arena_alloc_array(a, n ? n : 1, sizeof *sources) : NULL;
    period_document *docs = a ? arena_alloc_array(a, n ? n : 1, sizeof *docs) : NULL;
    processed_file *scratch = a ? arena_alloc_array(a, n ? n : 1, sizeof *scratch) : NULL;
    bool *departments = a ? arena_alloc_array(a, cfg->departments.n, sizeof *departments) : NULL;
    size_t n_sources = 0, n_docs = 0;
    if (!sources || !docs || !scratch || !departments) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ledger_entry *e = ledger_get(l, i);
        if (!in_period(&e->row, period))
            continue;
        sources[n_sources++] = e->row;
        if (e->row.id.department >= 0)
            departments[e->row.id.department] = true;
        if (e->row.status != SOURCE_ACCEPTED)
            continue;
        const document *doc = ledger_load(e, cfg, &scratch[n_docs], err, errlen);
        if (!doc)
            goto done;
        docs[n_docs++] = (period_document){doc, e->row.id.name};
    }

    aggregate_input in = {cfg, period, -1, docs, n_docs, sources, n_sources};
    period_report *all = aggregate_period(&in, a);
    if (!all) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    if (write_one(all, o->out_dir, "statusredegoerelse", period, o, err, errlen) != 0)
        goto done;
    for (size_t d = 0; d < cfg->departments.n; d++) {
        if (!departments[d])
            continue;
        in.department = (int)d;
        period_report *one = aggregate_period(&in, a);
        if (!one) {
            snprintf(err, errlen, "ikke nok hukommelse");
            goto done;
        }
        if (write_one(one, o->out_dir, cfg->departments.items[d].file_code, period, o, err,
                      errlen) != 0)
            goto done;
    }
    rc = 0;
done:
    for (size_t i = 0; scratch && i < n; i++)
        processed_file_release(&scratch[i]);
    arena_free(a);
    return rc;
}

size_t build_periods(ledger *l, const config *cfg, const sn_period *periods, size_t n,
                     const sn_period *only, const build_options *o,
                     void (*done)(void *ctx, sn_period period, const char *out_dir, const char *error),
                     void *ctx)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        char why[1024];
        if (only && period_compare(only, &periods[i]) != 0)
            continue;
        bool ok = build_period(l, cfg, periods[i], o, why, sizeof why) == 0;
        failed += !ok;
        if (done)
            done(ctx, periods[i], o->out_dir, ok ? NULL : why);
    }
    return failed;
}
