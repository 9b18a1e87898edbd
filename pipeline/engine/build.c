/* build.c — one period: load its documents, aggregate, emit every workbook;
 * see build.h. */
#include "build.h"

#include "overview_rows.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contained.h"
#include "emit.h"
#include "overview.h"
#include "strbuf.h"

static bool in_period(const source_row *r, sn_period p)
{
    return r->id.has_period && period_compare(&r->id.period, &p) == 0;
}

/* <out_dir>/<stem>-<period>.xlsx into path (only the name when out_dir is
 * NULL); false when it does not fit. */
static bool workbook_path(const char *out_dir, const char *stem, sn_period period, char *path,
                          size_t size)
{
    char name[8];
    period_format(&period, name);
    int n = out_dir ? snprintf(path, size, "%s/%s-%s.xlsx", out_dir, stem, name)
                    : snprintf(path, size, "%s-%s.xlsx", stem, name);
    return n >= 0 && (size_t)n < size;
}

/* A workbook is written in a child process (contained.h): libxlsxwriter's
 * unchecked allocations cannot take the night with them. */
typedef struct {
    const period_report *report;
    const emit_options *options;
} emit_job;

static int emit_contained(void *ctx, char *err, size_t errlen)
{
    const emit_job *job = ctx;
    return emit_workbook(job->report, job->options, err, errlen);
}

static int write_one(const period_report *report, const char *out_dir, const char *stem,
                     sn_period period, const build_options *o, char *err, size_t errlen)
{
    char path[4096];
    if (!workbook_path(out_dir, stem, period, path, sizeof path)) {
        snprintf(err, errlen, "%s: stien er for lang", out_dir);
        return -1;
    }
    emit_options eo = {.path = path, .created = o->created};
    emit_job job = {report, &eo};
    char why[1024];
    if (contained_run(emit_contained, &job, o->jobs <= 1, why, sizeof why) != 0) {
        /* The child's message names the file; a crash's does not. */
        if (strstr(why, path))
            snprintf(err, errlen, "%s", why);
        else
            text_printf_cut(err, errlen, "%s: regnearket kan ikke skrives: %s", path, why);
        return -1;
    }
    if (o->on_written)
        o->on_written(o->ctx, path);
    return 0;
}

/* What Udvikling reads of a document of the half year before — its
 * department and, per initiative, id, title, status, effect and money —
 * copied into a, so that the document itself can go at once: a build holds
 * the period's documents and only this much of the previous period's. */
static const document *slim_copy(arena *a, const document *doc)
{
    document *d = arena_alloc(a, sizeof *d);
    indsats *xs = d ? arena_alloc_array(a, doc->n_indsatser ? doc->n_indsatser : 1, sizeof *xs) : NULL;
    if (!xs)
        return NULL;
    d->department = doc->department;
    d->has_period = doc->has_period;
    d->period = doc->period;
    d->indsatser = xs;
    d->n_indsatser = doc->n_indsatser;
    for (size_t i = 0; i < doc->n_indsatser; i++) {
        const indsats *x = &doc->indsatser[i];
        indsats *y = &xs[i];
        y->id = arena_strdup(a, x->id);
        y->title = x->title ? arena_strdup(a, x->title) : NULL;
        y->status = x->status;
        y->effect = x->effect;
        y->theme = x->theme;
        y->anbefaling = x->anbefaling;
        y->line = x->line;
        y->n_bevillinger = x->n_bevillinger;
        y->bevillinger = arena_alloc_array(a, x->n_bevillinger ? x->n_bevillinger : 1, sizeof *y->bevillinger);
        if (!y->id || (x->title && !y->title) || !y->bevillinger)
            return NULL;
        memcpy(y->bevillinger, x->bevillinger, x->n_bevillinger * sizeof *y->bevillinger);
    }
    return d;
}

/* What load_documents' reads hand over (process_in_order). */
typedef struct {
    ledger_entry **entries;      /* the period's accepted entries, in the ledger's order */
    const size_t *place;         /* each file read: its place in entries */
    arena *slim;
    period_document *docs;
    processed_file *scratch;
    char *err;
    size_t errlen;
} load_ctx;

