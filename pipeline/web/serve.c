/* serve.c — the HTTP service of serve.h on libmicrohttpd: a thread per
 * connection (one huge or slow request delays only itself), capped in all
 * and per address, idle connections closed, a request not read whole within
 * its deadline refused, a body over the limit refused before it is read. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>

#include "accounts.h"
#include "assets.h"
#include "audit.h"
#include "durable.h"
#include "page.h"
#include "previous.h"
#include "process.h"
#include "report.h"
#include "sha256.h"
#include "strbuf.h"
#include "text.h"
#include "values.h"

enum { MAX_FORM_FILES = 8, FAILURE_SLOTS = 256, CSRF_LIFETIME = 12 * 3600 };

/* Failed logins by address: the next answer to that address waits longer. */
typedef struct {
    char address[64];
    unsigned failures;
    time_t last;
} failure_slot;

struct serve_server {
    serve_options o;
    struct MHD_Daemon *daemon;
    accounts *accounts;          /* NULL: no deliveries */
    unsigned char csrf_key[32];  /* form tokens when there are no accounts */
    pthread_mutex_t lock;        /* failures */
    failure_slot failures[FAILURE_SLOTS];
};

typedef enum { ROUTE_NONE, ROUTE_API_CHECK, ROUTE_API_DELIVER, ROUTE_FORM_CHECK, ROUTE_FORM_DELIVER } route;

typedef struct {
    strbuf name, data;
} form_file;

/* One request being read. */
typedef struct {
    route route;
    struct timespec began;
    size_t limit, received;
    bool refused;                /* a response is queued already */
    strbuf body;                 /* the API's body */
    struct MHD_PostProcessor *post;
    form_file files[MAX_FORM_FILES];
    size_t n_files;
    strbuf csrf, kode, token;
} request;

/* ---- Answers ------------------------------------------------------------ */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type, const char *data,
                              size_t len, const char *extra_header, const char *extra_value)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    if (extra_header)
        MHD_add_response_header(r, extra_header, extra_value);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result answer_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!text)
        return answer(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", "ikke nok hukommelse\n",
                      21, NULL, NULL);
    strbuf b = STRBUF_INIT;
    strbuf_addf(&b, "%s\n", text);
    free(text);
    enum MHD_Result ok = answer(c, status, "application/json; charset=utf-8", strbuf_str(&b), b.len, NULL, NULL);
    strbuf_release(&b);
    return ok;
}

static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned status, const char *why)
{
    return answer_json(c, status, json_pack("{s:i, s:s}", "status", (int)status, "error", why));
}

static enum MHD_Result answer_page(struct MHD_Connection *c, unsigned status, strbuf *page)
{
    enum MHD_Result ok = page->failed ? answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "ikke nok hukommelse")
                                      : answer(c, status, "text/html; charset=utf-8", page->buf, page->len, NULL,
                                               NULL);
    strbuf_release(page);
    return ok;
}

/* ---- Who is asking ------------------------------------------------------- */

static void client_address(struct MHD_Connection *c, char out[64])
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, 64, "?");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, 64);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, 64);
}

/* A request from another site is refused (CSRF): the browser says so in
 * Sec-Fetch-Site, or an Origin names another host than the request's. */
static bool same_site(struct MHD_Connection *c)
{
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return false;
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!origin)
        return true;
    const char *after = strstr(origin, "://");
    return host && after && strcmp(after + 3, host) == 0;
}

static void csrf_token(const serve_server *s, time_t issued, char out[96])
{
    char data[64], mac[65];
    snprintf(data, sizeof data, "csrf:%lld", (long long)issued);
    if (s->accounts) {
        accounts_sign(s->accounts, data, mac);
    } else {
        strbuf keyed = STRBUF_INIT;
        char key[65];
        sha256_hex(s->csrf_key, key);
        strbuf_addf(&keyed, "%s:%s", key, data);
        sha256_hex_of(strbuf_str(&keyed), keyed.len, mac);
        strbuf_release(&keyed);
        OPENSSL_cleanse(key, sizeof key);
    }
    snprintf(out, 96, "%lld.%s", (long long)issued, mac);
}

