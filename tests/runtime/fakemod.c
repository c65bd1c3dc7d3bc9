/* fakemod.c: a hand-written "generated module" for testing the runtime
 * (tests/test_runtime.py builds it against build/libpjrt.a).  It does what
 * lower_boundary.c's output does: PjSig / PjFuncDef / PjModuleDef constants,
 * METH_FASTCALL wrappers that convert arguments through pjrt_*, release the
 * GIL around a native `_impl` (i32 f_impl(params..., RET *out), 0 or -1 with
 * an exception set), re-acquire it, release buffers and box the result, and
 * PyInit_fakemod returning pjrt_module_init(&def).  Like generated code it
 * does not include Python.h.  The module source is tests/runtime/fakemod.py,
 * embedded by the test as FAKEMOD_SOURCE / FAKEMOD_FILE (fakemod_src.h);
 * the line numbers given to pjrt_add_traceback are that file's lines. */
#include <stdint.h>
#include <time.h>

#include "pjrt.h"
#include "fakemod_src.h"

#ifndef FAKEMOD_ABI /* the test of a version mismatch sets another */
#define FAKEMOD_ABI PJRT_ABI_VERSION
#endif

#define W(name) static void *name##_w(void *self, void *const *args, int64_t nargs, void *kwnames)
#define SIG(name, nparams, nrequired, ...)                                                        \
  static const PjSig name##_sig = {#name, nparams, nrequired, name##_params, name##_expected}

/* ---- add(a: int, b: int = 1) -> int */
static const char *const add_params[] = {"a", "b"};
static const char *const add_expected[] = {"int", "int"};
SIG(add, 2, 1);

static int32_t add_impl(int64_t a, int64_t b, int64_t *out) {
  if (__builtin_add_overflow(a, b, out)) {
    pjrt_raise(PJRT_OVERFLOW, "integer overflow");
    pjrt_add_traceback(FAKEMOD_FILE, "add", 14);
    return -1;
  }
  return 0;
}

