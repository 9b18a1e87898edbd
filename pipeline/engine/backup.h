/* backup.h — `statusnotat backup`: a copy of an archive that is known good.
 *
 * Under the archive's lock (taken for "backup", waiting up to `wait`
 * seconds for a night to finish; a night in turn waits for a backup,
 * operations.lock_wait_seconds), every file of the archive is copied —
 * regular files only, each fsync'ed, the folders too — but the lock, the
 * staging folders a crash left, and state.sqlite, which is copied with
 * SQLite's online backup API and sealed again. Then the copy is checked the
 * way `verify` checks an archive; a copy with any problem is a failed
 * backup. The copy is an archive of its own: restoring is a backup of the
 * backup (docs/operations.md). The engine prints nothing. */
#ifndef STATUSNOTAT_BACKUP_H
#define STATUSNOTAT_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

typedef struct {
    outcome outcome;             /* outcome.h */
    size_t files;                /* copied */
    uint64_t bytes;
    long problems;               /* verify's, on the copy */
    char err[1024];
} backup_result;

void backup_archive(const char *archive, const char *to, unsigned wait,
                    void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                    backup_result *res);

#endif
