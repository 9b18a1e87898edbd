/* errno_text.h — an errno in a few Danish words ("disken er fuld"), for the
 * messages people read; the system's own wording (strerror) goes in logs as
 * a detail. Never NULL. */
#ifndef STATUSNOTAT_ERRNO_TEXT_H
#define STATUSNOTAT_ERRNO_TEXT_H

/* Not a system errno: what durable_open_delivery() says of anything that is
 * not a regular file (a FIFO, a folder, a device). */
#define EFTYPE_NOT_REGULAR 0x7fff

const char *errno_text(int e);

#endif
