/* inbox.c — listing a drop folder; see inbox.h. */
#include "inbox.h"

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

static bool is_delivery_name(const char *name)
{
    return name[0] != '.' && (text_ends_with(name, ".xml") || text_ends_with(name, ".xml.gz"));
}

int inbox_list(const char *dir, inbox_listing *out)
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
        struct stat st;
        if (!is_delivery_name(e->d_name))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode))
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
        if (!(out->names[out->n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        out->n++;
    }
    int saved = errno;
    closedir(d);
    if (rc != 0) {
        inbox_listing_free(out);
        errno = saved;
        return -1;
    }
    if (out->n > 1)
        qsort(out->names, out->n, sizeof *out->names, compare_names);
    return 0;
}

void inbox_listing_free(inbox_listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    l->names = NULL;
    l->n = 0;
}
