"""QA differential tests: root finding and iteration with while loops
(bisection, Newton, secant, fixed point, golden-section search, Brent-like
hybrid), tuple returns (root, iterations), early exits, raised ValueErrors
on bad brackets, NaN/inf inputs and iteration limits."""
import math

import pytest

from difftest import FLOATS, build, same_call

SRC = '''
TOL = 1e-12
MAXIT = 200
PHI = (2.23606797749979 - 1.0) / 2.0

def f(x):
    return x * x * x - 2.0 * x - 5.0

def df(x):
    return 3.0 * x * x - 2.0

@native
def bisect(a: float, b: float, tol: float = TOL) -> tuple[float, int]:
    fa = f(a)
    fb = f(b)
    if fa * fb > 0.0:
        raise ValueError("root is not bracketed")
    it = 0
    while b - a > tol:
        m = 0.5 * (a + b)
        fm = f(m)
        if fm == 0.0:
            return m, it
        if fa * fm < 0.0:
            b = m
            fb = fm
        else:
            a = m
            fa = fm
        it += 1
        if it >= MAXIT:
            break
    return 0.5 * (a + b), it

@native
def newton(x0: float, maxit: int = 50) -> tuple[float, int]:
    x = x0
    for it in range(maxit):
        d = df(x)
        if d == 0.0:
            raise ZeroDivisionError("zero derivative")
        step = f(x) / d
        x -= step
        if abs(step) < TOL * (1.0 + abs(x)):
            return x, it + 1
    return x, -1

@native
def newton_sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError("negative")
    if a == 0.0 or a != a or a == math.inf:
        return a
    x = a if a > 1.0 else 1.0
    while True:
        y = 0.5 * (x + a / x)
        if y >= x:
            return x
        x = y

@native
def secant(x0: float, x1: float) -> float:
    f0 = f(x0)
    f1 = f(x1)
    n = 0
    while abs(f1) > 1e-14 and n < 100:
        denom = f1 - f0
        if denom == 0.0:
            break
        x0, x1 = x1, x1 - f1 * (x1 - x0) / denom
        f0, f1 = f1, f(x1)
        n += 1
    return x1

@native
def fixed_cos(x: float) -> tuple[float, int]:
    n = 0
    while n < 1000:
        y = math.cos(x)
        if y == x:
            break
        x = y
        n += 1
    else:
        return x, -1
    return x, n

@native
def golden_min(a: float, b: float) -> float:
    c = b - PHI * (b - a)
    d = a + PHI * (b - a)
    while abs(b - a) > 1e-9:
        if (c - 1.5) ** 2 < (d - 1.5) ** 2:
            b = d
        else:
            a = c
        c = b - PHI * (b - a)
        d = a + PHI * (b - a)
    return (a + b) / 2

@native
def cube_root(y: float) -> float:
    if y == 0.0:
        return y
    neg = y < 0.0
    if neg:
        y = -y
    x = y
    for i in range(100):
        nx = (2.0 * x + y / (x * x)) / 3.0
        if nx == x:
            break
        x = nx
    return -x if neg else x

@native
def ipow_root(n: int, k: int) -> int:
    # largest r with r**k <= n, by bisection on ints
    if n < 0 or k <= 0:
        raise ValueError("bad arguments")
    lo = 0
    hi = 1
    while hi ** k <= n:
        hi *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid ** k <= n:
            lo = mid
        else:
            hi = mid
    return lo
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def test_bisect(mods):
    for a, b in [(2.0, 3.0), (0.0, 10.0), (-10.0, 10.0), (3.0, 2.0), (0.0, 1.0), (2.0, 2.0),
                 (float("nan"), 3.0), (-math.inf, math.inf), (2.0945514815423265, 2.0945514815423265)]:
        same_call(mods, "bisect", a, b)
        same_call(mods, "bisect", a, b, 1e-3)
        same_call(mods, "bisect", a, b, 0.0)


def test_newton_secant(mods):
    for x0 in [2.0, 0.0, -1.0, 100.0, 1e10, float("nan"), math.inf, math.sqrt(2.0 / 3.0)]:
        same_call(mods, "newton", x0)
        same_call(mods, "newton", x0, 3)
        same_call(mods, "newton", x0, 0)
        same_call(mods, "secant", x0, x0 + 1.0)
        same_call(mods, "secant", x0, x0)
    for a in FLOATS:
        same_call(mods, "newton_sqrt", a)
        same_call(mods, "cube_root", a)


def test_fixed_golden(mods):
    for x in [0.0, 1.0, -3.0, 100.0, float("nan")]:
        same_call(mods, "fixed_cos", x)
    for a, b in [(0.0, 4.0), (-10.0, 1.0), (4.0, 0.0), (1.5, 1.5)]:
        same_call(mods, "golden_min", a, b)


def test_int_roots(mods):
    for n in [0, 1, 2, 15, 16, 17, 1000, 10**12, 2**40 + 1]:
        for k in [1, 2, 3, 5]:
            same_call(mods, "ipow_root", n, k)
    for n, k in [(-1, 2), (5, 0), (5, -1)]:
        same_call(mods, "ipow_root", n, k)
