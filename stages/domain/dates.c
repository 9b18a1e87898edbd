/* dates.c — dates, years and recorded moments; see dates.h. */
#include "values_parts.h"

bool value_year(const char *s, int *year)
{
    const char *p = s;
    return take_year(&p, year) && *p == '\0';
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
