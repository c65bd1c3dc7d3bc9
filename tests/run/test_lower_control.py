"""Differential tests: comparisons (chains, NaN, exact int/float), and/or,
conditional expressions, if/while/for (range forms, else, break/continue,
loop variable after the loop), assert, raise, tuples."""
import itertools

import pytest

from difftest import FLOATS, INTS, build, same_call

SRC = '''
@native
def cmp_ii(a: int, b: int) -> tuple[bool, bool, bool, bool, bool, bool]:
    return a < b, a <= b, a > b, a >= b, a == b, a != b

@native
def cmp_ff(a: float, b: float) -> tuple[bool, bool, bool, bool, bool, bool]:
    return a < b, a <= b, a > b, a >= b, a == b, a != b

@native
def cmp_if(a: int, b: float) -> tuple[bool, bool, bool, bool, bool, bool]:
    return a < b, a <= b, a > b, a >= b, a == b, a != b

@native
def cmp_fi(a: float, b: int) -> tuple[bool, bool, bool, bool, bool, bool]:
    return a < b, a <= b, a > b, a >= b, a == b, a != b

@native
def chain(a: int, b: int, c: int) -> bool:
    return a < b <= c

@native
def chain_f(a: float, b: float, c: float) -> bool:
    return a <= b < c != a

@native
def orv(a: int, b: int) -> int:
    return a or b

@native
def andv(a: int, b: int) -> int:
    return a and b

@native
def orf(a: float, b: float) -> float:
    return a or b

@native
def cond(a: int, b: int) -> int:
    if a > 0 and b > 0 or a == -5:
        return 1
    elif not a:
        return 2
    elif a < b < 100:
        return 3
    else:
        return 4

@native
def ifexp(a: float) -> float:
    return a * 2.0 if a > 0.0 else -a

@native
def truthy_float(a: float) -> int:
    if a:
        return 1
    return 0

@native
def range1(n: int) -> int:
    t = 0
    for i in range(n):
        t = t * 3 + i
    return t

@native
def range2(a: int, b: int) -> int:
    t = 0
    for i in range(a, b):
        t = t * 3 + i
    return t

@native
def range3(a: int, b: int, s: int) -> tuple[int, int, int]:
    t = 0
    c = 0
    last = 0
    for i in range(a, b, s):
        t = (t * 31 + i % 1009) % 1000003
        last = i
        c += 1
        if c > 1000:
            break
    return t, c, last

@native
def range_neg_const(n: int) -> int:
    t = 0
    for i in range(n, -1, -1):
        t = t * 2 + i
    return t

@native
def range_step3(a: int, b: int) -> int:
    t = 0
    for i in range(a, b, 3):
        t = t * 2 + i
    return t

@native
def loopvar_after(n: int) -> int:
    i = -100
    for i in range(n):
        pass
    return i

@native
def loopvar_modified(n: int) -> int:
    t = 0
    for i in range(n):
        t += i
        i = 1000
    return t

@native
def range_args_once(n: int) -> int:
    t = 0
    m = n
    for i in range(m):
        m = 0
        t += 1
    return t

@native
def for_else(n: int, stop: int) -> int:
    r = 0
    i = -1
    for i in range(n):
        if i == stop:
            r = 1
            break
    else:
        r = 2
    return r * 100 + i

@native
def while_else(n: int, stop: int) -> int:
    i = 0
    r = 0
    while i < n:
        i += 1
        if i == stop:
            break
        if i % 2 == 0:
            continue
        r += i
    else:
        r = -r
    return r

@native
def nested(n: int) -> int:
    t = 0
    for i in range(n):
        for j in range(i):
            if j == 3:
                continue
            if i * j > 20:
                break
            t += i * j
    return t

@native
def collatz(n: int) -> int:
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n //= 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps

@native
def check_pos(x: int) -> int:
    assert x > 0, "x must be positive"
    assert x < 100
    return x

@native
def raiser(x: int) -> int:
    if x == 1:
        raise ValueError("bad value")
    if x == 2:
        raise KeyError("k")
    if x == 3:
        raise RuntimeError
    if x == 4:
        raise TypeError()
    return x

@native
def swap(a: int, b: float) -> tuple[float, int]:
    a2, b2 = b, a
    return a2, b2

@native
def unpack(a: int, b: int) -> int:
    x, y = divmod_(a, b)
    return x * 1000 + y

@native
def divmod_(a: int, b: int) -> tuple[int, int]:
    return a // b, a % b

@native
def multi_assign(a: int) -> int:
    x = y = a + 1
    return x * y

@native
def step_zero(s: int) -> int:
    t = 0
    for i in range(0, 10, s):
        t += i
    return t

@native
def nan_minmax(a: float, b: float) -> tuple[float, float, float]:
    return min(a, b), max(a, b), min(a, b, 0.0)

@native
def int_minmax(a: int, b: int, c: int) -> tuple[int, int]:
    return min(a, b, c), max(a, b, c)
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    # unoptimized too: the IR itself must be right, not just what survives -O3
    return build(SRC, flags=request.param)


CMP_I = [0, 1, -1, 2**53, 2**53 + 1, 2**63 - 1, -2**63]
CMP_F = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0**53, 2.0**53 + 2, 2.0**63, -2.0**63, 2.0**64, 1e300,
         float("inf"), float("-inf"), float("nan"), 9007199254740993.0]


def test_cmp_ints(mods):
    for a, b in itertools.product(CMP_I, CMP_I):
        same_call(mods, "cmp_ii", a, b)


def test_cmp_floats(mods):
    for a, b in itertools.product(CMP_F, CMP_F):
        same_call(mods, "cmp_ff", a, b)


def test_cmp_mixed_exact(mods):
    for a, b in itertools.product(CMP_I + [2**63 - 2, -2**63 + 1, 3], CMP_F + [3.0, 3.5, 2.5]):
        same_call(mods, "cmp_if", a, b)
        same_call(mods, "cmp_fi", b, a)


def test_chains(mods):
    vals = [-1, 0, 1, 2]
    for a, b, c in itertools.product(vals, vals, vals):
        same_call(mods, "chain", a, b, c)
    fv = [0.0, 1.0, float("nan")]
    for a, b, c in itertools.product(fv, fv, fv):
        same_call(mods, "chain_f", a, b, c)


def test_boolops(mods):
    for a, b in itertools.product([0, 3, -2], [0, 5]):
        same_call(mods, "orv", a, b)
        same_call(mods, "andv", a, b)
        same_call(mods, "cond", a, b)
    for a, b in itertools.product([0.0, -0.0, float("nan"), 2.0], [0.0, 1.5]):
        same_call(mods, "orf", a, b)
    for a in [-5, -4, 0, 50, 200]:
        for b in [-1, 60, 150]:
            same_call(mods, "cond", a, b)


def test_ifexp_truthiness(mods):
    for a in FLOATS:
        same_call(mods, "ifexp", a)
        same_call(mods, "truthy_float", a)


def test_range_forms(mods):
    for n in [-5, -1, 0, 1, 2, 10, 30]:
        same_call(mods, "range1", n)
        same_call(mods, "range_neg_const", n)
        same_call(mods, "loopvar_after", n)
        same_call(mods, "loopvar_modified", n)
        same_call(mods, "range_args_once", n)
    for a, b in itertools.product([-7, 0, 3, 10], [-7, 0, 3, 11]):
        same_call(mods, "range2", a, b)
        same_call(mods, "range_step3", a, b)
    for a, b, s in itertools.product([-10, 0, 7], [-9, 0, 10], [1, 2, 3, -1, -4, 100, -100]):
        same_call(mods, "range3", a, b, s)


def test_range_extremes(mods):
    # counts that overflow naive arithmetic
    for a, b, s in [(-2**63, 2**63 - 1, 2**62), (2**63 - 1, -2**63, -2**62), (2**63 - 5, 2**63 - 1, 1),
                    (-2**63, -2**63 + 3, 1), (0, 2**63 - 1, 2**63 - 1), (2**63 - 1, -2**63, -2**63),
                    (5, 6, -2**63)]:
        same_call(mods, "range3", a, b, s)


def test_range_step_zero(mods):
    same_call(mods, "step_zero", 0)
    same_call(mods, "step_zero", 3)


def test_else_break_continue(mods):
    for n, stop in itertools.product([0, 1, 5, 10], [-1, 0, 3, 7]):
        same_call(mods, "for_else", n, stop)
        same_call(mods, "while_else", n, stop)
    for n in [0, 1, 5, 12]:
        same_call(mods, "nested", n)
    for n in [1, 2, 3, 27, 97]:
        same_call(mods, "collatz", n)


def test_assert_raise(mods):
    for x in [-1, 0, 1, 50, 100, 1000]:
        same_call(mods, "check_pos", x)
    for x in [0, 1, 2, 3, 4, 5]:
        same_call(mods, "raiser", x)


def test_tuples(mods):
    same_call(mods, "swap", 3, 2.5)
    for a, b in [(7, 2), (-7, 2), (7, -2), (1, 0), (-2**63, -1)]:
        same_call(mods, "unpack", a, b)
    same_call(mods, "multi_assign", 4)
    same_call(mods, "multi_assign", 2**62)


def test_minmax(mods):
    for a, b in itertools.product([float("nan"), 1.0, -0.0, 0.0, -1.0], repeat=2):
        same_call(mods, "nan_minmax", a, b)
    for a, b, c in itertools.product([-2**63, 0, 5, 2**63 - 1], repeat=3):
        same_call(mods, "int_minmax", a, b, c)
