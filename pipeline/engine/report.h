/* report.h — findings and documents for people and programs.
 *
 * Text: one finding a line in the compiler style editors and grep know,
 *   FILE:LINE: fejl|advarsel CODE: message [path]
 * then a verdict line per file. JSON: the same, plus the normalized content
 * of each accepted document (jansson). */
#ifndef STATUSNOTAT_REPORT_H
#define STATUSNOTAT_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "config.h"
#include "process.h"

void report_finding_text(FILE *out, const finding *x);
/* The same for a source's finding under the source's own name: a resend of
 * rejected bytes shares the first copy's findings (ledger.h), whose file
 * is the first copy's. */
void report_finding_text_as(FILE *out, const finding *x, const char *file);
void report_file_text(FILE *out, const processed_file *p);

/* JSON of one finding / one file (with its document when accepted). NULL
 * when out of memory. */
json_t *report_finding_json(const finding *x);
json_t *report_file_json(const processed_file *p, const config *cfg);
json_t *report_document_json(const document *doc, const config *cfg);

/* Writes a JSON value deterministically (keys in insertion order, fractions
 * with 15 significant digits), with no newline after: check --json streams
 * its files one at a time with it. Returns 0 or -1. */
int report_write_json(FILE *out, const json_t *value);

/* The document of `statusnotat check --json`, written as it goes so that one
 * file at a time is held: report_check_begin, report_check_file for each
 * file in order, report_check_end with the counts. The same document for the
 * command line and for `statusnotat serve` (one code path). Each returns 0 or
 * -1 (a write failed, or out of memory). */
int report_check_begin(FILE *out);
int report_check_file(FILE *out, const processed_file *p, const config *cfg, size_t index);
int report_check_end(FILE *out, size_t accepted, size_t rejected);

/* A file's findings as CSV for a spreadsheet (Danish Excel: ';' between
 * fields, every field quoted, a header row): fil;linje;alvor;kode;besked;sti.
 * 0 or -1. */
int report_findings_csv(FILE *out, const processed_file *p);

#endif
