/* aggregate.c — a period's documents → the rows of the workbook's tables;
 * see aggregate.h. */
#include "aggregate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct {
    const aggregate_input *in;
    const config *cfg;
    arena *a;
    period_report *r;
    size_t n_years;
    bool oom;
} builder;

static void *alloc_array(builder *b, size_t n, size_t size)
{
    void *p = arena_alloc_array(b->a, n ? n : 1, size);
    if (!p)
        b->oom = true;
    return p;
}

static bool new_amounts(builder *b, year_amounts *y, bool all_present)
{
    y->kroner = alloc_array(b, b->n_years, sizeof *y->kroner);
    y->has = alloc_array(b, b->n_years, sizeof *y->has);
    if (!y->kroner || !y->has)
        return false;
    for (size_t i = 0; i < b->n_years; i++)
        y->has[i] = all_present;
    return true;
}

static void add_amount(year_amounts *y, int year_index, kroner_sum kroner)
{
    y->kroner[year_index] += kroner;
    y->has[year_index] = true;
}

static bool included(const aggregate_input *in, int department)
{
    return in->department < 0 || in->department == department;
}

int aggregate_latest_year(const config *cfg, const period_document *docs, size_t n_docs)
{
    int latest = -1;
    for (size_t d = 0; d < n_docs; d++)
        for (size_t i = 0; i < docs[d].doc->n_indsatser; i++) {
            const indsats *x = &docs[d].doc->indsatser[i];
            for (size_t j = 0; j < x->n_bevillinger; j++) {
                int y = config_budget_year_index(cfg, x->bevillinger[j].year);
                if (y > latest && x->bevillinger[j].kroner != 0)
                    latest = y;
            }
        }
    return latest;
}

period_summary aggregate_summary(const period_report *r)
{
    const config *c = r->cfg;
    int latest = r->latest_year_index;
    return (period_summary){
        .period = r->period,
        .department = r->department,
        .latest_year = latest >= 0 ? c->budget_years[latest] : 0,
        .granted = r->latest_total,
        .limited = r->latest_limited,
        .frame = latest >= 0 && r->department < 0 ? c->frame[latest] : -1,
        .indsatser = r->n_indsatser,
        .accepted = r->docs_accepted,
        .rejected = r->docs_rejected,
    };
}

/* Counts the rows each table will get, so every array is allocated once. */
static void count_rows(builder *b, size_t *indsatser, size_t *indicators, size_t *levels)
{
    *indsatser = *indicators = *levels = 0;
    for (size_t d = 0; d < b->in->n_docs; d++) {
        const document *doc = b->in->docs[d].doc;
        if (!included(b->in, doc->department))
            continue;
        *indsatser += doc->n_indsatser;
        for (size_t i = 0; i < doc->n_indsatser; i++)
            *indicators += doc->indsatser[i].n_indikatorer;
        if (doc->personale)
            *levels += doc->personale->n_niveauer;
    }
}

static void add_indsats(builder *b, const document *doc, const indsats *x, const char *source)
{
    const config *c = b->cfg;
    period_report *r = b->r;
    indsats_row *row = &r->indsatser[r->n_indsatser++];
    row->department = c->departments.items[doc->department].label;
    row->department_index = doc->department;
    row->limited = c->effect_limited[x->effect];
    row->id = x->id;
    row->title = x->title;
    row->theme = x->theme >= 0 ? c->themes.items[x->theme].label : c->other_theme;
    row->status = c->statuses.items[x->status].label;
    row->effect = c->effects.items[x->effect].label;
    row->effect_derived = x->effect_derived;
    row->anbefaling = x->anbefaling >= 0 ? c->anbefalinger.items[x->anbefaling].label : NULL;
    row->source = source;
    if (!new_amounts(b, &row->bevilling, false))
        return;

    effect_row *effect = &r->effects[x->effect];
    effect->count++;
    theme_row *theme = &r->themes[x->theme >= 0 ? (size_t)x->theme : c->themes.n];
    for (size_t j = 0; j < x->n_bevillinger; j++) {
        int y = config_budget_year_index(c, x->bevillinger[j].year);
        if (y < 0)
            continue;   /* YEAR_OUTSIDE_BUDGET: not counted */
        kroner_sum kr = (kroner_sum)x->bevillinger[j].kroner;
        add_amount(&row->bevilling, y, kr);
        add_amount(&effect->bevilling, y, kr);
        add_amount(&theme->bevilling, y, kr);
        r->budget[y].granted += kr;
    }
    for (size_t j = 0; j < x->n_indikatorer; j++) {
        const indikator *ind = &x->indikatorer[j];
        indicator_row *ir = &r->indicators[r->n_indicators++];
        ir->department = row->department;
        ir->id = row->id;
        ir->name = ind->name;
        ir->unit = ind->unit;
        ir->text = ind->text;
        ir->value = ind->value;
        ir->has_date = ind->has_date;
        ir->date = ind->date;
        ir->year = ind->year;
    }
}

