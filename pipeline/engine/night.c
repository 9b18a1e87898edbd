/* night.c — the night run over an archive: recovery, intake into staged
 * copies, replay, admission, commit, workbooks, quarantine, report; and
 * reruns. Prints nothing (see night.h). */
#include "night.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "build.h"
#include "outcome.h"
#include "durable.h"
#include "sha256.h"
#include "config_load.h"
#include "crashpoint.h"
#include "dirlist.h"
#include "ledger.h"
#include "overview.h"
#include "report.h"
#include "share.h"
#include "state.h"
#include "status.h"
#include "text.h"
#include "version.h"


typedef struct {
    const char *archive, *inbox, *out;
    const config *cfg;
    config archive_cfg;          /* for reading the archive's own copies: no ratio limit */
    ledger *l;
    const night_events *ev;
    night_result *res;
    unsigned jobs;
    /* The run being written or finished. */
    const char *run_id;
    FILE *log;                   /* runs/<id>/log.jsonl once the run exists */
    json_t *pending_log;         /* lines before it exists */
    char *err;                   /* res->err */
    size_t errlen;
    state_store *store;          /* the ledger's source, when the state named the last run */
    bool store_failed;           /* it could not be read during the run */
    share sh;                    /* the share's records (share.h) */
    char config_sha256[65];      /* of the configuration this night runs with */
    json_t *stale;               /* the report's "stale": periods rebuilt for the share */
    time_t recorded;             /* the run's recorded time */
    time_t started;              /* when the night began, by the clock */
    struct timespec began;       /* the same by CLOCK_MONOTONIC, for its duration */
} night;

/* One delivery taken from the inbox this night. */
typedef struct {
    const char *name;            /* escaped (text_name_escape) */
    char received[32];           /* its mtime in the inbox, ISO UTC */
    staged_delivery staged;
} intake;

static const night_events no_events;

/* A time as ISO 8601 UTC; "" for one outside the years the program uses (a
 * file's arrival time can be anything). */
static void iso_utc(time_t t, char buf[32])
{
    time_format_utc((int64_t)t, buf);
}

/* The limits for reading the archive's own copies: any expansion ratio (the
 * file was admitted under the limits already), the file's size when it was
 * stored as gzip, and a gzip copy of an incompressible file is a little
 * larger than the file. */
static config archive_limits(const config *cfg)
{
    config c = *cfg;
    c.max_expansion_ratio = 1e12;
    c.max_expanded_bytes =
        cfg->max_file_bytes > cfg->max_expanded_bytes ? cfg->max_file_bytes : cfg->max_expanded_bytes;
    c.max_file_bytes = cfg->max_file_bytes + cfg->max_file_bytes / 64 + 65536;
    return c;
}

/* A log line as one compact JSON object on a line of its own. */
static void write_log_line(FILE *log, const json_t *line)
{
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text)
        fprintf(log, "%s\n", text);   /* a failed write shows in fflush */
    free(text);
}

/* One log line: {"time", "run", "level", "event", ...fields}. */
static void log_event(night *n, const char *level, const char *event, json_t *fields)
{
    char now[32];
    iso_utc(time(NULL), now);
    json_t *line = json_pack("{s:s, s:s, s:s, s:s}", "time", now, "run", n->run_id ? n->run_id : "",
                             "level", level, "event", event);
    if (line && fields)
        json_object_update(line, fields);
    json_decref(fields);
    if (!line)
        return;
    if (n->log) {
        write_log_line(n->log, line);
        fflush(n->log);
        json_decref(line);
    } else if (n->pending_log) {
        json_array_append_new(n->pending_log, line);
    } else {
        json_decref(line);
    }
}

/* Opens runs/<id>/log.jsonl (append) and writes what was pending. */
static int open_log(night *n, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/log.jsonl", dir);
    /* Appended the way a delivery is read: no link followed, no FIFO waited on. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
        errno = EFTYPE_NOT_REGULAR;
    }
    n->log = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!n->log) {
        if (fd >= 0)
            close(fd);
        snprintf(n->err, n->errlen, "%s: %s", path, durable_open_failure(errno));
        return -1;
    }
    size_t i;
    json_t *line;
    json_array_foreach(n->pending_log, i, line)
        write_log_line(n->log, line);
    json_array_clear(n->pending_log);
    return fflush(n->log) == 0 ? 0 : -1;
}

static void close_log(night *n)
{
    if (n->log) {
        fflush(n->log);
        fsync(fileno(n->log));
        fclose(n->log);
        n->log = NULL;
    }
}

/* ---- Replay ------------------------------------------------------------------- */

static admission admission_of(night *n, const manifest_input *in, size_t run_index, char *path,
                              size_t path_size)
{
    snprintf(path, path_size, "%s/%s", n->archive, in->archived);
    return (admission){
        .id = in->id, .path = path, .archived = in->archived,
        .path_sha256_hex = in->archived_sha256, .load_cfg = &n->archive_cfg, .valid = in->valid,
        .ids = in->ids, .id_lines = in->id_lines, .n_ids = in->n_ids,
        .findings = in->findings, .n_findings = in->n_findings, .run_index = run_index,
        .received = in->received,
    };
}

static int replay_run(night *n, const run_manifest *m, size_t run_index)
{
    for (size_t i = 0; i < m->n_inputs; i++) {
        char path[4400];
        admission a = admission_of(n, &m->inputs[i], run_index, path, sizeof path);
        ledger_entry *e = ledger_admit_record(n->l, &a);
        if (!e) {
            snprintf(n->err, n->errlen, "ikke nok hukommelse");
            return -1;
        }
        if (e->row.status != m->inputs[i].status)
            log_event(n, "warning", "replay_differs",
                      json_pack("{s:s, s:s, s:s, s:s}", "of_run", m->id, "file", m->inputs[i].id.name,
                                "recorded", source_status_code(m->inputs[i].status), "replayed",
                                source_status_code(e->row.status)));
    }
    return 0;
}

/* ---- Finishing a committed run: workbooks, inbox, report ------------------------ */

static char *quarantine_reasons(const ledger_entry *e, const char *run_id, time_t recorded,
                                size_t *len)
{
    char when[32], *text = NULL;
    iso_utc(recorded, when);
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    fprintf(f,
            "statusnotat afviste %s i kørsel %s (%s).\n"
            "SHA-256: %s\n\n"
            "Fejl og advarsler (FIL:LINJE: alvor KODE: besked [element]):\n",
            e->row.id.name, run_id, when, e->row.id.sha256_hex);
    for (size_t k = 0; k < e->row.n_findings; k++)
        report_finding_text_as(f, &e->row.findings[k], e->row.id.name);
    fprintf(f, "\nRet fejlene og send filen igen. Kontrollér den først med:\n"
               "  statusnotat check -- \"%s\"\n",
            e->row.id.name);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The inbox file an entry was taken from, if it still holds the very bytes
 * the run took. */
static bool inbox_holds(night *n, const ledger_entry *e, char *path, size_t size)
{
    char raw[1024], sha[65];
    if (!text_name_unescape(e->row.id.name, raw, sizeof raw) ||
        snprintf(path, size, "%s/%s", n->inbox, raw) >= (int)size)
        return false;
    if (sha256_of_file(path, sha) != 0)
        return false;
    if (strcmp(sha, e->row.id.sha256_hex) == 0)
        return true;
    log_event(n, "warning", "changed_in_inbox",
              json_pack("{s:s, s:s}", "file", e->row.id.name, "note",
                        "the inbox holds other bytes now; they wait for the next night"));
    return false;
}

/* Each file of the run that the inbox still holds leaves it: into quarantine
 * when it was rejected, else away. A file that cannot be moved stays, and
 * is logged; nothing here fails the run. */
static int clear_inbox(night *n, const run_manifest *m, size_t run_index, json_t *report_inputs)
{
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run_index != run_index)
            continue;
        const manifest_input *in = &m->inputs[k++];
        char path[4400], rel[512] = "";
        bool present = inbox_holds(n, e, path, sizeof path), quarantined = false;
        if (e->row.status == SOURCE_REJECTED) {
            size_t len = 0;
            char *reasons = present ? quarantine_reasons(e, m->id, (time_t)m->recorded_time, &len) : NULL;
            char qerr[1024];
            if (present && reasons &&
                archive_quarantine(n->archive, m->id, in, k - 1, reasons, len, rel, qerr,
                                   sizeof qerr) == 0) {
                quarantined = true;
                n->res->n_quarantined++;
                log_event(n, "warning", "quarantined", json_pack("{s:s, s:s}", "file",
                                                                 e->row.id.name, "to", rel));
            } else if (present) {
                rel[0] = '\0';
                const char *why = reasons ? qerr : "ikke nok hukommelse";
                log_event(n, "error", "not_quarantined",
                          json_pack("{s:s, s:s}", "file", e->row.id.name, "error", why));
                if (!n->res->n_not_quarantined++)
                    snprintf(n->res->quarantine_error, sizeof n->res->quarantine_error, "%s: %s",
                             e->row.id.name, why);
            }
            free(reasons);
            if (!present) {
                /* Moved already by the run a crash interrupted? */
                char qpath[4400];
                archive_quarantine_path(n->archive, m->id, in, k - 1, rel, qpath, sizeof qpath);
                if (access(qpath, F_OK) != 0)
                    rel[0] = '\0';
            }
        }
        if (present && (e->row.status != SOURCE_REJECTED || quarantined)) {
            if (unlink(path) != 0)
                log_event(n, "error", "not_removed",
                          json_pack("{s:s, s:s}", "file", e->row.id.name, "error", errno_text(errno)));
            else
                crash_point("inbox");
        }
        size_t errors = source_row_count(&e->row, SEVERITY_ERROR);
        size_t warnings = source_row_count(&e->row, SEVERITY_WARNING);
        if (json_array_append_new(
                report_inputs,
                json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "file", e->row.id.name, "sha256",
                          e->row.id.sha256_hex, "status", source_status_code(e->row.status),
                          "errors", (json_int_t)errors, "warnings", (json_int_t)warnings,
                          "quarantine", rel[0] ? json_string(rel) : json_null())) != 0) {
            snprintf(n->err, n->errlen, "ikke nok hukommelse");
            return -1;
        }
    }
    if (durable_sync_dir(n->inbox) != 0 && errno != ENOENT) {
        snprintf(n->res->inbox_error, sizeof n->res->inbox_error, "%s: kan ikke synkroniseres: %s",
                 n->inbox, errno_text(errno));
        log_event(n, "error", "inbox_not_synced", json_pack("{s:s}", "error", n->res->inbox_error));
    }
    return 0;
}

/* ---- Building a run's workbooks, recorded in the share and the report -------------- */

/* What a build tells (build_options' callbacks): each workbook written or
 * not, kept in the share's records (a night; not a rerun) and in the run's
 * report. */
typedef struct {
    night *n;
    const run_manifest *m;
    json_t *workbooks;           /* the run's own: [{file, sha256}] */
    json_t *rewritten;           /* earlier runs' written again: [{file, sha256, of_run, reason}] */
    json_t *failed;              /* [{file, error[, of_run]}] */
    json_t *failed_periods;      /* [{period, error}] */
    const period_digest *digests;   /* every period's now; NULL: no records kept (rerun) */
    size_t n_digests;
    const manifest_rewrite *rewriting;   /* the rewrites being written (one run's); NULL: the run's own */
    size_t n_rewriting;
    int64_t rewriting_created;   /* the time of the run they are of */
    size_t told;                 /* workbooks told since the last period was done */
    bool failed_to_record;       /* out of memory, or a workbook that cannot be hashed */
} made_ctx;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const manifest_rewrite *rewrite_of(const made_ctx *w, const char *file)
{
    for (size_t i = 0; i < w->n_rewriting; i++)
        if (strcmp(w->rewriting[i].file, file) == 0)
            return &w->rewriting[i];
    return NULL;
}

