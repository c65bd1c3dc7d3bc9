"""numpy.* in compiled code: exactly NumPy's answer, or a compile error.

Compiled `np.f(x)` calls the C library (glibc libm) or an LLVM intrinsic
(compiler/lower_call.c), while CPython running the same source calls NumPy's
ufunc.  NumPy 2.x computes several float64 functions with its own SIMD code
(SVML-derived, AVX-512; tanh also with AVX2), which differs from libm in the
last bit on 0.02% to 12% of inputs.  So the checker (compiler/check_call.c,
numpy_inexact) rejects exactly those functions and names the math.* function
that gives the C library's value.  This file keeps that list honest:

- every SUPPORTED numpy function (all 'N' rows of stdlib/builtins.def that are
  not in REJECTED) is compiled in a module and compared bit for bit (any NaN
  equals any NaN) with NumPy on a Python float and on an np.float64 scalar,
  called at the boundary, inside a compiled loop over an array, and with
  constant arguments (which LLVM folds at compile time);
- every REJECTED one makes `pyjitc check` exit 1 with the message naming the
  math.* alternative, and the alternative itself is bit-identical to CPython's
  math module in compiled code (values and exceptions);
- on a CPU where NumPy dispatches its AVX-512 code, each REJECTED function
  really does differ from libm on the sample (if NumPy ever stops differing,
  this tells us the function could be supported again).

NumPy's choice of implementation depends on the CPU it runs on (SIMD
dispatch): without AVX-512 only tanh differs, and with the x86-64 baseline
none does (NPY_DISABLE_CPU_FEATURES shows this).  pyjitc rejects the union
measured on the project's AVX-512 machines (AMD EPYC Zen 4), whatever the
compiling CPU, so a program compiles the same everywhere.  np.sin/np.cos are
libm calls in NumPy 2.4 (its float64 SIMD sin/cos is disabled); a NumPy that
re-enables it fails the first test here.

The full measurement (200k inputs per function, the table in docs/subset.md):
    PYJITC=build/pyjitc PYTHONPATH=python python3 tests/test_numpy_exactness.py 200000
"""
import importlib
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYJITC = os.environ.get("PYJITC", str(ROOT / "build" / "pyjitc"))
N = 20000

# numpy function -> (math alternative, extra text of the message): the
# measured set, mirrored by numpy_inexact() in compiler/check_call.c.
OVERFLOW = "; it raises OverflowError where NumPy returns inf"
LOGDOM = "; it raises ValueError where NumPy returns -inf or nan"
UNIT = "; it raises ValueError outside [-1, 1] where NumPy returns nan"
REJECTED = {
    "exp": ("exp", OVERFLOW), "expm1": ("expm1", OVERFLOW),
    "log": ("log", LOGDOM), "log2": ("log2", LOGDOM), "log10": ("log10", LOGDOM),
    "log1p": ("log1p", LOGDOM),
    "tan": ("tan", "; it raises ValueError for inf where NumPy returns nan"),
    "arcsin": ("asin", UNIT), "arccos": ("acos", UNIT),
    "arctan": ("atan", ""), "arctan2": ("atan2", ""),
    "sinh": ("sinh", OVERFLOW), "cosh": ("cosh", OVERFLOW), "tanh": ("tanh", ""),
}
PRED = {"isnan", "isinf", "isfinite"}
CONSTS = ["0.0", "-0.0", "1.0", "-1.0", "0.5", "2.0", "3.0", "10.0", "0.1", "1e-300", "5e-324",
          "1e300", "1e22", "-7.25", "709.0", "math.pi", "math.e", "math.inf", "-math.inf",
          "math.nan"]


def numpy_functions():
    """(name, nargs) of every numpy function row ('N', callable) of builtins.def."""
    out = []
    for ln in (ROOT / "stdlib" / "builtins.def").read_text().splitlines():
        m = re.match(r"BUILTIN\(\w+,\s*'N',\s*\"(\w+)\",\s*(-?\d+),\s*(-?\d+)\)", ln)
        if m and int(m.group(2)) >= 1:
            out.append((m.group(1), int(m.group(2))))
    return out


