/* serve.h — `statusnotat serve`: the departments' pre-flight page and API
 * over HTTP (libmicrohttpd), behind the municipality's TLS reverse proxy.
 *
 *   GET  /                 the page: pick or drop files, check, deliver
 *   POST /check            the page's form (multipart): the result as HTML
 *   POST /deliver          the page's delivery form (multipart, account and token)
 *   POST /api/check        the file as the body: check --json's document
 *   POST /api/deliver      the file as the body, HTTP Basic (file code, token):
 *                          a receipt, or why not
 *   GET  /assets/…         the page's CSS and JavaScript (inside the binary)
 *
 * Every check is the command line's (process_memory and report_check_*);
 * every request is one line of the audit log. Nothing here prints: the
 * command prints what serve_start says. */
#ifndef STATUSNOTAT_SERVE_H
#define STATUSNOTAT_SERVE_H

#include <stddef.h>

#include "config.h"

typedef struct {
    const char *host;            /* the address to listen on (default 127.0.0.1) */
    unsigned port;
    const char *inbox;           /* where deliveries are written */
    const char *archive;         /* the night's archive, read for the half year before; NULL: none */
    const char *accounts;        /* the accounts file; NULL: no deliveries */
    const char *audit;           /* the audit log (one JSON line per request) */
    const config *cfg;
    unsigned max_connections;    /* in all */
    unsigned per_address;        /* from one address */
    unsigned idle_seconds;       /* a connection silent this long is closed */
    unsigned request_seconds;    /* a request not read whole by then is refused */
} serve_options;

typedef struct serve_server serve_server;

/* Starts listening. NULL with a message. */
serve_server *serve_start(const serve_options *o, char *err, size_t errlen);
/* The port it listens on (the one chosen when port 0 was asked). */
unsigned serve_port(const serve_server *s);
void serve_stop(serve_server *s);

#endif
