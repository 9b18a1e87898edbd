/* version.h — the program's version as it is recorded: in every manifest, in
 * each workbook's properties ("Dannet af statusnotat …"), and in the keys of
 * what the archive derives (the overview's cache, the share's records).
 *
 * It is STATUSNOTAT_VERSION, the build's; $STATUSNOTAT_TEST_VERSION, when
 * set, takes its place, so that the tests can play an upgrade without
 * building a second program (like crashpoint.h's variables, it is unset
 * outside tests). */
#ifndef STATUSNOTAT_VERSION_H
#define STATUSNOTAT_VERSION_H

const char *program_version(void);

#endif
