/* emit.c — the workbook of WORKBOOK.md from a period_report (libxlsxwriter);
 * see emit.h. One function per sheet; the helpers at the top write one cell
 * each, remember the widest text per column, and keep the first library
 * error. */
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

/* libxlsxwriter 1.1.4 formats a workbook's creation time (docProps/core.xml)
 * with gmtime(), whose result lives in one buffer for the whole process; two
 * threads closing workbooks at once (build.c's --jobs) would share it. This
 * definition takes the place of the C library's for the whole program, with
 * one buffer per thread — what POSIX allows gmtime() to be. While a workbook
 * is being written it gives the workbook's creation time whatever it is
 * asked: libxlsxwriter takes a creation time of 0 (1970-01-01) for "now" and
 * asks for the clock instead, which would make such a workbook's bytes
 * differ from run to run. It never returns NULL (the library would crash on
 * it). The program's own code uses gmtime_r. */
static _Thread_local bool pinned;
static _Thread_local time_t pinned_time;

struct tm *gmtime(const time_t *t)
{
    static _Thread_local struct tm result;
    time_t when = pinned ? pinned_time : *t, zero = 0;
    if (!gmtime_r(&when, &result))
        gmtime_r(&zero, &result);
    return &result;
}

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

/* A table of n rows with its header at `header`. */
static table_place place_table(lxw_row_t header, size_t n)
{
    table_place t = {.header = header, .first = header + 1};
    t.last = header + (lxw_row_t)(n ? n : 1);
    t.total = t.last + 1;
    return t;
}

static workbook_layout plan_layout(const period_report *r)
{
    workbook_layout l;
    l.effect_bevilling = place_table(0, r->n_effects);
    l.effect_forvaltning = place_table(l.effect_bevilling.total + 3, r->n_effect_departments);
    l.bevillingsprofil = place_table(0, r->n_budget);
    l.bevilling_tema = place_table(l.bevillingsprofil.total + 2, r->n_themes);
    l.personale = place_table(0, r->n_staff);
    l.udvikling = place_table(2, r->n_changes);   /* under its title line */
    return l;
}

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
} sheet;

static void check(emitter *e, lxw_error err, const char *what)
{
    if (err != LXW_NO_ERROR && e->error == LXW_NO_ERROR) {
        e->error = err;
        snprintf(e->detail, sizeof e->detail, "%s", what);
    }
}

static void note_width(sheet *s, lxw_col_t col, double chars)
{
    if (col < MAX_COLS && chars > s->width[col])
        s->width[col] = chars;
}

/* Display width of a whole number with thousands separators. */
static double number_chars(double v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.0f", v < 0 ? -v : v);
    return n + (n - 1) / 3 + (v < 0) + 1;
}

/* The one place a text is made safe for a cell: control characters and
 * invalid UTF-8 out, cut to what a cell holds. NULL when out of memory (and
 * the sheet knows it). */
static const char *cell_safe(sheet *s, const char *text)
{
    const char *safe = text_cell(s->e->a, text, NULL);
    if (!safe)
        check(s->e, LXW_ERROR_MEMORY_MALLOC_FAILED, s->name);
    return safe;
}

/* The width a column is given (finish_sheet): what its cells need, within
 * bounds. */
static double column_width(const sheet *s, lxw_col_t c)
{
    double w = c < MAX_COLS ? s->width[c] : 0;
    return w < 8 ? 8 : w > MAX_WIDTH ? MAX_WIDTH : w;
}

static void put_string(sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *fmt)
{
    if (!text || !(text = cell_safe(s, text)))
        return;
    double chars = (double)text_utf8_length(text) + 1;
    if (!fmt && chars > WRAP_WIDTH) {
        /* Long titles and messages wrap, never cut; the row is made tall
         * enough (not every viewer fits rows to wrapped text by itself). */
        fmt = s->e->f.wrap;
        /* a character is about 0.85 of a width unit in the default font */
        unsigned lines = (unsigned)(chars * 0.85 / (WRAP_WIDTH - 1)) + 1;
        if (lines > 20)
            lines = 20;
        if (s->tall_row != row || lines > s->tall_lines) {
            s->tall_row = row;
            s->tall_lines = lines;
            check(s->e, worksheet_set_row(s->ws, row, 15.0 * lines, NULL), s->name);
        }
    }
    check(s->e, worksheet_write_string(s->ws, row, col, text, fmt), s->name);
    note_width(s, col, chars);
}

/* A title line in column A that may run over the empty cells beside it: it
 * does not set the column's width. */
static void put_banner(sheet *s, lxw_row_t row, const char *text, lxw_format *fmt)
{
    if (!(text = cell_safe(s, text)))
        return;
    check(s->e, worksheet_write_string(s->ws, row, 0, text, fmt), s->name);
}

/* A note over the first n_cols columns, wrapped within them (a text that ran
 * over the cells beside it would widen the printed page), in a row tall
 * enough for it. Written after the row's columns have their widths. */
static void put_note(sheet *s, lxw_row_t row, lxw_col_t n_cols, const char *text)
{
    if (!(text = cell_safe(s, text)))
        return;
    double width = 0;
    for (lxw_col_t c = 0; c < n_cols; c++)
        width += column_width(s, c);
    unsigned lines = (unsigned)((double)text_utf8_length(text) * 0.85 / (width - 2)) + 1;
    check(s->e, worksheet_merge_range(s->ws, row, 0, row, n_cols - 1, text, s->e->f.wrap), s->name);
    check(s->e, worksheet_set_row(s->ws, row, 15.0 * (lines > 5 ? 5 : lines), NULL), s->name);
}

static void put_number(sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *fmt)
{
    check(s->e, worksheet_write_number(s->ws, row, col, v, fmt), s->name);
    note_width(s, col, number_chars(v) + 2);
}

static void put_formula(sheet *s, lxw_row_t row, lxw_col_t col, const char *formula, double value,
                        lxw_format *fmt)
{
    check(s->e, worksheet_write_formula_num(s->ws, row, col, formula, fmt, value), s->name);
    note_width(s, col, number_chars(value) + 2);
}

static void put_date(sheet *s, lxw_row_t row, lxw_col_t col, const sn_date *d)
{
    put_number(s, row, col, date_excel_serial(d), s->e->f.date);
    note_width(s, col, 12);
}

/* Text built with printf — a formula, a label, a title — kept in the
 * workbook's arena. */
__attribute__((format(printf, 2, 3)))
static const char *format_text(emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *f = arena_vprintf(e->a, fmt, ap);
    va_end(ap);
    if (!f)
        check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "formula");
    return f ? f : "=0";
}

static const char *cell_name(emitter *e, lxw_row_t row, lxw_col_t col)
{
    char buf[32];
    lxw_rowcol_to_cell(buf, row, col);
    return format_text(e, "%s", buf);
}

static const char *col_name(emitter *e, lxw_col_t col)
{
    char buf[16];
    lxw_col_to_name(buf, col, 0);
    return format_text(e, "%s", buf);
}

/* Adds an Excel table with the given headers at first_row; returns the first
 * row below it. A table holds at least one (empty) data row. */
/* A table with its header row; the headers of the columns in `numbers` (a
 * bit per column) stand right-aligned over their numbers. */
static lxw_row_t add_table(sheet *s, const char *name, lxw_row_t first_row, size_t n_rows,
                           const char *const *headers, size_t n_cols, uint64_t numbers)
{
    lxw_table_column columns[MAX_COLS];
    lxw_table_column *pointers[MAX_COLS + 1];
    for (size_t i = 0; i < n_cols && i < MAX_COLS; i++) {
        columns[i] = (lxw_table_column){
            .header = (char *)headers[i],
            .header_format = numbers >> i & 1 ? s->e->f.header_number : s->e->f.header};
        pointers[i] = &columns[i];
        note_width(s, (lxw_col_t)i, (double)text_utf8_length(headers[i]) + 3);
    }
    pointers[n_cols < MAX_COLS ? n_cols : MAX_COLS] = NULL;
    lxw_table_options options = {.name = (char *)name,
                                 .style_type = LXW_TABLE_STYLE_TYPE_MEDIUM,
                                 .style_type_number = 2,
                                 .columns = pointers};
    lxw_row_t last = first_row + (lxw_row_t)(n_rows ? n_rows : 1);
    check(s->e, worksheet_add_table(s->ws, first_row, 0, last, (lxw_col_t)(n_cols - 1), &options),
          name);
    return last + 1;
}

