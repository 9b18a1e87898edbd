/* test_layout.c — the archive's layout (layout.h): every part's path, with
 * and without the archive in front, and the refusals. */
#include <string.h>

#include "layout.h"
#include "support.h"

static void assert_path(const char *archive, archive_part part, const char *run, const char *name,
                        const char *want)
{
    char buf[256];
    int n = archive_path(buf, sizeof buf, archive, part, run, name);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
}

static void every_part(void **state)
{
    (void)state;
    const char *run = "000003-20081212T000000Z";
    assert_path("/a", ARCHIVE_LOCK, NULL, NULL, "/a/lock");
    assert_path("/a", ARCHIVE_STATE, NULL, NULL, "/a/state.sqlite");
    assert_path("/a", ARCHIVE_STATE_SEAL, NULL, NULL, "/a/state.sqlite.sha256");
    assert_path("/a", ARCHIVE_OVERVIEW_CACHE, NULL, NULL, "/a/oversigt.tsv");
    assert_path("/a", ARCHIVE_STATUS, NULL, NULL, "/a/status.json");
    assert_path("/a", ARCHIVE_RUNS, NULL, NULL, "/a/runs");
    assert_path("/a", ARCHIVE_RUN, run, NULL, "/a/runs/000003-20081212T000000Z");
    assert_path("/a", ARCHIVE_RUN_STAGING, run, NULL, "/a/runs/.000003-20081212T000000Z.tmp");
    assert_path(NULL, ARCHIVE_RUN_MANIFEST, run, NULL, "runs/000003-20081212T000000Z/manifest.json");
    assert_path(NULL, ARCHIVE_RUN_CONFIG, run, NULL, "runs/000003-20081212T000000Z/config.json");
    assert_path("", ARCHIVE_RUN_REPORT, run, NULL, "runs/000003-20081212T000000Z/report.json");
    assert_path("/a", ARCHIVE_RUN_LOG, run, NULL, "/a/runs/000003-20081212T000000Z/log.jsonl");
    assert_path("/a", ARCHIVE_RUN_COMPLETE, run, NULL, "/a/runs/000003-20081212T000000Z/complete");
    assert_path(NULL, ARCHIVE_RUN_FILE, run, "0001-abc.xml.gz", "runs/000003-20081212T000000Z/files/0001-abc.xml.gz");
    assert_path(NULL, ARCHIVE_QUARANTINE_FILE, run, "bad.xml", "quarantine/000003-20081212T000000Z/bad.xml");
    assert_path("/a/runs/.r.tmp", ARCHIVE_IN_RUN_FILE, NULL, "x.gz", "/a/runs/.r.tmp/files/x.gz");
    assert_path("/a/runs/.r.tmp", ARCHIVE_IN_RUN_STAGED, NULL, "000001", "/a/runs/.r.tmp/incoming/000001");
    char name[64];
    assert_int_equal(archive_copy_name(name, sizeof name, 7,
                                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                     strlen("0007-0123456789ab.xml.gz"));
    assert_string_equal(name, "0007-0123456789ab.xml.gz");
}

static void refusals(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(archive_path(buf, sizeof buf, "/a", ARCHIVE_RUN, NULL, NULL), -1);   /* no run */
    assert_int_equal(archive_path(buf, sizeof buf, "/a", ARCHIVE_RUN_FILE, "r", NULL), -1);   /* no name */
    assert_int_equal(archive_path(buf, sizeof buf, "/a/very/long/archive", ARCHIVE_STATE, NULL, NULL), -1);
    assert_int_equal(archive_path(buf, sizeof buf, "/a", (archive_part)999, NULL, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_part),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
