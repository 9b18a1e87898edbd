/* archive.c — the archive's layout and a run's life: lock, run ids,
 * manifests (jansson), staging, copies, commit, quarantine, finish, and the
 * archive's own check; see archive.h. Files are written through durable.h. */
#include "sha256.h"
#include "archive.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "crashpoint.h"
#include "text.h"
#include "layout.h"
#include "strbuf.h"

/* ---- The archive's own files ------------------------------------------------ */

json_t *json_load_own(const char *path, size_t limit, size_t flags, json_error_t *jerr)
{
    char *data;
    size_t len;
    if (durable_read_file(path, limit, &data, &len) != 0) {
        int e = errno;
        memset(jerr, 0, sizeof *jerr);
        snprintf(jerr->text, sizeof jerr->text, "%s",
                 e == EFILE_TOO_LARGE ? "filen er større end nogen, programmet selv skriver"
                                      : durable_open_failure(e));
        return NULL;
    }
    json_t *root = json_loadb(data, len, flags, jerr);
    free(data);
    return root;
}

/* ---- The lock -------------------------------------------------------------- */

/* The holder's words in the lock ("pid 123 since 1733212800 run"), said
 * for people: its pid, what it does, and since when in local time. */
static void holder_text(const char *raw, char *out, size_t size, bool *is_backup)
{
    long pid = 0;
    long long since = 0;
    char what[32] = "";
    *is_backup = false;
    if (sscanf(raw, "pid %ld since %lld %31s", &pid, &since, what) < 2) {
        snprintf(out, size, "en ukendt proces");
        return;
    }
    *is_backup = strcmp(what, "backup") == 0;
    char when[64] = "?";
    time_t t = (time_t)since;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out, size, "statusnotat %s, pid %ld, startet %s lokal tid", what[0] ? what : "run", pid,
             when);
}

lock_result archive_lock(const char *dir, const char *purpose, unsigned any_wait, unsigned backup_wait,
                         int *fd, char *err, size_t errlen)
{
    char path[4096];
    *fd = -1;
    archive_path(path, sizeof path, dir, ARCHIVE_RUNS, NULL, NULL);
    if (durable_mkdirs(path, err, errlen) != 0)
        return LOCK_ERROR;
    archive_path(path, sizeof path, dir, ARCHIVE_QUARANTINE, NULL, NULL);
    if (durable_mkdirs(path, err, errlen) != 0)
        return LOCK_ERROR;
    archive_path(path, sizeof path, dir, ARCHIVE_LOCK, NULL, NULL);
    /* Opened the way a delivery is: a link, a FIFO or a folder in its place
     * (it holds nothing but the holder's name) is set aside and the lock made
     * again, rather than followed or waited on. */
    int f = -1;
    for (int attempt = 0; f < 0 && attempt < 2; attempt++) {
        f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
        struct stat st;
        if (f >= 0 && (fstat(f, &st) != 0 || !S_ISREG(st.st_mode))) {
            close(f);
            f = -1;
            errno = EFTYPE_NOT_REGULAR;
        }
        if (f < 0 && (errno == ELOOP || errno == EFTYPE_NOT_REGULAR || errno == EISDIR) && attempt == 0 &&
            durable_set_aside(path) == 0)
            continue;
        if (f < 0) {
            snprintf(err, errlen, "%s: %s", path, durable_open_failure(errno));
            return LOCK_ERROR;
        }
    }
    /* A run that was killed may leave its workers for a moment (they die with
     * it, holding the lock until they do): wait up to two seconds; for a
     * backup, which holds the lock while it copies, up to backup_wait. */
    int locked, tries = 0;
    time_t first = time(NULL);
    char raw[256] = "", said[256];
    bool backup = false;
    for (;;) {
        locked = flock(f, LOCK_EX | LOCK_NB);
        if (locked == 0 || errno != EWOULDBLOCK)
            break;
        ssize_t n = pread(f, raw, sizeof raw - 1, 0);
        raw[n > 0 ? n : 0] = '\0';
        raw[strcspn(raw, "\n")] = '\0';
        holder_text(raw, said, sizeof said, &backup);
        double waited = difftime(time(NULL), first);
        if (tries++ >= 40 && waited >= any_wait && !(backup && waited < backup_wait))
            break;
        usleep(tries > 40 ? 500 * 1000 : 50 * 1000);
    }
    if (locked != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            holder_text(raw, said, sizeof said, &backup);
            snprintf(err, errlen, "%s holdes af %s%s; denne kørsel starter ikke. Vent, til den er "
                     "færdig (næste kørsel prøver igen); hænger den, så stop den — låsen er fri, når "
                     "processen er væk", path, said,
                     backup || any_wait ? " (der er ventet på den)" : "");
            close(f);
            return LOCK_BUSY;
        }
        snprintf(err, errlen, "%s: %s", path, errno_text(e));
        close(f);
        return LOCK_ERROR;
    }
    char holder[128];
    int n = snprintf(holder, sizeof holder, "pid %ld since %lld %s\n", (long)getpid(),
                     (long long)time(NULL), purpose);
    if (ftruncate(f, 0) != 0 || pwrite(f, holder, (size_t)n, 0) != n) {
        snprintf(err, errlen, "%s: %s", path, errno_text(errno));
        close(f);
        return LOCK_ERROR;
    }
    *fd = f;
    return LOCK_TAKEN;
}