/* "I alt" under a table: SUBTOTAL(109, Table[Column]) for each column listed. */
static void put_subtotal(sheet *s, lxw_row_t row, lxw_col_t col, const char *table,
                         const char *column, double value, lxw_format *fmt)
{
    put_formula(s, row, col, format_text(s->e, "=SUBTOTAL(109,%s[%s])", table, column), value, fmt);
}

/* Widths, and the print set-up: A4 landscape, one page wide when that keeps
 * the text at MIN_SCALE or more, else across pages at MIN_SCALE with the
 * header row and the first column on every page. */
static void finish_sheet(sheet *s, size_t n_cols, bool freeze)
{
    double total = 0;
    for (size_t c = 0; c < n_cols && c < MAX_COLS; c++) {
        double w = column_width(s, (lxw_col_t)c);
        total += w + 0.7;   /* the cell padding */
        check(s->e, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL), s->name);
    }
    if (freeze)
        worksheet_freeze_panes(s->ws, 1, 0);
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9);   /* A4 */
    if (total * MIN_SCALE <= PAGE_WIDTH) {
        worksheet_fit_to_pages(s->ws, 1, 0);
    } else {
        worksheet_set_print_scale(s->ws, (uint16_t)(MIN_SCALE * 100));
        check(s->e, worksheet_repeat_columns(s->ws, 0, 0), s->name);
    }
    if (freeze)
        check(s->e, worksheet_repeat_rows(s->ws, 0, 0), s->name);
    check(s->e, worksheet_set_footer(s->ws, "&L&A&R&P / &N"), s->name);
}

static sheet new_sheet(emitter *e, const char *name)
{
    sheet s = {.e = e, .name = name};
    s.ws = workbook_add_worksheet(e->wb, name);
    if (!s.ws)
        check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, name);
    return s;
}

/* A text as a formula's string literal: "…" with " doubled. */
static const char *quoted(emitter *e, const char *text)
{
    size_t n = 3;
    for (const char *p = text; *p; p++)
        n += *p == '"' ? 2 : 1;
    char *q = arena_alloc(e->a, n), *w = q;
    if (!q) {
        check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "formula");
        return "\"\"";
    }
    *w++ = '"';
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            *w++ = '"';
        *w++ = *p;
    }
    *w++ = '"';
    *w = '\0';
    return q;
}

static const char *year_header(emitter *e, size_t y)
{
    return format_text(e, "Bevilling %d", e->cfg->budget_years[y]);
}

/* ---- Indsatser ------------------------------------------------------------ */

