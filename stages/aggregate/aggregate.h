/* aggregate.h — stage 4: one period's documents → the rows of every table in
 * WORKBOOK.md.
 *
 * In:  the period's current documents (after duplicates and supersession),
 *      every source of the period with its status and findings (Kilder and
 *      Fund), the configuration, and optionally one department to restrict
 *      the report to.
 * Out: a period_report: the rows of Indsatser, EffektBevilling,
 *      EffektForvaltning, Bevillingsprofil, BevillingTema, Personale,
 *      Indikatorer, Fund and Kilder, and the headline figures of Overblik —
 *      every total computed here, once; emit only writes them. Texts are as
 *      the documents have them (emit makes each safe for a cell). Every row
 *      lives in the arena given.
 *
 * Sums are exact integers (kroner, counts); emit writes them as formulas that
 * carry these values. */
#ifndef STATUSNOTAT_AGGREGATE_H
#define STATUSNOTAT_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "finding.h"
#include "model.h"
#include "source.h"

typedef struct {
    const document *doc;
    const char *source_name;
} period_document;

typedef struct {
    const config *cfg;
    sn_period period;
    int department;              /* restrict to this department; -1 = all */
    const period_document *docs; /* the current documents of the period (all departments) */
    size_t n_docs;
    const source_row *sources;   /* every source of the period, in arrival order */
    size_t n_sources;
    /* For a department's report: the municipality's (its latest budget year
     * and total are the department's yardstick), when docs holds only the
     * department's own documents. NULL: computed from docs. */
    const struct period_report *municipality;
    /* Udvikling: the current documents of the half year before (all
     * departments), as the archive stood at this run; none: nothing to
     * compare with. */
    const period_document *previous_docs;
    size_t n_previous_docs;
} aggregate_input;


/* Every sum (money and head counts) is a double: it cannot overflow, it is
 * exact for whole numbers up to 2^53 (9 billiarder kr.; one amount is at most
 * 10^15 kr., FORMAT.md), and it is the arithmetic the workbook's own formulas
 * do when Excel or LibreOffice recalculates them. */
typedef double kroner_sum;

/* What happened to an initiative since the half year before (WORKBOOK.md,
 * "What changed since the last half year"), in the order that decides. */
typedef enum {
    CHANGE_NEW, CHANGE_ENDED, CHANGE_BETTER, CHANGE_WORSE, CHANGE_EFFECT, CHANGE_BEVILLING,
    CHANGE_NONE,
} change_kind;

const char *change_label(change_kind k);   /* ny, ophørt, effekt bedre, … */

typedef struct {
    int department;
    const char *id, *title;      /* the title now, or before for an ended one */
    change_kind change;
    int effect_before, effect_now;     /* indexes into config.effects; -1 = absent */
    int status_before, status_now;     /* indexes into config.statuses; -1 = absent */
    bool has_before, has_now;          /* an amount for the latest budget year */
    kroner_sum before, now;
} change_row;

/* Money per budget year: kroner[i] for config.budget_years[i]; has[i] false
 * where no indsats grants anything that year (an empty cell). */
typedef struct {
    kroner_sum *kroner;
    bool *has;
} year_amounts;

typedef struct {
    const char *department, *id, *title, *theme, *status, *effect, *anbefaling, *source;
    bool effect_derived;
    int department_index;        /* into config.departments */
    bool limited;                /* its effect is one of the limited-effect categories */
    year_amounts bevilling;
} indsats_row;

typedef struct {
    int effect;                  /* index into config.effects */
    size_t count;
    year_amounts bevilling;      /* has[] always true: every category is listed */
} effect_row;

typedef struct {
    int department;
    size_t *counts;              /* per effect */
    size_t total;
} effect_department_row;

typedef struct {
    int year;
    kroner_sum granted;
    int64_t frame;               /* -1 when the year has no frame, or in a department's
                                    workbook: the frame is the whole municipality's */
} budget_row;

typedef struct {
    const char *theme;           /* configured label, or the "other" label */
    year_amounts bevilling;
} theme_row;

