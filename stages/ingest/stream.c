/* stream.c — the byte stream: raw bytes → SHA-256 and the size limit → gunzip
 * and the expansion limit → the checks above → libxml2's reader. */
#include "ingest_parts.h"

/* Reads more raw bytes into in->raw, hashing them. Returns bytes read, 0 at
 * end of file, -1 on error (in->error set). */
ssize_t ingest_fill_raw(input_stream *in)
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
int ingest_stream_read(void *ctx, char *buf, int len)
{
    input_stream *in = ctx;
    if (in->error != F_COUNT || len <= 0)
        return -1;
    if (!in->gzip) {
        if (in->raw_pos == in->raw_len) {
            ssize_t n = ingest_fill_raw(in);
            if (n <= 0)
                return (int)n;
        }
        size_t take = in->raw_len - in->raw_pos;
        if (take > (size_t)len)
            take = (size_t)len;
        memcpy(buf, in->raw + in->raw_pos, take);
        in->raw_pos += take;
        in->xml_bytes += take;
        if (!ingest_scan_prolog(in, (const unsigned char *)buf, take) ||
            !ingest_scan_markup(in, (const unsigned char *)buf, take) ||
            !ingest_check_encoding(in, (const unsigned char *)buf, take))
            return -1;
        return (int)take;
    }
    in->z.next_out = (unsigned char *)buf;
    in->z.avail_out = (unsigned)len;
    while (in->z.avail_out > 0 && !in->gzip_done) {
        if (in->z.avail_in == 0) {
            ssize_t n = ingest_fill_raw(in);
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
                ssize_t n = ingest_fill_raw(in);
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
    if (check_expansion(in) || !ingest_scan_prolog(in, (const unsigned char *)buf, produced) ||
        !ingest_scan_markup(in, (const unsigned char *)buf, produced) ||
        !ingest_check_encoding(in, (const unsigned char *)buf, produced))
        return -1;
    return (int)produced;
}

int ingest_stream_close(void *ctx)
{
    (void)ctx;   /* the stream is owned by ingest_stream() */
    return 0;
}
