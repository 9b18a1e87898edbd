/* validate.c — cross-value rules; see validate.h. */
#include "validate.h"

#include "elements.h"

#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT(f, code, line, path, ...)                     \
    do {                                                     \
        if (!findings_add((f), (code), (line), (path), __VA_ARGS__)) \
            return false;                                    \
    } while (0)

typedef struct {
    const char *id;
    size_t index;
} id_at;

static int compare_id_at(const void *pa, const void *pb)
{
    const id_at *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);
    if (c)
        return c;
    return a->index < b->index ? -1 : (a->index > b->index);
}

/* Every repeat of an id is reported at its own line, naming the first. */
static bool check_ids(const document *doc, findings *f)
{
    size_t n = doc->n_indsatser;
    if (n < 2)
        return true;
    id_at *ids = malloc(n * sizeof *ids);
    if (!ids)
        return false;
    for (size_t i = 0; i < n; i++)
        ids[i] = (id_at){doc->indsatser[i].id, i};
    qsort(ids, n, sizeof *ids, compare_id_at);
    bool ok = true;
    size_t first = 0;   /* start of the run of equal ids that i is in */
    for (size_t i = 1; ok && i < n; i++) {
        if (strcmp(ids[first].id, ids[i].id) != 0) {
            first = i;
            continue;
        }
        if (!ids[i].id[0])
            continue;
        const indsats *x = &doc->indsatser[ids[i].index];
        char path[96];
        element_path(path, sizeof path, EL_INDSATS, (size_t[]){ids[i].index + 1}, "id");
        ok = findings_add(f, F_ID_DUPLICATE, x->line, path, "id=\"%s\" er allerede brugt i linje %u",
                          x->id, doc->indsatser[ids[first].index].line);
    }
    free(ids);
    return ok;
}

static bool check_bevillinger(const document *doc, const config *cfg, findings *f)
{
    char path[128];
    for (size_t i = 0; i < doc->n_indsatser; i++) {
        const indsats *x = &doc->indsatser[i];
        for (size_t j = 0; j < x->n_bevillinger; j++) {
            const bevilling *b = &x->bevillinger[j];
            element_path(path, sizeof path, EL_BEVILLING, (size_t[]){i + 1, j + 1}, "aar");
            for (size_t k = 0; k < j; k++)
                if (x->bevillinger[k].year == b->year)
                    REPORT(f, F_YEAR_REPEATED, b->line, path,
                           "indsats %s har to bevillinger for %d (også linje %u)", x->id, b->year,
                           x->bevillinger[k].line);
            int year = config_budget_year_index(cfg, b->year);
            if (year < 0)
                REPORT(f, F_YEAR_OUTSIDE_BUDGET, b->line, path,
                       "%d er uden for budgetårene %d-%d; beløbet tælles ikke med", b->year,
                       cfg->budget_years[0], cfg->budget_years[cfg->n_budget_years - 1]);
            else if (cfg->frame[year] >= 0 && b->kroner > cfg->frame[year]) {
                char amount[48], frame[48], amount_path[128];
                value_format_thousands((__int128)b->kroner, amount, sizeof amount);
                value_format_thousands((__int128)cfg->frame[year], frame, sizeof frame);
                element_path(amount_path, sizeof amount_path, EL_BEVILLING, (size_t[]){i + 1, j + 1}, NULL);
                REPORT(f, F_AMOUNT_ABOVE_FRAME, b->line, amount_path,
                       "indsats %s: %s kr. i %d er mere end hele rammen for det år (%s kr.); er det "
                       "skrevet i den rigtige enhed (mio. kr. eller kr.)?", x->id, amount, b->year, frame);
            }
        }
    }
    return true;
}

