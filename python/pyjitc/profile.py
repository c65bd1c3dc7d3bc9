"""`pyjitc profile`: where a script's time goes, and what pyjitc can take.

One run does both jobs (a script may have side effects, so there is no second
pass): cProfile times every call (C code, sys.setprofile), and a sys.settrace
hook records the argument types of calls.  Trace functions and profile
functions are separate slots in CPython, so both run at once.  The trace hook
looks at the first FULL_CALLS calls of each code object and then one call in
SAMPLE_EVERY, which keeps its cost to one small Python call per Python call
(measured in docs/hot.md).  For a recorded call it also asks for the
'return' event (with line events switched off) to see the return type.

After the run, each function in the top N by own time is analysed: where it
is defined (a module-level def in one of the user's files?), the types it was
called with (numbers and arrays only), then the compiler's own verdict:
`pyjitc check --only NAME` on a copy of its module whose def line carries the
observed annotations.  The first diagnostic is the reason it is not
compilable.  See docs/hot.md.
"""

import ast
import io
import os
import re
import sys
import time
import tokenize

__all__ = ["Recorder", "FunctionReport", "Report", "run_script", "profile_call",
           "analyse", "synthesize", "kind_annotation"]

FULL_CALLS = 16        # every call recorded, per code object, at first
SAMPLE_EVERY = 64      # afterwards one call in this many
MIN_SHARE = 0.02       # run --hot: a function below 2% of own time is not worth it
MIN_CALL_US = 1.0      # ... nor one whose calls take under 1 us (the guard costs ~0.2)

_CO_GEN = 0x20 | 0x80 | 0x100 | 0x200   # generator, coroutine, iterable coro, async gen

# ---- value kinds -------------------------------------------------------------
# A kind is a short string, cheap to hash:
#   "int" "float" "bool" "None"                    scalars (numpy floats are "float")
#   "A|<container>|<elem>|<ndim>|<C or S>|<W or R>"  a buffer pyjitc can take
#   "T|k1,k2"                                      a tuple of scalar kinds (returns)
#   "O|<type name>"                                anything else

_NP_ELEM = {("f", 8): "f64", ("f", 4): "f32", ("i", 8): "i64", ("i", 4): "i32",
            ("i", 2): "i16", ("i", 1): "i8", ("u", 8): "u64", ("u", 4): "u32",
            ("u", 2): "u16", ("u", 1): "u8"}
_FMT_ELEM = {"d": "f64", "f": "f32", "b": "i8", "B": "u8", "h": "i16", "H": "u16"}
_SIZED = {"i": "i", "I": "u", "l": "i", "L": "u", "q": "i", "Q": "u"}


# NumPy scalars with the same values as Python's: taken as float / int / bool,
# and a compiled result is converted back to the type the Python code returned.
_NP_SCALARS = {"float64": "float", "int64": "int", "bool": "bool", "bool_": "bool"}


def _fmt_elem(fmt, itemsize):
    fmt = fmt.lstrip("@=")
    if fmt in _FMT_ELEM:
        return _FMT_ELEM[fmt]
    if fmt in _SIZED:
        return "%s%d" % (_SIZED[fmt], itemsize * 8)
    return None


def _typename(t):
    mod = getattr(t, "__module__", "builtins")
    return t.__qualname__ if mod == "builtins" else "%s.%s" % (mod, t.__qualname__)


def kind_of(v):
    t = type(v)
    if t is int or t is float or t is bool:
        return t.__name__
    if v is None:
        return "None"
    name = t.__name__
    if t.__module__ == "numpy" and name in _NP_SCALARS:
        return "N|numpy." + name
    if name == "ndarray" and t.__module__ == "numpy":
        dt = v.dtype
        elem = _NP_ELEM.get((dt.kind, dt.itemsize))
        if elem is None or dt.byteorder not in "=|" or not 1 <= v.ndim <= 4:
            return "O|numpy.ndarray[%s, %dd]" % (dt.name, v.ndim)
        f = v.flags
        return "A|numpy.ndarray|%s|%d|%s|%s" % (elem, v.ndim, "C" if f.c_contiguous else "S",
                                                "W" if f.writeable else "R")
    if t is bytearray:
        return "A|bytearray|u8|1|C|W"
    if name == "array" and t.__module__ == "array":
        elem = _fmt_elem(v.typecode, v.itemsize)
        if elem:
            return "A|array.array|%s|1|C|W" % elem
    if t is memoryview:
        elem = _fmt_elem(v.format, v.itemsize)
        if elem and 1 <= v.ndim <= 4:
            return "A|memoryview|%s|%d|%s|%s" % (elem, v.ndim, "C" if v.c_contiguous else "S",
                                                 "R" if v.readonly else "W")
    if t is tuple and 0 < len(v) <= 16:
        kinds = [kind_of(x) for x in v]
        if all(k in ("int", "float", "bool") for k in kinds):
            return "T|" + ",".join(kinds)
    return "O|" + _typename(t)


