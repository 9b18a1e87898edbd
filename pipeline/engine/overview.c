/* overview.c — the overview across periods: a row per period from this run's
 * builds, the cache or a fresh aggregation, then the workbooks; see
 * overview.h. */
#include "overview.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "build.h"
#include "contained.h"
#include "durable.h"
#include "sha256.h"
#include "emit.h"
#include "version.h"
#include "layout.h"
#include "strbuf.h"

#define CACHE_FORMAT "statusnotat-oversigt/1"

struct overview {
    ledger *l;
    const config *cfg;
    const char *cache_path;
    char config_sha256[65];
    period_summary *rows;        /* this run's builds, then everything written */
    size_t n, cap;
    bool failed;                 /* out of memory while adding */
    period_digest *periods;      /* every period present, ascending */
    size_t n_periods;
    bool has_periods;
    bool read_only;              /* verify: a damaged cache is told, not set aside */
    char cache_error[512];       /* why the cache could not be written; "" */
};

/* ---- One row as text ------------------------------------------------------------ */

bool summary_format(const period_summary *row, const config *cfg, char *buf, size_t size)
{
    char period[8];
    period_format(&row->period, period);
    int n = snprintf(buf, size, "%s\t%s\t%d\t%.17g\t%.17g\t%" PRId64 "\t%zu\t%zu\t%zu", period,
                     row->department >= 0 ? cfg->departments.items[row->department].code : "",
                     row->latest_year, row->granted, row->limited, row->frame, row->indsatser,
                     row->accepted, row->rejected);
    return n > 0 && (size_t)n < size;
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    *out = (size_t)v;
    return *s && !*end && errno == 0;
}