static bool take_document(void *ctx, size_t i, processed_file *p)
{
    load_ctx *c = ctx;
    size_t at = c->place[i];
    ledger_entry *e = c->entries[at];
    if (!ledger_reload_ok(e, p, c->err, c->errlen))
        return false;
    const document *doc = p->doc;
    if (c->slim && !(doc = slim_copy(c->slim, doc))) {
        snprintf(c->err, c->errlen, "ikke nok hukommelse");
        return false;
    }
    if (!c->slim) {              /* the document stays, in the period's scratch */
        c->scratch[at] = *p;
        memset(p, 0, sizeof *p);
    }
    c->docs[at] = (period_document){doc, e->row.id.name};
    return true;
}

/* The accepted documents of the period, in the ledger's order: the cached
 * ones (handed over by the cache), the others read again by `threads` threads — whole into scratch (the
 * caller releases its n_docs entries, also after a failure), or, with slim,
 * each copied slim into that arena and released at once (the half year
 * before, for Udvikling). */
static int load_documents(ledger *l, const config *cfg, unsigned threads, sn_period period,
                          arena *slim, period_document *docs, processed_file *scratch,
                          size_t *n_docs, char *err, size_t errlen)
{
    size_t total = ledger_count(l), n = 0, n_read = 0;
    ledger_entry **entries = malloc((total ? total : 1) * sizeof *entries);
    size_t *place = malloc((total ? total : 1) * sizeof *place);
    process_job *reads = malloc((total ? total : 1) * sizeof *reads);
    int rc = -1;
    *n_docs = 0;
    if (!entries || !place || !reads) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    for (size_t i = 0; i < total; i++) {
        ledger_entry *e = ledger_get(l, i);
        if (e->row.status == SOURCE_ACCEPTED && in_period(&e->row, period))
            entries[n++] = e;
    }
    if (!slim)
        *n_docs = n;             /* scratch is zeroed: releasing an unread one is nothing */
    for (size_t k = 0; k < n; k++) {
        processed_file cached;
        if (!ledger_take_cached(l, entries[k], &cached)) {
            place[n_read] = k;
            reads[n_read++] = ledger_reload_job(entries[k], cfg);
            continue;
        }
        const document *doc = cached.doc;
        if (slim) {
            doc = slim_copy(slim, doc);
            processed_file_release(&cached);
            if (!doc) {
                snprintf(err, errlen, "ikke nok hukommelse");
                goto done;
            }
        } else {
            scratch[k] = cached;
        }
        docs[k] = (period_document){doc, entries[k]->row.id.name};
    }
    load_ctx c = {entries, place, slim, docs, scratch, err, errlen};
    int read = process_in_order(reads, n_read, threads, take_document, &c);
    if (read < 0)
        snprintf(err, errlen, "ikke nok hukommelse");
    if (read == 0) {
        *n_docs = n;
        rc = 0;
    }
done:
    free(entries);
    free(place);
    free(reads);
    return rc;
}

/* The slim copies of the last period loaded, for the next one's Udvikling:
 * periods are loaded in order (by one job, or by the threads one at a time),
 * so each document is parsed for its own period and not again for the one
 * after. */
typedef struct {
    bool valid;
    sn_period period;
    arena *a;
    period_document *docs;
    size_t n;
} slim_period;

static void slim_period_clear(slim_period *s)
{
    arena_free(s->a);
    *s = (slim_period){0};
}

static void release_documents(processed_file *scratch, size_t n)
{
    for (size_t i = 0; i < n; i++)
        processed_file_release(&scratch[i]);
}

/* A period's reports: [0] the municipality's, [d + 1] department d's (NULL
 * when the department sent nothing for the period), each in its own arena so
 * that each can go once written. */
typedef struct {
    period_report **reports;
    arena **arenas;
    size_t n;                    /* departments + 1 */
    arena *sources;              /* the period's sources, which Kilder points into */
} period_reports;

