/* sha256.c — SHA-256 through libcrypto's EVP interface; see sha256.h. */
#include "sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "durable.h"

/* sha256_state is libcrypto's EVP_MD_CTX under our name: never defined here. */

sha256_state *sha256_begin(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return NULL;
    }
    /* The context is the state: no allocation of our own to fail. */
    return (sha256_state *)md;
}

bool sha256_add(sha256_state *s, const void *data, size_t len)
{
    return EVP_DigestUpdate((EVP_MD_CTX *)s, data, len) == 1;
}

bool sha256_end(sha256_state *s, unsigned char digest[32])
{
    unsigned int len = 0;
    bool ok = EVP_DigestFinal_ex((EVP_MD_CTX *)s, digest, &len) == 1 && len == 32;
    EVP_MD_CTX_free((EVP_MD_CTX *)s);
    return ok;
}

bool sha256_end_hex(sha256_state *s, char hex[65])
{
    unsigned char digest[32];
    if (!sha256_end(s, digest))
        return false;
    sha256_hex(digest, hex);
    return true;
}

void sha256_discard(sha256_state *s)
{
    EVP_MD_CTX_free((EVP_MD_CTX *)s);
}

void sha256_hex(const unsigned char digest[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

void sha256_hex_of(const void *data, size_t len, char hex[65])
{
    unsigned char digest[32];
    unsigned int n = 0;
    if (EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        /* libcrypto's SHA-256 of memory does not fail but for want of
         * memory; a digest that matches nothing is then the safe answer. */
        hex[0] = '\0';
        return;
    }
    sha256_hex(digest, hex);
}

int sha256_of_file(const char *path, char hex[65])
{
    enum { CHUNK = 64 * 1024 };
    struct stat st;
    int fd = durable_open_delivery(path, &st);
    if (fd < 0)
        return -1;
    unsigned char *buf = malloc(CHUNK);
    sha256_state *sha = sha256_begin();
    int rc = buf && sha ? 0 : -1;
    if (rc != 0)
        errno = ENOMEM;
    while (rc == 0) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        if (!sha256_add(sha, buf, (size_t)n))
            rc = -1;
    }
    if (rc == 0) {
        rc = sha256_end_hex(sha, hex) ? 0 : -1;
        sha = NULL;   /* freed by sha256_end_hex */
    }
    int saved = errno;
    sha256_discard(sha);
    free(buf);
    close(fd);
    errno = saved;
    return rc;
}
