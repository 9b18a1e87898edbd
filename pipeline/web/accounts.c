/* accounts.c — delivery accounts; see accounts.h. */
#include "accounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "durable.h"
#include "sha256.h"
#include "strbuf.h"

enum { MAX_ACCOUNTS = 64, CODE_MAX = 16 };

typedef struct {
    char code[CODE_MAX + 1];
    char hmac[65];
} account;

struct accounts {
    unsigned char secret[32];
    account items[MAX_ACCOUNTS];
    size_t n;
};

static void hmac_hex(const unsigned char secret[32], const char *data, char hex[65])
{
    unsigned char mac[32];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), secret, 32, (const unsigned char *)data, strlen(data), mac, &len) || len != 32) {
        hex[0] = '\0';   /* matches nothing */
        return;
    }
    sha256_hex(mac, hex);
}

static bool from_hex(const char *hex, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (unsigned char)v;
    }
    return hex[2 * n] == '\0' || hex[2 * n] == '\n';
}

static bool code_ok(const char *code)
{
    size_t n = strlen(code);
    if (!n || n > CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9')))
            return false;
    return true;
}

static int parse(accounts *a, char *text, const char *path, char *err, size_t errlen)
{
    char *save = NULL;
    size_t line_no = 0;
    bool have_secret = false;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        char code[64], hex[80];
        if (line_no == 1) {
            if (strcmp(line, "statusnotat-accounts/1") != 0) {
                snprintf(err, errlen, "%s:1: ikke en kontofil (statusnotat-accounts/1)", path);
                return -1;
            }
        } else if (sscanf(line, "secret %79s", hex) == 1 && strlen(hex) == 64 && from_hex(hex, a->secret, 32)) {
            have_secret = true;
        } else if (sscanf(line, "account %63s %79s", code, hex) == 2 && code_ok(code) && strlen(hex) == 64 &&
                   a->n < MAX_ACCOUNTS) {
            memcpy(a->items[a->n].code, code, strlen(code) + 1);   /* code_ok: at most CODE_MAX */
            memcpy(a->items[a->n].hmac, hex, 65);
            a->n++;
        } else {
            snprintf(err, errlen, "%s:%zu: linjen er hverken secret eller account", path, line_no);
            return -1;
        }
    }
    if (!have_secret) {
        snprintf(err, errlen, "%s: ingen secret-linje", path);
        return -1;
    }
    return 0;
}

accounts *accounts_load(const char *path, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    if (durable_read_file(path, 1 << 20, &text, &len) != 0) {
        snprintf(err, errlen, "%s: kontofilen kan ikke læses: %s", path, errno_text(errno));
        return NULL;
    }
    accounts *a = calloc(1, sizeof *a);
    if (!a || parse(a, text, path, err, errlen) != 0) {
        if (!a)
            snprintf(err, errlen, "ikke nok hukommelse");
        free(a);
        a = NULL;
    }
    free(text);
    return a;
}

void accounts_free(accounts *a)
{
    if (a)
        OPENSSL_cleanse(a, sizeof *a);
    free(a);
}

bool accounts_check(const accounts *a, const char *code, const char *token)
{
    if (!a || !code || !token)
        return false;
    char want[65];
    hmac_hex(a->secret, token, want);
    bool ok = false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].code, code) == 0 && want[0])
            ok |= CRYPTO_memcmp(a->items[i].hmac, want, 64) == 0;
    return ok;
}

void accounts_sign(const accounts *a, const char *data, char hex[65])
{
    hmac_hex(a->secret, data, hex);
}

int accounts_add(const char *path, const char *code, char token[65], char *err, size_t errlen)
{
    if (!code_ok(code)) {
        snprintf(err, errlen, "%s er ikke en filkode (store bogstaver og cifre, fx OEKF)", code);
        return -1;
    }
    accounts *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    if (access(path, F_OK) == 0) {
        accounts *old = accounts_load(path, err, errlen);
        if (!old) {
            free(a);
            return -1;
        }
        *a = *old;
        accounts_free(old);
    } else if (getrandom(a->secret, sizeof a->secret, 0) != (ssize_t)sizeof a->secret) {
        snprintf(err, errlen, "tilfældige bytes kan ikke fås: %s", errno_text(errno));
        free(a);
        return -1;
    }
    unsigned char raw[32];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        snprintf(err, errlen, "tilfældige bytes kan ikke fås: %s", errno_text(errno));
        accounts_free(a);
        return -1;
    }
    sha256_hex(raw, token);   /* 32 random bytes as 64 hex digits (not a digest) */
    size_t k = 0;
    while (k < a->n && strcmp(a->items[k].code, code) != 0)
        k++;
    if (k == a->n) {
        if (a->n == MAX_ACCOUNTS) {
            snprintf(err, errlen, "%s: højst %d konti", path, MAX_ACCOUNTS);
            accounts_free(a);
            return -1;
        }
        snprintf(a->items[a->n++].code, CODE_MAX + 1, "%s", code);
    }
    hmac_hex(a->secret, token, a->items[k].hmac);
    strbuf text = STRBUF_INIT;
    char secret_hex[65];
    sha256_hex(a->secret, secret_hex);
    strbuf_addf(&text, "statusnotat-accounts/1\nsecret %s\n", secret_hex);
    for (size_t i = 0; i < a->n; i++)
        strbuf_addf(&text, "account %s %s\n", a->items[i].code, a->items[i].hmac);
    OPENSSL_cleanse(secret_hex, sizeof secret_hex);
    int rc = -1;
    if (text.failed) {
        snprintf(err, errlen, "ikke nok hukommelse");
    } else {
        /* Only the service reads it: made 0600 before anything is in it. */
        mode_t old = umask(077);
        rc = durable_write(path, text.buf, text.len, err, errlen);
        umask(old);
        if (rc == 0 && chmod(path, 0600) != 0) {
            snprintf(err, errlen, "%s: %s", path, errno_text(errno));
            rc = -1;
        }
    }
    OPENSSL_cleanse(text.buf, text.alloc);
    strbuf_release(&text);
    accounts_free(a);
    return rc;
}
