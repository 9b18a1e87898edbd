/* archive.h — the archive folder of the night runs, and everything that
 * touches its files.
 *
 *   ARCHIVE/lock                          flock()ed by the run that holds it
 *   ARCHIVE/state.sqlite                  the ledger as the last run left it (state.h)
 *   ARCHIVE/state.sqlite.sha256           its seal: the SHA-256 of the bytes last written
 *   ARCHIVE/oversigt.tsv                  each period's figures for the overviews
 *                                         across periods, by what they are made of
 *                                         (overview.h)
 *   ARCHIVE/runs/<id>/manifest.json       the run's inputs and what became of
 *                                         them; a run exists once this folder does
 *   ARCHIVE/runs/<id>/config.json         the configuration the run used
 *   ARCHIVE/runs/<id>/files/NNNN-<sha>.xml.gz   every new input, gzip-compressed
 *                                         (bytes archived before are not stored again)
 *   ARCHIVE/runs/<id>/report.json         the run report
 *   ARCHIVE/runs/<id>/log.jsonl           the run's log, one JSON object a line
 *   ARCHIVE/runs/<id>/complete            written last: workbooks built, inbox emptied
 *   ARCHIVE/runs/.<id>.tmp/               a run being staged: incoming/ holds the
 *                                         deliveries as copied from the inbox, the
 *                                         only bytes the run reads (left only by a crash)
 *   ARCHIVE/quarantine/<id>/<name>        a rejected file, and <name>.reasons.txt
 *
 * Run ids sort in run order: "000012-20261125T020000Z" (sequence, then the
 * recorded UTC time). Everything is written through durable.h. Each manifest
 * records the SHA-256 of its configuration and of the previous run's
 * manifest, and report.json that of its manifest: an edit anywhere shows
 * (archive_verify, `statusnotat verify`). */
#ifndef STATUSNOTAT_ARCHIVE_H
#define STATUSNOTAT_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "source.h"
#include "durable.h"
#include "config.h"
#include "finding.h"
#include "dirlist.h"

/* ---- The archive's own files ---- */

/* How much of a manifest, report or configuration the program reads: a
 * larger one is damaged (a real one of 50 000 documents is a few MB). */
#define ARCHIVE_FILE_LIMIT ((size_t)256 << 20)

/* A JSON file of the program's own (manifest, report, configuration), read
 * the way a delivery is (durable_read_file: no link followed, no FIFO waited
 * on, a regular file only, at most `limit` bytes). NULL with jerr->text (and
 * jerr->line) saying why. */
json_t *json_load_own(const char *path, size_t limit, size_t flags, json_error_t *jerr);

/* ---- The lock ---- */

typedef enum { LOCK_TAKEN, LOCK_BUSY, LOCK_ERROR } lock_result;

/* Takes ARCHIVE/lock (creating the archive folders if needed) for `purpose`
 * ("run", "backup"), which the lock file names with the pid and the time.
 * LOCK_BUSY when another live process holds it for two seconds or any_wait
 * seconds — for a backup, backup_wait — with err saying who (its pid, purpose and
 * start in local time) and what to do; a lock whose process died is free,
 * since flock() ends with its holder. */
lock_result archive_lock(const char *dir, const char *purpose, unsigned any_wait, unsigned backup_wait,
                         int *fd, char *err, size_t errlen);
void archive_unlock(int fd);

/* ---- Runs and manifests ---- */

typedef struct {
    source_identity id;
    const char *received;        /* ISO time the file landed in the inbox */
    const char *archived;        /* path of the copy, relative to the archive */
    const char *archived_sha256; /* of the copy */
    bool valid;                  /* processing found no error */
    source_status status;        /* as admitted in this run */
    const char **ids;
    uint32_t *id_lines;
    size_t n_ids;
    const finding *findings;     /* of processing */
    size_t n_findings;
    size_t errors, warnings;     /* after admission */
} manifest_input;

/* A workbook of an earlier run that a run writes again (share.h): its file
 * name, the run whose inputs it shows, and why ("failed", "missing",
 * "edited": share_reason_code). */
typedef struct {
    const char *file, *of_run, *reason;
} manifest_rewrite;

typedef struct {
    arena *a;
    const char *id;
    size_t seq;
    int64_t recorded_time;       /* within time_in_range(): the workbooks' creation time */
    int64_t recorded_time_unusable;   /* the recorded value when it was not (then recorded_time 0) */
    const char *version;
    const char *inbox, *out;
    manifest_input *inputs;
    size_t n_inputs;
    sn_period *periods;          /* the periods the run touched */
    size_t n_periods;
    manifest_rewrite *rewrites;  /* earlier runs' workbooks written again ("rewrites") */
    size_t n_rewrites;
    bool complete;
    const char *config_sha256;   /* of runs/<id>/config.json ("" in manifests before it) */
    const char *previous_manifest_sha256;   /* of the previous run's manifest.json ("" for the first) */
    const char *previous_report_sha256;     /* of the previous run's report.json ("" for none) */
} run_manifest;

