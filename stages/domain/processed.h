/* processed.h — the record of one delivered file after the input stages
 * (ingest → normalize → validate): its identity, its findings (sorted by
 * line), and the normalized document when it got that far, all in one arena
 * the record owns. accepted is true when there is no error. Made by the
 * engine's process.h, kept by the ledger. */
#ifndef STATUSNOTAT_PROCESSED_H
#define STATUSNOTAT_PROCESSED_H

#include <stdbool.h>

#include "finding.h"
#include "model.h"
#include "source.h"

typedef struct {
    arena *arena;
    findings findings;
    source_info source;
    document *doc;          /* NULL when the file never became a document */
    bool accepted;
} processed_file;

/* Frees the record's arena and zeroes it. */
void processed_file_release(processed_file *p);

#endif