void archive_unlock(int fd)
{
    if (fd >= 0) {
        if (ftruncate(fd, 0) != 0) {
            /* The holder text is advice only; the lock goes with the fd. */
        }
        close(fd);
    }
}

/* The manifest's format; a reader refuses any other. */
#define MANIFEST_FORMAT "statusnotat-manifest/1"

/* ---- Run ids ---------------------------------------------------------------- */

static bool is_committed_run(int dir_fd, const char *name, void *ctx)
{
    (void)ctx;
    char manifest[512];
    archive_path(manifest, sizeof manifest, name, ARCHIVE_IN_RUN_MANIFEST, NULL, NULL);
    return name[0] != '.' && faccessat(dir_fd, manifest, R_OK, 0) == 0;
}

int archive_list_runs(const char *dir, name_list *runs, char *err, size_t errlen)
{
    char path[4096];
    archive_path(path, sizeof path, dir, ARCHIVE_RUNS, NULL, NULL);
    if (dir_list_sorted(path, is_committed_run, NULL, runs) == 0)
        return 0;
    if (errno == ENOENT)
        return 0;   /* no run yet */
    snprintf(err, errlen, "%s: %s", path, errno_text(errno));
    return -1;
}

void archive_new_run_id(const char *last, time_t recorded, char buf[40])
{
    unsigned long seq = last ? strtoul(last, NULL, 10) + 1 : 1;
    char stamp[24];
    time_format_stamp((int64_t)recorded, stamp);
    snprintf(buf, 40, "%06lu-%s", seq % 1000000, stamp);
}

/* ---- Manifests -------------------------------------------------------------- */

