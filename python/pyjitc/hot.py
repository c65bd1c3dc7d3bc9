"""Hot-path replacement: compile what a profile found hot, swap it in.

    report = pyjitc.hot.profile(main, arg)     # a Report; print(report)
    handle = pyjitc.hot.replace(report)         # compiled versions in their modules
    handle.undo()                               # the Python functions again

and `pyjitc run --hot script.py`.  Each replaced function becomes a small
Python *guard* with the original's parameters: when every argument has the
kind the function was compiled for (`type(x) is int` in the int64 range,
a float, an ndarray of that dtype / ndim / contiguity ...), it calls the
compiled function; otherwise the original Python function.  Functions of
numbers only (no arrays, so no side effects in compiled code) also rerun the
Python function when the compiled one raises OverflowError, so a result
that needs a big int is still CPython's.

Compiling: the functions of one source module are compiled together from a
copy of that module whose def lines carry the observed annotations (line
numbers unchanged), with `pyjitc build --no-exec --only NAMES`, through the
@native cache (cache.py): the key covers the synthesized text, so a second
run loads the module without compiling.  See docs/hot.md.
"""

import ast
import os
import sys
import time

from . import profile as _prof

__all__ = ["profile", "replace", "Handle", "compile_functions", "make_guard"]


def profile(fn, *args, **kwargs):
    """Calls fn(*args, **kwargs) under the profiler; returns the Report
    (print it; .functions are ranked by own time; .result is fn's value)."""
    return _prof.profile_call(fn, args, kwargs)


# ---- compiling ---------------------------------------------------------------

def _label(path, module):
    base = os.path.splitext(os.path.basename(path))[0]
    return "%s_hot" % (base if module in (None, "__main__") else module.replace(".", "_"))


