/* test_ingest.c — the structure rules, the error and warning rules, and the
 * hostile inputs, each on a small document made for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "config_load.h"
#include "process.h"
#include "durable.h"
#include "sha256.h"
#include "support.h"

/* A valid document; tests replace one part of it. */
static const char *BASE =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                        /* 1 */
    "<statusnotat xmlns=\"urn:kk:integration:statusnotat:1\" version=\"1.0\">\n"
    "  <hoved>\n"
    "    <forvaltning kode=\"SOF\">Socialforvaltningen</forvaltning>\n"
    "    <periode>2008-H2</periode>\n"                                    /* 5 */
    "    <indsendt>2008-12-01</indsendt>\n"
    "  </hoved>\n"
    "  <indsatser>\n"
    "    <indsats id=\"BOL-01\">\n"
    "      <titel>Kampagne</titel>\n"                                     /* 10 */
    "      <tema>Bolig</tema>\n"
    "      <bevilling aar=\"2009\">0,5 mio. kr.</bevilling>\n"
    "      <status>igangsat</status>\n"
    "      <effekt vurdering=\"oensket\">Virker.</effekt>\n"
    "    </indsats>\n"                                                     /* 15 */
    "  </indsatser>\n"
    "</statusnotat>\n";

static processed_file result;

static int teardown(void **state)
{
    (void)state;
    processed_file_release(&result);
    return 0;
}

static const processed_file *run_bytes(const void *data, size_t size)
{
    processed_file_release(&result);
    assert_int_equal(process_memory(data, size, "t.xml", test_config(), &result), 0);
    return &result;
}

static const processed_file *run(const char *xml)
{
    return run_bytes(xml, strlen(xml));
}

/* BASE with the first `from` replaced by `to`. */
static const processed_file *run_edit(const char *from, const char *to)
{
    static char buf[8192];
    const char *at = strstr(BASE, from);
    if (!at)
        fail_msg("\"%s\" is not in BASE", from);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - BASE), BASE, to, at + strlen(from));
    return run(buf);
}

static void expect(const processed_file *p, finding_code code, uint32_t line)
{
    const finding *x = find_code(&p->findings, code);
    if (!x) {
        fprintf(stderr, "findings:\n");
        for (size_t i = 0; i < p->findings.n; i++)
            fprintf(stderr, "  %u %s %s\n", p->findings.items[i].line,
                    finding_code_name(p->findings.items[i].code), p->findings.items[i].message);
        fail_msg("expected %s", finding_code_name(code));
    }
    if (line && x->line != line)
        fail_msg("%s on line %u, expected %u", finding_code_name(code), x->line, line);
}

static void expect_rejected(const processed_file *p, finding_code code, uint32_t line)
{
    expect(p, code, line);
    assert_false(p->accepted);
}

static void expect_accepted_with(const processed_file *p, finding_code code, uint32_t line)
{
    expect(p, code, line);
    assert_true(p->accepted);
    assert_int_equal(p->findings.errors, 0);
}

static void base_is_valid(void **state)
{
    (void)state;
    const processed_file *p = run(BASE);
    assert_true(p->accepted);
    assert_int_equal(p->findings.n, 0);
    assert_int_equal(p->doc->n_indsatser, 1);
    assert_int_equal(p->doc->indsatser[0].bevillinger[0].kroner, 500000);
}

static void xml_level_errors(void **state)
{
    (void)state;
    expect_rejected(run("<statusnotat"), F_FILE_TRUNCATED, 1);
    expect_rejected(run(""), F_FILE_EMPTY, 0);
    expect_rejected(run_edit("</hoved>", "</hovedx>"), F_XML_MALFORMED, 7);
    expect_rejected(run_edit("<?xml", "garbage <?xml"), F_XML_MALFORMED, 1);
    expect_rejected(run_edit("Kampagne", "Kamp&nbsp;agne"), F_XML_ENTITY, 10);
    /* Character references and the predefined entities are plain text. */
    const processed_file *p = run_edit("Kampagne", "Kamp &amp; agne &#230;");
    assert_true(p->accepted);
    assert_string_equal(p->doc->indsatser[0].title, "Kamp & agne æ");
    /* CDATA is text too. */
    p = run_edit("Kampagne", "<![CDATA[Kamp <x> agne]]>");
    assert_string_equal(p->doc->indsatser[0].title, "Kamp <x> agne");
}