static bool csrf_ok(const serve_server *s, const char *token)
{
    char *dot;
    long long issued = strtoll(token, &dot, 10);
    time_t now = time(NULL);
    if (*dot != '.' || issued > (long long)now || (long long)now - issued > CSRF_LIFETIME)
        return false;
    char want[96];
    csrf_token(s, (time_t)issued, want);
    return strlen(want) == strlen(token) && CRYPTO_memcmp(want, token, strlen(want)) == 0;
}

/* The growing delay after failed logins from one address: 0,2 s, 0,4 s, …,
 * at most 10 s; a success forgets them. */
static void note_login(serve_server *s, const char *address, bool ok)
{
    unsigned wait_ms = 0;
    pthread_mutex_lock(&s->lock);
    failure_slot *slot = NULL, *oldest = &s->failures[0];
    for (size_t i = 0; i < FAILURE_SLOTS; i++) {
        if (strcmp(s->failures[i].address, address) == 0)
            slot = &s->failures[i];
        if (s->failures[i].last < oldest->last)
            oldest = &s->failures[i];
    }
    if (ok && slot) {
        memset(slot, 0, sizeof *slot);
    } else if (!ok) {
        if (!slot) {
            slot = oldest;
            memset(slot, 0, sizeof *slot);
            snprintf(slot->address, sizeof slot->address, "%s", address);
        }
        slot->failures++;
        slot->last = time(NULL);
        wait_ms = 200u << (slot->failures > 6 ? 6 : slot->failures - 1);
        if (wait_ms > 10000)
            wait_ms = 10000;
    }
    pthread_mutex_unlock(&s->lock);
    if (wait_ms)
        usleep(wait_ms * 1000u);
}

/* ---- The check, one code path with `statusnotat check --json` ------------ */

/* The check of one file's bytes: f->p, and the document check --json writes
 * for it in f->json (malloc'd). */
static void check_file(const serve_server *s, page_file *f)
{
    if (process_memory(f->data, f->len, f->name, s->o.cfg, &f->p) != 0) {
        f->failed = true;
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    bool ok = out && report_check_begin(out) == 0 && report_check_file(out, &f->p, s->o.cfg, 0) == 0 &&
              report_check_end(out, f->p.accepted, !f->p.accepted) == 0;
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok) {
        free(text);
        text = NULL;
        f->failed = true;
    }
    f->json = text;
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *c = f->failed ? NULL : open_memstream(&csv, &csv_len);
    if (c) {
        bool csv_ok = report_findings_csv(c, &f->p) == 0;
        if (fclose(c) != 0 || !csv_ok) {
            free(csv);
            csv = NULL;
        }
    }
    f->csv = csv;
}

static void release_file(page_file *f)
{
    processed_file_release(&f->p);
    free((char *)f->json);
    free((char *)f->csv);
}

static json_t *audit_line(const char *address, const char *endpoint, const page_file *f, const char *account,
                          const config *cfg)
{
    json_t *o = json_pack("{s:s, s:s}", "address", address, "endpoint", endpoint);
    if (!o)
        return NULL;
    if (account)
        json_object_set_new(o, "account", json_string(account));
    if (f) {
        json_object_set_new(o, "file", json_string(f->name));
        json_object_set_new(o, "bytes", json_integer((json_int_t)f->len));
        if (!f->failed) {
            json_object_set_new(o, "sha256", json_string(f->p.source.sha256_hex));
            json_object_set_new(o, "errors", json_integer((json_int_t)f->p.findings.errors));
            json_object_set_new(o, "warnings", json_integer((json_int_t)f->p.findings.warnings));
            if (f->p.doc && f->p.doc->department >= 0)
                json_object_set_new(o, "department",
                                    json_string(cfg->departments.items[f->p.doc->department].file_code));
        }
    }
    return o;
}

