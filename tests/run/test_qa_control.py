"""QA differential tests: control flow (early returns from nested loops,
break/continue in while and for, for-else / while-else, loop variables
after loops, range with negative and run-time steps including a zero step,
for over reversed/strided/empty arrays, assert and raise with messages)."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def find_first(a: f64[:], v: float) -> int:
    for i in range(len(a)):
        if a[i] == v:
            return i
    return -1

@native
def find_pair(a: i64[:, :], target: int) -> tuple[int, int]:
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] == target:
                return i, j
    return -1, -1

@native
def first_neg_else(a: f64[:]) -> float:
    for x in a:
        if x < 0:
            break
    else:
        return 0.0
    return x

@native
def while_else(n: int) -> int:
    i = 0
    while i < n:
        if i * i > 50:
            break
        i += 1
    else:
        i = -i
    return i

@native
def skip_odd(n: int) -> int:
    t = 0
    i = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 2:
            continue
        t += i
    return t

@native
def nested_break(n: int) -> int:
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            if (i + j) % 3 == 0:
                continue
            count += i * j
    return count

@native
def ranges(a: int, b: int, s: int) -> tuple[int, int, int]:
    t = 0
    c = 0
    last = -999
    for i in range(a, b, s):
        t += i
        c += 1
        last = i
    return t, c, last

@native
def range1(n: int) -> int:
    t = 0
    for i in range(n):
        t = t * 3 + i
    return t

@native
def loop_var_after(n: int) -> int:
    i = -1
    for i in range(n):
        pass
    return i

@native
def iter_sum(a: f64[:]) -> float:
    s = 0.0
    k = 1.0
    for x in a:
        s += x * k
        k = -k
    return s

@native
def iter_int(a: i32[:]) -> int:
    best = -1
    for x in a:
        if x > best:
            best = x
    return best

@native
def checked(x: float) -> float:
    assert x == x, "x is NaN"
    if x < 0:
        raise ValueError("negative input")
    if x > 1e6:
        raise OverflowError("too big")
    assert x != 13.0
    return x * 2

@native
def raise_kinds(k: int) -> int:
    if k == 0:
        raise ZeroDivisionError("zero")
    elif k == 1:
        raise IndexError("index")
    elif k == 2:
        raise KeyError("key")
    elif k == 3:
        raise RuntimeError
    elif k == 4:
        raise NotImplementedError("later")
    elif k == 5:
        raise ArithmeticError("arith")
    elif k == 6:
        raise TypeError("type")
    elif k == 7:
        raise Exception("plain")
    elif k == 8:
        raise AssertionError("assert")
    return k

@native
def sign_chain(x: float) -> int:
    if x > 0:
        return 1
    elif x < 0:
        return -1
    elif x == 0:
        return 0
    else:
        return 99

@native
def countdown(n: int) -> int:
    steps = 0
    while n:
        n -= 1 if n > 0 else -1
        steps += 1
    return steps

@native
def collatz_max(limit: int) -> tuple[int, int]:
    best = 0
    arg = 0
    for start in range(1, limit):
        n = start
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        if steps > best:
            best = steps
            arg = start
    return arg, best
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def test_search(mods):
    a = np.array([3.0, -1.0, np.nan, 7.0, -1.0])
    for v in [3.0, -1.0, 7.0, np.nan, 0.0]:
        same_call(mods, "find_first", a, v)
        same_call(mods, "find_first", a[::-1], v)
        same_call(mods, "find_first", np.zeros(0), v)
    m = np.arange(20).reshape(4, 5) % 7
    for t in [0, 6, 3, 99]:
        for arr in [m, m.T, m[::-1, ::-2], np.asfortranarray(m)]:
            same_call(mods, "find_pair", arr, t)
    for arr in [a, np.abs(a), np.zeros(0), np.array([-0.0, -2.0])]:
        same_call(mods, "first_neg_else", arr)


def test_loops(mods):
    for n in [-3, 0, 1, 5, 7, 8, 100]:
        same_call(mods, "while_else", n)
        same_call(mods, "skip_odd", n)
        same_call(mods, "nested_break", n)
        same_call(mods, "range1", n)
        same_call(mods, "loop_var_after", n)
        same_call(mods, "countdown", n)
    same_call(mods, "collatz_max", 200)
    same_call(mods, "collatz_max", 0)


def test_ranges(mods):
    for a, b in [(0, 10), (10, 0), (-5, 5), (5, -5), (0, 0), (-2**63, -2**63 + 5), (2**63 - 5, 2**63 - 1)]:
        for s in [1, 2, 3, -1, -2, -3, 0, 2**62, -2**63]:
            same_call(mods, "ranges", a, b, s)


def test_iteration(mods):
    base = np.linspace(-3, 4, 9)
    for arr in [base, base[::-1], base[::3], base[:0], base[1:2]]:
        same_call(mods, "iter_sum", arr)
    ints = np.array([5, -7, 2**31 - 1, -2**31, 0], np.int32)
    for arr in [ints, ints[::-1], ints[::2], ints[:0]]:
        same_call(mods, "iter_int", arr)


def test_raise_assert(mods):
    for x in [0.0, 1.5, -1.0, 2e6, float("nan"), 13.0, float("inf"), -0.0]:
        same_call(mods, "checked", x)
    for k in range(10):
        same_call(mods, "raise_kinds", k)
    for x in [1.0, -2.0, 0.0, -0.0, float("nan")]:
        same_call(mods, "sign_chain", x)
