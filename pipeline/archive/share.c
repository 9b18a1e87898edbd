/* share.c — the share's records: what each workbook must be, the check of
 * the folder against them, and the records made again from the runs'
 * reports; see share.h. */
#include "share.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "durable.h"
#include "sha256.h"
#include "text.h"

#define KEY_FORMAT "statusnotat-share/1"

/* The last run that built a period (or the overviews) while the records are
 * made again from the archive. */
struct share_builder {
    bool is_overview;
    sn_period period;
    char run[40];
    int64_t created;
    char version[64];
    char config_sha256[65];
};

static const struct {
    const char *code, *text;
} reasons[] = {
    [SHARE_IN_STEP] = {"in_step", "i orden"},
    [SHARE_FAILED] = {"failed", "kunne ikke skrives sidste nat"},
    [SHARE_MISSING] = {"missing", "manglede"},
    [SHARE_EDITED] = {"edited", "var ændret i mappen"},
    [SHARE_NEW_CONFIG] = {"config", "konfigurationen er ændret"},
    [SHARE_NEW_VERSION] = {"version", "ny programversion"},
    [SHARE_NEW_INPUTS] = {"inputs", "kilderne er ændret"},
};

const char *share_reason_code(share_reason r)
{
    return reasons[r].code;
}

const char *share_reason_text(share_reason r)
{
    return reasons[r].text;
}

int share_reason_from_code(const char *code)
{
    for (size_t i = 0; code && i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(reasons[i].code, code) == 0)
            return (int)i;
    return -1;
}

void share_free(share *s)
{
    free(s->items);
    free(s->builders);
    *s = (share){0};
}

share_record *share_find(share *s, const char *file)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i].file, file) == 0)
            return &s->items[i];
    return NULL;
}

bool share_name_parse(const char *file, bool *is_overview, sn_period *period)
{
    size_t len = strlen(file);
    if (len >= 64 || !text_ends_with(file, ".xlsx") || file[0] == '.')
        return false;
    if (text_ends_with(file, "-oversigt.xlsx")) {
        *is_overview = true;
        return len > strlen("-oversigt.xlsx");
    }
    /* <stem>-YYYY-Hn.xlsx */
    if (len < strlen("x-2008-H2.xlsx"))
        return false;
    const char *p = file + len - strlen("2008-H2.xlsx");
    char text[8];
    memcpy(text, p, 7);
    text[7] = '\0';
    bool digits = p[-1] == '-' && p[4] == '-' && p[5] == 'H' && (p[6] == '1' || p[6] == '2');
    for (int i = 0; i < 4; i++)
        digits &= p[i] >= '0' && p[i] <= '9';
    *is_overview = false;
    return digits && value_period(text, period);
}

share_record *share_get(share *s, const char *file)
{
    share_record *r = share_find(s, file);
    if (r)
        return r;
    share_record fresh = {.size = -1, .mtime_ns = -1, .dirty = true};
    if (!share_name_parse(file, &fresh.is_overview, &fresh.period))
        return NULL;
    snprintf(fresh.file, sizeof fresh.file, "%s", file);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        share_record *items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return NULL;
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n] = fresh;
    return &s->items[s->n++];
}

/* ---- Keys ---------------------------------------------------------------------- */

static const char *digest_of(const period_digest *digests, size_t n, sn_period p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = period_compare(&digests[mid].period, &p);
        if (c == 0)
            return digests[mid].digest;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return "-";
}

void share_key(const share_record *r, const char *version, const char *config_sha256,
               const period_digest *digests, size_t n, char key[65])
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    key[0] = '\0';
    if (!f)
        return;
    fprintf(f, KEY_FORMAT "\n%s\n%s\n", version, config_sha256);
    if (r->is_overview) {
        for (size_t i = 0; i < n; i++) {
            char p[8];
            period_format(&digests[i].period, p);
            fprintf(f, "%s %s\n", p, digests[i].digest);
        }
    } else {
        fprintf(f, "%s\n%s\n", digest_of(digests, n, r->period),
                digest_of(digests, n, period_previous(r->period)));
    }
    if (fclose(f) == 0)
        sha256_hex_of(text, len, key);
    free(text);
}

