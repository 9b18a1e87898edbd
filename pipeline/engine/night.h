/* night.h — the night run over an archive, its recovery, and reruns.
 *
 * A run, under the archive's lock:
 *   1. finishes a run that a crash interrupted (its workbooks, its inbox
 *      files, its report), so the state is what an uninterrupted run gives;
 *   2. takes the inbox: each delivery is opened once (no link followed, no
 *      FIFO waited on), checked against the size limit before a byte is
 *      read, and copied into the run's staging folder while it is hashed.
 *      From here on only the staged copy is read: the bytes hashed,
 *      validated, counted and archived are the same bytes, whatever happens
 *      in the inbox. A file that cannot be read or is too large is reported
 *      and left in the inbox (it has no hash and is never a duplicate);
 *      files past the night's byte limit wait for the next night;
 *   3. opens the state the last run left (state.h) as the ledger's source —
 *      or, when there is none that names the last run, replays the manifests
 *      of all earlier runs (only when there is something to admit) — and
 *      admits each staged file;
 *   4. stores the archive copies (bytes archived before are not stored
 *      again), the configuration and the manifest, fsyncs them and renames
 *      the staging folder into runs/<id>: from here on the run exists;
 *   5. rebuilds the workbooks of every period the new files touched (and the
 *      half year after each), then the overviews across periods (overview.h);
 *      a period whose workbook cannot be written is reported with its cause
 *      and the rest go on;
 *   6. moves rejected files to quarantine (with a reasons file) and removes
 *      the others from the inbox — only where the inbox still holds the very
 *      bytes the run took; a file changed meanwhile stays for the next night;
 *   7. writes the report and marks the run complete, then writes the run's
 *      changes into the state.
 * Every night, an empty one too, also keeps the out folder in step with the
 * archive (share.h): the periods whose workbooks' keys changed (another
 * configuration or program version) are rebuilt by the run, and workbooks
 * that are missing, were not written or were edited in the folder are
 * written again as the runs whose inputs they show wrote them. A night with
 * such work and nothing delivered makes a run of no inputs, so that its
 * manifest, log and report say what it wrote and why.
 * A SIGKILL anywhere leaves either no run (1-4: the inbox is untouched) or a
 * committed one that step 1 of the next run finishes. A night with nothing
 * new reads no manifest.
 *
 * The night prints nothing: it reports through night_events and returns a
 * night_result with the exit code (commands.h); the command prints. */
#ifndef STATUSNOTAT_NIGHT_H
#define STATUSNOTAT_NIGHT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "outcome.h"
#include "source.h"
#include "config.h"
#include "values.h"

typedef struct {
    const char *inbox, *archive, *out;
    const char *config_path;     /* copied into the run */
    const config *cfg;
    time_t recorded;             /* the run's recorded time */
    unsigned jobs;               /* threads reading files and writing workbooks */
    unsigned lock_wait;          /* seconds to wait for a lock another process holds */
} night_options;

/* What a run reports as it goes (every callback may be NULL). Names are in
 * the escaped form of text_name_escape(). */
typedef struct {
    void *ctx;
    void (*progress)(void *ctx, size_t i, size_t n, const char *name);
    void (*admitted)(void *ctx, const source_row *row);
    /* Not read and left in the inbox: the finding says why. */
    void (*left)(void *ctx, const finding *why);
    /* A period's workbooks: error is NULL when they were written. */
    void (*period)(void *ctx, sn_period period, const char *out_dir, const char *error);
    /* The overviews across periods written (error NULL), or not. */
    void (*overview)(void *ctx, const char *out_dir, const char *error);
    /* rerun and verify: a file that is not what the archive recorded. */
    void (*problem)(void *ctx, const char *file, const char *what);
    /* A workbook of an earlier run written again (error NULL), or not; why
     * in Danish (share_reason_text). */
    void (*rewritten)(void *ctx, const char *file, const char *why, const char *error);
    /* The periods whose workbooks this run rebuilds for a reason of the
     * share's (another configuration or program version), once per cause. */
    void (*stale)(void *ctx, const char *cause, size_t n_periods);
    /* rerun: something to know that is not a difference. */
    void (*notice)(void *ctx, const char *file, const char *what);
} night_events;

typedef struct {
    outcome outcome;
    char run_id[40];             /* the new run; "" when none was made */
    char recovered[40];          /* a run a crash interrupted, finished now; "" */
    size_t n_files;              /* admitted by the new run */
    size_t counts[4];            /* by source_status */
    size_t n_left;               /* not read: left in the inbox */
    size_t n_deferred;           /* past the night's byte limit: left for the next night */
    size_t n_waiting_long;       /* of those, delivered more than a day before the run */
    size_t n_quarantined;
    size_t n_periods, n_failed_periods;
    size_t n_rewritten;          /* earlier runs' workbooks written again */
    size_t n_incomplete;         /* workbooks of the share not in place after the night */
    bool other_version;          /* rerun: the run was made by another program version */
    bool overview_failed;        /* the overviews across periods could not be written */
    char overview_error[1024];
    char err[1024];              /* why, when exit_code is 3 or 4 */
    char status_error[512];      /* status.json (status.h) could not be written: why; "" */
    size_t n_not_quarantined;    /* rejected files that could not be moved to quarantine */
    char quarantine_error[600];  /* the first's name and why */
    char cache_error[512];       /* oversigt.tsv could not be written (derived): why; "" */
    char inbox_error[512];       /* the inbox's removals could not be synced to disk: why; "" */
    char state_error[512];       /* state.sqlite could not be written (derived: the next night
                                    reads every manifest instead): why; "" */
} night_result;

void night_run(const night_options *o, const night_events *ev, night_result *res);

/* Rebuilds the workbooks run `run_id` produced, from the archive alone, into
 * out; only `period` when it is not NULL (exit code 2 when the run did not
 * build it). Every archive copy, configuration and manifest the rebuild
 * reads is checked against the hashes the archive recorded, and every
 * workbook against report.json: any difference is exit code 4 with a
 * problem() naming the file. The workbooks of earlier runs the run wrote
 * again are rebuilt as those runs made them. A workbook the run could not
 * write is a notice() (compared with the bytes a later run wrote for it, if
 * any). A run made by another program version is rebuilt by this one and
 * compared for information only: exit code OUTCOME_OTHER_VERSION, unless the
 * archive itself differs. */
void night_rerun(const char *archive, const char *run_id, const sn_period *period, const char *out,
                 unsigned jobs, const night_events *ev, night_result *res);

/* Whether ARCHIVE/state.sqlite, when it is there and names the last run, is
 * what replaying every manifest and report gives, and whether the rows
 * ARCHIVE/oversigt.tsv keeps for the periods as they are now are what
 * aggregating them again gives (overview.h). With out (NULL: not checked),
 * also whether that folder holds every workbook the archive owns as it must
 * be (share.h) — none missing, none stale (its key changed: made by another
 * program version or configuration, or of other sources), none other than
 * was written, none left unwritten — each told with what to do. Returns the
 * number of problems told to problem() (0: none, or nothing to check), -1
 * when the archive cannot be read (err). */
int night_verify_state(const char *archive, const char *out,
                       void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                       char *err, size_t errlen);


#endif
