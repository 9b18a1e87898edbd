/* config_load.c — JSON configuration → config record (jansson); see config_load.h. */
#include "config_load.h"

#include "durable.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

typedef struct {
    const char *file;
    char *err;
    size_t errlen;
    arena *a;
} loader;

__attribute__((format(printf, 3, 4)))
static int fail(loader *l, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%s: %s: %s", l->file, key, msg);
    return -1;
}

static int oom(loader *l)
{
    snprintf(l->err, l->errlen, "%s: out of memory", l->file);
    return -1;
}

/* A misspelt key would otherwise be silently ignored: every object's keys
 * are checked, at every depth. `known` ends with NULL. */
static int only_known_keys(loader *l, json_t *obj, const char *where, const char *const *known)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok)
            return fail(l, where, "\"%s\" is not a configuration key here (the schema says which are)",
                        key);
    }
    return 0;
}

static int get_string(loader *l, json_t *obj, const char *key, const char *where,
                      bool required, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return fail(l, where, "missing \"%s\"", key);
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) == 0)
        return fail(l, where, "\"%s\" must be a non-empty string", key);
    *out = arena_strdup(l->a, json_string_value(v));
    return *out ? 0 : oom(l);
}

static int load_vocab(loader *l, json_t *root, const char *key, bool strings_only,
                      vocab *out)
{
    json_t *arr = json_object_get(root, key);
    char where[96];
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return fail(l, key, "must be a non-empty array");
    out->n = json_array_size(arr);
    out->items = arena_alloc_array(l->a, out->n, sizeof *out->items);
    if (!out->items)
        return oom(l);
    for (size_t i = 0; i < out->n; i++) {
        json_t *item = json_array_get(arr, i);
        vocab_entry *e = &out->items[i];
        const char *aliases[32];
        size_t n_aliases = 0;
        snprintf(where, sizeof where, "%s[%zu]", key, i);
        e->ordinal = -1;
        if (strings_only) {
            if (!json_is_string(item) || json_string_length(item) == 0)
                return fail(l, where, "must be a non-empty string");
            e->code = e->label = arena_strdup(l->a, json_string_value(item));
            if (!e->code)
                return oom(l);
        } else {
            static const char *const item_keys[] = {"code", "label", "name", "file_code",
                                                    "ordinal", "aliases", NULL};
            if (!json_is_object(item))
                return fail(l, where, "must be an object");
            if (only_known_keys(l, item, where, item_keys) ||
                get_string(l, item, "code", where, true, &e->code) ||
                get_string(l, item, "label", where, false, &e->label) ||
                get_string(l, item, "file_code", where, false, &e->file_code))
                return -1;
            if (!e->label && get_string(l, item, "name", where, true, &e->label))
                return -1;
            json_t *ord = json_object_get(item, "ordinal");
            if (ord && !json_is_null(ord)) {
                if (!json_is_integer(ord) || json_integer_value(ord) < 0 ||
                    json_integer_value(ord) > 100)
                    return fail(l, where, "\"ordinal\" must be an integer 0-100 or null");
                e->ordinal = (int)json_integer_value(ord);
            }
            json_t *al = json_object_get(item, "aliases");
            if (al) {
                if (!json_is_array(al) || json_array_size(al) > 32)
                    return fail(l, where, "\"aliases\" must be an array of at most 32 strings");
                for (size_t k = 0; k < json_array_size(al); k++) {
                    json_t *s = json_array_get(al, k);
                    if (!json_is_string(s))
                        return fail(l, where, "\"aliases\" must hold strings");
                    aliases[n_aliases++] = json_string_value(s);
                }
            }
        }
        if (!vocab_entry_set_keys(l->a, e, aliases, n_aliases))
            return oom(l);
        /* Two entries that one text would match make matching order-dependent. */
        for (size_t j = 0; j < i; j++)
            for (size_t k = 0; k < e->n_keys; k++)
                if (vocab_match(&(vocab){out->items + j, 1}, e->keys[k]) == 0)
                    return fail(l, where, "\"%s\" is also a key of %s[%zu]", e->keys[k], key, j);
    }
    return 0;
}

static int lookup_effect(loader *l, const config *c, json_t *v, const char *where)
{
    if (!json_is_string(v))
        return fail(l, where, "must be an effect code");
    int i = vocab_find_code(&c->effects, json_string_value(v));
    if (i < 0)
        return fail(l, where, "\"%s\" is not a code in \"effects\"", json_string_value(v));
    return i;
}

