/* test_fixtures.c — the examples of FORMAT.md (copied into fixtures/) behave
 * as their names say, with the values the 2008 report states. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "process.h"
#include "support.h"

static processed_file result;

static int teardown(void **state)
{
    (void)state;
    processed_file_release(&result);
    return 0;
}

static const processed_file *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", STATUSNOTAT_FIXTURES, name);
    processed_file_release(&result);
    assert_int_equal(process_file(path, name, test_config(), &result), 0);
    return &result;
}

static const indsats *find_indsats(const document *d, const char *id)
{
    for (size_t i = 0; i < d->n_indsatser; i++)
        if (strcmp(d->indsatser[i].id, id) == 0)
            return &d->indsatser[i];
    fail_msg("no indsats %s", id);
    return NULL;
}

static int64_t kroner(const indsats *x, int year)
{
    for (size_t j = 0; j < x->n_bevillinger; j++)
        if (x->bevillinger[j].year == year)
            return x->bevillinger[j].kroner;
    return -1;
}

static const char *effect_code(const indsats *x)
{
    return test_config()->effects.items[x->effect].code;
}

static void every_fixture_as_named(void **state)
{
    (void)state;
    DIR *dir = opendir(STATUSNOTAT_FIXTURES);
    assert_non_null(dir);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.' || e->d_type == DT_DIR)   /* 2008-H1/: the half year before */
            continue;
        const processed_file *p = load(e->d_name);
        bool bad = strncmp(e->d_name, "bad-", 4) == 0;
        if (p->accepted == bad)
            fail_msg("%s: %s", e->d_name, p->accepted ? "accepted" : "rejected");
        if (bad)
            assert_true(p->findings.errors > 0);
        seen++;
    }
    closedir(dir);
    assert_true(seen >= 7);
}

static void oekf_workforce_total(void **state)
{
    (void)state;
    const processed_file *p = load("OEKF-2008-H2.xml");
    assert_true(p->accepted);
    assert_int_equal(p->findings.errors, 0);
    assert_int_equal(p->findings.warnings, 1);
    const finding *w = find_code(&p->findings, F_TOTAL_MISMATCH);
    assert_non_null(w);
    assert_int_equal(w->severity, SEVERITY_WARNING);
    assert_int_equal(w->line, 87);
    assert_non_null(strstr(w->message, "29.271"));
    assert_non_null(strstr(w->message, "29.071"));
    assert_string_equal(w->path, "/statusnotat/personale/total/@arbejdsstyrke");

    const document *d = p->doc;
    assert_string_equal(test_config()->departments.items[d->department].code, "ØKF");
    assert_string_equal(test_config()->departments.items[d->department].file_code, "OEKF");
    assert_int_equal(d->period.year, 2008);
    assert_int_equal(d->period.half, 2);
    assert_int_equal(d->n_indsatser, 6);
    assert_int_equal(kroner(find_indsats(d, "ARB-01"), 2009), 6400000);
    assert_int_equal(kroner(find_indsats(d, "ARB-03"), 2008), 300000);
    assert_int_equal(kroner(find_indsats(d, "ARB-03"), 2009), 300000);   /* "300.000 kr." */
    assert_int_equal(kroner(find_indsats(d, "ARB-04"), 2009), 200000);   /* "200 t.kr." */
    assert_int_equal(kroner(find_indsats(d, "ARB-05"), 2009), -1);
    assert_string_equal(effect_code(find_indsats(d, "ARB-06")), "ikke_dokumenteret");
    const indsats *arb6 = find_indsats(d, "ARB-06");
    assert_int_equal(arb6->indikatorer[0].value.kind, INDICATOR_RANGE);
    assert_double_equal(arb6->indikatorer[0].value.low, 80, 0);
    const personale *staff = d->personale;
    assert_non_null(staff);
    assert_int_equal(staff->n_niveauer, 5);
    int64_t ansatte = 0, arbejdsstyrke = 0;
    for (size_t k = 0; k < staff->n_niveauer; k++) {
        ansatte += staff->niveauer[k].ansatte;
        arbejdsstyrke += staff->niveauer[k].arbejdsstyrke;
    }
    assert_int_equal(ansatte, 4217);
    assert_int_equal(arbejdsstyrke, 29071);
    assert_int_equal(staff->total_arbejdsstyrke, 29271);
    assert_int_equal(staff->niveauer[3].arbejdsstyrke, 13942);   /* "13.942" */
    assert_double_equal(staff->niveauer[0].pct_ansatte, 0.053, 1e-12);
    assert_true(staff->has_opgjort);
    assert_int_equal(staff->opgjort.month, 1);
}

