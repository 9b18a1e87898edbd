/* ingest.c — streaming read of one statusnotat: bytes (gunzip, limits, SHA-256)
 * → libxml2 xmlTextReader → raw_document, checking the structure of FORMAT.md
 * on the way. See ingest.h. Its parts: stream.c (the bytes), prolog.c,
 * markup.c and encoding.c (what the bytes may hold before the parser sees
 * them), reader.c (the structure), xml_errors.c (libxml2's errors as
 * findings); this file runs them for a file or bytes in memory. */
#include "ingest_parts.h"

/* Reads to the end so the SHA-256 covers the whole file, whatever the parser
 * made of it. Not a file past the size limit: that one is not read further
 * and has no hash. */
static void drain(input_stream *in)
{
    if (in->error == F_FILE_UNREADABLE || in->error == F_INTERNAL || in->error == F_FILE_TOO_LARGE)
        return;
    in->draining = true;
    while (ingest_fill_raw(in) > 0)
        ;
}

/* One piece because it sets up and tears down the stream, the reader and their libxml2
 * state in one place, so every early exit frees the same things. */
int ingest_stream(input_stream *in, const char *name, arena *a, findings *f,
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
    if (ingest_fill_raw(in) > 0 && in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
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
        st.reader = xmlReaderForIO(ingest_stream_read, ingest_stream_close, in, name, NULL, options);
        if (!st.reader) {
            st.oom = true;
        } else {
            xmlTextReaderSetStructuredErrorHandler(st.reader, ingest_on_xml_error, &st);
            ingest_read_document(&st);
            xmlFreeTextReader(st.reader);
        }
    }
    /* One finding for what stopped the parse, the most telling first. */
    if (in->error != F_COUNT) {
        ingest_stream_error_finding(&st, in);
    } else if (in->only_space) {
        REPORT(&st, F_FILE_EMPTY, 0, NULL, "%s",
               in->xml_bytes == 0 ? "filen er tom (0 bytes); send den igen med indholdet"
                                  : "filen indeholder kun blanktegn; send den igen med indholdet");
        st.fatal = true;
    } else if (ingest_saved_as_utf8(in)) {
        ingest_report_saved_as_utf8(&st, in);
        st.fatal = true;
    } else if (st.xml_error) {
        ingest_report_xml_error(&st, in, doc->version.text != NULL || st.root_seen);
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
