/* clock.c — libxlsxwriter's clock: gmtime() for the whole program, one buffer per
 * thread, pinned to the workbook's creation time while a workbook is written. */
#include "emit_parts.h"


/* libxlsxwriter 1.1.4 formats a workbook's creation time (docProps/core.xml)
 * with gmtime(), whose result lives in one buffer for the whole process; two
 * threads closing workbooks at once (build.c's --jobs) would share it. This
 * definition takes the place of the C library's for the whole program, with
 * one buffer per thread — what POSIX allows gmtime() to be. While a workbook
 * is being written it gives the workbook's creation time whatever it is
 * asked: libxlsxwriter takes a creation time of 0 (1970-01-01) for "now" and
 * asks for the clock instead, which would make such a workbook's bytes
 * differ from run to run. It never returns NULL (the library would crash on
 * it). The program's own code uses gmtime_r. */
static _Thread_local bool pinned;
static _Thread_local time_t pinned_time;

struct tm *gmtime(const time_t *t)
{
    static _Thread_local struct tm result;
    time_t when = pinned ? pinned_time : *t, zero = 0;
    if (!gmtime_r(&when, &result))
        gmtime_r(&zero, &result);
    return &result;
}

void emit_clock_pin(time_t created)
{
    pinned_time = created;
    pinned = true;
}

void emit_clock_unpin(void)
{
    pinned = false;
}
