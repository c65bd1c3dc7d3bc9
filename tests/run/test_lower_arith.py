"""Differential tests: int and float arithmetic, unary operators, conversions
and comparisons of compiled code against CPython on edge values."""
import itertools

import pytest

from difftest import FLOATS, INTS, build, same_call

SRC = '''
@native
def add(a: int, b: int) -> int:
    return a + b

@native
def sub(a: int, b: int) -> int:
    return a - b

@native
def mul(a: int, b: int) -> int:
    return a * b

@native
def floordiv(a: int, b: int) -> int:
    return a // b

@native
def mod(a: int, b: int) -> int:
    return a % b

@native
def truediv(a: int, b: int) -> float:
    return a / b

@native
def ipow(a: int, b: int) -> int:
    return a ** b

@native
def lshift(a: int, b: int) -> int:
    return a << b

@native
def rshift(a: int, b: int) -> int:
    return a >> b

@native
def bits(a: int, b: int) -> tuple[int, int, int]:
    return a & b, a | b, a ^ b

@native
def neg(a: int) -> int:
    return -a

@native
def inv(a: int) -> int:
    return ~a

@native
def iabs(a: int) -> int:
    return abs(a)

@native
def div_pow2(a: int) -> tuple[int, int, int, int]:
    return a // 8, a % 8, a // 1, a % 1

@native
def div_const(a: int) -> tuple[int, int, int, int]:
    return a // -1, a % -1, a // 7, a % -7

@native
def fadd(a: float, b: float) -> float:
    return a + b

@native
def fsub(a: float, b: float) -> float:
    return a - b

@native
def fmul(a: float, b: float) -> float:
    return a * b

@native
def fdiv(a: float, b: float) -> float:
    return a / b

@native
def ffloordiv(a: float, b: float) -> float:
    return a // b

@native
def fmod(a: float, b: float) -> float:
    return a % b

@native
def fpow(a: float, b: float) -> float:
    return a ** b

@native
def fsquare(a: float) -> float:
    return a ** 2

@native
def fneg(a: float) -> float:
    return -a

@native
def fma_like(a: float, b: float, c: float) -> float:
    return a * b + c

@native
def mixed(a: int, b: float) -> float:
    return a + b * a - b / 3

@native
def to_int(x: float) -> int:
    return int(x)

@native
def to_float(x: int) -> float:
    return float(x)

@native
def to_bool(x: float) -> bool:
    return bool(x)

@native
def ito_bool(x: int) -> bool:
    return bool(x)

@native
def rnd(x: float) -> int:
    return round(x)

@native
def rnd2(x: float, n: int) -> float:
    return round(x, n)

@native
def fdiv_consts(x: float) -> tuple[float, float]:
    return x / 4.0, x / 0.0

@native
def notx(x: int) -> bool:
    return not x
'''

INT_PAIRS = list(itertools.product(INTS, [0, 1, -1, 2, -2, 3, -3, 7, -7, 2**31, 2**62, 2**63 - 1, -2**63]))
FLOAT_PAIRS = list(itertools.product(FLOATS, [0.0, -0.0, 1.0, -1.0, 0.5, 3.0, -2.5, 1e300, 5e-324,
                                              float("inf"), float("-inf"), float("nan")]))


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    # unoptimized too: the IR itself must be right, not just what survives -O3
    return build(SRC, flags=request.param)


@pytest.mark.parametrize("fname", ["add", "sub", "mul", "floordiv", "mod", "truediv", "bits"])
def test_int_binary(mods, fname):
    for a, b in INT_PAIRS:
        same_call(mods, fname, a, b)


def test_int_truediv_rounding(mods):
    for a, b in [(2**53 + 1, 3), (2**63 - 1, 2**62 + 1), (-2**63, 3), (10**18 + 1, 10**18 + 3),
                 (2**60 + 1, 2**54 + 1), (1, 3), (-7, 2)]:
        same_call(mods, "truediv", a, b)