def kind_annotation(kind):
    """The pyjitc annotation of a kind, or None if it has none."""
    if kind in ("int", "float", "bool", "None"):
        return kind
    tag, _, rest = kind.partition("|")
    if tag == "N":
        return _NP_SCALARS[rest.split(".")[-1]]
    if tag == "A":
        _, elem, ndim, layout, _ = rest.split("|")
        dims = [":"] * int(ndim)
        if layout == "C":
            dims[-1] = "::1"
        return "%s[%s]" % (elem, ", ".join(dims))
    if tag == "T":
        return "tuple[%s]" % ", ".join(rest.split(","))
    return None


def kind_label(kind):
    """How a kind reads in a report: the annotation, or the Python type."""
    ann = kind_annotation(kind)
    if kind.startswith("A|"):
        parts = kind.split("|")
        extra = [] if parts[1] == "numpy.ndarray" else [parts[1]]
        if parts[5] == "R":
            extra.append("read-only")
        return ann + (" (%s)" % ", ".join(extra) if extra else "")
    if kind.startswith("N|"):
        return kind[2:]
    if ann is not None:
        return ann
    return kind[2:]


# ---- recording -----------------------------------------------------------------

class Recorder:
    """The sys.settrace hook: argument and return kinds per code object."""

    def __init__(self):
        self.seen = {}       # code -> calls seen
        self.sigs = {}       # code -> {(arg kinds...): [calls recorded, {return kind: n}]}

    def trace(self, frame, event, arg):
        code = frame.f_code
        n = self.seen.get(code, 0)
        self.seen[code] = n + 1
        if (n >= FULL_CALLS and n % SAMPLE_EVERY) or code.co_flags & _CO_GEN:
            return None
        try:
            nargs = code.co_argcount + code.co_kwonlyargcount
            loc = frame.f_locals
            sig = tuple(kind_of(loc[v]) for v in code.co_varnames[:nargs])
        except Exception:  # a missing local or a strange object: not recorded
            return None
        slot = self.sigs.setdefault(code, {}).setdefault(sig, [0, {}])
        slot[0] += 1
        frame.f_trace_lines = False
        rets = slot[1]
        raised = []

        def local(frame, event, arg):
            if event == "return":
                # After an exception escapes, 'return' comes with None.
                k = "!raised" if raised and arg is None else kind_of(arg)
                rets[k] = rets.get(k, 0) + 1
                return None
            if event == "exception":
                raised.append(1)
            return local
        return local
        return local

    def start(self):
        sys.settrace(self.trace)

    def stop(self):
        sys.settrace(None)


# ---- running a script ------------------------------------------------------------

class ScriptExit(Exception):
    pass


