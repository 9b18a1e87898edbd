/* ingest_parts.h — what the files of the ingest stage share: the byte stream
 * (input_stream) and the reader's state, the limits, and the functions one
 * part calls in another. Private to stages/ingest; the stage's callers see
 * ingest.h only. */
#ifndef STATUSNOTAT_INGEST_PARTS_H
#define STATUSNOTAT_INGEST_PARTS_H

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


/* ---- The declared encoding against the bytes (FORMAT.md: the declaration
 * must tell the truth) ---- */

enum { DECLARED_UNKNOWN, DECLARED_UTF8, DECLARED_LATIN, DECLARED_OTHER };

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


#define REPORT(st, code, line, path, ...)                                 \
    do {                                                                  \
        if (!findings_add((st)->f, (code), (line), (path), __VA_ARGS__))  \
            (st)->oom = true;                                             \
    } while (0)


/* prolog.c */
bool ingest_scan_prolog(input_stream *in, const unsigned char *p, size_t n);

/* markup.c */
bool ingest_scan_markup(input_stream *in, const unsigned char *p, size_t n);

/* encoding.c */
bool ingest_check_encoding(input_stream *in, const unsigned char *p, size_t n);

/* stream.c */
int ingest_stream_read(void *ctx, char *buf, int len);
ssize_t ingest_fill_raw(input_stream *in);
int ingest_stream_close(void *ctx);

/* reader.c */
void ingest_on_xml_error(void *ctx, xmlErrorPtr err);
void ingest_read_document(reader_state *st);

/* xml_errors.c */
void ingest_stream_error_finding(reader_state *st, const input_stream *in);
void ingest_report_xml_error(reader_state *st, const input_stream *in, bool opened_root);
void ingest_report_saved_as_utf8(reader_state *st, const input_stream *in);
bool ingest_saved_as_utf8(const input_stream *in);

/* ingest.c */
int ingest_stream(input_stream *in, const char *name, arena *a, findings *f,
                         source_info *src, raw_document **out);

#endif
