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

/* One initiative of a period's Indsatser table as the overview's Data sheet
 * shows it (WORKBOOK.md, "Data across periods"): the texts are the cells
 * of that period's Indsatser row. */
typedef struct {
    sn_period period;
    int department;              /* index into config.departments */
    const char *id, *title, *theme, *status, *effect, *source;
    bool effect_derived;
    int latest_year;             /* the period's latest budget year; 0 when nothing is granted */
    double amount;               /* its amount that year; 0 where none */
    bool limited;                /* the effect is a limited-effect category */
} overview_initiative;

/* One rejected delivery (WORKBOOK.md, "Rejected deliveries"). */
typedef struct {
    size_t seq;                  /* arrival order */
    const char *file;
    const char *received;        /* ISO UTC ("2008-12-10T02:00:00Z"), or NULL */
    const char *run;             /* the run's id, or NULL (a run without an archive) */
    int department;              /* -1 where unknown */
    bool has_period;
    sn_period period;
    const char *code, *message;  /* its first fejl */
} overview_rejection;

/* What the overview shows besides one row per period: the initiatives, told
 * one at a time in order by next() (1 for a row, 0 at the end, -1 with a
 * message in err when they cannot be read), and the rejected deliveries in
 * the order received (past cfg->max_sheet_rows, `rejections_omitted` more
 * are summed up in one row). */
typedef struct {
    int (*next_initiative)(void *ctx, overview_initiative *out, char *err, size_t errlen);
    void *ctx;
    size_t n_initiatives;        /* how many next() tells */
    const overview_rejection *rejections;
    size_t n_rejections, rejections_omitted;
} overview_data;

/* statusredegoerelse-oversigt.xlsx or <KODE>-oversigt.xlsx: the sheet
 * Oversigt with the table Perioder, one row per period in the order given,
 * and a line chart of its Andel column; the sheet Data with the table
 * AlleIndsatser and the sheet Afviste with the table Afviste, each written
 * row by row to disk as it is told (their memory does not grow with the
 * archive). `scope` is "Alle forvaltninger" or the department's name.
 * Written like a period's workbook. */
int emit_overview(const period_summary *rows, size_t n, const overview_data *data,
                  const config *cfg, const char *scope, const emit_options *o, char *err,
                  size_t errlen);

#endif