def run_script(path, args, prepare=None, transform=None):
    """Runs `path` as __main__ with sys.argv = [path] + args, as `python path`
    would.  Returns the exit status.  `prepare()` is called just before the
    script's code runs (it starts the profiler), and the result of its call
    to stop, if any, ends it.  `transform(tree, path)` may rewrite the AST."""
    import types
    path = os.path.abspath(path)
    with open(path, "rb") as f:
        source = f.read()
    if transform is not None:
        tree = ast.parse(source, path)
        code = compile(transform(tree, path), path, "exec", dont_inherit=True)
    else:
        code = compile(source, path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update({"__file__": path, "__cached__": None, "__builtins__": __builtins__,
                          "__spec__": None, "__loader__": None, "__package__": None})
    old_main, old_argv, old_path0 = sys.modules.get("__main__"), sys.argv, sys.path[:1]
    sys.modules["__main__"] = main
    sys.argv = [path] + list(args)
    sys.path[:1] = [os.path.dirname(path)]
    status = 0
    stop = prepare() if prepare else None
    try:
        exec(code, main.__dict__)
    except SystemExit as e:
        status = _exit_status(e.code)
    except BaseException as e:
        if stop:
            stop()
            stop = None
        import traceback
        sys.stdout.flush()
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        status = 130 if isinstance(e, KeyboardInterrupt) else 1
    finally:
        if stop:
            stop()
        try:
            sys.stdout.flush()
        except Exception:
            pass
        sys.argv = old_argv
        sys.path[:1] = old_path0
        if old_main is not None:
            sys.modules["__main__"] = old_main
    return status


def _exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


# ---- analysis ---------------------------------------------------------------

class FunctionReport:
    """One row of the report.  Plain attributes; to_dict()/from_dict() for JSON."""

    FIELDS = ("name", "qualname", "file", "line", "module", "own_time", "cum_time",
              "own_share", "cum_share", "calls", "primitive_calls", "compilable", "reason",
              "reason_at", "signature", "params", "returns", "return_kind", "observed", "source",
              "notes")

    def __init__(self, **kw):
        for f in self.FIELDS:
            setattr(self, f, kw.get(f))
        self.notes = self.notes or []
        self.observed = self.observed or []
        self.params = self.params or []
        self.func = kw.get("func")      # the function object, when known (library use)

    def to_dict(self):
        return {f: getattr(self, f) for f in self.FIELDS}

    @classmethod
    def from_dict(cls, d):
        return cls(**{f: d.get(f) for f in cls.FIELDS})

    @property
    def where(self):
        return "%s:%s" % (_short(self.file), self.line) if self.line else self.file

    @property
    def own_per_call_us(self):
        return 1e6 * self.own_time / self.calls if self.calls else 0.0

    def __repr__(self):
        return "<FunctionReport %s %s %.1f%% %s>" % (self.qualname, self.where,
                                                     100 * self.own_share,
                                                     "compilable" if self.compilable
                                                     else "not compilable")


class Report:
    """The whole profile: .functions ranked by own time, printable."""

    def __init__(self, functions, total_time, wall_time, calls, script=None, argv=None,
                 exit_status=0, result=None):
        self.functions = functions
        self.total_time = total_time
        self.wall_time = wall_time
        self.calls = calls
        self.script = script
        self.argv = argv or []
        self.exit_status = exit_status
        self.result = result

    def hot(self, top=5, min_share=MIN_SHARE, min_call_us=MIN_CALL_US):
        """The functions `run --hot` would replace: compilable, among the `top`
        by own time, at least min_share of own time and min_call_us a call."""
        out = []
        for f in self.functions[:top]:
            if f.compilable and f.own_share >= min_share and f.own_per_call_us >= min_call_us:
                out.append(f)
        return out

    def to_dict(self):
        return {"pyjitc_profile": 1, "script": self.script, "argv": self.argv,
                "python": sys.version.split()[0], "total_time": self.total_time,
                "wall_time": self.wall_time, "calls": self.calls,
                "exit_status": self.exit_status,
                "functions": [f.to_dict() for f in self.functions]}

    @classmethod
    def from_dict(cls, d):
        if d.get("pyjitc_profile") != 1:
            raise ValueError("not a pyjitc profile (written by `pyjitc profile --json`)")
        return cls([FunctionReport.from_dict(f) for f in d["functions"]], d["total_time"],
                   d["wall_time"], d["calls"], d.get("script"), d.get("argv"),
                   d.get("exit_status", 0))

    def format(self, sources=True):
        out = io.StringIO()
        w = out.write
        what = _short(self.script) if self.script else "the call"
        w("pyjitc profile: %s: %.3f s under the profiler, %d function calls\n\n"
          % (what, self.wall_time, self.calls))
        w("  #   own%    cum%    own s      calls  function\n")
        for i, f in enumerate(self.functions, 1):
            w("%3d %5.1f%%  %5.1f%%  %7.3f  %9d  %s (%s)\n"
              % (i, 100 * f.own_share, 100 * f.cum_share, f.own_time, f.calls, f.qualname,
                 f.where))
            if f.compilable:
                w("      compilable: %s%s\n" % (f.name, f.signature))
            else:
                at = "%s: " % f.reason_at if f.reason_at else ""
                w("      not compilable: %s%s\n" % (at, f.reason))
            for note in f.notes:
                w("      note: %s\n" % note)
        comp = [f for f in self.functions if f.source]
        if sources and comp:
            w("\nannotated source pyjitc would compile:\n")
            for f in comp:
                w("\n# %s\n" % f.where)
                w(f.source if f.source.endswith("\n") else f.source + "\n")
        return out.getvalue()

    def __str__(self):
        return self.format()


def _short(path):
    if not path:
        return "?"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("../..") else path


def _library_dirs():
    import sysconfig
    dirs = set()
    for k in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(k)
        if p:
            dirs.add(os.path.realpath(p))
    dirs.add(os.path.realpath(os.path.dirname(os.path.abspath(__file__))))
    return tuple(d + os.sep for d in dirs)


class _Sources:
    """Module sources, parsed once."""

    def __init__(self):
        self.text = {}
        self.trees = {}

    def get(self, path):
        if path not in self.text:
            try:
                with open(path, "rb") as f:
                    data = f.read()
                self.text[path] = data.decode("utf-8")
                self.trees[path] = ast.parse(data, path)
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                self.text[path] = None
                self.trees[path] = None
        return self.text[path], self.trees[path]


def find_def(tree, name, line):
    """(FunctionDef, enclosing description or None) of `name` whose first line
    (decorators included) is `line`; the description says why it is not at
    module level.  Falls back to a unique module-level def of that name (the
    file may have changed since the profile)."""
    found = []

    def walk(node, outer):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                if child.name == name and (first == line or line is None):
                    found.append((child, outer))
                walk(child, "defined inside function %s" % child.name)
            elif isinstance(child, ast.ClassDef):
                walk(child, "a method of class %s" % child.name)
            elif isinstance(child, ast.Lambda):
                continue
            else:
                walk(child, outer)
    walk(tree, None)
    if found:
        return found[0]
    if line is not None:
        top = [r for r in (find_def(tree, name, None),) if r[0] is not None and r[1] is None]
        if top:
            return top[0]
    return None, None


def _decorator_name(d):
    if isinstance(d, ast.Call):
        d = d.func
    if isinstance(d, ast.Attribute):
        return d.attr
    if isinstance(d, ast.Name):
        return d.id
    return None


def _signature_for(node, sig, ret):
    """((name, annotation) list, return annotation) for the observed kinds."""
    a = node.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    params = [(n, kind_annotation(k)) for n, k in zip(names, sig)]
    return params, kind_annotation(ret)


def _header(node, source, params, ret):
    """The def line with the observed annotations; defaults kept."""
    a = node.args
    allargs = a.posonlyargs + a.args
    defaults = [None] * (len(allargs) - len(a.defaults)) + list(a.defaults)
    kwdefaults = list(a.kw_defaults)
    anns = dict(params)
    parts = []

    def one(arg, default):
        s = "%s: %s" % (arg.arg, anns[arg.arg])
        if default is not None:
            s += " = " + ast.get_source_segment(source, default)
        return s
    for i, (arg, default) in enumerate(zip(allargs, defaults)):
        parts.append(one(arg, default))
        if a.posonlyargs and i == len(a.posonlyargs) - 1:
            parts.append("/")
    if a.kwonlyargs:
        parts.append("*")
        for arg, default in zip(a.kwonlyargs, kwdefaults):
            parts.append(one(arg, default))
    return "def %s(%s) -> %s:" % (node.name, ", ".join(parts), ret)


def _header_span(source, node):
    """((row, col) of 'def', (row, col) just after the header's ':'), rows 1-based."""
    lines = source.splitlines(keepends=True)
    start = (node.lineno, node.col_offset)
    body = node.body[0]
    text = "".join(lines[node.lineno - 1:body.lineno])
    toks = tokenize.generate_tokens(io.StringIO(text[node.col_offset:]).readline)
    depth = 0
    seen_params = False
    for tok in toks:
        if tok.type != tokenize.OP:
            continue
        if tok.string in "([{":
            depth += 1
        elif tok.string in ")]}":
            depth -= 1
            if depth == 0:
                seen_params = True
        elif tok.string == ":" and depth == 0 and seen_params:
            row, col = tok.end
            col += node.col_offset if row == 1 else 0
            return start, (node.lineno + row - 1, col)
    raise ValueError("cannot find the end of the def line of %s" % node.name)


def synthesize(source, tree, rewrites):
    """`source` with the def lines of `rewrites` ({node: header text}) replaced,
    keeping every line where it was (extra newlines go inside the parentheses)."""
    lines = source.splitlines(keepends=True)
    spans = sorted(((_header_span(source, n), h) for n, h in rewrites.items()),
                   key=lambda x: x[0][0], reverse=True)
    for ((r0, c0), (r1, c1)), header in spans:
        extra = r1 - r0
        if extra:
            i = header.index("(") + 1
            header = header[:i] + "\n" * extra + header[i:]
        tail = lines[r1 - 1][c1:]
        new = lines[r0 - 1][:c0] + header + tail
        lines[r0 - 1:r1] = new.splitlines(keepends=True)
    return "".join(lines)


def function_source(source, node, header):
    """The annotated def of `node` as it reads (header on one line)."""
    lines = source.splitlines(keepends=True)
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    (r0, c0), (r1, c1) = _header_span(source, node)
    head = lines[r0 - 1][:c0] + header + lines[r1 - 1][c1:]
    return "".join(lines[first - 1:r0 - 1]) + head + "".join(lines[r1:node.end_lineno])


_DIAG = re.compile(r"^(.*?):(\d+):(\d+): error: (.*)$", re.M)


def compiler_check(synth, path, name):
    """Runs `pyjitc check --only NAME` on the synthesized source; returns None
    if it passes, else (message, 'file:line')."""
    import subprocess
    import tempfile
    from . import _compiler
    compiler = _compiler.find_compiler()
    d = tempfile.mkdtemp(prefix="pyjitc-hot-")
    tmp = os.path.join(d, os.path.basename(path))
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(synth)
        r = subprocess.run([compiler, "check", "--only", name, tmp], capture_output=True,
                           text=True, stdin=subprocess.DEVNULL)
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)
    if r.returncode == 0:
        return None
    m = _DIAG.search(r.stderr + r.stdout)
    if m:
        return m.group(4), "%s:%s" % (_short(path), m.group(2))
    return ("the compiler failed (exit status %d): %s"
            % (r.returncode, (r.stderr or r.stdout).strip()[:200]), None)


