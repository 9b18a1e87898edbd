/* main.c — the statusnotat command line: a command table, usage() and the
 * exit codes. Everything else lives in the commands and the stages. */
#include <libxml/parser.h>
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
    {"serve", cmd_serve, "the departments' page and API: check and deliver over HTTP"},
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
