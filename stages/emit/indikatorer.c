/* indikatorer.c — the sheet Indikatorer: every indicator with its values. */
#include "emit_parts.h"

/* ---- Indikatorer ---------------------------------------------------------- */

static void put_value(sheet *s, lxw_row_t row, lxw_col_t col, double v, bool percent)
{
    emitter *e = s->e;
    lxw_format *fmt = percent ? e->f.pct : v == (double)(int64_t)v ? e->f.count : e->f.number;
    emit_put_number(s, row, col, v, fmt);
}

void emit_sheet_indikatorer(emitter *e)
{
    const period_report *r = e->r;
    sheet s = emit_new_sheet(e, "Indikatorer");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Forvaltning", "Indsats-id", "Indikator", "Værdi", "Fra",
                                          "Til", "Ud af", "Enhed", "Dato", "År", "Tekst"};
    /* Værdi, Fra, Til, Ud af (3-6), Dato, År (8-9) */
    emit_add_table(&s, "Indikatorer", 0, r->n_indicators, headers, 11, 0xFull << 3 | 0x3ull << 8);
    for (size_t i = 0; i < r->n_indicators && e->error == LXW_NO_ERROR; i++) {
        const indicator_row *x = &r->indicators[i];
        lxw_row_t row = (lxw_row_t)(1 + i);
        emit_put_string(&s, row, 0, x->department, NULL);
        emit_put_string(&s, row, 1, x->id, NULL);
        emit_put_string(&s, row, 2, x->name, NULL);
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
        emit_put_string(&s, row, 7, x->unit, NULL);
        if (x->has_date)
            emit_put_date(&s, row, 8, &x->date);
        if (x->year)
            emit_put_number(&s, row, 9, x->year, e->f.year);
        emit_put_string(&s, row, 10, x->text, NULL);
    }
    emit_finish_sheet(&s, 11, true);
}
