/* normalize.h — stage 2: raw_document → document.
 *
 * In:  the raw text of every value (ingest), the configuration.
 * Out: every value in its normalized form: whole kroner, fractions, ISO
 *      dates with a fuzzy flag, the canonical period, vocabulary indexes
 *      (department, theme, status, effect, anbefaling), the effect derived
 *      from the text where @vurdering is missing. Values that are not valid
 *      become findings (errors or warnings per FORMAT.md) and are left out.
 *
 * Returns NULL only when out of memory. */
#ifndef STATUSNOTAT_NORMALIZE_H
#define STATUSNOTAT_NORMALIZE_H

#include "config.h"
#include "finding.h"
#include "model.h"

document *normalize_document(const raw_document *raw, const config *cfg, arena *a,
                             findings *f);

#endif
