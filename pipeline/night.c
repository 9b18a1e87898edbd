/* night.c — the night run over an archive: recovery, replay, intake, commit,
 * workbooks, quarantine, report; and reruns. See night.h. */
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
#include "config_load.h"
#include "crashpoint.h"
#include "inbox.h"
#include "ledger.h"
#include "report.h"
#include "text.h"

#define CACHE_BUDGET (32u << 20)

typedef struct {
    const char *archive, *inbox, *out;
    const config *cfg;
    config archive_cfg;          /* for reading the archive's own copies: no ratio limit */
    ledger *l;
    /* The run being written or finished. */
    const char *run_id;
    FILE *log;                   /* runs/<id>/log.jsonl once the run exists */
    json_t *pending_log;         /* lines before it exists */
    char err[1024];
} night;

static void iso_utc(time_t t, char buf[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
        char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text) {
            fprintf(n->log, "%s\n", text);
            fflush(n->log);
            free(text);
        }
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
        snprintf(n->err, sizeof n->err, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t i;
    json_t *line;
    json_array_foreach(n->pending_log, i, line) {
        char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text) {
            fprintf(n->log, "%s\n", text);
            free(text);
        }
    }
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

static admission admission_of(night *n, const manifest_input *in, size_t run, char *path,
                              size_t path_size)
{
    snprintf(path, path_size, "%s/%s", n->archive, in->archived);
    return (admission){
        .id = in->id, .path = path, .path_sha256_hex = in->archived_sha256,
        .load_cfg = &n->archive_cfg, .valid = in->valid,
        .ids = in->ids, .id_lines = in->id_lines, .n_ids = in->n_ids,
        .findings = in->findings, .n_findings = in->n_findings, .run = run,
    };
}

static int replay_run(night *n, const run_manifest *m, size_t run)
{
    for (size_t i = 0; i < m->n_inputs; i++) {
        char path[4096];
        admission a = admission_of(n, &m->inputs[i], run, path, sizeof path);
        ledger_entry *e = ledger_admit_record(n->l, &a);
        if (!e) {
            snprintf(n->err, sizeof n->err, "out of memory");
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

/* A file that could not be read, or is over the size limit, is rejected but
 * neither archived nor moved: it stays in the inbox, reported every night,
 * until someone deals with it (copying it would fill the archive). */
static bool left_in_inbox(const ledger_entry *e)
{
    if (e->row.status != SOURCE_REJECTED)
        return false;
    for (size_t f = 0; f < e->row.n_findings; f++)
        if (e->row.findings[f].code == F_FILE_UNREADABLE || e->row.findings[f].code == F_FILE_TOO_LARGE)
            return true;
    return false;
}

/* ---- Finishing a committed run: workbooks, inbox, report ------------------------ */

static void quarantine_reasons(const night *n, const ledger_entry *e, const char *run_id,
                               time_t recorded, char **text, size_t *len)
{
    char when[32];
    iso_utc(recorded, when);
    FILE *f = open_memstream(text, len);
    if (!f)
        return;
    fprintf(f,
            "statusnotat afviste %s i kørsel %s (%s).\n"
            "SHA-256: %s\n\n"
            "Fejl og advarsler (FIL:LINJE: alvor KODE: besked [element]):\n",
            e->row.id.name, run_id, when, e->row.id.sha256_hex);
    for (size_t k = 0; k < e->row.n_findings; k++)
        report_finding_text(f, &e->row.findings[k]);
    fprintf(f, "\nRet fejlene og send filen igen. Kontrollér den først med:\n"
               "  statusnotat check %s\n",
            e->row.id.name);
    (void)n;
    fclose(f);
}

/* A file of the run still in the inbox (the same name, the same bytes)
 * leaves it: into quarantine when it was rejected, else away. */
static int clear_inbox(night *n, const run_manifest *m, size_t run, json_t *report_inputs)
{
    char quarantine[4096];
    snprintf(quarantine, sizeof quarantine, "%s/quarantine/%s", n->archive, m->id);
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run != run)
            continue;
        char path[4096], sha[65], dst[4096];
        const char *moved_to = NULL;
        snprintf(path, sizeof path, "%s/%s", n->inbox, e->row.id.name);
        bool kept = left_in_inbox(e);
        bool present = !kept && archive_sha256_file(path, sha) == 0 &&
                       strcmp(sha, e->row.id.sha256_hex) == 0;
        if (kept)
            log_event(n, "warning", "left_in_inbox", json_pack("{s:s}", "file", e->row.id.name));
        if (e->row.status == SOURCE_REJECTED && !kept) {
            snprintf(dst, sizeof dst, "%s/%s", quarantine, e->row.id.name);
            if (present || access(dst, F_OK) == 0)
                moved_to = dst;
            if (present) {
                char *reasons = NULL, reasons_path[4200];
                size_t len = 0;
                if (archive_mkdirs(quarantine, n->err, sizeof n->err) != 0 ||
                    archive_copy_file(path, dst, n->err, sizeof n->err) != 0)
                    return -1;
                quarantine_reasons(n, e, m->id, (time_t)m->recorded_time, &reasons, &len);
                snprintf(reasons_path, sizeof reasons_path, "%s.reasons.txt", dst);
                int rc = reasons ? archive_write_text(reasons_path, reasons, len, n->err, sizeof n->err)
                                 : -1;
                free(reasons);
                if (rc != 0)
                    return -1;
                log_event(n, "warning", "quarantined",
                          json_pack("{s:s, s:s}", "file", e->row.id.name, "to", dst));
            }
        }
        if (present && unlink(path) != 0) {
            snprintf(n->err, sizeof n->err, "%s: %s", path, strerror(errno));
            return -1;
        }
        if (present)
            crash_point("inbox");
        size_t errors = source_row_count(&e->row, SEVERITY_ERROR);
        size_t warnings = source_row_count(&e->row, SEVERITY_WARNING);
        if (json_array_append_new(
                report_inputs,
                json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:b}", "file", e->row.id.name, "sha256",
                          e->row.id.sha256_hex, "status", source_status_code(e->row.status),
                          "errors", (json_int_t)errors, "warnings", (json_int_t)warnings,
                          "quarantine", moved_to ? json_string(moved_to) : json_null(),
                          "left_in_inbox", kept)) != 0) {
            snprintf(n->err, sizeof n->err, "out of memory");
            return -1;
        }
    }
    if (archive_sync_dir(n->inbox) != 0 && errno != ENOENT) {
        snprintf(n->err, sizeof n->err, "%s: %s", n->inbox, strerror(errno));
        return -1;
    }
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
    if (archive_sha256_file(path, sha) != 0 ||
        json_array_append_new(w->workbooks, json_pack("{s:s, s:s}", "file", base, "sha256", sha)) != 0)
        w->failed = true;
    log_event(w->n, "info", "workbook", json_pack("{s:s, s:s}", "file", path, "sha256", sha));
    crash_point("workbook");
}

