/* night_replay.c — replay: the ledger made again from the runs' manifests (the
 * state names the last run it holds; the rest is replayed in order). */
#include "night_parts.h"
#include "layout.h"

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

int night_replay_run(night *n, const run_manifest *m, size_t run_index)
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
            night_log_event(n, "warning", "replay_differs",
                      json_pack("{s:s, s:s, s:s, s:s}", "of_run", m->id, "file", m->inputs[i].id.name,
                                "recorded", source_status_code(m->inputs[i].status), "replayed",
                                source_status_code(e->row.status)));
    }
    return 0;
}

/* The run's report.json, or NULL when it cannot be read. */
json_t *night_read_report(const char *archive, const char *run_id)
{
    char path[4400];
    json_error_t jerr;
    archive_path(path, sizeof path, archive, ARCHIVE_RUN_REPORT, run_id, NULL);
    return json_load_own(path, ARCHIVE_FILE_LIMIT, 0, &jerr);
}

/* Replays every committed run into the ledger, and makes the share's
 * records again from their reports; finishes the last run when a crash
 * interrupted it. */
int night_replay_all(night *n, const name_list *runs)
{
    share_free(&n->sh);
    for (size_t r = 0; r < runs->n; r++) {
        run_manifest *old;
        if (archive_read_manifest(n->archive, runs->names[r], n->cfg, &old, n->err, n->errlen) != 0)
            return -1;
        int rc = night_replay_run(n, old, r);
        json_t *report = rc == 0 && old->complete ? night_read_report(n->archive, old->id) : NULL;
        if (rc == 0 && share_apply_run(&n->sh, old, report) != 0) {
            snprintf(n->err, n->errlen, "ikke nok hukommelse");
            rc = -1;
        }
        json_decref(report);
        if (rc == 0 && !old->complete) {
            char dir[4400];
            archive_path(dir, sizeof dir, n->archive, ARCHIVE_RUN, old->id, NULL);
            n->run_id = old->id;
            rc = night_open_log(n, dir);
            night_log_event(n, "warning", "recovering",
                      json_pack("{s:s}", "reason", "the run was interrupted; finishing it"));
            if (old->recorded_time_unusable)
                night_log_event(n, "warning", "recorded_time_unusable",
                          json_pack("{s:I, s:s}", "recorded_time", (json_int_t)old->recorded_time_unusable,
                                    "used", "1970-01-01T00:00:00Z"));
            if (rc == 0)
                rc = night_finish_run(n, old, r, NULL, NULL);
            if (rc == 0) {
                snprintf(n->res->recovered, sizeof n->res->recovered, "%s", old->id);
                for (size_t i = 0; i < ledger_count(n->l); i++)
                    if (ledger_get(n->l, i)->run_index == r &&
                        ledger_get(n->l, i)->row.status == SOURCE_REJECTED)
                        n->res->counts[SOURCE_REJECTED]++;
            }
            night_close_log(n);
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