static void audit(const serve_server *s, json_t *line, const char *decision, unsigned status, bool durable)
{
    if (!line)
        return;
    json_object_set_new(line, "decision", json_string(decision));
    json_object_set_new(line, "status", json_integer(status));
    if (s->o.audit)
        audit_append(s->o.audit, line, durable);
    else
        json_decref(line);
}

/* ---- Delivery ------------------------------------------------------------- */

/* Writes an accepted file of department `code` into the inbox under the name
 * the server chooses, <KODE>-<periode>-<sha8>.xml[.gz], atomically (a hidden
 * temporary beside it, renamed: the night never sees half a file). The
 * receipt in *receipt. 0, or -1 with a message. */
static int deliver(const serve_server *s, const page_file *f, const char *code, json_t **receipt, char *err,
                   size_t errlen)
{
    char period[8] = "ukendt";
    if (f->p.doc && f->p.doc->has_period)
        period_format(&f->p.doc->period, period);
    strbuf name = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_addf(&name, "%s-%s-%.8s.xml%s", code, period, f->p.source.sha256_hex, f->p.source.gzip ? ".gz" : "");
    strbuf_addf(&path, "%s/%s", s->o.inbox, strbuf_str(&name));
    int rc = -1;
    if (name.failed || path.failed)
        snprintf(err, errlen, "ikke nok hukommelse");
    else
        rc = durable_write(path.buf, f->data, f->len, err, errlen);
    if (rc == 0) {
        char when[32], number[64];
        time_t now = time(NULL);
        time_format_utc((int64_t)now, when);
        char stamp[24];
        time_format_stamp((int64_t)now, stamp);
        snprintf(number, sizeof number, "%s-%.8s", stamp, f->p.source.sha256_hex);
        *receipt = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "receipt", number, "file", name.buf,
                             "department", code, "sha256", f->p.source.sha256_hex, "bytes", (json_int_t)f->len,
                             "received", when, "period", period);
        if (!*receipt)
            rc = -1;
    }
    strbuf_release(&name);
    strbuf_release(&path);
    return rc;
}

/* The account's earlier deliveries, newest first (at most 20), from the
 * audit log's last megabyte. */
static void earlier_deliveries(const serve_server *s, const char *code, strbuf *page)
{
    enum { TAIL = 1 << 20 };
    if (!s->o.audit)
        return;
    /* Only the log's last megabyte is read, however long the log grows. */
    int fd = open(s->o.audit, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return;
    }
    off_t at = st.st_size > TAIL ? st.st_size - TAIL : 0;
    size_t want = (size_t)(st.st_size - at);
    char *text = malloc(want ? want : 1);
    ssize_t got = text ? pread(fd, text, want, at) : -1;
    close(fd);
    if (got < 0) {
        free(text);
        return;
    }
    size_t len = (size_t)got;
    const char *from = text;
    if (at > 0) {   /* the first line may be cut: it starts after the first newline */
        const char *nl = memchr(text, '\n', len);
        from = nl ? nl + 1 : text + len;
    }
    json_t *found = json_array();
    for (const char *p = from; p < text + len && found;) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        json_t *o = json_loadb(p, n, 0, NULL);
        const char *decision = json_string_value(json_object_get(o, "decision"));
        const char *account = json_string_value(json_object_get(o, "account"));
        if (decision && account && strcmp(decision, "delivered") == 0 && strcmp(account, code) == 0)
            json_array_insert_new(found, 0, o);
        else
            json_decref(o);
        p = nl ? nl + 1 : text + len;
    }
    free(text);
    if (found && json_array_size(found)) {
        strbuf_addf(page, "<h3>Forvaltningens afleveringer</h3>\n<table>\n<thead><tr><th scope=\"col\">Modtaget</th>"
                          "<th scope=\"col\">Gemt som</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < json_array_size(found) && i < 20; i++) {
            json_t *o = json_array_get(found, i);
            const char *fields[] = {"time", "stored_as", "sha256"};
            strbuf_addf(page, "<tr>");
            for (size_t k = 0; k < 3; k++) {
                const char *v = json_string_value(json_object_get(o, fields[k]));
                strbuf_addf(page, "<td>");
                if (v)
                    html_escape(page, v, k == 2 && strlen(v) > 12 ? 12 : strlen(v));
                strbuf_addf(page, "</td>");
            }
            strbuf_addf(page, "</tr>\n");
        }
        strbuf_addf(page, "</tbody>\n</table>\n");
    }
    json_decref(found);
}

