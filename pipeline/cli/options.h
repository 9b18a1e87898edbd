/* options.h — one table per command drives both getopt_long and the options
 * part of its --help (git's parse-options is the model), so no option is
 * accepted that --help does not list and no listed option is missing.
 *
 * A command declares its options with OPT_STRING / OPT_FLAG / OPT_NUMBER and
 * OPT_END, and its help as a cli_command: the synopsis, the text before the
 * options, and the text after them (notes and exit statuses). "-h, --help"
 * is every command's and is added here. */
#ifndef STATUSNOTAT_OPTIONS_H
#define STATUSNOTAT_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { OPTION_END, OPTION_STRING, OPTION_FLAG, OPTION_NUMBER } option_kind;

typedef struct {
    option_kind kind;
    char short_name;        /* 0 for none */
    const char *long_name;  /* without the dashes */
    const char *arg_name;   /* "DIR", "FILE", "N"; NULL for a flag */
    const char *help;       /* for --help; a '\n' starts an indented line */
    const char **string;    /* OPTION_STRING: where the value goes */
    bool *flag;             /* OPTION_FLAG: set when given */
    unsigned *number;       /* OPTION_NUMBER: a whole number within [min, max] */
    unsigned min, max;
    bool required;          /* OPT_REQUIRED: parsing fails without it */
} cli_option;

#define OPT_STRING(s, l, arg, var, h) {OPTION_STRING, s, l, arg, h, var, NULL, NULL, 0, 0, false}
#define OPT_REQUIRED(s, l, arg, var, h) {OPTION_STRING, s, l, arg, h, var, NULL, NULL, 0, 0, true}
#define OPT_FLAG(s, l, var, h) {OPTION_FLAG, s, l, NULL, h, NULL, var, NULL, 0, 0, false}
#define OPT_NUMBER(s, l, arg, var, lo, hi, h) {OPTION_NUMBER, s, l, arg, h, NULL, NULL, var, lo, hi, false}
#define OPT_END {OPTION_END, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, false}

typedef struct {
    const char *name;          /* "run": messages say "statusnotat run: …" */
    const char *synopsis;      /* the "usage: …" lines, each ending in '\n' */
    const char *description;   /* between the synopsis and the options; may be NULL */
    const char *after;         /* after the options: notes, "exit: …"; may be NULL */
    const cli_option *options; /* ending with OPT_END */
    bool operands;             /* takes arguments after the options (check's files) */
} cli_command;

typedef enum { OPTIONS_OK, OPTIONS_HELP, OPTIONS_ERROR } options_result;

/* Parses argv[1..] against the command's table: values into the table's
 * variables, *first the index of the first operand. OPTIONS_HELP after
 * printing the help on stdout; OPTIONS_ERROR after saying what is wrong and
 * the help on stderr. */
options_result options_parse(const cli_command *cmd, int argc, char **argv, int *first);

/* options_parse at a command's start: -1 to go on (the operands from
 * *first), else the exit status to return at once — 0 after --help, 2 after
 * a usage error (commands.h: EXIT_ALL_ACCEPTED, EXIT_USAGE). */
int options_parse_command(const cli_command *cmd, int argc, char **argv, int *first);

/* The whole help: synopsis, description, the options from the table, the
 * rest. */
void options_usage(const cli_command *cmd, FILE *out);

#endif