/* Staffing rows are summed over departments by level name (folded), in the
 * order levels first appear. A stated pct is shown only where one document
 * alone states it: shares of different wholes do not add up. */
static void add_staff(builder *b, const personale *p, size_t *contributors)
{
    period_report *r = b->r;
    char key[256], other[256];
    r->has_staff = true;
    for (size_t k = 0; k < p->n_niveauer; k++) {
        const niveau *nv = &p->niveauer[k];
        size_t row = r->n_staff;
        if (!text_fold_into(key, sizeof key, nv->name))
            key[0] = '\0';
        for (size_t i = 0; i < r->n_staff; i++)
            if (text_fold_into(other, sizeof other, r->staff[i].level) && strcmp(other, key) == 0)
                row = i;
        staff_row *s = &r->staff[row];
        if (row == r->n_staff) {
            r->n_staff++;
            s->level = nv->name;
            s->arbejdsstyrke = -1;
        }
        contributors[row]++;
        s->ansatte += nv->ansatte;
        r->staff_ansatte += nv->ansatte;
        if (nv->arbejdsstyrke >= 0) {
            s->arbejdsstyrke = (s->arbejdsstyrke < 0 ? 0 : s->arbejdsstyrke) + nv->arbejdsstyrke;
            r->staff_arbejdsstyrke += nv->arbejdsstyrke;
        }
        bool alone = contributors[row] == 1;
        s->has_stated_ansatte = alone && nv->has_pct_ansatte;
        s->stated_ansatte = nv->pct_ansatte;
        s->has_stated_arbejdsstyrke = alone && nv->has_pct_arbejdsstyrke;
        s->stated_arbejdsstyrke = nv->pct_arbejdsstyrke;
    }
    if (p->total_ansatte >= 0 || p->total_arbejdsstyrke >= 0) {
        if (!r->stated_totals) {
            r->stated_ansatte = r->stated_arbejdsstyrke = -1;
            r->stated_totals = true;
        }
        if (p->total_ansatte >= 0)
            r->stated_ansatte = (r->stated_ansatte < 0 ? 0 : r->stated_ansatte) + p->total_ansatte;
        if (p->total_arbejdsstyrke >= 0)
            r->stated_arbejdsstyrke =
                (r->stated_arbejdsstyrke < 0 ? 0 : r->stated_arbejdsstyrke) + p->total_arbejdsstyrke;
    }
}

/* For each of the report's sources, the first rejected source with its
 * bytes (itself when it is the first, or not rejected): resends of rejected
 * bytes are one row of Kilder and their findings one set in Fund. */
static size_t *rejected_groups(builder *b, const source_row *const *s, size_t n)
{
    size_t *first = alloc_array(b, n, sizeof *first);
    text_place *order = alloc_array(b, n, sizeof *order);
    if (!first || !order)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        first[i] = i;
        if (s[i]->status == SOURCE_REJECTED && s[i]->id.sha256_hex[0])
            order[k++] = (text_place){s[i]->id.sha256_hex, i};
    }
    qsort(order, k, sizeof *order, text_place_compare);
    for (size_t g = 1; g < k; g++)
        if (strcmp(order[g].text, order[g - 1].text) == 0)
            first[order[g].place] = first[order[g - 1].place];
    return first;
}

/* "SOF-2008-H2.xml (sendt 1.049 gange med de samme bytes, 2008-12-10 til
 * 2008-12-15; sidst som SOF-2008-H2-1048.xml)" */
static const char *copies_label(builder *b, const source_row *first, const source_row *last,
                                size_t copies)
{
    char count[32], dates[64] = "";
    value_format_thousands((__int128)copies, count, sizeof count);
    if (first->received && last->received)
        snprintf(dates, sizeof dates, ", %.10s til %.10s", first->received, last->received);
    const char *label = arena_printf(b->a, "%s (sendt %s gange med de samme bytes%s; sidst som %s)",
                                     first->id.name, count, dates, last->id.name);
    if (!label)
        b->oom = true;
    return label ? label : first->id.name;
}

