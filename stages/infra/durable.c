/* durable.c — opening deliveries safely; durable writes, copies (hashing,
 * gzip and gunzip on the way), folder syncs; see durable.h. */
#include "durable.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { CHUNK = 64 * 1024, TEMP_NAME_MAX = 200 };

/* ---- Faults, for the tests -------------------------------------------------- */

bool durable_fault(const char *op, const char *path)
{
    static _Atomic unsigned long counts[8];
    static const char *const ops[8] = {"open", "write", "fsync", "rename", "mkdir", "sqlite"};
    const char *spec = getenv("STATUSNOTAT_TEST_FAULT");
    if (!spec || !*spec)
        return false;
    char want[16], code[16];
    unsigned long nth = 1;
    if (sscanf(spec, "%15[a-z]:%15[A-Z]:%lu", want, code, &nth) < 2 || strcmp(want, op) != 0)
        return false;
    size_t k = 0;
    while (k < 6 && strcmp(ops[k], op) != 0)
        k++;
    if (k == 6 || ++counts[k] != nth)
        return false;
    const char *mark = getenv("STATUSNOTAT_TEST_FAULT_MARK");
    if (mark) {   /* the test's proof that the fault was met, and where */
        FILE *f = fopen(mark, "a");
        if (f) {
            fprintf(f, "%s %lu %s\n", op, nth, path ? path : "");
            fclose(f);
        }
    }
    errno = strcmp(code, "EIO") == 0 ? EIO : ENOSPC;
    return true;
}

int durable_open_delivery(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        errno = EFTYPE_NOT_REGULAR;
        return -1;
    }
    /* A regular file never blocks; reads go on as usual. */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

const char *durable_open_failure(int e)
{
    switch (e) {
    case ELOOP: return "det er et symbolsk link, og dem følger vi ikke";
    case EFTYPE_NOT_REGULAR: return "det er ikke en almindelig fil (en mappe, en FIFO eller en enhed)";
    case ENOENT: return "filen findes ikke (længere)";
    case EACCES: case EPERM: return "programmet har ikke adgang til at læse filen";
    default: return errno_text(e);
    }
}

bool durable_temp_name(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    size_t base_len = strlen(base);
    if (base_len > TEMP_NAME_MAX)
        base_len = TEMP_NAME_MAX;
    int n = snprintf(buf, size, "%.*s.%.*s.tmp", dir_len, path, (int)base_len, base);
    return n > 0 && (size_t)n < size;
}

