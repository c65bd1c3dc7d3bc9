/* module.c: creating a generated extension module (multi-phase init, in the
 * manner of CPython's Modules/xxlimited.c).  PyInit_<name> returns
 * pjrt_module_init(&def); the import system then creates the module and sets
 * __file__ (the .so), __spec__, __loader__, and calls module_exec, which
 *   1. makes one builtin function per compiled function (self = the module,
 *      so __module__ is the module's name and pickling works by reference),
 *   2. publishes them as the dict `__pyjitc_compiled__` {name: function},
 *   3. compiles and runs the module's own .py source in the module's
 *      namespace (filename = the .py, so Python tracebacks point at it),
 *   4. binds each compiled function to its name, over the Python defs.
 * An exception from the module body propagates out of the import. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pjrt.h"

/* The CPython-side definition, allocated once per PyInit call and never
 * freed (with PyMem_Raw*: the Makefile's -Istdlib hides libc's <stdlib.h>): CPython keeps pointers to the PyModuleDef and its PyMethodDefs for
 * as long as the process lives. */
typedef struct RtModuleDef {
  PyModuleDef def; /* first member: PyModule_GetDef(module) points here */
  const PjModuleDef *pj;
  PyModuleDef_Slot slots[3];
  PyMethodDef methods[]; /* pj->nfuncs entries and the NULL sentinel */
} RtModuleDef;

/* {name: builtin function} for every compiled function; a new reference. */
static PyObject *make_compiled(PyObject *module, const RtModuleDef *rt) {
  PyObject *modname = PyModule_GetNameObject(module);
  PyObject *compiled = modname ? PyDict_New() : NULL;
  for (int k = 0; compiled && k < rt->pj->nfuncs; k++) {
    PyMethodDef *ml = (PyMethodDef *)&rt->methods[k];
    PyObject *f = PyCFunction_NewEx(ml, module, modname);
    if (!f || PyDict_SetItemString(compiled, ml->ml_name, f) < 0)
      Py_CLEAR(compiled);
    Py_XDECREF(f);
  }
  Py_XDECREF(modname);
  return compiled;
}

/* Runs the .py source as the module body, in the module's namespace.  A
 * module built with --no-exec has no source: it only holds the functions. */
static int run_source(PyObject *dict, const PjModuleDef *pj) {
  if (!pj->source)
    return 0;
  if (!PyDict_GetItemString(dict, "__builtins__") &&
      PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins()) < 0)
    return -1;
  PyObject *code = Py_CompileStringExFlags(pj->source, pj->filename, Py_file_input, NULL, -1);
  if (!code)
    return -1;
  PyObject *res = PyEval_EvalCode(code, dict, dict);
  Py_DECREF(code);
  if (!res)
    return -1;
  Py_DECREF(res);
  return 0;
}

static int bind_compiled(PyObject *module, PyObject *compiled) {
  PyObject *name, *f;
  Py_ssize_t pos = 0;
  while (PyDict_Next(compiled, &pos, &name, &f))
    if (PyObject_SetAttr(module, name, f) < 0)
      return -1;
  return 0;
}

/* Py_mod_exec.  Runs once per module object: CPython makes
 * importlib.reload() of an extension module a no-op (m_size >= 0). */
static int module_exec(PyObject *module) {
  const RtModuleDef *rt = (const RtModuleDef *)PyModule_GetDef(module);
  PyObject *dict = PyModule_GetDict(module); /* borrowed */
  if (!rt || !dict)
    return -1;
  PyObject *compiled = make_compiled(module, rt);
  if (!compiled)
    return -1;
  int rc = -1;
  /* Bound by the module body (for `@native` to find) and again afterwards
   * from our own reference, whatever the body did with the name. */
  if (PyDict_SetItemString(dict, "__pyjitc_compiled__", compiled) == 0 &&
      run_source(dict, rt->pj) == 0 && bind_compiled(module, compiled) == 0)
    rc = 0;
  Py_DECREF(compiled);
  return rc;
}

void *pjrt_module_init(const PjModuleDef *pj) {
  if (pj->abi_version != PJRT_ABI_VERSION) {
    PyErr_Format(PyExc_ImportError,
                 "module %s was built for pyjitc runtime ABI %d, but its runtime is ABI %d: "
                 "rebuild it",
                 pj->name, (int)pj->abi_version, PJRT_ABI_VERSION);
    return NULL;
  }
  size_t n = pj->nfuncs > 0 ? (size_t)pj->nfuncs : 0;
  RtModuleDef *rt = PyMem_RawCalloc(1, sizeof *rt + (n + 1) * sizeof(PyMethodDef));
  if (!rt)
    return PyErr_NoMemory();
  rt->pj = pj;
  for (size_t k = 0; k < n; k++) {
    const PjFuncDef *f = &pj->funcs[k];
    rt->methods[k] = (PyMethodDef){f->name, (PyCFunction)(void (*)(void))f->wrapper,
                                   METH_FASTCALL | METH_KEYWORDS, f->doc};
  }
  int s = 0;
  rt->slots[s++] = (PyModuleDef_Slot){Py_mod_exec, (void *)module_exec};
#ifdef Py_mod_multiple_interpreters
  /* The raise path uses PyGILState, which knows only the main interpreter. */
  rt->slots[s++] = (PyModuleDef_Slot){Py_mod_multiple_interpreters,
                                      Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED};
#endif
  rt->slots[s] = (PyModuleDef_Slot){0, NULL};
  rt->def = (PyModuleDef){
      PyModuleDef_HEAD_INIT,
      .m_name = pj->name,
      .m_doc = NULL, /* the source's docstring sets __doc__ when the body runs */
      .m_size = 0,
      .m_methods = NULL, /* made in module_exec, before the body runs */
      .m_slots = rt->slots,
  };
  return PyModuleDef_Init(&rt->def);
}
