"""QA differential tests: unannotated helpers specialized at each call site
(int, float, bool, arrays, mixed), helpers calling helpers, tuple-returning
helpers, keyword arguments and constant defaults (from compiled code and
from Python), recursion (direct, mutual, divide and conquer, in-place
quicksort) and deep recursion."""
import sys

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
SCALE = 3

def sq(x):
    return x * x

def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x

def lerp(a, b, t=0.5):
    return a + (b - a) * t

def minmax(a, b):
    if a < b:
        return a, b
    return b, a

def poly(x, c0=1, c1=SCALE, c2=-2):
    return c0 + x * (c1 + x * c2)

def norm2(v):
    s = 0.0
    for i in range(len(v)):
        s += sq(v[i])
    return s

def count_if(v, thr):
    c = 0
    for x in v:
        if x > thr:
            c += 1
    return c

def add_both(a, b):
    return sq(a) + sq(b)

@native
def use_sq(i: int, x: float) -> tuple[int, float, int]:
    return sq(i), sq(x), sq(True)

@native
def use_clamp(i: int, x: float) -> tuple[int, float, float]:
    return clamp(i, -5, 5), clamp(x, -1.0, 1.0), clamp(x, 0.0, 10.0)

@native
def use_lerp(a: float, b: float) -> tuple[float, float, float, float]:
    return lerp(a, b), lerp(a, b, 0.25), lerp(a, b, t=2.0), lerp(t=0.0, b=b, a=a)

@native
def use_minmax(a: int, b: int, x: float) -> tuple[int, int, float, float]:
    lo, hi = minmax(a, b)
    flo, fhi = minmax(x, 0.5)
    return lo, hi, flo, fhi

@native
def use_poly(x: float, n: int) -> tuple[float, int, float, int]:
    return poly(x), poly(n), poly(x, c2=0), poly(n, 2, c2=1)

@native
def use_arrays(v: f64[:], w: i64[:], thr: float) -> tuple[float, int, int, float]:
    return norm2(v), count_if(v, thr), count_if(w, thr), norm2(w)

@native
def use_nested(a: int, b: float) -> float:
    return add_both(a, b) + add_both(b, b)

@native
def kw(x: float, y: float = 2.0, n: int = SCALE, flag: bool = False) -> float:
    r = x * y + n
    if flag:
        r = -r
    return r

@native
def call_kw(x: float) -> float:
    return kw(x) + kw(x, 1.0) + kw(x, n=1) + kw(flag=True, x=x) + kw(x, 3.0, 4, True) + kw(n=0, y=0.5, x=x)

@native
def fact(n: int) -> int:
    return 1 if n <= 1 else n * fact(n - 1)

@native
def ackermann(m: int, n: int) -> int:
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))

@native
def is_even(n: int) -> bool:
    if n == 0:
        return True
    return is_odd(n - 1)

@native
def is_odd(n: int) -> bool:
    if n == 0:
        return False
    return is_even(n - 1)

@native
def rsum(a: f64[:], lo: int, hi: int) -> float:
    if hi - lo <= 2:
        s = 0.0
        for i in range(lo, hi):
            s += a[i]
        return s
    mid = (lo + hi) // 2
    return rsum(a, lo, mid) + rsum(a, mid, hi)

