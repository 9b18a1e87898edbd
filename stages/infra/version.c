/* version.c — the recorded program version; see version.h. */
#include "version.h"

#include <stdlib.h>
#include <string.h>

const char *program_version(void)
{
    const char *test = getenv("STATUSNOTAT_TEST_VERSION");
    if (test && *test && strlen(test) < 64)
        return test;
    return STATUSNOTAT_VERSION;
}
