/* pymath.c: CPython-exact numeric helpers (see pymath.h), pure C.
 *
 * Each helper reproduces what CPython 3.11 computes for the same Python
 * expression: the same result bits, and on failure a PjmStatus naming the
 * exception type and text CPython would raise.  Where CPython calls the C
 * library (sin, exp, pow, fmod, ...) we call the same glibc function and
 * apply CPython's errno/NaN/inf rules (mathmodule.c math_1, math_1a,
 * math_2, is_error); where CPython has its own algorithm (gamma, lgamma,
 * hypot's vector_norm, float divmod, round) we perform the same floating
 * point operations in the same order, so the last bit agrees too.
 *
 * Must be compiled without -ffast-math and without FMA contraction: a fused
 * a*b+c rounds once where CPython rounds twice (the pragmas below keep
 * contraction off even under -march=native). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "pymath.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../runtime/pjrt.h"

/* The runtime is compiled with -Istdlib, where <stdlib.h> would find this
 * project's stdlib/stdlib.h instead of the C library's; so the one function
 * we need from it is declared here (C11 7.22.1.3). */
double strtod(const char *restrict nptr, char **restrict endptr);

int pjm_error_kind(int status) {
  static const int kinds[PJM_COUNT_] = {
      [PJM_OK] = 0,
#define PJM_ERR(id, kind, message) [PJM_##id] = kind,
#include "pymath_errors.def"
#undef PJM_ERR
  };
  return status > 0 && status < PJM_COUNT_ ? kinds[status] : PJRT_RUNTIME;
}

const char *pjm_error_message(int status) {
  static const char *const messages[PJM_COUNT_] = {
      [PJM_OK] = "",
#define PJM_ERR(id, kind, message) [PJM_##id] = message,
#include "pymath_errors.def"
#undef PJM_ERR
  };
  return status > 0 && status < PJM_COUNT_ ? messages[status] : "internal error: bad status";
}

/* ================================================================ ints */

/* PyLong_FromDouble on an already integral double, limited to int64. */
static int integral_to_i64(double t, int64_t *out) {
  if (isnan(t))
    return PJM_NAN_TO_INT;
  if (isinf(t))
    return PJM_INF_TO_INT;
  /* [-2**63, 2**63) is exactly the int64 range; both bounds are doubles. */
  if (!(t >= -0x1p63 && t < 0x1p63))
    return PJM_INT_OVERFLOW;
  *out = (int64_t)t;
  return PJM_OK;
}

int pjm_f64_to_i64(double x, int64_t *out) {
  return integral_to_i64(trunc(x), out);
}

/* a * b for int64, or a nonzero status. */
static int mul_i64(int64_t a, int64_t b, int64_t *out) {
  return __builtin_mul_overflow(a, b, out) ? PJM_INT_OVERFLOW : PJM_OK;
}

int pjm_pow_i64(int64_t base, int64_t exp, int64_t *out) {
  if (exp < 0)
    /* CPython returns a float here (0 ** -1 raises from float_pow). */
    return base == 0 ? PJM_ZERO_NEG_POW : PJM_NEG_INT_POW;
  if (base == 0 || base == 1 || exp == 0) {
    *out = exp == 0 ? 1 : base;
    return PJM_OK;
  }
  if (base == -1) {
    *out = (exp & 1) ? -1 : 1;
    return PJM_OK;
  }
  /* |base| >= 2, so every partial product divides the result and is no
   * larger in magnitude; only the base squarings can overflow spuriously,
   * and we square only while bits of exp remain. */
  int64_t result = 1, sq = base;
  uint64_t e = (uint64_t)exp;
  for (;;) {
    if (e & 1) {
      if (mul_i64(result, sq, &result))
        return PJM_INT_OVERFLOW;
    }
    e >>= 1;
    if (!e)
      break;
    if (mul_i64(sq, sq, &sq))
      return PJM_INT_OVERFLOW;
  }
  *out = result;
  return PJM_OK;
}

static int bit_length_u64(uint64_t v) {
  return v ? 64 - __builtin_clzll(v) : 0;
}

