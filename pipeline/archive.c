/* archive.c — the archive's files: lock, run ids, manifests (jansson),
 * compressed copies (zlib), durable writes; see archive.h. */
#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "emit.h"

enum { CHUNK = 64 * 1024 };

int archive_mkdirs(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", path);
    if (n < 0 || (size_t)n >= sizeof buf) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "%s: %s", buf, strerror(errno));
                return -1;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    return 0;
}

int archive_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* ---- The lock -------------------------------------------------------------- */

lock_result archive_lock(const char *dir, int *fd, char *err, size_t errlen)
{
    char path[4096];
    *fd = -1;
    snprintf(path, sizeof path, "%s/runs", dir);
    if (archive_mkdirs(path, err, errlen) != 0)
        return LOCK_ERROR;
    snprintf(path, sizeof path, "%s/quarantine", dir);
    if (archive_mkdirs(path, err, errlen) != 0)
        return LOCK_ERROR;
    snprintf(path, sizeof path, "%s/lock", dir);
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return LOCK_ERROR;
    }
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            char holder[256] = "";
            ssize_t n = pread(f, holder, sizeof holder - 1, 0);
            holder[n > 0 ? n : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            snprintf(err, errlen, "%s is held by another run (%s)", path,
                     holder[0] ? holder : "unknown process");
            close(f);
            return LOCK_BUSY;
        }
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        close(f);
        return LOCK_ERROR;
    }
    char holder[128];
    int n = snprintf(holder, sizeof holder, "pid %ld since %ld\n", (long)getpid(), (long)time(NULL));
    if (ftruncate(f, 0) != 0 || pwrite(f, holder, (size_t)n, 0) != n) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
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

/* ---- Run ids ---------------------------------------------------------------- */

static bool is_committed_run(int dir_fd, const char *name, void *ctx)
{
    (void)ctx;
    char manifest[512];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", name);
    return name[0] != '.' && faccessat(dir_fd, manifest, R_OK, 0) == 0;
}

int archive_list_runs(const char *dir, name_list *runs, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/runs", dir);
    if (dir_list_sorted(path, is_committed_run, NULL, runs) == 0)
        return 0;
    if (errno == ENOENT)
        return 0;   /* no run yet */
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
}

void archive_new_run_id(const char *last, time_t recorded, char buf[40])
{
    unsigned long seq = last ? strtoul(last, NULL, 10) + 1 : 1;
    struct tm tm;
    gmtime_r(&recorded, &tm);
    char stamp[24];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(buf, 40, "%06lu-%s", seq % 1000000, stamp);
}

/* ---- Manifests -------------------------------------------------------------- */

static json_t *finding_json(const finding *x)
{
    return json_pack("{s:s, s:s, s:I, s:o, s:s}", "severity", severity_label(x->severity), "code",
                     finding_code_name(x->code), "line", (json_int_t)x->line, "path",
                     x->path ? json_string(x->path) : json_null(), "message", x->message);
}

static json_t *input_json(const manifest_input *in, const config *cfg)
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
    for (size_t k = 0; k < in->n_findings; k++)
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
    time_t t = (time_t)m->recorded_time;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *inputs = json_array(), *periods = json_array();
    int rc = inputs && periods ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < m->n_inputs; i++) {
        json_t *one = input_json(&m->inputs[i], cfg);
        rc = one ? json_array_append_new(inputs, one) : -1;
    }
    for (size_t i = 0; rc == 0 && i < m->n_periods; i++) {
        period_format(&m->periods[i], period);
        rc = json_array_append_new(periods, json_string(period));
    }
    json_t *root = rc == 0 ? json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:O, s:O}",
                                       "format", "statusnotat-manifest/1", "run", m->id, "seq",
                                       (json_int_t)m->seq, "recorded_time",
                                       (json_int_t)m->recorded_time, "recorded_utc", utc,
                                       "program_version", m->version, "inbox", m->inbox, "out",
                                       m->out, "periods", periods, "inputs", inputs)
                           : NULL;
    json_decref(inputs);
    json_decref(periods);
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t len = strlen(text);
    rc = archive_write_text(path, text, len, err, errlen);
    free(text);
    return rc;
}

