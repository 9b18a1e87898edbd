/* test_values.c — every normalization rule of FORMAT.md: its valid forms and
 * the near misses that must be refused. */
#include <math.h>
#include <string.h>

#include "support.h"
#include "values.h"

static const number_format DA = NUMBER_FORMAT_DA, ISO = NUMBER_FORMAT_ISO;

static void assert_number(const char *s, number_format fmt, double want)
{
    decimal d;
    if (!value_number(s, fmt, &d))
        fail_msg("\"%s\" should be a number", s);
    assert_double_equal(decimal_to_double(d), want, 1e-12);
}

static void assert_not_number(const char *s, number_format fmt)
{
    decimal d;
    if (value_number(s, fmt, &d))
        fail_msg("\"%s\" should not be a number (got %g)", s, decimal_to_double(d));
}

static void numbers_da(void **state)
{
    (void)state;
    assert_number("13.942", DA, 13942);
    assert_number("26,5", DA, 26.5);
    assert_number("1.234,5", DA, 1234.5);
    assert_number("1543", DA, 1543);
    assert_number("1.000.000", DA, 1000000);
    assert_number("0,053", DA, 0.053);
    assert_number("-5", DA, -5);
    assert_number("\xE2\x88\x92" "5", DA, -5);        /* U+2212 minus */
    assert_number("\xC3\xB7" "1.200", DA, -1200);     /* U+00F7 division sign */
    assert_number("\xC3\xB7 3,5", DA, -3.5);
    /* Near misses: a '.' not followed by exactly three digits is no number. */
    assert_not_number("26.5", DA);
    assert_not_number("1.23", DA);
    assert_not_number("1.2345", DA);
    assert_not_number("1234.567", DA);   /* groups after a first group of more than three */
    assert_not_number("12.345.6", DA);
    assert_not_number("1,", DA);
    assert_not_number(",5", DA);
    assert_not_number("1,2,3", DA);
    assert_not_number("", DA);
    assert_not_number("abc", DA);
    assert_not_number("5 kr", DA);
    assert_not_number("1234567890123456789", DA);   /* more than 18 digits */
}

static void numbers_iso(void **state)
{
    (void)state;
    assert_number("26.5", ISO, 26.5);
    assert_number("13942", ISO, 13942);
    assert_number("-0.25", ISO, -0.25);
    assert_not_number("26,5", ISO);
    assert_not_number("13.942.000", ISO);
    assert_not_number("1.", ISO);
}

static void assert_amount(const char *s, number_format fmt, int64_t want)
{
    int64_t kr = 0;
    amount_result r = value_amount(s, fmt, &kr);
    if (r != AMOUNT_OK)
        fail_msg("\"%s\" should be an amount: %s", s, amount_result_text(r));
    if (kr != want)
        fail_msg("\"%s\": %lld, want %lld", s, (long long)kr, (long long)want);
}

static void assert_amount_refused(const char *s, number_format fmt, amount_result want)
{
    int64_t kr = 0;
    amount_result r = value_amount(s, fmt, &kr);
    if (r != want)
        fail_msg("\"%s\": result %d (%s), want %d", s, r, amount_result_text(r), want);
}

static void amounts_every_unit(void **state)
{
    (void)state;
    assert_amount("26,5 mio. kr.", DA, 26500000);
    assert_amount("17,4 mio. kr.", DA, 17400000);
    assert_amount("6,4 mio. kr.", DA, 6400000);
    assert_amount("300.000 kr.", DA, 300000);
    assert_amount("300.000 kr", DA, 300000);
    assert_amount("300.000 DKK", DA, 300000);
    assert_amount("300.000", DA, 300000);
    assert_amount("200 t.kr.", DA, 200000);
    assert_amount("200 tkr.", DA, 200000);
    assert_amount("1.000 t.kr.", DA, 1000000);
    assert_amount("500 1.000 kr.", DA, 500000);
    assert_amount("1 mio. kr.", DA, 1000000);
    assert_amount("1,0 mill.kr.", DA, 1000000);
    assert_amount("1,0 mill. kr.", DA, 1000000);
    assert_amount("2 mill.", DA, 2000000);
    assert_amount("3 mio.", DA, 3000000);
    assert_amount("3 mio.kr.", DA, 3000000);
    assert_amount("3 Mio. Kr.", DA, 3000000);   /* case-insensitive */
    assert_amount("3mio.kr.", DA, 3000000);     /* spaces optional */
    assert_amount("1,25 mia. kr.", DA, 1250000000);
    assert_amount("2 mia.", DA, 2000000000);
    assert_amount("-1,5 mio. kr.", DA, -1500000);
    assert_amount("\xC3\xB7" "250 t.kr.", DA, -250000);
    assert_amount("26.5 mio. kr.", ISO, 26500000);
    assert_amount("0.5 mio.", ISO, 500000);
}

