/* test_durable.c — opening deliveries safely and durable output: a link, a
 * FIFO and a folder are refused without blocking; copies hash what they read
 * and write, gzip and gunzip round-trip (over many read buffers), a limit
 * stops a copy and leaves nothing; temporary names fit any file name; a
 * workbook that would not fit Excel is refused before it is written. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "sha256.h"
#include "emit.h"
#include "support.h"

static char dir[] = "/tmp/statusnotat-durable-XXXXXX";

static char *path_in(const char *name)
{
    static char buf[8][4096];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *buf = malloc(8u << 20);
    *n = fread(buf, 1, 8u << 20, f);
    fclose(f);
    return buf;
}

static void refuses_what_is_not_a_regular_file(void **state)
{
    (void)state;
    struct stat st;
    write_file(path_in("real.xml"), "<x/>", 4);
    assert_int_equal(symlink(path_in("real.xml"), path_in("link.xml")), 0);
    assert_int_equal(mkfifo(path_in("fifo.xml"), 0644), 0);
    assert_int_equal(mkdir(path_in("dir.xml"), 0755), 0);
    int fd = durable_open_delivery(path_in("real.xml"), &st);
    assert_true(fd >= 0);
    assert_int_equal(st.st_size, 4);
    close(fd);
    assert_int_equal(durable_open_delivery(path_in("link.xml"), &st), -1);
    assert_int_equal(errno, ELOOP);
    /* No writer: a blocking open would never return. */
    assert_int_equal(durable_open_delivery(path_in("fifo.xml"), &st), -1);
    assert_int_equal(errno, EFTYPE_NOT_REGULAR);
    assert_int_equal(durable_open_delivery(path_in("dir.xml"), &st), -1);
    assert_int_equal(errno, EFTYPE_NOT_REGULAR);
    assert_int_equal(durable_open_delivery(path_in("missing.xml"), &st), -1);
    assert_int_equal(errno, ENOENT);
}

static void copies_hash_and_round_trip(void **state)
{
    (void)state;
    /* Larger than every buffer on the way (64 KiB chunks). */
    size_t n = 5u << 20;
    unsigned char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)((i * 2654435761u) >> 13);
    char want[65];
    sha256_hex_of(data, n, want);
    write_file(path_in("big.bin"), data, n);
    char err[512];
    durable_copy_result c, back;
    assert_int_equal(durable_copy(path_in("big.bin"), path_in("big.gz"), DURABLE_GZIP, &c, err, sizeof err), 0);
    assert_string_equal(c.in_sha256, want);
    assert_int_equal(c.in_bytes, n);
    assert_int_equal(durable_copy(path_in("big.gz"), path_in("big.out"), DURABLE_GUNZIP, &back, err,
                                  sizeof err), 0);
    assert_string_equal(back.in_sha256, c.out_sha256);   /* what was written is what is read */
    assert_false(c.in_gzip);       /* the first bytes say which is gzip */
    assert_true(back.in_gzip);
    assert_string_equal(back.out_sha256, want);
    size_t got_n;
    unsigned char *got = read_file(path_in("big.out"), &got_n);
    assert_int_equal(got_n, n);
    assert_memory_equal(got, data, n);
    char whole[65];
    assert_int_equal(sha256_of_file(path_in("big.out"), whole), 0);
    assert_string_equal(whole, want);
    free(got);

    /* A limit stops the copy and leaves nothing behind. */
    int fd = open(path_in("big.bin"), O_RDONLY);
    assert_int_equal(durable_copy_fd(fd, path_in("cut.bin"), DURABLE_COPY, n / 2, &c, err, sizeof err), 0);
    close(fd);
    assert_true(c.over_limit);
    assert_int_equal(access(path_in("cut.bin"), F_OK), -1);
    char tmp[4096];
    assert_true(durable_temp_name(path_in("cut.bin"), tmp, sizeof tmp));
    assert_int_equal(access(tmp, F_OK), -1);

    /* A truncated gzip stream is an error, and leaves nothing. */
    size_t gz_n;
    unsigned char *gz = read_file(path_in("big.gz"), &gz_n);
    write_file(path_in("cut.gz"), gz, gz_n / 2);
    assert_int_equal(durable_copy(path_in("cut.gz"), path_in("cut.out"), DURABLE_GUNZIP, &c, err, sizeof err), -1);
    assert_int_equal(access(path_in("cut.out"), F_OK), -1);
    free(gz);
    free(data);
}

static void temporary_names_fit(void **state)
{
    (void)state;
    char name[256], tmp[4096];
    memset(name, 'x', 255);
    name[255] = '\0';
    assert_true(durable_temp_name(path_in(name), tmp, sizeof tmp));
    const char *base = strrchr(tmp, '/') + 1;
    assert_true(strlen(base) <= NAME_MAX);
    assert_true(base[0] == '.');
    char err[512];
    assert_int_equal(durable_write(path_in(name), "abc", 3, err, sizeof err), 0);
    size_t n;
    unsigned char *got = read_file(path_in(name), &n);
    assert_int_equal(n, 3);
    free(got);
}

/* A table past Excel's 1 048 576 rows is refused before anything is
 * written: the period fails with its cause, nothing is left at the path. */
static void workbook_past_excel_rows(void **state)
{
    (void)state;
    const char *sheets[] = {"Kilder", "Validering", "Indikatorer"};
    for (size_t i = 0; i < 3; i++) {
        period_report r = {.cfg = test_config(), .period = {2008, 2}, .department = -1,
                           .scope_label = "Alle forvaltninger"};
        if (i == 0)
            r.n_sources = 1048576;
        else if (i == 1)
            r.n_fund = 2000000;
        else
            r.n_indicators = 1048573;
        emit_options o = {.path = path_in("big.xlsx"), .created = 0};
        char err[512] = "";
        assert_int_equal(emit_workbook(&r, &o, err, sizeof err), -1);
        assert_non_null(strstr(err, sheets[i]));
        assert_non_null(strstr(err, "1.048.576"));
        assert_int_equal(access(path_in("big.xlsx"), F_OK), -1);
    }
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return durable_remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_what_is_not_a_regular_file),
        cmocka_unit_test(copies_hash_and_round_trip),
        cmocka_unit_test(temporary_names_fit),
        cmocka_unit_test(workbook_past_excel_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