def _build(compiler, synth, path, modname, output):
    """`pyjitc build --no-exec --only ...` on the synthesized text, run in a
    temporary directory under the source's base name, so diagnostics and
    compiled tracebacks name `file.py` (with the original's line numbers)."""
    import shutil
    import subprocess
    import tempfile
    from . import _compiler
    names, text = synth
    d = tempfile.mkdtemp(prefix="pyjitc-hot-")
    base = os.path.basename(path)
    try:
        with open(os.path.join(d, base), "w", encoding="utf-8") as f:
            f.write(text)
        argv = [compiler, "build", "--no-exec", "--module", modname, "--output", output,
                "--only", ",".join(names), base]
        _compiler._log_compile(modname, output)
        r = subprocess.run(argv, cwd=d, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if r.returncode != 0 or not os.path.exists(output):
        cls = _compiler.CompileError if r.returncode == 1 else _compiler.InternalCompilerError
        raise cls("pyjitc could not compile %s of %s:\n%s"
                  % (", ".join(names), path, (r.stderr + r.stdout).rstrip()),
                  r.stderr, r.returncode)


def synthesize_module(path, functions):
    """(names, text): the module's source with the def lines of `functions`
    (FunctionReports of that file) annotated as observed."""
    with open(path, "rb") as f:
        source = f.read().decode("utf-8")
    tree = ast.parse(source, path)
    rewrites = {}
    names = []
    for fr in functions:
        node, outer = _prof.find_def(tree, fr.name, fr.line)
        if node is None or outer:
            raise LookupError("cannot find the module-level def of %s in %s"
                              % (fr.name, path))
        params = [(p["name"], p["annotation"]) for p in fr.params]
        rewrites[node] = _prof._header(node, source, params, fr.returns)
        names.append(fr.name)
    return names, _prof.synthesize(source, tree, rewrites)


def compile_functions(functions, log=None):
    """Compiles FunctionReports (grouped by source file, one module each);
    returns {(file, name): compiled function}.  Failures are reported to
    `log` (a callable taking a message) and skipped."""
    from . import __version__, cache, _compiler
    from .native import _load
    compiler = _compiler.find_compiler()
    ident = _compiler.compiler_identity(compiler)
    by_file = {}
    for fr in functions:
        by_file.setdefault(fr.file, []).append(fr)
    out = {}
    for path, frs in by_file.items():
        try:
            synth = synthesize_module(path, frs)
            text = synth[1].encode("utf-8")
            key = cache.make_key(text + ("\0only=" + ",".join(synth[0])).encode(), ident,
                                 (), __version__)
            label = _label(path, frs[0].module)
            directory = cache.choose_dir(path)
            if directory is None:
                import tempfile
                directory = tempfile.mkdtemp(prefix="pyjitc-hot-")
            entry = cache.Entry(directory, label, key, source=path)
            fd = cache.get_or_build(
                entry, lambda out_: _build(compiler, synth, path, entry.modname, out_),
                {"python": sys.executable, "hot": ",".join(synth[0])})
            mod = _load(entry.modname, entry.so, fd)   # fd stays open, as in native.py
        except (LookupError, OSError, _compiler.CompileError) as e:
            if log:
                log("cannot compile %s: %s" % (", ".join(f.name for f in frs), e))
            continue
        for fr in frs:
            fn = getattr(mod, fr.name, None)
            if fn is not None:
                out[(fr.file, fr.name)] = fn
    return out


# ---- guards ------------------------------------------------------------------

_INT_RANGE = "-0x8000000000000000 <= %s <= 0x7fffffffffffffff"
_NP_NAME = {"f64": "float64", "f32": "float32", "i64": "int64", "i32": "int32",
            "i16": "int16", "i8": "int8", "u64": "uint64", "u32": "uint32", "u16": "uint16",
            "u8": "uint8"}


def _typecodes(elem):
    from array import array
    return "".join(tc for tc in "bBhHiIlLqQfd"
                   if _prof._fmt_elem(tc, array(tc).itemsize) == elem)


def _check(p, kind, env, k):
    """A Python expression true when parameter `p` has `kind`."""
    if kind == "int":
        return "type(%s) is int and %s" % (p, _INT_RANGE % p)
    if kind == "float":
        return "isinstance(%s, float)" % p
    if kind == "bool":
        return "type(%s) is bool" % p
    if kind.startswith("N|"):
        env["_pj_t%d" % k] = _numpy_type(kind)
        return "type(%s) is _pj_t%d" % (p, k)
    _, container, elem, ndim, layout, rw = kind.split("|")
    if container == "numpy.ndarray":
        import numpy
        env["_pj_nd"] = numpy.ndarray
        env["_pj_dt%d" % k] = numpy.dtype(_NP_NAME[elem])
        parts = ["type(%s) is _pj_nd" % p, "%s.ndim == %s" % (p, ndim),
                 "(%s.dtype is _pj_dt%d or %s.dtype == _pj_dt%d)" % (p, k, p, k)]
        flags = []
        if layout == "C":
            flags.append("c_contiguous")
        if rw == "W":
            flags.append("writeable")
        if len(flags) == 2:
            parts.append("(_pj_f := %s.flags).c_contiguous and _pj_f.writeable" % p)
        elif flags:
            parts.append("%s.flags.%s" % (p, flags[0]))
        return " and ".join(parts)
    if container == "array.array":
        import array
        env["_pj_array"] = array.array
        return "type(%s) is _pj_array and %s.typecode in %r" % (p, p, _typecodes(elem))
    if container == "bytearray":
        return "type(%s) is bytearray" % p
    if container == "memoryview":
        fmts = tuple(_typecodes(elem))
        parts = ["type(%s) is memoryview" % p, "%s.ndim == %s" % (p, ndim),
                 "%s.format in %r" % (p, fmts)]
        if layout == "C":
            parts.append("%s.c_contiguous" % p)
        if rw == "W":
            parts.append("not %s.readonly" % p)
        return " and ".join(parts)
    raise ValueError("no guard for kind %r" % kind)


def _numpy_type(kind):
    import numpy
    return getattr(numpy, kind.split(".")[-1])


def make_guard(orig, compiled, params, return_kind=None):
    """The replacement of `orig`: calls `compiled` when the arguments have the
    kinds in `params` ([{"name", "kind"}...]), else `orig`.  Its .__pyjitc_calls__
    is [compiled calls, Python fallbacks, OverflowError reruns]."""
    import inspect
    sig = inspect.signature(orig)
    env = {"_pj_c": compiled, "_pj_o": orig, "_pj_n": [0, 0, 0]}
    decl, call_o, call_c = [], [], []
    seen_kwonly = False
    prev_posonly = False
    for i, (name, prm) in enumerate(sig.parameters.items()):
        if prm.kind is prm.KEYWORD_ONLY and not seen_kwonly:
            if prev_posonly:
                decl.append("/")
                prev_posonly = False
            decl.append("*")
            seen_kwonly = True
        if prev_posonly and prm.kind is not prm.POSITIONAL_ONLY:
            decl.append("/")
            prev_posonly = False
        text = name
        if prm.default is not prm.empty:
            env["_pj_d%d" % i] = prm.default
            text += "=_pj_d%d" % i
        decl.append(text)
        prev_posonly = prm.kind is prm.POSITIONAL_ONLY
        call_o.append("%s=%s" % (name, name) if seen_kwonly else name)
        call_c.append(name)
    if prev_posonly:
        decl.append("/")
    kinds = {p["name"]: p["kind"] for p in params}
    checks = [_check(n, kinds[n], env, k) for k, n in enumerate(sig.parameters)]
    scalar_only = not any(kinds[n].startswith("A|") for n in sig.parameters)
    ccall = "_pj_c(%s)" % ", ".join(call_c)
    if return_kind and return_kind.startswith("N|"):
        env["_pj_r"] = _numpy_type(return_kind)
        ccall = "_pj_r(%s)" % ccall
    src = ["def %s(%s):" % (orig.__name__, ", ".join(decl)),
           "    if %s:" % (" and ".join("(%s)" % c for c in checks) or "True"),
           "        _pj_n[0] += 1"]
    if scalar_only:   # compiled code of numbers has no side effects: rerun in Python
        src += ["        try:",
                "            return " + ccall,
                "        except OverflowError:",
                "            _pj_n[2] += 1",
                "            return _pj_o(%s)" % ", ".join(call_o)]
    else:
        src += ["        return " + ccall]
    src += ["    _pj_n[1] += 1",
            "    return _pj_o(%s)" % ", ".join(call_o)]
    code = compile("\n".join(src) + "\n", "<pyjitc guard of %s>" % orig.__qualname__, "exec")
    exec(code, env)
    g = env[orig.__name__]
    g.__dict__.update(orig.__dict__)
    g.__qualname__ = orig.__qualname__
    g.__module__ = orig.__module__
    g.__doc__ = orig.__doc__
    g.__wrapped__ = orig
    g.__pyjitc_compiled__ = compiled
    g.__pyjitc_calls__ = env["_pj_n"]
    g.__pyjitc_source__ = "\n".join(src)
    return g


# ---- replacing in loaded modules (library) ---------------------------------------

class Handle:
    """What replace() did: .replaced is [(FunctionReport, guard)], .errors the
    messages of what could not be compiled; undo() restores every reference
    it changed.  Usable as a context manager."""

    def __init__(self):
        self.replaced = []
        self.errors = []
        self._undo = []

    def undo(self):
        for d, name, old in reversed(self._undo):
            d[name] = old
        self._undo = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.undo()

    def stats(self):
        """[(qualname, compiled calls, Python fallbacks, OverflowError reruns)]"""
        return [(fr.qualname,) + tuple(g.__pyjitc_calls__) for fr, g in self.replaced]

    def __repr__(self):
        return "<pyjitc.hot.Handle: %s>" % (", ".join(fr.qualname for fr, _ in self.replaced)
                                            or "nothing replaced")


def replace(functions, top=5, min_share=_prof.MIN_SHARE, min_call_us=_prof.MIN_CALL_US):
    """Compiles and swaps in: `functions` is a Report (its hot compilable
    functions: the `top` by own time above min_share and min_call_us a call)
    or a list of FunctionReports (all of them, if compilable).  Every module
    namespace in sys.modules that holds the original function gets the guard
    (so `from helpers import kernel` elsewhere is covered too)."""
    if isinstance(functions, _prof.Report):
        frs = functions.hot(top, min_share, min_call_us)
    else:
        frs = [f for f in functions if f.compilable]
    h = Handle()
    compiled = compile_functions(frs, log=h.errors.append)
    for fr in frs:
        fn = compiled.get((fr.file, fr.name))
        orig = fr.func or _prof._find_function(fr)
        if fn is None or orig is None:
            if fn is not None:
                h.errors.append("%s: its module is not loaded" % fr.qualname)
            continue
        guard = make_guard(orig, fn, fr.params, fr.return_kind)
        for mod in list(sys.modules.values()):
            d = getattr(mod, "__dict__", None)
            if not isinstance(d, dict):
                continue
            for name, val in list(d.items()):
                if val is orig:
                    h._undo.append((d, name, val))
                    d[name] = guard
        h.replaced.append((fr, guard))
    return h


# ---- run --hot ------------------------------------------------------------------

_INSTALL = {}      # (realpath, name, line) -> (compiled, FunctionReport)
_INSTALLED = []    # [(FunctionReport, guard)]


def _install(func, key):
    """Called by the statement inserted after each replaced def: returns the
    guard that the module binds instead of `func`."""
    try:
        compiled, fr = _INSTALL[key]
        g = make_guard(func, compiled, fr.params, fr.return_kind)
    except Exception as e:  # never break the user's module: keep Python
        print("pyjitc run --hot: keeping Python %s: %s" % (getattr(func, "__name__", "?"), e),
              file=sys.stderr)
        return func
    _INSTALLED.append((fr, g))
    return g


def _transform(tree, path):
    """Inserts `NAME = __import__('pyjitc.hot')...._install(NAME, KEY)` after
    each def of this file that is to be replaced (module level, also inside
    module-level if/try/with blocks); line numbers are the def's."""
    real = os.path.realpath(path)
    targets = {(n, l): k for k in _INSTALL for (p, n, l) in [k] if p == real}
    if not targets:
        return tree

    def visit(body):
        i = 0
        while i < len(body):
            node = body[i]
            if isinstance(node, ast.FunctionDef) and (node.name, node.lineno) in targets:
                key = targets[(node.name, node.lineno)]
                stmt = ast.parse("%s = __import__('pyjitc.hot', fromlist=('_install',))"
                                 "._install(%s, %r)" % (node.name, node.name, key)).body[0]
                for n in ast.walk(stmt):
                    ast.copy_location(n, node)
                    if hasattr(n, "end_lineno"):
                        n.end_lineno, n.end_col_offset = node.lineno, node.col_offset
                body.insert(i + 1, stmt)
                i += 1
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, None) or [])
                for hnd in getattr(node, "handlers", []):
                    visit(hnd.body)
            i += 1
    visit(tree.body)
    return tree