static const char *rewrite_reason_text(const manifest_rewrite *rw)
{
    int r = share_reason_from_code(rw->reason);
    return r >= 0 ? share_reason_text((share_reason)r) : rw->reason;
}

/* The share's record of a workbook this build wrote (sha) or could not write
 * (error): the run's own build makes it the run's, with the key it has now;
 * a rewrite keeps the run it is of. */
static void record_workbook(made_ctx *w, const char *file, const char *path, const char *sha,
                            const char *error)
{
    if (!w->digests)
        return;
    share_record *r = share_get(&w->n->sh, file);
    if (!r) {
        w->failed_to_record = true;
        return;
    }
    if (!w->rewriting || !r->run[0]) {
        /* The run's own; or one of an earlier run's period that had no
         * record yet (its reports could not be made that night): that
         * run's, with the key it has now. */
        char key[65];
        share_key(r, program_version(), w->m->config_sha256, w->digests, w->n_digests, key);
        if (w->rewriting)
            share_set_made(r, key, w->rewriting[0].of_run, w->rewriting_created, program_version(),
                           w->m->config_sha256);
        else
            share_set_made(r, key, w->m->id, w->m->recorded_time, program_version(), w->m->config_sha256);
    }
    if (sha)
        share_set_written(r, path, sha);
    else
        share_set_tried_failed(r, error);
}

static void append(made_ctx *w, json_t *list, json_t *entry)
{
    if (!entry || json_array_append_new(list, entry) != 0)
        w->failed_to_record = true;
}

static void on_written(void *ctx, const char *path)
{
    made_ctx *w = ctx;
    char sha[65] = "";
    const char *file = base_name(path);
    w->told++;
    if (sha256_of_file(path, sha) != 0)
        w->failed_to_record = true;
    const manifest_rewrite *rw = w->rewriting ? rewrite_of(w, file) : NULL;
    if (rw) {
        append(w, w->rewritten, json_pack("{s:s, s:s, s:s, s:s}", "file", file, "sha256", sha, "of_run",
                                          rw->of_run, "reason", rw->reason));
        w->n->res->n_rewritten++;
        if (w->n->ev->rewritten)
            w->n->ev->rewritten(w->n->ev->ctx, file, rewrite_reason_text(rw), NULL);
        log_event(w->n, "info", "rewritten", json_pack("{s:s, s:s, s:s, s:s}", "file", path, "sha256", sha,
                                                       "of_run", rw->of_run, "reason", rw->reason));
    } else {
        append(w, w->workbooks, json_pack("{s:s, s:s}", "file", file, "sha256", sha));
        log_event(w->n, "info", "workbook", json_pack("{s:s, s:s}", "file", path, "sha256", sha));
    }
    record_workbook(w, file, path, sha, NULL);
    crash_point("workbook");
}

static void on_failed(void *ctx, const char *path, const char *error)
{
    made_ctx *w = ctx;
    const char *file = base_name(path);
    const manifest_rewrite *rw = w->rewriting ? rewrite_of(w, file) : NULL;
    w->told++;
    json_t *entry = json_pack("{s:s, s:s}", "file", file, "error", error);
    if (entry && rw && json_object_set_new(entry, "of_run", json_string(rw->of_run)) != 0)
        w->failed_to_record = true;
    append(w, w->failed, entry);
    record_workbook(w, file, path, NULL, error);
    log_event(w->n, "error", "workbook_failed",
              json_pack("{s:s, s:s, s:s}", "file", path, "error", error, "of_run", rw ? rw->of_run : w->m->id));
    if (rw && w->n->ev->rewritten)
        w->n->ev->rewritten(w->n->ev->ctx, file, rewrite_reason_text(rw), error);
}

/* A period or the overviews failed before any workbook of it was told (its
 * reports could not be made): every workbook of it that this build meant to
 * write is recorded as failed, the municipality's at least, so that the next
 * night writes them. */
static void none_told(made_ctx *w, bool overviews, sn_period period, const char *error)
{
    char path[4400], name[64];
    if (w->rewriting) {
        for (size_t i = 0; i < w->n_rewriting; i++) {
            bool is_overview;
            sn_period p;
            if (share_name_parse(w->rewriting[i].file, &is_overview, &p) && is_overview == overviews &&
                (overviews || period_compare(&p, &period) == 0)) {
                snprintf(path, sizeof path, "%s/%s", w->n->out, w->rewriting[i].file);
                on_failed(w, path, error);
            }
        }
        return;
    }
    if (!w->digests)
        return;
    share *sh = &w->n->sh;
    for (size_t i = 0; i < sh->n; i++) {
        share_record *r = &sh->items[i];
        if (r->is_overview == overviews && (overviews || period_compare(&r->period, &period) == 0)) {
            snprintf(path, sizeof path, "%s/%s", w->n->out, r->file);
            on_failed(w, path, error);
        }
    }
    if (overviews) {
        snprintf(name, sizeof name, "statusredegoerelse-oversigt.xlsx");
    } else {
        char p[8];
        period_format(&period, p);
        snprintf(name, sizeof name, "statusredegoerelse-%s.xlsx", p);
    }
    if (!share_find(sh, name)) {
        snprintf(path, sizeof path, "%s/%s", w->n->out, name);
        on_failed(w, path, error);
    }
}

/* A period of the run's own built, or not: counted, logged, reported. */
static void period_done(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    made_ctx *w = ctx;
    night *n = w->n;
    char p[8];
    period_format(&period, p);
    n->res->n_periods++;
    if (n->ev->period)
        n->ev->period(n->ev->ctx, period, out_dir, error);
    if (error && w->told == 0)
        none_told(w, false, period, error);
    w->told = 0;
    if (!error)
        return;
    n->res->n_failed_periods++;
    log_event(n, "error", "period_failed", json_pack("{s:s, s:s}", "period", p, "error", error));
    append(w, w->failed_periods, json_pack("{s:s, s:s}", "period", p, "error", error));
}

/* A period of rewrites done: the failures are told per workbook. */
static void rewrite_done(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    made_ctx *w = ctx;
    (void)out_dir;
    if (error && w->told == 0)
        none_told(w, false, period, error);
    w->told = 0;
}

/* The overviews across periods, with `want` (NULL: all). Their failure is
 * reported like a period's: the run is still recorded. */
static int write_overviews(made_ctx *w, overview *ov, time_t created,
                           bool (*want)(void *ctx, const char *file))
{
    night *n = w->n;
    char why[1024];
    build_options bo = {.out_dir = n->out, .created = created, .on_written = on_written,
                        .on_failed = on_failed, .ctx = w, .want = want, .want_ctx = w};
    w->told = 0;
    int rc = overview_write(ov, &bo, why, sizeof why);
    if (rc != 0 && w->told == 0)
        none_told(w, true, (sn_period){0}, why);
    w->told = 0;
    if (want)
        return rc;               /* a rewrite's failures are told per workbook */
    if (rc != 0) {
        n->res->overview_failed = true;
        snprintf(n->res->overview_error, sizeof n->res->overview_error, "%s", why);
        log_event(n, "error", "overview_failed", json_pack("{s:s}", "error", why));
    }
    if (n->ev->overview)
        n->ev->overview(n->ev->ctx, n->out, rc ? why : NULL);
    return rc;
}

/* A copy of the digests, for overview_set_periods to take over. */
static period_digest *copy_digests(const period_digest *d, size_t n)
{
    period_digest *c = malloc((n ? n : 1) * sizeof *c);
    if (c)
        memcpy(c, d, n * sizeof *c);
    return c;
}

static bool want_rewrite(void *ctx, const char *file)
{
    return rewrite_of(ctx, file) != NULL;
}

/* The workbooks of earlier runs that run m writes again (m->rewrites,
 * sorted by run): each run's as it made them — its recorded time, created[i]
 * for rewrite i — from the archive as it stands (their keys are unchanged, so
 * its sources are the same). */
static void write_rewrites(made_ctx *w, const int64_t *created, const char *cache_path)
{
    night *n = w->n;
    const run_manifest *m = w->m;
    sn_period *periods = malloc((m->n_rewrites ? m->n_rewrites : 1) * sizeof *periods);
    if (!periods) {
        w->failed_to_record = true;
        return;
    }
    for (size_t i = 0; i < m->n_rewrites;) {
        size_t j = i, n_periods = 0;
        bool overviews = false;
        while (j < m->n_rewrites && strcmp(m->rewrites[j].of_run, m->rewrites[i].of_run) == 0) {
            bool is_overview;
            sn_period p;
            if (share_name_parse(m->rewrites[j].file, &is_overview, &p)) {
                bool listed = false;
                for (size_t k = 0; k < n_periods && !listed; k++)
                    listed = period_compare(&periods[k], &p) == 0;
                if (is_overview)
                    overviews = true;
                else if (!listed)
                    periods[n_periods++] = p;
            }
            j++;
        }
        qsort(periods, n_periods, sizeof *periods, period_compare_void);
        w->rewriting = &m->rewrites[i];
        w->n_rewriting = j - i;
        w->rewriting_created = created[i];
        build_options bo = {.out_dir = n->out, .created = (time_t)created[i], .jobs = n->jobs,
                            .on_written = on_written, .on_failed = on_failed, .ctx = w,
                            .want = want_rewrite, .want_ctx = w};
        w->told = 0;
        build_periods(n->l, n->cfg, periods, n_periods, NULL, &bo, rewrite_done, w);
        if (overviews) {
            overview *ov = overview_new(n->l, n->cfg, cache_path, m->config_sha256);
            period_digest *all = w->digests ? copy_digests(w->digests, w->n_digests) : NULL;
            if (ov && all)
                overview_set_periods(ov, all, w->n_digests);
            else
                free(all);
            if (ov)
                write_overviews(w, ov, (time_t)created[i], want_rewrite);
            else
                w->failed_to_record = true;
            overview_free(ov);
        }
        i = j;
    }
    w->rewriting = NULL;
    w->n_rewriting = 0;
    free(periods);
}

/* Every period the run builds or writes again, and the one before each,
 * brought into the ledger (a ledger with a source loads on demand). */
static bool need_periods(night *n, const run_manifest *m)
{
    for (size_t p = 0; p < m->n_periods; p++)
        if (!ledger_need_period(n->l, m->periods[p]) ||
            !ledger_need_period(n->l, period_previous(m->periods[p])))
            return false;
    for (size_t i = 0; i < m->n_rewrites; i++) {
        bool is_overview;
        sn_period p;
        if (share_name_parse(m->rewrites[i].file, &is_overview, &p) && !is_overview &&
            (!ledger_need_period(n->l, p) || !ledger_need_period(n->l, period_previous(p))))
            return false;
    }
    return true;
}

/* Every period's digest now: the state's with the ledger's over them, or
 * the ledger's when it holds the whole archive. (size_t)-1 on failure. */
