"""Differential testing of compiled code against CPython.

    mods = build(SOURCE)            # (compiled_module, python_module)
    same_call(mods, "f", 1, 2.0)    # calls both, asserts equal results / exceptions

The source is written to a temporary directory, compiled with `pyjitc build`,
and imported; the same text also runs as plain Python (PYJITC_DISABLE=1, so
`@native` returns the function unchanged).  Results compare exactly: floats
bit for bit (any NaN equals any NaN), ints and bools by value and type,
tuples element-wise, exceptions by type and message, and array arguments
after the call (each side gets its own copy).
"""
import hashlib
import importlib.util
import math
import os
import pathlib
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
PYJITC = os.environ.get("PYJITC", str(ROOT / "build" / "pyjitc"))
_TMP = pathlib.Path(tempfile.mkdtemp(prefix="pyjitc-difftest-"))
_CACHE = {}

HEADER = "import math\nimport numpy as np\nfrom pyjitc import native, f64, f32, i64, i32, i16, i8, u64, u32, u16, u8\n"


class BuildError(Exception):
    pass


def build(source, flags=()):
    """Compiles `source` (HEADER is prepended) and returns (compiled, python)."""
    text = HEADER + source
    key = (text, tuple(flags))
    if key in _CACHE:
        return _CACHE[key]
    name = "dt_" + hashlib.sha1(repr(key).encode()).hexdigest()[:12]
    path = _TMP / (name + ".py")
    path.write_text(text)
    r = subprocess.run([PYJITC, "build", *flags, "-o", str(_TMP), str(path)],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise BuildError(f"pyjitc build failed ({r.returncode}):\n{r.stderr}\n--- source:\n{text}")
    if str(_TMP) not in sys.path:
        sys.path.insert(0, str(_TMP))
    compiled = importlib.import_module(name)
    old = os.environ.get("PYJITC_DISABLE")
    os.environ["PYJITC_DISABLE"] = "1"
    try:
        spec = importlib.util.spec_from_file_location(name + "_py", path)
        python = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(python)
    finally:
        if old is None:
            del os.environ["PYJITC_DISABLE"]
        else:
            os.environ["PYJITC_DISABLE"] = old
    _CACHE[key] = (compiled, python)
    return compiled, python


def normalize(v):
    """NumPy scalars as the Python values CPython code would have made."""
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, tuple):
        return tuple(normalize(x) for x in v)
    return v


def same_value(a, b):
    a, b = normalize(a), normalize(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return struct.pack("<d", a) == struct.pack("<d", b)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b


def same_array(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        an, bn = np.isnan(a), np.isnan(b)
        return bool((an == bn).all()) and a[~an].tobytes() == b[~bn].tobytes()
    return a.tobytes() == b.tobytes()


def _root(x):
    while isinstance(x.base, np.ndarray):
        x = x.base
    return x


def _copy(x, bases=None):
    """A copy of x with the same layout; arrays that share memory in one
    call's arguments (the same array twice, views of one base) share it in
    the copies too, through `bases` (id of the root array -> its copy)."""
    if not isinstance(x, np.ndarray):
        return x
    bases = {} if bases is None else bases
    root = _root(x)
    if id(root) not in bases:
        bases[id(root)] = (root, root.copy(order="K"))
    base = bases[id(root)][1]
    offset = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(x.shape, x.dtype, base, offset, x.strides)


def _too_big(v):
    v = normalize(v)
    if isinstance(v, tuple):
        return any(_too_big(x) for x in v)
    return type(v) is int and not -2**63 <= v < 2**63


def run(fn, args):
    try:
        return ("ok", fn(*args))
    except Exception as e:  # noqa: BLE001 - every exception is compared
        return ("exc", type(e), str(e))


def same_call(mods, fname, *args):
    """Calls fname in both modules on copies of args; asserts the same outcome."""
    compiled, python = mods
    cb, pb = {}, {}
    ca = [_copy(a, cb) for a in args]
    pa = [_copy(a, pb) for a in args]
    rc = run(getattr(compiled, fname), ca)
    with np.errstate(all="ignore"):
        rp = run(getattr(python, fname), pa)
    desc = f"{fname}{tuple(args)!r}"
    if rp[0] == "exc":
        assert rc[0] == "exc", f"{desc}: Python raised {rp[1].__name__}: {rp[2]}, compiled returned {rc[1]!r}"
        assert rc[1] is rp[1] and rc[2] == rp[2], (
            f"{desc}: Python raised {rp[1].__name__}: {rp[2]!r}, compiled {rc[1].__name__}: {rc[2]!r}")
    elif _too_big(rp[1]):
        # SPEC §3: where CPython would grow the int past 64 bits, OverflowError
        assert rc[0] == "exc" and rc[1] is OverflowError, (
            f"{desc}: Python returned {rp[1]!r} (beyond int64), compiled {rc[1:]!r}")
    elif isinstance(rp[1], complex):
        # a negative float to a fractional power: a clear ValueError, not complex
        assert rc[0] == "exc" and rc[1] is ValueError, f"{desc}: compiled {rc[1:]!r}"
    else:
        assert rc[0] == "ok", f"{desc}: Python returned {rp[1]!r}, compiled raised {rc[1].__name__}: {rc[2]}"
        assert same_value(rc[1], rp[1]), f"{desc}: Python returned {rp[1]!r}, compiled {rc[1]!r}"
    for i, (x, y) in enumerate(zip(ca, pa)):
        if isinstance(x, np.ndarray):
            assert same_array(x, y), f"{desc}: argument {i} after the call: Python {y!r}, compiled {x!r}"
    return rc


def module_ir(tmp_path, source, only, flags=()):
    """The optimized LLVM IR of `source` (HEADER is prepended) built with
    --only `only` and `flags` (for tests of the code's structure)."""
    src = tmp_path / "irmod.py"
    src.write_text(HEADER + source)
    subprocess.run([PYJITC, "build", "--only", only, "--emit-llvm", *flags, "-o", str(tmp_path),
                    str(src)], check=True, capture_output=True, timeout=120)
    return (tmp_path / "irmod.ll").read_text()


def function_ir(ir, symbol):
    """The definition of `symbol` (an LLVM function name) in module text ir."""
    body = ir[re.search(rf"^define [^\n]*@{re.escape(symbol)}\(", ir, re.M).start():]
    return body[:body.index("\n}\n")]


def expect_exc(mods, fname, exc_type, message, *args):
    """The compiled function raises exactly this (for cases where the Python
    reference with NumPy scalars differs, e.g. element arithmetic)."""
    compiled, _ = mods
    r = run(getattr(compiled, fname), args)
    assert r[0] == "exc", f"{fname}{args!r}: expected {exc_type.__name__}, got {r[1]!r}"
    assert r[1] is exc_type and r[2] == message, f"{fname}{args!r}: got {r[1].__name__}: {r[2]!r}"


INTS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 10, 2**31, -2**31, 2**53, 2**53 + 1, -(2**53) - 1,
        2**62, 2**63 - 1, -2**63, -2**63 + 1]
FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, 1e-300, 5e-324, 1e300, -1e300,
          1.7976931348623157e308, 2.0**53, 2.0**63, -2.0**63, 9.3e18, math.pi,
          float("inf"), float("-inf"), float("nan")]
