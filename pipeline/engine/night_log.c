/* night_log.c — the run's log (runs/<id>/log.jsonl, one JSON object a line; lines
 * before the run exists wait in memory) and the limits for reading the archive's
 * own copies. */
#include "night_parts.h"
#include "layout.h"

/* A time as ISO 8601 UTC; "" for one outside the years the program uses (a
 * file's arrival time can be anything). */
void night_iso_utc(time_t t, char buf[32])
{
    time_format_utc((int64_t)t, buf);
}

/* The limits for reading the archive's own copies: any expansion ratio (the
 * file was admitted under the limits already), the file's size when it was
 * stored as gzip, and a gzip copy of an incompressible file is a little
 * larger than the file. */
config night_archive_limits(const config *cfg)
{
    config c = *cfg;
    c.max_expansion_ratio = 1e12;
    c.max_expanded_bytes =
        cfg->max_file_bytes > cfg->max_expanded_bytes ? cfg->max_file_bytes : cfg->max_expanded_bytes;
    c.max_file_bytes = cfg->max_file_bytes + cfg->max_file_bytes / 64 + 65536;
    return c;
}

/* A log line as one compact JSON object on a line of its own. */
static void write_log_line(FILE *log, const json_t *line)
{
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text)
        fprintf(log, "%s\n", text);   /* a failed write shows in fflush */
    free(text);
}

/* One log line: {"time", "run", "level", "event", ...fields}. */
void night_log_event(night *n, const char *level, const char *event, json_t *fields)
{
    char now[32];
    night_iso_utc(time(NULL), now);
    json_t *line = json_pack("{s:s, s:s, s:s, s:s}", "time", now, "run", n->run_id ? n->run_id : "",
                             "level", level, "event", event);
    if (line && fields)
        json_object_update(line, fields);
    json_decref(fields);
    if (!line)
        return;
    if (n->log) {
        write_log_line(n->log, line);
        fflush(n->log);
        json_decref(line);
    } else if (n->pending_log) {
        json_array_append_new(n->pending_log, line);
    } else {
        json_decref(line);
    }
}

/* Opens runs/<id>/log.jsonl (append) and writes what was pending. */
int night_open_log(night *n, const char *dir)
{
    char path[4096];
    archive_path(path, sizeof path, dir, ARCHIVE_IN_RUN_LOG, NULL, NULL);
    /* Appended the way a delivery is read: no link followed, no FIFO waited on. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
        errno = EFTYPE_NOT_REGULAR;
    }
    n->log = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!n->log) {
        if (fd >= 0)
            close(fd);
        snprintf(n->err, n->errlen, "%s: %s", path, durable_open_failure(errno));
        return -1;
    }
    size_t i;
    json_t *line;
    json_array_foreach(n->pending_log, i, line)
        write_log_line(n->log, line);
    json_array_clear(n->pending_log);
    return fflush(n->log) == 0 ? 0 : -1;
}

void night_close_log(night *n)
{
    if (n->log) {
        fflush(n->log);
        fsync(fileno(n->log));
        fclose(n->log);
        n->log = NULL;
    }
}
