"""Differential tests: calls between compiled functions (recursion, keywords,
defaults, unannotated helpers specialized per call site), tracebacks through
native frames, module constants, builtins, math.* (CPython's errors) and
numpy.* (NaN/inf results), overflowcheck=False and fastmath."""
import itertools
import math
import traceback

import numpy as np
import pytest

from difftest import FLOATS, BuildError, build, same_call

SRC = '''
N = 64
G = 6.5e-3
NEG = -3

def helper(x, y):
    return x * y + N

@native
def use_helper(a: int, b: float) -> float:
    return helper(a, a) + helper(b, 2.0)

@native
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

@native
def scaled(x: float, k: float = 2.0, off: int = NEG) -> float:
    return x * k + off

@native
def call_kw(x: float) -> float:
    return scaled(x) + scaled(x, off=1) + scaled(k=0.5, x=x)

@native
def consts() -> float:
    return N * G + NEG

@native
def inner(x: int) -> int:
    return 10 // x

@native
def middle(x: int) -> int:
    y = x - 1
    return inner(y) + 1

@native
def outer(x: int) -> int:
    return middle(x) * 2

@native
def m1(x: float) -> tuple[float, float, float, float]:
    return math.sqrt(x), math.exp(x), math.log(x), math.sin(x)

@native
def m2(x: float) -> tuple[float, float, float, float]:
    return math.cos(x), math.tan(x), math.atan(x), math.tanh(x)

@native
def m3(x: float) -> tuple[float, float, float]:
    return math.asin(x), math.acos(x), math.atanh(x)

@native
def m4(x: float) -> tuple[float, float, float, float]:
    return math.log2(x), math.log10(x), math.log1p(x), math.expm1(x)

@native
def m5(x: float) -> tuple[float, float, float, float]:
    return math.sinh(x), math.cosh(x), math.asinh(x), math.acosh(x)

@native
def m6(x: float) -> tuple[float, float, float, float, float]:
    return math.fabs(x), math.degrees(x), math.radians(x), math.erf(x), math.erfc(x)

@native
def m7(x: float) -> tuple[float, float]:
    return math.gamma(x), math.lgamma(x)

@native
def mfloor(x: float) -> tuple[int, int, int]:
    return math.floor(x), math.ceil(x), math.trunc(x)

@native
def mbool(x: float) -> tuple[bool, bool, bool]:
    return math.isnan(x), math.isinf(x), math.isfinite(x)

@native
def mbin(x: float, y: float) -> tuple[float, float, float, float, float]:
    return math.atan2(x, y), math.pow(x, y), math.hypot(x, y), math.fmod(x, y), math.copysign(x, y)

@native
def mlog2(x: float, b: float) -> float:
    return math.log(x, b)

@native
def mgcd(a: int, b: int) -> int:
    return math.gcd(a, b)

@native
def mconst() -> tuple[float, float, float, float, float]:
    return math.pi, math.e, math.tau, math.inf, -math.inf

@native
def npf(x: float) -> tuple[float, float, float, float, float, float]:
    return np.sqrt(x), np.floor(x), np.ceil(x), np.trunc(x), np.abs(x), np.fabs(x)

@native
def npf2(x: float, y: float) -> tuple[float, float]:
    return np.copysign(x, y), np.degrees(x) + np.radians(y)

@native
def npb(x: float) -> tuple[bool, bool, bool]:
    return np.isnan(x), np.isinf(x), np.isfinite(x)

@native
def nptrans(x: float, y: float) -> tuple[float, float, float]:
    return np.sin(x), np.cos(x), np.hypot(x, y)

@native
def iabs_minmax(a: int, b: float) -> tuple[int, float, float]:
    return abs(a), abs(b), float(max(a, b))
'''


@pytest.fixture(scope="module")
def mods():
    return build(SRC)


def test_calls(mods):
    for a, b in [(0, 0.0), (3, 1.5), (-7, -2.25), (2**31, 1e300)]:
        same_call(mods, "use_helper", a, b)
    for n in [0, 1, 2, 10, 20]:
        same_call(mods, "fib", n)
    for x in [0.0, 1.5, -3.0, float("nan")]:
        same_call(mods, "call_kw", x)
        same_call(mods, "scaled", x)
    same_call(mods, "consts")


def test_traceback_through_calls(mods):
    compiled, _ = mods
    same_call(mods, "outer", 1)
    same_call(mods, "outer", 3)
    try:
        compiled.outer(1)
    except ZeroDivisionError as e:
        frames = [(f.name, f.lineno, f.line) for f in traceback.extract_tb(e.__traceback__)][1:]
    else:
        pytest.fail("no exception")
    names = [f[0] for f in frames]
    assert names == ["outer", "middle", "inner"], frames
    assert frames[0][2] == "return middle(x) * 2"
    assert frames[1][2] == "return inner(y) + 1"
    assert frames[2][2] == "return 10 // x"