static void sheet_indsatser(emitter *e)
{
    const period_report *r = e->r;
    size_t n_years = e->cfg->n_budget_years;
    sheet s = new_sheet(e, "Indsatser");
    if (!s.ws)
        return;
    const char *headers[MAX_COLS] = {"Forvaltning", "Indsats-id", "Titel", "Tema", "Status",
                                     "Effekt", "Effekt udledt", "Anbefaling"};
    size_t n_cols = 8;
    for (size_t y = 0; y < n_years; y++)
        headers[n_cols++] = year_header(e, y);
    headers[n_cols++] = "Kilde";
    /* the Bevilling columns are numbers: 8 .. 8 + years - 1 */
    lxw_row_t total_row = add_table(&s, "Indsatser", 0, r->n_indsatser, headers, n_cols,
                                    ((1ull << n_years) - 1) << 8);
    for (size_t i = 0; i < r->n_indsatser && e->error == LXW_NO_ERROR; i++) {
        const indsats_row *x = &r->indsatser[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        put_string(&s, row, 0, x->department, NULL);
        put_string(&s, row, 1, x->id, NULL);
        put_string(&s, row, 2, x->title, NULL);
        put_string(&s, row, 3, x->theme, NULL);
        put_string(&s, row, 4, x->status, NULL);
        put_string(&s, row, 5, x->effect, NULL);
        put_string(&s, row, 6, x->effect_derived ? "Ja" : "Nej", NULL);
        put_string(&s, row, 7, x->anbefaling, NULL);
        for (size_t y = 0; y < n_years; y++) {
            if (x->bevilling.has[y])
                put_number(&s, row, (lxw_col_t)(8 + y), (double)x->bevilling.kroner[y], e->f.kroner);
        }
        put_string(&s, row, (lxw_col_t)(8 + n_years), x->source, NULL);
    }
    put_string(&s, total_row, 0, "I alt", e->f.total_label);
    for (size_t y = 0; y < n_years; y++)
        put_subtotal(&s, total_row, (lxw_col_t)(8 + y), "Indsatser", headers[8 + y],
                     r->budget[y].granted, e->f.total_kroner);
    finish_sheet(&s, n_cols, true);
}

/* ---- Udvikling ------------------------------------------------------------- */

/* What changed since the half year before: one row per initiative in either
 * (departments that reported in both), Forskel as a formula. */
static void sheet_udvikling(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    sheet s = new_sheet(e, "Udvikling");
    if (!s.ws)
        return;
    char now[24], before[24];
    sn_period previous = period_previous(r->period);
    period_spoken(&r->period, now);
    period_spoken(&previous, before);
    const char *title;
    if (!r->has_previous) {
        title = format_text(e, "Udvikling: der er ingen statusnotater for %s, så der er intet at "
                               "sammenligne %s med", before, now);
    } else {
        const char *compared = "", *missing = "";
        for (size_t d = 0; d < c->departments.n; d++) {
            bool in_scope = r->department < 0 || r->department == (int)d;
            if (!in_scope)
                continue;
            if (r->compared[d])
                compared = format_text(e, "%s%s%s", compared, compared[0] ? ", " : "",
                                       c->departments.items[d].code);
            else
                missing = format_text(e, "%s%s%s", missing, missing[0] ? ", " : "",
                                      c->departments.items[d].code);
        }
        title = format_text(e, "Udvikling fra %s til %s · sammenlignet: %s%s%s", before, now,
                            compared[0] ? compared : "ingen",
                            missing[0] ? " · ikke med (ingen statusnotat i begge halvår): " : "",
                            missing);
    }
    put_string(&s, 0, 0, title, e->f.section);
    /* Bevilling før / nu: this half year's latest budget year, on both sides. */
    static const char *const headers[] = {"Forvaltning", "Indsats-id", "Titel", "Ændring",
                                          "Effekt før", "Effekt nu", "Status før", "Status nu",
                                          "Bevilling før", "Bevilling nu", "Forskel"};
    const table_place *place = &e->layout.udvikling;
    add_table(&s, "Udvikling", place->header, r->n_changes, headers, 11, 0x7ull << 8);
    for (size_t i = 0; i < r->n_changes && e->error == LXW_NO_ERROR; i++) {
        const change_row *x = &r->changes[i];
        lxw_row_t row = place->first + (lxw_row_t)i;
        put_string(&s, row, 0, c->departments.items[x->department].label, NULL);
        put_string(&s, row, 1, x->id, NULL);
        put_string(&s, row, 2, x->title, NULL);
        put_string(&s, row, 3, change_label(x->change), NULL);
        if (x->effect_before >= 0)
            put_string(&s, row, 4, c->effects.items[x->effect_before].label, NULL);
        if (x->effect_now >= 0)
            put_string(&s, row, 5, c->effects.items[x->effect_now].label, NULL);
        if (x->status_before >= 0)
            put_string(&s, row, 6, c->statuses.items[x->status_before].label, NULL);
        if (x->status_now >= 0)
            put_string(&s, row, 7, c->statuses.items[x->status_now].label, NULL);
        if (x->has_before)
            put_number(&s, row, 8, x->before, e->f.kroner);
        if (x->has_now)
            put_number(&s, row, 9, x->now, e->f.kroner);
        put_formula(&s, row, 10, format_text(e, "=J%u-I%u", row + 1, row + 1), x->now - x->before,
                    e->f.kroner);
    }
    finish_sheet(&s, 11, false);
    worksheet_freeze_panes(s.ws, place->first, 0);
    check(e, worksheet_repeat_rows(s.ws, place->header, place->header), "Udvikling");
}

/* ---- Effekt --------------------------------------------------------------- */

static void sheet_effekt(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    size_t n_years = c->n_budget_years;
    sheet s = new_sheet(e, "Effekt");
    if (!s.ws)
        return;

    /* EffektBevilling: sums over Indsatser by effect. */
    const char *headers[MAX_COLS] = {"Effekt", "Antal indsatser"};
    size_t n_cols = 2;
    for (size_t y = 0; y < n_years; y++)
        headers[n_cols++] = year_header(e, y);
    headers[n_cols++] = "Andel seneste år";
    const table_place *place = &e->layout.effect_bevilling;
    lxw_row_t total_row = add_table(&s, "EffektBevilling", place->header, r->n_effects, headers,
                                    n_cols, ~1ull);
    int latest = r->latest_year_index;
    lxw_col_t share_col = (lxw_col_t)(2 + n_years);
    const char *latest_col = latest >= 0 ? col_name(e, (lxw_col_t)(2 + latest)) : NULL;
    for (size_t i = 0; i < r->n_effects; i++) {
        const effect_row *x = &r->effects[i];
        lxw_row_t row = place->first + (lxw_row_t)i;
        const char *label = c->effects.items[x->effect].label;
        const char *a = cell_name(e, row, 0);
        put_string(&s, row, 0, label, NULL);
        put_formula(&s, row, 1, format_text(e, "=COUNTIFS(Indsatser[Effekt],%s)", a), (double)x->count,
                    e->f.count);
        for (size_t y = 0; y < n_years; y++)
            put_formula(&s, row, (lxw_col_t)(2 + y),
                        format_text(e, "=SUMIFS(Indsatser[%s],Indsatser[Effekt],%s)", headers[2 + y], a),
                        (double)x->bevilling.kroner[y], e->f.kroner);
        if (latest >= 0) {
            double share = r->latest_total ? (double)x->bevilling.kroner[latest] / (double)r->latest_total
                                           : 0;
            put_formula(&s, row, share_col,
                        format_text(e, "=IF(%s$%u=0,0,%s%u/%s$%u)", latest_col, total_row + 1, latest_col,
                                row + 1, latest_col, total_row + 1),
                        share, e->f.pct);
        }
    }
    put_string(&s, total_row, 0, "I alt", e->f.total_label);
    put_subtotal(&s, total_row, 1, "EffektBevilling", headers[1], (double)r->n_indsatser, e->f.total_count);
    for (size_t y = 0; y < n_years; y++)
        put_subtotal(&s, total_row, (lxw_col_t)(2 + y), "EffektBevilling", headers[2 + y],
                     (double)r->budget[y].granted, e->f.total_kroner);
    if (latest >= 0)
        put_subtotal(&s, total_row, share_col, "EffektBevilling", headers[share_col],
                     r->latest_total ? 1.0 : 0.0, e->f.total_pct);

    /* EffektForvaltning: counts over Indsatser by department and effect. */
    lxw_row_t head = e->layout.effect_forvaltning.header;
    const char *dheaders[MAX_COLS] = {"Forvaltning"};
    size_t n_dcols = 1;
    for (size_t k = 0; k < c->effects.n && n_dcols < MAX_COLS - 1; k++)
        dheaders[n_dcols++] = c->effects.items[k].label;
    dheaders[n_dcols++] = "I alt";
    lxw_row_t dtotal_row = add_table(&s, "EffektForvaltning", head, r->n_effect_departments,
                                     dheaders, n_dcols, ~1ull);
    for (size_t i = 0; i < r->n_effect_departments; i++) {
        const effect_department_row *x = &r->effect_departments[i];
        lxw_row_t row = head + 1 + (lxw_row_t)i;
        const char *a = format_text(e, "$A%u", row + 1);
        put_string(&s, row, 0, c->departments.items[x->department].label, NULL);
        for (size_t k = 0; k < c->effects.n; k++) {
            const char *col = col_name(e, (lxw_col_t)(1 + k));
            put_formula(&s, row, (lxw_col_t)(1 + k),
                        format_text(e, "=COUNTIFS(Indsatser[Forvaltning],%s,Indsatser[Effekt],%s$%u)", a,
                                col, head + 1),
                        (double)x->counts[k], e->f.count);
        }
        put_formula(&s, row, (lxw_col_t)(n_dcols - 1),
                    format_text(e, "=SUM(B%u:%s%u)", row + 1, col_name(e, (lxw_col_t)(n_dcols - 2)), row + 1),
                    (double)x->total, e->f.count);
    }
    put_string(&s, dtotal_row, 0, "I alt", e->f.total_label);
    /* The totals are aggregate's: per effect, and all initiatives. */
    for (size_t k = 1; k < n_dcols; k++)
        put_subtotal(&s, dtotal_row, (lxw_col_t)k, "EffektForvaltning", dheaders[k],
                     (double)(k + 1 < n_dcols ? r->effects[k - 1].count : r->n_indsatser),
                     e->f.total_count);
    finish_sheet(&s, n_cols > n_dcols ? n_cols : n_dcols, true);
}

/* ---- Bevilling ------------------------------------------------------------ */

static void sheet_bevilling(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    size_t n_years = c->n_budget_years;
    sheet s = new_sheet(e, "Bevilling");
    if (!s.ws)
        return;
    static const char *const profile[] = {"År", "Bevilget", "Ramme", "Difference"};
    const table_place *place = &e->layout.bevillingsprofil;
    add_table(&s, "Bevillingsprofil", place->header, r->n_budget, profile, 4, ~0ull);
    for (size_t y = 0; y < r->n_budget; y++) {
        const budget_row *b = &r->budget[y];
        lxw_row_t row = place->first + (lxw_row_t)y;
        put_number(&s, row, 0, b->year, e->f.year);
        put_formula(&s, row, 1, format_text(e, "=SUM(Indsatser[%s])", year_header(e, y)),
                    (double)b->granted, e->f.kroner);
        if (b->frame >= 0) {
            put_number(&s, row, 2, (double)b->frame, e->f.kroner);
            put_formula(&s, row, 3, format_text(e, "=C%u-B%u", row + 1, row + 1),
                        (double)(b->frame - b->granted), e->f.kroner);
        }
    }

    lxw_row_t head = e->layout.bevilling_tema.header;
    const char *headers[MAX_COLS] = {"Tema"};
    size_t n_cols = 1;
    for (size_t y = 0; y < n_years; y++)
        headers[n_cols++] = year_header(e, y);
    lxw_row_t total_row = add_table(&s, "BevillingTema", head, r->n_themes, headers, n_cols, ~1ull);
    for (size_t t = 0; t < r->n_themes; t++) {
        const theme_row *x = &r->themes[t];
        lxw_row_t row = head + 1 + (lxw_row_t)t;
        put_string(&s, row, 0, x->theme, NULL);
        for (size_t y = 0; y < n_years; y++)
            put_formula(&s, row, (lxw_col_t)(1 + y),
                        format_text(e, "=SUMIFS(Indsatser[%s],Indsatser[Tema],$A%u)", headers[1 + y],
                                row + 1),
                        (double)x->bevilling.kroner[y], e->f.kroner);
    }
    put_string(&s, total_row, 0, "I alt", e->f.total_label);
    for (size_t y = 0; y < n_years; y++)
        put_subtotal(&s, total_row, (lxw_col_t)(1 + y), "BevillingTema", headers[1 + y],
                     (double)r->budget[y].granted, e->f.total_kroner);
    finish_sheet(&s, n_cols > 4 ? n_cols : 4, true);
}

/* ---- Personale ------------------------------------------------------------ */

static void sheet_personale(emitter *e)
{
    const period_report *r = e->r;
    sheet s = new_sheet(e, "Personale");
    if (!s.ws)
        return;
    static const char *const headers[] = {
        "Uddannelsesniveau", "Ansatte", "Andel af ansatte", "Arbejdsstyrke",
        "Andel af arbejdsstyrke", "Repræsentation", "Oplyst pct. ansatte",
        "Oplyst pct. arbejdsstyrke"};
    const table_place *place = &e->layout.personale;
    lxw_row_t total = add_table(&s, "Personale", place->header, r->n_staff, headers, 8, ~1ull);
    bool any_workforce = false;
    for (size_t i = 0; i < r->n_staff; i++) {
        const staff_row *x = &r->staff[i];
        lxw_row_t row = place->first + (lxw_row_t)i, xr = row + 1, xt = total + 1;
        double share = r->staff_ansatte ? (double)x->ansatte / (double)r->staff_ansatte : 0;
        put_string(&s, row, 0, x->level, NULL);
        put_number(&s, row, 1, (double)x->ansatte, e->f.count);
        put_formula(&s, row, 2, format_text(e, "=IF(B$%u=0,0,B%u/B$%u)", xt, xr, xt), share, e->f.pct);
        if (x->arbejdsstyrke >= 0) {
            any_workforce = true;
            double wshare = r->staff_arbejdsstyrke
                                ? (double)x->arbejdsstyrke / (double)r->staff_arbejdsstyrke
                                : 0;
            put_number(&s, row, 3, (double)x->arbejdsstyrke, e->f.count);
            put_formula(&s, row, 4, format_text(e, "=IF(D$%u=0,0,D%u/D$%u)", xt, xr, xt), wshare, e->f.pct);
            if (wshare > 0)
                put_formula(&s, row, 5, format_text(e, "=C%u/E%u", xr, xr), share / wshare, e->f.number);
        }
        if (x->has_stated_ansatte)
            put_number(&s, row, 6, x->stated_ansatte, e->f.pct);
        if (x->has_stated_arbejdsstyrke)
            put_number(&s, row, 7, x->stated_arbejdsstyrke, e->f.pct);
    }
    put_string(&s, total, 0, "I alt", e->f.total_label);
    put_subtotal(&s, total, 1, "Personale", headers[1], (double)r->staff_ansatte, e->f.total_count);
    put_subtotal(&s, total, 2, "Personale", headers[2], r->staff_ansatte ? 1.0 : 0.0, e->f.total_pct);
    if (any_workforce) {
        put_subtotal(&s, total, 3, "Personale", headers[3], (double)r->staff_arbejdsstyrke,
                     e->f.total_count);
        put_subtotal(&s, total, 4, "Personale", headers[4], r->staff_arbejdsstyrke ? 1.0 : 0.0,
                     e->f.total_pct);
    }
    if (r->stated_totals) {
        lxw_row_t row = total + 1;
        bool off_ansatte = r->stated_ansatte >= 0 && r->stated_ansatte != r->staff_ansatte;
        bool off_workforce = r->stated_arbejdsstyrke >= 0 && any_workforce &&
                             r->stated_arbejdsstyrke != r->staff_arbejdsstyrke;
        put_string(&s, row, 0, "Oplyst i alt (afsender)", e->f.label);
        if (r->stated_ansatte >= 0)
            put_number(&s, row, 1, (double)r->stated_ansatte, off_ansatte ? e->f.flag_count : e->f.count);
        if (r->stated_arbejdsstyrke >= 0)
            put_number(&s, row, 3, (double)r->stated_arbejdsstyrke,
                       off_workforce ? e->f.flag_count : e->f.count);
        if (off_ansatte || off_workforce)
            put_string(&s, row, 5, "Afviger fra summen af niveauerne; summen bruges (se Validering)",
                       e->f.note);
    }
    s.width[5] = s.width[5] > 16 ? 16 : s.width[5];
    finish_sheet(&s, 8, true);
}

/* ---- Indikatorer ---------------------------------------------------------- */

static void put_value(sheet *s, lxw_row_t row, lxw_col_t col, double v, bool percent)
{
    emitter *e = s->e;
    lxw_format *fmt = percent ? e->f.pct : v == (double)(int64_t)v ? e->f.count : e->f.number;
    put_number(s, row, col, v, fmt);
}

static void sheet_indikatorer(emitter *e)
{
    const period_report *r = e->r;
    sheet s = new_sheet(e, "Indikatorer");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Forvaltning", "Indsats-id", "Indikator", "Værdi", "Fra",
                                          "Til", "Ud af", "Enhed", "Dato", "År", "Tekst"};
    /* Værdi, Fra, Til, Ud af (3-6), Dato, År (8-9) */
    add_table(&s, "Indikatorer", 0, r->n_indicators, headers, 11, 0xFull << 3 | 0x3ull << 8);
    for (size_t i = 0; i < r->n_indicators && e->error == LXW_NO_ERROR; i++) {
        const indicator_row *x = &r->indicators[i];
        lxw_row_t row = (lxw_row_t)(1 + i);
        put_string(&s, row, 0, x->department, NULL);
        put_string(&s, row, 1, x->id, NULL);
        put_string(&s, row, 2, x->name, NULL);
        switch (x->value.kind) {
        case INDICATOR_NUMBER:
        case INDICATOR_PERCENT:
            put_value(&s, row, 3, x->value.value, x->value.kind == INDICATOR_PERCENT);
            break;
        case INDICATOR_RANGE:
            put_value(&s, row, 4, x->value.low, false);
            put_value(&s, row, 5, x->value.high, false);
            break;
        case INDICATOR_OUT_OF:
            put_value(&s, row, 3, x->value.value, false);
            put_value(&s, row, 6, x->value.total, false);
            break;
        case INDICATOR_TEXT:
            break;
        }
        put_string(&s, row, 7, x->unit, NULL);
        if (x->has_date)
            put_date(&s, row, 8, &x->date);
        if (x->year)
            put_number(&s, row, 9, x->year, e->f.year);
        put_string(&s, row, 10, x->text, NULL);
    }
    finish_sheet(&s, 11, true);
}