static void add_sources(builder *b)
{
    const aggregate_input *in = b->in;
    period_report *r = b->r;
    size_t cap = in->cfg->max_sheet_rows, n = 0, n_findings = 0;
    const source_row **mine = alloc_array(b, in->n_sources, sizeof *mine);
    if (!mine)
        return;
    for (size_t i = 0; i < in->n_sources; i++)
        if (in->department < 0 || in->sources[i].id.department == in->department) {
            mine[n++] = &in->sources[i];
            n_findings += in->sources[i].n_findings;
        }
    size_t *first = rejected_groups(b, mine, n);
    size_t *row_of = alloc_array(b, n, sizeof *row_of);   /* each group leader's Kilder row */
    size_t *copies = alloc_array(b, n, sizeof *copies);
    size_t *last = alloc_array(b, n, sizeof *last);
    r->sources = alloc_array(b, n < cap ? n : cap, sizeof *r->sources);
    r->fund = alloc_array(b, n_findings < cap ? n_findings : cap, sizeof *r->fund);
    if (!first || !row_of || !copies || !last || !r->sources || !r->fund)
        return;
    for (size_t i = 0; i < n; i++) {
        copies[first[i]]++;
        last[first[i]] = i;
    }
    for (size_t i = 0; i < n; i++) {
        const source_row *s = mine[i];
        switch (s->status) {
        case SOURCE_ACCEPTED: r->docs_accepted++; break;
        case SOURCE_REJECTED: r->docs_rejected++; break;
        case SOURCE_SUPERSEDED: r->docs_superseded++; break;
        case SOURCE_DUPLICATE: r->docs_duplicate++; break;
        }
        if (first[i] != i)
            continue;            /* a resend: counted in its first's row */
        const char *file = copies[i] > 1 ? copies_label(b, s, mine[last[i]], copies[i]) : s->id.name;
        if (r->n_sources < cap)
            r->sources[r->n_sources++] = (kilder_row){s, file, copies[i]};
        else
            r->sources_omitted++;
        /* A duplicate says nothing new; a superseded document's findings are
         * history, except the one that says why it does not count. */
        if (s->status == SOURCE_DUPLICATE)
            continue;
        bool omitted = false;
        for (size_t k = 0; k < s->n_findings; k++) {
            const finding *x = &s->findings[k];
            if (s->status == SOURCE_SUPERSEDED && x->code != F_DOCUMENT_OLDER)
                continue;
            if (r->n_fund == cap) {
                r->fund_omitted++;
                omitted = true;
                continue;
            }
            fund_row *f = &r->fund[r->n_fund++];
            f->finding = x;
            f->file = file;
            f->message = x->message;
            f->path = x->path;
            f->action = finding_code_action(x->code);
        }
        r->fund_omitted_files += omitted;
    }
}

const char *change_label(change_kind k)
{
    switch (k) {
    case CHANGE_NEW: return "ny";
    case CHANGE_ENDED: return "ophørt";
    case CHANGE_BETTER: return "effekt bedre";
    case CHANGE_WORSE: return "effekt dårligere";
    case CHANGE_EFFECT: return "effekt ændret";
    case CHANGE_BEVILLING: return "bevilling ændret";
    case CHANGE_NONE: return "uændret";
    }
    return "?";
}

/* One initiative on one side of the comparison. */
typedef struct {
    int department;
    const indsats *x;
    bool before;
} change_side;

static int compare_sides(const void *pa, const void *pb)
{
    const change_side *a = pa, *b = pb;
    if (a->department != b->department)
        return a->department < b->department ? -1 : 1;
    int c = strcmp(a->x->id, b->x->id);
    if (c)
        return c;
    return (int)a->before - (int)b->before;   /* now before before: stable */
}

/* The amount an initiative grants in a year (none: has = false). */
static kroner_sum amount_in(const indsats *x, int year, bool *has)
{
    kroner_sum sum = 0;
    *has = false;
    for (size_t j = 0; x && j < x->n_bevillinger; j++)
        if (x->bevillinger[j].year == year) {
            sum += (kroner_sum)x->bevillinger[j].kroner;
            *has = true;
        }
    return sum;
}

/* Udvikling: the initiatives of this half year and the one before, matched
 * by (department, id), ordered by department then id.
 * One piece because the changes against the half year before are one merge of two sorted
 * lists. */
