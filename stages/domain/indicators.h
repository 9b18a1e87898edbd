/* indicators.h — an indicator's value as written: a number, a percentage, a
 * range (low..high), a count out of a total, or text. */
#ifndef STATUSNOTAT_INDICATORS_H
#define STATUSNOTAT_INDICATORS_H

#include "numbers.h"

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