static void amounts_refused(void **state)
{
    (void)state;
    assert_amount_refused("26.5 mio. kr.", DA, AMOUNT_BAD_NUMBER);   /* the bad-* example */
    assert_amount_refused("26,5 mio. kr.", ISO, AMOUNT_BAD_NUMBER);
    assert_amount_refused("0,0000001 mio. kr.", DA, AMOUNT_NOT_WHOLE);
    assert_amount_refused("12,50 kr.", DA, AMOUNT_NOT_WHOLE);
    assert_amount_refused("1,5 mio kr.", DA, AMOUNT_BAD_UNIT);        /* "mio" without its dot */
    assert_amount_refused("5 euro", DA, AMOUNT_BAD_UNIT);
    assert_amount_refused("mio. kr.", DA, AMOUNT_BAD_NUMBER);
    assert_amount_refused("", DA, AMOUNT_BAD_NUMBER);
    assert_amount_refused("999.999.999.999.999.999 mia.", DA, AMOUNT_TOO_LARGE);
    /* FORMAT.md: at most 10^15 kr. either way, so no sum can overflow. */
    assert_amount("1.000.000.000.000.000 kr.", DA, 1000000000000000LL);
    assert_amount("-1.000.000 mia. kr.", DA, -1000000000000000LL);
    assert_amount_refused("1.000.000.000.000.001 kr.", DA, AMOUNT_TOO_LARGE);
    assert_amount_refused("1000001 mia. kr.", DA, AMOUNT_TOO_LARGE);
    assert_amount_refused("-1.000.000.000.000.001 kr.", DA, AMOUNT_TOO_LARGE);
    assert_amount_refused("5000000000000000 kr.", ISO, AMOUNT_TOO_LARGE);
    /* 1,00 kr. is whole kroner even with decimals. */
    assert_amount("1,00 kr.", DA, 1);
    /* A first group starting with 0 before a '.' is a decimal point where a
     * comma was meant (FORMAT.md), not 500.000.000 kr. */
    assert_amount_refused("0.500 mio. kr.", DA, AMOUNT_BAD_NUMBER);
    assert_amount_refused("00.500 mio. kr.", DA, AMOUNT_BAD_NUMBER);
    assert_amount_refused("-0.500 mio. kr.", DA, AMOUNT_BAD_NUMBER);
    assert_amount_refused("05.000 kr.", DA, AMOUNT_BAD_NUMBER);
    assert_true(value_leading_zero_group("0.500 mio. kr.", DA));
    assert_true(value_leading_zero_group("00.500", DA));
    assert_true(value_leading_zero_group("-0.500 kr.", DA));
    assert_false(value_leading_zero_group("1.500 mio. kr.", DA));
    assert_false(value_leading_zero_group("0,5 mio. kr.", DA));
    assert_false(value_leading_zero_group("0.500 mio. kr.", ISO));   /* iso: '.' is the decimal */
    assert_amount("0,500 mio. kr.", DA, 500000);
    assert_amount("0 kr.", DA, 0);
    assert_amount("0.5 mio. kr.", ISO, 500000);
}

static void assert_percent(const char *s, number_format fmt, bool bare_ok, double want)
{
    double got;
    if (!value_percent(s, fmt, bare_ok, &got))
        fail_msg("\"%s\" should be a percentage", s);
    assert_double_equal(got, want, 1e-12);
}

static void percentages(void **state)
{
    (void)state;
    double got;
    assert_percent("5,3 %", DA, false, 0.053);
    assert_percent("5,3%", DA, false, 0.053);
    assert_percent("80 procent", DA, false, 0.80);
    assert_percent("80 pct.", DA, false, 0.80);
    assert_percent("56,5 %", DA, false, 0.565);
    assert_percent("5.3 %", ISO, false, 0.053);
    assert_percent("12,5", DA, true, 0.125);   /* a pct attribute may leave out the sign */
    assert_false(value_percent("12,5", DA, false, &got));
    assert_false(value_percent("5.3 %", DA, false, &got));
    assert_false(value_percent("80 promille", DA, false, &got));
    assert_false(value_percent("%", DA, false, &got));
}

