/* runs.h — the archive's runs as records, oldest first: what each recorded
 * (time, what became of its files, the periods it rebuilt, the workbooks it
 * wrote again, whether it is complete). The command layer prints them
 * (statusnotat runs); nothing here prints.
 *
 * In:  an archive folder.
 * Out: a run_listing the caller frees with run_listing_free. A run whose
 *      configuration or manifest cannot be read is listed with `error` set
 *      and nothing else; the listing goes on with the next run. */
#ifndef STATUSNOTAT_RUNS_H
#define STATUSNOTAT_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"
#include "values.h"

typedef struct {
    char *id;
    char *error;                 /* non-NULL: this run could not be read, and why */
    int64_t recorded_time;
    size_t inputs, accepted, rejected, superseded, duplicates;
    sn_period *periods;
    size_t n_periods;
    size_t n_rewrites;           /* workbooks of earlier runs written again */
    bool complete;
} run_summary;

typedef struct {
    run_summary *runs;
    size_t n;
} run_listing;

/* OUTCOME_ALL_ACCEPTED when every run was read, OUTCOME_FAILURE_IO when one
 * or more could not be (each with its error) or the runs folder cannot be
 * listed (err, and an empty listing). */
outcome runs_list(const char *archive, run_listing *out, char *err, size_t errlen);
void run_listing_free(run_listing *l);

#endif
