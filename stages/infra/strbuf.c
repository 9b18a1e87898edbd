/* strbuf.c — growable text and cut messages; see strbuf.h. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(strbuf *sb, size_t more)
{
    if (sb->failed)
        return false;
    if (sb->len + more + 1 <= sb->alloc)
        return true;
    size_t want = sb->alloc ? sb->alloc : 64;
    while (want < sb->len + more + 1) {
        if (want > (size_t)-1 / 2) {
            sb->failed = true;
            return false;
        }
        want *= 2;
    }
    char *p = realloc(sb->buf, want);
    if (!p) {
        sb->failed = true;
        return false;
    }
    sb->buf = p;
    sb->alloc = want;
    return true;
}

bool strbuf_add(strbuf *sb, const char *data, size_t len)
{
    if (!grow(sb, len))
        return false;
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return true;
}

bool strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    bool ok = n >= 0;
    if (ok && (size_t)n < sizeof small) {
        ok = strbuf_add(sb, small, (size_t)n);
    } else if (ok && grow(sb, (size_t)n)) {
        ok = vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, again) == n;
        if (ok)
            sb->len += (size_t)n;
        else
            sb->buf[sb->len] = '\0';
    } else {
        ok = false;
        sb->failed = true;
    }
    va_end(again);
    return ok;
}

bool strbuf_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return ok;
}

const char *strbuf_str(const strbuf *sb)
{
    return sb->buf && !sb->failed ? sb->buf : "";
}

void strbuf_reset(strbuf *sb)
{
    sb->len = 0;
    sb->failed = false;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void strbuf_release(strbuf *sb)
{
    free(sb->buf);
    memset(sb, 0, sizeof *sb);
}

bool text_printf_cut(char *buf, size_t size, const char *fmt, ...)
{
    if (!size)
        return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < size)
        return true;
    if (n < 0) {
        buf[0] = '\0';
        return false;
    }
    static const char ellipsis[] = "…";   /* 3 bytes */
    if (size < sizeof ellipsis)
        return false;
    size_t end = size - sizeof ellipsis;   /* room for "…" and the NUL */
    while (end > 0 && ((unsigned char)buf[end] & 0xC0) == 0x80)
        end--;   /* not inside a UTF-8 character */
    memcpy(buf + end, ellipsis, sizeof ellipsis);
    return false;
}
