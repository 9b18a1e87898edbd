/* page.c — the page's HTML; see page.h. */
#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "finding.h"
#include "finding_rules.h"
#include "values.h"

void html_escape(strbuf *out, const char *text, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (text[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = "\xEF\xBF\xBD"; break;
        default: break;
        }
        if (rep) {
            strbuf_add(out, text + start, i - start);
            strbuf_add(out, rep, strlen(rep));
            start = i + 1;
        }
    }
    strbuf_add(out, text + start, len - start);
}

static void esc(strbuf *out, const char *text)
{
    if (text)
        html_escape(out, text, strlen(text));
}

void page_begin(strbuf *out, const char *title)
{
    strbuf_addf(out, "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    esc(out, title);
    strbuf_addf(out, "</title>\n<link rel=\"stylesheet\" href=\"/assets/side.css\">\n"
                     "<script src=\"/assets/side.js\" defer></script>\n</head>\n<body>\n"
                     "<a class=\"skip\" href=\"#indhold\">Spring til indholdet</a>\n"
                     "<header><h1>Statusnotat: tjek og aflever</h1></header>\n<main id=\"indhold\">\n");
}

void page_end(strbuf *out)
{
    strbuf_addf(out, "</main>\n<footer><p>Københavns Kommune · statusnotat · reglerne: "
                     "<a href=\"/regler\">fund og deres betydning</a> · skemaet: "
                     "<a href=\"/statusnotat.xsd\">statusnotat.xsd</a></p></footer>\n</body>\n</html>\n");
}

void page_form(strbuf *out, const char *csrf, bool deliveries)
{
    strbuf_addf(out,
                "<section aria-labelledby=\"tjek-titel\">\n<h2 id=\"tjek-titel\">Tjek før aflevering</h2>\n"
                "<p>Vælg en eller flere statusnotater (.xml eller .xml.gz). De tjekkes efter de samme regler "
                "som natten bruger; intet afleveres ved et tjek.</p>\n"
                "<form id=\"tjek\" method=\"post\" action=\"/check\" enctype=\"multipart/form-data\">\n"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
                "<div id=\"slip\" class=\"slip\">\n<label for=\"filer\">Filer</label>\n"
                "<input id=\"filer\" name=\"fil\" type=\"file\" multiple accept=\".xml,.gz,application/xml\" required>\n"
                "<p class=\"hint\" id=\"slip-hint\">eller træk filerne hertil</p>\n</div>\n"
                "<button type=\"submit\">Tjek filerne</button>\n</form>\n</section>\n",
                csrf);
    if (deliveries)
        strbuf_addf(out,
                    "<section aria-labelledby=\"aflever-titel\">\n<h2 id=\"aflever-titel\">Aflever</h2>\n"
                    "<p>En fil afleveres kun, når den er klar (ingen fejl), og kun under forvaltningens egen "
                    "kode. Du får en kvittering.</p>\n"
                    "<form id=\"aflever\" method=\"post\" action=\"/deliver\" enctype=\"multipart/form-data\">\n"
                    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
                    "<label for=\"kode\">Forvaltningens filkode</label>\n"
                    "<input id=\"kode\" name=\"kode\" autocomplete=\"username\" required pattern=\"[A-Z0-9]+\">\n"
                    "<label for=\"token\">Nøgle</label>\n"
                    "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required>\n"
                    "<label for=\"afleveringsfil\">Fil</label>\n"
                    "<input id=\"afleveringsfil\" name=\"fil\" type=\"file\" accept=\".xml,.gz,application/xml\" required>\n"
                    "<button type=\"submit\">Aflever</button>\n</form>\n</section>\n",
                    csrf);
    strbuf_addf(out, "<section id=\"resultater\" aria-live=\"polite\"></section>\n");
}

/* The verdict in three states: ready, not ready, or the check itself failed
 * (never shown as a pass). */
static void verdict(strbuf *out, const page_file *f, size_t index)
{
    const char *cls = f->failed ? "kunne-ikke" : f->p.accepted ? "klar" : "ikke-klar";
    const char *text = f->failed ? "Tjekket kunne ikke gennemføres"
                       : f->p.accepted ? "Klar til aflevering"
                                       : "Ikke klar";
    strbuf_addf(out, "<h2 class=\"dom %s\" id=\"dom-%zu\" tabindex=\"-1\">", cls, index);
    esc(out, f->name);
    strbuf_addf(out, ": %s</h2>\n", text);
    if (f->failed) {
        strbuf_addf(out, "<p>Filen blev ikke tjekket færdig (en fejl hos os, ikke i filen). Prøv igen; "
                         "ved gentagelse: kontakt driften.</p>\n");
        return;
    }
    strbuf_addf(out, "<p>%zu fejl, %zu advarsler%s.</p>\n", f->p.findings.errors, f->p.findings.warnings,
                f->p.findings.dropped ? " (ikke alle vist: se JSON)" : "");
}

/* Findings grouped by code, with counts and the rule's page. */
static void by_code(strbuf *out, const findings *fs)
{
    if (!fs->n)
        return;
    strbuf_addf(out, "<h3>Fund efter regel</h3>\n<ul class=\"koder\">\n");
    for (int code = 0; code < F_COUNT; code++) {
        size_t n = 0;
        for (size_t i = 0; i < fs->n; i++)
            n += fs->items[i].code == (finding_code)code;
        if (!n)
            continue;
        const char *name = finding_code_name((finding_code)code);
        strbuf_addf(out, "<li><a href=\"/regler/%s\"><code>%s</code></a> (%s): %zu</li>\n", name, name,
                    severity_label(finding_code_severity((finding_code)code)), n);
    }
    strbuf_addf(out, "</ul>\n");
}

/* The indsats a finding is about, from its element path ("…/indsats[3]/…"):
 * its number, or 0 for the rest of the document. */
static size_t indsats_of(const finding *x)
{
    const char *at = x->path ? strstr(x->path, "/indsats[") : NULL;
    return at ? (size_t)strtoul(at + 9, NULL, 10) : 0;
}

/* Findings grouped by indsats, with counts (the id where the document was read). */
static void by_indsats(strbuf *out, const page_file *f)
{
    const findings *fs = &f->p.findings;
    size_t most = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (indsats_of(&fs->items[i]) > most)
            most = indsats_of(&fs->items[i]);
    if (!fs->n)
        return;
    strbuf_addf(out, "<h3>Fund efter indsats</h3>\n<ul class=\"indsatser\">\n");
    for (size_t k = 0; k <= most; k++) {
        size_t errors = 0, warnings = 0;
        for (size_t i = 0; i < fs->n; i++)
            if (indsats_of(&fs->items[i]) == k)
                *(fs->items[i].severity == SEVERITY_ERROR ? &errors : &warnings) += 1;
        if (!errors && !warnings)
            continue;
        if (k == 0) {
            strbuf_addf(out, "<li>Dokumentet i øvrigt");
        } else {
            strbuf_addf(out, "<li>Indsats nr. %zu", k);
            if (f->p.doc && k <= f->p.doc->n_indsatser && f->p.doc->indsatser[k - 1].id) {
                strbuf_addf(out, " (");
                esc(out, f->p.doc->indsatser[k - 1].id);
                strbuf_addf(out, ")");
            }
        }
        strbuf_addf(out, ": %zu fejl, %zu advarsler</li>\n", errors, warnings);
    }
    strbuf_addf(out, "</ul>\n");
}

/* Every finding, in line order, each linked to its line in the source. */
static void finding_list(strbuf *out, const findings *fs, size_t index)
{
    if (!fs->n)
        return;
    strbuf_addf(out, "<h3>Alle fund</h3>\n<ol class=\"fund\">\n");
    for (size_t i = 0; i < fs->n; i++) {
        const finding *x = &fs->items[i];
        strbuf_addf(out, "<li class=\"%s\">", x->severity == SEVERITY_ERROR ? "fejl" : "advarsel");
        if (x->line)
            strbuf_addf(out, "<a href=\"#f%zu-l%u\">linje %u</a>: ", index, x->line, x->line);
        strbuf_addf(out, "%s <a href=\"/regler/%s\"><code>%s</code></a>: ", severity_label(x->severity),
                    finding_code_name(x->code), finding_code_name(x->code));
        esc(out, x->message);
        if (x->path) {
            strbuf_addf(out, " <span class=\"sti\">");
            esc(out, x->path);
            strbuf_addf(out, "</span>");
        }
        strbuf_addf(out, "</li>\n");
    }
    strbuf_addf(out, "</ol>\n");
}

/* Whether the file's declaration names a one-byte Latin encoding
 * (ISO-8859-1, windows-1252): its bytes are then shown as those characters. */
static bool declared_latin(const page_file *f)
{
    const char *end = memchr(f->data, '>', f->len < 200 ? f->len : 200);
    if (!end || f->len < 5 || memcmp(f->data, "<?xml", 5) != 0)
        return false;
    size_t n = (size_t)(end - f->data);
    for (size_t i = 0; i + 4 <= n; i++)   /* within the declaration; it ends at end */
        if (strncasecmp(f->data + i, "8859-1", 6) == 0 || strncasecmp(f->data + i, "1252", 4) == 0 ||
            strncasecmp(f->data + i, "latin1", 6) == 0)
            return true;
    return false;
}

/* A line's bytes for HTML: as UTF-8, or from Latin-1 when declared so. */
static void line_text(strbuf *out, const char *p, size_t n, bool latin)
{
    if (!latin) {
        html_escape(out, p, n);
        return;
    }
    strbuf utf8 = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)p[i];
        char two[2] = {(char)(0xC0 | (b >> 6)), (char)(0x80 | (b & 0x3F))};
        if (b < 0x80)
            strbuf_add(&utf8, p + i, 1);
        else
            strbuf_add(&utf8, two, 2);
    }
    html_escape(out, strbuf_str(&utf8), utf8.len);
    strbuf_release(&utf8);
}

