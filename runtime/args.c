/* args.c: the call boundary of a compiled function, wrapper side (GIL held):
 * matching positional and keyword arguments to parameters with CPython's
 * TypeError texts, converting scalar arguments (naming the parameter, what
 * was expected and what was given), boxing results, and the GIL around
 * native code.  Array arguments are in buffer.c. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#include "pjrt.h"

/* ---- argument matching */

/* "f() takes 2 positional arguments but 3 were given" and its variants, as
 * CPython's too_many_positional (Python/ceval.c) words them. */
static void too_many_positional(const PjSig *sig, int64_t given) {
  const char *plural = sig->nparams == 1 ? "" : "s";
  const char *was = given == 1 ? "was" : "were";
  if (sig->nrequired < sig->nparams)
    PyErr_Format(PyExc_TypeError, "%s() takes from %d to %d positional arguments but %lld %s given",
                 sig->name, (int)sig->nrequired, (int)sig->nparams, (long long)given, was);
  else
    PyErr_Format(PyExc_TypeError, "%s() takes %d positional argument%s but %lld %s given",
                 sig->name, (int)sig->nparams, plural, (long long)given, was);
}

/* "f() missing 3 required positional arguments: 'x', 'y', and 'z'" */
static void missing_arguments(const PjSig *sig, void **slots) {
  int missing = 0;
  for (int i = 0; i < sig->nrequired; i++)
    missing += slots[i] == NULL;
  PyObject *names = PyUnicode_FromString("");
  int seen = 0;
  for (int i = 0; i < sig->nrequired && names; i++) {
    if (slots[i])
      continue;
    seen++;
    const char *sep = seen == 1 ? "" : missing == 2 ? " and " : seen == missing ? ", and " : ", ";
    PyObject *more = PyUnicode_FromFormat("%U%s'%s'", names, sep, sig->params[i]);
    Py_SETREF(names, more);
  }
  if (!names)
    return;
  PyErr_Format(PyExc_TypeError, "%s() missing %d required positional argument%s: %U", sig->name,
               missing, missing == 1 ? "" : "s", names);
  Py_DECREF(names);
}

static int param_index(const PjSig *sig, PyObject *key) {
  for (int i = 0; i < sig->nparams; i++)
    if (PyUnicode_CompareWithASCIIString(key, sig->params[i]) == 0)
      return i;
  return -1;
}

/* Keyword arguments, in CPython's order of checks: each keyword is matched
 * first (unexpected / duplicate), the positional count is checked after. */
static int match_keywords(const PjSig *sig, PyObject *const *args, int64_t nargs,
                          PyObject *kwnames, void **slots) {
  Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t k = 0; k < nkw; k++) {
    PyObject *key = PyTuple_GET_ITEM(kwnames, k);
    int i = param_index(sig, key);
    if (i < 0) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", sig->name, key);
      return -1;
    }
    if (slots[i]) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", sig->name,
                   sig->params[i]);
      return -1;
    }
    slots[i] = args[nargs + k];
  }
  return 0;
}

int pjrt_unpack_args(const PjSig *sig, void *const *vargs, int64_t nargs, void *vkwnames,
                     void **slots) {
  PyObject *const *args = (PyObject *const *)vargs;
  PyObject *kwnames = vkwnames;
  nargs = PyVectorcall_NARGS((size_t)nargs);
  int64_t npos = nargs < sig->nparams ? nargs : sig->nparams;
  for (int64_t i = 0; i < npos; i++)
    slots[i] = args[i];
  for (int64_t i = npos; i < sig->nparams; i++)
    slots[i] = NULL;
  /* The common call: all positional, a count in range. */
  if (!kwnames && nargs >= sig->nrequired && nargs <= sig->nparams)
    return 0;
  if (kwnames && PyTuple_GET_SIZE(kwnames) > 0 && match_keywords(sig, args, nargs, kwnames, slots) < 0)
    return -1;
  if (nargs > sig->nparams) {
    too_many_positional(sig, nargs);
    return -1;
  }
  for (int i = 0; i < sig->nrequired; i++) {
    if (!slots[i]) {
      missing_arguments(sig, slots);
      return -1;
    }
  }
  return 0;
}

/* ---- scalar conversions */

/* What the messages call the given object: "None", else its type's name. */
static const char *given_name(PyObject *obj) {
  return obj == Py_None ? "None" : Py_TYPE(obj)->tp_name;
}

