/* amounts.h — money: "26,5 mio. kr." → 26 500 000 whole kroner, through the
 * unit table of FORMAT.md; an amount that is not whole kroner, too large or
 * in an unknown unit is said as that. */
#ifndef STATUSNOTAT_AMOUNTS_H
#define STATUSNOTAT_AMOUNTS_H

#include <stdint.h>

#include "numbers.h"

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

#endif
