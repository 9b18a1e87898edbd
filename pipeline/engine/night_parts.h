/* night_parts.h — what the files of the night share (night.c, night_log.c,
 * night_replay.c, night_intake.c, night_share.c, night_workbooks.c,
 * night_finish.c, rerun.c, verify_state.c): the night in progress and the
 * functions one part calls in another. Private to pipeline/engine; the
 * engine's callers see night.h only. */
#ifndef STATUSNOTAT_NIGHT_PARTS_H
#define STATUSNOTAT_NIGHT_PARTS_H

#include "night.h"


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "build.h"
#include "outcome.h"
#include "durable.h"
#include "sha256.h"
#include "config_load.h"
#include "crashpoint.h"
#include "dirlist.h"
#include "ledger.h"
#include "overview.h"
#include "report.h"
#include "share.h"
#include "state.h"
#include "status.h"
#include "text.h"
#include "version.h"

typedef struct {
    const char *archive, *inbox, *out;
    const config *cfg;
    config archive_cfg;          /* for reading the archive's own copies: no ratio limit */
    ledger *l;
    const night_events *ev;
    night_result *res;
    unsigned jobs;
    /* The run being written or finished. */
    const char *run_id;
    FILE *log;                   /* runs/<id>/log.jsonl once the run exists */
    json_t *pending_log;         /* lines before it exists */
    char *err;                   /* res->err */
    size_t errlen;
    state_store *store;          /* the ledger's source, when the state named the last run */
    bool store_failed;           /* it could not be read during the run */
    share sh;                    /* the share's records (share.h) */
    char config_sha256[65];      /* of the configuration this night runs with */
    json_t *stale;               /* the report's "stale": periods rebuilt for the share */
    time_t recorded;             /* the run's recorded time */
    time_t started;              /* when the night began, by the clock */
    struct timespec began;       /* the same by CLOCK_MONOTONIC, for its duration */
} night;

/* One delivery taken from the inbox this night. */
typedef struct {
    const char *name;            /* escaped (text_name_escape) */
    char received[32];           /* its mtime in the inbox, ISO UTC */
    staged_delivery staged;
} intake;


/* What a build tells (build_options' callbacks): each workbook written or
 * not, kept in the share's records (a night; not a rerun) and in the run's
 * report. */
typedef struct {
    night *n;
    const run_manifest *m;
    json_t *workbooks;           /* the run's own: [{file, sha256}] */
    json_t *rewritten;           /* earlier runs' written again: [{file, sha256, of_run, reason}] */
    json_t *failed;              /* [{file, error[, of_run]}] */
    json_t *failed_periods;      /* [{period, error}] */
    const period_digest *digests;   /* every period's now; NULL: no records kept (rerun) */
    size_t n_digests;
    const manifest_rewrite *rewriting;   /* the rewrites being written (one run's); NULL: the run's own */
    size_t n_rewriting;
    int64_t rewriting_created;   /* the time of the run they are of */
    size_t told;                 /* workbooks told since the last period was done */
    bool failed_to_record;       /* out of memory, or a workbook that cannot be hashed */
} made_ctx;

/* Step 3's admission of one file read (process_in_order): in the inbox's
 * order, with its log line. */
typedef struct {
    night *n;
    const intake *taken;
    size_t n_taken, run_index;
} admit_ctx;

extern const night_events night_no_events;   /* night.c */

/* night_log.c: the run's log */
int night_open_log(night *n, const char *dir);
void night_close_log(night *n);
void night_log_event(night *n, const char *level, const char *event, json_t *fields);
config night_archive_limits(const config *cfg);
void night_iso_utc(time_t t, char buf[32]);

/* night_replay.c: replay */
json_t *night_read_report(const char *archive, const char *run_id);
int night_replay_all(night *n, const name_list *runs);
int night_replay_run(night *n, const run_manifest *m, size_t run_index);

/* night_intake.c: the new run: intake, admission, manifest, commit */
int night_commit(night *n, archive_run *staging, run_manifest *m, const night_options *o);
bool night_admit_one(void *ctx, size_t k, processed_file *p);
void night_on_removed(void *ctx, const char *path);
void night_remove_temporary_workbooks(night *n);
size_t night_take_inbox(night *n, archive_run *staging, const name_list *files, intake *taken,
                         arena *a, json_t *left, json_t *deferred);
run_manifest *night_manifest_of(night *n, size_t run_index, const char *id, size_t seq,
                                 const night_options *o, const intake *taken, size_t n_taken);
int night_store_copies(night *n, archive_run *staging, size_t run_index, const intake *taken);

/* night_share.c: the share's plan */
bool night_period_listed(const sn_period *periods, size_t n, sn_period p);
int night_check_share(night *n);
void night_save_share_only(night *n);
bool night_plan_share(night *n, run_manifest *m);
void night_tell_stale(night *n);

/* night_workbooks.c: building and recording workbooks */
size_t night_all_digests(night *n, period_digest **out);
int night_write_overviews(made_ctx *w, overview *ov, time_t created,
                           bool (*want)(void *ctx, const char *file));
void night_on_written(void *ctx, const char *path);
void night_write_rewrites(made_ctx *w, const int64_t *created, const char *cache_path);
void night_period_done(void *ctx, sn_period period, const char *out_dir, const char *error);
void night_on_failed(void *ctx, const char *path, const char *error);
period_digest *night_copy_digests(const period_digest *d, size_t n);
bool night_need_periods(night *n, const run_manifest *m);
size_t night_share_incomplete(const share *sh);
/* Whether run m took a file whose period could not be read: it changes no
 * period, but the overviews' Afviste. */
bool night_run_has_loose(const run_manifest *m);
void night_append(made_ctx *w, json_t *list, json_t *entry);

/* night_finish.c: finishing a run, the outcome, the state */
double night_seconds_since(const struct timespec *t);
outcome night_outcome_of(night_result *res, size_t rejected, const char *out);
void night_save_state(night *n, const char *run_id, size_t runs);
int night_finish_run(night *n, const run_manifest *m, size_t run_index, json_t *left, json_t *deferred);

#endif
