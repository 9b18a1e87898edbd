/* journal.h — the priority of every line the program prints, for journald.
 *
 * Under systemd, stdout and stderr go to the journal; with $JOURNAL_STREAM
 * naming the very stream (its device and inode), each line then starts with
 * its sd-daemon priority prefix, so `journalctl -p err` finds the errors:
 *   <3> a line of the program's own on stderr ("statusnotat run: …"),
 *   <4> any other line on stderr (a department's finding),
 *   <6> a line on stdout (what the night did).
 * Elsewhere (a terminal, a file, a pipe) nothing changes. */
#ifndef STATUSNOTAT_JOURNAL_H
#define STATUSNOTAT_JOURNAL_H

/* Puts the prefixes on stdout and stderr when they are the journal's. */
void journal_streams_init(void);

#endif
