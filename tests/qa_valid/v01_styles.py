"""Module docstring: a mix of styles a Numba/Cython user would write."""
import numpy as np
import math as m
from math import sqrt, pi
from pyjitc import native as nat, f32, f64, i32, u8, i64


N = 2 * 64          # constant expression
HALF = N // 2
SCALE = 1.0 / N
TWO_PI = 2 * m.pi
FLAG = True
EPS = 1e-12


def helper(x, y=2):
    # unannotated helper, specialized per call site
    return x * y + 1


def fact(n: int) -> int:
    "recursive, annotated return (needed for recursion)"
    if n <= 1:
        return 1
    return n * fact(n - 1)


@nat
def annotated_locals(a: f32[:], n: int) -> float:
    """Docstring inside a compiled function."""
    x: f32 = 0
    y: float = 1
    k: i32 = 3
    for i in range(n):
        x += a[i]
    # comment between statements

    y = y * x + k
    return y


@nat(boundscheck=False, overflowcheck=False)
def unpacking(a: f64[:, :]) -> tuple[float, int]:
    rows, cols = a.shape
    s, c = 0.0, 0
    for i in range(rows):
        for j in range(cols):
            s, c = s + a[i, j], c + 1
    lo, hi = (0, cols - 1)
    lo, hi = hi, lo
    return s, c + lo - hi


@nat(fastmath=True)
def chained(x: f64, lo: f64, hi: f64) -> bool:
    return lo <= x < hi and not (x == hi) and lo < hi <= 1e308 != x


@nat
def aug_2d(a: f64[:, ::1], b: i64[:, :]) -> None:
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] += 1.5
            a[i, j] *= 2
            a[i, -1] -= 0.25
            b[i, j] //= 3
            b[i, j] <<= 1
            b[i, j] |= 1
            b[i, j] ^= 0
            b[i, j] %= 1000
            b[i, j] **= 1


@nat
def keywords(x: float, n: int) -> float:
    return helper(x, y=3) + helper(y=n, x=n) + helper(helper(x), helper(n, y=helper(1)))


@nat
def recursion(n: int) -> int:
    return fact(n) + fact(n=3)


@nat
def constants(i: int) -> float:
    return N + HALF * SCALE + TWO_PI - pi + (1 if FLAG else 0) + EPS * i


@nat
def math_mix(x: float) -> float:
    return np.sqrt(x) + sqrt(x) + m.sqrt(x) + m.sin(pi) + np.cos(np.pi) + m.floor(x) + np.floor(x)


@nat
def long_expr(a: f64[:], i: int, j: int) -> float:
    s = a[i] * 2.0 + \
        a[j] * 3.0 - \
        a[0]
    t = (a[i]
         + a[j]
         # a comment inside brackets
         - a[-1])
    u = max(s,
            t,
            0.0,)
    return s + t + u


@nat
def unicode_names(n: int) -> float:
    π2 = 2 * pi
    größe = 0.0
    for ï in range(n):
        größe += π2 * ï
    return größe


@nat
def uint_bytes(b: u8[:]) -> int:
    total = 0
    for v in b:
        total += v
    b[0] = total % 256
    return total


@nat
def control(n: int) -> int:
    i = 0
    acc = 0
    while True:
        i += 1
        if i > n:
            break
        elif i % 2 == 0:
            continue
        else:
            acc += i
    for k in range(10, 0, -2):
        acc -= k
    else:
        acc += 1
    while i > 0:
        i -= 3
    else:
        pass
    assert acc != -999, "impossible"
    assert n >= 0
    if n > 10 ** 6:
        raise ValueError("too big")
    if n < -5:
        raise OverflowError
    return acc


@nat
def builtins(x: float, n: int, a: f64[:, :]) -> float:
    r = abs(x) + abs(n) + min(x, n) + max(1, 2, 3) + int(x) + float(n) + round(x) + round(x, 2)
    r += len(a) + a.ndim + a.size + bool(n) + a.shape[1] + a.shape[-1]
    t = (1, 2.5, True)
    r += t[0] + t[1] + t[-1]
    q = ~n & 0xFF | n ^ 3 << 2 >> 1
    return r + q + (-x) + (+x) + x / 3 + x // 3 + x % 3 + x ** 2 + (n ** 3)


@nat
def none_return(a: f64[:]) -> None:
    a[0] = 1
    return


@nat
def is_none(x: int) -> int:
    if x is not None:
        return 1
    return 0