static void free_reports(period_reports *pr)
{
    for (size_t k = 0; pr->arenas && k < pr->n; k++)
        arena_free(pr->arenas[k]);
    arena_free(pr->sources);
    free(pr->reports);
    free(pr->arenas);
    *pr = (period_reports){0};
}

/* One period's documents loaded once (and, for Udvikling, the half year
 * before's), the municipality's report and each department's made and
 * detached from them, the documents freed: what is left is the reports.
 * One piece because a period's reports (the municipality's and each department's) are
 * made from one load of its documents, shared by all of them. */
static int make_reports(ledger *l, const config *cfg, unsigned threads, sn_period period,
                        bool with_previous, slim_period *carry, period_reports *pr, char *err,
                        size_t errlen)
{
    slim_period next = {0};
    size_t n = ledger_count(l), n_docs = 0, n_sources = 0, n_previous = 0;
    int rc = -1;
    *pr = (period_reports){.n = cfg->departments.n + 1};
    pr->reports = calloc(pr->n, sizeof *pr->reports);
    pr->arenas = calloc(pr->n, sizeof *pr->arenas);
    arena *a = arena_new(), *kept = arena_new();
    source_row *sources = kept ? arena_alloc_array(kept, n ? n : 1, sizeof *sources) : NULL;
    period_document *docs = a ? arena_alloc_array(a, n ? n : 1, sizeof *docs) : NULL;
    processed_file *scratch = a ? arena_alloc_array(a, n ? n : 1, sizeof *scratch) : NULL;
    period_document *previous = a && with_previous ? arena_alloc_array(a, n ? n : 1, sizeof *previous) : NULL;
    bool *departments = a ? arena_alloc_array(a, cfg->departments.n, sizeof *departments) : NULL;
    pr->sources = kept;
    if (!pr->reports || !pr->arenas || !sources || !docs || !scratch || !departments ||
        (with_previous && !previous)) {
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
    }
    /* The half year before's documents (slim, for Udvikling: carried over
     * from the period built just before, or loaded), then this half year's. */
    sn_period before = period_previous(period);
    if (with_previous && carry && carry->valid && period_compare(&carry->period, &before) == 0) {
        memcpy(previous, carry->docs, carry->n * sizeof *previous);
        n_previous = carry->n;
    } else if (with_previous &&
               load_documents(l, cfg, threads, before, a, previous, NULL, &n_previous, err,
                              errlen) != 0) {
        goto done;
    }
    if (load_documents(l, cfg, threads, period, NULL, docs, scratch, &n_docs, err, errlen) != 0)
        goto done;
    if (carry) {   /* this half year's, slim, for the next one */
        next.a = arena_new();
        next.docs = next.a ? arena_alloc_array(next.a, n_docs ? n_docs : 1, sizeof *next.docs) : NULL;
        next.valid = next.docs != NULL;
        next.period = period;
        for (size_t k = 0; next.valid && k < n_docs; k++) {
            const document *slim = slim_copy(next.a, docs[k].doc);
            const char *name = slim ? arena_strdup(next.a, docs[k].source_name) : NULL;
            next.valid = name != NULL;
            if (next.valid)
                next.docs[next.n++] = (period_document){slim, name};
        }
    }
    aggregate_input in = {cfg, period, -1, docs, n_docs, sources, n_sources, NULL, previous, n_previous};
    bool ok = (pr->arenas[0] = arena_new()) && (pr->reports[0] = aggregate_period(&in, pr->arenas[0]));
    in.municipality = pr->reports[0];
    for (size_t d = 0; ok && d < cfg->departments.n; d++) {
        if (!departments[d])
            continue;
        in.department = (int)d;
        ok = (pr->arenas[d + 1] = arena_new()) &&
             (pr->reports[d + 1] = aggregate_period(&in, pr->arenas[d + 1]));
    }
    for (size_t k = 0; ok && k < pr->n; k++)
        ok = !pr->reports[k] || aggregate_detach(pr->reports[k], pr->arenas[k]);
    if (!ok)
        snprintf(err, errlen, "ikke nok hukommelse");
    else
        rc = 0;
done:
    if (scratch)
        release_documents(scratch, n_docs);
    arena_free(a);
    if (rc != 0)
        free_reports(pr);
    if (carry) {   /* the reports have copied what they took from the old one */
        slim_period_clear(carry);
        if (rc == 0 && next.valid)
            *carry = next;
        else
            slim_period_clear(&next);
    }
    return rc;
}

