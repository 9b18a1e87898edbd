/* oversigt.c — the overview across periods: the sheet Oversigt with the table
 * Perioder and its chart (emit.h's emit_overview). */
#include "emit_parts.h"

int emit_overview(const period_summary *rows, size_t n, const config *cfg, const char *scope,
                  const emit_options *o, char *err, size_t errlen)
{
    emitter e = {.cfg = cfg, .error = LXW_NO_ERROR};
    char tmp[4096], title[256];
    snprintf(title, sizeof title, "Statusredegørelse, alle perioder · %s", scope);
    if (emit_open_workbook(&e, o->path, tmp, title, o->created, err, errlen) != 0)
        return -1;
    sheet s = emit_new_sheet(&e, "Oversigt");
    if (s.ws) {
        bool municipality = n && rows[0].department < 0;
        emit_put_banner(&s, 0, "Statusredegørelse, alle perioder", e.f.title);
        emit_put_banner(&s, 1, emit_format_text(&e, "Integrationspolitikkens konkrete initiativer · %s", scope),
                   e.f.subtitle);
        static const char *const headers[] = {"Periode", "Seneste budgetår", "Bevilget",
                                              "Heraf begrænset effekt", "Andel", "Ramme", "Indsatser",
                                              "Godkendte dokumenter", "Afviste dokumenter"};
        table_place place = emit_place_table(4, n);
        emit_add_table(&s, "Perioder", place.header, n, headers, 9, ~1ull);
        for (size_t i = 0; i < n; i++) {
            const period_summary *x = &rows[i];
            lxw_row_t row = place.first + (lxw_row_t)i;
            char p[8];
            period_format(&x->period, p);
            emit_put_string(&s, row, 0, p, NULL);
            if (x->latest_year)
                emit_put_number(&s, row, 1, x->latest_year, e.f.year);
            emit_put_number(&s, row, 2, x->granted, e.f.kroner);
            emit_put_number(&s, row, 3, x->limited, e.f.kroner);
            emit_put_formula(&s, row, 4, emit_format_text(&e, "=IF(C%u=0,0,D%u/C%u)", row + 1, row + 1, row + 1),
                        x->granted ? x->limited / x->granted : 0, e.f.pct);
            if (x->frame >= 0)
                emit_put_number(&s, row, 5, (double)x->frame, e.f.kroner);
            emit_put_number(&s, row, 6, (double)x->indsatser, e.f.count);
            emit_put_number(&s, row, 7, (double)x->accepted, e.f.count);
            emit_put_number(&s, row, 8, (double)x->rejected, e.f.count);
        }
        emit_put_note(&s, 2, 9, emit_format_text(&e, "Andel: den del af bevillingen i periodens seneste budgetår, "
                                           "der går til indsatser med %s. %s", emit_limited_labels(&e),
                                       municipality ? "Ramme er kommunens ramme det år."
                                                    : "Rammen er hele kommunens og står i kommunens "
                                                      "oversigt (statusredegoerelse-oversigt.xlsx)."));
        emit_finish_sheet(&s, 9, false);
        worksheet_freeze_panes(s.ws, place.first, 0);
        emit_check(&e, worksheet_repeat_rows(s.ws, place.header, place.header), "Oversigt");
        if (n) {   /* the council's question as a line over time */
            const char *values[] = {emit_format_text(&e, "=Oversigt!$E$%u:$E$%u", place.first + 1, place.last + 1)};
            const char *names[] = {"Andel"};
            emit_overview_chart(&e, s.ws, place.total + 2, LXW_CHART_LINE,
                           "Andel af bevillingen på indsatser med begrænset eller udokumenteret effekt",
                           emit_format_text(&e, "=Oversigt!$A$%u:$A$%u", place.first + 1, place.last + 1),
                           values, names, 1, "0%", NULL, 0);
        }
        worksheet_activate(s.ws);
    }
    return emit_close_workbook(&e, o->path, tmp, err, errlen);
}
