/* indsatser.c — the sheet Indsatser (WORKBOOK.md): one row per initiative, the
 * table every derived figure is a formula over. */
#include "emit_parts.h"

/* ---- Indsatser ------------------------------------------------------------ */

void emit_sheet_indsatser(emitter *e)
{
    const period_report *r = e->r;
    size_t n_years = e->cfg->n_budget_years;
    sheet s = emit_new_sheet(e, "Indsatser");
    if (!s.ws)
        return;
    const char *headers[MAX_COLS] = {"Forvaltning", "Indsats-id", "Titel", "Tema", "Status",
                                     "Effekt", "Effekt udledt", "Anbefaling"};
    size_t n_cols = 8;
    for (size_t y = 0; y < n_years; y++)
        headers[n_cols++] = emit_year_header(e, y);
    headers[n_cols++] = "Kilde";
    /* the Bevilling columns are numbers: 8 .. 8 + years - 1 */
    lxw_row_t total_row = emit_add_table(&s, "Indsatser", 0, r->n_indsatser, headers, n_cols,
                                    ((1ull << n_years) - 1) << 8);
    for (size_t i = 0; i < r->n_indsatser && e->error == LXW_NO_ERROR; i++) {
        const indsats_row *x = &r->indsatser[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        emit_put_string(&s, row, 0, x->department, NULL);
        emit_put_string(&s, row, 1, x->id, NULL);
        emit_put_string(&s, row, 2, x->title, NULL);
        emit_put_string(&s, row, 3, x->theme, NULL);
        emit_put_string(&s, row, 4, x->status, NULL);
        emit_put_string(&s, row, 5, x->effect, NULL);
        emit_put_string(&s, row, 6, x->effect_derived ? "Ja" : "Nej", NULL);
        emit_put_string(&s, row, 7, x->anbefaling, NULL);
        for (size_t y = 0; y < n_years; y++) {
            if (x->bevilling.has[y])
                emit_put_number(&s, row, (lxw_col_t)(8 + y), (double)x->bevilling.kroner[y], e->f.kroner);
        }
        emit_put_string(&s, row, (lxw_col_t)(8 + n_years), x->source, NULL);
    }
    emit_put_string(&s, total_row, 0, "I alt", e->f.total_label);
    for (size_t y = 0; y < n_years; y++)
        emit_put_subtotal(&s, total_row, (lxw_col_t)(8 + y), "Indsatser", headers[8 + y],
                     r->budget[y].granted, e->f.total_kroner);
    emit_finish_sheet(&s, n_cols, true);
}