/* Steps 5-7 of night.h for run m (index `run` in the ledger). */
static int finish_run(night *n, const run_manifest *m, size_t run, size_t counts[4])
{
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/runs/%s", n->archive, m->id);
    json_t *workbooks = json_array(), *inputs = json_array();
    written_ctx w = {workbooks, n, false};
    build_options bo = {.out_dir = n->out, .created = (time_t)m->recorded_time, .run = run,
                        .on_written = on_written, .ctx = &w};
    int rc = -1;
    if (!workbooks || !inputs || archive_mkdirs(n->out, n->err, sizeof n->err) != 0)
        goto done;
    for (size_t i = 0; i < m->n_periods; i++)
        if (build_period(n->l, n->cfg, m->periods[i], &bo, n->err, sizeof n->err) != 0)
            goto done;
    if (w.failed) {
        snprintf(n->err, sizeof n->err, "%s: cannot record the workbooks in the report", m->id);
        goto done;
    }
    if (clear_inbox(n, m, run, inputs) != 0)
        goto done;

    char when[32];
    iso_utc((time_t)m->recorded_time, when);
    json_t *periods = json_array();
    for (size_t i = 0; periods && i < m->n_periods; i++) {
        char p[8];
        period_format(&m->periods[i], p);
        if (json_array_append_new(periods, json_string(p)) != 0) {
            json_decref(periods);
            periods = NULL;
        }
    }
    json_t *report = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I}, s:o, s:O, s:O}", "run", m->id,
        "recorded_utc", when, "inbox", n->inbox, "archive", n->archive, "out", n->out, "counts",
        "accepted", (json_int_t)counts[SOURCE_ACCEPTED], "rejected",
        (json_int_t)counts[SOURCE_REJECTED], "superseded", (json_int_t)counts[SOURCE_SUPERSEDED],
        "duplicate", (json_int_t)counts[SOURCE_DUPLICATE], "periods", periods,
        "inputs", inputs, "workbooks", workbooks);
    char *text = report ? json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(report);
    if (!text) {
        snprintf(n->err, sizeof n->err, "out of memory");
        goto done;
    }
    snprintf(path, sizeof path, "%s/report.json", dir);
    int wrc = archive_write_text(path, text, strlen(text), n->err, sizeof n->err);
    free(text);
    if (wrc != 0)
        goto done;
    log_event(n, "info", "run_complete", NULL);
    close_log(n);
    crash_point("before_complete");
    snprintf(path, sizeof path, "%s/complete", dir);
    if (archive_write_text(path, "", 0, n->err, sizeof n->err) != 0)
        goto done;
    rc = 0;
