/* overview_rows.c — a period's overview rows as lines of text and back; see
 * overview_rows.h. */
#include "overview_rows.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Writing ------------------------------------------------------------------ */

/* A text as a field: TAB, newline, CR and backslash escaped. */
static void put_text(strbuf *out, const char *s)
{
    strbuf_add(out, "\t", 1);
    for (const char *p = s ? s : ""; *p; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
        if (esc)
            strbuf_add(out, esc, 2);
        else
            strbuf_add(out, p, 1);
    }
}

static const char *department_code(const config *cfg, int department)
{
    return department >= 0 && (size_t)department < cfg->departments.n ? cfg->departments.items[department].code : "";
}

static void put_summary(strbuf *out, const config *cfg, const period_summary *row)
{
    char period[8];
    period_format(&row->period, period);
    strbuf_addf(out, "S\t%s\t%s\t%d\t%.17g\t%.17g\t%" PRId64 "\t%zu\t%zu\t%zu\n", period,
                department_code(cfg, row->department), row->latest_year, row->granted, row->limited,
                row->frame, row->indsatser, row->accepted, row->rejected);
}

typedef struct {
    const indsats_row *row;
    size_t order;
} ordered_indsats;

static int compare_indsatser(const void *a, const void *b)
{
    const ordered_indsats *x = a, *y = b;
    if (x->row->department_index != y->row->department_index)
        return x->row->department_index < y->row->department_index ? -1 : 1;
    int c = strcmp(x->row->id, y->row->id);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* The municipality's Indsatser rows, by department, then id. */
static bool put_initiatives(strbuf *out, const config *cfg, const period_report *r)
{
    ordered_indsats *order = malloc((r->n_indsatser ? r->n_indsatser : 1) * sizeof *order);
    if (!order)
        return false;
    for (size_t i = 0; i < r->n_indsatser; i++)
        order[i] = (ordered_indsats){&r->indsatser[i], i};
    qsort(order, r->n_indsatser, sizeof *order, compare_indsatser);
    char period[8];
    period_format(&r->period, period);
    int latest = r->latest_year_index;
    for (size_t i = 0; i < r->n_indsatser; i++) {
        const indsats_row *x = order[i].row;
        double amount = latest >= 0 && x->bevilling.has[latest] ? x->bevilling.kroner[latest] : 0;
        strbuf_addf(out, "I\t%s\t%s", period, department_code(cfg, x->department_index));
        put_text(out, x->id);
        put_text(out, x->title);
        put_text(out, x->theme);
        put_text(out, x->status);
        put_text(out, x->effect);
        strbuf_addf(out, "\t%c\t%d\t%.17g\t%c", x->effect_derived ? 'J' : 'N',
                    latest >= 0 ? cfg->budget_years[latest] : 0, amount, x->limited ? 'J' : 'N');
        put_text(out, x->source);
        strbuf_add(out, "\n", 1);
    }
    free(order);
    return true;
}

static const finding *first_error(const source_row *row)
{
    for (size_t i = 0; i < row->n_findings; i++)
        if (row->findings[i].severity == SEVERITY_ERROR)
            return &row->findings[i];
    return row->n_findings ? &row->findings[0] : NULL;
}

static void put_rejection(strbuf *out, const config *cfg, const ledger_entry *e)
{
    const source_row *row = &e->row;
    char period[8] = "";
    if (row->id.has_period)
        period_format(&row->id.period, period);
    const finding *f = first_error(row);
    strbuf_addf(out, "R\t%zu\t%zu", e->seq, e->run_index);
    put_text(out, row->received);
    strbuf_addf(out, "\t%s\t%s", department_code(cfg, row->id.department), period);
    put_text(out, row->id.name);
    put_text(out, f ? finding_code_name(f->code) : "");
    put_text(out, f ? f->message : "");
    strbuf_add(out, "\n", 1);
}

typedef struct {
    const ledger_entry *e;
} entry_ref;

static int compare_seq(const void *a, const void *b)
{
    const ledger_entry *x = ((const entry_ref *)a)->e, *y = ((const entry_ref *)b)->e;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The rejected entries in (has_period, period), in arrival order. */
static bool put_rejections(strbuf *out, const config *cfg, const ledger *l, bool has_period,
                           const sn_period *period)
{
    size_t n = 0, count = ledger_count(l);
    entry_ref *refs = malloc((count ? count : 1) * sizeof *refs);
    if (!refs)
        return false;
    for (size_t i = 0; i < count; i++) {
        const ledger_entry *e = ledger_get(l, i);
        if (e->row.status == SOURCE_REJECTED && e->row.id.has_period == has_period &&
            (!has_period || period_compare(&e->row.id.period, period) == 0))
            refs[n++] = (entry_ref){e};
    }
    qsort(refs, n, sizeof *refs, compare_seq);
    for (size_t i = 0; i < n; i++)
        put_rejection(out, cfg, refs[i].e);
    free(refs);
    return true;
}

bool overview_rows_of_period(strbuf *out, const config *cfg, const ledger *l,
                             period_report *const *reports, size_t n_reports)
{
    const period_report *city = NULL;
    for (size_t k = 0; k < n_reports; k++)
        if (reports[k]) {
            period_summary row = aggregate_summary(reports[k]);
            put_summary(out, cfg, &row);
            if (reports[k]->department < 0)
                city = reports[k];
        }
    if (!city)
        return !out->failed;
    if (!put_initiatives(out, cfg, city) || !put_rejections(out, cfg, l, true, &city->period))
        return false;
    return !out->failed;
}

bool overview_rows_without_period(strbuf *out, const config *cfg, const ledger *l)
{
    return put_rejections(out, cfg, l, false, NULL) && !out->failed;
}

/* ---- Reading ------------------------------------------------------------------ */

/* Splits line at TABs into at most n fields, unescaping each in place.
 * Returns the count. */
static size_t split_fields(char *line, char **f, size_t n)
{
    size_t k = 0;
    char *p = line;
    while (k < n) {
        f[k++] = p;
        char *w = p;
        while (*p && *p != '\t') {
            if (*p == '\\' && p[1]) {
                p++;
                *w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
                p++;
            } else {
                *w++ = *p++;
            }
        }
        bool more = *p == '\t';
        *w = '\0';
        if (!more)
            return k;
        p++;
    }
    return k + 1;   /* more fields than asked for */
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    *out = (size_t)v;
    return *s && !*end && errno == 0;
}

static bool parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    *out = (int)v;
    return *s && !*end;
}

static bool parse_double(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && !*end;
}

/* A department by its code; "" → -1 when allowed. */
static bool parse_department(const char *s, const config *cfg, bool may_be_none, int *out)
{
    *out = *s ? vocab_find_code(&cfg->departments, s) : -1;
    return *s ? *out >= 0 : may_be_none;
}

char overview_row_kind(const char *line)
{
    return (line[0] == 'S' || line[0] == 'I' || line[0] == 'R') && line[1] == '\t' ? line[0] : 0;
}

bool overview_parse_summary(char *line, const config *cfg, period_summary *row)
{
    char *f[11];
    if (overview_row_kind(line) != 'S' || split_fields(line, f, 11) != 10)
        return false;
    *row = (period_summary){0};
    char *end;
    if (!value_period(f[1], &row->period) || !parse_department(f[2], cfg, true, &row->department) ||
        !parse_int(f[3], &row->latest_year) || !parse_double(f[4], &row->granted) ||
        !parse_double(f[5], &row->limited))
        return false;
    row->frame = strtoll(f[6], &end, 10);
    return *f[6] && !*end && parse_size(f[7], &row->indsatser) && parse_size(f[8], &row->accepted) &&
           parse_size(f[9], &row->rejected);
}

bool overview_parse_initiative(char *line, const config *cfg, overview_initiative *x)
{
    char *f[14];
    if (overview_row_kind(line) != 'I' || split_fields(line, f, 14) != 13)
        return false;
    *x = (overview_initiative){.id = f[3], .title = f[4], .theme = f[5], .status = f[6], .effect = f[7],
                               .effect_derived = f[8][0] == 'J', .limited = f[11][0] == 'J', .source = f[12]};
    return value_period(f[1], &x->period) && parse_department(f[2], cfg, false, &x->department) &&
           parse_int(f[9], &x->latest_year) && parse_double(f[10], &x->amount);
}

int overview_initiative_department(const char *line, const config *cfg)
{
    /* "I<TAB>period<TAB>code<TAB>…" */
    const char *code = overview_row_kind(line) == 'I' ? strchr(line + 2, '\t') : NULL;
    const char *end = code ? strchr(code + 1, '\t') : NULL;
    char buf[64];
    if (!end || (size_t)(end - code - 1) >= sizeof buf)
        return -1;
    memcpy(buf, code + 1, (size_t)(end - code - 1));
    buf[end - code - 1] = '\0';
    return vocab_find_code(&cfg->departments, buf);
}

bool overview_parse_rejection(char *line, const config *cfg, overview_rejection *x, size_t *run_index)
{
    char *f[10];
    if (overview_row_kind(line) != 'R' || split_fields(line, f, 10) != 9)
        return false;
    *x = (overview_rejection){.received = f[3][0] ? f[3] : NULL, .file = f[6], .code = f[7], .message = f[8]};
    x->has_period = f[5][0] != '\0';
    return parse_size(f[1], &x->seq) && parse_size(f[2], run_index) &&
           parse_department(f[4], cfg, true, &x->department) && (!x->has_period || value_period(f[5], &x->period));
}
