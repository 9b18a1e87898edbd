/* finding.h — errors and warnings as values.
 *
 * A finding is what a stage says about its input: severity, a stable code
 * (finding_codes.h), the file, the line, the element path and a message —
 * Danish and one line: every byte that would break a line, or is not UTF-8,
 * is written \xHH (text_one_line), whatever value or name it quotes.
 * Stages never print; they append findings to the list they are given. The
 * list and every string in it live in the caller's arena. */
#ifndef STATUSNOTAT_FINDING_H
#define STATUSNOTAT_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum { SEVERITY_WARNING = 1, SEVERITY_ERROR = 2 } severity;

typedef enum {
#define FINDING(code, sev, summary, action) F_##code,
#include "finding_codes.h"
#undef FINDING
    F_COUNT
} finding_code;

typedef struct {
    finding_code code;
    severity severity;
    const char *file;     /* as given by the caller */
    uint32_t line;        /* 1-based; 0 when the finding is about the whole file */
    const char *path;     /* element path, e.g. /statusnotat/indsatser/indsats[1]/bevilling[1] */
    const char *message;  /* Danish, for the sender, one line */
    const char *detail;   /* a library's or the system's own wording, or NULL (--json, log) */
    uint32_t seq;         /* order of arrival, keeps sorting stable */
} finding;

typedef struct {
    arena *arena;
    const char *file;
    finding *items;
    size_t n, cap;
    size_t errors, warnings;
    size_t limit;      /* keep at most this many (0 = no limit); the rest are counted */
    size_t dropped;
    bool last_kept;    /* the last findings_add() stored its finding */
} findings;

void findings_init(findings *f, arena *a, const char *file);

/* Appends a finding; returns false only when out of memory. */
bool findings_add(findings *f, finding_code code, uint32_t line, const char *path,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sets the detail of the finding just added (if it was kept). */
bool findings_set_detail(findings *f, const char *detail);

const char *finding_code_name(finding_code code);
/* The code of a name ("AMOUNT_INVALID"), or -1. */
int finding_code_from_name(const char *name);
severity finding_code_severity(finding_code code);
const char *finding_code_summary(finding_code code);
const char *finding_code_action(finding_code code);   /* Danish: what the pipeline did */
const char *severity_label(severity s);   /* "fejl" / "advarsel" */

/* Orders findings by line, then severity (errors first), then code; stable. */
void findings_sort(findings *f);

#endif
