/* ledger.c — arrival order, duplicates, supersession, id conflicts; see ledger.h. */
#include "ledger.h"

#include "elements.h"
#include "hashmap.h"
#include "sha256.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct ledger {
    arena *a;
    arena *ids_arena;            /* ids and their index: let go by ledger_release_ids */
    bool ids_released;
    const config *cfg;
    ledger_entry **items;
    size_t n, cap;
    size_t cache_bytes, cache_budget;
    /* The cache holds documents of one period only, the earliest accepted:
     * the first the workbooks read (see cache_document). */
    bool cache_has_period;
    sn_period cache_period;
    ledger_entry **cached;
    size_t n_cached, cap_cached;
    text_map by_content;        /* sha256 → the first entry with those bytes that was not rejected */
    text_map by_copy;           /* sha256 → the first entry whose bytes are archived */
    text_map rejected;          /* sha256 → the first rejected entry with those bytes */
    text_map current;           /* "department period" → the accepted document */
    text_map ids;               /* "period id" → the last accepted document using it */
    /* A ledger with a source holds part of the archive (ledger_set_source). */
    bool has_source;
    bool loose_loaded;           /* the entries without a period are in (ledger_need_loose) */
    ledger_source src;
    size_t next_seq;             /* the next new entry's place in the arrival order */
    text_map loaded_periods, loaded_hashes;
    char error[512];
};

/* The value the loaded_* sets hold: present. */
static ledger_entry loaded_mark;

/* The keys. */
static const char *department_period_key(char buf[48], int department, const sn_period *p)
{
    snprintf(buf, 48, "%d %d-%d", department, p->year, p->half);
    return buf;
}

static const char *period_id_key(char *buf, size_t size, const sn_period *p, const char *id)
{
    snprintf(buf, size, "%d-%d %s", p->year, p->half, id);
    return buf;
}

