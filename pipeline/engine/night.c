/* night.c — the night run over an archive: one attempt (recovery, replay,
 * intake, commit, finishing) under the archive's lock, retried once when the
 * state turns out unusable. Its parts are the night_*.c files beside it
 * (night_parts.h); reruns are rerun.c, the state's check verify_state.c.
 * Prints nothing (see night.h). */
#include "night_parts.h"

/* What a night tells when its caller wants nothing told. */
const night_events night_no_events = {0};

static void night_free(night *n)
{
    state_close(n->store);
    n->store = NULL;
    night_close_log(n);
    json_decref(n->pending_log);
    json_decref(n->stale);
    share_free(&n->sh);
    ledger_free(n->l);
}

/* One attempt at the night; with use_state false the ledger is replayed from
 * every manifest. Returns true when the state could not be read during the
 * run before anything was committed (the night is then made again without
 * it).
 * One piece because it is the night's order of steps under one lock (lock, replay,
 * intake, admission, commit, finish), each step's failure leaving through the same
 * release; split, the order would be spread over files. */
static bool night_attempt(const night_options *o, const night_events *ev, night_result *res,
                          bool use_state, const char *state_error)
{
    memset(res, 0, sizeof *res);
    night n = {.archive = o->archive, .inbox = o->inbox, .out = o->out, .cfg = o->cfg,
               .ev = ev ? ev : &night_no_events, .res = res, .err = res->err, .errlen = sizeof res->err,
               .jobs = o->jobs, .recorded = o->recorded, .started = time(NULL)};
    n.archive_cfg = night_archive_limits(o->cfg);
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
    archive_remove_leftovers(o->archive, night_on_removed, &n);
    night_remove_temporary_workbooks(&n);

    /* Step 1: only the last run can be unfinished (one run at a time). */
    bool found, complete;
    char last[40];
    if (archive_last_run(o->archive, &found, last, &complete, res->err, sizeof res->err) != 0)
        goto fail;
    size_t prior_runs = 0;       /* the runs before the new one */
    if (found && !complete) {
        if (archive_list_runs(o->archive, &runs, res->err, sizeof res->err) != 0 ||
            night_replay_all(&n, &runs) != 0)
            goto fail;
        replayed = true;
        prior_runs = runs.n;
        night_save_state(&n, last, prior_runs);   /* the recovered run, for the next night */
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
    night_iso_utc(o->recorded, when);
    size_t n_taken = 0;
    if (files.n) {
        taken = calloc(files.n, sizeof *taken);
        if (!taken || archive_run_begin(&staging, o->archive, id, res->err, sizeof res->err) != 0)
            goto fail;
        staged = true;
        n.run_id = id;
        night_log_event(&n, "info", "run_start",
                  json_pack("{s:s, s:s, s:s, s:s, s:I}", "recorded_utc", when, "inbox", o->inbox,
                            "out", o->out, "config", o->config_path, "files", (json_int_t)files.n));
        if (state_error)   /* the first attempt could not read the state */
            night_log_event(&n, "warning", "state_unreadable",
                      json_pack("{s:s, s:s}", "error", state_error, "action",
                                "the state was removed; every manifest was read instead"));
        n_taken = night_take_inbox(&n, &staging, &files, taken, a, left, deferred);
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
            night_log_event(&n, "warning", "state_unreadable", json_pack("{s:s}", "error", why));
            state_close(n.store);
            n.store = NULL;
            share_free(&n.sh);
            ledger_free(n.l);
            if (!(n.l = ledger_new(o->cfg, LEDGER_CACHE_BUDGET)))
                goto fail;
        }
        if (loaded != 1) {
            if (archive_list_runs(o->archive, &runs, res->err, sizeof res->err) != 0 ||
                night_replay_all(&n, &runs) != 0)
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
        int rc = process_in_order(files_read, n_taken, o->jobs, night_admit_one, &ac);
        if (rc != 0) {
            if (rc < 0)
                snprintf(res->err, sizeof res->err, "ikke nok hukommelse");
            goto fail;
        }
        crash_point("intake");
        if (night_store_copies(&n, &staging, run_index, taken) != 0)
            goto fail;
        crash_point("staged");
    }

    /* The share against the folder; then what the run does: its files'
     * periods, the periods whose keys changed, the workbooks to write again. */
    if (night_check_share(&n) != 0)
        goto fail;
    m = night_manifest_of(&n, run_index, id, prior_runs + 1, o, taken, n_taken);
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
            night_save_state(&n, last, prior_runs);
        else
            night_save_share_only(&n);
        res->n_incomplete = night_share_incomplete(&n.sh);
        res->outcome = night_outcome_of(res, res->counts[SOURCE_REJECTED] + recovered_rejected, o->out);
        goto done;
    }
    if (!staged) {               /* a run of no inputs, for the share */
        if (archive_run_begin(&staging, o->archive, id, res->err, sizeof res->err) != 0)
            goto fail;
        staged = true;
        n.run_id = id;
        night_log_event(&n, "info", "run_start",
                  json_pack("{s:s, s:s, s:s, s:s, s:I}", "recorded_utc", when, "inbox", o->inbox,
                            "out", o->out, "config", o->config_path, "files", (json_int_t)0));
    }

    /* Step 4. */
    if (night_commit(&n, &staging, m, o) != 0)
        goto fail;
    snprintf(res->run_id, sizeof res->run_id, "%s", id);
    crash_point("committed");
    night_tell_stale(&n);

    /* Steps 5-7. */
    if (night_finish_run(&n, m, run_index, left, deferred) != 0)
        goto fail;
    night_save_state(&n, id, prior_runs + 1);
    res->outcome = night_outcome_of(res, res->counts[SOURCE_REJECTED] + recovered_rejected, o->out);
    goto done;

fail:
    if (!res->run_id[0])
        archive_run_abandon(&staging);
    retry = use_state && n.store_failed && !res->run_id[0];
    night_log_event(&n, "error", retry ? "state_unreadable" : "run_failed", json_pack("{s:s}", "error", res->err));
done:
    if (!retry) {                /* what the night did, for whoever watches (status.h) */
        night_status st = {.started = n.started, .finished = time(NULL), .duration = night_seconds_since(&n.began),
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