/* ---- Validering ----------------------------------------------------------- */

static void sheet_validering(emitter *e)
{
    const period_report *r = e->r;
    sheet s = new_sheet(e, "Validering");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Alvor", "Kode", "Fil", "Linje", "Sti", "Besked", "Handling"};
    size_t rows = r->n_fund + (r->fund_omitted > 0);
    add_table(&s, "Fund", 0, rows, headers, 7, 1ull << 3);   /* Linje */
    for (size_t i = 0; i < r->n_fund && e->error == LXW_NO_ERROR; i++) {
        const fund_row *x = &r->fund[i];
        lxw_row_t row = (lxw_row_t)(1 + i);
        put_string(&s, row, 0, severity_label(x->finding->severity), NULL);
        put_string(&s, row, 1, finding_code_name(x->finding->code), NULL);
        put_string(&s, row, 2, x->file, NULL);
        if (x->finding->line)
            put_number(&s, row, 3, x->finding->line, e->f.year);
        put_string(&s, row, 4, x->path, NULL);
        put_string(&s, row, 5, x->message, NULL);
        put_string(&s, row, 6, x->action, NULL);
    }
    if (r->fund_omitted) {   /* the sheet's limit (limits.max_rows_per_sheet): where the rest are */
        char more[32], files[32];
        value_format_thousands((__int128)r->fund_omitted, more, sizeof more);
        value_format_thousands((__int128)r->fund_omitted_files, files, sizeof files);
        put_string(&s, (lxw_row_t)(1 + r->n_fund), 5,
                   format_text(e, "… og %s fund mere i %s filer, som ikke er vist her (arket viser højst "
                               "%zu rækker); de står i kørslernes log (ARKIV/runs/<kørsel>/log.jsonl) og i "
                               "karantænens begrundelser (ARKIV/quarantine/<kørsel>/<fil>.reasons.txt)",
                               more, files, e->cfg->max_sheet_rows), NULL);
    }
    finish_sheet(&s, 7, true);
}