ledger *ledger_new(const config *cfg, size_t cache_budget_bytes)
{
    ledger *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->a = arena_new();
    l->ids_arena = arena_new();
    if (!l->a || !l->ids_arena) {
        arena_free(l->a);
        arena_free(l->ids_arena);
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
        if (l->items[i]->cache) {
            processed_file_release(l->items[i]->cache);
            free(l->items[i]->cache);
        }
    free(l->cached);
    text_map_free(&l->by_content);
    text_map_free(&l->by_copy);
    text_map_free(&l->rejected);
    text_map_free(&l->current);
    text_map_free(&l->ids);
    text_map_free(&l->loaded_periods);
    text_map_free(&l->loaded_hashes);
    free(l->items);
    arena_free(l->a);
    arena_free(l->ids_arena);
    free(l);
}

void ledger_release_ids(ledger *l)
{
    text_map_free(&l->ids);
    memset(&l->ids, 0, sizeof l->ids);
    for (size_t i = 0; i < l->n; i++) {
        l->items[i]->ids = NULL;
        l->items[i]->id_lines = NULL;
        l->items[i]->n_ids = 0;
    }
    arena_free(l->ids_arena);
    l->ids_arena = arena_new();
    l->ids_released = true;
}

size_t ledger_count(const ledger *l) { return l->n; }

bool ledger_set_copy(ledger *l, ledger_entry *e, const char *path, const char *archived,
                     const char *copy_sha256)
{
    const char *p = arena_strdup(l->a, path), *r = arena_strdup(l->a, archived),
               *s = arena_strdup(l->a, copy_sha256);
    if (!p || !r || !s)
        return false;
    e->path = p;
    e->archived = r;
    e->path_sha256_hex = s;
    const char *sha = e->row.id.sha256_hex;
    return !sha[0] || !r[0] || text_map_set(&l->by_copy, NULL, sha, e, true);
}

static bool need_hash(ledger *l, const char *sha256_hex);

ledger_entry *ledger_find_copy(ledger *l, const char *sha256_hex)
{
    if (!sha256_hex[0] || !need_hash(l, sha256_hex))
        return NULL;
    return text_map_get(&l->by_copy, sha256_hex);
}

void ledger_set_source(ledger *l, const ledger_source *src, size_t next_seq)
{
    l->has_source = true;
    l->src = *src;
    if (next_seq > l->next_seq)
        l->next_seq = next_seq;
}

const char *ledger_error(const ledger *l)
{
    return l->error[0] ? l->error : "ikke nok hukommelse";
}

bool ledger_need_period(ledger *l, sn_period period)
{
    char key[48];
    snprintf(key, sizeof key, "%d-%d", period.year, period.half);
    if (!l->has_source || text_map_get(&l->loaded_periods, key))
        return true;
    /* Marked first: loading restores entries, which asks for nothing. */
    if (!text_map_put(&l->loaded_periods, l->a, key, &loaded_mark))
        return false;
    return l->src.load_period(l->src.ctx, l, period, l->error, sizeof l->error);
}

bool ledger_need_loose(ledger *l)
{
    if (!l->has_source || l->loose_loaded || !l->src.load_loose)
        return true;
    l->loose_loaded = true;
    return l->src.load_loose(l->src.ctx, l, l->error, sizeof l->error);
}

bool ledger_hash_loaded(const ledger *l, const char *sha256_hex)
{
    return !l->has_source || text_map_get(&l->loaded_hashes, sha256_hex) != NULL;
}

bool ledger_loose_loaded(const ledger *l)
{
    return !l->has_source || l->loose_loaded;
}

/* The entries with these bytes (and so the periods they are in). */
static bool need_hash(ledger *l, const char *sha256_hex)
{
    if (!l->has_source || text_map_get(&l->loaded_hashes, sha256_hex))
        return true;
    if (!text_map_put(&l->loaded_hashes, l->a, sha256_hex, &loaded_mark))
        return false;
    return l->src.load_hash(l->src.ctx, l, sha256_hex, l->error, sizeof l->error);
}
ledger_entry *ledger_get(const ledger *l, size_t i) { return l->items[i]; }

static bool same_period(const source_row *r, const admission *a)
{
    return r->id.has_period && a->id.has_period && period_compare(&r->id.period, &a->id.period) == 0;
}

/* ID_CONFLICT for each id that a current document of another department in
 * the same period already uses. */
static bool check_id_conflicts(ledger *l, const admission *a, findings *f)
{
    if (!a->id.has_period)
        return true;
    for (size_t k = 0; k < a->n_ids; k++) {
        char key[128];
        const ledger_entry *e =
            text_map_get(&l->ids, period_id_key(key, sizeof key, &a->id.period, a->ids[k]));
        if (!e || e->row.status != SOURCE_ACCEPTED || e->row.id.department == a->id.department ||
            !same_period(&e->row, a))
            continue;
        char path[96];
        element_path(path, sizeof path, EL_INDSATS, (size_t[]){k + 1}, "id");
        if (!findings_add(f, F_ID_CONFLICT, a->id_lines ? a->id_lines[k] : 0, path,
                          "id=\"%s\" bruges allerede af %s i samme periode (%s)", a->ids[k],
                          l->cfg->departments.items[e->row.id.department].label, e->row.id.name))
            return false;
    }
    return true;
}

/* Whether two lists of findings say the same (code, line, path, message,
 * detail): a resend of rejected bytes, found wrong in the same ways. */
static bool same_findings(const finding *x, size_t nx, const finding *y, size_t ny)
{
    if (nx != ny)
        return false;
    for (size_t i = 0; i < nx; i++)
        if (x[i].code != y[i].code || x[i].line != y[i].line || strcmp(x[i].message, y[i].message) != 0 ||
            strcmp(x[i].path ? x[i].path : "", y[i].path ? y[i].path : "") != 0 ||
            strcmp(x[i].detail ? x[i].detail : "", y[i].detail ? y[i].detail : "") != 0)
            return false;
    return true;
}

/* The entry's findings: those of processing, then those admission adds. A
 * resend of rejected bytes found wrong in the same ways shares the texts of
 * the first such entry: a flood of resends costs its findings once. */
static bool keep_findings(ledger *l, ledger_entry *e, const admission *a, const findings *added)
{
    size_t n = a->n_findings + added->n;
    const ledger_entry *first =
        e->row.status == SOURCE_REJECTED && added->n == 0 && e->row.id.sha256_hex[0]
            ? text_map_get(&l->rejected, e->row.id.sha256_hex) : NULL;
    if (first && first != e && same_findings(a->findings, a->n_findings, first->row.findings,
                                             first->row.n_findings)) {
        e->row.findings = first->row.findings;   /* their file is the first's (report_finding_text_as) */
        e->row.n_findings = n;
        return true;
    }
    finding *copy = arena_alloc_array(l->a, n ? n : 1, sizeof *copy);
    if (!copy)
        return false;
    for (size_t i = 0; i < n; i++) {
        const finding *x = i < a->n_findings ? &a->findings[i] : &added->items[i - a->n_findings];
        copy[i] = *x;
        copy[i].file = e->row.id.name;
        copy[i].message = arena_strdup(l->a, x->message);
        copy[i].path = x->path ? arena_strdup(l->a, x->path) : NULL;
        copy[i].detail = x->detail ? arena_strdup(l->a, x->detail) : NULL;
        if (!copy[i].message || (x->path && !copy[i].path) || (x->detail && !copy[i].detail))
            return false;
    }
    e->row.findings = copy;
    e->row.n_findings = n;
    return true;
}

static bool keep_ids(ledger *l, ledger_entry *e, const admission *a)
{
    size_t n = a->n_ids ? a->n_ids : 1;
    if (!l->ids_arena)
        return false;
    e->ids = arena_alloc_array(l->ids_arena, n, sizeof *e->ids);
    e->id_lines = arena_alloc_array(l->ids_arena, n, sizeof *e->id_lines);
    if (!e->ids || !e->id_lines)
        return false;
    for (size_t k = 0; k < a->n_ids; k++) {
        if (!(e->ids[k] = arena_strdup(l->ids_arena, a->ids[k])))
            return false;
        e->id_lines[k] = a->id_lines ? a->id_lines[k] : 0;
    }
    e->n_ids = a->n_ids;
    return true;
}

/* The entry's cached document out of the cache, into *into. False when
 * there is none. */
static bool uncache(ledger *l, ledger_entry *e, processed_file *into)
{
    if (!e->cache)
        return false;
    l->cache_bytes -= arena_bytes(e->cache->arena);
    *into = *e->cache;
    free(e->cache);
    e->cache = NULL;
    for (size_t k = 0; k < l->n_cached; k++)
        if (l->cached[k] == e) {
            l->cached[k] = l->cached[--l->n_cached];
            break;
        }
    return true;
}

static void drop_cache(ledger *l, ledger_entry *e)
{
    processed_file p;
    if (uncache(l, e, &p))
        processed_file_release(&p);
}

bool ledger_take_cached(ledger *l, ledger_entry *e, processed_file *into)
{
    return uncache(l, e, into);
}

/* Keeps the parsed document of an accepted entry while the budget allows —
 * only the earliest period's: the workbooks are built in period order, so
 * those are read first and handed over then (ledger_take_cached), and the
 * cache never sits beside a workbook being written. A document of an
 * earlier period than the cache's empties it. Takes p, or releases it. */
static void cache_document(ledger *l, ledger_entry *e, processed_file *p)
{
    const document *doc = p->doc;
    size_t bytes = p->arena ? arena_bytes(p->arena) : 0;
    if (e->row.status != SOURCE_ACCEPTED || !doc || !doc->has_period) {
        processed_file_release(p);
        return;
    }
    if (!l->cache_has_period || period_compare(&doc->period, &l->cache_period) < 0) {
        while (l->n_cached)
            drop_cache(l, l->cached[0]);
        l->cache_period = doc->period;
        l->cache_has_period = true;
    }
    if (period_compare(&doc->period, &l->cache_period) != 0 ||
        l->cache_bytes + bytes > l->cache_budget) {
        processed_file_release(p);
        return;
    }
    if (l->n_cached == l->cap_cached) {
        size_t cap = l->cap_cached ? 2 * l->cap_cached : 16;
        ledger_entry **grown = realloc(l->cached, cap * sizeof *grown);
        if (!grown) {
            processed_file_release(p);   /* read again later: only slower */
            return;
        }
        l->cached = grown;
        l->cap_cached = cap;
    }
    if (!(e->cache = malloc(sizeof *e->cache))) {
        processed_file_release(p);
        return;
    }
    *e->cache = *p;
    memset(p, 0, sizeof *p);
    l->cache_bytes += bytes;
    l->cached[l->n_cached++] = e;
}

/* Decides the status of a new entry; returns false when out of memory. */
static bool decide(ledger *l, ledger_entry *e, const admission *a, findings *added)
{
    /* A resend of a rejected document is no duplicate: it is rejected again
     * (FORMAT.md). A file without a hash was never read. */
    ledger_entry *same = a->id.sha256_hex[0] ? text_map_get(&l->by_content, a->id.sha256_hex) : NULL;
    if (same) {
        /* Kilder names the earlier file it repeats (WORKBOOK.md). */
        e->row.status = SOURCE_DUPLICATE;
        e->row.superseded_by = same->row.id.name;
        return true;
    }
    if (!a->valid) {
        e->row.status = SOURCE_REJECTED;
        return true;
    }
    if (!check_id_conflicts(l, a, added))
        return false;
    if (added->errors) {
        e->row.status = SOURCE_REJECTED;
        return true;
    }
    char key[48];
    ledger_entry *current =
        a->id.has_period
            ? text_map_get(&l->current, department_period_key(key, a->id.department, &a->id.period))
            : NULL;
    if (current && current->row.status != SOURCE_ACCEPTED)
        current = NULL;
    if (current && date_compare(&a->id.indsendt, &current->row.id.indsendt) < 0) {
        /* Older than what counts: kept in the archive, not counted. */
        char date[11];
        date_format(&current->row.id.indsendt, date);
        if (!findings_add(added, F_DOCUMENT_OLDER, 0, NULL,
                          "%s har allerede et dokument for perioden indsendt %s (%s); dette ældre "
                          "dokument tælles ikke med",
                          l->cfg->departments.items[a->id.department].label, date, current->row.id.name))
            return false;
        e->row.status = SOURCE_SUPERSEDED;
        e->row.superseded_by = current->row.id.name;
        return true;
    }
    if (current) {
        current->row.status = SOURCE_SUPERSEDED;
        current->row.superseded_by = e->row.id.name;
        current->changed = true;
        drop_cache(l, current);
    }
    e->row.status = SOURCE_ACCEPTED;
    if (!keep_ids(l, e, a) ||
        !text_map_put(&l->current, l->a, department_period_key(key, a->id.department, &a->id.period), e))
        return false;
    for (size_t k = 0; k < e->n_ids; k++) {
        char id_key[128];
        if (!text_map_put(&l->ids, l->ids_arena, period_id_key(id_key, sizeof id_key, &a->id.period, e->ids[k]), e))
            return false;
    }
    return true;
}

/* A new entry with a's identity and paths, not yet decided or kept. */
static ledger_entry *new_entry(ledger *l, const admission *a)
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
    e->seq = l->next_seq++;
    e->run_index = a->run_index;
    e->valid = a->valid;
    e->path = arena_strdup(l->a, a->path);
    e->archived = arena_strdup(l->a, a->archived ? a->archived : "");
    e->path_sha256_hex = arena_strdup(l->a, a->path_sha256_hex ? a->path_sha256_hex : a->id.sha256_hex);
    e->load_cfg = a->load_cfg;
    e->row.id = a->id;
    e->row.id.name = arena_strdup(l->a, a->id.name);
    e->row.id.sha256_hex = arena_strdup(l->a, a->id.sha256_hex);
    e->row.received = a->received && a->received[0] ? arena_strdup(l->a, a->received) : NULL;
    if (!e->path || !e->archived || !e->path_sha256_hex || !e->row.id.name || !e->row.id.sha256_hex ||
        (a->received && a->received[0] && !e->row.received))
        return NULL;
    return e;
}

