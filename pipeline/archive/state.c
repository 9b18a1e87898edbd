/* state.c — the ledger's state in SQLite: opened by a night as its ledger's
 * source, updated after the run in one transaction, written whole after a
 * replay, compared by verify; see state.h. */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "durable.h"
#include "sha256.h"
#include "text.h"
#include "layout.h"

#define STATE_FORMAT "statusnotat-state/3"
#define US "\x1f"
#define RS "\x1e"

struct state_store {
    sqlite3 *db;
    sqlite3_stmt *of_period, *periods_of_hash, *loose_of_hash, *loose;
    const char *archive;
    const config *cfg, *load_cfg;
    size_t base_seq;             /* entries from here on are the run's own */
    arena *scratch;
};

void state_path(const char *archive, char *buf, size_t size)
{
    archive_path(buf, size, archive, ARCHIVE_STATE, NULL, NULL);
}

/* ---- The seal: the state's SHA-256 beside it ----------------------------------
 *
 * SQLite's own checks do not see every damage (quick_check skips whether the
 * indexes hold what the table holds, and no check sees a flipped byte in a
 * row's text), and the night reads through the indexes. So after every write
 * the whole file's SHA-256 goes into state.sqlite.sha256, and a state whose
 * bytes are not the sealed ones is damaged: the night makes it again from the
 * manifests. A crash between a write and its seal costs the same replay. */

static void seal_path(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s.sha256", path);
}

/* Seals the state at path. 0, or -1 with a message (then it is not trusted
 * next time: the next night replays). */
static int seal(const char *path, char *err, size_t errlen)
{
    char sha[65], side[4300], text[80];
    seal_path(path, side, sizeof side);
    if (sha256_of_file(path, sha) != 0) {
        snprintf(err, errlen, "%s: kan ikke læses: %s", path, errno_text(errno));
        unlink(side);
        return -1;
    }
    int n = snprintf(text, sizeof text, "%s\n", sha);
    if (durable_write(side, text, (size_t)n, err, errlen) != 0) {
        unlink(side);
        return -1;
    }
    return 0;
}

/* Whether the state at path is a regular file whose bytes are the sealed
 * ones. */
static bool sealed(const char *path)
{
    char sha[65], side[4300], *text = NULL;
    size_t len;
    seal_path(path, side, sizeof side);
    bool ok = durable_is_regular(path) && durable_read_file(side, 128, &text, &len) == 0 &&
              len >= 64 && sha256_of_file(path, sha) == 0 && strncmp(text, sha, 64) == 0;
    free(text);
    return ok;
}

/* A text as one field: one line, no control bytes, never empty-by-accident. */
static int put(FILE *f, arena *a, const char *s)
{
    const char *safe = s ? text_one_line(a, s) : "";
    return fputs(safe ? safe : "", f) < 0 ? -1 : 0;
}

/* An entry as its line (malloc'd), or NULL. */
static char *entry_line(const ledger_entry *e, const config *cfg, arena *a)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    int rc = 0;
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
    rc |= put(f, a, e->row.received) | (fputc('\t', f) < 0);
    for (size_t k = 0; k < e->row.n_findings; k++) {
        const finding *x = &e->row.findings[k];
        rc |= (k && fputs(RS, f) < 0) |
              (fprintf(f, "%s" US "%u" US, finding_code_name(x->code), x->line) < 0) |
              put(f, a, x->path) | (fputs(US, f) < 0) | put(f, a, x->message) |
              (fputs(US, f) < 0) | put(f, a, x->detail);
    }
    rc |= fclose(f) != 0;
    if (rc) {
        free(text);
        return NULL;
    }
    return text;
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
static bool restore_line(char *line, size_t seq, const char *archive, const config *cfg,
                         const config *load_cfg, ledger *l, arena *scratch)
{
    char *f[16];
    if (split(line, '\t', f, 16) != 16)
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
    a.received = f[14][0] ? f[14] : NULL;
    size_t n_findings = f[15][0] ? 1 : 0;
    for (const char *p = f[15]; *p; p++)
        n_findings += *p == '\x1e';
    finding *list = arena_alloc_array(scratch, n_findings ? n_findings : 1, sizeof *list);
    rest = f[15];
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
    return ledger_restore(l, &a, (source_status)status, f[9][0] ? f[9] : NULL, seq) != NULL;
}


