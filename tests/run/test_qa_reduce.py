"""QA differential tests: reductions users write by hand (sum, mean,
two-pass variance, Kahan sum, argmin/argmax with ties and NaN, dot,
product with overflow, any/all, count, running min/max, cumulative sums
in place, row/column sums of 2-D arrays into outputs) on all layouts."""
import math

import numpy as np
import pytest

from difftest import build, expect_exc, same_call

SRC = '''
@native
def total(a: f64[:]) -> float:
    s = 0.0
    for x in a:
        s += x
    return s

@native
def mean(a: f64[:]) -> float:
    return total(a) / len(a)

@native
def variance(a: f64[:], ddof: int = 0) -> float:
    n = len(a)
    m = mean(a)
    s = 0.0
    for i in range(n):
        d = a[i] - m
        s += d * d
    return s / (n - ddof)

@native
def kahan(a: f64[:]) -> float:
    s = 0.0
    c = 0.0
    for i in range(len(a)):
        y = a[i] - c
        t = s + y
        c = (t - s) - y
        s = t
    return s

@native
def argmax(a: f64[:]) -> int:
    best = 0
    for i in range(1, len(a)):
        if a[i] > a[best]:
            best = i
    return best

@native
def argmin_nan(a: f64[:]) -> int:
    # NumPy-style: the first NaN wins
    best = -1
    for i in range(len(a)):
        if a[i] != a[i]:
            return i
        if best < 0 or a[i] < a[best]:
            best = i
    return best

@native
def dot(a: f64[:], b: f64[:]) -> float:
    if len(a) != len(b):
        raise ValueError("shapes differ")
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s

@native
def iprod(a: i64[:]) -> int:
    p = 1
    for x in a:
        p *= x
    return p

@native
def isum(a: i64[:]) -> int:
    s = 0
    for i in range(len(a)):
        s += a[i]
    return s

@native
def any_all(a: f64[:], thr: float) -> tuple[bool, bool]:
    anyv = False
    allv = True
    for x in a:
        if x > thr:
            anyv = True
        else:
            allv = False
    return anyv, allv

@native
def count_nonzero(a: i32[:, :]) -> int:
    c = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j]:
                c += 1
    return c

@native
def minmax(a: f64[:]) -> tuple[float, float]:
    lo = math.inf
    hi = -math.inf
    for x in a:
        lo = min(lo, x)
        hi = max(hi, x)
    return lo, hi

@native
def cumsum(a: f64[:]) -> None:
    for i in range(1, len(a)):
        a[i] += a[i - 1]

@native
def row_sums(m: f64[:, :], out: f64[:]) -> None:
    for i in range(m.shape[0]):
        s = 0.0
        for j in range(m.shape[1]):
            s += m[i, j]
        out[i] = s

@native
def col_sums(m: f64[:, :], out: f64[:]) -> None:
    for j in range(m.shape[1]):
        out[j] = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            out[j] += m[i, j]

@native
def f32_sum(a: f32[:]) -> float:
    s = 0.0
    for i in range(len(a)):
        s += float(a[i])
    return s

@native
def f32_acc(a: f32[:], out: f32[:]) -> None:
    acc: f32 = 0.0
    for i in range(len(a)):
        acc = acc + float(a[i])
        out[i] = acc

@native
def norm_inf(m: f64[:, :]) -> float:
    best = 0.0
    for i in range(m.shape[0]):
        s = 0.0
        for j in range(m.shape[1]):
            s += abs(m[i, j])
        if s > best:
            best = s
    return best
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def vecs():
    rng = np.random.default_rng(11)
    a = rng.standard_normal(33) * 1e3
    return [a, a[::-1], a[::4], a[3:4], np.zeros(0), np.array([1e16, 1.0, -1e16, 1.0]),
            np.array([np.nan, 1.0, 2.0]), np.array([1.0, np.nan, 0.0]), np.array([np.inf, -np.inf]),
            np.array([2.0, 5.0, 5.0, 1.0]), np.array([-0.0, 0.0])]


def test_float_reductions(mods):
    for a in vecs():
        for f in ["total", "mean", "kahan", "argmax", "argmin_nan", "minmax", "cumsum"]:
            same_call(mods, f, a)
        for d in [0, 1]:
            if d < len(a):
                same_call(mods, "variance", a, d)
        if len(a) > 1:
            # s / 0 with s an np.float64 would be inf in the reference; as Python floats it raises
            expect_exc(mods, "variance", ZeroDivisionError, "float division by zero", a, len(a))
        for thr in [0.0, float("nan"), -math.inf]:
            same_call(mods, "any_all", a, thr)
        same_call(mods, "dot", a, a[::-1].copy())
    same_call(mods, "dot", np.ones(3), np.ones(4))


def test_int_reductions(mods):
    for a in [np.arange(1, 21), np.array([2**31, 2**31, 3]), np.array([-1] * 63 + [2]), np.zeros(0, np.int64),
              np.array([2**62, 2**62]), np.array([-2**63, -1]), np.array([-2**63, 0, -1]), np.array([3, -2**62, 2])]:
        c, p = mods
        # CPython with Python ints (int() of each element) is the reference
        ref_p = math.prod(int(x) for x in a)
        ref_s = sum(int(x) for x in a)
        for name, ref in [("iprod", ref_p), ("isum", ref_s)]:
            if -2**63 <= ref < 2**63 and name == "isum":
                assert getattr(c, name)(a) == ref
            try:
                got = getattr(c, name)(a)
            except OverflowError:
                continue
            assert got == ref, (name, a, got, ref)
    m = (np.arange(24).reshape(4, 6) % 3).astype(np.int32)
    for arr in [m, m.T, m[::-1, ::2], np.asfortranarray(m), np.zeros((0, 2), np.int32)]:
        same_call(mods, "count_nonzero", arr)


def test_2d(mods):
    m = np.arange(20.0).reshape(4, 5) ** 1.7 - 30
    for arr in [m, m.T, m[::-1], m[:, ::-2], np.asfortranarray(m), np.zeros((0, 3)), np.zeros((3, 0))]:
        same_call(mods, "row_sums", arr, np.zeros(arr.shape[0]))
        same_call(mods, "col_sums", arr, np.zeros(arr.shape[1]))
        same_call(mods, "norm_inf", arr)
    same_call(mods, "row_sums", m, np.zeros(3))
    same_call(mods, "col_sums", m, np.zeros(4))


def test_f32(mods):
    a = (np.arange(50, dtype=np.float32) * np.float32(0.1)).astype(np.float32)
    for arr in [a, a[::-1], a[::7], np.array([3.4e38, 3.4e38], np.float32), np.zeros(0, np.float32)]:
        same_call(mods, "f32_sum", arr)
        out_c = np.zeros(len(arr), np.float32)
        mods[0].f32_acc(arr, out_c)
        # reference: an f32 local rounds after every addition
        acc = np.float32(0)
        ref = np.zeros(len(arr), np.float32)
        with np.errstate(over="ignore"):
            for i in range(len(arr)):
                acc = np.float32(float(acc) + float(arr[i]))
                ref[i] = acc
        assert out_c.tobytes() == ref.tobytes()
