/* periods.c — half years; see periods.h. */
#include "values_parts.h"

void period_format(const sn_period *p, char buf[8])
{
    snprintf(buf, 8, "%04u-H%u", (unsigned)p->year % 10000u, (unsigned)p->half % 10u);
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
