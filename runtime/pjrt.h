/* pjrt.h: the runtime ABI, the contract between generated code and the C
 * runtime linked into every module.  Generated IR declares these functions
 * with the same signatures (lower_boundary.c); nothing here mentions a
 * CPython struct layout, so generated code stays independent of the Python
 * build.  Python.h is included only by the runtime's .c files.
 *
 * Conventions: functions returning int return 0 on success and -1 with a
 * Python exception set.  Py_ssize_t is int64_t; PyObject * is void *.
 * All pjrt_raise_* and pjrt_add_traceback may be called with the GIL released
 * (they take it themselves). */
#ifndef PJRT_H
#define PJRT_H

#include <stdint.h>

#define PJRT_ABI_VERSION 1
#define PJRT_MAX_NDIM 4
#define PJRT_VIEW_BYTES 128 /* room for a Py_buffer (80 bytes on 3.11/x86-64) */

/* An array argument, filled by pjrt_arg_array, released by pjrt_array_release. */
typedef struct PjArray {
  char *data;
  int64_t shape[PJRT_MAX_NDIM];
  int64_t strides[PJRT_MAX_NDIM];   /* in bytes, any sign */
  int64_t itemsize;
  unsigned char view[PJRT_VIEW_BYTES] __attribute__((aligned(8))); /* opaque */
} PjArray;

/* A compiled function's Python-visible signature, a constant in the module. */
typedef struct PjSig {
  const char *name;              /* "sum_squares" */
  int32_t nparams;
  int32_t nrequired;             /* params without a default come first */
  const char *const *params;     /* parameter names */
  const char *const *expected;   /* per param, for messages: "int", "f64[:, ::1]" */
} PjSig;

/* One function of the module. */
typedef struct PjFuncDef {
  const char *name;
  void *wrapper;                 /* PyObject *(*)(PyObject *self, PyObject *const *args,
                                    Py_ssize_t nargs, PyObject *kwnames): METH_FASTCALL|METH_KEYWORDS */
  const char *doc;               /* "name(a, b=1)\n--\n\n" + docstring: gives __text_signature__ */
} PjFuncDef;

typedef struct PjModuleDef {
  int32_t abi_version;           /* PJRT_ABI_VERSION */
  int32_t nfuncs;
  const char *name;              /* module name */
  const char *filename;          /* absolute path of the .py, for exec and tracebacks */
  const char *source;            /* the .py's full text: runs at import as the module body;
                                    NULL (pyjitc build --no-exec): only the compiled
                                    functions are bound (what @native's cache loads) */
  const PjFuncDef *funcs;
} PjModuleDef;

/* PyInit_<name> in generated code is `return pjrt_module_init(&def);`.
 * Creates the module, puts the compiled functions in `__pyjitc_compiled__`
 * (so `@native` at import binds to them), runs the module source in the
 * module's namespace, then binds each compiled function to its name. */
void *pjrt_module_init(const PjModuleDef *def);

/* ---- arguments (wrapper side; GIL held) */
/* Matches positional and keyword arguments to parameters.  slots[i] is a
 * borrowed reference, or NULL where a parameter with a default was not given.
 * Raises TypeError as CPython does for missing / duplicate / unexpected args. */
int pjrt_unpack_args(const PjSig *sig, void *const *args, int64_t nargs, void *kwnames,
                     void **slots);

/* Scalar conversions.  i: the parameter's index in sig (for messages). */
int pjrt_arg_i64(const PjSig *sig, int i, void *obj, int64_t *out);
int pjrt_arg_int(const PjSig *sig, int i, void *obj, int bits, int is_signed, int64_t *out);
                                  /* i8..u64; u64 values come back bit-cast in *out */
int pjrt_arg_f64(const PjSig *sig, int i, void *obj, double *out);
int pjrt_arg_f32(const PjSig *sig, int i, void *obj, float *out);
int pjrt_arg_bool(const PjSig *sig, int i, void *obj, int8_t *out);

enum {
  PJRT_ARR_WRITABLE = 1,         /* the function stores into it */
  PJRT_ARR_CONTIG = 2,           /* T[::1]: C-contiguous required */
};
/* format: the struct-module character of the element type ('d','f','q','i',
 * 'h','b','Q','I','H','B','?'); any byte-order prefix meaning native order is
 * accepted, and 'l'/'L' match 'q'/'Q' where long is 64-bit. */
int pjrt_arg_array(const PjSig *sig, int i, void *obj, char format, int itemsize, int ndim,
                   int flags, PjArray *out);
void pjrt_array_release(PjArray *arr);

/* ---- results (GIL held); each returns a new reference or NULL */
void *pjrt_box_i64(int64_t v);
void *pjrt_box_u64(uint64_t v);
void *pjrt_box_f64(double v);
void *pjrt_box_bool(int v);
void *pjrt_box_none(void);
void *pjrt_build_tuple(void **items, int n); /* steals items; NULL items: decref rest, NULL */

/* ---- the GIL around native code */
void *pjrt_release_gil(void);      /* PyEval_SaveThread */
void pjrt_acquire_gil(void *save); /* PyEval_RestoreThread */

/* ---- raising from native code (GIL released or held) */
typedef enum {
  PJRT_ZERO_DIVISION,   /* ZeroDivisionError */
  PJRT_VALUE,           /* ValueError */
  PJRT_OVERFLOW,        /* OverflowError */
  PJRT_INDEX,           /* IndexError */
  PJRT_TYPE,            /* TypeError */
  PJRT_ASSERTION,       /* AssertionError (msg may be NULL: no argument) */
  PJRT_RUNTIME,         /* RuntimeError */
  PJRT_RECURSION,       /* RecursionError */
} PjErrKind;
void pjrt_raise(int kind, const char *msg);
/* NumPy's text: "index 10 is out of bounds for axis 0 with size 10" */
void pjrt_raise_index(int64_t index, int axis, int64_t size);
/* `raise Name("msg")` / `raise Name`: looks the class up in builtins (msg NULL: no args). */
void pjrt_raise_named(const char *exc_name, const char *msg);
/* Adds a frame for file:line in function `func` to the current exception's
 * traceback (called at the raise site and at each native call site the
 * exception passes through). */
void pjrt_add_traceback(const char *file, const char *func, int line);

#endif
