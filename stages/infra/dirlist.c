/* inbox.c — listing a folder through a filter; the inbox's filter; see inbox.h. */
#include "dirlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_list_sorted(const char *dir, bool (*accept)(int dir_fd, const char *name, void *ctx),
                    void *ctx, name_list *out)
{
    out->names = NULL;
    out->n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            rc = errno ? -1 : 0;
            break;
        }
        if (!accept(dirfd(d), e->d_name, ctx))
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            char **names = realloc(out->names, cap * sizeof *names);
            if (!names) {
                rc = -1;
                break;
            }
            out->names = names;
        }
        size_t len = strlen(e->d_name) + 1;
        if (!(out->names[out->n] = malloc(len))) {
            rc = -1;
            break;
        }
        memcpy(out->names[out->n], e->d_name, len);
        out->n++;
    }
    int saved = errno;
    closedir(d);
    if (rc != 0) {
        name_list_free(out);
        errno = saved;
        return -1;
    }
    if (out->n > 1)
        qsort(out->names, out->n, sizeof *out->names, compare_names);
    return 0;
}

void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    l->names = NULL;
    l->n = 0;
}

/* Every name a delivery could have, whatever it is: a symbolic link, a FIFO
 * or a folder named so is reported (and never followed, waited on or read),
 * every night while it stays. */
static bool is_delivery(int dir_fd, const char *name, void *ctx)
{
    (void)ctx;
    (void)dir_fd;
    return name[0] != '.' && (text_ends_with(name, ".xml") || text_ends_with(name, ".xml.gz"));
}

int inbox_list(const char *dir, name_list *out)
{
    return dir_list_sorted(dir, is_delivery, NULL, out);
}
