/* overblik.c — the sheet Overblik: the council's question answered on one page,
 * with its charts. */
#include "emit_parts.h"

/* ---- Overblik ------------------------------------------------------------- */

/* "begrænset effekt, minimal effekt, ingen effekt eller ikke dokumenteret" */
const char *emit_limited_labels(emitter *e)
{
    const config *c = e->cfg;
    size_t n = 0, k = 0;
    for (size_t i = 0; i < c->effects.n; i++)
        n += c->effect_limited[i];
    const char *out = "";
    for (size_t i = 0; i < c->effects.n; i++) {
        if (!c->effect_limited[i])
            continue;
        char lower[128];
        snprintf(lower, sizeof lower, "%s", c->effects.items[i].label);
        if (lower[0] >= 'A' && lower[0] <= 'Z')
            lower[0] = (char)(lower[0] - 'A' + 'a');
        else if ((unsigned char)lower[0] == 0xC3 && (unsigned char)lower[1] >= 0x80 &&
                 (unsigned char)lower[1] <= 0x9E)
            lower[1] = (char)(lower[1] + 0x20);
        k++;
        out = emit_format_text(e, "%s%s%s", out, k == 1 ? "" : k == n ? " eller " : ", ", lower);
    }
    return out;
}

/* A chart on Overblik. `limited` (NULL, or one flag per category of a single
 * series) colours the limited-effect categories apart from the others.
 * `description` is its alternative text for screen readers: what it shows,
 * with its headline figures. */
void emit_overview_chart(emitter *e, lxw_worksheet *ws, lxw_row_t at, uint8_t type,
                           const char *title, const char *description, const char *categories,
                           const char *const *values, const char *const *names, size_t n_series,
                           const char *num_format, const bool *limited, size_t n_points)
{
    lxw_chart *chart = workbook_add_chart(e->wb, type);
    if (!chart) {
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, title);
        return;
    }
    for (size_t i = 0; i < n_series; i++) {
        lxw_chart_series *series = chart_add_series(chart, categories, values[i]);
        if (!series) {
            emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, title);
            return;
        }
        chart_series_set_name(series, names[i]);
        if (type == LXW_CHART_LINE)   /* a period alone is a point, not an empty chart */
            chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
        if (limited && n_points && n_points <= 64) {
            lxw_chart_fill fills[64];
            lxw_chart_point points[64];
            lxw_chart_point *list[65];
            for (size_t k = 0; k < n_points; k++) {
                fills[k] = (lxw_chart_fill){.color = limited[k] ? 0xC0504D : 0x4F81BD};
                points[k] = (lxw_chart_point){.fill = &fills[k]};
                list[k] = &points[k];
            }
            list[n_points] = NULL;
            emit_check(e, chart_series_set_points(series, list), title);
        }
    }
    /* a thin frame: on paper the chart is one box (and print_test.py finds it) */
    lxw_chart_line frame = {.color = 0xA6A6A6, .width = 0.75};
    chart_chartarea_set_line(chart, &frame);
    chart_title_set_name(chart, title);
    lxw_chart_font title_font = {.size = 12, .bold = LXW_EXPLICIT_FALSE};
    chart_title_set_name_font(chart, &title_font);
    /* In a bar chart the x axis is the (horizontal) value axis; categories
     * run bottom-up unless the category axis is reversed. */
    chart_axis_set_num_format(type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis, num_format);
    if (type == LXW_CHART_BAR)
        chart_axis_set_reverse(chart->y_axis);
    chart_legend_set_position(chart, n_series > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    lxw_chart_options options = {.x_scale = CHART_X_SCALE, .y_scale = CHART_Y_SCALE,
                                 .x_offset = CHART_X_OFFSET, .y_offset = CHART_Y_OFFSET,
                                 .description = (char *)description};
    emit_check(e, worksheet_insert_chart_opt(ws, at, 0, chart, &options), title);
}

/* Overblik on paper: A4 portrait, in points. The printable part of the page
 * within libxlsxwriter's default margins (0,7" left and right, 0,75" top and
 * bottom); a row as LibreOffice and Excel show it in the default font (the
 * title's and the sections' larger fonts make theirs taller: counted as the
 * larger); a chart's height (288 pixels scaled, 0,75 pt a pixel, and its
 * offset) and the rows given to each. */
