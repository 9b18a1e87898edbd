/* audit.h — the append-only audit log of `statusnotat serve`: one JSON
 * object a line per request (time, address, endpoint, account, department
 * in the document, SHA-256, size, errors and warnings, decision, status). */
#ifndef STATUSNOTAT_AUDIT_H
#define STATUSNOTAT_AUDIT_H

#include <jansson.h>
#include <stdbool.h>

/* Appends line (consumed) to the log at path, synced to disk when durable.
 * 0, or -1. Safe from many threads: one write(2) of the whole line. */
int audit_append(const char *path, json_t *line, bool durable);

#endif
