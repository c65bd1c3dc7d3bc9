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
/* libm's pow itself, behind a name LLVM does not know: a call of `pow(x, 2.0)`
 * would be rewritten to x*x, which differs from glibc's pow on some inputs. */
double pjm_libm_pow(double x, double y);
int pjm_truediv_i64(int64_t a, int64_t b, double *out);     /* int / int, correctly rounded */
int pjm_floordiv_f64(double a, double b, double *out);      /* float // float */
int pjm_mod_f64(double a, double b, double *out);           /* float % float */
int pjm_f64_to_i64(double x, int64_t *out);                 /* int(x) */
int pjm_round_i64(double x, int64_t *out);                  /* round(x) */
int pjm_round_f64(double x, int64_t ndigits, double *out);  /* round(x, n) */
int pjm_lshift_i64(int64_t a, int64_t n, int64_t *out);     /* a << n */
int pjm_rshift_i64(int64_t a, int64_t n, int64_t *out);     /* a >> n */

int pjm_floordiv_i64(int64_t a, int64_t b, int64_t *out);   /* int // int */
int pjm_mod_i64(int64_t a, int64_t b, int64_t *out);        /* int % int */
int pjm_truediv_f64(double a, double b, double *out);       /* float / float */
int pjm_round_ndigits_i64(int64_t a, int64_t ndigits, int64_t *out); /* round(int, n) */

/* ---- math module (CPython's mathmodule.c error rules: ValueError "math
 * domain error", OverflowError "math range error").  An int argument is
 * passed as (double)x: CPython converts it the same way (correctly rounded). */
int pjm_math_sqrt(double x, double *out);
int pjm_math_exp(double x, double *out);
int pjm_math_expm1(double x, double *out);
int pjm_math_log(double x, double *out);                    /* log(x) */
int pjm_math_log_base(double x, double base, double *out);  /* log(x, base) */
int pjm_math_log2(double x, double *out);
int pjm_math_log10(double x, double *out);
int pjm_math_log1p(double x, double *out);
int pjm_math_sin(double x, double *out);
int pjm_math_cos(double x, double *out);
int pjm_math_tan(double x, double *out);
int pjm_math_asin(double x, double *out);
int pjm_math_acos(double x, double *out);
int pjm_math_atan(double x, double *out);
int pjm_math_atan2(double y, double x, double *out);
int pjm_math_sinh(double x, double *out);
int pjm_math_cosh(double x, double *out);
int pjm_math_tanh(double x, double *out);
int pjm_math_asinh(double x, double *out);
int pjm_math_acosh(double x, double *out);
int pjm_math_atanh(double x, double *out);
int pjm_math_pow(double x, double y, double *out);
int pjm_math_fabs(double x, double *out);
int pjm_math_floor(double x, int64_t *out);                 /* returns int */
int pjm_math_ceil(double x, int64_t *out);                  /* returns int */
int pjm_math_trunc(double x, int64_t *out);                 /* returns int */
int pjm_math_copysign(double x, double y, double *out);
int pjm_math_hypot(double x, double y, double *out);
int pjm_math_fmod(double x, double y, double *out);
int pjm_math_degrees(double x, double *out);
int pjm_math_radians(double x, double *out);
int pjm_math_erf(double x, double *out);
int pjm_math_erfc(double x, double *out);
int pjm_math_gamma(double x, double *out);
int pjm_math_lgamma(double x, double *out);
int pjm_math_gcd(int64_t a, int64_t b, int64_t *out);
/* predicates cannot fail: they return the bool (0/1) directly */
int pjm_math_isnan(double x);
int pjm_math_isinf(double x);
int pjm_math_isfinite(double x);

#endif