/* "f() argument 'n' must be int, not float" (the wording of CPython's
 * _PyArg_BadArgument, which builtins use). */
static int bad_type(const PjSig *sig, int i, const char *want, PyObject *obj) {
  PyErr_Format(PyExc_TypeError, "%s() argument '%s' must be %s, not %s", sig->name, sig->params[i],
               want, given_name(obj));
  return -1;
}

static void int_type_name(char *buf, size_t size, int bits, int is_signed) {
  snprintf(buf, size, "%c%d", is_signed ? 'i' : 'u', bits);
}

/* The integer value of obj as a new reference to a Python int: ints and bools
 * as they are, other objects through __index__ (NumPy integers), never
 * floats (Python's int parameters do not truncate silently). */
static PyObject *as_index(const PjSig *sig, int i, PyObject *obj) {
  if (PyLong_Check(obj))
    return Py_NewRef(obj);
  if (!PyFloat_Check(obj) && PyIndex_Check(obj))
    return PyNumber_Index(obj);
  bad_type(sig, i, "int", obj);
  return NULL;
}

/* -1, 0 or 1 as the Python int is negative, zero or positive. */
static int long_sign(PyObject *value) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
  return overflow ? overflow : (v > 0) - (v < 0);
}

static int int_out_of_range(const PjSig *sig, int i, PyObject *value, int bits, int is_signed) {
  char tname[8];
  int_type_name(tname, sizeof tname, bits, is_signed);
  int negative = long_sign(value) < 0;
  if (negative && !is_signed)
    PyErr_Format(PyExc_OverflowError,
                 "%s() argument '%s': can't convert negative int to unsigned %s", sig->name,
                 sig->params[i], tname);
  else if (is_signed)
    PyErr_Format(PyExc_OverflowError,
                 "%s() argument '%s': Python int too %s to convert to %s (range %lld to %lld)",
                 sig->name, sig->params[i], negative ? "small" : "large", tname,
                 bits == 64 ? (long long)INT64_MIN : -(1LL << (bits - 1)),
                 bits == 64 ? (long long)INT64_MAX : (1LL << (bits - 1)) - 1);
  else
    PyErr_Format(PyExc_OverflowError,
                 "%s() argument '%s': Python int too large to convert to %s (range 0 to %llu)",
                 sig->name, sig->params[i], tname,
                 bits == 64 ? (unsigned long long)UINT64_MAX : (1ULL << bits) - 1);
  return -1;
}

/* value (a Python int) -> *out for the given width; -1 with OverflowError. */
static int long_to_int(const PjSig *sig, int i, PyObject *value, int bits, int is_signed,
                       int64_t *out) {
  if (!is_signed && bits == 64) {
    if (long_sign(value) < 0)
      return int_out_of_range(sig, i, value, bits, is_signed);
    unsigned long long u = PyLong_AsUnsignedLongLong(value);
    if (u == (unsigned long long)-1 && PyErr_Occurred()) {
      PyErr_Clear();
      return int_out_of_range(sig, i, value, bits, is_signed);
    }
    *out = (int64_t)u;
    return 0;
  }
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (v == -1 && PyErr_Occurred())
    return -1;
  int64_t lo = is_signed ? (bits == 64 ? INT64_MIN : -(INT64_C(1) << (bits - 1))) : 0;
  int64_t hi = bits == 64 ? INT64_MAX
               : is_signed ? (INT64_C(1) << (bits - 1)) - 1 : (INT64_C(1) << bits) - 1;
  if (overflow || v < lo || v > hi)
    return int_out_of_range(sig, i, value, bits, is_signed);
  *out = v;
  return 0;
}

int pjrt_arg_int(const PjSig *sig, int i, void *vobj, int bits, int is_signed, int64_t *out) {
  PyObject *obj = vobj;
  PyObject *value = as_index(sig, i, obj);
  if (!value)
    return -1;
  int rc = long_to_int(sig, i, value, bits, is_signed, out);
  Py_DECREF(value);
  return rc;
}

int pjrt_arg_i64(const PjSig *sig, int i, void *vobj, int64_t *out) {
  PyObject *obj = vobj;
  if (PyLong_CheckExact(obj)) { /* the fast path: a plain int that fits */
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (!overflow) {
      *out = v;
      return 0;
    }
  }
  return pjrt_arg_int(sig, i, obj, 64, 1, out);
}

