/* strbuf.h — text that grows as it is written (git's strbuf.h is the model),
 * for paths and messages whose length the program does not choose: a
 * delivered name, a folder given on the command line, a library's message.
 *
 * The rules:
 *  - STRBUF_INIT (or zeroing) makes an empty buffer; strbuf_str() of it is "".
 *  - After any add, buf is NUL-terminated and len is the text's length.
 *  - An allocation that fails sets `failed` and leaves the text as it was;
 *    later adds do nothing. Check failed once, when the text is used
 *    (strbuf_str() gives "" then, never half a path).
 *  - strbuf_release() frees and makes the buffer empty again; a buffer is
 *    owned by whoever declared it.
 *
 * Fixed-size fields of a result (an err[1024] a caller gives) take messages
 * through text_printf_cut(): cut on purpose, and marked "…" when they are. */
#ifndef STATUSNOTAT_STRBUF_H
#define STATUSNOTAT_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *buf;
    size_t len, alloc;
    bool failed;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0, false}

bool strbuf_add(strbuf *sb, const char *data, size_t len);
bool strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The text, or "" when empty or failed. */
const char *strbuf_str(const strbuf *sb);
/* Empties the text, keeping the memory (and clears failed). */
void strbuf_reset(strbuf *sb);
void strbuf_release(strbuf *sb);

/* Formats into a fixed field of `size` bytes; a text that does not fit is
 * cut at a UTF-8 character boundary and ends in "…". Returns whether it
 * fit. */
bool text_printf_cut(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