/* The committed runs' ids, oldest first (an archive with no run yet has none). */
int archive_list_runs(const char *dir, name_list *runs, char *err, size_t errlen);

/* A new run id after `last` (NULL for the first run). buf of 40. */
void archive_new_run_id(const char *last, time_t recorded, char buf[40]);

int archive_read_manifest(const char *dir, const char *id, const config *cfg,
                          run_manifest **out, char *err, size_t errlen);
void run_manifest_free(run_manifest *m);

/* Writes the manifest as JSON into `path` (fsync'ed). */
int archive_write_manifest(const run_manifest *m, const config *cfg, const char *path,
                           char *err, size_t errlen);

/* ---- A run's life: stage, store, commit, quarantine, finish ---- */

typedef struct {
    char archive[4096];
    char id[40];
    char staging[4096];          /* runs/.<id>.tmp: removed unless committed */
    char final[4096];            /* runs/<id> */
} archive_run;

/* A delivery copied into the staging folder: the bytes that are hashed,
 * validated, counted and archived are these, whatever the inbox does next. */
typedef struct {
    char path[4200];             /* the staged copy */
    uint64_t bytes;
    char sha256[65];
    bool gzip;                   /* the delivered bytes are gzip already */
    bool over_limit;             /* grew past the limit while copied: nothing staged */
} staged_delivery;

/* Creates runs/.<id>.tmp/{incoming,files}. 0, or -1 with a message. */
int archive_run_begin(archive_run *r, const char *archive, const char *id, char *err,
                      size_t errlen);

/* Copies what fd holds into the staging folder as delivery `index`, hashing
 * it; stops past `limit` bytes (over_limit). 0, or -1 with a message. */
int archive_stage_delivery(archive_run *r, size_t index, int fd, uint64_t limit,
                           staged_delivery *out, char *err, size_t errlen);

/* Stores a staged delivery as the run's archive copy,
 * runs/<id>/files/NNNN-<sha12>.xml.gz (gzip-compressed unless it came so):
 * rel gets that path (relative to the archive), copy_sha256 the copy's hash. */
int archive_store(archive_run *r, size_t index, const staged_delivery *s, char rel[256],
                  char copy_sha256[65], char *err, size_t errlen);

/* Commits the run: the staged deliveries removed, the configuration copied
 * (its SHA-256 into m->config_sha256), the manifest written (chained to the
 * previous run's), all fsync'ed and renamed into runs/<id> in one step. */
int archive_commit(archive_run *r, run_manifest *m, const config *cfg, const char *config_path,
                   char *err, size_t errlen);

/* Removes a run that was staged but not committed. */
void archive_run_abandon(archive_run *r);

/* The delivered bytes of an input, from its archive copy, into
 * quarantine/<run>/<name> with <name>.reasons.txt beside it. The name is the
 * delivery's own where it is a plain one (printable UTF-8, no leading '-' or
 * '.', not beginning with "fil-" in any case, at most 200 bytes), else
 * "fil-NNNN-<8 hex of the name's SHA-256>.xml" with NNNN the input's place in
 * the run — so no delivered name is ever a generated one, and no two
 * generated ones are the same (the reasons file names the delivery). rel
 * gets the copy's path relative to the archive. */
int archive_quarantine(const char *archive, const char *run_id, const manifest_input *in,
                       size_t index, const char *reasons, size_t reasons_len, char rel[512],
                       char *err, size_t errlen);

/* Where archive_quarantine() puts an input: rel (relative to the archive)
 * and the full path. */
void archive_quarantine_path(const char *archive, const char *run_id, const manifest_input *in,
                             size_t index, char rel[512], char *path, size_t size);

/* Writes runs/<id>/report.json, then runs/<id>/complete. */
int archive_finish(const char *archive, const char *run_id, const char *report, char *err,
                   size_t errlen);

/* Staging folders a crash left behind; calls on_removed for each. */
void archive_remove_leftovers(const char *archive, void (*on_removed)(void *ctx, const char *path),
                              void *ctx);

/* The last committed run, found without holding every run in memory.
 * *found is false for an archive with no run. */
int archive_last_run(const char *dir, bool *found, char id[40], bool *complete, char *err,
                     size_t errlen);

/* ---- Checking the archive ---- */

/* Checks a whole archive — every manifest and its chain, every configuration,
 * every archive copy, every report and quarantine copy — and calls problem()
 * with the file and what is wrong. Returns the number of problems, or -1 when
 * the archive cannot be read at all (err). *checked counts the files read. */
long archive_verify(const char *dir, void (*problem)(void *ctx, const char *file, const char *what),
                    void *ctx, size_t *checked, char *err, size_t errlen);

/* Checks the copies, configuration and manifest chain of runs 0..target (the
 * state a rerun of `target` rebuilds from). The same callback. */
long archive_verify_upto(const char *dir, const name_list *runs, size_t target,
                         void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                         size_t *checked);

#endif
