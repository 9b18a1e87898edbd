/* personale.c — the sheet Personale: staffing by education level. */
#include "emit_parts.h"

/* ---- Personale ------------------------------------------------------------ */

void emit_sheet_personale(emitter *e)
{
    const period_report *r = e->r;
    sheet s = emit_new_sheet(e, "Personale");
    if (!s.ws)
        return;
    static const char *const headers[] = {
        "Uddannelsesniveau", "Ansatte", "Andel af ansatte", "Arbejdsstyrke",
        "Andel af arbejdsstyrke", "Repræsentation", "Oplyst pct. ansatte",
        "Oplyst pct. arbejdsstyrke"};
    const table_place *place = &e->layout.personale;
    lxw_row_t total = emit_add_table(&s, "Personale", place->header, r->n_staff, headers, 8, ~1ull);
    bool any_workforce = false;
    for (size_t i = 0; i < r->n_staff; i++) {
        const staff_row *x = &r->staff[i];
        lxw_row_t row = place->first + (lxw_row_t)i, xr = row + 1, xt = total + 1;
        double share = r->staff_ansatte ? (double)x->ansatte / (double)r->staff_ansatte : 0;
        emit_put_string(&s, row, 0, x->level, NULL);
        emit_put_number(&s, row, 1, (double)x->ansatte, e->f.count);
        emit_put_formula(&s, row, 2, emit_format_text(e, "=IF(B$%u=0,0,B%u/B$%u)", xt, xr, xt), share, e->f.pct);
        if (x->arbejdsstyrke >= 0) {
            any_workforce = true;
            double wshare = r->staff_arbejdsstyrke
                                ? (double)x->arbejdsstyrke / (double)r->staff_arbejdsstyrke
                                : 0;
            emit_put_number(&s, row, 3, (double)x->arbejdsstyrke, e->f.count);
            emit_put_formula(&s, row, 4, emit_format_text(e, "=IF(D$%u=0,0,D%u/D$%u)", xt, xr, xt), wshare, e->f.pct);
            if (wshare > 0)
                emit_put_formula(&s, row, 5, emit_format_text(e, "=C%u/E%u", xr, xr), share / wshare, e->f.number);
        }
        if (x->has_stated_ansatte)
            emit_put_number(&s, row, 6, x->stated_ansatte, e->f.pct);
        if (x->has_stated_arbejdsstyrke)
            emit_put_number(&s, row, 7, x->stated_arbejdsstyrke, e->f.pct);
    }
    emit_put_string(&s, total, 0, "I alt", e->f.total_label);
    emit_put_subtotal(&s, total, 1, "Personale", headers[1], (double)r->staff_ansatte, e->f.total_count);
    emit_put_subtotal(&s, total, 2, "Personale", headers[2], r->staff_ansatte ? 1.0 : 0.0, e->f.total_pct);
    if (any_workforce) {
        emit_put_subtotal(&s, total, 3, "Personale", headers[3], (double)r->staff_arbejdsstyrke,
                     e->f.total_count);
        emit_put_subtotal(&s, total, 4, "Personale", headers[4], r->staff_arbejdsstyrke ? 1.0 : 0.0,
                     e->f.total_pct);
    }
    if (r->stated_totals) {
        lxw_row_t row = total + 1;
        bool off_ansatte = r->stated_ansatte >= 0 && r->stated_ansatte != r->staff_ansatte;
        bool off_workforce = r->stated_arbejdsstyrke >= 0 && any_workforce &&
                             r->stated_arbejdsstyrke != r->staff_arbejdsstyrke;
        emit_put_string(&s, row, 0, "Oplyst i alt (afsender)", e->f.label);
        if (r->stated_ansatte >= 0)
            emit_put_number(&s, row, 1, (double)r->stated_ansatte, off_ansatte ? e->f.flag_count : e->f.count);
        if (r->stated_arbejdsstyrke >= 0)
            emit_put_number(&s, row, 3, (double)r->stated_arbejdsstyrke,
                       off_workforce ? e->f.flag_count : e->f.count);
        if (off_ansatte || off_workforce)
            emit_put_string(&s, row, 5, "Afviger fra summen af niveauerne; summen bruges (se Validering)",
                       e->f.note);
    }
    s.width[5] = s.width[5] > 16 ? 16 : s.width[5];
    emit_finish_sheet(&s, 8, true);
}