done:
    json_decref(workbooks);
    json_decref(inputs);
    return rc;
}

static void count_run(const ledger *l, size_t run, size_t counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    for (size_t i = 0; i < ledger_count(l); i++) {
        const ledger_entry *e = ledger_get(l, i);
        if (e->run == run)
            counts[e->row.status]++;
    }
}

/* ---- Housekeeping ------------------------------------------------------------ */

/* Staging folders and temporary files a crash left behind. */
static void remove_leftovers(night *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/runs", n->archive);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && text_ends_with(e->d_name, ".tmp")) {
            char stale[4200];
            snprintf(stale, sizeof stale, "%s/%s", path, e->d_name);
            if (archive_remove_tree(stale) == 0)
                log_event(n, "warning", "removed_staging", json_pack("{s:s}", "path", stale));
        }
    }
    if (d)
        closedir(d);
    d = opendir(n->out);
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && text_ends_with(e->d_name, ".xlsx.tmp")) {
            char stale[4200];
            snprintf(stale, sizeof stale, "%s/%s", n->out, e->d_name);
            if (unlink(stale) == 0)
                log_event(n, "warning", "removed_temporary", json_pack("{s:s}", "path", stale));
        }
    }
    if (d)
        closedir(d);
}

/* ---- The new run -------------------------------------------------------------- */

static void progress(bool on, size_t i, size_t n, const char *name)
{
    if (on)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s", i, n, name);
}

