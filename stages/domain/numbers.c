/* numbers.c — numbers the Danish or the ISO way, exactly; see numbers.h. */
#include "values_parts.h"

/* An optional sign (-, U+2212 minus, U+00F7 division sign) and a number
 * token: the longest run of digits, '.' and ','. The whole token must be
 * valid in fmt; *end is set after it. Up to 18 significant digits. */
bool values_number_prefix(const char *s, number_format fmt, bool sign_ok, decimal *out,
                          const char **end)
{
    bool negative = false;
    if (*s == '-') {
        negative = true;
        s += 1;
    } else if (strncmp(s, "\xE2\x88\x92", 3) == 0) {
        negative = true;
        s += 3;
    } else if (strncmp(s, "\xC3\xB7", 2) == 0) {
        negative = true;
        s += 2;
    }
    if (negative) {
        if (!sign_ok)
            return false;
        if (*s == ' ')
            s++;
    }
    const char *t = s;
    while (is_digit(*t) || *t == '.' || *t == ',')
        t++;
    const char decimal_mark = fmt == NUMBER_FORMAT_DA ? ',' : '.';
    int64_t units = 0;
    int scale = 0, digits = 0, lead = 0;
    const char *p = s;

#define TAKE_DIGIT()                                      \
    do {                                                  \
        if (++digits > 18)                                \
            return false;                                 \
        units = units * 10 + (*p - '0');                  \
        p++;                                              \
    } while (0)

    while (p < t && is_digit(*p)) {
        TAKE_DIGIT();
        lead++;
    }
    if (lead == 0)
        return false;
    if (fmt == NUMBER_FORMAT_DA && p < t && *p == '.') {
        /* A first group starting with 0 ("0.500", "00.500") is a decimal
         * point where a comma was meant, not thousands (FORMAT.md). */
        if (lead > 3 || *s == '0')
            return false;
        while (p < t && *p == '.') {
            p++;
            int group = 0;
            while (p < t && is_digit(*p)) {
                TAKE_DIGIT();
                group++;
            }
            if (group != 3)
                return false;
        }
    }
    if (p < t && *p == decimal_mark) {
        p++;
        int fraction = 0;
        while (p < t && is_digit(*p)) {
            TAKE_DIGIT();
            fraction++;
        }
        if (fraction == 0)
            return false;
        scale = fraction;
    }
#undef TAKE_DIGIT
    if (p != t)
        return false;
    out->units = negative ? -units : units;
    out->scale = scale;
    *end = t;
    return true;
}

const int64_t values_pow10[19] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
    10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL,
    100000000000000000LL, 1000000000000000000LL,
};

double decimal_to_double(decimal d)
{
    return (double)d.units / (double)values_pow10[d.scale];
}

bool value_leading_zero_group(const char *s, number_format fmt)
{
    if (fmt != NUMBER_FORMAT_DA)
        return false;
    if (*s == '-')
        s++;
    else if (strncmp(s, "\xE2\x88\x92", 3) == 0)
        s += 3;
    if (*s == ' ')
        s++;
    if (*s != '0')
        return false;
    while (*s == '0')
        s++;
    for (int digits = 0; is_digit(*s) && digits < 3; digits++)
        s++;
    /* "0.500": what would be a group of thousands ("0.5" is a decimal point
     * like "26.5", said as such). */
    return *s == '.' && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && !is_digit(s[4]);
}

bool value_number(const char *s, number_format fmt, decimal *out)
{
    const char *end;
    return values_number_prefix(s, fmt, true, out, &end) && *end == '\0';
}

bool value_percent(const char *s, number_format fmt, bool bare_ok, double *fraction)
{
    decimal d;
    const char *end;
    char unit[32];
    if (!values_number_prefix(s, fmt, true, &d, &end) || !values_unit_key(end, unit, sizeof unit))
        return false;
    if (!(strcmp(unit, "%") == 0 || strcmp(unit, "procent") == 0 || strcmp(unit, "pct.") == 0 ||
          strcmp(unit, "pct") == 0 || (bare_ok && unit[0] == '\0')))
        return false;
    d.scale += 2;
    if (d.scale > 18)
        return false;
    *fraction = decimal_to_double(d);
    return true;
}

bool value_count(const char *s, number_format fmt, int64_t *out)
{
    decimal d;
    const char *end;
    if (!values_number_prefix(s, fmt, false, &d, &end) || *end != '\0' || d.scale != 0)
        return false;
    *out = d.units;
    return true;
}

void value_format_thousands(__int128 v, char *buf, size_t size)
{
    char digits[48];
    size_t len = 0;
    unsigned __int128 u = v < 0 ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        digits[len++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u && len < sizeof digits);
    size_t o = 0;
    if (v < 0 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = len; i > 0 && o + 2 < size; i--) {
        buf[o++] = digits[i - 1];
        if (i > 1 && (i - 1) % 3 == 0)
            buf[o++] = '.';
    }
    if (size)
        buf[o < size ? o : size - 1] = '\0';
}

void value_format_decimal(double v, int decimals, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = ',';
}
