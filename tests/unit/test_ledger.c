/* test_ledger.c — the ledger's rules (FORMAT.md, "Identity, duplicates,
 * supersession") as a specification: a byte-identical resend is a dublet that
 * names the file it repeats; a resend of a rejected file is rejected again; a
 * later document for a department and period supersedes the earlier one, an
 * older one arriving later does not count (DOCUMENT_OLDER), and on a tie the
 * later arrival counts; an id another department uses in the same period is
 * rejected (ID_CONFLICT); a file that was not read (no hash) is never a
 * duplicate. */
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "support.h"

static char buffers[16][4096];
static int next_buffer;

/* A valid statusnotat of one department with the given ids. */
static const char *doc(const char *code, const char *period, const char *indsendt, const char *id1,
                       const char *id2)
{
    char *b = buffers[next_buffer++ % 16];
    snprintf(b, 4096,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<statusnotat xmlns=\"urn:kk:integration:statusnotat:1\" version=\"1.0\">\n"
             "<hoved><forvaltning kode=\"%s\">%s</forvaltning><periode>%s</periode>"
             "<indsendt>%s</indsendt></hoved>\n<indsatser>\n"
             "<indsats id=\"%s\"><titel>A</titel><tema>Bolig</tema>"
             "<bevilling aar=\"2009\">1 mio. kr.</bevilling><status>igangsat</status>"
             "<effekt vurdering=\"ingen\">x</effekt></indsats>\n"
             "<indsats id=\"%s\"><titel>B</titel><tema>Bolig</tema>"
             "<bevilling aar=\"2009\">2 mio. kr.</bevilling><status>igangsat</status>"
             "<effekt vurdering=\"oensket\">x</effekt></indsats>\n"
             "</indsatser></statusnotat>\n",
             code, code, period, indsendt, id1, id2);
    return b;
}

static ledger_entry *admit(ledger *l, const char *name, const char *xml)
{
    processed_file p;
    assert_int_equal(process_memory(xml, strlen(xml), name, test_config(), &p), 0);
    ledger_entry *e = ledger_admit(l, &p, name, 0, NULL);
    processed_file_release(&p);
    assert_non_null(e);
    return e;
}

static bool has(const ledger_entry *e, finding_code code)
{
    for (size_t i = 0; i < e->row.n_findings; i++)
        if (e->row.findings[i].code == code)
            return true;
    return false;
}

static void a_resend_is_a_dublet_naming_the_first(void **state)
{
    (void)state;
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    const char *x = doc("SOF", "2008-H2", "1.12.2008", "BOL-01", "BOL-02");
    ledger_entry *first = admit(l, "SOF.xml", x);
    ledger_entry *again = admit(l, "SOF-igen.xml", x);
    assert_int_equal(first->row.status, SOURCE_ACCEPTED);
    assert_int_equal(again->row.status, SOURCE_DUPLICATE);
    assert_string_equal(again->row.superseded_by, "SOF.xml");
    ledger_free(l);
}

static void a_rejected_resend_is_rejected_again(void **state)
{
    (void)state;
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    char bad[4096];
    snprintf(bad, sizeof bad, "%s", doc("SOF", "2008-H2", "1.12.2008", "BOL-01", "BOL-02"));
    char *amount = strstr(bad, "1 mio. kr.");
    memcpy(amount, "1.5 mio", 7);   /* a decimal point in talformat da */
    ledger_entry *first = admit(l, "bad.xml", bad);
    ledger_entry *again = admit(l, "bad-igen.xml", bad);
    assert_int_equal(first->row.status, SOURCE_REJECTED);
    assert_int_equal(again->row.status, SOURCE_REJECTED);
    assert_true(has(again, F_AMOUNT_INVALID));
    ledger_free(l);
}

