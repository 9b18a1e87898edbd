/* contained.h — a piece of work run in a child process of its own, so that a
 * crash inside it costs only that piece.
 *
 * libxlsxwriter 1.1.4 does not check every allocation: when memory runs out
 * while a worksheet is filled (worksheet_write_string → _new_string_cell,
 * _new_row), it dereferences NULL and the whole night dies with SIGSEGV. A
 * workbook is therefore written by a forked child: the child shares the
 * report with the parent (copy-on-write), writes the workbook through
 * durable.h, tells its message through a pipe and exits; the parent waits.
 * A child that ends by a signal is a workbook that could not be written,
 * with a Danish message that says so — the night goes on, records it, and
 * the next night writes it again (share.h). The child prints nothing and
 * touches nothing of the parent's but the workbook's file.
 *
 * What the crash needs is an allocation that returns NULL, which Linux gives
 * only where memory is limited for the process: an address-space or data
 * limit (ulimit -v, -d; systemd's LimitAS=) or strict overcommit
 * (vm.overcommit_memory = 2). Elsewhere memory does not run out that way (the
 * kernel's OOM killer acts instead), and a child would only cost page
 * faults — a fresh heap per workbook, some 13 % of a night's time — so the
 * work runs in the caller's thread. $STATUSNOTAT_CONTAIN=always or never
 * decides it instead.
 *
 * glibc's malloc locks itself around fork(), so a child forked while other
 * threads work can allocate. ASan's (GCC 12) does not: in a build with
 * STATUSNOTAT_FORK_NEEDS_ONE_THREAD (the ASan build) the work is contained
 * only when the caller says no other thread of the program is running
 * (alone), and runs in the caller's own thread otherwise. */
#ifndef STATUSNOTAT_CONTAINED_H
#define STATUSNOTAT_CONTAINED_H

#include <stdbool.h>
#include <stddef.h>

/* Runs fn(ctx, err, errlen) in a child process. Returns what fn returned
 * (0, or -1 with its message in err), or -1 with a message of its own when
 * the child could not be made or did not end by itself. */
int contained_run(int (*fn)(void *ctx, char *err, size_t errlen), void *ctx, bool alone, char *err,
                  size_t errlen);

#endif
