/* overview.c — the overview across periods: each period's rows from this
 * run's builds, the cache or a fresh aggregation, put together block by block
 * into the new cache, then the workbooks streamed from it; see overview.h. */
#include "overview.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "build.h"
#include "contained.h"
#include "durable.h"
#include "emit.h"
#include "layout.h"
#include "overview_rows.h"
#include "sha256.h"
#include "strbuf.h"
#include "version.h"

/* The cache: this line, then per period a line "=<TAB>key<TAB>bytes"
 * followed by that many bytes of its rows (overview_rows.h). A block cut
 * short is not used. */
#define CACHE_FORMAT "statusnotat-oversigt/3"

/* Where a built period's rows wait: [offset, offset + len) of the spool. */
typedef struct {
    sn_period period;
    off_t offset;
    size_t len;
} spooled;

struct overview {
    ledger *l;
    const config *cfg;
    const char *cache_path;
    const char *archive, *run_id;
    char config_sha256[65];
    period_summary *rows;        /* every period's Perioder rows, once written */
    size_t n, cap;
    FILE *spool;                 /* this run's builds' rows, one block after another */
    spooled *built;
    size_t n_built, cap_built;
    bool failed;                 /* out of memory, or the spool could not be written */
    period_digest *periods;      /* every period present, ascending */
    size_t n_periods;
    bool has_periods;
    bool read_only;              /* verify: a damaged cache is told, not set aside */
    bool any_rejections;         /* the municipality's overview shows rejections (even with no period) */
    char cache_error[512];       /* why the cache could not be written; "" */
};

/* ---- Reading lines of a file by offset --------------------------------------- */

/* Reads lines from fd by pread (no shared offset: a forked child reads the
 * same descriptor). */
typedef struct {
    int fd;
    off_t pos, end;
    char *buf;
    size_t start, len, cap;
    bool failed;
} line_reader;

static void reader_open(line_reader *r, int fd, off_t from, off_t to)
{
    *r = (line_reader){.fd = fd, .pos = from, .end = to};
}

