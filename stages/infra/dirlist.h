/* inbox.h — listing folders: the deliveries waiting in an inbox (every name
 * *.xml or *.xml.gz, whatever it is — a link or a FIFO is reported, never
 * followed or read — but not hidden ones: a sender's partial upload), and
 * any folder's names through a filter, in the byte order of the names
 * (FORMAT.md: files that arrive together are taken in that order). */
#ifndef STATUSNOTAT_INBOX_H
#define STATUSNOTAT_INBOX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char **names;   /* sorted */
    size_t n;
} name_list;

/* The names in dir that accept(dir_fd, name, ctx) takes, sorted. Returns 0,
 * or -1 with errno set. */
int dir_list_sorted(const char *dir, bool (*accept)(int dir_fd, const char *name, void *ctx),
                    void *ctx, name_list *out);
void name_list_free(name_list *l);

/* The deliveries in an inbox. */
int inbox_list(const char *dir, name_list *out);

#endif