FUNCS = numpy_functions()
SUPPORTED = [(f, n) for f, n in FUNCS if f not in REJECTED]


def sample(n, seed):
    """n float64 inputs: special values first, then equal parts of any bit
    pattern, log-uniform over the whole range, subnormals and uniform ranges
    where the functions change behaviour."""
    rng = np.random.default_rng(seed)
    spec = [0.0, -0.0, math.inf, -math.inf, math.nan, -math.nan, 5e-324, -5e-324,
            2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1.0, -1.0,
            0.5, -0.5, 2.0, math.pi, math.e, 709.782712893384, 709.7827128933841,
            -745.1332191019411, -745.1332191019412, 1e-300, 1e300, 1e22, -1e22]
    k = n // 8 + 1
    sign = lambda: rng.choice([-1.0, 1.0], k)
    parts = [
        rng.integers(0, 2**64, k, dtype=np.uint64).view(np.float64),
        sign() * np.exp2(rng.uniform(-1075, 1024, k)),
        sign() * rng.integers(0, 2**52, k).astype(np.float64) * 5e-324,
        rng.uniform(-1, 1, k), rng.uniform(-4, 4, k), rng.uniform(-25, 25, k),
        rng.uniform(-750, 750, k), rng.uniform(-1e6, 1e6, k),
    ]
    return np.concatenate([np.array(spec)] + parts)[:n]


def arguments(nargs, n):
    xs = [sample(n, 1000 + 17 * j) for j in range(nargs)]
    if nargs == 2:   # pair each x with an unrelated y
        xs[1] = np.random.default_rng(99).permutation(xs[1])
    return xs


