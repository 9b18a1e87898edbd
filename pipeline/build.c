/* build.c — one period: load its documents, aggregate, emit every workbook;
 * see build.h. */
#include "build.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit.h"
#include "overview.h"

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

/* The accepted documents of the period, loaded from the ledger (its cache,
 * or parsed again): whole into scratch — or, with slim, each copied slim into
 * that arena and released at once (the half year before, for Udvikling). */
static int load_documents(ledger *l, const config *cfg, sn_period period, arena *slim,
                          period_document *docs, processed_file *scratch, size_t *n_docs,
                          char *err, size_t errlen)
{
    *n_docs = 0;
    for (size_t i = 0; i < ledger_count(l); i++) {
        ledger_entry *e = ledger_get(l, i);
        if (e->row.status != SOURCE_ACCEPTED || !in_period(&e->row, period))
            continue;
        processed_file one, *into = slim ? &one : &scratch[*n_docs];
        const document *doc = ledger_load(e, cfg, into, err, errlen);
        if (!doc) {   /* what was read before the check failed */
            processed_file_release(into);
            return -1;
        }
        if (slim) {
            doc = slim_copy(slim, doc);
            processed_file_release(&one);
            if (!doc) {
                snprintf(err, errlen, "ikke nok hukommelse");
                return -1;
            }
        }
        docs[(*n_docs)++] = (period_document){doc, e->row.id.name};
    }
    return 0;
}

/* The slim copies of the last period built, for the next one's Udvikling,
 * when periods are built in order in one process: each document is then
 * parsed for its own period and not again for the one after. */
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
 * detached from them, the documents freed: what is left is the reports. */
static int make_reports(ledger *l, const config *cfg, sn_period period, bool with_previous,
                        slim_period *carry, period_reports *pr, char *err, size_t errlen)
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
               load_documents(l, cfg, before, a, previous, NULL, &n_previous, err, errlen) != 0) {
        goto done;
    }
    if (load_documents(l, cfg, period, NULL, docs, scratch, &n_docs, err, errlen) != 0)
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

/* The departments' workbooks first, each report freed once written; the
 * municipality's, the largest, last, when only its report is left — so a
 * build holds one workbook and what it is made of, not the period's
 * documents besides. The period's overview rows are told once every
 * workbook is in place. */
static int build_period_carry(ledger *l, const config *cfg, sn_period period,
                              const build_options *o, slim_period *carry, char *err, size_t errlen)
{
    period_reports pr;
    if (make_reports(l, cfg, period, true, carry, &pr, err, errlen) != 0)
        return -1;
    int rc = -1;
    size_t n_rows = 0;
    period_summary *rows = calloc(pr.n, sizeof *rows);
    if (!rows) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    for (size_t k = 0; k < pr.n; k++)
        if (pr.reports[k])
            rows[n_rows++] = aggregate_summary(pr.reports[k]);
    for (size_t d = 0; d < cfg->departments.n; d++) {
        if (!pr.reports[d + 1])
            continue;
        if (write_one(pr.reports[d + 1], o->out_dir, cfg->departments.items[d].file_code, period, o,
                      err, errlen) != 0)
            goto done;
        arena_free(pr.arenas[d + 1]);
        pr.arenas[d + 1] = NULL;
        pr.reports[d + 1] = NULL;
    }
    if (write_one(pr.reports[0], o->out_dir, "statusredegoerelse", period, o, err, errlen) != 0)
        goto done;
    for (size_t k = 0; k < n_rows && o->on_summary; k++)
        o->on_summary(o->summary_ctx, &rows[k]);
    rc = 0;
done:
    free(rows);
    free_reports(&pr);
    return rc;
}

int build_period(ledger *l, const config *cfg, sn_period period, const build_options *o,
                 char *err, size_t errlen)
{
    return build_period_carry(l, cfg, period, o, NULL, err, errlen);
}

int build_summarize(ledger *l, const config *cfg, sn_period period,
                    void (*each)(void *ctx, const period_summary *row), void *ctx, char *err,
                    size_t errlen)
{
    period_reports pr;
    if (make_reports(l, cfg, period, false, NULL, &pr, err, errlen) != 0)
        return -1;
    for (size_t k = 0; k < pr.n; k++)
        if (pr.reports[k]) {
            period_summary row = aggregate_summary(pr.reports[k]);
            each(ctx, &row);
        }
    free_reports(&pr);
    return 0;
}

