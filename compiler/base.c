/* base.c: arena, vectors, strings, interning, and the internal-failure path. */
#include "base.h"

#include <errno.h>

struct ArenaBlock {
  ArenaBlock *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
};

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("pyjitc: internal error: out of memory\n", stderr);
    exit(3);
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    fputs("pyjitc: internal error: out of memory\n", stderr);
    exit(3);
  }
  return p;
}

void arena_init(Arena *a) { a->head = NULL; }

void arena_free(Arena *a) {
  for (ArenaBlock *b = a->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  a->head = NULL;
}

void *arena_alloc(Arena *a, size_t size) {
  size = (size + 15) & ~(size_t)15;
  ArenaBlock *b = a->head;
  if (!b || b->size - b->used < size) {
    size_t cap = size > 65536 ? size : 65536;
    b = xmalloc(sizeof(ArenaBlock) + cap);
    b->used = 0;
    b->size = cap;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += size;
  memset(p, 0, size);
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}

void vec_grow_(Arena *a, void **data, int *cap, size_t elem) {
  int ncap = *cap ? *cap * 2 : 8;
  void *p = arena_alloc(a, elem * (size_t)ncap);
  if (*cap)
    memcpy(p, *data, elem * (size_t)*cap);
  *data = p;
  *cap = ncap;
}

void str_putn(Str *s, const char *t, size_t n) {
  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->buf = xrealloc(s->buf, s->cap);
  }
  memcpy(s->buf + s->len, t, n);
  s->len += n;
  s->buf[s->len] = 0;
}

void str_putc(Str *s, char c) { str_putn(s, &c, 1); }
void str_puts(Str *s, const char *t) { str_putn(s, t, strlen(t)); }

void str_printf(Str *s, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (s->len + (size_t)n + 1 > s->cap) {
    s->cap = (s->len + (size_t)n + 1) * 2;
    s->buf = xrealloc(s->buf, s->cap);
  }
  vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  s->len += (size_t)n;
}

void str_free(Str *s) {
  free(s->buf);
  s->buf = NULL;
  s->len = s->cap = 0;
}

/* Interner: open addressing over arena-owned strings. */
struct Interner {
  Arena *arena;
  const char **slots;
  size_t *lens;
  size_t cap, count;
};

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

Interner *interner_new(Arena *a) {
  Interner *in = ARENA_NEW(a, Interner);
  in->arena = a;
  in->cap = 1024;
  in->slots = ARENA_ARRAY(a, const char *, in->cap);
  in->lens = ARENA_ARRAY(a, size_t, in->cap);
  return in;
}

static void interner_grow(Interner *in) {
  size_t ncap = in->cap * 2;
  const char **slots = ARENA_ARRAY(in->arena, const char *, ncap);
  size_t *lens = ARENA_ARRAY(in->arena, size_t, ncap);
  for (size_t i = 0; i < in->cap; i++) {
    if (!in->slots[i])
      continue;
    size_t j = hash_bytes(in->slots[i], in->lens[i]) & (ncap - 1);
    while (slots[j])
      j = (j + 1) & (ncap - 1);
    slots[j] = in->slots[i];
    lens[j] = in->lens[i];
  }
  in->slots = slots;
  in->lens = lens;
  in->cap = ncap;
}

const char *intern(Interner *in, const char *s, size_t n) {
  if (in->count * 2 >= in->cap)
    interner_grow(in);
  size_t j = hash_bytes(s, n) & (in->cap - 1);
  while (in->slots[j]) {
    if (in->lens[j] == n && memcmp(in->slots[j], s, n) == 0)
      return in->slots[j];
    j = (j + 1) & (in->cap - 1);
  }
  in->slots[j] = arena_strndup(in->arena, s, n);
  in->lens[j] = n;
  in->count++;
  return in->slots[j];
}

const char *intern_cstr(Interner *in, const char *s) { return intern(in, s, strlen(s)); }

_Noreturn void die_at(Bailout *b, const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(b->msg, sizeof b->msg, "%s:%d: ", file, line);
  if (n < 0 || (size_t)n >= sizeof b->msg)
    n = 0;
  vsnprintf(b->msg + n, sizeof b->msg - (size_t)n, fmt, ap);
  va_end(ap);
  longjmp(b->jb, 1);
}

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 65536, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
    if (n + 1 == cap)
      buf = xrealloc(buf, cap *= 2);
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    errno = EIO;
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}
