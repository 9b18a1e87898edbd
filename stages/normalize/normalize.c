/* normalize.c — raw text → normalized values, one rule of FORMAT.md at a time;
 * see normalize.h. */
#include "normalize.h"

#include <stdio.h>
#include <string.h>

#include "elements.h"
#include "text.h"

typedef struct {
    const config *cfg;
    arena *a;
    findings *f;
    number_format fmt;
    bool oom;
    char path[160];              /* the last element path built (at()) */
} norm;

#define REPORT(n, code, line, path, ...)                                 \
    do {                                                                 \
        if (!findings_add((n)->f, (code), (line), (path), __VA_ARGS__))  \
            (n)->oom = true;                                             \
    } while (0)

/* Paths are built only when a finding needs one, from the element table. */
static const char *at(norm *n, element_kind kind, const size_t *index, const char *attribute)
{
    return element_path(n->path, sizeof n->path, kind, index, attribute);
}

static bool empty(const raw_text *t)
{
    return !t->text || !t->text[0];
}

/* A vocabulary's codes for a message. */
static const char *known(norm *n, const vocab *v)
{
    const char *list = vocab_list(n->a, v, v != &n->cfg->statuses && v != &n->cfg->anbefalinger);
    if (!list)
        n->oom = true;
    return list ? list : "";
}

/* A way to write an amount that the talformat takes, when the sender's
 * mistake is a common one: the other decimal mark, or thousands grouped
 * with spaces. Returns a hint ("brug decimalkomma: …") or "". */
static const char *amount_hint(norm *n, const char *amount)
{
    char fixed[128];
    int64_t kr;
    size_t len = strlen(amount);
    if (len >= sizeof fixed)
        return "";
    bool da = n->fmt == NUMBER_FORMAT_DA;
    /* The other decimal mark, between digits: the last one is the decimal. */
    const char *mark = NULL;
    bool own_mark = false;
    for (const char *p = amount + 1; *p; p++) {
        bool digits = p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9';
        if (digits && *p == (da ? '.' : ','))
            mark = p;
        if (digits && *p == (da ? ',' : '.'))
            own_mark = true;
    }
    if (mark && !own_mark) {
        memcpy(fixed, amount, len + 1);
        fixed[mark - amount] = da ? ',' : '.';
        if (value_amount(fixed, n->fmt, &kr) == AMOUNT_OK) {
            const char *hint = arena_printf(n->a, "talformat %s bruger decimal%s: skriv \"%s\"",
                                            da ? "da" : "iso", da ? "komma" : "punktum", fixed);
            return hint ? hint : "";
        }
    }
    /* Thousands grouped with spaces: "26 500 000 kr." */
    size_t o = 0;
    bool grouped = false;
    for (size_t i = 0; i < len; i++) {
        bool between = amount[i] == ' ' && i > 0 && amount[i - 1] >= '0' && amount[i - 1] <= '9' &&
                       i + 3 < len + 1 && amount[i + 1] >= '0' && amount[i + 1] <= '9';
        if (between) {
            grouped = true;
            if (da)
                fixed[o++] = '.';
            continue;
        }
        fixed[o++] = amount[i];
    }
    fixed[o] = '\0';
    if (grouped && value_amount(fixed, n->fmt, &kr) == AMOUNT_OK) {
        const char *hint = arena_printf(n->a, "tusinder skrives %s, ikke med mellemrum: skriv \"%s\"",
                                        da ? "med punktum" : "uden skilletegn", fixed);
        return hint ? hint : "";
    }
    return "";
}

/* "0.500 mio. kr." with its decimal point as the comma da uses. */
static const char *leading_zero_fixed(norm *n, const char *amount)
{
    char *fixed = arena_strdup(n->a, amount);
    char *dot = fixed ? strchr(fixed, '.') : NULL;
    if (dot)
        *dot = ',';
    return fixed ? fixed : amount;
}

