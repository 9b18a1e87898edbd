/* cmd_check.c — `statusnotat check [--json] FILE...`: the pre-flight a
 * department runs before it sends. Every finding of every file; exit 0 when
 * all are accepted, 1 when any is rejected. */
#include <stdio.h>
#include <string.h>

#include "version.h"
#include "commands.h"
#include "config_load.h"
#include "options.h"
#include "process.h"
#include "report.h"
#include "text.h"

static const char check_synopsis[] = "usage: statusnotat check [--json] [--config FILE] FILE...\n";
static const char check_description[] =
    "Reads each FILE (.xml or .xml.gz) as a statusnotat and reports every\n"
    "finding, one a line:\n"
    "  FILE:LINE: fejl|advarsel CODE: message [element path]\n"
    "then whether the file is accepted (godkendt) or rejected (afvist).\n";
static const char check_after[] =
    "exit: 0 all accepted, 1 any rejected, 2 usage or configuration error,\n"
    "      4 internal failure\n";

int cmd_check(int argc, char **argv)
{
    bool json = false;
    const char *config_path = NULL;
    const cli_option options[] = {
        OPT_FLAG(0, "json", &json, "one JSON document instead: the findings, and the normalized\n"
                                   "content of every accepted document"),
        OPT_STRING('c', "config", "FILE", &config_path,
                   "the configuration (vocabularies, budget years, limits)"),
        OPT_END,
    };
    const cli_command cmd = {"check", check_synopsis, check_description, check_after, options, true};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if (first >= argc) {
        fprintf(stderr, "statusnotat check: no files given\n");
        options_usage(&cmd, stderr);
        return EXIT_USAGE;
    }
    config *cfg = cli_load_config(config_path);
    if (!cfg)
        return EXIT_USAGE;

    int rc = EXIT_ALL_ACCEPTED;
    size_t accepted = 0, rejected = 0;
    /* --json streams: one document at a time is held, whatever the number of
     * files; the output is still one JSON document. */
    if (json && report_check_begin(stdout) != 0)
        rc = EXIT_FAILURE_IO;
    arena *names = arena_new();   /* the names as shown: text_name_escape() */
    if (!names)
        rc = EXIT_FAILURE_IO;
    for (int i = first; i < argc && rc != EXIT_FAILURE_IO; i++) {
        processed_file p;
        const char *name = text_name_escape(names, argv[i]);
        if (!name || process_file(argv[i], name, cfg, &p) != 0) {
            fprintf(stderr, "statusnotat check: %s: ikke nok hukommelse\n", name ? name : "?");
            processed_file_release(&p);
            rc = EXIT_FAILURE_IO;
            break;
        }
        if (p.accepted)
            accepted++;
        else
            rejected++;
        if (json) {
            if (report_check_file(stdout, &p, cfg, accepted + rejected - 1) != 0)
                rc = EXIT_FAILURE_IO;
        } else {
            report_file_text(stdout, &p);
        }
        processed_file_release(&p);
    }
    if (rc != EXIT_FAILURE_IO) {
        if (json) {
            if (report_check_end(stdout, accepted, rejected) != 0)
                rc = EXIT_FAILURE_IO;
        } else {
            printf("%zu %s, %zu %s\n", accepted, "godkendt", rejected, "afvist");
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "statusnotat check: rapporten kan ikke skrives\n");
        rc = EXIT_FAILURE_IO;
    }
    config_free(cfg);
    arena_free(names);
    if (rc == EXIT_FAILURE_IO)
        return rc;
    return rejected ? EXIT_SOME_REJECTED : EXIT_ALL_ACCEPTED;
}