/* |v| as unsigned; INT64_MIN maps to 2**63. */
static uint64_t abs_u64(int64_t v) {
  return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* CPython's long_true_divide is correctly rounded.  Below 2**53 both
 * operands convert exactly and IEEE division rounds once.  Otherwise we
 * form an integer quotient of 55 or 56 significant bits, fold the remainder
 * into its last bit (sticky), and let the int->double conversion round
 * half-even once; the power-of-two scaling is exact (no subnormals: the
 * quotient of int64s is at least 2**-63). */
int pjm_truediv_i64(int64_t a, int64_t b, double *out) {
  if (b == 0)
    return PJM_DIV_ZERO;
  uint64_t ua = abs_u64(a), ub = abs_u64(b);
  if (ua <= (UINT64_C(1) << 53) && ub <= (UINT64_C(1) << 53)) {
    *out = (double)a / (double)b;
    return PJM_OK;
  }
  int shift = 55 + bit_length_u64(ub) - bit_length_u64(ua);
  unsigned __int128 num = ua, den = ub;
  if (shift >= 0)
    num <<= shift;
  else
    den <<= -shift;
  unsigned __int128 q = num / den;
  if (num % den)
    q |= 1;
  double mag = ldexp((double)(uint64_t)q, -shift); /* q < 2**57 */
  *out = (a < 0) != (b < 0) ? -mag : mag;
  return PJM_OK;
}

int pjm_floordiv_i64(int64_t a, int64_t b, int64_t *out) {
  if (b == 0)
    return PJM_INT_DIVMOD_ZERO;
  if (b == -1) { /* INT64_MIN // -1 is 2**63 */
    if (a == INT64_MIN)
      return PJM_INT_OVERFLOW;
    *out = -a;
    return PJM_OK;
  }
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q -= 1;
  *out = q;
  return PJM_OK;
}

int pjm_mod_i64(int64_t a, int64_t b, int64_t *out) {
  if (b == 0)
    return PJM_INT_MOD_ZERO;
  if (b == -1) {
    *out = 0;
    return PJM_OK;
  }
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0)))
    r += b;
  *out = r;
  return PJM_OK;
}

int pjm_lshift_i64(int64_t a, int64_t n, int64_t *out) {
  if (n < 0)
    return PJM_NEG_SHIFT;
  if (a == 0) {
    *out = 0;
    return PJM_OK;
  }
  /* a << n fits iff a lies in [INT64_MIN >> n, INT64_MAX >> n]. */
  if (n >= 64 || a < (INT64_MIN >> n) || a > (INT64_MAX >> n))
    return PJM_INT_OVERFLOW;
  *out = (int64_t)((uint64_t)a << n);
  return PJM_OK;
}

int pjm_rshift_i64(int64_t a, int64_t n, int64_t *out) {
  if (n < 0)
    return PJM_NEG_SHIFT;
  /* >> on a negative int64 is arithmetic in GCC and Clang: floor division */
  *out = n >= 64 ? (a < 0 ? -1 : 0) : a >> n;
  return PJM_OK;
}

/* round(a, ndigits) for an int: half-even to a multiple of 10**-ndigits. */
int pjm_round_ndigits_i64(int64_t a, int64_t ndigits, int64_t *out) {
  if (ndigits >= 0 || a == 0) {
    *out = a;
    return PJM_OK;
  }
  if (ndigits < -19) { /* 10**20 > 2 * 2**63: every int64 rounds to 0 */
    *out = 0;
    return PJM_OK;
  }
  __int128 p = 1;
  for (int64_t i = 0; i < -ndigits; i++)
    p *= 10;
  __int128 q = a / p, r = a % p;
  if (r < 0) { /* floor division */
    q -= 1;
    r += p;
  }
  if (2 * r > p || (2 * r == p && (q & 1)))
    q += 1;
  __int128 v = q * p;
  if (v < INT64_MIN || v > INT64_MAX)
    return PJM_INT_OVERFLOW;
  *out = (int64_t)v;
  return PJM_OK;
}

/* ============================================================== floats */

int pjm_truediv_f64(double a, double b, double *out) {
  if (b == 0.0)
    return PJM_FLOAT_DIV_ZERO;
  *out = a / b;
  return PJM_OK;
}

