/* base.h: utilities every stage uses: the arena, growable vectors, strings,
 * interning, and the internal-failure path. Includes only libc. */
#ifndef PJ_BASE_H
#define PJ_BASE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Arena: one per compilation; nothing allocated from it is freed alone. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
  ArenaBlock *head;
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t size);            /* zeroed, 16-byte aligned */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

/* ---- Vec: a growable array in the arena.  Usage:
 *   VEC(Node *) v = {0};  vec_push(arena, &v, node);  v.data[i], v.len    */
#define VEC(T) struct { T *data; int len, cap; }
#define vec_push(arena, v, x)                                                   \
  do {                                                                          \
    if ((v)->len == (v)->cap)                                                   \
      vec_grow_((arena), (void **)&(v)->data, &(v)->cap, sizeof(*(v)->data));   \
    (v)->data[(v)->len++] = (x);                                                \
  } while (0)
void vec_grow_(Arena *a, void **data, int *cap, size_t elem);

/* ---- Str: a growable byte buffer on the heap (for dumps and messages that
 * outlive nothing; freed by its owner with str_free). */
typedef struct Str {
  char *buf;
  size_t len, cap;
} Str;
void str_putc(Str *s, char c);
void str_puts(Str *s, const char *t);
void str_putn(Str *s, const char *t, size_t n);
void str_printf(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void str_free(Str *s);

/* ---- Interner: equal strings get the same pointer, so names compare with ==. */
typedef struct Interner Interner;
Interner *interner_new(Arena *a);
const char *intern(Interner *in, const char *s, size_t n);
const char *intern_cstr(Interner *in, const char *s);

/* ---- Internal failures.  die() is for compiler bugs and resource failures,
 * never for user errors: it longjmps to the recovery point that the driver
 * installed (Bailout), which frees the arena and exits with status 3. */
typedef struct Bailout {
  jmp_buf jb;
  char msg[512];
} Bailout;
_Noreturn void die_at(Bailout *b, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define die(b, ...) die_at((b), __FILE__, __LINE__, __VA_ARGS__)

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *read_file(const char *path, size_t *len); /* malloc'd, NUL-terminated; NULL + errno */

#endif