W(add) {
  void *slots[2];
  int64_t a, b = 1, r;
  if (pjrt_unpack_args(&add_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_i64(&add_sig, 0, slots[0], &a) < 0 ||
      (slots[1] && pjrt_arg_i64(&add_sig, 1, slots[1], &b) < 0))
    return NULL;
  if (add_impl(a, b, &r) < 0)
    return NULL;
  return pjrt_box_i64(r);
}

/* ---- scale(x: f64[:], k: float) -> None   (writes x; loops: GIL released) */
static const char *const scale_params[] = {"x", "k"};
static const char *const scale_expected[] = {"f64[:]", "float"};
SIG(scale, 2, 2);

static int32_t scale_impl(const PjArray *x, double k) {
  for (int64_t i = 0; i < x->shape[0]; i++)
    *(double *)(x->data + i * x->strides[0]) *= k;
  return 0;
}

W(scale) {
  void *slots[2];
  PjArray x;
  double k;
  if (pjrt_unpack_args(&scale_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_array(&scale_sig, 0, slots[0], 'd', 8, 1, PJRT_ARR_WRITABLE, &x) < 0)
    return NULL;
  if (pjrt_arg_f64(&scale_sig, 1, slots[1], &k) < 0) {
    pjrt_array_release(&x);
    return NULL;
  }
  void *save = pjrt_release_gil();
  int32_t rc = scale_impl(&x, k);
  pjrt_acquire_gil(save);
  pjrt_array_release(&x);
  return rc < 0 ? NULL : pjrt_box_none();
}

/* ---- total(x: f64[::1]) -> float */
static const char *const total_params[] = {"x"};
static const char *const total_expected[] = {"f64[::1]"};
SIG(total, 1, 1);

static int32_t total_impl(const PjArray *x, double *out) {
  const double *p = (const double *)x->data; /* contiguous: no strides */
  double t = 0.0;
  for (int64_t i = 0; i < x->shape[0]; i++)
    t += p[i];
  *out = t;
  return 0;
}

W(total) {
  void *slots[1];
  PjArray x;
  double r;
  if (pjrt_unpack_args(&total_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_array(&total_sig, 0, slots[0], 'd', 8, 1, PJRT_ARR_CONTIG, &x) < 0)
    return NULL;
  void *save = pjrt_release_gil();
  int32_t rc = total_impl(&x, &r);
  pjrt_acquire_gil(save);
  pjrt_array_release(&x);
  return rc < 0 ? NULL : pjrt_box_f64(r);
}

/* ---- pair(x: int) -> tuple[int, float] */
static const char *const pair_params[] = {"x"};
static const char *const pair_expected[] = {"int"};
SIG(pair, 1, 1);

typedef struct { int64_t a; double b; } PairRet;

static int32_t pair_impl(int64_t x, PairRet *out) {
  if (__builtin_mul_overflow(x, 2, &out->a)) {
    pjrt_raise(PJRT_OVERFLOW, "integer overflow");
    pjrt_add_traceback(FAKEMOD_FILE, "pair", 37);
    return -1;
  }
  out->b = (double)x / 2.0;
  return 0;
}

W(pair) {
  void *slots[1];
  int64_t x;
  PairRet r;
  if (pjrt_unpack_args(&pair_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_i64(&pair_sig, 0, slots[0], &x) < 0 || pair_impl(x, &r) < 0)
    return NULL;
  void *items[2] = {pjrt_box_i64(r.a), pjrt_box_f64(r.b)};
  return pjrt_build_tuple(items, 2);
}

/* ---- check(n: int) -> int and fail(n: int) -> int, which calls check
 * natively: the raise site and the call site each add a traceback line, with
 * the GIL released. */
static const char *const check_params[] = {"n"};
static const char *const check_expected[] = {"int"};
SIG(check, 1, 1);
static const char *const fail_params[] = {"n"};
static const char *const fail_expected[] = {"int"};
SIG(fail, 1, 1);

static int32_t check_impl(int64_t n, int64_t *out) {
  if (n < 0) {
    pjrt_raise(PJRT_VALUE, "n must be >= 0");
    pjrt_add_traceback(FAKEMOD_FILE, "check", 42);
    return -1;
  }
  *out = n;
  return 0;
}

static int32_t fail_impl(int64_t n, int64_t *out) {
  int64_t c;
  if (check_impl(n, &c) < 0) {
    pjrt_add_traceback(FAKEMOD_FILE, "fail", 47);
    return -1;
  }
  *out = c * 2;
  return 0;
}

static void *call_i64_i64(const PjSig *sig, int32_t (*impl)(int64_t, int64_t *),
                          void *const *args, int64_t nargs, void *kwnames) {
  void *slots[1];
  int64_t n, r;
  if (pjrt_unpack_args(sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_i64(sig, 0, slots[0], &n) < 0)
    return NULL;
  void *save = pjrt_release_gil();
  int32_t rc = impl(n, &r);
  pjrt_acquire_gil(save);
  return rc < 0 ? NULL : pjrt_box_i64(r);
}

W(check) { return call_i64_i64(&check_sig, check_impl, args, nargs, kwnames); }
W(fail) { return call_i64_i64(&fail_sig, fail_impl, args, nargs, kwnames); }

/* ---- index(x: i32[:, :], i: int, j: int) -> int, bounds-checked */
static const char *const index_params[] = {"x", "i", "j"};
static const char *const index_expected[] = {"i32[:, :]", "int", "int"};
SIG(index, 3, 3);

static int wrap_index(int64_t *i, int axis, int64_t size) {
  int64_t k = *i < 0 ? *i + size : *i;
  if (k < 0 || k >= size) {
    pjrt_raise_index(*i, axis, size);
    pjrt_add_traceback(FAKEMOD_FILE, "index", 51);
    return -1;
  }
  *i = k;
  return 0;
}

static int32_t index_impl(const PjArray *x, int64_t i, int64_t j, int64_t *out) {
  if (wrap_index(&i, 0, x->shape[0]) < 0 || wrap_index(&j, 1, x->shape[1]) < 0)
    return -1;
  *out = *(const int32_t *)(x->data + i * x->strides[0] + j * x->strides[1]);
  return 0;
}

W(index) {
  void *slots[3];
  PjArray x;
  int64_t i, j, r;
  if (pjrt_unpack_args(&index_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_array(&index_sig, 0, slots[0], 'i', 4, 2, 0, &x) < 0)
    return NULL;
  if (pjrt_arg_i64(&index_sig, 1, slots[1], &i) < 0 ||
      pjrt_arg_i64(&index_sig, 2, slots[2], &j) < 0) {
    pjrt_array_release(&x);
    return NULL;
  }
  int32_t rc = index_impl(&x, i, j, &r); /* no loop: the GIL stays held */
  pjrt_array_release(&x);
  return rc < 0 ? NULL : pjrt_box_i64(r);
}

/* ---- ints(a: i8=0, b: u8=0, c: i16=0, d: u16=0, e: i32=0, f: u32=0,
 *           g: int=0, h: u64=0) -> tuple of them */
static const char *const ints_params[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
static const char *const ints_expected[] = {"i8", "u8", "i16", "u16", "i32", "u32", "int", "u64"};
SIG(ints, 8, 0);

W(ints) {
  static const int bits[8] = {8, 8, 16, 16, 32, 32, 64, 64};
  void *slots[8];
  int64_t v[8] = {0};
  if (pjrt_unpack_args(&ints_sig, args, nargs, kwnames, slots) < 0)
    return NULL;
  for (int k = 0; k < 8; k++) {
    if (!slots[k])
      continue;
    int rc = k == 6 ? pjrt_arg_i64(&ints_sig, k, slots[k], &v[k])
                    : pjrt_arg_int(&ints_sig, k, slots[k], bits[k], k % 2 == 0, &v[k]);
    if (rc < 0)
      return NULL;
  }
  void *items[8];
  for (int k = 0; k < 7; k++)
    items[k] = pjrt_box_i64(v[k]);
  items[7] = pjrt_box_u64((uint64_t)v[7]);
  return pjrt_build_tuple(items, 8);
}

/* ---- floats(x: float, y: f32) -> tuple[float, float] */
static const char *const floats_params[] = {"x", "y"};
static const char *const floats_expected[] = {"float", "f32"};
SIG(floats, 2, 2);

W(floats) {
  void *slots[2];
  double x;
  float y;
  if (pjrt_unpack_args(&floats_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_f64(&floats_sig, 0, slots[0], &x) < 0 ||
      pjrt_arg_f32(&floats_sig, 1, slots[1], &y) < 0)
    return NULL;
  void *items[2] = {pjrt_box_f64(x), pjrt_box_f64((double)y)};
  return pjrt_build_tuple(items, 2);
}

/* ---- flag(b: bool) -> bool */
static const char *const flag_params[] = {"b"};
static const char *const flag_expected[] = {"bool"};
SIG(flag, 1, 1);

W(flag) {
  void *slots[1];
  int8_t b;
  if (pjrt_unpack_args(&flag_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_bool(&flag_sig, 0, slots[0], &b) < 0)
    return NULL;
  return pjrt_box_bool(!b);
}

/* ---- one-array reductions over each element type: name(x: T[:]) */
#define REDUCE(name, T, fmt, ctype, acc_t, box)                                                    \
  static const char *const name##_params[] = {"x"};                                                \
  static const char *const name##_expected[] = {T "[:]"};                                          \
  SIG(name, 1, 1);                                                                                 \
  W(name) {                                                                                        \
    void *slots[1];                                                                                \
    PjArray x;                                                                                     \
    if (pjrt_unpack_args(&name##_sig, args, nargs, kwnames, slots) < 0 ||                          \
        pjrt_arg_array(&name##_sig, 0, slots[0], fmt, sizeof(ctype), 1, 0, &x) < 0)                \
      return NULL;                                                                                 \
    void *save = pjrt_release_gil();                                                               \
    acc_t t = 0;                                                                                   \
    for (int64_t i = 0; i < x.shape[0]; i++)                                                       \
      t += (acc_t) * (const ctype *)(x.data + i * x.strides[0]);                                   \
    pjrt_acquire_gil(save);                                                                        \
    pjrt_array_release(&x);                                                                        \
    return box(t);                                                                                 \
  }
REDUCE(sum_i64, "i64", 'q', int64_t, int64_t, pjrt_box_i64)
REDUCE(sum_u8, "u8", 'B', uint8_t, int64_t, pjrt_box_i64)
REDUCE(sum_f32, "f32", 'f', float, double, pjrt_box_f64)
REDUCE(count_true, "bool", '?', int8_t, int64_t, pjrt_box_i64)

/* ---- sum2d(x: f64[:, :]) -> float */
static const char *const sum2d_params[] = {"x"};
static const char *const sum2d_expected[] = {"f64[:, :]"};
SIG(sum2d, 1, 1);

W(sum2d) {
  void *slots[1];
  PjArray x;
  if (pjrt_unpack_args(&sum2d_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_array(&sum2d_sig, 0, slots[0], 'd', 8, 2, 0, &x) < 0)
    return NULL;
  double t = 0.0;
  for (int64_t i = 0; i < x.shape[0]; i++)
    for (int64_t j = 0; j < x.shape[1]; j++)
      t += *(const double *)(x.data + i * x.strides[0] + j * x.strides[1]);
  pjrt_array_release(&x);
  return pjrt_box_f64(t);
}

/* ---- handshake(mine: u8[:], theirs: u8[:]) -> bool: sets mine[0] = 1, then
 * waits (GIL released) until theirs[0] == 1; False after 30 s.  Two threads
 * calling it with swapped arrays both return True only if both were in
 * native code at once, i.e. the GIL really was released. */
static const char *const handshake_params[] = {"mine", "theirs"};
static const char *const handshake_expected[] = {"u8[:]", "u8[:]"};
SIG(handshake, 2, 2);

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int32_t handshake_impl(const PjArray *mine, const PjArray *theirs, int8_t *out) {
  __atomic_store_n((uint8_t *)mine->data, 1, __ATOMIC_SEQ_CST);
  double deadline = now_seconds() + 30.0;
  while (!(*out = __atomic_load_n((uint8_t *)theirs->data, __ATOMIC_SEQ_CST) == 1) &&
         now_seconds() < deadline) {
  }
  return 0;
}

W(handshake) {
  void *slots[2];
  PjArray mine, theirs;
  int8_t r;
  if (pjrt_unpack_args(&handshake_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_array(&handshake_sig, 0, slots[0], 'B', 1, 1, PJRT_ARR_WRITABLE, &mine) < 0)
    return NULL;
  if (pjrt_arg_array(&handshake_sig, 1, slots[1], 'B', 1, 1, 0, &theirs) < 0) {
    pjrt_array_release(&mine);
    return NULL;
  }
  void *save = pjrt_release_gil();
  int32_t rc = handshake_impl(&mine, &theirs, &r);
  pjrt_acquire_gil(save);
  pjrt_array_release(&mine);
  pjrt_array_release(&theirs);
  return rc < 0 ? NULL : pjrt_box_bool(r);
}

/* ---- raise_named(k: int) -> None: each way of raising, GIL released */
static const char *const raise_named_params[] = {"k"};
static const char *const raise_named_expected[] = {"int"};
SIG(raise_named, 1, 1);

static int32_t raise_named_impl(int64_t k) {
  switch (k) {
  case 0: pjrt_raise_named("KeyError", "missing"); break;
  case 1: pjrt_raise_named("StopIteration", NULL); break;
  case 2: pjrt_raise_named("NoSuchError", "x"); break;
  case 3: pjrt_raise(PJRT_ASSERTION, NULL); break;
  case 4: pjrt_raise_named("int", "x"); break;
  case 5: pjrt_raise(PJRT_ZERO_DIVISION, "division by zero"); break;
  case 6: pjrt_raise(PJRT_RECURSION, "maximum recursion depth exceeded"); break;
  default: return 0;
  }
  pjrt_add_traceback(FAKEMOD_FILE, "raise_named", 91);
  return -1;
}

W(raise_named) {
  void *slots[1];
  int64_t k;
  if (pjrt_unpack_args(&raise_named_sig, args, nargs, kwnames, slots) < 0 ||
      pjrt_arg_i64(&raise_named_sig, 0, slots[0], &k) < 0)
    return NULL;
  void *save = pjrt_release_gil();
  int32_t rc = raise_named_impl(k);
  pjrt_acquire_gil(save);
  return rc < 0 ? NULL : pjrt_box_none();
}

/* ---- noargs() -> int */
static const PjSig noargs_sig = {"noargs", 0, 0, NULL, NULL};

W(noargs) {
  if (pjrt_unpack_args(&noargs_sig, args, nargs, kwnames, NULL) < 0)
    return NULL;
  return pjrt_box_i64(7);
}

/* ---- the module */
static const PjFuncDef funcs[] = {
    {"add", add_w, "add(a, b=1)\n--\n\nAdds two ints."},
    {"scale", scale_w, "scale(x, k)\n--\n\nMultiplies x by k in place."},
    {"total", total_w, "total(x)\n--\n\n"},
    {"pair", pair_w, "pair(x)\n--\n\n"},
    {"check", check_w, "check(n)\n--\n\n"},
    {"fail", fail_w, "fail(n)\n--\n\n"},
    {"index", index_w, "index(x, i, j)\n--\n\n"},
    {"ints", ints_w, "ints(a=0, b=0, c=0, d=0, e=0, f=0, g=0, h=0)\n--\n\n"},
    {"floats", floats_w, "floats(x, y)\n--\n\n"},
    {"flag", flag_w, "flag(b)\n--\n\n"},
    {"sum_i64", sum_i64_w, "sum_i64(x)\n--\n\n"},
    {"sum_u8", sum_u8_w, "sum_u8(x)\n--\n\n"},
    {"sum_f32", sum_f32_w, "sum_f32(x)\n--\n\n"},
    {"count_true", count_true_w, "count_true(x)\n--\n\n"},
    {"sum2d", sum2d_w, "sum2d(x)\n--\n\n"},
    {"handshake", handshake_w, "handshake(mine, theirs)\n--\n\n"},
    {"raise_named", raise_named_w, "raise_named(k)\n--\n\n"},
    {"noargs", noargs_w, "noargs()\n--\n\n"},
};

static const PjModuleDef fakemod_def = {
    FAKEMOD_ABI, sizeof funcs / sizeof funcs[0], "fakemod", FAKEMOD_FILE, FAKEMOD_SOURCE,
    funcs,
};

__attribute__((visibility("default"))) void *PyInit_fakemod(void);
__attribute__((visibility("default"))) void *PyInit_fakemod(void) {
  return pjrt_module_init(&fakemod_def);
}
