/* night.h — the night run over an archive, its recovery, and reruns.
 *
 * A run, under the archive's lock:
 *   1. finishes a run that a crash interrupted (its workbooks, its inbox
 *      files, its report), so the state is what an uninterrupted run gives;
 *   2. replays the manifests of all earlier runs into the ledger: the state
 *      is every document the archive accepted, so supersession spans nights;
 *   3. processes the inbox and admits each file;
 *   4. stages the run — a compressed copy of every new input, the
 *      configuration, the manifest, the log — fsyncs it and renames it into
 *      runs/<id>: from here on the run exists;
 *   5. rebuilds the workbooks of every period the new files touched;
 *   6. moves rejected files to quarantine (with a reasons file) and removes
 *      the others from the inbox: a file leaves the inbox only after its
 *      archive copy and the manifest are on disk;
 *   7. writes the report and marks the run complete.
 * A SIGKILL anywhere leaves either no run (1-4: the inbox is untouched) or a
 * committed one that step 1 of the next run finishes. */
#ifndef STATUSNOTAT_NIGHT_H
#define STATUSNOTAT_NIGHT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "values.h"

typedef struct {
    const char *inbox, *archive, *out;
    const char *config_path;     /* copied into the run */
    const config *cfg;
    time_t recorded;             /* the run's recorded time */
    bool progress;               /* a progress line on stderr (a terminal) */
} night_options;

/* Returns the process exit code (commands.h). */
int night_run(const night_options *o);

/* Rebuilds the workbooks run `run_id` produced, from the archive alone, into
 * out; only `period` when it is not NULL (periods are independent, so a rerun
 * can be split into one job per period). Returns the exit code. */
int night_rerun(const char *archive, const char *run_id, const sn_period *period, const char *out);

/* One line per run, oldest first. Returns the exit code. */
int night_list_runs(const char *archive, FILE *out);

#endif
