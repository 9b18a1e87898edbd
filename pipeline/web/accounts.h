/* accounts.h — the departments' delivery accounts for `statusnotat serve`.
 *
 * One file, readable only by the service (mode 0600, created so), holding a
 * server secret and, per department file code, an HMAC-SHA-256 of its token
 * under that secret:
 *
 *   statusnotat-accounts/1
 *   secret <64 hex digits: 32 random bytes>
 *   account OEKF <64 hex digits: HMAC-SHA-256(secret, token)>
 *
 * Why HMAC and not Argon2id: every token is 32 random bytes made here, so
 * guessing one is out of reach however fast the hash; a slow password hash
 * protects low-entropy passwords people choose, and would make every request
 * cost a deliberate hundred milliseconds of CPU (a denial of service at 50
 * clients). Under the secret, a copy of the file's accounts alone is of no
 * use; without the file's secret no token can be checked. Compared in
 * constant time. */
#ifndef STATUSNOTAT_ACCOUNTS_H
#define STATUSNOTAT_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct accounts accounts;

/* A new random token for department `code` (a configured file code), stored
 * as its HMAC in the file at path (made, with a new secret, when missing;
 * an earlier token of the same department no longer works). The token goes
 * into token (65 bytes: 64 hex digits). 0, or -1 with a message. */
int accounts_add(const char *path, const char *code, char token[65], char *err, size_t errlen);

/* The file at path, read. NULL with a message. */
accounts *accounts_load(const char *path, char *err, size_t errlen);
void accounts_free(accounts *a);

/* Whether token is department code's. */
bool accounts_check(const accounts *a, const char *code, const char *token);

/* HMAC-SHA-256 under the server secret of data, as hex (form tokens). */
void accounts_sign(const accounts *a, const char *data, char hex[65]);

#endif
