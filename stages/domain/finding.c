/* finding.c — the finding list; see finding.h. */
#include "finding.h"

#include "text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    severity severity;
    const char *summary;
    const char *action;
} code_table[F_COUNT] = {
#define FINDING(code, sev, summary, action) [F_##code] = {#code, SEVERITY_##sev, summary, action},
#include "finding_codes.h"
#undef FINDING
};

void findings_init(findings *f, arena *a, const char *file)
{
    memset(f, 0, sizeof *f);
    f->arena = a;
    f->file = file;
}

const char *finding_code_name(finding_code code) { return code_table[code].name; }
int finding_code_from_name(const char *name)
{
    for (int c = 0; c < F_COUNT; c++)
        if (strcmp(code_table[c].name, name) == 0)
            return c;
    return -1;
}

severity finding_code_severity(finding_code code) { return code_table[code].severity; }
const char *finding_code_summary(finding_code code) { return code_table[code].summary; }
const char *finding_code_action(finding_code code) { return code_table[code].action; }

const char *severity_label(severity s)
{
    return s == SEVERITY_ERROR ? "fejl" : "advarsel";
}

bool findings_add(findings *f, finding_code code, uint32_t line, const char *path,
                  const char *fmt, ...)
{
    if (code_table[code].severity == SEVERITY_ERROR)
        f->errors++;
    else
        f->warnings++;
    f->last_kept = false;
    if (f->limit && f->n >= f->limit) {
        f->dropped++;
        return true;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        finding *items = arena_alloc_array(f->arena, cap, sizeof *items);
        if (!items)
            return false;
        if (f->n)
            memcpy(items, f->items, f->n * sizeof *items);
        f->items = items;
        f->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    const char *message = arena_vprintf(f->arena, fmt, ap);
    va_end(ap);
    if (message)
        message = text_one_line(f->arena, message);
    char *path_copy = path ? arena_strdup(f->arena, path) : NULL;
    if (!message || (path && !path_copy))
        return false;
    finding *x = &f->items[f->n++];
    x->code = code;
    x->severity = code_table[code].severity;
    x->file = f->file;
    x->line = line;
    x->path = path_copy;
    x->message = message;
    x->detail = NULL;
    x->seq = (uint32_t)f->n - 1;
    f->last_kept = true;
    return true;
}

bool findings_set_detail(findings *f, const char *detail)
{
    if (!f->last_kept || !f->n || !detail)
        return true;
    const char *copy = arena_strdup(f->arena, detail);
    const char *d = copy ? text_one_line(f->arena, copy) : NULL;
    f->items[f->n - 1].detail = d;
    return d != NULL;
}

static int compare_findings(const void *pa, const void *pb)
{
    const finding *a = pa, *b = pb;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    return a->seq < b->seq ? -1 : (a->seq > b->seq);  /* stable */
}

void findings_sort(findings *f)
{
    if (f->n > 1)
        qsort(f->items, f->n, sizeof *f->items, compare_findings);
}