static void dtd_stops_before_anything_is_read(void **state)
{
    (void)state;
    /* A billion-laughs DTD: rejected at its own line, nothing expanded. */
    const char *bomb =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE statusnotat [\n"
        " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "]><statusnotat xmlns=\"urn:kk:integration:statusnotat:1\" version=\"1.0\">&e;&e;&e;"
        "</statusnotat>";
    const processed_file *p = run(bomb);
    expect_rejected(p, F_XML_DTD, 2);
    assert_int_equal(p->findings.n, 1);
    /* An external entity: never fetched. */
    p = run("<?xml version=\"1.0\"?>\n<!DOCTYPE x SYSTEM \"file:///etc/passwd\">\n<x/>");
    expect_rejected(p, F_XML_DTD, 2);
    /* A comment before the root is fine, even one that mentions <!DOCTYPE. */
    p = run_edit("<statusnotat ", "<!-- no <!DOCTYPE here, really --><?pi x?>\n<statusnotat ");
    assert_true(p->accepted);
}

static void root_namespace_version(void **state)
{
    (void)state;
    expect_rejected(run_edit("<statusnotat xmlns", "<notat xmlns"), F_ROOT_INVALID, 2);
    expect_rejected(run_edit("urn:kk:integration:statusnotat:1", "urn:other"), F_NAMESPACE_INVALID, 2);
    expect_rejected(run_edit(" xmlns=\"urn:kk:integration:statusnotat:1\"", ""),
                    F_NAMESPACE_INVALID, 2);
    expect_rejected(run_edit("version=\"1.0\">", "version=\"2.0\">"), F_VERSION_UNSUPPORTED, 2);
    expect_rejected(run_edit(" version=\"1.0\">", ">"), F_ATTRIBUTE_MISSING, 2);
    expect_rejected(run_edit("version=\"1.0\">", "version=\"1.0\" talformat=\"en\">"),
                    F_TALFORMAT_INVALID, 2);
}

static void structure(void **state)
{
    (void)state;
    const processed_file *p;
    /* Unknown elements and attributes in the namespace are errors. */
    expect_rejected(run_edit("<tema>", "<farve>rød</farve><tema>"), F_ELEMENT_UNKNOWN, 11);
    expect_rejected(run_edit("<tema>", "<tema farve=\"rød\">"), F_ATTRIBUTE_UNKNOWN, 11);
    /* Elements and attributes of other namespaces are ignored. */
    p = run_edit("<tema>", "<x:meta xmlns:x=\"urn:sender\"><x:a>1</x:a></x:meta>"
                           "<tema x:y=\"2\" xmlns:x=\"urn:sender\">");
    assert_true(p->accepted);
    assert_int_equal(p->findings.n, 0);
    /* Missing, repeated, empty. */
    expect_rejected(run_edit("      <status>igangsat</status>\n", ""), F_ELEMENT_MISSING, 9);
    expect_rejected(run_edit("    <periode>2008-H2</periode>\n", ""), F_ELEMENT_MISSING, 3);
    expect_rejected(run_edit("<tema>Bolig</tema>", "<tema>Bolig</tema><tema>Bolig</tema>"),
                    F_ELEMENT_REPEATED, 11);
    expect_rejected(run_edit("<titel>Kampagne</titel>", "<titel> </titel>"), F_VALUE_EMPTY, 10);
    expect_rejected(run_edit(" id=\"BOL-01\"", ""), F_ATTRIBUTE_MISSING, 9);
    expect_rejected(run_edit("aar=\"2009\"", ""), F_ATTRIBUTE_MISSING, 12);
    expect_rejected(run_edit("<hoved>", "<hoved>tekst"), F_TEXT_UNEXPECTED, 3);
    expect_rejected(run_edit("    <indsats id=\"BOL-01\">", "<indsats id=\"bol 1\">"), F_ID_INVALID, 9);
    /* indsatser needs at least one indsats. */
    p = run("<statusnotat xmlns=\"urn:kk:integration:statusnotat:1\" version=\"1.0\"><hoved>"
            "<forvaltning>SOF</forvaltning><periode>2008-H2</periode><indsendt>2008-12-01</indsendt>"
            "</hoved><indsatser/></statusnotat>");
    expect_rejected(p, F_ELEMENT_MISSING, 1);
    /* Every finding is reported, not only the first. */
    p = run_edit("<tema>Bolig</tema>", "<tema>Bolig</tema><farve/><lys/>");
    assert_int_equal(count_code(&p->findings, F_ELEMENT_UNKNOWN), 2);
}

