/* process.c — ingest → normalize → validate for one file; see process.h. */
#include "process.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "elements.h"
#include "ingest.h"
#include "normalize.h"
#include "validate.h"

/* A finding inside an indsats names the id the editor knows ("indsats
 * BOL-03: …"), not only its position in the path. */
static bool name_indsatser(processed_file *out)
{
    char marker[64];
    size_t len = strlen(element_path(marker, sizeof marker, EL_INDSATS, (size_t[]){1}, NULL)) - 2;
    marker[len] = '\0';   /* "/statusnotat/indsatser/indsats[" */
    for (size_t i = 0; out->doc && i < out->findings.n; i++) {
        finding *x = &out->findings.items[i];
        if (!x->path || strncmp(x->path, marker, len) != 0)
            continue;
        size_t k = strtoul(x->path + len, NULL, 10);
        if (k == 0 || k > out->doc->n_indsatser)
            continue;
        const char *id = out->doc->indsatser[k - 1].id;
        if (!id || !id[0] || strstr(x->message, id))
            continue;
        const char *named = arena_printf(out->arena, "indsats %s: %s", id, x->message);
        if (!named)
            return false;
        x->message = named;
    }
    return true;
}

/* ingest is either from a file or from memory; the rest is the same. */
static int process(const char *path, const void *data, size_t size, const char *display_name,
                   const config *cfg, processed_file *out)
{
    memset(out, 0, sizeof *out);
    out->arena = arena_new();
    if (!out->arena)
        return -1;
    const char *name = arena_strdup(out->arena, display_name ? display_name : path);
    if (!name)
        return -1;
    findings_init(&out->findings, out->arena, name);
    out->findings.limit = cfg->max_findings;

    raw_document *raw = NULL;
    int rc = path ? ingest_file(path, cfg, out->arena, &out->findings, &out->source, &raw)
                  : ingest_memory(data, size, name, cfg, out->arena, &out->findings,
                                  &out->source, &raw);
    if (rc != 0)
        return -1;
    out->source.name = name;
    if (raw) {
        out->doc = normalize_document(raw, cfg, out->arena, &out->findings);
        if (!out->doc || !validate_document(out->doc, cfg, &out->findings))
            return -1;
    }
    if (!name_indsatser(out))
        return -1;
    out->accepted = out->doc && out->findings.errors == 0;
    findings_sort(&out->findings);
    return 0;
}

int process_file(const char *path, const char *display_name, const config *cfg,
                 processed_file *out)
{
    return process(path, NULL, 0, display_name, cfg, out);
}

int process_memory(const void *data, size_t size, const char *name, const config *cfg,
                   processed_file *out)
{
    return process(NULL, data, size, name, cfg, out);
}

/* The results waiting for take(): slot i % window holds file i's once it is
 * ready. A thread claims the next file only when its slot is free. */
enum { SLOT_FREE, SLOT_READY, SLOT_FAILED };

typedef struct {
    const process_job *files;
    size_t n, window;
    pthread_mutex_t mu;
    pthread_cond_t ready, room;
    size_t next, taken;
    bool stop;
    processed_file *slots;
    int *state;
} pool;

static void *pool_thread(void *arg)
{
    pool *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (!q->stop && q->next < q->n && q->next >= q->taken + q->window)
            pthread_cond_wait(&q->room, &q->mu);
        if (q->stop || q->next >= q->n) {
            pthread_mutex_unlock(&q->mu);
            return NULL;
        }
        size_t i = q->next++;
        pthread_mutex_unlock(&q->mu);
        size_t slot = i % q->window;
        const process_job *f = &q->files[i];
        int rc = process_file(f->path, f->name, f->cfg, &q->slots[slot]);
        pthread_mutex_lock(&q->mu);
        q->state[slot] = rc == 0 ? SLOT_READY : SLOT_FAILED;
        pthread_cond_broadcast(&q->ready);
        pthread_mutex_unlock(&q->mu);
    }
}

static int in_turn(const process_job *files, size_t n,
                   bool (*take)(void *, size_t, processed_file *), void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        processed_file p;
        if (process_file(files[i].path, files[i].name, files[i].cfg, &p) != 0) {
            processed_file_release(&p);
            return -1;
        }
        bool more = take(ctx, i, &p);
        processed_file_release(&p);   /* empty when take() kept it */
        if (!more)
            return 1;
    }
    return 0;
}

int process_in_order(const process_job *files, size_t n, unsigned threads,
                     bool (*take)(void *ctx, size_t i, processed_file *p), void *ctx)
{
    if (threads > n)
        threads = (unsigned)n;
    if (threads <= 1)
        return in_turn(files, n, take, ctx);
    pool q = {.files = files, .n = n, .window = 2 * (size_t)threads};
    pthread_t *ids = calloc(threads, sizeof *ids);
    q.slots = calloc(q.window, sizeof *q.slots);
    q.state = calloc(q.window, sizeof *q.state);
    bool mu = false, ready = false, room = false;
    if (!ids || !q.slots || !q.state || !(mu = pthread_mutex_init(&q.mu, NULL) == 0) ||
        !(ready = pthread_cond_init(&q.ready, NULL) == 0) ||
        !(room = pthread_cond_init(&q.room, NULL) == 0)) {
        if (ready)
            pthread_cond_destroy(&q.ready);
        if (mu)
            pthread_mutex_destroy(&q.mu);
        free(ids);
        free(q.slots);
        free(q.state);
        return in_turn(files, n, take, ctx);
    }
    unsigned started = 0;
    while (started < threads && pthread_create(&ids[started], NULL, pool_thread, &q) == 0)
        started++;
    /* With no thread started, this one does it all (below). */
    int rc = started ? 0 : in_turn(files, n, take, ctx);
    for (size_t i = 0; started && i < n && rc == 0; i++) {
        size_t slot = i % q.window;
        pthread_mutex_lock(&q.mu);
        while (q.state[slot] == SLOT_FREE)
            pthread_cond_wait(&q.ready, &q.mu);
        pthread_mutex_unlock(&q.mu);
        /* The slot is this thread's until it is marked free again. */
        if (q.state[slot] == SLOT_FAILED)
            rc = -1;
        else if (!take(ctx, i, &q.slots[slot]))
            rc = 1;
        processed_file_release(&q.slots[slot]);
        pthread_mutex_lock(&q.mu);
        q.state[slot] = SLOT_FREE;
        q.taken++;
        q.stop = rc != 0;
        pthread_cond_broadcast(&q.room);
        pthread_mutex_unlock(&q.mu);
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    for (size_t k = 0; k < q.window; k++)   /* what was made after a stop */
        processed_file_release(&q.slots[k]);
    pthread_cond_destroy(&q.ready);
    pthread_cond_destroy(&q.room);
    pthread_mutex_destroy(&q.mu);
    free(ids);
    free(q.slots);
    free(q.state);
    return rc;
}
