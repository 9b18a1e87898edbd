/* process.h — one file through ingest → normalize → validate.
 *
 * In:  a path and the configuration.
 * Out: a processed_file that owns an arena with everything about the file:
 *      its identity, its findings (sorted by line), and the normalized
 *      document when it got that far. accepted is true when there is no error.
 *
 * Returns -1 only on an internal failure (out of memory); a bad file is a
 * rejected processed_file, not a failure. Each file is processed on its own
 * (its arena, its libxml2 reader), so files may be processed in threads:
 * process_in_order. */
#ifndef STATUSNOTAT_PROCESS_H
#define STATUSNOTAT_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "processed.h"

int process_file(const char *path, const char *display_name, const config *cfg,
                 processed_file *out);
/* The same for bytes in memory (tests, fuzzing). */
int process_memory(const void *data, size_t size, const char *name, const config *cfg,
                   processed_file *out);
/* One file of many: where it is read, what it is called, the configuration
 * it is read with. */
typedef struct {
    const char *path, *name;
    const config *cfg;
} process_job;

/* Many files, processed by `threads` threads and handed to take() one by
 * one in their order, in the calling thread. take() owns the result (it
 * releases it, or keeps it and leaves it zeroed) and returns false to stop
 * early. At most 2 × threads results wait for take() at once, so memory
 * follows the threads, not the number of files. With threads ≤ 1 every file
 * is processed here, in turn. Returns 0 when every file was taken, 1 when
 * take() stopped, -1 on an internal failure (out of memory). */
int process_in_order(const process_job *files, size_t n, unsigned threads,
                     bool (*take)(void *ctx, size_t i, processed_file *p), void *ctx);

#endif