/* ---- Kilder --------------------------------------------------------------- */

static void sheet_kilder(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    sheet s = new_sheet(e, "Kilder");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Fil", "SHA-256", "Bytes", "Forvaltning", "Periode",
                                          "Indsendt", "Status", "Erstattet af"};
    add_table(&s, "Kilder", 0, r->n_sources + (r->sources_omitted > 0), headers, 8,
              1ull << 2 | 1ull << 5);   /* Bytes, Indsendt */
    for (size_t i = 0; i < r->n_sources && e->error == LXW_NO_ERROR; i++) {
        const source_row *x = r->sources[i].source;
        lxw_row_t row = (lxw_row_t)(1 + i);
        char period[8];
        put_string(&s, row, 0, r->sources[i].file, NULL);
        put_string(&s, row, 1, x->id.sha256_hex, NULL);
        put_number(&s, row, 2, (double)x->id.bytes, e->f.count);
        if (x->id.department >= 0)
            put_string(&s, row, 3, c->departments.items[x->id.department].label, NULL);
        if (x->id.has_period) {
            period_format(&x->id.period, period);
            put_string(&s, row, 4, format_text(e, "%s", period), NULL);
        }
        if (x->id.has_indsendt)
            put_date(&s, row, 5, &x->id.indsendt);
        put_string(&s, row, 6, source_status_label(x->status), NULL);
        if (x->superseded_by)
            put_string(&s, row, 7, x->superseded_by, NULL);
    }
    if (r->sources_omitted) {
        char more[32];
        value_format_thousands((__int128)r->sources_omitted, more, sizeof more);
        put_string(&s, (lxw_row_t)(1 + r->n_sources), 0,
                   format_text(e, "… og %s filer mere, som ikke er vist her (arket viser højst %zu rækker); "
                               "alle står i arkivets manifester (ARKIV/runs/<kørsel>/manifest.json)", more,
                               e->cfg->max_sheet_rows), NULL);
    }
    finish_sheet(&s, 8, true);
}

/* ---- Overblik ------------------------------------------------------------- */

/* "begrænset effekt, minimal effekt, ingen effekt eller ikke dokumenteret" */
static const char *limited_labels(emitter *e)
{
    const config *c = e->cfg;
    size_t n = 0, k = 0;
    for (size_t i = 0; i < c->effects.n; i++)
        n += c->effect_limited[i];
    const char *out = "";
    for (size_t i = 0; i < c->effects.n; i++) {
        if (!c->effect_limited[i])
            continue;
        char lower[128];
        snprintf(lower, sizeof lower, "%s", c->effects.items[i].label);
        if (lower[0] >= 'A' && lower[0] <= 'Z')
            lower[0] = (char)(lower[0] - 'A' + 'a');
        else if ((unsigned char)lower[0] == 0xC3 && (unsigned char)lower[1] >= 0x80 &&
                 (unsigned char)lower[1] <= 0x9E)
            lower[1] = (char)(lower[1] + 0x20);
        k++;
        out = format_text(e, "%s%s%s", out, k == 1 ? "" : k == n ? " eller " : ", ", lower);
    }
    return out;
}

/* A chart on Overblik. `limited` (NULL, or one flag per category of a single
 * series) colours the limited-effect categories apart from the others. */
static void overview_chart(emitter *e, lxw_worksheet *ws, lxw_row_t at, uint8_t type,
                           const char *title, const char *categories, const char *const *values,
                           const char *const *names, size_t n_series, const char *num_format,
                           const bool *limited, size_t n_points)
{
    lxw_chart *chart = workbook_add_chart(e->wb, type);
    if (!chart) {
        check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, title);
        return;
    }
    for (size_t i = 0; i < n_series; i++) {
        lxw_chart_series *series = chart_add_series(chart, categories, values[i]);
        if (!series) {
            check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, title);
            return;
        }
        chart_series_set_name(series, names[i]);
        if (type == LXW_CHART_LINE)   /* a period alone is a point, not an empty chart */
            chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
        if (limited && n_points && n_points <= 64) {
            lxw_chart_fill fills[64];
            lxw_chart_point points[64];
            lxw_chart_point *list[65];
            for (size_t k = 0; k < n_points; k++) {
                fills[k] = (lxw_chart_fill){.color = limited[k] ? 0xC0504D : 0x4F81BD};
                points[k] = (lxw_chart_point){.fill = &fills[k]};
                list[k] = &points[k];
            }
            list[n_points] = NULL;
            check(e, chart_series_set_points(series, list), title);
        }
    }
    chart_title_set_name(chart, title);
    lxw_chart_font title_font = {.size = 12, .bold = LXW_EXPLICIT_FALSE};
    chart_title_set_name_font(chart, &title_font);
    /* In a bar chart the x axis is the (horizontal) value axis; categories
     * run bottom-up unless the category axis is reversed. */
    chart_axis_set_num_format(type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis, num_format);
    if (type == LXW_CHART_BAR)
        chart_axis_set_reverse(chart->y_axis);
    chart_legend_set_position(chart, n_series > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    lxw_chart_options options = {.x_scale = 1.4, .y_scale = 1.1, .x_offset = 10, .y_offset = 4};
    check(e, worksheet_insert_chart_opt(ws, at, 0, chart, &options), title);
}

