/* ingest.c — streaming read of one statusnotat: bytes (gunzip, limits, SHA-256)
 * → libxml2 xmlTextReader → raw_document, checking the structure of FORMAT.md
 * on the way. See ingest.h. */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "durable.h"
#include "sha256.h"
#include "elements.h"
#include "text.h"

/* ------------------------------------------------------------------------ */
/* The byte stream: raw bytes → (SHA-256, size limit) → gunzip → parser.     */

enum { RAW_CHUNK = 64 * 1024 };
/* The expansion ratio is checked once this much XML has come out; below it,
 * a small file cannot be a bomb and short files compress unevenly. */
#define RATIO_FLOOR (1u << 20)

typedef struct {
    int fd;                          /* -1: read from mem */
    const unsigned char *mem;
    size_t mem_size, mem_pos;
    const config *cfg;
    sha256_state *sha;
    unsigned char raw[RAW_CHUNK];
    size_t raw_pos, raw_len;         /* unread raw bytes in raw[] (pass-through mode) */
    bool raw_eof;
    bool gzip, gzip_done;
    z_stream z;
    bool z_ready;
    uint64_t raw_bytes, xml_bytes;
    finding_code error;              /* F_COUNT while fine */
    int saved_errno;
    bool draining;                   /* hashing the rest: no size limit */
    /* The prolog scanner (see scan_prolog). */
    int prolog_state;
    int prolog_dashes;
    uint32_t prolog_line;
    size_t prolog_seen;
    /* The encoding check (see check_encoding), over the XML's bytes. */
    unsigned char head[512];         /* the first bytes: the XML declaration */
    size_t head_len;
    int declared;                    /* DECLARED_* once known */
    char declared_name[40];
    int utf8_need;                   /* continuation bytes still expected */
    unsigned char utf8_lo, utf8_hi;  /* the range of the next one */
    unsigned char seq[4];            /* the sequence being read */
    size_t seq_len;
    bool utf8_ok;                    /* every non-ASCII byte so far is valid UTF-8 */
    uint64_t nonascii;
    unsigned char first_seq[4];      /* the first non-ASCII character, its line */
    size_t first_seq_len;
    uint32_t first_line;
    unsigned char bad_byte;          /* the byte that is not UTF-8, its line */
    uint32_t bad_line;
    uint32_t lines;                  /* line breaks so far */
    size_t root_end_match;           /* bytes of "statusnotat>" matched after '/' or ':' */
    bool saw_root_end;               /* the root's end tag has gone by */
    bool only_space;                 /* nothing but whitespace and a BOM so far */
    bool ends_with_newline;
    /* The markup scanner (see scan_markup). */
    int mk_state;
    unsigned char mk_quote;          /* the quote an attribute value is in */
    unsigned mk_match;               /* bytes of "-->", "]]>" or "?>" matched */
    bool mk_slash;                   /* the last byte in a tag was '/' */
    uint32_t mk_attributes;          /* in the current start tag */
    uint64_t mk_run;                 /* bytes of the current text */
    uint64_t mk_markup;              /* bytes of the current tag, comment, PI or CDATA section */
    uint64_t mk_name;                /* bytes of the current name */
    uint32_t mk_depth;               /* elements open */
    uint32_t mk_line;                /* where the limit was passed */
    const char *mk_what;             /* what passed it ("en tekst", "en attributværdi", …) */
} input_stream;

/* Before the root element starts, the parser sees nothing that the prolog
 * scanner has not passed: a DTD ("<!" that is not a comment), bytes that are
 * not markup, whitespace or a UTF-8 byte order mark, or a NUL (UTF-16/32)
 * stop the stream with an error there and then, so libxml2 never reads a
 * declaration, let alone expands an entity. */
enum { PROLOG_TEXT, PROLOG_LT, PROLOG_BANG, PROLOG_BANG_DASH, PROLOG_COMMENT, PROLOG_PI,
       PROLOG_PI_QUESTION, PROLOG_DONE };

static bool scan_prolog(input_stream *in, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n && in->prolog_state != PROLOG_DONE; i++) {
        unsigned char c = p[i];
        bool bom = in->prolog_seen < 3 && c == (unsigned char)"\xEF\xBB\xBF"[in->prolog_seen];
        in->prolog_seen++;
        if (c == '\n')
            in->prolog_line++;
        if (c == 0 || ((c == 0xFE || c == 0xFF) && in->prolog_seen <= 2)) {
            in->error = F_ENCODING_UNSUPPORTED;
            return false;
        }
        switch (in->prolog_state) {
        case PROLOG_TEXT:
            if (c == '<')
                in->prolog_state = PROLOG_LT;
            else if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n' || bom)) {
                in->error = F_XML_MALFORMED;
                return false;
            }
            break;
        case PROLOG_LT:
            in->prolog_state = c == '!' ? PROLOG_BANG : c == '?' ? PROLOG_PI : PROLOG_DONE;
            break;
        case PROLOG_BANG:
            if (c != '-') {
                in->error = F_XML_DTD;
                return false;
            }
            in->prolog_state = PROLOG_BANG_DASH;
            break;
        case PROLOG_BANG_DASH:
            if (c != '-') {
                in->error = F_XML_DTD;
                return false;
            }
            in->prolog_state = PROLOG_COMMENT;
            in->prolog_dashes = 0;
            break;
        case PROLOG_COMMENT:
            if (c == '>' && in->prolog_dashes >= 2)
                in->prolog_state = PROLOG_TEXT;
            in->prolog_dashes = c == '-' ? in->prolog_dashes + 1 : 0;
            break;
        case PROLOG_PI:
            if (c == '?')
                in->prolog_state = PROLOG_PI_QUESTION;
            break;
        case PROLOG_PI_QUESTION:
            in->prolog_state = c == '>' ? PROLOG_TEXT : c == '?' ? PROLOG_PI_QUESTION : PROLOG_PI;
            break;
        }
    }
    return true;
}

/* ---- The limits of FORMAT.md and of libxml2, before libxml2 meets them ----
 *
 * libxml2 2.9.14 checks each new attribute of an element against all before
 * it (200 000 attributes take minutes), and stops at its own limits with an
 * error that only says "not well-formed": a text node of more than
 * 10 000 000 bytes, a name of more than 50 000, more than 256 levels of
 * elements, and a look-ahead of more than 10 000 000 bytes — which a tag with
 * its attributes, a comment, a processing instruction or a CDATA section
 * reaches at a length that depends on where it starts in the parser's
 * buffer. This scanner follows the markup in the bytes as they are handed to
 * the parser, in linear time, and stops the stream before the parser is
 * given the byte that passes a limit: at most 32 attributes on an element
 * (FORMAT.md, namespace declarations included), a text at most
 * XML_TEXT_LIMIT bytes, one piece of markup at most XML_MARKUP_LIMIT (below
 * the look-ahead limit wherever it starts), a name at most XML_NAME_LIMIT,
 * elements at most XML_DEPTH_LIMIT deep. It counts bytes as written, so it
 * never lets through what libxml2's own count (after entities) refuses. */
enum { ATTRIBUTES_LIMIT = 32 };
#define XML_TEXT_LIMIT 10000000u
#define XML_MARKUP_LIMIT 9000000u
#define XML_NAME_LIMIT 50000u
#define XML_DEPTH_LIMIT 256u

enum { MK_TEXT, MK_LT, MK_NAME, MK_TAG, MK_ATTR_NAME, MK_VALUE, MK_END_TAG, MK_BANG, MK_BANG_DASH,
       MK_COMMENT, MK_CDATA_OPEN, MK_CDATA, MK_DECL, MK_PI };

static bool name_byte(unsigned char c)
{
    return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == '=' ||
             c == '"' || c == '\'' || c == '<');
}

/* Stops the stream: limit `code` passed by `what` at byte i of p. */
static bool passed(input_stream *in, finding_code code, const char *what, const unsigned char *p,
                   size_t i)
{
    uint32_t line = in->lines + 1;
    for (size_t k = 0; k < i; k++)
        line += p[k] == '\n';
    in->error = code;
    in->mk_what = what;
    in->mk_line = line;
    return false;
}

static const char *markup_what(int state)
{
    switch (state) {
    case MK_COMMENT: return "en kommentar";
    case MK_CDATA: case MK_CDATA_OPEN: return "en CDATA-sektion";
    case MK_PI: return "en processeringsinstruktion";
    case MK_END_TAG: return "et sluttag";
    default: return "et tag med dets attributter";
    }
}

