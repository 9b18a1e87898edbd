/* report.c — text and JSON renderings of findings and documents; see report.h. */
#include "report.h"

#include "version.h"

#include <math.h>

void report_finding_text(FILE *out, const finding *x)
{
    report_finding_text_as(out, x, x->file);
}

void report_finding_text_as(FILE *out, const finding *x, const char *file)
{
    if (x->line)
        fprintf(out, "%s:%u: %s %s: %s", file, x->line, severity_label(x->severity),
                finding_code_name(x->code), x->message);
    else
        fprintf(out, "%s: %s %s: %s", file, severity_label(x->severity),
                finding_code_name(x->code), x->message);
    if (x->path)
        fprintf(out, " [%s]", x->path);
    fputc('\n', out);
}

void report_file_text(FILE *out, const processed_file *p)
{
    const findings *f = &p->findings;
    for (size_t i = 0; i < f->n; i++)
        report_finding_text(out, &f->items[i]);
    if (f->dropped)
        fprintf(out, "%s: ... og %zu fund mere (grænsen er %zu pr. dokument)\n", f->file,
                f->dropped, f->limit);
    fprintf(out, "%s: %s (%zu %s, %zu %s)\n", f->file, p->accepted ? "godkendt" : "afvist",
            f->errors, "fejl", f->warnings, f->warnings == 1 ? "advarsel" : "advarsler");
}

/* ---- JSON ---------------------------------------------------------------- */

/* Every builder returns NULL when out of memory; json_pack fails on a NULL
 * "o" argument, and append() reports a failed element, so a failure anywhere
 * reaches the top and nothing partial is written. */
static bool append(json_t *array, json_t *value)
{
    if (!array || !value) {
        json_decref(value);
        return false;
    }
    return json_array_append_new(array, value) == 0;
}

static json_t *fail_array(json_t *array)
{
    json_decref(array);
    return NULL;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *vocab_json(const vocab *v, int i)
{
    if (i < 0)
        return json_null();
    return json_pack("{s:s, s:s}", "code", v->items[i].code, "label", v->items[i].label);
}

static json_t *date_json(bool has, const sn_date *d)
{
    char buf[11];
    if (!has)
        return json_null();
    date_format(d, buf);
    return json_pack("{s:s, s:b}", "date", buf, "fuzzy", d->fuzzy);
}

static json_t *count_json(int64_t v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

static json_t *fraction_json(bool has, double v)
{
    return has ? json_real(v) : json_null();
}

json_t *report_finding_json(const finding *x)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "severity", severity_label(x->severity),
                     "code", finding_code_name(x->code), "file", x->file, "line",
                     x->line ? json_integer(x->line) : json_null(), "path", str_or_null(x->path),
                     "message", x->message, "detail", str_or_null(x->detail));
}

static json_t *indikator_json(const indikator *ind)
{
    const indicator_value *v = &ind->value;
    json_t *o = json_pack("{s:s, s:o, s:s, s:s}", "name", ind->name, "unit",
                          str_or_null(ind->unit), "text", ind->text, "kind",
                          indicator_kind_name(v->kind));
    if (!o)
        return NULL;
    int rc = 0;
    switch (v->kind) {
    case INDICATOR_NUMBER:
    case INDICATOR_PERCENT:
        rc |= json_object_set_new(o, "value", json_real(v->value));
        break;
    case INDICATOR_RANGE:
        rc |= json_object_set_new(o, "low", json_real(v->low));
        rc |= json_object_set_new(o, "high", json_real(v->high));
        break;
    case INDICATOR_OUT_OF:
        rc |= json_object_set_new(o, "value", json_real(v->value));
        rc |= json_object_set_new(o, "total", json_real(v->total));
        break;
    case INDICATOR_TEXT:
        break;
    }
    rc |= json_object_set_new(o, "date", date_json(ind->has_date, &ind->date));
    rc |= json_object_set_new(o, "year", ind->year ? json_integer(ind->year) : json_null());
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *indsats_json(const indsats *x, const config *cfg)
{
    json_t *bevillinger = json_array(), *indikatorer = json_array();
    bool ok = true;
    for (size_t j = 0; ok && j < x->n_bevillinger; j++)
        ok = append(bevillinger, json_pack("{s:i, s:I}", "year", x->bevillinger[j].year, "kroner",
                                           (json_int_t)x->bevillinger[j].kroner));
    for (size_t j = 0; ok && j < x->n_indikatorer; j++)
        ok = append(indikatorer, indikator_json(&x->indikatorer[j]));
    if (!ok) {
        json_decref(indikatorer);
        return fail_array(bevillinger);
    }
    const vocab_entry *effect = &cfg->effects.items[x->effect];
    return json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:b}, s:o, s:{s:s, s:s, s:o, s:b}, s:s, s:o, s:o, s:o, s:o}",
        "id", x->id, "title", x->title,
        "theme", "text", x->theme_text, "name",
        x->theme >= 0 ? cfg->themes.items[x->theme].label : cfg->other_theme, "known", x->theme >= 0,
        "status", vocab_json(&cfg->statuses, x->status),
        "effect", "code", effect->code, "label", effect->label, "ordinal",
        effect->ordinal >= 0 ? json_integer(effect->ordinal) : json_null(), "derived",
        x->effect_derived,
        "effect_text", x->effect_text,
        "anbefaling", vocab_json(&cfg->anbefalinger, x->anbefaling),
        "bemaerkning", str_or_null(x->bemaerkning),
        "bevillinger", bevillinger, "indikatorer", indikatorer);
}

