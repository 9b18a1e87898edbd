/* night_finish.c — finishing a committed run: the inbox cleared of what the
 * archive holds, the rejected quarantined with their reasons, the workbooks
 * written, the report, the state saved, and the night's outcome. */
#include "night_parts.h"
#include "layout.h"
#include "strbuf.h"

/* ---- Finishing a committed run: workbooks, inbox, report ------------------------ */

static char *quarantine_reasons(const ledger_entry *e, const char *run_id, time_t recorded,
                                size_t *len)
{
    char when[32], *text = NULL;
    night_iso_utc(recorded, when);
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
    night_log_event(n, "warning", "changed_in_inbox",
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
                night_log_event(n, "warning", "quarantined", json_pack("{s:s, s:s}", "file",
                                                                 e->row.id.name, "to", rel));
            } else if (present) {
                rel[0] = '\0';
                const char *why = reasons ? qerr : "ikke nok hukommelse";
                night_log_event(n, "error", "not_quarantined",
                          json_pack("{s:s, s:s}", "file", e->row.id.name, "error", why));
                if (!n->res->n_not_quarantined++)
                    text_printf_cut(n->res->quarantine_error, sizeof n->res->quarantine_error, "%s: %s",
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
                night_log_event(n, "error", "not_removed",
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
        night_log_event(n, "error", "inbox_not_synced", json_pack("{s:s}", "error", n->res->inbox_error));
    }
    return 0;
}

double night_seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Steps 5-7 of night.h for run m (index `run` in the ledger). `left` and
 * `deferred` list what the night did not take (NULL when recovering).
 * One piece because steps 5-7 (inbox, quarantine, workbooks, report, state) must happen
 * in this order for a crash between any two to be finished by the next night. */
int night_finish_run(night *n, const run_manifest *m, size_t run_index, json_t *left, json_t *deferred)
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
    if (!night_need_periods(n, m)) {
        snprintf(n->err, n->errlen, "%s", ledger_error(n->l));
        goto done;
    }
    size_t n_digests = night_all_digests(n, &digests);
    if (n_digests == (size_t)-1) {
        snprintf(n->err, n->errlen, "%s: periodernes liste kan ikke læses", n->archive);
        goto done;
    }
    w.digests = digests;
    w.n_digests = n_digests;
    build_options bo = {.out_dir = n->out, .created = (time_t)m->recorded_time, .jobs = n->jobs,
                        .on_written = night_on_written, .on_failed = night_on_failed, .ctx = &w,
                        .on_rows = overview_add_rows, .rows_ctx = ov};
    build_periods(n->l, n->cfg, m->periods, m->n_periods, NULL, &bo, night_period_done, &w);
    if (m->n_periods || night_run_has_loose(m)) {
        period_digest *all = night_copy_digests(digests, n_digests);
        if (!all)
            goto oom;
        overview_set_periods(ov, all, n_digests);
        overview_set_archive(ov, n->archive, m->id);
        if (night_write_overviews(&w, ov, (time_t)m->recorded_time, NULL) != 0)
            overview_error = json_string(n->res->overview_error);
        if (overview_cache_error(ov)) {
            snprintf(n->res->cache_error, sizeof n->res->cache_error, "%s", overview_cache_error(ov));
            night_log_event(n, "warning", "cache_not_written", json_pack("{s:s}", "error", n->res->cache_error));
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
    night_write_rewrites(&w, created, cache);
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
    archive_path(path, sizeof path, n->archive, ARCHIVE_RUN_MANIFEST, m->id, NULL);
    if (sha256_of_file(path, manifest_sha) != 0) {
        snprintf(n->err, n->errlen, "%s: %s", path, errno_text(errno));
        goto done;
    }
    n->res->n_incomplete = night_share_incomplete(&n->sh);
    char why_saved[sizeof n->res->err];
    memcpy(why_saved, n->res->err, sizeof why_saved);
    outcome exit_status = night_outcome_of(n->res, counts[SOURCE_REJECTED], n->out);
    memcpy(n->res->err, why_saved, sizeof why_saved);
    night_iso_utc((time_t)m->recorded_time, when);
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
                   json_object_set_new(report, "duration_seconds", json_real(night_seconds_since(&n->began))) != 0)) {
        json_decref(report);
        report = NULL;
    }
    char *text = report ? json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(report);
    if (!text)
        goto oom;
    night_log_event(n, "info", "run_complete", NULL);
    night_close_log(n);
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

/* The night's outcome (outcome.h): never OUTCOME_ALL_ACCEPTED while a
 * workbook of the share is not in place. */
outcome night_outcome_of(night_result *res, size_t rejected, const char *out)
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
void night_save_state(night *n, const char *run_id, size_t runs)
{
    char why[512];
    if ((n->store ? state_update(n->store, n->l, &n->sh, run_id, runs, why, sizeof why)
                  : state_write(n->archive, run_id, runs, n->l, &n->sh, n->cfg, why, sizeof why)) != 0) {
        night_log_event(n, "warning", "state_not_written", json_pack("{s:s}", "error", why));
        snprintf(n->res->state_error, sizeof n->res->state_error, "%s", why);
    }
    crash_point("state");
}
