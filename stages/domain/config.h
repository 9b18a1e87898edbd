/* config.h — the configuration every stage reads: vocabularies, budget years
 * and frame, and the limits on input. Loaded once at start from JSON by
 * pipeline/config_load.c; stages only read it.
 *
 * Vocabulary entries are matched on folded text (text.h): the code, the
 * label, the file code and any aliases, each with or without the Danish
 * definite ending "-en". */
#ifndef STATUSNOTAT_CONFIG_H
#define STATUSNOTAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct {
    const char *code;       /* e.g. "ØKF", "maerkbar", "ikke_igangsat" */
    const char *label;      /* Danish label shown to people */
    const char *file_code;  /* departments: ASCII code for file names ("OEKF") */
    int ordinal;            /* effects: 0..4, or -1 where there is none */
    const char **keys;      /* folded match keys */
    size_t n_keys;
} vocab_entry;

typedef struct {
    vocab_entry *items;
    size_t n;
} vocab;

typedef struct {
    const char *phrase;     /* folded */
    int effect;             /* index into config.effects */
} effect_phrase;

typedef struct config {
    arena *arena;
    const char *source;     /* the file it was read from */

    vocab departments, statuses, anbefalinger, effects, themes;
    const char *other_theme;     /* label for themes not in the list: "Øvrige" */

    effect_phrase *phrases;      /* tried in order, first match wins */
    size_t n_phrases;
    int effect_default;          /* when no phrase matches */
    bool *effect_limited;        /* per effect: counts toward "limited effect" share */

    int *budget_years;           /* ascending */
    size_t n_budget_years;
    int64_t *frame;              /* per budget year, in kroner; -1 = no frame */

    uint64_t max_file_bytes;
    uint64_t max_expanded_bytes;
    double max_expansion_ratio;
    size_t max_findings;         /* per document; further findings are counted, not kept */
    /* Per document: more is TOO_MANY_ROWS. A period holds one current
     * document per department, so departments x each limit rows must fit a
     * sheet (config_load checks it). */
    size_t max_indsatser, max_indikatorer, max_niveauer;
    uint64_t max_night_bytes;    /* deliveries one night archives; the rest wait */
    /* operations: how the service runs (not what the workbooks hold). */
    const char *prometheus_textfile;   /* status.h; NULL: none */
    unsigned lock_wait_seconds;  /* how long a night waits for a lock a backup (or another) holds */
    size_t max_sheet_rows;       /* rows of Validering and of Kilder in one workbook; the rest are
                                    summed up in one row that says where they are */
    double pct_tolerance;        /* as a fraction: 0.0005 = 0.05 percentage points */
} config;

/* Index of the entry that folded text matches, or -1. */
int vocab_match(const vocab *v, const char *text);
int vocab_find_code(const vocab *v, const char *code);

/* The entries as a sender may write them, for a message: their codes
 * ("ØKF, KFF, …") or their labels ("Igangsat, Ikke igangsat, …"). NULL when
 * out of memory. */
const char *vocab_list(arena *a, const vocab *v, bool codes);

/* Index of year in the budget years, or -1. */
int config_budget_year_index(const config *c, int year);

/* Builds the folded match keys of an entry from its code, label, file code
 * and aliases. Returns false when out of memory. */
bool vocab_entry_set_keys(arena *a, vocab_entry *e, const char *const *aliases, size_t n_aliases);

/* The effect category derived from free text by the phrase table. */
int config_derive_effect(const config *c, const char *folded_text);

#endif