/* Indexes e under key unless an entry that arrived earlier is there: the
 * first with the bytes counts, whatever order a partial ledger loads in. */
static bool index_first(text_map *m, const char *key, ledger_entry *e)
{
    ledger_entry *old = text_map_get(m, key);
    if (old && old->seq < e->seq)
        return true;
    /* The entry's own hash string is the key: it lives as long as the ledger. */
    return text_map_set(m, NULL, key, e, false);
}

/* Keeps e and indexes it by content and copy. */
static bool keep_entry(ledger *l, ledger_entry *e)
{
    const char *sha = e->row.id.sha256_hex;
    if (sha[0] && e->row.status != SOURCE_REJECTED && !index_first(&l->by_content, sha, e))
        return false;
    if (sha[0] && e->row.status == SOURCE_REJECTED && !index_first(&l->rejected, sha, e))
        return false;
    if (sha[0] && e->archived[0] && !index_first(&l->by_copy, sha, e))
        return false;
    l->items[l->n++] = e;
    return true;
}

ledger_entry *ledger_admit_record(ledger *l, const admission *a)
{
    if (l->ids_released) {   /* id conflicts could no longer be seen */
        snprintf(l->error, sizeof l->error, "ledger: ids released before an admission");
        return NULL;
    }
    /* What the decision looks at: earlier entries with the same bytes, and
     * the period's (its current documents, its ids). */
    if ((a->id.sha256_hex[0] && !need_hash(l, a->id.sha256_hex)) ||
        (a->id.has_period && !ledger_need_period(l, a->id.period)))
        return NULL;
    ledger_entry *e = new_entry(l, a);
    arena *scratch = arena_new();
    if (!e || !scratch) {
        arena_free(scratch);
        return NULL;
    }
    findings added;
    findings_init(&added, scratch, a->id.name);
    bool ok = decide(l, e, a, &added) && keep_findings(l, e, a, &added);
    arena_free(scratch);
    return ok && keep_entry(l, e) ? e : NULL;
}

