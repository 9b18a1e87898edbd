/* xml_errors.c — libxml2's errors and the stream's stops, each said as the
 * finding it is (a limit as that limit, a file saved in the wrong encoding as
 * that). */
#include "ingest_parts.h"

/* A byte as windows-1252 shows it, quoted (UTF-8 in out, at most 8 bytes). */
static void cp1252_char(unsigned char b, char out[16])
{
    static const char *const c1[32] = {
        "€", NULL, "‚", "ƒ", "„", "…", "†", "‡", "ˆ", "‰", "Š", "‹", "Œ", NULL, "Ž", NULL,
        NULL, "‘", "’", "“", "”", "•", "–", "—", "˜", "™", "š", "›", "œ", NULL, "ž", "Ÿ"};
    if (b < 0x80) {
        snprintf(out, 16, "\"%c\"", b >= 0x20 && b < 0x7F ? b : '?');
    } else if (b < 0xA0) {
        snprintf(out, 16, "%s", c1[b - 0x80] ? "" : "intet tegn");
        if (c1[b - 0x80])
            snprintf(out, 16, "\"%s\"", c1[b - 0x80]);
    } else {
        snprintf(out, 16, "\"%c%c\"", (char)(0xC0 | (b >> 6)), (char)(0x80 | (b & 0x3F)));
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
void ingest_report_xml_error(reader_state *st, const input_stream *in, bool opened_root)
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
bool ingest_saved_as_utf8(const input_stream *in)
{
    return in->declared == DECLARED_LATIN && in->nonascii > 0 && in->utf8_ok &&
           in->utf8_need == 0 && in->first_seq_len > 0;
}

void ingest_report_saved_as_utf8(reader_state *st, const input_stream *in)
{
    char shown[32] = "", meant[8] = "";
    size_t o = 0;
    for (size_t i = 0; i < in->first_seq_len; i++) {
        char one[16];
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

/* One piece because each way the stream can stop becomes its finding in one switch, in
 * the order the stream checks them. */
void ingest_stream_error_finding(reader_state *st, const input_stream *in)
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
        char shown[16];
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
