/* status.c — ARKIV/status.json and the Prometheus text file; see status.h. */
#include "status.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive.h"
#include "outcome.h"
#include "durable.h"
#include "values.h"
#include "version.h"
#include "layout.h"

const char *status_exit_meaning(int exit_code)
{
    switch (exit_code) {
    case OUTCOME_ALL_ACCEPTED: return "i orden: alle nye dokumenter er godkendt, eller der var ingen";
    case OUTCOME_SOME_REJECTED: return "nogle dokumenter er afvist (forvaltningernes sag: se karantænen)";
    case OUTCOME_USAGE: return "brugs- eller konfigurationsfejl, eller en mappe, der ikke er et arkiv";
    case OUTCOME_LOCKED: return "en anden kørsel holder arkivets lås";
    case OUTCOME_FAILURE_IO: return "en I/O- eller intern fejl, et regneark der ikke kunne skrives, eller et "
                                 "arkiv der afviger";
    case OUTCOME_OTHER_VERSION: return "genkørslen er lavet af en anden programversion";
    case OUTCOME_OPERATOR: return "filer i indbakken kræver en operatør (ulæselige, for store, eller ventet "
                               "mere end en nat)";
    default: return "ukendt";
    }
}

bool status_is_success(int exit_code)
{
    return exit_code == OUTCOME_ALL_ACCEPTED || exit_code == OUTCOME_SOME_REJECTED;
}

static unsigned long long archive_bytes;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F && S_ISREG(st->st_mode))
        archive_bytes += (unsigned long long)st->st_size;
    return 0;
}

static size_t count_runs(const char *archive)
{
    name_list runs = {0};
    char err[256];
    size_t n = archive_list_runs(archive, &runs, err, sizeof err) == 0 ? runs.n : 0;
    name_list_free(&runs);
    return n;
}

static void utc(time_t t, char buf[32])
{
    if (!time_format_utc((int64_t)t, buf))
        snprintf(buf, 32, "?");
}

/* One piece because status.json and the Prometheus file are the same figures in two
 * formats, written together so they cannot disagree. */
int status_write(const char *archive, const char *prometheus, const night_status *st, char *err,
                 size_t errlen)
{
    char path[4200], started[32], finished[32];
    archive_path(path, sizeof path, archive, ARCHIVE_STATUS, NULL, NULL);
    utc(st->started, started);
    utc(st->finished, finished);
    archive_bytes = 0;
    nftw(archive, add_size, 32, FTW_PHYS);
    unsigned long long bytes = archive_bytes;
    size_t runs = count_runs(archive);
    bool success = status_is_success(st->outcome);
    double duration = st->duration;

    /* The last success: this attempt, or the one the file before names. */
    json_error_t jerr;
    json_t *before = json_load_own(path, 1 << 20, 0, &jerr);
    json_t *last_success = success ? json_pack("{s:s, s:o}", "finished", finished, "run",
                                               st->run ? json_string(st->run) : json_null())
                                   : json_incref(json_object_get(before, "last_success"));
    json_decref(before);
    json_t *root = json_pack(
        "{s:s, s:{s:s, s:s, s:f, s:i, s:s, s:s, s:o}, s:o, s:{s:I, s:I, s:I}, s:I, s:I, s:I}",
        "format", "statusnotat-status/1", "last_attempt", "started", started, "finished", finished,
        "duration_seconds", duration, "exit_status", st->outcome, "meaning",
        status_exit_meaning(st->outcome), "program_version", program_version(), "run",
        st->run ? json_string(st->run) : json_null(), "last_success",
        last_success ? last_success : json_null(), "documents", "accepted", (json_int_t)st->accepted,
        "rejected", (json_int_t)st->rejected, "waiting", (json_int_t)st->waiting,
        "workbooks_not_written", (json_int_t)st->workbooks_not_written, "archive_bytes",
        (json_int_t)bytes, "runs", (json_int_t)runs);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    int rc = -1;
    if (!text)
        snprintf(err, errlen, "%s: ikke nok hukommelse", path);
    else if (durable_write(path, text, strlen(text), err, errlen) == 0)
        rc = 0;
    free(text);
    if (rc == 0 && prometheus) {
        /* node_exporter's textfile collector: one gauge a line. */
        const char *success_time = json_string_value(json_object_get(json_object_get(root, "last_success"),
                                                                     "finished"));
        struct tm tm = {0};
        long long success_epoch = 0;
        if (success_time && strptime(success_time, "%Y-%m-%dT%H:%M:%SZ", &tm))
            success_epoch = (long long)timegm(&tm);
        char *prom = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&prom, &len);
        if (f) {
            fprintf(f,
                    "# HELP statusnotat_last_attempt_timestamp_seconds When the last night finished.\n"
                    "# TYPE statusnotat_last_attempt_timestamp_seconds gauge\n"
                    "statusnotat_last_attempt_timestamp_seconds %lld\n"
                    "# HELP statusnotat_last_success_timestamp_seconds When the last night that left "
                    "nothing to do finished (0: never).\n"
                    "# TYPE statusnotat_last_success_timestamp_seconds gauge\n"
                    "statusnotat_last_success_timestamp_seconds %lld\n"
                    "# HELP statusnotat_last_exit_status The last night's exit status (statusnotat(1)).\n"
                    "# TYPE statusnotat_last_exit_status gauge\n"
                    "statusnotat_last_exit_status %d\n"
                    "# HELP statusnotat_last_duration_seconds How long the last night took.\n"
                    "# TYPE statusnotat_last_duration_seconds gauge\n"
                    "statusnotat_last_duration_seconds %.0f\n"
                    "# HELP statusnotat_documents The last night's documents.\n"
                    "# TYPE statusnotat_documents gauge\n"
                    "statusnotat_documents{status=\"accepted\"} %zu\n"
                    "statusnotat_documents{status=\"rejected\"} %zu\n"
                    "statusnotat_documents{status=\"waiting\"} %zu\n"
                    "# HELP statusnotat_workbooks_not_written Workbooks of the share not in place.\n"
                    "# TYPE statusnotat_workbooks_not_written gauge\n"
                    "statusnotat_workbooks_not_written %zu\n"
                    "# HELP statusnotat_archive_bytes The archive's size.\n"
                    "# TYPE statusnotat_archive_bytes gauge\n"
                    "statusnotat_archive_bytes %llu\n"
                    "# HELP statusnotat_info The program that ran.\n"
                    "# TYPE statusnotat_info gauge\n"
                    "statusnotat_info{version=\"%s\"} 1\n",
                    (long long)st->finished, success_epoch, st->outcome, duration, st->accepted,
                    st->rejected, st->waiting, st->workbooks_not_written, bytes, program_version());
            if (fclose(f) != 0) {
                free(prom);
                prom = NULL;
            }
        }
        rc = prom && durable_write(prometheus, prom, len, err, errlen) == 0 ? 0 : -1;
        if (!prom)
            snprintf(err, errlen, "%s: ikke nok hukommelse", prometheus);
        free(prom);
    }
    json_decref(root);
    return rc;
}