#define PAGE_PORTRAIT_WIDTH_PT 494.0
#define PAGE_PORTRAIT_HEIGHT_PT 733.0
#define ROW_PT 15.0
#define FIGURE_ROW_PT 17.0
#define TITLE_ROW_PT 22.0
#define TALL_ROW_PT 30.0
#define CHART_ROWS 17u
/* Widths: Excel draws a pixel as 0,75 pt, LibreOffice lays columns (and
 * the charts anchored to them) out a third wider, a pixel to the point —
 * the wider is planned for. */
#define WIDTH_PT_PER_PIXEL 1.0
#define CHART_WIDTH_PT ((480.0 * CHART_X_SCALE + CHART_X_OFFSET) * WIDTH_PT_PER_PIXEL)

/* A row of two lines of text (a long label). */
static void tall_row(sheet *s, lxw_row_t row)
{
    emit_check(s->e, worksheet_set_row(s->ws, row, TALL_ROW_PT, NULL), "Overblik");
    s->tall_rows++;
}

/* The sheet is built section by section, top to bottom; each section
 * writes from `row` and returns the row after it (one blank row between
 * sections). */

/* Dokumenter: what became of the period's deliveries. */
static lxw_row_t section_documents(emitter *e, sheet *s, lxw_row_t row)
{
    const period_report *r = e->r;
    emit_put_string(s, row++, 0, "Dokumenter", e->f.section);
    emit_put_string(s, row, 0, "Godkendt", e->f.label);
    emit_put_number(s, row++, 1, (double)r->docs_accepted, e->f.count);
    emit_put_string(s, row, 0, "Afvist (se Validering)", e->f.label);
    emit_put_number(s, row++, 1, (double)r->docs_rejected, r->docs_rejected ? e->f.flag_count : e->f.count);
    emit_put_string(s, row, 0, "Erstattet af nyere", e->f.label);
    emit_put_number(s, row++, 1, (double)r->docs_superseded, e->f.count);
    emit_put_string(s, row, 0, "Dubletter", e->f.label);
    emit_put_number(s, row++, 1, (double)r->docs_duplicate, e->f.count);
    emit_put_string(s, row, 0, "Indsatser", e->f.label);
    emit_put_formula(s, row++, 1, "=COUNTA(Indsatser[Indsats-id])", (double)r->n_indsatser, e->f.count);
    row++;

    return row;
}

/* Bevilling: the latest budget year's money, how much of it goes to
 * initiatives with limited or undocumented effect, the department's share of
 * the municipality's, and the frame. One piece because its rows refer to
 * each other's cells (granted, the city's total, the frame) by row. */
