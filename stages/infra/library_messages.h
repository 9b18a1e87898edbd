/* library_messages.h — what libxlsxwriter would print, taken for the error's
 * detail instead.
 *
 * libxlsxwriter 1.1.4 writes its errors and warnings itself, in English, to
 * stderr ("[ERROR] workbook_close(): Zip ZIP_ERRNO error while creating xlsx
 * file '…'. System error = No space left on device"). A stage never prints:
 * between library_messages_begin() and library_messages_end() every line the
 * library writes to stderr from this thread is collected into the caller's
 * buffer instead (its "[ERROR][file:line]: " prefix dropped, lines joined by
 * "; "), and the emitter puts it beside its own Danish message. Outside
 * such a span, and for every other stream, printing is untouched.
 *
 * It works by defining fprintf() and __fprintf_chk() (what a fortified build
 * of the library calls) for the whole program, like emit.c's gmtime(): the
 * executable's definitions take the C library's place for the shared
 * libraries too. Thread-safe: each thread has its own span. */
#ifndef STATUSNOTAT_LIBRARY_MESSAGES_H
#define STATUSNOTAT_LIBRARY_MESSAGES_H

#include <stddef.h>

/* Starts collecting into buf (size bytes, always NUL-terminated). */
void library_messages_begin(char *buf, size_t size);
/* Stops collecting. */
void library_messages_end(void);

#endif
