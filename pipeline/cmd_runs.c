/* cmd_runs.c — `statusnotat runs --archive DIR` (the runs, oldest first) and
 * `statusnotat rerun --archive DIR --run ID --out DIR` (what run ID produced,
 * rebuilt from the archive alone, byte for byte). */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "night.h"
#include "values.h"

static void runs_usage(FILE *out)
{
    fprintf(out, "usage: statusnotat runs --archive DIR\n"
                 "\n"
                 "Lists the archive's runs, oldest first, one a line: the run id, its recorded\n"
                 "time, what became of its files, and the periods whose workbooks it rebuilt.\n");
}

static void rerun_usage(FILE *out)
{
    fprintf(out, "usage: statusnotat rerun --archive DIR --run ID --out DIR [--period PERIODE]\n"
                 "\n"
                 "Rebuilds the workbooks run ID produced from the archive alone (its manifest,\n"
                 "the archived copies and the configuration it used), byte for byte, into DIR.\n"
                 "With --period (e.g. 2008-H2) only that period's: periods are independent, so a\n"
                 "rerun of many periods can be split into one job per period.\n"
                 "\n"
                 "exit: 0 done, 2 usage error or no such run, 4 I/O or internal failure\n");
}

int cmd_runs(int argc, char **argv)
{
    static const struct option options[] = {
        {"archive", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *archive = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'a': archive = optarg; break;
        case 'h': runs_usage(stdout); return 0;
        default: runs_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!archive || optind != argc) {
        runs_usage(stderr);
        return EXIT_USAGE;
    }
    if (!cli_dir_ok("runs", "--archive", archive))
        return EXIT_USAGE;
    return night_list_runs(archive, stdout);
}

int cmd_rerun(int argc, char **argv)
{
    static const struct option options[] = {
        {"archive", required_argument, NULL, 'a'},
        {"run", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"period", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *archive = NULL, *run = NULL, *out = NULL, *period_text = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'a': archive = optarg; break;
        case 'r': run = optarg; break;
        case 'o': out = optarg; break;
        case 'p': period_text = optarg; break;
        case 'h': rerun_usage(stdout); return 0;
        default: rerun_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!archive || !run || !out || optind != argc) {
        rerun_usage(stderr);
        return EXIT_USAGE;
    }
    if (!cli_dir_ok("rerun", "--archive", archive) || !cli_dir_ok("rerun", "--out", out) ||
        !cli_dir_ok("rerun", "--run", run))
        return EXIT_USAGE;
    sn_period period;
    if (period_text && !value_period(period_text, &period)) {
        fprintf(stderr, "statusnotat rerun: --period %s is not a period (e.g. 2008-H2)\n", period_text);
        return EXIT_USAGE;
    }
    return night_rerun(archive, run, period_text ? &period : NULL, out);
}