class _HotFinder:
    """A sys.meta_path entry: modules with functions to replace are loaded by
    _HotLoader (same source, plus the inserted statements)."""

    def __init__(self, files):
        self.files = files

    def find_spec(self, fullname, path=None, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            origin = spec.origin
            if origin and os.path.realpath(origin) in self.files and \
                    spec.loader is not None and hasattr(spec.loader, "get_data"):
                spec.loader = _HotLoader(fullname, origin)
            return spec
        return None


def _loader_class():
    from importlib.machinery import SourceFileLoader

    class _HotLoader(SourceFileLoader):
        # Never reads or writes bytecode: a cached .pyc of the rewritten code
        # would otherwise be loaded by a later plain run.
        def get_code(self, fullname):
            path = self.get_filename(fullname)
            tree = ast.parse(self.get_data(path), path)
            return compile(_transform(tree, path), path, "exec", dont_inherit=True)
    return _HotLoader


def _HotLoader(fullname, path):
    return _loader_class()(fullname, path)


RUN_USAGE = """usage: pyjitc run --hot [--top N] [--profile FILE] [--no-check] script.py [args...]

Profiles script.py (in a separate process, its output discarded; or reads FILE
written by `pyjitc profile --json FILE`), compiles its hot functions with the
argument types they were called with (the top N by own time, default 5, that
take at least 2% of the time and 1 us a call), then runs the script with the
compiled versions in place.  A call with other argument types runs the Python
function.  The script's stdout is its own; pyjitc reports to stderr.
"""


def _profile_subprocess(script, args, top, check):
    """The profiling pass, in a child process (the real run must start from
    fresh modules), with the script's stdin, stdout and stderr discarded."""
    import json
    import subprocess
    import tempfile
    fd, out = tempfile.mkstemp(prefix="pyjitc-profile-", suffix=".json")
    os.close(fd)
    try:
        argv = [sys.executable, "-m", "pyjitc", "profile", "--quiet", "--json", out,
                "--top", str(top)] + ([] if check else ["--no-check"]) + ["--", script] + \
            list(args)
        env = dict(os.environ)
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"]
                                    if env.get("PYTHONPATH") else "")
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env)
        wall = time.perf_counter() - t0
        try:
            with open(out) as f:
                data = json.load(f)
        except (OSError, ValueError):
            raise RuntimeError("the profiling run failed (exit status %d): %s"
                               % (r.returncode, r.stderr.decode("utf-8", "replace")[-2000:]))
        return _prof.Report.from_dict(data), wall
    finally:
        try:
            os.unlink(out)
        except OSError:
            pass


