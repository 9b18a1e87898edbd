/* emit_parts.h — what the files of the emit stage share: the emitter (one
 * workbook being written), a sheet being written, the cell formats, the
 * tables' places, and the helpers each sheet's file calls. Private to
 * stages/emit; the stage's callers see emit.h only. */
#ifndef STATUSNOTAT_EMIT_PARTS_H
#define STATUSNOTAT_EMIT_PARTS_H

#include "emit.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "durable.h"
#include "library_messages.h"
#include "text.h"
#include "version.h"

/* Column widths in Excel's units (characters of the default font). A text
 * longer than WRAP_WIDTH wraps inside its cell instead of being cut off by
 * the next one. A4 landscape holds about PAGE_WIDTH units at 100 %; a sheet
 * printed narrower than MIN_SCALE goes across pages instead. */
enum { MAX_COLS = 64, MAX_WIDTH = 40, WRAP_WIDTH = 40 };
#define PAGE_WIDTH 105.0
#define MIN_SCALE 0.65

typedef struct {
    lxw_format *header, *header_number, *wrap, *kroner, *count, *number, *pct, *date, *year,
        *total_label, *total_kroner, *total_count, *total_pct, *title, *subtitle, *section,
        *label, *big_kroner, *big_pct, *flag_count, *note;
} formats;

/* Where a table stands on its sheet (0-based rows): its header row, its
 * data rows and the row under it (the total). */
typedef struct {
    lxw_row_t header;
    lxw_row_t first, last;       /* data rows; one empty row when there is no data */
    lxw_row_t total;
} table_place;

/* Every table's place, decided once from the report before anything is
 * written: the sheet writers put their tables there, and the charts on
 * Overblik read their ranges from here. Cell formulas on other sheets use
 * the tables' structured references and need no place at all. */
typedef struct {
    table_place udvikling, effect_bevilling, effect_forvaltning, bevillingsprofil, bevilling_tema,
        personale;
} workbook_layout;

typedef struct {
    lxw_workbook *wb;
    const period_report *r;
    const config *cfg;
    arena *a;                 /* formulas and headers for this workbook */
    formats f;
    lxw_error error;          /* the first error; later writes are skipped */
    char detail[128];         /* what was being written when it happened */
    char library[512];        /* what libxlsxwriter said (library_messages.h) */
    workbook_layout layout;   /* where every table stands, decided once (plan_layout) */
} emitter;

typedef struct {
    emitter *e;
    lxw_worksheet *ws;
    const char *name;
    double width[MAX_COLS];
    lxw_row_t tall_row;          /* the last row given a height for wrapped text */
    unsigned tall_lines;         /* its lines */
    unsigned tall_rows;          /* Overblik: rows of two lines (their height, for the page plan) */
} sheet;

/* A chart's size and place on its sheet (libxlsxwriter's 480 x 288 pixels
 * scaled, offsets in pixels from the cell it is anchored to). */
#define CHART_X_SCALE 1.3   /* 634 pixels with its offset: within Overblik's columns A–C (659) */
#define CHART_Y_SCALE 1.1
#define CHART_X_OFFSET 10
#define CHART_Y_OFFSET 4


/* Excel's last row is 1 048 576; every table has a header row and a total or
 * note row under it, and some sheets a title line above. */
#define SHEET_MAX_DATA_ROWS (SHEET_ROWS_MAX - 4u)

/* clock.c: libxlsxwriter asks gmtime() for the time it writes into
 * docProps/core.xml; while pinned, this thread's answer is `created`. */
void emit_clock_pin(time_t created);
void emit_clock_unpin(void);

/* layout.c */
workbook_layout emit_plan_layout(const period_report *r);
table_place emit_place_table(lxw_row_t header, size_t n);

/* cells.c */
void emit_put_formula(sheet *s, lxw_row_t row, lxw_col_t col, const char *formula, double value,
                        lxw_format *fmt);
sheet emit_new_sheet(emitter *e, const char *name);
void emit_put_subtotal(sheet *s, lxw_row_t row, lxw_col_t col, const char *table,
                         const char *column, double value, lxw_format *fmt);
const char *emit_cell_name(emitter *e, lxw_row_t row, lxw_col_t col);
void emit_put_string(sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *fmt);
void emit_put_date(sheet *s, lxw_row_t row, lxw_col_t col, const sn_date *d);
void emit_finish_sheet(sheet *s, size_t n_cols, bool freeze);
void emit_check(emitter *e, lxw_error err, const char *what);
const char *emit_col_name(emitter *e, lxw_col_t col);
void emit_put_banner(sheet *s, lxw_row_t row, const char *text, lxw_format *fmt);
lxw_row_t emit_add_table(sheet *s, const char *name, lxw_row_t first_row, size_t n_rows,
                           const char *const *headers, size_t n_cols, uint64_t numbers);
const char *emit_year_header(emitter *e, size_t y);
void emit_put_number(sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *fmt);
const char *emit_format_text(emitter *e, const char *fmt, ...);
const char *emit_quoted(emitter *e, const char *text);
void emit_put_note(sheet *s, lxw_row_t row, lxw_col_t n_cols, const char *text);

/* formats.c */
void emit_make_formats(emitter *e);

/* indsatser.c */
void emit_sheet_indsatser(emitter *e);

/* udvikling.c */
void emit_sheet_udvikling(emitter *e);

/* effekt.c */
void emit_sheet_effekt(emitter *e);

/* bevilling.c */
void emit_sheet_bevilling(emitter *e);

/* personale.c */
void emit_sheet_personale(emitter *e);

/* indikatorer.c */
void emit_sheet_indikatorer(emitter *e);

/* validering.c */
void emit_sheet_validering(emitter *e);

/* kilder.c */
void emit_sheet_kilder(emitter *e);

/* overblik.c */
const char *emit_limited_labels(emitter *e);
void emit_overview_chart(emitter *e, lxw_worksheet *ws, lxw_row_t at, uint8_t type,
                           const char *title, const char *description, const char *categories,
                           const char *const *values, const char *const *names, size_t n_series,
                           const char *num_format, const bool *limited, size_t n_points);
/* "12.400.000" (buf of 40). */
const char *emit_kroner_text(emitter *e, double kroner);
/* "34 %" */
const char *emit_percent_text(emitter *e, double fraction);
void emit_sheet_overblik(emitter *e);

/* workbook.c */
/* Whether a table of `rows` data rows fits its sheet; else false with a
 * message naming the sheet. */
bool emit_fits_sheet(const char *sheet_name, size_t rows, char *err, size_t errlen);
int emit_close_workbook(emitter *e, const char *path, const char *tmp, char *err, size_t errlen);
int emit_open_workbook(emitter *e, const char *path, char tmp[4096], const char *title,
                         time_t created, char *err, size_t errlen);

#endif