int durable_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = durable_fault("fsync", dir) ? -1 : fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int durable_commit(const char *src, const char *dst)
{
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (durable_fault("fsync", src) || fsync(fd) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (close(fd) != 0 || durable_fault("rename", dst) || rename(src, dst) != 0)
        return -1;
    char dir[4096];   /* no allocation: a commit must not fail for want of memory after the rename */
    if (snprintf(dir, sizeof dir, "%s", dst) >= (int)sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return durable_sync_dir(dirname(dir));
}

int durable_mkdirs(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", path);
    if (n <= 0 || (size_t)n >= sizeof buf) {
        snprintf(err, errlen, "%s: stien er for lang", path);
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (((access(buf, F_OK) != 0 && durable_fault("mkdir", buf)) || mkdir(buf, 0755) != 0) &&
                errno != EEXIST) {
                snprintf(err, errlen, "%s: %s", buf, errno_text(errno));
                return -1;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int durable_remove_tree(const char *path)
{
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    if (n && durable_fault("write", NULL))
        return -1;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

int durable_read_file(const char *path, size_t limit, char **data, size_t *len)
{
    struct stat st;
    *data = NULL;
    *len = 0;
    int fd = durable_open_delivery(path, &st);
    if (fd < 0)
        return -1;
    if ((uint64_t)st.st_size > limit) {
        close(fd);
        errno = EFILE_TOO_LARGE;
        return -1;
    }
    /* Room for one byte more than fstat said, to see a file that grows. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? 0 : -1;
    while (rc == 0) {
        if (n == cap) {
            size_t next = cap > limit / 2 ? limit + 1 : cap * 2;
            char *more = cap > limit ? NULL : realloc(buf, next + 1);
            if (!more) {
                errno = cap > limit ? EFILE_TOO_LARGE : ENOMEM;
                rc = -1;
                break;
            }
            buf = more;
            cap = next;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            rc = -1;
        if (got <= 0)
            break;
        n += (size_t)got;
        if (n > limit) {
            errno = EFILE_TOO_LARGE;
            rc = -1;
        }
    }
    int saved = errno;
    close(fd);
    if (rc != 0) {
        free(buf);
        errno = saved;
        return -1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

bool durable_is_regular(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return false;
    if (S_ISLNK(st.st_mode)) {
        errno = ELOOP;
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = EFTYPE_NOT_REGULAR;
        return false;
    }
    return true;
}

int durable_set_aside(const char *path)
{
    char aside[4200];
    if (snprintf(aside, sizeof aside, "%s.beskadiget", path) >= (int)sizeof aside) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (durable_remove_tree(aside) != 0 && errno != ENOENT)
        return -1;
    return rename(path, aside);
}

/* ---- Copies ---------------------------------------------------------------- */

typedef struct {
    int out;
    sha256_state *in_sha, *out_sha;
    z_stream z;
    bool z_ready, z_done;
    unsigned char *zbuf;
    durable_copy_result *r;
} copier;

static int emit_out(copier *c, const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (!sha256_add(c->out_sha, p, n) || write_all(c->out, p, n) != 0)
        return -1;
    c->r->out_bytes += n;
    return 0;
}

/* Pushes n input bytes (n == 0 with finish: the end) through the transform. */
static int push(copier *c, durable_transform t, const unsigned char *p, size_t n, bool finish,
                char *err, size_t errlen)
{
    if (t == DURABLE_COPY)
        return emit_out(c, p, n) == 0 ? 0 : -2;
    c->z.next_in = (unsigned char *)p;
    c->z.avail_in = (unsigned)n;
    if (t == DURABLE_GZIP) {
        int zr;
        do {
            c->z.next_out = c->zbuf;
            c->z.avail_out = CHUNK;
            zr = deflate(&c->z, finish ? Z_FINISH : Z_NO_FLUSH);
            if (zr == Z_STREAM_ERROR) {
                snprintf(err, errlen, "zlib fejlede under komprimering");
                return -1;
            }
            if (emit_out(c, c->zbuf, CHUNK - c->z.avail_out) != 0)
                return -2;
        } while (c->z.avail_out == 0);
        return 0;
    }
    /* DURABLE_GUNZIP, with concatenated members. */
    while (c->z.avail_in > 0 || (finish && !c->z_done)) {
        if (c->z_done) {
            if (inflateReset(&c->z) != Z_OK) {
                snprintf(err, errlen, "gzip-strømmen kan ikke læses videre (zlib)");
                return -1;
            }
            c->z_done = false;
        }
        c->z.next_out = c->zbuf;
        c->z.avail_out = CHUNK;
        int zr = inflate(&c->z, Z_NO_FLUSH);
        if (emit_out(c, c->zbuf, CHUNK - c->z.avail_out) != 0)
            return -2;
        if (zr == Z_STREAM_END) {
            c->z_done = true;
            continue;
        }
        if (zr == Z_BUF_ERROR && c->z.avail_in == 0) {
            if (finish) {
                snprintf(err, errlen, "gzip-strømmen er afkortet");
                return -1;
            }
            break;
        }
        if (zr != Z_OK) {
            snprintf(err, errlen, "gzip-strømmen er ødelagt");
            return -1;
        }
    }
    return 0;
}

/* One piece because one read loop feeds the hash, the size limit, gzip and the write;
 * split, the loop's state would have to travel between functions. */
int durable_copy_fd(int in_fd, const char *dst, durable_transform t, uint64_t limit,
                    durable_copy_result *r, char *err, size_t errlen)
{
    char tmp[4096];
    memset(r, 0, sizeof *r);
    if (!durable_temp_name(dst, tmp, sizeof tmp)) {
        snprintf(err, errlen, "%s: stien er for lang", dst);
        return -1;
    }
    copier c = {.out = -1, .r = r};
    unsigned char head[2] = {0, 0};   /* the first bytes in: gzip or not */
    unsigned char *buf = malloc(CHUNK);
    c.zbuf = malloc(CHUNK);
    c.in_sha = sha256_begin();
    c.out_sha = sha256_begin();
    int rc = -1;
    if (!buf || !c.zbuf || !c.in_sha || !c.out_sha) {
        snprintf(err, errlen, "%s: ikke nok hukommelse", dst);
        goto done;
    }
    if (t == DURABLE_GZIP)
        c.z_ready = deflateInit2(&c.z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    else if (t == DURABLE_GUNZIP)
        c.z_ready = inflateInit2(&c.z, 16 + MAX_WBITS) == Z_OK;
    if (t != DURABLE_COPY && !c.z_ready) {
        snprintf(err, errlen, "%s: zlib kan ikke startes", dst);
        goto done;
    }
    c.out = durable_fault("open", dst) ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (c.out < 0) {
        snprintf(err, errlen, "%s: kan ikke skrives: %s", dst, errno_text(errno));
        goto done;
    }
    for (;;) {
        ssize_t n = read(in_fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "læsning fejlede: %s", errno_text(errno));
            goto done;
        }
        for (size_t k = 0; r->in_bytes + k < sizeof head && k < (size_t)n; k++)
            head[r->in_bytes + k] = buf[k];
        r->in_bytes += (uint64_t)n;
        if (limit && r->in_bytes > limit) {
            r->over_limit = true;
            rc = 0;   /* not an error: the caller reports it */
            goto done;
        }
        if (!sha256_add(c.in_sha, buf, (size_t)n)) {
            snprintf(err, errlen, "SHA-256 fejlede");
            goto done;
        }
        int pr = push(&c, t, buf, (size_t)n, n == 0, err, errlen);
        if (pr == -2)
            snprintf(err, errlen, "%s: kan ikke skrives: %s", dst, errno_text(errno));
        if (pr != 0)
            goto done;
        if (n == 0)
            break;
    }
    r->in_gzip = r->in_bytes >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    bool in_done = sha256_end_hex(c.in_sha, r->in_sha256);
    bool out_done = sha256_end_hex(c.out_sha, r->out_sha256);
    c.in_sha = c.out_sha = NULL;   /* freed by sha256_end_hex */
    if (!in_done || !out_done) {
        snprintf(err, errlen, "SHA-256 fejlede");
        goto done;
    }
    int out = c.out;
    c.out = -1;
    if (close(out) != 0 || durable_commit(tmp, dst) != 0) {
        snprintf(err, errlen, "%s: kan ikke gemmes: %s", dst, errno_text(errno));
        goto done;
    }
    rc = 0;
done:
    if (c.z_ready)
        t == DURABLE_GZIP ? deflateEnd(&c.z) : inflateEnd(&c.z);
    if (c.out >= 0)
        close(c.out);
    if (rc != 0 || r->over_limit)
        unlink(tmp);
    sha256_discard(c.in_sha);
    sha256_discard(c.out_sha);
    free(buf);
    free(c.zbuf);
    return rc;
}

int durable_copy(const char *src, const char *dst, durable_transform t, durable_copy_result *r,
                 char *err, size_t errlen)
{
    struct stat st;
    int fd = durable_open_delivery(src, &st);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", src,
                 errno_text(errno));
        memset(r, 0, sizeof *r);
        return -1;
    }
    int rc = durable_copy_fd(fd, dst, t, 0, r, err, errlen);
    close(fd);
    return rc;
}

int durable_write(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char tmp[4096];
    if (!durable_temp_name(path, tmp, sizeof tmp)) {
        snprintf(err, errlen, "%s: stien er for lang", path);
        return -1;
    }
    int fd = durable_fault("open", path) ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 || write_all(fd, data, len) != 0) {
        snprintf(err, errlen, "%s: kan ikke skrives: %s", path, errno_text(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || durable_commit(tmp, path) != 0) {
        snprintf(err, errlen, "%s: kan ikke gemmes: %s", path, errno_text(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