/* A comment's "-->" or a CDATA section's "]]>": the '>' after two marks ends
 * it. */
static void markup_end_after_two(input_stream *in, unsigned char c, unsigned char mark)
{
    if (c == '>' && in->mk_match >= 2) {
        in->mk_state = MK_TEXT;
        in->mk_run = 0;
    }
    in->mk_match = c == mark ? in->mk_match + 1 : 0;
}

static bool scan_markup(input_stream *in, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (in->mk_state == MK_TEXT) {
            /* The common case: a run of text up to the next '<'; outside
             * the root element there is no text node. */
            const unsigned char *lt = memchr(p + i, '<', n - i);
            size_t len = lt ? (size_t)(lt - (p + i)) : n - i;
            if (in->mk_depth && in->mk_run + len > XML_TEXT_LIMIT)
                return passed(in, F_TEXT_TOO_LONG, "en tekst", p, i + (XML_TEXT_LIMIT - in->mk_run));
            in->mk_run += len;
            i += len;
            if (lt) {
                in->mk_state = MK_LT;
                in->mk_markup = 1;
            }
            continue;
        }
        if (++in->mk_markup > XML_MARKUP_LIMIT)
            return passed(in, F_TEXT_TOO_LONG, markup_what(in->mk_state), p, i);
        switch (in->mk_state) {
        case MK_LT:
            in->mk_match = 0;
            if (c == '!') {
                in->mk_state = MK_BANG;
            } else if (c == '?') {
                in->mk_state = MK_PI;
            } else if (c == '/') {
                in->mk_state = MK_END_TAG;
                in->mk_name = 0;
            } else {
                in->mk_state = MK_NAME;
                in->mk_attributes = 0;
                in->mk_slash = false;
                in->mk_name = 1;
                if (++in->mk_depth > XML_DEPTH_LIMIT)
                    return passed(in, F_NESTING_TOO_DEEP, "elementerne", p, i);
            }
            break;
        case MK_NAME:
        case MK_ATTR_NAME:
            if (name_byte(c)) {
                if (++in->mk_name > XML_NAME_LIMIT)
                    return passed(in, F_NAME_TOO_LONG,
                                  in->mk_state == MK_NAME ? "et elementnavn" : "et attributnavn", p, i);
                break;
            }
            in->mk_state = MK_TAG;   /* and the byte that ended the name is the tag's: */
            /* fall through */
        case MK_TAG:
            if (c == '"' || c == '\'') {
                in->mk_state = MK_VALUE;
                in->mk_quote = c;
            } else if (c == '=') {
                if (++in->mk_attributes > ATTRIBUTES_LIMIT)
                    return passed(in, F_ATTRIBUTES_TOO_MANY, "et element", p, i);
            } else if (c == '>') {
                if (in->mk_slash)
                    in->mk_depth--;   /* <x/>: opened and closed */
                in->mk_state = MK_TEXT;
                in->mk_run = 0;
            } else if (name_byte(c)) {
                in->mk_state = MK_ATTR_NAME;
                in->mk_name = 1;
            }
            in->mk_slash = c == '/';
            break;
        case MK_VALUE:
            if (c == in->mk_quote) {
                in->mk_state = MK_TAG;
                in->mk_slash = false;
            }
            break;
        case MK_END_TAG:
            if (c == '>') {
                if (in->mk_depth)
                    in->mk_depth--;
                in->mk_state = MK_TEXT;
                in->mk_run = 0;
            } else if (name_byte(c) && ++in->mk_name > XML_NAME_LIMIT) {
                return passed(in, F_NAME_TOO_LONG, "et elementnavn", p, i);
            }
            break;
        case MK_BANG:
            in->mk_state = c == '-' ? MK_BANG_DASH : c == '[' ? MK_CDATA_OPEN : MK_DECL;
            in->mk_match = 0;
            break;
        case MK_BANG_DASH:
            in->mk_state = MK_COMMENT;
            break;
        case MK_COMMENT:        /* until "-->" */
            markup_end_after_two(in, c, '-');
            break;
        case MK_CDATA_OPEN:     /* "CDATA[" */
            if (c == '[')
                in->mk_state = MK_CDATA;
            break;
        case MK_CDATA:          /* until "]]>" */
            markup_end_after_two(in, c, ']');
            break;
        case MK_DECL:           /* anything else after "<!": libxml2 refuses it */
            if (c == '>')
                in->mk_state = MK_TEXT;
            break;
        case MK_PI:             /* until "?>" */
            if (c == '>' && in->mk_match) {
                in->mk_state = MK_TEXT;
                in->mk_run = 0;
            }
            in->mk_match = c == '?';
            break;
        }
    }
    return true;
}

/* ---- The declared encoding against the bytes (FORMAT.md: the declaration
 * must tell the truth) ---- */

enum { DECLARED_UNKNOWN, DECLARED_UTF8, DECLARED_LATIN, DECLARED_OTHER };

/* The encoding the XML declaration in the head names ("" for none). */
static void read_declaration(input_stream *in)
{
    char head[sizeof in->head + 1];
    memcpy(head, in->head, in->head_len);
    head[in->head_len] = '\0';
    const char *p = head;
    bool bom = in->head_len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
               (unsigned char)p[2] == 0xBF;
    if (bom)
        p += 3;
    in->declared = DECLARED_UTF8;
    in->declared_name[0] = '\0';
    if (strncmp(p, "<?xml", 5) != 0)
        return;
    const char *end = strstr(p, "?>");
    const char *enc = strstr(p, "encoding");
    if (!enc || (end && enc > end))
        return;
    enc += 8;
    while (*enc == ' ' || *enc == '\t' || *enc == '\r' || *enc == '\n')
        enc++;
    if (*enc++ != '=')
        return;
    while (*enc == ' ' || *enc == '\t' || *enc == '\r' || *enc == '\n')
        enc++;
    char quote = *enc++;
    if (quote != '"' && quote != '\'')
        return;
    size_t n = 0;
    while (enc[n] && enc[n] != quote && n + 1 < sizeof in->declared_name)
        n++;
    memcpy(in->declared_name, enc, n);
    in->declared_name[n] = '\0';
    static const char *const utf8[] = {"UTF-8", "UTF8", "US-ASCII", "ASCII"};
    static const char *const latin[] = {"ISO-8859-1", "ISO_8859-1", "LATIN1", "LATIN-1",
                                        "WINDOWS-1252", "CP1252", "ISO-8859-15"};
    in->declared = DECLARED_OTHER;
    for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++)
        if (strcasecmp(in->declared_name, utf8[i]) == 0)
            in->declared = DECLARED_UTF8;
    for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
        if (strcasecmp(in->declared_name, latin[i]) == 0)
            in->declared = DECLARED_LATIN;
    /* A UTF-8 byte order mark says UTF-8; a declaration that names another
     * encoding contradicts it, whatever the bytes after (FORMAT.md). */
    if (bom && in->declared != DECLARED_UTF8)
        in->error = F_BOM_CONTRADICTS;
}

/* The root's end tag, </statusnotat> or </prefix:statusnotat>, matched
 * byte by byte after a '/' or ':': the reader reads ahead, so "Extra
 * content" after it may come before the end element does. Returns the bytes
 * matched after c; *saw is set once the whole tag has gone by. */
static const char root_end[] = "statusnotat>";

static inline size_t root_end_step(size_t match, unsigned char c, bool *saw)
{
    if (match && c == (unsigned char)root_end[match - 1]) {
        if (++match < sizeof root_end)
            return match;
        *saw = true;
        return 0;
    }
    return c == '/' || c == ':' ? 1 : 0;
}

