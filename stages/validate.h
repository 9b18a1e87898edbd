/* validate.h — stage 3: the rules of FORMAT.md that look across values.
 *
 * In:  a normalized document.
 * Out: findings: duplicate indsats ids and bevilling years (errors); years
 *      outside the budget, pct that does not match antal / i_alt, stated
 *      totals that differ from the sum of their rows (warnings).
 *
 * Across documents of one period, validate_period_ids() finds an indsats id
 * that another department already uses.
 *
 * Return false only when out of memory. */
#ifndef STATUSNOTAT_VALIDATE_H
#define STATUSNOTAT_VALIDATE_H

#include <stdbool.h>

#include "config.h"
#include "finding.h"
#include "model.h"

bool validate_document(const document *doc, const config *cfg, findings *f);

/* The ids already taken in one period, by department; grows as documents are
 * accepted. */
typedef struct id_registry id_registry;

id_registry *id_registry_new(void);
void id_registry_free(id_registry *r);

/* Reports ID_CONFLICT for every id of doc that another department holds in
 * the registry. Returns false only when out of memory. */
bool validate_period_ids(const id_registry *r, const document *doc, const config *cfg,
                         findings *f);
/* Records doc's ids as held by its department. */
bool id_registry_add(id_registry *r, const document *doc);

#endif