static int load_effects(loader *l, json_t *root, config *c)
{
    char where[96];
    if (load_vocab(l, root, "effects", false, &c->effects))
        return -1;

    json_t *phrases = json_object_get(root, "effect_phrases");
    if (!json_is_array(phrases))
        return fail(l, "effect_phrases", "must be an array");
    c->n_phrases = json_array_size(phrases);
    c->phrases = arena_alloc_array(l->a, c->n_phrases ? c->n_phrases : 1, sizeof *c->phrases);
    if (!c->phrases)
        return oom(l);
    for (size_t i = 0; i < c->n_phrases; i++) {
        json_t *p = json_array_get(phrases, i);
        const char *phrase;
        snprintf(where, sizeof where, "effect_phrases[%zu]", i);
        static const char *const phrase_keys[] = {"phrase", "effect", NULL};
        if (!json_is_object(p))
            return fail(l, where, "must be an object");
        if (only_known_keys(l, p, where, phrase_keys) ||
            get_string(l, p, "phrase", where, true, &phrase))
            return -1;
        c->phrases[i].phrase = text_fold(l->a, phrase);
        if (!c->phrases[i].phrase)
            return oom(l);
        int e = lookup_effect(l, c, json_object_get(p, "effect"), where);
        if (e < 0)
            return -1;
        c->phrases[i].effect = e;
    }

    c->effect_default = lookup_effect(l, c, json_object_get(root, "effect_default"), "effect_default");
    if (c->effect_default < 0)
        return -1;

    c->effect_limited = arena_alloc_array(l->a, c->effects.n, sizeof *c->effect_limited);
    if (!c->effect_limited)
        return oom(l);
    json_t *limited = json_object_get(root, "limited_effects");
    if (!json_is_array(limited))
        return fail(l, "limited_effects", "must be an array of effect codes");
    for (size_t i = 0; i < json_array_size(limited); i++) {
        snprintf(where, sizeof where, "limited_effects[%zu]", i);
        int e = lookup_effect(l, c, json_array_get(limited, i), where);
        if (e < 0)
            return -1;
        c->effect_limited[e] = true;
    }
    return 0;
}

static int load_budget(loader *l, json_t *root, config *c)
{
    json_t *budget = json_object_get(root, "budget");
    json_t *years = json_object_get(budget, "years");
    json_t *frame = json_object_get(budget, "frame");
    if (!json_is_object(budget) || !json_is_array(years) || json_array_size(years) == 0 ||
        json_array_size(years) > 50)
        return fail(l, "budget.years", "must be an array of 1 to 50 years");
    if (frame && !json_is_object(frame))
        return fail(l, "budget.frame", "must be an object of \"year\": kroner");
    static const char *const budget_keys[] = {"years", "frame", NULL};
    if (only_known_keys(l, budget, "budget", budget_keys))
        return -1;
    c->n_budget_years = json_array_size(years);
    c->budget_years = arena_alloc_array(l->a, c->n_budget_years, sizeof *c->budget_years);
    c->frame = arena_alloc_array(l->a, c->n_budget_years, sizeof *c->frame);
    if (!c->budget_years || !c->frame)
        return oom(l);
    for (size_t i = 0; i < c->n_budget_years; i++) {
        json_t *y = json_array_get(years, i);
        if (!json_is_integer(y) || json_integer_value(y) < 1900 || json_integer_value(y) > 2200)
            return fail(l, "budget.years", "Every year must be a whole number from 1900 to 2100.");
        c->budget_years[i] = (int)json_integer_value(y);
        if (i > 0 && c->budget_years[i] <= c->budget_years[i - 1])
            return fail(l, "budget.years", "The years must be in ascending order, each once.");
        c->frame[i] = -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(frame, key, v) {
        char *end;
        long year = strtol(key, &end, 10);
        int idx = *end ? -1 : config_budget_year_index(c, (int)year);
        if (idx < 0)
            return fail(l, "budget.frame", "\"%s\" is not one of budget.years", key);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > 1000000000000000LL)
            return fail(l, "budget.frame", "The frame for %s must be whole kroner from 0 to "
                        "1000000000000000.", key);
        c->frame[idx] = json_integer_value(v);
    }
    return 0;
}

/* limits.<key>: a number in [min, max]; `fallback` when the key is absent
 * (a limit added after configurations were archived), or required when
 * fallback < 0. */
static int get_limit(loader *l, json_t *limits, const char *key, double min, double max,
                     double fallback, double *out)
{
    json_t *v = json_object_get(limits, key);
    if (!v && fallback >= 0) {
        *out = fallback;
        return 0;
    }
    if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
        char where[96];
        snprintf(where, sizeof where, "limits.%s", key);
        if (!json_is_number(v))
            return fail(l, where, "The limit must be a number from %.0f to %.0f; it is %s.", min,
                        max, v ? "not a number" : "missing");
        return fail(l, where, "The limit must be a number from %.0f to %.0f; it is %g.", min, max,
                    json_number_value(v));
    }
    *out = json_number_value(v);
    return 0;
}

