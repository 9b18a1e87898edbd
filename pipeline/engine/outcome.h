/* outcome.h — how a night, a rerun, a verify or a backup ended, as the
 * engine returns it. The command layer turns it into the process's exit
 * status (pipeline/cli/commands.h); the numbers are those documented
 * statuses (README, --help, the man page), so ARKIV/status.json and
 * report.json can record them. */
#ifndef STATUSNOTAT_OUTCOME_H
#define STATUSNOTAT_OUTCOME_H

typedef enum {
    OUTCOME_ALL_ACCEPTED = 0,
    OUTCOME_SOME_REJECTED = 1,
    OUTCOME_USAGE = 2,          /* usage or configuration error, not an archive */
    OUTCOME_LOCKED = 3,         /* another run holds the archive's lock */
    OUTCOME_FAILURE_IO = 4,     /* I/O or internal failure; nothing half-written */
    OUTCOME_OTHER_VERSION = 5,  /* rerun: the run was made by another program version */
    OUTCOME_OPERATOR = 6,       /* files in the inbox an operator must see to */
} outcome;

#endif
