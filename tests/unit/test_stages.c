/* test_stages.c — normalize and validate as a specification, each stage on
 * its own: a raw document from ingest becomes whole kroner, fractions, ISO
 * dates, the canonical period and vocabulary indexes (normalize); the rules
 * that look across values find duplicate ids and years, years outside the
 * budget and totals that differ from their rows (validate). */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ingest.h"
#include "normalize.h"
#include "support.h"
#include "validate.h"

typedef struct {
    arena *a;
    findings f;
    document *doc;
} staged;

/* One document with `indsatser` inside <indsatser> (and anything after it). */
static void stage(staged *s, const char *indsatser, const char *after)
{
    char xml[8192];
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<statusnotat xmlns=\"urn:kk:integration:statusnotat:1\" version=\"1.0\">\n"
             "<hoved><forvaltning kode=\"SOF\">Socialforvaltningen</forvaltning>"
             "<periode>2. halvår 2008</periode><indsendt>pr. 1. oktober 2008</indsendt></hoved>\n"
             "<indsatser>\n%s</indsatser>\n%s</statusnotat>\n",
             indsatser, after);
    s->a = arena_new();
    assert_non_null(s->a);
    findings_init(&s->f, s->a, "t.xml");
    source_info src;
    raw_document *raw = NULL;
    assert_int_equal(ingest_memory(xml, strlen(xml), "t.xml", test_config(), s->a, &s->f, &src, &raw), 0);
    assert_non_null(raw);
    s->doc = normalize_document(raw, test_config(), s->a, &s->f);
    assert_non_null(s->doc);
}

static const char one[] =
    "<indsats id=\"A-1\"><titel>A</titel><tema>Bolig</tema>"
    "<bevilling aar=\"2009\">26,5 mio. kr.</bevilling><bevilling aar=\"2010\">13.942 kr.</bevilling>"
    "<status>igangsat</status><effekt vurdering=\"begraenset\">x</effekt>"
    "<indikator navn=\"Andel\" enhed=\"pct\" aar=\"2008\">5,3 %</indikator></indsats>\n";

static void normalize_values(void **state)
{
    (void)state;
    staged s;
    stage(&s, one, "");
    const document *d = s.doc;
    assert_int_equal(s.f.errors, 0);
    assert_true(d->has_period);
    assert_int_equal(d->period.year, 2008);
    assert_int_equal(d->period.half, 2);
    assert_true(d->has_indsendt);
    assert_int_equal(d->indsendt.year, 2008);
    assert_int_equal(d->indsendt.month, 10);
    assert_int_equal(d->indsendt.day, 1);
    assert_true(d->department >= 0);
    assert_string_equal(test_config()->departments.items[d->department].label, "Socialforvaltningen");
    assert_int_equal(d->n_indsatser, 1);
    const indsats *x = &d->indsatser[0];
    assert_string_equal(x->id, "A-1");
    assert_int_equal(x->n_bevillinger, 2);
    assert_int_equal(x->bevillinger[0].year, 2009);
    assert_int_equal(x->bevillinger[0].kroner, 26500000);
    assert_int_equal(x->bevillinger[1].kroner, 13942);
    assert_true(x->effect >= 0);
    assert_false(x->effect_derived);
    assert_int_equal(x->n_indikatorer, 1);
    assert_int_equal(x->indikatorer[0].value.kind, INDICATOR_PERCENT);
    assert_double_equal(x->indikatorer[0].value.value, 0.053, 1e-12);
    assert_true(validate_document(d, test_config(), &s.f));
    assert_int_equal(s.f.errors, 0);
    arena_free(s.a);
}

static void normalize_refuses_and_leaves_out(void **state)
{
    (void)state;
    staged s;
    /* "26.5" in talformat da is no amount: an error, and the bevilling left out. */
    stage(&s,
          "<indsats id=\"A-1\"><titel>A</titel><tema>Bolig</tema>"
          "<bevilling aar=\"2009\">26.5 mio. kr.</bevilling><status>igangsat</status>"
          "<effekt vurdering=\"ingen\">x</effekt></indsats>\n",
          "");
    assert_true(s.f.errors >= 1);
    assert_int_equal(s.doc->indsatser[0].n_bevillinger, 0);
    arena_free(s.a);
}

static void validate_across_values(void **state)
{
    (void)state;
    staged s;
    /* The same id twice, and the same year twice in one indsats. */
    stage(&s,
          "<indsats id=\"A-1\"><titel>A</titel><tema>Bolig</tema>"
          "<bevilling aar=\"2009\">1 mio. kr.</bevilling><bevilling aar=\"2009\">2 mio. kr.</bevilling>"
          "<status>igangsat</status><effekt vurdering=\"ingen\">x</effekt></indsats>\n"
          "<indsats id=\"A-1\"><titel>B</titel><tema>Bolig</tema>"
          "<bevilling aar=\"2009\">1 mio. kr.</bevilling><status>igangsat</status>"
          "<effekt vurdering=\"ingen\">x</effekt></indsats>\n",
          "");
    size_t before = s.f.errors;
    assert_true(validate_document(s.doc, test_config(), &s.f));
    assert_true(s.f.errors >= before + 2);
    arena_free(s.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_values),
        cmocka_unit_test(normalize_refuses_and_leaves_out),
        cmocka_unit_test(validate_across_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