def run_main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(RUN_USAGE)
        return 0
    if not argv or argv[0] != "--hot":
        print("pyjitc run: only `pyjitc run --hot ...` exists\n\n" + RUN_USAGE,
              file=sys.stderr, end="")
        return 2
    try:
        o = _prof.parse_common(argv[1:], "pyjitc run", RUN_USAGE)
    except _prof.ScriptExit as e:
        return e.args[0]
    except _prof.UsageError as e:
        print("pyjitc run: %s\n\n%s" % (e, RUN_USAGE), file=sys.stderr, end="")
        return 2
    top = o["top"] or 5
    script = os.path.abspath(o["script"])

    def say(msg):
        print("pyjitc run --hot: %s" % msg, file=sys.stderr)
    if o["profile"]:
        import json
        try:
            with open(o["profile"]) as f:
                report = _prof.Report.from_dict(json.load(f))
        except (OSError, ValueError, KeyError) as e:
            print("pyjitc run: cannot read the profile %s: %s" % (o["profile"], e),
                  file=sys.stderr)
            return 2
        prof_wall = report.wall_time
        how = "read from %s" % o["profile"]
    else:
        try:
            report, _ = _profile_subprocess(script, o["args"], max(top, 10), o["check"])
            prof_wall = report.wall_time   # the script alone, not start-up and checks
        except RuntimeError as e:
            say(str(e))
            report, prof_wall = None, 0.0
        how = "profiling run"
    chosen = report.hot(top) if report else []
    t_compile = time.perf_counter()
    compiled = compile_functions(chosen, log=say) if chosen else {}
    t_compile = time.perf_counter() - t_compile
    for fr in chosen:
        fn = compiled.get((fr.file, fr.name))
        if fn is not None:
            _INSTALL[(os.path.realpath(fr.file), fr.name, fr.line)] = (fn, fr)
    files = {k[0] for k in _INSTALL}
    finder = _HotFinder(files)
    if _INSTALL:
        sys.meta_path.insert(0, finder)
    t0 = time.perf_counter()
    try:
        status = _prof.run_script(script, o["args"], transform=_transform)
    finally:
        wall = time.perf_counter() - t0
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        try:
            sys.stdout.flush()
        except Exception:
            pass
        _final_report(say, report, how, prof_wall, chosen, compiled, t_compile, wall)
    return status