/* The decision on a delivery of f by account code: 0 delivered (receipt),
 * else the HTTP status and why. */
static unsigned delivery_decision(const serve_server *s, const page_file *f, const char *code, json_t **receipt,
                                  char *why, size_t size)
{
    if (f->failed) {
        snprintf(why, size, "filen kunne ikke tjekkes (en fejl hos os); intet er afleveret");
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!f->p.accepted) {
        snprintf(why, size, "filen er ikke klar: %zu fejl (se tjekket); intet er afleveret", f->p.findings.errors);
        return MHD_HTTP_UNPROCESSABLE_CONTENT;
    }
    const char *own = f->p.doc->department >= 0 ? s->o.cfg->departments.items[f->p.doc->department].file_code : "?";
    if (strcmp(own, code) != 0) {
        snprintf(why, size, "dokumentet er fra %s, men kontoen er %s: en forvaltning afleverer kun sine egne", own,
                 code);
        return MHD_HTTP_FORBIDDEN;
    }
    char err[1024];
    if (deliver(s, f, code, receipt, err, sizeof err) != 0) {
        text_printf_cut(why, size, "filen kunne ikke gemmes i indbakken: %s", err);
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    return 0;
}

/* A request refused before it was read whole: said, and in the audit log. */
static enum MHD_Result refuse(serve_server *s, struct MHD_Connection *c, const char *url, unsigned status,
                              const char *why, const char *decision)
{
    char address[64];
    client_address(c, address);
    json_t *line = audit_line(address, url, NULL, NULL, s->o.cfg);
    if (line)
        json_object_set_new(line, "reason", json_string(why));
    audit(s, line, decision, status, false);
    return answer_error(c, status, why);
}

/* A delivery's audit line: delivered (with the name it was stored under and
 * the receipt, synced to disk) or why not. */
static void audit_delivery(const serve_server *s, json_t *line, unsigned status, json_t *receipt)
{
    if (status == 0) {
        if (line) {
            json_object_set(line, "stored_as", json_object_get(receipt, "file"));
            json_object_set(line, "receipt", json_object_get(receipt, "receipt"));
        }
        audit(s, line, "delivered", 200, true);
    } else {
        audit(s, line, status == 403 ? "wrong-department" : status == 422 ? "not-ready" : "failed", status, false);
    }
}

/* ---- Reading requests ----------------------------------------------------- */

static enum MHD_Result on_form_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                    const char *content_type, const char *transfer_encoding, const char *data,
                                    uint64_t off, size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    request *r = cls;
    if (!key)
        return MHD_YES;
    if (strcmp(key, "fil") == 0) {
        if (off == 0) {
            if (r->n_files == MAX_FORM_FILES)
                return MHD_YES;   /* the rest are said as not read */
            r->n_files++;
            strbuf_addf(&r->files[r->n_files - 1].name, "%s", filename && *filename ? filename : "uden-navn.xml");
        }
        if (r->n_files)
            strbuf_add(&r->files[r->n_files - 1].data, data, size);
    } else if (strcmp(key, "csrf") == 0 && r->csrf.len < 256) {
        strbuf_add(&r->csrf, data, size);
    } else if (strcmp(key, "kode") == 0 && r->kode.len < 64) {
        strbuf_add(&r->kode, data, size);
    } else if (strcmp(key, "token") == 0 && r->token.len < 256) {
        strbuf_add(&r->token, data, size);
    }
    return MHD_YES;
}

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* The first call for a request: its route, its limit, and a body over the
 * limit refused before it is read (Content-Length; with Expect:
 * 100-continue the client sends nothing). */