static void ambiguous_amount_on_line_12(void **state)
{
    (void)state;
    const processed_file *p = load("bad-ambiguous-amount.xml");
    assert_false(p->accepted);
    assert_int_equal(p->findings.errors, 1);
    const finding *x = find_code(&p->findings, F_AMOUNT_INVALID);
    assert_non_null(x);
    assert_int_equal(x->line, 12);
    assert_string_equal(x->path, "/statusnotat/indsatser/indsats[1]/bevilling[1]");
    assert_non_null(strstr(x->message, "26.5 mio. kr."));
}

static void entity_expansion_refused(void **state)
{
    (void)state;
    const processed_file *p = load("bad-entity-expansion.xml");
    assert_false(p->accepted);
    assert_null(p->doc);
    const finding *x = find_code(&p->findings, F_XML_DTD);
    assert_non_null(x);
    assert_int_equal(x->line, 2);
}

static void br_effect_derived(void **state)
{
    (void)state;
    const processed_file *p = load("BR-2008-H2.xml");
    assert_true(p->accepted);
    const finding *x = find_code(&p->findings, F_EFFECT_DERIVED);
    assert_non_null(x);
    assert_int_equal(x->line, 15);
    const indsats *dis = find_indsats(p->doc, "DIS-01");
    assert_true(dis->effect_derived);
    assert_string_equal(effect_code(dis), "begraenset");
    assert_int_equal(p->doc->indsendt.year, 2008);
    assert_int_equal(p->doc->indsendt.month, 11);
    assert_int_equal(p->doc->indsendt.day, 28);
    assert_false(p->doc->indsendt.fuzzy);
    assert_string_equal(test_config()->departments.items[p->doc->department].code, "BR");
}

static void buf_latin1_and_fuzzy(void **state)
{
    (void)state;
    const processed_file *p = load("BUF-2008-H2.xml");
    assert_true(p->accepted);
    assert_int_equal(p->findings.n, 0);
    const document *d = p->doc;
    assert_true(d->indsendt.fuzzy);
    assert_int_equal(d->indsendt.day, 30);   /* ultimo november 2008 */
    const indsats *mrt1 = find_indsats(d, "MRT-01");
    assert_string_equal(effect_code(mrt1), "for_tidligt");
    assert_int_equal(mrt1->indikatorer[0].value.kind, INDICATOR_OUT_OF);
    assert_double_equal(mrt1->indikatorer[0].value.total, 20, 0);
    const indsats *mrt2 = find_indsats(d, "MRT-02");
    assert_string_equal(effect_code(mrt2), "maerkbar");
    assert_true(mrt2->indikatorer[0].has_date);
    assert_true(mrt2->indikatorer[0].date.fuzzy);
    assert_int_equal(mrt2->indikatorer[0].date.month, 6);   /* medio 2008 */
    assert_int_equal(mrt2->indikatorer[1].value.kind, INDICATOR_PERCENT);
    assert_double_equal(mrt2->indikatorer[1].value.value, 0.8, 1e-12);
    assert_string_equal(mrt2->indikatorer[2].name, "Ønskede yderligere optag");
}

static void sof_and_bif(void **state)
{
    (void)state;
    const processed_file *p = load("SOF-2008-H2.xml");
    assert_true(p->accepted);
    const indsats *bol3 = find_indsats(p->doc, "BOL-03");
    assert_int_equal(kroner(bol3, 2009), 3500000);
    assert_string_equal(test_config()->anbefalinger.items[bol3->anbefaling].code, "undersoeg");
    assert_int_equal(kroner(find_indsats(p->doc, "BOL-04"), 2009), 1000000);   /* 1.000 t.kr. */
    assert_int_equal(kroner(find_indsats(p->doc, "MRT-03"), 2008), 1000000);   /* 1,0 mill.kr. */
    assert_string_equal(effect_code(find_indsats(p->doc, "MRT-05")), "for_tidligt");

    p = load("BIF-2008-H2.xml.gz");
    assert_true(p->accepted);
    assert_true(p->source.gzip);
    assert_int_equal(p->source.bytes, 432);
    assert_int_equal(p->doc->period.half, 2);
    assert_int_equal(p->doc->indsendt.day, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(every_fixture_as_named, teardown),
        cmocka_unit_test_teardown(oekf_workforce_total, teardown),
        cmocka_unit_test_teardown(ambiguous_amount_on_line_12, teardown),
        cmocka_unit_test_teardown(entity_expansion_refused, teardown),
        cmocka_unit_test_teardown(br_effect_derived, teardown),
        cmocka_unit_test_teardown(buf_latin1_and_fuzzy, teardown),
        cmocka_unit_test_teardown(sof_and_bif, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
