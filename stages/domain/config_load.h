/* config_load.h — reads the JSON configuration (config/statusnotat.json is the
 * default and documents every key) into a config record.
 *
 * In:  a path.
 * Out: a config owned by its own arena, or an error message naming the file
 *      and the key that is wrong. */
#ifndef STATUSNOTAT_CONFIG_LOAD_H
#define STATUSNOTAT_CONFIG_LOAD_H

#include <stddef.h>

#include "config.h"

int config_load(const char *path, config **out, char *err, size_t errlen);
/* The same for a configuration the archive keeps (runs/<id>/config.json):
 * a link there is not followed. */
int config_load_archived(const char *path, config **out, char *err, size_t errlen);
void config_free(config *c);

/* The configuration used when none is named: $STATUSNOTAT_CONFIG, else
 * config/statusnotat.json beside the executable (the build tree), else the
 * installed one. Writes the chosen path into buf. */
const char *config_default_path(char *buf, size_t size);

/* The configuration's JSON Schema, which every configuration error points
 * at: config/statusnotat.schema.json beside the executable (the build tree),
 * else the installed one (/usr/share/statusnotat/statusnotat.schema.json). */
const char *config_schema_path(char *buf, size_t size);

#endif
