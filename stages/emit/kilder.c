/* kilder.c — the sheet Kilder: every delivery the period's workbooks are made of. */
#include "emit_parts.h"

/* ---- Kilder --------------------------------------------------------------- */

void emit_sheet_kilder(emitter *e)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    sheet s = emit_new_sheet(e, "Kilder");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Fil", "SHA-256", "Bytes", "Forvaltning", "Periode",
                                          "Indsendt", "Status", "Erstattet af"};
    emit_add_table(&s, "Kilder", 0, r->n_sources + (r->sources_omitted > 0), headers, 8,
              1ull << 2 | 1ull << 5);   /* Bytes, Indsendt */
    for (size_t i = 0; i < r->n_sources && e->error == LXW_NO_ERROR; i++) {
        const source_row *x = r->sources[i].source;
        lxw_row_t row = (lxw_row_t)(1 + i);
        char period[8];
        emit_put_string(&s, row, 0, r->sources[i].file, NULL);
        emit_put_string(&s, row, 1, x->id.sha256_hex, NULL);
        emit_put_number(&s, row, 2, (double)x->id.bytes, e->f.count);
        if (x->id.department >= 0)
            emit_put_string(&s, row, 3, c->departments.items[x->id.department].label, NULL);
        if (x->id.has_period) {
            period_format(&x->id.period, period);
            emit_put_string(&s, row, 4, emit_format_text(e, "%s", period), NULL);
        }
        if (x->id.has_indsendt)
            emit_put_date(&s, row, 5, &x->id.indsendt);
        emit_put_string(&s, row, 6, source_status_label(x->status), NULL);
        if (x->superseded_by)
            emit_put_string(&s, row, 7, x->superseded_by, NULL);
    }
    if (r->sources_omitted) {
        char more[32];
        value_format_thousands((__int128)r->sources_omitted, more, sizeof more);
        emit_put_string(&s, (lxw_row_t)(1 + r->n_sources), 0,
                   emit_format_text(e, "… og %s filer mere, som ikke er vist her (arket viser højst %zu rækker); "
                               "alle står i arkivets manifester (ARKIV/runs/<kørsel>/manifest.json)", more,
                               e->cfg->max_sheet_rows), NULL);
    }
    emit_finish_sheet(&s, 8, true);
}