ledger_entry *ledger_restore(ledger *l, const admission *a, source_status status,
                             const char *superseded_by, size_t seq)
{
    size_t next = l->next_seq;   /* a restored entry keeps its own place */
    ledger_entry *e = new_entry(l, a);
    findings none = {0};
    if (!e)
        return NULL;
    e->seq = seq;
    l->next_seq = seq + 1 > next ? seq + 1 : next;
    e->row.status = status;
    if (superseded_by && !(e->row.superseded_by = arena_strdup(l->a, superseded_by)))
        return NULL;
    if (!keep_findings(l, e, a, &none) || (a->n_ids && !keep_ids(l, e, a)))
        return NULL;
    if (status == SOURCE_ACCEPTED) {
        char key[48];
        if (!text_map_put(&l->current, l->a, department_period_key(key, a->id.department, &a->id.period), e))
            return NULL;
        for (size_t k = 0; k < e->n_ids; k++) {
            char id_key[128];
            if (!text_map_put(&l->ids, l->ids_arena, period_id_key(id_key, sizeof id_key, &a->id.period, e->ids[k]), e))
                return NULL;
        }
    }
    return keep_entry(l, e) ? e : NULL;
}

ledger_entry *ledger_admit(ledger *l, processed_file *p, const char *path, size_t run_index,
                           const char *received)
{
    const document *doc = p->doc;
    const char **ids = NULL;
    uint32_t *lines = NULL;
    if (doc && doc->n_indsatser) {
        ids = malloc(doc->n_indsatser * sizeof *ids);
        lines = malloc(doc->n_indsatser * sizeof *lines);
        if (!ids || !lines) {
            free(ids);
            free(lines);
            return NULL;
        }
        for (size_t k = 0; k < doc->n_indsatser; k++) {
            ids[k] = doc->indsatser[k].id;
            lines[k] = doc->indsatser[k].line;
        }
    }
    admission a = {
        .id = {.name = p->source.name, .sha256_hex = p->source.sha256_hex,
               .bytes = p->source.bytes, .department = doc ? doc->department : -1,
               .has_period = doc && doc->has_period, .period = doc ? doc->period : (sn_period){0},
               .has_indsendt = doc && doc->has_indsendt,
               .indsendt = doc ? doc->indsendt : (sn_date){0}},
        .path = path, .valid = p->accepted,
        .ids = ids, .id_lines = lines, .n_ids = doc ? doc->n_indsatser : 0,
        .findings = p->findings.items, .n_findings = p->findings.n, .run_index = run_index,
        .received = received,
    };
    ledger_entry *e = ledger_admit_record(l, &a);
    free(ids);
    free(lines);
    if (!e)
        return NULL;
    cache_document(l, e, p);
    return e;
}

