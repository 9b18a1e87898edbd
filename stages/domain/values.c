/* values.c — Danish numbers, amounts, percentages, dates and periods; see values.h. */
#include "values.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static const char *skip_spaces(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* An optional sign (-, U+2212 minus, U+00F7 division sign) and a number
 * token: the longest run of digits, '.' and ','. The whole token must be
 * valid in fmt; *end is set after it. Up to 18 significant digits. */
static bool number_prefix(const char *s, number_format fmt, bool sign_ok, decimal *out,
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

static const int64_t pow10_table[19] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
    10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL,
    100000000000000000LL, 1000000000000000000LL,
};

double decimal_to_double(decimal d)
{
    return (double)d.units / (double)pow10_table[d.scale];
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
    return number_prefix(s, fmt, true, out, &end) && *end == '\0';
}

/* The rest of a value after its number, folded and with spaces removed, so
 * "Mio. kr." and "mio.kr." compare equal. */
static bool unit_key(const char *rest, char *buf, size_t size)
{
    char folded[64];
    if (!text_fold_into(folded, sizeof folded, rest))
        return false;
    size_t o = 0;
    for (const char *p = folded; *p; p++) {
        if (*p == ' ')
            continue;
        if (o + 1 >= size)
            return false;
        buf[o++] = *p;
    }
    buf[o] = '\0';
    return true;
}

static const struct {
    const char *unit;
    int64_t factor;
} amount_units[] = {
    {"", 1}, {"kr.", 1}, {"kr", 1}, {"dkk", 1},
    {"t.kr.", 1000}, {"tkr.", 1000}, {"1.000kr.", 1000},
    {"mio.kr.", 1000000}, {"mio.", 1000000}, {"mill.kr.", 1000000}, {"mill.", 1000000},
    {"mia.kr.", 1000000000}, {"mia.", 1000000000},
};

amount_result value_amount(const char *s, number_format fmt, int64_t *kroner)
{
    decimal d;
    const char *end;
    char unit[32];
    if (!number_prefix(s, fmt, true, &d, &end))
        return AMOUNT_BAD_NUMBER;
    if (!unit_key(end, unit, sizeof unit))
        return AMOUNT_BAD_UNIT;
    int64_t factor = 0;
    for (size_t i = 0; i < sizeof amount_units / sizeof amount_units[0]; i++)
        if (strcmp(unit, amount_units[i].unit) == 0)
            factor = amount_units[i].factor;
    if (factor == 0)
        return AMOUNT_BAD_UNIT;
    __int128 v = (__int128)d.units * factor;
    int64_t divisor = pow10_table[d.scale];
    if (v % divisor != 0)
        return AMOUNT_NOT_WHOLE;
    v /= divisor;
    if (v > AMOUNT_MAX_KRONER || v < -AMOUNT_MAX_KRONER)
        return AMOUNT_TOO_LARGE;
    *kroner = (int64_t)v;
    return AMOUNT_OK;
}

const char *amount_result_text(amount_result r)
{
    switch (r) {
    case AMOUNT_OK: return "gyldigt beløb";
    case AMOUNT_BAD_NUMBER: return "tallet er ikke gyldigt i talformatet";
    case AMOUNT_BAD_UNIT: return "ukendt enhed (kr., t.kr., mio. kr., mia. kr.)";
    case AMOUNT_NOT_WHOLE: return "beløbet giver ikke hele kroner";
    case AMOUNT_TOO_LARGE: return "beløbet er over grænsen på 1.000.000.000.000.000 kr. (10^15)";
    }
    return "?";
}

bool value_percent(const char *s, number_format fmt, bool bare_ok, double *fraction)
{
    decimal d;
    const char *end;
    char unit[32];
    if (!number_prefix(s, fmt, true, &d, &end) || !unit_key(end, unit, sizeof unit))
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
    if (!number_prefix(s, fmt, false, &d, &end) || *end != '\0' || d.scale != 0)
        return false;
    *out = d.units;
    return true;
}

/* Exactly four digits at *p, 1900..2100; advances *p. */
static bool take_year(const char **p, int *year)
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

bool value_year(const char *s, int *year)
{
    const char *p = s;
    return take_year(&p, year) && *p == '\0';
}

/* One or two digits; advances *p. */
static bool take_small(const char **p, int *v)
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

void period_format(const sn_period *p, char buf[8])
{
    snprintf(buf, 8, "%04u-H%u", (unsigned)p->year % 10000u, (unsigned)p->half % 10u);
}

void date_format(const sn_date *d, char buf[11])
{
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)d->year % 10000u, (unsigned)d->month % 100u,
             (unsigned)d->day % 100u);
}

bool time_in_range(int64_t t)
{
    return t >= TIME_FIRST && t <= TIME_LAST;
}

