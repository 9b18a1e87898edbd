/* ingest.h — stage 1: one delivered file → raw_document.
 *
 * In:  a file (.xml or gzip-compressed .xml.gz, recognised by its bytes, not
 *      its name) or a buffer; the configuration's size limits.
 * Out: the text of every element and attribute the format knows, with its
 *      line (raw_document), the file's identity (source_info: SHA-256 of the
 *      bytes as delivered, sizes), and findings for everything that breaks
 *      the structure of FORMAT.md.
 *
 * The XML is streamed through libxml2's xmlTextReader: no document tree, no
 * DTD, no entity expansion, nothing fetched from the network or the file
 * system. A DTD stops the parse before anything in it is used.
 *
 * Returns 0 when the file was read (it may still carry errors), -1 when out
 * of memory. *out is NULL when the file could not be read as a statusnotat
 * at all (not XML, wrong root, too large, …); the findings say why. */
#ifndef STATUSNOTAT_INGEST_H
#define STATUSNOTAT_INGEST_H

#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "model.h"

int ingest_file(const char *path, const config *cfg, arena *a, findings *f,
                source_info *src, raw_document **out);

/* The same from memory (for tests and fuzzing); `name` names it in findings. */
int ingest_memory(const void *data, size_t size, const char *name, const config *cfg,
                  arena *a, findings *f, source_info *src, raw_document **out);

/* Call once at program start, before any thread reads a file: makes
 * libxml2 refuse every external entity, whatever the parser options. */
void ingest_global_init(void);

#define STATUSNOTAT_NAMESPACE "urn:kk:integration:statusnotat:1"

#endif
