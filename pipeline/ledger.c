/* ledger.c — arrival order, duplicates, supersession, id conflicts; see ledger.h. */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ledger {
    arena *a;
    const config *cfg;
    ledger_entry **items;
    size_t n, cap;
    size_t cache_bytes, cache_budget;
};

ledger *ledger_new(const config *cfg, size_t cache_budget_bytes)
{
    ledger *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->a = arena_new();
    if (!l->a) {
        free(l);
        return NULL;
    }
    l->cfg = cfg;
    l->cache_budget = cache_budget_bytes;
    return l;
}

void ledger_free(ledger *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        processed_file_release(&l->items[i]->cache);
    free(l->items);
    arena_free(l->a);
    free(l);
}

size_t ledger_count(const ledger *l) { return l->n; }
ledger_entry *ledger_get(const ledger *l, size_t i) { return l->items[i]; }

static bool same_key(const ledger_entry *e, const document *doc)
{
    return e->row.status == SOURCE_ACCEPTED && e->row.department == doc->department &&
           e->row.has_period && e->row.period.year == doc->period.year &&
           e->row.period.half == doc->period.half;
}

/* ID_CONFLICT for each id that a current document of another department in
 * the same period already uses. */
static bool check_id_conflicts(ledger *l, const document *doc, findings *f)
{
    for (size_t i = 0; i < l->n; i++) {
        const ledger_entry *e = l->items[i];
        if (e->row.status != SOURCE_ACCEPTED || e->row.department == doc->department ||
            e->row.period.year != doc->period.year || e->row.period.half != doc->period.half)
            continue;
        for (size_t k = 0; k < doc->n_indsatser; k++) {
            const indsats *x = &doc->indsatser[k];
            for (size_t j = 0; j < e->n_ids; j++) {
                if (strcmp(e->ids[j], x->id) != 0)
                    continue;
                char path[96];
                snprintf(path, sizeof path, "/statusnotat/indsatser/indsats[%zu]/@id", k + 1);
                if (!findings_add(f, F_ID_CONFLICT, x->line, path,
                                  "id=\"%s\" bruges allerede af %s i samme periode (%s)", x->id,
                                  l->cfg->departments.items[e->row.department].label, e->row.name))
                    return false;
            }
        }
    }
    return true;
}

static bool copy_findings(ledger *l, ledger_entry *e, const findings *f)
{
    findings_sort((findings *)f);
    finding *copy = arena_alloc_array(l->a, f->n ? f->n : 1, sizeof *copy);
    if (!copy)
        return false;
    for (size_t i = 0; i < f->n; i++) {
        copy[i] = f->items[i];
        copy[i].file = e->row.name;
        copy[i].message = arena_strdup(l->a, f->items[i].message);
        copy[i].path = f->items[i].path ? arena_strdup(l->a, f->items[i].path) : NULL;
        if (!copy[i].message || (f->items[i].path && !copy[i].path))
            return false;
    }
    e->row.findings = copy;
    e->row.n_findings = f->n;
    return true;
}

static bool remember_ids(ledger *l, ledger_entry *e, const document *doc)
{
    e->ids = arena_alloc_array(l->a, doc->n_indsatser ? doc->n_indsatser : 1, sizeof *e->ids);
    if (!e->ids)
        return false;
    for (size_t k = 0; k < doc->n_indsatser; k++)
        if (!(e->ids[e->n_ids++] = arena_strdup(l->a, doc->indsatser[k].id)))
            return false;
    return true;
}