def _final_report(say, report, how, prof_wall, chosen, compiled, t_compile, wall):
    if report is None:
        say("no profile; ran the script unchanged (%.3f s)" % wall)
        return
    if not chosen:
        say("nothing to replace: no compilable function takes %.0f%% of the time at "
            "%.0f us a call or more (see `pyjitc profile`); ran unchanged in %.3f s"
            % (100 * _prof.MIN_SHARE, _prof.MIN_CALL_US, wall))
        return
    lines = []
    for fr, g in _INSTALLED:
        n_c, n_py, n_rerun = g.__pyjitc_calls__
        extra = (", %d reran in Python after OverflowError" % n_rerun) if n_rerun else ""
        lines.append("  %s%s at %s: %.1f%% of the profiled time; %d calls compiled, %d "
                     "in Python (other argument types)%s"
                     % (fr.qualname, fr.signature, fr.where, 100 * fr.own_share, n_c, n_py,
                        extra))
    done = {(fr.file, fr.name) for fr, _ in _INSTALLED}
    for fr in chosen:
        if (fr.file, fr.name) not in done:
            why = "not compiled" if (fr.file, fr.name) not in compiled else \
                "its def did not run"
            lines.append("  %s (%s): %s" % (fr.qualname, fr.where, why))
    say("replaced %d function%s (compile/load %.3f s):\n%s"
        % (len(_INSTALLED), "" if len(_INSTALLED) == 1 else "s", t_compile, "\n".join(lines)))
    saved = prof_wall - wall
    say("time: %.3f s (%s, under the profiler) -> %.3f s with compiled code (%.3f s saved, "
        "%.1fx)" % (prof_wall, how, wall, saved, prof_wall / wall if wall > 0 else 0.0))
