/* commands.h — the subcommands of the statusnotat CLI. Each takes its own
 * argv (argv[0] is the command name) and returns the process exit code. */
#ifndef STATUSNOTAT_COMMANDS_H
#define STATUSNOTAT_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "outcome.h"

/* Exit codes, the same for every command (README, --help, man page): the
 * engine's outcomes, which carry these numbers. */
enum {
    EXIT_ALL_ACCEPTED = OUTCOME_ALL_ACCEPTED,
    EXIT_SOME_REJECTED = OUTCOME_SOME_REJECTED,
    EXIT_USAGE = OUTCOME_USAGE,            /* usage or configuration error */
    EXIT_LOCKED = OUTCOME_LOCKED,          /* another run holds the archive's lock */
    EXIT_FAILURE_IO = OUTCOME_FAILURE_IO,  /* I/O or internal failure; nothing half-written */
    EXIT_OTHER_VERSION = OUTCOME_OTHER_VERSION,   /* rerun: made by another program version */
    EXIT_OPERATOR = OUTCOME_OPERATOR,      /* run: files in the inbox an operator must see to
                                              (unreadable, too large, or waiting past the
                                              night's limit since the night before) */
};

/* The process's exit status for what the engine returned. */
static inline int exit_status(outcome o)
{
    return (int)o;
}

/* The longest folder a command takes: paths built from it fit in 4096 bytes. */
#define CLI_MAX_DIR 1024

/* Prints a usage error and returns false when a folder argument is too long. */
bool cli_dir_ok(const char *command, const char *option, const char *dir);

int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_rerun(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Prints a usage error and returns false when folder a (option name_a) and
 * folder b are the same folder after every link is resolved, or — unless
 * nesting_allowed — one lies inside the other. NULL folders are apart. */
bool cli_folders_apart(const char *command, const char *name_a, const char *a, const char *name_b,
                       const char *b, bool nesting_allowed);

/* Whether archive is an archive (it has runs/); says so when not. */
bool cli_is_archive(const char *command, const char *archive);

/* The engine's problems ("fejl: FILE: what") and notices ("bemærk: …"), on stdout. */
void cli_print_problem(void *ctx, const char *file, const char *what);
void cli_print_notice(void *ctx, const char *file, const char *what);

/* The most threads --jobs takes. */
#define CLI_MAX_JOBS 256

/* Loads the configuration named by --config, or the default one; prints
 * the reason to stderr and returns NULL on failure. */
struct config;
struct config *cli_load_config(const char *path);

#endif