static void counts(void **state)
{
    (void)state;
    int64_t v;
    assert_true(value_count("13.942", DA, &v));
    assert_int_equal(v, 13942);
    assert_true(value_count("29.271", DA, &v));
    assert_int_equal(v, 29271);
    assert_true(value_count("4217", DA, &v));
    assert_int_equal(v, 4217);
    assert_false(value_count("1.23", DA, &v));     /* not thousands */
    assert_false(value_count("0.942", DA, &v));    /* a first group of 0 */
    assert_false(value_count("12,5", DA, &v));
    assert_false(value_count("-3", DA, &v));
    assert_false(value_count("13.942", ISO, &v));
    assert_false(value_count("", DA, &v));
}

static void years(void **state)
{
    (void)state;
    int y;
    assert_true(value_year("2009", &y));
    assert_int_equal(y, 2009);
    assert_false(value_year("09", &y));
    assert_false(value_year("20009", &y));
    assert_false(value_year("2009a", &y));
    assert_false(value_year("1800", &y));
    assert_false(value_year("2.009", &y));
}

static void assert_date(const char *s, const char *want, bool fuzzy)
{
    sn_date d;
    char buf[11];
    if (!value_date(s, &d))
        fail_msg("\"%s\" should be a date", s);
    date_format(&d, buf);
    if (strcmp(buf, want) != 0 || d.fuzzy != fuzzy)
        fail_msg("\"%s\": %s fuzzy=%d, want %s fuzzy=%d", s, buf, d.fuzzy, want, fuzzy);
}

static void assert_not_date(const char *s)
{
    sn_date d;
    char buf[11];
    if (value_date(s, &d)) {
        date_format(&d, buf);
        fail_msg("\"%s\" should not be a date (got %s)", s, buf);
    }
}

static void dates(void **state)
{
    (void)state;
    assert_date("2008-10-01", "2008-10-01", false);
    assert_date("1. oktober 2008", "2008-10-01", false);
    assert_date("1. okt. 2008", "2008-10-01", false);
    assert_date("1 okt 2008", "2008-10-01", false);
    assert_date("1.10.2008", "2008-10-01", false);
    assert_date("01-10-2008", "2008-10-01", false);
    assert_date("1/10-2008", "2008-10-01", false);
    assert_date("1/10 2008", "2008-10-01", false);
    assert_date("pr. 1. oktober 2008", "2008-10-01", false);
    assert_date("pr. 1.1.2008", "2008-01-01", false);
    assert_date("d. 28/11-2008", "2008-11-28", false);
    assert_date("den 11. december 2008", "2008-12-11", false);
    assert_date("14. august 2008", "2008-08-14", false);
    assert_date("3. marts 2009", "2009-03-03", false);
    assert_date("3. mar. 2009", "2009-03-03", false);
    assert_date("30. sept. 2008", "2008-09-30", false);
    assert_date("30. sep 2008", "2008-09-30", false);
    assert_date("5. MAJ 2008", "2008-05-05", false);
    assert_date("29. februar 2008", "2008-02-29", false);   /* leap year */
    /* Fuzzy dates: a chosen day, flagged. */
    assert_date("primo 2007", "2007-01-01", true);
    assert_date("medio 2009", "2009-06-30", true);
    assert_date("ultimo 2006", "2006-12-31", true);
    assert_date("primo august 2008", "2008-08-01", true);
    assert_date("medio august 2008", "2008-08-15", true);
    assert_date("ultimo august 2008", "2008-08-31", true);
    assert_date("ultimo november 2008", "2008-11-30", true);
    assert_date("ultimo februar 2008", "2008-02-29", true);
    assert_date("ultimo feb. 2009", "2009-02-28", true);
    /* Near misses. */
    assert_not_date("32. januar 2008");
    assert_not_date("29. februar 2009");
    assert_not_date("31.4.2008");
    assert_not_date("2008-13-01");
    assert_not_date("2008-02-30");
    assert_not_date("1. oktobr 2008");
    assert_not_date("1.10.08");
    assert_not_date("1-10/2008");
    assert_not_date("oktober 2008");
    assert_not_date("medio");
    assert_not_date("snart");
    assert_not_date("");
    assert_not_date("1. oktober 2008 kl. 12");
}