ledger_entry *ledger_take_file(ledger *l, const char *path, const char *name, size_t run_index)
{
    processed_file p;
    ledger_entry *e = NULL;
    if (process_file(path, name, l->cfg, &p) == 0)
        e = ledger_admit(l, &p, path, run_index, NULL);
    processed_file_release(&p);   /* empty when the ledger kept it */
    return e;
}

size_t ledger_periods(const ledger *l, sn_period **out)
{
    *out = malloc((l->n ? l->n : 1) * sizeof **out);
    if (!*out)
        return (size_t)-1;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const source_identity *r = &l->items[i]->row.id;
        if (!r->has_period)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = period_compare(&(*out)[k], &r->period) == 0;
        if (!seen)
            (*out)[n++] = r->period;
    }
    qsort(*out, n, sizeof **out, period_compare_void);
    return n;
}

process_job ledger_reload_job(const ledger_entry *e, const config *cfg)
{
    return (process_job){e->path, e->row.id.name, e->load_cfg ? e->load_cfg : cfg};
}

bool ledger_reload_ok(const ledger_entry *e, const processed_file *p, char *err, size_t errlen)
{
    if (strcmp(p->source.sha256_hex, e->path_sha256_hex) == 0 && p->accepted && p->doc)
        return true;
    /* Read again and found wanting for a reason of the machine's, not the
     * file's: said as what it is. */
    for (size_t i = 0; i < p->findings.n; i++)
        if (p->findings.items[i].code == F_INTERNAL || p->findings.items[i].code == F_FILE_UNREADABLE) {
            snprintf(err, errlen, "%s: filen kan ikke læses igen: %s", e->path, p->findings.items[i].message);
            return false;
        }
    snprintf(err, errlen, "%s: filen er ikke den, der blev modtaget (ændret eller ulæselig)", e->path);
    return false;
}

