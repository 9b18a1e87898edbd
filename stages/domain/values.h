/* values.h — parsers for the Danish-formatted values of FORMAT.md.
 *
 * In:  one value's text, already whitespace-collapsed (text_collapse), and
 *      the document's talformat.
 * Out: the normalized value, or false / an error code when the text is not a
 *      valid value. These functions never guess: "26.5" under talformat da
 *      is invalid, not 26.5 and not 265. */
#ifndef STATUSNOTAT_VALUES_H
#define STATUSNOTAT_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { NUMBER_FORMAT_DA, NUMBER_FORMAT_ISO } number_format;

/* An exact decimal: units / 10^scale. */
typedef struct {
    int64_t units;
    int scale;
} decimal;

typedef struct {
    int year, month, day;
    bool fuzzy;   /* primo/medio/ultimo: a chosen day, not a stated one */
} sn_date;

typedef struct {
    int year;
    int half;     /* 1 or 2 */
} sn_period;

/* Canonical spellings: "2008-H2" (buf of 8) and "2008-10-01" (buf of 11). */
void period_format(const sn_period *p, char buf[8]);
/* The half year before and after p. */
sn_period period_previous(sn_period p);
sn_period period_next(sn_period p);

/* The period as people say it: "2. halvår 2008". */
void period_spoken(const sn_period *p, char buf[24]);
/* A whole number the Danish way, thousands grouped with '.': 29.271. Wide
 * enough for any sum of int64 values. */
void value_format_thousands(__int128 v, char *buf, size_t size);
/* A number with `decimals` decimals the Danish way, with a decimal comma. */
void value_format_decimal(double v, int decimals, char *buf, size_t size);

/* <0, 0, >0 as a is before, the same as, or after b. */
int period_compare(const sn_period *a, const sn_period *b);
/* The same for qsort() over sn_period. */
int period_compare_void(const void *a, const void *b);
void date_format(const sn_date *d, char buf[11]);

/* A moment (seconds since 1970, UTC) as the program records it: a run's
 * time, a file's arrival. Only the years FORMAT.md allows are times the
 * program makes or uses (1900–2100): a clock or $SOURCE_DATE_EPOCH outside
 * them is refused, and every conversion is checked. */
#define TIME_FIRST ((int64_t)-2208988800)   /* 1900-01-01T00:00:00Z */
#define TIME_LAST ((int64_t)4133980799)     /* 2100-12-31T23:59:59Z */
bool time_in_range(int64_t t);
/* "2008-12-09T00:00:00Z" (buf of 32); false, and buf "", when out of range. */
bool time_format_utc(int64_t t, char buf[32]);
/* The compact form of run ids, "20081209T000000Z" (buf of 24); false, and
 * "00000000T000000Z", when out of range. */
bool time_format_stamp(int64_t t, char buf[24]);

/* Whether s begins with a first group that starts with 0 before a '.' in
 * talformat da ("0.500 mio. kr.", "00.500"): an invalid number (FORMAT.md: a
 * decimal point where a comma was meant), told apart for its message. */
bool value_leading_zero_group(const char *s, number_format fmt);

/* A whole string that is one number. */
bool value_number(const char *s, number_format fmt, decimal *out);
double decimal_to_double(decimal d);

/* FORMAT.md: an amount's absolute value is at most 10^15 kr., so no sum of
 * valid amounts can overflow. */
#define AMOUNT_MAX_KRONER 1000000000000000LL

typedef enum {
    AMOUNT_OK,
    AMOUNT_BAD_NUMBER,   /* the number part is not a number in this talformat */
    AMOUNT_BAD_UNIT,     /* the unit is not one of the table's */
    AMOUNT_NOT_WHOLE,    /* does not come out as whole kroner */
    AMOUNT_TOO_LARGE,    /* its absolute value is over AMOUNT_MAX_KRONER */
} amount_result;

/* "26,5 mio. kr." → 26500000. */
amount_result value_amount(const char *s, number_format fmt, int64_t *kroner);
const char *amount_result_text(amount_result r);   /* Danish, for messages */

/* "5,3 %", "80 procent", "80 pct." → 0.053, 0.80. With bare_ok a number
 * without a sign of percent is taken as a percentage too (a pct attribute). */
bool value_percent(const char *s, number_format fmt, bool bare_ok, double *fraction);

/* A whole non-negative count: "13.942" (da), "1543". */
bool value_count(const char *s, number_format fmt, int64_t *out);

/* A four-digit year from 1900 to 2100. */
bool value_year(const char *s, int *year);

/* Every date spelling of FORMAT.md, fuzzy ones included. */
bool value_date(const char *s, sn_date *out);

/* "2008-H2", "2. halvår 2008", … → {2008, 2}. */
bool value_period(const char *s, sn_period *out);

bool date_is_valid(int year, int month, int day);
int date_days_in_month(int year, int month);
int date_compare(const sn_date *a, const sn_date *b);
/* Days since 1899-12-30, Excel's serial date (for 1900-03-01 onwards). */
int date_excel_serial(const sn_date *d);

typedef enum {
    INDICATOR_NUMBER,
    INDICATOR_PERCENT,   /* value is a fraction */
    INDICATOR_RANGE,     /* low..high */
    INDICATOR_OUT_OF,    /* value out of total */
    INDICATOR_TEXT,
} indicator_kind;

typedef struct {
    indicator_kind kind;
    double value, low, high, total;
} indicator_value;

void value_indicator(const char *s, number_format fmt, indicator_value *out);
const char *indicator_kind_name(indicator_kind k);

#endif
