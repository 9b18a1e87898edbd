/* source.h — a delivered file as the ledger, the archive and the workbooks
 * all know it: its identity (name, hash, size; whose note for which period)
 * and what became of it (accepted, rejected, superseded, duplicate), with its
 * findings. One home for these notions; see ledger.h for how a status is
 * decided and aggregate.h for how Kilder and Fund show it. */
#ifndef STATUSNOTAT_SOURCE_H
#define STATUSNOTAT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "values.h"

typedef enum {
    SOURCE_ACCEPTED,     /* godkendt: counts */
    SOURCE_REJECTED,     /* afvist */
    SOURCE_SUPERSEDED,   /* erstattet: a later (or the current) document counts instead */
    SOURCE_DUPLICATE,    /* dublet: byte-identical to one seen before */
} source_status;

const char *source_status_label(source_status s);   /* godkendt, afvist, erstattet, dublet */
const char *source_status_code(source_status s);    /* accepted, rejected, superseded, duplicate */
/* The status of a code ("accepted"), or -1. */
int source_status_from_code(const char *code);

/* What a delivered file is: its name, its bytes, and whose note for which
 * period it is (as far as it could be read). */
typedef struct {
    const char *name;            /* as shown: text_name_escape() of the name delivered */
    const char *sha256_hex;      /* of the file as delivered */
    uint64_t bytes;
    int department;              /* index into config.departments; -1 when unknown */
    bool has_period;
    sn_period period;
    bool has_indsendt;
    sn_date indsendt;
} source_identity;

/* One delivered file as the period sees it: a row of Kilder, and its findings
 * for Fund. */
typedef struct {
    source_identity id;
    source_status status;
    const char *superseded_by;   /* Erstattet af: for a superseded source the file that counts
                                    instead, for a duplicate the earlier file it repeats; or NULL */
    const finding *findings;
    size_t n_findings;
    const char *received;        /* when it landed in the inbox, ISO UTC ("2008-12-10T02:00:00Z");
                                    NULL where unknown (a run without an archive) */
} source_row;

/* How many of a source's findings have severity s. */
size_t source_row_count(const source_row *r, severity s);

#endif