static void sheet_overblik(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    sheet s = new_sheet(e, "Overblik");
    if (!s.ws)
        return;
    char period[8];
    period_format(&r->period, period);
    size_t n_years = c->n_budget_years;
    int latest = r->latest_year_index;

    char spoken[24];
    period_spoken(&r->period, spoken);
    put_string(&s, 0, 0, format_text(e, "Statusredegørelse %s", spoken), e->f.title);
    put_string(&s, 1, 0, format_text(e, "Integrationspolitikkens konkrete initiativer · %s", r->scope_label),
               e->f.subtitle);
    lxw_row_t row = 3;
    put_string(&s, row++, 0, "Dokumenter", e->f.section);
    put_string(&s, row, 0, "Godkendt", e->f.label);
    put_number(&s, row++, 1, (double)r->docs_accepted, e->f.count);
    put_string(&s, row, 0, "Afvist (se Validering)", e->f.label);
    put_number(&s, row++, 1, (double)r->docs_rejected, r->docs_rejected ? e->f.flag_count : e->f.count);
    put_string(&s, row, 0, "Erstattet af nyere", e->f.label);
    put_number(&s, row++, 1, (double)r->docs_superseded, e->f.count);
    put_string(&s, row, 0, "Dubletter", e->f.label);
    put_number(&s, row++, 1, (double)r->docs_duplicate, e->f.count);
    put_string(&s, row, 0, "Indsatser", e->f.label);
    put_formula(&s, row++, 1, "=COUNTA(Indsatser[Indsats-id])", (double)r->n_indsatser, e->f.count);
    row++;

    if (latest >= 0) {
        int year = c->budget_years[latest];
        put_string(&s, row++, 0, format_text(e, "Bevilling %d (seneste budgetår med bevillinger)", year),
                   e->f.section);
        lxw_row_t granted_row = row;
        put_string(&s, row, 0, format_text(e, "Bevilget i %d", year), e->f.label);
        put_formula(&s, row++, 1,
                    format_text(e, "=SUMIFS(Bevillingsprofil[Bevilget],Bevillingsprofil[År],%d)", year),
                    (double)r->latest_total, e->f.big_kroner);
        /* The council's question: how much buys no documented effect. */
        const char *sum = "=";
        for (size_t k = 0; k < r->n_effects; k++)
            if (c->effect_limited[k])
                sum = format_text(e, "%s%sSUMIFS(EffektBevilling[%s],EffektBevilling[Effekt],%s)", sum,
                              sum[1] ? "+" : "", year_header(e, (size_t)latest),
                              quoted(e, c->effects.items[k].label));
        if (!sum[1])
            sum = "=0";
        put_string(&s, row, 0, format_text(e, "Heraf på indsatser med %s", limited_labels(e)), e->f.wrap);
        check(e, worksheet_set_row(s.ws, row, 30, NULL), "Overblik");
        put_formula(&s, row, 1, sum, (double)r->latest_limited, e->f.big_kroner);
        double share = r->latest_total ? (double)r->latest_limited / (double)r->latest_total : 0;
        put_formula(&s, row, 2, format_text(e, "=IF(B%u=0,0,B%u/B%u)", granted_row + 1, row + 1, granted_row + 1),
                    share, e->f.big_pct);
        row++;
        lxw_row_t city_row = granted_row;
        if (r->department >= 0) {
            /* A department's money against the municipality's, never the frame. */
            city_row = row;
            put_string(&s, row, 0, format_text(e, "Kommunens samlede bevilling i %d", year), e->f.label);
            put_number(&s, row++, 1, (double)r->city_latest_total, e->f.big_kroner);
            put_string(&s, row, 0, format_text(e, "Forvaltningens andel af kommunens bevilling i %d", year),
                       e->f.label);
            put_formula(&s, row++, 2, format_text(e, "=IF(B%u=0,0,B%u/B%u)", city_row + 1, granted_row + 1,
                                              city_row + 1),
                        r->city_latest_total ? (double)r->latest_total / (double)r->city_latest_total : 0,
                        e->f.big_pct);
        }
        if (c->frame[latest] >= 0) {
            lxw_row_t frame_row = row;
            const char *whose = r->department >= 0 ? "Kommunens ramme" : "Ramme";
            put_string(&s, row, 0, format_text(e, "%s %d", whose, year), e->f.label);
            if (r->department >= 0)
                put_number(&s, row++, 1, (double)c->frame[latest], e->f.big_kroner);
            else
                put_formula(&s, row++, 1,
                            format_text(e, "=SUMIFS(Bevillingsprofil[Ramme],Bevillingsprofil[År],%d)", year),
                            (double)c->frame[latest], e->f.big_kroner);
            put_string(&s, row, 0,
                       r->department >= 0 ? "Kommunens ramme minus kommunens samlede bevilling"
                                          : "Ramme minus bevilget",
                       e->f.label);
            put_formula(&s, row++, 1, format_text(e, "=B%u-B%u", frame_row + 1, city_row + 1),
                        (double)c->frame[latest] - r->city_latest_total, e->f.big_kroner);
        }
        for (size_t y = (size_t)latest + 1; y < n_years; y++)
            if (c->frame[y] >= 0) {
                put_string(&s, row, 0,
                           format_text(e, "%s %d", r->department >= 0 ? "Kommunens ramme" : "Ramme",
                                   c->budget_years[y]),
                           e->f.label);
                if (r->department >= 0)
                    put_number(&s, row++, 1, (double)c->frame[y], e->f.big_kroner);
                else
                    put_formula(&s, row++, 1,
                                format_text(e, "=SUMIFS(Bevillingsprofil[Ramme],Bevillingsprofil[År],%d)",
                                        c->budget_years[y]),
                                (double)c->frame[y], e->f.big_kroner);
            }
    } else {
        put_string(&s, row++, 0, "Ingen bevillinger i budgetårene", e->f.section);
    }
    row++;

    /* Since the half year before: formulas over Udvikling. */
    if (r->has_previous) {
        char before[24];
        sn_period previous = period_previous(r->period);
        period_spoken(&previous, before);
        put_string(&s, row++, 0, format_text(e, "Siden %s", before), e->f.section);
        static const struct {
            change_kind kind;
            const char *label;
        } counts[] = {{CHANGE_BETTER, "Indsatser med bedre effekt"},
                      {CHANGE_WORSE, "Indsatser med dårligere effekt"},
                      {CHANGE_EFFECT, "Indsatser med ændret effekt (uden rangorden)"},
                      {CHANGE_NEW, "Nye indsatser"},
                      {CHANGE_ENDED, "Ophørte indsatser"}};
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            put_string(&s, row, 0, counts[k].label, e->f.label);
            put_formula(&s, row++, 1,
                        format_text(e, "=COUNTIFS(Udvikling[Ændring],%s)",
                                    quoted(e, change_label(counts[k].kind))),
                        (double)r->change_counts[counts[k].kind], e->f.count);
        }
        /* Money whose effect moved into the limited categories, and out. */
        const char *into = "=", *out = "=";
        for (size_t a = 0; a < c->effects.n; a++)
            for (size_t b = 0; b < c->effects.n; b++) {
                if (c->effect_limited[a] == c->effect_limited[b])
                    continue;
                const char *term = format_text(
                    e, "SUMIFS(Udvikling[Bevilling nu],Udvikling[Effekt nu],%s,Udvikling[Effekt før],%s)",
                    quoted(e, c->effects.items[a].label), quoted(e, c->effects.items[b].label));
                if (c->effect_limited[a])
                    into = format_text(e, "%s%s%s", into, into[1] ? "+" : "", term);
                else
                    out = format_text(e, "%s%s%s", out, out[1] ? "+" : "", term);
            }
        put_string(&s, row, 0, format_text(e, "Bevilling på indsatser, hvis effekt er gået over til %s",
                                           limited_labels(e)), e->f.wrap);
        check(e, worksheet_set_row(s.ws, row, 30, NULL), "Overblik");
        put_formula(&s, row++, 1, into[1] ? into : "=0", r->moved_into_limited, e->f.big_kroner);
        put_string(&s, row, 0, "Bevilling på indsatser, hvis effekt er gået den anden vej", e->f.label);
        put_formula(&s, row++, 1, out[1] ? out : "=0", r->moved_out_of_limited, e->f.big_kroner);
        row++;
    }

    if (r->has_staff) {
        put_string(&s, row++, 0, "Personale med ikke-vestlig baggrund", e->f.section);
        put_string(&s, row, 0, "Ansatte (sum af uddannelsesniveauer)", e->f.label);
        put_formula(&s, row++, 1, "=SUM(Personale[Ansatte])", (double)r->staff_ansatte, e->f.count);
        put_string(&s, row, 0, "Arbejdsstyrke (sum af uddannelsesniveauer)", e->f.label);
        put_formula(&s, row++, 1, "=SUM(Personale[Arbejdsstyrke])", (double)r->staff_arbejdsstyrke,
                    e->f.count);
        if (r->stated_arbejdsstyrke >= 0 && r->stated_arbejdsstyrke != r->staff_arbejdsstyrke) {
            put_string(&s, row, 0, "Oplyst arbejdsstyrke i alt — afviger fra summen", e->f.label);
            put_number(&s, row, 1, (double)r->stated_arbejdsstyrke, e->f.flag_count);
            put_formula(&s, row, 2, format_text(e, "=B%u-B%u", row + 1, row),
                        (double)(r->stated_arbejdsstyrke - r->staff_arbejdsstyrke), e->f.flag_count);
            row++;
        }
        if (r->stated_ansatte >= 0 && r->stated_ansatte != r->staff_ansatte) {
            put_string(&s, row, 0, "Oplyst antal ansatte i alt — afviger fra summen", e->f.label);
            put_number(&s, row++, 1, (double)r->stated_ansatte, e->f.flag_count);
        }
    }
    s.width[0] = 62;
    s.width[1] = 18;
    s.width[2] = 12;

    /* Charts under the figures (beside them the page would print too small):
     * budget by effect, budget against frame, staffing shares. */
    lxw_row_t chart_row = row + 2;
    /* Chart ranges are cells (a chart takes no structured reference), read
     * from the one layout the sheet writers used; 1-based here. */
    const workbook_layout *l = &e->layout;
    lxw_row_t first = l->effect_bevilling.first + 1, last = l->effect_bevilling.last + 1;
    bool any_money = false;
    for (size_t y = 0; y < r->n_budget; y++)
        any_money |= r->budget[y].granted != 0;
    if (latest >= 0 && r->latest_total != 0) {   /* no empty chart */
        const char *latest_col = col_name(e, (lxw_col_t)(2 + latest));
        const char *values[] = {format_text(e, "=Effekt!$%s$%u:$%s$%u", latest_col, first, latest_col, last)};
        const char *names[] = {format_text(e, "Bevilling %d", c->budget_years[latest])};
        put_string(&s, chart_row - 1, 0,
                   format_text(e, "I diagrammet er %s markeret med rødt", limited_labels(e)), e->f.note);
        overview_chart(e, s.ws, chart_row, LXW_CHART_BAR,
                       format_text(e, "Bevilling %d efter effekt", c->budget_years[latest]),
                       format_text(e, "=Effekt!$A$%u:$A$%u", first, last), values, names, 1, "#,##0",
                       c->effect_limited, r->n_effects);
    }
    lxw_row_t b1 = l->bevillingsprofil.first + 1, b2 = l->bevillingsprofil.last + 1;
    const char *bvalues[] = {format_text(e, "=Bevilling!$B$%u:$B$%u", b1, b2),
                             format_text(e, "=Bevilling!$C$%u:$C$%u", b1, b2)};
    const char *bnames[] = {"Bevilget", "Ramme"};
    if (r->department < 0)
        overview_chart(e, s.ws, chart_row + 18, LXW_CHART_COLUMN, "Bevilling mod ramme pr. år",
                       format_text(e, "=Bevilling!$A$%u:$A$%u", b1, b2), bvalues, bnames, 2, "#,##0", NULL, 0);
    else if (any_money)   /* a department's money alone: the frame is the municipality's */
        overview_chart(e, s.ws, chart_row + 18, LXW_CHART_COLUMN, "Forvaltningens bevilling pr. år",
                       format_text(e, "=Bevilling!$A$%u:$A$%u", b1, b2), bvalues, bnames, 1, "#,##0",
                       NULL, 0);
    if (r->has_staff && r->n_staff) {
        lxw_row_t p1 = l->personale.first + 1, p2 = l->personale.last + 1;
        const char *pvalues[] = {format_text(e, "=Personale!$C$%u:$C$%u", p1, p2),
                                 format_text(e, "=Personale!$E$%u:$E$%u", p1, p2)};
        const char *pnames[] = {"Andel af ansatte", "Andel af arbejdsstyrke"};
        overview_chart(e, s.ws, chart_row + 36, LXW_CHART_COLUMN,
                       "Ansatte mod arbejdsstyrke pr. uddannelsesniveau",
                       format_text(e, "=Personale!$A$%u:$A$%u", p1, p2), pvalues, pnames, 2, "0%",
                       NULL, 0);
    }
    worksheet_set_landscape(s.ws);
    worksheet_set_paper(s.ws, 9);
    worksheet_fit_to_pages(s.ws, 1, 0);
    for (size_t col = 0; col < 3; col++)
        check(e, worksheet_set_column(s.ws, (lxw_col_t)col, (lxw_col_t)col, s.width[col],
                                      col == 0 ? e->f.wrap : NULL),
              "Overblik");
    worksheet_activate(s.ws);
}