/* floatobject.c _float_div_mod: floor quotient and modulo of vx by wx != 0 */
static void float_div_mod(double vx, double wx, double *floordiv, double *mod) {
  double m = fmod(vx, wx);
  /* vx - m is mathematically a multiple of wx, but the subtraction and the
   * division round; the quotient is snapped to an integer below. */
  double div = (vx - m) / wx;
  if (m) {
    if ((wx < 0) != (m < 0)) { /* the remainder takes the divisor's sign */
      m += wx;
      div -= 1.0;
    }
  } else {
    m = copysign(0.0, wx);
  }
  if (div) {
    double fl = floor(div);
    if (div - fl > 0.5)
      fl += 1.0;
    *floordiv = fl;
  } else {
    *floordiv = copysign(0.0, vx / wx); /* zero with the sign of vx/wx */
  }
  *mod = m;
}

int pjm_floordiv_f64(double a, double b, double *out) {
  if (b == 0.0)
    return PJM_FLOAT_FLOORDIV_ZERO;
  double mod;
  float_div_mod(a, b, out, &mod);
  return PJM_OK;
}

/* floatobject.c float_rem */
int pjm_mod_f64(double a, double b, double *out) {
  if (b == 0.0)
    return PJM_FLOAT_MOD_ZERO;
  double m = fmod(a, b);
  if (m) {
    if ((b < 0) != (m < 0))
      m += b;
  } else {
    m = copysign(0.0, b);
  }
  *out = m;
  return PJM_OK;
}

static int is_odd_integer(double x) {
  return fmod(fabs(x), 2.0) == 1.0;
}

/* A negative float to a fractional power is complex in CPython: we report
 * that, unless CPython's complex power (_Py_c_pow on (iv+0j, iw+0j))
 * overflows, when CPython raises OverflowError itself. */
static int complex_pow_status(double iv, double iw) {
  double len = pow(fabs(iv), iw);
  double phase = atan2(0.0, iv) * iw;
  double re = len * cos(phase), im = len * sin(phase);
  return isinf(re) || isinf(im) ? PJM_COMPLEX_POW_OVERFLOW : PJM_COMPLEX_POW;
}

/* floatobject.c float_pow: special cases first, then libm pow on a positive
 * finite base with CPython's errno adjustment (_Py_ADJUST_ERANGE1). */
int pjm_pow_f64(double iv, double iw, double *out) {
  if (iw == 0) {
    *out = 1.0;
    return PJM_OK;
  }
  if (isnan(iv)) {
    *out = iv;
    return PJM_OK;
  }
  if (isnan(iw)) {
    *out = iv == 1.0 ? 1.0 : iw;
    return PJM_OK;
  }
  if (isinf(iw)) {
    double a = fabs(iv);
    if (a == 1.0)
      *out = 1.0;
    else if ((iw > 0.0) == (a > 1.0))
      *out = fabs(iw);
    else
      *out = 0.0;
    return PJM_OK;
  }
  if (isinf(iv)) {
    int odd = is_odd_integer(iw);
    if (iw > 0.0)
      *out = odd ? iv : fabs(iv);
    else
      *out = odd ? copysign(0.0, iv) : 0.0;
    return PJM_OK;
  }
  if (iv == 0.0) {
    if (iw < 0.0)
      return PJM_ZERO_NEG_POW;
    *out = is_odd_integer(iw) ? iv : 0.0;
    return PJM_OK;
  }
  int negate = 0;
  if (iv < 0.0) {
    if (iw != floor(iw))
      return complex_pow_status(iv, iw);
    iv = -iv;
    negate = is_odd_integer(iw);
  }
  if (iv == 1.0) {
    *out = negate ? -1.0 : 1.0;
    return PJM_OK;
  }
  errno = 0;
  double ix = pow(iv, iw);
  int err = errno;
  if (err == 0) {
    if (ix == HUGE_VAL || ix == -HUGE_VAL)
      err = ERANGE;
  } else if (err == ERANGE && ix == 0.0) {
    err = 0; /* underflow to zero is not an error */
  }
  if (err)
    return err == ERANGE ? PJM_FLOAT_POW_RANGE : PJM_FLOAT_POW_DOMAIN;
  *out = negate ? -ix : ix;
  return PJM_OK;
}

double pjm_libm_pow(double x, double y) { return pow(x, y); }

