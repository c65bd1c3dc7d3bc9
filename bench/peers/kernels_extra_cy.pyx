# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cdivision=True is safe here: every integer // and % has non-negative
# operands and no divisor is zero, so C and Python semantics agree.
"""Cython versions of kernels_extra.py, written as kernels_cy.pyx is: typed
memoryviews (C-contiguous, ::1, except dot_strided's strided views), C
integer/double locals, the helper as a cdef function."""

from libc.math cimport exp, sin
from libc.stdint cimport int32_t, int64_t, uint8_t

ctypedef long long i64


def conv1d(double[::1] x, double[::1] w, double[::1] out):
    cdef Py_ssize_t k = w.shape[0], i, j
    cdef double s
    for i in range(x.shape[0] - k + 1):
        s = 0.0
        for j in range(k):
            s += w[j] * x[i + j]
        out[i] = s


def horner(double[::1] c, double[::1] x, double[::1] out):
    cdef Py_ssize_t d = c.shape[0], i, k
    cdef double xi, p
    for i in range(x.shape[0]):
        xi = x[i]
        p = c[0]
        for k in range(1, d):
            p = p * xi + c[k]
        out[i] = p


def running_max(double[::1] x, double[::1] out):
    cdef double best = x[0], v
    cdef Py_ssize_t arg = 0, i
    for i in range(x.shape[0]):
        v = x[i]
        if v > best:
            best = v
            arg = i
        out[i] = best
    return arg


def box_blur_u8(uint8_t[:, ::1] img, uint8_t[:, ::1] out):
    cdef Py_ssize_t h = img.shape[0], w = img.shape[1], i, j, di, dj
    cdef i64 s
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            s = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    s += img[i + di, j + dj]
            out[i, j] = <uint8_t>(s // 9)


def mean_var_f32(float[::1] x):
    cdef Py_ssize_t n = x.shape[0], i
    cdef double s = 0.0, mean, ss = 0.0, d
    for i in range(n):
        s += x[i]
    mean = s / n
    for i in range(n):
        d = x[i] - mean
        ss += d * d
    return ss / n


cdef inline double _damped_wave(double t) nogil:
    return exp(-0.1 * t) * sin(3.0 * t)


def trapezoid(double a, double b, i64 n):
    cdef double h = (b - a) / n
    cdef double s = 0.5 * (_damped_wave(a) + _damped_wave(b))
    cdef i64 i
    for i in range(1, n):
        s += _damped_wave(a + i * h)
    return s * h


def logistic_map(double[::1] r, double[::1] x, i64 iters):
    cdef Py_ssize_t i
    cdef i64 k
    cdef double ri, xi
    for i in range(x.shape[0]):
        ri = r[i]
        xi = x[i]
        for k in range(iters):
            xi = ri * xi * (1.0 - xi)
        x[i] = xi


def gcd_pairs(int64_t[::1] a, int64_t[::1] b, int64_t[::1] out):
    cdef Py_ssize_t i
    cdef i64 total = 0, x, y, t
    for i in range(a.shape[0]):
        x = a[i]
        y = b[i]
        while y != 0:
            t = x % y
            x = y
            y = t
        out[i] = x
        total += x
    return total


def insertion_sort_rows(int32_t[:, ::1] a):
    cdef Py_ssize_t m = a.shape[1], r, i, j
    cdef int32_t key
    for r in range(a.shape[0]):
        for i in range(1, m):
            key = a[r, i]
            j = i - 1
            while j >= 0 and a[r, j] > key:
                a[r, j + 1] = a[r, j]
                j -= 1
            a[r, j + 1] = key


cdef void _heat_step(float[:, ::1] u, float[:, ::1] v, double k):
    cdef Py_ssize_t n = u.shape[0], m = u.shape[1], i, j
    cdef double c
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            c = u[i, j]
            v[i, j] = <float>(c + k * (<double>u[i - 1, j] + <double>u[i + 1, j]
                                       + <double>u[i, j - 1] + <double>u[i, j + 1] - 4.0 * c))


def heat_f32(float[:, ::1] u, float[:, ::1] v, i64 iters, double k):
    cdef Py_ssize_t n = u.shape[0], m = u.shape[1], i, j
    cdef i64 it
    cdef double s = 0.0
    for it in range(iters):
        _heat_step(u, v, k)
        _heat_step(v, u, k)
    for i in range(n):
        for j in range(m):
            s += u[i, j]
    return s


def bincount(int64_t[::1] x, int64_t[::1] counts):
    cdef Py_ssize_t nb = counts.shape[0], v, i, best = 0
    for v in range(nb):
        counts[v] = 0
    for i in range(x.shape[0]):
        counts[x[i]] += 1
    for v in range(1, nb):
        if counts[v] > counts[best]:
            best = v
    return best


def dot_strided(double[:] a, double[:] b):
    cdef Py_ssize_t i
    cdef double s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s