/* ---- The workbook ---------------------------------------------------------- */

static lxw_format *make_format(emitter *e, const char *num_format, bool bold, bool wrap)
{
    lxw_format *f = workbook_add_format(e->wb);
    if (!f) {
        check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "format");
        return NULL;
    }
    if (num_format)
        format_set_num_format(f, num_format);
    if (bold)
        format_set_bold(f);
    if (wrap)   /* bottom-aligned like the other cells of its row */
        format_set_text_wrap(f);
    return f;
}

static void make_formats(emitter *e)
{
    formats *f = &e->f;
    const char *kr = "#,##0";
    f->header = make_format(e, NULL, true, true);
    f->header_number = make_format(e, NULL, true, true);
    f->wrap = make_format(e, NULL, false, true);
    f->kroner = make_format(e, kr, false, false);
    f->count = make_format(e, "#,##0", false, false);
    f->number = make_format(e, "#,##0.00", false, false);
    f->pct = make_format(e, "0.0%", false, false);
    f->date = make_format(e, "dd-mm-yyyy", false, false);
    f->year = make_format(e, "0", false, false);
    f->total_label = make_format(e, NULL, true, false);
    f->total_kroner = make_format(e, kr, true, false);
    f->total_count = make_format(e, "#,##0", true, false);
    f->total_pct = make_format(e, "0.0%", true, false);
    f->title = make_format(e, NULL, true, false);
    f->subtitle = make_format(e, NULL, false, false);
    f->section = make_format(e, NULL, true, false);
    f->label = make_format(e, NULL, false, false);
    f->big_kroner = make_format(e, "#,##0\" kr.\"", true, false);
    f->big_pct = make_format(e, "0.0%", true, false);
    f->flag_count = make_format(e, "#,##0", true, false);
    f->note = make_format(e, NULL, false, false);
    if (e->error != LXW_NO_ERROR)
        return;
    format_set_font_size(f->title, 16);
    format_set_font_color(f->subtitle, 0x595959);
    format_set_font_size(f->section, 12);
    format_set_bottom(f->section, LXW_BORDER_THIN);
    for (lxw_format **t = (lxw_format *[]){f->total_label, f->total_kroner, f->total_count,
                                           f->total_pct, NULL};
         *t; t++)
        format_set_top(*t, LXW_BORDER_THIN);
    format_set_font_color(f->flag_count, LXW_COLOR_RED);
    format_set_bg_color(f->flag_count, 0xFDE9E7);
    format_set_font_color(f->note, LXW_COLOR_RED);
    format_set_italic(f->note);
    format_set_bg_color(f->header, 0xDDEBF7);
    format_set_bg_color(f->header_number, 0xDDEBF7);
    format_set_align(f->header_number, LXW_ALIGN_RIGHT);
}

/* Excel's last row is 1 048 576; every table has a header row and a total or
 * note row under it, and some sheets a title line above. */
#define SHEET_MAX_DATA_ROWS (SHEET_ROWS_MAX - 4u)

/* A table that would not fit its sheet makes the workbook impossible: say
 * which, before anything is written. */