static const char SCHEMA[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE entries(seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, period TEXT, line TEXT NOT NULL);"
    "CREATE INDEX entries_sha256 ON entries(sha256);"
    "CREATE INDEX entries_period ON entries(period);"
    "CREATE TABLE periods(period TEXT PRIMARY KEY, digest TEXT NOT NULL);"
    "CREATE TABLE workbooks(file TEXT PRIMARY KEY, key TEXT NOT NULL, run TEXT NOT NULL, "
    "created INTEGER NOT NULL, version TEXT NOT NULL, config_sha256 TEXT NOT NULL, "
    "written INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, "
    "mtime_ns INTEGER NOT NULL, error TEXT NOT NULL);";

/* SQLite's error in Danish; its own words go beside it. */
static const char *sqlite_text(sqlite3 *db)
{
    switch (db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM) {
    case SQLITE_FULL: return "disken er fuld";
    case SQLITE_IOERR: return "læse- eller skrivefejl på disken";
    case SQLITE_NOMEM: return "ikke nok hukommelse";
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return "filen er beskadiget";
    case SQLITE_READONLY: case SQLITE_PERM: case SQLITE_CANTOPEN: return "ingen adgang";
    case SQLITE_BUSY: case SQLITE_LOCKED: return "en anden proces bruger den";
    default: return "SQLite-fejl";
    }
}

static int fail(sqlite3 *db, const char *path, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: tilstanden kan ikke %s: %s (SQLite: %s)", path, what, sqlite_text(db),
             db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

/* The test's fault (durable.h) at a state's commit: as SQLite says a full
 * disk or a failed write. */
static bool fault_at_commit(char *err, size_t errlen, const char *path)
{
    if (!durable_fault("sqlite", path))
        return false;
    snprintf(err, errlen, "%s: tilstanden kan ikke skrives: %s (SQLite: %s)", path,
             errno == EIO ? "læse- eller skrivefejl på disken" : "disken er fuld",
             errno == EIO ? "disk I/O error" : "database or disk is full");
    return true;
}

/* The meta value of key, copied into buf ("" when absent). */
static bool meta_get(sqlite3 *db, const char *key, char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK;
    int step = ok ? sqlite3_step(st) : SQLITE_ERROR;
    buf[0] = '\0';
    if (step == SQLITE_ROW)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE;
}

static bool meta_put(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &st,
                                 NULL) == SQLITE_OK &&
              sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

/* The state's database when it exists and is ours, read-write; NULL (with
 * *foreign set when it is a state of another format: an older program's,
 * which a replay replaces). */
static sqlite3 *open_db(const char *path, char run[64], bool *foreign)
{
    sqlite3 *db = NULL;
    char format[64] = "";
    bool is_ours = durable_is_regular(path) &&
                   sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK &&
                   sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
                   meta_get(db, "format", format, sizeof format);
    if (foreign)
        *foreign = is_ours && strncmp(format, "statusnotat-state/", 18) == 0 &&
                   strcmp(format, STATE_FORMAT) != 0;
    if (!is_ours || strcmp(format, STATE_FORMAT) != 0 || !meta_get(db, "run", run, 64)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

bool state_is_of(const char *archive, const char *run_id)
{
    char path[4200], run[64];
    state_path(archive, path, sizeof path);
    sqlite3 *db = open_db(path, run, NULL);
    bool is = db && strcmp(run, run_id) == 0;
    sqlite3_close(db);
    return is;
}

/* Restores the rows a prepared statement gives (seq, line[, sha256]): with
 * a third column, those whose bytes the ledger already brought in are
 * skipped (load_loose after load_hash). */
static bool restore_rows(state_store *s, ledger *l, sqlite3_stmt *st, char *err, size_t errlen)
{
    int step;
    bool by_hash = sqlite3_column_count(st) > 2;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t seq = (size_t)sqlite3_column_int64(st, 0);
        const char *sha = by_hash ? (const char *)sqlite3_column_text(st, 2) : NULL;
        if (sha && ledger_hash_loaded(l, sha))
            continue;
        const char *line = (const char *)sqlite3_column_text(st, 1);
        /* The row's texts in an arena of its own: the ledger copies what it
         * keeps (sharing a resend's findings), so a period of many rejected
         * documents costs their findings once, not again here. */
        arena *row = arena_new();
        char *copy = row && line ? arena_strdup(row, line) : NULL;
        bool restored = copy && restore_line(copy, seq, s->archive, s->cfg, s->load_cfg, l, row);
        arena_free(row);
        if (!restored) {
            snprintf(err, errlen, "%s/state.sqlite: tilstandens post nr. %zu kan ikke læses", s->archive,
                     seq);
            sqlite3_reset(st);
            return false;
        }
    }
    if (step != SQLITE_DONE)
        snprintf(err, errlen, "%s/state.sqlite: tilstanden kan ikke læses (%s)", s->archive,
                 sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    return step == SQLITE_DONE;
}

static bool load_period(void *ctx, ledger *l, sn_period period, char *err, size_t errlen)
{
    state_store *s = ctx;
    char p[8];
    period_format(&period, p);
    if (sqlite3_bind_text(s->of_period, 1, p, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        snprintf(err, errlen, "%s/state.sqlite: %s", s->archive, sqlite3_errmsg(s->db));
        return false;
    }
    return restore_rows(s, l, s->of_period, err, errlen);
}

static bool load_hash(void *ctx, ledger *l, const char *sha256_hex, char *err, size_t errlen)
{
    state_store *s = ctx;
    /* The periods with those bytes, each whole (loading one steps another
     * statement); then the entries without a period. */
    bool ok = sqlite3_bind_text(s->periods_of_hash, 1, sha256_hex, -1, SQLITE_TRANSIENT) == SQLITE_OK;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(s->periods_of_hash)) == SQLITE_ROW) {
        sn_period p;
        const char *text = (const char *)sqlite3_column_text(s->periods_of_hash, 0);
        ok = text && value_period(text, &p) && ledger_need_period(l, p);
        if (ok)
            continue;
        if (text && value_period(text, &p)) {   /* the load's own message */
            if (err != ledger_error(l))
                snprintf(err, errlen, "%s", ledger_error(l));
        } else
            snprintf(err, errlen, "%s/state.sqlite: tilstanden har en ugyldig periode", s->archive);
    }
    sqlite3_reset(s->periods_of_hash);
    if (ok && step != SQLITE_DONE) {
        snprintf(err, errlen, "%s/state.sqlite: tilstanden kan ikke læses (%s)", s->archive,
                 sqlite3_errmsg(s->db));
        ok = false;
    }
    if (!ok)
        return false;
    if (ledger_loose_loaded(l))
        return true;             /* every entry without a period is in already */
    if (sqlite3_bind_text(s->loose_of_hash, 1, sha256_hex, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        snprintf(err, errlen, "%s/state.sqlite: %s", s->archive, sqlite3_errmsg(s->db));
        return false;
    }
    return restore_rows(s, l, s->loose_of_hash, err, errlen);
}

/* The entries without a period, through entries_period (NULLs are in the
 * index too). */
static bool load_loose(void *ctx, ledger *l, char *err, size_t errlen)
{
    state_store *s = ctx;
    return restore_rows(s, l, s->loose, err, errlen);
}

void state_close(state_store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->loose);
    sqlite3_finalize(s->of_period);
    sqlite3_finalize(s->periods_of_hash);
    sqlite3_finalize(s->loose_of_hash);
    sqlite3_close(s->db);
    arena_free(s->scratch);
    free(s);
}

int state_open(const char *archive, const char *run_id, const config *cfg, const config *load_cfg,
               ledger *l, state_store **out, size_t *runs, char *err, size_t errlen)
{
    char path[4200], run[64], count[32];
    state_path(archive, path, sizeof path);
    *out = NULL;
    struct stat there;
    if (lstat(path, &there) != 0)
        return 0;
    bool foreign;
    bool intact = sealed(path);
    sqlite3 *db = open_db(path, run, &foreign);
    if (!db && foreign)
        return 0;   /* an older program's state: replay, and a new one is written */
    if (db && !intact) {
        sqlite3_close(db);
        snprintf(err, errlen, "%s: tilstandens bytes er ikke dem, der blev skrevet (den er beskadiget); "
                 "alle manifester læses i stedet", path);
        return -1;
    }
    if (!db) {
        snprintf(err, errlen, "%s: tilstanden kan ikke læses; alle manifester læses i stedet", path);
        return -1;
    }
    if (strcmp(run, run_id) != 0) {
        sqlite3_close(db);
        return 0;   /* another run's: replay */
    }
    state_store *s = calloc(1, sizeof *s);
    if (!s) {
        sqlite3_close(db);
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    *s = (state_store){.db = db, .archive = archive, .cfg = cfg, .load_cfg = load_cfg,
                       .scratch = arena_new()};
    sqlite3_stmt *st = NULL;
    bool ok = s->scratch && meta_get(db, "runs", count, sizeof count) && count[0] &&
              sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(seq) + 1, 0) FROM entries", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    if (ok) {
        s->base_seq = (size_t)sqlite3_column_int64(st, 0);
        *runs = strtoul(count, NULL, 10);
    }
    sqlite3_finalize(st);
    ok = ok &&
         sqlite3_prepare_v2(db, "SELECT seq, line FROM entries INDEXED BY entries_period WHERE period = ?1 ORDER BY seq", -1,
                            &s->of_period, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(db, "SELECT DISTINCT period FROM entries INDEXED BY entries_sha256 WHERE "
                            "sha256 = ?1 AND period IS NOT NULL", -1, &s->periods_of_hash, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(db, "SELECT seq, line FROM entries INDEXED BY entries_sha256 WHERE sha256 = ?1 "
                            "AND period IS NULL ORDER BY seq", -1, &s->loose_of_hash, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(db, "SELECT seq, line, sha256 FROM entries INDEXED BY entries_period WHERE "
                            "period IS NULL ORDER BY seq", -1, &s->loose, NULL) == SQLITE_OK;
    if (!ok) {
        fail(db, path, "læses; alle manifester læses i stedet", err, errlen);
        state_close(s);
        return -1;
    }
    ledger_source src = {.ctx = s, .load_period = load_period, .load_hash = load_hash,
                         .load_loose = load_loose};
    ledger_set_source(l, &src, s->base_seq);
    *out = s;
    return 1;
}

/* ---- The share's records ---------------------------------------------------- */

static bool put_share(sqlite3 *db, const share *sh)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_exec(db, "DELETE FROM workbooks", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT INTO workbooks(file, key, run, created, version, "
                                 "config_sha256, written, sha256, size, mtime_ns, error) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", -1, &st,
                                 NULL) == SQLITE_OK;
    for (size_t i = 0; ok && sh && i < sh->n; i++) {
        const share_record *r = &sh->items[i];
        ok = sqlite3_bind_text(st, 1, r->file, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(st, 2, r->key, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(st, 3, r->run, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int64(st, 4, r->created) == SQLITE_OK &&
             sqlite3_bind_text(st, 5, r->version, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(st, 6, r->config_sha256, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int(st, 7, r->written) == SQLITE_OK &&
             sqlite3_bind_text(st, 8, r->sha256, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int64(st, 9, r->size) == SQLITE_OK &&
             sqlite3_bind_int64(st, 10, r->mtime_ns) == SQLITE_OK &&
             sqlite3_bind_text(st, 11, r->error, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return ok;
}

static void copy_column(sqlite3_stmt *st, int col, char *buf, size_t size)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    snprintf(buf, size, "%s", text ? text : "");
}

/* The records of the table, in file order. false when it cannot be read. */
static bool get_share(sqlite3 *db, share *out)
{
    sqlite3_stmt *st = NULL;
    *out = (share){0};
    bool ok = sqlite3_prepare_v2(db, "SELECT file, key, run, created, version, config_sha256, "
                                 "written, sha256, size, mtime_ns, error FROM workbooks ORDER BY file",
                                 -1, &st, NULL) == SQLITE_OK;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        share_record *r = share_get(out, (const char *)sqlite3_column_text(st, 0) ?: "");
        ok = r != NULL;
        if (!ok)
            break;
        copy_column(st, 1, r->key, sizeof r->key);
        copy_column(st, 2, r->run, sizeof r->run);
        r->created = sqlite3_column_int64(st, 3);
        copy_column(st, 4, r->version, sizeof r->version);
        copy_column(st, 5, r->config_sha256, sizeof r->config_sha256);
        r->written = sqlite3_column_int(st, 6) != 0;
        copy_column(st, 7, r->sha256, sizeof r->sha256);
        r->size = sqlite3_column_int64(st, 8);
        r->mtime_ns = sqlite3_column_int64(st, 9);
        copy_column(st, 10, r->error, sizeof r->error);
        r->dirty = false;
    }
    ok = ok && step == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        share_free(out);
    return ok;
}

int state_read_share(state_store *s, share *out, char *err, size_t errlen)
{
    if (get_share(s->db, out))
        return 0;
    snprintf(err, errlen, "%s/state.sqlite: regnearkenes register kan ikke læses (%s)", s->archive,
             sqlite3_errmsg(s->db));
    return -1;
}

int state_save_share(state_store *s, const share *sh, char *err, size_t errlen)
{
    bool begun = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    bool ok = begun && put_share(s->db, sh) && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        snprintf(err, errlen, "%s/state.sqlite: regnearkenes register kan ikke skrives (%s)", s->archive,
                 sqlite3_errmsg(s->db));
        if (begun)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    char path[4200];
    state_path(s->archive, path, sizeof path);
    return seal(path, err, errlen);
}

/* ---- Writing ----------------------------------------------------------------- */

static bool put_entry(sqlite3_stmt *st, const ledger_entry *e, const config *cfg, arena *a)
{
    char period[8] = "";
    char *line = entry_line(e, cfg, a);
    if (e->row.id.has_period)
        period_format(&e->row.id.period, period);
    bool ok = line && sqlite3_bind_int64(st, 1, (sqlite3_int64)e->seq) == SQLITE_OK &&
              sqlite3_bind_text(st, 2, e->row.id.sha256_hex, -1, SQLITE_STATIC) == SQLITE_OK &&
              (period[0] ? sqlite3_bind_text(st, 3, period, -1, SQLITE_TRANSIENT)
                         : sqlite3_bind_null(st, 3)) == SQLITE_OK &&
              sqlite3_bind_text(st, 4, line, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    free(line);
    return ok;
}

/* The digests of the given periods (all when n is SIZE_MAX) from the ledger. */
static bool put_digests(sqlite3 *db, const ledger *l, const sn_period *only, size_t n_only)
{
    period_digest *periods = NULL;
    size_t n = ledger_period_digests(l, &periods);
    sqlite3_stmt *st = NULL;
    bool ok = n != (size_t)-1 &&
              sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO periods(period, digest) VALUES(?1, ?2)", -1,
                                 &st, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < n; i++) {
        bool wanted = n_only == (size_t)-1;
        for (size_t k = 0; !wanted && k < n_only; k++)
            wanted = period_compare(&only[k], &periods[i].period) == 0;
        if (!wanted)
            continue;
        char p[8];
        period_format(&periods[i].period, p);
        ok = sqlite3_bind_text(st, 1, p, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
             sqlite3_bind_text(st, 2, periods[i].digest, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    free(periods);
    return ok;
}

static bool put_run(sqlite3 *db, const char *run_id, size_t runs)
{
    char count[32];
    snprintf(count, sizeof count, "%zu", runs);
    return meta_put(db, "format", STATE_FORMAT) && meta_put(db, "run", run_id) &&
           meta_put(db, "runs", count);
}

int state_update(state_store *s, const ledger *l, const share *sh, const char *run_id, size_t runs,
                 char *err, size_t errlen)
{
    char path[4200];
    state_path(s->archive, path, sizeof path);
    sqlite3_stmt *insert = NULL, *update = NULL;
    size_t n_touched = 0;
    sn_period *touched = malloc((ledger_count(l) ? ledger_count(l) : 1) * sizeof *touched);
    bool ok = touched && sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    bool begun = ok;
    ok = ok && sqlite3_prepare_v2(s->db, "INSERT INTO entries(seq, sha256, period, line) VALUES(?1, ?2, ?3, ?4)",
                                  -1, &insert, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO entries(seq, sha256, period, line) "
                            "VALUES(?1, ?2, ?3, ?4)", -1, &update, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < ledger_count(l); i++) {
        const ledger_entry *e = ledger_get(l, i);
        bool fresh = e->seq >= s->base_seq;
        if (!fresh && !e->changed)
            continue;
        ok = put_entry(fresh ? insert : update, e, s->cfg, s->scratch);
        if (e->row.id.has_period) {
            bool seen = false;
            for (size_t k = 0; k < n_touched && !seen; k++)
                seen = period_compare(&touched[k], &e->row.id.period) == 0;
            if (!seen)
                touched[n_touched++] = e->row.id.period;
        }
    }
    sqlite3_finalize(insert);
    sqlite3_finalize(update);
    bool faulted = ok && fault_at_commit(err, errlen, path);
    ok = ok && !faulted && put_digests(s->db, l, touched, n_touched) && put_share(s->db, sh) &&
         put_run(s->db, run_id, runs) && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    free(touched);
    if (!ok) {
        if (!faulted)
            fail(s->db, path, "skrives", err, errlen);
        if (begun)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return seal(path, err, errlen);
}

int state_write(const char *archive, const char *run_id, size_t runs, const ledger *l,
                const share *sh, const config *cfg, char *err, size_t errlen)
{
    char path[4200], tmp[4200], journal[4300];
    state_path(archive, path, sizeof path);
    if (!durable_temp_name(path, tmp, sizeof tmp)) {
        snprintf(err, errlen, "%s: stien er for lang", path);
        return -1;
    }
    unlink(tmp);
    sqlite3 *db = NULL;
    sqlite3_stmt *insert = NULL;
    arena *a = arena_new();
    /* A file of its own, renamed over the old state once complete: no
     * journal needed for it. */
    bool ok = a && sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK &&
              sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL) ==
                  SQLITE_OK &&
              sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT INTO entries(seq, sha256, period, line) VALUES(?1, ?2, ?3, ?4)",
                                 -1, &insert, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < ledger_count(l); i++) {
        ok = put_entry(insert, ledger_get(l, i), cfg, a);
        if (i % 4096 == 4095) {   /* the texts made safe so far can go */
            arena_free(a);
            ok = ok && (a = arena_new());
        }
    }
    sqlite3_finalize(insert);
    bool faulted = ok && fault_at_commit(err, errlen, path);
    ok = ok && !faulted && put_digests(db, l, NULL, (size_t)-1) && put_share(db, sh) &&
         put_run(db, run_id, runs) && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok && !faulted)
        fail(db, path, "skrives", err, errlen);
    ok = sqlite3_close(db) == SQLITE_OK && ok;
    arena_free(a);
    /* A journal left by a crash belongs to the old state, never to this one. */
    snprintf(journal, sizeof journal, "%s-journal", path);
    struct stat st;
    if (ok && lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        durable_set_aside(path);   /* a FIFO, a link or a folder in its place */
    if (ok && ((unlink(journal) != 0 && errno != ENOENT) || durable_commit(tmp, path) != 0)) {
        snprintf(err, errlen, "%s: tilstanden kan ikke skrives: %s", path, errno_text(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    if (ok && seal(path, err, errlen) != 0)
        ok = false;
    if (ok) {   /* the state of versions before 0.3, read no more */
        archive_path(journal, sizeof journal, archive, ARCHIVE_OLD_STATE_TSV, NULL, NULL);
        unlink(journal);
    }
    return ok ? 0 : -1;
}

/* ---- Reading it all ---------------------------------------------------------- */

static int compare_period_digests(const void *a, const void *b)
{
    return period_compare(&((const period_digest *)a)->period, &((const period_digest *)b)->period);
}

size_t state_period_digests(state_store *s, const ledger *l, period_digest **out)
{
    period_digest *mine = NULL;
    size_t n_mine = ledger_period_digests(l, &mine), n = 0, n_stored = 0;
    sqlite3_stmt *st = NULL;
    bool ok = n_mine != (size_t)-1 &&
              sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM periods", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        n_stored = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    *out = ok ? malloc((n_stored + n_mine + 1) * sizeof **out) : NULL;
    ok = *out && sqlite3_prepare_v2(s->db, "SELECT period, digest FROM periods", -1, &st, NULL) == SQLITE_OK;
    /* The state's, but for the periods the ledger holds (loaded whole, and
     * changed by this run): those are the ledger's. */
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW && n < n_stored) {
        period_digest x;
        const char *text = (const char *)sqlite3_column_text(st, 0);
        const char *digest = (const char *)sqlite3_column_text(st, 1);
        ok = text && digest && value_period(text, &x.period) && strlen(digest) == 64;
        if (ok && !bsearch(&x, mine, n_mine, sizeof *mine, compare_period_digests)) {
            memcpy(x.digest, digest, 65);
            (*out)[n++] = x;
        }
    }
    ok = ok && step == SQLITE_DONE;
    sqlite3_finalize(st);
    if (ok) {
        memcpy(*out + n, mine, n_mine * sizeof *mine);
        n += n_mine;
        qsort(*out, n, sizeof **out, compare_period_digests);
    }
    free(mine);
    if (!ok) {
        free(*out);
        *out = NULL;
        return (size_t)-1;
    }
    return n;
}

/* The seqs a statement gives (bound to one text) against the expected ones. */
static bool seqs_match(sqlite3_stmt *st, const char *key, const size_t *want, size_t n)
{
    size_t k = 0;
    bool same = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT) == SQLITE_OK;
    int step;
    while (same && (step = sqlite3_step(st)) == SQLITE_ROW)
        same = k < n && (size_t)sqlite3_column_int64(st, 0) == want[k++];
    same = same && k == n;
    sqlite3_reset(st);
    return same;
}

/* Whether the indexes the night reads through give what the table holds:
 * every period's entries through entries_period, every hash's through
 * entries_sha256, each against the replayed ledger. */
static bool lookups_match(sqlite3 *db, const ledger *l, const period_digest *periods, size_t n_periods)
{
    size_t n = ledger_count(l);
    sqlite3_stmt *by_period = NULL, *by_sha = NULL;
    size_t *want = malloc((n ? n : 1) * sizeof *want);
    text_place *all = malloc((n ? n : 1) * sizeof *all);
    bool same = want && all &&
                sqlite3_prepare_v2(db, "SELECT seq FROM entries INDEXED BY entries_period WHERE period = ?1 "
                                   "ORDER BY seq", -1, &by_period, NULL) == SQLITE_OK &&
                sqlite3_prepare_v2(db, "SELECT seq FROM entries INDEXED BY entries_sha256 WHERE sha256 = ?1 "
                                   "ORDER BY seq", -1, &by_sha, NULL) == SQLITE_OK;
    for (size_t p = 0; same && p < n_periods; p++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const ledger_entry *e = ledger_get(l, i);
            if (e->row.id.has_period && period_compare(&e->row.id.period, &periods[p].period) == 0)
                want[k++] = e->seq;
        }
        char text[8];
        period_format(&periods[p].period, text);
        same = seqs_match(by_period, text, want, k);
    }
    for (size_t i = 0; same && i < n; i++)
        all[i] = (text_place){ledger_get(l, i)->row.id.sha256_hex, ledger_get(l, i)->seq};
    if (same && n)
        qsort(all, n, sizeof *all, text_place_compare);
    for (size_t i = 0; same && i < n;) {
        size_t j = i;
        while (j < n && strcmp(all[j].text, all[i].text) == 0) {
            want[j - i] = all[j].place;
            j++;
        }
        same = seqs_match(by_sha, all[i].text, want, j - i);
        i = j;
    }
    sqlite3_finalize(by_period);
    sqlite3_finalize(by_sha);
    free(want);
    free(all);
    return same;
}

/* One piece because it compares the state with the replayed ledger table by table
 * through the same look-ups the night uses, with one way out. */
int state_matches(const char *archive, const char *run_id, size_t runs, const ledger *l,
                  const share *sh, const config *cfg, char *err, size_t errlen)
{
    char path[4200], run[64], count[32];
    state_path(archive, path, sizeof path);
    sqlite3 *db = open_db(path, run, NULL);
    if (!db) {
        snprintf(err, errlen, "%s: tilstanden kan ikke læses", path);
        return 0;   /* unreadable is different */
    }
    sqlite3_stmt *st = NULL;
    arena *a = arena_new();
    period_digest *periods = NULL;
    size_t n_periods = ledger_period_digests(l, &periods), i = 0;
    int same = a && n_periods != (size_t)-1 ? 1 : -1;
    if (same < 0)
        snprintf(err, errlen, "ikke nok hukommelse");
    snprintf(count, sizeof count, "%zu", runs);
    char stored[32];
    if (same == 1 && !sealed(path))
        same = 0;            /* its bytes are not the ones written */
    if (same == 1 && (strcmp(run, run_id) != 0 || !meta_get(db, "runs", stored, sizeof stored) ||
                      strcmp(stored, count) != 0))
        same = 0;
    if (same == 1 && sqlite3_prepare_v2(db, "SELECT seq, sha256, period, line FROM entries ORDER BY seq", -1,
                                        &st, NULL) != SQLITE_OK)
        same = 0;
    while (same == 1 && sqlite3_step(st) == SQLITE_ROW) {
        const ledger_entry *e = i < ledger_count(l) ? ledger_get(l, i) : NULL;
        char *line = e ? entry_line(e, cfg, a) : NULL;
        char period[8] = "";
        if (e && e->row.id.has_period)
            period_format(&e->row.id.period, period);
        const char *db_period = (const char *)sqlite3_column_text(st, 2);
        same = e && line && (size_t)sqlite3_column_int64(st, 0) == e->seq &&
               strcmp((const char *)sqlite3_column_text(st, 1), e->row.id.sha256_hex) == 0 &&
               strcmp(db_period ? db_period : "", period) == 0 &&
               strcmp((const char *)sqlite3_column_text(st, 3), line) == 0;
        free(line);
        i++;
    }
    if (same == 1 && i != ledger_count(l))
        same = 0;
    sqlite3_finalize(st);
    st = NULL;
    size_t k = 0;
    if (same == 1 && sqlite3_prepare_v2(db, "SELECT period, digest FROM periods ORDER BY period", -1, &st,
                                        NULL) != SQLITE_OK)
        same = 0;
    while (same == 1 && sqlite3_step(st) == SQLITE_ROW) {
        char p[8] = "";
        if (k < n_periods)
            period_format(&periods[k].period, p);
        same = k < n_periods && strcmp((const char *)sqlite3_column_text(st, 0), p) == 0 &&
               strcmp((const char *)sqlite3_column_text(st, 1), periods[k].digest) == 0;
        k++;
    }
    if (same == 1 && k != n_periods)
        same = 0;
    sqlite3_finalize(st);
    if (same == 1 && !lookups_match(db, l, periods, n_periods))
        same = 0;
    /* The share's records: what each workbook must be and what was written
     * (not when the folder was last looked at: the size and time). */
    share kept;
    if (same == 1 && !get_share(db, &kept))
        same = 0;
    else if (same == 1) {
        same = kept.n == sh->n;
        for (size_t r = 0; same && r < sh->n; r++) {
            const share_record *x = &sh->items[r];
            const share_record *y = share_find(&kept, x->file);
            same = y && strcmp(x->key, y->key) == 0 && strcmp(x->run, y->run) == 0 &&
                   x->created == y->created && x->written == y->written &&
                   strcmp(x->sha256, y->sha256) == 0;
        }
        share_free(&kept);
    }
    sqlite3_close(db);
    arena_free(a);
    free(periods);
    return same;
}

/* ---- Backups ------------------------------------------------------------------ */

int state_copy(const char *from, const char *to, char *err, size_t errlen)
{
    char tmp[4200];
    if (!durable_temp_name(to, tmp, sizeof tmp)) {
        snprintf(err, errlen, "%s: stien er for lang", to);
        return -1;
    }
    unlink(tmp);
    sqlite3 *src = NULL, *dst = NULL;
    int rc = -1;
    if (!durable_is_regular(from)) {
        snprintf(err, errlen, "%s: %s", from, durable_open_failure(errno));
        return -1;
    }
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        fail(src, from, "læses", err, errlen);
        goto done;
    }
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fail(dst, to, "skrives", err, errlen);
        goto done;
    }
    /* SQLite's online backup: a consistent copy, page by page. */
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        fail(dst, to, "skrives", err, errlen);
        goto done;
    }
    int step = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (step != SQLITE_DONE) {
        fail(dst, to, "skrives", err, errlen);
        goto done;
    }
    if (sqlite3_close(dst) != SQLITE_OK) {
        fail(dst, to, "skrives", err, errlen);
        dst = NULL;
        goto done;
    }
    dst = NULL;
    if (durable_commit(tmp, to) != 0) {
        snprintf(err, errlen, "%s: kan ikke gemmes: %s", to, errno_text(errno));
        goto done;
    }
    rc = seal(to, err, errlen);
done:
    sqlite3_close(src);
    sqlite3_close(dst);
    if (rc != 0)
        unlink(tmp);
    return rc;
}
