/* pymath.h: CPython-exact numeric helpers for generated code.  No Python.h:
 * pure C on doubles and int64, linked into every module (libpjrt.a).
 *
 * A helper that can fail returns a PjmStatus (0 = ok) and writes its result
 * through `out`; generated code raises on a non-zero status with
 *   pjrt_raise(pjm_error_kind(s), pjm_error_message(s))
 * so the exception type and text are CPython 3.11's.  Every function here is
 * also listed in pymath.def (how lowering declares it in IR); keep both in step. */
#ifndef PJ_PYMATH_H
#define PJ_PYMATH_H

#include <stdint.h>

typedef enum {
  PJM_OK = 0,
#define PJM_ERR(id, kind, message) PJM_##id,
#include "pymath_errors.def"
#undef PJM_ERR
  PJM_COUNT_
} PjmStatus;

int pjm_error_kind(int status);            /* a PjErrKind of runtime/pjrt.h */
const char *pjm_error_message(int status); /* CPython's text */

/* ---- operators with Python semantics */
int pjm_pow_i64(int64_t base, int64_t exp, int64_t *out);   /* int ** int; exp < 0 -> error */
int pjm_pow_f64(double base, double exp, double *out);      /* float ** float */
int pjm_truediv_i64(int64_t a, int64_t b, double *out);     /* int / int, correctly rounded */
int pjm_floordiv_f64(double a, double b, double *out);      /* float // float */
int pjm_mod_f64(double a, double b, double *out);           /* float % float */
int pjm_f64_to_i64(double x, int64_t *out);                 /* int(x) */
int pjm_round_i64(double x, int64_t *out);                  /* round(x) */
int pjm_round_f64(double x, int64_t ndigits, double *out);  /* round(x, n) */
int pjm_lshift_i64(int64_t a, int64_t n, int64_t *out);     /* a << n */
int pjm_rshift_i64(int64_t a, int64_t n, int64_t *out);     /* a >> n */

/* ---- math module (CPython's mathmodule.c error rules: ValueError "math
 * domain error", OverflowError "math range error") */
int pjm_math_sqrt(double x, double *out);
/* ... one per math function of builtins.def; see pymath.def */

#endif