static void reader_close(line_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* The next line without its newline (NUL-terminated, valid until the next
 * call), or NULL at the end (a last line without a newline is not a line)
 * or on a read error (r->failed). */
static char *reader_next(line_reader *r)
{
    for (;;) {
        char *nl = r->len ? memchr(r->buf + r->start, '\n', r->len) : NULL;
        if (nl) {
            char *line = r->buf + r->start;
            *nl = '\0';
            size_t used = (size_t)(nl - line) + 1;
            r->start += used;
            r->len -= used;
            return line;
        }
        if (r->pos >= r->end)
            return NULL;
        if (r->start && r->len)
            memmove(r->buf, r->buf + r->start, r->len);
        r->start = 0;
        if (r->cap - r->len < 65536) {
            size_t cap = r->cap ? r->cap * 2 : 131072;
            char *buf = realloc(r->buf, cap);
            if (!buf) {
                r->failed = true;
                return NULL;
            }
            r->buf = buf;
            r->cap = cap;
        }
        size_t want = r->cap - r->len;
        if ((off_t)want > r->end - r->pos)
            want = (size_t)(r->end - r->pos);
        ssize_t got = pread(r->fd, r->buf + r->len, want, r->pos);
        if (got <= 0) {
            r->failed = got < 0;
            return NULL;
        }
        r->pos += got;
        r->len += (size_t)got;
    }
}

/* ---- The overview -------------------------------------------------------------- */

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
    if (ov->spool)
        fclose(ov->spool);
    free(ov->rows);
    free(ov->built);
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

void overview_set_archive(overview *ov, const char *archive, const char *run_id)
{
    ov->archive = archive;
    ov->run_id = run_id;
}

void overview_add_rows(void *ctx, sn_period period, const char *rows, size_t len)
{
    overview *ov = ctx;
    if (ov->failed)
        return;
    if (!ov->spool && !(ov->spool = tmpfile())) {
        ov->failed = true;
        return;
    }
    if (ov->n_built == ov->cap_built) {
        size_t cap = ov->cap_built ? ov->cap_built * 2 : 64;
        spooled *built = realloc(ov->built, cap * sizeof *built);
        if (!built) {
            ov->failed = true;
            return;
        }
        ov->built = built;
        ov->cap_built = cap;
    }
    off_t at = ftello(ov->spool);
    if (at < 0 || fwrite(rows, 1, len, ov->spool) != len) {
        ov->failed = true;
        return;
    }
    ov->built[ov->n_built++] = (spooled){period, at, len};
}

void overview_cache_path(const char *archive, char *buf, size_t size)
{
    archive_path(buf, size, archive, ARCHIVE_OVERVIEW_CACHE, NULL, NULL);
}

static bool push_row(overview *ov, const period_summary *row)
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

/* ---- The old cache: where each key's block is --------------------------------- */

typedef struct {
    char key[65];
    off_t offset;
    size_t len;
} cached_block;

typedef struct {
    int fd;                      /* -1: none */
    cached_block *blocks;
    size_t n;
} cache;

static int compare_blocks(const void *a, const void *b)
{
    return strcmp(((const cached_block *)a)->key, ((const cached_block *)b)->key);
}

/* The line at offset `at` of fd into buf (without its newline); false when
 * there is none that fits. */
static bool read_line_at(int fd, off_t at, char *buf, size_t size)
{
    ssize_t got = pread(fd, buf, size - 1, at);
    if (got <= 0)
        return false;
    buf[got] = '\0';
    char *nl = strchr(buf, '\n');
    if (!nl)
        return false;
    *nl = '\0';
    return true;
}

/* Opens the cache and finds its blocks (their headers only; the rows are
 * read when used). It is opened the way a delivery is (no link followed, no
 * FIFO waited on): anything but a regular file in its place is set aside,
 * and the cache is made again. An unreadable or foreign cache is an empty
 * one. */
static void cache_open(const overview *ov, cache *c)
{
    *c = (cache){.fd = -1};
    if (!ov->cache_path)
        return;
    struct stat st;
    int fd = durable_open_delivery(ov->cache_path, &st);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOMEM && !ov->read_only)
            durable_set_aside(ov->cache_path);
        return;
    }
    /* Each line read is a header ("=<TAB>key<TAB>bytes", under 100
     * bytes); the rows after it are skipped. */
    char header[128];
    off_t at = 0;
    bool ok = read_line_at(fd, at, header, sizeof header) && strcmp(header, CACHE_FORMAT) == 0;
    at = (off_t)strlen(CACHE_FORMAT) + 1;
    size_t room = 0;
    while (ok && read_line_at(fd, at, header, sizeof header)) {
        char key[65];
        unsigned long long len;
        int used = 0;
        if (sscanf(header, "=\t%64[0-9a-f]\t%llu%n", key, &len, &used) != 2 || header[used] || strlen(key) != 64)
            break;
        off_t rows_at = at + (off_t)strlen(header) + 1;
        if ((unsigned long long)(st.st_size - rows_at) < len)
            break;               /* cut short: not used */
        if (c->n == room) {
            room = room ? room * 2 : 256;
            cached_block *blocks = realloc(c->blocks, room * sizeof *blocks);
            if (!blocks)
                break;
            c->blocks = blocks;
        }
        cached_block *b = &c->blocks[c->n++];
        memcpy(b->key, key, 65);
        b->offset = rows_at;
        b->len = (size_t)len;
        at = rows_at + (off_t)len;
    }
    if (c->n)
        qsort(c->blocks, c->n, sizeof *c->blocks, compare_blocks);
    c->fd = fd;
}

static void cache_close(cache *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->blocks);
    *c = (cache){.fd = -1};
}

static const cached_block *cache_find(const cache *c, const char *key)
{
    if (!key[0] || !c->n)
        return NULL;
    cached_block probe;
    memcpy(probe.key, key, 65);
    return bsearch(&probe, c->blocks, c->n, sizeof *c->blocks, compare_blocks);
}

/* ---- Putting the rows together --------------------------------------------------- */

/* The overview's rows as they are put together: the new cache file (or a
 * temporary one), with where its rows start; the initiatives counted per
 * department; the rejected deliveries. */
typedef struct {
    int fd;
    FILE *f;
    char tmp[4200];              /* the new cache's temporary name; "" for an unnamed file */
    off_t rows_from, rows_to;    /* the rows: after the format line, to the end */
    size_t *initiatives;         /* per department, then [departments.n] all */
    arena *texts;                /* the rejections and their texts */
    arena_vec rejections;        /* of overview_rejection */
    name_list runs;              /* the archive's runs, for each rejection's Kørsel */
} assembly;