def test_int_pow(mods):
    for a, b in itertools.product([0, 1, -1, 2, -2, 3, 10, -10, 2**31, 3037000499, 3037000500],
                                  [0, 1, 2, 3, 10, 62, 63, 64]):
        same_call(mods, "ipow", a, b)


def test_int_pow_negative_exponent_raises(mods):
    compiled, _ = mods
    with pytest.raises(ValueError):
        compiled.ipow(2, -1)


@pytest.mark.parametrize("fname", ["lshift", "rshift"])
def test_shifts(mods, fname):
    for a, b in itertools.product([0, 1, -1, 5, -5, 2**62, -2**63, 2**63 - 1],
                                  [0, 1, 2, 31, 62, 63, 64, 100, -1]):
        same_call(mods, fname, a, b)


@pytest.mark.parametrize("fname", ["neg", "inv", "iabs", "div_pow2", "div_const", "to_float",
                                   "ito_bool", "notx"])
def test_int_unary(mods, fname):
    for a in INTS + [-8, -9, 8, 9, 15, -15]:
        same_call(mods, fname, a)


@pytest.mark.parametrize("fname", ["fadd", "fsub", "fmul", "fdiv", "ffloordiv", "fmod", "fpow"])
def test_float_binary(mods, fname):
    for a, b in FLOAT_PAIRS:
        same_call(mods, fname, a, b)


@pytest.mark.parametrize("fname", ["fsquare", "fneg", "to_int", "to_bool", "rnd"])
def test_float_unary(mods, fname):
    for a in FLOATS + [1e154, 1.4e154, -1.4e154, 0.49999999999999994, 2.5000000000000004]:
        same_call(mods, fname, a)


def test_round_ndigits(mods):
    for x in [2.675, 0.125, -0.125, 1.5, 2.5, 1e300, float("nan"), float("inf"), 123.456]:
        for n in [0, 1, 2, -1, -2, 5, 400, -400]:
            same_call(mods, "rnd2", x, n)


def test_no_fma_contraction(mods):
    # a*b+c with an exactly representable product differs under FMA
    for a, b, c in [(0.1, 10.0, -1.0), (1 / 3, 3.0, -1.0), (1e16, 1.0000000000000002, -1e16)]:
        same_call(mods, "fma_like", a, b, c)


def test_mixed_int_float(mods):
    for a, b in itertools.product([0, 1, -3, 2**53 + 1, 2**63 - 1], [0.0, 1.5, -2.0, float("nan")]):
        same_call(mods, "mixed", a, b)


def test_float_div_by_constant_zero(mods):
    for x in [1.0, 0.0, float("nan")]:
        same_call(mods, "fdiv_consts", x)


FMOD_LOOP = '''
@native
def fmod_into(a: f64[:], m: float, out: f64[:]) -> None:
    for i in range(a.shape[0]):
        out[i] = a[i] % m
'''


@pytest.mark.parametrize("flags", [(), ("--boundscheck=off", "--overflowcheck=off")])
def test_float_mod_in_a_loop(flags):
    """float % inline (fmod, then the divisor's sign by selects): remainders
    of both signs, exact zeros of both signs, NaN and inf, divisors of both
    signs, bit for bit as CPython."""
    import numpy as np
    compiled, _ = build(FMOD_LOOP, flags)
    rng = np.random.default_rng(21)
    a = np.concatenate([rng.standard_normal(100_000) * 10.0 ** rng.integers(-5, 6, 100_000),
                        np.arange(-50, 50) * 0.5, [0.0, -0.0, float("inf"), -float("inf"),
                                                    float("nan"), 5e-324, -5e-324]])
    for m in (0.7, -0.7, 3.0, -2.5, 1e-300, float("inf"), -float("inf")):
        out = np.empty_like(a)
        compiled.fmod_into(a, m, out)
        want = np.array([x % m for x in a.tolist()])
        assert out.tobytes() == want.tobytes() or (
            np.array_equal(np.isnan(out), np.isnan(want)) and
            out[~np.isnan(out)].tobytes() == want[~np.isnan(want)].tobytes()), m