static void assert_period(const char *s, int year, int half)
{
    sn_period p;
    if (!value_period(s, &p))
        fail_msg("\"%s\" should be a period", s);
    if (p.year != year || p.half != half)
        fail_msg("\"%s\": %d-H%d, want %d-H%d", s, p.year, p.half, year, half);
}

static void periods(void **state)
{
    (void)state;
    sn_period p;
    char buf[8];
    assert_period("2008-H2", 2008, 2);
    assert_period("2008H2", 2008, 2);
    assert_period("2008-h1", 2008, 1);
    assert_period("H2 2008", 2008, 2);
    assert_period("2. halvår 2008", 2008, 2);
    assert_period("2. halvaar 2008", 2008, 2);
    assert_period("andet halvår 2008", 2008, 2);
    assert_period("1. halvår 2009", 2009, 1);
    assert_period("første halvår 2009", 2009, 1);
    assert_period("Første Halvår 2009", 2009, 1);
    assert_period("foerste halvaar 2009", 2009, 1);
    assert_false(value_period("2008-H3", &p));
    assert_false(value_period("2008-H0", &p));
    assert_false(value_period("3. halvår 2008", &p));
    assert_false(value_period("tredje halvår 2008", &p));
    assert_false(value_period("2008", &p));
    assert_false(value_period("H2", &p));
    assert_false(value_period("2008-H22", &p));
    assert_false(value_period("H", &p));
    assert_false(value_period("", &p));
    p = (sn_period){2008, 2};
    period_format(&p, buf);
    assert_string_equal(buf, "2008-H2");
}

static void indicators(void **state)
{
    (void)state;
    indicator_value v;
    value_indicator("80-90", DA, &v);
    assert_int_equal(v.kind, INDICATOR_RANGE);
    assert_double_equal(v.low, 80, 0);
    assert_double_equal(v.high, 90, 0);
    value_indicator("80\xE2\x80\x93" "90", DA, &v);   /* en dash */
    assert_int_equal(v.kind, INDICATOR_RANGE);
    assert_double_equal(v.high, 90, 0);
    value_indicator("9-10", DA, &v);
    assert_int_equal(v.kind, INDICATOR_RANGE);
    value_indicator("1.000 - 2.000", DA, &v);
    assert_int_equal(v.kind, INDICATOR_RANGE);
    assert_double_equal(v.high, 2000, 0);
    value_indicator("17 ud af 20", DA, &v);
    assert_int_equal(v.kind, INDICATOR_OUT_OF);
    assert_double_equal(v.value, 17, 0);
    assert_double_equal(v.total, 20, 0);
    value_indicator("80 procent", DA, &v);
    assert_int_equal(v.kind, INDICATOR_PERCENT);
    assert_double_equal(v.value, 0.8, 1e-12);
    value_indicator("13.942", DA, &v);
    assert_int_equal(v.kind, INDICATOR_NUMBER);
    assert_double_equal(v.value, 13942, 0);
    value_indicator("-4", DA, &v);
    assert_int_equal(v.kind, INDICATOR_NUMBER);
    assert_double_equal(v.value, -4, 0);
    value_indicator("mange", DA, &v);
    assert_int_equal(v.kind, INDICATOR_TEXT);
    value_indicator("26.5", DA, &v);      /* an invalid number stays text */
    assert_int_equal(v.kind, INDICATOR_TEXT);
    value_indicator("17 ud af", DA, &v);
    assert_int_equal(v.kind, INDICATOR_TEXT);
}

static void excel_serials(void **state)
{
    (void)state;
    sn_date d = {2008, 10, 1, false};
    assert_int_equal(date_excel_serial(&d), 39722);
    d = (sn_date){1900, 3, 1, false};
    assert_int_equal(date_excel_serial(&d), 61);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_da),         cmocka_unit_test(numbers_iso),
        cmocka_unit_test(amounts_every_unit), cmocka_unit_test(amounts_refused),
        cmocka_unit_test(percentages),        cmocka_unit_test(counts),
        cmocka_unit_test(years),              cmocka_unit_test(dates),
        cmocka_unit_test(periods),            cmocka_unit_test(indicators),
        cmocka_unit_test(excel_serials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
