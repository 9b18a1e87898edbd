/* cells.c — writing one cell at a time: strings made safe for a cell, numbers,
 * formulas with their computed values, dates, tables, totals, the widest text
 * per column, and the first library error kept. */
#include "emit_parts.h"

void emit_check(emitter *e, lxw_error err, const char *what)
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
        emit_check(s->e, LXW_ERROR_MEMORY_MALLOC_FAILED, s->name);
    return safe;
}

/* The width a column is given (finish_sheet): what its cells need, within
 * bounds. */
static double column_width(const sheet *s, lxw_col_t c)
{
    double w = c < MAX_COLS ? s->width[c] : 0;
    return w < 8 ? 8 : w > MAX_WIDTH ? MAX_WIDTH : w;
}

void emit_put_string(sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *fmt)
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
            emit_check(s->e, worksheet_set_row(s->ws, row, 15.0 * lines, NULL), s->name);
        }
    }
    emit_check(s->e, worksheet_write_string(s->ws, row, col, text, fmt), s->name);
    note_width(s, col, chars);
}

/* A title line in column A that may run over the empty cells beside it: it
 * does not set the column's width. */
void emit_put_banner(sheet *s, lxw_row_t row, const char *text, lxw_format *fmt)
{
    if (!(text = cell_safe(s, text)))
        return;
    emit_check(s->e, worksheet_write_string(s->ws, row, 0, text, fmt), s->name);
}

/* A note over the first n_cols columns, wrapped within them (a text that ran
 * over the cells beside it would widen the printed page), in a row tall
 * enough for it. Written after the row's columns have their widths. */
void emit_put_note(sheet *s, lxw_row_t row, lxw_col_t n_cols, const char *text)
{
    if (!(text = cell_safe(s, text)))
        return;
    double width = 0;
    for (lxw_col_t c = 0; c < n_cols; c++)
        width += column_width(s, c);
    unsigned lines = (unsigned)((double)text_utf8_length(text) * 0.85 / (width - 2)) + 1;
    emit_check(s->e, worksheet_merge_range(s->ws, row, 0, row, n_cols - 1, text, s->e->f.wrap), s->name);
    emit_check(s->e, worksheet_set_row(s->ws, row, 15.0 * (lines > 5 ? 5 : lines), NULL), s->name);
}

void emit_put_number(sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *fmt)
{
    emit_check(s->e, worksheet_write_number(s->ws, row, col, v, fmt), s->name);
    note_width(s, col, number_chars(v) + 2);
}

void emit_put_formula(sheet *s, lxw_row_t row, lxw_col_t col, const char *formula, double value,
                        lxw_format *fmt)
{
    emit_check(s->e, worksheet_write_formula_num(s->ws, row, col, formula, fmt, value), s->name);
    note_width(s, col, number_chars(value) + 2);
}

void emit_put_date(sheet *s, lxw_row_t row, lxw_col_t col, const sn_date *d)
{
    emit_put_number(s, row, col, date_excel_serial(d), s->e->f.date);
    note_width(s, col, 12);
}

/* Text built with printf — a formula, a label, a title — kept in the
 * workbook's arena. */
__attribute__((format(printf, 2, 3)))
const char *emit_format_text(emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *f = arena_vprintf(e->a, fmt, ap);
    va_end(ap);
    if (!f)
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "formula");
    return f ? f : "=0";
}

const char *emit_cell_name(emitter *e, lxw_row_t row, lxw_col_t col)
{
    char buf[32];
    lxw_rowcol_to_cell(buf, row, col);
    return emit_format_text(e, "%s", buf);
}

const char *emit_col_name(emitter *e, lxw_col_t col)
{
    char buf[16];
    lxw_col_to_name(buf, col, 0);
    return emit_format_text(e, "%s", buf);
}

/* Adds an Excel table with the given headers at first_row; returns the first
 * row below it. A table holds at least one (empty) data row. */
/* A table with its header row; the headers of the columns in `numbers` (a
 * bit per column) stand right-aligned over their numbers. */
lxw_row_t emit_add_table(sheet *s, const char *name, lxw_row_t first_row, size_t n_rows,
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
    emit_check(s->e, worksheet_add_table(s->ws, first_row, 0, last, (lxw_col_t)(n_cols - 1), &options),
          name);
    return last + 1;
}

/* "I alt" under a table: SUBTOTAL(109, Table[Column]) for each column listed. */
void emit_put_subtotal(sheet *s, lxw_row_t row, lxw_col_t col, const char *table,
                         const char *column, double value, lxw_format *fmt)
{
    emit_put_formula(s, row, col, emit_format_text(s->e, "=SUBTOTAL(109,%s[%s])", table, column), value, fmt);
}

/* Widths, and the print set-up: A4 landscape, one page wide when that keeps
 * the text at MIN_SCALE or more, else across pages at MIN_SCALE with the
 * header row and the first column on every page. */
void emit_finish_sheet(sheet *s, size_t n_cols, bool freeze)
{
    double total = 0;
    for (size_t c = 0; c < n_cols && c < MAX_COLS; c++) {
        double w = column_width(s, (lxw_col_t)c);
        total += w + 0.7;   /* the cell padding */
        emit_check(s->e, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL), s->name);
    }
    if (freeze)
        worksheet_freeze_panes(s->ws, 1, 0);
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9);   /* A4 */
    if (total * MIN_SCALE <= PAGE_WIDTH) {
        worksheet_fit_to_pages(s->ws, 1, 0);
    } else {
        worksheet_set_print_scale(s->ws, (uint16_t)(MIN_SCALE * 100));
        emit_check(s->e, worksheet_repeat_columns(s->ws, 0, 0), s->name);
    }
    if (freeze)
        emit_check(s->e, worksheet_repeat_rows(s->ws, 0, 0), s->name);
    emit_check(s->e, worksheet_set_footer(s->ws, "&L&A&R&P / &N"), s->name);
}

sheet emit_new_sheet(emitter *e, const char *name)
{
    sheet s = {.e = e, .name = name};
    s.ws = workbook_add_worksheet(e->wb, name);
    if (!s.ws)
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, name);
    return s;
}

/* A text as a formula's string literal: "…" with " doubled. */
const char *emit_quoted(emitter *e, const char *text)
{
    size_t n = 3;
    for (const char *p = text; *p; p++)
        n += *p == '"' ? 2 : 1;
    char *q = arena_alloc(e->a, n), *w = q;
    if (!q) {
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "formula");
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

const char *emit_year_header(emitter *e, size_t y)
{
    return emit_format_text(e, "Bevilling %d", e->cfg->budget_years[y]);
}