static size_t all_digests(night *n, period_digest **out)
{
    return n->store ? state_period_digests(n->store, n->l, out) : ledger_period_digests(n->l, out);
}

/* How many of the share's workbooks are not in place. */
static size_t share_incomplete(const share *sh)
{
    size_t k = 0;
    for (size_t i = 0; i < sh->n; i++)
        k += !sh->items[i].written;
    return k;
}

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* The exit code of what the night did (commands.h); defined below. */
static int exit_code_of(night_result *res, size_t rejected, const char *out);

/* Steps 5-7 of night.h for run m (index `run` in the ledger). `left` and
 * `deferred` list what the night did not take (NULL when recovering). */
static int finish_run(night *n, const run_manifest *m, size_t run_index, json_t *left, json_t *deferred)
{
    char path[4400], manifest_sha[65] = "", when[32], cache[4200];
    made_ctx w = {.n = n, .m = m, .workbooks = json_array(), .rewritten = json_array(),
                  .failed = json_array(), .failed_periods = json_array()};
    json_t *inputs = json_array(), *periods = json_array(), *overview_error = json_null();
    period_digest *digests = NULL;
    int64_t *created = calloc(m->n_rewrites ? m->n_rewrites : 1, sizeof *created);
    overview_cache_path(n->archive, cache, sizeof cache);
    overview *ov = overview_new(n->l, n->cfg, cache, m->config_sha256);
    int rc = -1;
    size_t counts[4] = {0};
    if (!w.workbooks || !w.rewritten || !w.failed || !w.failed_periods || !inputs || !periods ||
        !created || !ov || durable_mkdirs(n->out, n->err, n->errlen) != 0)
        goto oom;
    if (!need_periods(n, m)) {
        snprintf(n->err, n->errlen, "%s", ledger_error(n->l));
        goto done;
    }
    size_t n_digests = all_digests(n, &digests);
    if (n_digests == (size_t)-1) {
        snprintf(n->err, n->errlen, "%s: periodernes liste kan ikke læses", n->archive);
        goto done;
    }
    w.digests = digests;
    w.n_digests = n_digests;
    build_options bo = {.out_dir = n->out, .created = (time_t)m->recorded_time, .jobs = n->jobs,
                        .on_written = on_written, .on_failed = on_failed, .ctx = &w,
                        .on_summary = overview_add, .summary_ctx = ov};
    build_periods(n->l, n->cfg, m->periods, m->n_periods, NULL, &bo, period_done, &w);
    if (m->n_periods) {
        period_digest *all = copy_digests(digests, n_digests);
        if (!all)
            goto oom;
        overview_set_periods(ov, all, n_digests);
        if (write_overviews(&w, ov, (time_t)m->recorded_time, NULL) != 0)
            overview_error = json_string(n->res->overview_error);
        if (overview_cache_error(ov)) {
            snprintf(n->res->cache_error, sizeof n->res->cache_error, "%s", overview_cache_error(ov));
            log_event(n, "warning", "cache_not_written", json_pack("{s:s}", "error", n->res->cache_error));
        }
    }
    /* Earlier runs' workbooks, each with the time of the run it is of. */
    for (size_t i = 0; i < m->n_rewrites; i++) {
        created[i] = m->recorded_time;
        for (size_t k = 0; k < n->sh.n; k++)   /* a record of the run it is of has its time */
            if (strcmp(n->sh.items[k].run, m->rewrites[i].of_run) == 0) {
                created[i] = n->sh.items[k].created;
                break;
            }
    }
    write_rewrites(&w, created, cache);
    if (w.failed_to_record) {
        snprintf(n->err, n->errlen, "%s: regnearkene kan ikke registreres i rapporten", m->id);
        goto done;
    }
    if (clear_inbox(n, m, run_index, inputs) != 0)
        goto done;
    for (size_t i = 0; i < ledger_count(n->l); i++)
        if (ledger_get(n->l, i)->run_index == run_index)
            counts[ledger_get(n->l, i)->row.status]++;
    for (size_t i = 0; i < m->n_periods; i++) {
        char p[8];
        period_format(&m->periods[i], p);
        if (json_array_append_new(periods, json_string(p)) != 0)
            goto oom;
    }
    snprintf(path, sizeof path, "%s/runs/%s/manifest.json", n->archive, m->id);
    if (sha256_of_file(path, manifest_sha) != 0) {
        snprintf(n->err, n->errlen, "%s: %s", path, errno_text(errno));
        goto done;
    }
    n->res->n_incomplete = share_incomplete(&n->sh);
    char why_saved[sizeof n->res->err];
    memcpy(why_saved, n->res->err, sizeof why_saved);
    int exit_status = exit_code_of(n->res, counts[SOURCE_REJECTED], n->out);
    memcpy(n->res->err, why_saved, sizeof why_saved);
    iso_utc((time_t)m->recorded_time, when);
    json_t *report = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I}, s:O, s:O, s:O, s:o, s:o, s:O}",
        "run", m->id, "recorded_utc", when, "inbox", n->inbox, "archive", n->archive, "out", n->out,
        "manifest_sha256", manifest_sha, "counts",
        "accepted", (json_int_t)counts[SOURCE_ACCEPTED], "rejected",
        (json_int_t)counts[SOURCE_REJECTED], "superseded", (json_int_t)counts[SOURCE_SUPERSEDED],
        "duplicate", (json_int_t)counts[SOURCE_DUPLICATE], "periods", periods,
        "failed_periods", w.failed_periods, "inputs", inputs,
        "left_in_inbox", left ? json_incref(left) : json_array(),
        "deferred", deferred ? json_incref(deferred) : json_array(), "workbooks", w.workbooks);
    if (report && (json_object_set(report, "overview_error", overview_error) != 0 ||
                   json_object_set(report, "failed_workbooks", w.failed) != 0 ||
                   json_object_set(report, "rewritten", w.rewritten) != 0 ||
                   json_object_set_new(report, "stale", n->stale ? json_incref(n->stale) : json_array()) != 0 ||
                   json_object_set_new(report, "share_incomplete", json_integer((json_int_t)n->res->n_incomplete)) != 0 ||
                   json_object_set_new(report, "exit_status", json_integer(exit_status)) != 0 ||
                   json_object_set_new(report, "program_version", json_string(program_version())) != 0 ||
                   json_object_set_new(report, "duration_seconds", json_real(seconds_since(&n->began))) != 0)) {
        json_decref(report);
        report = NULL;
    }
    char *text = report ? json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(report);
    if (!text)
        goto oom;
    log_event(n, "info", "run_complete", NULL);
    close_log(n);
    int frc = archive_finish(n->archive, m->id, text, n->err, n->errlen);
    free(text);
    if (frc != 0)
        goto done;
    rc = 0;
    goto done;
oom:
    snprintf(n->err, n->errlen, "ikke nok hukommelse");
done:
    overview_free(ov);
    free(digests);
    free(created);
    json_decref(overview_error);
    json_decref(w.workbooks);
    json_decref(w.rewritten);
    json_decref(w.failed);
    json_decref(w.failed_periods);
    json_decref(inputs);
    json_decref(periods);
    return rc;
}

/* ---- The new run -------------------------------------------------------------- */

static void on_removed(void *ctx, const char *path)
{
    log_event(ctx, "warning", "removed_staging", json_pack("{s:s}", "path", path));
}

/* Temporary workbooks a crash left in the output folder. */
static void remove_temporary_workbooks(night *n)
{
    DIR *d = opendir(n->out);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && text_ends_with(e->d_name, ".xlsx.tmp")) {
            char stale[4400];
            snprintf(stale, sizeof stale, "%s/%s", n->out, e->d_name);
            if (unlink(stale) == 0)
                log_event(n, "warning", "removed_temporary", json_pack("{s:s}", "path", stale));
        }
    }
    if (d)
        closedir(d);
}

/* The run's report.json, or NULL when it cannot be read. */
static json_t *read_report(const char *archive, const char *run_id)
{
    char path[4400];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/runs/%s/report.json", archive, run_id);
    return json_load_own(path, ARCHIVE_FILE_LIMIT, 0, &jerr);
}

/* Replays every committed run into the ledger, and makes the share's
 * records again from their reports; finishes the last run when a crash
 * interrupted it. */
static int replay_all(night *n, const name_list *runs)
{
    share_free(&n->sh);
    for (size_t r = 0; r < runs->n; r++) {
        run_manifest *old;
        if (archive_read_manifest(n->archive, runs->names[r], n->cfg, &old, n->err, n->errlen) != 0)
            return -1;
        int rc = replay_run(n, old, r);
        json_t *report = rc == 0 && old->complete ? read_report(n->archive, old->id) : NULL;
        if (rc == 0 && share_apply_run(&n->sh, old, report) != 0) {
            snprintf(n->err, n->errlen, "ikke nok hukommelse");
            rc = -1;
        }
        json_decref(report);
        if (rc == 0 && !old->complete) {
            char dir[4400];
            snprintf(dir, sizeof dir, "%s/runs/%s", n->archive, old->id);
            n->run_id = old->id;
            rc = open_log(n, dir);
            log_event(n, "warning", "recovering",
                      json_pack("{s:s}", "reason", "the run was interrupted; finishing it"));
            if (old->recorded_time_unusable)
                log_event(n, "warning", "recorded_time_unusable",
                          json_pack("{s:I, s:s}", "recorded_time", (json_int_t)old->recorded_time_unusable,
                                    "used", "1970-01-01T00:00:00Z"));
            if (rc == 0)
                rc = finish_run(n, old, r, NULL, NULL);
            if (rc == 0) {
                snprintf(n->res->recovered, sizeof n->res->recovered, "%s", old->id);
                for (size_t i = 0; i < ledger_count(n->l); i++)
                    if (ledger_get(n->l, i)->run_index == r &&
                        ledger_get(n->l, i)->row.status == SOURCE_REJECTED)
                        n->res->counts[SOURCE_REJECTED]++;
            }
            close_log(n);
            n->run_id = NULL;
        }
        run_manifest_free(old);
        if (rc != 0)
            return -1;
    }
    period_digest *digests = NULL;
    size_t n_digests = ledger_period_digests(n->l, &digests);
    int rc = n_digests != (size_t)-1 ? share_complete(&n->sh, n->l, n->cfg, digests, n_digests) : -1;
    free(digests);
    if (rc != 0)
        snprintf(n->err, n->errlen, "ikke nok hukommelse");
    return rc;
}

/* A file the night does not read: reported, logged, left in the inbox. */
static int leave(night *n, json_t *left, const char *name, finding_code code, const char *message)
{
    arena *a = arena_new();
    findings f;
    if (!a)
        return -1;
    findings_init(&f, a, name);
    int rc = findings_add(&f, code, 0, NULL, "%s", message) ? 0 : -1;
    if (rc == 0) {
        n->res->n_left++;
        if (n->ev->left)
            n->ev->left(n->ev->ctx, &f.items[0]);
        log_event(n, "warning", "left_in_inbox", json_pack("{s:s, s:s, s:s}", "file", name, "code",
                                                           finding_code_name(code), "message",
                                                           f.items[0].message));
        if (json_array_append_new(left, json_pack("{s:s, s:s, s:s}", "file", name, "code",
                                                  finding_code_name(code), "message",
                                                  f.items[0].message)) != 0)
            rc = -1;
    }
    arena_free(a);
    return rc;
}