static enum MHD_Result begin(serve_server *s, struct MHD_Connection *c, const char *url, const char *method,
                             void **state)
{
    request *r = calloc(1, sizeof *r);
    if (!r)
        return MHD_NO;
    clock_gettime(CLOCK_MONOTONIC, &r->began);
    *state = r;
    if (strcmp(method, "POST") != 0)
        return MHD_YES;
    size_t file_limit = (size_t)s->o.cfg->max_file_bytes;
    r->route = strcmp(url, "/api/check") == 0     ? ROUTE_API_CHECK
               : strcmp(url, "/api/deliver") == 0 ? ROUTE_API_DELIVER
               : strcmp(url, "/check") == 0       ? ROUTE_FORM_CHECK
               : strcmp(url, "/deliver") == 0     ? ROUTE_FORM_DELIVER
                                                  : ROUTE_NONE;
    r->limit = r->route == ROUTE_FORM_CHECK ? file_limit * MAX_FORM_FILES + 65536 : file_limit + 65536;
    if (r->route == ROUTE_API_CHECK || r->route == ROUTE_API_DELIVER)
        r->limit = file_limit;
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length && strtoull(length, NULL, 10) > r->limit) {
        r->refused = true;
        char why[160];
        snprintf(why, sizeof why, "for stor: højst %zu bytes", r->limit);
        return refuse(s, c, url, MHD_HTTP_CONTENT_TOO_LARGE, why, "too-large");
    }
    if (r->route == ROUTE_FORM_CHECK || r->route == ROUTE_FORM_DELIVER) {
        r->post = MHD_create_post_processor(c, 64 * 1024, on_form_part, r);
        if (!r->post) {
            r->refused = true;
            return answer_error(c, MHD_HTTP_BAD_REQUEST, "formularen kan ikke læses (multipart/form-data ventet)");
        }
    }
    return MHD_YES;
}

/* ---- The routes ----------------------------------------------------------- */

static enum MHD_Result api_check(serve_server *s, struct MHD_Connection *c, request *r, const char *address)
{
    const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    arena *names = arena_new();
    page_file f = {.name = names ? text_name_escape(names, given && *given ? given : "upload.xml") : NULL,
                   .data = r->body.buf ? r->body.buf : "", .len = r->body.len};
    if (!f.name) {
        arena_free(names);
        return answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "ikke nok hukommelse");
    }
    check_file(s, &f);
    enum MHD_Result ok;
    unsigned status = f.failed ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_OK;
    const char *format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    if (f.failed)
        ok = answer_error(c, status, "tjekket kunne ikke gennemføres");
    else if (format && strcmp(format, "csv") == 0 && f.csv)
        ok = answer(c, status, "text/csv; charset=utf-8", f.csv, strlen(f.csv), "Content-Disposition",
                    "attachment; filename=\"fund.csv\"");
    else
        ok = answer(c, status, "application/json; charset=utf-8", f.json, strlen(f.json), NULL, NULL);
    audit(s, audit_line(address, "/api/check", &f, NULL, s->o.cfg),
          f.failed ? "check-failed" : f.p.accepted ? "ready" : "not-ready", status, false);
    release_file(&f);
    arena_free(names);
    return ok;
}

static enum MHD_Result unauthorized(serve_server *s, struct MHD_Connection *c, const char *address,
                                    const char *account)
{
    note_login(s, address, false);
    audit(s, audit_line(address, "/api/deliver", NULL, account, s->o.cfg), "unauthorized", 401, false);
    const char *why = "{\n  \"status\": 401,\n  \"error\": \"filkode og nøgle passer ikke\"\n}\n";
    return answer(c, MHD_HTTP_UNAUTHORIZED, "application/json; charset=utf-8", why, strlen(why),
                  MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"statusnotat\", charset=\"UTF-8\"");
}