static lxw_row_t section_money(emitter *e, sheet *s, lxw_row_t row)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    size_t n_years = c->n_budget_years;
    int latest = r->latest_year_index;
    if (latest >= 0) {
        int year = c->budget_years[latest];
        emit_put_string(s, row++, 0, emit_format_text(e, "Bevilling %d (seneste budgetår med bevillinger)", year),
                   e->f.section);
        lxw_row_t granted_row = row;
        emit_put_string(s, row, 0, emit_format_text(e, "Bevilget i %d", year), e->f.label);
        emit_put_formula(s, row++, 1,
                    emit_format_text(e, "=SUMIFS(Bevillingsprofil[Bevilget],Bevillingsprofil[År],%d)", year),
                    (double)r->latest_total, e->f.big_kroner);
        /* The council's question: how much buys no documented effect. */
        const char *sum = "=";
        for (size_t k = 0; k < r->n_effects; k++)
            if (c->effect_limited[k])
                sum = emit_format_text(e, "%s%sSUMIFS(EffektBevilling[%s],EffektBevilling[Effekt],%s)", sum,
                              sum[1] ? "+" : "", emit_year_header(e, (size_t)latest),
                              emit_quoted(e, c->effects.items[k].label));
        if (!sum[1])
            sum = "=0";
        emit_put_string(s, row, 0, emit_format_text(e, "Heraf på indsatser med %s", emit_limited_labels(e)), e->f.wrap);
        tall_row(s, row);
        emit_put_formula(s, row, 1, sum, (double)r->latest_limited, e->f.big_kroner);
        double share = r->latest_total ? (double)r->latest_limited / (double)r->latest_total : 0;
        emit_put_formula(s, row, 2, emit_format_text(e, "=IF(B%u=0,0,B%u/B%u)", granted_row + 1, row + 1, granted_row + 1),
                    share, e->f.big_pct);
        row++;
        lxw_row_t city_row = granted_row;
        if (r->department >= 0) {
            /* A department's money against the municipality's, never the frame. */
            city_row = row;
            emit_put_string(s, row, 0, emit_format_text(e, "Kommunens samlede bevilling i %d", year), e->f.label);
            emit_put_number(s, row++, 1, (double)r->city_latest_total, e->f.big_kroner);
            emit_put_string(s, row, 0, emit_format_text(e, "Forvaltningens andel af kommunens bevilling i %d", year),
                       e->f.label);
            emit_put_formula(s, row++, 2, emit_format_text(e, "=IF(B%u=0,0,B%u/B%u)", city_row + 1, granted_row + 1,
                                              city_row + 1),
                        r->city_latest_total ? (double)r->latest_total / (double)r->city_latest_total : 0,
                        e->f.big_pct);
        }
        if (c->frame[latest] >= 0) {
            lxw_row_t frame_row = row;
            const char *whose = r->department >= 0 ? "Kommunens ramme" : "Ramme";
            emit_put_string(s, row, 0, emit_format_text(e, "%s %d", whose, year), e->f.label);
            if (r->department >= 0)
                emit_put_number(s, row++, 1, (double)c->frame[latest], e->f.big_kroner);
            else
                emit_put_formula(s, row++, 1,
                            emit_format_text(e, "=SUMIFS(Bevillingsprofil[Ramme],Bevillingsprofil[År],%d)", year),
                            (double)c->frame[latest], e->f.big_kroner);
            emit_put_string(s, row, 0,
                       r->department >= 0 ? "Kommunens ramme minus kommunens samlede bevilling"
                                          : "Ramme minus bevilget",
                       e->f.label);
            emit_put_formula(s, row++, 1, emit_format_text(e, "=B%u-B%u", frame_row + 1, city_row + 1),
                        (double)c->frame[latest] - r->city_latest_total, e->f.big_kroner);
        }
        for (size_t y = (size_t)latest + 1; y < n_years; y++)
            if (c->frame[y] >= 0) {
                emit_put_string(s, row, 0,
                           emit_format_text(e, "%s %d", r->department >= 0 ? "Kommunens ramme" : "Ramme",
                                   c->budget_years[y]),
                           e->f.label);
                if (r->department >= 0)
                    emit_put_number(s, row++, 1, (double)c->frame[y], e->f.big_kroner);
                else
                    emit_put_formula(s, row++, 1,
                                emit_format_text(e, "=SUMIFS(Bevillingsprofil[Ramme],Bevillingsprofil[År],%d)",
                                        c->budget_years[y]),
                                (double)c->frame[y], e->f.big_kroner);
            }
    } else {
        emit_put_string(s, row++, 0, "Ingen bevillinger i budgetårene", e->f.section);
    }
    row++;

    return row;
}

/* Siden …: changes against the half year before, as formulas over Udvikling. */
static lxw_row_t section_since(emitter *e, sheet *s, lxw_row_t row)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    if (r->has_previous) {
        char before[24];
        sn_period previous = period_previous(r->period);
        period_spoken(&previous, before);
        emit_put_string(s, row++, 0, emit_format_text(e, "Siden %s", before), e->f.section);
        static const struct {
            change_kind kind;
            const char *label;
        } counts[] = {{CHANGE_BETTER, "Indsatser med bedre effekt"},
                      {CHANGE_WORSE, "Indsatser med dårligere effekt"},
                      {CHANGE_EFFECT, "Indsatser med ændret effekt (uden rangorden)"},
                      {CHANGE_NEW, "Nye indsatser"},
                      {CHANGE_ENDED, "Ophørte indsatser"}};
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            emit_put_string(s, row, 0, counts[k].label, e->f.label);
            emit_put_formula(s, row++, 1,
                        emit_format_text(e, "=COUNTIFS(Udvikling[Ændring],%s)",
                                    emit_quoted(e, change_label(counts[k].kind))),
                        (double)r->change_counts[counts[k].kind], e->f.count);
        }
        /* Money whose effect moved into the limited categories, and out. */
        const char *into = "=", *out = "=";
        for (size_t a = 0; a < c->effects.n; a++)
            for (size_t b = 0; b < c->effects.n; b++) {
                if (c->effect_limited[a] == c->effect_limited[b])
                    continue;
                const char *term = emit_format_text(
                    e, "SUMIFS(Udvikling[Bevilling nu],Udvikling[Effekt nu],%s,Udvikling[Effekt før],%s)",
                    emit_quoted(e, c->effects.items[a].label), emit_quoted(e, c->effects.items[b].label));
                if (c->effect_limited[a])
                    into = emit_format_text(e, "%s%s%s", into, into[1] ? "+" : "", term);
                else
                    out = emit_format_text(e, "%s%s%s", out, out[1] ? "+" : "", term);
            }
        emit_put_string(s, row, 0, emit_format_text(e, "Bevilling på indsatser, hvis effekt er gået over til %s",
                                           emit_limited_labels(e)), e->f.wrap);
        tall_row(s, row);
        emit_put_formula(s, row++, 1, into[1] ? into : "=0", r->moved_into_limited, e->f.big_kroner);
        emit_put_string(s, row, 0, "Bevilling på indsatser, hvis effekt er gået den anden vej", e->f.label);
        emit_put_formula(s, row++, 1, out[1] ? out : "=0", r->moved_out_of_limited, e->f.big_kroner);
        row++;
    }

    return row;
}