static const char *dup_string(arena *a, json_t *v)
{
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static int finding_code_by_name(const char *name)
{
    for (int c = 0; c < F_COUNT; c++)
        if (strcmp(finding_code_name((finding_code)c), name) == 0)
            return c;
    return -1;
}

static int status_by_code(const char *code)
{
    for (int s = SOURCE_ACCEPTED; s <= SOURCE_DUPLICATE; s++)
        if (strcmp(source_status_code((source_status)s), code) == 0)
            return s;
    return -1;
}

static bool read_input(arena *a, json_t *o, const config *cfg, manifest_input *in)
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
    int st = status ? status_by_code(status) : -1;
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
    if (!json_is_array(ids) || !json_is_array(list))
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
    in->n_findings = json_array_size(list);
    in->findings = arena_alloc_array(a, in->n_findings ? in->n_findings : 1, sizeof *in->findings);
    if (!in->findings)
        return false;
    for (size_t k = 0; k < in->n_findings; k++) {
        json_t *f = json_array_get(list, k);
        const char *code = json_string_value(json_object_get(f, "code"));
        int c = code ? finding_code_by_name(code) : -1;
        finding *x = &in->findings[k];
        if (c < 0)
            return false;
        x->code = (finding_code)c;
        x->severity = finding_code_severity(x->code);
        x->file = in->id.name;
        x->line = (uint32_t)json_integer_value(json_object_get(f, "line"));
        x->path = dup_string(a, json_object_get(f, "path"));
        x->message = dup_string(a, json_object_get(f, "message"));
        x->seq = (uint32_t)k;
        if (!x->message)
            return false;
    }
    return true;
}

int archive_read_manifest(const char *dir, const char *id, const config *cfg,
                          run_manifest **out, char *err, size_t errlen)
{
    char path[4096];
    json_error_t jerr;
    *out = NULL;
    snprintf(path, sizeof path, "%s/runs/%s/manifest.json", dir, id);
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        return -1;
    }
    arena *a = arena_new();
    run_manifest *m = a ? arena_alloc(a, sizeof *m) : NULL;
    int rc = -1;
    if (!m) {
        snprintf(err, errlen, "out of memory");
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
    if (!format || strcmp(format, "statusnotat-manifest/1") != 0 || !m->id || strcmp(m->id, id) != 0 ||
        !json_is_array(inputs) || !json_is_array(periods)) {
        snprintf(err, errlen, "%s: not a statusnotat manifest of run %s", path, id);
        goto done;
    }
    m->n_inputs = json_array_size(inputs);
    m->inputs = arena_alloc_array(a, m->n_inputs ? m->n_inputs : 1, sizeof *m->inputs);
    m->n_periods = json_array_size(periods);
    m->periods = arena_alloc_array(a, m->n_periods ? m->n_periods : 1, sizeof *m->periods);
    if (!m->inputs || !m->periods) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < m->n_inputs; i++)
        if (!read_input(a, json_array_get(inputs, i), cfg, &m->inputs[i])) {
            snprintf(err, errlen, "%s: inputs[%zu] is incomplete or names a department the "
                     "configuration does not know", path, i);
            goto done;
        }
    for (size_t i = 0; i < m->n_periods; i++) {
        const char *p = json_string_value(json_array_get(periods, i));
        if (!p || !value_period(p, &m->periods[i])) {
            snprintf(err, errlen, "%s: periods[%zu] is not a period", path, i);
            goto done;
        }
    }
    snprintf(path, sizeof path, "%s/runs/%s/complete", dir, id);
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