static bool wants(const build_options *o, sn_period period, const char *stem)
{
    char file[64];
    if (!o->want)
        return true;
    return workbook_path(NULL, stem, period, file, sizeof file) && o->want(o->want_ctx, file);
}

/* The departments' workbooks first, each report freed once written; the
 * municipality's, the largest, last, when only its report is left — so a
 * build holds one workbook and what it is made of, not the period's
 * documents besides. A workbook that fails is told (on_failed) and the
 * others are still written; the period's overview rows are told once every
 * workbook is in place. */
static int build_period_carry(ledger *l, const config *cfg, sn_period period,
                              const build_options *o, slim_period *carry, char *err, size_t errlen)
{
    period_reports pr;
    if (make_reports(l, cfg, 1, period, true, carry, &pr, err, errlen) != 0)
        return -1;
    int rc = -1;
    bool every = true, failed = false;
    strbuf rows = STRBUF_INIT;
    if (o->on_rows && !overview_rows_of_period(&rows, cfg, l, pr.reports, pr.n)) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    for (size_t i = 1; i <= pr.n; i++) {
        size_t k = i % pr.n;     /* the departments, then the municipality */
        const char *stem = k ? cfg->departments.items[k - 1].file_code : "statusredegoerelse";
        if (!pr.reports[k])
            continue;
        char why[1024];
        if (!wants(o, period, stem))
            every = false;
        else if (write_one(pr.reports[k], o->out_dir, stem, period, o, why, sizeof why) != 0) {
            char path[4096];
            if (!failed)
                snprintf(err, errlen, "%s", why);
            failed = true;
            if (o->on_failed && workbook_path(o->out_dir, stem, period, path, sizeof path))
                o->on_failed(o->ctx, path, why);
        }
        arena_free(pr.arenas[k]);
        pr.arenas[k] = NULL;
        pr.reports[k] = NULL;
    }
    if (failed)
        goto done;
    if (every && o->on_rows)
        o->on_rows(o->rows_ctx, period, rows.buf ? rows.buf : "", rows.len);
    rc = 0;
done:
    strbuf_release(&rows);
    free_reports(&pr);
    return rc;
}

int build_summarize(ledger *l, const config *cfg, sn_period period,
                    strbuf *rows, char *err, size_t errlen)
{
    period_reports pr;
    if (make_reports(l, cfg, 1, period, false, NULL, &pr, err, errlen) != 0)
        return -1;
    bool ok = overview_rows_of_period(rows, cfg, l, pr.reports, pr.n);
    free_reports(&pr);
    if (!ok)
        snprintf(err, errlen, "ikke nok hukommelse");
    return ok ? 0 : -1;
}

unsigned build_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* ------------------------------------------------------------------------ */
/* With jobs > 1: the workbooks written by that many threads.                 */

/* A period being built by the threads. Its reports are made by one thread
 * at a time, in period order (so the slim copies always carry over), and
 * its workbooks are handed out one by one: workbook k is the municipality's
 * (0: the largest, first) or department k - 1's, as in period_reports. Each
 * report goes once its workbook is written. */
typedef struct {
    bool loaded, finished;
    bool every;                  /* every workbook of the period is wanted (build_options.want) */
    bool load_failed;            /* the reports could not be made: */
    char load_error[1024];       /* why */
    period_reports pr;
    size_t n;                    /* workbooks' places: departments + 1 */
    strbuf rows;                 /* as build_period_carry tells them */
    size_t next_k;               /* the next workbook to hand out */
    size_t unfinished;           /* workbooks not yet written or failed */
    bool *exists, *ok;
    char **error;
} period_build;