/* One byte of the check, every case. */
static bool check_byte(input_stream *in, unsigned char c)
{
    if (in->head_len < sizeof in->head)
        in->head[in->head_len++] = c;
    if (c == '\n')
        in->lines++;
    in->ends_with_newline = c == '\n';
    in->root_end_match = root_end_step(in->root_end_match, c, &in->saw_root_end);
    bool bom = in->head_len <= 3 && c == (unsigned char)"\xEF\xBB\xBF"[in->head_len - 1];
    if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n' || bom))
        in->only_space = false;
    /* The declaration is read once it has ended (the first '>'), or at the
     * first character that is not ASCII (but a byte order mark's). */
    if (in->declared == DECLARED_UNKNOWN && (c == '>' || (c >= 0x80 && !bom))) {
        read_declaration(in);
        if (in->error != F_COUNT)
            return false;
    }
    if (c < 0x80 && in->utf8_need == 0)
        return true;
    bool valid;
    if (in->utf8_need == 0) {
        in->nonascii++;
        in->seq_len = 0;
        valid = true;
        if (c >= 0xC2 && c <= 0xDF)
            in->utf8_need = 1, in->utf8_lo = 0x80, in->utf8_hi = 0xBF;
        else if (c == 0xE0)
            in->utf8_need = 2, in->utf8_lo = 0xA0, in->utf8_hi = 0xBF;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
            in->utf8_need = 2, in->utf8_lo = 0x80, in->utf8_hi = 0xBF;
        else if (c == 0xED)
            in->utf8_need = 2, in->utf8_lo = 0x80, in->utf8_hi = 0x9F;
        else if (c == 0xF0)
            in->utf8_need = 3, in->utf8_lo = 0x90, in->utf8_hi = 0xBF;
        else if (c >= 0xF1 && c <= 0xF3)
            in->utf8_need = 3, in->utf8_lo = 0x80, in->utf8_hi = 0xBF;
        else if (c == 0xF4)
            in->utf8_need = 3, in->utf8_lo = 0x80, in->utf8_hi = 0x8F;
        else
            valid = false;
    } else {
        valid = c >= in->utf8_lo && c <= in->utf8_hi;
        in->utf8_need--;
        in->utf8_lo = 0x80;
        in->utf8_hi = 0xBF;
    }
    if (in->seq_len < sizeof in->seq)
        in->seq[in->seq_len++] = c;
    if (valid && in->utf8_need == 0 && in->first_seq_len == 0) {
        memcpy(in->first_seq, in->seq, in->seq_len);
        in->first_seq_len = in->seq_len;
        in->first_line = in->lines + 1;
    }
    if (valid)
        return true;
    if (in->utf8_ok) {
        in->bad_byte = in->seq[0];
        in->bad_line = in->lines + 1 - (c == '\n');
    }
    in->utf8_ok = false;
    in->utf8_need = 0;
    if (in->declared == DECLARED_UTF8) {
        in->error = F_ENCODING_MISMATCH;
        return false;
    }
    return true;
}

/* Follows the bytes as UTF-8. In a file declared (or defaulting to) UTF-8 the
 * first byte that is not UTF-8 stops the stream (ENCODING_MISMATCH, one
 * finding with its line); in a file declared ISO-8859-1 or windows-1252 it
 * only notes whether every non-ASCII byte forms UTF-8 (decided at the end).
 *
 * The common case — ASCII once the head is read and the first non-space
 * seen — runs with its state in locals (the bytes are chars, which may alias
 * the stream's fields, so the compiler would load and store each field for
 * every byte); anything else goes through check_byte. */
static bool check_encoding(input_stream *in, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] >= 0x80 || in->utf8_need || in->only_space || in->head_len < sizeof in->head) {
            if (!check_byte(in, p[i++]))
                return false;
            continue;
        }
        uint32_t lines = in->lines;
        size_t match = in->root_end_match;
        bool saw_root_end = in->saw_root_end;
        for (; i < n && p[i] < 0x80; i++) {   /* p[i] < 0x80 here: at least one */
            unsigned char c = p[i];
            lines += c == '\n';
            match = root_end_step(match, c, &saw_root_end);
        }
        in->lines = lines;
        in->root_end_match = match;
        in->saw_root_end = saw_root_end;
        in->ends_with_newline = p[i - 1] == '\n';
    }
    return true;
}

/* Reads more raw bytes into in->raw, hashing them. Returns bytes read, 0 at
 * end of file, -1 on error (in->error set). */
static ssize_t fill_raw(input_stream *in)
{
    ssize_t n;
    if (in->raw_eof)
        return 0;
    if (in->fd >= 0) {
        do
            n = read(in->fd, in->raw, sizeof in->raw);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            in->saved_errno = errno;
            in->error = F_FILE_UNREADABLE;
            return -1;
        }
    } else {
        size_t left = in->mem_size - in->mem_pos;
        n = (ssize_t)(left < sizeof in->raw ? left : sizeof in->raw);
        memcpy(in->raw, in->mem + in->mem_pos, (size_t)n);
        in->mem_pos += (size_t)n;
    }
    if (n == 0) {
        in->raw_eof = true;
        return 0;
    }
    if (!sha256_add(in->sha, in->raw, (size_t)n)) {
        in->error = F_INTERNAL;
        return -1;
    }
    in->raw_bytes += (uint64_t)n;
    in->raw_pos = 0;
    in->raw_len = (size_t)n;
    if (in->raw_bytes > in->cfg->max_file_bytes && !in->draining) {
        in->error = F_FILE_TOO_LARGE;
        return -1;
    }
    return n;
}

static int check_expansion(input_stream *in)
{
    if (!in->gzip)
        return 0;
    if (in->xml_bytes > in->cfg->max_expanded_bytes ||
        (in->xml_bytes > RATIO_FLOOR &&
         (double)in->xml_bytes > in->cfg->max_expansion_ratio * (double)in->raw_bytes)) {
        in->error = F_GZIP_EXPANSION;
        return -1;
    }
    return 0;
}

/* libxml2's read callback: the next len bytes of XML, 0 at the end, -1 on error. */
static int stream_read(void *ctx, char *buf, int len)
{
    input_stream *in = ctx;
    if (in->error != F_COUNT || len <= 0)
        return -1;
    if (!in->gzip) {
        if (in->raw_pos == in->raw_len) {
            ssize_t n = fill_raw(in);
            if (n <= 0)
                return (int)n;
        }
        size_t take = in->raw_len - in->raw_pos;
        if (take > (size_t)len)
            take = (size_t)len;
        memcpy(buf, in->raw + in->raw_pos, take);
        in->raw_pos += take;
        in->xml_bytes += take;
        if (!scan_prolog(in, (const unsigned char *)buf, take) ||
            !scan_markup(in, (const unsigned char *)buf, take) ||
            !check_encoding(in, (const unsigned char *)buf, take))
            return -1;
        return (int)take;
    }
    in->z.next_out = (unsigned char *)buf;
    in->z.avail_out = (unsigned)len;
    while (in->z.avail_out > 0 && !in->gzip_done) {
        if (in->z.avail_in == 0) {
            ssize_t n = fill_raw(in);
            if (n < 0)
                return -1;
            if (n == 0) {
                in->error = F_GZIP_INVALID;   /* the stream stopped before its end */
                return -1;
            }
            in->z.next_in = in->raw;
            in->z.avail_in = (unsigned)n;
        }
        int rc = inflate(&in->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            /* Another gzip member may follow (concatenated .gz files). */
            if (in->z.avail_in == 0) {
                ssize_t n = fill_raw(in);
                if (n < 0)
                    return -1;
                in->z.next_in = in->raw;
                in->z.avail_in = (unsigned)n;
            }
            if (in->z.avail_in == 0)
                in->gzip_done = true;
            else if (inflateReset(&in->z) != Z_OK) {
                in->error = F_GZIP_INVALID;
                return -1;
            }
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            in->error = F_GZIP_INVALID;
            return -1;
        }
    }
    size_t produced = (size_t)len - in->z.avail_out;
    in->xml_bytes += produced;
    if (check_expansion(in) || !scan_prolog(in, (const unsigned char *)buf, produced) ||
        !scan_markup(in, (const unsigned char *)buf, produced) ||
        !check_encoding(in, (const unsigned char *)buf, produced))
        return -1;
    return (int)produced;
}

