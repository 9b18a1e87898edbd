/* verify_state.c — the state, the overview cache and the share checked against a
 * replay of every manifest (night.h: night_verify_state). */
#include "night_parts.h"
#include "layout.h"

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
    archive_path(config_path, sizeof config_path, n->archive, ARCHIVE_RUN_CONFIG, last, NULL);
    if (config_load_archived(config_path, cfg, err, errlen) != 0)
        return -1;
    n->cfg = *cfg;
    n->archive_cfg = night_archive_limits(*cfg);
    n->l = ledger_new(*cfg, LEDGER_CACHE_BUDGET);
    if (!n->l) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    for (size_t r = 0; r < runs->n; r++) {
        run_manifest *m;
        if (archive_read_manifest(n->archive, runs->names[r], *cfg, &m, err, errlen) != 0)
            return -1;
        int replayed = night_replay_run(n, m, r);
        json_t *report = m->complete ? night_read_report(n->archive, m->id) : NULL;
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
    night n = {.archive = archive, .ev = &night_no_events, .res = &res, .err = res.err,
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