/* Step 2: every delivery opened once and copied into staging. Returns the
 * number staged, or (size_t)-1 on a failure of the run itself. */
static size_t take_inbox(night *n, archive_run *staging, const name_list *files, intake *taken,
                         arena *a, json_t *left, json_t *deferred)
{
    size_t k = 0;
    uint64_t night_bytes = 0;
    bool deferring = false;
    for (size_t i = 0; i < files->n; i++) {
        const char *name = text_name_escape(a, files->names[i]);
        char path[4400];
        if (!name)
            return (size_t)-1;
        if (deferring) {
            /* Waiting since before the night before: a backlog an operator
             * must see to (more space per night, or fewer files). */
            struct stat lst;
            char waiting[4400];
            snprintf(waiting, sizeof waiting, "%s/%s", n->inbox, files->names[i]);
            if (lstat(waiting, &lst) == 0 && lst.st_mtime < n->recorded - 86400)
                n->res->n_waiting_long++;
            n->res->n_deferred++;
            if (json_array_append_new(deferred, json_string(name)) != 0)
                return (size_t)-1;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", n->inbox, files->names[i]);
        crash_point("listed");
        struct stat st;
        int fd = durable_open_delivery(path, &st);
        if (fd < 0 && errno == ENOENT) {
            /* Taken back by its sender after the folder was listed: not a delivery. */
            log_event(n, "info", "vanished", json_pack("{s:s}", "file", name));
            continue;
        }
        if (fd < 0) {
            char message[160];
            snprintf(message, sizeof message, "filen kan ikke åbnes: %s", durable_open_failure(errno));
            if (leave(n, left, name, F_FILE_UNREADABLE, message) != 0)
                return (size_t)-1;
            continue;
        }
        if ((uint64_t)st.st_size > n->cfg->max_file_bytes) {
            char detail[160], size[48], limit[48];
            value_format_thousands((__int128)st.st_size, size, sizeof size);
            value_format_thousands((__int128)n->cfg->max_file_bytes, limit, sizeof limit);
            snprintf(detail, sizeof detail, "filen fylder %s bytes; grænsen er %s bytes", size, limit);
            close(fd);
            if (leave(n, left, name, F_FILE_TOO_LARGE, detail) != 0)
                return (size_t)-1;
            continue;
        }
        if (k > 0 && night_bytes + (uint64_t)st.st_size > n->cfg->max_night_bytes) {
            /* The night's limit: this and every later file wait, in order. */
            close(fd);
            deferring = true;
            i--;
            continue;
        }
        intake *t = &taken[k];
        t->name = name;
        iso_utc(st.st_mtime, t->received);
        int rc = archive_stage_delivery(staging, k, fd, n->cfg->max_file_bytes, &t->staged, n->err,
                                        n->errlen);
        close(fd);
        if (rc != 0)
            return (size_t)-1;
        if (t->staged.over_limit) {
            char detail[160], limit[48];
            value_format_thousands((__int128)n->cfg->max_file_bytes, limit, sizeof limit);
            snprintf(detail, sizeof detail, "filen voksede, mens den blev læst; grænsen er %s bytes",
                     limit);
            if (leave(n, left, name, F_FILE_TOO_LARGE, detail) != 0)
                return (size_t)-1;
            continue;
        }
        night_bytes += t->staged.bytes;
        crash_point("copied");
        k++;
    }
    return k;
}

/* Step 4's copies: each new input's bytes stored once. */
static int store_copies(night *n, archive_run *staging, size_t run_index, const intake *taken)
{
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run_index != run_index)
            continue;
        const intake *t = &taken[k++];
        ledger_entry *earlier = ledger_find_copy(n->l, e->row.id.sha256_hex);
        if (earlier) {
            /* The same bytes are archived already: point at that copy. */
            if (!ledger_set_copy(n->l, e, earlier->path, earlier->archived, earlier->path_sha256_hex))
                goto oom;
            continue;
        }
        char rel[256], sha[65], path[4400];
        if (archive_store(staging, k - 1, &t->staged, rel, sha, n->err, n->errlen) != 0)
            return -1;
        snprintf(path, sizeof path, "%s/%s", n->archive, rel);
        if (!ledger_set_copy(n->l, e, path, rel, sha))
            goto oom;
        log_event(n, "info", "archived", json_pack("{s:s, s:s, s:s}", "file", e->row.id.name,
                                                   "sha256", e->row.id.sha256_hex, "copy", rel));
    }
    return 0;
oom:
    snprintf(n->err, n->errlen, "ikke nok hukommelse");
    return -1;
}

static bool period_listed(const sn_period *periods, size_t n, sn_period p)
{
    for (size_t i = 0; i < n; i++)
        if (period_compare(&periods[i], &p) == 0)
            return true;
    return false;
}

static int compare_texts(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A JSON array of period texts ("2008-H2") in period order (their byte
 * order). false when out of memory. */
static bool sort_periods_json(json_t *list)
{
    size_t n = json_array_size(list);
    const char **texts = malloc((n ? n : 1) * sizeof *texts);
    json_t *sorted = json_array();
    bool ok = texts && sorted;
    for (size_t i = 0; ok && i < n; i++)
        texts[i] = json_string_value(json_array_get(list, i));
    if (ok)
        qsort(texts, n, sizeof *texts, compare_texts);
    for (size_t i = 0; ok && i < n; i++)
        ok = json_array_append_new(sorted, json_string(texts[i])) == 0;
    ok = ok && json_array_clear(list) == 0 && json_array_extend(list, sorted) == 0;
    json_decref(sorted);
    free(texts);
    return ok;
}

static int compare_rewrites(const void *a, const void *b)
{
    const manifest_rewrite *x = a, *y = b;
    int c = strcmp(x->of_run, y->of_run);
    return c ? c : strcmp(x->file, y->file);
}

/* The share's work for run m, from the verdicts share_check gave the
 * records: the periods whose workbooks' keys changed are rebuilt (added to
 * m->periods; n->stale says why, once per cause), and the workbooks that are
 * missing, were not written or were edited, of periods the run does not
 * rebuild, are written again (m->rewrites) — with every workbook of such a
 * period that has no record yet. false when out of memory or a period
 * cannot be loaded. */
static bool plan_share(night *n, run_manifest *m)
{
    share *sh = &n->sh;
    sn_period *periods = arena_alloc_array(m->a, m->n_periods + sh->n + 1, sizeof *periods);
    json_t *by_cause[SHARE_NEW_INPUTS + 1] = {0};
    const char *old_version = NULL;
    bool stale_overview = false, ok = periods != NULL;
    size_t n_periods = m->n_periods;
    if (ok)
        memcpy(periods, m->periods, m->n_periods * sizeof *periods);
    for (size_t i = 0; ok && i < sh->n; i++) {
        const share_record *r = &sh->items[i];
        if (r->reason < SHARE_NEW_CONFIG)
            continue;
        if (r->is_overview) {
            stale_overview = true;
            continue;
        }
        if (period_listed(periods, n_periods, r->period))
            continue;
        char p[8];
        period_format(&r->period, p);
        periods[n_periods++] = r->period;
        if (r->reason == SHARE_NEW_VERSION && !old_version)
            old_version = r->version;
        ok = (by_cause[r->reason] || (by_cause[r->reason] = json_array())) &&
             json_array_append_new(by_cause[r->reason], json_string(p)) == 0;
    }
    /* An overview whose key changed while no period's did (records made
     * again from reports that disagree): the latest period is rebuilt, and
     * the overviews with it. */
    for (size_t i = 0; ok && stale_overview && n_periods == 0 && i < sh->n; i++)
        if (!sh->items[i].is_overview &&
            (n_periods == 0 || period_compare(&sh->items[i].period, &periods[0]) > 0)) {
            periods[0] = sh->items[i].period;
            n_periods = 1;
        }
    m->periods = periods;
    m->n_periods = n_periods;
    json_decref(n->stale);
    n->stale = json_array();
    ok = ok && n->stale;
    for (int c = SHARE_NEW_CONFIG; ok && c <= SHARE_NEW_INPUTS; c++) {
        if (!by_cause[c])
            continue;
        char text[160];
        if (c == SHARE_NEW_VERSION)
            snprintf(text, sizeof text, "%s (%s → %s)", share_reason_text(c), old_version,
                     program_version());
        else
            snprintf(text, sizeof text, "%s", share_reason_text(c));
        ok = sort_periods_json(by_cause[c]) &&
             json_array_append_new(n->stale, json_pack("{s:s, s:s, s:O}", "reason",
                                                       share_reason_code(c), "text", text, "periods",
                                                       by_cause[c])) == 0;
    }
    for (int c = 0; c <= SHARE_NEW_INPUTS; c++)
        json_decref(by_cause[c]);

    /* The rewrites. */
    size_t n_rewrites = 0, cap = sh->n + 1;
    manifest_rewrite *rewrites = ok ? arena_alloc_array(m->a, cap, sizeof *rewrites) : NULL;
    ok = ok && rewrites;
    for (size_t i = 0; ok && i < sh->n; i++) {
        const share_record *r = &sh->items[i];
        if (r->reason == SHARE_IN_STEP || r->reason >= SHARE_NEW_CONFIG || r->tried)
            continue;            /* (one that failed tonight already waits for the next night) */
        if (r->is_overview ? n_periods > 0 : period_listed(periods, n_periods, r->period))
            continue;            /* rebuilt by this run anyway */
        rewrites[n_rewrites++] = (manifest_rewrite){arena_strdup(m->a, r->file), arena_strdup(m->a, r->run),
                                                    share_reason_code(r->reason)};
        ok = rewrites[n_rewrites - 1].file && rewrites[n_rewrites - 1].of_run;
    }
    /* The workbooks of each period written again that have no record (a
     * period whose reports could not be made left only the municipality's). */
    size_t planned = n_rewrites;
    for (size_t i = 0; ok && i < planned; i++) {
        bool is_overview;
        sn_period p;
        if (!share_name_parse(rewrites[i].file, &is_overview, &p) || is_overview)
            continue;
        if (!ledger_need_period(n->l, p)) {
            n->store_failed = n->store != NULL;
            return false;
        }
        char period[8], file[64];
        period_format(&p, period);
        for (int d = -1; ok && d < (int)n->cfg->departments.n; d++) {
            bool present = d < 0;
            for (size_t e = 0; !present && e < ledger_count(n->l); e++) {
                const source_identity *id = &ledger_get(n->l, e)->row.id;
                present = id->has_period && id->department == d && period_compare(&id->period, &p) == 0;
            }
            snprintf(file, sizeof file, "%s-%s.xlsx",
                     d < 0 ? "statusredegoerelse" : n->cfg->departments.items[d].file_code, period);
            bool listed = share_find(sh, file) != NULL;
            for (size_t k = planned; !listed && k < n_rewrites; k++)
                listed = strcmp(rewrites[k].file, file) == 0;
            if (!present || listed)
                continue;
            if (n_rewrites == cap) {
                manifest_rewrite *more = arena_alloc_array(m->a, cap * 2, sizeof *more);
                if (!(ok = more != NULL))
                    break;
                memcpy(more, rewrites, n_rewrites * sizeof *more);
                rewrites = more;
                cap *= 2;
            }
            rewrites[n_rewrites++] = (manifest_rewrite){arena_strdup(m->a, file), rewrites[i].of_run,
                                                        share_reason_code(SHARE_MISSING)};
            ok = rewrites[n_rewrites - 1].file != NULL;
        }
    }
    if (ok)
        qsort(rewrites, n_rewrites, sizeof *rewrites, compare_rewrites);
    m->rewrites = rewrites;
    m->n_rewrites = ok ? n_rewrites : 0;
    return ok;
}

/* The manifest of the new run, from the ledger entries of `run`. */
static run_manifest *manifest_of(night *n, size_t run_index, const char *id, size_t seq,
                                 const night_options *o, const intake *taken, size_t n_taken)
{
    arena *a = arena_new();
    run_manifest *m = a ? arena_alloc(a, sizeof *m) : NULL;
    if (!m) {
        arena_free(a);
        return NULL;
    }
    m->a = a;
    m->id = arena_strdup(a, id);
    m->seq = seq;
    m->recorded_time = o->recorded;
    m->version = program_version();
    m->inbox = o->inbox;
    m->out = o->out;
    m->inputs = arena_alloc_array(a, n_taken ? n_taken : 1, sizeof *m->inputs);
    m->periods = arena_alloc_array(a, n_taken ? n_taken : 1, sizeof *m->periods);
    if (!m->id || !m->inputs || !m->periods) {
        arena_free(a);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run_index != run_index)
            continue;
        manifest_input *in = &m->inputs[k];
        in->id = e->row.id;
        in->received = taken[k].received;
        in->archived = e->archived;
        in->archived_sha256 = e->path_sha256_hex;
        in->status = e->row.status;
        in->ids = e->ids;
        in->n_ids = e->n_ids;
        in->id_lines = e->id_lines;
        /* Processing findings only: admission's are made again on replay.
         * Without any of admission's, the entry's own list (a flood of
         * resends shares one). */
        in->errors = source_row_count(&e->row, SEVERITY_ERROR);
        in->warnings = source_row_count(&e->row, SEVERITY_WARNING);
        bool admissions = false;
        for (size_t f = 0; f < e->row.n_findings; f++)
            admissions |= e->row.findings[f].code == F_ID_CONFLICT ||
                          e->row.findings[f].code == F_DOCUMENT_OLDER;
        if (!admissions) {
            in->findings = e->row.findings;
            in->n_findings = e->row.n_findings;
        } else {
            finding *kept = arena_alloc_array(a, e->row.n_findings, sizeof *kept);
            if (!kept) {
                arena_free(a);
                return NULL;
            }
            for (size_t f = 0; f < e->row.n_findings; f++) {
                const finding *x = &e->row.findings[f];
                if (x->code == F_ID_CONFLICT || x->code == F_DOCUMENT_OLDER)
                    continue;
                kept[in->n_findings++] = *x;
            }
            in->findings = kept;
        }
        in->valid = e->valid;
        k++;
        /* A duplicate too: its period's Kilder lists it, so the workbooks
         * are made of it (share.h: their key changes with it). */
        if (e->row.id.has_period) {
            bool seen = false;
            for (size_t p = 0; p < m->n_periods && !seen; p++)
                seen = period_compare(&m->periods[p], &e->row.id.period) == 0;
            if (!seen)
                m->periods[m->n_periods++] = e->row.id.period;
        }
    }
    m->n_inputs = k;
    /* A period's Udvikling compares it with the half year before, so the
     * half year after a touched one is rebuilt too, where it has sources. */
    size_t touched = m->n_periods;
    sn_period *all = arena_alloc_array(a, 2 * touched + 1, sizeof *all);
    if (!all) {
        arena_free(a);
        return NULL;
    }
    memcpy(all, m->periods, touched * sizeof *all);
    for (size_t p = 0; p < touched; p++) {
        sn_period next = period_next(m->periods[p]);
        bool present = false, listed = false;
        for (size_t q = 0; q < m->n_periods && !listed; q++)
            listed = period_compare(&all[q], &next) == 0;
        if (!listed && !ledger_need_period(n->l, next)) {
            n->store_failed = true;
            arena_free(a);
            return NULL;
        }
        for (size_t i = 0; i < ledger_count(n->l) && !present && !listed; i++) {
            const source_identity *sid = &ledger_get(n->l, i)->row.id;
            present = sid->has_period && period_compare(&sid->period, &next) == 0;
        }
        if (present && !listed)
            all[m->n_periods++] = next;
    }
    m->periods = all;
    if (!plan_share(n, m)) {
        arena_free(a);
        return NULL;
    }
    qsort(m->periods, m->n_periods, sizeof *m->periods, period_compare_void);
    return m;
}