static void period_build_free(period_build *b)
{
    free_reports(&b->pr);
    for (size_t k = 0; b->error && k < b->n; k++)
        free(b->error[k]);
    strbuf_release(&b->rows);
    free(b->exists);
    free(b->ok);
    free(b->error);
    b->exists = b->ok = NULL;
    b->error = NULL;
    b->n = 0;
}

/* The next workbook of b to hand out, or SIZE_MAX when none is left. */
static size_t next_workbook(const period_build *b)
{
    size_t k = b->next_k;
    while (k < b->n && !b->exists[k])
        k++;
    return k < b->n ? k : SIZE_MAX;
}

/* How many workbooks of b are still to be handed out. */
static size_t workbooks_left(const period_build *b)
{
    size_t left = 0;
    for (size_t k = b->next_k; k < b->n; k++)
        left += b->exists[k];
    return left;
}

static const char *workbook_stem(const config *cfg, size_t k)
{
    return k == 0 ? "statusredegoerelse" : cfg->departments.items[k - 1].file_code;
}

/* The period's reports and overview rows, its files read by `threads`
 * threads; a period whose reports cannot be made is finished at once, with
 * the reason. */
static void load_period(ledger *l, const config *cfg, unsigned threads, sn_period period,
                        slim_period *carry, const build_options *o, period_build *b)
{
    if (make_reports(l, cfg, threads, period, true, carry, &b->pr, b->load_error,
                     sizeof b->load_error) != 0) {
        b->load_failed = true;
        return;
    }
    size_t n = b->pr.n;
    b->exists = calloc(n, sizeof *b->exists);
    b->ok = calloc(n, sizeof *b->ok);
    b->error = calloc(n, sizeof *b->error);
    if (!b->exists || !b->ok || !b->error ||
        (o->on_rows && !overview_rows_of_period(&b->rows, cfg, l, b->pr.reports, n))) {
        period_build_free(b);
        snprintf(b->load_error, sizeof b->load_error, "ikke nok hukommelse");
        b->load_failed = true;
        return;
    }
    b->n = n;
    b->every = true;
    for (size_t k = 0; k < b->n; k++) {
        if (!b->pr.reports[k])
            continue;
        if (!wants(o, period, workbook_stem(cfg, k))) {
            b->every = false;
            arena_free(b->pr.arenas[k]);
            b->pr.arenas[k] = NULL;
            b->pr.reports[k] = NULL;
            continue;
        }
        b->exists[k] = true;
        b->unfinished++;
    }
    if (b->unfinished == 0)
        free_reports(&b->pr);
}

/* Workbook k of the period is written, or not (error: kept, with its
 * words); its report goes, and the period's sources with the last one. */
static void workbook_finished(period_build *b, size_t k, char *error)
{
    b->ok[k] = error == NULL;
    b->error[k] = error;
    arena_free(b->pr.arenas[k]);
    b->pr.arenas[k] = NULL;
    b->pr.reports[k] = NULL;
    if (--b->unfinished == 0) {
        b->finished = true;
        free_reports(&b->pr);
    }
}

/* What a finished period tells, in the order a build in one thread tells
 * it: each workbook written (the departments', then the municipality's), the
 * overview rows when every workbook is in place, then done(). Returns 1 when
 * the period failed. */
