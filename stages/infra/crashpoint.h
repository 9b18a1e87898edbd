/* crashpoint.h — named points where the tests interfere with a run.
 *
 * When $STATUSNOTAT_TEST_CRASH_AT names a point, the process sends itself
 * SIGKILL there: no cleanup, no atexit, the same as a power cut or `kill -9`.
 * When $STATUSNOTAT_TEST_HOOK_AT names a point, the shell command in
 * $STATUSNOTAT_TEST_HOOK runs there (and the run waits for it): the tests use
 * it to change, replace or delete a delivery at each step of a run. Unset
 * (always, outside tests) both do nothing. tests/night_test.py and
 * tests/hostile_test.py use them.
 *
 * Points: listed (before each delivery is opened), copied (after each is
 * staged), listed_all, intake, staged, before_commit, committed, workbook,
 * inbox, before_complete. */
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
    const char *hook_at = getenv("STATUSNOTAT_TEST_HOOK_AT");
    const char *hook = getenv("STATUSNOTAT_TEST_HOOK");
    if (hook_at && hook && strcmp(hook_at, name) == 0) {
        int rc = system(hook);
        (void)rc;   /* the test checks what the hook did, not its status */
    }
}

#endif
