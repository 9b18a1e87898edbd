/* overview.h — the workbooks across periods (WORKBOOK.md, "Across all
 * periods"): statusredegoerelse-oversigt.xlsx and one <KODE>-oversigt.xlsx
 * per department that ever sent anything, each with Oversigt (a row per
 * period), Data (a row per initiative of every period) and Afviste (every
 * rejected delivery).
 *
 * In:  the ledger (which periods exist, their sources, the entries without a
 *      period), the rows of the periods this run built (build_options.on_rows
 *      → overview_add_rows, as text: overview_rows.h), and optionally a cache
 *      of the rows of periods built before.
 * Out: the workbooks; the cache again.
 *
 * A period's rows depend only on the period's own sources, the configuration
 * and the program: the cache (ARCHIVE/oversigt.tsv) keeps each period's rows
 * — its Perioder rows, its initiatives, its rejected deliveries — as one
 * block under a SHA-256 of exactly those (the sources by their digest,
 * ledger_period_digests), so a night aggregates only the periods it built,
 * and a row can never be stale: a block whose key no longer matches is
 * simply not used. A period neither built nor cached is aggregated here. The
 * rejected deliveries without a period belong to no period: they are read
 * from the ledger (its source, the state) every time. Reruns use no cache:
 * they aggregate every period from the archive as it stood, and so check the
 * night's overview against the archive.
 *
 * Memory does not follow the archive: the built periods' rows wait in a
 * temporary file, the new cache is written block by block as it is made, and
 * the Data sheets are streamed from it. */
#ifndef STATUSNOTAT_OVERVIEW_H
#define STATUSNOTAT_OVERVIEW_H

#include <stddef.h>
#include <time.h>

#include "aggregate.h"
#include "build.h"
#include "ledger.h"

typedef struct overview overview;

/* cache_path: NULL for none. config_sha256: the run's configuration (part of
 * each period's key). NULL when out of memory. */
overview *overview_new(ledger *l, const config *cfg, const char *cache_path,
                       const char *config_sha256);
void overview_free(overview *ov);

/* The periods present and each one's digest (ledger_period_digests), when
 * the ledger does not hold the whole archive (state_period_digests); the
 * overview takes the array over. Without it they come from the ledger. */
void overview_set_periods(overview *ov, period_digest *periods, size_t n);

/* The archive the overview is of (the runs' ids for Afviste's Kørsel) and
 * the id of the run being made, whose runs/<id> may not be listed yet. */
void overview_set_archive(overview *ov, const char *archive, const char *run_id);

/* build_options.on_rows: the rows of a period this run built. */
void overview_add_rows(void *ov, sn_period period, const char *rows, size_t len);

/* Writes the overviews into o->out_dir with o->created (each atomically,
 * like a period's workbook), then the cache. Of build_options it uses
 * out_dir, created, on_written, on_failed, want (by file name) and ctx: an
 * overview that fails is told to on_failed and the others are still
 * written. 0, or -1 with the first failure's message (a cache that cannot be
 * written is not an error: the next night aggregates again). */
int overview_write(overview *ov, const build_options *o, char *err, size_t errlen);

/* Why overview_write could not write the cache (NULL: it could): derived
 * data, said as a warning. */
const char *overview_cache_error(const overview *ov);

/* The file names of the overviews the ledger's periods give (the
 * municipality's, and one per department with rows), whether or not they
 * are written: each() per name. Needs the rows (after overview_write). */
void overview_files(const overview *ov, void (*each)(void *ctx, const char *file), void *ctx);

/* `statusnotat verify`: every block of the cache under a key that a period
 * of the ledger has now — its Perioder rows, its initiatives (AlleIndsatser)
 * and its rejected deliveries (Afviste) — is aggregated again from the
 * archive and compared byte for byte (blocks under other keys are never
 * used). The number of differing periods, each told to problem(), or -1
 * with a message. */
long overview_verify_cache(ledger *l, const config *cfg, const char *cache_path,
                           const char *config_sha256,
                           void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                           char *err, size_t errlen);

/* ARCHIVE/oversigt.tsv. */
void overview_cache_path(const char *archive, char *buf, size_t size);

#endif
