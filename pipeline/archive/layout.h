/* layout.h — the archive's layout, in one place: every path under ARKIV/ is
 * named by archive_path(), so the folders and files of an archive are read
 * here and nowhere else.
 *
 *   ARKIV/lock                           the lock (holder's pid, purpose, start)
 *   ARKIV/state.sqlite, .sha256          the state and its seal (derived)
 *   ARKIV/oversigt.tsv                   the overview's figures (derived)
 *   ARKIV/status.json                    the last night's status
 *   ARKIV/runs/                          one folder per run
 *   ARKIV/runs/.RUN.tmp/                 a run being staged (renamed at commit)
 *   ARKIV/runs/RUN/manifest.json         what the run took and made
 *   ARKIV/runs/RUN/config.json           the configuration it ran with
 *   ARKIV/runs/RUN/report.json           what it wrote, with SHA-256s
 *   ARKIV/runs/RUN/log.jsonl             its log, one JSON object a line
 *   ARKIV/runs/RUN/complete              present once it is finished
 *   ARKIV/runs/RUN/files/NNNN-SHA12.xml.gz   the archived copies
 *   ARKIV/quarantine/RUN/NAME[.reasons.txt]  rejected deliveries and why
 *   ARKIV/runs/.RUN.tmp/incoming/NNNNNN      a delivery staged while it is read
 *
 * With archive NULL the path is relative to the archive (as manifests and
 * reports record them); a part inside a run takes run, a file takes name. */
#ifndef STATUSNOTAT_LAYOUT_H
#define STATUSNOTAT_LAYOUT_H

#include <stddef.h>

typedef enum {
    ARCHIVE_LOCK,
    ARCHIVE_STATE,
    ARCHIVE_STATE_SEAL,
    ARCHIVE_OVERVIEW_CACHE,
    ARCHIVE_STATUS,
    ARCHIVE_RUNS,
    ARCHIVE_RUN,             /* runs/RUN */
    ARCHIVE_RUN_STAGING,     /* runs/.RUN.tmp */
    ARCHIVE_RUN_MANIFEST,
    ARCHIVE_RUN_CONFIG,
    ARCHIVE_RUN_REPORT,
    ARCHIVE_RUN_LOG,
    ARCHIVE_RUN_COMPLETE,
    ARCHIVE_RUN_FILES,       /* runs/RUN/files */
    ARCHIVE_RUN_FILE,        /* runs/RUN/files/NAME */
    ARCHIVE_QUARANTINE,      /* quarantine */
    ARCHIVE_QUARANTINE_RUN,  /* quarantine/RUN */
    ARCHIVE_QUARANTINE_FILE, /* quarantine/RUN/NAME */
    /* Inside one run's folder (the final one or its staging), given as
     * `archive`: */
    ARCHIVE_IN_RUN_FILES,    /* files */
    ARCHIVE_IN_RUN_FILE,     /* files/NAME (no run) */
    ARCHIVE_IN_RUN_LOG,      /* log.jsonl */
    ARCHIVE_IN_RUN_MANIFEST, /* manifest.json */
    ARCHIVE_IN_RUN_CONFIG,   /* config.json */
    ARCHIVE_IN_RUN_INCOMING, /* incoming: the staged deliveries (staging only) */
    ARCHIVE_IN_RUN_STAGED,   /* incoming/NAME */
    ARCHIVE_OLD_STATE_TSV,   /* state.tsv: the state of archives before SQLite */
} archive_part;

/* Writes the path into buf. Returns its length, or -1 when it does not fit
 * (buf then holds as much as fits) or a part is missing its run or name. */
int archive_path(char *buf, size_t size, const char *archive, archive_part part, const char *run,
                 const char *name);

/* The name of a run's archived copy number `index` of bytes whose SHA-256
 * (hex) is sha256: NNNN-<first 12 hex digits>.xml.gz. Returns as above. */
int archive_copy_name(char *buf, size_t size, size_t index, const char *sha256);

#endif