const document *ledger_load(ledger_entry *e, const config *cfg, processed_file *scratch,
                            char *err, size_t errlen)
{
    memset(scratch, 0, sizeof *scratch);
    if (e->cache)
        return e->cache->doc;
    process_job f = ledger_reload_job(e, cfg);
    if (process_file(f.path, f.name, f.cfg, scratch) != 0) {
        snprintf(err, errlen, "%s: ikke nok hukommelse", e->path);
        return NULL;
    }
    return ledger_reload_ok(e, scratch, err, errlen) ? scratch->doc : NULL;
}

typedef struct {
    sn_period period;
    size_t seq, index;
} period_ref;

static int compare_period_refs(const void *a, const void *b)
{
    const period_ref *x = a, *y = b;
    int c = period_compare(&x->period, &y->period);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

size_t ledger_period_digests(const ledger *l, period_digest **out)
{
    period_ref *refs = malloc((l->n ? l->n : 1) * sizeof *refs);
    *out = malloc((l->n ? l->n : 1) * sizeof **out);
    size_t n_refs = 0, n = (size_t)-1;
    if (!refs || !*out)
        goto done;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i]->row.id.has_period)
            refs[n_refs++] = (period_ref){l->items[i]->row.id.period, l->items[i]->seq, i};
    if (n_refs)
        qsort(refs, n_refs, sizeof *refs, compare_period_refs);
    n = 0;
    for (size_t i = 0; i < n_refs;) {
        size_t j = i;
        sha256_state *md = sha256_begin();
        bool ok = md != NULL;
        for (; j < n_refs && period_compare(&refs[j].period, &refs[i].period) == 0; j++) {
            const source_row *r = &l->items[refs[j].index]->row;
            char line[128];
            int len = snprintf(line, sizeof line, "%s\t%s\t%d\n", r->id.sha256_hex,
                               source_status_code(r->status), r->id.department);
            ok = ok && sha256_add(md, line, (size_t)len);
        }
        if (!ok || !sha256_end_hex(md, (*out)[n].digest)) {
            if (!ok)
                sha256_discard(md);
            n = (size_t)-1;
            goto done;
        }
        (*out)[n].period = refs[i].period;
        n++;
        i = j;
    }
done:
    free(refs);
    if (n == (size_t)-1) {
        free(*out);
        *out = NULL;
    }
    return n;
}