static bool time_tm(int64_t t, struct tm *tm)
{
    time_t when = (time_t)t;
    return time_in_range(t) && gmtime_r(&when, tm) != NULL;
}

bool time_format_utc(int64_t t, char buf[32])
{
    struct tm tm;
    if (time_tm(t, &tm) && strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
        return true;
    buf[0] = '\0';
    return false;
}

bool time_format_stamp(int64_t t, char buf[24])
{
    struct tm tm;
    if (time_tm(t, &tm) && strftime(buf, 24, "%Y%m%dT%H%M%SZ", &tm) > 0)
        return true;
    snprintf(buf, 24, "00000000T000000Z");
    return false;
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

bool date_is_valid(int year, int month, int day)
{
    return year >= 1900 && year <= 2100 && day >= 1 && day <= date_days_in_month(year, month);
}

int date_compare(const sn_date *a, const sn_date *b)
{
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return 0;
}

int date_excel_serial(const sn_date *d)
{
    /* Days from civil (H. Hinnant), then shift to Excel's epoch 1899-12-30. */
    int y = d->year - (d->month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (d->month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + d->day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int days_since_1970 = era * 146097 + doe - 719468;
    return days_since_1970 + 25569;
}

/* A Danish month name or abbreviation (folded), with an optional '.' after
 * it; advances *p. */
static int take_month_name(const char **p)
{
    static const struct {
        const char *name;
        int month;
    } names[] = {
        {"januar", 1}, {"februar", 2}, {"marts", 3}, {"april", 4}, {"maj", 5}, {"juni", 6},
        {"juli", 7}, {"august", 8}, {"september", 9}, {"oktober", 10}, {"november", 11},
        {"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6},
        {"jul", 7}, {"aug", 8}, {"sept", 9}, {"sep", 9}, {"okt", 10}, {"nov", 11},
        {"dec", 12},
    };
    const char *s = *p;
    size_t len = 0;
    while (s[len] >= 'a' && s[len] <= 'z')
        len++;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) == len && strncmp(s, names[i].name, len) == 0) {
            s += len;
            if (*s == '.')
                s++;
            *p = s;
            return names[i].month;
        }
    }
    return 0;
}

static bool finish_date(const char *p, int year, int month, int day, bool fuzzy, sn_date *out)
{
    if (*p != '\0' || !date_is_valid(year, month, day))
        return false;
    out->year = year;
    out->month = month;
    out->day = day;
    out->fuzzy = fuzzy;
    return true;
}

static bool fuzzy_date(const char *p, int kind, sn_date *out)
{
    int year, month = take_month_name(&p);
    if (month)
        p = skip_spaces(p);
    if (!take_year(&p, &year))
        return false;
    int day;
    if (month == 0) {
        static const int months[3] = {1, 6, 12}, days[3] = {1, 30, 31};
        month = months[kind];
        day = days[kind];
    } else {
        day = kind == 0 ? 1 : kind == 1 ? 15 : date_days_in_month(year, month);
    }
    return finish_date(p, year, month, day, true, out);
}

bool value_date(const char *s, sn_date *out)
{
    char buf[96];
    if (!text_fold_into(buf, sizeof buf, s))
        return false;
    const char *p = buf;
    if (text_starts_with(p, "pr."))
        p += 3;
    else if (text_starts_with(p, "d."))
        p += 2;
    else if (text_starts_with(p, "den "))
        p += 4;
    p = skip_spaces(p);

    static const char *fuzzy_words[3] = {"primo ", "medio ", "ultimo "};
    for (int k = 0; k < 3; k++)
        if (text_starts_with(p, fuzzy_words[k]))
            return fuzzy_date(skip_spaces(p + strlen(fuzzy_words[k])), k, out);

    int year, month, day;
    const char *q = p;
    if (take_year(&q, &year)) {  /* ISO 2008-10-01 */
        if (*q++ != '-' || !take_small(&q, &month) || *q++ != '-' || !take_small(&q, &day))
            return false;
        return finish_date(q, year, month, day, false, out);
    }
    if (!take_small(&p, &day))
        return false;
    char sep1 = *p;
    if (sep1 == '.' || sep1 == '-' || sep1 == '/') {
        q = p + 1;
        if (take_small(&q, &month)) {  /* 1.10.2008, 01-10-2008, 1/10-2008, 1/10 2008 */
            char sep2 = *q++;
            bool ok = (sep1 == '.' && sep2 == '.') || (sep1 == '-' && sep2 == '-') ||
                      (sep1 == '/' && (sep2 == '-' || sep2 == ' ' || sep2 == '/'));
            if (!ok || !take_year(&q, &year))
                return false;
            return finish_date(q, year, month, day, false, out);
        }
    }
    if (sep1 == '.')  /* 1. oktober 2008, 1. okt. 2008 */
        p++;
    p = skip_spaces(p);
    month = take_month_name(&p);
    if (!month)
        return false;
    p = skip_spaces(p);
    if (!take_year(&p, &year))
        return false;
    return finish_date(p, year, month, day, false, out);
}

bool value_period(const char *s, sn_period *out)
{
    char buf[64];
    if (!text_fold_into(buf, sizeof buf, s))
        return false;
    const char *p = buf;
    int year, half = 0;
    if (take_year(&p, &year)) {  /* 2008-H2, 2008H2, 2008 H2 */
        p = skip_spaces(p);
        if (*p == '-')
            p = skip_spaces(p + 1);
        if (p[0] != 'h' || !is_digit(p[1]))
            return false;
        half = p[1] - '0';
        p += 2;
    } else if (p[0] == 'h' && is_digit(p[1])) {      /* H2 2008 */
        half = p[1] - '0';
        p += 2;
        p = skip_spaces(p);
        if (*p == '-')
            p = skip_spaces(p + 1);
        if (!take_year(&p, &year))
            return false;
    } else {                     /* 2. halvår 2008, andet halvår 2008 */
        if (text_starts_with(p, "foerste ")) {
            half = 1;
            p += 8;
        } else if (text_starts_with(p, "andet ")) {
            half = 2;
            p += 6;
        } else if ((p[0] == '1' || p[0] == '2') && !is_digit(p[1])) {
            half = p[0] - '0';
            p++;
            if (*p == '.')
                p++;
        } else {
            return false;
        }
        p = skip_spaces(p);
        if (!text_starts_with(p, "halvaar "))
            return false;
        p = skip_spaces(p + 8);
        if (!take_year(&p, &year))
            return false;
    }
    if ((half != 1 && half != 2) || *p != '\0')
        return false;
    out->year = year;
    out->half = half;
    return true;
}

static bool trimmed_number(const char *s, size_t n, number_format fmt, decimal *out)
{
    char buf[64];
    while (n && s[0] == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return value_number(buf, fmt, out);
}

void value_indicator(const char *s, number_format fmt, indicator_value *out)
{
    decimal a, b;
    memset(out, 0, sizeof *out);
    out->kind = INDICATOR_TEXT;

    const char *ud = strstr(s, " ud af ");
    if (ud && trimmed_number(s, (size_t)(ud - s), fmt, &a) &&
        trimmed_number(ud + 7, strlen(ud + 7), fmt, &b)) {
        out->kind = INDICATOR_OUT_OF;
        out->value = decimal_to_double(a);
        out->total = decimal_to_double(b);
        return;
    }
    /* A range: en dash anywhere, or a hyphen that is not a leading sign. */
    const char *dash = strstr(s, "\xE2\x80\x93");
    size_t dash_len = 3;
    if (!dash) {
        dash = s[0] ? strchr(s + 1, '-') : NULL;
        dash_len = 1;
    }
    if (dash && trimmed_number(s, (size_t)(dash - s), fmt, &a) &&
        trimmed_number(dash + dash_len, strlen(dash + dash_len), fmt, &b)) {
        out->kind = INDICATOR_RANGE;
        out->low = decimal_to_double(a);
        out->high = decimal_to_double(b);
        return;
    }
    double fraction;
    if (value_percent(s, fmt, false, &fraction)) {
        out->kind = INDICATOR_PERCENT;
        out->value = fraction;
        return;
    }
    if (value_number(s, fmt, &a)) {
        out->kind = INDICATOR_NUMBER;
        out->value = decimal_to_double(a);
    }
}

const char *indicator_kind_name(indicator_kind k)
{
    switch (k) {
    case INDICATOR_NUMBER: return "number";
    case INDICATOR_PERCENT: return "percent";
    case INDICATOR_RANGE: return "range";
    case INDICATOR_OUT_OF: return "out_of";
    case INDICATOR_TEXT: return "text";
    }
    return "?";
}

int period_compare(const sn_period *a, const sn_period *b)
{
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return (a->half > b->half) - (a->half < b->half);
}

int period_compare_void(const void *a, const void *b)
{
    return period_compare(a, b);
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

void period_spoken(const sn_period *p, char buf[24])
{
    snprintf(buf, 24, "%u. halvår %04u", (unsigned)p->half % 10u, (unsigned)p->year % 10000u);
}

sn_period period_previous(sn_period p)
{
    return p.half == 2 ? (sn_period){p.year, 1} : (sn_period){p.year - 1, 2};
}

sn_period period_next(sn_period p)
{
    return p.half == 1 ? (sn_period){p.year, 2} : (sn_period){p.year + 1, 1};
}