ledger_entry *ledger_admit(ledger *l, processed_file *p, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        ledger_entry **items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return NULL;
        l->items = items;
        l->cap = cap;
    }
    ledger_entry *e = arena_alloc(l->a, sizeof *e);
    if (!e)
        return NULL;
    e->seq = l->n;
    e->path = arena_strdup(l->a, path);
    e->row.name = arena_strdup(l->a, p->source.name);
    e->row.sha256_hex = arena_strdup(l->a, p->source.sha256_hex);
    e->row.bytes = p->source.bytes;
    e->row.department = -1;
    if (!e->path || !e->row.name || !e->row.sha256_hex)
        return NULL;
    const document *doc = p->doc;
    if (doc) {
        e->row.department = doc->department;
        e->row.has_period = doc->has_period;
        e->row.period = doc->period;
        e->row.has_indsendt = doc->has_indsendt;
        e->row.indsendt = doc->indsendt;
    }

    bool duplicate = false;
    for (size_t i = 0; i < l->n && !duplicate; i++)
        duplicate = strcmp(l->items[i]->row.sha256_hex, e->row.sha256_hex) == 0;

    if (duplicate) {
        e->row.status = SOURCE_DUPLICATE;
    } else if (!p->accepted) {
        e->row.status = SOURCE_REJECTED;
    } else {
        if (!check_id_conflicts(l, doc, &p->findings))
            return NULL;
        if (p->findings.errors) {
            e->row.status = SOURCE_REJECTED;
            p->accepted = false;
        } else {
            ledger_entry *current = NULL;
            for (size_t i = 0; i < l->n && !current; i++)
                if (same_key(l->items[i], doc))
                    current = l->items[i];
            if (current && date_compare(&doc->indsendt, &current->row.indsendt) < 0) {
                /* Older than what counts: kept, not counted. */
                char date[11];
                date_format(&current->row.indsendt, date);
                if (!findings_add(&p->findings, F_DOCUMENT_OLDER, 0, NULL,
                                  "%s har allerede et dokument for perioden indsendt %s (%s); dette "
                                  "ældre dokument tælles ikke med",
                                  l->cfg->departments.items[doc->department].label, date,
                                  current->row.name))
                    return NULL;
                e->row.status = SOURCE_SUPERSEDED;
                e->superseded_by = current;
                e->row.superseded_by = current->row.name;
            } else {
                if (current) {
                    current->row.status = SOURCE_SUPERSEDED;
                    current->superseded_by = e;
                    current->row.superseded_by = e->row.name;
                    l->cache_bytes -= current->cache.arena ? arena_bytes(current->cache.arena) : 0;
                    processed_file_release(&current->cache);
                }
                e->row.status = SOURCE_ACCEPTED;
                if (!remember_ids(l, e, doc))
                    return NULL;
            }
        }
    }
    if (!copy_findings(l, e, &p->findings))
        return NULL;

    size_t bytes = p->arena ? arena_bytes(p->arena) : 0;
    if (e->row.status == SOURCE_ACCEPTED && l->cache_bytes + bytes <= l->cache_budget) {
        e->cache = *p;   /* keep the parsed document */
        l->cache_bytes += bytes;
        memset(p, 0, sizeof *p);
    } else {
        processed_file_release(p);
    }
    l->items[l->n++] = e;
    return e;
}

static int compare_periods(const void *pa, const void *pb)
{
    const sn_period *a = pa, *b = pb;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return (a->half > b->half) - (a->half < b->half);
}

size_t ledger_periods(const ledger *l, sn_period **out)
{
    *out = malloc((l->n ? l->n : 1) * sizeof **out);
    if (!*out)
        return (size_t)-1;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const source_row *r = &l->items[i]->row;
        if (!r->has_period)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = compare_periods(&(*out)[k], &r->period) == 0;
        if (!seen)
            (*out)[n++] = r->period;
    }
    qsort(*out, n, sizeof **out, compare_periods);
    return n;
}

const document *ledger_load(ledger_entry *e, const config *cfg, processed_file *scratch,
                            char *err, size_t errlen)
{
    memset(scratch, 0, sizeof *scratch);
    if (e->cache.doc)
        return e->cache.doc;
    if (process_file(e->path, e->row.name, cfg, scratch) != 0) {
        snprintf(err, errlen, "%s: out of memory", e->path);
        return NULL;
    }
    if (strcmp(scratch->source.sha256_hex, e->row.sha256_hex) != 0 || !scratch->accepted) {
        snprintf(err, errlen, "%s: the file changed while the run read it", e->path);
        return NULL;
    }
    return scratch->doc;
}
