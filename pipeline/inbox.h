/* inbox.h — the deliveries waiting in a folder: regular files named *.xml or
 * *.xml.gz (not hidden ones: a sender's partial upload), in the byte order of
 * their names (FORMAT.md: files that arrive together are taken in that order). */
#ifndef STATUSNOTAT_INBOX_H
#define STATUSNOTAT_INBOX_H

#include <stddef.h>

typedef struct {
    char **names;   /* file names, sorted */
    size_t n;
} inbox_listing;

/* Returns 0, or -1 with errno set. */
int inbox_list(const char *dir, inbox_listing *out);
void inbox_listing_free(inbox_listing *l);

#endif
