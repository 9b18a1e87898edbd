/* archive.h — the archive folder of the night runs, and everything that
 * touches its files.
 *
 *   ARCHIVE/lock                          flock()ed by the run that holds it
 *   ARCHIVE/runs/<id>/manifest.json       the run's inputs and what became of
 *                                         them; a run exists once this folder does
 *   ARCHIVE/runs/<id>/config.json         the configuration the run used
 *   ARCHIVE/runs/<id>/files/NNNN-<sha>.xml.gz   every new input, gzip-compressed
 *   ARCHIVE/runs/<id>/report.json         the run report
 *   ARCHIVE/runs/<id>/log.jsonl           the run's log, one JSON object a line
 *   ARCHIVE/runs/<id>/complete            written last: workbooks built, inbox emptied
 *   ARCHIVE/runs/.<id>.tmp/               a run being staged (left only by a crash)
 *   ARCHIVE/quarantine/<id>/<name>        a rejected file, and <name>.reasons.txt
 *
 * Run ids sort in run order: "000012-20261125T020000Z" (sequence, then the
 * recorded UTC time). Everything is written to a temporary name and fsync'ed
 * before it is renamed into place. */
#ifndef STATUSNOTAT_ARCHIVE_H
#define STATUSNOTAT_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "aggregate.h"
#include "config.h"
#include "finding.h"
#include "inbox.h"

/* ---- The lock ---- */

typedef enum { LOCK_TAKEN, LOCK_BUSY, LOCK_ERROR } lock_result;

/* Takes ARCHIVE/lock (creating the archive folders if needed). LOCK_BUSY
 * when another live process holds it (err says which); a lock whose process
 * died is free, since flock() ends with its holder. */
lock_result archive_lock(const char *dir, int *fd, char *err, size_t errlen);
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
    finding *findings;           /* of processing */
    size_t n_findings;
    size_t errors, warnings;     /* after admission */
} manifest_input;

typedef struct {
    arena *a;
    const char *id;
    size_t seq;
    int64_t recorded_time;
    const char *version;
    const char *inbox, *out;
    manifest_input *inputs;
    size_t n_inputs;
    sn_period *periods;          /* the periods the run touched */
    size_t n_periods;
    bool complete;
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

/* ---- Files ---- */

/* Copies src to dst (fsync'ed), gzip-compressing it unless it is gzip
 * already; fills the copy's SHA-256. */
int archive_store_copy(const char *src, const char *dst, char sha256_hex[65], char *err,
                       size_t errlen);

/* Copies src to dst byte for byte (fsync'ed, via a temporary name). */
int archive_copy_file(const char *src, const char *dst, char *err, size_t errlen);

/* Writes text to path (fsync'ed, via a temporary name). */
int archive_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen);

/* fsync of a folder, so renames and new names in it are on disk. */
int archive_sync_dir(const char *dir);

/* mkdir -p. */
int archive_mkdirs(const char *path, char *err, size_t errlen);

/* rm -r of a staging folder left by a crash. */
int archive_remove_tree(const char *path);

/* SHA-256 of a file's bytes. */
int archive_sha256_file(const char *path, char hex[65]);

#endif
