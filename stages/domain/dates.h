/* dates.h — dates and years of FORMAT.md ("pr. 1. oktober 2008", "primo
 * 2009", "2008-10-01"), Excel's serial dates, and the moments the program
 * records (a run's time, a file's arrival), all within 1900–2100. */
#ifndef STATUSNOTAT_DATES_H
#define STATUSNOTAT_DATES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int year, month, day;
    bool fuzzy;   /* primo/medio/ultimo: a chosen day, not a stated one */
} sn_date;

/* Every date spelling of FORMAT.md, fuzzy ones included. */
bool value_date(const char *s, sn_date *out);
/* A four-digit year from 1900 to 2100. */
bool value_year(const char *s, int *year);

/* The canonical spelling "2008-10-01" (buf of 11). */
void date_format(const sn_date *d, char buf[11]);
bool date_is_valid(int year, int month, int day);
int date_days_in_month(int year, int month);
int date_compare(const sn_date *a, const sn_date *b);
/* Days since 1899-12-30, Excel's serial date (for 1900-03-01 onwards). */
int date_excel_serial(const sn_date *d);

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

#endif
