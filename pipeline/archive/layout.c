/* layout.c — the archive's paths; see layout.h. */
#include "layout.h"

#include <stdio.h>

int archive_path(char *buf, size_t size, const char *archive, archive_part part, const char *run,
                 const char *name)
{
    static const struct {
        const char *format;      /* run, then name */
        int takes;               /* 0 none, 1 run, 2 run and name, 3 name */
    } parts[] = {
        [ARCHIVE_LOCK] = {"lock", 0},
        [ARCHIVE_STATE] = {"state.sqlite", 0},
        [ARCHIVE_STATE_SEAL] = {"state.sqlite.sha256", 0},
        [ARCHIVE_OVERVIEW_CACHE] = {"oversigt.tsv", 0},
        [ARCHIVE_STATUS] = {"status.json", 0},
        [ARCHIVE_RUNS] = {"runs", 0},
        [ARCHIVE_RUN] = {"runs/%s", 1},
        [ARCHIVE_RUN_STAGING] = {"runs/.%s.tmp", 1},
        [ARCHIVE_RUN_MANIFEST] = {"runs/%s/manifest.json", 1},
        [ARCHIVE_RUN_CONFIG] = {"runs/%s/config.json", 1},
        [ARCHIVE_RUN_REPORT] = {"runs/%s/report.json", 1},
        [ARCHIVE_RUN_LOG] = {"runs/%s/log.jsonl", 1},
        [ARCHIVE_RUN_COMPLETE] = {"runs/%s/complete", 1},
        [ARCHIVE_RUN_FILES] = {"runs/%s/files", 1},
        [ARCHIVE_RUN_FILE] = {"runs/%s/files/%s", 2},
        [ARCHIVE_QUARANTINE] = {"quarantine", 0},
        [ARCHIVE_QUARANTINE_RUN] = {"quarantine/%s", 1},
        [ARCHIVE_QUARANTINE_FILE] = {"quarantine/%s/%s", 2},
        [ARCHIVE_IN_RUN_FILES] = {"files", 0},
        [ARCHIVE_IN_RUN_FILE] = {"files/%s", 3},
        [ARCHIVE_IN_RUN_LOG] = {"log.jsonl", 0},
        [ARCHIVE_IN_RUN_MANIFEST] = {"manifest.json", 0},
        [ARCHIVE_IN_RUN_CONFIG] = {"config.json", 0},
        [ARCHIVE_IN_RUN_INCOMING] = {"incoming", 0},
        [ARCHIVE_IN_RUN_STAGED] = {"incoming/%s", 3},
        [ARCHIVE_OLD_STATE_TSV] = {"state.tsv", 0},
    };
    int takes = (unsigned)part < sizeof parts / sizeof parts[0] ? parts[part].takes : -1;
    if (takes < 0 || ((takes == 1 || takes == 2) && !run) || (takes >= 2 && !name)) {
        if (size)
            buf[0] = '\0';
        return -1;
    }
    int head = 0;
    if (archive && *archive) {
        head = snprintf(buf, size, "%s/", archive);
        if (head < 0 || (size_t)head >= size)
            return -1;
    }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int tail = takes == 3 ? snprintf(buf + head, size - (size_t)head, parts[part].format, name)
                          : snprintf(buf + head, size - (size_t)head, parts[part].format, run, name);
#pragma GCC diagnostic pop
    if (tail < 0 || (size_t)(head + tail) >= size)
        return -1;
    return head + tail;
}

int archive_copy_name(char *buf, size_t size, size_t index, const char *sha256)
{
    int n = snprintf(buf, size, "%04zu-%.12s.xml.gz", index, sha256);
    return n < 0 || (size_t)n >= size ? -1 : n;
}