static int stage_and_commit(night *n, run_manifest *m, size_t run, const night_options *o)
{
    char staging[4096], final[4096], path[4200];
    snprintf(staging, sizeof staging, "%s/runs/.%s.tmp", n->archive, m->id);
    snprintf(final, sizeof final, "%s/runs/%s", n->archive, m->id);
    snprintf(path, sizeof path, "%s/files", staging);
    if (archive_mkdirs(path, n->err, sizeof n->err) != 0)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run != run)
            continue;
        manifest_input *in = &m->inputs[k++];
        if (e->row.status == SOURCE_DUPLICATE) {
            /* The bytes are archived already: point at the first copy. */
            for (size_t j = 0; j < i; j++) {
                ledger_entry *first = ledger_get(n->l, j);
                if (strcmp(first->row.id.sha256_hex, e->row.id.sha256_hex) != 0)
                    continue;
                in->archived = first->path + strlen(n->archive) + 1;
                in->archived_sha256 = first->path_sha256_hex;
                break;
            }
            continue;
        }
        char rel[256], sha[65], dst[4400];
        snprintf(rel, sizeof rel, "runs/%s/files/%04zu-%.12s.xml.gz", m->id, k - 1, e->row.id.sha256_hex);
        snprintf(dst, sizeof dst, "%s/files/%04zu-%.12s.xml.gz", staging, k - 1, e->row.id.sha256_hex);
        if (left_in_inbox(e)) {
            in->archived = in->archived_sha256 = "";
            log_event(n, "warning", "not_archived", json_pack("{s:s}", "file", e->row.id.name));
            continue;
        }
        if (archive_store_copy(e->path, dst, sha, n->err, sizeof n->err) != 0)
            return -1;
        in->archived = arena_strdup(m->a, rel);
        in->archived_sha256 = arena_strdup(m->a, sha);
        if (!in->archived || !in->archived_sha256)
            return -1;
        log_event(n, "info", "archived", json_pack("{s:s, s:s, s:s}", "file", e->row.id.name,
                                                   "sha256", e->row.id.sha256_hex, "copy", rel));
    }
    crash_point("staged");
    snprintf(path, sizeof path, "%s/config.json", staging);
    if (archive_copy_file(o->config_path, path, n->err, sizeof n->err) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/manifest.json", staging);
    if (archive_write_manifest(m, n->cfg, path, n->err, sizeof n->err) != 0)
        return -1;
    log_event(n, "info", "committed", NULL);
    if (open_log(n, staging) != 0)
        return -1;
    close_log(n);
    snprintf(path, sizeof path, "%s/files", staging);
    crash_point("before_commit");
    if (archive_sync_dir(path) != 0 || archive_sync_dir(staging) != 0 || rename(staging, final) != 0) {
        snprintf(n->err, sizeof n->err, "%s: %s", final, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/runs", n->archive);
    if (archive_sync_dir(path) != 0) {
        snprintf(n->err, sizeof n->err, "%s: %s", path, strerror(errno));
        return -1;
    }
    return open_log(n, final);
}

/* The manifest of the new run, from the ledger entries of `run`. */
static run_manifest *manifest_of(night *n, size_t run, const char *id, size_t seq,
                                 const night_options *o, const name_list *files)
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
    m->inputs = arena_alloc_array(a, files->n ? files->n : 1, sizeof *m->inputs);
    m->periods = arena_alloc_array(a, files->n ? files->n : 1, sizeof *m->periods);
    if (!m->id || !m->inputs || !m->periods) {
        arena_free(a);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run != run)
            continue;
        manifest_input *in = &m->inputs[k];
        struct stat st;
        char received[32] = "";
        if (stat(e->path, &st) == 0)
            iso_utc(st.st_mtime, received);
        in->id = e->row.id;
        in->received = arena_strdup(a, received);
        in->status = e->row.status;
        in->ids = e->ids;
        in->n_ids = e->n_ids;
        in->id_lines = e->id_lines;
        /* Processing findings only: admission's are made again on replay. */
        in->findings = arena_alloc_array(a, e->row.n_findings ? e->row.n_findings : 1,
                                         sizeof *in->findings);
        if (!in->received || !in->findings) {
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
                seen = m->periods[p].year == e->row.id.period.year &&
                       m->periods[p].half == e->row.id.period.half;
            if (!seen)
                m->periods[m->n_periods++] = e->row.id.period;
        }
    }
    m->n_inputs = k;
    /* Periods ascending. */
    for (size_t i = 1; i < m->n_periods; i++)
        for (size_t j = i; j > 0 && (m->periods[j - 1].year * 10 + m->periods[j - 1].half >
                                     m->periods[j].year * 10 + m->periods[j].half);
             j--) {
            sn_period t = m->periods[j];
            m->periods[j] = m->periods[j - 1];
            m->periods[j - 1] = t;
        }
    return m;
}

