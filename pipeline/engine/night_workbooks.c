/* night_workbooks.c — building a run's workbooks, each recorded in the share's
 * records and the run's report; the rewrites of earlier runs' workbooks. */
#include "night_parts.h"

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

void night_append(made_ctx *w, json_t *list, json_t *entry)
{
    if (!entry || json_array_append_new(list, entry) != 0)
        w->failed_to_record = true;
}

void night_on_written(void *ctx, const char *path)
{
    made_ctx *w = ctx;
    char sha[65] = "";
    const char *file = base_name(path);
    w->told++;
    if (sha256_of_file(path, sha) != 0)
        w->failed_to_record = true;
    const manifest_rewrite *rw = w->rewriting ? rewrite_of(w, file) : NULL;
    if (rw) {
        night_append(w, w->rewritten, json_pack("{s:s, s:s, s:s, s:s}", "file", file, "sha256", sha, "of_run",
                                          rw->of_run, "reason", rw->reason));
        w->n->res->n_rewritten++;
        if (w->n->ev->rewritten)
            w->n->ev->rewritten(w->n->ev->ctx, file, rewrite_reason_text(rw), NULL);
        night_log_event(w->n, "info", "rewritten", json_pack("{s:s, s:s, s:s, s:s}", "file", path, "sha256", sha,
                                                       "of_run", rw->of_run, "reason", rw->reason));
    } else {
        night_append(w, w->workbooks, json_pack("{s:s, s:s}", "file", file, "sha256", sha));
        night_log_event(w->n, "info", "workbook", json_pack("{s:s, s:s}", "file", path, "sha256", sha));
    }
    record_workbook(w, file, path, sha, NULL);
    crash_point("workbook");
}

void night_on_failed(void *ctx, const char *path, const char *error)
{
    made_ctx *w = ctx;
    const char *file = base_name(path);
    const manifest_rewrite *rw = w->rewriting ? rewrite_of(w, file) : NULL;
    w->told++;
    json_t *entry = json_pack("{s:s, s:s}", "file", file, "error", error);
    if (entry && rw && json_object_set_new(entry, "of_run", json_string(rw->of_run)) != 0)
        w->failed_to_record = true;
    night_append(w, w->failed, entry);
    record_workbook(w, file, path, NULL, error);
    night_log_event(w->n, "error", "workbook_failed",
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
                night_on_failed(w, path, error);
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
            night_on_failed(w, path, error);
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
        night_on_failed(w, path, error);
    }
}

/* A period of the run's own built, or not: counted, logged, reported. */
void night_period_done(void *ctx, sn_period period, const char *out_dir, const char *error)
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
    night_log_event(n, "error", "period_failed", json_pack("{s:s, s:s}", "period", p, "error", error));
    night_append(w, w->failed_periods, json_pack("{s:s, s:s}", "period", p, "error", error));
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
int night_write_overviews(made_ctx *w, overview *ov, time_t created,
                           bool (*want)(void *ctx, const char *file))
{
    night *n = w->n;
    char why[1024];
    build_options bo = {.out_dir = n->out, .created = created, .jobs = n->jobs, .on_written = night_on_written,
                        .on_failed = night_on_failed, .ctx = w, .want = want, .want_ctx = w};
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
        night_log_event(n, "error", "overview_failed", json_pack("{s:s}", "error", why));
    }
    if (n->ev->overview)
        n->ev->overview(n->ev->ctx, n->out, rc ? why : NULL);
    return rc;
}

/* A copy of the digests, for overview_set_periods to take over. */
period_digest *night_copy_digests(const period_digest *d, size_t n)
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
void night_write_rewrites(made_ctx *w, const int64_t *created, const char *cache_path)
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
                            .on_written = night_on_written, .on_failed = night_on_failed, .ctx = w,
                            .want = want_rewrite, .want_ctx = w};
        w->told = 0;
        build_periods(n->l, n->cfg, periods, n_periods, NULL, &bo, rewrite_done, w);
        if (overviews) {
            overview *ov = overview_new(n->l, n->cfg, cache_path, m->config_sha256);
            period_digest *all = w->digests ? night_copy_digests(w->digests, w->n_digests) : NULL;
            if (ov && all)
                overview_set_periods(ov, all, w->n_digests);
            else
                free(all);
            if (ov)
                overview_set_archive(ov, n->archive, m->id);
            if (ov)
                night_write_overviews(w, ov, (time_t)created[i], want_rewrite);
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
bool night_need_periods(night *n, const run_manifest *m)
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
size_t night_all_digests(night *n, period_digest **out)
{
    return n->store ? state_period_digests(n->store, n->l, out) : ledger_period_digests(n->l, out);
}

/* How many of the share's workbooks are not in place. */
size_t night_share_incomplete(const share *sh)
{
    size_t k = 0;
    for (size_t i = 0; i < sh->n; i++)
        k += !sh->items[i].written;
    return k;
}

bool night_run_has_loose(const run_manifest *m)
{
    for (size_t i = 0; i < m->n_inputs; i++)
        if (!m->inputs[i].id.has_period)
            return true;
    return false;
}