static int stream_close(void *ctx)
{
    (void)ctx;   /* the stream is owned by ingest_stream() */
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The structure of FORMAT.md.                                               */

/* ------------------------------------------------------------------------ */
/* The reader's state.                                                        */

enum { MAX_DEPTH = 8 };

typedef struct {
    int kind;
    uint32_t line;
    uint32_t index;                  /* 1-based among same-named siblings */
    uint32_t child_count[EL_COUNT];
    raw_text attrs[MAX_ATTRS];
    bool text_reported;              /* TEXT_UNEXPECTED said once */
    uint32_t suggested;              /* kinds an unknown child was taken for (bit per kind):
                                        their ELEMENT_MISSING is not said again */
    void *record;                    /* raw_indsats, raw_niveau, … being filled */
} frame;

typedef struct {
    xmlTextReaderPtr reader;
    input_stream *in;
    const config *cfg;
    arena *a;
    findings *f;
    raw_document *doc;
    frame stack[MAX_DEPTH];
    int depth;
    char *text;                      /* text of the open leaf element */
    size_t text_len, text_cap;
    bool fatal;                      /* stop reading */
    bool oom;
    size_t n_indsatser, n_indikatorer, n_niveauer;
    /* libxml2's first error, reported at the end as one finding (report_xml_error). */
    bool xml_error;
    int xml_code;
    uint32_t xml_line;
    char xml_message[300];
    bool root_closed;
    bool root_seen;
    char pathbuf[128];
} reader_state;

static uint32_t current_line(reader_state *st)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(st->reader);
    long line = node ? xmlGetLineNo(node) : -1;
    if (line <= 0 || line >= 65535)
        line = xmlTextReaderGetParserLineNumber(st->reader);
    return line > 0 ? (uint32_t)line : 0;
}

/* The element path of the open element, with `extra` appended ("/x", "/@y"). */
static const char *path_of(reader_state *st, int depth, const char *extra)
{
    char buf[512];
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < depth && o < sizeof buf; i++) {
        const frame *fr = &st->stack[i];
        const element_rule *r = &element_rules[fr->kind];
        int w;
        if (r->max == 1)
            w = snprintf(buf + o, sizeof buf - o, "/%s", r->name);
        else
            w = snprintf(buf + o, sizeof buf - o, "/%s[%u]", r->name, fr->index);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (extra && o < sizeof buf)
        snprintf(buf + o, sizeof buf - o, "%s", extra);
    char *p = arena_strdup(st->a, buf);
    if (!p)
        st->oom = true;
    return p ? p : "";
}

#define REPORT(st, code, line, path, ...)                                 \
    do {                                                                  \
        if (!findings_add((st)->f, (code), (line), (path), __VA_ARGS__))  \
            (st)->oom = true;                                             \
    } while (0)

/* libxml2's structured errors: the first one is kept, and becomes one finding
 * once the parse is over (report_xml_error), so that a cascade is one line
 * and an empty or cut-off file is said as such. */
static void on_xml_error(void *ctx, xmlErrorPtr err)
{
    reader_state *st = ctx;
    if (!err || err->level < XML_ERR_ERROR)
        return;
    st->fatal = true;
    if (st->xml_error || st->in->error != F_COUNT)   /* our stream stopped it: said already */
        return;
    st->xml_error = true;
    st->xml_code = err->code;
    st->xml_line = err->line > 0 ? (uint32_t)err->line : 0;
    snprintf(st->xml_message, sizeof st->xml_message, "%s", err->message ? err->message : "");
    size_t n = strlen(st->xml_message);
    while (n && (st->xml_message[n - 1] == '\n' || st->xml_message[n - 1] == ' '))
        st->xml_message[--n] = '\0';
}

static bool append_text(reader_state *st, const char *s)
{
    size_t n = strlen(s);
    if (st->text_len + n + 1 > st->text_cap) {
        size_t cap = st->text_cap ? st->text_cap : 256;
        while (cap < st->text_len + n + 1)
            cap *= 2;
        char *p = realloc(st->text, cap);
        if (!p)
            return false;
        st->text = p;
        st->text_cap = cap;
    }
    memcpy(st->text + st->text_len, s, n + 1);
    st->text_len += n;
    return true;
}

static raw_text collapsed(reader_state *st, const char *s, size_t n, uint32_t line)
{
    raw_text t = {text_collapse(st->a, s, n), line};
    if (!t.text)
        st->oom = true;
    return t;
}

/* ------------------------------------------------------------------------ */
/* Opening and closing known elements: where the raw record is filled.       */

static void *push_record(reader_state *st, arena_vec *v, size_t size)
{
    void *r = arena_vec_push(st->a, v, size);
    if (!r)
        st->oom = true;
    return r;
}

/* A record past the configured maximum stops the document (TOO_MANY_ROWS):
 * what a workbook cannot hold is decided here, before memory is spent on it. */
static bool within_limit(reader_state *st, frame *fr, size_t *count, size_t max, const char *what)
{
    if (++*count <= max)
        return true;
    char limit[32];
    value_format_thousands((__int128)max, limit, sizeof limit);
    REPORT(st, F_TOO_MANY_ROWS, fr->line, path_of(st, st->depth, NULL),
           "dokumentet har mere end %s %s; det er grænsen for ét dokument, så regnearket kan "
           "rumme alle forvaltningers dokumenter for perioden; del dokumentet op",
           limit, what);
    st->fatal = true;
    return false;
}

/* Called when an element of our namespace opens, after its attributes are read. */
static void open_element(reader_state *st, frame *fr)
{
    frame *parent = st->depth >= 2 ? &st->stack[st->depth - 2] : NULL;
    raw_document *d = st->doc;
    if ((fr->kind == EL_INDSATS &&
         !within_limit(st, fr, &st->n_indsatser, st->cfg->max_indsatser, "indsatser")) ||
        (fr->kind == EL_INDIKATOR &&
         !within_limit(st, fr, &st->n_indikatorer, st->cfg->max_indikatorer, "indikatorer")) ||
        (fr->kind == EL_NIVEAU &&
         !within_limit(st, fr, &st->n_niveauer, st->cfg->max_niveauer, "niveauer")))
        return;
    switch (fr->kind) {
    case EL_ROOT:
        d->version = fr->attrs[0];
        d->talformat = fr->attrs[1];
        break;
    case EL_HOVED:
        d->hoved_line = fr->line;
        break;
    case EL_INDSATSER:
        d->indsatser_line = fr->line;
        break;
    case EL_INDSATS: {
        raw_indsats *x = push_record(st, &d->indsatser, sizeof *x);
        if (x) {
            x->id = fr->attrs[0];
            x->line = fr->line;
        }
        fr->record = x;
        break;
    }
    case EL_BEVILLING: {
        raw_indsats *x = parent->record;
        raw_bevilling *b = x ? push_record(st, &x->bevillinger, sizeof *b) : NULL;
        if (b) {
            b->aar = fr->attrs[0];
            b->line = fr->line;
        }
        fr->record = b;
        break;
    }
    case EL_INDIKATOR: {
        raw_indsats *x = parent->record;
        raw_indikator *ind = x ? push_record(st, &x->indikatorer, sizeof *ind) : NULL;
        if (ind) {
            ind->navn = fr->attrs[0];
            ind->enhed = fr->attrs[1];
            ind->dato = fr->attrs[2];
            ind->aar = fr->attrs[3];
            ind->line = fr->line;
        }
        fr->record = ind;
        break;
    }
    case EL_EFFEKT: {
        raw_indsats *x = parent->record;
        if (x)
            x->vurdering = fr->attrs[0];
        break;
    }
    case EL_FORVALTNING:
        d->forvaltning_kode = fr->attrs[0];
        break;
    case EL_PERSONALE: {
        raw_personale *p = arena_alloc(st->a, sizeof *p);
        if (!p) {
            st->oom = true;
            break;
        }
        p->opgjort = fr->attrs[0];
        p->line = fr->line;
        d->personale = p;
        fr->record = p;
        break;
    }
    case EL_NIVEAU: {
        raw_personale *p = parent->record;
        raw_niveau *nv = p ? push_record(st, &p->niveauer, sizeof *nv) : NULL;
        if (nv) {
            nv->navn = fr->attrs[0];
            nv->line = fr->line;
        }
        fr->record = nv;
        break;
    }
    case EL_ANSATTE: {
        raw_niveau *nv = parent->record;
        if (nv) {
            nv->ansatte_antal = fr->attrs[0];
            nv->ansatte_i_alt = fr->attrs[1];
            nv->ansatte_pct = fr->attrs[2];
            nv->ansatte_line = fr->line;
        }
        break;
    }
    case EL_ARBEJDSSTYRKE: {
        raw_niveau *nv = parent->record;
        if (nv) {
            nv->arbejdsstyrke_antal = fr->attrs[0];
            nv->arbejdsstyrke_pct = fr->attrs[1];
            nv->arbejdsstyrke_line = fr->line;
        }
        break;
    }
    case EL_TOTAL: {
        raw_personale *p = parent->record;
        if (p) {
            p->total_ansatte = fr->attrs[0];
            p->total_arbejdsstyrke = fr->attrs[1];
            p->total_line = fr->line;
        }
        break;
    }
    default:
        break;
    }
}