static bool check_personale(const personale *p, const config *cfg, findings *f)
{
    char path[128], a[48], b[48], stated[32], computed_text[32];
    /* Wide sums: any number of counts of any size add up without overflow. */
    __int128 sum_ansatte = 0, sum_arbejdsstyrke = 0;
    bool any_arbejdsstyrke = false;
    for (size_t k = 0; k < p->n_niveauer; k++) {
        const niveau *nv = &p->niveauer[k];
        sum_ansatte += nv->ansatte;
        if (nv->arbejdsstyrke >= 0) {
            sum_arbejdsstyrke += nv->arbejdsstyrke;
            any_arbejdsstyrke = true;
        }
        if (nv->has_pct_ansatte && nv->i_alt > 0) {
            double computed = (double)nv->ansatte / (double)nv->i_alt;
            if (fabs(computed - nv->pct_ansatte) > cfg->pct_tolerance + 1e-12) {
                element_path(path, sizeof path, EL_ANSATTE, (size_t[]){k + 1}, "pct");
                value_format_decimal(nv->pct_ansatte * 100, 1, stated, sizeof stated);
                value_format_decimal(computed * 100, 2, computed_text, sizeof computed_text);
                value_format_thousands(nv->ansatte, a, sizeof a);
                value_format_thousands(nv->i_alt, b, sizeof b);
                REPORT(f, F_PCT_MISMATCH, nv->line, path,
                       "\"%s\": oplyst %s %%, men %s / %s giver %s %%", nv->name, stated, a, b,
                       computed_text);
            }
        }
    }
    if (p->total_ansatte >= 0 && p->total_ansatte != sum_ansatte) {
        value_format_thousands(p->total_ansatte, a, sizeof a);
        value_format_thousands(sum_ansatte, b, sizeof b);
        REPORT(f, F_TOTAL_MISMATCH, p->total_line,
               element_path(path, sizeof path, EL_TOTAL, NULL, "ansatte"),
               "oplyst total ansatte er %s, men niveauerne summer til %s", a, b);
    }
    if (p->total_arbejdsstyrke >= 0 && any_arbejdsstyrke &&
        p->total_arbejdsstyrke != sum_arbejdsstyrke) {
        value_format_thousands(p->total_arbejdsstyrke, a, sizeof a);
        value_format_thousands(sum_arbejdsstyrke, b, sizeof b);
        REPORT(f, F_TOTAL_MISMATCH, p->total_line,
               element_path(path, sizeof path, EL_TOTAL, NULL, "arbejdsstyrke"),
               "oplyst total arbejdsstyrke er %s, men niveauerne summer til %s", a, b);
    }
    return true;
}

/* Texts an Excel cell cannot hold whole are cut in the workbook; say so now,
 * so a department sees it when it checks its delivery. */
static bool check_text_lengths(const document *doc, findings *f)
{
    char path[128], a[48], b[48];
    for (size_t i = 0; i < doc->n_indsatser; i++) {
        const indsats *x = &doc->indsatser[i];
        const struct {
            const char *text, *element;
            element_kind kind;
        } texts[] = {{x->title, "titel", EL_TITEL}, {x->effect_text, "effekt", EL_EFFEKT},
                     {x->bemaerkning, "bemaerkning", EL_BEMAERKNING}, {x->theme_text, "tema", EL_TEMA}};
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
            if (!texts[k].text)
                continue;
            size_t units = text_utf16_length(texts[k].text);
            if (units <= TEXT_CELL_MAX)
                continue;
            element_path(path, sizeof path, texts[k].kind, (size_t[]){i + 1}, NULL);
            REPORT(f, F_TEXT_TRUNCATED, x->line, path,
                   "<%s> er %s tegn; et regnearksfelt rummer %s, så teksten afkortes",
                   texts[k].element, (value_format_thousands((__int128)units, a, sizeof a), a),
                   (value_format_thousands(TEXT_CELL_MAX, b, sizeof b), b));
        }
        for (size_t j = 0; j < x->n_indikatorer; j++) {
            const indikator *ind = &x->indikatorer[j];
            if (text_utf16_length(ind->text) <= TEXT_CELL_MAX &&
                text_utf16_length(ind->name) <= TEXT_CELL_MAX)
                continue;
            element_path(path, sizeof path, EL_INDIKATOR, (size_t[]){i + 1, j + 1}, NULL);
            REPORT(f, F_TEXT_TRUNCATED, ind->line, path,
                   "indikatoren er længere end de %d tegn, et regnearksfelt rummer; den afkortes",
                   TEXT_CELL_MAX);
        }
    }
    return true;
}

bool validate_document(const document *doc, const config *cfg, findings *f)
{
    if (!check_text_lengths(doc, f))
        return false;
    if (!check_ids(doc, f) || !check_bevillinger(doc, cfg, f))
        return false;
    if (doc->personale && !check_personale(doc->personale, cfg, f))
        return false;
    return true;
}
