/* common.c — what the commands share: loading the configuration, checking
 * folder arguments, telling whether a folder is an archive, and printing the
 * engine's problems and notices. Everything here may print: it is the
 * command layer. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "config_load.h"
#include "layout.h"

struct config *cli_load_config(const char *path)
{
    char buf[4096], err[1024];
    config *c;
    if (!path)
        path = config_default_path(buf, sizeof buf);
    if (config_load(path, &c, err, sizeof err) != 0) {
        char schema[4096];
        fprintf(stderr, "statusnotat: fejl i konfigurationen (configuration error): %s; skemaet, der siger, "
                "hvad den kan indeholde: %s\n", err, config_schema_path(schema, sizeof schema));
        return NULL;
    }
    return c;
}

bool cli_dir_ok(const char *command, const char *option, const char *dir)
{
    if (!dir || strlen(dir) <= CLI_MAX_DIR)
        return true;
    fprintf(stderr, "statusnotat %s: %s er længere end %d bytes\n", command, option, CLI_MAX_DIR);
    return false;
}

/* The folder a path names, with every link resolved: its deepest existing
 * part through realpath(), the rest (folders a run will create) appended as
 * given. false when it cannot be resolved. */
static bool resolve_folder(const char *path, char out[PATH_MAX])
{
    char head[PATH_MAX], tail[PATH_MAX] = "";
    if (snprintf(head, sizeof head, "%s", path) >= (int)sizeof head)
        return false;
    for (;;) {
        if (realpath(head, out)) {
            size_t len = strlen(out);
            return snprintf(out + len, PATH_MAX - len, "%s", tail) < (int)(PATH_MAX - len);
        }
        char *slash = strrchr(head, '/');
        while (slash && slash > head && slash[1] == '\0') {   /* trailing slashes */
            *slash = '\0';
            slash = strrchr(head, '/');
        }
        char rest[PATH_MAX];
        const char *name = slash ? slash + 1 : head;
        if (snprintf(rest, sizeof rest, "/%s%s", name, tail) >= (int)sizeof rest)
            return false;
        if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
            return false;        /* a folder that does not exist yet, named through .. */
        memcpy(tail, rest, sizeof tail);
        if (!slash)
            snprintf(head, sizeof head, ".");
        else if (slash == head)
            snprintf(head, sizeof head, "/");
        else
            *slash = '\0';
    }
}

/* Whether folder a is b or inside it (both resolved). */
static bool within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || (n == 1 && b[0] == '/'));
}

bool cli_folders_apart(const char *command, const char *name_a, const char *a, const char *name_b,
                       const char *b, bool nesting_allowed)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (!a || !b)
        return true;
    if (!resolve_folder(a, ra) || !resolve_folder(b, rb)) {
        fprintf(stderr, "statusnotat %s: %s %s eller %s %s kan ikke findes\n", command, name_a, a,
                name_b, b);
        return false;
    }
    const char *why = strcmp(ra, rb) == 0       ? "er den samme mappe som"
                      : nesting_allowed         ? NULL
                      : within(ra, rb)          ? "ligger inde i"
                      : within(rb, ra)          ? "rummer"
                                                : NULL;
    if (!why)
        return true;
    fprintf(stderr, "statusnotat %s: %s %s %s %s %s (%s); mapperne skal holdes adskilt, så kørslen "
                    "ikke læser, flytter eller overskriver sine egne filer\n",
            command, name_a, a, why, name_b, b, strcmp(ra, rb) == 0 ? ra : rb);
    return false;
}

bool cli_is_archive(const char *command, const char *archive)
{
    char path[4200];
    struct stat st;
    archive_path(path, sizeof path, archive, ARCHIVE_RUNS, NULL, NULL);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    fprintf(stderr, "statusnotat %s: %s er ikke et statusnotat-arkiv (der er ingen runs-mappe)\n",
            command, archive);
    return false;
}

void cli_print_problem(void *ctx, const char *file, const char *what)
{
    (void)ctx;
    printf("fejl: %s: %s\n", file, what);
}

void cli_print_notice(void *ctx, const char *file, const char *what)
{
    (void)ctx;
    printf("bemærk: %s: %s\n", file, what);
}