static void normalize_department(norm *n, const raw_document *raw, document *doc)
{
    const raw_text *code = &raw->forvaltning_kode, *name = &raw->forvaltning;
    const vocab *v = &n->cfg->departments;
    int by_code = empty(code) ? -1 : vocab_match(v, code->text);
    int by_name = empty(name) ? -1 : vocab_match(v, name->text);
    doc->department = -1;
    if (!empty(code) && by_code < 0) {
        REPORT(n, F_DEPARTMENT_UNKNOWN, code->line, at(n, EL_FORVALTNING, NULL, "kode"),
               "ukendt forvaltningskode \"%s\"; gyldige koder er %s", code->text,
               known(n, v));
        return;
    }
    if (by_code >= 0 && by_name >= 0 && by_code != by_name) {
        REPORT(n, F_DEPARTMENT_CONFLICT, name->line, at(n, EL_FORVALTNING, NULL, NULL),
               "kode \"%s\" er %s, men navnet \"%s\" er %s", code->text,
               v->items[by_code].label, name->text, v->items[by_name].label);
        return;
    }
    doc->department = by_code >= 0 ? by_code : by_name;
    if (doc->department < 0 && name->text)   /* an absent element is ELEMENT_MISSING */
        REPORT(n, F_DEPARTMENT_UNKNOWN, name->line, at(n, EL_FORVALTNING, NULL, NULL),
               "ukendt forvaltning \"%s\"; skriv navnet eller en af koderne %s", name->text,
               known(n, v));
}

static void normalize_header(norm *n, const raw_document *raw, document *doc)
{
    doc->talformat = raw->talformat.text && strcmp(raw->talformat.text, "iso") == 0
                         ? NUMBER_FORMAT_ISO
                         : NUMBER_FORMAT_DA;
    n->fmt = doc->talformat;
    normalize_department(n, raw, doc);
    if (raw->periode.text) {
        doc->has_period = value_period(raw->periode.text, &doc->period);
        if (!doc->has_period)
            REPORT(n, F_PERIOD_INVALID, raw->periode.line, at(n, EL_PERIODE, NULL, NULL),
                   "\"%s\" er ikke en gyldig periode (fx 2008-H2 eller 2. halvår 2008)",
                   raw->periode.text);
    }
    if (raw->indsendt.text) {
        doc->has_indsendt = value_date(raw->indsendt.text, &doc->indsendt);
        if (!doc->has_indsendt)
            REPORT(n, F_DATE_INVALID, raw->indsendt.line, at(n, EL_INDSENDT, NULL, NULL),
                   "\"%s\" er ikke en gyldig dato", raw->indsendt.text);
    }
    doc->kontakt = empty(&raw->kontakt) ? NULL : raw->kontakt.text;
}

