/* buffer.c: array arguments through the buffer protocol.  pjrt_arg_array
 * acquires a Py_buffer (kept inside the PjArray's opaque view area), checks
 * element type, byte order, dimensions, alignment, C-contiguity and
 * writability against the parameter's type, and fills the descriptor that
 * native code indexes; pjrt_array_release gives the buffer back.  Every
 * refusal names the parameter, what was expected and what was given. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdalign.h>
#include <string.h>

#include "pjrt.h"

static_assert(sizeof(Py_buffer) <= PJRT_VIEW_BYTES, "PjArray.view too small for a Py_buffer");
static_assert(alignof(Py_buffer) <= 8, "PjArray.view is only 8-byte aligned");

/* ---- struct-module format strings */

typedef enum { EK_SIGNED, EK_UNSIGNED, EK_FLOAT, EK_BOOL, EK_OTHER } ElemKind;

typedef struct {
  ElemKind kind;
  int size;          /* bytes, as the prefix's size rules say */
  int native_order;  /* the bytes are in this machine's order */
} Elem;

static int host_is_little(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

/* One element code, with '@' meaning native sizes (long is 8 bytes here) and
 * the other prefixes meaning the struct module's standard sizes. */
static Elem classify_code(char code, int native_sizes) {
  switch (code) {
  case 'b': return (Elem){EK_SIGNED, 1, 1};
  case 'B': return (Elem){EK_UNSIGNED, 1, 1};
  case 'h': return (Elem){EK_SIGNED, 2, 1};
  case 'H': return (Elem){EK_UNSIGNED, 2, 1};
  case 'i': return (Elem){EK_SIGNED, 4, 1};
  case 'I': return (Elem){EK_UNSIGNED, 4, 1};
  case 'l': return (Elem){EK_SIGNED, native_sizes ? (int)sizeof(long) : 4, 1};
  case 'L': return (Elem){EK_UNSIGNED, native_sizes ? (int)sizeof(long) : 4, 1};
  case 'q': return (Elem){EK_SIGNED, 8, 1};
  case 'Q': return (Elem){EK_UNSIGNED, 8, 1};
  case 'n': return (Elem){EK_SIGNED, (int)sizeof(Py_ssize_t), 1};
  case 'N': return (Elem){EK_UNSIGNED, (int)sizeof(size_t), 1};
  case 'e': return (Elem){EK_FLOAT, 2, 1};
  case 'f': return (Elem){EK_FLOAT, 4, 1};
  case 'd': return (Elem){EK_FLOAT, 8, 1};
  case '?': return (Elem){EK_BOOL, 1, 1};
  default: return (Elem){EK_OTHER, 0, 1};
  }
}

/* Parses a single-element format such as "d", "<d", "=l"; anything else
 * (structs "T{...}", repeat counts "2d", unknown codes) is EK_OTHER. */
static Elem parse_format(const char *fmt) {
  if (!fmt)
    fmt = "B"; /* the buffer protocol's meaning of a NULL format */
  char prefix = '@';
  if (strchr("@=<>!", fmt[0]) && fmt[0]) {
    prefix = fmt[0];
    fmt++;
  }
  if (!fmt[0] || fmt[1])
    return (Elem){EK_OTHER, 0, 1};
  Elem e = classify_code(fmt[0], prefix == '@');
  int little = prefix == '<', big = prefix == '>' || prefix == '!';
  e.native_order = e.size <= 1 || (!little && !big) || little == host_is_little();
  if (prefix != '@' && (fmt[0] == 'n' || fmt[0] == 'N'))
    e.kind = EK_OTHER; /* n/N exist only with native sizes */
  return e;
}

/* "f64", "i32", "bool"... for messages; NULL for element types pyjitc lacks. */
static const char *elem_name(Elem e) {
  switch (e.kind) {
  case EK_SIGNED:
    return e.size == 1 ? "i8" : e.size == 2 ? "i16" : e.size == 4 ? "i32" : e.size == 8 ? "i64" : NULL;
  case EK_UNSIGNED:
    return e.size == 1 ? "u8" : e.size == 2 ? "u16" : e.size == 4 ? "u32" : e.size == 8 ? "u64" : NULL;
  case EK_FLOAT:
    return e.size == 2 ? "f16" : e.size == 4 ? "f32" : e.size == 8 ? "f64" : NULL;
  case EK_BOOL:
    return "bool";
  case EK_OTHER:
    return NULL;
  }
  return NULL;
}

/* ---- refusals */

static void err_not_buffer(const PjSig *sig, int i, const char *want, PyObject *obj) {
  PyErr_Format(PyExc_TypeError,
               "%s() argument '%s' must be a buffer-protocol array (e.g. numpy.ndarray) of %s, "
               "not %s",
               sig->name, sig->params[i], want, obj == Py_None ? "None" : Py_TYPE(obj)->tp_name);
}

/* The exporter refused (e.g. a NumPy datetime array): say which argument. */
static void err_no_buffer(const PjSig *sig, int i, const char *want, PyObject *obj) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyErr_Format(PyExc_TypeError, "%s() argument '%s': cannot read %s as an array of %s: %S",
               sig->name, sig->params[i], Py_TYPE(obj)->tp_name, want, value ? value : Py_None);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
}

