/* test_aggregate.c — the sums the council reads, as a specification, on the
 * fixtures (the 2008 report): the 2009 budget of 20.300.000 kr., of which
 * 12.400.000 kr. (61,1 %) on initiatives with limited, minimal, no or
 * undocumented effect; staffing 4.217 employees against a workforce summed to
 * 29.071 where ØKF states 29.271; a department's money against the
 * municipality's; and sums past what 64 bits hold, without overflow. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "ledger.h"
#include "overview.h"
#include "support.h"
#include "strbuf.h"

typedef struct {
    ledger *l;
    period_document docs[16];
    processed_file read_again[16];   /* the documents the cache does not hold */
    source_row sources[16];
    size_t n_docs, n_sources;
} period_fixture;

static void free_fixtures(period_fixture *pf)
{
    for (size_t i = 0; i < pf->n_docs; i++)
        processed_file_release(&pf->read_again[i]);
    ledger_free(pf->l);
}

static void load_fixtures(period_fixture *pf)
{
    pf->l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    DIR *d = opendir(STATUSNOTAT_FIXTURES);
    assert_non_null(d);
    struct dirent *e;
    char names[16][256];
    size_t n = 0;
    while ((e = readdir(d)) && n < 16)
        if (e->d_name[0] != '.')
            snprintf(names[n++], 256, "%s", e->d_name);
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        strbuf path = STRBUF_INIT;
        assert_true(strbuf_addf(&path, "%s/%s", STATUSNOTAT_FIXTURES, names[i]));
        assert_non_null(ledger_take_file(pf->l, path.buf, names[i], 0));
        strbuf_release(&path);
    }
    sn_period h2 = {2008, 2};
    for (size_t i = 0; i < ledger_count(pf->l); i++) {
        ledger_entry *x = ledger_get(pf->l, i);
        if (!x->row.id.has_period || period_compare(&x->row.id.period, &h2) != 0)
            continue;
        pf->sources[pf->n_sources++] = x->row;
        if (x->row.status == SOURCE_ACCEPTED) {
            char err[256];
            const document *doc = ledger_load(x, test_config(), &pf->read_again[pf->n_docs], err,
                                              sizeof err);
            assert_non_null(doc);
            pf->docs[pf->n_docs++] = (period_document){doc, x->row.id.name};
        }
    }
}

static const period_report *report(period_fixture *pf, int department, arena *a)
{
    aggregate_input in = {.cfg = test_config(), .period = {2008, 2}, .department = department,
                          .docs = pf->docs, .n_docs = pf->n_docs, .sources = pf->sources,
                          .n_sources = pf->n_sources};
    const period_report *r = aggregate_period(&in, a);
    assert_non_null(r);
    return r;
}

static void the_councils_question(void **state)
{
    (void)state;
    period_fixture pf = {0};
    load_fixtures(&pf);
    assert_int_equal(pf.n_docs, 5);
    arena *a = arena_new();
    const period_report *r = report(&pf, -1, a);
    assert_int_equal(test_config()->budget_years[r->latest_year_index], 2009);
    assert_double_equal(r->latest_total, 20300000, 0);
    assert_double_equal(r->latest_limited, 12400000, 0);
    assert_double_equal(r->latest_limited / r->latest_total, 0.6108, 0.0001);
    assert_double_equal(r->city_latest_total, 20300000, 0);
    assert_int_equal(r->docs_accepted, 5);
    assert_int_equal(r->docs_rejected, 1);
    /* Staffing: the rows sum to 4.217 and 29.071; ØKF states 29.271. */
    assert_true(r->has_staff);
    assert_double_equal(r->staff_ansatte, 4217, 0);
    assert_double_equal(r->staff_arbejdsstyrke, 29071, 0);
    assert_double_equal(r->stated_arbejdsstyrke, 29271, 0);
    assert_double_equal(r->stated_ansatte, 4217, 0);
    /* Every effect category listed, and their money adds up to the year's. */
    assert_int_equal(r->n_effects, test_config()->effects.n);
    double sum = 0;
    size_t count = 0;
    for (size_t k = 0; k < r->n_effects; k++) {
        sum += r->effects[k].bevilling.kroner[r->latest_year_index];
        count += r->effects[k].count;
    }
    assert_double_equal(sum, r->latest_total, 0);
    assert_int_equal(count, r->n_indsatser);
    arena_free(a);
    free_fixtures(&pf);
}

