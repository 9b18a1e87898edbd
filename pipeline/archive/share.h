/* share.h — the share: the folder of workbooks finance staff open, kept in
 * step with the archive the way a build system keeps its outputs in step with
 * its sources.
 *
 * The archive is the source; every workbook in the out folder is derived
 * from it. For each workbook the archive owns — a period's
 * (statusredegoerelse-<P>.xlsx, <KODE>-<P>.xlsx) and an overview
 * (*-oversigt.xlsx) — a record says what it must be and what was last
 * written:
 *   key      SHA-256 over the program version, the configuration's SHA-256
 *            and the digests of exactly the periods it is made of: its own
 *            and the one before (Udvikling) for a period's; every period's for
 *            an overview (ledger.h, period_digest);
 *   run      the run whose inputs it shows: its recorded time is the
 *            workbook's creation time, so a workbook written again is byte
 *            for byte what that run wrote, and `rerun` of it compares equal;
 *   written  the SHA-256, size and modification time of the bytes last put
 *            in place — or, when they could not be, why.
 * The night keeps the records in the state (state.h); when the state must be
 * made again from the manifests, so are they, from the runs' reports
 * (share_apply_run, share_complete).
 *
 * Every night, an empty one too, compares the folder with them
 * (share_check): a workbook that is missing, was not written, differs on
 * disk from what was written (size and time compared first, hashed only when
 * they moved) or whose key changed is written again; nothing else is
 * touched. */
#ifndef STATUSNOTAT_SHARE_H
#define STATUSNOTAT_SHARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "ledger.h"
#include "values.h"

/* Why a workbook is written again (share_check). */
typedef enum {
    SHARE_IN_STEP,               /* nothing to do */
    SHARE_FAILED,                /* the run that made it could not write it */
    SHARE_MISSING,               /* not in the folder */
    SHARE_EDITED,                /* other bytes in the folder than were written */
    SHARE_NEW_CONFIG,            /* the key changed: another configuration */
    SHARE_NEW_VERSION,           /* the key changed: another program version */
    SHARE_NEW_INPUTS,            /* the key changed: its periods' sources */
} share_reason;

/* The reason as the manifest writes it ("failed", "missing", …) and back
 * (-1 for none). */
const char *share_reason_code(share_reason r);
int share_reason_from_code(const char *code);
/* The reason in Danish, for people: "kunne ikke skrives sidste nat",
 * "manglede", "var ændret i mappen", "konfigurationen er ændret", "ny
 * programversion", "kilderne er ændret". */
const char *share_reason_text(share_reason r);

typedef struct {
    char file[64];               /* its name in the out folder */
    bool is_overview;
    sn_period period;            /* a period's workbook */
    char key[65];                /* "" until known */
    char run[40];                /* the run whose inputs it shows */
    int64_t created;             /* that run's recorded time */
    char version[64];            /* the program that made it */
    char config_sha256[65];      /* the configuration it was made with */
    bool written;                /* the bytes below are in place */
    char sha256[65];
    int64_t size, mtime_ns;      /* as last seen; -1 unknown (hashed once) */
    char error[512];             /* why it could not be written */
    share_reason reason;         /* share_check's verdict */
    bool dirty;                  /* changed since loaded: to be saved */
    bool tried;                  /* written or failed by this process (not saved) */
} share_record;

typedef struct {
    share_record *items;
    size_t n, cap;
    /* While the records are made again from the archive (share_apply_run):
     * the last run that built each period, and the overviews. */
    struct share_builder *builders;
    size_t n_builders, cap_builders;
} share;

void share_free(share *s);

/* The record of a file name, or NULL. */
share_record *share_find(share *s, const char *file);
/* The same, made (empty, name parsed) when there is none; NULL when out of
 * memory or when the name is not one of a workbook's. */
share_record *share_get(share *s, const char *file);

/* Whether a name is a workbook's ("KFF-2008-H2.xlsx", "BR-oversigt.xlsx"),
 * and of which period. */
bool share_name_parse(const char *file, bool *is_overview, sn_period *period);

/* The key a record must have now. digests: every period's, ascending. */
void share_key(const share_record *r, const char *version, const char *config_sha256,
               const period_digest *digests, size_t n, char key[65]);

/* Compares every record with the folder and with the key it must have now:
 * sets each one's reason, and returns how many are not in step. A file whose
 * size or time moved is hashed; when its bytes are still the ones written,
 * only its size and time are updated (dirty). */
size_t share_check(share *s, const char *out_dir, const char *version, const char *config_sha256,
                   const period_digest *digests, size_t n);

/* The bytes at path are in place for r (its SHA-256 given: the caller has
 * just hashed them): written, size and time from the file. */
void share_set_written(share_record *r, const char *path, const char *sha256);
void share_set_failed(share_record *r, const char *error);
/* The same for a workbook this process just tried to write: not tried again
 * before the next night. */
void share_set_tried_failed(share_record *r, const char *error);
/* r is made by run `run` now: its key, run, time, version and configuration. */
void share_set_made(share_record *r, const char *key, const char *run, int64_t created,
                    const char *version, const char *config_sha256);

/* ---- Made again from the archive ---- */

/* One run, in order, during a replay: the records of the periods it built
 * (and of the overviews, when it built any) are its, written as its report
 * says (NULL report: not finished, so nothing written yet); the workbooks
 * of earlier runs its report says it wrote again are written. 0, or -1 when
 * out of memory. */
int share_apply_run(share *s, const run_manifest *m, const json_t *report);

/* After the replay: every workbook the ledger (whole) gives that no report
 * named gets a record of the last run that built its period, not written;
 * and every record's key is made from its run's version and configuration
 * and the digests. 0, or -1 when out of memory. */
int share_complete(share *s, const ledger *l, const config *cfg, const period_digest *digests,
                   size_t n);

#endif