def _pick_signature(sigs):
    """The most frequent observed signature, and a list of all for the report."""
    ranked = sorted(sigs.items(), key=lambda kv: -kv[1][0])
    observed = []
    for sig, (n, rets) in ranked:
        observed.append({"types": [kind_label(k) for k in sig], "kinds": list(sig),
                         "returns": {k: c for k, c in rets.items()}, "count": n})
    return ranked[0] if ranked else None, observed


def _return_kind(rets):
    """The one return kind of a signature, or (None, reason)."""
    kinds = {k for k in rets if k != "!raised"}
    if not kinds:
        return None, "no call returned normally while it was observed"
    if len(kinds) == 1:
        return kinds.pop(), None
    labels = sorted(kind_label(k) for k in kinds)
    return None, "returns %s on different calls (one compiled return type would change " \
                 "some results)" % " and ".join(labels)


def analyse_function(fr, code, sigs, sources, libdirs, check=True):
    """Fills in fr.compilable / reason / signature / source for one function."""
    def no(reason, at=None):
        fr.compilable = False
        fr.reason = reason
        fr.reason_at = at
        return fr
    if code is None:
        return no("built-in or C function: not Python code")
    path = code.co_filename
    if not os.path.isabs(path) or not os.path.isfile(path):
        return no("its source is not a file (%s)" % path)
    if os.path.realpath(path).startswith(libdirs):
        return no("library code (standard library or site-packages): pyjitc compiles "
                  "only your own files")
    if fr.name == "<module>":
        return no("module-level code, not a function", fr.where)
    if fr.name == "<lambda>":
        return no("a lambda: only def functions are compiled", fr.where)
    if fr.name.startswith("<"):
        return no("a %s, not a function" % fr.name.strip("<>"), fr.where)
    source, tree = sources.get(path)
    if tree is None:
        return no("cannot read or parse %s" % path)
    node, outer = find_def(tree, fr.name, fr.line)
    if node is None:
        return no("cannot find its def in %s (changed since it ran?)" % _short(path))
    fr.qualname = fr.qualname or fr.name
    if outer:
        return no("%s: only module-level functions are compiled" % outer, fr.where)
    if isinstance(node, ast.AsyncFunctionDef):
        return no("an async function", fr.where)
    if code.co_flags & _CO_GEN:
        return no("a generator (it uses yield)", fr.where)
    if node.args.vararg or node.args.kwarg:
        which = "*" + node.args.vararg.arg if node.args.vararg else "**" + node.args.kwarg.arg
        return no("takes %s: compiled functions have fixed parameters" % which, fr.where)
    decos = [_decorator_name(d) for d in node.decorator_list]
    decos = [d for d in decos if d != "native"]
    if node.decorator_list and decos:
        return no("decorated with @%s: the module holds what the decorator returned"
                  % (decos[0] or "..."), fr.where)
    if node.decorator_list:
        return no("already @native", fr.where)
    best, fr.observed = _pick_signature(sigs or {})
    if best is None:
        return no("no call with recorded argument types")
    sig, (n, rets) = best
    bad = [(p, k) for p, k in zip(_param_names(node), sig) if kind_annotation(k) is None
           or k == "None" or k.startswith("T|")]
    if bad:
        return no("called with non-numeric argument types: %s"
                  % ", ".join("%s: %s" % (p, kind_label(k)) for p, k in bad), fr.where)
    ret, why = _return_kind(rets)
    if ret is None:
        return no(why, fr.where)
    if kind_annotation(ret) is None or ret.startswith("A|"):
        return no("returns %s: compiled functions return numbers, tuples of numbers or None"
                  % kind_label(ret), fr.where)
    if len(fr.observed) > 1:
        others = sum(o["count"] for o in fr.observed[1:])
        fr.notes.append("also called with other types (%d of %d observed calls): %s; those "
                        "calls run the Python function"
                        % (others, others + n,
                           "; ".join("(%s)" % ", ".join(o["types"]) for o in fr.observed[1:4])))
    params, retann = _signature_for(node, sig, ret)
    header = _header(node, source, params, retann)
    fr.params = [{"name": p, "annotation": a, "kind": k} for (p, a), k in zip(params, sig)]
    fr.returns = retann
    fr.return_kind = ret
    if ret.startswith("N|"):
        fr.notes.append("returns %s: the compiled result is converted to it" % ret[2:])
    fr.signature = header[len("def ") + len(node.name):-1]
    synth = synthesize(source, tree, {node: header})
    fr.source = function_source(source, node, header)
    if check:
        from ._compiler import CompileError
        try:
            verdict = compiler_check(synth, path, fr.name)
        except (CompileError, OSError) as e:
            verdict = ("not checked: cannot run the pyjitc compiler: %s" % e, None)
        if verdict is not None:
            fr.source = None
            return no(*verdict)
    fr.compilable = True
    return fr


