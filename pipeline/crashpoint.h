/* crashpoint.h — named points where the crash-safety test kills the run.
 *
 * When $STATUSNOTAT_TEST_CRASH_AT names a point, the process sends itself
 * SIGKILL there: no cleanup, no atexit, the same as a power cut or `kill -9`.
 * Unset (always, outside tests) it does nothing. tests/night_test.py kills
 * runs at every point and checks that the next run ends with what an
 * uninterrupted run gives. */
#ifndef STATUSNOTAT_CRASHPOINT_H
#define STATUSNOTAT_CRASHPOINT_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static inline void crash_point(const char *name)
{
    const char *at = getenv("STATUSNOTAT_TEST_CRASH_AT");
    if (at && strcmp(at, name) == 0)
        raise(SIGKILL);
}

#endif
