/* arena.h — a bump allocator that owns everything one document (or one run)
 * allocates; freed all at once.
 *
 * In:  sizes and strings to copy.
 * Out: memory that lives until arena_free(). Every allocator returns NULL when
 *      the system is out of memory and marks the arena failed (arena_failed()),
 *      so a caller may check once at the end of a larger piece of work. */
#ifndef STATUSNOTAT_ARENA_H
#define STATUSNOTAT_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);

void *arena_alloc(arena *a, size_t size);          /* zeroed, max-aligned */
void *arena_alloc_array(arena *a, size_t n, size_t size);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

bool arena_failed(const arena *a);
size_t arena_bytes(const arena *a);  /* bytes reserved from the system */

/* A growable array whose storage lives in an arena (old storage is left to
 * the arena when it grows). */
typedef struct {
    void *items;
    size_t n, cap;
} arena_vec;

/* Returns a pointer to a new zeroed element of `size` bytes, or NULL. */
void *arena_vec_push(arena *a, arena_vec *v, size_t size);

#endif