/* Stores the collected text of a leaf element that closes. */
static void store_text(reader_state *st, frame *fr)
{
    raw_text t = collapsed(st, st->text ? st->text : "", st->text_len, fr->line);
    frame *parent = &st->stack[st->depth - 2];
    raw_indsats *x = parent->record;
    raw_document *d = st->doc;
    switch (fr->kind) {
    case EL_FORVALTNING: d->forvaltning = t; break;
    case EL_PERIODE:     d->periode = t; break;
    case EL_INDSENDT:    d->indsendt = t; break;
    case EL_KONTAKT:     d->kontakt = t; break;
    case EL_TITEL:       if (x) x->titel = t; break;
    case EL_TEMA:        if (x) x->tema = t; break;
    case EL_STATUS:      if (x) x->status = t; break;
    case EL_EFFEKT:      if (x) x->effekt = t; break;
    case EL_ANBEFALING:  if (x) x->anbefaling = t; break;
    case EL_BEMAERKNING: if (x) x->bemaerkning = t; break;
    case EL_BEVILLING:
        if (fr->record)
            ((raw_bevilling *)fr->record)->amount = t;
        break;
    case EL_INDIKATOR:
        if (fr->record)
            ((raw_indikator *)fr->record)->value = t;
        break;
    default:
        break;
    }
}

static void close_element(reader_state *st)
{
    frame *fr = &st->stack[st->depth - 1];
    const element_rule *r = &element_rules[fr->kind];
    if (r->has_text)
        store_text(st, fr);
    /* Required children that never came. */
    for (int k = 0; k < EL_COUNT; k++) {
        if (element_rules[k].parent != fr->kind || element_rules[k].min == 0 || fr->child_count[k] > 0 ||
            (fr->suggested & (1u << k)))
            continue;
        char extra[64];
        snprintf(extra, sizeof extra, "/%s", element_rules[k].name);
        REPORT(st, F_ELEMENT_MISSING, fr->line, path_of(st, st->depth, extra),
               "<%s> mangler i <%s>", element_rules[k].name, r->name);
    }
    st->depth--;
    st->text_len = 0;
    if (st->depth == 0)
        st->root_closed = true;
}

/* Reads the attributes of the element the reader is on into fr->attrs and
 * reports unknown and missing ones. */
static void read_attributes(reader_state *st, frame *fr)
{
    const element_rule *r = &element_rules[fr->kind];
    while (xmlTextReaderMoveToNextAttribute(st->reader) == 1) {
        if (xmlTextReaderIsNamespaceDecl(st->reader) == 1)
            continue;
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(st->reader);
        const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
        const char *value = (const char *)xmlTextReaderConstValue(st->reader);
        if (!name)
            continue;
        if (ns && strcmp(ns, STATUSNOTAT_NAMESPACE) != 0)
            continue;   /* another namespace's attribute: not ours to judge */
        int a = -1;
        for (int i = 0; !ns && i < MAX_ATTRS && r->attrs[i]; i++)
            if (strcmp(r->attrs[i], name) == 0)
                a = i;
        if (a < 0) {
            char extra[80];
            snprintf(extra, sizeof extra, "/@%.60s", name);
            REPORT(st, F_ATTRIBUTE_UNKNOWN, fr->line, path_of(st, st->depth, extra),
                   "attributten %s er ikke tilladt på <%s>", name, r->name);
            continue;
        }
        fr->attrs[a] = collapsed(st, value ? value : "", value ? strlen(value) : 0, fr->line);
    }
    xmlTextReaderMoveToElement(st->reader);
    for (int i = 0; i < MAX_ATTRS && r->attrs[i]; i++) {
        if (!r->required[i] || fr->attrs[i].text)
            continue;
        char extra[64];
        snprintf(extra, sizeof extra, "/@%s", r->attrs[i]);
        REPORT(st, F_ATTRIBUTE_MISSING, fr->line, path_of(st, st->depth, extra),
               "<%s> mangler attributten %s", r->name, r->attrs[i]);
    }
}

static bool encoding_supported(const char *enc)
{
    static const char *ok[] = {"UTF-8", "UTF8", "ISO-8859-1", "ISO_8859-1", "LATIN1",
                               "WINDOWS-1252", "CP1252", "US-ASCII", "ASCII"};
    if (!enc)
        return true;   /* no declaration: UTF-8 */
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcasecmp(enc, ok[i]) == 0)
            return true;
    return false;
}

/* The root element: name, namespace, version and talformat decide whether
 * reading on makes sense. */
static bool check_root(reader_state *st, const char *name, const char *ns, uint32_t line)
{
    if (strcmp(name, "statusnotat") != 0) {
        REPORT(st, F_ROOT_INVALID, line, "/", "rodelementet er <%.60s>, ikke <statusnotat>", name);
        return false;
    }
    if (!ns || strcmp(ns, STATUSNOTAT_NAMESPACE) != 0) {
        REPORT(st, F_NAMESPACE_INVALID, line, element_path(st->pathbuf, sizeof st->pathbuf, EL_ROOT, NULL, NULL),
               "<statusnotat> skal have navnerummet %s (har %.100s)", STATUSNOTAT_NAMESPACE,
               ns ? ns : "intet navnerum");
        return false;
    }
    return true;
}

static bool check_root_attributes(reader_state *st, frame *fr)
{
    const raw_text *version = &fr->attrs[0], *talformat = &fr->attrs[1];
    if (version->text && strcmp(version->text, "1.0") != 0) {
        REPORT(st, F_VERSION_UNSUPPORTED, fr->line,
               element_path(st->pathbuf, sizeof st->pathbuf, EL_ROOT, NULL, "version"),
               "version \"%.40s\" understøttes ikke (kun 1.0)", version->text);
        return false;
    }
    if (!version->text)
        return false;   /* ATTRIBUTE_MISSING already said */
    if (talformat->text && strcmp(talformat->text, "da") != 0 &&
        strcmp(talformat->text, "iso") != 0) {
        REPORT(st, F_TALFORMAT_INVALID, fr->line,
               element_path(st->pathbuf, sizeof st->pathbuf, EL_ROOT, NULL, "talformat"),
               "talformat \"%.40s\" er hverken \"da\" eller \"iso\"", talformat->text);
        return false;
    }
    return true;
}

/* ELEMENT_UNKNOWN, with the allowed element it is closest to ("mente du
 * <tema>?"), or else the list of allowed ones. A near miss of a required
 * element that is missing is said once, here. */
static void report_unknown_element(reader_state *st, const char *name, int parent_kind,
                                   uint32_t line, const char *path)
{
    const char *parent = parent_kind >= 0 ? element_rules[parent_kind].name : "";
    int best = -1;
    size_t best_distance = 3;
    char allowed[400] = "";
    size_t o = 0;
    for (int k = 0; k < EL_COUNT; k++) {
        if (element_rules[k].parent != parent_kind)
            continue;
        size_t d = text_edit_distance(name, element_rules[k].name);
        if (d < best_distance && d * 3 <= strlen(element_rules[k].name)) {
            best = k;
            best_distance = d;
        }
        int n = snprintf(allowed + o, sizeof allowed - o, "%s<%s>", o ? ", " : "", element_rules[k].name);
        if (n > 0 && (size_t)n < sizeof allowed - o)
            o += (size_t)n;
    }
    if (best >= 0) {
        REPORT(st, F_ELEMENT_UNKNOWN, line, path, "<%.60s> er ikke tilladt i <%s>; mente du <%s>?",
               name, parent, element_rules[best].name);
        if (st->depth > 0)
            st->stack[st->depth - 1].suggested |= 1u << best;
    } else if (o) {
        REPORT(st, F_ELEMENT_UNKNOWN, line, path, "<%.60s> er ikke tilladt i <%s>; tilladt er %s",
               name, parent, allowed);
    } else {
        REPORT(st, F_ELEMENT_UNKNOWN, line, path, "<%.60s> er ikke tilladt i <%s>", name, parent);
    }
}

