/* backup.c — a verified copy of an archive; see backup.h. */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "outcome.h"
#include "durable.h"
#include "night.h"
#include "state.h"
#include "layout.h"
#include "strbuf.h"

/* nftw's walk has no context: the one backup being made. */
static struct {
    const char *archive, *to;
    size_t archive_len;
    backup_result *res;
    bool failed;
} walk;

static bool is_empty_or_absent(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

static int copy_to(const char *path, const struct stat *st, int flag, const char *dst);

static int copy_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    const char *rel = path + walk.archive_len;
    const char *base = path + ftw->base;
    if (*rel == '/')
        rel++;
    if (!*rel)
        return FTW_CONTINUE;     /* the archive itself */
    if (base[0] == '.')          /* a staging folder or a temporary file a crash left */
        return flag == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    if (strcmp(rel, "lock") == 0 || strncmp(rel, "state.sqlite", 12) == 0)
        return FTW_CONTINUE;     /* the lock is the backup's; the state is copied by SQLite */
    strbuf to = STRBUF_INIT;
    if (!strbuf_addf(&to, "%s/%s", walk.to, rel)) {
        text_printf_cut(walk.res->err, sizeof walk.res->err, "%s: ikke nok hukommelse", rel);
        walk.failed = true;
        return FTW_STOP;
    }
    int rc = copy_to(path, st, flag, to.buf);
    strbuf_release(&to);
    return rc;
}

/* Copies one file of the archive to dst, or makes the folder. */
static int copy_to(const char *path, const struct stat *st, int flag, const char *dst)
{
    if (flag == FTW_D) {
        if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
            text_printf_cut(walk.res->err, sizeof walk.res->err, "%s: kan ikke oprettes: %s", dst,
                     errno_text(errno));
            walk.failed = true;
            return FTW_STOP;
        }
        return FTW_CONTINUE;
    }
    if (flag != FTW_F || !S_ISREG(st->st_mode)) {
        snprintf(walk.res->err, sizeof walk.res->err, "%s: er ikke en almindelig fil eller mappe; "
                 "arkivet rummer kun dem (kør statusnotat verify)", path);
        walk.failed = true;
        return FTW_STOP;
    }
    durable_copy_result c;
    if (durable_copy(path, dst, DURABLE_COPY, &c, walk.res->err, sizeof walk.res->err) != 0) {
        walk.failed = true;
        return FTW_STOP;
    }
    walk.res->files++;
    walk.res->bytes += c.out_bytes;
    return FTW_CONTINUE;
}

void backup_archive(const char *archive, const char *to, unsigned wait,
                    void (*problem)(void *ctx, const char *file, const char *what), void *ctx,
                    backup_result *res)
{
    *res = (backup_result){.outcome = OUTCOME_FAILURE_IO};
    char path[4200], copy[4200];
    archive_path(path, sizeof path, archive, ARCHIVE_RUNS, NULL, NULL);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(res->err, sizeof res->err, "%s er ikke et statusnotat-arkiv (der er ingen runs-mappe)",
                 archive);
        res->outcome = OUTCOME_USAGE;
        return;
    }
    if (!is_empty_or_absent(to)) {
        snprintf(res->err, sizeof res->err, "%s findes og er ikke tom; en sikkerhedskopi skrives i en ny "
                 "eller tom mappe", to);
        res->outcome = OUTCOME_USAGE;
        return;
    }
    if (durable_mkdirs(to, res->err, sizeof res->err) != 0)
        return;
    int lock_fd = -1;
    switch (archive_lock(archive, "backup", wait, wait, &lock_fd, res->err, sizeof res->err)) {
    case LOCK_TAKEN: break;
    case LOCK_BUSY: res->outcome = OUTCOME_LOCKED; return;
    case LOCK_ERROR: return;
    }
    walk.archive = archive;
    walk.to = to;
    walk.archive_len = strlen(archive);
    walk.res = res;
    walk.failed = false;
    if (nftw(archive, copy_one, 32, FTW_PHYS | FTW_ACTIONRETVAL) != 0 && !walk.failed) {
        snprintf(res->err, sizeof res->err, "%s: kan ikke læses: %s", archive, errno_text(errno));
        walk.failed = true;
    }
    state_path(archive, path, sizeof path);
    state_path(to, copy, sizeof copy);
    if (!walk.failed && access(path, F_OK) == 0 && state_copy(path, copy, res->err, sizeof res->err) != 0)
        walk.failed = true;
    if (!walk.failed && durable_sync_dir(to) != 0) {
        snprintf(res->err, sizeof res->err, "%s: kan ikke synkroniseres: %s", to, errno_text(errno));
        walk.failed = true;
    }
    archive_unlock(lock_fd);
    if (walk.failed)
        return;
    /* The copy is what it must be: checked as verify checks an archive. */
    size_t checked = 0;
    char why[1024];
    long problems = archive_verify(to, problem, ctx, &checked, why, sizeof why);
    if (problems == 0) {
        int state = night_verify_state(to, NULL, problem, ctx, why, sizeof why);
        problems = state < 0 ? -1 : state;
    }
    if (problems < 0) {
        text_printf_cut(res->err, sizeof res->err, "kopien kan ikke kontrolleres: %s", why);
        return;
    }
    res->problems = problems;
    if (problems) {
        snprintf(res->err, sizeof res->err, "kopien i %s har %ld fejl (se ovenfor); den er ikke en god "
                 "sikkerhedskopi", to, problems);
        return;
    }
    res->outcome = OUTCOME_ALL_ACCEPTED;
}
