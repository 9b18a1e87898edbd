/* main.c — the statusnotat command line: a command table, usage() and the
 * exit codes. Everything else lives in the commands and the stages. */
#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "commands.h"
#include "config_load.h"
#include "ingest.h"
#include "journal.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"check", cmd_check, "check deliveries before sending them: findings, accepted or rejected"},
    {"run", cmd_run, "the night run: an inbox of deliveries → archive and XLSX workbooks"},
    {"runs", cmd_runs, "list the archive's runs, oldest first"},
    {"rerun", cmd_rerun, "rebuild what one run produced from the archive alone, byte for byte"},
    {"verify", cmd_verify, "check every copy, manifest and report of an archive, and the out folder"},
    {"backup", cmd_backup, "a consistent copy of an archive, verified"},
};

static void usage(FILE *out)
{
    char config_path[4096];
    fprintf(out,
            "usage: statusnotat <command> [options] [args]\n"
            "       statusnotat --help | --version\n"
            "\n"
            "Reads the half-yearly statusnotater of Københavns Kommune's departments,\n"
            "normalizes and validates them, archives them, and writes the XLSX workbooks\n"
            "finance staff open (see 'man statusnotat').\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "'statusnotat <command> --help' shows a command's options.\n"
            "\n"
            "exit codes:\n"
            "  0  every document accepted\n"
            "  1  finished, but one or more documents were rejected or left unread\n"
            "  2  usage or configuration error, or a folder that is not an archive\n"
            "  3  another run holds the archive's lock\n"
            "  4  I/O or internal failure, a workbook that could not be written (the out\n"
            "     folder is incomplete until a night writes it), or an archive or out folder\n"
            "     that differs from what it recorded (nothing half-written)\n"
            "  5  rerun: the archive is intact, but the run was made by another version of\n"
            "     statusnotat; its workbooks are rebuilt by this one, compared for information\n"
            "  6  run: files in the inbox an operator must see to — unreadable, too large, or\n"
            "     waiting past the night's limit since the night before\n"
            "\n"
            "A department's rejected document (1) is not the operator's matter; 2, 3, 4 and 6\n"
            "are. The service counts 0 and 1 as success (docs/operations.md).\n"
            "\n"
            "configuration: --config FILE, else $STATUSNOTAT_CONFIG, else\n"
            "  %s\n",
            config_default_path(config_path, sizeof config_path));
}

struct config *cli_load_config(const char *path)
{
    char buf[4096], err[1024];
    config *c;
    if (!path)
        path = config_default_path(buf, sizeof buf);
    if (config_load(path, &c, err, sizeof err) != 0) {
        char schema[4096];
        fprintf(stderr, "statusnotat: fejl i konfigurationen (configuration error): %s; skemaet, der siger, "
                "hvad den kan indeholde: %s\n", err, config_schema_path(schema, sizeof schema));
        return NULL;
    }
    return c;
}

bool cli_jobs(const char *command, const char *text, unsigned *jobs)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text && !*end && v >= 1 && v <= 256) {
        *jobs = (unsigned)v;
        return true;
    }
    fprintf(stderr, "statusnotat %s: --jobs skal være et helt tal fra 1 til 256, ikke \"%s\"\n",
            command, text);
    return false;
}

bool cli_dir_ok(const char *command, const char *option, const char *dir)
{
    if (!dir || strlen(dir) <= CLI_MAX_DIR)
        return true;
    fprintf(stderr, "statusnotat %s: %s er længere end %d bytes\n", command, option, CLI_MAX_DIR);
    return false;
}

/* The folder a path names, with every link resolved: its deepest existing
 * part through realpath(), the rest (folders a run will create) appended as
 * given. false when it cannot be resolved. */
static bool resolve_folder(const char *path, char out[PATH_MAX])
{
    char head[PATH_MAX], tail[PATH_MAX] = "";
    if (snprintf(head, sizeof head, "%s", path) >= (int)sizeof head)
        return false;
    for (;;) {
        if (realpath(head, out)) {
            size_t len = strlen(out);
            return snprintf(out + len, PATH_MAX - len, "%s", tail) < (int)(PATH_MAX - len);
        }
        char *slash = strrchr(head, '/');
        while (slash && slash > head && slash[1] == '\0') {   /* trailing slashes */
            *slash = '\0';
            slash = strrchr(head, '/');
        }
        char rest[PATH_MAX];
        const char *name = slash ? slash + 1 : head;
        if (snprintf(rest, sizeof rest, "/%s%s", name, tail) >= (int)sizeof rest)
            return false;
        if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
            return false;        /* a folder that does not exist yet, named through .. */
        memcpy(tail, rest, sizeof tail);
        if (!slash)
            snprintf(head, sizeof head, ".");
        else if (slash == head)
            snprintf(head, sizeof head, "/");
        else
            *slash = '\0';
    }
}

/* Whether folder a is b or inside it (both resolved). */
static bool within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || (n == 1 && b[0] == '/'));
}

bool cli_folders_apart(const char *command, const char *name_a, const char *a, const char *name_b,
                       const char *b, bool nesting_allowed)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (!a || !b)
        return true;
    if (!resolve_folder(a, ra) || !resolve_folder(b, rb)) {
        fprintf(stderr, "statusnotat %s: %s %s eller %s %s kan ikke findes\n", command, name_a, a,
                name_b, b);
        return false;
    }
    const char *why = strcmp(ra, rb) == 0       ? "er den samme mappe som"
                      : nesting_allowed         ? NULL
                      : within(ra, rb)          ? "ligger inde i"
                      : within(rb, ra)          ? "rummer"
                                                : NULL;
    if (!why)
        return true;
    fprintf(stderr, "statusnotat %s: %s %s %s %s %s (%s); mapperne skal holdes adskilt, så kørslen "
                    "ikke læser, flytter eller overskriver sine egne filer\n",
            command, name_a, a, why, name_b, b, strcmp(ra, rb) == 0 ? ra : rb);
    return false;
}

int main(int argc, char **argv)
{
    journal_streams_init();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("statusnotat %s (format 1.0; libxml2 %s)\n", program_version(),
               LIBXML_DOTTED_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            ingest_global_init();
            int rc = commands[i].run(argc - 1, argv + 1);
            xmlCleanupParser();
            return rc;
        }
    }
    fprintf(stderr, "statusnotat: '%s' er ikke en kommando. Se 'statusnotat --help'.\n", name);
    return EXIT_USAGE;
}