/* NumPy's complex scalars have a __float__ that drops the imaginary part
 * with only a warning: a float parameter refuses them, as complex itself. */
static int is_complex(PyObject *obj) {
  const char *n = Py_TYPE(obj)->tp_name;
  return PyComplex_Check(obj) || strncmp(n, "numpy.complex", 13) == 0 ||
         strcmp(n, "numpy.clongdouble") == 0;
}

/* A float parameter, converted as float(obj) would: floats (NumPy's float64 is
 * a float subclass), ints (exactly as float(x) rounds them; too large ->
 * OverflowError), and objects with __float__ or __index__ (NumPy scalars).
 * Not str, not None. */
int pjrt_arg_f64(const PjSig *sig, int i, void *vobj, double *out) {
  PyObject *obj = vobj;
  if (PyFloat_Check(obj)) {
    *out = PyFloat_AS_DOUBLE(obj);
    return 0;
  }
  if (PyLong_Check(obj)) {
    double d = PyLong_AsDouble(obj);
    if (d == -1.0 && PyErr_Occurred()) {
      if (!PyErr_ExceptionMatches(PyExc_OverflowError))
        return -1;
      PyErr_Clear();
      PyErr_Format(PyExc_OverflowError, "%s() argument '%s': int too large to convert to float",
                   sig->name, sig->params[i]);
      return -1;
    }
    *out = d;
    return 0;
  }
  PyNumberMethods *nb = Py_TYPE(obj)->tp_as_number;
  if (!nb || (!nb->nb_float && !nb->nb_index) || is_complex(obj))
    return bad_type(sig, i, "float", obj);
  double d = PyFloat_AsDouble(obj);
  if (d == -1.0 && PyErr_Occurred())
    return -1;
  *out = d;
  return 0;
}

int pjrt_arg_f32(const PjSig *sig, int i, void *vobj, float *out) {
  double d;
  if (pjrt_arg_f64(sig, i, vobj, &d) < 0)
    return -1;
  float f = (float)d;
  if (isinf(f) && isfinite(d)) {
    /* struct.pack('f', 1e300) refuses too; rounding to inf would be silent. */
    PyErr_Format(PyExc_OverflowError, "%s() argument '%s': float too large to convert to f32",
                 sig->name, sig->params[i]);
    return -1;
  }
  *out = f;
  return 0;
}

/* NumPy's boolean scalar, recognized by name so the runtime needs no NumPy. */
static int is_numpy_bool(PyObject *obj) {
  const char *n = Py_TYPE(obj)->tp_name;
  return strcmp(n, "numpy.bool_") == 0 || strcmp(n, "numpy.bool") == 0;
}

/* bool parameters take True/False and numpy.bool_ only: an int where a bool
 * is declared is more likely a mistake than an intent. */
int pjrt_arg_bool(const PjSig *sig, int i, void *vobj, int8_t *out) {
  PyObject *obj = vobj;
  if (PyBool_Check(obj)) {
    *out = obj == Py_True;
    return 0;
  }
  if (!is_numpy_bool(obj))
    return bad_type(sig, i, "bool", obj);
  int t = PyObject_IsTrue(obj);
  if (t < 0)
    return -1;
  *out = (int8_t)t;
  return 0;
}

/* ---- results */

void *pjrt_box_i64(int64_t v) { return PyLong_FromLongLong(v); }
void *pjrt_box_u64(uint64_t v) { return PyLong_FromUnsignedLongLong(v); }
void *pjrt_box_f64(double v) { return PyFloat_FromDouble(v); }
void *pjrt_box_bool(int v) { return PyBool_FromLong(v); }
void *pjrt_box_none(void) { return Py_NewRef(Py_None); }

void *pjrt_build_tuple(void **items, int n) {
  int ok = 1;
  for (int k = 0; k < n; k++)
    ok &= items[k] != NULL;
  PyObject *t = ok ? PyTuple_New(n) : NULL;
  for (int k = 0; k < n; k++) {
    if (t)
      PyTuple_SET_ITEM(t, k, (PyObject *)items[k]);
    else
      Py_XDECREF((PyObject *)items[k]);
  }
  return t;
}

/* ---- the GIL around native code */

void *pjrt_release_gil(void) { return PyEval_SaveThread(); }
void pjrt_acquire_gil(void *save) { PyEval_RestoreThread(save); }
