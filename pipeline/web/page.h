/* page.h — the pre-flight page, in Danish, as HTML: the form (works without
 * JavaScript; the script in assets.c makes it a drop zone that checks each
 * file as it is dropped), a file's result (the verdict in three states, the
 * findings by indsats and by code with counts, the source with line numbers
 * and each finding beside its line, what was read), a receipt, a rule's page.
 * Everything a delivered file says is escaped. */
#ifndef STATUSNOTAT_PAGE_H
#define STATUSNOTAT_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "aggregate.h"
#include "config.h"
#include "processed.h"
#include "strbuf.h"

/* One checked file: its name as shown, its bytes, what the input stages made
 * of it; failed when the check itself could not be made. */
typedef struct {
    const char *name;
    const char *data;
    size_t len;
    processed_file p;
    bool failed;
    const char *json;            /* check --json's document for it */
    const char *csv;             /* its findings as CSV (report_findings_csv) */
    const period_report *changes;   /* against the half year before (previous.h); NULL: none */
} page_file;

void page_begin(strbuf *out, const char *title);
void page_end(strbuf *out);
/* The form: csrf is the form token; deliveries whether the delivery form is shown. */
void page_form(strbuf *out, const char *csrf, bool deliveries);
void page_result(strbuf *out, const page_file *f, const config *cfg, size_t index);
/* A rule's page (GET /regler/CODE): what it means and what the pipeline does. */
bool page_rule(strbuf *out, const char *code);
/* Every code with its summary (GET /regler). */
void page_rules(strbuf *out);
void html_escape(strbuf *out, const char *text, size_t len);

#endif
