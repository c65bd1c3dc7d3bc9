/* error.c: raising Python exceptions from native code, and adding .py frames
 * to their tracebacks.  Native code runs with the GIL released, so every
 * entry point here takes the GIL itself with PyGILState_Ensure (which is also
 * correct, and cheap, when the caller already holds it).  This is the error
 * path: nothing is cached, every lookup is done afresh. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#include "pjrt.h"

static PyObject *exception_for_kind(int kind) {
  switch ((PjErrKind)kind) {
  case PJRT_ZERO_DIVISION: return PyExc_ZeroDivisionError;
  case PJRT_VALUE: return PyExc_ValueError;
  case PJRT_OVERFLOW: return PyExc_OverflowError;
  case PJRT_INDEX: return PyExc_IndexError;
  case PJRT_TYPE: return PyExc_TypeError;
  case PJRT_ASSERTION: return PyExc_AssertionError;
  case PJRT_RUNTIME: return PyExc_RuntimeError;
  case PJRT_RECURSION: return PyExc_RecursionError;
  }
  return NULL; /* a kind the runtime does not know: reported by the caller */
}

void pjrt_raise(int kind, const char *msg) {
  PyGILState_STATE st = PyGILState_Ensure();
  PyObject *exc = exception_for_kind(kind);
  if (!exc)
    PyErr_Format(PyExc_SystemError, "pyjitc runtime: unknown error kind %d (message: %s)", kind,
                 msg ? msg : "none");
  else if (msg)
    PyErr_SetString(exc, msg);
  else
    PyErr_SetNone(exc);
  PyGILState_Release(st);
}

void pjrt_raise_index(int64_t index, int axis, int64_t size) {
  PyGILState_STATE st = PyGILState_Ensure();
  PyErr_Format(PyExc_IndexError, "index %lld is out of bounds for axis %d with size %lld",
               (long long)index, axis, (long long)size);
  PyGILState_Release(st);
}

/* Sets the exception `raise Name("msg")` would, Name looked up in builtins. */
static void raise_named_locked(const char *exc_name, const char *msg) {
  PyObject *builtins = PyImport_ImportModule("builtins");
  if (!builtins)
    return;
  PyObject *cls = PyObject_GetAttrString(builtins, exc_name);
  Py_DECREF(builtins);
  if (!cls) {
    PyErr_Format(PyExc_NameError, "name '%s' is not defined", exc_name);
    return;
  }
  if (!PyExceptionClass_Check(cls))
    PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
  else if (msg)
    PyErr_SetString(cls, msg);
  else
    PyErr_SetNone(cls);
  Py_DECREF(cls);
}

void pjrt_raise_named(const char *exc_name, const char *msg) {
  PyGILState_STATE st = PyGILState_Ensure();
  raise_named_locked(exc_name, msg);
  PyGILState_Release(st);
}

/* The model is Cython's __Pyx_AddTraceback: an empty code object whose first
 * line is `line`, a fresh frame that never ran (so its line number is the
 * code's first line), and PyTraceBack_Here to push it on the current
 * exception's traceback.  Frames pushed later appear further out. */
static void add_traceback_locked(const char *file, const char *func, int line) {
  if (!PyErr_Occurred())
    return; /* nothing to attach to: a runtime misuse, but not worth a crash */
  PyObject *type, *value, *tb;
  /* PyCode_NewEmpty and PyFrame_New must not see the pending exception. */
  PyErr_Fetch(&type, &value, &tb);
  PyCodeObject *code = PyCode_NewEmpty(file, func, line);
  PyObject *globals = PyDict_New();
  PyFrameObject *frame = NULL;
  if (code && globals)
    frame = PyFrame_New(PyThreadState_Get(), code, globals, NULL);
  Py_XDECREF(code);
  Py_XDECREF(globals);
  if (!frame) {
    /* Losing a traceback line is better than losing the user's exception. */
    PyErr_Clear();
    PyErr_Restore(type, value, tb);
    return;
  }
  PyErr_Restore(type, value, tb);
  PyTraceBack_Here(frame);
  Py_DECREF(frame);
}

void pjrt_add_traceback(const char *file, const char *func, int line) {
  PyGILState_STATE st = PyGILState_Ensure();
  add_traceback_locked(file, func, line);
  PyGILState_Release(st);
}
