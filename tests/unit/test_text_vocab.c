/* test_text_vocab.c — folding, whitespace, the vocabularies of the default
 * configuration, the effect phrase table, and configuration errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_load.h"
#include "support.h"
#include "text.h"

static void collapse_and_fold(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *messy = "  Kan have\n        en  effekt \t";
    assert_string_equal(text_collapse(a, messy, strlen(messy)), "Kan have en effekt");
    assert_string_equal(text_collapse(a, "26,5\xC2\xA0mio. kr.", 15), "26,5 mio. kr.");
    assert_string_equal(text_collapse(a, " \n ", 3), "");
    assert_string_equal(text_fold(a, "Økonomiforvaltningen"), "oekonomiforvaltningen");
    assert_string_equal(text_fold(a, "BØRNE- og  Ungdomsforvaltningen"), "boerne- og ungdomsforvaltningen");
    assert_string_equal(text_fold(a, "Borgerrådgiveren"), "borgerraadgiveren");
    assert_string_equal(text_fold(a, "ikke_igangsat"), "ikke igangsat");
    assert_string_equal(text_fold(a, "ÆØÅ æøå"), "aeoeaa aeoeaa");
    arena_free(a);
}

static int dep(const char *s)
{
    return vocab_match(&test_config()->departments, s);
}

static const char *dep_code(const char *s)
{
    int i = dep(s);
    return i < 0 ? "(none)" : test_config()->departments.items[i].code;
}

static void departments(void **state)
{
    (void)state;
    assert_string_equal(dep_code("Økonomiforvaltningen"), "ØKF");
    assert_string_equal(dep_code("Oekonomiforvaltningen"), "ØKF");
    assert_string_equal(dep_code("økonomiforvaltning"), "ØKF");     /* without -en */
    assert_string_equal(dep_code("ØKF"), "ØKF");
    assert_string_equal(dep_code("OEKF"), "ØKF");
    assert_string_equal(dep_code("oekf"), "ØKF");
    assert_string_equal(dep_code("Borgerraadgiveren"), "BR");
    assert_string_equal(dep_code("Borgerrådgiver"), "BR");
    assert_string_equal(dep_code("br"), "BR");
    assert_string_equal(dep_code("Børne- og Ungdomsforvaltningen"), "BUF");
    assert_string_equal(dep_code("BOERNE- OG UNGDOMSFORVALTNINGEN"), "BUF");
    assert_string_equal(dep_code("Beskæftigelses- og Integrationsforvaltningen"), "BIF");
    assert_string_equal(dep_code("Teknik- og Miljøforvaltningen"), "TMF");
    assert_string_equal(dep_code("Sundheds- og Omsorgsforvaltningen"), "SUF");
    assert_string_equal(dep_code("Kultur- og Fritidsforvaltningen"), "KFF");
    assert_int_equal(dep("Miljøforvaltningen"), -1);
    assert_int_equal(dep("XYZ"), -1);
    assert_int_equal(dep(""), -1);
}

static void statuses_effects_anbefalinger(void **state)
{
    (void)state;
    const config *c = test_config();
    assert_string_equal(c->statuses.items[vocab_match(&c->statuses, "ikke igangsat")].code, "ikke_igangsat");
    assert_string_equal(c->statuses.items[vocab_match(&c->statuses, "ikke_igangsat")].code, "ikke_igangsat");
    assert_string_equal(c->statuses.items[vocab_match(&c->statuses, "Omlagt")].code, "omlagt");
    assert_int_equal(vocab_match(&c->statuses, "i gang"), -1);
    assert_string_equal(c->anbefalinger.items[vocab_match(&c->anbefalinger, "omlæg")].code, "omlaeg");
    assert_string_equal(c->anbefalinger.items[vocab_match(&c->anbefalinger, "omlaeg")].code, "omlaeg");
    assert_string_equal(c->anbefalinger.items[vocab_match(&c->anbefalinger, "fortsæt")].code, "fortsaet");
    assert_string_equal(c->anbefalinger.items[vocab_match(&c->anbefalinger, "undersøg")].code, "undersoeg");
    assert_string_equal(c->effects.items[vocab_match(&c->effects, "mærkbar")].code, "maerkbar");
    assert_string_equal(c->effects.items[vocab_match(&c->effects, "ønsket")].code, "oensket");
    assert_string_equal(c->effects.items[vocab_match(&c->effects, "for tidligt")].code, "for_tidligt");
    assert_string_equal(c->effects.items[vocab_match(&c->effects, "ikke dokumenteret")].code, "ikke_dokumenteret");
    assert_string_equal(c->effects.items[vocab_match(&c->effects, "Begrænset effekt")].code, "begraenset");
    assert_int_equal(vocab_match(&c->effects, "god"), -1);
    assert_int_equal(c->effects.items[vocab_match(&c->effects, "oensket")].ordinal, 4);
    assert_int_equal(c->effects.items[vocab_match(&c->effects, "ingen")].ordinal, 0);
    assert_int_equal(c->effects.items[vocab_match(&c->effects, "for_tidligt")].ordinal, -1);
    /* themes */
    assert_true(vocab_match(&c->themes, "Bolig") >= 0);
    assert_true(vocab_match(&c->themes, "beskaeftigelse") >= 0);
    assert_true(vocab_match(&c->themes, "København som arbejdsplads og storkøber") >= 0);
    assert_int_equal(vocab_match(&c->themes, "Sundhed"), -1);
}

