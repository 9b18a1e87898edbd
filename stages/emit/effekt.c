/* effekt.c — the sheet Effekt: money and initiatives by effect, and by department. */
#include "emit_parts.h"

/* ---- Effekt --------------------------------------------------------------- */

/* One piece because the sheet's two tables and their totals are one layout; their places
 * come from layout.c and their cells from one loop each. */
void emit_sheet_effekt(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    size_t n_years = c->n_budget_years;
    sheet s = emit_new_sheet(e, "Effekt");
    if (!s.ws)
        return;

    /* EffektBevilling: sums over Indsatser by effect. */
    const char *headers[MAX_COLS] = {"Effekt", "Antal indsatser"};
    size_t n_cols = 2;
    for (size_t y = 0; y < n_years; y++)
        headers[n_cols++] = emit_year_header(e, y);
    headers[n_cols++] = "Andel seneste år";
    const table_place *place = &e->layout.effect_bevilling;
    lxw_row_t total_row = emit_add_table(&s, "EffektBevilling", place->header, r->n_effects, headers,
                                    n_cols, ~1ull);
    int latest = r->latest_year_index;
    lxw_col_t share_col = (lxw_col_t)(2 + n_years);
    const char *latest_col = latest >= 0 ? emit_col_name(e, (lxw_col_t)(2 + latest)) : NULL;
    for (size_t i = 0; i < r->n_effects; i++) {
        const effect_row *x = &r->effects[i];
        lxw_row_t row = place->first + (lxw_row_t)i;
        const char *label = c->effects.items[x->effect].label;
        const char *a = emit_cell_name(e, row, 0);
        emit_put_string(&s, row, 0, label, NULL);
        emit_put_formula(&s, row, 1, emit_format_text(e, "=COUNTIFS(Indsatser[Effekt],%s)", a), (double)x->count,
                    e->f.count);
        for (size_t y = 0; y < n_years; y++)
            emit_put_formula(&s, row, (lxw_col_t)(2 + y),
                        emit_format_text(e, "=SUMIFS(Indsatser[%s],Indsatser[Effekt],%s)", headers[2 + y], a),
                        (double)x->bevilling.kroner[y], e->f.kroner);
        if (latest >= 0) {
            double share = r->latest_total ? (double)x->bevilling.kroner[latest] / (double)r->latest_total
                                           : 0;
            emit_put_formula(&s, row, share_col,
                        emit_format_text(e, "=IF(%s$%u=0,0,%s%u/%s$%u)", latest_col, total_row + 1, latest_col,
                                row + 1, latest_col, total_row + 1),
                        share, e->f.pct);
        }
    }
    emit_put_string(&s, total_row, 0, "I alt", e->f.total_label);
    emit_put_subtotal(&s, total_row, 1, "EffektBevilling", headers[1], (double)r->n_indsatser, e->f.total_count);
    for (size_t y = 0; y < n_years; y++)
        emit_put_subtotal(&s, total_row, (lxw_col_t)(2 + y), "EffektBevilling", headers[2 + y],
                     (double)r->budget[y].granted, e->f.total_kroner);
    if (latest >= 0)
        emit_put_subtotal(&s, total_row, share_col, "EffektBevilling", headers[share_col],
                     r->latest_total ? 1.0 : 0.0, e->f.total_pct);

    /* EffektForvaltning: counts over Indsatser by department and effect. */
    lxw_row_t head = e->layout.effect_forvaltning.header;
    const char *dheaders[MAX_COLS] = {"Forvaltning"};
    size_t n_dcols = 1;
    for (size_t k = 0; k < c->effects.n && n_dcols < MAX_COLS - 1; k++)
        dheaders[n_dcols++] = c->effects.items[k].label;
    dheaders[n_dcols++] = "I alt";
    lxw_row_t dtotal_row = emit_add_table(&s, "EffektForvaltning", head, r->n_effect_departments,
                                     dheaders, n_dcols, ~1ull);
    for (size_t i = 0; i < r->n_effect_departments; i++) {
        const effect_department_row *x = &r->effect_departments[i];
        lxw_row_t row = head + 1 + (lxw_row_t)i;
        const char *a = emit_format_text(e, "$A%u", row + 1);
        emit_put_string(&s, row, 0, c->departments.items[x->department].label, NULL);
        for (size_t k = 0; k < c->effects.n; k++) {
            const char *col = emit_col_name(e, (lxw_col_t)(1 + k));
            emit_put_formula(&s, row, (lxw_col_t)(1 + k),
                        emit_format_text(e, "=COUNTIFS(Indsatser[Forvaltning],%s,Indsatser[Effekt],%s$%u)", a,
                                col, head + 1),
                        (double)x->counts[k], e->f.count);
        }
        emit_put_formula(&s, row, (lxw_col_t)(n_dcols - 1),
                    emit_format_text(e, "=SUM(B%u:%s%u)", row + 1, emit_col_name(e, (lxw_col_t)(n_dcols - 2)), row + 1),
                    (double)x->total, e->f.count);
    }
    emit_put_string(&s, dtotal_row, 0, "I alt", e->f.total_label);
    /* The totals are aggregate's: per effect, and all initiatives. */
    for (size_t k = 1; k < n_dcols; k++)
        emit_put_subtotal(&s, dtotal_row, (lxw_col_t)k, "EffektForvaltning", dheaders[k],
                     (double)(k + 1 < n_dcols ? r->effects[k - 1].count : r->n_indsatser),
                     e->f.total_count);
    emit_finish_sheet(&s, n_cols > n_dcols ? n_cols : n_dcols, true);
}
