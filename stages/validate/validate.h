/* validate.h — stage 3: the rules of FORMAT.md that look across values.
 *
 * In:  a normalized document.
 * Out: findings: duplicate indsats ids and bevilling years (errors); years
 *      outside the budget, pct that does not match antal / i_alt, stated
 *      totals that differ from the sum of their rows (warnings).
 *
 * An indsats id that another department uses in the same period is found when
 * documents are admitted (pipeline/ledger.c): it depends on arrival order.
 *
 * Return false only when out of memory. */
#ifndef STATUSNOTAT_VALIDATE_H
#define STATUSNOTAT_VALIDATE_H

#include <stdbool.h>

#include "config.h"
#include "finding.h"
#include "model.h"

bool validate_document(const document *doc, const config *cfg, findings *f);

#endif
