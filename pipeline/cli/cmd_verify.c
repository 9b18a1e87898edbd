/* cmd_verify.c — `statusnotat verify --archive DIR [--out DIR]`: the whole
 * archive checked, like git fsck (archive.h's archive_verify, then the state
 * and the share: night.h's night_verify_state); this file parses, prints and
 * decides the exit status. */
#include <stdio.h>

#include "archive.h"
#include "commands.h"
#include "night.h"
#include "options.h"

static const char verify_synopsis[] =
    "usage: statusnotat verify --archive DIR [--out DIR]\n";
static const char verify_description[] =
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
    "writes each of them again.\n";
static const char verify_after[] =
    "exit: 0 the archive (and the folder) is intact, 2 usage error or DIR is not an\n"
    "      archive, 4 something differs or cannot be read\n";

int cmd_verify(int argc, char **argv)
{
    const char *archive = NULL, *out = NULL;
    const cli_option options[] = {
        OPT_REQUIRED(0, "archive", "DIR", &archive, "the archive"),
        OPT_STRING(0, "out", "DIR", &out, "the folder of workbooks the nights write"),
        OPT_END,
    };
    const cli_command cmd = {"verify", verify_synopsis, verify_description, verify_after, options, false};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if (!cli_dir_ok("verify", "--archive", archive) || !cli_dir_ok("verify", "--out", out) ||
        !cli_is_archive("verify", archive))
        return EXIT_USAGE;
    char err[1024];
    size_t checked = 0;
    long problems = archive_verify(archive, cli_print_problem, NULL, &checked, err, sizeof err);
    if (problems == 0) {   /* the state and the share are checked against sound manifests only */
        int state = night_verify_state(archive, out, cli_print_problem, NULL, err, sizeof err);
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