static json_t *personale_json(const personale *p)
{
    json_t *levels = json_array();
    int64_t sum_ansatte = 0, sum_arbejdsstyrke = 0;
    for (size_t k = 0; k < p->n_niveauer; k++) {
        const niveau *nv = &p->niveauer[k];
        json_t *level;
        sum_ansatte += nv->ansatte;
        if (nv->arbejdsstyrke >= 0)
            sum_arbejdsstyrke += nv->arbejdsstyrke;
        level = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "name", nv->name, "ansatte",
                          (json_int_t)nv->ansatte, "i_alt", count_json(nv->i_alt), "pct_ansatte",
                          fraction_json(nv->has_pct_ansatte, nv->pct_ansatte), "arbejdsstyrke",
                          count_json(nv->arbejdsstyrke), "pct_arbejdsstyrke",
                          fraction_json(nv->has_pct_arbejdsstyrke, nv->pct_arbejdsstyrke));
        if (!append(levels, level))
            return fail_array(levels);
    }
    return json_pack("{s:o, s:o, s:{s:o, s:o}, s:{s:I, s:I}}", "opgjort",
                     date_json(p->has_opgjort, &p->opgjort), "niveauer", levels, "stated_total",
                     "ansatte", count_json(p->total_ansatte), "arbejdsstyrke",
                     count_json(p->total_arbejdsstyrke), "sum", "ansatte",
                     (json_int_t)sum_ansatte, "arbejdsstyrke", (json_int_t)sum_arbejdsstyrke);
}

json_t *report_document_json(const document *doc, const config *cfg)
{
    char period[8];
    const vocab_entry *dep = &cfg->departments.items[doc->department];
    json_t *indsatser = json_array();
    period_format(&doc->period, period);
    for (size_t i = 0; i < doc->n_indsatser; i++)
        if (!append(indsatser, indsats_json(&doc->indsatser[i], cfg)))
            return fail_array(indsatser);
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:o, s:o, s:o, s:o}", "talformat",
                     doc->talformat == NUMBER_FORMAT_ISO ? "iso" : "da", "department", "code",
                     dep->code, "file_code", dep->file_code, "name", dep->label, "period", period,
                     "submitted", date_json(doc->has_indsendt, &doc->indsendt), "kontakt",
                     str_or_null(doc->kontakt), "indsatser", indsatser, "personale",
                     doc->personale ? personale_json(doc->personale) : json_null());
}

json_t *report_file_json(const processed_file *p, const config *cfg)
{
    const findings *f = &p->findings;
    json_t *list = json_array();
    for (size_t i = 0; i < f->n; i++)
        if (!append(list, report_finding_json(&f->items[i])))
            return fail_array(list);
    json_t *o = json_pack("{s:s, s:s, s:I, s:b, s:s, s:I, s:I, s:I, s:o}", "file", f->file,
                          "sha256", p->source.sha256_hex, "bytes", (json_int_t)p->source.bytes,
                          "gzip", p->source.gzip, "status", p->accepted ? "accepted" : "rejected",
                          "errors", (json_int_t)f->errors, "warnings", (json_int_t)f->warnings,
                          "findings_not_listed", (json_int_t)f->dropped, "findings", list);
    if (o && p->accepted) {
        json_t *doc = report_document_json(p->doc, cfg);
        if (!doc || json_object_set_new(o, "document", doc) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int report_write_json(FILE *out, const json_t *value)
{
    if (!value)
        return -1;
    size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
    return json_dumpf(value, out, flags) != 0 ? -1 : 0;
}

int report_check_begin(FILE *out)
{
    return fprintf(out, "{\n  \"program\": \"statusnotat\",\n  \"version\": \"%s\",\n  \"files\": [",
                   program_version()) < 0 ? -1 : 0;
}

int report_check_file(FILE *out, const processed_file *p, const config *cfg, size_t index)
{
    json_t *one = report_file_json(p, cfg);
    int rc = one && fputs(index ? ",\n" : "\n", out) != EOF && report_write_json(out, one) == 0 ? 0 : -1;
    json_decref(one);
    return rc;
}

int report_check_end(FILE *out, size_t accepted, size_t rejected)
{
    return fprintf(out, "\n  ],\n  \"summary\": {\"files\": %zu, \"accepted\": %zu, \"rejected\": %zu}\n}\n",
                   accepted + rejected, accepted, rejected) < 0 ? -1 : 0;
}

static int csv_field(FILE *out, const char *text, bool last)
{
    if (fputc('"', out) == EOF)
        return -1;
    for (const char *c = text ? text : ""; *c; c++)
        if ((*c == '"' && fputc('"', out) == EOF) || fputc(*c, out) == EOF)
            return -1;
    return fputs(last ? "\"\r\n" : "\";", out) == EOF ? -1 : 0;
}

int report_findings_csv(FILE *out, const processed_file *p)
{
    int rc = fputs("\"fil\";\"linje\";\"alvor\";\"kode\";\"besked\";\"sti\"\r\n", out) == EOF ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < p->findings.n; i++) {
        const finding *x = &p->findings.items[i];
        char line[16];
        snprintf(line, sizeof line, "%u", x->line);
        rc = csv_field(out, p->findings.file, false) | csv_field(out, line, false) |
             csv_field(out, severity_label(x->severity), false) | csv_field(out, finding_code_name(x->code), false) |
             csv_field(out, x->message, false) | csv_field(out, x->path, true);
    }
    return rc;
}
