/* night.c — the night run over an archive: recovery, intake into staged
 * copies, replay, admission, commit, workbooks, quarantine, report; and
 * reruns. Prints nothing (see night.h). */
#include "night.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "build.h"
#include "commands.h"
#include "durable.h"
#include "config_load.h"
#include "crashpoint.h"
#include "inbox.h"
#include "ledger.h"
#include "overview.h"
#include "report.h"
#include "state.h"
#include "text.h"


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
} night;

/* One delivery taken from the inbox this night. */
typedef struct {
    const char *name;            /* escaped (text_name_escape) */
    char received[32];           /* its mtime in the inbox, ISO UTC */
    staged_delivery staged;
} intake;

static const night_events no_events;

static void iso_utc(time_t t, char buf[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
    n->log = fopen(path, "a");
    if (!n->log) {
        snprintf(n->err, n->errlen, "%s: %s", path, durable_errno_text(errno));
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
        report_finding_text(f, &e->row.findings[k]);
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
    if (durable_sha256_file(path, sha) != 0)
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
                log_event(n, "error", "not_quarantined",
                          json_pack("{s:s, s:s}", "file", e->row.id.name, "error",
                                    reasons ? qerr : "ikke nok hukommelse"));
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
                          json_pack("{s:s, s:s}", "file", e->row.id.name, "error", durable_errno_text(errno)));
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
    if (durable_sync_dir(n->inbox) != 0 && errno != ENOENT)
        log_event(n, "error", "inbox_not_synced", json_pack("{s:s}", "error", durable_errno_text(errno)));
    return 0;
}

typedef struct {
    json_t *workbooks;
    night *n;
    bool failed;                 /* a workbook could not be recorded in the report */
} written_ctx;

static void on_written(void *ctx, const char *path)
{
    written_ctx *w = ctx;
    char sha[65] = "";
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (durable_sha256_file(path, sha) != 0 ||
        json_array_append_new(w->workbooks, json_pack("{s:s, s:s}", "file", base, "sha256", sha)) != 0)
        w->failed = true;
    if (w->n)
        log_event(w->n, "info", "workbook", json_pack("{s:s, s:s}", "file", path, "sha256", sha));
    crash_point("workbook");
}

typedef struct {
    night *n;
    json_t *failed;              /* [{period, error}] for the report */
} period_ctx;

/* A period built, or not: counted, logged, reported and recorded. */
static void period_done(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    period_ctx *pc = ctx;
    night *n = pc->n;
    char p[8];
    period_format(&period, p);
    n->res->n_periods++;
    if (n->ev->period)
        n->ev->period(n->ev->ctx, period, out_dir, error);
    if (!error)
        return;
    n->res->n_failed_periods++;
    log_event(n, "error", "period_failed", json_pack("{s:s, s:s}", "period", p, "error", error));
    if (pc->failed &&
        json_array_append_new(pc->failed, json_pack("{s:s, s:s}", "period", p, "error", error)) != 0) {
        json_decref(pc->failed);
        pc->failed = NULL;
    }
}

/* The run's periods, each built or reported (build_periods). Returns the
 * failed ones for the report, or NULL when out of memory. */
static json_t *build_periods_of(night *n, const run_manifest *m, const build_options *bo,
                                const sn_period *only)
{
    period_ctx pc = {n, json_array()};
    if (pc.failed)
        build_periods(n->l, n->cfg, m->periods, m->n_periods, only, bo, period_done, &pc);
    return pc.failed;
}

/* The overviews across periods, after a run or rerun built its periods.
 * Their failure is reported like a period's: the run is still recorded. */
static int write_overviews(night *n, overview *ov, time_t created, written_ctx *w)
{
    char why[1024];
    int rc = overview_write(ov, n->out, created, on_written, w, why, sizeof why);
    if (rc != 0) {
        n->res->overview_failed = true;
        snprintf(n->res->overview_error, sizeof n->res->overview_error, "%s", why);
        log_event(n, "error", "overview_failed", json_pack("{s:s}", "error", why));
    }
    if (n->ev->overview)
        n->ev->overview(n->ev->ctx, n->out, rc ? why : NULL);
    return rc;
}

/* Steps 5-7 of night.h for run m (index `run` in the ledger). `left` and
 * `deferred` list what the night did not take (NULL when recovering). */
static int finish_run(night *n, const run_manifest *m, size_t run_index, json_t *left, json_t *deferred)
{
    char path[4400], manifest_sha[65] = "", when[32];
    json_t *workbooks = json_array(), *inputs = json_array(), *failed = NULL, *periods = json_array();
    written_ctx w = {workbooks, n, false};
    char cache[4200];
    overview_cache_path(n->archive, cache, sizeof cache);
    overview *ov = overview_new(n->l, n->cfg, cache, m->config_sha256);
    build_options bo = {.out_dir = n->out, .created = (time_t)m->recorded_time, .jobs = n->jobs,
                        .on_written = on_written, .ctx = &w, .on_summary = overview_add,
                        .summary_ctx = ov};
    int rc = -1;
    size_t counts[4] = {0};
    json_t *overview_error = json_null();
    if (!workbooks || !inputs || !periods || !ov || durable_mkdirs(n->out, n->err, n->errlen) != 0)
        goto done;
    /* A period's Udvikling reads the half year before: in the ledger before
     * the workers fork (a ledger with a source loads on demand). */
    for (size_t p = 0; p < m->n_periods; p++)
        if (!ledger_need_period(n->l, m->periods[p]) ||
            !ledger_need_period(n->l, period_previous(m->periods[p]))) {
            snprintf(n->err, n->errlen, "%s", ledger_error(n->l));
            goto done;
        }
    if (!(failed = build_periods_of(n, m, &bo, NULL))) {
        snprintf(n->err, n->errlen, "ikke nok hukommelse");
        goto done;
    }
    if (n->store && m->n_periods) {   /* every period, not only those in the ledger */
        period_digest *all;
        size_t n_all = state_period_digests(n->store, n->l, &all);
        if (n_all == (size_t)-1) {
            snprintf(n->err, n->errlen, "%s/state.sqlite: periodernes liste kan ikke læses", n->archive);
            goto done;
        }
        overview_set_periods(ov, all, n_all);
    }
    if (m->n_periods && write_overviews(n, ov, (time_t)m->recorded_time, &w) != 0)
        overview_error = json_string(n->res->overview_error);
    if (w.failed) {
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
            goto done;
    }
    snprintf(path, sizeof path, "%s/runs/%s/manifest.json", n->archive, m->id);
    if (durable_sha256_file(path, manifest_sha) != 0) {
        snprintf(n->err, n->errlen, "%s: %s", path, durable_errno_text(errno));
        goto done;
    }
    iso_utc((time_t)m->recorded_time, when);
    json_t *report = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I}, s:O, s:O, s:O, s:o, s:o, s:O}",
        "run", m->id, "recorded_utc", when, "inbox", n->inbox, "archive", n->archive, "out", n->out,
        "manifest_sha256", manifest_sha, "counts",
        "accepted", (json_int_t)counts[SOURCE_ACCEPTED], "rejected",
        (json_int_t)counts[SOURCE_REJECTED], "superseded", (json_int_t)counts[SOURCE_SUPERSEDED],
        "duplicate", (json_int_t)counts[SOURCE_DUPLICATE], "periods", periods,
        "failed_periods", failed, "inputs", inputs,
        "left_in_inbox", left ? json_incref(left) : json_array(),
        "deferred", deferred ? json_incref(deferred) : json_array(), "workbooks", workbooks);
    if (report && json_object_set(report, "overview_error", overview_error) != 0) {
        json_decref(report);
        report = NULL;
    }
    char *text = report ? json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(report);
    if (!text) {
        snprintf(n->err, n->errlen, "ikke nok hukommelse");
        goto done;
    }
    log_event(n, "info", "run_complete", NULL);
    close_log(n);
    int frc = archive_finish(n->archive, m->id, text, n->err, n->errlen);
    free(text);
    if (frc != 0)
        goto done;
    rc = 0;
