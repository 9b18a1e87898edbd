/* cmd_serve.c — `statusnotat serve`: the departments' pre-flight page and
 * delivery API (web/serve.h), and `--add-account KODE`, which makes an
 * account and prints its token once. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "commands.h"
#include "config_load.h"
#include "options.h"
#include "serve.h"

static const char serve_synopsis[] =
    "usage: statusnotat serve [--listen ADDR:PORT] --inbox DIR [--archive DIR] [--accounts FILE]\n"
    "                         [--audit FILE]\n"
    "       statusnotat serve --accounts FILE --add-account KODE\n";
static const char serve_description[] =
    "The pre-flight page and API the departments check and deliver with, over HTTP,\n"
    "meant to run behind the municipality's TLS reverse proxy (docs/api.md). Every\n"
    "check is statusnotat check's; a delivery is taken only when the document has no\n"
    "fejl and is the account's department's, and is written into the inbox under a\n"
    "name the server chooses (KODE-PERIODE-SHA8.xml). Every request is a line of the\n"
    "audit log. Without --accounts the page only checks.\n"
    "\n"
    "--add-account KODE makes a new random token for the department with file code\n"
    "KODE (an earlier one stops working), stores its HMAC-SHA-256 under the file's\n"
    "secret in FILE (made with mode 0600) and prints the token once.\n";
static const char serve_after[] =
    "exit: 0 stopped by SIGTERM or SIGINT (or the account made), 2 usage or\n"
    "      configuration error, or the address cannot be listened on, 4 an I/O failure\n";

static int add_account(const char *path, const char *code, const config *cfg)
{
    bool known = false;
    for (size_t i = 0; i < cfg->departments.n; i++)
        known |= strcmp(cfg->departments.items[i].file_code, code) == 0;
    if (!known) {
        fprintf(stderr, "statusnotat serve: %s er ingen forvaltnings filkode i konfigurationen\n", code);
        return EXIT_USAGE;
    }
    char token[65], err[1024];
    if (accounts_add(path, code, token, err, sizeof err) != 0) {
        fprintf(stderr, "statusnotat serve: %s\n", err);
        return EXIT_FAILURE_IO;
    }
    printf("konto %s i %s; nøglen (vises kun nu):\n%s\n", code, path, token);
    return fflush(stdout) == 0 ? EXIT_ALL_ACCEPTED : EXIT_FAILURE_IO;
}

/* ADDR:PORT, [ADDR6]:PORT or PORT. */
static bool parse_listen(const char *text, char host[64], unsigned *port)
{
    const char *colon = strrchr(text, ':');
    const char *p = colon ? colon + 1 : text;
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (!*p || *end || v > 65535)
        return false;
    *port = (unsigned)v;
    if (!colon) {
        snprintf(host, 64, "127.0.0.1");
        return true;
    }
    size_t n = (size_t)(colon - text);
    if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
        text++;
        n -= 2;
    }
    if (n == 0 || n >= 64)
        return false;
    memcpy(host, text, n);
    host[n] = '\0';
    return true;
}

int cmd_serve(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *inbox = NULL, *accounts_path = NULL, *audit = NULL,
               *config_path = NULL, *add = NULL, *archive = NULL;
    unsigned max_connections = 64, per_address = 8, idle = 15, deadline = 60;
    const cli_option options[] = {
        OPT_STRING(0, "listen", "ADDR:PORT", &listen, "where to listen (default 127.0.0.1:8080)"),
        OPT_STRING(0, "inbox", "DIR", &inbox, "where deliveries are written"),
        OPT_STRING(0, "archive", "DIR", &archive, "the night's archive: the page shows what changed\nagainst the department's half year before"),
        OPT_STRING(0, "accounts", "FILE", &accounts_path, "the departments' accounts (mode 0600)"),
        OPT_STRING(0, "audit", "FILE", &audit, "the audit log, one JSON line per request"),
        OPT_STRING('c', "config", "FILE", &config_path, "the configuration (the night's)"),
        OPT_STRING(0, "add-account", "KODE", &add, "make a department's account, print its token"),
        OPT_NUMBER(0, "max-connections", "N", &max_connections, 1, 10000, "connections in all (default 64)"),
        OPT_NUMBER(0, "per-address", "N", &per_address, 1, 1000, "connections from one address (default 8)"),
        OPT_NUMBER(0, "idle-seconds", "S", &idle, 1, 3600, "a silent connection is closed (default 15)"),
        OPT_NUMBER(0, "request-seconds", "S", &deadline, 1, 3600,
                   "a request not read whole by then is refused\n(default 60)"),
        OPT_END,
    };
    const cli_command cmd = {"serve", serve_synopsis, serve_description, serve_after, options, false};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if ((add && !accounts_path) || (!add && !inbox)) {
        options_usage(&cmd, stderr);
        return EXIT_USAGE;
    }
    config *cfg = cli_load_config(config_path);
    if (!cfg)
        return EXIT_USAGE;
    if (add) {
        int rc = add_account(accounts_path, add, cfg);
        config_free(cfg);
        return rc;
    }
    serve_options so = {.inbox = inbox, .archive = archive, .accounts = accounts_path, .audit = audit, .cfg = cfg,
                        .max_connections = max_connections, .per_address = per_address, .idle_seconds = idle,
                        .request_seconds = deadline};
    char host[64];
    if (!cli_dir_ok("serve", "--inbox", inbox) || !parse_listen(listen, host, &so.port)) {
        fprintf(stderr, "statusnotat serve: --listen %s er ikke ADDR:PORT\n", listen);
        config_free(cfg);
        return EXIT_USAGE;
    }
    so.host = host;
    /* SIGTERM and SIGINT end it; they are waited for here, so block them
     * before the server's threads start (they inherit the mask). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    char err[1024];
    serve_server *s = serve_start(&so, err, sizeof err);
    if (!s) {
        fprintf(stderr, "statusnotat serve: %s\n", err);
        config_free(cfg);
        return EXIT_USAGE;
    }
    printf("statusnotat serve: lytter på http://%s%s%s:%u/%s\n", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", serve_port(s), accounts_path ? "" : " (kun tjek: ingen --accounts)");
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    serve_stop(s);
    config_free(cfg);
    return EXIT_ALL_ACCEPTED;
}