static void value_errors(void **state)
{
    (void)state;
    expect_rejected(run_edit("kode=\"SOF\"", "kode=\"XYZ\""), F_DEPARTMENT_UNKNOWN, 4);
    expect_rejected(run_edit(" kode=\"SOF\">Socialforvaltningen", ">Sundhedsforvaltningen"),
                    F_DEPARTMENT_UNKNOWN, 4);
    expect_rejected(run_edit("kode=\"SOF\"", "kode=\"BUF\""), F_DEPARTMENT_CONFLICT, 4);
    expect_rejected(run_edit("2008-H2", "2008-H3"), F_PERIOD_INVALID, 5);
    expect_rejected(run_edit("2008-12-01", "32. januar 2008"), F_DATE_INVALID, 6);
    expect_rejected(run_edit("0,5 mio. kr.", "0,0000001 mio. kr."), F_AMOUNT_INVALID, 12);
    expect_rejected(run_edit("0,5 mio. kr.", "1.23"), F_AMOUNT_INVALID, 12);
    expect_rejected(run_edit("aar=\"2009\"", "aar=\"09\""), F_YEAR_INVALID, 12);
    expect_rejected(run_edit("<status>igangsat", "<status>i gang"), F_STATUS_UNKNOWN, 13);
    expect_rejected(run_edit("vurdering=\"oensket\"", "vurdering=\"god\""), F_EFFECT_UNKNOWN, 14);
    expect_rejected(run_edit("</effekt>", "</effekt><anbefaling>luk</anbefaling>"),
                    F_ANBEFALING_UNKNOWN, 14);
    expect_rejected(run_edit("      <bevilling", "      <bevilling aar=\"2009\">1 kr.</bevilling><bevilling"),
                    F_YEAR_REPEATED, 12);
    expect_rejected(run_edit("    </indsats>\n",
                             "    </indsats>\n    <indsats id=\"BOL-01\"><titel>T</titel><tema>Bolig</tema>"
                             "<status>igangsat</status><effekt vurdering=\"ingen\"/></indsats>\n"),
                    F_ID_DUPLICATE, 16);
    /* talformat iso flips the number rules. */
    const processed_file *p = run_edit("version=\"1.0\">", "version=\"1.0\" talformat=\"iso\">");
    expect_rejected(p, F_AMOUNT_INVALID, 12);
    static char iso[4096];
    snprintf(iso, sizeof iso, "%s", BASE);
    memcpy(strstr(iso, "0,5 mio."), "0.5 mio.", 8);
    p = run(iso);
    expect_rejected(p, F_AMOUNT_INVALID, 12);   /* 0.5 is not a da number */
    static char iso2[4096];
    const char *at = strstr(iso, "version=\"1.0\">");
    snprintf(iso2, sizeof iso2, "%.*sversion=\"1.0\" talformat=\"iso\">%s", (int)(at - iso), iso,
             at + strlen("version=\"1.0\">"));
    p = run(iso2);
    assert_true(p->accepted);
    assert_int_equal(p->doc->indsatser[0].bevillinger[0].kroner, 500000);
}