/* Afviste's Kørsel: a run by its index among the archive's runs (the run
 * being made may not be listed yet). */
static const char *run_name(const overview *ov, const assembly *as, size_t k)
{
    return k < as->runs.n ? as->runs.names[k] : ov->run_id && k == as->runs.n ? ov->run_id : NULL;
}

/* Reads a block's rows (in place): Perioder rows into ov->rows,
 * initiatives counted (by their department; they are parsed when written),
 * rejections kept. false when a line does not parse or memory is out. */
static bool take_rows(overview *ov, assembly *as, char *data, size_t len)
{
    const config *cfg = ov->cfg;
    char *end = data + len;
    for (char *line = data; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl)
            return false;
        *nl = '\0';
        char kind = overview_row_kind(line);
        if (kind == 'S') {
            period_summary row;
            if (!overview_parse_summary(line, cfg, &row) || !push_row(ov, &row))
                return false;
        } else if (kind == 'I') {
            int department = overview_initiative_department(line, cfg);
            if (department < 0)
                return false;
            as->initiatives[department]++;
            as->initiatives[cfg->departments.n]++;
        } else if (kind == 'R') {
            overview_rejection x, *kept = arena_vec_push(as->texts, &as->rejections, sizeof *kept);
            size_t run;
            if (!kept || !overview_parse_rejection(line, cfg, &x, &run))
                return false;
            x.file = arena_strdup(as->texts, x.file);
            x.received = x.received ? arena_strdup(as->texts, x.received) : NULL;
            x.code = arena_strdup(as->texts, x.code);
            x.message = arena_strdup(as->texts, x.message);
            x.run = run_name(ov, as, run);
            if (!x.file || !x.code || !x.message)
                return false;
            *kept = x;
        } else {
            return false;
        }
        line = nl + 1;
    }
    return true;
}

/* Writes a period's block to the assembly, then takes its rows (rows is
 * the caller's, changed in place). */
static bool add_block(overview *ov, assembly *as, const char *key, char *rows, size_t len)
{
    return fprintf(as->f, "=\t%s\t%zu\n", key[0] ? key : "0000000000000000000000000000000000000000000000000000000000000000",
                   len) >= 0 &&
           fwrite(rows, 1, len, as->f) == len && take_rows(ov, as, rows, len);
}

/* [offset, offset + len) of fd, read whole (one period's rows). NULL on
 * failure. */
static char *read_range(int fd, off_t offset, size_t len)
{
    char *data = malloc(len + 1);
    size_t got = 0;
    while (data && got < len) {
        ssize_t n = pread(fd, data + got, len - got, offset + (off_t)got);
        if (n <= 0) {
            free(data);
            return NULL;
        }
        got += (size_t)n;
    }
    if (data)
        data[len] = '\0';
    return data;
}

