/* library_messages.c — libxlsxwriter's stderr lines collected for an error's
 * detail; see library_messages.h. */
#undef _FORTIFY_SOURCE           /* this file defines fprintf itself */
#include "library_messages.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char *collect;
static _Thread_local size_t collect_size;

void library_messages_begin(char *buf, size_t size)
{
    collect = size ? buf : NULL;
    collect_size = size;
    if (collect)
        collect[0] = '\0';
}

void library_messages_end(void)
{
    collect = NULL;
    collect_size = 0;
}

/* One message into the span's buffer: its prefix ("[ERROR][src/x.c:12]: ",
 * "[WARNING]: ") and line breaks dropped. */
static void keep(const char *text)
{
    const char *t = text;
    if (*t == '[') {
        const char *end = strstr(t, "]: ");
        const char *close = strchr(t, ']');
        if (end && close && close[1] == '[')   /* [ERROR][file:line]: */
            t = end + 3;
        else if (close && close[1] == ' ')     /* [ERROR] function(): … */
            t = close + 2;
        else if (end)
            t = end + 3;
    }
    size_t len = strlen(collect);
    if (len + 3 >= collect_size)
        return;
    if (len)
        len += (size_t)snprintf(collect + len, collect_size - len, "; ");
    for (; *t && len + 1 < collect_size; t++)
        if (*t != '\n' && *t != '\r')
            collect[len++] = *t;
    collect[len] = '\0';
}

static int print_or_keep(FILE *stream, const char *format, va_list ap)
{
    if (!collect || stream != stderr)
        return vfprintf(stream, format, ap);
    char text[1024];
    int n = vsnprintf(text, sizeof text, format, ap);
    keep(text);
    return n;
}

int fprintf(FILE *stream, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = print_or_keep(stream, format, ap);
    va_end(ap);
    return n;
}

int __fprintf_chk(FILE *stream, int flag, const char *format, ...);
int __fprintf_chk(FILE *stream, int flag, const char *format, ...)
{
    (void)flag;
    va_list ap;
    va_start(ap, format);
    int n = print_or_keep(stream, format, ap);
    va_end(ap);
    return n;
}
