/* process.c — ingest → normalize → validate for one file; see process.h. */
#include "process.h"

#include <stdlib.h>
#include <string.h>

#include "elements.h"
#include "ingest.h"
#include "normalize.h"
#include "validate.h"

/* A finding inside an indsats names the id the editor knows ("indsats
 * BOL-03: …"), not only its position in the path. */
static bool name_indsatser(processed_file *out)
{
    char marker[64];
    size_t len = strlen(element_path(marker, sizeof marker, EL_INDSATS, (size_t[]){1}, NULL)) - 2;
    marker[len] = '\0';   /* "/statusnotat/indsatser/indsats[" */
    for (size_t i = 0; out->doc && i < out->findings.n; i++) {
        finding *x = &out->findings.items[i];
        if (!x->path || strncmp(x->path, marker, len) != 0)
            continue;
        size_t k = strtoul(x->path + len, NULL, 10);
        if (k == 0 || k > out->doc->n_indsatser)
            continue;
        const char *id = out->doc->indsatser[k - 1].id;
        if (!id || !id[0] || strstr(x->message, id))
            continue;
        const char *named = arena_printf(out->arena, "indsats %s: %s", id, x->message);
        if (!named)
            return false;
        x->message = named;
    }
    return true;
}

/* ingest is either from a file or from memory; the rest is the same. */
static int process(const char *path, const void *data, size_t size, const char *display_name,
                   const config *cfg, processed_file *out)
{
    memset(out, 0, sizeof *out);
    out->arena = arena_new();
    if (!out->arena)
        return -1;
    const char *name = arena_strdup(out->arena, display_name ? display_name : path);
    if (!name)
        return -1;
    findings_init(&out->findings, out->arena, name);
    out->findings.limit = cfg->max_findings;

    raw_document *raw = NULL;
    int rc = path ? ingest_file(path, cfg, out->arena, &out->findings, &out->source, &raw)
                  : ingest_memory(data, size, name, cfg, out->arena, &out->findings,
                                  &out->source, &raw);
    if (rc != 0)
        return -1;
    out->source.name = name;
    if (raw) {
        out->doc = normalize_document(raw, cfg, out->arena, &out->findings);
        if (!out->doc || !validate_document(out->doc, cfg, &out->findings))
            return -1;
    }
    if (!name_indsatser(out))
        return -1;
    out->accepted = out->doc && out->findings.errors == 0;
    findings_sort(&out->findings);
    return 0;
}

int process_file(const char *path, const char *display_name, const config *cfg,
                 processed_file *out)
{
    return process(path, NULL, 0, display_name, cfg, out);
}

int process_memory(const void *data, size_t size, const char *name, const config *cfg,
                   processed_file *out)
{
    return process(NULL, data, size, name, cfg, out);
}

void processed_file_release(processed_file *p)
{
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
}
