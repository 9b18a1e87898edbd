/* runs.c — the archive's runs as records; see runs.h. */
#include "runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "config_load.h"
#include "dirlist.h"
#include "layout.h"

static bool summarize(const char *archive, const char *id, config **cfg, run_summary *s)
{
    char err[1024], config_path[4096];
    run_manifest *m;
    archive_path(config_path, sizeof config_path, archive, ARCHIVE_RUN_CONFIG, id, NULL);
    config_free(*cfg);
    *cfg = NULL;
    if (config_load_archived(config_path, cfg, err, sizeof err) != 0 ||
        archive_read_manifest(archive, id, *cfg, &m, err, sizeof err) != 0) {
        s->error = strdup(err);
        return s->error != NULL;
    }
    size_t c[4] = {0};
    for (size_t i = 0; i < m->n_inputs; i++)
        c[m->inputs[i].status]++;
    s->recorded_time = m->recorded_time;
    s->inputs = m->n_inputs;
    s->accepted = c[SOURCE_ACCEPTED];
    s->rejected = c[SOURCE_REJECTED];
    s->superseded = c[SOURCE_SUPERSEDED];
    s->duplicates = c[SOURCE_DUPLICATE];
    s->n_rewrites = m->n_rewrites;
    s->complete = m->complete;
    bool ok = true;
    if (m->n_periods) {
        s->periods = malloc(m->n_periods * sizeof *s->periods);
        ok = s->periods != NULL;
        if (ok) {
            memcpy(s->periods, m->periods, m->n_periods * sizeof *s->periods);
            s->n_periods = m->n_periods;
        }
    }
    run_manifest_free(m);
    return ok;
}

outcome runs_list(const char *archive, run_listing *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    name_list runs = {0};
    if (archive_list_runs(archive, &runs, err, errlen) != 0)
        return OUTCOME_FAILURE_IO;
    outcome rc = OUTCOME_ALL_ACCEPTED;
    config *cfg = NULL;
    out->runs = calloc(runs.n ? runs.n : 1, sizeof *out->runs);
    if (!out->runs) {
        snprintf(err, errlen, "%s: ikke nok hukommelse", archive);
        rc = OUTCOME_FAILURE_IO;
    }
    for (size_t r = 0; out->runs && r < runs.n; r++) {
        run_summary *s = &out->runs[out->n++];
        if (!(s->id = strdup(runs.names[r])) || !summarize(archive, runs.names[r], &cfg, s)) {
            snprintf(err, errlen, "%s: ikke nok hukommelse", archive);
            rc = OUTCOME_FAILURE_IO;
            break;
        }
        if (s->error)
            rc = OUTCOME_FAILURE_IO;
    }
    config_free(cfg);
    name_list_free(&runs);
    return rc;
}

void run_listing_free(run_listing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->runs[i].id);
        free(l->runs[i].error);
        free(l->runs[i].periods);
    }
    free(l->runs);
    memset(l, 0, sizeof *l);
}
