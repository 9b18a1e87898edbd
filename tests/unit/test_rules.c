/* test_rules.c — every finding code has its Danish rule (finding_rules.h):
 * what it means, the usual cause, a correct example; the rule pages of
 * statusnotat serve show them. */
#include <string.h>

#include "finding_rules.h"
#include "support.h"

static void every_code_has_a_rule(void **state)
{
    (void)state;
    for (int c = 0; c < F_COUNT; c++) {
        const finding_rule *r = finding_rule_of((finding_code)c);
        if (!r->meaning[0] || !r->cause[0] || !r->example[0])
            fail_msg("%s has no rule in finding_rules.c", finding_code_name((finding_code)c));
    }
    assert_string_equal(finding_rule_of(F_COUNT)->meaning, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_code_has_a_rule)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