/* Personale: staffing of non-western background, and stated totals that
 * differ from the sums. */
static lxw_row_t section_staff(emitter *e, sheet *s, lxw_row_t row)
{
    const period_report *r = e->r;
    if (r->has_staff) {
        emit_put_string(s, row++, 0, "Personale med ikke-vestlig baggrund", e->f.section);
        emit_put_string(s, row, 0, "Ansatte (sum af uddannelsesniveauer)", e->f.label);
        emit_put_formula(s, row++, 1, "=SUM(Personale[Ansatte])", (double)r->staff_ansatte, e->f.count);
        emit_put_string(s, row, 0, "Arbejdsstyrke (sum af uddannelsesniveauer)", e->f.label);
        emit_put_formula(s, row++, 1, "=SUM(Personale[Arbejdsstyrke])", (double)r->staff_arbejdsstyrke,
                    e->f.count);
        if (r->stated_arbejdsstyrke >= 0 && r->stated_arbejdsstyrke != r->staff_arbejdsstyrke) {
            emit_put_string(s, row, 0, "Oplyst arbejdsstyrke i alt — afviger fra summen", e->f.label);
            emit_put_number(s, row, 1, (double)r->stated_arbejdsstyrke, e->f.flag_count);
            emit_put_formula(s, row, 2, emit_format_text(e, "=B%u-B%u", row + 1, row),
                        (double)(r->stated_arbejdsstyrke - r->staff_arbejdsstyrke), e->f.flag_count);
            row++;
        }
        if (r->stated_ansatte >= 0 && r->stated_ansatte != r->staff_ansatte) {
            emit_put_string(s, row, 0, "Oplyst antal ansatte i alt — afviger fra summen", e->f.label);
            emit_put_number(s, row++, 1, (double)r->stated_ansatte, e->f.flag_count);
        }
    }
    return row;
}

const char *emit_kroner_text(emitter *e, double kroner)
{
    char buf[48];
    value_format_thousands((__int128)kroner, buf, sizeof buf);
    return emit_format_text(e, "%s", buf);
}

const char *emit_percent_text(emitter *e, double fraction)
{
    return emit_format_text(e, "%.0f %%", fraction * 100);
}

/* Which charts Overblik has: budget by effect (money granted in the latest
 * year), budget against frame (or a department's money by year), staffing
 * shares. */
typedef struct {
    bool by_effect, by_year, staff;
} overblik_charts;

static overblik_charts charts_of(const period_report *r)
{
    bool any_money = false;
    for (size_t y = 0; y < r->n_budget; y++)
        any_money |= r->budget[y].granted != 0;
    return (overblik_charts){
        .by_effect = r->latest_year_index >= 0 && r->latest_total != 0,   /* no empty chart */
        .by_year = r->department < 0 || any_money,
        .staff = r->has_staff && r->n_staff,
    };
}

/* "Bevilling mod ramme pr. år: 2009 bevilget 20.300.000 kr. af en ramme på
 * 26.500.000 kr.; …" */
