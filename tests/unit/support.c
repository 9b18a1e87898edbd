/* support.c — see support.h. */
#include "support.h"

#include <stdio.h>

#include "config_load.h"

const config *test_config(void)
{
    static config *c;
    char err[1024];
    if (!c && config_load(STATUSNOTAT_TEST_CONFIG, &c, err, sizeof err) != 0)
        fail_msg("cannot load the default configuration: %s", err);
    return c;
}

const finding *find_code(const findings *f, finding_code code)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i].code == code)
            return &f->items[i];
    return NULL;
}

size_t count_code(const findings *f, finding_code code)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->items[i].code == code;
    return n;
}
