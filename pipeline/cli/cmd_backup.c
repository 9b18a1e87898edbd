/* cmd_backup.c — `statusnotat backup --archive DIR --to DIR [--wait SECONDS]`:
 * a consistent copy of the archive, verified (backup.h). */
#include <stdio.h>
#include <stdlib.h>

#include "backup.h"
#include "commands.h"
#include "options.h"

static const char backup_synopsis[] = "usage: statusnotat backup --archive DIR --to DIR [--wait SECONDS]\n";
static const char backup_description[] =
    "Copies the archive into --to (a new or empty folder) under the archive's lock,\n"
    "so no night changes it meanwhile: every file fsync'ed, state.sqlite through\n"
    "SQLite's online backup. A night that finds the lock held by a backup waits for\n"
    "it (operations.lock_wait_seconds). Then the copy is checked as 'statusnotat\n"
    "verify' checks an archive; a copy with any difference is a failed backup.\n"
    "The copy is an archive: to restore, back it up into the archive's place.\n";
static const char backup_after[] =
    "exit: 0 copied and verified, 2 usage error, not an archive, or --to not empty,\n"
    "      3 the lock stayed held, 4 a copy that failed or does not verify\n";

int cmd_backup(int argc, char **argv)
{
    const char *archive = NULL, *to = NULL;
    unsigned wait = 3600;
    const cli_option options[] = {
        OPT_REQUIRED(0, "archive", "DIR", &archive, "the archive"),
        OPT_REQUIRED(0, "to", "DIR", &to, "where the copy goes (new or empty)"),
        OPT_NUMBER(0, "wait", "SECONDS", &wait, 0, 86400,
                   "how long to wait for a night that holds the lock\n(default 3600)"),
        OPT_END,
    };
    const cli_command cmd = {"backup", backup_synopsis, backup_description, backup_after, options, false};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if (!cli_dir_ok("backup", "--archive", archive) || !cli_dir_ok("backup", "--to", to) ||
        !cli_folders_apart("backup", "--to", to, "--archive", archive, false))
        return EXIT_USAGE;
    backup_result res;
    backup_archive(archive, to, wait, cli_print_problem, NULL, &res);
    if (res.outcome == OUTCOME_ALL_ACCEPTED)
        printf("sikkerhedskopi af %s i %s: %zu filer, %llu bytes; kopien er kontrolleret og i orden\n",
               archive, to, res.files, (unsigned long long)res.bytes);
    else
        fprintf(stderr, "statusnotat backup: %s\n", res.err);
    if (fflush(stdout) != 0 && res.outcome == OUTCOME_ALL_ACCEPTED)
        return EXIT_FAILURE_IO;
    return exit_status(res.outcome);
}