int pjm_round_i64(double x, int64_t *out) {
  double rounded = round(x);
  if (fabs(x - rounded) == 0.5) /* halfway: round to even */
    rounded = 2.0 * round(x / 2.0);
  return integral_to_i64(rounded, out);
}

/* Adds one to the decimal digit string d[0..n) in place; returns the carry
 * digit count (0, or 1 when all digits were 9 and d became 000...). */
static int decimal_increment(char *d, int n) {
  for (int i = n - 1; i >= 0; i--) {
    if (d[i] != '9') {
      d[i]++;
      return 0;
    }
    d[i] = '0';
  }
  return 1;
}

/* round(x, -k) for 1 <= k <= 308 and finite x: x rounded half-even to a
 * multiple of 10**k, computed on x's exact decimal expansion. */
static int round_negative_ndigits(double x, int k, double *out) {
  double ax = fabs(x);
  if (ax < 1.0) { /* < 0.5 * 10**k: CPython gives a zero with x's sign */
    *out = copysign(0.0, x);
    return PJM_OK;
  }
  /* For ax >= 1 the fraction has at most 52 binary, hence 52 decimal,
   * digits, so "%.52f" is exact: no rounding happens in printf. */
  char buf[400];
  int len = snprintf(buf, sizeof buf, "%.52f", ax);
  if (len <= 0 || len >= (int)sizeof buf)
    return PJM_ROUND_OVERFLOW; /* cannot happen: ax <= DBL_MAX has 309 digits */
  const char *dot = strchr(buf, '.');
  int ilen = (int)(dot - buf);
  const char *frac = dot + 1;
  /* kept digits: buf[0 .. ilen-k); discarded: the rest */
  int keep = ilen - k;
  int up;
  if (keep < 0) {
    up = 0; /* ax < 10**(k-1) <= half of 10**k */
  } else {
    char first = buf[keep];
    if (first != '5') {
      up = first > '5';
    } else {
      int rest_nonzero = 0;
      for (int i = keep + 1; i < ilen; i++)
        rest_nonzero |= buf[i] != '0';
      for (const char *f = frac; *f; f++)
        rest_nonzero |= *f != '0';
      int last_odd = keep > 0 && ((buf[keep - 1] - '0') & 1);
      up = rest_nonzero || last_odd;
    }
  }
  char num[420];
  char *p = num;
  if (x < 0)
    *p++ = '-';
  char *digits = p;
  *p++ = '0'; /* room for a carry */
  if (keep > 0) {
    memcpy(p, buf, (size_t)keep);
    p += keep;
  }
  if (up)
    decimal_increment(digits, (int)(p - digits));
  sprintf(p, "e%d", k);
  errno = 0;
  double r = strtod(num, NULL);
  if (errno == ERANGE && fabs(r) >= 1.0)
    return PJM_ROUND_OVERFLOW;
  *out = r;
  return PJM_OK;
}

/* float.__round__(x, ndigits) and double_round.  CPython rounds with its
 * correctly rounded dtoa (mode 3, ties to even) and reads the digits back
 * with its correctly rounded strtod; glibc's printf and strtod are correctly
 * rounded too, with the same ties-to-even rule. */
int pjm_round_f64(double x, int64_t ndigits, double *out) {
  /* (DBL_MANT_DIG - DBL_MIN_EXP) * 0.30103 and -(DBL_MAX_EXP + 1) * 0.30103 */
  enum { NDIGITS_MAX = 323, NDIGITS_MIN = -308 };
  if (!isfinite(x) || ndigits > NDIGITS_MAX) {
    *out = x;
    return PJM_OK;
  }
  if (ndigits < NDIGITS_MIN) {
    *out = 0.0 * x;
    return PJM_OK;
  }
  if (ndigits < 0)
    return round_negative_ndigits(x, (int)-ndigits, out);
  char buf[700]; /* 309 integer digits + '.' + 323 decimals + sign */
  snprintf(buf, sizeof buf, "%.*f", (int)ndigits, x);
  *out = strtod(buf, NULL);
  return PJM_OK;
}

/* ========================================================= math module */

