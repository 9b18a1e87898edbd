/* source.c — the labels of a source's status, and its findings counted;
 * see source.h. */
#include "source.h"

#include <string.h>

const char *source_status_label(source_status s)
{
    switch (s) {
    case SOURCE_ACCEPTED: return "godkendt";
    case SOURCE_REJECTED: return "afvist";
    case SOURCE_SUPERSEDED: return "erstattet";
    case SOURCE_DUPLICATE: return "dublet";
    }
    return "?";
}

const char *source_status_code(source_status s)
{
    switch (s) {
    case SOURCE_ACCEPTED: return "accepted";
    case SOURCE_REJECTED: return "rejected";
    case SOURCE_SUPERSEDED: return "superseded";
    case SOURCE_DUPLICATE: return "duplicate";
    }
    return "?";
}

size_t source_row_count(const source_row *r, severity s)
{
    size_t n = 0;
    for (size_t k = 0; k < r->n_findings; k++)
        n += r->findings[k].severity == s;
    return n;
}

int source_status_from_code(const char *code)
{
    for (int s = SOURCE_ACCEPTED; s <= SOURCE_DUPLICATE; s++)
        if (strcmp(source_status_code((source_status)s), code) == 0)
            return s;
    return -1;
}
