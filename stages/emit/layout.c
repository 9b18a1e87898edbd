/* layout.c — where every table stands, decided once from the report before
 * anything is written (the charts on Overblik read their ranges from here). */
#include "emit_parts.h"

/* A table of n rows with its header at `header`. */
table_place emit_place_table(lxw_row_t header, size_t n)
{
    table_place t = {.header = header, .first = header + 1};
    t.last = header + (lxw_row_t)(n ? n : 1);
    t.total = t.last + 1;
    return t;
}

workbook_layout emit_plan_layout(const period_report *r)
{
    workbook_layout l;
    l.effect_bevilling = emit_place_table(0, r->n_effects);
    l.effect_forvaltning = emit_place_table(l.effect_bevilling.total + 3, r->n_effect_departments);
    l.bevillingsprofil = emit_place_table(0, r->n_budget);
    l.bevilling_tema = emit_place_table(l.bevillingsprofil.total + 2, r->n_themes);
    l.personale = emit_place_table(0, r->n_staff);
    l.udvikling = emit_place_table(2, r->n_changes);   /* under its title line */
    return l;
}
