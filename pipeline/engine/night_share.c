/* night_share.c — planning what the share needs (workbooks missing, unwritten,
 * edited or stale) and keeping it when nothing else is written. */
#include "night_parts.h"

bool night_period_listed(const sn_period *periods, size_t n, sn_period p)
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
 * cannot be loaded.
 * One piece because the share's plan reads the records once and decides every workbook's
 * fate (rewrite, rebuild, leave) in one pass, in the order the manifest records. */
bool night_plan_share(night *n, run_manifest *m)
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
        if (night_period_listed(periods, n_periods, r->period))
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
        if (r->is_overview ? n_periods > 0 : night_period_listed(periods, n_periods, r->period))
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

/* Tells what the run rebuilds for the share's sake (n->stale), once per cause. */
void night_tell_stale(night *n)
{
    size_t i;
    json_t *cause;
    json_array_foreach(n->stale, i, cause) {
        json_t *periods = json_object_get(cause, "periods");
        const char *text = json_string_value(json_object_get(cause, "text"));
        if (n->ev->stale)
            n->ev->stale(n->ev->ctx, text, json_array_size(periods));
        night_log_event(n, "info", "stale", json_pack("{s:s, s:O}", "reason", text, "periods", periods));
    }
}

/* The share's records against the out folder now (share_check), with the
 * keys the workbooks must have: the digests of every period as this night's
 * admissions left them. 0, or -1 with a message. */
int night_check_share(night *n)
{
    period_digest *digests = NULL;
    size_t n_digests = night_all_digests(n, &digests);
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
void night_save_share_only(night *n)
{
    bool dirty = false;
    for (size_t i = 0; i < n->sh.n; i++)
        dirty |= n->sh.items[i].dirty;
    char why[512];
    if (dirty && n->store && state_save_share(n->store, &n->sh, why, sizeof why) != 0)
        night_log_event(n, "warning", "state_not_written", json_pack("{s:s}", "error", why));
}
