/* hashmap.c — the text map of hashmap.h. */
#include "hashmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const char *k)
{
    uint64_t h = 1469598103934665603ull;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

static void **slot_of(text_map *m, const char *key)
{
    size_t i = (size_t)hash_key(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return &m->values[i];
}

void *text_map_get(const text_map *m, const char *key)
{
    if (!m->cap)
        return NULL;
    return *slot_of((text_map *)m, key);
}

/* Room for n keys without growing (false when out of memory). */
static bool reserve(text_map *m, size_t n)
{
    if ((n + 1) * 10 < m->cap * 7)
        return true;
    size_t cap = m->cap ? m->cap : 1024;
    while ((n + 1) * 10 >= cap * 7)
        cap *= 2;
    text_map grown = {calloc(cap, sizeof *grown.keys), calloc(cap, sizeof *grown.values), 0, cap};
    if (!grown.keys || !grown.values) {
        free(grown.keys);
        free(grown.values);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = (size_t)hash_key(m->keys[i]) & (cap - 1);
            while (grown.keys[j])
                j = (j + 1) & (cap - 1);
            grown.keys[j] = m->keys[i];
            grown.values[j] = m->values[i];
            grown.n++;
        }
    free(m->keys);
    free(m->values);
    *m = grown;
    return true;
}

bool text_map_set(text_map *m, arena *a, const char *key, void *value, bool keep_old)
{
    if (!reserve(m, m->n + 1))
        return false;
    void **slot = slot_of(m, key);
    size_t i = (size_t)(slot - m->values);
    if (!m->keys[i]) {
        if (!(m->keys[i] = a ? arena_strdup(a, key) : key))
            return false;
        m->n++;
    } else if (keep_old) {
        return true;
    }
    *slot = value;
    return true;
}

bool text_map_put(text_map *m, arena *a, const char *key, void *value)
{
    return text_map_set(m, a, key, value, false);
}

void text_map_free(text_map *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}
