/* cmd_backup.c — `statusnotat backup --archive DIR --to DIR [--wait SECONDS]`:
 * a consistent copy of the archive, verified (backup.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "backup.h"
#include "commands.h"

static void backup_usage(FILE *out)
{
    fprintf(out,
            "usage: statusnotat backup --archive DIR --to DIR [--wait SECONDS]\n"
            "\n"
            "Copies the archive into --to (a new or empty folder) under the archive's lock,\n"
            "so no night changes it meanwhile: every file fsync'ed, state.sqlite through\n"
            "SQLite's online backup. A night that finds the lock held by a backup waits for\n"
            "it (operations.lock_wait_seconds). Then the copy is checked as 'statusnotat\n"
            "verify' checks an archive; a copy with any difference is a failed backup.\n"
            "The copy is an archive: to restore, back it up into the archive's place.\n"
            "\n"
            "  --archive DIR    the archive\n"
            "  --to DIR         where the copy goes (new or empty)\n"
            "  --wait SECONDS   how long to wait for a night that holds the lock (default 3600)\n"
            "  -h, --help       this text\n"
            "\n"
            "exit: 0 copied and verified, 2 usage error, not an archive, or --to not empty,\n"
            "      3 the lock stayed held, 4 a copy that failed or does not verify\n");
}

static void print_problem(void *ctx, const char *file, const char *what)
{
    (void)ctx;
    printf("fejl: %s: %s\n", file, what);
}

int cmd_backup(int argc, char **argv)
{
    static const struct option options[] = {
        {"archive", required_argument, NULL, 'a'},
        {"to", required_argument, NULL, 't'},
        {"wait", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *archive = NULL, *to = NULL;
    unsigned wait = 3600;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'a': archive = optarg; break;
        case 't': to = optarg; break;
        case 'w': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 0 || v > 86400) {
                fprintf(stderr, "statusnotat backup: --wait skal være et antal sekunder fra 0 til 86400\n");
                return EXIT_USAGE;
            }
            wait = (unsigned)v;
            break;
        }
        case 'h': backup_usage(stdout); return EXIT_ALL_ACCEPTED;
        default: backup_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!archive || !to || optind != argc) {
        backup_usage(stderr);
        return EXIT_USAGE;
    }
    if (!cli_dir_ok("backup", "--archive", archive) || !cli_dir_ok("backup", "--to", to) ||
        !cli_folders_apart("backup", "--to", to, "--archive", archive, false))
        return EXIT_USAGE;
    backup_result res;
    backup_archive(archive, to, wait, print_problem, NULL, &res);
    if (res.outcome == OUTCOME_ALL_ACCEPTED)
        printf("sikkerhedskopi af %s i %s: %zu filer, %llu bytes; kopien er kontrolleret og i orden\n",
               archive, to, res.files, (unsigned long long)res.bytes);
    else
        fprintf(stderr, "statusnotat backup: %s\n", res.err);
    if (fflush(stdout) != 0 && res.outcome == OUTCOME_ALL_ACCEPTED)
        return EXIT_FAILURE_IO;
    return exit_status(res.outcome);
}
