"""A second set of kernels, written for this benchmark (not from the peer study).

They are typical of the loops people hand to Numba or Cython and differ in
shape from the 17 of kernels.py: short inner loops over a small array
(conv1d, horner), a loop-carried select (running_max), narrow element types
(u8 image, f32 arrays, i32 rows, read widened with int()/float() so that
CPython computes with Python ints and floats), libm calls per point
(trapezoid), a latency-bound recurrence per element (logistic_map), integer
division loops (gcd_pairs), data-dependent while loops (insertion_sort_rows),
scattered increments (bincount) and strided views (dot_strided gets a[::2]).

Same rules as kernels.py: typed loops, scalar locals, math.*, every array
passed in by the caller, no allocation; every `//` and `%` has non-negative
operands.  Runs unchanged on CPython with NumPy arrays.
"""

import math

from jtypes import f32, f64, i32, i64, u8


def conv1d(x: f64[:], w: f64[:], out: f64[:]) -> None:
    # "valid" correlation with a small filter: out[i] = sum_j w[j] * x[i + j]
    k = w.shape[0]
    for i in range(x.shape[0] - k + 1):
        s = 0.0
        for j in range(k):
            s += w[j] * x[i + j]
        out[i] = s


def horner(c: f64[:], x: f64[:], out: f64[:]) -> None:
    # out[i] = c[0] * x^(d-1) + ... + c[d-1], by Horner's rule
    d = c.shape[0]
    for i in range(x.shape[0]):
        xi = x[i]
        p = c[0]
        for k in range(1, d):
            p = p * xi + c[k]
        out[i] = p


def running_max(x: f64[:], out: f64[:]) -> int:
    # out[i] = max(x[0..i]); returns the index of the first maximum
    best = x[0]
    arg = 0
    for i in range(x.shape[0]):
        v = x[i]
        if v > best:
            best = v
            arg = i
        out[i] = best
    return arg


def box_blur_u8(img: u8[:, :], out: u8[:, :]) -> None:
    # 3x3 mean of a grey image, rounded down; the border of out is left alone
    h = img.shape[0]
    w = img.shape[1]
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            s = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    s += int(img[i + di, j + dj])
            out[i, j] = s // 9


def mean_var_f32(x: f32[:]) -> float:
    # population variance, two passes (mean first), accumulated in binary64
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        s += float(x[i])
    mean = s / n
    ss = 0.0
    for i in range(n):
        d = float(x[i]) - mean
        ss += d * d
    return ss / n


def damped_wave(t: float) -> float:
    return math.exp(-0.1 * t) * math.sin(3.0 * t)


def trapezoid(a: float, b: float, n: int) -> float:
    # trapezoid rule for the integral of damped_wave over [a, b], n intervals
    h = (b - a) / n
    s = 0.5 * (damped_wave(a) + damped_wave(b))
    for i in range(1, n):
        s += damped_wave(a + i * h)
    return s * h


def logistic_map(r: f64[:], x: f64[:], iters: int) -> None:
    # iterates x <- r x (1 - x) on every element, each with its own r
    for i in range(x.shape[0]):
        ri = r[i]
        xi = x[i]
        for k in range(iters):
            xi = ri * xi * (1.0 - xi)
        x[i] = xi


def gcd_pairs(a: i64[:], b: i64[:], out: i64[:]) -> int:
    # Euclid on each pair of non-negative ints; returns the sum of the gcds
    total = 0
    for i in range(a.shape[0]):
        x = a[i]
        y = b[i]
        while y != 0:
            x, y = y, x % y
        out[i] = x
        total += x
    return total


def insertion_sort_rows(a: i32[:, :]) -> None:
    # sorts each (short) row in place
    m = a.shape[1]
    for r in range(a.shape[0]):
        for i in range(1, m):
            key = a[r, i]
            j = i - 1
            while j >= 0 and a[r, j] > key:
                a[r, j + 1] = a[r, j]
                j -= 1
            a[r, j + 1] = key


def heat_f32(u: f32[:, :], v: f32[:, :], iters: int, k: float) -> float:
    # explicit heat-equation steps on binary32 grids (u -> v, then v -> u);
    # v must hold u's boundary values; returns the sum of u afterwards
    n = u.shape[0]
    m = u.shape[1]
    for it in range(iters):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                c = float(u[i, j])
                v[i, j] = c + k * (float(u[i - 1, j]) + float(u[i + 1, j])
                                   + float(u[i, j - 1]) + float(u[i, j + 1]) - 4.0 * c)
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                c = float(v[i, j])
                u[i, j] = c + k * (float(v[i - 1, j]) + float(v[i + 1, j])
                                   + float(v[i, j - 1]) + float(v[i, j + 1]) - 4.0 * c)
    s = 0.0
    for i in range(n):
        for j in range(m):
            s += float(u[i, j])
    return s


def bincount(x: i64[:], counts: i64[:]) -> int:
    # counts[v] = occurrences of v in x (0 <= v < len(counts)); returns the mode
    nb = counts.shape[0]
    for v in range(nb):
        counts[v] = 0
    for i in range(x.shape[0]):
        counts[x[i]] += 1
    best = 0
    for v in range(1, nb):
        if counts[v] > counts[best]:
            best = v
    return best


def dot_strided(a: f64[:], b: f64[:]) -> float:
    # called with views (a[::2], b[::3]): element strides known only at run time
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s