def _param_names(node):
    a = node.args
    return [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]


def _module_name(path):
    real = os.path.realpath(path)
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if f and os.path.realpath(f) == real:
            return name
    return None


def analyse(stats, recorder, top=10, check=True, wall=0.0, script=None, argv=None,
            status=0, skip_files=()):
    """Builds the Report from pstats data (`Stats.stats`) and the recorder."""
    codes = {}
    for code in recorder.seen:
        codes[(code.co_filename, code.co_firstlineno, code.co_name)] = code
    rows = []
    total = 0.0
    calls = 0
    for key, (cc, nc, tt, ct, _callers) in stats.items():
        if key[0] in skip_files:
            continue
        total += tt
        calls += nc
        rows.append((tt, ct, nc, cc, key))
    rows.sort(key=lambda r: -r[0])
    total = total or 1e-12
    libdirs = _library_dirs()
    sources = _Sources()
    out = []
    for tt, ct, nc, cc, key in rows[:top]:
        filename, line, name = key
        code = codes.get(key)
        if filename == "~":
            fr = FunctionReport(name=name, qualname=name.strip("{}"), file="(built-in)",
                                line=0)
        else:
            qual = code.co_qualname if code is not None and hasattr(code, "co_qualname") \
                else name
            fr = FunctionReport(name=name, qualname=qual, file=os.path.abspath(filename),
                                line=line, module=_module_name(filename))
            if fr.module == "__main__" or (script and os.path.abspath(filename) == script):
                fr.module = "__main__"
        fr.own_time, fr.cum_time, fr.calls, fr.primitive_calls = tt, ct, nc, cc
        fr.own_share, fr.cum_share = tt / total, min(ct / total, 1.0)
        analyse_function(fr, code, recorder.sigs.get(code), sources, libdirs, check)
        out.append(fr)
    return Report(out, total, wall, calls, script, argv, status)


