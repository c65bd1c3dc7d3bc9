/* test_units.c: C unit tests for the stage-independent pieces: the arena,
 * vectors, strings, the interner, the line table and caret rendering, and
 * type interning.  Prints one line per failed check and exits non-zero. */
#include "../../compiler/base.h"
#include "../../compiler/diag.h"
#include "../../compiler/source.h"
#include "../../compiler/types.h"

typedef struct Tally {
  int run, failed;
} Tally;

#define CHECK(t, cond)                                                   \
  do {                                                                   \
    (t)->run++;                                                          \
    if (!(cond)) {                                                       \
      (t)->failed++;                                                     \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
    }                                                                    \
  } while (0)

static void test_arena(Tally *t) {
  Arena a;
  arena_init(&a);
  char *p = arena_alloc(&a, 3);
  CHECK(t, ((uintptr_t)p & 15) == 0);
  CHECK(t, p[0] == 0 && p[2] == 0);
  char *big = arena_alloc(&a, 1 << 20); /* larger than a block */
  CHECK(t, big && big[(1 << 20) - 1] == 0);
  CHECK(t, strcmp(arena_printf(&a, "%d-%s", 42, "x"), "42-x") == 0);
  CHECK(t, strcmp(arena_strndup(&a, "abcdef", 3), "abc") == 0);
  VEC(int) v = {0};
  for (int i = 0; i < 1000; i++)
    vec_push(&a, &v, i * 2);
  CHECK(t, v.len == 1000 && v.data[0] == 0 && v.data[999] == 1998);
  arena_free(&a);
  CHECK(t, a.head == NULL);
}

static void test_str(Tally *t) {
  Str s = {0};
  for (int i = 0; i < 100; i++)
    str_printf(&s, "%d,", i);
  str_putc(&s, '!');
  CHECK(t, strncmp(s.buf, "0,1,2,", 6) == 0);
  CHECK(t, s.buf[s.len - 1] == '!' && s.buf[s.len] == 0);
  str_free(&s);
  CHECK(t, s.buf == NULL && s.len == 0);
}

static void test_interner(Tally *t) {
  Arena a;
  arena_init(&a);
  Interner *in = interner_new(&a);
  const char *x = intern_cstr(in, "range");
  CHECK(t, x == intern(in, "ranges", 5));
  CHECK(t, x != intern_cstr(in, "rang"));
  char buf[32];
  const char *first = NULL;
  for (int i = 0; i < 5000; i++) { /* forces several rehashes */
    snprintf(buf, sizeof buf, "name%d", i);
    const char *p = intern_cstr(in, buf);
    if (i == 0)
      first = p;
  }
  CHECK(t, first == intern_cstr(in, "name0"));
  CHECK(t, strcmp(intern_cstr(in, "name4999"), "name4999") == 0);
  CHECK(t, intern(in, "", 0) == intern(in, "", 0));
  arena_free(&a);
}

static void test_source_and_carets(Tally *t) {
  Arena a;
  arena_init(&a);
  const char *text = "x = 1\r\nπ = x[i]\nlast";
  Source *s = source_new(&a, "f.py", text, strlen(text));
  CHECK(t, s->nlines == 3);
  size_t len;
  const char *l1 = source_line(s, 1, &len);
  CHECK(t, len == 5 && strncmp(l1, "x = 1", 5) == 0); /* the CRLF's CR is not shown */
  const char *l3 = source_line(s, 3, &len);
  CHECK(t, len == 4 && strncmp(l3, "last", 4) == 0);
  CHECK(t, source_line(s, 4, &len) == NULL && source_line(s, 0, &len) == NULL);
  const char *l2 = source_line(s, 2, &len);
  CHECK(t, utf8_col_to_byte(l2, len, 1) == 2); /* 'π' is two bytes, one column */
  CHECK(t, utf8_byte_to_col(l2, 2) == 1);

  char out[512] = {0};
  FILE *f = fmemopen(out, sizeof out - 1, "w");
  Diags d;
  diags_init(&d, s, f);
  diag_error(&d, (Span){2, 4, 2, 8}, "cannot index '%s'", "x");
  fclose(f);
  CHECK(t, d.nerrors == 1);
  CHECK(t, strstr(out, "f.py:2:5: error: cannot index 'x'\n") == out);
  CHECK(t, strstr(out, "    2 | π = x[i]\n") != NULL);
  CHECK(t, strstr(out, "      |     ^~~~\n") != NULL);
  arena_free(&a);
}

static void test_types(Tally *t) {
  Arena a;
  arena_init(&a);
  TypeTable *tt = types_new(&a);
  Type *f64 = type_scalar(tt, TY_F64), *i32 = type_scalar(tt, TY_I32);
  CHECK(t, f64 == type_scalar(tt, TY_F64));
  Type *arr = type_array(tt, f64, 2, true);
  CHECK(t, arr == type_array(tt, f64, 2, true));
  CHECK(t, arr != type_array(tt, f64, 2, false) && arr != type_array(tt, f64, 1, true));
  Type *el[] = {type_scalar(tt, TY_I64), f64};
  Type *tup = type_tuple(tt, el, 2);
  el[0] = i32; /* the table copied the element list */
  CHECK(t, tup == type_tuple(tt, (Type *[]){type_scalar(tt, TY_I64), f64}, 2));
  CHECK(t, strcmp(type_name(&a, arr), "f64[:, ::1]") == 0);
  CHECK(t, strcmp(type_name(&a, type_array(tt, i32, 3, false)), "i32[:, :, :]") == 0);
  CHECK(t, strcmp(type_name(&a, tup), "tuple[int, float]") == 0);
  CHECK(t, type_value(tt, i32) == type_scalar(tt, TY_I64));
  CHECK(t, type_value(tt, type_scalar(tt, TY_F32)) == f64);
  CHECK(t, type_value(tt, arr) == arr);
  CHECK(t, type_format_char(f64) == 'd' && type_format_char(i32) == 'i' &&
               type_format_char(type_scalar(tt, TY_U8)) == 'B');
  CHECK(t, type_is_int(i32) && type_is_signed(i32) && !type_is_signed(type_scalar(tt, TY_U64)));
  CHECK(t, type_bits(type_scalar(tt, TY_U16)) == 16 && type_is_float(f64));
  arena_free(&a);
}

int main(void) {
  Tally t = {0};
  test_arena(&t);
  test_str(&t);
  test_interner(&t);
  test_source_and_carets(&t);
  test_types(&t);
  printf("%d checks, %d failed\n", t.run, t.failed);
  return t.failed != 0;
}