bool summary_parse(char *line, const config *cfg, period_summary *row)
{
    char *f[9];
    size_t n = 0;
    for (char *p = line; n < 9;) {
        f[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    if (n != 9)
        return false;
    *row = (period_summary){0};
    char *end;
    if (!value_period(f[0], &row->period))
        return false;
    row->department = f[1][0] ? vocab_find_code(&cfg->departments, f[1]) : -1;
    if (f[1][0] && row->department < 0)
        return false;
    row->latest_year = (int)strtol(f[2], &end, 10);
    if (*end)
        return false;
    row->granted = strtod(f[3], &end);
    if (*end)
        return false;
    row->limited = strtod(f[4], &end);
    if (*end)
        return false;
    row->frame = strtoll(f[5], &end, 10);
    return !*end && parse_size(f[6], &row->indsatser) && parse_size(f[7], &row->accepted) &&
           parse_size(f[8], &row->rejected);
}

/* ---- The overview ------------------------------------------------------------- */

overview *overview_new(ledger *l, const config *cfg, const char *cache_path,
                       const char *config_sha256)
{
    overview *ov = calloc(1, sizeof *ov);
    if (!ov)
        return NULL;
    ov->l = l;
    ov->cfg = cfg;
    ov->cache_path = cache_path;
    snprintf(ov->config_sha256, sizeof ov->config_sha256, "%s", config_sha256 ? config_sha256 : "");
    return ov;
}

void overview_free(overview *ov)
{
    if (!ov)
        return;
    free(ov->rows);
    free(ov->periods);
    free(ov);
}

void overview_set_periods(overview *ov, period_digest *periods, size_t n)
{
    free(ov->periods);
    ov->periods = periods;
    ov->n_periods = n;
    ov->has_periods = true;
}

static bool push(overview *ov, const period_summary *row)
{
    if (ov->n == ov->cap) {
        size_t cap = ov->cap ? ov->cap * 2 : 64;
        period_summary *rows = realloc(ov->rows, cap * sizeof *rows);
        if (!rows)
            return false;
        ov->rows = rows;
        ov->cap = cap;
    }
    ov->rows[ov->n++] = *row;
    return true;
}

void overview_add(void *ctx, const period_summary *row)
{
    overview *ov = ctx;
    if (!push(ov, row))
        ov->failed = true;
}

void overview_cache_path(const char *archive, char *buf, size_t size)
{
    archive_path(buf, size, archive, ARCHIVE_OVERVIEW_CACHE, NULL, NULL);
}

static int compare_rows(const void *a, const void *b)
{
    const period_summary *x = a, *y = b;
    int c = period_compare(&x->period, &y->period);
    return c ? c : (x->department > y->department) - (x->department < y->department);
}

/* A period's key in the cache: what its rows are made of — the program, the
 * configuration and the period's sources (their digest). "" when it cannot
 * be made (never found in the cache, then). */
static void period_key(const overview *ov, const char *digest, char key[65])
{
    char text[256];
    int n = snprintf(text, sizeof text, CACHE_FORMAT "\n%s\n%s\n%s\n", program_version(),
                     ov->config_sha256, digest);
    key[0] = '\0';
    if (n > 0 && (size_t)n < sizeof text)
        sha256_hex_of(text, (size_t)n, key);
}

/* The periods present and their digests: as given (overview_set_periods),
 * or from the ledger. */
static int ensure_periods(overview *ov)
{
    if (ov->has_periods)
        return 0;
    size_t n = ledger_period_digests(ov->l, &ov->periods);
    if (n == (size_t)-1)
        return -1;
    ov->n_periods = n;
    ov->has_periods = true;
    return 0;
}

/* The cache: lines "key TAB row" after a format line. */
typedef struct {
    char key[65];
    period_summary row;
    size_t order;
} cached_row;

typedef struct {
    cached_row *rows;
    size_t n;
} cache;

static int compare_cached(const void *a, const void *b)
{
    const cached_row *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Reads what it can; an unreadable or foreign cache is an empty one. It is
 * read the way a delivery is (no link followed, no FIFO waited on, at most
 * ARCHIVE_FILE_LIMIT bytes): anything but a regular file in its place is set
 * aside, and the cache is made again. */
static void cache_read(const overview *ov, cache *c)
{
    *c = (cache){0};
    char *data;
    size_t len, room = 0;
    if (!ov->cache_path)
        return;
    if (durable_read_file(ov->cache_path, ARCHIVE_FILE_LIMIT, &data, &len) != 0) {
        if (errno != ENOENT && errno != ENOMEM && !ov->read_only)
            durable_set_aside(ov->cache_path);
        return;
    }
    char *line = data, *end = data + len;
    char *nl = memchr(line, '\n', len);
    bool ok = nl && strncmp(line, CACHE_FORMAT "\n", (size_t)(nl - line + 1)) == 0 &&
              (size_t)(nl - line) == strlen(CACHE_FORMAT);
    for (line = nl ? nl + 1 : end; ok && line < end; line = nl + 1) {
        nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl)
            break;               /* a last line cut off: not used */
        *nl = '\0';
        char *tab = strchr(line, '\t');
        if (!tab || tab - line != 64)
            continue;
        if (c->n == room) {
            room = room ? room * 2 : 256;
            cached_row *rows = realloc(c->rows, room * sizeof *rows);
            if (!rows)
                break;
            c->rows = rows;
        }
        cached_row *r = &c->rows[c->n];
        memcpy(r->key, line, 64);
        r->key[64] = '\0';
        r->order = c->n;
        if (summary_parse(tab + 1, ov->cfg, &r->row))
            c->n++;
    }
    free(data);
    if (c->n)
        qsort(c->rows, c->n, sizeof *c->rows, compare_cached);
}

/* The cached rows of a key: *first and the count. */
static size_t cache_find(const cache *c, const char *key, size_t *first)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->rows[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < c->n && strcmp(c->rows[lo + n].key, key) == 0)
        n++;
    *first = lo;
    return n;
}

/* Writes the cache; a failure is no error (the next night aggregates
 * again), but it is said: ov->cache_error. */
static void cache_write(overview *ov)
{
    char tmp[4200], line[512], key[65];
    if (!ov->cache_path || !durable_temp_name(ov->cache_path, tmp, sizeof tmp))
        return;
    ov->cache_error[0] = '\0';
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        snprintf(ov->cache_error, sizeof ov->cache_error, "%s: kan ikke skrives: %s", ov->cache_path,
                 errno_text(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    bool ok = fputs(CACHE_FORMAT "\n", f) >= 0;
    size_t r = 0;
    for (size_t p = 0; ok && p < ov->n_periods; p++) {
        period_key(ov, ov->periods[p].digest, key);
        for (; r < ov->n && period_compare(&ov->rows[r].period, &ov->periods[p].period) < 0; r++)
            ;
        for (; ok && r < ov->n && period_compare(&ov->rows[r].period, &ov->periods[p].period) == 0; r++)
            ok = !key[0] || (summary_format(&ov->rows[r], ov->cfg, line, sizeof line) &&
                             fprintf(f, "%s\t%s\n", key, line) > 0);
    }
    ok &= fclose(f) == 0;
    if (!ok || durable_commit(tmp, ov->cache_path) != 0) {
        snprintf(ov->cache_error, sizeof ov->cache_error, "%s: kan ikke skrives: %s", ov->cache_path,
                 errno_text(errno));
        unlink(tmp);
    }
}

const char *overview_cache_error(const overview *ov)
{
    return ov->cache_error[0] ? ov->cache_error : NULL;
}

/* The file name of department's overview (-1: the municipality's). */
static void overview_name(const config *c, int department, char name[64])
{
    snprintf(name, 64, "%s-oversigt.xlsx",
             department >= 0 ? c->departments.items[department].file_code : "statusredegoerelse");
}

static bool has_rows(const overview *ov, int department)
{
    for (size_t i = 0; i < ov->n; i++)
        if (ov->rows[i].department == department)
            return true;
    return false;
}

void overview_files(const overview *ov, void (*each)(void *ctx, const char *file), void *ctx)
{
    char name[64];
    for (int d = 0; d < (int)ov->cfg->departments.n; d++)
        if (has_rows(ov, d)) {
            overview_name(ov->cfg, d, name);
            each(ctx, name);
        }
    if (has_rows(ov, -1)) {
        overview_name(ov->cfg, -1, name);
        each(ctx, name);
    }
}

/* An overview is written in a child process like a period's workbook
 * (contained.h); the build's threads are done by then. */
typedef struct {
    const period_summary *rows;
    size_t n;
    const config *cfg;
    const char *scope;
    const emit_options *options;
} overview_job;

static int emit_overview_contained(void *ctx, char *err, size_t errlen)
{
    const overview_job *job = ctx;
    return emit_overview(job->rows, job->n, job->cfg, job->scope, job->options, err, errlen);
}

/* One overview, when it has rows and is wanted: 0, or -1 with a message
 * (told to on_failed too). */
static int write_one(const overview *ov, int department, const build_options *o, char *err,
                     size_t errlen)
{
    const config *c = ov->cfg;
    char name[64], path[4200];
    overview_name(c, department, name);
    if (!has_rows(ov, department) || (o->want && !o->want(o->want_ctx, name)))
        return 0;
    size_t n = 0;
    period_summary *rows = malloc(ov->n * sizeof *rows);
    snprintf(path, sizeof path, "%s/%s", o->out_dir, name);
    int rc = -1;
    if (!rows) {
        text_printf_cut(err, errlen, "%s: ikke nok hukommelse", path);
    } else {
        for (size_t i = 0; i < ov->n; i++)
            if (ov->rows[i].department == department)
                rows[n++] = ov->rows[i];
        emit_options eo = {.path = path, .created = o->created};
        overview_job job = {rows, n, c,
                            department >= 0 ? c->departments.items[department].label : "Alle forvaltninger",
                            &eo};
        char why[1024];
        rc = contained_run(emit_overview_contained, &job, true, why, sizeof why);
        if (rc != 0 && strstr(why, path))
            snprintf(err, errlen, "%s", why);
        else if (rc != 0)
            text_printf_cut(err, errlen, "%s: regnearket kan ikke skrives: %s", path, why);
    }
    if (rc == 0 && o->on_written)
        o->on_written(o->ctx, path);
    if (rc != 0 && o->on_failed)
        o->on_failed(o->ctx, path, err);
    free(rows);
    return rc;
}

int overview_write(overview *ov, const build_options *o, char *err, size_t errlen)
{
    size_t built = ov->n;
    cache c = {0};
    int rc = -1;
    if (ov->failed || ensure_periods(ov) != 0) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    cache_read(ov, &c);
    /* Each period's rows: built in this run, else cached under its key, else
     * aggregated now (its entries brought into the ledger first). */
    if (ov->n)
        qsort(ov->rows, ov->n, sizeof *ov->rows, compare_rows);
    for (size_t p = 0; p < ov->n_periods; p++) {
        sn_period period = ov->periods[p].period;
        bool have = false;
        for (size_t r = 0; r < built && !have; r++)
            have = period_compare(&ov->rows[r].period, &period) == 0;
        if (have)
            continue;
        char key[65] = "";
        if (ov->cache_path)
            period_key(ov, ov->periods[p].digest, key);
        size_t first, n = key[0] ? cache_find(&c, key, &first) : 0;
        for (size_t k = 0; k < n; k++)
            if (!push(ov, &c.rows[first + k].row))
                ov->failed = true;
        if (n == 0) {
            if (!ledger_need_period(ov->l, period)) {
                snprintf(err, errlen, "%s", ledger_error(ov->l));
                goto done;
            }
            if (build_summarize(ov->l, ov->cfg, period, overview_add, ov, err, errlen) != 0)
                goto done;
        }
        if (ov->failed) {
            snprintf(err, errlen, "ikke nok hukommelse");
            goto done;
        }
    }
    if (ov->n)
        qsort(ov->rows, ov->n, sizeof *ov->rows, compare_rows);
    /* The departments' overviews, then the municipality's; one that fails
     * costs only itself. */
    rc = 0;
    char why[1024];
    for (int d = 0; d <= (int)ov->cfg->departments.n; d++) {
        int department = d < (int)ov->cfg->departments.n ? d : -1;
        if (write_one(ov, department, o, why, sizeof why) != 0 && rc == 0) {
            snprintf(err, errlen, "%s", why);
            rc = -1;
        }
    }
    cache_write(ov);
done:
    free(c.rows);
    return rc;
}

/* Collects a period's freshly aggregated rows (overview_verify_cache). */
typedef struct {
    period_summary *rows;        /* room for the municipality and every department */
    size_t n, cap;
    bool overflow;
} fresh_rows;

static void collect_fresh(void *ctx, const period_summary *row)
{
    fresh_rows *f = ctx;
    if (f->n < f->cap)
        f->rows[f->n++] = *row;
    else
        f->overflow = true;
}

long overview_verify_cache(ledger *l, const config *cfg, const char *cache_path,
                           const char *config_sha256,
                           void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                           char *err, size_t errlen)
{
    overview *ov = overview_new(l, cfg, cache_path, config_sha256);
    cache c = {0};
    long problems = -1;
    if (ov)
        ov->read_only = true;
    fresh_rows fresh = {.cap = cfg->departments.n + 1};
    fresh.rows = calloc(fresh.cap, sizeof *fresh.rows);
    if (!ov || !fresh.rows || ensure_periods(ov) != 0) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    cache_read(ov, &c);
    problems = 0;
    for (size_t p = 0; p < ov->n_periods; p++) {
        char key[65];
        period_key(ov, ov->periods[p].digest, key);
        size_t first, n = key[0] ? cache_find(&c, key, &first) : 0;
        if (n == 0)
            continue;   /* not cached under what the period is now: never used */
        fresh.n = 0;
        fresh.overflow = false;
        if (build_summarize(l, cfg, ov->periods[p].period, collect_fresh, &fresh, err, errlen) != 0) {
            problems = -1;
            goto done;
        }
        bool same = !fresh.overflow && fresh.n == n;
        for (size_t k = 0; same && k < n; k++) {
            char a[512], b[512];
            same = summary_format(&fresh.rows[k], cfg, a, sizeof a) &&
                   summary_format(&c.rows[first + k].row, cfg, b, sizeof b) && strcmp(a, b) == 0;
        }
        if (!same) {
            char pt[8], what[256];
            period_format(&ov->periods[p].period, pt);
            snprintf(what, sizeof what, "oversigtens tal for %s svarer ikke til arkivet (filen er ændret); "
                     "slet den, så regner næste nat dem ud igen", pt);
            problem(ctx, "oversigt.tsv", what);
            problems++;
        }
    }
done:
    free(fresh.rows);
    free(c.rows);
    overview_free(ov);
    return problems;
}
