/* test_strbuf.c — the growable buffer's rules (strbuf.h) and cut messages. */
#include <string.h>

#include "strbuf.h"
#include "support.h"

static void grows_past_any_fixed_size(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    assert_string_equal(strbuf_str(&sb), "");
    char long_name[5000];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_true(strbuf_addf(&sb, "%s/%s", "/srv/statusnotat", long_name));
    assert_int_equal(sb.len, strlen("/srv/statusnotat/") + 4999);
    assert_int_equal(strlen(sb.buf), sb.len);
    assert_true(strbuf_add(&sb, ".xml", 4));
    assert_string_equal(sb.buf + sb.len - 4, ".xml");
    strbuf_reset(&sb);
    assert_string_equal(strbuf_str(&sb), "");
    assert_true(strbuf_addf(&sb, "%d-%s", 7, "x"));
    assert_string_equal(strbuf_str(&sb), "7-x");
    strbuf_release(&sb);
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
}

static void cut_messages_end_in_an_ellipsis(void **state)
{
    (void)state;
    char buf[12];
    assert_true(text_printf_cut(buf, sizeof buf, "%s", "kort"));
    assert_string_equal(buf, "kort");
    assert_false(text_printf_cut(buf, sizeof buf, "%s", "en meget lang besked"));
    assert_string_equal(buf, "en meget…");
    /* Never inside a UTF-8 character: "æøå" are two bytes each. */
    assert_false(text_printf_cut(buf, sizeof buf, "%s", "æøåæøåæøå"));
    assert_string_equal(buf, "æøåæ…");
    assert_true(strlen(buf) < sizeof buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_past_any_fixed_size),
        cmocka_unit_test(cut_messages_end_in_an_ellipsis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
