/* values.h — the Danish-formatted values of FORMAT.md, one header per
 * notion: numbers.h, amounts.h, dates.h, periods.h, indicators.h. A module
 * that needs one includes that one; this header is all of them.
 *
 * In:  one value's text, already whitespace-collapsed (text_collapse), and
 *      the document's talformat.
 * Out: the normalized value, or false / an error code when the text is not a
 *      valid value. These functions never guess: "26.5" under talformat da
 *      is invalid, not 26.5 and not 265. */
#ifndef STATUSNOTAT_VALUES_H
#define STATUSNOTAT_VALUES_H

#include "amounts.h"
#include "dates.h"
#include "indicators.h"
#include "numbers.h"
#include "periods.h"

#endif
