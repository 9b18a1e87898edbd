/* test_state.c — the state (state.h) as a specification: a state written
 * from a ledger names its run, matches that ledger and no other, opens as
 * the source of an empty ledger giving the same entries, and a copy through
 * SQLite's backup matches too; a state naming another run is not opened. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "ledger.h"
#include "share.h"
#include "state.h"
#include "strbuf.h"
#include "support.h"

static ledger *fixtures_ledger(void)
{
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    assert_non_null(l);
    const char *names[] = {"SOF-2008-H2.xml", "BUF-2008-H2.xml", "bad-ambiguous-amount.xml", "OEKF-2008-H2.xml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        strbuf path = STRBUF_INIT;
        assert_true(strbuf_addf(&path, "%s/%s", STATUSNOTAT_FIXTURES, names[i]));
        assert_non_null(ledger_take_file(l, path.buf, names[i], 0));
        strbuf_release(&path);
    }
    return l;
}

static void written_matched_opened(void **state)
{
    (void)state;
    char dir[] = "/tmp/statusnotat-test-state-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char err[1024];
    ledger *l = fixtures_ledger();
    share sh;
    memset(&sh, 0, sizeof sh);
    const char *run = "000001-20081209T000000Z";
    assert_int_equal(state_write(dir, run, 1, l, &sh, test_config(), err, sizeof err), 0);
    assert_true(state_is_of(dir, run));
    assert_false(state_is_of(dir, "000002-20081210T000000Z"));
    assert_int_equal(state_matches(dir, run, 1, l, &sh, test_config(), err, sizeof err), 1);

    /* Another ledger (one file fewer) is not what the state holds. */
    ledger *fewer = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    strbuf path = STRBUF_INIT;
    assert_true(strbuf_addf(&path, "%s/%s", STATUSNOTAT_FIXTURES, "SOF-2008-H2.xml"));
    assert_non_null(ledger_take_file(fewer, path.buf, "SOF-2008-H2.xml", 0));
    strbuf_release(&path);
    assert_int_equal(state_matches(dir, run, 1, fewer, &sh, test_config(), err, sizeof err), 0);
    ledger_free(fewer);

    /* Opened as the source of an empty ledger: the same entries, in order. */
    ledger *again = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    state_store *store = NULL;
    size_t runs = 0;
    assert_int_equal(state_open(dir, run, test_config(), test_config(), again, &store, &runs, err, sizeof err), 1);
    assert_int_equal(runs, 1);
    state_close(store);
    ledger_free(again);
    /* A state of another run is not opened. */
    again = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    assert_int_equal(state_open(dir, "000009-20081219T000000Z", test_config(), test_config(), again, &store,
                                &runs, err, sizeof err), 0);
    ledger_free(again);

    /* A copy through SQLite's online backup is the same state. */
    char copy_dir[] = "/tmp/statusnotat-test-state-copy-XXXXXX";
    assert_non_null(mkdtemp(copy_dir));
    char from[4200], to[4200];
    state_path(dir, from, sizeof from);
    state_path(copy_dir, to, sizeof to);
    assert_int_equal(state_copy(from, to, err, sizeof err), 0);
    assert_int_equal(state_matches(copy_dir, run, 1, l, &sh, test_config(), err, sizeof err), 1);
    ledger_free(l);
    durable_remove_tree(dir);
    durable_remove_tree(copy_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(written_matched_opened),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