static void warnings_keep_the_document(void **state)
{
    (void)state;
    const processed_file *p;
    p = run_edit(" vurdering=\"oensket\">Virker.", ">Der er ingen dokumentation for effekten.");
    expect_accepted_with(p, F_EFFECT_DERIVED, 14);
    assert_true(p->doc->indsatser[0].effect_derived);
    assert_string_equal(test_config()->effects.items[p->doc->indsatser[0].effect].code,
                        "ikke_dokumenteret");
    expect_accepted_with(run_edit("<tema>Bolig", "<tema>Sundhed"), F_THEME_UNKNOWN, 11);
    expect_accepted_with(run_edit("aar=\"2009\"", "aar=\"2012\""), F_YEAR_OUTSIDE_BUDGET, 12);
    expect_accepted_with(run_edit("</effekt>", "</effekt><indikator navn=\"x\">mange</indikator>"),
                         F_INDICATOR_TEXT, 14);
    expect_accepted_with(run_edit("</effekt>", "</effekt><indikator navn=\"x\" dato=\"snart\">5</indikator>"),
                         F_INDICATOR_DATE, 14);
    const char *staff =
        "  </indsatser>\n"
        "  <personale opgjort=\"pr. 1.1.2008\">\n"                                  /* 17 */
        "    <niveau navn=\"Lang\"><ansatte antal=\"151\" i_alt=\"2849\" pct=\"5,3 %\"/>"
        "<arbejdsstyrke antal=\"1543\" pct=\"3,7 %\"/></niveau>\n"                 /* 18 */
        "    <niveau navn=\"Kort\"><ansatte antal=\"1242\" i_alt=\"10000\" pct=\"10,7 %\"/>"
        "<arbejdsstyrke antal=\"6820\"/></niveau>\n"                               /* 19 */
        "    <total ansatte=\"1393\" arbejdsstyrke=\"8.363\"/>\n"                  /* 20 */
        "  </personale>\n";
    p = run_edit("  </indsatser>\n", staff);
    assert_true(p->accepted);
    /* 151/2849 = 5.30 %: fine. 1242/10000 = 12.42 %, stated 10.7 %: flagged. */
    expect_accepted_with(p, F_PCT_MISMATCH, 19);
    assert_int_equal(count_code(&p->findings, F_PCT_MISMATCH), 1);
    assert_null(find_code(&p->findings, F_TOTAL_MISMATCH));
    assert_int_equal(p->doc->personale->n_niveauer, 2);
    assert_int_equal(p->doc->personale->total_arbejdsstyrke, 8363);
    /* A stated total that differs from its rows. */
    static char edited[2048];
    snprintf(edited, sizeof edited, "%s", staff);
    memcpy(strstr(edited, "8.363"), "8.563", 5);
    p = run_edit("  </indsatser>\n", edited);
    expect_accepted_with(p, F_TOTAL_MISMATCH, 20);
    assert_non_null(strstr(find_code(&p->findings, F_TOTAL_MISMATCH)->message, "8.563"));
    assert_non_null(strstr(find_code(&p->findings, F_TOTAL_MISMATCH)->message, "8.363"));
    /* A staffing count that is not a count is an error. */
    memcpy(strstr(edited, "\"1543\""), "\"15,4\"", 6);
    expect_rejected(run_edit("  </indsatser>\n", edited), F_COUNT_INVALID, 18);
}

