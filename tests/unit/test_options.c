/* test_options.c — one table drives getopt_long and --help (options.h): what
 * the table holds is taken and listed, nothing else is taken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "support.h"

typedef struct {
    const char *archive, *config;
    bool json;
    unsigned jobs;
} parsed;

static options_result parse(parsed *p, int argc, char **argv, int *first)
{
    const cli_option options[] = {
        OPT_STRING(0, "archive", "DIR", &p->archive, "the archive"),
        OPT_STRING('c', "config", "FILE", &p->config, "the configuration"),
        OPT_FLAG(0, "json", &p->json, "as JSON"),
        OPT_NUMBER(0, "jobs", "N", &p->jobs, 1, 256, "threads\nsecond line"),
        OPT_END,
    };
    const cli_command cmd = {"test", "usage: statusnotat test\n", "Before.\n", "exit: 0\n", options, true};
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w");   /* getopt's own complaints */
    options_result r = options_parse(&cmd, argc, argv, first);
    fclose(stderr);
    stderr = saved;
    return r;
}

static void takes_what_the_table_holds(void **state)
{
    (void)state;
    parsed p = {.jobs = 2};
    char *argv[] = {"test", "--archive", "A", "-c", "C.json", "--json", "--jobs=8", "file.xml", NULL};
    int first = 0;
    assert_int_equal(parse(&p, 8, argv, &first), OPTIONS_OK);
    assert_string_equal(p.archive, "A");
    assert_string_equal(p.config, "C.json");
    assert_true(p.json);
    assert_int_equal(p.jobs, 8);
    assert_int_equal(first, 7);
}

static void refuses_the_rest(void **state)
{
    (void)state;
    parsed p = {0};
    int first;
    char *unknown[] = {"test", "--bogus", NULL};
    assert_int_equal(parse(&p, 2, unknown, &first), OPTIONS_ERROR);
    char *short_unknown[] = {"test", "-x", NULL};
    assert_int_equal(parse(&p, 2, short_unknown, &first), OPTIONS_ERROR);
    char *too_many[] = {"test", "--jobs", "257", NULL};
    assert_int_equal(parse(&p, 3, too_many, &first), OPTIONS_ERROR);
    char *not_a_number[] = {"test", "--jobs", "2x", NULL};
    assert_int_equal(parse(&p, 3, not_a_number, &first), OPTIONS_ERROR);
    char *missing[] = {"test", "--archive", NULL};
    assert_int_equal(parse(&p, 2, missing, &first), OPTIONS_ERROR);
}

static void help_lists_every_option(void **state)
{
    (void)state;
    parsed p = {0};
    const cli_option options[] = {
        OPT_STRING(0, "archive", "DIR", &p.archive, "the archive"),
        OPT_STRING('c', "config", "FILE", &p.config, "the configuration"),
        OPT_FLAG(0, "json", &p.json, "as JSON"),
        OPT_NUMBER(0, "jobs", "N", &p.jobs, 1, 256, "threads\nsecond line"),
        OPT_END,
    };
    const cli_command cmd = {"test", "usage: statusnotat test\n", "Before.\n", "exit: 0\n", options, false};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    options_usage(&cmd, f);
    fclose(f);
    assert_non_null(strstr(text, "usage: statusnotat test\n\nBefore.\n\n"));
    assert_non_null(strstr(text, "  --archive DIR      the archive\n"));
    assert_non_null(strstr(text, "  -c, --config FILE  the configuration\n"));
    assert_non_null(strstr(text, "  --json             as JSON\n"));
    assert_non_null(strstr(text, "  --jobs N           threads\n                     second line\n"));
    assert_non_null(strstr(text, "  -h, --help         this text\n\nexit: 0\n"));
    free(text);
}

static void a_command_starts_with_an_exit_status_or_not(void **state)
{
    (void)state;
    const char *archive = NULL;
    const cli_option options[] = {OPT_STRING(0, "archive", "DIR", &archive, "the archive"), OPT_END};
    const cli_command cmd = {"test", "usage: statusnotat test\n", NULL, NULL, options, false};
    int first;
    FILE *saved_out = stdout, *saved_err = stderr;
    stdout = fopen("/dev/null", "w");
    stderr = fopen("/dev/null", "w");
    char *ok[] = {"test", "--archive", "A", NULL};
    char *help[] = {"test", "--help", NULL};
    char *bad[] = {"test", "--nope", NULL};
    int r_ok = options_parse_command(&cmd, 3, ok, &first);
    int r_help = options_parse_command(&cmd, 2, help, &first);
    int r_bad = options_parse_command(&cmd, 2, bad, &first);
    fclose(stdout);
    fclose(stderr);
    stdout = saved_out;
    stderr = saved_err;
    assert_int_equal(r_ok, -1);
    assert_string_equal(archive, "A");
    assert_int_equal(r_help, 0);
    assert_int_equal(r_bad, 2);
}

static void required_options_and_operands(void **state)
{
    (void)state;
    const char *archive = NULL;
    const cli_option options[] = {OPT_REQUIRED(0, "archive", "DIR", &archive, "the archive"), OPT_END};
    const cli_command cmd = {"test", "usage: statusnotat test\n", NULL, NULL, options, false};
    int first;
    FILE *saved_out = stdout, *saved_err = stderr;
    stdout = fopen("/dev/null", "w");
    stderr = fopen("/dev/null", "w");
    char *missing[] = {"test", NULL};
    char *operand[] = {"test", "--archive", "A", "extra", NULL};
    char *ok[] = {"test", "--archive", "A", NULL};
    int r_missing = options_parse_command(&cmd, 1, missing, &first);
    int r_operand = options_parse_command(&cmd, 4, operand, &first);
    int r_ok = options_parse_command(&cmd, 3, ok, &first);
    fclose(stdout);
    fclose(stderr);
    stdout = saved_out;
    stderr = saved_err;
    assert_int_equal(r_missing, 2);
    assert_int_equal(r_operand, 2);
    assert_int_equal(r_ok, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_what_the_table_holds),
        cmocka_unit_test(refuses_the_rest),
        cmocka_unit_test(help_lists_every_option),
        cmocka_unit_test(a_command_starts_with_an_exit_status_or_not),
        cmocka_unit_test(required_options_and_operands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