typedef struct {
    const char *level;
    kroner_sum ansatte;
    kroner_sum arbejdsstyrke;    /* -1 when no document states it */
    bool has_stated_ansatte, has_stated_arbejdsstyrke;
    double stated_ansatte, stated_arbejdsstyrke;   /* fractions as sent (one sender only) */
} staff_row;

typedef struct {
    const char *department, *id, *name, *unit, *text;
    indicator_value value;
    bool has_date;
    sn_date date;
    int year;
} indicator_row;

typedef struct {
    const finding *finding;
    const char *file;            /* Fil: the source's name (with its resends counted) */
    const char *message;
    const char *path;
    const char *action;          /* Handling */
} fund_row;

/* A row of Kilder: one source — or, for rejected bytes sent again and again,
 * the first of them standing for every copy (FORMAT.md: a resend of a
 * rejected document is rejected again; the sheet shows it once, counted). */
typedef struct {
    const source_row *source;    /* the first */
    const char *file;            /* Fil: its name, with the count and dates of the copies */
    size_t copies;               /* deliveries of these bytes the row stands for (1: itself) */
} kilder_row;

typedef struct period_report {
    const config *cfg;
    sn_period period;
    int department;              /* -1 = all */
    const char *scope_label;     /* "Alle forvaltninger" or the department's name */

    indsats_row *indsatser;               size_t n_indsatser;
    effect_row *effects;                  size_t n_effects;
    effect_department_row *effect_departments; size_t n_effect_departments;
    budget_row *budget;                   size_t n_budget;
    theme_row *themes;                    size_t n_themes;
    staff_row *staff;                     size_t n_staff;
    indicator_row *indicators;            size_t n_indicators;
    fund_row *fund;                       size_t n_fund;
    kilder_row *sources;                  size_t n_sources;
    /* Past cfg->max_sheet_rows: what is not shown, summed up in one row. */
    size_t fund_omitted, fund_omitted_files, sources_omitted;

    /* Overblik. */
    size_t docs_accepted, docs_rejected, docs_superseded, docs_duplicate;
    int latest_year_index;       /* -1 when no document grants any money */
    kroner_sum latest_total;     /* kroner granted in the latest year */
    kroner_sum latest_limited;   /* of which on limited/none/undocumented effect */
    kroner_sum city_latest_total;   /* the whole municipality's, that year (= latest_total
                                       in the municipality's own workbook) */
    bool has_staff;
    kroner_sum staff_ansatte, staff_arbejdsstyrke;      /* sums of the rows */
    bool stated_totals;          /* some document states totals */
    kroner_sum stated_ansatte, stated_arbejdsstyrke;    /* sum of the stated totals (-1 none) */

    /* Udvikling. */
    bool has_previous;           /* any document for the half year before */
    bool *compared;              /* per department: a document in both half years */
    change_row *changes;                  size_t n_changes;
    size_t change_counts[CHANGE_NONE + 1];   /* rows per kind */
    kroner_sum moved_into_limited;   /* Bevilling nu of rows whose effect moved into the
                                        limited-effect categories */
    kroner_sum moved_out_of_limited; /* … and out of them */
} period_report;

/* One period's row in the overview across periods (WORKBOOK.md, "Across
 * all periods"): the municipality's (department -1) or one department's,
 * the same figures as that period's workbook shows on Overblik. */
typedef struct {
    sn_period period;
    int department;              /* -1 = all */
    int latest_year;             /* the latest budget year; 0 when nothing is granted */
    kroner_sum granted, limited; /* that year: granted, of which on limited effect */
    int64_t frame;               /* the municipality's frame that year; -1 for none,
                                    and always in a department's row */
    size_t indsatser, accepted, rejected;
} period_summary;

/* Returns NULL only when out of memory. */
period_report *aggregate_period(const aggregate_input *in, arena *a);

/* Copies every text the report borrows from the documents into a, so the
 * documents can be freed before the workbook is written (memory then holds
 * one workbook, not the period's documents as well). false when out of
 * memory. */
bool aggregate_detach(period_report *r, arena *a);

/* The report's row in the overview across periods. */
period_summary aggregate_summary(const period_report *r);

/* The latest budget year (index) in which any of the documents grants money;
 * -1 when none does. */
int aggregate_latest_year(const config *cfg, const period_document *docs, size_t n_docs);

#endif