static void encodings(void **state)
{
    (void)state;
    /* ISO-8859-1 and windows-1252, declared. 0x80 is a C1 control in
     * ISO-8859-1 and the euro sign in windows-1252. */
#define LATIN_DOC(encoding)                                                                     \
    "<?xml version=\"1.0\" encoding=\"" encoding "\"?>\n"                                          \
    "<statusnotat xmlns=\"urn:kk:integration:statusnotat:1\" version=\"1.0\"><hoved>"              \
    "<forvaltning>B\xF8rne- og Ungdomsforvaltningen</forvaltning><periode>andet halv\xE5r 2008"    \
    "</periode><indsendt>1. okt. 2008</indsendt></hoved><indsatser><indsats id=\"A1\">"            \
    "<titel>S\xE6rlig \x80 indsats</titel><tema>Bolig</tema><status>igangsat</status>"            \
    "<effekt vurdering=\"m\xE6rkbar\"/></indsats></indsatser></statusnotat>"
    const char *doc = LATIN_DOC("ISO-8859-1");
    const processed_file *p = run(doc);
    assert_true(p->accepted);
    assert_string_equal(test_config()->departments.items[p->doc->department].code, "BUF");
    assert_int_equal(p->doc->period.half, 2);
    assert_string_equal(p->doc->indsatser[0].title, "S\xC3\xA6rlig \xC2\x80 indsats");
    p = run(LATIN_DOC("windows-1252"));
    assert_true(p->accepted);
    assert_string_equal(p->doc->indsatser[0].title, "S\xC3\xA6rlig \xE2\x82\xAC indsats");   /* € */
    /* A UTF-8 byte order mark. */
    static char bom[4096];
    snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", BASE);
    assert_true(run(bom)->accepted);
    /* Not UTF-8 although it says so. */
    expect_rejected(run_edit("Kampagne", "Kamp\xE6gne"), F_ENCODING_MISMATCH, 10);
    /* A byte windows-1252 does not have: a finding, and nothing on stderr. */
    p = run(LATIN_DOC("windows-1252") /* 0x80 is fine */);
    assert_true(p->accepted);
    static char undefined[1024];
    snprintf(undefined, sizeof undefined, "%s", LATIN_DOC("windows-1252"));
    *strchr(undefined, '\x80') = '\x81';
    p = run(undefined);
    expect_rejected(p, F_XML_MALFORMED, 0);
    assert_non_null(strstr(find_code(&p->findings, F_XML_MALFORMED)->message, "windows-1252"));
    /* UTF-16 and exotic encodings. */
    const char utf16[] = "\xFF\xFE<\0?\0x\0m\0l\0";
    expect_rejected(run_bytes(utf16, sizeof utf16 - 1), F_ENCODING_UNSUPPORTED, 1);
    expect_rejected(run_edit("UTF-8", "KOI8-R"), F_ENCODING_UNSUPPORTED, 1);
}

/* The one finding a file gets, with its message. */
static const finding *only_finding(const processed_file *p, finding_code code)
{
    expect_rejected(p, code, 0);
    if (p->findings.n != 1)
        fail_msg("%zu findings, want one %s", p->findings.n, finding_code_name(code));
    const finding *x = &p->findings.items[0];
    assert_null(strchr(x->message, '\n'));
    return x;
}

/* FORMAT.md: the declaration must tell the truth, and what is wrong is said
 * once, with the line and the fix. */
static void truthful_declarations(void **state)
{
    (void)state;
    /* Declared ISO-8859-1 or windows-1252, saved as UTF-8. */
    const char *names[] = {"ISO-8859-1", "windows-1252", "latin1"};
    for (size_t i = 0; i < 3; i++) {
        static char doc[8192], from[64];
        const char *utf8 = strstr(BASE, "Kampagne");
        snprintf(from, sizeof from, "encoding=\"%s\"", names[i]);
        snprintf(doc, sizeof doc, "%.*s%s%.*s%s%s", (int)(strstr(BASE, "encoding=") - BASE), BASE, from,
                 (int)(utf8 - strstr(BASE, "?>")), strstr(BASE, "?>"), "Kamp\xC3\xA5gne",
                 utf8 + strlen("Kampagne"));
        const finding *x = only_finding(run(doc), F_ENCODING_MISMATCH);
        assert_int_equal(x->line, 10);
        assert_non_null(strstr(x->message, "gemt som UTF-8"));
        assert_non_null(strstr(x->message, "\"\xC3\xA5\" blive læst som \"\xC3\x83\xC2\xA5\""));  /* å as Ã¥ */
        assert_non_null(strstr(x->message, "encoding=\"UTF-8\""));
    }
    /* Latin-1 å in a file that says UTF-8: one finding, the line, the
     * character as windows-1252 shows it, the fix. */
    const finding *x = only_finding(run_edit("Kampagne", "Kamp\xE5gne"), F_ENCODING_MISMATCH);
    assert_int_equal(x->line, 10);
    assert_non_null(strstr(x->message, "0xE5"));
    assert_non_null(strstr(x->message, "\"\xC3\xA5\""));
    assert_non_null(strstr(x->message, "gem den som UTF-8"));
    /* No declaration means UTF-8. */
    x = only_finding(run_edit("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\"?>\x80"),
                     F_XML_MALFORMED);
    (void)x;
    /* UTF-16, as editors name it. */
    const char utf16[] = "\xFF\xFE<\0?\0x\0m\0l\0";
    x = only_finding(run_bytes(utf16, sizeof utf16 - 1), F_ENCODING_UNSUPPORTED);
    assert_non_null(strstr(x->message, "Unicode (UTF-16)"));
    /* A valid file in each encoding stays accepted (encodings()). */
}