static size_t tell_period(const config *cfg, sn_period period, const period_build *b,
                          const build_options *o,
                          void (*done)(void *, sn_period, const char *, const char *), void *ctx)
{
    const char *error = b->load_failed ? b->load_error : NULL;
    for (size_t i = 1; !b->load_failed && i <= b->n; i++) {
        size_t k = i % b->n;     /* 1, 2, …, n - 1, then 0 */
        if (!b->exists[k])
            continue;
        char path[4096];
        bool named = workbook_path(o->out_dir, workbook_stem(cfg, k), period, path, sizeof path);
        if (!b->ok[k]) {
            const char *why = b->error[k] ? b->error[k] : "ikke nok hukommelse";
            if (!error)
                error = why;
            if (o->on_failed && named)
                o->on_failed(o->ctx, path, why);
            continue;
        }
        if (o->on_written && named)
            o->on_written(o->ctx, path);
    }
    if (!error && b->every && o->on_rows)
        o->on_rows(o->rows_ctx, period, b->rows.buf ? b->rows.buf : "", b->rows.len);
    if (done)
        done(ctx, period, o->out_dir, error);
    return error != NULL;
}

/* Freed memory back to the system once the allocator holds more of it free
 * than a quarter of what is in use: each thread's malloc arena would
 * otherwise keep its high-water mark, and the threads' marks add up (on the
 * benchmark's corpus 205–230 MB for two jobs against 145–185 MB). Trimming
 * after every workbook costs some 3 % in pages touched again; this, less.
 * Called by the telling thread only: glibc's mallinfo2 and malloc_trim are
 * not to be entered by two threads at once before glibc's malloc has been
 * used (as under the sanitizers, which bring their own malloc). */
static void give_back_memory(void)
{
    struct mallinfo2 held = mallinfo2();
    if (held.fordblks > held.uordblks / 4)
        malloc_trim(0);
}

/* What the threads share, under mu. */
typedef struct {
    ledger *l;
    const config *cfg;
    const sn_period *periods, *only;
    size_t n;
    const build_options *o;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    period_build *builds;
    size_t loading;              /* the next period to load */
    size_t handing;              /* the first period that may have a workbook to hand out */
    size_t in_memory;            /* periods loaded and not yet told: at most two */
    size_t written;              /* workbooks finished, for give_back_memory */
    bool loader_busy;            /* one load at a time, in order: the slim copies carry over */
    slim_period carry;
} build_pool;

static bool wanted(const build_pool *q, size_t i)
{
    return !q->only || period_compare(q->only, &q->periods[i]) == 0;
}