int night_run(const night_options *o)
{
    night n = {.archive = o->archive, .inbox = o->inbox, .out = o->out, .cfg = o->cfg};
    n.archive_cfg = *o->cfg;
    n.archive_cfg.max_expansion_ratio = 1e12;
    n.archive_cfg.max_expanded_bytes = o->cfg->max_file_bytes > o->cfg->max_expanded_bytes
                                           ? o->cfg->max_file_bytes
                                           : o->cfg->max_expanded_bytes;
    int lock_fd = -1, rc = EXIT_FAILURE_IO;
    name_list runs = {0};
    name_list files = {0};
    run_manifest *m = NULL;
    size_t counts[4] = {0};
    bool rejected = false, recovered = false;

    switch (archive_lock(o->archive, &lock_fd, n.err, sizeof n.err)) {
    case LOCK_TAKEN: break;
    case LOCK_BUSY:
        fprintf(stderr, "statusnotat run: %s; not starting\n", n.err);
        return EXIT_LOCKED;
    case LOCK_ERROR:
        fprintf(stderr, "statusnotat run: %s\n", n.err);
        return EXIT_FAILURE_IO;
    }
    n.pending_log = json_array();
    n.l = ledger_new(o->cfg, CACHE_BUDGET);
    if (!n.pending_log || !n.l || archive_mkdirs(o->out, n.err, sizeof n.err) != 0)
        goto fail;
    remove_leftovers(&n);

    /* Replay every committed run; finish one a crash interrupted. */
    if (archive_list_runs(o->archive, &runs, n.err, sizeof n.err) != 0)
        goto fail;
    for (size_t r = 0; r < runs.n; r++) {
        run_manifest *old;
        if (archive_read_manifest(o->archive, runs.names[r], o->cfg, &old, n.err, sizeof n.err) != 0)
            goto fail;
        int replayed = replay_run(&n, old, r);
        if (replayed == 0 && !old->complete) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s/runs/%s", o->archive, old->id);
            n.run_id = old->id;
            if (open_log(&n, dir) != 0) {
                run_manifest_free(old);
                goto fail;
            }
            log_event(&n, "warning", "recovering", json_pack("{s:s}", "reason",
                      "the run was interrupted; finishing it"));
            size_t c[4];
            count_run(n.l, r, c);
            replayed = finish_run(&n, old, r, c);
            if (replayed == 0) {
                recovered = true;
                rejected |= c[SOURCE_REJECTED] > 0;
                printf("kørsel %s var afbrudt og er gjort færdig\n", old->id);
            }
            n.run_id = NULL;
        }
        run_manifest_free(old);
        if (replayed != 0)
            goto fail;
    }

    if (inbox_list(o->inbox, &files) != 0) {
        snprintf(n.err, sizeof n.err, "%s: %s", o->inbox, strerror(errno));
        rc = errno == ENOENT || errno == ENOTDIR ? EXIT_USAGE : EXIT_FAILURE_IO;
        goto fail_rc;
    }
    if (files.n == 0) {
        printf("Ingen nye leverancer i %s; arkivet og regnearkene er uændrede%s.\n", o->inbox,
               recovered ? " (ud over den afbrudte kørsel)" : "");
        rc = rejected ? EXIT_SOME_REJECTED : EXIT_ALL_ACCEPTED;
        goto done;
    }

    char id[40];
    archive_new_run_id(runs.n ? runs.names[runs.n - 1] : NULL, o->recorded, id);
    n.run_id = id;
    char when[32];
    iso_utc(o->recorded, when);
    log_event(&n, "info", "run_start",
              json_pack("{s:s, s:s, s:s, s:s, s:I}", "recorded_utc", when, "inbox", o->inbox, "out",
                        o->out, "config", o->config_path, "files", (json_int_t)files.n));
    size_t run = runs.n;
    for (size_t i = 0; i < files.n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", o->inbox, files.names[i]);
        progress(o->progress, i + 1, files.n, files.names[i]);
        ledger_entry *e = ledger_take_file(n.l, path, files.names[i], run);
        if (!e) {
            snprintf(n.err, sizeof n.err, "%s: out of memory", path);
            goto fail;
        }
        counts[e->row.status]++;
        size_t errors = source_row_count(&e->row, SEVERITY_ERROR);
        log_event(&n, e->row.status == SOURCE_REJECTED ? "warning" : "info", "file",
                  json_pack("{s:s, s:s, s:I, s:s, s:I, s:I}", "file", e->row.id.name, "sha256",
                            e->row.id.sha256_hex, "bytes", (json_int_t)e->row.id.bytes, "status",
                            source_status_code(e->row.status), "errors", (json_int_t)errors,
                            "findings", (json_int_t)e->row.n_findings));
        if (e->row.status == SOURCE_REJECTED)
            for (size_t k = 0; k < e->row.n_findings; k++)
                if (e->row.findings[k].severity == SEVERITY_ERROR) {
                    if (o->progress)
                        fputs("\r\033[K", stderr);
                    report_finding_text(stderr, &e->row.findings[k]);
                }
    }
    if (o->progress)
        fputs("\r\033[K", stderr);
    crash_point("intake");
    m = manifest_of(&n, run, id, runs.n + 1, o, &files);
    if (!m) {
        snprintf(n.err, sizeof n.err, "out of memory");
        goto fail;
    }
    if (stage_and_commit(&n, m, run, o) != 0)
        goto fail;
    crash_point("committed");
    if (finish_run(&n, m, run, counts) != 0)
        goto fail;

    printf("kørsel %s: %zu filer: %zu godkendt, %zu afvist, %zu erstattet, %zu dubletter\n", id,
           files.n, counts[SOURCE_ACCEPTED], counts[SOURCE_REJECTED], counts[SOURCE_SUPERSEDED],
           counts[SOURCE_DUPLICATE]);
    if (m->n_periods == 0)
        printf("  ingen perioder berørt; regnearkene er uændrede\n");
    for (size_t i = 0; i < m->n_periods; i++) {
        char p[8];
        period_format(&m->periods[i], p);
        printf("  regneark for %s i %s\n", p, o->out);
    }
    size_t kept = 0;
    for (size_t i = 0; i < ledger_count(n.l); i++)
        if (ledger_get(n.l, i)->run == run && left_in_inbox(ledger_get(n.l, i))) {
            printf("  efterladt i indbakken (ulæselig eller for stor; se fejlen ovenfor): %s\n",
                   ledger_get(n.l, i)->row.id.name);
            kept++;
        }
    if (counts[SOURCE_REJECTED] > kept)
        printf("  afviste filer er i %s/quarantine/%s med en begrundelse ved hver\n", o->archive, id);
    rejected |= counts[SOURCE_REJECTED] > 0;
    rc = rejected ? EXIT_SOME_REJECTED : EXIT_ALL_ACCEPTED;
    goto done;