static void later_supersedes_older_does_not_count(void **state)
{
    (void)state;
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    ledger_entry *december1 = admit(l, "a.xml", doc("SOF", "2008-H2", "1.12.2008", "BOL-01", "BOL-02"));
    ledger_entry *december15 = admit(l, "b.xml", doc("SOF", "2008-H2", "15.12.2008", "BOL-01", "BOL-03"));
    assert_int_equal(december1->row.status, SOURCE_SUPERSEDED);
    assert_string_equal(december1->row.superseded_by, "b.xml");
    assert_int_equal(december15->row.status, SOURCE_ACCEPTED);
    /* An older document arriving after the current one does not count. */
    ledger_entry *november = admit(l, "c.xml", doc("SOF", "2008-H2", "1.11.2008", "BOL-01", "BOL-04"));
    assert_int_equal(november->row.status, SOURCE_SUPERSEDED);
    assert_true(has(november, F_DOCUMENT_OLDER));
    assert_string_equal(november->row.superseded_by, "b.xml");
    assert_int_equal(december15->row.status, SOURCE_ACCEPTED);
    /* Another period is another document. */
    ledger_entry *h1 = admit(l, "d.xml", doc("SOF", "2008-H1", "1.6.2008", "BOL-01", "BOL-02"));
    assert_int_equal(h1->row.status, SOURCE_ACCEPTED);
    assert_int_equal(december15->row.status, SOURCE_ACCEPTED);
    ledger_free(l);
}

static void on_a_tie_the_later_arrival_counts(void **state)
{
    (void)state;
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    ledger_entry *first = admit(l, "a.xml", doc("BUF", "2008-H2", "1.12.2008", "MRT-01", "MRT-02"));
    ledger_entry *second = admit(l, "b.xml", doc("BUF", "2008-H2", "1.12.2008", "MRT-01", "MRT-09"));
    assert_int_equal(first->row.status, SOURCE_SUPERSEDED);
    assert_string_equal(first->row.superseded_by, "b.xml");
    assert_int_equal(second->row.status, SOURCE_ACCEPTED);
    ledger_free(l);
}

static void an_id_another_department_uses_is_rejected(void **state)
{
    (void)state;
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    admit(l, "sof.xml", doc("SOF", "2008-H2", "1.12.2008", "BOL-01", "BOL-02"));
    ledger_entry *clash = admit(l, "buf.xml", doc("BUF", "2008-H2", "1.12.2008", "MRT-01", "BOL-02"));
    assert_int_equal(clash->row.status, SOURCE_REJECTED);
    assert_true(has(clash, F_ID_CONFLICT));
    /* The same id in another period, or in the same department's next note, is fine. */
    ledger_entry *other = admit(l, "buf-h1.xml", doc("BUF", "2008-H1", "1.6.2008", "MRT-01", "BOL-02"));
    assert_int_equal(other->row.status, SOURCE_ACCEPTED);
    ledger_entry *own = admit(l, "sof-2.xml", doc("SOF", "2008-H2", "2.12.2008", "BOL-01", "BOL-02"));
    assert_int_equal(own->row.status, SOURCE_ACCEPTED);
    ledger_free(l);
}

static void a_file_without_a_hash_is_never_a_duplicate(void **state)
{
    (void)state;
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    admission a = {.id = {.name = "x.xml", .sha256_hex = "", .department = -1}, .path = "x.xml"};
    ledger_entry *one = ledger_admit_record(l, &a);
    a.id.name = "y.xml";
    ledger_entry *two = ledger_admit_record(l, &a);
    assert_int_equal(one->row.status, SOURCE_REJECTED);
    assert_int_equal(two->row.status, SOURCE_REJECTED);
    assert_null(ledger_find_copy(l, ""));
    ledger_free(l);
}

/* A source that serves a ledger's entries from another, full one, and counts
 * what it was asked for (state.h does this from SQLite). */
typedef struct {
    ledger *full;
    int periods_asked, hashes_asked;
} fake_source;

static bool serve_period(void *ctx, ledger *l, sn_period period, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    fake_source *src = ctx;
    src->periods_asked++;
    for (size_t i = 0; i < ledger_count(src->full); i++) {
        const ledger_entry *e = ledger_get(src->full, i);
        if (!e->row.id.has_period || period_compare(&e->row.id.period, &period) != 0)
            continue;
        admission a = {.id = e->row.id, .path = e->path, .archived = e->archived,
                       .path_sha256_hex = e->path_sha256_hex, .valid = e->valid,
                       .ids = e->ids, .id_lines = e->id_lines, .n_ids = e->n_ids,
                       .findings = e->row.findings, .n_findings = e->row.n_findings};
        if (!ledger_restore(l, &a, e->row.status, e->row.superseded_by, e->seq))
            return false;
    }
    return true;
}

