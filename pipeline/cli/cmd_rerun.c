/* cmd_rerun.c — `statusnotat rerun --archive DIR --run ID --out DIR`: what
 * run ID produced, rebuilt from the archive alone, byte for byte, after
 * checking everything it reads against the archive's hashes (night.h's
 * night_rerun); this file parses, prints and decides the exit status. */
#include <stdio.h>

#include "build.h"
#include "commands.h"
#include "night.h"
#include "options.h"
#include "values.h"

static const char rerun_synopsis[] =
    "usage: statusnotat rerun --archive DIR --run ID --out DIR [--period PERIODE] [--jobs N]\n";
static const char rerun_description[] =
    "Rebuilds the workbooks run ID produced from the archive alone (its manifest,\n"
    "the archived copies and the configuration it used), byte for byte, into DIR.\n"
    "With --period (e.g. 2008-H2) only that period's: periods are independent, so a\n"
    "rerun of many periods can be split into one job per period; the overviews\n"
    "across periods (*-oversigt.xlsx) are rebuilt by a rerun without --period,\n"
    "from every period as the archive stood at that run. --jobs N writes the\n"
    "workbooks in N threads (default: the number of cores), same bytes.\n"
    "\n"
    "A run that wrote earlier runs' workbooks again (a night that found them\n"
    "missing, unwritten or edited in the out folder) has them rebuilt as those runs\n"
    "made them.\n"
    "\n"
    "Before anything is rebuilt, every archive copy, configuration and manifest it\n"
    "reads is checked against the SHA-256 the archive recorded; afterwards every\n"
    "workbook is compared with the SHA-256 the run's report.json recorded. Any\n"
    "difference is printed as 'fejl: FILE: what' and exits 4. A workbook the run\n"
    "could not write is printed as 'bemærk: FILE: …' and compared with the bytes a\n"
    "later run wrote for it, if one did.\n"
    "\n"
    "A run made by another version of statusnotat (an upgrade since) is rebuilt by\n"
    "this one: the archive is checked as always, the workbooks are compared for\n"
    "information only ('bemærk: … N af M regneark er byte for byte de samme'), and\n"
    "the exit code is 5 — workbooks differ by version, which is not tampering.\n";
static const char rerun_after[] =
    "exit: 0 rebuilt and identical, 2 usage error, not an archive, no such run, or\n"
    "        --period names a period the run did not build,\n"
    "      4 the archive or a rebuilt workbook differs from what was recorded, or an\n"
    "        I/O or internal failure,\n"
    "      5 the archive is intact and the run was made by another program version;\n"
    "        its workbooks are rebuilt by this one\n";

static void print_rewritten(void *ctx, const char *file, const char *why, const char *error)
{
    (void)ctx;
    if (error)
        fprintf(stderr, "statusnotat rerun: %s kunne ikke genskabes (skrevet igen i kørslen; årsag: %s): %s\n", file, why,
                error);
    else
        printf("genskabt: %s (skrevet igen i kørslen; årsag: %s)\n", file, why);
}

static void print_period(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    (void)ctx;
    char p[8];
    period_format(&period, p);
    if (error)
        fprintf(stderr, "statusnotat rerun: regneark for %s kunne ikke skrives: %s\n", p, error);
    else
        printf("genskabt: regneark for %s i %s\n", p, out_dir);
}

static void print_overview(void *ctx, const char *out_dir, const char *error)
{
    (void)ctx;
    if (error)
        fprintf(stderr, "statusnotat rerun: oversigten over alle perioder kunne ikke skrives: %s\n", error);
    else
        printf("genskabt: oversigt over alle perioder i %s\n", out_dir);
}

int cmd_rerun(int argc, char **argv)
{
    const char *archive = NULL, *run = NULL, *out = NULL, *period_text = NULL;
    unsigned jobs = build_default_jobs();
    const cli_option options[] = {
        OPT_REQUIRED(0, "archive", "DIR", &archive, "the archive"),
        OPT_REQUIRED(0, "run", "ID", &run, "the run (statusnotat runs lists them)"),
        OPT_REQUIRED(0, "out", "DIR", &out, "where the rebuilt workbooks go"),
        OPT_STRING(0, "period", "PERIODE", &period_text, "only this period's workbooks (2008-H2)"),
        OPT_NUMBER(0, "jobs", "N", &jobs, 1, CLI_MAX_JOBS, "write the workbooks in N threads\n"
                                                          "(default: the number of cores)"),
        OPT_END,
    };
    const cli_command cmd = {"rerun", rerun_synopsis, rerun_description, rerun_after, options, false};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if (!cli_dir_ok("rerun", "--archive", archive) || !cli_dir_ok("rerun", "--out", out) ||
        !cli_dir_ok("rerun", "--run", run))
        return EXIT_USAGE;
    sn_period period;
    if (period_text && !value_period(period_text, &period)) {
        fprintf(stderr, "statusnotat rerun: --period %s er ikke en periode (fx 2008-H2 eller \"2. halvår 2008\")\n", period_text);
        return EXIT_USAGE;
    }
    if (!cli_is_archive("rerun", archive) ||
        !cli_folders_apart("rerun", "--out", out, "--archive", archive, false))
        return EXIT_USAGE;
    night_events ev = {.period = print_period, .overview = print_overview, .problem = cli_print_problem,
                       .notice = cli_print_notice, .rewritten = print_rewritten};
    night_result res;
    night_rerun(archive, run, period_text ? &period : NULL, out, jobs, &ev, &res);
    if (res.outcome != OUTCOME_ALL_ACCEPTED)
        fprintf(stderr, "statusnotat rerun: %s\n", res.err);
    if (fflush(stdout) != 0 && res.outcome == OUTCOME_ALL_ACCEPTED)
        return EXIT_FAILURE_IO;
    return exit_status(res.outcome);
}