@native
def quicksort(a: f64[:], lo: int, hi: int) -> None:
    if lo >= hi:
        return
    p = a[(lo + hi) // 2]
    i = lo
    j = hi
    while i <= j:
        while a[i] < p:
            i += 1
        while a[j] > p:
            j -= 1
        if i <= j:
            a[i], a[j] = a[j], a[i]
            i += 1
            j -= 1
    quicksort(a, lo, j)
    quicksort(a, i, hi)

@native
def bsearch(a: i64[:], v: int, lo: int, hi: int) -> int:
    if lo > hi:
        return -(lo + 1)
    mid = (lo + hi) // 2
    if a[mid] == v:
        return mid
    if a[mid] < v:
        return bsearch(a, v, mid + 1, hi)
    return bsearch(a, v, lo, mid - 1)

def fib_helper(n) -> int:
    if n < 2:
        return n
    return fib_helper(n - 1) + fib_helper(n - 2)

@native
def use_fib(n: int) -> int:
    return fib_helper(n)

@native
def depth(n: int) -> int:
    if n == 0:
        return 0
    return 1 + depth(n - 1)

@native
def power(b: float, e: int) -> float:
    if e == 0:
        return 1.0
    if e < 0:
        return 1.0 / power(b, -e)
    h = power(b, e // 2)
    return h * h if e % 2 == 0 else h * h * b
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def test_specialized_helpers(mods):
    for i, x in [(0, 0.0), (3, -2.5), (-7, 1e200), (2**31, float("nan")), (3037000500, 0.5)]:
        same_call(mods, "use_sq", i, x)
        same_call(mods, "use_clamp", i, x)
        same_call(mods, "use_poly", x, i)
        if i < 2**31 + 1:
            same_call(mods, "use_nested", i, x)
        else:  # sq(i) passes int64 before the float addition
            with pytest.raises(OverflowError):
                mods[0].use_nested(i, x)
    for a, b in [(0.0, 1.0), (-3.0, 5.5), (float("inf"), 1.0)]:
        same_call(mods, "use_lerp", a, b)
    for a, b in [(1, 2), (2, 1), (-5, -5)]:
        same_call(mods, "use_minmax", a, b, 0.25)
        same_call(mods, "use_minmax", a, b, float("nan"))


def test_array_helpers(mods):
    v = np.array([1.0, -2.0, 3.5])
    w = np.array([4, -1, 0, 9])
    same_call(mods, "use_arrays", v, w, 0.5)
    same_call(mods, "use_arrays", v[::-1], w[::2], -10.0)
    same_call(mods, "use_arrays", np.zeros(0), np.zeros(0, np.int64), 0.0)
    # i64 elements multiply as Python ints (NumPy's int64 would wrap to 0)
    with pytest.raises(OverflowError):
        mods[0].use_arrays(v, np.array([2**32, 0]), 0.0)


def test_keywords(mods):
    c, p = mods
    for x in [0.0, 1.5, -3.0, float("nan")]:
        same_call(mods, "call_kw", x)
    # from Python: keywords, defaults, and CPython's errors for bad calls
    calls = [((1.0,), {}), ((1.0,), {"flag": True}), ((), {"x": 2.0, "n": 7}), ((1.0, 2.0, 3, False), {}),
             ((1.0,), {"m": 1}), ((1.0, 2.0), {"y": 1.0}), ((1.0, 2.0, 3, True, 5), {})]
    for a, k in calls:
        try:
            want = ("ok", p.kw(*a, **k))
        except TypeError as e:
            want = ("exc", TypeError, str(e))
        try:
            got = ("ok", c.kw(*a, **k))
        except TypeError as e:
            got = ("exc", TypeError, str(e))
        assert got[0] == want[0], (a, k, got, want)
        if got[0] == "ok":
            assert got == want
    # an int parameter refuses a float, naming it (CPython would just compute)
    with pytest.raises(TypeError, match="kw\\(\\) argument 'n' must be int, not float"):
        c.kw(1.0, n=2.5)


def test_recursion(mods):
    for n in [-1, 0, 1, 10, 20, 21]:
        same_call(mods, "fact", n)
    for m, n in [(0, 0), (1, 5), (2, 3), (3, 3)]:
        same_call(mods, "ackermann", m, n)
    for n in [0, 1, 10, 101]:
        same_call(mods, "is_even", n)
        same_call(mods, "is_odd", n)
    a = np.random.default_rng(5).standard_normal(37)
    for lo, hi in [(0, 37), (5, 20), (0, 0), (0, 38), (-5, 37)]:
        same_call(mods, "rsum", a, lo, hi)
    for arr in [a, a[::-1], a[::3], np.zeros(0), np.array([2.0, 1.0]), np.array([1.0, 1.0, 1.0])]:
        same_call(mods, "quicksort", arr, 0, len(arr) - 1)
    s = np.array([-5, 0, 3, 3, 8, 12, 40])
    for v in [-6, -5, 3, 4, 40, 41]:
        same_call(mods, "bsearch", s, v, 0, len(s) - 1)
    for n in [0, 1, 2, 15]:
        same_call(mods, "use_fib", n)
    for b, e in [(2.0, 10), (2.0, -3), (0.5, 1075), (10.0, 400), (0.0, -1), (-1.5, 7), (1.0000001, 2**40)]:
        same_call(mods, "power", b, e)


def test_deep_recursion(mods):
    c, p = mods
    assert c.depth(500) == 500
    # CPython raises RecursionError near its limit; compiled code must raise
    # too (never crash the process) for a depth far past it
    with pytest.raises(RecursionError):
        p.depth(sys.getrecursionlimit() + 100)
    with pytest.raises(RecursionError):
        c.depth(10**7)
