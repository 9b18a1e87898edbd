/* durable.h — the one place that touches files that must survive a crash,
 * and the one way a delivery is opened.
 *
 * Deliveries: opened once, without following a symbolic link and without
 * blocking on a FIFO or device (O_NOFOLLOW | O_NONBLOCK, then fstat: only a
 * regular file is read). The caller works from that descriptor only.
 *
 * Durable writes: to a temporary name beside the final one, fsync'ed, renamed
 * into place, and the folder fsync'ed — a reader sees the old file or the new
 * one, never half of one. Copies hash (SHA-256) what they read and what they
 * write, and can gzip or gunzip on the way, so a file is read once.
 *
 * Used by ingest (opening), emit (committing a workbook) and the archive
 * (staging, copies, manifests, quarantine). Errors are returned: -1 with errno
 * or a message, never printed. */
#ifndef STATUSNOTAT_DURABLE_H
#define STATUSNOTAT_DURABLE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "errno_text.h"

/* Opens a delivery for reading. Returns the descriptor, or -1 with errno:
 * ELOOP for a symbolic link, EFTYPE_NOT_REGULAR for anything that is not a
 * regular file (a FIFO, a folder, a device), or the open()'s own errno.
 * *st gets the fstat() of what was opened. */
int durable_open_delivery(const char *path, struct stat *st);

/* Why a delivery could not be opened or read (an errno), in Danish. */
const char *durable_open_failure(int e);

/* What a copy does to the bytes on the way. */
typedef enum { DURABLE_COPY, DURABLE_GZIP, DURABLE_GUNZIP } durable_transform;

typedef struct {
    uint64_t in_bytes, out_bytes;
    char in_sha256[65], out_sha256[65];   /* lower-case hex */
    bool over_limit;                      /* more than `limit` bytes came in */
    bool in_gzip;                         /* what came in starts as gzip (1f 8b) */
} durable_copy_result;

/* Copies what is readable from in_fd (from its current offset to its end)
 * into dst through `t`, durably. With limit > 0, stops once more than `limit`
 * bytes have come in: over_limit is set and nothing is left at dst. Returns 0,
 * or -1 with a message in err (nothing left at dst). */
int durable_copy_fd(int in_fd, const char *dst, durable_transform t, uint64_t limit,
                    durable_copy_result *r, char *err, size_t errlen);

/* The same from a path (opened as a delivery: no links, regular files only). */
int durable_copy(const char *src, const char *dst, durable_transform t, durable_copy_result *r,
                 char *err, size_t errlen);

/* Writes len bytes to path, durably. Returns 0 or -1 with a message. */
int durable_write(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* fsyncs src, renames it to dst and fsyncs dst's folder. 0, or -1 with errno. */
int durable_commit(const char *src, const char *dst);

/* fsync of a folder, so the names in it are on disk. 0, or -1 with errno. */
int durable_sync_dir(const char *dir);

/* mkdir -p. 0, or -1 with a message. */
int durable_mkdirs(const char *path, char *err, size_t errlen);

/* rm -r (never follows a link). 0, or -1 with errno. */
int durable_remove_tree(const char *path);

/* A file the program reads of its own (the state, a manifest, a report, a
 * configuration, the overview's cache): opened as a delivery is — no link
 * followed, no FIFO waited on, a regular file only — and read whole, at most
 * `limit` bytes (EFBIG past it), into *data (malloc'd, NUL-terminated;
 * *len bytes). 0, or -1 with errno. */
#define EFILE_TOO_LARGE EFBIG
int durable_read_file(const char *path, size_t limit, char **data, size_t *len);

/* Whether path is a regular file (not followed if a link); false with errno
 * (ENOENT, ELOOP for a link, EFTYPE_NOT_REGULAR). */
bool durable_is_regular(const char *path);

/* Derived data that is not a regular file any more (a FIFO, a link, a folder
 * in its place): renamed aside to <path>.beskadiget (replacing an older one),
 * so it can be made again and what was there is kept for whoever looks. 0,
 * or -1 with errno. */
int durable_set_aside(const char *path);

/* Test-only, like crashpoint.h: $STATUSNOTAT_TEST_FAULT="op:ENOSPC[:n]" (or
 * EIO) makes the n-th (default the first) durable operation `op` of the
 * process fail with that errno — op one of open, write, fsync, rename, mkdir
 * and sqlite (the state's writes) — and appends "op n path" to the file
 * $STATUSNOTAT_TEST_FAULT_MARK names. Unset, it does nothing. */
bool durable_fault(const char *op, const char *path);

/* The temporary name durable writes use for path: beside it, hidden, and
 * within the file system's name limit whatever path's own name is.
 * buf of at least 4096 bytes; false when path is too long. */
bool durable_temp_name(const char *path, char *buf, size_t size);

#endif