/* The source with line numbers; each line with findings carries them. */
static void source(strbuf *out, const page_file *f, size_t index)
{
    if (f->len >= 2 && (unsigned char)f->data[0] == 0x1f && (unsigned char)f->data[1] == 0x8b) {
        strbuf_addf(out, "<p>Filen er gzip-komprimeret; kilden vises ikke.</p>\n");
        return;
    }
    strbuf_addf(out, "<h3>Kilden</h3>\n<ol class=\"kilde\">\n");
    bool latin = declared_latin(f);
    const char *p = f->data, *end = f->data + f->len;
    uint32_t line = 1;
    while (p < end && line <= 20000) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        strbuf_addf(out, "<li id=\"f%zu-l%u\"><code>", index, line);
        line_text(out, p, (size_t)(stop - p), latin);
        strbuf_addf(out, "</code>");
        for (size_t i = 0; i < f->p.findings.n; i++)
            if (f->p.findings.items[i].line == line) {
                strbuf_addf(out, "<span class=\"ved-linjen %s\">",
                            f->p.findings.items[i].severity == SEVERITY_ERROR ? "fejl" : "advarsel");
                esc(out, finding_code_name(f->p.findings.items[i].code));
                strbuf_addf(out, ": ");
                esc(out, f->p.findings.items[i].message);
                strbuf_addf(out, "</span>");
            }
        strbuf_addf(out, "</li>\n");
        line++;
        p = nl ? nl + 1 : end;
    }
    strbuf_addf(out, "</ol>\n");
}