/* mathmodule.c is_error: called when errno != 0 after a libm call. */
static int errno_status(double r) {
  if (errno == EDOM)
    return PJM_MATH_DOMAIN;
  if (errno == ERANGE)
    /* underflow (to zero, a subnormal, or expm1's -1) is not an error */
    return fabs(r) < 1.5 ? PJM_OK : PJM_MATH_RANGE;
  return PJM_MATH_DOMAIN;
}

/* mathmodule.c math_1 */
static inline int math_1(double x, double (*f)(double), int can_overflow, double *out) {
  errno = 0;
  double r = f(x);
  if (isnan(r) && !isnan(x))
    return PJM_MATH_DOMAIN;
  if (isinf(r) && isfinite(x))
    return can_overflow ? PJM_MATH_RANGE : PJM_MATH_DOMAIN;
  if (isfinite(r) && errno) {
    int s = errno_status(r);
    if (s)
      return s;
  }
  *out = r;
  return PJM_OK;
}

/* mathmodule.c math_1a: for functions that set errno themselves */
static inline int math_1a(double x, double (*f)(double), double *out) {
  errno = 0;
  double r = f(x);
  if (errno) {
    int s = errno_status(r);
    if (s)
      return s;
  }
  *out = r;
  return PJM_OK;
}

/* mathmodule.c math_2 */
static inline int math_2(double x, double y, double (*f)(double, double), double *out) {
  errno = 0;
  double r = f(x, y);
  if (isnan(r))
    errno = !isnan(x) && !isnan(y) ? EDOM : 0;
  else if (isinf(r))
    errno = isfinite(x) && isfinite(y) ? ERANGE : 0;
  if (errno) {
    int s = errno_status(r);
    if (s)
      return s;
  }
  *out = r;
  return PJM_OK;
}

/* C99 special values handled before the platform log, as CPython's m_log,
 * m_log2 and m_log10 do. */
static inline double log_special(double x, double (*f)(double)) {
  if (isfinite(x)) {
    if (x > 0.0)
      return f(x);
    errno = EDOM;
    return x == 0.0 ? -HUGE_VAL : NAN;
  }
  if (isnan(x) || x > 0.0)
    return x;
  errno = EDOM;
  return NAN;
}
static double m_log(double x) { return log_special(x, log); }
static double m_log2(double x) { return log_special(x, log2); }
static double m_log10(double x) { return log_special(x, log10); }

static double m_log1p(double x) {
  return x == 0.0 ? x : log1p(x); /* keeps the sign of a zero */
}

static double m_atan2(double y, double x) {
  if (isnan(x) || isnan(y))
    return NAN;
  if (isinf(y)) {
    if (isinf(x))
      return copysign(copysign(1., x) == 1. ? 0.25 * M_PI : 0.75 * M_PI, y);
    return copysign(0.5 * M_PI, y);
  }
  if (isinf(x) || y == 0.) {
    if (copysign(1., x) == 1.)
      return copysign(0., y);
    return copysign(M_PI, y);
  }
  return atan2(y, x);
}

/* ---- gamma and lgamma: CPython's own Lanczos-based m_tgamma / m_lgamma */

static const double PJM_PI = 3.141592653589793238462643383279502884197;
static const double PJM_LOGPI = 1.144729885849400174143427351353058711647;

/* sin(pi * x) for finite x, accurate near integers (reflection formula) */
static double m_sinpi(double x) {
  double y = fmod(fabs(x), 2.0);
  double r;
  switch ((int)round(2.0 * y)) {
  case 0: r = sin(PJM_PI * y); break;
  case 1: r = cos(PJM_PI * (y - 0.5)); break;
  case 2: r = sin(PJM_PI * (1.0 - y)); break; /* not -sin(pi*(y-1)): sign of 0 */
  case 3: r = -cos(PJM_PI * (y - 1.5)); break;
  default: r = sin(PJM_PI * (y - 2.0)); break; /* 4 */
  }
  return copysign(1.0, x) * r;
}

enum { LANCZOS_N = 13, NGAMMA_INTEGRAL = 23 };
static const double lanczos_g = 6.024680040776729583740234375;
static const double lanczos_g_minus_half = 5.524680040776729583740234375;
/* Lanczos sum as a rational function (Boost's N=13 coefficients) */
static const double lanczos_num[LANCZOS_N] = {
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408};
/* x*(x+1)*...*(x+11) expanded */
static const double lanczos_den[LANCZOS_N] = {
    0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
    13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0};