unsigned build_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* What a worker reports: a record of [kind][period index][length][bytes]. */
enum { RECORD_WRITTEN = 'W', RECORD_SUMMARY = 'S', RECORD_DONE = 'D', RECORD_FAILED = 'F' };

typedef struct {
    int fd;
    size_t period;
    const config *cfg;
} worker_ctx;

static bool write_full(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static bool send_record(int fd, char kind, size_t period, const char *text)
{
    uint32_t head[2] = {(uint32_t)period, (uint32_t)(text ? strlen(text) : 0)};
    return write_full(fd, &kind, 1) && write_full(fd, head, sizeof head) &&
           write_full(fd, text ? text : "", head[1]);
}

static void worker_written(void *ctx, const char *path)
{
    worker_ctx *w = ctx;
    send_record(w->fd, RECORD_WRITTEN, w->period, path);
}

static void worker_summary(void *ctx, const period_summary *row)
{
    worker_ctx *w = ctx;
    char line[512];
    if (summary_format(row, w->cfg, line, sizeof line))
        send_record(w->fd, RECORD_SUMMARY, w->period, line);
}

/* A worker: takes the next period until none is left, builds it, reports. */
static _Noreturn void work(ledger *l, const config *cfg, const sn_period *periods, size_t n,
                           const sn_period *only, const build_options *o, size_t *next, int fd)
{
    worker_ctx w = {fd, 0, cfg};
    slim_period carry = {0};     /* when this worker gets the next period too */
    build_options mine = *o;
    mine.on_written = worker_written;
    mine.ctx = &w;
    mine.on_summary = o->on_summary ? worker_summary : NULL;
    mine.summary_ctx = &w;
    for (;;) {
        size_t i = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
        if (i >= n)
            break;
        if (only && period_compare(only, &periods[i]) != 0)
            continue;
        char why[1024];
        w.period = i;
        bool ok = build_period_carry(l, cfg, periods[i], &mine, &carry, why, sizeof why) == 0;
        if (!send_record(fd, ok ? RECORD_DONE : RECORD_FAILED, i, ok ? NULL : why))
            _exit(3);
    }
    _exit(0);   /* no atexit, no stdio flush: the parent owns those */
}

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static bool buffer_read(buffer *b, int fd, bool *eof)
{
    if (b->cap - b->len < 65536) {
        size_t cap = b->cap ? b->cap * 2 : 131072;
        char *d = realloc(b->data, cap);
        if (!d)
            return false;
        b->data = d;
        b->cap = cap;
    }
    ssize_t r = read(fd, b->data + b->len, b->cap - b->len);
    if (r < 0)
        return errno == EINTR || errno == EAGAIN;
    *eof = r == 0;
    b->len += (size_t)r;
    return true;
}

/* What the workers said, replayed in period order. */
typedef struct {
    const char **texts;
    size_t n, cap;
} text_list;

typedef struct {
    bool reported, ok;
    const char *error;
    text_list written, summaries;
} period_result;

static bool text_list_add(text_list *t, char *text)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        const char **texts = realloc(t->texts, cap * sizeof *texts);
        if (!texts)
            return false;
        t->texts = texts;
        t->cap = cap;
    }
    t->texts[t->n++] = text;
    return true;
}

static void text_list_free(text_list *t)
{
    for (size_t k = 0; k < t->n; k++)
        free((char *)t->texts[k]);
    free(t->texts);
}

