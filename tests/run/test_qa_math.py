"""QA differential tests: math.* and numpy.* scalar functions over the
float grid (domain errors, overflow, NaN/inf, signed zeros), floor/ceil/
trunc to int (OverflowError/ValueError on inf/NaN), log with a base, gcd,
hypot/atan2/copysign/fmod pairs, and `from math import` names."""
import math

import numpy as np
import pytest

from difftest import FLOATS, INTS, build, expect_exc, same_call

SRC = '''
from math import sqrt as msqrt, pi as PI, floor

@native
def unary1(x: float) -> tuple[float, float, float, float, float, float]:
    return math.sqrt(x), math.exp(x), math.log(x), math.log2(x), math.log10(x), math.log1p(x)

@native
def sqrt_only(x: float) -> float:
    return math.sqrt(x)

@native
def exp_only(x: float) -> float:
    return math.exp(x)

@native
def log_only(x: float) -> float:
    return math.log(x)

@native
def log1p_only(x: float) -> float:
    return math.log1p(x)

@native
def expm1_only(x: float) -> float:
    return math.expm1(x)

@native
def trig(x: float) -> tuple[float, float, float]:
    return math.sin(x), math.cos(x), math.tan(x)

@native
def atrig(x: float) -> tuple[float, float, float]:
    return math.asin(x), math.acos(x), math.atan(x)

@native
def asin_only(x: float) -> float:
    return math.asin(x)

@native
def hyper(x: float) -> tuple[float, float, float]:
    return math.sinh(x), math.cosh(x), math.tanh(x)

@native
def sinh_only(x: float) -> float:
    return math.sinh(x)

@native
def ahyper_asinh(x: float) -> float:
    return math.asinh(x)

@native
def ahyper_acosh(x: float) -> float:
    return math.acosh(x)

@native
def ahyper_atanh(x: float) -> float:
    return math.atanh(x)

@native
def special(x: float) -> tuple[float, float]:
    return math.erf(x), math.erfc(x)

@native
def gamma_only(x: float) -> float:
    return math.gamma(x)

@native
def lgamma_only(x: float) -> float:
    return math.lgamma(x)

@native
def rounding(x: float) -> tuple[int, int, int]:
    return math.floor(x), math.ceil(x), math.trunc(x)

@native
def int_rounding(n: int) -> tuple[int, int, int]:
    return math.floor(n), math.ceil(n), math.trunc(n)

@native
def conv(x: float) -> tuple[float, float, float, bool, bool, bool]:
    return math.degrees(x), math.radians(x), math.fabs(x), math.isnan(x), math.isinf(x), math.isfinite(x)

@native
def binary(x: float, y: float) -> tuple[float, float, float]:
    return math.atan2(x, y), math.hypot(x, y), math.copysign(x, y)

@native
def fmod_only(x: float, y: float) -> float:
    return math.fmod(x, y)

@native
def pow_only(x: float, y: float) -> float:
    return math.pow(x, y)

@native
def log_base(x: float, b: float) -> float:
    return math.log(x, b)

@native
def gcd2(a: int, b: int) -> int:
    return math.gcd(a, b)

@native
def imported(x: float) -> float:
    return msqrt(x) * PI + floor(x)

@native
def np_funcs(x: float) -> tuple[float, float, float, float, float, float]:
    return np.sqrt(x), np.sin(x), np.cos(x), np.fabs(x), np.floor(x), np.ceil(x)

@native
def np_more(x: float, y: float) -> tuple[float, float, float, float, float]:
    return np.trunc(x), np.hypot(x, y), np.copysign(x, y), np.degrees(x), np.radians(y)

@native
def np_preds(x: float) -> tuple[bool, bool, bool, float, int]:
    return np.isnan(x), np.isinf(x), np.isfinite(x), np.abs(x), np.abs(-3)

@native
def consts() -> tuple[float, float, float, float, float, float]:
    return math.pi, math.e, math.tau, math.inf, -np.inf, np.pi + np.e

@native
def nan_const() -> float:
    return math.nan

@native
def dist(a: f64[:, :], i: int, j: int) -> float:
    d = 0.0
    for k in range(a.shape[1]):
        t = a[i, k] - a[j, k]
        d += t * t
    return math.sqrt(d)

@native
def softmax_max(a: f64[:], out: f64[:]) -> float:
    m = -math.inf
    for x in a:
        m = max(m, x)
    s = 0.0
    for i in range(len(a)):
        out[i] = math.exp(a[i] - m)
        s += out[i]
    for i in range(len(a)):
        out[i] /= s
    return s
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


GRID = FLOATS + [0.1, -0.1, 0.9999999999999999, 1.0000000000000002, 2.0, 10.0, 100.0, 710.0, 709.78,
                 -745.2, -746.0, 1e-10, -1e-10, 20.0, -20.0, 171.0, 171.7, 172.0, -1.5, -2.0, 1e16]


def test_unary(mods):
    for x in GRID:
        for f in ["sqrt_only", "exp_only", "log_only", "log1p_only", "expm1_only", "trig", "atrig",
                  "asin_only", "hyper", "sinh_only", "ahyper_asinh", "ahyper_acosh", "ahyper_atanh",
                  "special", "gamma_only", "lgamma_only", "rounding", "conv", "np_preds"]:
            same_call(mods, f, x)
        if not math.isfinite(x) or x < 2**63:
            same_call(mods, "imported", x)
        else:
            # floor(x) is an int past 64 bits (CPython then adds it to a float)
            expect_exc(mods, "imported", OverflowError,
                       "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)", x)


def test_np_funcs_match_libm(mods):
    # np.sqrt etc. on a Python float: compiled gives the libm value, which for
    # these functions is NumPy's too
    for x in GRID:
        same_call(mods, "np_funcs", x)


def test_int_rounding(mods):
    for n in INTS:
        same_call(mods, "int_rounding", n)


def test_binary(mods):
    pts = [0.0, -0.0, 1.0, -1.0, 2.5, -3.0, 1e300, float("inf"), float("-inf"), float("nan"), 5e-324]
    for x in pts:
        for y in pts:
            same_call(mods, "binary", x, y)
            same_call(mods, "fmod_only", x, y)
            same_call(mods, "pow_only", x, y)
            same_call(mods, "log_base", x, y)
            same_call(mods, "np_more", x, y)


def test_gcd_consts(mods):
    for a in INTS:
        for b in [0, 1, -1, 12, 2**62, -2**63]:
            same_call(mods, "gcd2", a, b)
    same_call(mods, "consts")
    same_call(mods, "nan_const")


def test_array_math(mods):
    a = np.arange(12.0).reshape(4, 3) ** 1.3
    for arr in [a, np.asfortranarray(a), a[::-1], a[:, ::-1]]:
        for i, j in [(0, 1), (3, 0), (-1, -2), (4, 0)]:
            same_call(mods, "dist", arr, i, j)
    for v in [np.array([1.0, 2.0, 3.0]), np.array([1000.0, 1000.0]), np.array([-np.inf, 0.0]),
              np.array([np.nan, 1.0]), np.zeros(0)]:
        same_call(mods, "softmax_max", v, np.zeros(len(v)))
