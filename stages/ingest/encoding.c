/* encoding.c — the declared encoding against the bytes: the declaration must
 * tell the truth (FORMAT.md). */
#include "ingest_parts.h"

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
bool ingest_check_encoding(input_stream *in, const unsigned char *p, size_t n)
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