static size_t build_in_workers(ledger *l, const config *cfg, const sn_period *periods, size_t n,
                               const sn_period *only, const build_options *o,
                               void (*done)(void *ctx, sn_period, const char *, const char *),
                               void *ctx)
{
    unsigned jobs = o->jobs < n ? o->jobs : (unsigned)n;
    size_t *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    period_result *results = calloc(n, sizeof *results);
    buffer *out = calloc(jobs, sizeof *out);
    int *fds = calloc(jobs, sizeof *fds);
    pid_t *pids = calloc(jobs, sizeof *pids);
    size_t failed = 0;
    char lost[160] = "byggeprocessen stoppede uventet";
    if (next == MAP_FAILED || !results || !out || !fds || !pids) {
        if (next != MAP_FAILED)
            munmap(next, sizeof *next);
        free(results);
        free(out);
        free(fds);
        free(pids);
        build_options one = *o;
        one.jobs = 1;
        return build_periods(l, cfg, periods, n, only, &one, done, ctx);
    }
    *next = 0;
    fflush(NULL);
    pid_t parent = getpid();
    unsigned started = 0;
    for (unsigned j = 0; j < jobs; j++) {
        int p[2];
        if (pipe(p) != 0)
            break;
        pid_t pid = fork();
        if (pid < 0) {
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) {
            /* A worker dies with the run: a killed run leaves no worker
             * writing workbooks or holding the archive's lock. */
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
                _exit(4);
            close(p[0]);
            for (unsigned k = 0; k < started; k++)
                close(fds[k]);
            work(l, cfg, periods, n, only, o, next, p[1]);
        }
        close(p[1]);
        fds[started] = p[0];
        pids[started++] = pid;
    }
    if (started == 0)   /* no worker could start: build here */
        __atomic_store_n(next, 0, __ATOMIC_SEQ_CST);
    /* Read every worker's reports as they come, so that none blocks. */
    unsigned open_fds = started;
    while (open_fds) {
        struct pollfd pfd[64];
        unsigned map[64], m = 0;
        for (unsigned j = 0; j < started && m < 64; j++)
            if (fds[j] >= 0) {
                pfd[m] = (struct pollfd){.fd = fds[j], .events = POLLIN};
                map[m++] = j;
            }
        if (poll(pfd, m, -1) < 0 && errno != EINTR)
            break;
        for (unsigned k = 0; k < m; k++) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            bool eof = false;
            unsigned j = map[k];
            if (!buffer_read(&out[j], fds[j], &eof) || eof) {
                close(fds[j]);
                fds[j] = -1;
                open_fds--;
            }
        }
    }
    for (unsigned j = 0; j < started; j++) {
        int status;
        while (waitpid(pids[j], &status, 0) < 0 && errno == EINTR)
            ;
        if (WIFSIGNALED(status))
            snprintf(lost, sizeof lost, "byggeprocessen stoppede uventet (signal %d)", WTERMSIG(status));
    }
    /* Parse the records. */
    for (unsigned j = 0; j < started; j++) {
        size_t at = 0;
        while (out[j].len - at >= 9) {
            char kind = out[j].data[at];
            uint32_t head[2];
            memcpy(head, out[j].data + at + 1, sizeof head);
            if (out[j].len - at - 9 < head[1] || head[0] >= n)
                break;
            char *text = out[j].data + at + 9;
            at += 9 + head[1];
            period_result *r = &results[head[0]];
            char *copy = strndup(text, head[1]);
            if (!copy)
                continue;
            if (kind == RECORD_WRITTEN || kind == RECORD_SUMMARY) {
                if (!text_list_add(kind == RECORD_WRITTEN ? &r->written : &r->summaries, copy))
                    free(copy);
            } else {
                r->reported = true;
                r->ok = kind == RECORD_DONE;
                r->error = kind == RECORD_DONE ? (free(copy), NULL) : copy;
            }
        }
    }
    /* Replay in period order; a period no worker finished is built here. */
    for (size_t i = 0; i < n; i++) {
        period_result *r = &results[i];
        if (only && period_compare(only, &periods[i]) != 0)
            continue;
        if (!r->reported && started == 0) {
            char why[1024];
            bool ok = build_period(l, cfg, periods[i], o, why, sizeof why) == 0;
            failed += !ok;
            if (done)
                done(ctx, periods[i], o->out_dir, ok ? NULL : why);
            continue;
        }
        for (size_t k = 0; k < r->written.n && o->on_written; k++)
            o->on_written(o->ctx, r->written.texts[k]);
        /* A period's rows all, or none (the overview then aggregates it). */
        period_summary *rows = o->on_summary ? calloc(r->summaries.n + 1, sizeof *rows) : NULL;
        bool parsed = rows != NULL;
        for (size_t k = 0; parsed && k < r->summaries.n; k++)
            parsed = summary_parse((char *)r->summaries.texts[k], cfg, &rows[k]);
        for (size_t k = 0; parsed && k < r->summaries.n; k++)
            o->on_summary(o->summary_ctx, &rows[k]);
        free(rows);
        const char *error = r->reported ? (r->ok ? NULL : r->error) : lost;
        failed += error != NULL;
        if (done)
            done(ctx, periods[i], o->out_dir, error);
    }
    for (size_t i = 0; i < n; i++) {
        text_list_free(&results[i].written);
        text_list_free(&results[i].summaries);
        free((char *)results[i].error);
    }
    for (unsigned j = 0; j < jobs; j++)
        free(out[j].data);
    free(results);
    free(out);
    free(fds);
    free(pids);
    munmap(next, sizeof *next);
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
    if (o->jobs > 1 && wanted > 1)
        return build_in_workers(l, cfg, periods, n, only, o, done, ctx);
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