MATH_X = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, 3.7, -3.7, 10.0, 100.0, 710.0, -710.0, 1e300,
          5e-324, float("inf"), float("-inf"), float("nan"), 0.9999999999999999]


@pytest.mark.parametrize("fname", ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "mfloor", "mbool"])
def test_math_unary(mods, fname):
    for x in MATH_X + [-2.0, -1e-300, 171.0, 172.0, 1e-310]:
        same_call(mods, fname, x)


def test_math_binary(mods):
    vals = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 1e300, float("inf"), float("-inf"), float("nan")]
    for x, y in itertools.product(vals, vals):
        same_call(mods, "mbin", x, y)
        same_call(mods, "mlog2", x, y)
    for a, b in itertools.product([0, 12, -18, 2**62, -2**63], [0, 8, -27, -2**63]):
        same_call(mods, "mgcd", a, b)
    same_call(mods, "mconst")


def test_numpy_exact(mods):
    for x in MATH_X:
        same_call(mods, "npf", x)
        same_call(mods, "npb", x)
        for y in [1.0, -0.0, float("nan")]:
            same_call(mods, "npf2", x, y)


def test_numpy_transcendental_exact(mods):
    # np.sin, np.cos, np.hypot are NumPy's calls of the same libm functions:
    # bit-identical (tests/test_numpy_exactness.py measures every np.* function)
    for x in MATH_X:
        for y in [1.0, -0.0, 3e300, float("nan")]:
            same_call(mods, "nptrans", x, y)


def test_numpy_inexact_rejected():
    # NumPy's own SIMD exp/log/arctan2 differ from libm in the last bit:
    # compiled code rejects them and names the math.* function instead
    for call, alt in [("np.exp(x)", "math.exp"), ("np.log(x)", "math.log"),
                      ("np.arctan2(x, 1.0)", "math.atan2")]:
        with pytest.raises(BuildError, match=f"is not supported in compiled code: NumPy's .*use {alt} "):
            build(f"@native\ndef f(x: float) -> float:\n    return {call}\n")


def test_abs_minmax(mods):
    for a, b in itertools.product([0, -5, 2**63 - 1, -2**63], [0.5, -0.0, float("nan")]):
        same_call(mods, "iabs_minmax", a, b)


def test_overflowcheck_off():
    src = '''
@native(overflowcheck=False)
def wrap_add(a: int, b: int) -> int:
    return a + b

@native
def checked_add(a: int, b: int) -> int:
    return a + b

@native(overflowcheck=False)
def wrap_floordiv(a: int, b: int) -> int:
    return a // b
'''
    compiled, _ = build(src)
    assert compiled.wrap_add(2**63 - 1, 1) == -2**63
    with pytest.raises(OverflowError):
        compiled.checked_add(2**63 - 1, 1)
    assert compiled.wrap_floordiv(-2**63, -1) == -2**63  # wraps, no SIGFPE
    with pytest.raises(ZeroDivisionError):
        compiled.wrap_floordiv(1, 0)  # not an overflow check: stays


def test_fastmath_flag_builds_and_runs():
    src = '''
@native(fastmath=True)
def dot(a: f64[:], b: f64[:]) -> float:
    t = 0.0
    for i in range(a.shape[0]):
        t += a[i] * b[i]
    return t
'''
    compiled, _ = build(src)
    a = np.arange(1000.0) / 7
    assert math.isclose(compiled.dot(a, a), float(a @ a), rel_tol=1e-12)


LOOP_HELPER = '''
@native
def total(x: f64[:]) -> float:
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s

@native
def once(x: f64[:]) -> float:
    return total(x) + 1.0

@native
def each(x: f64[:], n: int) -> float:
    s = 0.0
    for k in range(n):
        s += total(x)
    return s
'''


def test_call_outside_loops_not_inlined(tmp_path):
    """A function with loops called once per call (outside any loop) stays
    a call: inlining it buys nothing at run time and costs build time.  A
    call inside a loop may be inlined; results as CPython's either way."""
    from difftest import function_ir, module_ir
    mods = build(LOOP_HELPER)
    x = np.arange(5.0)
    same_call(mods, "once", x)
    same_call(mods, "each", x, 3)
    ir = module_ir(tmp_path, LOOP_HELPER, "total,once,each")
    assert "@total_impl(" in function_ir(ir, "once_impl")
    assert "noinline" in ir
