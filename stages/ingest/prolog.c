/* prolog.c — the bytes before the root element: nothing the parser could take
 * for a DTD, an entity or another encoding gets past. */
#include "ingest_parts.h"

bool ingest_scan_prolog(input_stream *in, const unsigned char *p, size_t n)
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
