/* cmd_runs.c — `statusnotat runs --archive DIR` (the runs, oldest first),
 * `statusnotat rerun --archive DIR --run ID --out DIR` (what run ID produced,
 * rebuilt from the archive alone, byte for byte, after checking everything it
 * reads against the archive's hashes) and `statusnotat verify --archive DIR`
 * (the whole archive checked, like git fsck). */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "archive.h"
#include "build.h"
#include "commands.h"
#include "night.h"
#include "values.h"

static void print_problem(void *ctx, const char *file, const char *what)
{
    (void)ctx;
    printf("fejl: %s: %s\n", file, what);
}

static void print_notice(void *ctx, const char *file, const char *what)
{
    (void)ctx;
    printf("bemærk: %s: %s\n", file, what);
}

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

static bool is_archive(const char *command, const char *archive)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/runs", archive);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    fprintf(stderr, "statusnotat %s: %s er ikke et statusnotat-arkiv (der er ingen runs-mappe)\n",
            command, archive);
    return false;
}

static void runs_usage(FILE *out)
{
    fprintf(out, "usage: statusnotat runs --archive DIR\n"
                 "\n"
                 "Lists the archive's runs, oldest first, one a line: the run id, its recorded\n"
                 "time, what became of its files, and the periods whose workbooks it rebuilt.\n"
                 "\n"
                 "exit: 0 listed, 2 usage error or DIR is not an archive, 4 a manifest cannot be read\n");
}

static void rerun_usage(FILE *out)
{
    fprintf(out, "usage: statusnotat rerun --archive DIR --run ID --out DIR [--period PERIODE] [--jobs N]\n"
                 "\n"
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
                 "the exit code is 5 — workbooks differ by version, which is not tampering.\n"
                 "\n"
                 "exit: 0 rebuilt and identical, 2 usage error, not an archive, no such run, or\n"
                 "        --period names a period the run did not build,\n"
                 "      4 the archive or a rebuilt workbook differs from what was recorded, or an\n"
                 "        I/O or internal failure,\n"
                 "      5 the archive is intact and the run was made by another program version;\n"
                 "        its workbooks are rebuilt by this one\n");
}

static void verify_usage(FILE *out)
{
    fprintf(out, "usage: statusnotat verify --archive DIR [--out DIR]\n"
                 "\n"
                 "Checks the whole archive, like git fsck: every run's manifest and the chain of\n"
                 "manifests (each records the SHA-256 of the one before), every configuration,\n"
                 "every archive copy, every report and every quarantine copy against the SHA-256\n"
                 "the archive recorded; the state (state.sqlite) against a replay of every\n"
                 "manifest, and the overview figures it keeps (oversigt.tsv) against the\n"
                 "periods aggregated again. Prints 'fejl: FILE: what' for each difference.\n"
                 "\n"
                 "With --out DIR (the folder of workbooks the nights write): also every workbook\n"
                 "the archive owns there — each one missing, stale (made by another program\n"
                 "version or configuration, or of sources since changed), edited (other bytes\n"
                 "than were written) or never written is named with what to do. The next night\n"
                 "writes each of them again.\n"
                 "\n"
                 "exit: 0 the archive (and the folder) is intact, 2 usage error or DIR is not an\n"
                 "      archive, 4 something differs or cannot be read\n");
}

/* The options of a command that takes --archive DIR only. Returns -1 to go
 * on with *archive set (an archive), else the exit code. */
static int archive_only(int argc, char **argv, const char *command, void (*usage)(FILE *),
                        const char **archive)
{
    static const struct option options[] = {
        {"archive", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    *archive = NULL;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'a': *archive = optarg; break;
        case 'h': usage(stdout); return EXIT_ALL_ACCEPTED;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!*archive || optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!cli_dir_ok(command, "--archive", *archive) || !is_archive(command, *archive))
        return EXIT_USAGE;
    return -1;
}

int cmd_runs(int argc, char **argv)
{
    const char *archive;
    int rc = archive_only(argc, argv, "runs", runs_usage, &archive);
    return rc >= 0 ? rc : night_list_runs(archive, stdout);
}

int cmd_rerun(int argc, char **argv)
{
    static const struct option options[] = {
        {"archive", required_argument, NULL, 'a'},
        {"run", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"period", required_argument, NULL, 'p'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *archive = NULL, *run = NULL, *out = NULL, *period_text = NULL;
    unsigned jobs = build_default_jobs();
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'a': archive = optarg; break;
        case 'r': run = optarg; break;
        case 'o': out = optarg; break;
        case 'p': period_text = optarg; break;
        case 'j':
            if (!cli_jobs("rerun", optarg, &jobs))
                return EXIT_USAGE;
            break;
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
        fprintf(stderr, "statusnotat rerun: --period %s er ikke en periode (fx 2008-H2 eller \"2. halvår 2008\")\n", period_text);
        return EXIT_USAGE;
    }
    if (!is_archive("rerun", archive) ||
        !cli_folders_apart("rerun", "--out", out, "--archive", archive, false))
        return EXIT_USAGE;
    night_events ev = {.period = print_period, .overview = print_overview, .problem = print_problem,
                       .notice = print_notice, .rewritten = print_rewritten};
    night_result res;
    night_rerun(archive, run, period_text ? &period : NULL, out, jobs, &ev, &res);
    if (res.outcome != OUTCOME_ALL_ACCEPTED)
        fprintf(stderr, "statusnotat rerun: %s\n", res.err);
    if (fflush(stdout) != 0 && res.outcome == OUTCOME_ALL_ACCEPTED)
        return EXIT_FAILURE_IO;
    return exit_status(res.outcome);
}

int cmd_verify(int argc, char **argv)
{
    static const struct option options[] = {
        {"archive", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *archive = NULL, *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'a': archive = optarg; break;
        case 'o': out = optarg; break;
        case 'h': verify_usage(stdout); return EXIT_ALL_ACCEPTED;
        default: verify_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!archive || optind != argc) {
        verify_usage(stderr);
        return EXIT_USAGE;
    }
    if (!cli_dir_ok("verify", "--archive", archive) || !cli_dir_ok("verify", "--out", out) ||
        !is_archive("verify", archive))
        return EXIT_USAGE;
    char err[1024];
    size_t checked = 0;
    long problems = archive_verify(archive, print_problem, NULL, &checked, err, sizeof err);
    if (problems == 0) {   /* the state and the share are checked against sound manifests only */
        int state = night_verify_state(archive, out, print_problem, NULL, err, sizeof err);
        problems = state < 0 ? -1 : state;
        checked += state >= 0;
    }
    if (problems < 0) {
        fprintf(stderr, "statusnotat verify: %s\n", err);
        return EXIT_FAILURE_IO;
    }
    if (problems)
        printf("%ld fejl i %s%s%s (%zu filer kontrolleret)\n", problems, archive, out ? " og " : "",
               out ? out : "", checked);
    else
        printf("arkivet %s er i orden%s%s: %zu filer kontrolleret\n", archive,
               out ? ", og det er regnearkene i " : "", out ? out : "", checked);
    if (fflush(stdout) != 0)
        return EXIT_FAILURE_IO;
    return problems ? EXIT_FAILURE_IO : EXIT_ALL_ACCEPTED;
}