/* Step 4: the run's copies, configuration, manifest and log, renamed into
 * runs/<id> in one step. */
static int commit(night *n, archive_run *staging, run_manifest *m, const night_options *o)
{
    log_event(n, "info", "committed", NULL);
    if (open_log(n, staging->staging) != 0)
        return -1;
    close_log(n);
    if (archive_commit(staging, m, n->cfg, o->config_path, n->err, n->errlen) != 0)
        return -1;
    return open_log(n, staging->final);
}

/* The exit code of what the night did (commands.h): never 0 while a
 * workbook of the share is not in place. */
static int exit_code_of(night_result *res, size_t rejected, const char *out)
{
    if (res->n_failed_periods) {
        snprintf(res->err, sizeof res->err,
                 "%zu af %zu perioders regneark kunne ikke skrives (se ovenfor og rapporten); "
                 "kørslen er registreret, og de øvrige er skrevet; de manglende skrives igen ved "
                 "næste kørsel", res->n_failed_periods, res->n_periods);
        return OUTCOME_FAILURE_IO;
    }
    if (res->n_not_quarantined) {
        snprintf(res->err, sizeof res->err,
                 "%zu afviste filer kunne ikke lægges i karantæne (%s); de bliver i indbakken og prøves "
                 "igen næste nat", res->n_not_quarantined, res->quarantine_error);
        return OUTCOME_FAILURE_IO;
    }
    if (res->overview_failed) {
        snprintf(res->err, sizeof res->err,
                 "oversigten over alle perioder kunne ikke skrives (se ovenfor og rapporten); "
                 "kørslen er registreret, og periodernes regneark er skrevet");
        return OUTCOME_FAILURE_IO;
    }
    if (res->n_incomplete) {
        snprintf(res->err, sizeof res->err,
                 "%zu regneark i %s kunne ikke skrives (se ovenfor og rapporten); mappen er "
                 "ufuldstændig, og de skrives igen ved næste kørsel", res->n_incomplete, out);
        return OUTCOME_FAILURE_IO;
    }
    /* The inbox needs an operator: no department can mend these. */
    if (res->n_left && res->n_waiting_long)
        snprintf(res->err, sizeof res->err, "%zu filer i indbakken kan ikke læses eller er for store, og %zu "
                 "har ventet mere end en nat på nattens grænse (limits.max_night_bytes); se ovenfor",
                 res->n_left, res->n_waiting_long);
    else if (res->n_left)
        snprintf(res->err, sizeof res->err, "%zu filer i indbakken kan ikke læses eller er for store (se "
                 "ovenfor); de meldes hver nat, til nogen tager sig af dem", res->n_left);
    else if (res->n_waiting_long)
        snprintf(res->err, sizeof res->err, "%zu filer har ventet mere end en nat på nattens grænse "
                 "(limits.max_night_bytes); hæv grænsen, eller lad dem vente færre ad gangen",
                 res->n_waiting_long);
    if (res->n_left || res->n_waiting_long)
        return OUTCOME_OPERATOR;
    return rejected ? OUTCOME_SOME_REJECTED : OUTCOME_ALL_ACCEPTED;
}

/* The compact state for the next night (state.h), with the share's
 * records. Derived data: a failure is logged, and the next night replays the
 * manifests instead. */
static void save_state(night *n, const char *run_id, size_t runs)
{
    char why[512];
    if ((n->store ? state_update(n->store, n->l, &n->sh, run_id, runs, why, sizeof why)
                  : state_write(n->archive, run_id, runs, n->l, &n->sh, n->cfg, why, sizeof why)) != 0) {
        log_event(n, "warning", "state_not_written", json_pack("{s:s}", "error", why));
        snprintf(n->res->state_error, sizeof n->res->state_error, "%s", why);
    }
    crash_point("state");
}

static void night_free(night *n)
{
    state_close(n->store);
    n->store = NULL;
    close_log(n);
    json_decref(n->pending_log);
    json_decref(n->stale);
    share_free(&n->sh);
    ledger_free(n->l);
}

/* Step 3's admission of one file read (process_in_order): in the inbox's
 * order, with its log line. */
typedef struct {
    night *n;
    const intake *taken;
    size_t n_taken, run_index;
} admit_ctx;

/* How many of a file's errors its log line names. */
enum { LOGGED_ERRORS = 20 };

static bool admit_one(void *ctx, size_t k, processed_file *p)
{
    admit_ctx *ac = ctx;
    night *n = ac->n;
    night_result *res = n->res;
    const intake *taken = ac->taken;
    if (n->ev->progress)
        n->ev->progress(n->ev->ctx, k + 1, ac->n_taken, taken[k].name);
    /* The machine failed, not the file (out of memory while reading it): no
     * verdict on the delivery, and nothing committed; the next night reads
     * it again. */
    for (size_t f = 0; f < p->findings.n; f++)
        if (p->findings.items[f].code == F_INTERNAL) {
            snprintf(n->res->err, sizeof n->res->err, "%s kunne ikke læses: %s; kørslen er ikke gennemført, "
                     "og intet er ændret", taken[k].name, p->findings.items[f].message);
            return false;
        }
    ledger_entry *e = ledger_admit(n->l, p, taken[k].staged.path, ac->run_index, taken[k].received);
    if (!e) {
        snprintf(res->err, sizeof res->err, "%s: %s", taken[k].name, ledger_error(n->l));
        n->store_failed = n->store != NULL;
        return false;
    }
    if (strcmp(e->row.id.sha256_hex, taken[k].staged.sha256) != 0) {
        snprintf(res->err, sizeof res->err, "%s: den iscenesatte kopi er ændret under kørslen",
                 taken[k].staged.path);
        return false;
    }
    res->counts[e->row.status]++;
    res->n_files++;
    if (n->ev->admitted)
        n->ev->admitted(n->ev->ctx, &e->row);
    /* The errors with their details (libxml2's or the system's words): the
     * first LOGGED_ERRORS; the quarantine's reasons file has them all. */
    json_t *errors = json_array();
    size_t logged = 0;
    for (size_t f = 0; errors && f < e->row.n_findings; f++) {
        const finding *x = &e->row.findings[f];
        if (x->severity != SEVERITY_ERROR || logged++ >= LOGGED_ERRORS)
            continue;
        json_t *one = json_pack("{s:s, s:I, s:s}", "code", finding_code_name(x->code), "line",
                                (json_int_t)x->line, "message", x->message);
        if (one && x->detail)
            json_object_set_new(one, "detail", json_string(x->detail));
        json_array_append_new(errors, one);
    }
    log_event(n, e->row.status == SOURCE_REJECTED ? "warning" : "info", "file",
              json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:o}", "file", e->row.id.name, "sha256",
                        e->row.id.sha256_hex, "bytes", (json_int_t)e->row.id.bytes, "status",
                        source_status_code(e->row.status), "errors",
                        (json_int_t)source_row_count(&e->row, SEVERITY_ERROR), "findings",
                        (json_int_t)e->row.n_findings, "error_findings",
                        errors ? errors : json_array()));
    return true;
}