/* What was read: each indsats's money per year as normalized, and the
 * totals per budget year. */
static void what_we_read(strbuf *out, const page_file *f, const config *cfg)
{
    const document *d = f->p.doc;
    if (!d)
        return;
    strbuf_addf(out, "<h3>Det læste vi</h3>\n<table>\n<thead><tr><th scope=\"col\">Indsats</th>"
                     "<th scope=\"col\">År</th><th scope=\"col\">Bevilling (kr.)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < d->n_indsatser; i++)
        for (size_t k = 0; k < d->indsatser[i].n_bevillinger; k++) {
            char kr[48];
            value_format_thousands(d->indsatser[i].bevillinger[k].kroner, kr, sizeof kr);
            strbuf_addf(out, "<tr><td>");
            esc(out, d->indsatser[i].id);
            strbuf_addf(out, "</td><td>%d</td><td class=\"tal\">%s</td></tr>\n", d->indsatser[i].bevillinger[k].year, kr);
        }
    strbuf_addf(out, "</tbody>\n</table>\n<h4>I alt pr. budgetår</h4>\n<ul>\n");
    for (size_t y = 0; y < cfg->n_budget_years; y++) {
        __int128 sum = 0;
        for (size_t i = 0; i < d->n_indsatser; i++)
            for (size_t k = 0; k < d->indsatser[i].n_bevillinger; k++)
                if (d->indsatser[i].bevillinger[k].year == cfg->budget_years[y])
                    sum += d->indsatser[i].bevillinger[k].kroner;
        char kr[48];
        value_format_thousands(sum, kr, sizeof kr);
        strbuf_addf(out, "<li>%d: %s kr.</li>\n", cfg->budget_years[y], kr);
    }
    strbuf_addf(out, "</ul>\n");
}

/* What changed against the department's half year before: the rows the
 * period's Udvikling sheet will show. */
static void changes(strbuf *out, const page_file *f, const config *cfg)
{
    const period_report *r = f->changes;
    if (!r)
        return;
    char before[24];
    sn_period previous = period_previous(r->period);
    period_spoken(&previous, before);
    strbuf_addf(out, "<h3>Ændret siden %s</h3>\n", before);
    size_t shown = 0;
    for (size_t i = 0; i < r->n_changes; i++)
        shown += r->changes[i].change != CHANGE_NONE;
    if (!shown) {
        strbuf_addf(out, "<p>Ingen ændringer mod det arkiverede notat for %s.</p>\n", before);
        return;
    }
    strbuf_addf(out, "<table>\n<thead><tr><th scope=\"col\">Indsats</th><th scope=\"col\">Titel</th>"
                     "<th scope=\"col\">Ændring</th><th scope=\"col\">Effekt før</th><th scope=\"col\">Effekt nu</th>"
                     "<th scope=\"col\">Bevilling før (kr.)</th><th scope=\"col\">Bevilling nu (kr.)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_changes; i++) {
        const change_row *c = &r->changes[i];
        if (c->change == CHANGE_NONE)
            continue;
        char was[48] = "", now[48] = "";
        if (c->has_before)
            value_format_thousands((__int128)c->before, was, sizeof was);
        if (c->has_now)
            value_format_thousands((__int128)c->now, now, sizeof now);
        strbuf_addf(out, "<tr><td>");
        esc(out, c->id);
        strbuf_addf(out, "</td><td>");
        esc(out, c->title);
        strbuf_addf(out, "</td><td>");
        esc(out, change_label(c->change));
        strbuf_addf(out, "</td><td>");
        if (c->effect_before >= 0)
            esc(out, cfg->effects.items[c->effect_before].label);
        strbuf_addf(out, "</td><td>");
        if (c->effect_now >= 0)
            esc(out, cfg->effects.items[c->effect_now].label);
        strbuf_addf(out, "</td><td class=\"tal\">%s</td><td class=\"tal\">%s</td></tr>\n", was, now);
    }
    strbuf_addf(out, "</tbody>\n</table>\n");
}

void page_result(strbuf *out, const page_file *f, const config *cfg, size_t index)
{
    strbuf_addf(out, "<article class=\"resultat\" aria-labelledby=\"dom-%zu\">\n", index);
    verdict(out, f, index);
    if (!f->failed) {
        by_indsats(out, f);
        by_code(out, &f->p.findings);
        finding_list(out, &f->p.findings, index);
        what_we_read(out, f, cfg);
        changes(out, f, cfg);
        source(out, f, index);
        if (f->json) {
            strbuf_addf(out, "<details><summary>Rapporten som JSON (samme som <code>statusnotat check "
                             "--json</code>)</summary>\n<pre class=\"json\">");
            esc(out, f->json);
            strbuf_addf(out, "</pre>\n</details>\n");
        }
        if (f->csv) {
            strbuf_addf(out, "<details><summary>Fundene som CSV (til et regneark; også "
                             "<code>POST /api/check?format=csv</code>)</summary>\n<pre class=\"json\">");
            esc(out, f->csv);
            strbuf_addf(out, "</pre>\n</details>\n");
        }
    }
    strbuf_addf(out, "</article>\n");
}

bool page_rule(strbuf *out, const char *code)
{
    int c = finding_code_from_name(code);
    if (c < 0)
        return false;
    const finding_rule *rule = finding_rule_of((finding_code)c);
    page_begin(out, code);
    strbuf_addf(out, "<h2><code>%s</code> (%s)</h2>\n<p>", finding_code_name((finding_code)c),
                severity_label(finding_code_severity((finding_code)c)));
    esc(out, rule->meaning);
    strbuf_addf(out, "</p>\n<h3>Den sædvanlige årsag</h3>\n<p>");
    esc(out, rule->cause);
    strbuf_addf(out, "</p>\n<h3>Sådan skrives det rigtigt</h3>\n<pre><code>");
    esc(out, rule->example);
    strbuf_addf(out, "</code></pre>\n<p>Det gør natten: ");
    esc(out, finding_code_action((finding_code)c));
    strbuf_addf(out, ".</p>\n<p><a href=\"/regler\">Alle regler</a> · <a href=\"/\">Tilbage til tjekket</a></p>\n");
    page_end(out);
    return true;
}

void page_rules(strbuf *out)
{
    page_begin(out, "Statusnotat: fund og deres betydning");
    strbuf_addf(out, "<h2>Fund og deres betydning</h2>\n<p>En <em>fejl</em> afviser dokumentet; en "
                     "<em>advarsel</em> beholder det og markerer en værdi.</p>\n<ul class=\"regler\">\n");
    for (int c = 0; c < F_COUNT; c++) {
        const char *name = finding_code_name((finding_code)c);
        strbuf_addf(out, "<li><a href=\"/regler/%s\"><code>%s</code></a> (%s): ", name, name,
                    severity_label(finding_code_severity((finding_code)c)));
        esc(out, finding_rule_of((finding_code)c)->meaning);
        strbuf_addf(out, "</li>\n");
    }
    strbuf_addf(out, "</ul>\n<p><a href=\"/\">Tilbage til tjekket</a></p>\n");
    page_end(out);
}
