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
#include "overview_rows.h"
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

/* A period's rows in the overview across periods (overview_rows.h): its
 * Overblik's figures, every initiative of its Indsatser by department and
 * id whose amounts sum to those figures, its rejected deliveries — and they
 * come back from their text (the cache) exactly, sums past 2^53 included. */
static void a_period_in_the_overview(void **state)
{
    (void)state;
    period_fixture pf = {0};
    load_fixtures(&pf);
    arena *a = arena_new();
    const config *cfg = test_config();
    period_report *city = (period_report *)report(&pf, -1, a);
    period_summary row = aggregate_summary(city);
    assert_int_equal(row.department, -1);
    assert_int_equal(row.latest_year, 2009);
    assert_double_equal(row.granted, 20300000, 0);
    assert_double_equal(row.limited, 12400000, 0);
    assert_int_equal(row.frame, 26500000);
    assert_int_equal(row.indsatser, 16);
    assert_int_equal(row.accepted, 5);
    assert_int_equal(row.rejected, 1);
    int sof = vocab_find_code(&cfg->departments, "SOF");
    period_report *sof_report = (period_report *)report(&pf, sof, a);
    period_summary dep = aggregate_summary(sof_report);
    assert_int_equal(dep.department, sof);
    assert_double_equal(dep.granted, 6000000, 0);
    assert_int_equal(dep.frame, -1);                     /* the frame is the municipality's */

    sof_report->latest_total = 2e19 + 4096;              /* a sum of 10^15 amounts */
    sof_report->latest_limited = 123456789012345678.0;
    period_report *reports[] = {city, sof_report};
    strbuf text = STRBUF_INIT;
    assert_true(overview_rows_of_period(&text, cfg, pf.l, reports, 2));
    size_t summaries = 0, initiatives = 0, rejections = 0;
    double granted = 0, limited = 0;
    int last_department = -1;
    char last_id[64] = "";
    for (char *line = text.buf, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
        *nl = '\0';
        period_summary back;
        overview_initiative x;
        overview_rejection r;
        size_t run;
        switch (overview_row_kind(line)) {
        case 'S':
            assert_true(overview_parse_summary(line, cfg, &back));
            if (summaries++ == 1) {
                assert_int_equal(back.department, sof);
                assert_true(back.granted == 2e19 + 4096 && back.limited == 123456789012345678.0);
                assert_int_equal(back.frame, -1);
            } else {
                assert_true(back.granted == row.granted && back.frame == row.frame);
            }
            break;
        case 'I':
            assert_true(overview_parse_initiative(line, cfg, &x));
            assert_int_equal(x.latest_year, 2009);
            /* by department, then id */
            assert_true(x.department > last_department ||
                        (x.department == last_department && strcmp(x.id, last_id) > 0));
            last_department = x.department;
            snprintf(last_id, sizeof last_id, "%s", x.id);
            granted += x.amount;
            limited += x.limited ? x.amount : 0;
            initiatives++;
            break;
        case 'R':
            assert_true(overview_parse_rejection(line, cfg, &r, &run));
            assert_non_null(r.code);
            assert_true(r.code[0] != '\0');
            rejections++;
            break;
        default:
            fail_msg("not a row: %s", line);
        }
    }
    assert_int_equal(summaries, 2);
    assert_int_equal(initiatives, row.indsatser);
    assert_double_equal(granted, row.granted, 0);        /* Bevilget in Perioder */
    assert_double_equal(limited, row.limited, 0);        /* Heraf begrænset effekt */
    assert_int_equal(rejections, row.rejected);
    strbuf_release(&text);

    char bad[] = "S\t2008-H2\tXYZ\t2009\t1\t1\t-1\t1\t1\t0";   /* no such department */
    period_summary back;
    assert_false(overview_parse_summary(bad, cfg, &back));
    char short_line[] = "S\t2008-H2\tSOF\t2009";
    assert_false(overview_parse_summary(short_line, cfg, &back));
    arena_free(a);
    free_fixtures(&pf);
}

/* A text with TABs, line breaks and backslashes comes back as it was. */
static void initiative_texts_round_trip(void **state)
{
    (void)state;
    const config *cfg = test_config();
    kroner_sum kroner[8] = {0};
    bool has[8] = {0};
    indsats_row x = {.department = cfg->departments.items[0].label, .id = "A\\1",
                     .title = "Linje et\tTAB\nlinje to \\n ikke et linjeskift", .theme = "Bolig",
                     .status = "Igangsat", .effect = "Ingen effekt", .source = "fil\tnavn.xml",
                     .department_index = 0, .limited = true, .bevilling = {kroner, has}};
    period_report r = {.cfg = cfg, .period = {2009, 1}, .department = -1, .latest_year_index = -1,
                       .indsatser = &x, .n_indsatser = 1};
    period_report *reports[] = {&r};
    strbuf text = STRBUF_INIT;
    ledger *l = ledger_new(cfg, 0);
    assert_true(overview_rows_of_period(&text, cfg, l, reports, 1));
    char *i_line = strstr(text.buf, "\nI\t");
    assert_non_null(i_line);
    i_line++;
    *strchr(i_line, '\n') = '\0';                        /* one line: nothing unescaped in it */
    overview_initiative back;
    assert_true(overview_parse_initiative(i_line, cfg, &back));
    assert_string_equal(back.title, x.title);
    assert_string_equal(back.id, x.id);
    assert_string_equal(back.source, x.source);
    assert_int_equal(back.latest_year, 0);                /* nothing granted */
    assert_true(back.amount == 0 && back.limited && !back.effect_derived);
    strbuf_release(&text);
    ledger_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_councils_question),
        cmocka_unit_test(a_department_against_the_municipality),
        cmocka_unit_test(sums_past_64_bits),
        cmocka_unit_test(a_period_in_the_overview),
        cmocka_unit_test(initiative_texts_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