/* One element start. Returns true when its subtree is to be skipped. */
static bool on_element(reader_state *st)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(st->reader);
    bool empty = xmlTextReaderIsEmptyElement(st->reader) == 1;
    uint32_t line = current_line(st);
    if (!name)
        name = "";

    if (st->depth == 0) {
        st->root_seen = true;
        const char *enc = (const char *)xmlTextReaderConstEncoding(st->reader);
        if (!encoding_supported(enc)) {
            REPORT(st, F_ENCODING_UNSUPPORTED, 1, NULL,
                   "tegnsættet %.40s understøttes ikke (brug UTF-8, ISO-8859-1 eller windows-1252)",
                   enc);
            st->fatal = true;
            return true;
        }
        if (!check_root(st, name, ns, line)) {
            st->fatal = true;
            return true;
        }
    } else if (ns && strcmp(ns, STATUSNOTAT_NAMESPACE) != 0) {
        return true;   /* another namespace: the sender's own metadata, ignored */
    }

    int parent_kind = st->depth ? st->stack[st->depth - 1].kind : -1;
    int kind = st->depth == 0 ? EL_ROOT : element_child(parent_kind, name);
    if (kind < 0 || !ns || st->depth >= MAX_DEPTH) {
        char extra[80];
        snprintf(extra, sizeof extra, "/%.60s", name);
        if (!ns)
            REPORT(st, F_NAMESPACE_INVALID, line, path_of(st, st->depth, extra),
                   "<%.60s> er uden navnerum; brug %s", name, STATUSNOTAT_NAMESPACE);
        else
            report_unknown_element(st, name, parent_kind, line, path_of(st, st->depth, extra));
        return true;
    }

    uint32_t index = 1;
    if (st->depth > 0) {
        frame *parent = &st->stack[st->depth - 1];
        index = ++parent->child_count[kind];
        if (element_rules[kind].max && index > (uint32_t)element_rules[kind].max) {
            char extra[80];
            snprintf(extra, sizeof extra, "/%s[%u]", name, index);
            REPORT(st, F_ELEMENT_REPEATED, line, path_of(st, st->depth, extra),
                   "<%s> må kun forekomme %d gang i <%s>", name, element_rules[kind].max,
                   element_rules[parent_kind].name);
            return true;
        }
    }

    frame *fr = &st->stack[st->depth++];
    memset(fr, 0, sizeof *fr);
    fr->kind = kind;
    fr->line = line;
    fr->index = index;
    st->text_len = 0;
    read_attributes(st, fr);
    if (kind == EL_ROOT && !check_root_attributes(st, fr)) {
        st->fatal = true;
        return true;
    }
    open_element(st, fr);
    if (empty)
        close_element(st);
    return false;
}

static void on_text(reader_state *st, int type)
{
    const char *value = (const char *)xmlTextReaderConstValue(st->reader);
    if (st->depth == 0 || !value)
        return;
    frame *fr = &st->stack[st->depth - 1];
    if (element_rules[fr->kind].has_text) {
        if (!append_text(st, value))
            st->oom = true;
        return;
    }
    if (type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
        fr->text_reported)
        return;
    for (const char *p = value; *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            fr->text_reported = true;
            REPORT(st, F_TEXT_UNEXPECTED, fr->line, path_of(st, st->depth, NULL),
                   "<%s> må kun indeholde elementer, ikke tekst", element_rules[fr->kind].name);
            return;
        }
    }
}

static void read_document(reader_state *st)
{
    int rc = xmlTextReaderRead(st->reader);
    while (rc == 1 && !st->fatal && !st->oom) {
        int type = xmlTextReaderNodeType(st->reader);
        bool skip = false;
        switch (type) {
        case XML_READER_TYPE_ELEMENT:
            skip = on_element(st);
            break;
        case XML_READER_TYPE_END_ELEMENT:
            if (st->depth > 0)
                close_element(st);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            on_text(st, type);
            break;
        case XML_READER_TYPE_DOCUMENT_TYPE:
            REPORT(st, F_XML_DTD, current_line(st), NULL,
                   "dokumentet har en DTD (<!DOCTYPE>); DTD'er og entitetserklæringer er ikke "
                   "tilladt");
            st->fatal = true;
            break;
        case XML_READER_TYPE_ENTITY_REFERENCE:
        case XML_READER_TYPE_ENTITY:
            REPORT(st, F_XML_ENTITY, current_line(st), path_of(st, st->depth, NULL),
                   "entitetsreferencer er ikke tilladt");
            st->fatal = true;
            break;
        default:
            break;   /* comments, processing instructions */
        }
        if (st->fatal || st->oom)
            break;
        rc = skip ? xmlTextReaderNext(st->reader) : xmlTextReaderRead(st->reader);
    }
    if (rc < 0 && !st->xml_error && st->in->error == F_COUNT && st->f->errors == 0) {
        /* libxml2 gave up without a structured error. */
        st->xml_error = true;
        st->xml_code = -1;
        st->xml_line = (uint32_t)xmlTextReaderGetParserLineNumber(st->reader);
    }
    if (rc < 0)
        st->fatal = true;
}

/* ------------------------------------------------------------------------ */

/* A byte as windows-1252 shows it, quoted (UTF-8 in out, at most 8 bytes). */
static void cp1252_char(unsigned char b, char out[8])
{
    static const char *const c1[32] = {
        "€", NULL, "‚", "ƒ", "„", "…", "†", "‡", "ˆ", "‰", "Š", "‹", "Œ", NULL, "Ž", NULL,
        NULL, "‘", "’", "“", "”", "•", "–", "—", "˜", "™", "š", "›", "œ", NULL, "ž", "Ÿ"};
    if (b < 0x80) {
        snprintf(out, 8, "\"%c\"", b >= 0x20 && b < 0x7F ? b : '?');
    } else if (b < 0xA0) {
        snprintf(out, 8, "%s", c1[b - 0x80] ? "" : "intet tegn");
        if (c1[b - 0x80])
            snprintf(out, 8, "\"%s\"", c1[b - 0x80]);
    } else {
        snprintf(out, 8, "\"%c%c\"", (char)(0xC0 | (b >> 6)), (char)(0x80 | (b & 0x3F)));
    }
}

/* libxml2's error codes, said in Danish; its own wording goes in the detail. */
static const char *xml_error_text(int code)
{
    switch (code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        return "start- og sluttag passer ikke sammen: et sluttag er stavet forkert, står et "
               "forkert sted eller mangler";
    case XML_ERR_LT_IN_ATTRIBUTE:
        return "en attributværdi indeholder '<'; skriv det som &lt;";
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_LITERAL_NOT_STARTED:
    case XML_ERR_LITERAL_NOT_FINISHED:
        return "en attributværdi er ikke skrevet rigtigt: den skal stå i anførselstegn, fx "
               "aar=\"2009\"";
    case XML_ERR_ATTRIBUTE_REDEFINED:
        return "den samme attribut står to gange i ét tag";
    case XML_ERR_GT_REQUIRED:
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_TAG_NOT_FINISHED:
        return "et tag er ikke skrevet færdigt (mangler et '>'?)";
    case XML_ERR_NAME_REQUIRED:
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        return "'&' og '<' i en tekst skal skrives &amp; og &lt;";
    case XML_ERR_DOCUMENT_END:
        return "der står noget efter rodelementets slutning </statusnotat>";
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_HEX_CHARREF:
        return "et tegn, der ikke er tilladt i XML (fx et styretegn)";
    case XML_ERR_XMLDECL_NOT_STARTED:
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_RESERVED_XML_NAME:
        return "XML-erklæringen <?xml ... ?> er ikke skrevet rigtigt eller står ikke først i filen";
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
        return "et præfiks bruges, uden at dets navnerum (xmlns) er erklæret";
    case -1:
        return "dokumentet kan ikke læses videre herfra";
    default:
        return "filen er ikke velformet XML her";
    }
}

/* libxml2's own limits, when it met one before the markup scanner did (a
 * text that grew past 10 000 000 bytes as it was decoded from ISO-8859-1,
 * say): said as the limit it is, not as "not well-formed". */