/* BASE with `extra` put inside the indsats (before its end tag), in a
 * buffer of its own (the callers' constructs are large). */
static const processed_file *run_inside(const char *extra)
{
    const char *at = strstr(BASE, "    </indsats>");
    size_t head = (size_t)(at - BASE), n = strlen(extra), tail = strlen(at);
    char *doc = malloc(head + n + tail + 1);
    assert_non_null(doc);
    memcpy(doc, BASE, head);
    memcpy(doc + head, extra, n);
    memcpy(doc + head + n, at, tail + 1);
    const processed_file *p = run(doc);
    free(doc);
    return p;
}

/* FORMAT.md's 32 attributes, and libxml2's own limits (a text of 10 000 000
 * bytes, a name of 50 000, 256 levels), each said as the limit it is, found
 * before the parser meets the construct. */
static void reader_limits(void **state)
{
    (void)state;
    char *big = malloc(12 << 20);
    assert_non_null(big);
    /* 32 attributes, namespace declarations included: fine; 33: not. */
    int n = snprintf(big, 12 << 20, "<x:m xmlns:x=\"urn:x\"");
    for (int k = 0; k < 31; k++)
        n += snprintf(big + n, (12 << 20) - n, " x:a%d=\"1\"", k);
    snprintf(big + n, (12 << 20) - n, "/>\n");
    assert_true(run_inside(big)->accepted);
    snprintf(big + n, (12 << 20) - n, " x:b=\"1\"/>\n");
    const finding *x = only_finding(run_inside(big), F_ATTRIBUTES_TOO_MANY);
    assert_int_equal(x->line, 15);
    assert_non_null(strstr(x->message, "32 attributter"));
    /* 200 000 attributes: refused at once, not after minutes of libxml2. */
    n = snprintf(big, 12 << 20, "<x:m xmlns:x=\"urn:x\"");
    for (int k = 0; k < 200000; k++)
        n += snprintf(big + n, (12 << 20) - n, " x:a%d=\"\"", k);
    snprintf(big + n, (12 << 20) - n, "/>\n");
    only_finding(run_inside(big), F_ATTRIBUTES_TOO_MANY);
    /* A text of 10 000 001 bytes (10 000 000 is fine); an attribute value or a
     * comment that makes its piece of markup longer than 9 000 000 bytes
     * (libxml2 cannot look further ahead than 10 000 000 from where it is). */
    const char *wraps[][2] = {{"<x:t xmlns:x=\"urn:x\">", "</x:t>\n"}, {"<x:t xmlns:x=\"urn:x\" v=\"", "\"/>\n"},
                              {"<!--", "-->\n"}};
    const char *what[] = {"en tekst er længere end XML-læserens grænse på 10.000.000 bytes (grænsen nås "
                          "på linje 15)",   /* docs/findings.md's example */
                          "et tag med dets attributter er længere end 9.000.000 bytes",
                          "en kommentar er længere end 9.000.000 bytes"};
    const size_t fine[] = {10000000, 8990000, 8990000}, too_long[] = {10000001, 9000001, 9000001};
    for (size_t w = 0; w < 3; w++) {
        for (int k = 0; k < 2; k++) {
            size_t len = k ? too_long[w] : fine[w];
            n = snprintf(big, 12 << 20, "%s", wraps[w][0]);
            memset(big + n, 'a', len);
            snprintf(big + n + len, (12 << 20) - n - len, "%s", wraps[w][1]);
            const processed_file *p = run_inside(big);
            if (!k) {
                assert_true(p->accepted);
                continue;
            }
            x = only_finding(p, F_TEXT_TOO_LONG);
            assert_non_null(strstr(x->message, what[w]));
        }
    }
    /* A name of 50 001 bytes. */
    n = snprintf(big, 12 << 20, "<x:");
    memset(big + n, 'n', 50001);
    snprintf(big + n + 50001, (12 << 20) - n - 50001, " xmlns:x=\"urn:x\"/>\n");
    x = only_finding(run_inside(big), F_NAME_TOO_LONG);
    assert_non_null(strstr(x->message, "50.000"));
    /* Nesting: 250 foreign levels inside the document's own are fine, 300 not. */
    for (int depth = 250; depth <= 300; depth += 50) {
        n = 0;
        for (int k = 0; k < depth; k++)
            n += snprintf(big + n, (12 << 20) - n, "<x:d xmlns:x=\"urn:x\">");
        for (int k = 0; k < depth; k++)
            n += snprintf(big + n, (12 << 20) - n, "</x:d>");
        snprintf(big + n, (12 << 20) - n, "\n");
        const processed_file *p = run_inside(big);
        if (depth == 250)
            assert_true(p->accepted);
        else
            assert_non_null(strstr(only_finding(p, F_NESTING_TOO_DEEP)->message, "256 niveauer"));
    }
    free(big);
}