static json_t *finding_json(const finding *x)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:o, s:s}", "severity", severity_label(x->severity),
                          "code", finding_code_name(x->code), "line", (json_int_t)x->line, "path",
                          x->path ? json_string(x->path) : json_null(), "message", x->message);
    if (o && x->detail && json_object_set_new(o, "detail", json_string(x->detail)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static bool findings_equal(const manifest_input *x, const manifest_input *y)
{
    if (x->n_findings != y->n_findings)
        return false;
    for (size_t f = 0; f < x->n_findings; f++) {
        const finding *a = &x->findings[f], *b = &y->findings[f];
        if (a->code != b->code || a->line != b->line || strcmp(a->message, b->message) != 0 ||
            strcmp(a->path ? a->path : "", b->path ? b->path : "") != 0 ||
            strcmp(a->detail ? a->detail : "", b->detail ? b->detail : "") != 0)
            return false;
    }
    return true;
}

/* For each input, the earlier input of the same bytes whose findings it
 * repeats (a resend of a rejected file), or -1: written once in the
 * manifest, so a flood of resends costs its findings once there too.
 * NULL when out of memory. */
static long *findings_as(const run_manifest *m)
{
    long *as = malloc((m->n_inputs ? m->n_inputs : 1) * sizeof *as);
    text_place *order = malloc((m->n_inputs ? m->n_inputs : 1) * sizeof *order);
    if (!as || !order) {
        free(as);
        free(order);
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < m->n_inputs; i++) {
        as[i] = -1;
        if (m->inputs[i].status == SOURCE_REJECTED && m->inputs[i].n_findings)
            order[n++] = (text_place){m->inputs[i].id.sha256_hex, i};
    }
    qsort(order, n, sizeof *order, text_place_compare);
    for (size_t g = 0; g < n;) {
        size_t end = g;
        while (end < n && strcmp(order[end].text, order[g].text) == 0)
            end++;
        for (size_t k = g + 1; k < end; k++)
            for (size_t j = g; j < k && as[order[k].place] < 0; j++)
                if (as[order[j].place] < 0 &&
                    findings_equal(&m->inputs[order[j].place], &m->inputs[order[k].place]))
                    as[order[k].place] = (long)order[j].place;
        g = end;
    }
    free(order);
    return as;
}

static json_t *input_json(const manifest_input *in, const config *cfg, long findings_as)
{
    char period[8], date[11];
    json_t *ids = json_array(), *list = json_array();
    if (!ids || !list) {
        json_decref(ids);
        json_decref(list);
        return NULL;
    }
    int rc = 0;
    for (size_t k = 0; k < in->n_ids; k++)
        rc |= json_array_append_new(ids, json_pack("[s, I]", in->ids[k], (json_int_t)in->id_lines[k]));
    for (size_t k = 0; findings_as < 0 && k < in->n_findings; k++)
        rc |= json_array_append_new(list, finding_json(&in->findings[k]));
    if (in->id.has_period)
        period_format(&in->id.period, period);
    if (in->id.has_indsendt)
        date_format(&in->id.indsendt, date);
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:s, s:I, s:I, s:o, s:o}",
        "name", in->id.name, "sha256", in->id.sha256_hex, "bytes", (json_int_t)in->id.bytes, "received",
        in->received, "archived", in->archived, "archived_sha256", in->archived_sha256,
        "department",
        in->id.department >= 0 ? json_string(cfg->departments.items[in->id.department].code) : json_null(),
        "period", in->id.has_period ? json_string(period) : json_null(), "indsendt",
        in->id.has_indsendt ? json_string(date) : json_null(), "indsendt_fuzzy",
        in->id.has_indsendt && in->id.indsendt.fuzzy, "valid", in->valid, "status",
        source_status_code(in->status), "errors", (json_int_t)in->errors, "warnings",
        (json_int_t)in->warnings, "ids", ids, "findings", list);
    if (o && findings_as >= 0 && (json_object_del(o, "findings") != 0 ||
                                  json_object_set_new(o, "findings_as", json_integer(findings_as)) != 0))
        rc = -1;
    if (rc && o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int archive_write_manifest(const run_manifest *m, const config *cfg, const char *path, char *err,
                           size_t errlen)
{
    char utc[32], period[8];
    time_format_utc(m->recorded_time, utc);
    json_t *inputs = json_array(), *periods = json_array();
    long *as = findings_as(m);
    int rc = inputs && periods && as ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < m->n_inputs; i++) {
        json_t *one = input_json(&m->inputs[i], cfg, as[i]);
        rc = one ? json_array_append_new(inputs, one) : -1;
    }
    for (size_t i = 0; rc == 0 && i < m->n_periods; i++) {
        period_format(&m->periods[i], period);
        rc = json_array_append_new(periods, json_string(period));
    }
    json_t *rewrites = json_array();
    rc |= rewrites ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < m->n_rewrites; i++)
        rc = json_array_append_new(rewrites, json_pack("{s:s, s:s, s:s}", "file", m->rewrites[i].file,
                                                       "of_run", m->rewrites[i].of_run, "reason",
                                                       m->rewrites[i].reason));
    json_t *root = rc == 0 ? json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O}",
                                       "format", MANIFEST_FORMAT, "run", m->id, "seq",
                                       (json_int_t)m->seq, "recorded_time",
                                       (json_int_t)m->recorded_time, "recorded_utc", utc,
                                       "program_version", m->version, "inbox", m->inbox, "out",
                                       m->out, "config_sha256", m->config_sha256 ? m->config_sha256 : "",
                                       "previous_manifest_sha256",
                                       m->previous_manifest_sha256 ? m->previous_manifest_sha256 : "",
                                       "previous_report_sha256",
                                       m->previous_report_sha256 ? m->previous_report_sha256 : "",
                                       "periods", periods, "inputs", inputs)
                           : NULL;
    if (root && m->n_rewrites && json_object_set(root, "rewrites", rewrites) != 0) {
        json_decref(root);
        root = NULL;
    }
    json_decref(inputs);
    json_decref(periods);
    json_decref(rewrites);
    free(as);
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text) {
        snprintf(err, errlen, "%s: ikke nok hukommelse", path);
        return -1;
    }
    size_t len = strlen(text);
    rc = durable_write(path, text, len, err, errlen);
    free(text);
    return rc;
}

