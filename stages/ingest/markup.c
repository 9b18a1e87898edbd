/* markup.c — the limits of FORMAT.md and of libxml2, enforced on the bytes in
 * linear time before libxml2 meets them. */
#include "ingest_parts.h"

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

/* One piece because it is one state machine over the bytes; its states share the
 * counters, and a table of functions would hide the transitions. */
bool ingest_scan_markup(input_stream *in, const unsigned char *p, size_t n)
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
