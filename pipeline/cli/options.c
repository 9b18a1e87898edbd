/* options.c — getopt_long and --help from one table; see options.h. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_OPTIONS = 16, HELP_COLUMN = 21 };

static size_t count(const cli_option *o)
{
    size_t n = 0;
    while (o[n].kind != OPTION_END)
        n++;
    return n;
}

/* "  -c, --config FILE" or "  --inbox DIR", padded to the help column (or
 * the help on the next line when the name is too long). */
static void print_option(FILE *out, char short_name, const char *long_name, const char *arg_name,
                         const char *help)
{
    int w = short_name ? fprintf(out, "  -%c, --%s", short_name, long_name)
                       : fprintf(out, "  --%s", long_name);
    if (arg_name)
        w += fprintf(out, " %s", arg_name);
    if (w + 2 > HELP_COLUMN) {
        fputc('\n', out);
        w = 0;
    }
    fprintf(out, "%*s", HELP_COLUMN - w, "");
    for (const char *p = help; *p; p++) {
        fputc(*p, out);
        if (*p == '\n')
            fprintf(out, "%*s", HELP_COLUMN, "");
    }
    fputc('\n', out);
}

void options_usage(const cli_command *cmd, FILE *out)
{
    fputs(cmd->synopsis, out);
    if (cmd->description)
        fprintf(out, "\n%s", cmd->description);
    fputc('\n', out);
    for (const cli_option *o = cmd->options; o->kind != OPTION_END; o++)
        print_option(out, o->short_name, o->long_name, o->arg_name, o->help);
    print_option(out, 'h', "help", NULL, "this text");
    if (cmd->after)
        fprintf(out, "\n%s", cmd->after);
}

static bool take_number(const cli_command *cmd, const cli_option *o, const char *text)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text && !*end && errno == 0 && v >= (long long)o->min && v <= (long long)o->max) {
        *o->number = (unsigned)v;
        return true;
    }
    fprintf(stderr, "statusnotat %s: --%s skal være et helt tal fra %u til %u, ikke \"%s\"\n", cmd->name,
            o->long_name, o->min, o->max, text);
    return false;
}

options_result options_parse(const cli_command *cmd, int argc, char **argv, int *first)
{
    size_t n = count(cmd->options);
    if (n >= MAX_OPTIONS) {   /* a programming error, said as one */
        fprintf(stderr, "statusnotat %s: for mange tilvalg i tabellen\n", cmd->name);
        return OPTIONS_ERROR;
    }
    struct option longs[MAX_OPTIONS + 1];
    char shorts[2 * MAX_OPTIONS + 3] = "h";
    size_t s = 1;
    for (size_t i = 0; i < n; i++) {
        const cli_option *o = &cmd->options[i];
        longs[i] = (struct option){o->long_name, o->kind == OPTION_FLAG ? no_argument : required_argument,
                                   NULL, (int)(256 + i)};
        if (o->short_name) {
            shorts[s++] = o->short_name;
            if (o->kind != OPTION_FLAG)
                shorts[s++] = ':';
        }
    }
    shorts[s] = '\0';
    longs[n] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n + 1] = (struct option){NULL, 0, NULL, 0};
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (opt == 'h') {
            options_usage(cmd, stdout);
            return OPTIONS_HELP;
        }
        const cli_option *o = NULL;
        if (opt >= 256 && (size_t)(opt - 256) < n)
            o = &cmd->options[opt - 256];
        for (size_t i = 0; !o && opt != '?' && i < n; i++)
            if (cmd->options[i].short_name == opt)
                o = &cmd->options[i];
        if (!o) {   /* getopt_long said what it did not know */
            options_usage(cmd, stderr);
            return OPTIONS_ERROR;
        }
        switch (o->kind) {
        case OPTION_STRING: *o->string = optarg; break;
        case OPTION_FLAG: *o->flag = true; break;
        case OPTION_NUMBER:
            if (!take_number(cmd, o, optarg))
                return OPTIONS_ERROR;
            break;
        case OPTION_END: break;
        }
    }
    *first = optind;
    for (const cli_option *o = cmd->options; o->kind != OPTION_END; o++)
        if (o->required && !*o->string) {
            fprintf(stderr, "statusnotat %s: --%s skal angives\n", cmd->name, o->long_name);
            options_usage(cmd, stderr);
            return OPTIONS_ERROR;
        }
    if (!cmd->operands && optind < argc) {
        fprintf(stderr, "statusnotat %s: uventet argument \"%s\"\n", cmd->name, argv[optind]);
        options_usage(cmd, stderr);
        return OPTIONS_ERROR;
    }
    return OPTIONS_OK;
}

int options_parse_command(const cli_command *cmd, int argc, char **argv, int *first)
{
    switch (options_parse(cmd, argc, argv, first)) {
    case OPTIONS_HELP: return 0;
    case OPTIONS_ERROR: return 2;
    case OPTIONS_OK: break;
    }
    return -1;
}
