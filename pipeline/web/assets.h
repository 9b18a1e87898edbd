/* assets.h — the page's CSS and JavaScript, inside the binary (no external
 * address: the page works on a network with nothing but this service). */
#ifndef STATUSNOTAT_ASSETS_H
#define STATUSNOTAT_ASSETS_H

#include <stddef.h>

/* The asset at path ("/assets/side.css"), its type in *type; NULL if none. */
const char *assets_find(const char *path, const char **type, size_t *len);

/* docs/statusnotat.xsd, made into the binary by the build (schema_xsd.c). */
extern const unsigned char schema_xsd[];
extern const size_t schema_xsd_len;

#endif
