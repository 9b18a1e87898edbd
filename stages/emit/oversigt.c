/* oversigt.c — the overview across periods (emit.h's emit_overview): the
 * sheet Oversigt with the table Perioder and its chart, the sheet Data with
 * the table AlleIndsatser (every initiative of every period) and the sheet
 * Afviste with the table Afviste (every rejected delivery).
 *
 * Data and Afviste grow with the archive, so they are streamed: written row
 * by row to a temporary file (libxlsxwriter's constant_memory mode for those
 * two sheets alone), in order, never held in memory. */
#include "emit_parts.h"

/* A sheet written row by row: libxlsxwriter reads its constant_memory
 * option as each sheet is added, so a workbook may hold some of each kind. */
static sheet new_streamed_sheet(emitter *e, const char *name)
{
    e->wb->options.constant_memory = LXW_TRUE;
    sheet s = emit_new_sheet(e, name);
    e->wb->options.constant_memory = LXW_FALSE;
    return s;
}

/* A table on a streamed sheet. libxlsxwriter 1.1.4 refuses tables there
 * (worksheet_add_table: "not supported in constant_memory mode") only
 * because it writes the header cells as it adds the table, which a streamed
 * sheet may not get out of order; the table part itself does not depend on
 * the cells. So the table is added with the sheet's streaming set aside for
 * that one call, and its header row is then written again as streamed cells
 * (the header must be the first row written after the lines above it). The
 * table has no formula columns and no total row: nothing else is written. */
static void add_streamed_table(sheet *s, const char *name, lxw_row_t header, size_t n_rows,
                               const char *const *headers, size_t n_cols, uint64_t numbers)
{
    if (!s->ws || s->e->error != LXW_NO_ERROR)
        return;
    s->ws->optimize = LXW_FALSE;
    emit_add_table(s, name, header, n_rows, headers, n_cols, numbers);
    s->ws->optimize = LXW_TRUE;
    for (size_t c = 0; c < n_cols; c++)
        emit_put_string(s, header, (lxw_col_t)c, headers[c],
                        numbers >> c & 1 ? s->e->f.header_number : s->e->f.header);
}

/* A period's Andel: the part of its money on limited effect. */
static double andel(const period_summary *x)
{
    return x->granted ? x->limited / x->granted : 0;
}

/* The sheet Oversigt: the chart over the table (so it prints whole on the
 * first page however many periods follow), then one row per period. */
static void sheet_oversigt(emitter *e, const period_summary *rows, size_t n, const char *scope)
{
    sheet s = emit_new_sheet(e, "Oversigt");
    if (!s.ws)
        return;
    bool municipality = n && rows[0].department < 0;
    emit_put_banner(&s, 0, "Statusredegørelse, alle perioder", e->f.title);
    emit_put_banner(&s, 1, emit_format_text(e, "Integrationspolitikkens konkrete initiativer · %s", scope),
                    e->f.subtitle);
    static const char *const headers[] = {"Periode", "Seneste budgetår", "Bevilget",
                                          "Heraf begrænset effekt", "Andel", "Ramme", "Indsatser",
                                          "Godkendte dokumenter", "Afviste dokumenter"};
    lxw_row_t chart_at = 4;
    table_place place = emit_place_table(n ? chart_at + 17 : 4, n);
    emit_add_table(&s, "Perioder", place.header, n, headers, 9, ~1ull);
    size_t highest = 0;
    for (size_t i = 0; i < n; i++) {
        const period_summary *x = &rows[i];
        lxw_row_t row = place.first + (lxw_row_t)i;
        char p[8];
        period_format(&x->period, p);
        emit_put_string(&s, row, 0, p, NULL);
        if (x->latest_year)
            emit_put_number(&s, row, 1, x->latest_year, e->f.year);
        emit_put_number(&s, row, 2, x->granted, e->f.kroner);
        emit_put_number(&s, row, 3, x->limited, e->f.kroner);
        emit_put_formula(&s, row, 4, emit_format_text(e, "=IF(C%u=0,0,D%u/C%u)", row + 1, row + 1, row + 1),
                         andel(x), e->f.pct);
        if (andel(x) > andel(&rows[highest]))
            highest = i;
        if (x->frame >= 0)
            emit_put_number(&s, row, 5, (double)x->frame, e->f.kroner);
        emit_put_number(&s, row, 6, (double)x->indsatser, e->f.count);
        emit_put_number(&s, row, 7, (double)x->accepted, e->f.count);
        emit_put_number(&s, row, 8, (double)x->rejected, e->f.count);
    }
    emit_put_note(&s, 2, 9, emit_format_text(e, "Andel: den del af bevillingen i periodens seneste budgetår, "
                                             "der går til indsatser med %s. %s Hver indsats i hver periode står "
                                             "i arket Data, hver afvist aflevering i arket Afviste.",
                                             emit_limited_labels(e),
                                             municipality ? "Ramme er kommunens ramme det år."
                                                          : "Rammen er hele kommunens og står i kommunens "
                                                            "oversigt (statusredegoerelse-oversigt.xlsx)."));
    emit_finish_sheet(&s, 9, false);
    worksheet_freeze_panes(s.ws, place.first, 0);
    emit_check(e, worksheet_repeat_rows(s.ws, place.header, place.header), "Oversigt");
    if (n) {   /* the council's question as a line over time */
        const char *values[] = {emit_format_text(e, "=Oversigt!$E$%u:$E$%u", place.first + 1, place.last + 1)};
        const char *names[] = {"Andel"};
        const char *title = "Andel af bevillingen på indsatser med begrænset eller udokumenteret effekt";
        char first[8], last[8], top[8];
        period_format(&rows[0].period, first);
        period_format(&rows[n - 1].period, last);
        period_format(&rows[highest].period, top);
        const char *description =
            n == 1 ? emit_format_text(e, "%s, %s: %s", title, first, emit_percent_text(e, andel(&rows[0])))
                   : emit_format_text(e, "%s over %zu perioder: %s i %s, %s i %s; højest %s i %s", title, n,
                                      emit_percent_text(e, andel(&rows[0])), first,
                                      emit_percent_text(e, andel(&rows[n - 1])), last,
                                      emit_percent_text(e, andel(&rows[highest])), top);
        emit_overview_chart(e, s.ws, chart_at, LXW_CHART_LINE, title, description,
                            emit_format_text(e, "=Oversigt!$A$%u:$A$%u", place.first + 1, place.last + 1),
                            values, names, 1, "0%", NULL, 0);
    }
    worksheet_activate(s.ws);
}

