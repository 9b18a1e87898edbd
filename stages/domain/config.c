/* config.c — what config.h declares beyond loading: matching text against the
 * configured vocabularies, budget years, the effect phrase table. */
#include <string.h>

#include "config.h"
#include "text.h"

/* key and input match exactly, or one is the other plus the definite ending. */
static bool key_matches(const char *key, const char *input)
{
    size_t k = strlen(key), n = strlen(input);
    if (k == n)
        return memcmp(key, input, k) == 0;
    if (k == n + 2)
        return memcmp(key, input, n) == 0 && memcmp(key + n, "en", 2) == 0;
    if (n == k + 2)
        return memcmp(input, key, k) == 0 && memcmp(input + k, "en", 2) == 0;
    return false;
}

int vocab_match(const vocab *v, const char *text)
{
    char folded[256];
    if (!text || !text_fold_into(folded, sizeof folded, text) || !folded[0])
        return -1;
    for (size_t i = 0; i < v->n; i++)
        for (size_t k = 0; k < v->items[i].n_keys; k++)
            if (key_matches(v->items[i].keys[k], folded))
                return (int)i;
    return -1;
}

int vocab_find_code(const vocab *v, const char *code)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->items[i].code, code) == 0)
            return (int)i;
    return -1;
}

const char *vocab_list(arena *a, const vocab *v, bool codes)
{
    size_t len = 1;
    for (size_t i = 0; i < v->n; i++)
        len += strlen(codes ? v->items[i].code : v->items[i].label) + 2;
    char *out = arena_alloc(a, len), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < v->n; i++) {
        if (i) {
            *w++ = ',';
            *w++ = ' ';
        }
        for (const char *c = codes ? v->items[i].code : v->items[i].label; *c; c++)
            *w++ = *c;
    }
    *w = '\0';
    return out;
}

int config_budget_year_index(const config *c, int year)
{
    for (size_t i = 0; i < c->n_budget_years; i++)
        if (c->budget_years[i] == year)
            return (int)i;
    return -1;
}

bool vocab_entry_set_keys(arena *a, vocab_entry *e, const char *const *aliases, size_t n_aliases)
{
    const char *sources[3] = {e->code, e->label, e->file_code};
    e->keys = arena_alloc_array(a, 3 + n_aliases, sizeof *e->keys);
    if (!e->keys)
        return false;
    e->n_keys = 0;
    for (size_t i = 0; i < 3 + n_aliases; i++) {
        const char *s = i < 3 ? sources[i] : aliases[i - 3];
        if (!s)
            continue;
        char *k = text_fold(a, s);
        if (!k)
            return false;
        if (k[0])
            e->keys[e->n_keys++] = k;
    }
    return true;
}

int config_derive_effect(const config *c, const char *folded_text)
{
    for (size_t i = 0; i < c->n_phrases; i++)
        if (strstr(folded_text, c->phrases[i].phrase))
            return c->phrases[i].effect;
    return c->effect_default;
}