static enum MHD_Result api_deliver(serve_server *s, struct MHD_Connection *c, request *r, const char *address)
{
    if (!s->accounts)
        return answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "aflevering er ikke sat op (serve --accounts)");
    if (!same_site(c))
        return refuse(s, c, "/api/deliver", MHD_HTTP_FORBIDDEN, "en anmodning fra et andet websted afvises",
                      "cross-site");
    char *password = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &password);
    bool ok_login = user && password && accounts_check(s->accounts, user, password);
    if (!ok_login) {
        enum MHD_Result res = unauthorized(s, c, address, user);
        MHD_free(user);
        MHD_free(password);
        return res;
    }
    note_login(s, address, true);
    const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    arena *names = arena_new();
    page_file f = {.name = names ? text_name_escape(names, given && *given ? given : "upload.xml") : NULL,
                   .data = r->body.buf ? r->body.buf : "", .len = r->body.len};
    enum MHD_Result res;
    if (!f.name) {
        res = answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "ikke nok hukommelse");
    } else {
        check_file(s, &f);
        json_t *receipt = NULL;
        char why[1200];
        unsigned status = delivery_decision(s, &f, user, &receipt, why, sizeof why);
        audit_delivery(s, audit_line(address, "/api/deliver", &f, user, s->o.cfg), status, receipt);
        if (status == 0) {
            res = answer_json(c, MHD_HTTP_OK, receipt);
        } else {
            json_t *o = json_pack("{s:i, s:s}", "status", (int)status, "error", why);
            if (o && status == 422 && f.json)
                json_object_set_new(o, "check", json_loads(f.json, 0, NULL));
            res = answer_json(c, status, o);
        }
    }
    release_file(&f);
    arena_free(names);
    MHD_free(user);
    MHD_free(password);
    return res;
}

static enum MHD_Result form_check(serve_server *s, struct MHD_Connection *c, request *r, const char *address)
{
    if (!same_site(c) || !csrf_ok(s, strbuf_str(&r->csrf)))
        return refuse(s, c, "/form", MHD_HTTP_FORBIDDEN,
                      "formularen er udløbet eller kommer fra et andet websted: hent siden igen", "cross-site");
    /* ?del=1: the results alone, for the page's script; else a whole page. */
    const char *part = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "del");
    bool whole = !part;
    strbuf page = STRBUF_INIT;
    if (whole)
        page_begin(&page, "Statusnotat: resultat af tjekket");
    arena *names = arena_new();
    for (size_t i = 0; i < r->n_files && names; i++) {
        page_file f = {.name = text_name_escape(names, strbuf_str(&r->files[i].name)),
                       .data = r->files[i].data.buf ? r->files[i].data.buf : "", .len = r->files[i].data.len};
        if (!f.name)
            break;
        check_file(s, &f);
        char why[512];
        previous_view *before = s->o.archive && !f.failed
                                    ? previous_open(s->o.archive, s->o.cfg, f.p.doc, f.name, why, sizeof why)
                                    : NULL;
        f.changes = previous_report(before);
        page_result(&page, &f, s->o.cfg, i);
        previous_free(before);
        audit(s, audit_line(address, "/check", &f, NULL, s->o.cfg),
              f.failed ? "check-failed" : f.p.accepted ? "ready" : "not-ready", 200, false);
        release_file(&f);
    }
    arena_free(names);
    if (!r->n_files)
        strbuf_addf(&page, "<p>Ingen filer valgt.</p>\n");
    if (whole) {
        strbuf_addf(&page, "<p><a href=\"/\">Tjek flere filer</a></p>\n");
        page_end(&page);
    }
    return answer_page(c, MHD_HTTP_OK, &page);
}