static bool fits_excel(const period_report *r, char *err, size_t errlen)
{
    const struct {
        const char *sheet;
        size_t rows;
    } tables[] = {
        {"Indsatser", r->n_indsatser}, {"Indikatorer", r->n_indicators},
        {"Personale", r->n_staff},     {"Validering", r->n_fund + (r->fund_omitted > 0)},
        {"Kilder", r->n_sources + (r->sources_omitted > 0)},
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (tables[i].rows > SHEET_MAX_DATA_ROWS) {
            char max[32];
            value_format_thousands(SHEET_ROWS_MAX, max, sizeof max);
            snprintf(err, errlen, "arket %s ville få %zu rækker, men et regneark kan højst have %s",
                     tables[i].sheet, tables[i].rows, max);
            return false;
        }
    return true;
}

/* Opens a workbook at a temporary name beside path, with its formats and
 * document properties. 0, or -1 with a message. */
static int open_workbook(emitter *e, const char *path, char tmp[4096], const char *title,
                         time_t created, char *err, size_t errlen)
{
    /* The temporary file sits beside the final one (same file system, so the
     * rename is atomic) under a name no reader looks for. */
    if (!durable_temp_name(path, tmp, 4096)) {
        snprintf(err, errlen, "%s: stien er for lang", path);
        return -1;
    }
    if (!(e->a = arena_new())) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    if (!time_in_range((int64_t)created)) {
        snprintf(err, errlen, "%s: oprettelsestiden %lld ligger uden for årene 1900–2100", path,
                 (long long)created);
        arena_free(e->a);
        return -1;
    }
    lxw_workbook_options options = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    library_messages_begin(e->library, sizeof e->library);   /* until close_workbook */
    pinned_time = created;
    pinned = true;
    e->wb = workbook_new_opt(tmp, &options);
    if (!e->wb) {
        int saved = errno;
        library_messages_end();
        pinned = false;
        snprintf(err, errlen, "%s: regnearket kan ikke oprettes: %s%s%s%s", path,
                 saved ? errno_text(saved) : "ikke nok hukommelse",
                 e->library[0] ? " (libxlsxwriter: " : "", e->library, e->library[0] ? ")" : "");
        arena_free(e->a);
        return -1;
    }
    make_formats(e);
    lxw_doc_properties properties = {
        .title = (char *)title,
        .subject = (char *)"Integrationspolitikkens konkrete initiativer: status, effekt, bevillinger "
                           "og personale",
        .author = (char *)"statusnotat",
        .company = (char *)"Københavns Kommune",
        .category = (char *)"Statusredegørelse",
        .keywords = (char *)"integrationspolitik, statusnotat, bevilling, effekt",
        .comments = (char *)format_text(e, "Dannet af statusnotat %s", program_version()),
        .created = created,
    };
    check(e, workbook_set_properties(e->wb, &properties), "properties");
    return 0;
}

/* What went wrong, in Danish: the system's reason where the library's error
 * is one of files (a full disk), else what kind of error it is. */
static const char *failure_text(lxw_error code, int saved_errno)
{
    switch (code) {
    case LXW_ERROR_MEMORY_MALLOC_FAILED: return "ikke nok hukommelse";
    case LXW_ERROR_CREATING_XLSX_FILE: case LXW_ERROR_CREATING_TMPFILE: case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION: case LXW_ERROR_ZIP_FILE_ADD: case LXW_ERROR_ZIP_CLOSE:
        return saved_errno ? errno_text(saved_errno) : "filen kan ikke skrives";
    default: return "biblioteket afviste en værdi";
    }
}

/* The message of a workbook that failed: the Danish reason, then in
 * parentheses the library's words — its error code's text and what it said
 * (library_messages.h). */
static void failure_message(const emitter *e, const char *path, const char *doing, lxw_error code,
                            int saved_errno, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: regnearket kan ikke %s: %s (libxlsxwriter: %s%s%s)", path, doing,
             failure_text(code, saved_errno), lxw_strerror(code), e->library[0] ? "; " : "",
             e->library);
}

/* Closes the workbook and renames it into place. 0, or -1 with a message
 * (nothing left at path that was not there before). */
static int close_workbook(emitter *e, const char *path, const char *tmp, char *err, size_t errlen)
{
    int rc = 0;
    errno = 0;
    lxw_error closed = workbook_close(e->wb);
    int saved = errno;
    library_messages_end();
    pinned = false;
    if (e->error != LXW_NO_ERROR) {
        char doing[160];
        snprintf(doing, sizeof doing, "skrives (%s)", e->detail);
        failure_message(e, path, doing, e->error, 0, err, errlen);
        rc = -1;
    } else if (closed != LXW_NO_ERROR) {
        failure_message(e, path, "gemmes", closed, saved, err, errlen);
        rc = -1;
    } else if (durable_commit(tmp, path) != 0) {
        snprintf(err, errlen, "%s: regnearket kan ikke lægges på plads: %s", path,
                 errno_text(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    arena_free(e->a);
    return rc;
}

int emit_workbook(const period_report *r, const emit_options *o, char *err, size_t errlen)
{
    emitter e = {.r = r, .cfg = r->cfg, .error = LXW_NO_ERROR};
    char period[8], tmp[4096];
    period_format(&r->period, period);
    if (!fits_excel(r, err, errlen))
        return -1;
    char title[256];
    snprintf(title, sizeof title, "Statusredegørelse %s · %s", period, r->scope_label);
    if (open_workbook(&e, o->path, tmp, title, o->created, err, errlen) != 0)
        return -1;

    /* Every table's place is planned before anything is written. */
    e.layout = plan_layout(r);
    sheet_overblik(&e);
    sheet_indsatser(&e);
    sheet_udvikling(&e);
    sheet_effekt(&e);
    sheet_bevilling(&e);
    sheet_personale(&e);
    sheet_indikatorer(&e);
    sheet_validering(&e);
    sheet_kilder(&e);
    return close_workbook(&e, o->path, tmp, err, errlen);
}

int emit_overview(const period_summary *rows, size_t n, const config *cfg, const char *scope,
                  const emit_options *o, char *err, size_t errlen)
{
    emitter e = {.cfg = cfg, .error = LXW_NO_ERROR};
    char tmp[4096], title[256];
    snprintf(title, sizeof title, "Statusredegørelse, alle perioder · %s", scope);
    if (open_workbook(&e, o->path, tmp, title, o->created, err, errlen) != 0)
        return -1;
    sheet s = new_sheet(&e, "Oversigt");
    if (s.ws) {
        bool municipality = n && rows[0].department < 0;
        put_banner(&s, 0, "Statusredegørelse, alle perioder", e.f.title);
        put_banner(&s, 1, format_text(&e, "Integrationspolitikkens konkrete initiativer · %s", scope),
                   e.f.subtitle);
        static const char *const headers[] = {"Periode", "Seneste budgetår", "Bevilget",
                                              "Heraf begrænset effekt", "Andel", "Ramme", "Indsatser",
                                              "Godkendte dokumenter", "Afviste dokumenter"};
        table_place place = place_table(4, n);
        add_table(&s, "Perioder", place.header, n, headers, 9, ~1ull);
        for (size_t i = 0; i < n; i++) {
            const period_summary *x = &rows[i];
            lxw_row_t row = place.first + (lxw_row_t)i;
            char p[8];
            period_format(&x->period, p);
            put_string(&s, row, 0, p, NULL);
            if (x->latest_year)
                put_number(&s, row, 1, x->latest_year, e.f.year);
            put_number(&s, row, 2, x->granted, e.f.kroner);
            put_number(&s, row, 3, x->limited, e.f.kroner);
            put_formula(&s, row, 4, format_text(&e, "=IF(C%u=0,0,D%u/C%u)", row + 1, row + 1, row + 1),
                        x->granted ? x->limited / x->granted : 0, e.f.pct);
            if (x->frame >= 0)
                put_number(&s, row, 5, (double)x->frame, e.f.kroner);
            put_number(&s, row, 6, (double)x->indsatser, e.f.count);
            put_number(&s, row, 7, (double)x->accepted, e.f.count);
            put_number(&s, row, 8, (double)x->rejected, e.f.count);
        }
        put_note(&s, 2, 9, format_text(&e, "Andel: den del af bevillingen i periodens seneste budgetår, "
                                           "der går til indsatser med %s. %s", limited_labels(&e),
                                       municipality ? "Ramme er kommunens ramme det år."
                                                    : "Rammen er hele kommunens og står i kommunens "
                                                      "oversigt (statusredegoerelse-oversigt.xlsx)."));
        finish_sheet(&s, 9, false);
        worksheet_freeze_panes(s.ws, place.first, 0);
        check(&e, worksheet_repeat_rows(s.ws, place.header, place.header), "Oversigt");
        if (n) {   /* the council's question as a line over time */
            const char *values[] = {format_text(&e, "=Oversigt!$E$%u:$E$%u", place.first + 1, place.last + 1)};
            const char *names[] = {"Andel"};
            overview_chart(&e, s.ws, place.total + 2, LXW_CHART_LINE,
                           "Andel af bevillingen på indsatser med begrænset eller udokumenteret effekt",
                           format_text(&e, "=Oversigt!$A$%u:$A$%u", place.first + 1, place.last + 1),
                           values, names, 1, "0%", NULL, 0);
        }
        worksheet_activate(s.ws);
    }
    return close_workbook(&e, o->path, tmp, err, errlen);
}