static const char *derive(const char *text)
{
    const config *c = test_config();
    arena *a = arena_new();
    const char *code = c->effects.items[config_derive_effect(c, text_fold(a, text))].code;
    arena_free(a);
    return code;
}

static void effect_phrases_in_order(void **state)
{
    (void)state;
    /* BR-2008-H2: "begrænset eller ingen effekt" → begraenset, not ingen. */
    assert_string_equal(derive("Synliggørelsen har begrænset\n eller ingen effekt på antallet af sager."),
                        "begraenset");
    assert_string_equal(derive("der kan ikke påvises nogen sammenhæng"), "ikke_dokumenteret");
    assert_string_equal(derive("Effekten heraf fremgår dog ikke af redegørelserne."), "ikke_dokumenteret");
    /* ikke_dokumenteret comes before for_tidligt and ingen in the table. */
    assert_string_equal(derive("For tidligt; ingen dokumentation endnu"), "ikke_dokumenteret");
    assert_string_equal(derive("Det er for tidligt at sige."), "for_tidligt");
    assert_string_equal(derive("Ingen effekt."), "ingen");
    assert_string_equal(derive("Kun minimal fremgang"), "minimal");
    assert_string_equal(derive("En MÆRKBAR forbedring"), "maerkbar");
    assert_string_equal(derive("Har den oenskede effekt"), "oensket");
    assert_string_equal(derive("Der er skabt medieomtale."), "ikke_dokumenteret");   /* no match */
}

static void budget_defaults(void **state)
{
    (void)state;
    const config *c = test_config();
    assert_int_equal(c->n_budget_years, 4);
    assert_int_equal(c->budget_years[0], 2007);
    assert_int_equal(c->budget_years[3], 2010);
    assert_int_equal(c->frame[config_budget_year_index(c, 2009)], 26500000);
    assert_int_equal(c->frame[config_budget_year_index(c, 2010)], 17400000);
    assert_int_equal(c->frame[config_budget_year_index(c, 2007)], -1);
    assert_int_equal(config_budget_year_index(c, 2011), -1);
    assert_true(c->effect_limited[vocab_find_code(&c->effects, "ikke_dokumenteret")]);
    assert_false(c->effect_limited[vocab_find_code(&c->effects, "for_tidligt")]);
    assert_false(c->effect_limited[vocab_find_code(&c->effects, "maerkbar")]);
}

/* A copy of the default configuration with one edit, loaded: the error. */
static const char *load_edited(const char *from, const char *to)
{
    static char err[1024];
    FILE *in = fopen(STATUSNOTAT_TEST_CONFIG, "r");
    assert_non_null(in);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    char *at = strstr(text, from);
    if (!at)
        fail_msg("\"%s\" is not in the default configuration", from);
    char edited[16384];
    snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    char path[] = "/tmp/statusnotat-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, edited, strlen(edited)), (ssize_t)strlen(edited));
    close(fd);
    config *c = NULL;
    int rc = config_load(path, &c, err, sizeof err);
    unlink(path);
    if (rc == 0) {
        config_free(c);
        return NULL;
    }
    return err;
}

