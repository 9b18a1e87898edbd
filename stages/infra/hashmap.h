/* hashmap.h — a map from text keys to pointers (open addressing, FNV-1a,
 * grown at 70 % load): look-ups instead of scans, so admitting a file costs
 * the same however many the archive holds. Keys are copied into an arena the
 * caller gives, or kept as they are when it gives none (a string that
 * outlives the map). Nothing iterates over the map: no order to depend on.
 * Zero-initialized is empty. */
#ifndef STATUSNOTAT_HASHMAP_H
#define STATUSNOTAT_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef struct {
    const char **keys;
    void **values;
    size_t n, cap;
} text_map;

/* The value under key, or NULL. */
void *text_map_get(const text_map *m, const char *key);
/* Sets key → value, replacing an old value, or with keep_old leaving it. A
 * key not yet present is copied into a (or kept, a NULL). false when out of
 * memory (the map is as it was). */
bool text_map_set(text_map *m, arena *a, const char *key, void *value, bool keep_old);
/* text_map_set without keep_old. */
bool text_map_put(text_map *m, arena *a, const char *key, void *value);
/* Frees the table (not the keys: they are the arena's or the caller's). */
void text_map_free(text_map *m);

#endif
