/* text.c — whitespace collapsing, folding and UTF-8 decoding; see text.h. */
#include "text.h"

#include <string.h>

long text_utf8_next(const char **sp)
{
    const unsigned char *s = (const unsigned char *)*sp;
    long c = s[0];
    int len;
    if (c < 0x80) {
        len = 1;
    } else if ((c & 0xE0) == 0xC0) {
        c &= 0x1F;
        len = 2;
    } else if ((c & 0xF0) == 0xE0) {
        c &= 0x0F;
        len = 3;
    } else if ((c & 0xF8) == 0xF0) {
        c &= 0x07;
        len = 4;
    } else {
        (*sp)++;
        return -1;
    }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            (*sp)++;
            return -1;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *sp += len;
    return c;
}

size_t text_utf8_length(const char *s)
{
    size_t n = 0;
    while (*s) {
        text_utf8_next(&s);
        n++;
    }
    return n;
}

static bool is_space_at(const char *s, size_t *len)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        *len = 1;
        return true;
    }
    if (c == 0xC2 && (unsigned char)s[1] == 0xA0) {  /* U+00A0 no-break space */
        *len = 2;
        return true;
    }
    return false;
}

char *text_collapse(arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t o = 0, i = 0, sl;
    bool pending_space = false;
    while (i < n) {
        if (is_space_at(s + i, &sl) && i + sl <= n) {
            pending_space = o > 0;
            i += sl;
            continue;
        }
        if (pending_space) {
            out[o++] = ' ';
            pending_space = false;
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return out;
}

/* Appends the folded form of code point c; returns bytes written or 0 when
 * it does not fit. */
static size_t fold_code_point(long c, char *out, size_t room)
{
    const char *rep = NULL;
    char tmp[4];
    size_t len;
    switch (c) {
    case 0xE6: case 0xC6: rep = "ae"; break;   /* æ Æ */
    case 0xF8: case 0xD8: rep = "oe"; break;   /* ø Ø */
    case 0xE5: case 0xC5: rep = "aa"; break;   /* å Å */
    case '_': rep = " "; break;
    default: break;
    }
    if (rep) {
        len = strlen(rep);
        if (len > room)
            return 0;
        memcpy(out, rep, len);
        return len;
    }
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    else if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        c += 0x20;
    if (c < 0x80) {
        tmp[0] = (char)c;
        len = 1;
    } else if (c < 0x800) {
        tmp[0] = (char)(0xC0 | (c >> 6));
        tmp[1] = (char)(0x80 | (c & 0x3F));
        len = 2;
    } else if (c < 0x10000) {
        tmp[0] = (char)(0xE0 | (c >> 12));
        tmp[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        tmp[2] = (char)(0x80 | (c & 0x3F));
        len = 3;
    } else {
        tmp[0] = (char)(0xF0 | (c >> 18));
        tmp[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        tmp[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        tmp[3] = (char)(0x80 | (c & 0x3F));
        len = 4;
    }
    if (len > room)
        return 0;
    memcpy(out, tmp, len);
    return len;
}

bool text_fold_into(char *buf, size_t size, const char *s)
{
    size_t o = 0, sl;
    bool pending_space = false;
    if (size == 0)
        return false;
    while (*s) {
        if (is_space_at(s, &sl)) {
            pending_space = o > 0;
            s += sl;
            continue;
        }
        long c = text_utf8_next(&s);
        if (c < 0)
            c = 0xFFFD;
        if (c == '_') {
            pending_space = o > 0;
            continue;
        }
        if (pending_space) {
            if (o + 1 >= size)
                return false;
            buf[o++] = ' ';
            pending_space = false;
        }
        size_t w = fold_code_point(c, buf + o, size - 1 - o);
        if (w == 0)
            return false;
        o += w;
    }
    buf[o] = '\0';
    return true;
}

char *text_fold(arena *a, const char *s)
{
    /* Folding at most doubles a byte (æ, 2 bytes → "ae", 2 bytes; U+FFFD for
     * a bad byte is 3), so 3n+1 always fits. */
    size_t size = 3 * strlen(s) + 1;
    char *buf = arena_alloc(a, size);
    if (!buf)
        return NULL;
    if (!text_fold_into(buf, size, s))
        return NULL;
    return buf;
}

bool text_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool text_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

size_t text_utf16_length(const char *s)
{
    size_t n = 0;
    while (*s) {
        long c = text_utf8_next(&s);
        n += c >= 0x10000 ? 2 : 1;
    }
    return n;
}

static bool is_control(long c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

const char *text_cell(arena *a, const char *s, bool *cut)
{
    /* Most texts are fine as they are: check before copying. */
    size_t units = 0;
    bool clean = true;
    for (const char *p = s; *p && clean;) {
        long c = text_utf8_next(&p);
        units += c >= 0x10000 ? 2 : 1;
        clean = c >= 0 && !is_control(c) && units <= TEXT_CELL_MAX;
    }
    if (cut)
        *cut = false;
    if (clean)
        return s;
    units = 0;
    size_t len = strlen(s), o = 0;
    char *out = arena_alloc(a, len + 1);
    if (!out)
        return NULL;
    while (*s) {
        const char *start = s;
        long c = text_utf8_next(&s);
        if (c < 0 || is_control(c))
            continue;
        size_t w = c >= 0x10000 ? 2 : 1;
        if (units + w > TEXT_CELL_MAX) {
            if (cut)
                *cut = true;
            break;
        }
        units += w;
        memcpy(out + o, start, (size_t)(s - start));
        o += (size_t)(s - start);
    }
    out[o] = '\0';
    return out;
}

/* Length of the printable UTF-8 character at s, or 0 when the byte there
 * must be escaped (a backslash too, when `backslash`). */
static size_t printable_length(const unsigned char *s, bool backslash)
{
    if ((backslash && *s == '\\') || *s < 0x20 || *s == 0x7F)
        return 0;
    if (*s < 0x80)
        return 1;
    const char *p = (const char *)s;
    long c = text_utf8_next(&p);
    if (c < 0 || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029)
        return 0;
    return (size_t)(p - (const char *)s);
}

static const char *escape(arena *a, const char *s, bool backslash)
{
    size_t out = 0;
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = printable_length(p, backslash);
        if (n == 0) {
            plain = false;
            out += backslash && *p == '\\' ? 2 : 4;
            p++;
        } else {
            out += n;
            p += n;
        }
    }
    if (plain)
        return s;
    char *buf = arena_alloc(a, out + 1), *w = buf;
    if (!buf)
        return NULL;
    static const char digits[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = printable_length(p, backslash);
        if (n) {
            memcpy(w, p, n);
            w += n;
            p += n;
        } else if (backslash && *p == '\\') {
            *w++ = '\\';
            *w++ = '\\';
            p++;
        } else {
            *w++ = '\\';
            *w++ = 'x';
            *w++ = digits[*p >> 4];
            *w++ = digits[*p & 15];
            p++;
        }
    }
    *w = '\0';
    return buf;
}

const char *text_name_escape(arena *a, const char *s)
{
    return escape(a, s, true);
}

const char *text_one_line(arena *a, const char *s)
{
    return escape(a, s, false);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
         : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool text_name_unescape(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = s; *p; n++) {
        if (n + 1 >= size)
            return false;
        if (*p != '\\') {
            buf[n] = *p++;
            continue;
        }
        if (p[1] == '\\') {
            buf[n] = '\\';
            p += 2;
        } else if (p[1] == 'x' && hex_digit(p[2]) >= 0 && hex_digit(p[3]) >= 0 &&
                   (hex_digit(p[2]) || hex_digit(p[3]))) {
            buf[n] = (char)(hex_digit(p[2]) * 16 + hex_digit(p[3]));
            p += 4;
        } else {
            return false;
        }
    }
    if (size == 0)
        return false;
    buf[n] = '\0';
    return true;
}

size_t text_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return 64;
    size_t d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

int text_place_compare(const void *a, const void *b)
{
    const text_place *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->place > y->place) - (x->place < y->place);
}
