/* udvikling.c — the sheet Udvikling: the period against the half year before. */
#include "emit_parts.h"

/* ---- Udvikling ------------------------------------------------------------- */

/* What changed since the half year before: one row per initiative in either
 * (departments that reported in both), Forskel as a formula. */
void emit_sheet_udvikling(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    sheet s = emit_new_sheet(e, "Udvikling");
    if (!s.ws)
        return;
    char now[24], before[24];
    sn_period previous = period_previous(r->period);
    period_spoken(&r->period, now);
    period_spoken(&previous, before);
    const char *title;
    if (!r->has_previous) {
        title = emit_format_text(e, "Udvikling: der er ingen statusnotater for %s, så der er intet at "
                               "sammenligne %s med", before, now);
    } else {
        const char *compared = "", *missing = "";
        for (size_t d = 0; d < c->departments.n; d++) {
            bool in_scope = r->department < 0 || r->department == (int)d;
            if (!in_scope)
                continue;
            if (r->compared[d])
                compared = emit_format_text(e, "%s%s%s", compared, compared[0] ? ", " : "",
                                       c->departments.items[d].code);
            else
                missing = emit_format_text(e, "%s%s%s", missing, missing[0] ? ", " : "",
                                      c->departments.items[d].code);
        }
        title = emit_format_text(e, "Udvikling fra %s til %s · sammenlignet: %s%s%s", before, now,
                            compared[0] ? compared : "ingen",
                            missing[0] ? " · ikke med (ingen statusnotat i begge halvår): " : "",
                            missing);
    }
    emit_put_string(&s, 0, 0, title, e->f.section);
    /* Bevilling før / nu: this half year's latest budget year, on both sides. */
    static const char *const headers[] = {"Forvaltning", "Indsats-id", "Titel", "Ændring",
                                          "Effekt før", "Effekt nu", "Status før", "Status nu",
                                          "Bevilling før", "Bevilling nu", "Forskel"};
    const table_place *place = &e->layout.udvikling;
    emit_add_table(&s, "Udvikling", place->header, r->n_changes, headers, 11, 0x7ull << 8);
    for (size_t i = 0; i < r->n_changes && e->error == LXW_NO_ERROR; i++) {
        const change_row *x = &r->changes[i];
        lxw_row_t row = place->first + (lxw_row_t)i;
        emit_put_string(&s, row, 0, c->departments.items[x->department].label, NULL);
        emit_put_string(&s, row, 1, x->id, NULL);
        emit_put_string(&s, row, 2, x->title, NULL);
        emit_put_string(&s, row, 3, change_label(x->change), NULL);
        if (x->effect_before >= 0)
            emit_put_string(&s, row, 4, c->effects.items[x->effect_before].label, NULL);
        if (x->effect_now >= 0)
            emit_put_string(&s, row, 5, c->effects.items[x->effect_now].label, NULL);
        if (x->status_before >= 0)
            emit_put_string(&s, row, 6, c->statuses.items[x->status_before].label, NULL);
        if (x->status_now >= 0)
            emit_put_string(&s, row, 7, c->statuses.items[x->status_now].label, NULL);
        if (x->has_before)
            emit_put_number(&s, row, 8, x->before, e->f.kroner);
        if (x->has_now)
            emit_put_number(&s, row, 9, x->now, e->f.kroner);
        emit_put_formula(&s, row, 10, emit_format_text(e, "=J%u-I%u", row + 1, row + 1), x->now - x->before,
                    e->f.kroner);
    }
    emit_finish_sheet(&s, 11, false);
    worksheet_freeze_panes(s.ws, place->first, 0);
    emit_check(e, worksheet_repeat_rows(s.ws, place->header, place->header), "Udvikling");
}