static void err_dtype(const PjSig *sig, int i, char want_code, const char *want,
                      const Py_buffer *v, Elem got) {
  const char *fmt = v->format ? v->format : "B";
  const char *got_name = elem_name(got);
  if (got_name && strcmp(got_name, want) == 0 && !got.native_order)
    PyErr_Format(PyExc_TypeError,
                 "%s() argument '%s': expected a buffer of %s in native byte order, got "
                 "byte-swapped %s ('%s'): pass %s.astype(%s.dtype.newbyteorder('='))",
                 sig->name, sig->params[i], want, got_name, fmt, sig->params[i], sig->params[i]);
  else if (got_name)
    PyErr_Format(PyExc_TypeError,
                 "%s() argument '%s': expected a buffer of %s (format '%c'), got %s ('%s')%s",
                 sig->name, sig->params[i], want, want_code, got_name, fmt,
                 strcmp(got_name, "f16") == 0 ? ", which pyjitc does not support" : "");
  else
    PyErr_Format(PyExc_TypeError,
                 "%s() argument '%s': expected a buffer of %s (format '%c'), got format '%s'",
                 sig->name, sig->params[i], want, want_code, fmt);
}

static void err_ndim(const PjSig *sig, int i, int ndim, const Py_buffer *v) {
  PyErr_Format(PyExc_TypeError, "%s() argument '%s': expected %d dimension%s (%s), got %d",
               sig->name, sig->params[i], ndim, ndim == 1 ? "" : "s", sig->expected[i], v->ndim);
}

/* ---- checks */

/* Native code loads elements with their natural alignment. */
static int is_aligned(const Py_buffer *v, int itemsize) {
  uintptr_t mask = (uintptr_t)itemsize - 1;
  if (itemsize & mask) /* not a power of two: no alignment to ask for */
    return 1;
  if (!v->shape || !v->strides) /* a lax exporter: contiguous by the protocol's rules */
    return !((uintptr_t)v->buf & mask) || v->len == 0;
  int empty = 0;
  for (int d = 0; d < v->ndim; d++)
    empty |= v->shape[d] == 0;
  if (empty)
    return 1;
  if ((uintptr_t)v->buf & mask)
    return 0;
  for (int d = 0; d < v->ndim; d++)
    if (v->shape[d] > 1 && ((uintptr_t)v->strides[d] & mask))
      return 0;
  return 1;
}

static int check_elem(const PjSig *sig, int i, const Py_buffer *v, char format, int itemsize) {
  Elem want = parse_format((char[]){format, 0});
  Elem got = parse_format(v->format);
  const char *want_name = elem_name(want);
  if (!want_name) {
    PyErr_Format(PyExc_SystemError, "pyjitc runtime: bad element format '%c' for %s()", format,
                 sig->name);
    return -1;
  }
  if (got.kind != want.kind || got.size != want.size || !got.native_order ||
      v->itemsize != itemsize || want.size != itemsize) {
    err_dtype(sig, i, format, want_name, v, got);
    return -1;
  }
  return 0;
}

static int check_view(const PjSig *sig, int i, const Py_buffer *v, char format, int itemsize,
                      int ndim, int flags) {
  if (check_elem(sig, i, v, format, itemsize) < 0)
    return -1;
  if (v->ndim != ndim) {
    err_ndim(sig, i, ndim, v);
    return -1;
  }
  if ((flags & PJRT_ARR_CONTIG) && !PyBuffer_IsContiguous(v, 'C')) {
    PyErr_Format(PyExc_ValueError,
                 "%s() argument '%s' must be C-contiguous (%s); got a non-contiguous view: "
                 "pass numpy.ascontiguousarray(%s)",
                 sig->name, sig->params[i], sig->expected[i], sig->params[i]);
    return -1;
  }
  if (!is_aligned(v, itemsize)) {
    PyErr_Format(PyExc_ValueError,
                 "%s() argument '%s': array data is not aligned to its %d-byte elements: "
                 "pass numpy.ascontiguousarray(%s)",
                 sig->name, sig->params[i], itemsize, sig->params[i]);
    return -1;
  }
  if ((flags & PJRT_ARR_WRITABLE) && v->readonly) {
    PyErr_Format(PyExc_ValueError, "%s() argument '%s': array is read-only but %s() writes to it",
                 sig->name, sig->params[i], sig->name);
    return -1;
  }
  return 0;
}