/* Tells what the run rebuilds for the share's sake (n->stale), once per cause. */
static void tell_stale(night *n)
{
    size_t i;
    json_t *cause;
    json_array_foreach(n->stale, i, cause) {
        json_t *periods = json_object_get(cause, "periods");
        const char *text = json_string_value(json_object_get(cause, "text"));
        if (n->ev->stale)
            n->ev->stale(n->ev->ctx, text, json_array_size(periods));
        log_event(n, "info", "stale", json_pack("{s:s, s:O}", "reason", text, "periods", periods));
    }
}

/* The share's records against the out folder now (share_check), with the
 * keys the workbooks must have: the digests of every period as this night's
 * admissions left them. 0, or -1 with a message. */
static int check_share(night *n)
{
    period_digest *digests = NULL;
    size_t n_digests = all_digests(n, &digests);
    if (n_digests == (size_t)-1) {
        snprintf(n->err, n->errlen, "%s: periodernes liste kan ikke læses", n->archive);
        n->store_failed = n->store != NULL;
        return -1;
    }
    share_check(&n->sh, n->out, program_version(), n->config_sha256, digests, n_digests);
    free(digests);
    return 0;
}

/* A night that makes no run still remembers the workbooks it found touched
 * but unchanged (their size and time), so it need not hash them again. */
static void save_share_only(night *n)
{
    bool dirty = false;
    for (size_t i = 0; i < n->sh.n; i++)
        dirty |= n->sh.items[i].dirty;
    char why[512];
    if (dirty && n->store && state_save_share(n->store, &n->sh, why, sizeof why) != 0)
        log_event(n, "warning", "state_not_written", json_pack("{s:s}", "error", why));
}

/* One attempt at the night; with use_state false the ledger is replayed from
 * every manifest. Returns true when the state could not be read during the
 * run before anything was committed (the night is then made again without
 * it). */
static bool night_attempt(const night_options *o, const night_events *ev, night_result *res,
                          bool use_state, const char *state_error)
{
    memset(res, 0, sizeof *res);
    night n = {.archive = o->archive, .inbox = o->inbox, .out = o->out, .cfg = o->cfg,
               .ev = ev ? ev : &no_events, .res = res, .err = res->err, .errlen = sizeof res->err,
               .jobs = o->jobs, .recorded = o->recorded, .started = time(NULL)};
    n.archive_cfg = archive_limits(o->cfg);
    clock_gettime(CLOCK_MONOTONIC, &n.began);
    int lock_fd = -1;
    name_list runs = {0}, files = {0};
    run_manifest *m = NULL;
    arena *a = NULL;
    intake *taken = NULL;
    json_t *left = json_array(), *deferred = json_array();
    archive_run staging = {0};
    bool replayed = false, retry = false, staged = false;
    res->outcome = OUTCOME_FAILURE_IO;

    switch (archive_lock(o->archive, "run", 0, o->cfg->lock_wait_seconds, &lock_fd, res->err,
                         sizeof res->err)) {
    case LOCK_TAKEN: break;
    case LOCK_BUSY:
        res->outcome = OUTCOME_LOCKED;
        json_decref(left);
        json_decref(deferred);
        return false;
    case LOCK_ERROR:
        json_decref(left);
        json_decref(deferred);
        return false;
    }
    n.pending_log = json_array();
    n.l = ledger_new(o->cfg, LEDGER_CACHE_BUDGET);
    a = arena_new();
    if (!n.pending_log || !n.l || !a || !left || !deferred ||
        durable_mkdirs(o->out, res->err, sizeof res->err) != 0)
        goto fail;
    if (sha256_of_file(o->config_path, n.config_sha256) != 0) {
        snprintf(res->err, sizeof res->err, "%s: %s", o->config_path, errno_text(errno));
        goto fail;
    }
    archive_remove_leftovers(o->archive, on_removed, &n);
    remove_temporary_workbooks(&n);

    /* Step 1: only the last run can be unfinished (one run at a time). */
    bool found, complete;
    char last[40];
    if (archive_last_run(o->archive, &found, last, &complete, res->err, sizeof res->err) != 0)
        goto fail;
    size_t prior_runs = 0;       /* the runs before the new one */
    if (found && !complete) {
        if (archive_list_runs(o->archive, &runs, res->err, sizeof res->err) != 0 ||
            replay_all(&n, &runs) != 0)
            goto fail;
        replayed = true;
        prior_runs = runs.n;
        save_state(&n, last, prior_runs);   /* the recovered run, for the next night */
    }

    if (inbox_list(o->inbox, &files) != 0) {
        snprintf(res->err, sizeof res->err, "%s: %s", o->inbox, errno_text(errno));
        if (errno == ENOENT || errno == ENOTDIR)
            res->outcome = OUTCOME_USAGE;
        goto fail;
    }
    crash_point("listed_all");

    /* Step 2, into a staging folder of the new run's id. */
    char id[40], when[32];
    archive_new_run_id(found ? last : NULL, o->recorded, id);
    iso_utc(o->recorded, when);
    size_t n_taken = 0;
    if (files.n) {
        taken = calloc(files.n, sizeof *taken);
        if (!taken || archive_run_begin(&staging, o->archive, id, res->err, sizeof res->err) != 0)
            goto fail;
        staged = true;
        n.run_id = id;
        log_event(&n, "info", "run_start",
                  json_pack("{s:s, s:s, s:s, s:s, s:I}", "recorded_utc", when, "inbox", o->inbox,
                            "out", o->out, "config", o->config_path, "files", (json_int_t)files.n));
        if (state_error)   /* the first attempt could not read the state */
            log_event(&n, "warning", "state_unreadable",
                      json_pack("{s:s, s:s}", "error", state_error, "action",
                                "the state was removed; every manifest was read instead"));
        n_taken = take_inbox(&n, &staging, &files, taken, a, left, deferred);
        if (n_taken == (size_t)-1)
            goto fail;
    }

    /* Step 3: the ledger and the share's records from the compact state the
     * last run left, or else from every manifest and report. */
    if (!replayed && found) {
        char why[512];
        int loaded = use_state ? state_open(o->archive, last, o->cfg, &n.archive_cfg, n.l, &n.store,
                                            &prior_runs, why, sizeof why)
                               : 0;
        if (loaded == 1 && state_read_share(n.store, &n.sh, why, sizeof why) != 0)
            loaded = -1;
        if (loaded < 0) {
            log_event(&n, "warning", "state_unreadable", json_pack("{s:s}", "error", why));
            state_close(n.store);
            n.store = NULL;
            share_free(&n.sh);
            ledger_free(n.l);
            if (!(n.l = ledger_new(o->cfg, LEDGER_CACHE_BUDGET)))
                goto fail;
        }
        if (loaded != 1) {
            if (archive_list_runs(o->archive, &runs, res->err, sizeof res->err) != 0 ||
                replay_all(&n, &runs) != 0)
                goto fail;
            prior_runs = runs.n;
            replayed = true;
        }
    }
    size_t run_index = prior_runs;
    size_t recovered_rejected = res->counts[SOURCE_REJECTED];
    res->counts[SOURCE_REJECTED] = 0;
    /* The same intake as a run without an archive, from the staged copies:
     * read by the run's jobs, admitted here in the inbox's order. */
    if (n_taken) {
        process_job *files_read = arena_alloc_array(a, n_taken, sizeof *files_read);
        if (!files_read) {
            snprintf(res->err, sizeof res->err, "ikke nok hukommelse");
            goto fail;
        }
        for (size_t k = 0; k < n_taken; k++)
            files_read[k] = (process_job){taken[k].staged.path, taken[k].name, o->cfg};
        admit_ctx ac = {&n, taken, n_taken, run_index};
        int rc = process_in_order(files_read, n_taken, o->jobs, admit_one, &ac);
        if (rc != 0) {
            if (rc < 0)
                snprintf(res->err, sizeof res->err, "ikke nok hukommelse");
            goto fail;
        }
        crash_point("intake");
        if (store_copies(&n, &staging, run_index, taken) != 0)
            goto fail;
        crash_point("staged");
    }

    /* The share against the folder; then what the run does: its files'
     * periods, the periods whose keys changed, the workbooks to write again. */
    if (check_share(&n) != 0)
        goto fail;
    m = manifest_of(&n, run_index, id, prior_runs + 1, o, taken, n_taken);
    if (!m) {
        snprintf(res->err, sizeof res->err, "%s", ledger_error(n.l));
        goto fail;
    }
    if (n_taken == 0 && m->n_periods == 0 && m->n_rewrites == 0) {
        /* Nothing to admit and the share in step: no run is made, nothing in
         * the archive or the folder changes — but a state that a crash left
         * behind the last run is made again. */
        archive_run_abandon(&staging);
        n.run_id = NULL;
        if (replayed && found)
            save_state(&n, last, prior_runs);
        else
            save_share_only(&n);
        res->n_incomplete = share_incomplete(&n.sh);
        res->outcome = exit_code_of(res, res->counts[SOURCE_REJECTED] + recovered_rejected, o->out);
        goto done;
    }
    if (!staged) {               /* a run of no inputs, for the share */
        if (archive_run_begin(&staging, o->archive, id, res->err, sizeof res->err) != 0)
            goto fail;
        staged = true;
        n.run_id = id;
        log_event(&n, "info", "run_start",
                  json_pack("{s:s, s:s, s:s, s:s, s:I}", "recorded_utc", when, "inbox", o->inbox,
                            "out", o->out, "config", o->config_path, "files", (json_int_t)0));
    }

    /* Step 4. */
    if (commit(&n, &staging, m, o) != 0)
        goto fail;
    snprintf(res->run_id, sizeof res->run_id, "%s", id);
    crash_point("committed");
    tell_stale(&n);

    /* Steps 5-7. */
    if (finish_run(&n, m, run_index, left, deferred) != 0)
        goto fail;
    save_state(&n, id, prior_runs + 1);
    res->outcome = exit_code_of(res, res->counts[SOURCE_REJECTED] + recovered_rejected, o->out);
    goto done;

fail:
    if (!res->run_id[0])
        archive_run_abandon(&staging);
    retry = use_state && n.store_failed && !res->run_id[0];
    log_event(&n, "error", retry ? "state_unreadable" : "run_failed", json_pack("{s:s}", "error", res->err));
done:
    if (!retry) {                /* what the night did, for whoever watches (status.h) */
        night_status st = {.started = n.started, .finished = time(NULL), .duration = seconds_since(&n.began),
                           .outcome = res->outcome,
                           .run = res->run_id[0] ? res->run_id : res->recovered[0] ? res->recovered : NULL,
                           .accepted = res->counts[SOURCE_ACCEPTED],
                           .rejected = res->counts[SOURCE_REJECTED],
                           .waiting = res->n_left + res->n_deferred,
                           .workbooks_not_written = res->n_incomplete};
        char why[512];
        if (status_write(o->archive, o->cfg->prometheus_textfile, &st, why, sizeof why) != 0)
            snprintf(res->status_error, sizeof res->status_error, "%s", why);
    }
    night_free(&n);
    run_manifest_free(m);
    name_list_free(&files);
    name_list_free(&runs);
    free(taken);
    arena_free(a);
    json_decref(left);
    json_decref(deferred);
    archive_unlock(lock_fd);
    return retry;
}

