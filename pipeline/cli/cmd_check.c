/* cmd_check.c — `statusnotat check [--json] FILE...`: the pre-flight a
 * department runs before it sends. Every finding of every file; exit 0 when
 * all are accepted, 1 when any is rejected. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "version.h"
#include "commands.h"
#include "config_load.h"
#include "process.h"
#include "report.h"
#include "text.h"

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: statusnotat check [--json] [--config FILE] FILE...\n"
            "\n"
            "Reads each FILE (.xml or .xml.gz) as a statusnotat and reports every\n"
            "finding, one a line:\n"
            "  FILE:LINE: fejl|advarsel CODE: message [element path]\n"
            "then whether the file is accepted (godkendt) or rejected (afvist).\n"
            "\n"
            "  --json         one JSON document instead: the findings, and the normalized\n"
            "                 content of every accepted document\n"
            "  --config FILE  the configuration (vocabularies, budget years, limits)\n"
            "  -h, --help     this text\n"
            "\n"
            "exit: 0 all accepted, 1 any rejected, 2 usage or configuration error,\n"
            "      4 internal failure\n");
}

int cmd_check(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    const char *config_path = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "hc:", options, NULL)) != -1) {
        switch (opt) {
        case 'j': json = true; break;
        case 'c': config_path = optarg; break;
        case 'h': check_usage(stdout); return 0;
        default: check_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "statusnotat check: no files given\n");
        check_usage(stderr);
        return EXIT_USAGE;
    }
    config *cfg = cli_load_config(config_path);
    if (!cfg)
        return EXIT_USAGE;

    int rc = EXIT_ALL_ACCEPTED;
    size_t accepted = 0, rejected = 0;
    /* --json streams: one document at a time is held, whatever the number of
     * files; the output is still one JSON document. */
    if (json && printf("{\n  \"program\": \"statusnotat\",\n  \"version\": \"%s\",\n"
                       "  \"files\": [", program_version()) < 0)
        rc = EXIT_FAILURE_IO;
    arena *names = arena_new();   /* the names as shown: text_name_escape() */
    if (!names)
        rc = EXIT_FAILURE_IO;
    for (int i = optind; i < argc && rc != EXIT_FAILURE_IO; i++) {
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
            json_t *one = report_file_json(&p, cfg);
            if (!one || fputs(accepted + rejected > 1 ? ",\n" : "\n", stdout) == EOF ||
                report_write_json(stdout, one) != 0)
                rc = EXIT_FAILURE_IO;
            json_decref(one);
        } else {
            report_file_text(stdout, &p);
        }
        processed_file_release(&p);
    }
    if (rc != EXIT_FAILURE_IO) {
        if (json) {
            if (printf("\n  ],\n  \"summary\": {\"files\": %zu, \"accepted\": %zu, "
                       "\"rejected\": %zu}\n}\n",
                       accepted + rejected, accepted, rejected) < 0)
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
