/* process.h — one file through ingest → normalize → validate.
 *
 * In:  a path and the configuration.
 * Out: a processed_file that owns an arena with everything about the file:
 *      its identity, its findings (sorted by line), and the normalized
 *      document when it got that far. accepted is true when there is no error.
 *
 * Returns -1 only on an internal failure (out of memory); a bad file is a
 * rejected processed_file, not a failure. */
#ifndef STATUSNOTAT_PROCESS_H
#define STATUSNOTAT_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "model.h"

typedef struct {
    arena *arena;
    findings findings;
    source_info source;
    document *doc;          /* NULL when the file never became a document */
    bool accepted;
} processed_file;

int process_file(const char *path, const char *display_name, const config *cfg,
                 processed_file *out);
/* The same for bytes in memory (tests, fuzzing). */
int process_memory(const void *data, size_t size, const char *name, const config *cfg,
                   processed_file *out);
void processed_file_release(processed_file *p);

#endif
