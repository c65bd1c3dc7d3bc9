#!/usr/bin/env python3
"""A stand-in for the `pyjitc` binary in the tests of @native and its cache.

It accepts what @native runs (`build --no-exec --module M --output P FILE`,
`--version`) and writes a REAL extension module P (C, built with cc) whose
PyInit_M exports one builtin per @native function of FILE.  Each builtin
delegates to the Python function (the source with the @native decorators
removed, run inside the module), so results equal CPython's and the module
behaves like a compiled one where @native cares: builtin functions with
__module__ == M, loaded by the extension loader, PyInit_<M> naming.

Diagnostics imitate the compiler's: `FILE:LINE:COL: error: ...` and exit 1 for
a syntax error or a `yield` in an @native function.  Test hooks:
FAKE_PYJITC_SLEEP=SECONDS waits before writing (widens race windows);
FAKE_PYJITC_EXIT=N exits with status N at once.
"""
import ast
import os
import subprocess
import sys
import sysconfig
import tempfile
import time


def is_native(dec):
    target = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(target, ast.Name):
        return target.id == "native"
    return isinstance(target, ast.Attribute) and target.attr == "native"


def c_module(modname, code, names):
    data = ",".join(str(b) for b in code.encode()) + ",0"
    out = ["#define PY_SSIZE_T_CLEAN", "#include <Python.h>",
           "static const unsigned char src[] = {%s};" % data,
           "static PyObject *impl[%d];" % max(len(names), 1)]
    for i, _ in enumerate(names):
        out.append("static PyObject *call_%d(PyObject *self, PyObject *const *args, "
                   "Py_ssize_t nargs, PyObject *kw) { return PyObject_Vectorcall(impl[%d], "
                   "args, nargs, kw); }" % (i, i))
    out.append("static PyMethodDef methods[] = {")
    for i, n in enumerate(names):
        out.append('  {"%s", (PyCFunction)(void (*)(void))call_%d, '
                   'METH_FASTCALL | METH_KEYWORDS, NULL},' % (n, i))
    out.append("  {NULL, NULL, 0, NULL}};")
    out.append('static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "%s", NULL, -1, '
               'methods, NULL, NULL, NULL, NULL};' % modname)
    out.append("PyMODINIT_FUNC PyInit_%s(void) {" % modname)
    out.append("  PyObject *m = PyModule_Create(&def); if (!m) return NULL;")
    out.append("  PyObject *d = PyDict_New(); if (!d) return NULL;")
    out.append('  PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins());')
    out.append('  PyObject *nm = PyUnicode_FromString("%s"); PyDict_SetItemString(d, '
               '"__name__", nm); Py_DECREF(nm);' % modname)
    out.append("  PyObject *r = PyRun_String((const char *)src, Py_file_input, d, d);")
    out.append("  if (!r) return NULL; Py_DECREF(r);")
    for i, n in enumerate(names):
        out.append('  impl[%d] = PyDict_GetItemString(d, "%s"); if (!impl[%d]) return NULL; '
                   'Py_INCREF(impl[%d]);' % (i, n, i, i))
    out.append('  PyModule_AddObject(m, "__pyjitc_fake__", Py_True); Py_INCREF(Py_True);')
    out.append("  return m;\n}")
    return "\n".join(out) + "\n"


def main(argv):
    if argv[1:] == ["--version"]:
        print("pyjitc 0.0-fake")
        return 0
    if os.environ.get("FAKE_PYJITC_EXIT"):
        print("fake pyjitc: told to fail", file=sys.stderr)
        return int(os.environ["FAKE_PYJITC_EXIT"])
    if len(argv) < 2 or argv[1] != "build":
        print("fake pyjitc: only `build` is supported", file=sys.stderr)
        return 2
    opts, src = {}, None
    i = 2
    while i < len(argv):
        a = argv[i]
        if a in ("--module", "--output"):
            opts[a] = argv[i + 1]
            i += 2
            continue
        if a == "--no-exec" or a.startswith("--boundscheck=") or \
                a.startswith("--overflowcheck=") or a == "--fastmath":
            i += 1
            continue
        if a.startswith("-"):
            print("fake pyjitc: unknown option %s" % a, file=sys.stderr)
            return 2
        src = a
        i += 1
    if src is None or "--module" not in opts or "--output" not in opts:
        print("fake pyjitc: missing arguments", file=sys.stderr)
        return 2
    with open(src, "rb") as f:
        text = f.read().decode()
    try:
        tree = ast.parse(text, src)
    except SyntaxError as e:
        print("%s:%d:%d: error: %s" % (src, e.lineno, (e.offset or 1) - 1, e.msg),
              file=sys.stderr)
        return 1
    names, errors = [], []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(map(is_native, node.decorator_list)):
            node.decorator_list = [d for d in node.decorator_list if not is_native(d)]
            names.append(node.name)
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Yield, ast.YieldFrom)):
                    errors.append("%s:%d:%d: error: 'yield' is not supported in compiled "
                                  "functions" % (src, sub.lineno, sub.col_offset))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    # --no-exec: the module's own statements do not run; only what the
    # functions need (imports, constants, defs) is kept.
    keep = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.FunctionDef)
    tree.body = [n for n in tree.body if isinstance(n, keep)]
    delay = float(os.environ.get("FAKE_PYJITC_SLEEP") or 0)
    if delay:
        time.sleep(delay)
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "m.c")
        with open(c, "w") as f:
            f.write(c_module(opts["--module"], ast.unparse(tree), names))
        out = opts["--output"]
        r = subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-O0", "-w",
                            "-I" + sysconfig.get_paths()["include"], "-o", out + ".part", c],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("fake pyjitc: cc failed:\n" + r.stderr, file=sys.stderr)
            return 3
        os.replace(out + ".part", out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