/* A UTF-8 byte order mark before a declaration that names another encoding:
 * an error, whatever the bytes after it (FORMAT.md) — with and without
 * non-ASCII text; the same BOM before UTF-8, or before no declaration, is
 * fine. */
static void bom_and_declaration(void **state)
{
    (void)state;
    static char doc[8192];
    const char *names[] = {"ISO-8859-1", "windows-1252"};
    for (size_t i = 0; i < 2; i++)
        for (int nonascii = 0; nonascii < 2; nonascii++) {
            const char *rest = strstr(BASE, "?>");
            const char *kamp = strstr(BASE, "Kampagne");
            snprintf(doc, sizeof doc, "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"%s\"%.*s%s%s", names[i],
                     (int)(kamp - rest), rest, nonascii ? "Kamp\xC3\xA5gne" : "Kampagne",
                     kamp + strlen("Kampagne"));
            const finding *x = only_finding(run(doc), F_BOM_CONTRADICTS);
            assert_int_equal(x->line, 1);
            assert_non_null(strstr(x->message, names[i]));
        }
    snprintf(doc, sizeof doc, "\xEF\xBB\xBF%s", BASE);
    assert_true(run(doc)->accepted);
    snprintf(doc, sizeof doc, "\xEF\xBB\xBF%s", strstr(BASE, "<statusnotat"));
    assert_true(run(doc)->accepted);
}

/* An empty file and a cut-off file: one finding each that says so. */
static void empty_and_cut_off(void **state)
{
    (void)state;
    const finding *x = only_finding(run(""), F_FILE_EMPTY);
    assert_non_null(strstr(x->message, "tom"));
    x = only_finding(run("  \n\t\n"), F_FILE_EMPTY);
    assert_non_null(strstr(x->message, "blanktegn"));
    /* Cut at every line break, and inside a tag and an attribute. */
    size_t len = strlen(BASE);
    for (size_t cut = 60; cut < len - 2; cut++) {
        if (BASE[cut - 1] != '\n' && BASE[cut - 1] != '=' && BASE[cut - 1] != '<' &&
            BASE[cut - 1] != '"')
            continue;
        const processed_file *p = run_bytes(BASE, cut);
        x = only_finding(p, F_FILE_TRUNCATED);
        assert_non_null(strstr(x->message, "afskåret efter linje"));
        uint32_t lines = 0;
        for (size_t i = 0; i < cut; i++)
            lines += BASE[i] == '\n';
        lines += BASE[cut - 1] != '\n';
        if (x->line != lines)
            fail_msg("cut at byte %zu: line %u, want %u", cut, x->line, lines);
    }
    /* A real mistake in the middle is not "cut off", and libxml2's own words
     * are the detail, not the message. */
    x = only_finding(run_edit("</titel>", "</titl>"), F_XML_MALFORMED);
    assert_int_equal(x->line, 10);
    assert_non_null(strstr(x->message, "start- og sluttag"));
    assert_non_null(x->detail);
    assert_non_null(strstr(x->detail, "mismatch"));
    assert_null(strstr(x->message, "mismatch"));
}

/* gzip of data at the given level. */
static unsigned char *gzip(const char *data, size_t size, size_t *out_size)
{
    z_stream z = {0};
    size_t cap = compressBound(size) + 64;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)data;
    z.avail_in = (unsigned)size;
    z.next_out = out;
    z.avail_out = (unsigned)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_size = z.total_out;
    deflateEnd(&z);
    return out;
}

