/* state.c — the ledger's compact state file: written after a run, read
 * instead of every manifest; see state.h. */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "text.h"

#define STATE_FORMAT "statusnotat-state/1"
#define US "\x1f"
#define RS "\x1e"

void state_path(const char *archive, char *buf, size_t size)
{
    snprintf(buf, size, "%s/state.tsv", archive);
}

/* A text as one field: one line, no control bytes, never empty-by-accident. */
static int put(FILE *f, arena *a, const char *s)
{
    const char *safe = s ? text_one_line(a, s) : "";
    return fputs(safe ? safe : "", f) < 0 ? -1 : 0;
}

int state_write(const char *archive, const char *run_id, size_t runs, const ledger *l,
                const config *cfg, char *err, size_t errlen)
{
    char path[4200];
    state_path(archive, path, sizeof path);
    return state_write_to(path, run_id, runs, l, cfg, err, errlen);
}

int state_write_to(const char *path, const char *run_id, size_t runs, const ledger *l,
                   const config *cfg, char *err, size_t errlen)
{
    char tmp[4200];
    if (!durable_temp_name(path, tmp, sizeof tmp)) {
        snprintf(err, errlen, "%s: stien er for lang", path);
        return -1;
    }
    /* Streamed to a temporary file and committed (durable.h): the state of a
     * large archive is never held in memory twice. */
    arena *a = arena_new();
    FILE *f = a ? fopen(tmp, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, a ? durable_errno_text(errno) : "ikke nok hukommelse");
        arena_free(a);
        return -1;
    }
    int rc = fprintf(f, STATE_FORMAT "\t%s\t%zu\t%zu\n", run_id, runs, ledger_count(l)) < 0;
    for (size_t i = 0; rc == 0 && i < ledger_count(l); i++) {
        const ledger_entry *e = ledger_get(l, i);
        const source_identity *id = &e->row.id;
        char period[8] = "", date[11] = "";
        if (id->has_period)
            period_format(&id->period, period);
        if (id->has_indsendt)
            date_format(&id->indsendt, date);
        rc |= put(f, a, id->name) | (fputc('\t', f) < 0) | put(f, a, id->sha256_hex);
        rc |= fprintf(f, "\t%llu\t%s\t%s\t%s\t%d\t%d\t%s\t", (unsigned long long)id->bytes,
                      id->department >= 0 ? cfg->departments.items[id->department].code : "",
                      period, date, id->has_indsendt && id->indsendt.fuzzy, e->valid,
                      source_status_code(e->row.status)) < 0;
        rc |= put(f, a, e->row.superseded_by) | (fputc('\t', f) < 0) | put(f, a, e->archived) |
              (fputc('\t', f) < 0) | put(f, a, e->path_sha256_hex);
        rc |= fprintf(f, "\t%zu\t", e->run_index) < 0;
        for (size_t k = 0; k < e->n_ids; k++)
            rc |= (k && fputs(RS, f) < 0) | put(f, a, e->ids[k]) |
                  (fprintf(f, US "%u", e->id_lines[k]) < 0);
        rc |= fputc('\t', f) < 0;
        for (size_t k = 0; k < e->row.n_findings; k++) {
            const finding *x = &e->row.findings[k];
            rc |= (k && fputs(RS, f) < 0) |
                  (fprintf(f, "%s" US "%u" US, finding_code_name(x->code), x->line) < 0) |
                  put(f, a, x->path) | (fputs(US, f) < 0) | put(f, a, x->message) |
                  (fputs(US, f) < 0) | put(f, a, x->detail);
        }
        rc |= fputc('\n', f) < 0;
    }
    rc |= fclose(f) != 0;
    arena_free(a);
    if (rc || durable_commit(tmp, path) != 0) {
        snprintf(err, errlen, "%s: tilstanden kan ikke skrives: %s", path, durable_errno_text(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Splits s at each sep (in place) into at most max fields; the count. */
static size_t split(char *s, char sep, char **fields, size_t max)
{
    size_t n = 0;
    while (n < max) {
        fields[n++] = s;
        char *at = strchr(s, sep);
        if (!at)
            break;
        *at = '\0';
        s = at + 1;
    }
    return n;
}

/* One entry line into the ledger. false when it is not a state line. */
static bool restore_line(char *line, const char *archive, const config *cfg, const config *load_cfg,
                         ledger *l, arena *scratch)
{
    char *f[15];
    if (split(line, '\t', f, 15) != 15)
        return false;
    admission a = {.valid = f[7][0] == '1', .load_cfg = load_cfg};
    a.id.name = f[0];
    a.id.sha256_hex = f[1];
    a.id.bytes = strtoull(f[2], NULL, 10);
    a.id.department = f[3][0] ? vocab_find_code(&cfg->departments, f[3]) : -1;
    if (f[3][0] && a.id.department < 0)
        return false;
    a.id.has_period = f[4][0] && value_period(f[4], &a.id.period);
    a.id.has_indsendt = f[5][0] && value_date(f[5], &a.id.indsendt);
    a.id.indsendt.fuzzy = f[6][0] == '1';
    int status = source_status_from_code(f[8]);
    if (status < 0 || (f[4][0] && !a.id.has_period) || (f[5][0] && !a.id.has_indsendt))
        return false;
    char *path = arena_printf(scratch, "%s/%s", archive, f[10]);
    a.path = path;
    a.archived = f[10];
    a.path_sha256_hex = f[11];
    a.run_index = strtoul(f[12], NULL, 10);
    /* ids */
    size_t n_ids = f[13][0] ? 1 : 0;
    for (const char *p = f[13]; *p; p++)
        n_ids += *p == '\x1e';
    const char **ids = arena_alloc_array(scratch, n_ids ? n_ids : 1, sizeof *ids);
    uint32_t *lines = arena_alloc_array(scratch, n_ids ? n_ids : 1, sizeof *lines);
    char *rest = f[13];
    for (size_t k = 0; ids && lines && k < n_ids; k++) {
        char *next = strchr(rest, '\x1e');
        if (next)
            *next = '\0';
        char *pair[2];
        if (split(rest, '\x1f', pair, 2) != 2)
            return false;
        ids[k] = pair[0];
        lines[k] = (uint32_t)strtoul(pair[1], NULL, 10);
        rest = next ? next + 1 : rest;
    }
    a.ids = ids;
    a.id_lines = lines;
    a.n_ids = n_ids;
    /* findings */
    size_t n_findings = f[14][0] ? 1 : 0;
    for (const char *p = f[14]; *p; p++)
        n_findings += *p == '\x1e';
    finding *list = arena_alloc_array(scratch, n_findings ? n_findings : 1, sizeof *list);
    rest = f[14];
    for (size_t k = 0; list && k < n_findings; k++) {
        char *next = strchr(rest, '\x1e');
        if (next)
            *next = '\0';
        char *part[5];
        if (split(rest, '\x1f', part, 5) != 5)
            return false;
        int code = finding_code_from_name(part[0]);
        if (code < 0)
            return false;
        list[k] = (finding){.code = (finding_code)code, .severity = finding_code_severity((finding_code)code),
                            .file = a.id.name, .line = (uint32_t)strtoul(part[1], NULL, 10),
                            .path = part[2][0] ? part[2] : NULL, .message = part[3],
                            .detail = part[4][0] ? part[4] : NULL, .seq = (uint32_t)k};
        rest = next ? next + 1 : rest;
    }
    a.findings = list;
    a.n_findings = n_findings;
    if (!path || !ids || !lines || !list)
        return false;
    return ledger_restore(l, &a, (source_status)status, f[9][0] ? f[9] : NULL) != NULL;
}

int state_load(const char *archive, const char *run_id, const config *cfg, const config *load_cfg,
               ledger *l, size_t *runs, char *err, size_t errlen)
{
    char path[4200];
    state_path(archive, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, durable_errno_text(errno)), -1);
    char *text = NULL;
    size_t cap = 0;
    ssize_t n = getline(&text, &cap, f);
    char *head[4];
    int rc = 0;
    if (n > 0 && text[n - 1] == '\n')
        text[n - 1] = '\0';
    if (n <= 0 || split(text, '\t', head, 4) != 4 || strcmp(head[0], STATE_FORMAT) != 0 ||
        strcmp(head[1], run_id) != 0) {
        free(text);
        fclose(f);
        return 0;   /* another run's, or not a state: replay */
    }
    *runs = strtoul(head[2], NULL, 10);
    size_t expected = strtoul(head[3], NULL, 10);
    arena *scratch = ledger_reserve(l, expected + 64) ? arena_new() : NULL;
    rc = scratch ? 1 : -1;
    size_t lines = 0;
    while (rc == 1 && (n = getline(&text, &cap, f)) > 0) {
        if (text[n - 1] == '\n')
            text[n - 1] = '\0';
        if (++lines % 4096 == 0) {   /* the ledger keeps copies: the scratch can go */
            arena_free(scratch);
            if (!(scratch = arena_new())) {
                rc = -1;
                break;
            }
        }
        if (!restore_line(text, archive, cfg, load_cfg, l, scratch))
            rc = -1;
    }
    if (rc == 1 && ledger_count(l) != expected)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "%s: tilstanden kan ikke læses; alle manifester læses i stedet", path);
    arena_free(scratch);
    free(text);
    fclose(f);
    return rc;
}

bool state_is_of(const char *archive, const char *run_id)
{
    char path[4200], line[256], want[128];
    state_path(archive, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    snprintf(want, sizeof want, STATE_FORMAT "\t%s\t", run_id);
    return ok && strncmp(line, want, strlen(want)) == 0;
}
