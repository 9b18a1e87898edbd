/* status.h — ARKIV/status.json: what the last night did, for whoever watches
 * the service. Written at the end of every night — an empty one and a failed
 * one too (not one that found the lock taken: the night holding it writes its
 * own) — so "ran, nothing new" and "never ran" look different. With
 * operations.prometheus_textfile configured, the same figures go to that
 * file in Prometheus's text format, for node_exporter's textfile collector.
 * Both are written atomically (durable.h); docs/operations.md has the alert
 * rules that read them.
 *
 * status.json ("format": "statusnotat-status/1"):
 *   last_attempt  started, finished (ISO UTC, by the clock), duration_seconds,
 *                 exit_status and its meaning, program_version, run (or null)
 *   last_success  the last attempt that left the operator nothing to do (exit
 *                 0 or 1): finished and run, carried over from the file before
 *                 when this attempt was not one
 *   documents     accepted, rejected and waiting (left in the inbox) tonight
 *   workbooks_not_written   the share's workbooks not in place (share.h)
 *   archive_bytes, runs      the archive's size and its number of runs */
#ifndef STATUSNOTAT_STATUS_H
#define STATUSNOTAT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "outcome.h"

typedef struct {
    time_t started, finished;    /* by the clock */
    double duration;             /* seconds, by a clock that only goes forward */
    outcome outcome;
    const char *run;             /* the run made or finished; NULL for none */
    size_t accepted, rejected, waiting;
    size_t workbooks_not_written;
} night_status;

/* What an exit status of the night means, in Danish (commands.h). */
const char *status_exit_meaning(int exit_code);

/* Whether an exit status leaves the operator nothing to do (0, 1). */
bool status_is_success(int exit_code);

/* ARKIV/status.json, and the Prometheus text file when prometheus is not
 * NULL. 0, or -1 with a message. */
int status_write(const char *archive, const char *prometheus, const night_status *st, char *err,
                 size_t errlen);

#endif