static void configuration_errors(void **state)
{
    (void)state;
    const char *err;
    assert_null(load_edited("\"Øvrige\"", "\"Andre\""));   /* a harmless edit loads */
    err = load_edited("\"effect\": \"maerkbar\"", "\"effect\": \"god\"");
    assert_non_null(err);
    assert_non_null(strstr(err, "effect_phrases[11]"));
    err = load_edited("\"2010\": 17400000", "\"2011\": 17400000");
    assert_non_null(strstr(err, "budget.frame"));
    err = load_edited("[2007, 2008, 2009, 2010]", "[2008, 2007]");
    assert_non_null(strstr(err, "ascending"));
    err = load_edited("\"code\": \"KFF\"", "\"code\": \"SOF\"");   /* a key two entries share */
    assert_non_null(strstr(err, "departments[4]"));
    err = load_edited("\"max_file_bytes\": 16777216", "\"max_file_bytes\": -1");
    assert_non_null(strstr(err, "max_file_bytes"));
    err = load_edited("{", "[");
    assert_non_null(err);
    /* Unknown keys at any depth. */
    err = load_edited("\"file_code\": \"OEKF\"", "\"file_code\": \"OEKF\", \"fil_kode\": \"x\"");
    assert_non_null(err);
    assert_non_null(strstr(err, "fil_kode"));
    err = load_edited("\"max_file_bytes\"", "\"max_filebytes\": 1, \"max_file_bytes\"");
    assert_non_null(strstr(err, "max_filebytes"));
    err = load_edited("\"years\"", "\"yeras\": [], \"years\"");
    assert_non_null(strstr(err, "yeras"));
    err = load_edited("{\"phrase\": \"minimal\"", "{\"phrase\": \"minimal\", \"weight\": 1");
    assert_non_null(strstr(err, "weight"));
    /* A file code becomes a file name: letters and digits only. */
    err = load_edited("\"file_code\": \"OEKF\"", "\"file_code\": \"../OEKF\"");
    assert_non_null(strstr(err, "letters"));
    err = load_edited("\"file_code\": \"OEKF\", ", "");   /* ØKF would be the file code */
    assert_non_null(strstr(err, "file_code"));
    /* Range messages are whole sentences that say what was found. */
    err = load_edited("\"max_file_bytes\": 16777216", "\"max_file_bytes\": 12");
    assert_non_null(strstr(err, "must be a number from 1024 to 4000000000; it is 12."));
    /* Row limits that a sheet could not hold. */
    err = load_edited("\"max_indsatser_per_document\": 10000", "\"max_indsatser_per_document\": 200000");
    assert_non_null(strstr(err, "more rows than a sheet has"));
}

/* File names: escaped to one printable UTF-8 line, and back without loss. */
static void name_escaping(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *plain = "SOF-2008-H2 æøå.xml";
    assert_ptr_equal(text_name_escape(a, plain), plain);
    const struct {
        const char *raw, *shown;
    } cases[] = {
        {"SOF-\xE6\xF8.xml", "SOF-\\xE6\\xF8.xml"},           /* Latin-1 */
        {"ny\nlinje.xml", "ny\\x0Alinje.xml"},
        {"tab\there\x07.xml", "tab\\x09here\\x07.xml"},
        {"\\back.xml", "\\\\back.xml"},
        {"c1\xC2\x85.xml", "c1\\xC2\\x85.xml"},                /* U+0085 NEL */
        {"ls\xE2\x80\xA8.xml", "ls\\xE2\\x80\\xA8.xml"},     /* U+2028 */
        {"cut\xE2\x80.xml", "cut\\xE2\\x80.xml"},              /* a cut sequence */
        {"del\x7F.xml", "del\\x7F.xml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *shown = text_name_escape(a, cases[i].raw);
        assert_string_equal(shown, cases[i].shown);
        char back[256];
        assert_true(text_name_unescape(shown, back, sizeof back));
        assert_string_equal(back, cases[i].raw);
        const char *p = shown;
        while (*p)
            assert_true(text_utf8_next(&p) >= 0x20);   /* valid UTF-8, no control character */
    }
    /* Every byte value round-trips. */
    char all[256], back[1200];
    for (int b = 1; b < 256; b++)
        all[b - 1] = (char)b;
    all[255] = '\0';
    assert_true(text_name_unescape(text_name_escape(a, all), back, sizeof back));
    assert_memory_equal(back, all, 256);
    char small[4];
    assert_false(text_name_unescape("toolong", small, sizeof small));
    assert_false(text_name_unescape("bad\\q", back, sizeof back));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(collapse_and_fold),
        cmocka_unit_test(departments),
        cmocka_unit_test(statuses_effects_anbefalinger),
        cmocka_unit_test(effect_phrases_in_order),
        cmocka_unit_test(budget_defaults),
        cmocka_unit_test(configuration_errors),
        cmocka_unit_test(name_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
