/* overview_rows.h — a period's rows in the overview across periods, as lines
 * of text: what a build hands the overview (build.h), what the overview's
 * cache keeps (ARCHIVE/oversigt.tsv) and what verify compares.
 *
 * In:  a period's reports as aggregate made them (the municipality's first),
 *      and the ledger holding the period's entries.
 * Out: lines, each ending in a newline, TAB-separated, texts escaped (\\ \t
 *      \n \r), in this order:
 *        S  period department latest_year granted limited frame indsatser
 *           accepted rejected                 (one per report: Perioder)
 *        I  period department id title theme status effect derived
 *           latest_year amount limited source (one per initiative: AlleIndsatser,
 *                                              by department, then id)
 *        R  seq run_index received department period file code message
 *                                             (one per rejected delivery: Afviste)
 *      department is the department's code ("" for the municipality or unknown),
 *      amounts exact (%.17g). The same reports give the same bytes. */
#ifndef STATUSNOTAT_OVERVIEW_ROWS_H
#define STATUSNOTAT_OVERVIEW_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "aggregate.h"
#include "emit.h"
#include "ledger.h"
#include "strbuf.h"

/* Appends the period's lines. reports[k] NULL is skipped. false when out of
 * memory (the strbuf then says failed). */
bool overview_rows_of_period(strbuf *out, const config *cfg, const ledger *l,
                             period_report *const *reports, size_t n_reports);

/* The R lines of the entries without a period (rejected, since a source
 * whose period cannot be read is never accepted), in arrival order. */
bool overview_rows_without_period(strbuf *out, const config *cfg, const ledger *l);

/* One line (without its newline; modified in place: texts are unescaped
 * where they stand). Which kind it is: 'S', 'I', 'R', or 0 when it is
 * none of them or does not parse. */
char overview_row_kind(const char *line);
bool overview_parse_summary(char *line, const config *cfg, period_summary *out);
bool overview_parse_initiative(char *line, const config *cfg, overview_initiative *out);
/* The department of an I line (its third field), without parsing the rest;
 * -1 when it is not such a line. */
int overview_initiative_department(const char *line, const config *cfg);
/* out->run is left NULL; *run_index says which run. */
bool overview_parse_rejection(char *line, const config *cfg, overview_rejection *out,
                              size_t *run_index);

#endif
