"""QA differential tests: arithmetic edges over the full int/float grids:
floor division and modulo (signs, zero divisors, inf, NaN, -0.0, -2**63 // -1),
true division of large ints (CPython rounds the exact quotient), powers,
abs/min/max/round/int/float/bool conversions, mixed int-float comparisons,
chained comparisons and boolean operators returning operands."""
import itertools

import pytest

from difftest import FLOATS, INTS, build, expect_exc, same_call

SRC = '''
@native
def ifloordiv(a: int, b: int) -> int:
    return a // b

@native
def imod(a: int, b: int) -> int:
    return a % b

@native
def itruediv(a: int, b: int) -> float:
    return a / b

@native
def ffloordiv(a: float, b: float) -> float:
    return a // b

@native
def fmodop(a: float, b: float) -> float:
    return a % b

@native
def ftruediv(a: float, b: float) -> float:
    return a / b

@native
def mixed(a: int, b: float) -> tuple[float, float, float, float, float]:
    return a + b, a - b, a * b, b - a, a / (b if b != 0.0 else 1.0)

@native
def ipow(a: int, b: int) -> int:
    return a ** b

@native
def fpow(a: float, b: float) -> float:
    return a ** b

@native
def fipow(a: float, b: int) -> float:
    return a ** b

@native
def absmm(a: int, b: int) -> tuple[int, int, int]:
    return abs(a), min(a, b), max(a, b, 0)

@native
def fabsmm(a: float, b: float) -> tuple[float, float, float, float]:
    return abs(a), min(a, b), max(a, b), min(b, a)

@native
def rounds(x: float) -> tuple[int, float, float, float]:
    return round(x), round(x, 0), round(x, 2), round(x, -1)

@native
def round_int(n: int, d: int) -> int:
    return round(n, d)

@native
def to_int(x: float) -> int:
    return int(x)

@native
def to_float(n: int) -> float:
    return float(n)

@native
def truth(x: float, n: int) -> tuple[bool, bool, bool, bool]:
    return bool(x), bool(n), not x, not n

@native
def cmp_if(n: int, x: float) -> tuple[bool, bool, bool, bool]:
    return n < x, n == x, n >= x, n != x

@native
def chain(a: int, b: int, c: int) -> bool:
    return a < b <= c != a

@native
def andor_int(a: int, b: int) -> tuple[int, int]:
    return a and b, a or b

@native
def andor_float(a: float, b: float) -> tuple[float, float]:
    return a and b, a or b

@native
def neg(a: int) -> tuple[int, int]:
    return -a, +a

@native
def ternary(a: float) -> float:
    return a if a > 0 else -a if a < 0 else 0.5

@native
def aug_ops(a: int, b: int) -> int:
    x = a
    x += b
    x *= 3
    x -= a
    x //= b if b != 0 else 1
    x %= 1000003
    x **= 2
    x <<= 3
    x >>= 1
    x |= 5
    x &= 0xFFFF
    x ^= a & 0xFF
    return x

@native
def faug(a: float, b: float) -> float:
    x = a
    x += b
    x *= 0.5
    x -= 1.0
    x /= b
    x //= 0.25
    x %= 7.0
    x **= 0.5
    return x
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


INT_DIVS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 2**31, 2**62, 2**63 - 1, -2**63, -2**63 + 1]


def test_int_division(mods):
    for a in INTS:
        for b in INT_DIVS:
            same_call(mods, "ifloordiv", a, b)
            same_call(mods, "imod", a, b)
            same_call(mods, "itruediv", a, b)
    # int true division where the operands are not exact doubles
    for a, b in [(2**53 + 1, 1), (2**53 + 1, 3), (2**63 - 1, 2**63 - 2), (10**18 + 1, 10**18),
                 (2**62 + 3, 7), (-(2**63), 3), (123456789123456789, 1000)]:
        same_call(mods, "itruediv", a, b)


def test_float_division(mods):
    for a in FLOATS:
        for b in FLOATS:
            same_call(mods, "ffloordiv", a, b)
            same_call(mods, "fmodop", a, b)
            same_call(mods, "ftruediv", a, b)


def test_mixed(mods):
    for a in INTS:
        for b in FLOATS:
            same_call(mods, "mixed", a, b)
            same_call(mods, "cmp_if", a, b)


def test_pow(mods):
    for a in [0, 1, -1, 2, -2, 3, 10, -10, 2**31, 3037000499, 3037000500, -2**63]:
        for b in [0, 1, 2, 3, 10, 31, 62, 63, 64]:
            same_call(mods, "ipow", a, b)
        for b in [-1, -2]:
            if a == 0:
                same_call(mods, "ipow", a, b)  # ZeroDivisionError, as CPython
                continue
            # SPEC section 3: int ** negative is a clear exception (CPython gives a float)
            expect_exc(mods, "ipow", ValueError,
                       "int ** negative int: the result would be a float; write float(x) ** n", a, b)
    small = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 1e300, -1e300, 5e-324, float("inf"),
             float("-inf"), float("nan"), 3.0, -3.0, 0.3333333333333333]
    for a in small:
        for b in small:
            same_call(mods, "fpow", a, b)
        for n in [0, 1, 2, 3, -1, -2, 1023, 1024, -1075, 2**62]:
            same_call(mods, "fipow", a, n)


def test_abs_min_max_round(mods):
    for a in INTS:
        for b in [0, -1, 5, -2**63]:
            same_call(mods, "absmm", a, b)
    for a in FLOATS:
        for b in [0.0, -0.0, float("nan"), 1.0]:
            same_call(mods, "fabsmm", a, b)
        same_call(mods, "rounds", a)
        same_call(mods, "to_int", a)
    for x in [0.5, 1.5, 2.5, -0.5, -2.5, 2.675, 1.005, 0.125, 0.375, 4.5e15, 4503599627370497.0,
              -4503599627370495.5, 1e22, 5e-324, 123.456]:
        same_call(mods, "rounds", x)
    for n in [0, 5, 15, 25, -25, 149, 150, 151, -150, 2**63 - 1, -2**63, 1234567]:
        for d in [0, 1, -1, -2, -3, -19, -20, -100, 5]:
            same_call(mods, "round_int", n, d)
    for n in INTS:
        same_call(mods, "to_float", n)


def test_bools_and_chains(mods):
    for x in [0.0, -0.0, float("nan"), 1e-320, -1.0]:
        for n in [0, 1, -1]:
            same_call(mods, "truth", x, n)
    for a, b, c in itertools.product([0, 1, 2, -1], repeat=3):
        same_call(mods, "chain", a, b, c)
    for a in [0, 3, -2]:
        for b in [0, 7]:
            same_call(mods, "andor_int", a, b)
    for a in [0.0, -0.0, 2.5, float("nan")]:
        for b in [0.0, 1.5]:
            same_call(mods, "andor_float", a, b)
    for a in INTS:
        same_call(mods, "neg", a)
    for a in FLOATS:
        same_call(mods, "ternary", a)


def test_aug(mods):
    for a in [0, 1, -1, 7, 1000, -12345, 2**20]:
        for b in [0, 1, -3, 17, 2**10]:
            same_call(mods, "aug_ops", a, b)
    for a in [0.0, 1.0, -3.5, 1e10, float("nan")]:
        for b in [0.0, 2.0, -0.5, float("inf")]:
            same_call(mods, "faug", a, b)