void night_run(const night_options *o, const night_events *ev, night_result *res)
{
    if (night_attempt(o, ev, res, true, NULL)) {
        /* A state that cannot be read is derived data: gone, and the night
         * made again from every manifest (it will write a new one). */
        char path[4200], why[sizeof res->err];
        snprintf(why, sizeof why, "%s", res->err);
        state_path(o->archive, path, sizeof path);
        if (unlink(path) != 0 && errno != ENOENT)
            durable_set_aside(path);   /* a folder in its place */
        night_attempt(o, ev, res, false, why);
    }
}

/* ---- Rerun --------------------------------------------------------------------- */

typedef struct {
    const night_events *ev;
    long problems;               /* differences of the archive, or of workbooks (same version) */
    bool other_version;          /* the run was made by another program: workbooks only counted */
    size_t compared, identical;
} problem_sink;

static void on_problem(void *ctx, const char *file, const char *what)
{
    problem_sink *s = ctx;
    s->problems++;
    if (s->ev->problem)
        s->ev->problem(s->ev->ctx, file, what);
}

static void notice(problem_sink *s, const char *file, const char *what)
{
    if (s->ev->notice)
        s->ev->notice(s->ev->ctx, file, what);
}

/* A rebuilt workbook against the SHA-256 the archive recorded for it: a
 * difference is a problem when this program made the run, else only counted. */
static void compare_one(problem_sink *s, const char *file, const char *rebuilt, const char *recorded,
                        const char *what)
{
    s->compared++;
    if (strcmp(rebuilt, recorded) == 0) {
        s->identical++;
        return;
    }
    if (!s->other_version)
        on_problem(s, file, what);
}

static const json_t *entry_named(const json_t *list, const char *file)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
        if (strcmp(json_string_value(json_object_get(e, "file")) ?: "", file) == 0)
            return e;
    return NULL;
}

/* Why the run did not write a workbook it should have (its report's
 * failed_workbooks, failed_periods or overview_error), or NULL. */
static const char *failure_in(const json_t *report, const char *file)
{
    const json_t *f = entry_named(json_object_get(report, "failed_workbooks"), file);
    if (f)
        return json_string_value(json_object_get(f, "error")) ?: "";
    if (text_ends_with(file, "-oversigt.xlsx"))
        return json_string_value(json_object_get(report, "overview_error"));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(report, "failed_periods"), i, e) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "-%s.xlsx", json_string_value(json_object_get(e, "period")) ?: "");
        if (text_ends_with(file, suffix))
            return json_string_value(json_object_get(e, "error")) ?: "";
    }
    return NULL;
}

/* The bytes a later run wrote for a workbook of run `run_id` that it could
 * not write itself: the last such rewrite's SHA-256 (and the run) from the
 * later runs' reports, or false. */
static bool later_rewrite(const char *archive, const name_list *runs, size_t target, const char *run_id,
                          const char *file, char sha[65], char by[40])
{
    bool found = false;
    for (size_t r = target + 1; r < runs->n; r++) {
        json_t *report = read_report(archive, runs->names[r]);
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(report, "rewritten"), i, e)
            if (strcmp(json_string_value(json_object_get(e, "of_run")) ?: "", run_id) == 0 &&
                strcmp(json_string_value(json_object_get(e, "file")) ?: "", file) == 0) {
                snprintf(sha, 65, "%s", json_string_value(json_object_get(e, "sha256")) ?: "");
                snprintf(by, 40, "%s", runs->names[r]);
                found = true;
            }
        json_decref(report);
    }
    return found;
}

/* The workbooks a rerun wrote (rebuilt: [{file, sha256}]) against those the
 * run's report (NULL: it could not be read) recorded under `key`
 * ("workbooks", or "rewritten" for earlier runs' written again). */
static void compare_workbooks(const char *archive, const name_list *runs, size_t target,
                              const json_t *report, const char *key, const json_t *rebuilt,
                              const run_manifest *m, const sn_period *only, problem_sink *sink)
{
    const char *run_id = m->id;
    char rel[512];
    snprintf(rel, sizeof rel, "runs/%s/report.json", run_id);
    if (!report) {
        on_problem(sink, rel, "rapporten kan ikke læses, så regnearkene kan ikke sammenlignes");
        return;
    }
    const json_t *recorded = json_object_get(report, key);
    size_t i, j;
    json_t *w, *r;
    json_array_foreach(rebuilt, i, w) {
        const char *file = json_string_value(json_object_get(w, "file"));
        const char *sha = json_string_value(json_object_get(w, "sha256"));
        const json_t *listed = entry_named(recorded, file);
        if (listed) {
            compare_one(sink, file, sha, json_string_value(json_object_get(listed, "sha256")) ?: "",
                        "det genskabte regneark er ikke det, kørslen skrev (SHA-256 i report.json er en anden)");
            continue;
        }
        const char *why = strcmp(key, "workbooks") == 0 ? failure_in(report, file) : NULL;
        if (!why && strcmp(key, "rewritten") == 0) {
            const json_t *f = entry_named(json_object_get(report, "failed_workbooks"), file);
            why = f ? json_string_value(json_object_get(f, "error")) : NULL;
        }
        if (!why) {
            if (!sink->other_version)
                on_problem(sink, file, "kørslen skrev ikke dette regneark (det står ikke i report.json)");
            continue;
        }
        char what[1400], later[65], by[40];
        snprintf(what, sizeof what, "kørslen kunne ikke skrive dette regneark (%s)", why);
        notice(sink, file, what);
        if (later_rewrite(archive, runs, target, run_id, file, later, by)) {
            snprintf(what, sizeof what, "det genskabte regneark er ikke det, kørsel %s skrev i stedet "
                     "(SHA-256 i dens report.json er en anden)", by);
            compare_one(sink, file, sha, later, what);
            if (strcmp(sha, later) == 0) {
                snprintf(what, sizeof what, "kørsel %s skrev det siden, og det genskabte er byte for byte det", by);
                notice(sink, file, what);
            }
        } else {
            notice(sink, file, "ingen senere kørsel har skrevet det; næste kørsel skriver det");
        }
    }
    /* Every workbook recorded of what the rerun rebuilt was rebuilt. */
    json_array_foreach(recorded, j, r) {
        const char *file = json_string_value(json_object_get(r, "file")) ?: "";
        bool of_rebuilt = strcmp(key, "rewritten") == 0;
        for (size_t p = 0; p < m->n_periods && !of_rebuilt; p++) {
            char name[8], suffix[16];
            period_format(&m->periods[p], name);
            snprintf(suffix, sizeof suffix, "-%s.xlsx", name);
            of_rebuilt = text_ends_with(file, suffix) && (!only || period_compare(only, &m->periods[p]) == 0);
        }
        of_rebuilt |= !only && text_ends_with(file, "-oversigt.xlsx");   /* rebuilt with all periods */
        if (only && strcmp(key, "rewritten") == 0) {
            bool is_overview;
            sn_period p;
            of_rebuilt = share_name_parse(file, &is_overview, &p) && !is_overview &&
                         period_compare(&p, only) == 0;
        }
        if (of_rebuilt && !entry_named(rebuilt, file))
            on_problem(sink, file, "kørslen skrev dette regneark, men det kunne ikke genskabes");
    }
}

/* The rewrites of run m that a rerun of `only` (NULL: all) rebuilds, with
 * each one's time: that of the run it is of (times[] by run index). */
static size_t rewrites_to_rebuild(const run_manifest *m, const sn_period *only, const name_list *runs,
                                  const int64_t *times, manifest_rewrite *out, int64_t *created)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n_rewrites; i++) {
        bool is_overview;
        sn_period p;
        if (!share_name_parse(m->rewrites[i].file, &is_overview, &p) ||
            (only && (is_overview || period_compare(&p, only) != 0)))
            continue;
        created[k] = m->recorded_time;
        for (size_t r = 0; r < runs->n; r++)
            if (strcmp(runs->names[r], m->rewrites[i].of_run) == 0)
                created[k] = times[r];
        out[k++] = m->rewrites[i];
    }
    return k;
}

/* The periods a run built, for a message ("2008-H1, 2008-H2", or "ingen"). */
static void periods_text(const run_manifest *m, char *buf, size_t size)
{
    snprintf(buf, size, "%s", m->n_periods ? "" : "ingen");
    for (size_t i = 0; i < m->n_periods; i++) {
        char p[8];
        size_t len = strlen(buf);
        period_format(&m->periods[i], p);
        snprintf(buf + len, size - len, "%s%s", i ? ", " : "", p);
    }
}