/* ---- Files ------------------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static void hex(const unsigned char *d, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Streams src into a temporary file beside dst — gzip-compressing it when
 * `compress` — then commits it to dst. */
static int copy_stream(const char *src, const char *dst, int compress, char sha256_hex[65],
                       char *err, size_t errlen)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out = -1, rc = -1;
    unsigned char *buf = malloc(CHUNK), *zbuf = malloc(CHUNK);
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    z_stream z = {0};
    bool z_ready = false;
    if (in < 0 || !buf || !zbuf || !sha || EVP_DigestInit_ex(sha, EVP_sha256(), NULL) != 1) {
        snprintf(err, errlen, "%s: %s", src, in < 0 ? strerror(errno) : "out of memory");
        goto done;
    }
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto done;
    }
    if (compress) {
        if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            snprintf(err, errlen, "%s: cannot start zlib", dst);
            goto done;
        }
        z_ready = true;
    }
    for (;;) {
        ssize_t n = read(in, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", src, strerror(errno));
            goto done;
        }
        if (!compress) {
            if (n == 0)
                break;
            if (EVP_DigestUpdate(sha, buf, (size_t)n) != 1 || write_all(out, buf, (size_t)n) != 0) {
                snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
                goto done;
            }
            continue;
        }
        z.next_in = buf;
        z.avail_in = (unsigned)n;
        int flush = n == 0 ? Z_FINISH : Z_NO_FLUSH, zr;
        do {
            z.next_out = zbuf;
            z.avail_out = CHUNK;
            zr = deflate(&z, flush);
            if (zr == Z_STREAM_ERROR) {
                snprintf(err, errlen, "%s: zlib failed", dst);
                goto done;
            }
            size_t have = CHUNK - z.avail_out;
            if (EVP_DigestUpdate(sha, zbuf, have) != 1 || write_all(out, zbuf, have) != 0) {
                snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
                goto done;
            }
        } while (z.avail_out == 0);
        if (n == 0)
            break;
    }
    unsigned char digest[32];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(sha, digest, &len) != 1 || len != 32) {
        snprintf(err, errlen, "%s: SHA-256 failed", dst);
        goto done;
    }
    if (sha256_hex)
        hex(digest, sha256_hex);
    if (close(out) != 0) {
        out = -1;
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto done;
    }
    out = -1;
    if (emit_commit_file(tmp, dst) != 0) {
        snprintf(err, errlen, "%s: %s", dst, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (z_ready)
        deflateEnd(&z);
    if (out >= 0)
        close(out);
    if (rc != 0)
        unlink(tmp);
    if (in >= 0)
        close(in);
    EVP_MD_CTX_free(sha);
    free(buf);
    free(zbuf);
    return rc;
}

int archive_store_copy(const char *src, const char *dst, char sha256_hex[65], char *err,
                       size_t errlen)
{
    unsigned char magic[2] = {0, 0};
    int fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", src, strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, magic, 2);
    close(fd);
    bool gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    return copy_stream(src, dst, !gzip, sha256_hex, err, errlen);
}

int archive_copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
    return copy_stream(src, dst, 0, NULL, err, errlen);
}

int archive_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, text, len) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || emit_commit_file(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int archive_remove_tree(const char *path)
{
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int archive_sha256_file(const char *path, char out[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    unsigned char buf[CHUNK / 4], digest[32];
    unsigned int len = 0;
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    int rc = sha && EVP_DigestInit_ex(sha, EVP_sha256(), NULL) == 1 ? 0 : -1;
    while (rc == 0) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        if (EVP_DigestUpdate(sha, buf, (size_t)n) != 1)
            rc = -1;
    }
    if (rc == 0 && (EVP_DigestFinal_ex(sha, digest, &len) != 1 || len != 32))
        rc = -1;
    if (rc == 0)
        hex(digest, out);
    EVP_MD_CTX_free(sha);
    close(fd);
    return rc;
}
