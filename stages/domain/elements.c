/* elements.c — the element table of FORMAT.md and the paths built from it;
 * see elements.h. */
#include "elements.h"

#include <stdio.h>
#include <string.h>

const element_rule element_rules[EL_COUNT] = {
    [EL_ROOT]          = {"statusnotat", -1, 1, 1, false, {"version", "talformat"}, {true}},
    [EL_HOVED]         = {"hoved", EL_ROOT, 1, 1, false, {0}, {0}},
    [EL_FORVALTNING]   = {"forvaltning", EL_HOVED, 1, 1, true, {"kode"}, {false}},
    [EL_PERIODE]       = {"periode", EL_HOVED, 1, 1, true, {0}, {0}},
    [EL_INDSENDT]      = {"indsendt", EL_HOVED, 1, 1, true, {0}, {0}},
    [EL_KONTAKT]       = {"kontakt", EL_HOVED, 0, 1, true, {0}, {0}},
    [EL_INDSATSER]     = {"indsatser", EL_ROOT, 1, 1, false, {0}, {0}},
    [EL_INDSATS]       = {"indsats", EL_INDSATSER, 1, 0, false, {"id"}, {true}},
    [EL_TITEL]         = {"titel", EL_INDSATS, 1, 1, true, {0}, {0}},
    [EL_TEMA]          = {"tema", EL_INDSATS, 1, 1, true, {0}, {0}},
    [EL_BEVILLING]     = {"bevilling", EL_INDSATS, 0, 0, true, {"aar"}, {true}},
    [EL_STATUS]        = {"status", EL_INDSATS, 1, 1, true, {0}, {0}},
    [EL_EFFEKT]        = {"effekt", EL_INDSATS, 1, 1, true, {"vurdering"}, {false}},
    [EL_INDIKATOR]     = {"indikator", EL_INDSATS, 0, 0, true, {"navn", "enhed", "dato", "aar"},
                          {true, false, false, false}},
    [EL_ANBEFALING]    = {"anbefaling", EL_INDSATS, 0, 1, true, {0}, {0}},
    [EL_BEMAERKNING]   = {"bemaerkning", EL_INDSATS, 0, 1, true, {0}, {0}},
    [EL_PERSONALE]     = {"personale", EL_ROOT, 0, 1, false, {"opgjort"}, {false}},
    [EL_NIVEAU]        = {"niveau", EL_PERSONALE, 1, 0, false, {"navn"}, {true}},
    [EL_ANSATTE]       = {"ansatte", EL_NIVEAU, 1, 1, false, {"antal", "i_alt", "pct"},
                          {true, false, false}},
    [EL_ARBEJDSSTYRKE] = {"arbejdsstyrke", EL_NIVEAU, 0, 1, false, {"antal", "pct"},
                          {true, false}},
    [EL_TOTAL]         = {"total", EL_PERSONALE, 0, 1, false, {"ansatte", "arbejdsstyrke"},
                          {false, false}},
};

int element_child(int parent, const char *name)
{
    for (int k = 0; k < EL_COUNT; k++)
        if (element_rules[k].parent == parent && strcmp(element_rules[k].name, name) == 0)
            return k;
    return -1;
}

const char *element_path(char *buf, size_t size, element_kind kind, const size_t *index,
                         const char *attribute)
{
    int chain[EL_COUNT];
    size_t depth = 0;
    for (int k = (int)kind; k >= 0 && depth < EL_COUNT; k = element_rules[k].parent)
        chain[depth++] = k;
    size_t o = 0, used = 0;
    buf[0] = '\0';
    for (size_t i = depth; i > 0 && o < size; i--) {
        const element_rule *r = &element_rules[chain[i - 1]];
        int n = r->max != 1 && index ? snprintf(buf + o, size - o, "/%s[%zu]", r->name, index[used++])
                                     : snprintf(buf + o, size - o, "/%s", r->name);
        o += n > 0 ? (size_t)n : 0;
    }
    if (attribute && o < size)
        snprintf(buf + o, size - o, "/@%s", attribute);
    return buf;
}