static const double gamma_integral[NGAMMA_INTEGRAL] = {
    1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0,
    3628800.0, 39916800.0, 479001600.0, 6227020800.0, 87178291200.0,
    1307674368000.0, 20922789888000.0, 355687428096000.0,
    6402373705728000.0, 121645100408832000.0, 2432902008176640000.0,
    51090942171709440000.0, 1124000727777607680000.0};

static double lanczos_sum(double x) {
  double num = 0.0, den = 0.0;
  if (x < 5.0) { /* Horner in x */
    for (int i = LANCZOS_N - 1; i >= 0; i--) {
      num = num * x + lanczos_num[i];
      den = den * x + lanczos_den[i];
    }
  } else { /* Horner in 1/x: no overflow for large x */
    for (int i = 0; i < LANCZOS_N; i++) {
      num = num / x + lanczos_num[i];
      den = den / x + lanczos_den[i];
    }
  }
  return num / den;
}

static double m_tgamma(double x) {
  if (!isfinite(x)) {
    if (isnan(x) || x > 0.0)
      return x;
    errno = EDOM;
    return NAN;
  }
  if (x == 0.0) {
    errno = EDOM;
    return copysign(HUGE_VAL, x);
  }
  if (x == floor(x)) {
    if (x < 0.0) {
      errno = EDOM;
      return NAN;
    }
    if (x <= NGAMMA_INTEGRAL)
      return gamma_integral[(int)x - 1];
  }
  double absx = fabs(x);
  if (absx < 1e-20) { /* gamma(x) ~ 1/x */
    double r = 1.0 / x;
    if (isinf(r))
      errno = ERANGE;
    return r;
  }
  if (absx > 200.0) {
    if (x < 0.0)
      return 0.0 / m_sinpi(x);
    errno = ERANGE;
    return HUGE_VAL;
  }
  double y = absx + lanczos_g_minus_half;
  /* z: the rounding error of y, for the correction factor (1 + z*g/y) */
  double z;
  if (absx > lanczos_g_minus_half) {
    double q = y - absx;
    z = q - lanczos_g_minus_half;
  } else {
    double q = y - lanczos_g_minus_half;
    z = q - absx;
  }
  z = z * lanczos_g / y;
  double r;
  if (x < 0.0) {
    r = -PJM_PI / m_sinpi(absx) / absx * exp(y) / lanczos_sum(absx);
    r -= z * r;
    if (absx < 140.0) {
      r /= pow(y, absx - 0.5);
    } else {
      double sqrtpow = pow(y, absx / 2.0 - 0.25);
      r /= sqrtpow;
      r /= sqrtpow;
    }
  } else {
    r = lanczos_sum(absx) / exp(y);
    r += z * r;
    if (absx < 140.0) {
      r *= pow(y, absx - 0.5);
    } else {
      double sqrtpow = pow(y, absx / 2.0 - 0.25);
      r *= sqrtpow;
      r *= sqrtpow;
    }
  }
  if (isinf(r))
    errno = ERANGE;
  return r;
}

static double m_lgamma(double x) {
  if (!isfinite(x))
    return isnan(x) ? x : HUGE_VAL;
  if (x == floor(x) && x <= 2.0) {
    if (x <= 0.0) {
      errno = EDOM; /* poles at the non-positive integers */
      return HUGE_VAL;
    }
    return 0.0; /* lgamma(1) = lgamma(2) = 0 */
  }
  double absx = fabs(x);
  if (absx < 1e-20)
    return -log(absx);
  double r = log(lanczos_sum(absx)) - lanczos_g;
  r += (absx - 0.5) * (log(absx + lanczos_g - 0.5) - 1);
  if (x < 0.0) /* reflection formula */
    r = PJM_LOGPI - log(fabs(m_sinpi(absx))) - log(absx) - r;
  if (isinf(r))
    errno = ERANGE;
  return r;
}

/* ---- hypot: CPython's vector_norm for two coordinates (|x|, |y|).
 * Scaled by a power of two, squared exactly with a Veltkamp-Dekker split,
 * summed with compensation, then a square root with one differential
 * correction.  The operation order is CPython's, for identical bits. */