# ---- entry points ----------------------------------------------------------------

def _profilers():
    import cProfile
    prof = cProfile.Profile()
    rec = Recorder()

    def start():
        rec.start()
        prof.enable()

        def stop():
            prof.disable()
            rec.stop()
        return stop
    return prof, rec, start


def _stats(prof):
    import pstats
    return pstats.Stats(prof).stats


def profile_script(path, args, top=10, check=True):
    """Runs the script under the profiler; returns the Report."""
    path = os.path.abspath(path)
    prof, rec, start = _profilers()
    t0 = time.perf_counter()
    status = run_script(path, args, prepare=start)
    wall = time.perf_counter() - t0
    return analyse(_stats(prof), rec, top, check, wall, path, list(args), status,
                   skip_files=(__file__,))


def profile_call(fn, args=(), kwargs=None, top=10, check=True):
    """pyjitc.hot.profile(): profiles one call; the Report's .result is its value."""
    prof, rec, start = _profilers()
    stop = start()
    t0 = time.perf_counter()
    try:
        result = fn(*args, **(kwargs or {}))
    finally:
        stop()
    wall = time.perf_counter() - t0
    report = analyse(_stats(prof), rec, top, check, wall, skip_files=(__file__,))
    report.result = result
    for f in report.functions:
        f.func = _find_function(f)
    return report