static void *build_thread(void *arg)
{
    build_pool *q = arg;
    build_options mine = *q->o;
    mine.on_written = NULL;      /* told by tell_period */
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->loading < q->n && !wanted(q, q->loading))
            q->loading++;
        /* Past the periods not wanted and those handed out (not the one
         * being loaded). */
        while (q->handing < q->loading &&
               (!wanted(q, q->handing) ||
                (q->builds[q->handing].loaded && next_workbook(&q->builds[q->handing]) == SIZE_MAX)))
            q->handing++;
        size_t i = q->handing;
        size_t k = i < q->loading && q->builds[i].loaded ? next_workbook(&q->builds[i]) : SIZE_MAX;
        /* The next period's reports when the one before is about to run
         * out (fewer workbooks left to hand out than threads), while the
         * other threads write: no thread waits for them, and they are not
         * made sooner than needed. */
        if (q->loading < q->n && !q->loader_busy && q->in_memory < 2 &&
            (k == SIZE_MAX || workbooks_left(&q->builds[i]) < q->o->jobs)) {
            size_t p = q->loading++;
            q->loader_busy = true;
            q->in_memory++;
            pthread_mutex_unlock(&q->mu);
            period_build loaded = {0};
            load_period(q->l, q->cfg, q->o->jobs, q->periods[p], &q->carry, q->o, &loaded);
            pthread_mutex_lock(&q->mu);
            q->builds[p] = loaded;
            q->builds[p].loaded = true;
            q->builds[p].finished = loaded.load_failed || loaded.unfinished == 0;
            q->loader_busy = false;
            pthread_cond_broadcast(&q->changed);
            continue;
        }
        if (k != SIZE_MAX) {     /* a workbook to write */
            period_build *b = &q->builds[i];
            b->next_k = k + 1;
            const period_report *report = b->pr.reports[k];
            pthread_mutex_unlock(&q->mu);
            char why[1024];
            bool ok = write_one(report, q->o->out_dir, workbook_stem(q->cfg, k), q->periods[i],
                                &mine, why, sizeof why) == 0;
            size_t len = strlen(why) + 1;
            char *error = ok ? NULL : malloc(len);   /* (NULL: out of memory, said as such) */
            if (error)
                memcpy(error, why, len);
            pthread_mutex_lock(&q->mu);
            workbook_finished(b, k, error);   /* failed without words: out of memory */
            q->written++;
            pthread_cond_broadcast(&q->changed);
            continue;
        }
        if (q->loading >= q->n && q->handing >= q->loading)
            break;               /* nothing left to load or hand out */
        pthread_cond_wait(&q->changed, &q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static size_t build_in_threads(ledger *l, const config *cfg, const sn_period *periods, size_t n,
                               const sn_period *only, const build_options *o,
                               void (*done)(void *ctx, sn_period, const char *, const char *),
                               void *ctx)
{
    build_pool q = {.l = l, .cfg = cfg, .periods = periods, .only = only, .n = n, .o = o};
    pthread_t *threads = calloc(o->jobs, sizeof *threads);
    q.builds = calloc(n, sizeof *q.builds);
    unsigned started = 0;
    if (threads && q.builds && pthread_mutex_init(&q.mu, NULL) == 0) {
        if (pthread_cond_init(&q.changed, NULL) == 0)
            while (started < o->jobs && pthread_create(&threads[started], NULL, build_thread, &q) == 0)
                started++;
        if (!started)
            pthread_mutex_destroy(&q.mu);
    }
    if (!started) {   /* no thread: build here, one period after the other */
        free(threads);
        free(q.builds);
        build_options one = *o;
        one.jobs = 1;
        return build_periods(l, cfg, periods, n, only, &one, done, ctx);
    }
    /* Tell each period as it is finished, in order, from this thread. */
    size_t failed = 0, given_back = 0;
    pthread_mutex_lock(&q.mu);
    for (size_t told = 0; told < n; told++) {
        if (!wanted(&q, told))
            continue;
        while (!q.builds[told].finished) {
            pthread_cond_wait(&q.changed, &q.mu);
            if (q.written != given_back) {   /* a workbook is written: its memory */
                given_back = q.written;
                pthread_mutex_unlock(&q.mu);
                give_back_memory();
                pthread_mutex_lock(&q.mu);
            }
        }
        pthread_mutex_unlock(&q.mu);
        failed += tell_period(cfg, periods[told], &q.builds[told], o, done, ctx);
        pthread_mutex_lock(&q.mu);
        period_build_free(&q.builds[told]);
        q.in_memory--;
        pthread_cond_broadcast(&q.changed);
    }
    pthread_mutex_unlock(&q.mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    slim_period_clear(&q.carry);
    pthread_cond_destroy(&q.changed);
    pthread_mutex_destroy(&q.mu);
    free(threads);
    free(q.builds);
    return failed;
}

size_t build_periods(ledger *l, const config *cfg, const sn_period *periods, size_t n,
                     const sn_period *only, const build_options *o,
                     void (*done)(void *ctx, sn_period period, const char *out_dir, const char *error),
                     void *ctx)
{
    size_t wanted = 0;
    for (size_t i = 0; i < n; i++)
        wanted += !only || period_compare(only, &periods[i]) == 0;
    if (o->jobs > 1 && wanted > 0)
        return build_in_threads(l, cfg, periods, n, only, o, done, ctx);
    size_t failed = 0;
    slim_period carry = {0};
    for (size_t i = 0; i < n; i++) {
        char why[1024];
        if (only && period_compare(only, &periods[i]) != 0)
            continue;
        bool ok = build_period_carry(l, cfg, periods[i], o, &carry, why, sizeof why) == 0;
        failed += !ok;
        if (done)
            done(ctx, periods[i], o->out_dir, ok ? NULL : why);
    }
    slim_period_clear(&carry);
    return failed;
}