static bool valid_id(const char *id)
{
    size_t len = strlen(id);
    if (len < 2 || len > 20)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static void normalize_bevillinger(norm *n, const raw_indsats *r, size_t i, indsats *x)
{
    const raw_bevilling *rb = r->bevillinger.items;
    char path[160];
    x->bevillinger = arena_alloc_array(n->a, r->bevillinger.n ? r->bevillinger.n : 1,
                                       sizeof *x->bevillinger);
    if (!x->bevillinger) {
        n->oom = true;
        return;
    }
    for (size_t j = 0; j < r->bevillinger.n; j++) {
        bevilling b = {.line = rb[j].line};
        bool ok = true;
        if (rb[j].aar.text && !value_year(rb[j].aar.text, &b.year)) {
            REPORT(n, F_YEAR_INVALID, rb[j].line,
                   element_path(path, sizeof path, EL_BEVILLING, (size_t[]){i + 1, j + 1}, "aar"),
                   "aar=\"%s\" er ikke et gyldigt årstal", rb[j].aar.text);
            ok = false;
        }
        const char *amount = rb[j].amount.text ? rb[j].amount.text : "";
        amount_result ar = value_amount(amount, n->fmt, &b.kroner);
        if (ar == AMOUNT_BAD_NUMBER && value_leading_zero_group(amount, n->fmt)) {
            REPORT(n, F_NUMBER_LEADING_ZERO, rb[j].line,
                   element_path(path, sizeof path, EL_BEVILLING, (size_t[]){i + 1, j + 1}, NULL),
                   "ugyldigt beløb \"%s\": et tal, der begynder med 0 før et punktum, er et decimalpunkt, "
                   "hvor der skulle stå komma (talformat da bruger punktum til tusinder); skriv fx \"%s\"",
                   amount, leading_zero_fixed(n, amount));
            ok = false;
        } else if (ar != AMOUNT_OK) {
            const char *hint =
                ar == AMOUNT_BAD_NUMBER || ar == AMOUNT_BAD_UNIT ? amount_hint(n, amount) : "";
            REPORT(n, F_AMOUNT_INVALID, rb[j].line,
                   element_path(path, sizeof path, EL_BEVILLING, (size_t[]){i + 1, j + 1}, NULL),
                   "ugyldigt beløb \"%s\" (talformat %s): %s", amount,
                   n->fmt == NUMBER_FORMAT_DA ? "da" : "iso", hint[0] ? hint : amount_result_text(ar));
            ok = false;
        }
        if (ok && rb[j].aar.text)
            x->bevillinger[x->n_bevillinger++] = b;
    }
}

static void normalize_indikatorer(norm *n, const raw_indsats *r, size_t i, indsats *x)
{
    const raw_indikator *ri = r->indikatorer.items;
    char path[160];
    x->indikatorer = arena_alloc_array(n->a, r->indikatorer.n ? r->indikatorer.n : 1,
                                       sizeof *x->indikatorer);
    if (!x->indikatorer) {
        n->oom = true;
        return;
    }
    for (size_t j = 0; j < r->indikatorer.n; j++) {
        indikator *ind = &x->indikatorer[x->n_indikatorer++];
        ind->line = ri[j].line;
        ind->name = ri[j].navn.text ? ri[j].navn.text : "";
        ind->unit = empty(&ri[j].enhed) ? NULL : ri[j].enhed.text;
        ind->text = ri[j].value.text ? ri[j].value.text : "";
        value_indicator(ind->text, n->fmt, &ind->value);
        if (ind->value.kind == INDICATOR_TEXT) {
            REPORT(n, F_INDICATOR_TEXT, ri[j].line,
                   element_path(path, sizeof path, EL_INDIKATOR, (size_t[]){i + 1, j + 1}, NULL),
                   "indikatoren \"%s\" har værdien \"%s\", som ikke er et tal, en procent, et "
                   "interval eller \"X ud af Y\"; den gemmes som tekst", ind->name, ind->text);
        }
        if (ri[j].dato.text) {
            ind->has_date = value_date(ri[j].dato.text, &ind->date);
            if (!ind->has_date) {
                REPORT(n, F_INDICATOR_DATE, ri[j].line,
                       element_path(path, sizeof path, EL_INDIKATOR, (size_t[]){i + 1, j + 1}, "dato"),
                       "dato=\"%s\" er ikke en gyldig dato", ri[j].dato.text);
            }
        }
        if (ri[j].aar.text && !value_year(ri[j].aar.text, &ind->year)) {
            ind->year = 0;
            REPORT(n, F_INDICATOR_YEAR, ri[j].line,
                   element_path(path, sizeof path, EL_INDIKATOR, (size_t[]){i + 1, j + 1}, "aar"),
                   "aar=\"%s\" er ikke et gyldigt årstal", ri[j].aar.text);
        }
    }
}

static void normalize_effect(norm *n, const raw_indsats *r, size_t i, indsats *x)
{
    char path[160];
    const config *c = n->cfg;
    x->effect_text = r->effekt.text ? r->effekt.text : "";
    if (r->vurdering.text) {
        x->effect = vocab_match(&c->effects, r->vurdering.text);
        if (x->effect < 0)
            REPORT(n, F_EFFECT_UNKNOWN, r->vurdering.line,
                   element_path(path, sizeof path, EL_EFFEKT, (size_t[]){i + 1}, "vurdering"),
                   "vurdering=\"%s\" er ikke en kendt effektkategori; brug en af %s",
                   r->vurdering.text, known(n, &c->effects));
        return;
    }
    char *folded = text_fold(n->a, x->effect_text);
    if (!folded) {
        n->oom = true;
        return;
    }
    x->effect = config_derive_effect(c, folded);
    x->effect_derived = true;
    if (r->effekt.text)   /* an absent <effekt> is ELEMENT_MISSING already */
        REPORT(n, F_EFFECT_DERIVED, r->effekt.line, element_path(path, sizeof path, EL_EFFEKT, (size_t[]){i + 1}, NULL),
               "effekt uden vurdering; udledt af teksten som \"%s\" (tilføj vurdering=\"%s\")",
               c->effects.items[x->effect].label, c->effects.items[x->effect].code);
}

static void normalize_indsats(norm *n, const raw_indsats *r, size_t i, indsats *x)
{
    const config *c = n->cfg;
    char path[160];
    x->line = r->line;
    x->id = r->id.text ? r->id.text : "";
    if (r->id.text && !valid_id(r->id.text))
        REPORT(n, F_ID_INVALID, r->line, element_path(path, sizeof path, EL_INDSATS, (size_t[]){i + 1}, "id"),
               "id=\"%s\" skal være 2-20 tegn af A-Z, 0-9 og -", r->id.text);
    x->title = r->titel.text ? r->titel.text : "";
    if (r->titel.text && !r->titel.text[0])
        REPORT(n, F_VALUE_EMPTY, r->titel.line, element_path(path, sizeof path, EL_TITEL, (size_t[]){i + 1}, NULL),
               "<titel> er tom");
    x->theme_text = r->tema.text ? r->tema.text : "";
    x->theme = -1;
    if (r->tema.text && !r->tema.text[0]) {
        REPORT(n, F_VALUE_EMPTY, r->tema.line, element_path(path, sizeof path, EL_TEMA, (size_t[]){i + 1}, NULL),
               "<tema> er tom");
    } else if (r->tema.text) {
        x->theme = vocab_match(&c->themes, r->tema.text);
        if (x->theme < 0)
            REPORT(n, F_THEME_UNKNOWN, r->tema.line, element_path(path, sizeof path, EL_TEMA, (size_t[]){i + 1}, NULL),
                   "temaet \"%s\" er ikke blandt de kendte og tælles under \"%s\"", r->tema.text,
                   c->other_theme);
    }
    x->status = -1;
    if (r->status.text) {
        x->status = vocab_match(&c->statuses, r->status.text);
        if (x->status < 0)
            REPORT(n, F_STATUS_UNKNOWN, r->status.line, element_path(path, sizeof path, EL_STATUS, (size_t[]){i + 1}, NULL),
                   "status \"%s\" er ikke en af: %s", r->status.text, known(n, &c->statuses));
    }
    normalize_effect(n, r, i, x);
    x->anbefaling = -1;
    if (!empty(&r->anbefaling)) {
        x->anbefaling = vocab_match(&c->anbefalinger, r->anbefaling.text);
        if (x->anbefaling < 0)
            REPORT(n, F_ANBEFALING_UNKNOWN, r->anbefaling.line,
                   element_path(path, sizeof path, EL_ANBEFALING, (size_t[]){i + 1}, NULL),
                   "anbefaling \"%s\" er ikke en af: %s", r->anbefaling.text,
                   known(n, &c->anbefalinger));
    }
    x->bemaerkning = empty(&r->bemaerkning) ? NULL : r->bemaerkning.text;
    normalize_bevillinger(n, r, i, x);
    normalize_indikatorer(n, r, i, x);
}

/* A staffing count attribute; -1 when absent, -2 when invalid (reported). */
static int64_t count_attr(norm *n, const raw_text *t, uint32_t line, const char *path,
                          const char *what)
{
    int64_t v;
    if (!t->text)
        return -1;
    if (value_count(t->text, n->fmt, &v))
        return v;
    if (value_leading_zero_group(t->text, n->fmt))
        REPORT(n, F_NUMBER_LEADING_ZERO, line, path,
               "%s=\"%s\": et tal, der begynder med 0 før et punktum, er ikke et helt tal i talformat da "
               "(punktum skiller tusinder)", what, t->text);
    else
        REPORT(n, F_COUNT_INVALID, line, path, "%s=\"%s\" er ikke et gyldigt helt tal", what, t->text);
    return -2;
}

static bool pct_attr(norm *n, const raw_text *t, uint32_t line, const char *path, double *out)
{
    if (!t->text)
        return false;
    if (value_percent(t->text, n->fmt, true, out))
        return true;
    REPORT(n, F_PCT_INVALID, line, path, "pct=\"%s\" er ikke en gyldig procentsats", t->text);
    return false;
}

static personale *normalize_personale(norm *n, const raw_personale *r)
{
    personale *p = arena_alloc(n->a, sizeof *p);
    char path[160];
    if (!p) {
        n->oom = true;
        return NULL;
    }
    p->line = r->line;
    p->total_line = r->total_line;
    if (r->opgjort.text) {
        p->has_opgjort = value_date(r->opgjort.text, &p->opgjort);
        if (!p->has_opgjort)
            REPORT(n, F_OPGJORT_INVALID, r->line, at(n, EL_PERSONALE, NULL, "opgjort"),
                   "opgjort=\"%s\" er ikke en gyldig dato", r->opgjort.text);
    }
    const raw_niveau *rn = r->niveauer.items;
    p->niveauer = arena_alloc_array(n->a, r->niveauer.n ? r->niveauer.n : 1, sizeof *p->niveauer);
    if (!p->niveauer) {
        n->oom = true;
        return NULL;
    }
    for (size_t k = 0; k < r->niveauer.n; k++) {
        niveau *nv = &p->niveauer[p->n_niveauer++];
        const raw_niveau *x = &rn[k];
        nv->name = x->navn.text ? x->navn.text : "";
        nv->line = x->line;
        element_path(path, sizeof path, EL_ANSATTE, (size_t[]){k + 1}, "antal");
        nv->ansatte = count_attr(n, &x->ansatte_antal, x->ansatte_line, path, "antal");
        element_path(path, sizeof path, EL_ANSATTE, (size_t[]){k + 1}, "i_alt");
        nv->i_alt = count_attr(n, &x->ansatte_i_alt, x->ansatte_line, path, "i_alt");
        element_path(path, sizeof path, EL_ANSATTE, (size_t[]){k + 1}, "pct");
        nv->has_pct_ansatte = pct_attr(n, &x->ansatte_pct, x->ansatte_line, path, &nv->pct_ansatte);
        element_path(path, sizeof path, EL_ARBEJDSSTYRKE, (size_t[]){k + 1}, "antal");
        nv->arbejdsstyrke =
            count_attr(n, &x->arbejdsstyrke_antal, x->arbejdsstyrke_line, path, "antal");
        element_path(path, sizeof path, EL_ARBEJDSSTYRKE, (size_t[]){k + 1}, "pct");
        nv->has_pct_arbejdsstyrke = pct_attr(n, &x->arbejdsstyrke_pct, x->arbejdsstyrke_line,
                                             path, &nv->pct_arbejdsstyrke);
        if (nv->ansatte < 0)
            nv->ansatte = 0;   /* absent is ATTRIBUTE_MISSING, invalid COUNT_INVALID */
        if (nv->i_alt < -1)
            nv->i_alt = -1;
        if (nv->arbejdsstyrke < -1)
            nv->arbejdsstyrke = -1;
    }
    p->total_ansatte = count_attr(n, &r->total_ansatte, r->total_line,
                                  at(n, EL_TOTAL, NULL, "ansatte"), "ansatte");
    p->total_arbejdsstyrke = count_attr(n, &r->total_arbejdsstyrke, r->total_line,
                                        at(n, EL_TOTAL, NULL, "arbejdsstyrke"),
                                        "arbejdsstyrke");
    if (p->total_ansatte < -1)
        p->total_ansatte = -1;
    if (p->total_arbejdsstyrke < -1)
        p->total_arbejdsstyrke = -1;
    return p;
}

document *normalize_document(const raw_document *raw, const config *cfg, arena *a, findings *f)
{
    norm n = {.cfg = cfg, .a = a, .f = f, .fmt = NUMBER_FORMAT_DA};
    document *doc = arena_alloc(a, sizeof *doc);
    if (!doc)
        return NULL;
    normalize_header(&n, raw, doc);
    const raw_indsats *ri = raw->indsatser.items;
    doc->indsatser = arena_alloc_array(a, raw->indsatser.n ? raw->indsatser.n : 1,
                                       sizeof *doc->indsatser);
    if (!doc->indsatser)
        return NULL;
    doc->n_indsatser = raw->indsatser.n;
    for (size_t i = 0; i < raw->indsatser.n; i++)
        normalize_indsats(&n, &ri[i], i, &doc->indsatser[i]);
    if (raw->personale)
        doc->personale = normalize_personale(&n, raw->personale);
    if (n.oom || arena_failed(a))
        return NULL;
    return doc;
}