/* Excel's rows, less a header and a total row. */
#define SHEET_ROWS ((double)SHEET_ROWS_MAX - 2)

static int load_limits(loader *l, json_t *root, config *c)
{
    static const char *const limit_keys[] = {
        "max_file_bytes", "max_expanded_bytes", "max_expansion_ratio",
        "max_findings_per_document", "max_indsatser_per_document",
        "max_indikatorer_per_document", "max_niveauer_per_document", "max_night_bytes",
        "max_rows_per_sheet", NULL};
    json_t *limits = json_object_get(root, "limits");
    double file_bytes, expanded, ratio, findings, tolerance, indsatser, indikatorer, niveauer,
        night, sheet_rows;
    if (!json_is_object(limits))
        return fail(l, "limits", "must be an object");
    if (only_known_keys(l, limits, "limits", limit_keys) ||
        get_limit(l, limits, "max_file_bytes", 1024, 4e9, -1, &file_bytes) ||
        get_limit(l, limits, "max_expanded_bytes", 1024, 16e9, -1, &expanded) ||
        get_limit(l, limits, "max_expansion_ratio", 1, 1e6, -1, &ratio) ||
        get_limit(l, limits, "max_findings_per_document", 1, 1e6, -1, &findings) ||
        get_limit(l, limits, "max_indsatser_per_document", 1, SHEET_ROWS, 10000, &indsatser) ||
        get_limit(l, limits, "max_indikatorer_per_document", 1, SHEET_ROWS, 100000, &indikatorer) ||
        get_limit(l, limits, "max_niveauer_per_document", 1, 10000, 1000, &niveauer) ||
        get_limit(l, limits, "max_night_bytes", 1024, 1e13, 4294967296.0, &night) ||
        get_limit(l, limits, "max_rows_per_sheet", 10, SHEET_ROWS - 1, 100000, &sheet_rows))
        return -1;
    /* A period holds one current document per department: their rows must
     * fit one sheet, whatever the departments send. */
    double departments = (double)c->departments.n;
    if (departments * indsatser > SHEET_ROWS || departments * indikatorer > SHEET_ROWS ||
        departments * niveauer > SHEET_ROWS)
        return fail(l, "limits", "With %zu departments, a period could hold more rows than a "
                    "sheet has (%u): lower max_indsatser_per_document, "
                    "max_indikatorer_per_document or max_niveauer_per_document.",
                    c->departments.n, SHEET_ROWS_MAX);
    json_t *tol = json_object_get(root, "pct_tolerance_points");
    if (!json_is_number(tol) || (tolerance = json_number_value(tol)) < 0 || tolerance > 100)
        return fail(l, "pct_tolerance_points", "The tolerance must be a number of percentage "
                    "points from 0 to 100.");
    c->max_file_bytes = (uint64_t)file_bytes;
    c->max_expanded_bytes = (uint64_t)expanded;
    c->max_expansion_ratio = ratio;
    c->max_findings = (size_t)findings;
    c->max_indsatser = (size_t)indsatser;
    c->max_indikatorer = (size_t)indikatorer;
    c->max_niveauer = (size_t)niveauer;
    c->max_night_bytes = (uint64_t)night;
    c->max_sheet_rows = (size_t)sheet_rows;
    c->pct_tolerance = tolerance / 100.0;
    return 0;
}

/* "operations" (optional): how the service runs. */
static int load_operations(loader *l, json_t *root, config *c)
{
    static const char *const keys[] = {"prometheus_textfile", "lock_wait_seconds", NULL};
    json_t *ops = json_object_get(root, "operations");
    c->lock_wait_seconds = 1800;
    c->prometheus_textfile = NULL;
    if (!ops)
        return 0;
    if (!json_is_object(ops))
        return fail(l, "operations", "must be an object");
    if (only_known_keys(l, ops, "operations", keys) ||
        get_string(l, ops, "prometheus_textfile", "operations.prometheus_textfile", false,
                   &c->prometheus_textfile))
        return -1;
    json_t *wait = json_object_get(ops, "lock_wait_seconds");
    if (wait) {
        if (!json_is_integer(wait) || json_integer_value(wait) < 0 || json_integer_value(wait) > 86400)
            return fail(l, "operations.lock_wait_seconds", "must be a whole number of seconds from 0 to "
                        "86400 (a day)");
        c->lock_wait_seconds = (unsigned)json_integer_value(wait);
    }
    return 0;
}

#define CONFIG_FILE_LIMIT ((size_t)4 << 20)

static int load(const char *path, bool follow_link, config **out, char *err, size_t errlen);