def build(src, tag, outdir):
    outdir = pathlib.Path(outdir)
    name = f"npexact_{tag}_{os.getpid()}"
    path = outdir / (name + ".py")
    path.write_text(src)
    r = subprocess.run([PYJITC, "build", "-o", str(outdir), str(path)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    sys.path.insert(0, str(outdir))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(outdir))


HEADER = "import math\nimport numpy as np\nfrom pyjitc import native, f64\n\n"


def numpy_source(funcs):
    """s_F: np.F on scalars; v_F: np.F in a loop over arrays; c_F: on constants."""
    s = [HEADER]
    for f, na in funcs:
        ret = "bool" if f in PRED else "float"
        params = ", ".join(f"x{i}: float" for i in range(na))
        args = ", ".join(f"x{i}" for i in range(na))
        s.append(f"@native\ndef s_{f}({params}) -> {ret}:\n    return np.{f}({args})\n\n")
        arrays = ", ".join(f"a{i}: f64[:]" for i in range(na))
        el = f"np.{f}({', '.join(f'a{i}[i]' for i in range(na))})"
        if f in PRED:
            el = f"1.0 if {el} else 0.0"
        s.append(f"@native\ndef v_{f}({arrays}, out: f64[:]) -> None:\n"
                 f"    for i in range(len(out)):\n        out[i] = {el}\n\n")
        consts = [", ".join([c] + ["0.75", "-2.5"][:na - 1]) for c in CONSTS]
        if na == 2:
            consts += [f"2.5, {c}" for c in CONSTS]
        calls = [f"np.{f}({c})" for c in consts]
        if f in PRED:
            calls = [f"1.0 if {c} else 0.0" for c in calls]
        stores = "".join(f"    out[{k}] = {c}\n" for k, c in enumerate(calls))
        s.append(f"@native\ndef c_{f}(out: f64[:]) -> None:\n{stores}\n")
    return "".join(s)


def constant_args(f, na):
    consts = [[eval(c, {"math": math})] + [0.75, -2.5][:na - 1] for c in CONSTS]
    if na == 2:
        consts += [[2.5, eval(c, {"math": math})] for c in CONSTS]
    return consts


def differing(a, b):
    """Boolean mask: where a and b are not the same float64 (NaNs all equal)."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    same = (a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))
    return ~same


def numpy_scalar(fn, cols, conv=float):
    with np.errstate(all="ignore"):
        return [fn(*map(conv, a)) for a in zip(*cols)]


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="npexact-") as d:
        yield d


@pytest.fixture(scope="module")
def supported_mod(workdir):
    return build(numpy_source(SUPPORTED), "sup", workdir)


def test_lists_cover_builtins_def():
    names = {f for f, _ in FUNCS}
    assert set(REJECTED) <= names, set(REJECTED) - names
    assert len(SUPPORTED) + len(REJECTED) == len(FUNCS)


@pytest.mark.parametrize("f,na", SUPPORTED, ids=[f for f, _ in SUPPORTED])
def test_supported_bit_identical(supported_mod, f, na):
    xs = arguments(na, N)
    cols = [x.tolist() for x in xs]
    uf = getattr(np, f)
    got = [getattr(supported_mod, "s_" + f)(*a) for a in zip(*cols)]
    out = np.empty(N)
    getattr(supported_mod, "v_" + f)(*xs, out)
    for what, ref in [("Python float", numpy_scalar(uf, cols)),
                      ("np.float64", numpy_scalar(uf, cols, np.float64))]:
        bad = differing(got, ref)
        i = int(np.argmax(bad))
        assert not bad.any(), (f"np.{f} on a {what}: {bad.sum()} of {N} differ, e.g. "
                               f"{[c[i] for c in cols]}: NumPy {ref[i]!r}, compiled {got[i]!r}")
    bad = differing(out, got)
    assert not bad.any(), f"np.{f} in a compiled loop differs from the scalar call on {bad.sum()}"
    # constant arguments are folded by LLVM at compile time
    cargs = constant_args(f, na)
    cout = np.empty(len(cargs))
    getattr(supported_mod, "c_" + f)(cout)
    bad = differing(cout, numpy_scalar(uf, list(zip(*cargs))))
    assert not bad.any(), f"np.{f} on constants: {[cargs[i] for i in np.flatnonzero(bad)]}"
    # result types: CPython gets np.float64 (a float) or np.bool_; compiled float or bool
    r, g = uf(*[c[0] for c in cols]), got[0]
    if f in PRED:
        assert type(r) is np.bool_ and type(g) is bool
    else:
        assert isinstance(r, float) and type(g) is float


def test_rejected_are_compile_errors(workdir):
    src = HEADER + "".join(
        f"@native\ndef r_{f}(x: float) -> float:\n    return np.{f}({', '.join(['x'] * n)})\n\n"
        for f, n in FUNCS if f in REJECTED)
    path = pathlib.Path(workdir) / "rejected.py"
    path.write_text(src)
    r = subprocess.run([PYJITC, "check", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    for f, (alt, note) in REJECTED.items():
        msg = (f"error: np.{f} is not supported in compiled code: NumPy's {f} can differ from the "
               f"C library's in the last bit, so the compiled result could silently differ from "
               f"CPython's; use math.{alt} (same value as CPython's math module{note})")
        assert r.stderr.count(msg) == 1, (f, r.stderr)
    assert r.stderr.count("error:") == len(REJECTED), r.stderr


def test_rejected_under_any_spelling(workdir):
    path = pathlib.Path(workdir) / "spelling.py"
    path.write_text("import numpy\nfrom numpy import tanh as th\nfrom pyjitc import native\n\n"
                    "@native\ndef f(x: float) -> float:\n    return numpy.log(x) + th(x)\n")
    r = subprocess.run([PYJITC, "check", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "7:12: error: numpy.log is not supported in compiled code" in r.stderr, r.stderr
    assert "7:27: error: numpy.tanh is not supported in compiled code" in r.stderr, r.stderr
    assert "use math.tanh (same value as CPython's math module)" in r.stderr


def _call(fn, args):
    try:
        return ("ok", fn(*args))
    except (ValueError, OverflowError) as e:
        return (type(e).__name__, str(e))


def test_math_alternatives_are_exact(workdir):
    alts = sorted({(alt, n) for f, n in FUNCS if f in REJECTED for alt in [REJECTED[f][0]]})
    src = HEADER + "".join(
        f"@native\ndef m_{a}({', '.join(f'x{i}: float' for i in range(n))}) -> float:\n"
        f"    return math.{a}({', '.join(f'x{i}' for i in range(n))})\n\n" for a, n in alts)
    mod = build(src, "alt", workdir)
    n = N // 4
    for a, na in alts:
        cols = [x.tolist() for x in arguments(na, n)]
        ref = [_call(getattr(math, a), args) for args in zip(*cols)]
        got = [_call(getattr(mod, "m_" + a), args) for args in zip(*cols)]
        assert [r[0] for r in ref] == [g[0] for g in got], f"math.{a}: exceptions differ"
        assert [r[1] for r in ref if r[0] != "ok"] == [g[1] for g in got if g[0] != "ok"]
        vals = [(r[1], g[1]) for r, g in zip(ref, got) if r[0] == "ok"]
        bad = differing([v[0] for v in vals], [v[1] for v in vals])
        assert not bad.any(), f"math.{a}: {bad.sum()} values differ from CPython's math module"


def _numpy_has_avx512():
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        return False
    return bool(__cpu_features__.get("AVX512F")) and bool(__cpu_features__.get("AVX512_SKX"))


@pytest.mark.skipif(not _numpy_has_avx512(),
                    reason="NumPy dispatches its AVX-512 code only on AVX-512 CPUs; elsewhere "
                           "most of these equal libm (pyjitc rejects them everywhere)")
def test_rejected_really_differ():
    for f, (alt, _) in REJECTED.items():
        na = 2 if f == "arctan2" else 1
        cols = [x.tolist() for x in arguments(na, N)]
        ref = numpy_scalar(getattr(np, f), cols)
        lib = [_call(getattr(math, alt), a) for a in zip(*cols)]
        pairs = [(float(r), v[1]) for r, v in zip(ref, lib) if v[0] == "ok"]
        bad = differing([p[0] for p in pairs], [p[1] for p in pairs])
        assert bad.any(), f"np.{f} equals libm's {alt} on all {len(pairs)} inputs: supportable?"


def measure(n):
    """The full table: % of inputs where NumPy on a Python float / on an
    np.float64 differs from compiled code.  A REJECTED function no longer
    compiles, so it is compared with the compiled math.* alternative (the C
    library's value, which is what compiled np.F used to return) on the
    inputs where that does not raise."""
    with tempfile.TemporaryDirectory(prefix="npexact-") as d:
        src = HEADER
        for f, na in FUNCS:
            ret = "bool" if f in PRED else "float"
            params = ", ".join(f"x{i}: float" for i in range(na))
            callee = f"math.{REJECTED[f][0]}" if f in REJECTED else f"np.{f}"
            args = ", ".join(f"x{i}" for i in range(na))
            src += f"@native\ndef s_{f}({params}) -> {ret}:\n    return {callee}({args})\n\n"
        mod = build(src, "all", d)
        print(f"{'function':10} {'inputs':>7} {'Python float':>13} {'np.float64':>11}  compiled")
        for f, na in FUNCS:
            cols = [x.tolist() for x in arguments(na, n)]
            got = [_call(getattr(mod, "s_" + f), a) for a in zip(*cols)]
            keep = [i for i, g in enumerate(got) if g[0] == "ok"]
            got = [got[i][1] for i in keep]
            cols = [[c[i] for i in keep] for c in cols]
            uf = getattr(np, f)
            p1 = differing(got, numpy_scalar(uf, cols)).mean() * 100
            p2 = differing(got, numpy_scalar(uf, cols, np.float64)).mean() * 100
            how = f"math.{REJECTED[f][0]}, rejected" if f in REJECTED else f"np.{f}"
            print(f"{f:10} {len(keep):7} {p1:12.3f}% {p2:10.3f}%  {how}", flush=True)


if __name__ == "__main__":
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200000)
