/* indicators.c — an indicator's value as written; see indicators.h. */
#include "values_parts.h"

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