int config_load(const char *path, config **out, char *err, size_t errlen)
{
    return load(path, true, out, err, errlen);
}

int config_load_archived(const char *path, config **out, char *err, size_t errlen)
{
    return load(path, false, out, err, errlen);
}

/* One piece because the configuration is read and checked key by key in the order of the
 * schema, with one way out. */
static int load(const char *path, bool follow_link, config **out, char *err, size_t errlen)
{
    json_error_t jerr;
    loader l = {path, err, errlen, NULL};
    *out = NULL;
    /* Read the way a delivery is: a regular file only (no FIFO waited on),
     * at most 4 MiB; an operator's configuration may be a link to one, an
     * archived one may not. */
    char *data = NULL;
    size_t len = 0;
    char real[PATH_MAX];
    const char *at = follow_link && realpath(path, real) ? real : path;
    json_t *root = NULL;
    if (durable_read_file(at, CONFIG_FILE_LIMIT, &data, &len) != 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path,
                 e == EFILE_TOO_LARGE ? "filen er for stor til at være en konfiguration (over 4 MiB)"
                                      : durable_open_failure(e));
        return -1;
    }
    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (!root) {
        if (jerr.line > 0)
            snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        else
            snprintf(err, errlen, "%s: %s", path, jerr.text);
        return -1;
    }
    int rc = -1;
    config *c = NULL;
    l.a = arena_new();
    if (!l.a) {
        oom(&l);
        goto done;
    }
    c = arena_alloc(l.a, sizeof *c);
    if (!c) {
        oom(&l);
        goto done;
    }
    c->arena = l.a;
    c->source = arena_strdup(l.a, path);
    static const char *const known[] = {"$schema", "format", "departments", "statuses",
                                        "anbefalinger", "effects", "effect_phrases",
                                        "effect_default", "limited_effects", "themes",
                                        "other_theme", "budget", "limits",
                                        "pct_tolerance_points", "operations", NULL};
    if (!json_is_object(root)) {
        fail(&l, "(top)", "The configuration must be a JSON object.");
        goto done;
    }
    if (only_known_keys(&l, root, "(top)", known) != 0)
        goto done;
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, "statusnotat-config/1") != 0) {
        fail(&l, "format", "must be \"statusnotat-config/1\"");
        goto done;
    }
    if (!json_is_object(root) ||
        load_vocab(&l, root, "departments", false, &c->departments) ||
        load_vocab(&l, root, "statuses", false, &c->statuses) ||
        load_vocab(&l, root, "anbefalinger", false, &c->anbefalinger) ||
        load_vocab(&l, root, "themes", true, &c->themes) ||
        load_effects(&l, root, c) || load_budget(&l, root, c) || load_limits(&l, root, c) ||
        load_operations(&l, root, c) ||
        get_string(&l, root, "other_theme", "other_theme", true, &c->other_theme))
        goto done;
    for (size_t i = 0; i < c->departments.n; i++) {
        vocab_entry *d = &c->departments.items[i];
        if (!d->file_code)
            d->file_code = d->code;
        /* It becomes part of a file name: letters and digits only. */
        bool plain = d->file_code[0] != '\0';
        for (const char *p = d->file_code; *p && plain; p++)
            plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (!plain || strlen(d->file_code) > 32) {
            char where[64];
            snprintf(where, sizeof where, "departments[%zu]", i);
            fail(&l, where, "The file code \"%s\" becomes part of a file name, so it must be 1 to "
                 "32 letters A-Z or digits (set \"file_code\", e.g. \"OEKF\" for ØKF).", d->file_code);
            goto done;
        }
    }
    if (!c->source || arena_failed(l.a)) {
        oom(&l);
        goto done;
    }
    *out = c;
    rc = 0;
done:
    json_decref(root);
    if (rc != 0)
        arena_free(l.a);
    return rc;
}

void config_free(config *c)
{
    if (c)
        arena_free(c->arena);
}

/* <the executable's folder>/config/<name> when it is there (the build
 * tree), else NULL. */
static const char *beside_executable(const char *name, char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    snprintf(buf, size, "%s/config/%s", exe, name);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

const char *config_schema_path(char *buf, size_t size)
{
    if (beside_executable("statusnotat.schema.json", buf, size))
        return buf;
    snprintf(buf, size, "%s", STATUSNOTAT_SCHEMA_INSTALLED);
    return buf;
}

const char *config_default_path(char *buf, size_t size)
{
    const char *env = getenv("STATUSNOTAT_CONFIG");
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        return buf;
    }
    if (beside_executable("statusnotat.json", buf, size))
        return buf;
    snprintf(buf, size, "%s", STATUSNOTAT_CONFIG_INSTALLED);
    return buf;
}