/* ---- The folder against the records ---------------------------------------------- */

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static share_reason check_one(share_record *r, const char *out_dir, const char *version,
                              const char *config_sha256, const period_digest *digests, size_t n)
{
    char key[65], path[4200], sha[65];
    share_key(r, version, config_sha256, digests, n, key);
    if (!r->key[0] || strcmp(key, r->key) != 0) {
        if (strcmp(r->version, version) != 0)
            return SHARE_NEW_VERSION;
        if (strcmp(r->config_sha256, config_sha256) != 0)
            return SHARE_NEW_CONFIG;
        return SHARE_NEW_INPUTS;
    }
    if (!r->written)
        return SHARE_FAILED;
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", out_dir, r->file);
    if (lstat(path, &st) != 0)
        return SHARE_MISSING;
    if (!S_ISREG(st.st_mode))
        return SHARE_EDITED;
    if (st.st_size == r->size && mtime_ns(&st) == r->mtime_ns)
        return SHARE_IN_STEP;
    if (sha256_of_file(path, sha) != 0 || strcmp(sha, r->sha256) != 0)
        return SHARE_EDITED;
    r->size = st.st_size;        /* touched, not changed: remember when */
    r->mtime_ns = mtime_ns(&st);
    r->dirty = true;
    return SHARE_IN_STEP;
}

size_t share_check(share *s, const char *out_dir, const char *version, const char *config_sha256,
                   const period_digest *digests, size_t n)
{
    size_t off = 0;
    for (size_t i = 0; i < s->n; i++) {
        share_record *r = &s->items[i];
        r->reason = check_one(r, out_dir, version, config_sha256, digests, n);
        off += r->reason != SHARE_IN_STEP;
    }
    return off;
}

void share_set_written(share_record *r, const char *path, const char *sha256)
{
    struct stat st;
    r->written = true;
    snprintf(r->sha256, sizeof r->sha256, "%s", sha256);
    r->error[0] = '\0';
    r->size = r->mtime_ns = -1;
    if (lstat(path, &st) == 0) {
        r->size = st.st_size;
        r->mtime_ns = mtime_ns(&st);
    }
    r->reason = SHARE_IN_STEP;
    r->dirty = r->tried = true;
}

void share_set_failed(share_record *r, const char *error)
{
    r->written = false;
    r->sha256[0] = '\0';
    r->size = r->mtime_ns = -1;
    snprintf(r->error, sizeof r->error, "%s", error);
    r->dirty = true;
}

void share_set_tried_failed(share_record *r, const char *error)
{
    share_set_failed(r, error);
    r->tried = true;
}

void share_set_made(share_record *r, const char *key, const char *run, int64_t created,
                    const char *version, const char *config_sha256)
{
    snprintf(r->key, sizeof r->key, "%s", key ? key : "");
    snprintf(r->run, sizeof r->run, "%s", run);
    r->created = created;
    snprintf(r->version, sizeof r->version, "%s", version ? version : "");
    snprintf(r->config_sha256, sizeof r->config_sha256, "%s", config_sha256 ? config_sha256 : "");
    r->dirty = true;
}

/* ---- Made again from the archive -------------------------------------------------- */

static struct share_builder *builder_of(share *s, bool is_overview, sn_period p)
{
    for (size_t i = 0; i < s->n_builders; i++) {
        struct share_builder *b = &s->builders[i];
        if (b->is_overview == is_overview && (is_overview || period_compare(&b->period, &p) == 0))
            return b;
    }
    return NULL;
}

static bool set_builder(share *s, bool is_overview, sn_period p, const run_manifest *m)
{
    struct share_builder *b = builder_of(s, is_overview, p);
    if (!b) {
        if (s->n_builders == s->cap_builders) {
            size_t cap = s->cap_builders ? s->cap_builders * 2 : 64;
            struct share_builder *more = realloc(s->builders, cap * sizeof *more);
            if (!more)
                return false;
            s->builders = more;
            s->cap_builders = cap;
        }
        b = &s->builders[s->n_builders++];
    }
    *b = (struct share_builder){.is_overview = is_overview, .period = p, .created = m->recorded_time};
    snprintf(b->run, sizeof b->run, "%s", m->id);
    snprintf(b->version, sizeof b->version, "%s", m->version ? m->version : "");
    snprintf(b->config_sha256, sizeof b->config_sha256, "%s", m->config_sha256 ? m->config_sha256 : "");
    return true;
}

static void made_by_builder(share_record *r, const struct share_builder *b)
{
    share_set_made(r, "", b->run, b->created, b->version, b->config_sha256);
}

static bool built_by(const run_manifest *m, const share_record *r)
{
    if (r->is_overview)
        return m->n_periods > 0;
    for (size_t i = 0; i < m->n_periods; i++)
        if (period_compare(&m->periods[i], &r->period) == 0)
            return true;
    return false;
}

