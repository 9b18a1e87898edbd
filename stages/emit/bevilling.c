/* bevilling.c — the sheet Bevilling: the budget profile and money by theme. */
#include "emit_parts.h"

/* ---- Bevilling ------------------------------------------------------------ */

void emit_sheet_bevilling(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    size_t n_years = c->n_budget_years;
    sheet s = emit_new_sheet(e, "Bevilling");
    if (!s.ws)
        return;
    static const char *const profile[] = {"År", "Bevilget", "Ramme", "Difference"};
    const table_place *place = &e->layout.bevillingsprofil;
    emit_add_table(&s, "Bevillingsprofil", place->header, r->n_budget, profile, 4, ~0ull);
    for (size_t y = 0; y < r->n_budget; y++) {
        const budget_row *b = &r->budget[y];
        lxw_row_t row = place->first + (lxw_row_t)y;
        emit_put_number(&s, row, 0, b->year, e->f.year);
        emit_put_formula(&s, row, 1, emit_format_text(e, "=SUM(Indsatser[%s])", emit_year_header(e, y)),
                    (double)b->granted, e->f.kroner);
        if (b->frame >= 0) {
            emit_put_number(&s, row, 2, (double)b->frame, e->f.kroner);
            emit_put_formula(&s, row, 3, emit_format_text(e, "=C%u-B%u", row + 1, row + 1),
                        (double)(b->frame - b->granted), e->f.kroner);
        }
    }

    lxw_row_t head = e->layout.bevilling_tema.header;
    const char *headers[MAX_COLS] = {"Tema"};
    size_t n_cols = 1;
    for (size_t y = 0; y < n_years; y++)
        headers[n_cols++] = emit_year_header(e, y);
    lxw_row_t total_row = emit_add_table(&s, "BevillingTema", head, r->n_themes, headers, n_cols, ~1ull);
    for (size_t t = 0; t < r->n_themes; t++) {
        const theme_row *x = &r->themes[t];
        lxw_row_t row = head + 1 + (lxw_row_t)t;
        emit_put_string(&s, row, 0, x->theme, NULL);
        for (size_t y = 0; y < n_years; y++)
            emit_put_formula(&s, row, (lxw_col_t)(1 + y),
                        emit_format_text(e, "=SUMIFS(Indsatser[%s],Indsatser[Tema],$A%u)", headers[1 + y],
                                row + 1),
                        (double)x->bevilling.kroner[y], e->f.kroner);
    }
    emit_put_string(&s, total_row, 0, "I alt", e->f.total_label);
    for (size_t y = 0; y < n_years; y++)
        emit_put_subtotal(&s, total_row, (lxw_col_t)(1 + y), "BevillingTema", headers[1 + y],
                     (double)r->budget[y].granted, e->f.total_kroner);
    emit_finish_sheet(&s, n_cols > 4 ? n_cols : 4, true);
}