static void fill(PjArray *out, const Py_buffer *v) {
  out->data = v->buf;
  out->itemsize = v->itemsize;
  int64_t stride = v->itemsize;
  for (int d = PJRT_MAX_NDIM - 1; d >= 0; d--) {
    if (d >= v->ndim) {
      out->shape[d] = 0;
      out->strides[d] = 0;
      continue;
    }
    out->shape[d] = v->shape ? v->shape[d] : v->len / v->itemsize;
    /* Exporters asked for PyBUF_STRIDES give strides; C order if they don't. */
    out->strides[d] = v->strides ? v->strides[d] : stride;
    stride *= out->shape[d];
  }
}

/* ---- the NumPy fast path
 *
 * PyObject_GetBuffer on an ndarray costs ~130 ns; reading the array's fields
 * costs a few.  The layouts below are NumPy's public ABI (PyArrayObject_fields
 * and the head of PyArray_Descr, the same in NumPy 1.x and 2.x).  Only an
 * exact numpy.ndarray that passes every check takes this path; anything else,
 * including every refusal, goes through the buffer protocol, which also
 * writes the messages.  Instead of a buffer export the PjArray holds a
 * reference to the array (numpy refuses to resize an array with other
 * references, as it does one with exports). */
typedef struct NpDescrHead {
  PyObject_HEAD
  PyTypeObject *typeobj;
  char kind, type, byteorder;
} NpDescrHead;

typedef struct NpArray {
  PyObject_HEAD
  char *data;
  int nd;
  Py_ssize_t *dimensions;
  Py_ssize_t *strides;
  PyObject *base;
  NpDescrHead *descr;
  int flags;
} NpArray;

enum { NP_C_CONTIGUOUS = 0x0001, NP_ALIGNED = 0x0100, NP_WRITEABLE = 0x0400 };
#define VIEW_HOLDS_REF (-1) /* Py_buffer.len marker: view.obj is a plain reference */

/* NumPy's type character for a native-order element of our format. */
static int numpy_type_matches(char np_type, char format) {
  if (np_type == format)
    return 1;
  if (sizeof(long) == 8 && format == 'q')
    return np_type == 'l';
  if (sizeof(long) == 8 && format == 'Q')
    return np_type == 'L';
  return 0;
}

static int numpy_fast(PyObject *obj, char format, int ndim, int flags, PjArray *out) {
  if (strcmp(Py_TYPE(obj)->tp_name, "numpy.ndarray") != 0)
    return 0;
  const NpArray *a = (const NpArray *)obj;
  int need = NP_ALIGNED | (flags & PJRT_ARR_WRITABLE ? NP_WRITEABLE : 0) |
             (flags & PJRT_ARR_CONTIG ? NP_C_CONTIGUOUS : 0);
  if (a->nd != ndim || (a->flags & need) != need || !a->descr ||
      !numpy_type_matches(a->descr->type, format) ||
      (a->descr->byteorder != '=' && a->descr->byteorder != '|'))
    return 0;
  Py_buffer *v = (Py_buffer *)out->view;
  v->obj = Py_NewRef(obj);
  v->len = VIEW_HOLDS_REF;
  out->data = a->data;
  for (int d = 0; d < PJRT_MAX_NDIM; d++) {
    out->shape[d] = d < ndim ? a->dimensions[d] : 0;
    out->strides[d] = d < ndim ? a->strides[d] : 0;
  }
  return 1;
}

int pjrt_arg_array(const PjSig *sig, int i, void *vobj, char format, int itemsize, int ndim,
                   int flags, PjArray *out) {
  PyObject *obj = vobj;
  Py_buffer *v = (Py_buffer *)out->view;
  v->obj = NULL; /* so pjrt_array_release is harmless after a failure */
  out->itemsize = itemsize;
  if (numpy_fast(obj, format, ndim, flags, out))
    return 0;
  char want[2] = {format, 0};
  const char *want_name = elem_name(parse_format(want));
  if (!want_name)
    want_name = want;
  if (!PyObject_CheckBuffer(obj)) {
    err_not_buffer(sig, i, want_name, obj);
    return -1;
  }
  /* Always ask read-only: writability is checked below with our own message. */
  if (PyObject_GetBuffer(obj, v, PyBUF_RECORDS_RO) < 0) {
    v->obj = NULL;
    err_no_buffer(sig, i, want_name, obj);
    return -1;
  }
  if (check_view(sig, i, v, format, itemsize, ndim, flags) < 0) {
    PyBuffer_Release(v);
    v->obj = NULL;
    return -1;
  }
  fill(out, v);
  return 0;
}

void pjrt_array_release(PjArray *arr) {
  Py_buffer *v = (Py_buffer *)arr->view;
  if (v->obj && v->len == VIEW_HOLDS_REF)
    Py_CLEAR(v->obj);
  else if (v->obj)
    PyBuffer_Release(v); /* also sets v->obj to NULL: releasing twice is harmless */
}
