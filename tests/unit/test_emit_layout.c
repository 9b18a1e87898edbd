/* test_emit_layout.c — where emit puts every table (layout.c): decided once
 * from the report, each table's header, data rows and total, one empty data
 * row for a table without rows, the tables of one sheet stacked with their
 * gaps, the charts' ranges read from the same places. */
#include <string.h>

#include "emit_parts.h"
#include "support.h"

static void places(void **state)
{
    (void)state;
    table_place t = emit_place_table(0, 3);
    assert_int_equal(t.header, 0);
    assert_int_equal(t.first, 1);
    assert_int_equal(t.last, 3);
    assert_int_equal(t.total, 4);
    table_place empty = emit_place_table(5, 0);   /* one empty data row */
    assert_int_equal(empty.first, 6);
    assert_int_equal(empty.last, 6);
    assert_int_equal(empty.total, 7);
}

static void a_workbook_layout(void **state)
{
    (void)state;
    period_report r;
    memset(&r, 0, sizeof r);
    r.n_effects = 7;
    r.n_effect_departments = 3;
    r.n_budget = 2;
    r.n_themes = 4;
    r.n_staff = 0;
    r.n_changes = 5;
    workbook_layout l = emit_plan_layout(&r);
    assert_int_equal(l.effect_bevilling.header, 0);
    assert_int_equal(l.effect_bevilling.total, 8);
    /* The second table on Effekt stands three rows under the first's total. */
    assert_int_equal(l.effect_forvaltning.header, l.effect_bevilling.total + 3);
    assert_int_equal(l.effect_forvaltning.last, l.effect_forvaltning.header + 3);
    assert_int_equal(l.bevilling_tema.header, l.bevillingsprofil.total + 2);
    assert_int_equal(l.personale.first, l.personale.last);   /* no staff: one empty row */
    assert_int_equal(l.udvikling.header, 2);                 /* under Udvikling's title */
    assert_int_equal(l.udvikling.last, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(places),
        cmocka_unit_test(a_workbook_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
