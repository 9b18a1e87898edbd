/* rerun.c — rebuilding what one run produced from the archive alone, byte for
 * byte, and comparing it with what the run recorded (night.h: night_rerun). */
#include "night_parts.h"
#include "layout.h"
#include "strbuf.h"

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
        json_t *report = night_read_report(archive, runs->names[r]);
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
    archive_path(rel, sizeof rel, NULL, ARCHIVE_RUN_REPORT, run_id, NULL);
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

/* One piece because a rerun is one sequence of checks before anything is rebuilt
 * (manifest, chain, configuration, copies) and one comparison after, sharing the
 * replayed ledger. */
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
    night n = {.archive = archive, .out = out, .ev = ev ? ev : &night_no_events, .res = res,
               .err = res->err, .errlen = sizeof res->err, .jobs = jobs};
    problem_sink sink = {.ev = n.ev};
    res->outcome = OUTCOME_FAILURE_IO;
    if (!written || !rewritten || !failed || !failed_periods)
        goto done;
    struct stat st;
    archive_path(config_path, sizeof config_path, archive, ARCHIVE_RUNS, NULL, NULL);
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
    archive_path(config_path, sizeof config_path, archive, ARCHIVE_RUN_CONFIG, run_id, NULL);
    if (config_load_archived(config_path, &cfg, res->err, sizeof res->err) != 0)
        goto done;
    n.cfg = cfg;
    n.archive_cfg = night_archive_limits(cfg);
    n.l = ledger_new(cfg, LEDGER_CACHE_BUDGET);
    times = calloc(runs.n, sizeof *times);
    if (!n.l || !times || durable_mkdirs(out, res->err, sizeof res->err) != 0)
        goto done;
    report = night_read_report(archive, run_id);   /* what the run wrote, to compare with */
    for (size_t r = 0; r <= target; r++) {
        run_manifest *m;
        if (archive_read_manifest(archive, runs.names[r], cfg, &m, res->err, sizeof res->err) != 0)
            goto done;
        times[r] = m->recorded_time;
        int rc = night_replay_run(&n, m, r);
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
            if (period && !night_period_listed(m->periods, m->n_periods, *period) && !rewrote) {
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
                                .on_written = night_on_written, .on_failed = night_on_failed, .ctx = &w,
                                .on_rows = overview_add_rows, .rows_ctx = ov};
            rc = ov ? 0 : -1;
            if (rc == 0)
                build_periods(n.l, cfg, m->periods, m->n_periods, period, &bo, night_period_done, &w);
            if (ov)
                overview_set_archive(ov, archive, m->id);
            if (rc == 0 && !period && (m->n_periods || night_run_has_loose(m)) && report &&
                json_object_get(report, "overview_error"))
                night_write_overviews(&w, ov, (time_t)m->recorded_time, NULL);
            overview_free(ov);
            /* Earlier runs' workbooks it wrote again, as those runs made them. */
            manifest_rewrite *mine = calloc(m->n_rewrites + 1, sizeof *mine);
            int64_t *created = calloc(m->n_rewrites + 1, sizeof *created);
            if (rc == 0 && mine && created) {
                run_manifest part = *m;
                part.rewrites = mine;
                part.n_rewrites = rewrites_to_rebuild(m, period, &runs, times, mine, created);
                w.m = &part;
                night_write_rewrites(&w, created, NULL);
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
        text_printf_cut(res->err, sizeof res->err, "oversigten over alle perioder kunne ikke skrives: %s",
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