fail:
    rc = EXIT_FAILURE_IO;
fail_rc:
    if (o->progress)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "statusnotat run: %s\n", n.err);
    log_event(&n, "error", "run_failed", json_pack("{s:s}", "error", n.err));
done:
    close_log(&n);
    json_decref(n.pending_log);
    run_manifest_free(m);
    name_list_free(&files);
    name_list_free(&runs);
    ledger_free(n.l);
    archive_unlock(lock_fd);
    if (fflush(stdout) != 0 && rc < EXIT_USAGE)
        rc = EXIT_FAILURE_IO;
    return rc;
}

/* ---- Rerun and listing ------------------------------------------------------------ */

int night_rerun(const char *archive, const char *run_id, const sn_period *period, const char *out)
{
    char config_path[4096];
    name_list runs = {0};
    size_t target = (size_t)-1;
    int rc = EXIT_FAILURE_IO;
    config *cfg = NULL;
    night n = {.archive = archive, .out = out};
    if (archive_list_runs(archive, &runs, n.err, sizeof n.err) != 0)
        goto fail;
    for (size_t r = 0; r < runs.n; r++)
        if (strcmp(runs.names[r], run_id) == 0)
            target = r;
    if (target == (size_t)-1) {
        fprintf(stderr, "statusnotat rerun: %s has no run %s (see 'statusnotat runs --archive %s')\n",
                archive, run_id, archive);
        name_list_free(&runs);
        return EXIT_USAGE;
    }
    /* The configuration that run used, from the archive. */
    snprintf(config_path, sizeof config_path, "%s/runs/%s/config.json", archive, run_id);
    if (config_load(config_path, &cfg, n.err, sizeof n.err) != 0)
        goto fail;
    n.cfg = cfg;
    n.archive_cfg = *cfg;
    n.archive_cfg.max_expansion_ratio = 1e12;
    n.archive_cfg.max_expanded_bytes =
        cfg->max_file_bytes > cfg->max_expanded_bytes ? cfg->max_file_bytes : cfg->max_expanded_bytes;
    n.l = ledger_new(cfg, CACHE_BUDGET);
    if (!n.l || archive_mkdirs(out, n.err, sizeof n.err) != 0)
        goto fail;
    for (size_t r = 0; r <= target; r++) {
        run_manifest *m;
        if (archive_read_manifest(archive, runs.names[r], cfg, &m, n.err, sizeof n.err) != 0)
            goto fail;
        int replayed = replay_run(&n, m, r);
        if (replayed == 0 && r == target) {
            build_options bo = {.out_dir = out, .created = (time_t)m->recorded_time, .run = r};
            size_t built = 0;
            for (size_t i = 0; replayed == 0 && i < m->n_periods; i++) {
                char p[8];
                if (period && (period->year != m->periods[i].year || period->half != m->periods[i].half))
                    continue;
                built++;
                replayed = build_period(n.l, cfg, m->periods[i], &bo, n.err, sizeof n.err);
                period_format(&m->periods[i], p);
                if (replayed == 0)
                    printf("genskabt: regneark for %s i %s\n", p, out);
            }
            if (built == 0)
                printf("kørsel %s skrev ingen regneark%s\n", run_id,
                       period ? " for den periode" : "");
        }
        run_manifest_free(m);
        if (replayed != 0)
            goto fail;
    }
    rc = EXIT_ALL_ACCEPTED;
    goto done;
fail:
    fprintf(stderr, "statusnotat rerun: %s\n", n.err);
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
