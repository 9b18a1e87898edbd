/* previous.h — what changed against the department's half year before, for
 * the page: the document the archive holds for the same department and the
 * previous period (read through the state, read-only; a night may run
 * meanwhile), and the Udvikling rows aggregate makes of the two — the same
 * rows the period's workbook will show.
 *
 * In:  an archive, the configuration, a checked document.
 * Out: a previous_view the caller frees; its report's changes are the rows.
 *      found false when the archive has no such document (or cannot be read:
 *      why in err). */
#ifndef STATUSNOTAT_PREVIOUS_H
#define STATUSNOTAT_PREVIOUS_H

#include <stdbool.h>
#include <stddef.h>

#include "aggregate.h"
#include "config.h"
#include "processed.h"

typedef struct previous_view previous_view;

previous_view *previous_open(const char *archive, const config *cfg, const document *doc, const char *name,
                             char *err, size_t errlen);
/* The rows, or NULL when nothing was found. */
const period_report *previous_report(const previous_view *v);
void previous_free(previous_view *v);

#endif
