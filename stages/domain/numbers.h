/* numbers.h — numbers the Danish way (FORMAT.md: talformat da, "13.942" and
 * "26,5") or the ISO way, exactly (a decimal is units / 10^scale), and
 * their Danish spelling back.
 *
 * In:  one value's text, whitespace-collapsed, and the document's talformat.
 * Out: the number, or false when the text is not one. Never a guess: "26.5"
 *      under talformat da is invalid, not 26.5 and not 265. */
#ifndef STATUSNOTAT_NUMBERS_H
#define STATUSNOTAT_NUMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { NUMBER_FORMAT_DA, NUMBER_FORMAT_ISO } number_format;

/* An exact decimal: units / 10^scale. */
typedef struct {
    int64_t units;
    int scale;
} decimal;

/* A whole string that is one number. */
bool value_number(const char *s, number_format fmt, decimal *out);
double decimal_to_double(decimal d);

/* Whether s begins with a first group that starts with 0 before a '.' in
 * talformat da ("0.500 mio. kr.", "00.500"): an invalid number (FORMAT.md: a
 * decimal point where a comma was meant), told apart for its message. */
bool value_leading_zero_group(const char *s, number_format fmt);

/* "5,3 %", "80 procent", "80 pct." → 0.053, 0.80. With bare_ok a number
 * without a sign of percent is taken as a percentage too (a pct attribute). */
bool value_percent(const char *s, number_format fmt, bool bare_ok, double *fraction);

/* A whole non-negative count: "13.942" (da), "1543". */
bool value_count(const char *s, number_format fmt, int64_t *out);

/* A whole number the Danish way, thousands grouped with '.': 29.271. Wide
 * enough for any sum of int64 values. */
void value_format_thousands(__int128 v, char *buf, size_t size);
/* A number with `decimals` decimals the Danish way, with a decimal comma. */
void value_format_decimal(double v, int decimals, char *buf, size_t size);

#endif