done:
    overview_free(ov);
    json_decref(overview_error);
    json_decref(workbooks);
    json_decref(inputs);
    json_decref(failed);
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

/* Replays every committed run into the ledger; finishes the last one when a
 * crash interrupted it. */
static int replay_all(night *n, const name_list *runs)
{
    for (size_t r = 0; r < runs->n; r++) {
        run_manifest *old;
        if (archive_read_manifest(n->archive, runs->names[r], n->cfg, &old, n->err, n->errlen) != 0)
            return -1;
        int rc = replay_run(n, old, r);
        if (rc == 0 && !old->complete) {
            char dir[4400];
            snprintf(dir, sizeof dir, "%s/runs/%s", n->archive, old->id);
            n->run_id = old->id;
            rc = open_log(n, dir);
            log_event(n, "warning", "recovering",
                      json_pack("{s:s}", "reason", "the run was interrupted; finishing it"));
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
    return 0;
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
    m->version = STATUSNOTAT_VERSION;
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
        /* Processing findings only: admission's are made again on replay. */
        in->findings = arena_alloc_array(a, e->row.n_findings ? e->row.n_findings : 1,
                                         sizeof *in->findings);
        if (!in->findings) {
            arena_free(a);
            return NULL;
        }
        in->errors = source_row_count(&e->row, SEVERITY_ERROR);
        in->warnings = source_row_count(&e->row, SEVERITY_WARNING);
        for (size_t f = 0; f < e->row.n_findings; f++) {
            const finding *x = &e->row.findings[f];
            if (x->code == F_ID_CONFLICT || x->code == F_DOCUMENT_OLDER)
                continue;
            in->findings[in->n_findings++] = *x;
        }
        in->valid = e->valid;
        k++;
        if (e->row.status != SOURCE_DUPLICATE && e->row.id.has_period) {
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

/* The exit code of what the night did (commands.h). */
static int exit_code_of(night_result *res, size_t rejected)
{
    if (res->n_failed_periods) {
        snprintf(res->err, sizeof res->err,
                 "%zu af %zu perioders regneark kunne ikke skrives (se ovenfor og rapporten); "
                 "kørslen er registreret, og de øvrige er skrevet",
                 res->n_failed_periods, res->n_periods);
        return EXIT_FAILURE_IO;
    }
    if (res->overview_failed) {
        snprintf(res->err, sizeof res->err,
                 "oversigten over alle perioder kunne ikke skrives (se ovenfor og rapporten); "
                 "kørslen er registreret, og periodernes regneark er skrevet");
        return EXIT_FAILURE_IO;
    }
    return rejected || res->n_left ? EXIT_SOME_REJECTED : EXIT_ALL_ACCEPTED;
}

/* The compact state for the next night (state.h). Derived data: a failure
 * is logged, and the next night replays the manifests instead. */
static void save_state(night *n, const char *run_id, size_t runs)
{
    char why[512];
    if ((n->store ? state_update(n->store, n->l, run_id, runs, why, sizeof why)
                  : state_write(n->archive, run_id, runs, n->l, n->cfg, why, sizeof why)) != 0)
        log_event(n, "warning", "state_not_written", json_pack("{s:s}", "error", why));
    crash_point("state");
}

static void night_free(night *n)
{
    state_close(n->store);
    n->store = NULL;
    close_log(n);
    json_decref(n->pending_log);
    ledger_free(n->l);
}

/* Step 3's admission of one file read (process_in_order): in the inbox's
 * order, with its log line. */
typedef struct {
    night *n;
    const intake *taken;
    size_t n_taken, run_index;
} admit_ctx;

static bool admit_one(void *ctx, size_t k, processed_file *p)
{
    admit_ctx *ac = ctx;
    night *n = ac->n;
    night_result *res = n->res;
    const intake *taken = ac->taken;
    if (n->ev->progress)
        n->ev->progress(n->ev->ctx, k + 1, ac->n_taken, taken[k].name);
    ledger_entry *e = ledger_admit(n->l, p, taken[k].staged.path, ac->run_index);
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
    /* The errors with their details (libxml2's or the system's words). */
    json_t *errors = json_array();
    for (size_t f = 0; errors && f < e->row.n_findings; f++) {
        const finding *x = &e->row.findings[f];
        if (x->severity != SEVERITY_ERROR)
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
               .jobs = o->jobs};
    n.archive_cfg = archive_limits(o->cfg);
    int lock_fd = -1;
    name_list runs = {0}, files = {0};
    run_manifest *m = NULL;
    arena *a = NULL;
    intake *taken = NULL;
    json_t *left = json_array(), *deferred = json_array();
    archive_run staging = {0};
    bool replayed = false, retry = false;
    res->exit_code = EXIT_FAILURE_IO;

    switch (archive_lock(o->archive, &lock_fd, res->err, sizeof res->err)) {
    case LOCK_TAKEN: break;
    case LOCK_BUSY:
        res->exit_code = EXIT_LOCKED;
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
        snprintf(res->err, sizeof res->err, "%s: %s", o->inbox, durable_errno_text(errno));
        if (errno == ENOENT || errno == ENOTDIR)
            res->exit_code = EXIT_USAGE;
        goto fail;
    }
    crash_point("listed_all");

    /* Step 2, into a staging folder of the new run's id. */
    char id[40];
    archive_new_run_id(found ? last : NULL, o->recorded, id);
    size_t n_taken = 0;
    if (files.n) {
        taken = calloc(files.n, sizeof *taken);
        if (!taken || archive_run_begin(&staging, o->archive, id, res->err, sizeof res->err) != 0)
            goto fail;
        n.run_id = id;
        char when[32];
        iso_utc(o->recorded, when);
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
    if (n_taken == 0) {
        /* Nothing to admit: no run is made, nothing in the archive changes —
         * but a state that a crash left behind the last run is made again. */
        archive_run_abandon(&staging);
        n.run_id = NULL;
        if (found && !replayed && !state_is_of(o->archive, last)) {
            if (archive_list_runs(o->archive, &runs, res->err, sizeof res->err) != 0 ||
                replay_all(&n, &runs) != 0)
                goto fail;
            save_state(&n, last, runs.n);
        }
        res->exit_code = exit_code_of(res, res->counts[SOURCE_REJECTED]);
        goto done;
    }

    /* Step 3: the ledger from the compact state the last run left, or else
     * from every manifest. */
    if (!replayed) {
        char why[512];
        int loaded = found && use_state ? state_open(o->archive, last, o->cfg, &n.archive_cfg, n.l,
                                                     &n.store, &prior_runs, why, sizeof why)
                                        : 0;
        if (loaded < 0) {
            log_event(&n, "warning", "state_unreadable", json_pack("{s:s}", "error", why));
            ledger_free(n.l);
            if (!(n.l = ledger_new(o->cfg, LEDGER_CACHE_BUDGET)))
                goto fail;
        }
        if (loaded != 1) {
            if (archive_list_runs(o->archive, &runs, res->err, sizeof res->err) != 0 ||
                replay_all(&n, &runs) != 0)
                goto fail;
            prior_runs = runs.n;
        }
    }
    size_t run_index = prior_runs;
    size_t recovered_rejected = res->counts[SOURCE_REJECTED];
    res->counts[SOURCE_REJECTED] = 0;
    /* The same intake as a run without an archive, from the staged copies:
     * read by the run's jobs, admitted here in the inbox's order. */
    {
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
    }
    crash_point("intake");

    /* Step 4. */
    if (store_copies(&n, &staging, run_index, taken) != 0)
        goto fail;
    crash_point("staged");
    m = manifest_of(&n, run_index, id, prior_runs + 1, o, taken, n_taken);
    if (!m) {
        snprintf(res->err, sizeof res->err, "%s", ledger_error(n.l));
        goto fail;
    }
    if (commit(&n, &staging, m, o) != 0)
        goto fail;
    snprintf(res->run_id, sizeof res->run_id, "%s", id);
    crash_point("committed");

    /* Steps 5-7. */
    if (finish_run(&n, m, run_index, left, deferred) != 0)
        goto fail;
    save_state(&n, id, prior_runs + 1);
    res->exit_code = exit_code_of(res, res->counts[SOURCE_REJECTED] + recovered_rejected);
    goto done;

fail:
    if (!res->run_id[0])
        archive_run_abandon(&staging);
    retry = use_state && n.store_failed && !res->run_id[0];
    log_event(&n, "error", retry ? "state_unreadable" : "run_failed", json_pack("{s:s}", "error", res->err));
done:
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
        unlink(path);
        night_attempt(o, ev, res, false, why);
    }
}

/* ---- Rerun --------------------------------------------------------------------- */

typedef struct {
    const night_events *ev;
    long problems;
} problem_sink;

static void on_problem(void *ctx, const char *file, const char *what)
{
    problem_sink *s = ctx;
    s->problems++;
    if (s->ev->problem)
        s->ev->problem(s->ev->ctx, file, what);
}

/* The run's report.json, or NULL when it cannot be read. */
static json_t *read_report(const char *archive, const char *run_id)
{
    char path[4400];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/runs/%s/report.json", archive, run_id);
    return json_load_file(path, 0, &jerr);
}

/* The workbooks a rerun wrote against those the run's report (NULL: it
 * could not be read) recorded. */
static void compare_workbooks(const json_t *report, const char *run_id, json_t *written,
                              const run_manifest *m, const sn_period *only, problem_sink *sink)
{
    char rel[512];
    snprintf(rel, sizeof rel, "runs/%s/report.json", run_id);
    if (!report) {
        on_problem(sink, rel, "rapporten kan ikke læses, så regnearkene kan ikke sammenlignes");
        return;
    }
    json_t *recorded = json_object_get(report, "workbooks");
    size_t i, j;
    json_t *w, *r;
    json_array_foreach(written, i, w) {
        const char *file = json_string_value(json_object_get(w, "file"));
        const char *sha = json_string_value(json_object_get(w, "sha256"));
        bool listed = false;
        json_array_foreach(recorded, j, r) {
            if (strcmp(json_string_value(json_object_get(r, "file")) ?: "", file) != 0)
                continue;
            listed = true;
            if (strcmp(json_string_value(json_object_get(r, "sha256")) ?: "", sha) != 0) {
                char what[256];
                const char *made_by = m->version ? m->version : "?";
                bool other = strcmp(made_by, STATUSNOTAT_VERSION) != 0;
                snprintf(what, sizeof what, "det genskabte regneark er ikke det, kørslen skrev "
                         "(SHA-256 i report.json er en anden)%s%s%s",
                         other ? "; kørslen blev lavet af statusnotat " : "", other ? made_by : "",
                         other ? ", og regnearkene er ændret siden" : "");
                on_problem(sink, file, what);
            }
        }
        if (!listed)
            on_problem(sink, file, "kørslen skrev ikke dette regneark (det står ikke i report.json)");
    }
    /* Every recorded workbook of the periods rebuilt was rebuilt. */
    json_array_foreach(recorded, j, r) {
        const char *file = json_string_value(json_object_get(r, "file")) ?: "";
        bool of_period = false, rebuilt = false;
        for (size_t p = 0; p < m->n_periods && !of_period; p++) {
            char name[8], suffix[16];
            period_format(&m->periods[p], name);
            snprintf(suffix, sizeof suffix, "-%s.xlsx", name);
            of_period = text_ends_with(file, suffix) && (!only || period_compare(only, &m->periods[p]) == 0);
        }
        of_period |= !only && text_ends_with(file, "-oversigt.xlsx");   /* rebuilt with all periods */
        json_array_foreach(written, i, w)
            rebuilt |= strcmp(json_string_value(json_object_get(w, "file")) ?: "", file) == 0;
        if (of_period && !rebuilt)
            on_problem(sink, file, "kørslen skrev dette regneark, men det kunne ikke genskabes");
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
    json_t *written = json_array(), *report = NULL;
    night n = {.archive = archive, .out = out, .ev = ev ? ev : &no_events, .res = res,
               .err = res->err, .errlen = sizeof res->err};
    problem_sink sink = {n.ev, 0};
    res->exit_code = EXIT_FAILURE_IO;
    if (!written)
        goto done;
    struct stat st;
    snprintf(config_path, sizeof config_path, "%s/runs", archive);
    if (stat(config_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(res->err, sizeof res->err, "%s er ikke et statusnotat-arkiv (der er ingen runs-mappe)",
                 archive);
        res->exit_code = EXIT_USAGE;
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
        res->exit_code = EXIT_USAGE;
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
    if (config_load(config_path, &cfg, res->err, sizeof res->err) != 0)
        goto done;
    n.cfg = cfg;
    n.archive_cfg = archive_limits(cfg);
    n.l = ledger_new(cfg, LEDGER_CACHE_BUDGET);
    if (!n.l || durable_mkdirs(out, res->err, sizeof res->err) != 0)
        goto done;
    report = read_report(archive, run_id);   /* what the run wrote, to compare with */
    for (size_t r = 0; r <= target; r++) {
        run_manifest *m;
        if (archive_read_manifest(archive, runs.names[r], cfg, &m, res->err, sizeof res->err) != 0)
            goto done;
        int rc = replay_run(&n, m, r);
        if (rc == 0 && r == target) {
            /* The overviews from every period as the archive stood: no cache. */
            written_ctx w = {written, NULL, false};
            overview *ov = overview_new(n.l, cfg, NULL, NULL);
            build_options bo = {.out_dir = out, .created = (time_t)m->recorded_time, .jobs = jobs,
                                .on_written = on_written, .ctx = &w, .on_summary = overview_add,
                                .summary_ctx = ov};
            json_t *failed = ov ? build_periods_of(&n, m, &bo, period) : NULL;
            rc = failed && !w.failed ? 0 : -1;
            /* The overviews, when the run's version wrote them (its report
             * says how they went, written or not). */
            if (rc == 0 && !period && m->n_periods && report &&
                json_object_get(report, "overview_error"))
                write_overviews(&n, ov, (time_t)m->recorded_time, &w);
            rc = rc == 0 && !w.failed ? 0 : -1;
            overview_free(ov);
            json_decref(failed);
            if (rc == 0)
                compare_workbooks(report, run_id, written, m, period, &sink);
            else
                snprintf(res->err, sizeof res->err, "ikke nok hukommelse");
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
    res->exit_code = res->n_failed_periods || res->overview_failed ? EXIT_FAILURE_IO : EXIT_ALL_ACCEPTED;
    if (res->n_failed_periods)
        snprintf(res->err, sizeof res->err, "%zu perioders regneark kunne ikke skrives",
                 res->n_failed_periods);
    else if (res->overview_failed)
        snprintf(res->err, sizeof res->err, "oversigten over alle perioder kunne ikke skrives: %s",
                 res->overview_error);
done:
    json_decref(written);
    json_decref(report);
    ledger_free(n.l);
    config_free(cfg);
    name_list_free(&runs);
}

int night_verify_state(const char *archive, void (*problem)(void *ctx, const char *file, const char *what),
                       void *ctx, char *err, size_t errlen)
{
    char path[4200], cache[4200], config_path[4400], config_sha[65] = "";
    state_path(archive, path, sizeof path);
    overview_cache_path(archive, cache, sizeof cache);
    bool found, complete;
    char last[40];
    if (archive_last_run(archive, &found, last, &complete, err, errlen) != 0)
        return -1;
    /* A state that names an earlier run is stale: the next night rebuilds it
     * and trusts nothing in it. */
    bool check_state = access(path, F_OK) == 0 && found && complete && state_is_of(archive, last);
    bool check_cache = access(cache, F_OK) == 0 && found && complete;
    if (!check_state && !check_cache)
        return 0;
    /* Both must be what replaying every manifest gives. */
    name_list runs = {0};
    config *cfg = NULL;
    night_result res = {0};
    night n = {.archive = archive, .ev = &no_events, .res = &res, .err = res.err,
               .errlen = sizeof res.err};
    int rc = -1;
    snprintf(config_path, sizeof config_path, "%s/runs/%s/config.json", archive, last);
    if (archive_list_runs(archive, &runs, err, errlen) != 0 ||
        config_load(config_path, &cfg, err, errlen) != 0)
        goto done;
    n.cfg = cfg;
    n.archive_cfg = archive_limits(cfg);
    n.l = ledger_new(cfg, LEDGER_CACHE_BUDGET);
    if (!n.l)
        goto done;
    for (size_t r = 0; r < runs.n; r++) {
        run_manifest *m;
        if (archive_read_manifest(archive, runs.names[r], cfg, &m, err, errlen) != 0)
            goto done;
        int replayed = replay_run(&n, m, r);
        if (r + 1 == runs.n)
            snprintf(config_sha, sizeof config_sha, "%s", m->config_sha256);
        run_manifest_free(m);
        if (replayed != 0)
            goto done;
    }
    rc = 0;
    if (check_state) {
        int same = state_matches(archive, last, runs.n, n.l, cfg, err, errlen);
        if (same < 0) {
            rc = -1;
            goto done;
        }
        if (!same) {
            rc++;
            problem(ctx, "state.sqlite", "tilstanden svarer ikke til manifesterne (den er ændret); slet den, "
                    "så læser næste nat alle manifester og skriver den igen");
        }
    }
    if (check_cache) {
        long wrong = overview_verify_cache(n.l, cfg, cache, config_sha, problem, ctx, err, errlen);
        rc = wrong < 0 ? -1 : rc + (int)wrong;
    }
done:
    ledger_free(n.l);
    config_free(cfg);
    name_list_free(&runs);
    return rc;
}

int night_list_runs(const char *archive, FILE *out)
{
    char err[1024], config_path[4096];
    name_list runs = {0};
    config *cfg = NULL;
    if (archive_list_runs(archive, &runs, err, sizeof err) != 0) {
        fprintf(stderr, "statusnotat runs: %s\n", err);
        return EXIT_FAILURE_IO;
    }
    int rc = EXIT_ALL_ACCEPTED;
    for (size_t r = 0; r < runs.n; r++) {
        run_manifest *m;
        snprintf(config_path, sizeof config_path, "%s/runs/%s/config.json", archive, runs.names[r]);
        config_free(cfg);
        cfg = NULL;
        if (config_load(config_path, &cfg, err, sizeof err) != 0 ||
            archive_read_manifest(archive, runs.names[r], cfg, &m, err, sizeof err) != 0) {
            fprintf(stderr, "statusnotat runs: %s\n", err);
            rc = EXIT_FAILURE_IO;
            continue;
        }
        size_t c[4] = {0};
        for (size_t i = 0; i < m->n_inputs; i++)
            c[m->inputs[i].status]++;
        char when[32], periods[256] = "";
        iso_utc((time_t)m->recorded_time, when);
        for (size_t i = 0; i < m->n_periods; i++) {
            char p[8];
            period_format(&m->periods[i], p);
            size_t len = strlen(periods);
            snprintf(periods + len, sizeof periods - len, "%s%s", i ? "," : "", p);
        }
        fprintf(out, "%s  %s  %zu filer: %zu godkendt, %zu afvist, %zu erstattet, %zu dubletter  "
                     "perioder: %s%s\n",
                m->id, when, m->n_inputs, c[SOURCE_ACCEPTED], c[SOURCE_REJECTED],
                c[SOURCE_SUPERSEDED], c[SOURCE_DUPLICATE], periods[0] ? periods : "-",
                m->complete ? "" : "  (ufuldført: gøres færdig ved næste kørsel)");
        run_manifest_free(m);
    }
    config_free(cfg);
    name_list_free(&runs);
    return rc;
}