static const char *dup_string(arena *a, json_t *v)
{
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static bool read_input(arena *a, json_t *o, const config *cfg, manifest_input *in,
                       const manifest_input *earlier, size_t n_earlier)
{
    memset(in, 0, sizeof *in);
    in->id.name = dup_string(a, json_object_get(o, "name"));
    in->id.sha256_hex = dup_string(a, json_object_get(o, "sha256"));
    in->received = dup_string(a, json_object_get(o, "received"));
    in->archived = dup_string(a, json_object_get(o, "archived"));
    in->archived_sha256 = dup_string(a, json_object_get(o, "archived_sha256"));
    in->id.bytes = (uint64_t)json_integer_value(json_object_get(o, "bytes"));
    in->valid = json_is_true(json_object_get(o, "valid"));
    in->errors = (size_t)json_integer_value(json_object_get(o, "errors"));
    in->warnings = (size_t)json_integer_value(json_object_get(o, "warnings"));
    const char *status = json_string_value(json_object_get(o, "status"));
    int st = status ? source_status_from_code(status) : -1;
    if (!in->id.name || !in->id.sha256_hex || !in->archived || !in->archived_sha256 || !in->received ||
        st < 0)
        return false;
    in->status = (source_status)st;
    const char *dep = json_string_value(json_object_get(o, "department"));
    in->id.department = dep ? vocab_find_code(&cfg->departments, dep) : -1;
    if (dep && in->id.department < 0)
        return false;
    const char *period = json_string_value(json_object_get(o, "period"));
    in->id.has_period = period && value_period(period, &in->id.period);
    const char *date = json_string_value(json_object_get(o, "indsendt"));
    in->id.has_indsendt = date && value_date(date, &in->id.indsendt);
    in->id.indsendt.fuzzy = json_is_true(json_object_get(o, "indsendt_fuzzy"));
    if ((period && !in->id.has_period) || (date && !in->id.has_indsendt))
        return false;

    json_t *ids = json_object_get(o, "ids"), *list = json_object_get(o, "findings");
    json_t *same_as = json_object_get(o, "findings_as");   /* an earlier input's, repeated */
    if (!json_is_array(ids) || (!json_is_array(list) && !json_is_integer(same_as)))
        return false;
    in->n_ids = json_array_size(ids);
    in->ids = arena_alloc_array(a, in->n_ids ? in->n_ids : 1, sizeof *in->ids);
    in->id_lines = arena_alloc_array(a, in->n_ids ? in->n_ids : 1, sizeof *in->id_lines);
    if (!in->ids || !in->id_lines)
        return false;
    for (size_t k = 0; k < in->n_ids; k++) {
        json_t *pair = json_array_get(ids, k);
        in->ids[k] = dup_string(a, json_array_get(pair, 0));
        in->id_lines[k] = (uint32_t)json_integer_value(json_array_get(pair, 1));
        if (!in->ids[k])
            return false;
    }
    if (json_is_integer(same_as)) {
        json_int_t k = json_integer_value(same_as);
        if (k < 0 || (size_t)k >= n_earlier)
            return false;
        /* The same list: their file is the first's (report_finding_text_as). */
        in->n_findings = earlier[k].n_findings;
        in->findings = earlier[k].findings;
        return true;
    }
    in->n_findings = json_array_size(list);
    finding *list_read = arena_alloc_array(a, in->n_findings ? in->n_findings : 1, sizeof *list_read);
    in->findings = list_read;
    if (!list_read)
        return false;
    for (size_t k = 0; k < in->n_findings; k++) {
        json_t *f = json_array_get(list, k);
        const char *code = json_string_value(json_object_get(f, "code"));
        int c = code ? finding_code_from_name(code) : -1;
        finding *x = &list_read[k];
        if (c < 0)
            return false;
        x->code = (finding_code)c;
        x->severity = finding_code_severity(x->code);
        x->file = in->id.name;
        x->line = (uint32_t)json_integer_value(json_object_get(f, "line"));
        x->path = dup_string(a, json_object_get(f, "path"));
        x->message = dup_string(a, json_object_get(f, "message"));
        x->detail = dup_string(a, json_object_get(f, "detail"));
        x->seq = (uint32_t)k;
        if (!x->message)
            return false;
    }
    return true;
}

/* One piece because it reads and checks the manifest's format field by field, in the
 * order of the format (DEVELOPERS.md), with one way out. */
int archive_read_manifest(const char *dir, const char *id, const config *cfg,
                          run_manifest **out, char *err, size_t errlen)
{
    char path[4096];
    json_error_t jerr;
    *out = NULL;
    archive_path(path, sizeof path, dir, ARCHIVE_RUN_MANIFEST, id, NULL);
    json_t *root = json_load_own(path, ARCHIVE_FILE_LIMIT, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        return -1;
    }
    arena *a = arena_new();
    run_manifest *m = a ? arena_alloc(a, sizeof *m) : NULL;
    int rc = -1;
    if (!m) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    m->a = a;
    const char *format = json_string_value(json_object_get(root, "format"));
    json_t *inputs = json_object_get(root, "inputs"), *periods = json_object_get(root, "periods");
    m->id = dup_string(a, json_object_get(root, "run"));
    m->version = dup_string(a, json_object_get(root, "program_version"));
    m->inbox = dup_string(a, json_object_get(root, "inbox"));
    m->out = dup_string(a, json_object_get(root, "out"));
    m->seq = (size_t)json_integer_value(json_object_get(root, "seq"));
    m->recorded_time = json_integer_value(json_object_get(root, "recorded_time"));
    if (!time_in_range(m->recorded_time)) {
        /* Written by a program that did not check its clock (nanoseconds,
         * say): the run is finished and rebuilt with 1970-01-01 instead, the
         * same every time, so its workbooks can still be made and compared. */
        m->recorded_time_unusable = m->recorded_time;
        m->recorded_time = 0;
    }
    m->config_sha256 = dup_string(a, json_object_get(root, "config_sha256"));
    m->previous_manifest_sha256 = dup_string(a, json_object_get(root, "previous_manifest_sha256"));
    m->previous_report_sha256 = dup_string(a, json_object_get(root, "previous_report_sha256"));
    if (!m->previous_report_sha256)
        m->previous_report_sha256 = "";
    if (!m->config_sha256)
        m->config_sha256 = "";
    if (!m->previous_manifest_sha256)
        m->previous_manifest_sha256 = "";
    if (!format || strcmp(format, MANIFEST_FORMAT) != 0 || !m->id || strcmp(m->id, id) != 0 ||
        !json_is_array(inputs) || !json_is_array(periods)) {
        snprintf(err, errlen, "%s: er ikke manifestet for kørsel %s", path, id);
        goto done;
    }
    m->n_inputs = json_array_size(inputs);
    m->inputs = arena_alloc_array(a, m->n_inputs ? m->n_inputs : 1, sizeof *m->inputs);
    m->n_periods = json_array_size(periods);
    m->periods = arena_alloc_array(a, m->n_periods ? m->n_periods : 1, sizeof *m->periods);
    if (!m->inputs || !m->periods) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    for (size_t i = 0; i < m->n_inputs; i++)
        if (!read_input(a, json_array_get(inputs, i), cfg, &m->inputs[i], m->inputs, i)) {
            snprintf(err, errlen, "%s: inputs[%zu] er ufuldstændigt eller nævner en forvaltning, "
                     "konfigurationen ikke kender", path, i);
            goto done;
        }
    for (size_t i = 0; i < m->n_periods; i++) {
        const char *p = json_string_value(json_array_get(periods, i));
        if (!p || !value_period(p, &m->periods[i])) {
            snprintf(err, errlen, "%s: periods[%zu] er ikke en periode", path, i);
            goto done;
        }
    }
    json_t *rewrites = json_object_get(root, "rewrites");   /* absent before 0.3 */
    m->n_rewrites = json_array_size(rewrites);
    m->rewrites = arena_alloc_array(a, m->n_rewrites ? m->n_rewrites : 1, sizeof *m->rewrites);
    if (!m->rewrites) {
        snprintf(err, errlen, "ikke nok hukommelse");
        goto done;
    }
    for (size_t i = 0; i < m->n_rewrites; i++) {
        json_t *w = json_array_get(rewrites, i);
        manifest_rewrite *x = &m->rewrites[i];
        x->file = dup_string(a, json_object_get(w, "file"));
        x->of_run = dup_string(a, json_object_get(w, "of_run"));
        x->reason = dup_string(a, json_object_get(w, "reason"));
        if (!x->file || !x->of_run || !x->reason) {
            snprintf(err, errlen, "%s: rewrites[%zu] er ufuldstændigt", path, i);
            goto done;
        }
    }
    archive_path(path, sizeof path, dir, ARCHIVE_RUN_COMPLETE, id, NULL);
    m->complete = access(path, F_OK) == 0;
    *out = m;
    rc = 0;
done:
    json_decref(root);
    if (rc != 0)
        arena_free(a);
    return rc;
}

void run_manifest_free(run_manifest *m)
{
    if (m)
        arena_free(m->a);
}

/* ---- A run's life ------------------------------------------------------------ */

static int path_printf(char *buf, size_t size, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int path_printf(char *buf, size_t size, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        snprintf(err, errlen, "%.200s…: stien er for lang", buf);
        return -1;
    }
    return 0;
}

/* A path archive_path() made, or false with the message path_printf gives. */
static bool layout_fits(int length, const char *buf, char *err, size_t errlen)
{
    if (length >= 0)
        return true;
    snprintf(err, errlen, "%.200s…: stien er for lang", buf);
    return false;
}

int archive_run_begin(archive_run *r, const char *archive, const char *id, char *err, size_t errlen)
{
    char path[4200];
    memset(r, 0, sizeof *r);
    if (path_printf(r->archive, sizeof r->archive, err, errlen, "%s", archive) ||
        path_printf(r->id, sizeof r->id, err, errlen, "%s", id) ||
        !layout_fits(archive_path(r->staging, sizeof r->staging, archive, ARCHIVE_RUN_STAGING, id, NULL),
                     r->staging, err, errlen) ||
        !layout_fits(archive_path(r->final, sizeof r->final, archive, ARCHIVE_RUN, id, NULL), r->final,
                     err, errlen))
        return -1;
    durable_remove_tree(r->staging);   /* a crash's leftover of the same id */
    archive_path(path, sizeof path, r->staging, ARCHIVE_IN_RUN_INCOMING, NULL, NULL);
    if (durable_mkdirs(path, err, errlen) != 0)
        return -1;
    archive_path(path, sizeof path, r->staging, ARCHIVE_IN_RUN_FILES, NULL, NULL);
    return durable_mkdirs(path, err, errlen);
}

int archive_stage_delivery(archive_run *r, size_t index, int fd, uint64_t limit,
                           staged_delivery *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char staged[16];
    snprintf(staged, sizeof staged, "%06zu", index);
    archive_path(out->path, sizeof out->path, r->staging, ARCHIVE_IN_RUN_STAGED, NULL, staged);
    durable_copy_result c;
    if (durable_copy_fd(fd, out->path, DURABLE_COPY, limit, &c, err, errlen) != 0)
        return -1;
    out->over_limit = c.over_limit;
    out->bytes = c.in_bytes;
    memcpy(out->sha256, c.in_sha256, sizeof out->sha256);
    out->gzip = c.in_gzip;   /* gzip or not by the bytes, as ingest decides */
    return 0;
}

int archive_store(archive_run *r, size_t index, const staged_delivery *s, char rel[256],
                  char copy_sha256[65], char *err, size_t errlen)
{
    char dst[4400];
    char name[64];
    archive_copy_name(name, sizeof name, index, s->sha256);
    archive_path(rel, 256, NULL, ARCHIVE_RUN_FILE, r->id, name);
    archive_path(dst, sizeof dst, r->staging, ARCHIVE_IN_RUN_FILE, NULL, name);
    durable_copy_result c;
    if (durable_copy(s->path, dst, s->gzip ? DURABLE_COPY : DURABLE_GZIP, &c, err, errlen) != 0)
        return -1;
    if (strcmp(c.in_sha256, s->sha256) != 0) {
        snprintf(err, errlen, "%s: den iscenesatte kopi er ændret under kørslen", s->path);
        return -1;
    }
    memcpy(copy_sha256, c.out_sha256, 65);
    return 0;
}

void archive_run_abandon(archive_run *r)
{
    if (r->staging[0])
        durable_remove_tree(r->staging);
}

static int sha256_of(const char *path, char hex[65], char *err, size_t errlen)
{
    if (sha256_of_file(path, hex) == 0)
        return 0;
    snprintf(err, errlen, "%s: %s", path, errno_text(errno));
    return -1;
}

int archive_commit(archive_run *r, run_manifest *m, const config *cfg, const char *config_path,
                   char *err, size_t errlen)
{
    char path[4400], config_sha[65], previous[65] = "";
    archive_path(path, sizeof path, r->staging, ARCHIVE_IN_RUN_INCOMING, NULL, NULL);
    if (durable_remove_tree(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "%s: %s", path, errno_text(errno));
        return -1;
    }
    archive_path(path, sizeof path, r->staging, ARCHIVE_IN_RUN_CONFIG, NULL, NULL);
    durable_copy_result c;
    if (durable_copy(config_path, path, DURABLE_COPY, &c, err, errlen) != 0)
        return -1;
    memcpy(config_sha, c.out_sha256, sizeof config_sha);
    /* The chain: this manifest names the previous one's hash. */
    bool found, complete;
    char last[40];
    if (archive_last_run(r->archive, &found, last, &complete, err, errlen) != 0)
        return -1;
    char previous_report[65] = "";
    if (found) {
        archive_path(path, sizeof path, r->archive, ARCHIVE_RUN_MANIFEST, last, NULL);
        if (sha256_of(path, previous, err, errlen) != 0)
            return -1;
        archive_path(path, sizeof path, r->archive, ARCHIVE_RUN_REPORT, last, NULL);
        if (complete && sha256_of(path, previous_report, err, errlen) != 0)
            return -1;
    }
    m->config_sha256 = arena_strdup(m->a, config_sha);
    m->previous_manifest_sha256 = arena_strdup(m->a, previous);
    m->previous_report_sha256 = arena_strdup(m->a, previous_report);
    if (!m->config_sha256 || !m->previous_manifest_sha256 || !m->previous_report_sha256) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    archive_path(path, sizeof path, r->staging, ARCHIVE_IN_RUN_MANIFEST, NULL, NULL);
    if (archive_write_manifest(m, cfg, path, err, errlen) != 0)
        return -1;
    archive_path(path, sizeof path, r->staging, ARCHIVE_IN_RUN_FILES, NULL, NULL);
    crash_point("before_commit");
    if (durable_sync_dir(path) != 0 || durable_sync_dir(r->staging) != 0 ||
        rename(r->staging, r->final) != 0) {
        snprintf(err, errlen, "%s: %s", r->final, errno_text(errno));
        return -1;
    }
    archive_path(path, sizeof path, r->archive, ARCHIVE_RUNS, NULL, NULL);
    if (durable_sync_dir(path) != 0) {
        snprintf(err, errlen, "%s: %s", path, errno_text(errno));
        return -1;
    }
    return 0;
}

/* The first hex digits of a text's SHA-256 (a static buffer). */
static const char *name_hash(const char *text)
{
    static char hex[65];
    sha256_hex_of(text, strlen(text), hex);
    return hex;
}

/* A quarantine name: the delivery's own where it is plain, else
 * fil-NNNN-<hash>. Generated names never meet a delivered one: a name that
 * begins with "fil-" (in any case: the folder may be on a share that does
 * not tell case apart) is never plain, so it gets a generated name too; and
 * generated names never meet each other, since NNNN is the input's place in
 * the run. */
static void quarantine_name(const char *display, size_t index, char out[256])
{
    const char *ext = text_ends_with(display, ".xml.gz") ? ".xml.gz" : ".xml";
    bool plain = strlen(display) <= 200 && display[0] != '-' && display[0] != '.' &&
                 strncasecmp(display, "fil-", 4) != 0 && !strchr(display, '\\') &&
                 !strchr(display, '/');
    if (plain)
        snprintf(out, 256, "%s", display);
    else   /* the name's own hash: no delivered name can be the same */
        snprintf(out, 256, "fil-%04zu-%.8s%s", index, name_hash(display), ext);
}

void archive_quarantine_path(const char *archive, const char *run_id, const manifest_input *in,
                             size_t index, char rel[512], char *path, size_t size)
{
    char name[256];
    quarantine_name(in->id.name, index, name);
    archive_path(rel, 512, NULL, ARCHIVE_QUARANTINE_FILE, run_id, name);
    snprintf(path, size, "%s/%s", archive, rel);
}

int archive_quarantine(const char *archive, const char *run_id, const manifest_input *in,
                       size_t index, const char *reasons, size_t reasons_len, char rel[512],
                       char *err, size_t errlen)
{
    char dir[4200], src[4400], dst[4400];
    archive_quarantine_path(archive, run_id, in, index, rel, dst, sizeof dst);
    if (!layout_fits(archive_path(dir, sizeof dir, archive, ARCHIVE_QUARANTINE_RUN, run_id, NULL), dir, err,
                     errlen) ||
        path_printf(src, sizeof src, err, errlen, "%s/%s", archive, in->archived) ||
        durable_mkdirs(dir, err, errlen) != 0)
        return -1;
    /* The copy is the delivery as it came: stored as-is when its hash is the
     * delivery's, else gzip-compressed by the archive. */
    bool as_is = strcmp(in->archived_sha256, in->id.sha256_hex) == 0;
    durable_copy_result c;
    if (durable_copy(src, dst, as_is ? DURABLE_COPY : DURABLE_GUNZIP, &c, err, errlen) != 0)
        return -1;
    if (strcmp(c.out_sha256, in->id.sha256_hex) != 0) {
        unlink(dst);
        snprintf(err, errlen, "%s: arkivkopien giver ikke de leverede bytes", src);
        return -1;
    }
    strbuf reasons_path = STRBUF_INIT;
    strbuf_addf(&reasons_path, "%s.reasons.txt", dst);
    int rc = -1;
    if (reasons_path.failed)
        snprintf(err, errlen, "%s.reasons.txt: ikke nok hukommelse", in->id.name);
    else
        rc = durable_write(strbuf_str(&reasons_path), reasons, reasons_len, err, errlen);
    strbuf_release(&reasons_path);
    return rc;
}

int archive_finish(const char *archive, const char *run_id, const char *report, char *err,
                   size_t errlen)
{
    char path[4200];
    archive_path(path, sizeof path, archive, ARCHIVE_RUN_REPORT, run_id, NULL);
    if (durable_write(path, report, strlen(report), err, errlen) != 0)
        return -1;
    crash_point("before_complete");
    archive_path(path, sizeof path, archive, ARCHIVE_RUN_COMPLETE, run_id, NULL);
    return durable_write(path, "", 0, err, errlen);
}

void archive_remove_leftovers(const char *archive, void (*on_removed)(void *ctx, const char *path),
                              void *ctx)
{
    char path[4200];
    archive_path(path, sizeof path, archive, ARCHIVE_RUNS, NULL, NULL);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && text_ends_with(e->d_name, ".tmp")) {
            strbuf stale = STRBUF_INIT;
            if (strbuf_addf(&stale, "%s/%s", path, e->d_name) && durable_remove_tree(stale.buf) == 0 &&
                on_removed)
                on_removed(ctx, stale.buf);
            strbuf_release(&stale);
        }
    }
    if (d)
        closedir(d);
}