static enum MHD_Result form_deliver(serve_server *s, struct MHD_Connection *c, request *r, const char *address)
{
    if (!s->accounts)
        return answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "aflevering er ikke sat op (serve --accounts)");
    if (!same_site(c) || !csrf_ok(s, strbuf_str(&r->csrf)))
        return refuse(s, c, "/form", MHD_HTTP_FORBIDDEN,
                      "formularen er udløbet eller kommer fra et andet websted: hent siden igen", "cross-site");
    const char *code = strbuf_str(&r->kode), *token = strbuf_str(&r->token);
    strbuf page = STRBUF_INIT;
    page_begin(&page, "Statusnotat: aflevering");
    unsigned status = MHD_HTTP_OK;
    if (!accounts_check(s->accounts, code, token)) {
        note_login(s, address, false);
        audit(s, audit_line(address, "/deliver", NULL, code, s->o.cfg), "unauthorized", 401, false);
        status = MHD_HTTP_UNAUTHORIZED;
        strbuf_addf(&page, "<h2 class=\"dom ikke-klar\" id=\"dom-0\" tabindex=\"-1\">Ikke afleveret</h2>\n"
                           "<p>Filkode og nøgle passer ikke.</p>\n");
    } else if (r->n_files != 1) {
        status = MHD_HTTP_BAD_REQUEST;
        strbuf_addf(&page, "<p>Vælg én fil.</p>\n");
    } else {
        note_login(s, address, true);
        arena *names = arena_new();
        page_file f = {.name = names ? text_name_escape(names, strbuf_str(&r->files[0].name)) : NULL,
                       .data = r->files[0].data.buf ? r->files[0].data.buf : "", .len = r->files[0].data.len};
        if (f.name) {
            check_file(s, &f);
            json_t *receipt = NULL;
            char why[1200];
            unsigned decision = delivery_decision(s, &f, code, &receipt, why, sizeof why);
            audit_delivery(s, audit_line(address, "/deliver", &f, code, s->o.cfg), decision, receipt);
            if (decision == 0) {
                strbuf_addf(&page, "<h2 class=\"dom klar\" id=\"dom-0\" tabindex=\"-1\">Afleveret</h2>\n<dl>\n");
                const char *keys[][2] = {{"receipt", "Kvittering"}, {"file", "Gemt som"}, {"sha256", "SHA-256"},
                                         {"received", "Modtaget"}};
                for (size_t k = 0; k < 4; k++) {
                    strbuf_addf(&page, "<dt>%s</dt><dd>", keys[k][1]);
                    const char *v = json_string_value(json_object_get(receipt, keys[k][0]));
                    if (v)
                        html_escape(&page, v, strlen(v));
                    strbuf_addf(&page, "</dd>\n");
                }
                strbuf_addf(&page, "</dl>\n");
                json_decref(receipt);
                earlier_deliveries(s, code, &page);
            } else {
                status = decision;
                strbuf_addf(&page, "<h2 class=\"dom ikke-klar\" id=\"dom-0\" tabindex=\"-1\">Ikke afleveret</h2>\n<p>");
                html_escape(&page, why, strlen(why));
                strbuf_addf(&page, "</p>\n");
                if (decision == 422)
                    page_result(&page, &f, s->o.cfg, 1);
            }
        }
        release_file(&f);
        arena_free(names);
    }
    strbuf_addf(&page, "<p><a href=\"/\">Tilbage</a></p>\n");
    page_end(&page);
    return answer_page(c, status, &page);
}