void night_rerun(const char *archive, const char *run_id, const sn_period *period, const char *out,
                 unsigned jobs, const night_events *ev, night_result *res)
{
    memset(res, 0, sizeof *res);
    char config_path[4400];
    name_list runs = {0};
    size_t target = (size_t)-1;
    config *cfg = NULL;
    int64_t *times = NULL;
    json_t *written = json_array(), *rewritten = json_array(), *failed = json_array(),
           *failed_periods = json_array(), *report = NULL;
    night n = {.archive = archive, .out = out, .ev = ev ? ev : &no_events, .res = res,
               .err = res->err, .errlen = sizeof res->err, .jobs = jobs};
    problem_sink sink = {.ev = n.ev};
    res->outcome = OUTCOME_FAILURE_IO;
    if (!written || !rewritten || !failed || !failed_periods)
        goto done;
    struct stat st;
    snprintf(config_path, sizeof config_path, "%s/runs", archive);
    if (stat(config_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(res->err, sizeof res->err, "%s er ikke et statusnotat-arkiv (der er ingen runs-mappe)",
                 archive);
        res->outcome = OUTCOME_USAGE;
        goto done;
    }
    if (archive_list_runs(archive, &runs, res->err, sizeof res->err) != 0)
        goto done;
    for (size_t r = 0; r < runs.n; r++)
        if (strcmp(runs.names[r], run_id) == 0)
            target = r;
    if (target == (size_t)-1) {
        snprintf(res->err, sizeof res->err, "%s har ingen kørsel %s (se 'statusnotat runs --archive %s')",
                 archive, run_id, archive);
        res->outcome = OUTCOME_USAGE;
        goto done;
    }
    /* Everything the rebuild reads is what the archive recorded. */
    size_t checked = 0;
    if (archive_verify_upto(archive, &runs, target, on_problem, &sink, &checked) != 0) {
        snprintf(res->err, sizeof res->err, "arkivet er ændret efter kørslerne (%ld afvigelser); "
                 "intet er genskabt", sink.problems);
        goto done;
    }
    /* The configuration that run used, from the archive. */
    snprintf(config_path, sizeof config_path, "%s/runs/%s/config.json", archive, run_id);
    if (config_load_archived(config_path, &cfg, res->err, sizeof res->err) != 0)
        goto done;
    n.cfg = cfg;
    n.archive_cfg = archive_limits(cfg);
    n.l = ledger_new(cfg, LEDGER_CACHE_BUDGET);
    times = calloc(runs.n, sizeof *times);
    if (!n.l || !times || durable_mkdirs(out, res->err, sizeof res->err) != 0)
        goto done;
    report = read_report(archive, run_id);   /* what the run wrote, to compare with */
    for (size_t r = 0; r <= target; r++) {
        run_manifest *m;
        if (archive_read_manifest(archive, runs.names[r], cfg, &m, res->err, sizeof res->err) != 0)
            goto done;
        times[r] = m->recorded_time;
        int rc = replay_run(&n, m, r);
        if (rc == 0 && r == target) {
            char built[512];
            periods_text(m, built, sizeof built);
            bool rewrote = false;
            for (size_t i = 0; period && i < m->n_rewrites; i++) {
                bool is_overview;
                sn_period p;
                rewrote |= share_name_parse(m->rewrites[i].file, &is_overview, &p) && !is_overview &&
                           period_compare(&p, period) == 0;
            }
            if (period && !period_listed(m->periods, m->n_periods, *period) && !rewrote) {
                char p[8];
                period_format(period, p);
                snprintf(res->err, sizeof res->err, "kørsel %s byggede ikke %s (den byggede: %s); se "
                         "'statusnotat runs --archive %s'", run_id, p, built, archive);
                res->outcome = OUTCOME_USAGE;
                run_manifest_free(m);
                goto done;
            }
            sink.other_version = res->other_version = strcmp(m->version ? m->version : "", program_version()) != 0;
            /* The run's own periods, then the overviews from every period as
             * the archive stood (no cache), when the run's version wrote
             * them (its report says how they went, written or not). */
            made_ctx w = {.n = &n, .m = m, .workbooks = written, .rewritten = rewritten,
                          .failed = failed, .failed_periods = failed_periods};
            overview *ov = overview_new(n.l, cfg, NULL, NULL);
            build_options bo = {.out_dir = out, .created = (time_t)m->recorded_time, .jobs = jobs,
                                .on_written = on_written, .on_failed = on_failed, .ctx = &w,
                                .on_summary = overview_add, .summary_ctx = ov};
            rc = ov ? 0 : -1;
            if (rc == 0)
                build_periods(n.l, cfg, m->periods, m->n_periods, period, &bo, period_done, &w);
            if (rc == 0 && !period && m->n_periods && report && json_object_get(report, "overview_error"))
                write_overviews(&w, ov, (time_t)m->recorded_time, NULL);
            overview_free(ov);
            /* Earlier runs' workbooks it wrote again, as those runs made them. */
            manifest_rewrite *mine = calloc(m->n_rewrites + 1, sizeof *mine);
            int64_t *created = calloc(m->n_rewrites + 1, sizeof *created);
            if (rc == 0 && mine && created) {
                run_manifest part = *m;
                part.rewrites = mine;
                part.n_rewrites = rewrites_to_rebuild(m, period, &runs, times, mine, created);
                w.m = &part;
                write_rewrites(&w, created, NULL);
                w.m = m;
            } else {
                rc = -1;
            }
            free(mine);
            free(created);
            rc = rc == 0 && !w.failed_to_record ? 0 : -1;
            if (rc == 0) {
                compare_workbooks(archive, &runs, target, report, "workbooks", written, m, period, &sink);
                if (report && json_array_size(json_object_get(report, "rewritten")) + json_array_size(rewritten))
                    compare_workbooks(archive, &runs, target, report, "rewritten", rewritten, m, period, &sink);
                if (sink.other_version) {
                    char what[512];
                    snprintf(what, sizeof what, "kørslen blev lavet af statusnotat %s og er genskabt af "
                             "statusnotat %s: %zu af %zu regneark er byte for byte de samme", m->version ? m->version : "?",
                             program_version(), sink.identical, sink.compared);
                    notice(&sink, run_id, what);
                }
            } else {
                snprintf(res->err, sizeof res->err, "ikke nok hukommelse");
            }
        }
        run_manifest_free(m);
        if (rc != 0)
            goto done;
    }
    if (sink.problems) {
        snprintf(res->err, sizeof res->err, "%ld regneark afviger fra dem, kørslen skrev",
                 sink.problems);
        goto done;
    }
    res->outcome = res->n_failed_periods || res->overview_failed ? OUTCOME_FAILURE_IO
                     : res->other_version ? OUTCOME_OTHER_VERSION : OUTCOME_ALL_ACCEPTED;
    if (res->n_failed_periods)
        snprintf(res->err, sizeof res->err, "%zu perioders regneark kunne ikke skrives",
                 res->n_failed_periods);
    else if (res->overview_failed)
        snprintf(res->err, sizeof res->err, "oversigten over alle perioder kunne ikke skrives: %s",
                 res->overview_error);
    else if (res->other_version)
        snprintf(res->err, sizeof res->err, "arkivet er i orden, men kørslen blev lavet af en anden "
                 "version af statusnotat; regnearkene er genskabt af denne (%zu af %zu er de samme)",
                 sink.identical, sink.compared);
done:
    json_decref(written);
    json_decref(rewritten);
    json_decref(failed);
    json_decref(failed_periods);
    json_decref(report);
    ledger_free(n.l);
    share_free(&n.sh);
    config_free(cfg);
    free(times);
    name_list_free(&runs);
}

/* ---- Checking the state, the caches and the share ---------------------------------- */

/* Replays every manifest of an archive into n (whose ledger is made here
 * with the last run's configuration, *cfg), and makes the share's records
 * again from the reports. 0, or -1 with a message. */
static int replay_for_check(night *n, name_list *runs, config **cfg, char last_config_sha[65],
                            char *err, size_t errlen)
{
    char config_path[4400];
    bool found, complete;
    char last[40];
    if (archive_last_run(n->archive, &found, last, &complete, err, errlen) != 0 ||
        archive_list_runs(n->archive, runs, err, errlen) != 0)
        return -1;
    if (!found)
        return 0;
    snprintf(config_path, sizeof config_path, "%s/runs/%s/config.json", n->archive, last);
    if (config_load_archived(config_path, cfg, err, errlen) != 0)
        return -1;
    n->cfg = *cfg;
    n->archive_cfg = archive_limits(*cfg);
    n->l = ledger_new(*cfg, LEDGER_CACHE_BUDGET);
    if (!n->l) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    for (size_t r = 0; r < runs->n; r++) {
        run_manifest *m;
        if (archive_read_manifest(n->archive, runs->names[r], *cfg, &m, err, errlen) != 0)
            return -1;
        int replayed = replay_run(n, m, r);
        json_t *report = m->complete ? read_report(n->archive, m->id) : NULL;
        if (replayed == 0 && share_apply_run(&n->sh, m, report) != 0)
            replayed = -1;
        json_decref(report);
        if (r + 1 == runs->n)
            snprintf(last_config_sha, 65, "%s", m->config_sha256);
        run_manifest_free(m);
        if (replayed != 0) {
            snprintf(err, errlen, "%s", n->err[0] ? n->err : "ikke nok hukommelse");
            return -1;
        }
    }
    period_digest *digests = NULL;
    size_t n_digests = ledger_period_digests(n->l, &digests);
    int rc = n_digests != (size_t)-1 ? share_complete(&n->sh, n->l, *cfg, digests, n_digests) : -1;
    free(digests);
    if (rc != 0)
        snprintf(err, errlen, "ikke nok hukommelse");
    return rc;
}

/* What verify says of a workbook of the share that is not as it must be,
 * and what to do. */
static void share_problem(const share_record *r, const char *out,
                          void (*problem)(void *ctx, const char *file, const char *what), void *ctx)
{
    char file[4200], what[1400];
    snprintf(file, sizeof file, "%s/%s", out, r->file);
    switch (r->reason) {
    case SHARE_MISSING:
        snprintf(what, sizeof what, "mangler (kørsel %s skrev det); næste kørsel skriver det igen", r->run);
        break;
    case SHARE_EDITED:
        snprintf(what, sizeof what, "er ikke det, kørsel %s skrev (det er ændret i mappen); næste kørsel "
                 "skriver det igen, så ændringer i filen går tabt — gem dem under et andet navn", r->run);
        break;
    case SHARE_FAILED:
        snprintf(what, sizeof what, "blev ikke skrevet af kørsel %s (%s); næste kørsel prøver igen",
                 r->run, r->error[0] ? r->error : "ukendt årsag");
        break;
    default:
        snprintf(what, sizeof what, "er forældet: %s siden kørsel %s lavede det (statusnotat %s); næste "
                 "kørsel laver det igen", share_reason_text(r->reason), r->run, r->version);
        break;
    }
    problem(ctx, file, what);
}

int night_verify_state(const char *archive, const char *out,
                       void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                       char *err, size_t errlen)
{
    char path[4200], cache[4200], config_sha[65] = "";
    state_path(archive, path, sizeof path);
    overview_cache_path(archive, cache, sizeof cache);
    bool found, complete;
    char last[40];
    if (archive_last_run(archive, &found, last, &complete, err, errlen) != 0)
        return -1;
    /* A state that names an earlier run is stale: the next night rebuilds it
     * and trusts nothing in it. */
    int told = 0;
    const char *derived[][2] = {{path, "state.sqlite"}, {cache, "oversigt.tsv"}};
    for (size_t i = 0; i < 2; i++) {
        struct stat st;
        if (lstat(derived[i][0], &st) == 0 && !S_ISREG(st.st_mode)) {
            char what[256];
            snprintf(what, sizeof what, "er ikke en almindelig fil (%s); næste nat lægger den til side "
                     "og laver den igen", S_ISLNK(st.st_mode) ? "et symbolsk link" :
                     S_ISDIR(st.st_mode) ? "en mappe" : S_ISFIFO(st.st_mode) ? "en FIFO" : "en enhed");
            problem(ctx, derived[i][1], what);
            told++;
        }
    }
    bool check_state = durable_is_regular(path) && found && complete && state_is_of(archive, last);
    bool check_cache = durable_is_regular(cache) && found && complete;
    if (!check_state && !check_cache && !out)
        return told;
    /* Each must be what replaying every manifest gives. */
    name_list runs = {0};
    config *cfg = NULL;
    night_result res = {0};
    night n = {.archive = archive, .ev = &no_events, .res = &res, .err = res.err,
               .errlen = sizeof res.err};
    int rc = -1;
    if (replay_for_check(&n, &runs, &cfg, config_sha, err, errlen) != 0)
        goto done;
    rc = told;
    if (check_state) {
        int same = state_matches(archive, last, runs.n, n.l, &n.sh, cfg, err, errlen);
        if (same < 0) {
            rc = -1;
            goto done;
        }
        if (!same) {
            rc++;
            problem(ctx, "state.sqlite", "tilstanden svarer ikke til manifesterne og rapporterne (den er "
                    "ændret eller beskadiget); næste nat læser alle manifester og skriver den igen");
        }
    }
    if (check_cache) {
        long wrong = overview_verify_cache(n.l, cfg, cache, config_sha, problem, ctx, err, errlen);
        rc = wrong < 0 ? -1 : rc + (int)wrong;
    }
    if (rc >= 0 && out && n.l) {
        period_digest *digests = NULL;
        size_t n_digests = ledger_period_digests(n.l, &digests);
        if (n_digests == (size_t)-1) {
            snprintf(err, errlen, "ikke nok hukommelse");
            rc = -1;
            goto done;
        }
        share_check(&n.sh, out, program_version(), config_sha, digests, n_digests);
        free(digests);
        for (size_t i = 0; i < n.sh.n; i++)
            if (n.sh.items[i].reason != SHARE_IN_STEP) {
                share_problem(&n.sh.items[i], out, problem, ctx);
                rc++;
            }
    }
done:
    ledger_free(n.l);
    share_free(&n.sh);
    config_free(cfg);
    name_list_free(&runs);
    return rc;
}
