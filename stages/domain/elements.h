/* elements.h — the elements and attributes of FORMAT.md, as one table: each
 * element's parent, how often it may occur, whether it holds text, and its
 * attributes. Ingest reads by it, and every element path a finding names
 * (/statusnotat/indsatser/indsats[3]/bevilling[1]/@aar) is built from it. */
#ifndef STATUSNOTAT_ELEMENTS_H
#define STATUSNOTAT_ELEMENTS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    EL_ROOT, EL_HOVED, EL_FORVALTNING, EL_PERIODE, EL_INDSENDT, EL_KONTAKT,
    EL_INDSATSER, EL_INDSATS, EL_TITEL, EL_TEMA, EL_BEVILLING, EL_STATUS, EL_EFFEKT,
    EL_INDIKATOR, EL_ANBEFALING, EL_BEMAERKNING,
    EL_PERSONALE, EL_NIVEAU, EL_ANSATTE, EL_ARBEJDSSTYRKE, EL_TOTAL,
    EL_COUNT
} element_kind;

enum { MAX_ATTRS = 4 };

typedef struct {
    const char *name;
    int parent;                 /* element_kind, or -1 for the root */
    int min, max;               /* occurrences under the parent; max 0 = unbounded */
    bool has_text;
    const char *attrs[MAX_ATTRS];
    bool required[MAX_ATTRS];
} element_rule;

extern const element_rule element_rules[EL_COUNT];

/* The kind of the child `name` of an element of kind `parent` (-1 for the
 * root), or -1 when the format has no such child. */
int element_child(int parent, const char *name);

/* The path of an element of `kind`, e.g. EL_BEVILLING with index {3, 1} and
 * attribute "aar" → /statusnotat/indsatser/indsats[3]/bevilling[1]/@aar.
 * `index` gives the 1-based position of each repeatable element on the way
 * down (indsats, bevilling, indikator, niveau), in order; NULL when there is
 * none. `attribute` may be NULL. Returns buf. */
const char *element_path(char *buf, size_t size, element_kind kind, const size_t *index,
                         const char *attribute);

#endif