static bool libxml2_limit(reader_state *st)
{
    static const struct {
        const char *says;
        finding_code code;
        const char *what;
    } limits[] = {
        {"huge text node", F_TEXT_TOO_LONG, "en tekst"},
        {"Huge input lookup", F_TEXT_TOO_LONG, "en markering (et tag, en kommentar)"},
        {"AttValue length too long", F_TEXT_TOO_LONG, "en attributværdi"},
        {"Comment too big", F_TEXT_TOO_LONG, "en kommentar"},
        {"CData section too big", F_TEXT_TOO_LONG, "en CDATA-sektion"},
        {"PI ", F_TEXT_TOO_LONG, "en processeringsinstruktion"},
        {"Name too long", F_NAME_TOO_LONG, "et navn"},
        {"Excessive depth", F_NESTING_TOO_DEEP, "elementerne"},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        if (!strstr(st->xml_message, limits[i].says) ||
            (strcmp(limits[i].says, "PI ") == 0 && !strstr(st->xml_message, "too big")))
            continue;
        if (limits[i].code == F_NESTING_TOO_DEEP)
            REPORT(st, F_NESTING_TOO_DEEP, st->xml_line, NULL,
                   "elementerne er indlejret mere end 256 niveauer dybt på linje %u (XML-læserens grænse)",
                   st->xml_line);
        else
            REPORT(st, limits[i].code, st->xml_line, NULL, "%s på linje %u er længere end XML-læserens "
                   "grænse på %s bytes", limits[i].what, st->xml_line,
                   limits[i].code == F_NAME_TOO_LONG ? "50.000" : "10.000.000");
        return true;
    }
    return false;
}

/* The one finding for a parse libxml2 stopped: the file looks cut off, or
 * what libxml2 found, in Danish, with its own words as the detail. */
static void report_xml_error(reader_state *st, const input_stream *in, bool opened_root)
{
    uint32_t lines = in->lines + (in->ends_with_newline ? 0 : 1);
    bool at_end = st->xml_line + 1 >= lines + (in->ends_with_newline ? 1 : 0);
    bool read_to_end = in->raw_eof && (!in->gzip || in->gzip_done);
    (void)opened_root;
    /* libxml2 says "Extra content at the end" of a file cut at a line break
     * too; only after the root has closed is that what it means. */
    if (!st->root_closed && !in->saw_root_end && at_end && read_to_end &&
        st->xml_code != XML_ERR_TAG_NAME_MISMATCH &&
        st->xml_code != -1 && st->xml_code != XML_I18N_CONV_FAILED) {
        REPORT(st, F_FILE_TRUNCATED, lines, NULL,
               "filen ser ud til at være afskåret efter linje %u: den slutter, før "
               "<statusnotat> er lukket; send hele filen igen", lines);
    } else {
        finding_code code = F_XML_MALFORMED;
        switch (st->xml_code) {
        case XML_ERR_UNDECLARED_ENTITY:
        case XML_WAR_UNDECLARED_ENTITY:
        case XML_ERR_ENTITY_LOOP:
        case XML_ERR_ENTITY_BOUNDARY:
        case XML_ERR_EXT_ENTITY_STANDALONE:
        case XML_ERR_ENTITY_IS_EXTERNAL:
        case XML_ERR_ENTITY_IS_PARAMETER:
        case XML_ERR_UNPARSED_ENTITY:
            code = F_XML_ENTITY;
            break;
        case XML_ERR_UNSUPPORTED_ENCODING:
        case XML_ERR_UNKNOWN_ENCODING:
            code = F_ENCODING_UNSUPPORTED;
            break;
        case XML_ERR_NO_MEMORY:
            code = F_INTERNAL;
            break;
        default:
            break;
        }
        if (code == F_INTERNAL)
            REPORT(st, code, st->xml_line, NULL, "ikke nok hukommelse til at læse filen");
        else if (code == F_XML_ENTITY)
            REPORT(st, code, st->xml_line, NULL,
                   "en entitet (&navn;) bruges; kun &amp; &lt; &gt; &quot; &apos; og tegnreferencer er "
                   "tilladt — skriv '&' som &amp;");
        else if (code == F_ENCODING_UNSUPPORTED)
            REPORT(st, code, st->xml_line, NULL,
                   "tegnsættet i XML-erklæringen kendes ikke; brug UTF-8, ISO-8859-1 eller "
                   "windows-1252");
        else if (st->xml_code == -1 || st->xml_code == XML_I18N_CONV_FAILED)
            REPORT(st, code, st->xml_line, NULL,
                   "XML-fejl: linje %u har en byte, som ikke findes i tegnsættet %s; ret den, eller "
                   "gem filen som UTF-8", st->xml_line,
                   in->declared_name[0] ? in->declared_name : "UTF-8");
        else if (libxml2_limit(st))
            ;                    /* said as the limit it is */
        else
            REPORT(st, code, st->xml_line, NULL, "XML-fejl: %s", xml_error_text(st->xml_code));
    }
    if (st->xml_message[0] && !findings_set_detail(st->f, st->xml_message))
        st->oom = true;
}

/* A file declared ISO-8859-1 or windows-1252 whose non-ASCII bytes all form
 * UTF-8 was saved as UTF-8 (FORMAT.md). */
static bool saved_as_utf8(const input_stream *in)
{
    return in->declared == DECLARED_LATIN && in->nonascii > 0 && in->utf8_ok &&
           in->utf8_need == 0 && in->first_seq_len > 0;
}

static void report_saved_as_utf8(reader_state *st, const input_stream *in)
{
    char shown[32] = "", meant[8] = "";
    size_t o = 0;
    for (size_t i = 0; i < in->first_seq_len; i++) {
        char one[8];
        cp1252_char(in->first_seq[i], one);
        /* without the quotes */
        size_t n = strlen(one);
        if (n >= 2 && one[0] == '"' && o + n - 2 < sizeof shown) {
            memcpy(shown + o, one + 1, n - 2);
            o += n - 2;
        }
    }
    shown[o] = '\0';
    memcpy(meant, in->first_seq, in->first_seq_len);
    meant[in->first_seq_len] = '\0';
    REPORT(st, F_ENCODING_MISMATCH, in->first_line, NULL,
           "filen er erklæret som %s, men er gemt som UTF-8: i linje %u ville \"%s\" blive læst "
           "som \"%s\"; ret erklæringen til <?xml version=\"1.0\" encoding=\"UTF-8\"?>",
           in->declared_name, in->first_line, meant, shown);
}

static void stream_error_finding(reader_state *st, const input_stream *in)
{
    const config *c = in->cfg;
    switch (in->error) {
    case F_FILE_UNREADABLE:
        REPORT(st, F_FILE_UNREADABLE, 0, NULL, "filen kan ikke læses: %s",
               durable_open_failure(in->saved_errno));
        break;
    case F_FILE_TOO_LARGE: {
        char limit[48];
        value_format_thousands((__int128)c->max_file_bytes, limit, sizeof limit);
        REPORT(st, F_FILE_TOO_LARGE, 0, NULL, "filen er større end grænsen på %s bytes", limit);
        break;
    }
    case F_GZIP_INVALID:
        REPORT(st, F_GZIP_INVALID, 0, NULL, "gzip-strømmen er ødelagt eller afkortet");
        break;
    case F_XML_DTD:
        REPORT(st, F_XML_DTD, in->prolog_line + 1, NULL,
               "dokumentet har en DTD (<!DOCTYPE>); DTD'er og entitetserklæringer er ikke "
               "tilladt, og intet i den er læst");
        break;
    case F_XML_MALFORMED:
        REPORT(st, F_XML_MALFORMED, in->prolog_line + 1, NULL,
               "XML-fejl: der står andet end XML-erklæring, kommentarer og blanktegn før "
               "rodelementet");
        break;
    case F_ENCODING_UNSUPPORTED:
        REPORT(st, F_ENCODING_UNSUPPORTED, in->prolog_line + 1, NULL,
               "filen er gemt som Unicode (UTF-16); gem den som UTF-8 (i Notesblok: Gem som, "
               "Kodning: UTF-8), ISO-8859-1 eller windows-1252");
        break;
    case F_ENCODING_MISMATCH: {
        char shown[8];
        cp1252_char(in->bad_byte, shown);
        REPORT(st, F_ENCODING_MISMATCH, in->bad_line, NULL,
               "linje %u har byten 0x%02X, som ikke er UTF-8 (i windows-1252 er den %s); filen er "
               "nok gemt som windows-1252 eller ISO-8859-1: gem den som UTF-8, eller ret "
               "erklæringen til <?xml version=\"1.0\" encoding=\"windows-1252\"?>",
               in->bad_line, in->bad_byte, shown);
        break;
    }
    case F_ATTRIBUTES_TOO_MANY:
        REPORT(st, F_ATTRIBUTES_TOO_MANY, in->mk_line, NULL,
               "et element på linje %u har mere end %d attributter (navnerumserklæringer og fremmede "
               "attributter medregnet); intet element i formatet behøver mere end fem", in->mk_line,
               ATTRIBUTES_LIMIT);
        break;
    case F_TEXT_TOO_LONG:
        if (strcmp(in->mk_what, "en tekst") == 0)
            REPORT(st, F_TEXT_TOO_LONG, in->mk_line, NULL,
                   "en tekst er længere end XML-læserens grænse på 10.000.000 bytes (grænsen nås på "
                   "linje %u)", in->mk_line);
        else
            REPORT(st, F_TEXT_TOO_LONG, in->mk_line, NULL,
                   "%s er længere end 9.000.000 bytes (grænsen nås på linje %u); XML-læseren kan ikke "
                   "se mere end 10.000.000 bytes frem i én markering", in->mk_what, in->mk_line);
        break;
    case F_NAME_TOO_LONG:
        REPORT(st, F_NAME_TOO_LONG, in->mk_line, NULL,
               "%s på linje %u er længere end XML-læserens grænse på 50.000 bytes", in->mk_what,
               in->mk_line);
        break;
    case F_NESTING_TOO_DEEP:
        REPORT(st, F_NESTING_TOO_DEEP, in->mk_line, NULL,
               "elementerne er indlejret mere end 256 niveauer dybt på linje %u (XML-læserens grænse)",
               in->mk_line);
        break;
    case F_BOM_CONTRADICTS:
        REPORT(st, F_BOM_CONTRADICTS, 1, NULL,
               "filen begynder med et UTF-8-byteordensmærke (BOM), men XML-erklæringen siger "
               "encoding=\"%s\"; de to modsiger hinanden: gem filen som UTF-8 og skriv "
               "encoding=\"UTF-8\", eller gem den uden BOM i %s", in->declared_name, in->declared_name);
        break;
    case F_GZIP_EXPANSION: {
        char limit[48];
        value_format_thousands((__int128)c->max_expanded_bytes, limit, sizeof limit);
        REPORT(st, F_GZIP_EXPANSION, 0, NULL,
               "gzip-strømmen udpakker til mere end %s bytes eller %.0f gange sin størrelse",
               limit, c->max_expansion_ratio);
        break;
    }
    default:
        REPORT(st, F_INTERNAL, 0, NULL, "intern fejl under læsning");
        break;
    }
}