/* The sheet Data: the table AlleIndsatser, one row per initiative as told. */
static void sheet_data(emitter *e, const overview_data *d, const char *scope, char *err, size_t errlen,
                       bool *told_failed)
{
    if (!emit_fits_sheet("Data", d->n_initiatives, err, errlen)) {
        *told_failed = true;
        return;
    }
    sheet s = new_streamed_sheet(e, "Data");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Periode", "Forvaltning", "Indsats-id", "Titel", "Tema", "Status",
                                          "Effekt", "Effekt udledt", "Seneste budgetår",
                                          "Bevilling seneste år", "Begrænset effekt", "Kilde"};
    emit_put_banner(&s, 0, emit_format_text(e, "Alle indsatser, alle perioder · %s", scope), e->f.title);
    emit_put_banner(&s, 1, emit_format_text(e, "Én række pr. periode, forvaltning og indsats, som i periodens ark "
                                            "Indsatser. Bevilling seneste år: i periodens seneste budgetår "
                                            "(0 hvor indsatsen intet fik). Begrænset effekt: Ja for %s.",
                                            emit_limited_labels(e)),
                    e->f.subtitle);
    lxw_row_t header = 3;
    add_streamed_table(&s, "AlleIndsatser", header, d->n_initiatives, headers, 12, 1ull << 8 | 1ull << 9);
    overview_initiative x;
    lxw_row_t row = header + 1;
    size_t told = 0;
    int got = 0;
    /* The texts a row makes go with it: the rows have an arena of their own,
     * made new every ROWS_PER_ARENA rows. */
    enum { ROWS_PER_ARENA = 512 };
    arena *workbook_arena = e->a;
    e->a = arena_new();
    if (!e->a)
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "Data");
    while (e->error == LXW_NO_ERROR && told < d->n_initiatives &&
           (got = d->next_initiative(d->ctx, &x, err, errlen)) == 1) {
        char p[8];
        period_format(&x.period, p);
        emit_put_string(&s, row, 0, p, NULL);
        emit_put_string(&s, row, 1, e->cfg->departments.items[x.department].label, NULL);
        emit_put_string(&s, row, 2, x.id, NULL);
        emit_put_string(&s, row, 3, x.title, NULL);
        emit_put_string(&s, row, 4, x.theme, NULL);
        emit_put_string(&s, row, 5, x.status, NULL);
        emit_put_string(&s, row, 6, x.effect, NULL);
        emit_put_string(&s, row, 7, x.effect_derived ? "Ja" : "Nej", NULL);
        if (x.latest_year)
            emit_put_number(&s, row, 8, x.latest_year, e->f.year);
        emit_put_number(&s, row, 9, x.amount, e->f.kroner);
        emit_put_string(&s, row, 10, x.limited ? "Ja" : "Nej", NULL);
        emit_put_string(&s, row, 11, x.source, NULL);
        row++;
        if (++told % ROWS_PER_ARENA == 0) {
            arena_free(e->a);
            if (!(e->a = arena_new()))
                emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "Data");
        }
    }
    arena_free(e->a);
    e->a = workbook_arena;
    if (got < 0)
        *told_failed = true;
    else if (e->error == LXW_NO_ERROR && told != d->n_initiatives) {
        snprintf(err, errlen, "oversigtens indsatser er %zu, ikke %zu som talt", told, d->n_initiatives);
        *told_failed = true;
    }
    emit_finish_sheet(&s, 12, false);
    worksheet_freeze_panes(s.ws, header + 1, 0);
    emit_check(e, worksheet_repeat_rows(s.ws, header, header), "Data");
}

