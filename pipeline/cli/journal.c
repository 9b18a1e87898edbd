/* journal.c — sd-daemon priority prefixes on the lines of stdout and stderr
 * when they go to the journal; see journal.h. */
#include "journal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A stream that writes whole lines to fd, each with its prefix. */
typedef struct {
    int fd;
    bool errors;                 /* stderr: <3> for the program's own lines, <4> else */
    bool at_line_start;
    char line[8192];
    size_t len;
} prefixed;

static void put(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void flush_line(prefixed *s)
{
    if (!s->len)
        return;
    /* "statusnotat run: …" is an error, "statusnotat run: advarsel: …" a warning. */
    const char *colon = strncmp(s->line, "statusnotat", 11) == 0 ? memchr(s->line, ':', s->len) : NULL;
    bool warning = colon && (size_t)(colon - s->line) + 11 < s->len && strncmp(colon, ": advarsel:", 11) == 0;
    const char *prefix = !s->errors ? "<6>" : colon && !warning ? "<3>" : "<4>";
    put(s->fd, prefix, 3);
    put(s->fd, s->line, s->len);
    s->len = 0;
}

static ssize_t prefixed_write(void *cookie, const char *buf, size_t size)
{
    prefixed *s = cookie;
    for (size_t i = 0; i < size; i++) {
        if (s->len == sizeof s->line)   /* an overlong line goes in pieces */
            flush_line(s);
        s->line[s->len++] = buf[i];
        if (buf[i] == '\n')
            flush_line(s);
    }
    return (ssize_t)size;
}

static int prefixed_close(void *cookie)
{
    flush_line(cookie);
    return 0;
}

/* Whether fd is the stream $JOURNAL_STREAM names ("device:inode"). */
static bool is_journal(int fd)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(fd, &st) == 0 &&
           (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static FILE *prefix_stream(int fd, bool errors)
{
    static prefixed streams[2];
    prefixed *s = &streams[errors];
    *s = (prefixed){.fd = fd, .errors = errors};
    cookie_io_functions_t io = {.write = prefixed_write, .close = prefixed_close};
    FILE *f = fopencookie(s, "w", io);
    if (f)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

void journal_streams_init(void)
{
    if (is_journal(STDOUT_FILENO)) {
        FILE *f = prefix_stream(STDOUT_FILENO, false);
        if (f)
            stdout = f;
    }
    if (is_journal(STDERR_FILENO)) {
        FILE *f = prefix_stream(STDERR_FILENO, true);
        if (f)
            stderr = f;
    }
}