static void add_changes(builder *b)
{
    const aggregate_input *in = b->in;
    const config *c = b->cfg;
    period_report *r = b->r;
    size_t nd = c->departments.n;
    bool *now = alloc_array(b, nd, sizeof *now), *before = alloc_array(b, nd, sizeof *before);
    r->compared = alloc_array(b, nd, sizeof *r->compared);
    r->has_previous = in->n_previous_docs > 0;
    if (!now || !before || !r->compared || !r->has_previous)
        return;
    size_t n = 0;
    for (size_t d = 0; d < in->n_docs; d++)
        n += in->docs[d].doc->n_indsatser, now[in->docs[d].doc->department] = true;
    for (size_t d = 0; d < in->n_previous_docs; d++)
        n += in->previous_docs[d].doc->n_indsatser, before[in->previous_docs[d].doc->department] = true;
    for (size_t d = 0; d < nd; d++)
        r->compared[d] = now[d] && before[d];
    change_side *sides = alloc_array(b, n, sizeof *sides);
    r->changes = alloc_array(b, n, sizeof *r->changes);
    if (!sides || !r->changes)
        return;
    size_t k = 0;
    for (int side = 0; side < 2; side++) {
        const period_document *docs = side ? in->previous_docs : in->docs;
        size_t count = side ? in->n_previous_docs : in->n_docs;
        for (size_t d = 0; d < count; d++) {
            const document *doc = docs[d].doc;
            if (!included(in, doc->department))
                continue;
            for (size_t i = 0; i < doc->n_indsatser; i++)
                sides[k++] = (change_side){doc->department, &doc->indsatser[i], side == 1};
        }
    }
    qsort(sides, k, sizeof *sides, compare_sides);
    int year = r->latest_year_index >= 0 ? c->budget_years[r->latest_year_index] : 0;
    for (size_t i = 0; i < k;) {
        const indsats *x_now = NULL, *x_before = NULL;
        int department = sides[i].department;
        const char *id = sides[i].x->id;
        for (; i < k && sides[i].department == department && strcmp(sides[i].x->id, id) == 0; i++) {
            if (sides[i].before && !x_before)
                x_before = sides[i].x;
            else if (!sides[i].before && !x_now)
                x_now = sides[i].x;
        }
        /* A department that did not report in one of the half years has no
         * new or ended initiatives: it did not say. */
        if (!r->compared[department])
            continue;
        change_row *row = &r->changes[r->n_changes++];
        row->department = department;
        row->id = id;
        row->title = x_now ? x_now->title : x_before->title;
        row->effect_before = x_before ? x_before->effect : -1;
        row->effect_now = x_now ? x_now->effect : -1;
        row->status_before = x_before ? x_before->status : -1;
        row->status_now = x_now ? x_now->status : -1;
        row->before = year ? amount_in(x_before, year, &row->has_before) : 0;
        row->now = year ? amount_in(x_now, year, &row->has_now) : 0;
        if (!x_before)
            row->change = CHANGE_NEW;
        else if (!x_now)
            row->change = CHANGE_ENDED;
        else if (row->effect_before != row->effect_now) {
            int o1 = c->effects.items[row->effect_before].ordinal;
            int o2 = c->effects.items[row->effect_now].ordinal;
            row->change = o1 < 0 || o2 < 0 ? CHANGE_EFFECT : o2 > o1 ? CHANGE_BETTER : CHANGE_WORSE;
        } else if (row->before != row->now)
            row->change = CHANGE_BEVILLING;
        else
            row->change = CHANGE_NONE;
        r->change_counts[row->change]++;
        if (row->effect_before >= 0 && row->effect_now >= 0) {
            bool was = c->effect_limited[row->effect_before], is = c->effect_limited[row->effect_now];
            if (is && !was)
                r->moved_into_limited += row->now;
            if (was && !is)
                r->moved_out_of_limited += row->now;
        }
    }
}

/* One piece because the period's rows are aggregated in one pass over its documents; its
 * parts are the builder functions it calls. */
