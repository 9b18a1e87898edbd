/* plain_run.c — the run without an archive; see plain_run.h. */
#include "plain_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "dirlist.h"
#include "durable.h"
#include "ledger.h"
#include "overview.h"
#include "process.h"
#include "strbuf.h"
#include "text.h"

/* Each file admitted as it comes, in the inbox's order. */
typedef struct {
    ledger *l;
    const process_job *files;    /* where each file is read again */
    const plain_run_events *ev;
    plain_run_result *res;
} intake_ctx;

static bool intake_one(void *ctx, size_t i, processed_file *p)
{
    intake_ctx *in = ctx;
    ledger_entry *e = ledger_admit(in->l, p, in->files[i].path, 0, NULL);
    if (!e)
        return false;
    in->res->counts[e->row.status]++;
    if (e->row.status == SOURCE_REJECTED && in->ev->rejected)
        in->ev->rejected(in->ev->ctx, &e->row);
    return true;
}

typedef struct {
    const plain_run_events *ev;
    plain_run_result *res;
} build_ctx;

static void on_written(void *ctx, const char *path)
{
    build_ctx *b = ctx;
    b->res->written++;
    if (b->ev->written)
        b->ev->written(b->ev->ctx, path);
}

static void on_period(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    build_ctx *b = ctx;
    if (error && b->ev->period_failed)
        b->ev->period_failed(b->ev->ctx, period, out_dir, error);
}

/* Every delivery copied into staging while it is read; only the copy is
 * parsed (and parsed again, if the workbooks need it after the ledger's
 * cache let it go). A file that cannot be read or is too large is said so by
 * ingest, from its own path. NULL when out of memory. */
static process_job *stage_deliveries(const plain_run_options *o, const name_list *files,
                                     const char *staging, arena *names)
{
    process_job *to_read = arena_alloc_array(names, files->n ? files->n : 1, sizeof *to_read);
    if (!to_read)
        return NULL;
    for (size_t i = 0; i < files->n; i++) {
        char path[4096], copy[4200], why[512];
        snprintf(path, sizeof path, "%s/%s", o->inbox, files->names[i]);
        snprintf(copy, sizeof copy, "%s/%06zu", staging, i);
        struct stat st;
        int fd = durable_open_delivery(path, &st);
        durable_copy_result c = {0};
        bool staged = fd >= 0 && (uint64_t)st.st_size <= o->cfg->max_file_bytes &&
                      durable_copy_fd(fd, copy, DURABLE_COPY, o->cfg->max_file_bytes, &c, why,
                                      sizeof why) == 0 &&
                      !c.over_limit;
        if (fd >= 0)
            close(fd);
        to_read[i] = (process_job){arena_strdup(names, staged ? copy : path),
                                   text_name_escape(names, files->names[i]), o->cfg};
        if (!to_read[i].path || !to_read[i].name)
            return NULL;
    }
    return to_read;
}

void plain_run(const plain_run_options *o, const plain_run_events *ev, plain_run_result *res)
{
    static const plain_run_events no_events;
    if (!ev)
        ev = &no_events;
    memset(res, 0, sizeof *res);
    res->outcome = OUTCOME_FAILURE_IO;
    ledger *l = NULL;
    arena *names = NULL;         /* the files' names as shown (text_name_escape) */
    char staging[4096] = "";     /* the deliveries' copies, removed at the end */
    sn_period *periods = NULL;
    name_list files = {0};
    if (inbox_list(o->inbox, &files) != 0) {
        text_printf_cut(res->err, sizeof res->err, "%s: %s", o->inbox, errno_text(errno));
        res->outcome = errno == ENOENT || errno == ENOTDIR ? OUTCOME_USAGE : OUTCOME_FAILURE_IO;
        goto done;
    }
    if (mkdir(o->out, 0755) != 0 && errno != EEXIST) {
        text_printf_cut(res->err, sizeof res->err, "%s: %s", o->out, errno_text(errno));
        goto done;
    }
    l = ledger_new(o->cfg, LEDGER_CACHE_BUDGET);
    names = arena_new();
    if (!l || !names)
        goto oom;
    const char *tmp = getenv("TMPDIR");
    snprintf(staging, sizeof staging, "%s/statusnotat-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(staging)) {
        text_printf_cut(res->err, sizeof res->err, "%s: %s", staging, errno_text(errno));
        staging[0] = '\0';
        goto done;
    }
    process_job *to_read = stage_deliveries(o, &files, staging, names);
    if (!to_read)
        goto oom;
    res->n_files = files.n;
    intake_ctx in = {.l = l, .files = to_read, .ev = ev, .res = res};
    if (process_in_order(to_read, files.n, o->jobs, intake_one, &in) != 0)
        goto oom;

    size_t n_periods = ledger_periods(l, &periods);
    if (n_periods == (size_t)-1)
        goto oom;
    ledger_release_ids(l);   /* everything is admitted: the builds need no ids */
    overview *ov = overview_new(l, o->cfg, NULL, NULL);
    if (!ov)
        goto oom;
    build_ctx bc = {.ev = ev, .res = res};
    build_options bo = {.out_dir = o->out, .created = o->created, .jobs = o->jobs, .on_written = on_written,
                        .ctx = &bc, .on_rows = overview_add_rows, .rows_ctx = ov};
    /* One period's failure is that period's: the others are written. */
    size_t failed = build_periods(l, o->cfg, periods, n_periods, NULL, &bo, on_period, &bc);
    /* The overview across the periods, when there are any. */
    char why[1024];
    bool any_rejected = res->counts[SOURCE_REJECTED] > 0;
    if ((n_periods || any_rejected) && overview_write(ov, &bo, why, sizeof why) != 0) {
        if (ev->overview_failed)
            ev->overview_failed(ev->ctx, why);
        failed++;
    }
    overview_free(ov);
    res->outcome = failed ? OUTCOME_FAILURE_IO
                   : res->counts[SOURCE_REJECTED] ? OUTCOME_SOME_REJECTED
                                                  : OUTCOME_ALL_ACCEPTED;
    goto done;
oom:
    snprintf(res->err, sizeof res->err, "ikke nok hukommelse");
    res->outcome = OUTCOME_FAILURE_IO;
done:
    free(periods);
    ledger_free(l);
    arena_free(names);
    if (staging[0])
        durable_remove_tree(staging);
    name_list_free(&files);
}
