/* values_parts.h — what the value parsers share (numbers.c, amounts.c,
 * dates.c, periods.c, indicators.c): digits, spaces, years, a number at the
 * start of a text, a unit's key. Private to stages/domain. */
#ifndef STATUSNOTAT_VALUES_PARTS_H
#define STATUSNOTAT_VALUES_PARTS_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "values.h"

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

static inline const char *skip_spaces(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* Exactly four digits at *p, 1900..2100; advances *p. */
static inline bool take_year(const char **p, int *year)
{
    const char *s = *p;
    for (int i = 0; i < 4; i++)
        if (!is_digit(s[i]))
            return false;
    if (is_digit(s[4]))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y < 1900 || y > 2100)
        return false;
    *year = y;
    *p = s + 4;
    return true;
}

/* One or two digits; advances *p. */
static inline bool take_small(const char **p, int *v)
{
    const char *s = *p;
    if (!is_digit(s[0]))
        return false;
    int n = s[0] - '0', len = 1;
    if (is_digit(s[1])) {
        n = n * 10 + (s[1] - '0');
        len = 2;
    }
    if (is_digit(s[len]))
        return false;
    *v = n;
    *p = s + len;
    return true;
}

/* numbers.c: a number at the start of s in talformat fmt (a sign only when
 * sign_ok); *end after it. */
bool values_number_prefix(const char *s, number_format fmt, bool sign_ok, decimal *out, const char **end);
/* numbers.c: 10^0 … 10^18, a decimal's scale as a divisor. */
extern const int64_t values_pow10[19];
/* amounts.c: the unit after a number, as the key of the unit table ("mio.
 * kr." → "mio. kr."), in buf; false when it is too long. */
bool values_unit_key(const char *rest, char *buf, size_t size);

#endif