static void a_department_against_the_municipality(void **state)
{
    (void)state;
    period_fixture pf = {0};
    load_fixtures(&pf);
    arena *a = arena_new();
    int buf = vocab_find_code(&test_config()->departments, "BUF");
    int sof = vocab_find_code(&test_config()->departments, "SOF");
    const period_report *r = report(&pf, buf, a);
    assert_double_equal(r->latest_total, 0, 0);        /* BUF grants nothing in 2009 */
    assert_double_equal(r->city_latest_total, 20300000, 0);
    for (size_t y = 0; y < r->n_budget; y++)
        assert_true(r->budget[y].frame < 0);           /* never against the frame */
    r = report(&pf, sof, a);
    assert_double_equal(r->latest_total, 6000000, 0);  /* 0,5 + 1 + 3,5 + 1,0 mio. kr. */
    assert_double_equal(r->latest_limited, 4500000, 0);
    arena_free(a);
    free_fixtures(&pf);
}

static void sums_past_64_bits(void **state)
{
    (void)state;
    /* 20 000 amounts of 10^15 kr. (the bound) sum to 2 * 10^19 > INT64_MAX. */
    static indsats many[20000];
    static bevilling money[20000];
    for (size_t i = 0; i < 20000; i++) {
        money[i] = (bevilling){.year = 2009, .kroner = 1000000000000000LL};
        many[i] = (indsats){.id = "X", .title = "t", .theme = 0, .status = 0, .effect = 4,
                            .anbefaling = -1, .bevillinger = &money[i], .n_bevillinger = 1};
    }
    document doc = {.department = 0, .has_period = true, .period = {2008, 2},
                    .indsatser = many, .n_indsatser = 20000};
    period_document docs[] = {{&doc, "x.xml"}};
    aggregate_input in = {.cfg = test_config(), .period = {2008, 2}, .department = -1, .docs = docs,
                          .n_docs = 1};
    arena *a = arena_new();
    const period_report *r = aggregate_period(&in, a);
    assert_non_null(r);
    assert_double_equal(r->latest_total, 2e19, 0);
    assert_double_equal(r->latest_limited, 2e19, 0);   /* ingen effekt */
    assert_true(r->latest_total > 0);
    arena_free(a);
}

/* A period's row in the overview across periods is its Overblik's figures,
 * and it comes back from its text (the cache, a worker's pipe) exactly, sums
 * past 2^53 included. */
static void a_period_in_the_overview(void **state)
{
    (void)state;
    period_fixture pf = {0};
    load_fixtures(&pf);
    arena *a = arena_new();
    period_summary row = aggregate_summary(report(&pf, -1, a));
    assert_int_equal(row.department, -1);
    assert_int_equal(row.latest_year, 2009);
    assert_double_equal(row.granted, 20300000, 0);
    assert_double_equal(row.limited, 12400000, 0);
    assert_int_equal(row.frame, 26500000);
    assert_int_equal(row.indsatser, 16);
    assert_int_equal(row.accepted, 5);
    assert_int_equal(row.rejected, 1);
    int sof = vocab_find_code(&test_config()->departments, "SOF");
    period_summary dep = aggregate_summary(report(&pf, sof, a));
    assert_int_equal(dep.department, sof);
    assert_double_equal(dep.granted, 6000000, 0);
    assert_int_equal(dep.frame, -1);                     /* the frame is the municipality's */

    dep.granted = 2e19 + 4096;                           /* a sum of 10^15 amounts */
    dep.limited = 123456789012345678.0;
    char line[512];
    assert_true(summary_format(&dep, test_config(), line, sizeof line));
    assert_non_null(strstr(line, "2008-H2\tSOF\t2009\t"));
    period_summary back;
    assert_true(summary_parse(line, test_config(), &back));
    assert_int_equal(back.department, sof);
    assert_true(back.granted == dep.granted && back.limited == dep.limited);
    assert_int_equal(back.indsatser, dep.indsatser);
    assert_int_equal(back.frame, -1);
    char bad[] = "2008-H2\tXYZ\t2009\t1\t1\t-1\t1\t1\t0";   /* no such department */
    assert_false(summary_parse(bad, test_config(), &back));
    char short_line[] = "2008-H2\tSOF\t2009";
    assert_false(summary_parse(short_line, test_config(), &back));
    arena_free(a);
    free_fixtures(&pf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_councils_question),
        cmocka_unit_test(a_department_against_the_municipality),
        cmocka_unit_test(sums_past_64_bits),
        cmocka_unit_test(a_period_in_the_overview),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
