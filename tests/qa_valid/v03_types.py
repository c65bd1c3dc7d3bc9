from __future__ import annotations

import math
import numpy
import numpy as np
import pyjitc as pj
from pyjitc import native, f64 as F, i32, u16, i16, i8, u32, u64, f32

G = 6.674e-11
TAU = 2 * math.pi
M = 128 * 2 - 1
NEG = -3
BIG = 1_000_000
HEXES = 0xFF + 0o17 + 0b101
HALF = .5
FIVE = 5.
E3 = 1e3
ON = not False


@native
def annots(a: F[:], b: pj.f64[:, ::1], c: np.float64[:], d: numpy.int32[:, :, :],
           e: i8[:, :, :, :], f: u16[::1], g: u32, h: u64, k: i16, flag: bool) -> F:
    return a[0] + b[0, 0] + c[0] + d[0, 0, 0] + e[0, 0, 0, -1] + f[0] + g + h + k + flag


@native
def declare_only(n: int) -> float:
    x: float
    x = n
    y: f32 = 0.5
    z: i32 = n
    z += 1
    return x + y + z


@native
def literals(n: int) -> float:
    return G + TAU + M + NEG + BIG + HEXES + HALF + FIVE + E3 + ON + 1_0.0_1 + 0x_1F


@native
def swaps(a: i32[:]) -> int:
    i, j = 0, a.shape[0] - 1
    while i < j:
        a[i], a[j] = a[j], a[i]
        i += 1; j -= 1
    (p, q) = 1, 2
    x = y = 0
    x += p
    y += q
    return x + y


def mut_a(n: int) -> int:
    if n <= 0:
        return 0
    return mut_b(n - 1) + 1


def mut_b(n: int) -> int:
    if n <= 0:
        return 0
    return mut_a(n - 1) + 2


def h1(a, i):
    return h2(a[i]) * 2


def h2(v, w=1.0):
    return v + w


@native
def helpers(a: f64[:], n: int) -> float:
    return mut_a(n) + h1(a, 0) + h2(1) + h2(1, w=2)


@native
def array_iter(a: f64[:]) -> float:
    best = -math.inf
    for v in a:
        if v > best:
            best = v
    return best if best > -math.inf else math.nan


@native
def nested_cond(x: int) -> int:
    return 1 if x > 10 else 2 if x > 5 else 3 if x > 0 else (4 if x == 0 else 5)


@native
def truthiness(x: float, n: int) -> int:
    c = 0
    if x: c += 1
    if not x: c += 2
    if x and n: c += 4
    if x or n: c += 8
    while n:
        n -= 1
    r = n or 7
    return c + r


@native
def tuple_ret(x: float) -> tuple[float, int, bool]:
    return x * 2, int(x), x > 0


@native
def use_tuple(x: float) -> float:
    a, b, c = tuple_ret(x)
    t = tuple_ret(x)
    return a + b + c + t[0] + t[-2]


@native
def math_all(x: float, y: float, n: int) -> float:
    r = math.exp(x) + math.expm1(x) + math.log(y) + math.log(y, 2) + math.log2(y) + math.log10(y)
    r += math.log1p(x) + math.sin(x) + math.cos(x) + math.tan(x) + math.asin(0.5) + math.acos(0.5)
    r += math.atan(x) + math.atan2(y, x) + math.sinh(x) + math.cosh(x) + math.tanh(x)
    r += math.asinh(x) + math.acosh(y + 1) + math.atanh(0.5) + math.pow(x, y) + math.fabs(-x)
    r += math.copysign(x, -1) + math.hypot(x, y) + math.fmod(y, x) + math.degrees(x) + math.radians(x)
    r += math.erf(x) + math.erfc(x) + math.gamma(y) + math.lgamma(y) + math.floor(x) + math.ceil(x)
    r += math.trunc(x) + math.isnan(x) + math.isinf(x) + math.isfinite(x) + math.gcd(n, 6)
    r += math.pi + math.e + math.tau + (math.inf > 0) + (math.nan != math.nan)
    r += np.sqrt(x) + np.sin(0.5) + np.cos(x) + np.fabs(x) + np.trunc(x) + np.abs(n)
    r += np.hypot(x, y) + np.copysign(1, x) + np.degrees(x) + np.isnan(x) + np.e + np.floor(x)
    return r
