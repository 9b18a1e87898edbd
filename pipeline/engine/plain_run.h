/* plain_run.h — the run without an archive (statusnotat run --inbox --out):
 * every delivery in the inbox through the input stages, in the byte order of
 * their names, admitted into a ledger of this run alone; then the workbooks
 * of every period present and the overviews across them. The inbox is only
 * read: each delivery is copied into a private folder as it is read, and
 * only the copy is parsed. Nothing here prints: what happens is told through
 * plain_run_events, how it ended in plain_run_result. */
#ifndef STATUSNOTAT_PLAIN_RUN_H
#define STATUSNOTAT_PLAIN_RUN_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "outcome.h"
#include "source.h"
#include "values.h"

typedef struct {
    const char *inbox, *out;
    const config *cfg;
    time_t created;              /* the workbooks' creation time */
    unsigned jobs;               /* threads reading files and writing workbooks */
} plain_run_options;

/* Every callback may be NULL. */
typedef struct {
    void *ctx;
    /* A document admitted as rejected: its findings say why. */
    void (*rejected)(void *ctx, const source_row *row);
    /* A workbook written. */
    void (*written)(void *ctx, const char *path);
    /* A period whose workbooks could not be written, and why. */
    void (*period_failed)(void *ctx, sn_period period, const char *out_dir, const char *error);
    /* The overviews across the periods could not be written, and why. */
    void (*overview_failed)(void *ctx, const char *error);
} plain_run_events;

typedef struct {
    outcome outcome;             /* 0, 1 (rejections), 2 (no such inbox) or 4 */
    size_t n_files;
    size_t counts[4];            /* by source_status */
    size_t written;              /* workbooks */
    char err[1024];              /* why, for 2 and for a 4 that is not a workbook's */
} plain_run_result;

void plain_run(const plain_run_options *o, const plain_run_events *ev, plain_run_result *res);

#endif
