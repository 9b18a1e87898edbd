/* amounts.c — amounts in whole kroner through the unit table; see amounts.h. */
#include "values_parts.h"

/* The rest of a value after its number, folded and with spaces removed, so
 * "Mio. kr." and "mio.kr." compare equal. */
bool values_unit_key(const char *rest, char *buf, size_t size)
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
    if (!values_number_prefix(s, fmt, true, &d, &end))
        return AMOUNT_BAD_NUMBER;
    if (!values_unit_key(end, unit, sizeof unit))
        return AMOUNT_BAD_UNIT;
    int64_t factor = 0;
    for (size_t i = 0; i < sizeof amount_units / sizeof amount_units[0]; i++)
        if (strcmp(unit, amount_units[i].unit) == 0)
            factor = amount_units[i].factor;
    if (factor == 0)
        return AMOUNT_BAD_UNIT;
    __int128 v = (__int128)d.units * factor;
    int64_t divisor = values_pow10[d.scale];
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