/* Reads to the end so the SHA-256 covers the whole file, whatever the parser
 * made of it. Not a file past the size limit: that one is not read further
 * and has no hash. */
static void drain(input_stream *in)
{
    if (in->error == F_FILE_UNREADABLE || in->error == F_INTERNAL || in->error == F_FILE_TOO_LARGE)
        return;
    in->draining = true;
    while (fill_raw(in) > 0)
        ;
}

static int ingest_stream(input_stream *in, const char *name, arena *a, findings *f,
                         source_info *src, raw_document **out)
{
    reader_state st = {0};
    st.in = in;
    st.cfg = in->cfg;
    st.a = a;
    st.f = f;
    *out = NULL;
    memset(src, 0, sizeof *src);
    src->name = name;

    in->error = F_COUNT;
    in->utf8_ok = true;
    in->only_space = true;
    in->sha = sha256_begin();
    if (!in->sha)
        return -1;
    raw_document *doc = arena_alloc(a, sizeof *doc);
    if (!doc) {
        sha256_discard(in->sha);
        return -1;
    }
    st.doc = doc;

    /* Sniff gzip from the first bytes. */
    if (fill_raw(in) > 0 && in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
        in->gzip = true;
        if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
            in->error = F_INTERNAL;
        } else {
            in->z_ready = true;
            in->z.next_in = in->raw;
            in->z.avail_in = (unsigned)in->raw_len;
        }
    }

    if (in->error == F_COUNT) {
        int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
                      XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
        st.reader = xmlReaderForIO(stream_read, stream_close, in, name, NULL, options);
        if (!st.reader) {
            st.oom = true;
        } else {
            xmlTextReaderSetStructuredErrorHandler(st.reader, on_xml_error, &st);
            read_document(&st);
            xmlFreeTextReader(st.reader);
        }
    }
    /* One finding for what stopped the parse, the most telling first. */
    if (in->error != F_COUNT) {
        stream_error_finding(&st, in);
    } else if (in->only_space) {
        REPORT(&st, F_FILE_EMPTY, 0, NULL, "%s",
               in->xml_bytes == 0 ? "filen er tom (0 bytes); send den igen med indholdet"
                                  : "filen indeholder kun blanktegn; send den igen med indholdet");
        st.fatal = true;
    } else if (saved_as_utf8(in)) {
        report_saved_as_utf8(&st, in);
        st.fatal = true;
    } else if (st.xml_error) {
        report_xml_error(&st, in, doc->version.text != NULL || st.root_seen);
    }
    drain(in);
    if (in->error == F_FILE_UNREADABLE || in->error == F_INTERNAL)
        st.fatal = true;

    if (!sha256_end(in->sha, src->sha256))
        st.oom = true;
    in->sha = NULL;   /* freed by sha256_end */
    if (in->z_ready)
        inflateEnd(&in->z);
    sha256_hex(src->sha256, src->sha256_hex);
    if (in->error == F_FILE_TOO_LARGE)
        src->sha256_hex[0] = '\0';   /* not read to its end: no hash */
    src->bytes = in->raw_bytes;
    src->xml_bytes = in->xml_bytes;
    src->gzip = in->gzip;
    free(st.text);

    if (st.oom || arena_failed(a)) {
        findings_add(f, F_INTERNAL, 0, NULL, "ikke nok hukommelse til at læse filen");
        return -1;
    }
    if (in->error != F_COUNT)
        st.fatal = true;
    if (!st.fatal && doc->version.text == NULL && f->errors == 0)
        st.fatal = true;   /* nothing read at all */
    if (!st.fatal)
        *out = doc;
    return 0;
}

/* A file that is not read: no hash, no document, one finding. */
static int refuse_file(const char *path, findings *f, source_info *src, raw_document **out,
                       finding_code code, const char *message)
{
    memset(src, 0, sizeof *src);
    src->name = path;
    *out = NULL;
    return findings_add(f, code, 0, NULL, "%s", message) ? 0 : -1;
}

int ingest_file(const char *path, const config *cfg, arena *a, findings *f, source_info *src,
                raw_document **out)
{
    /* Opened once, no link followed, no FIFO waited on (durable.h). */
    struct stat sb;
    int fd = durable_open_delivery(path, &sb);
    if (fd < 0) {
        char message[160];
        snprintf(message, sizeof message, "filen kan ikke åbnes: %s", durable_open_failure(errno));
        return refuse_file(path, f, src, out, F_FILE_UNREADABLE, message);
    }
    /* The size limit before anything is read. */
    if ((uint64_t)sb.st_size > cfg->max_file_bytes) {
        char detail[160], size[48], limit[48];
        value_format_thousands((__int128)sb.st_size, size, sizeof size);
        value_format_thousands((__int128)cfg->max_file_bytes, limit, sizeof limit);
        snprintf(detail, sizeof detail, "filen fylder %s bytes; grænsen er %s bytes", size, limit);
        close(fd);
        int rc = refuse_file(path, f, src, out, F_FILE_TOO_LARGE, detail);
        src->bytes = (uint64_t)sb.st_size;
        return rc;
    }
    input_stream *in = calloc(1, sizeof *in);
    if (!in) {
        close(fd);
        return -1;
    }
    in->cfg = cfg;
    in->fd = fd;
    int rc = ingest_stream(in, path, a, f, src, out);
    close(fd);
    free(in);
    return rc;
}

int ingest_memory(const void *data, size_t size, const char *name, const config *cfg, arena *a,
                  findings *f, source_info *src, raw_document **out)
{
    input_stream *in = calloc(1, sizeof *in);
    if (!in)
        return -1;
    in->cfg = cfg;
    in->fd = -1;
    in->mem = data;
    in->mem_size = size;
    int rc = ingest_stream(in, name, a, f, src, out);
    free(in);
    return rc;
}

static xmlParserInputPtr refuse_external_entity(const char *url, const char *id,
                                                xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* libxml2 reports some problems (encoding conversion, for one) through its
 * generic error channel, which prints to stderr; every error that matters
 * reaches the reader's structured handler as a finding. */
static void silence(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void ingest_global_init(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external_entity);
    xmlSetGenericErrorFunc(NULL, silence);
    xmlThrDefSetGenericErrorFunc(NULL, silence);   /* and in threads started later */
}