static const char *by_year_description(emitter *e, const char *title)
{
    const period_report *r = e->r;
    const char *text = emit_format_text(e, "%s:", title);
    for (size_t y = 0; y < r->n_budget; y++) {
        const budget_row *b = &r->budget[y];
        text = emit_format_text(e, "%s%s %d bevilget %s kr.", text, y ? ";" : "", b->year,
                                emit_kroner_text(e, b->granted));
        if (b->frame >= 0)
            text = emit_format_text(e, "%s af en ramme på %s kr.", text, emit_kroner_text(e, (double)b->frame));
    }
    return text;
}

/* "Ansatte mod arbejdsstyrke pr. uddannelsesniveau: Grundskole 30 % af
 * ansatte mod 25 % af arbejdsstyrken; …" */
static const char *staff_description(emitter *e, const char *title)
{
    const period_report *r = e->r;
    const char *text = emit_format_text(e, "%s:", title);
    for (size_t i = 0; i < r->n_staff; i++) {
        const staff_row *x = &r->staff[i];
        double of_staff = r->staff_ansatte ? x->ansatte / r->staff_ansatte : 0;
        text = emit_format_text(e, "%s%s %s %s af ansatte", text, i ? ";" : "", x->level,
                                emit_percent_text(e, of_staff));
        if (x->arbejdsstyrke >= 0 && r->staff_arbejdsstyrke > 0)
            text = emit_format_text(e, "%s mod %s af arbejdsstyrken", text,
                                    emit_percent_text(e, x->arbejdsstyrke / r->staff_arbejdsstyrke));
    }
    return text;
}

/* The charts from row `row` on: a note, then each chart in CHART_ROWS rows
 * of its own. */
static void section_charts(emitter *e, sheet *s, lxw_row_t row, overblik_charts which)
{
    const period_report *r = e->r;
    const config *c = e->cfg;
    int latest = r->latest_year_index;
    lxw_row_t chart_row = row + 1;
    /* Chart ranges are cells (a chart takes no structured reference), read
     * from the one layout the sheet writers used; 1-based here. */
    const workbook_layout *l = &e->layout;
    lxw_row_t first = l->effect_bevilling.first + 1, last = l->effect_bevilling.last + 1;
    if (which.by_effect) {
        const char *latest_col = emit_col_name(e, (lxw_col_t)(2 + latest));
        const char *values[] = {emit_format_text(e, "=Effekt!$%s$%u:$%s$%u", latest_col, first, latest_col, last)};
        const char *names[] = {emit_format_text(e, "Bevilling %d", c->budget_years[latest])};
        const char *title = emit_format_text(e, "Bevilling %d efter effekt", c->budget_years[latest]);
        emit_put_string(s, row, 0,
                   emit_format_text(e, "I diagrammet er %s markeret med rødt", emit_limited_labels(e)), e->f.note);
        emit_overview_chart(e, s->ws, chart_row, LXW_CHART_BAR, title,
                       emit_format_text(e, "%s: %s af %s kr. på %s", title, emit_kroner_text(e, r->latest_limited),
                                        emit_kroner_text(e, r->latest_total), emit_limited_labels(e)),
                       emit_format_text(e, "=Effekt!$A$%u:$A$%u", first, last), values, names, 1, "#,##0",
                       c->effect_limited, r->n_effects);
        chart_row += CHART_ROWS;
    }
    lxw_row_t b1 = l->bevillingsprofil.first + 1, b2 = l->bevillingsprofil.last + 1;
    const char *bvalues[] = {emit_format_text(e, "=Bevilling!$B$%u:$B$%u", b1, b2),
                             emit_format_text(e, "=Bevilling!$C$%u:$C$%u", b1, b2)};
    const char *bnames[] = {"Bevilget", "Ramme"};
    if (which.by_year) {
        /* a department's money alone: the frame is the municipality's */
        const char *title = r->department < 0 ? "Bevilling mod ramme pr. år" : "Forvaltningens bevilling pr. år";
        emit_overview_chart(e, s->ws, chart_row, LXW_CHART_COLUMN, title, by_year_description(e, title),
                       emit_format_text(e, "=Bevilling!$A$%u:$A$%u", b1, b2), bvalues, bnames,
                       r->department < 0 ? 2 : 1, "#,##0", NULL, 0);
        chart_row += CHART_ROWS;
    }
    if (which.staff) {
        lxw_row_t p1 = l->personale.first + 1, p2 = l->personale.last + 1;
        const char *pvalues[] = {emit_format_text(e, "=Personale!$C$%u:$C$%u", p1, p2),
                                 emit_format_text(e, "=Personale!$E$%u:$E$%u", p1, p2)};
        const char *pnames[] = {"Andel af ansatte", "Andel af arbejdsstyrke"};
        const char *title = "Ansatte mod arbejdsstyrke pr. uddannelsesniveau";
        emit_overview_chart(e, s->ws, chart_row, LXW_CHART_COLUMN, title, staff_description(e, title),
                       emit_format_text(e, "=Personale!$A$%u:$A$%u", p1, p2), pvalues, pnames, 2, "0%",
                       NULL, 0);
    }
}

