/* periods.h — half years: "2008-H2", "2. halvår 2008" → {2008, 2}, their
 * order, the half year before and after, and how they are written. */
#ifndef STATUSNOTAT_PERIODS_H
#define STATUSNOTAT_PERIODS_H

#include <stdbool.h>

typedef struct {
    int year;
    int half;     /* 1 or 2 */
} sn_period;

/* "2008-H2", "2. halvår 2008", … → {2008, 2}. */
bool value_period(const char *s, sn_period *out);

/* The canonical spelling "2008-H2" (buf of 8). */
void period_format(const sn_period *p, char buf[8]);
/* The period as people say it: "2. halvår 2008". */
void period_spoken(const sn_period *p, char buf[24]);
/* The half year before and after p. */
sn_period period_previous(sn_period p);
sn_period period_next(sn_period p);
/* <0, 0, >0 as a is before, the same as, or after b. */
int period_compare(const sn_period *a, const sn_period *b);
/* The same for qsort() over sn_period. */
int period_compare_void(const void *a, const void *b);

#endif
