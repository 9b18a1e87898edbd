/* audit.c — the audit log; see audit.h. */
#include "audit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dates.h"

int audit_append(const char *path, json_t *line, bool durable)
{
    if (!line)
        return -1;
    char when[32];
    time_format_utc((int64_t)time(NULL), when);
    json_object_set_new(line, "time", json_string(when));
    char *text = json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(line);
    if (!text)
        return -1;
    size_t len = strlen(text);
    text[len] = '\n';   /* json_dumps leaves room: the NUL becomes the newline */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    int rc = -1;
    if (fd >= 0) {
        rc = write(fd, text, len + 1) == (ssize_t)(len + 1) ? 0 : -1;
        if (rc == 0 && durable && fdatasync(fd) != 0)
            rc = -1;
        if (close(fd) != 0)
            rc = -1;
    }
    free(text);
    return rc;
}