static void gzip_and_limits(void **state)
{
    (void)state;
    size_t n;
    unsigned char *gz = gzip(BASE, strlen(BASE), &n);
    const processed_file *p = run_bytes(gz, n);
    assert_true(p->accepted);
    assert_true(p->source.gzip);
    assert_int_equal(p->source.xml_bytes, strlen(BASE));
    /* Truncated and corrupt streams. */
    expect_rejected(run_bytes(gz, n / 2), F_GZIP_INVALID, 0);
    gz[n / 2] ^= 0x55;
    expect_rejected(run_bytes(gz, n), F_GZIP_INVALID, 0);
    free(gz);

    /* A bomb: 200 MB of spaces inside a comment, compressed to ~200 kB. */
    size_t big = 200u << 20;
    char *bomb = malloc(big);
    assert_non_null(bomb);
    memset(bomb, ' ', big);
    memcpy(bomb, "<!--", 4);
    gz = gzip(bomb, big, &n);
    free(bomb);
    p = run_bytes(gz, n);
    expect_rejected(p, F_GZIP_EXPANSION, 0);
    assert_true(p->source.xml_bytes <= test_config()->max_expanded_bytes + (1u << 16));
    free(gz);

    /* A file over the size limit. */
    size_t over = test_config()->max_file_bytes + 1;
    char *large = malloc(over);
    assert_non_null(large);
    memset(large, ' ', over);
    p = run_bytes(large, over);
    expect_rejected(p, F_FILE_TOO_LARGE, 0);
    assert_int_equal(p->source.bytes, over);   /* hashed whole all the same */
    free(large);
}

static void hashes_whole_file(void **state)
{
    (void)state;
    /* SHA-256 of BASE, also when the parse stops early. */
    const processed_file *p = run(BASE);
    char want[65];
    memcpy(want, p->source.sha256_hex, sizeof want);
    assert_int_equal(strlen(want), 64);
    static char broken[4096];
    snprintf(broken, sizeof broken, "%s", BASE);
    broken[40] = '<';   /* breaks the XML early */
    p = run(broken);
    assert_false(p->accepted);
    assert_string_not_equal(p->source.sha256_hex, want);
    assert_int_equal(p->source.bytes, strlen(BASE));

    /* Larger than the read buffer (64 KiB) many times over, and broken in its
     * first line: the parser stops there, and the hash still covers every
     * byte, read from a file as a delivery is. */
    size_t n = 5 * 64 * 1024 + 123;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    memcpy(big, "<statusnotat <<", 15);
    for (size_t i = 100; i < n; i += 97)
        big[i] = (char)('a' + i % 26);
    char path[] = "/tmp/statusnotat-hash-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, big, n), (ssize_t)n);
    close(fd);
    processed_file whole;
    assert_int_equal(process_file(path, "big.xml", test_config(), &whole), 0);
    unlink(path);
    char expected[65];
    sha256_hex_of(big, n, expected);
    assert_false(whole.accepted);
    assert_string_equal(whole.source.sha256_hex, expected);
    assert_int_equal(whole.source.bytes, n);
    processed_file_release(&whole);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(base_is_valid, teardown),
        cmocka_unit_test_teardown(xml_level_errors, teardown),
        cmocka_unit_test_teardown(dtd_stops_before_anything_is_read, teardown),
        cmocka_unit_test_teardown(root_namespace_version, teardown),
        cmocka_unit_test_teardown(structure, teardown),
        cmocka_unit_test_teardown(value_errors, teardown),
        cmocka_unit_test_teardown(warnings_keep_the_document, teardown),
        cmocka_unit_test_teardown(encodings, teardown),
        cmocka_unit_test_teardown(truthful_declarations, teardown),
        cmocka_unit_test_teardown(empty_and_cut_off, teardown),
        cmocka_unit_test_teardown(gzip_and_limits, teardown),
        cmocka_unit_test_teardown(hashes_whole_file, teardown),
        cmocka_unit_test_teardown(reader_limits, teardown),
        cmocka_unit_test_teardown(bom_and_declaration, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