/* csum += x with its rounding error accumulated into *frac (Neumaier; the
 * caller guarantees |csum| >= |x|) */
static inline void comp_add(double *csum, double *frac, double x) {
  double old = *csum;
  *csum += x;
  *frac += (old - *csum) + x;
}

static inline void veltkamp_split(double x, double *hi, double *lo) {
  const double T27 = 134217729.0; /* 2**27 + 1 */
  double t = x * T27;
  *hi = t - (t - x);
  *lo = x - *hi;
}

static double vector_norm2(const double vec[2], double max) {
  double csum = 1.0, frac1 = 0.0, frac2 = 0.0, frac3 = 0.0;
  int max_e;
  frexp(max, &max_e);
  if (max_e >= -1023) {
    double scale = ldexp(1.0, -max_e);
    for (int i = 0; i < 2; i++) {
      double hi, lo;
      veltkamp_split(vec[i] * scale, &hi, &lo);
      comp_add(&csum, &frac1, hi * hi);
      comp_add(&csum, &frac2, 2.0 * hi * lo);
      frac3 += lo * lo;
    }
    double h = sqrt(csum - 1.0 + (frac1 + frac2 + frac3));
    double hi, lo;
    veltkamp_split(h, &hi, &lo);
    comp_add(&csum, &frac1, -hi * hi);
    comp_add(&csum, &frac2, -2.0 * hi * lo);
    comp_add(&csum, &frac3, -lo * lo);
    double x = csum - 1.0 + (frac1 + frac2 + frac3);
    return (h + x / (2.0 * h)) / scale;
  }
  /* max is subnormal-range: ldexp(1, -max_e) would overflow; divide instead */
  for (int i = 0; i < 2; i++) {
    double x = vec[i] / max;
    comp_add(&csum, &frac1, x * x);
  }
  return max * sqrt(csum - 1.0 + frac1);
}

int pjm_math_hypot(double x, double y, double *out) {
  double vec[2] = {fabs(x), fabs(y)};
  int found_nan = isnan(vec[0]) || isnan(vec[1]);
  double max = 0.0;
  for (int i = 0; i < 2; i++)
    if (vec[i] > max)
      max = vec[i];
  if (isinf(max))
    *out = max;
  else if (found_nan)
    *out = NAN;
  else if (max == 0.0)
    *out = max;
  else
    *out = vector_norm2(vec, max);
  return PJM_OK;
}

/* ---- the one-liners */

int pjm_math_sqrt(double x, double *out) { return math_1(x, sqrt, 0, out); }
int pjm_math_exp(double x, double *out) { return math_1(x, exp, 1, out); }
int pjm_math_expm1(double x, double *out) { return math_1(x, expm1, 1, out); }
int pjm_math_log(double x, double *out) { return math_1(x, m_log, 0, out); }
int pjm_math_log2(double x, double *out) { return math_1(x, m_log2, 0, out); }
int pjm_math_log10(double x, double *out) { return math_1(x, m_log10, 0, out); }
int pjm_math_log1p(double x, double *out) { return math_1(x, m_log1p, 0, out); }
int pjm_math_sin(double x, double *out) { return math_1(x, sin, 0, out); }
int pjm_math_cos(double x, double *out) { return math_1(x, cos, 0, out); }
int pjm_math_tan(double x, double *out) { return math_1(x, tan, 0, out); }
int pjm_math_asin(double x, double *out) { return math_1(x, asin, 0, out); }
int pjm_math_acos(double x, double *out) { return math_1(x, acos, 0, out); }
int pjm_math_atan(double x, double *out) { return math_1(x, atan, 0, out); }
int pjm_math_sinh(double x, double *out) { return math_1(x, sinh, 1, out); }
int pjm_math_cosh(double x, double *out) { return math_1(x, cosh, 1, out); }
int pjm_math_tanh(double x, double *out) { return math_1(x, tanh, 0, out); }
int pjm_math_asinh(double x, double *out) { return math_1(x, asinh, 0, out); }
int pjm_math_acosh(double x, double *out) { return math_1(x, acosh, 0, out); }
int pjm_math_atanh(double x, double *out) { return math_1(x, atanh, 0, out); }
int pjm_math_fabs(double x, double *out) { return math_1(x, fabs, 0, out); }
int pjm_math_erf(double x, double *out) { return math_1a(x, erf, out); }
int pjm_math_erfc(double x, double *out) { return math_1a(x, erfc, out); }
int pjm_math_gamma(double x, double *out) { return math_1a(x, m_tgamma, out); }
int pjm_math_lgamma(double x, double *out) { return math_1a(x, m_lgamma, out); }
int pjm_math_atan2(double y, double x, double *out) { return math_2(y, x, m_atan2, out); }
int pjm_math_copysign(double x, double y, double *out) { return math_2(x, y, copysign, out); }

