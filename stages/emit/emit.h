/* emit.h — stage 5: a period_report → one XLSX workbook (libxlsxwriter).
 *
 * In:  the rows aggregate made, the configuration, the final path and the
 *      run's recorded time (the document's creation time).
 * Out: the workbook of WORKBOOK.md at `path`: sheets Overblik, Indsatser,
 *      Effekt, Bevilling, Personale, Indikatorer, Validering, Kilder, with
 *      their Excel tables by name; derived tables and totals are formulas over
 *      the Indsatser table that carry their computed values.
 *
 * The file is written to a temporary name in the same folder, flushed to disk
 * and renamed into place: a reader sees the old workbook or the new one,
 * never half of one. The same report, configuration and time give the same
 * bytes.
 *
 * Returns 0, or -1 with a message in err (nothing is left at `path` that was
 * not there before). */
#ifndef STATUSNOTAT_EMIT_H
#define STATUSNOTAT_EMIT_H

#include <stddef.h>
#include <time.h>

#include "aggregate.h"

typedef struct {
    const char *path;
    time_t created;
} emit_options;

int emit_workbook(const period_report *r, const emit_options *o, char *err, size_t errlen);

/* statusredegoerelse-oversigt.xlsx or <KODE>-oversigt.xlsx: the sheet
 * Oversigt with the table Perioder, one row per period in the order given,
 * and a line chart of its Andel column. `scope` is "Alle forvaltninger" or
 * the department's name. Written like a period's workbook. */
int emit_overview(const period_summary *rows, size_t n, const config *cfg, const char *scope,
                  const emit_options *o, char *err, size_t errlen);

#endif