static int compare_rejections(const void *a, const void *b)
{
    const overview_rejection *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void assembly_free(assembly *as)
{
    if (as->f)
        fclose(as->f);
    if (as->tmp[0])
        unlink(as->tmp);
    free(as->initiatives);
    arena_free(as->texts);
    name_list_free(&as->runs);
}

/* The new cache (or, without one, a temporary file): every period's block
 * in order — built in this run, else cached under its key, else aggregated
 * now (its entries brought into the ledger first) — and the rows taken. 0,
 * or -1 with a message. */
static int assemble(overview *ov, assembly *as, char *err, size_t errlen)
{
    const config *cfg = ov->cfg;
    cache c = {.fd = -1};
    strbuf fresh = STRBUF_INIT;
    int rc = -1;
    as->initiatives = calloc(cfg->departments.n + 1, sizeof *as->initiatives);
    as->texts = arena_new();
    if (!as->initiatives || !as->texts) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    char why[256];
    if (ov->archive && archive_list_runs(ov->archive, &as->runs, why, sizeof why) != 0)
        as->runs = (name_list){0};   /* Kørsel left empty */
    /* The new cache's temporary name beside it; without a cache (or where
     * it cannot be made) an unnamed temporary file. */
    int fd = -1;
    if (ov->cache_path && durable_temp_name(ov->cache_path, as->tmp, sizeof as->tmp)) {
        unlink(as->tmp);
        fd = open(as->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            snprintf(ov->cache_error, sizeof ov->cache_error, "%s: kan ikke skrives: %s", ov->cache_path,
                     errno_text(errno));
        else if (!(as->f = fdopen(fd, "w+b")))
            close(fd);
    }
    if (!as->f) {
        if (fd >= 0)
            unlink(as->tmp);
        as->tmp[0] = '\0';
        as->f = tmpfile();
    }
    if (!as->f) {
        snprintf(err, errlen, "oversigtens rækker kan ikke skrives i en midlertidig fil: %s", errno_text(errno));
        return -1;
    }
    as->fd = fileno(as->f);
    if (fprintf(as->f, CACHE_FORMAT "\n") < 0)
        goto io;
    as->rows_from = (off_t)strlen(CACHE_FORMAT) + 1;
    if (ov->spool && fflush(ov->spool) != 0)
        goto io;
    cache_open(ov, &c);
    for (size_t p = 0; p < ov->n_periods; p++) {
        sn_period period = ov->periods[p].period;
        char key[65] = "";
        period_key(ov, ov->periods[p].digest, key);
        const spooled *b = NULL;
        for (size_t k = ov->n_built; k-- > 0 && !b;)   /* the last build of it */
            if (period_compare(&ov->built[k].period, &period) == 0)
                b = &ov->built[k];
        const cached_block *cb = b ? NULL : cache_find(&c, key);
        char *rows = NULL;
        size_t len = 0;
        if (b) {
            rows = read_range(fileno(ov->spool), b->offset, b->len);
            len = b->len;
        } else if (cb) {
            rows = read_range(c.fd, cb->offset, cb->len);
            len = cb->len;
        }
        if ((b || cb) && !rows) {
            if (b)
                goto io;
            cb = NULL;           /* a cache that cannot be read: aggregated instead */
        }
        if (!b && !cb) {
            strbuf_reset(&fresh);
            if (!ledger_need_period(ov->l, period)) {
                snprintf(err, errlen, "%s", ledger_error(ov->l));
                goto out;
            }
            if (build_summarize(ov->l, cfg, period, &fresh, err, errlen) != 0)
                goto out;
            char none[1] = "";   /* a period of no rows (strbuf_str's "" is not ours to change) */
            if (!add_block(ov, as, key, fresh.len ? fresh.buf : none, fresh.len))
                goto bad;
            continue;
        }
        bool ok = add_block(ov, as, key, rows, len);
        free(rows);
        if (!ok)
            goto bad;
    }
    /* The rejected deliveries without a period: the ledger's, every time. */
    strbuf_reset(&fresh);
    if (!ledger_need_loose(ov->l)) {
        snprintf(err, errlen, "%s", ledger_error(ov->l));
        goto out;
    }
    if (!overview_rows_without_period(&fresh, cfg, ov->l) || (fresh.len && !take_rows(ov, as, fresh.buf, fresh.len)))
        goto bad;
    if (fflush(as->f) != 0)
        goto io;
    as->rows_to = lseek(as->fd, 0, SEEK_END);
    if (as->rows_to < 0)
        goto io;
    rc = 0;
    goto out;
io:
    snprintf(err, errlen, "oversigtens rækker kan ikke skrives: %s", errno_text(errno));
    goto out;
bad:
    snprintf(err, errlen, "oversigtens rækker kan ikke læses (ikke nok hukommelse, eller en række, "
             "der ikke er, som den skal være)");
out:
    strbuf_release(&fresh);
    cache_close(&c);
    return rc;
}

/* Commits the assembled rows as the new cache; a failure is no error (the
 * next night aggregates again), but it is said: ov->cache_error. */
static void commit_cache(overview *ov, assembly *as)
{
    if (!as->tmp[0])
        return;
    if (fflush(as->f) != 0 || durable_commit(as->tmp, ov->cache_path) != 0) {
        snprintf(ov->cache_error, sizeof ov->cache_error, "%s: kan ikke skrives: %s", ov->cache_path,
                 errno_text(errno));
        return;
    }
    as->tmp[0] = '\0';           /* it is the cache now */
}

const char *overview_cache_error(const overview *ov)
{
    return ov->cache_error[0] ? ov->cache_error : NULL;
}

/* ---- The workbooks ---------------------------------------------------------------- */

/* The file name of department's overview (-1: the municipality's). */
static void overview_name(const config *c, int department, char name[64])
{
    snprintf(name, 64, "%s-oversigt.xlsx",
             department >= 0 ? c->departments.items[department].file_code : "statusredegoerelse");
}

static bool has_rows(const overview *ov, int department)
{
    if (department < 0 && ov->any_rejections)
        return true;
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

/* overview_data.next_initiative: the I lines of the assembly, one
 * department's or all. */
typedef struct {
    line_reader r;
    const config *cfg;
    int department;              /* -1: all */
} initiative_reader;

static int next_initiative(void *ctx, overview_initiative *out, char *err, size_t errlen)
{
    initiative_reader *ir = ctx;
    char *line;
    while ((line = reader_next(&ir->r))) {
        if (overview_row_kind(line) != 'I' ||
            (ir->department >= 0 && overview_initiative_department(line, ir->cfg) != ir->department))
            continue;            /* another department's: not parsed */
        if (!overview_parse_initiative(line, ir->cfg, out)) {
            snprintf(err, errlen, "oversigtens indsatser kan ikke læses");
            return -1;
        }
        return 1;
    }
    if (ir->r.failed) {
        snprintf(err, errlen, "oversigtens indsatser kan ikke læses: %s", errno_text(errno));
        return -1;
    }
    return 0;
}

/* An overview is written in a child process like a period's workbook
 * (contained.h). */
typedef struct {
    const period_summary *rows;
    size_t n;
    overview_data *data;
    const config *cfg;
    const char *scope;
    const emit_options *options;
} overview_job;

static int emit_overview_contained(void *ctx, char *err, size_t errlen)
{
    const overview_job *job = ctx;
    return emit_overview(job->rows, job->n, job->data, job->cfg, job->scope, job->options, err, errlen);
}

/* One overview to write: which, and how it went. */
typedef struct {
    const overview *ov;
    const assembly *as;
    int department;              /* -1: the municipality's */
    const build_options *o;
    bool alone;                  /* no other thread of the program runs (contained.h) */
    bool wanted;                 /* it has rows and is wanted */
    int rc;
    char path[4200];
    char err[1024];
} overview_task;

/* Writes one overview (tells nothing): task->rc, and task->err. */
static void write_overview(overview_task *t)
{
    const overview *ov = t->ov;
    const assembly *as = t->as;
    const config *c = ov->cfg;
    int department = t->department;
    size_t n = 0, n_rejections = 0, omitted = 0;
    period_summary *rows = malloc((ov->n ? ov->n : 1) * sizeof *rows);
    const overview_rejection *all = as->rejections.items;
    overview_rejection *rejections = malloc((as->rejections.n ? as->rejections.n : 1) * sizeof *rejections);
    initiative_reader reader = {.cfg = c, .department = department};
    reader_open(&reader.r, as->fd, as->rows_from, as->rows_to);
    t->rc = -1;
    if (!rows || !rejections) {
        text_printf_cut(t->err, sizeof t->err, "%s: ikke nok hukommelse", t->path);
    } else {
        for (size_t i = 0; i < ov->n; i++)
            if (ov->rows[i].department == department)
                rows[n++] = ov->rows[i];
        for (size_t i = 0; i < as->rejections.n; i++)
            if (department < 0 || all[i].department == department) {
                if (n_rejections < c->max_sheet_rows)
                    rejections[n_rejections++] = all[i];
                else
                    omitted++;
            }
        overview_data data = {.next_initiative = next_initiative, .ctx = &reader,
                              .n_initiatives = as->initiatives[department >= 0 ? (size_t)department : c->departments.n],
                              .rejections = rejections, .n_rejections = n_rejections,
                              .rejections_omitted = omitted};
        emit_options eo = {.path = t->path, .created = t->o->created};
        overview_job job = {rows, n, &data, c,
                            department >= 0 ? c->departments.items[department].label : "Alle forvaltninger",
                            &eo};
        char why[1024];
        t->rc = contained_run(emit_overview_contained, &job, t->alone, why, sizeof why);
        if (t->rc != 0 && strstr(why, t->path))
            snprintf(t->err, sizeof t->err, "%s", why);
        else if (t->rc != 0)
            text_printf_cut(t->err, sizeof t->err, "%s: regnearket kan ikke skrives: %s", t->path, why);
    }
    reader_close(&reader.r);
    free(rows);
    free(rejections);
}

static void *write_overview_thread(void *arg)
{
    write_overview(arg);
    return NULL;
}

int overview_write(overview *ov, const build_options *o, char *err, size_t errlen)
{
    assembly as = {.fd = -1};
    overview_task *tasks = NULL;
    int rc = -1;
    const config *c = ov->cfg;
    if (ov->failed || ensure_periods(ov) != 0) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    ov->n = 0;                   /* every period's rows come from the assembly */
    if (assemble(ov, &as, err, errlen) != 0)
        goto done;
    if (ov->n)
        qsort(ov->rows, ov->n, sizeof *ov->rows, compare_rows);
    if (as.rejections.n)
        qsort(as.rejections.items, as.rejections.n, sizeof(overview_rejection), compare_rejections);
    ov->any_rejections = as.rejections.n > 0;
    /* The departments' overviews, then the municipality's (as many rows as
     * all of theirs together): with more than one job the municipality's is
     * written in a thread of its own beside the departments'. What is told
     * (written, failed) is told here, in this order, either way; one that
     * fails costs only itself. */
    size_t n_tasks = c->departments.n + 1;
    tasks = calloc(n_tasks, sizeof *tasks);
    if (!tasks) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    bool parallel = o->jobs > 1;
    for (size_t k = 0; k < n_tasks; k++) {
        overview_task *t = &tasks[k];
        char name[64];
        *t = (overview_task){.ov = ov, .as = &as, .department = k < c->departments.n ? (int)k : -1, .o = o,
                             .alone = !parallel};
        overview_name(c, t->department, name);
        snprintf(t->path, sizeof t->path, "%s/%s", o->out_dir, name);
        t->wanted = has_rows(ov, t->department) && (!o->want || o->want(o->want_ctx, name));
    }
    overview_task *city = &tasks[n_tasks - 1];
    pthread_t thread;
    bool threaded = parallel && city->wanted && pthread_create(&thread, NULL, write_overview_thread, city) == 0;
    for (size_t k = 0; k < n_tasks; k++)
        if (tasks[k].wanted && (&tasks[k] != city || !threaded))
            write_overview(&tasks[k]);
    if (threaded)
        pthread_join(thread, NULL);
    rc = 0;
    for (size_t k = 0; k < n_tasks; k++) {
        overview_task *t = &tasks[k];
        if (!t->wanted)
            continue;
        if (t->rc == 0 && o->on_written)
            o->on_written(o->ctx, t->path);
        if (t->rc != 0 && o->on_failed)
            o->on_failed(o->ctx, t->path, t->err);
        if (t->rc != 0 && rc == 0) {
            snprintf(err, errlen, "%s", t->err);
            rc = -1;
        }
    }
    commit_cache(ov, &as);
done:
    free(tasks);
    assembly_free(&as);
    return rc;
}

long overview_verify_cache(ledger *l, const config *cfg, const char *cache_path,
                           const char *config_sha256,
                           void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                           char *err, size_t errlen)
{
    overview *ov = overview_new(l, cfg, cache_path, config_sha256);
    cache c = {.fd = -1};
    strbuf fresh = STRBUF_INIT;
    long problems = -1;
    if (ov)
        ov->read_only = true;
    if (!ov || ensure_periods(ov) != 0) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    cache_open(ov, &c);
    problems = 0;
    for (size_t p = 0; p < ov->n_periods; p++) {
        char key[65];
        period_key(ov, ov->periods[p].digest, key);
        const cached_block *cb = cache_find(&c, key);
        if (!cb)
            continue;   /* not cached under what the period is now: never used */
        strbuf_reset(&fresh);
        if (build_summarize(l, cfg, ov->periods[p].period, &fresh, err, errlen) != 0) {
            problems = -1;
            goto done;
        }
        char *cached = read_range(c.fd, cb->offset, cb->len);
        bool same = cached && fresh.len == cb->len && memcmp(cached, fresh.buf ? fresh.buf : "", cb->len) == 0;
        free(cached);
        if (!same) {
            char pt[8], what[320];
            period_format(&ov->periods[p].period, pt);
            snprintf(what, sizeof what, "oversigtens rækker for %s (Perioder, AlleIndsatser, Afviste) svarer "
                     "ikke til arkivet (filen er ændret); slet den, så regner næste nat dem ud igen", pt);
            problem(ctx, "oversigt.tsv", what);
            problems++;
        }
    }
done:
    strbuf_release(&fresh);
    cache_close(&c);
    overview_free(ov);
    return problems;
}