int pjm_math_log_base(double x, double base, double *out) {
  double num, den;
  int s = pjm_math_log(x, &num);
  if (s)
    return s;
  s = pjm_math_log(base, &den);
  if (s)
    return s;
  return pjm_truediv_f64(num, den, out); /* log(x, 1): float division by zero */
}

int pjm_math_floor(double x, int64_t *out) { return integral_to_i64(floor(x), out); }
int pjm_math_ceil(double x, int64_t *out) { return integral_to_i64(ceil(x), out); }
int pjm_math_trunc(double x, int64_t *out) { return integral_to_i64(trunc(x), out); }

int pjm_math_fmod(double x, double y, double *out) {
  if (isinf(y) && isfinite(x)) { /* fmod(x, +-inf) is x */
    *out = x;
    return PJM_OK;
  }
  errno = 0;
  double r = fmod(x, y);
  if (isnan(r))
    errno = !isnan(x) && !isnan(y) ? EDOM : 0;
  if (errno) {
    int s = errno_status(r);
    if (s)
      return s;
  }
  *out = r;
  return PJM_OK;
}

/* math.pow: IEEE special values by hand, libm for finite ** finite. */
int pjm_math_pow(double x, double y, double *out) {
  double r = 0.0;
  int err = 0;
  if (!isfinite(x) || !isfinite(y)) {
    if (isnan(x)) {
      r = y == 0. ? 1. : x;
    } else if (isnan(y)) {
      r = x == 1. ? 1. : y;
    } else if (isinf(x)) {
      int odd_y = isfinite(y) && fmod(fabs(y), 2.0) == 1.0;
      if (y > 0.)
        r = odd_y ? x : fabs(x);
      else if (y == 0.)
        r = 1.;
      else
        r = odd_y ? copysign(0., x) : 0.;
    } else { /* y infinite */
      if (fabs(x) == 1.0)
        r = 1.;
      else if (y > 0. && fabs(x) > 1.0)
        r = y;
      else if (y < 0. && fabs(x) < 1.0)
        r = -y;
      else
        r = 0.;
    }
  } else {
    errno = 0;
    r = pow(x, y);
    err = errno;
    if (isnan(r))
      err = EDOM; /* (-ve) ** non-integer */
    else if (isinf(r))
      err = x == 0. ? EDOM : ERANGE; /* 0 ** -ve, or overflow */
  }
  if (err) {
    errno = err;
    int s = errno_status(r);
    if (s)
      return s;
  }
  *out = r;
  return PJM_OK;
}

/* CPython: x * (180 / pi) and x * (pi / 180), constants folded in double */
int pjm_math_degrees(double x, double *out) {
  static const double rad_to_deg = 180.0 / M_PI;
  *out = x * rad_to_deg;
  return PJM_OK;
}

int pjm_math_radians(double x, double *out) {
  static const double deg_to_rad = M_PI / 180.0;
  *out = x * deg_to_rad;
  return PJM_OK;
}

int pjm_math_gcd(int64_t a, int64_t b, int64_t *out) {
  uint64_t u = abs_u64(a), v = abs_u64(b);
  while (v) { /* Euclid; at most ~92 steps for 64-bit operands */
    uint64_t t = u % v;
    u = v;
    v = t;
  }
  if (u > (uint64_t)INT64_MAX) /* gcd(-2**63, 0) == 2**63 */
    return PJM_INT_OVERFLOW;
  *out = (int64_t)u;
  return PJM_OK;
}

int pjm_math_isnan(double x) { return isnan(x) != 0; }
int pjm_math_isinf(double x) { return isinf(x) != 0; }
int pjm_math_isfinite(double x) { return isfinite(x) != 0; }