/* The print set-up: one scale for the sheet, chosen so that the widest
 * thing (a chart) fits the page's width and each page its content, and a
 * page break before the charts when figures and charts do not fit one page
 * together — so no chart is cut by a break and the sheet prints on at most
 * two pages. The scale stays at MIN_SCALE or more (a figures page that would
 * need less prints across pages instead). `figures_end` is the first row
 * after the figures; charts_at the row the charts start at. */
static void plan_pages(sheet *s, lxw_row_t figures_end, lxw_row_t charts_at, size_t n_charts,
                       double columns_chars)
{
    double figures = TITLE_ROW_PT + (double)(figures_end - 1) * FIGURE_ROW_PT +
                     s->tall_rows * (TALL_ROW_PT - FIGURE_ROW_PT);
    double charts = n_charts ? ROW_PT + (double)(n_charts * CHART_ROWS) * ROW_PT : 0;
    double gap = (double)(charts_at - figures_end) * ROW_PT;
    /* 3 % kept free: a viewer's row heights may round up */
    /* a column of w characters is 7 w + 5 pixels in the default font */
    double columns_pt = (7.0 * columns_chars + 15.0) * WIDTH_PT_PER_PIXEL;
    double widest = n_charts && CHART_WIDTH_PT > columns_pt ? CHART_WIDTH_PT : columns_pt;
    double width_scale = 0.97 * PAGE_PORTRAIT_WIDTH_PT / widest;
    double fit = 0.97 * PAGE_PORTRAIT_HEIGHT_PT;
    double scale = width_scale < 1 ? width_scale : 1;
    bool apart = (figures + gap + charts) * scale > fit;
    double tallest = apart ? (figures > charts ? figures : charts) : figures + gap + charts;
    if (tallest * scale > fit)
        scale = fit / tallest;
    if (scale < MIN_SCALE)
        scale = MIN_SCALE;
    worksheet_set_portrait(s->ws);
    worksheet_set_paper(s->ws, 9);   /* A4 */
    worksheet_set_print_scale(s->ws, (uint16_t)(scale * 100));   /* rounded down: still fits */
    if (apart) {
        lxw_row_t breaks[] = {charts_at, 0};
        emit_check(s->e, worksheet_set_h_pagebreaks(s->ws, breaks), "Overblik");
    }
}

void emit_sheet_overblik(emitter *e)
{
    const period_report *r = e->r;
    sheet s = emit_new_sheet(e, "Overblik");
    if (!s.ws)
        return;
    char spoken[24];
    period_spoken(&r->period, spoken);
    emit_put_string(&s, 0, 0, emit_format_text(e, "Statusredegørelse %s", spoken), e->f.title);
    emit_put_string(&s, 1, 0, emit_format_text(e, "Integrationspolitikkens konkrete initiativer · %s", r->scope_label),
                    e->f.subtitle);
    lxw_row_t row = section_documents(e, &s, 3);
    row = section_money(e, &s, row);
    row = section_since(e, &s, row);
    row = section_staff(e, &s, row);
    overblik_charts which = charts_of(r);
    size_t n_charts = (size_t)which.by_effect + which.by_year + which.staff;
    lxw_row_t charts_at = row + 1;
    section_charts(e, &s, charts_at, which);
    /* fixed widths (the charts' note runs over the empty cells beside it) */
    s.width[0] = 62;
    s.width[1] = 18;
    s.width[2] = 12;
    plan_pages(&s, row, charts_at, n_charts, s.width[0] + s.width[1] + s.width[2]);
    for (size_t col = 0; col < 3; col++)
        emit_check(e, worksheet_set_column(s.ws, (lxw_col_t)col, (lxw_col_t)col, s.width[col],
                                      col == 0 ? e->f.wrap : NULL),
              "Overblik");
    worksheet_activate(s.ws);
}
