/* build.h — the workbooks of one period from the ledger.
 *
 * In:  the ledger, a period, the output folder, the run's recorded time.
 * Out: statusredegoerelse-<period>.xlsx with every department, and one
 *      <CODE>-<period>.xlsx per department that sent anything for the period,
 *      each written atomically (emit.h); and the period's rows for the
 *      overview across periods (overview.h). The period's documents are loaded
 *      once, used for every workbook of the period, and freed before the next
 *      period: memory is bounded by one period.
 *
 * A source whose period is unknown (a file that is not XML, say) belongs to
 * no period's workbook: the night reports it, and its quarantine reasons file
 * says why (so it costs the same whatever the number of periods). */
#ifndef STATUSNOTAT_BUILD_H
#define STATUSNOTAT_BUILD_H

#include <stddef.h>
#include <time.h>

/* The machine's cores: the default number of jobs. */
unsigned build_default_jobs(void);

#include "aggregate.h"
#include "ledger.h"
#include "strbuf.h"

typedef struct {
    const char *out_dir;
    time_t created;
    /* Called after each workbook is in place (may be NULL); with jobs > 1,
     * in the calling thread, in period order, once the period is finished. */
    void (*on_written)(void *ctx, const char *path);
    void *ctx;
    unsigned jobs;               /* build_periods: threads writing workbooks (0 or 1: this one) */
    /* Called with the overview rows of each period built (may be NULL), as
     * text (overview_rows.h), once the period's workbooks are all in place;
     * with jobs > 1 like on_written. */
    void (*on_rows)(void *ctx, sn_period period, const char *rows, size_t len);
    void *rows_ctx;
    /* Called for each workbook that could not be written (may be NULL),
     * with its path and why; like on_written, then done() with the first
     * error. A workbook that fails costs only itself: the others of the
     * period are written. */
    void (*on_failed)(void *ctx, const char *path, const char *error);
    /* Which workbooks to write (NULL: all), by file name
     * ("KFF-2008-H2.xlsx", "statusredegoerelse-oversigt.xlsx"). The others
     * are neither written nor told; a period's overview rows are told only
     * when every workbook of it is wanted. */
    bool (*want)(void *ctx, const char *file);
    void *want_ctx;
} build_options;

/* The period's overview rows without writing anything (overview_rows.h),
 * appended to rows. 0, or -1 with a message. */
int build_summarize(ledger *l, const config *cfg, sn_period period, strbuf *rows, char *err,
                    size_t errlen);

/* Builds each of the periods (only `only` when it is not NULL): a period
 * whose workbooks cannot be written is reported to done() with its cause, and
 * the others go on. done() gets error NULL for a period written. Returns the
 * number of periods that failed. Both run modes (with and without an
 * archive) and reruns build through this.
 *
 * With o->jobs > 1 the workbooks are written by that many threads, each
 * with its own libxlsxwriter workbook: the periods' reports are made one
 * period at a time, in order (the next while the threads write the one
 * before; at most two periods' reports at once), and each workbook is a
 * piece of work of its own, the municipality's (the largest) first. The
 * callbacks are called here, in this thread, in period order and in the
 * order a single job calls them, as each period is finished — so everything
 * the caller records is the same for every number of jobs, and so are the
 * workbooks' bytes. */
size_t build_periods(ledger *l, const config *cfg, const sn_period *periods, size_t n,
                     const sn_period *only, const build_options *o,
                     void (*done)(void *ctx, sn_period period, const char *out_dir, const char *error),
                     void *ctx);

#endif
