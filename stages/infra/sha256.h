/* sha256.h — SHA-256, the program's one digest (OpenSSL's libcrypto), in one
 * place: incremental (sha256_begin/add/end) for what streams through —
 * a delivery as it is read, a copy as it is written, a period's sources —
 * and whole (sha256_hex_of) for bytes in memory. Digests are shown and
 * stored as 64 lower-case hex digits. Errors are returned, never printed. */
#ifndef STATUSNOTAT_SHA256_H
#define STATUSNOTAT_SHA256_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sha256_state sha256_state;

/* A new digest, or NULL when out of memory. */
sha256_state *sha256_begin(void);
/* Adds bytes. False on a failure of libcrypto's. */
bool sha256_add(sha256_state *s, const void *data, size_t len);
/* The digest (32 bytes) and frees the state; false on a failure (freed too). */
bool sha256_end(sha256_state *s, unsigned char digest[32]);
/* The same as hex. */
bool sha256_end_hex(sha256_state *s, char hex[65]);
/* Frees a state without a digest (NULL is fine). */
void sha256_discard(sha256_state *s);

/* 32 bytes as 64 lower-case hex digits and a NUL. */
void sha256_hex(const unsigned char digest[32], char hex[65]);
/* The digest of len bytes, as hex. */
void sha256_hex_of(const void *data, size_t len, char hex[65]);
/* The digest of a file's bytes, the file opened as a delivery is (no link
 * followed, regular files only: durable.h). 0, or -1 with errno. */
int sha256_of_file(const char *path, char hex[65]);

#endif