int archive_last_run(const char *dir, bool *found, char id[40], bool *complete, char *err,
                     size_t errlen)
{
    char path[4200];
    *found = false;
    *complete = false;
    id[0] = '\0';
    archive_path(path, sizeof path, dir, ARCHIVE_RUNS, NULL, NULL);
    DIR *d = opendir(path);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, errno_text(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strlen(e->d_name) >= 40 || !is_committed_run(dirfd(d), e->d_name, NULL))
            continue;
        if (!*found || strcmp(e->d_name, id) > 0) {
            memcpy(id, e->d_name, strlen(e->d_name) + 1);   /* shorter than 40: checked above */
            *found = true;
        }
    }
    closedir(d);
    if (*found) {
        archive_path(path, sizeof path, dir, ARCHIVE_RUN_COMPLETE, id, NULL);
        *complete = access(path, F_OK) == 0;
    }
    return 0;
}

/* ---- Checking the archive ------------------------------------------------------ */

typedef struct {
    void (*problem)(void *ctx, const char *file, const char *what);
    void *ctx;
    long problems;
    size_t checked;
} verifier;

static void problem(verifier *v, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(verifier *v, const char *file, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    v->problems++;
    v->problem(v->ctx, file, what);
}

/* A file whose SHA-256 must be `want`; "" when not recorded. */
static void verify_hash(verifier *v, const char *dir, const char *rel, const char *want,
                        const char *what)
{
    char path[4400], got[65];
    if (!want || !want[0])
        return;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    v->checked++;
    if (sha256_of_file(path, got) != 0)
        problem(v, rel, "%s kan ikke læses: %s", what, errno_text(errno));
    else if (strcmp(got, want) != 0)
        problem(v, rel, "%s har ikke den SHA-256, arkivet har registreret (%.12s…, ikke %.12s…)",
                what, got, want);
}

/* One run's manifest chain, configuration and copies. */
static void verify_run(verifier *v, const char *dir, const char *id, const char *previous_id)
{
    char rel[512], path[4400], sha[65];
    archive_path(rel, sizeof rel, NULL, ARCHIVE_RUN_MANIFEST, id, NULL);
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    json_error_t jerr;
    json_t *root = json_load_own(path, ARCHIVE_FILE_LIMIT, JSON_REJECT_DUPLICATES, &jerr);
    v->checked++;
    if (!root || !json_is_object(root)) {
        problem(v, rel, "manifestet kan ikke læses (linje %d: %s)", jerr.line, jerr.text);
        json_decref(root);
        return;
    }
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, MANIFEST_FORMAT) != 0)
        problem(v, rel, "er ikke et statusnotat-manifest");
    const char *config_sha = json_string_value(json_object_get(root, "config_sha256"));
    archive_path(path, sizeof path, NULL, ARCHIVE_RUN_CONFIG, id, NULL);
    verify_hash(v, dir, path, config_sha, "konfigurationen");
    const char *prev = json_string_value(json_object_get(root, "previous_manifest_sha256"));
    const char *prev_report = json_string_value(json_object_get(root, "previous_report_sha256"));
    if (prev && prev[0] && previous_id) {
        archive_path(path, sizeof path, NULL, ARCHIVE_RUN_MANIFEST, previous_id, NULL);
        verify_hash(v, dir, path, prev, "den foregående kørsels manifest");
        archive_path(path, sizeof path, NULL, ARCHIVE_RUN_REPORT, previous_id, NULL);
        verify_hash(v, dir, path, prev_report, "den foregående kørsels rapport");
    } else if (prev && prev[0] && !previous_id) {
        problem(v, rel, "manifestet henviser til en foregående kørsel, som ikke findes");
    }
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(root, "inputs"), i, in) {
        const char *archived = json_string_value(json_object_get(in, "archived"));
        const char *copy_sha = json_string_value(json_object_get(in, "archived_sha256"));
        if (archived && archived[0])
            verify_hash(v, dir, archived, copy_sha, "arkivkopien");
    }
    /* report.json records the manifest's hash and the quarantine copies. */
    archive_path(path, sizeof path, dir, ARCHIVE_RUN_COMPLETE, id, NULL);
    if (access(path, F_OK) == 0) {
        char report_rel[512], manifest_path[4400];
        archive_path(report_rel, sizeof report_rel, NULL, ARCHIVE_RUN_REPORT, id, NULL);
        snprintf(path, sizeof path, "%s/%s", dir, report_rel);
        json_t *report = json_load_own(path, ARCHIVE_FILE_LIMIT, 0, &jerr);
        v->checked++;
        if (!report) {
            problem(v, report_rel, "rapporten kan ikke læses (linje %d: %s)", jerr.line, jerr.text);
        } else {
            snprintf(manifest_path, sizeof manifest_path, "%s/%s", dir, rel);
            const char *want = json_string_value(json_object_get(report, "manifest_sha256"));
            if (want && sha256_of_file(manifest_path, sha) == 0 && strcmp(sha, want) != 0)
                problem(v, rel, "manifestet er ændret efter kørslen (rapporten har registreret "
                        "%.12s…)", want);
            json_array_foreach(json_object_get(report, "inputs"), i, in) {
                const char *q = json_string_value(json_object_get(in, "quarantine"));
                const char *want_q = json_string_value(json_object_get(in, "sha256"));
                /* Reports before 0.2.0 named the copy by its full path; only
                 * the part from quarantine/ on is the archive's. */
                const char *rel_q = q ? strstr(q, "quarantine/") : NULL;
                if (rel_q)
                    verify_hash(v, dir, rel_q, want_q, "karantænekopien");
            }
            json_decref(report);
        }
    }
    json_decref(root);
}

long archive_verify_upto(const char *dir, const name_list *runs, size_t target,
                         void (*on_problem)(void *ctx, const char *file, const char *what), void *ctx,
                         size_t *checked)
{
    verifier v = {on_problem, ctx, 0, 0};
    for (size_t r = 0; r <= target && r < runs->n; r++)
        verify_run(&v, dir, runs->names[r], r ? runs->names[r - 1] : NULL);
    if (checked)
        *checked = v.checked;
    return v.problems;
}

long archive_verify(const char *dir, void (*on_problem)(void *ctx, const char *file, const char *what),
                    void *ctx, size_t *checked, char *err, size_t errlen)
{
    name_list runs = {0};
    char path[4200];
    archive_path(path, sizeof path, dir, ARCHIVE_RUNS, NULL, NULL);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s er ikke et statusnotat-arkiv (der er ingen runs-mappe)", dir);
        return -1;
    }
    if (archive_list_runs(dir, &runs, err, errlen) != 0)
        return -1;
    long problems = runs.n ? archive_verify_upto(dir, &runs, runs.n - 1, on_problem, ctx, checked) : 0;
    name_list_free(&runs);
    return problems;
}
