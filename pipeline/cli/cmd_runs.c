/* cmd_runs.c — `statusnotat runs --archive DIR`: the archive's runs, oldest
 * first, one a line (runs.h gives them as records; this file prints them). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "runs.h"
#include "values.h"

static const char runs_synopsis[] = "usage: statusnotat runs --archive DIR\n";
static const char runs_description[] =
    "Lists the archive's runs, oldest first, one a line: the run id, its recorded\n"
    "time, what became of its files, and the periods whose workbooks it rebuilt.\n";
static const char runs_after[] =
    "exit: 0 listed, 2 usage error or DIR is not an archive, 4 a manifest cannot be read\n";

static void print_run(const run_summary *s)
{
    char when[32], periods[256] = "";
    time_format_utc(s->recorded_time, when);
    for (size_t i = 0; i < s->n_periods; i++) {
        char p[8];
        period_format(&s->periods[i], p);
        size_t len = strlen(periods);
        snprintf(periods + len, sizeof periods - len, "%s%s", i ? "," : "", p);
    }
    char rewrites[64] = "";
    if (s->n_rewrites)
        snprintf(rewrites, sizeof rewrites, "  skrev %zu regneark igen", s->n_rewrites);
    printf("%s  %s  %zu filer: %zu godkendt, %zu afvist, %zu erstattet, %zu dubletter  "
           "perioder: %s%s%s\n",
           s->id, when, s->inputs, s->accepted, s->rejected, s->superseded, s->duplicates,
           periods[0] ? periods : "-", rewrites,
           s->complete ? "" : "  (ufuldført: gøres færdig ved næste kørsel)");
}

int cmd_runs(int argc, char **argv)
{
    const char *archive = NULL;
    const cli_option options[] = {
        OPT_REQUIRED(0, "archive", "DIR", &archive, "the archive"),
        OPT_END,
    };
    const cli_command cmd = {"runs", runs_synopsis, runs_description, runs_after, options, false};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if (!cli_dir_ok("runs", "--archive", archive) || !cli_is_archive("runs", archive))
        return EXIT_USAGE;
    run_listing listing;
    char err[1024] = "";
    outcome o = runs_list(archive, &listing, err, sizeof err);
    bool told = false;
    for (size_t i = 0; i < listing.n; i++) {
        if (listing.runs[i].error) {
            fprintf(stderr, "statusnotat runs: %s\n", listing.runs[i].error);
            told = true;
        } else {
            print_run(&listing.runs[i]);
        }
    }
    if (o != OUTCOME_ALL_ACCEPTED && !told)
        fprintf(stderr, "statusnotat runs: %s\n", err);
    run_listing_free(&listing);
    if (fflush(stdout) != 0 && o == OUTCOME_ALL_ACCEPTED)
        return EXIT_FAILURE_IO;
    return exit_status(o);
}