/* "2008-12-10T02:00:00Z" as Excel's serial date and time; false when it is
 * not such a time. */
static bool received_serial(const char *iso, double *serial)
{
    sn_date d = {0};
    int hh, mm, ss;
    char z;
    if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c", &d.year, &d.month, &d.day, &hh, &mm, &ss, &z) != 7 ||
        z != 'Z' || !date_is_valid(d.year, d.month, d.day) || hh > 23 || mm > 59 || ss > 60)
        return false;
    *serial = date_excel_serial(&d) + (hh * 3600 + mm * 60 + ss) / 86400.0;
    return true;
}

/* The sheet Afviste: the table Afviste, one row per rejected delivery. */
static void sheet_afviste(emitter *e, const overview_data *d)
{
    sheet s = new_streamed_sheet(e, "Afviste");
    if (!s.ws)
        return;
    lxw_format *when = workbook_add_format(e->wb);
    if (!when)
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "Afviste");
    else
        format_set_num_format(when, "yyyy-mm-dd hh:mm");
    static const char *const headers[] = {"Fil", "Indsendt", "Kørsel", "Forvaltning", "Periode", "Kode",
                                          "Besked"};
    emit_put_banner(&s, 0, "Afviste afleveringer, alle perioder", e->f.title);
    emit_put_banner(&s, 1, "Hver afvist aflevering i den rækkefølge, den kom, også dem hvis forvaltning eller "
                           "periode ikke kunne læses. Indsendt: da filen kom i indbakken (UTC). Kode og "
                           "Besked: den første fejl.",
                    e->f.subtitle);
    lxw_row_t header = 3;
    size_t n_rows = d->n_rejections + (d->rejections_omitted > 0);
    add_streamed_table(&s, "Afviste", header, n_rows, headers, 7, 1ull << 1);
    for (size_t i = 0; i < d->n_rejections && e->error == LXW_NO_ERROR; i++) {
        const overview_rejection *x = &d->rejections[i];
        lxw_row_t row = header + 1 + (lxw_row_t)i;
        double serial;
        emit_put_string(&s, row, 0, x->file, NULL);
        if (received_serial(x->received, &serial)) {
            emit_put_number(&s, row, 1, serial, when);
            if (s.width[1] < 18)
                s.width[1] = 18;
        }
        emit_put_string(&s, row, 2, x->run, NULL);
        if (x->department >= 0)
            emit_put_string(&s, row, 3, e->cfg->departments.items[x->department].label, NULL);
        if (x->has_period) {
            char p[8];
            period_format(&x->period, p);
            emit_put_string(&s, row, 4, p, NULL);
        }
        emit_put_string(&s, row, 5, x->code, NULL);
        emit_put_string(&s, row, 6, x->message, NULL);
    }
    if (d->rejections_omitted) {
        char more[32];
        value_format_thousands((__int128)d->rejections_omitted, more, sizeof more);
        emit_put_string(&s, header + 1 + (lxw_row_t)d->n_rejections, 0,
                        emit_format_text(e, "… og %s afviste afleveringer mere, som ikke er vist her (arket "
                                            "viser højst %zu rækker); alle står i arkivets manifester "
                                            "(ARKIV/runs/<kørsel>/manifest.json)",
                                         more, e->cfg->max_sheet_rows),
                        NULL);
    }
    emit_finish_sheet(&s, 7, false);
    worksheet_freeze_panes(s.ws, header + 1, 0);
    emit_check(e, worksheet_repeat_rows(s.ws, header, header), "Afviste");
}

int emit_overview(const period_summary *rows, size_t n, const overview_data *data,
                  const config *cfg, const char *scope, const emit_options *o, char *err,
                  size_t errlen)
{
    emitter e = {.cfg = cfg, .error = LXW_NO_ERROR};
    char tmp[4096], title[256];
    snprintf(title, sizeof title, "Statusredegørelse, alle perioder · %s", scope);
    if (emit_open_workbook(&e, o->path, tmp, title, o->created, err, errlen) != 0)
        return -1;
    sheet_oversigt(&e, rows, n, scope);
    char why[1024] = "";
    bool told_failed = false;
    sheet_data(&e, data, scope, why, sizeof why, &told_failed);
    if (!told_failed)
        sheet_afviste(&e, data);
    if (told_failed) {
        /* what could not be told is the error: nothing is put in place */
        emit_check(&e, LXW_ERROR_PARAMETER_VALIDATION, "Data");
        emit_close_workbook(&e, o->path, tmp, err, errlen);
        snprintf(err, errlen, "%s: %s", o->path, why);
        return -1;
    }
    return emit_close_workbook(&e, o->path, tmp, err, errlen);
}