def _find_function(fr):
    """The live function object of a row, if its module is loaded."""
    mod = sys.modules.get(fr.module) if fr.module else None
    if mod is None:
        return None
    obj = getattr(mod, fr.name, None)
    code = getattr(obj, "__code__", None)
    if code is not None and code.co_firstlineno == fr.line:
        return obj
    return None


USAGE = """usage: pyjitc profile [--json OUT] [--top N] [--no-check] script.py [args...]

Runs script.py (as __main__, with sys.argv = [script.py, args...]) under cProfile
while recording the argument types of calls, then prints where the time went:
the top N functions (default 10) by own time, each compilable or not (with the
first reason why not, file:line), the signature the observed types give, and
the annotated source pyjitc would compile.  --json OUT writes the same data.
--no-check skips the compiler's check (faster; verdicts on types only).
"""


def parse_common(argv, prog, usage, extra_flags=()):
    """Options before the script name; everything after it goes to the script."""
    opts = {"json": None, "top": None, "profile": None, "check": True, "hot": False,
            "quiet": False}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(usage)
            raise ScriptExit(0)
        if a == "--":
            i += 1
            break
        if not a.startswith("-") or a == "-":
            break
        name, eq, val = a.partition("=")
        if name in ("--json", "--top", "--profile") and (name != "--json" or
                                                         "json" not in extra_flags):
            if not eq:
                if i + 1 >= len(argv):
                    raise UsageError("%s needs a value" % name)
                val = argv[i + 1]
                i += 1
            if name == "--top":
                try:
                    opts["top"] = int(val)
                except ValueError:
                    raise UsageError("--top takes a number, not %r" % val)
                if opts["top"] < 1:
                    raise UsageError("--top takes a positive number")
            else:
                opts[name[2:]] = val
        elif a == "--no-check":
            opts["check"] = False
        elif a in extra_flags:
            opts[a.lstrip("-")] = True
        else:
            raise UsageError("unknown option %s" % a)
        i += 1
    if i >= len(argv):
        raise UsageError("missing the script to run")
    opts["script"] = argv[i]
    opts["args"] = argv[i + 1:]
    if not os.path.isfile(opts["script"]):
        raise UsageError("no such file: %s" % opts["script"])
    return opts


class UsageError(Exception):
    pass


def main(argv):
    try:
        o = parse_common(argv, "pyjitc profile", USAGE, extra_flags=("--quiet",))
    except ScriptExit as e:
        return e.args[0]
    except UsageError as e:
        print("pyjitc profile: %s\n\n%s" % (e, USAGE), file=sys.stderr, end="")
        return 2
    report = profile_script(o["script"], o["args"], top=o["top"] or 10, check=o["check"])
    if o["json"]:
        import json
        tmp = o["json"] + ".tmp"
        with open(tmp, "w") as f:
            json.dump(report.to_dict(), f, indent=1)
            f.write("\n")
        os.replace(tmp, o["json"])
    if not o["quiet"]:
        sys.stdout.write(report.format())
    return report.exit_status