static const char *json_text(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

int share_apply_run(share *s, const run_manifest *m, const json_t *report)
{
    for (size_t i = 0; i < m->n_periods; i++)
        if (!set_builder(s, false, m->periods[i], m))
            return -1;
    if (m->n_periods && !set_builder(s, true, (sn_period){0}, m))
        return -1;
    /* Every workbook of what the run built is its, and written only where
     * its report says so. */
    for (size_t i = 0; i < s->n; i++) {
        share_record *r = &s->items[i];
        if (!built_by(m, r))
            continue;
        share_set_made(r, "", m->id, m->recorded_time, m->version, m->config_sha256);
        share_set_failed(r, report ? "kørslens rapport nævner det ikke" : "kørslen blev ikke gjort færdig");
    }
    if (!report)
        return 0;
    size_t k;
    json_t *w;
    json_array_foreach(json_object_get(report, "workbooks"), k, w) {
        share_record *r = share_get(s, json_text(w, "file"));
        if (!r)
            continue;            /* not a workbook's name: nothing the share owns */
        if (!built_by(m, r) || strcmp(r->run, m->id) != 0)
            share_set_made(r, "", m->id, m->recorded_time, m->version, m->config_sha256);
        r->written = true;
        snprintf(r->sha256, sizeof r->sha256, "%s", json_text(w, "sha256"));
        r->error[0] = '\0';
        r->size = r->mtime_ns = -1;   /* hashed once by the next check */
    }
    json_array_foreach(json_object_get(report, "failed_workbooks"), k, w) {
        share_record *r = share_get(s, json_text(w, "file"));
        if (!r)
            continue;
        const char *of_run = json_text(w, "of_run");
        if (!of_run[0] && strcmp(r->run, m->id) != 0)
            share_set_made(r, "", m->id, m->recorded_time, m->version, m->config_sha256);
        share_set_failed(r, json_text(w, "error"));
    }
    json_array_foreach(json_object_get(report, "rewritten"), k, w) {
        share_record *r = share_get(s, json_text(w, "file"));
        if (!r)
            continue;
        if (!r->run[0]) {
            struct share_builder *b = builder_of(s, r->is_overview, r->period);
            if (b)
                made_by_builder(r, b);
        }
        r->written = true;
        snprintf(r->sha256, sizeof r->sha256, "%s", json_text(w, "sha256"));
        r->error[0] = '\0';
        r->size = r->mtime_ns = -1;
    }
    return 0;
}

/* The record of a workbook the ledger gives, made when no report named it. */
static int owned(share *s, const char *file, bool is_overview, sn_period p)
{
    if (share_find(s, file))
        return 0;
    struct share_builder *b = builder_of(s, is_overview, p);
    if (!b)
        return 0;                /* no run built it: nothing to keep in step */
    share_record *r = share_get(s, file);
    if (!r)
        return -1;
    made_by_builder(r, b);
    share_set_failed(r, "ingen kørsels rapport nævner det");
    return 0;
}

int share_complete(share *s, const ledger *l, const config *cfg, const period_digest *digests,
                   size_t n)
{
    size_t n_deps = cfg->departments.n;
    bool *any = calloc(n_deps + 1, 1);
    sn_period *periods = NULL;
    size_t n_periods = ledger_periods(l, &periods);
    int rc = any && n_periods != (size_t)-1 ? 0 : -1;
    bool *in_period = rc == 0 ? calloc(n_deps + 1, 1) : NULL;
    if (rc == 0 && !in_period)
        rc = -1;
    for (size_t p = 0; rc == 0 && p < n_periods; p++) {
        memset(in_period, 0, n_deps + 1);
        for (size_t i = 0; i < ledger_count(l); i++) {
            const source_identity *id = &ledger_get(l, i)->row.id;
            if (id->has_period && period_compare(&id->period, &periods[p]) == 0 && id->department >= 0)
                in_period[id->department] = any[id->department] = true;
        }
        char period[8], file[64];
        period_format(&periods[p], period);
        snprintf(file, sizeof file, "statusredegoerelse-%s.xlsx", period);
        rc = owned(s, file, false, periods[p]);
        for (size_t d = 0; rc == 0 && d < n_deps; d++)
            if (in_period[d]) {
                snprintf(file, sizeof file, "%s-%s.xlsx", cfg->departments.items[d].file_code, period);
                rc = owned(s, file, false, periods[p]);
            }
    }
    for (size_t d = 0; rc == 0 && n_periods && d <= n_deps; d++) {
        char file[64];
        if (d < n_deps && !any[d])
            continue;
        snprintf(file, sizeof file, "%s-oversigt.xlsx",
                 d < n_deps ? cfg->departments.items[d].file_code : "statusredegoerelse");
        rc = owned(s, file, true, (sn_period){0});
    }
    for (size_t i = 0; rc == 0 && i < s->n; i++) {
        share_record *r = &s->items[i];
        if (!r->key[0])
            share_key(r, r->version, r->config_sha256, digests, n, r->key);
    }
    free(any);
    free(in_period);
    free(periods);
    return rc;
}