static enum MHD_Result get(serve_server *s, struct MHD_Connection *c, const char *url)
{
    if (strcmp(url, "/") == 0) {
        char csrf[96];
        csrf_token(s, time(NULL), csrf);
        strbuf page = STRBUF_INIT;
        page_begin(&page, "Statusnotat: tjek og aflever");
        page_form(&page, csrf, s->accounts != NULL);
        page_end(&page);
        return answer_page(c, MHD_HTTP_OK, &page);
    }
    if (strcmp(url, "/regler") == 0) {
        strbuf page = STRBUF_INIT;
        page_rules(&page);
        return answer_page(c, MHD_HTTP_OK, &page);
    }
    if (strncmp(url, "/regler/", 8) == 0) {
        strbuf page = STRBUF_INIT;
        if (page_rule(&page, url + 8))
            return answer_page(c, MHD_HTTP_OK, &page);
        strbuf_release(&page);
    }
    const char *type;
    size_t len;
    const char *asset = assets_find(url, &type, &len);
    if (asset)
        return answer(c, MHD_HTTP_OK, type, asset, len, NULL, NULL);
    return answer_error(c, MHD_HTTP_NOT_FOUND, "ingen sådan side");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    serve_server *s = cls;
    if (!*state)
        return begin(s, c, url, method, state);
    request *r = *state;
    if (r->refused) {
        *upload_size = 0;   /* the answer is queued; the rest is not read */
        return MHD_YES;
    }
    if (*upload_size) {
        r->received += *upload_size;
        if (r->received > r->limit) {
            r->refused = true;
            *upload_size = 0;
            char why[160];
            snprintf(why, sizeof why, "for stor: højst %zu bytes", r->limit);
            return refuse(s, c, url, MHD_HTTP_CONTENT_TOO_LARGE, why, "too-large");
        }
        if (seconds_since(&r->began) > (double)s->o.request_seconds) {
            r->refused = true;
            *upload_size = 0;
            return refuse(s, c, url, MHD_HTTP_REQUEST_TIMEOUT, "for langsom: anmodningen blev ikke læst færdig i tide",
                          "too-slow");
        }
        bool ok = r->post ? MHD_post_process(r->post, upload, *upload_size) == MHD_YES
                          : strbuf_add(&r->body, upload, *upload_size);
        *upload_size = 0;
        if (!ok) {
            r->refused = true;
            return answer_error(c, MHD_HTTP_BAD_REQUEST, "formularen kan ikke læses");
        }
        return MHD_YES;
    }
    char address[64];
    client_address(c, address);
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return get(s, c, url);
    if (strcmp(method, "POST") != 0)
        return answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "kun GET og POST");
    switch (r->route) {
    case ROUTE_API_CHECK: return api_check(s, c, r, address);
    case ROUTE_API_DELIVER: return api_deliver(s, c, r, address);
    case ROUTE_FORM_CHECK: return form_check(s, c, r, address);
    case ROUTE_FORM_DELIVER: return form_deliver(s, c, r, address);
    case ROUTE_NONE: break;
    }
    return answer_error(c, MHD_HTTP_NOT_FOUND, "ingen sådan side");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    request *r = *state;
    if (!r)
        return;
    if (r->post)
        MHD_destroy_post_processor(r->post);
    strbuf_release(&r->body);
    for (size_t i = 0; i < r->n_files; i++) {
        strbuf_release(&r->files[i].name);
        strbuf_release(&r->files[i].data);
    }
    strbuf_release(&r->csrf);
    strbuf_release(&r->kode);
    OPENSSL_cleanse(r->token.buf, r->token.alloc);
    strbuf_release(&r->token);
    free(r);
    *state = NULL;
}

serve_server *serve_start(const serve_options *o, char *err, size_t errlen)
{
    serve_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return NULL;
    }
    s->o = *o;
    pthread_mutex_init(&s->lock, NULL);
    if (o->accounts && !(s->accounts = accounts_load(o->accounts, err, errlen))) {
        free(s);
        return NULL;
    }
    if (getrandom(s->csrf_key, sizeof s->csrf_key, 0) != (ssize_t)sizeof s->csrf_key) {
        snprintf(err, errlen, "tilfældige bytes kan ikke fås: %s", errno_text(errno));
        accounts_free(s->accounts);
        free(s);
        return NULL;
    }
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)o->port)};
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    const struct sockaddr *addr = NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (inet_pton(AF_INET, o->host, &a4.sin_addr) == 1) {
        addr = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, o->host, &a6.sin6_addr) == 1) {
        addr = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "%s er ikke en IP-adresse", o->host);
        accounts_free(s->accounts);
        free(s);
        return NULL;
    }
    s->daemon = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, addr,
                                 MHD_OPTION_CONNECTION_LIMIT, o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                 o->per_address, MHD_OPTION_CONNECTION_TIMEOUT, o->idle_seconds,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
                                 on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "kan ikke lytte på %s:%u: %s", o->host, o->port, errno_text(errno));
        accounts_free(s->accounts);
        free(s);
        return NULL;
    }
    return s;
}

unsigned serve_port(const serve_server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : s->o.port;
}

void serve_stop(serve_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    accounts_free(s->accounts);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