period_report *aggregate_period(const aggregate_input *in, arena *a)
{
    const config *c = in->cfg;
    builder b = {in, c, a, NULL, c->n_budget_years, false};
    period_report *r = arena_alloc(a, sizeof *r);
    if (!r)
        return NULL;
    b.r = r;
    r->cfg = c;
    r->period = in->period;
    r->department = in->department;
    r->scope_label = in->department >= 0 ? c->departments.items[in->department].label
                                         : "Alle forvaltninger";
    r->latest_year_index = in->municipality ? in->municipality->latest_year_index
                                            : aggregate_latest_year(c, in->docs, in->n_docs);
    r->stated_ansatte = r->stated_arbejdsstyrke = -1;

    size_t n_indsatser, n_indicators, n_levels;
    count_rows(&b, &n_indsatser, &n_indicators, &n_levels);
    r->indsatser = alloc_array(&b, n_indsatser, sizeof *r->indsatser);
    r->indicators = alloc_array(&b, n_indicators, sizeof *r->indicators);
    r->staff = alloc_array(&b, n_levels, sizeof *r->staff);
    size_t *contributors = alloc_array(&b, n_levels, sizeof *contributors);
    r->n_effects = c->effects.n;
    r->effects = alloc_array(&b, r->n_effects, sizeof *r->effects);
    r->n_themes = c->themes.n + 1;   /* + "Øvrige" */
    r->themes = alloc_array(&b, r->n_themes, sizeof *r->themes);
    r->n_budget = b.n_years;
    r->budget = alloc_array(&b, r->n_budget, sizeof *r->budget);
    if (b.oom)
        return NULL;
    for (size_t e = 0; e < r->n_effects; e++) {
        r->effects[e].effect = (int)e;
        new_amounts(&b, &r->effects[e].bevilling, true);
    }
    for (size_t t = 0; t < r->n_themes; t++) {
        r->themes[t].theme = t < c->themes.n ? c->themes.items[t].label : c->other_theme;
        new_amounts(&b, &r->themes[t].bevilling, true);
    }
    for (size_t y = 0; y < r->n_budget; y++) {
        r->budget[y].year = c->budget_years[y];
        r->budget[y].frame = in->department < 0 ? c->frame[y] : -1;
    }
    if (b.oom)
        return NULL;

    /* Documents in department order, then arrival order, so rows are stable. */
    r->effect_departments = alloc_array(&b, c->departments.n, sizeof *r->effect_departments);
    if (!r->effect_departments)
        return NULL;
    for (size_t dep = 0; dep < c->departments.n; dep++) {
        effect_department_row *row = NULL;
        for (size_t d = 0; d < in->n_docs && !b.oom; d++) {
            const document *doc = in->docs[d].doc;
            if (doc->department != (int)dep || !included(in, doc->department))
                continue;
            if (!row) {
                row = &r->effect_departments[r->n_effect_departments++];
                row->department = (int)dep;
                row->counts = alloc_array(&b, r->n_effects, sizeof *row->counts);
                if (!row->counts)
                    return NULL;
            }
            for (size_t i = 0; i < doc->n_indsatser; i++) {
                add_indsats(&b, doc, &doc->indsatser[i], in->docs[d].source_name);
                row->counts[doc->indsatser[i].effect]++;
                row->total++;
            }
            if (doc->personale)
                add_staff(&b, doc->personale, contributors);
        }
    }
    add_sources(&b);
    add_changes(&b);
    if (b.oom || arena_failed(a))
        return NULL;

    if (r->latest_year_index >= 0) {
        int y = r->latest_year_index;
        r->latest_total = r->budget[y].granted;
        for (size_t e = 0; e < r->n_effects; e++)
            if (c->effect_limited[e])
                r->latest_limited += r->effects[e].bevilling.kroner[y];
        if (in->municipality) {
            r->city_latest_total = in->municipality->latest_total;
        } else {
            int year = c->budget_years[y];
            for (size_t d = 0; d < in->n_docs; d++)
                for (size_t i = 0; i < in->docs[d].doc->n_indsatser; i++) {
                    const indsats *x = &in->docs[d].doc->indsatser[i];
                    for (size_t j = 0; j < x->n_bevillinger; j++)
                        if (x->bevillinger[j].year == year)
                            r->city_latest_total += (kroner_sum)x->bevillinger[j].kroner;
                }
        }
    }
    return r;
}

static bool own(arena *a, const char **s)
{
    if (!*s)
        return true;
    *s = arena_strdup(a, *s);
    return *s != NULL;
}

bool aggregate_detach(period_report *r, arena *a)
{
    bool ok = true;
    for (size_t i = 0; i < r->n_indsatser; i++)
        ok = ok && own(a, &r->indsatser[i].id) && own(a, &r->indsatser[i].title);
    for (size_t i = 0; i < r->n_indicators; i++) {
        indicator_row *x = &r->indicators[i];
        ok = ok && own(a, &x->id) && own(a, &x->name) && own(a, &x->unit) && own(a, &x->text);
    }
    for (size_t i = 0; i < r->n_staff; i++)
        ok = ok && own(a, &r->staff[i].level);
    for (size_t i = 0; i < r->n_changes; i++)
        ok = ok && own(a, &r->changes[i].id) && own(a, &r->changes[i].title);
    return ok;
}
