/* finding_rules.h — every finding code explained in Danish for the
 * departments: what it means, the usual cause, and a correct example. The
 * rule pages of statusnotat serve (/regler/CODE) show it; docs/findings.md
 * lists the same codes (tests/cli/docs_in_step.sh checks that every code has
 * its rule here and its row there). Order: finding_codes.h's. */
#ifndef STATUSNOTAT_FINDING_RULES_H
#define STATUSNOTAT_FINDING_RULES_H

#include "finding.h"

typedef struct {
    const char *meaning;   /* what the finding says, one sentence */
    const char *cause;     /* why it usually happens */
    const char *example;   /* a correct way to write it (XML or an instruction) */
} finding_rule;

/* The rule of a code; never NULL for a code below F_COUNT. */
const finding_rule *finding_rule_of(finding_code code);

#endif
