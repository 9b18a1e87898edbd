/* text.h — the few text operations the format needs, on UTF-8.
 *
 * collapse: trim, and turn every run of whitespace (XML whitespace and the
 *           no-break space U+00A0) into one space.
 * fold:     collapse, lower-case (ASCII and Latin-1), æ/ø/å → ae/oe/aa and
 *           '_' → ' ', the key every vocabulary is matched on. */
#ifndef STATUSNOTAT_TEXT_H
#define STATUSNOTAT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

char *text_collapse(arena *a, const char *s, size_t n);
char *text_fold(arena *a, const char *s);

/* Writes the fold of s into buf (at most size-1 bytes, NUL-terminated).
 * Returns false when it does not fit. For short keys without an arena. */
bool text_fold_into(char *buf, size_t size, const char *s);

bool text_starts_with(const char *s, const char *prefix);
bool text_ends_with(const char *s, const char *suffix);

/* Decodes one UTF-8 code point at *s (advancing it); returns -1 for an
 * invalid sequence (and advances one byte). */
long text_utf8_next(const char **s);

/* Number of Unicode code points in s. */
size_t text_utf8_length(const char *s);

/* What one Excel cell holds: 32,767 UTF-16 code units. */
#define TEXT_CELL_MAX 32767
/* The rows of one Excel sheet. */
#define SHEET_ROWS_MAX 1048576u

/* Length of s in UTF-16 code units (what Excel counts). */
size_t text_utf16_length(const char *s);

/* s made safe for a cell: control characters (C0, DEL, C1) and invalid UTF-8
 * removed, cut at a character boundary to TEXT_CELL_MAX UTF-16 units. s itself
 * when it is safe already, else a copy in the arena. *cut (may be NULL) says
 * whether it was cut. NULL when out of memory. */
const char *text_cell(arena *a, const char *s, bool *cut);

/* The edit distance between two short texts (insertions, deletions,
 * substitutions and swaps of neighbours, by byte); texts over 63 bytes
 * count as far apart. For "did you mean" hints. */
size_t text_edit_distance(const char *a, const char *b);

/* A file name as people and UTF-8 formats see it (docs/security.md, "Names"):
 * every byte that is not part of a printable UTF-8 character (invalid UTF-8,
 * C0 and C1 controls, DEL, U+2028/U+2029) is written \xHH, and a backslash
 * as \\. The result is valid UTF-8 on one line, and text_name_unescape()
 * gives the original bytes back. s itself when nothing needs escaping, else a
 * copy in the arena; NULL when out of memory. */
const char *text_name_escape(arena *a, const char *s);

/* Any text made safe for one line of a message: the same \xHH for what is
 * not printable UTF-8, but a backslash left as it is (not reversible). */
const char *text_one_line(arena *a, const char *s);

/* The bytes text_name_escape() escaped, into buf (NUL-terminated). false when
 * it does not fit or s is not an escaped name. */
bool text_name_unescape(const char *s, char *buf, size_t size);

/* A text and a place (an index, an arrival number): many of them sorted by
 * text, and by place within each text, group what shares a text (SHA-256s,
 * say) in their order of arrival (qsort with text_place_compare). */
typedef struct {
    const char *text;
    size_t place;
} text_place;

int text_place_compare(const void *a, const void *b);

#endif