static bool serve_hash(void *ctx, ledger *l, const char *sha, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    fake_source *src = ctx;
    src->hashes_asked++;
    for (size_t i = 0; i < ledger_count(src->full); i++) {
        const ledger_entry *e = ledger_get(src->full, i);
        if (strcmp(e->row.id.sha256_hex, sha) == 0 && e->row.id.has_period &&
            !ledger_need_period(l, e->row.id.period))
            return false;
    }
    return true;
}

/* A ledger that holds part of the archive decides as the whole one would:
 * it loads a period before admitting into it and the entries with the same
 * bytes before calling a dublet, and nothing else. */
static void a_partial_ledger_loads_what_it_decides_on(void **state)
{
    (void)state;
    ledger *full = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    const char *sof = doc("SOF", "2008-H2", "1.12.2008", "BOL-01", "BOL-02");
    admit(full, "SOF.xml", sof);
    admit(full, "BUF.xml", doc("BUF", "2008-H2", "1.12.2008", "MRT-01", "MRT-02"));
    admit(full, "BUF-H1.xml", doc("BUF", "2008-H1", "1.6.2008", "MRT-01", "MRT-02"));
    admit(full, "KFF-2007.xml", doc("KFF", "2007-H1", "1.6.2007", "K-01", "K-02"));

    fake_source src = {full, 0, 0};
    ledger_source hooks = {.ctx = &src, .load_period = serve_period, .load_hash = serve_hash};
    ledger *l = ledger_new(test_config(), LEDGER_CACHE_BUDGET);
    ledger_set_source(l, &hooks, ledger_count(full));
    /* A resend: the entries with its bytes, and so its period, come in. */
    ledger_entry *again = admit(l, "SOF-igen.xml", sof);
    assert_int_equal(again->row.status, SOURCE_DUPLICATE);
    assert_string_equal(again->row.superseded_by, "SOF.xml");
    assert_int_equal(again->seq, 4);   /* after the archive's four */
    assert_int_equal(ledger_count(l), 3);   /* 2008-H2's two, and the resend */
    /* An id SOF uses in 2008-H2: a conflict, from the loaded period. */
    ledger_entry *clash = admit(l, "KFF.xml", doc("KFF", "2008-H2", "1.12.2008", "K-01", "BOL-02"));
    assert_true(has(clash, F_ID_CONFLICT));
    /* A correction supersedes the loaded document, which is marked changed. */
    admit(l, "BUF-rettet.xml", doc("BUF", "2008-H2", "15.12.2008", "MRT-01", "MRT-03"));
    ledger_entry *buf = NULL;
    for (size_t i = 0; i < ledger_count(l); i++)
        if (strcmp(ledger_get(l, i)->row.id.name, "BUF.xml") == 0)
            buf = ledger_get(l, i);
    assert_non_null(buf);
    assert_int_equal(buf->row.status, SOURCE_SUPERSEDED);
    assert_true(buf->changed);
    /* 2007-H1 and 2008-H1 were never needed, each period was asked for once. */
    assert_int_equal(src.periods_asked, 1);
    assert_true(ledger_need_period(l, (sn_period){2008, 1}));
    assert_true(ledger_need_period(l, (sn_period){2008, 1}));
    assert_int_equal(src.periods_asked, 2);
    for (size_t i = 0; i < ledger_count(l); i++)
        assert_false(ledger_get(l, i)->row.id.period.year == 2007);
    ledger_free(l);
    ledger_free(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_resend_is_a_dublet_naming_the_first),
        cmocka_unit_test(a_rejected_resend_is_rejected_again),
        cmocka_unit_test(later_supersedes_older_does_not_count),
        cmocka_unit_test(on_a_tie_the_later_arrival_counts),
        cmocka_unit_test(an_id_another_department_uses_is_rejected),
        cmocka_unit_test(a_file_without_a_hash_is_never_a_duplicate),
        cmocka_unit_test(a_partial_ledger_loads_what_it_decides_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
