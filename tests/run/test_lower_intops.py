"""Differential tests: the cheaper exact lowerings of integer operations
(compiler/lower_array.c wrap_index, lower_expr.c float_to_int, ...).

- Array indices that are not proven in range: one unsigned compare on the
  hot path, wraparound of negative indices and the IndexError off it.
- int(float): one compare on the hot path (x86: the INT64_MIN result of
  cvttsd2si), -2**63 as the one valid double behind that result.

Each is compared against CPython at the edges (NaN, +-inf, the int64 limits,
-n-1 / -n / -1 / n-1 / n) and at the iteration that raises, after the same
writes, in the four check modes."""
import math

import numpy as np
import pytest

from difftest import build, expect_exc, same_call

FLAGS = [(), ("--boundscheck=off",), ("--overflowcheck=off",),
         ("--boundscheck=off", "--overflowcheck=off")]
IDS = ["safe", "nobounds", "nooverflow", "unchecked"]

SRC = '''
@native
def get(a: i64[:], k: int) -> int:
    return a[k]

@native
def put(a: i64[:], k: int, v: int) -> None:
    a[k] = v

@native
def bump(a: i64[:], k: int) -> None:
    a[k] += 1

@native
def get2(a: f64[:, :], i: int, j: int) -> float:
    return a[i, j]

@native
def gather(a: f64[:], idx: i64[:], out: f64[:]) -> None:
    # idx[i] is not affine in i: never proven, so every access is checked
    for i in range(idx.shape[0]):
        out[i] = a[idx[i]]

@native
def count_into(bins: i64[:], idx: i64[:]) -> int:
    n = 0
    for i in range(idx.shape[0]):
        bins[idx[i]] += 1
        n += 1
    return n

@native
def scan_while(a: i64[:], start: int, pivot: int) -> int:
    i = start
    while a[i] < pivot:
        i += 1
    return i

@native
def to_int(x: float) -> int:
    return int(x)

@native
def floor_int(x: float) -> int:
    return math.floor(x)

@native
def ints_of(xs: f64[:], out: i64[:]) -> int:
    s = 0
    for i in range(xs.shape[0]):
        out[i] = int(xs[i] * 2.0)
        s += 1
    return s

@native
def hist(data: f64[:], lo: float, hi: float, bins: i64[:]) -> int:
    nb = bins.shape[0]
    scale = nb / (hi - lo)
    outside = 0
    for i in range(data.shape[0]):
        x = data[i]
        if x >= lo and x < hi:
            k = int((x - lo) * scale)
            if k >= nb:
                k = nb - 1
            bins[k] += 1
        else:
            outside += 1
    return outside
'''


@pytest.fixture(scope="module", params=FLAGS, ids=IDS)
def mods(request):
    return build(SRC, request.param), request.param


def nobounds(flags):
    return "--boundscheck=off" in flags


BIG = 2**63 - 1
OVF = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"
EDGE = [0, 1, 4, -1, -4, -5, 5, 6, -6, BIG, -BIG - 1, 2**32, -2**32]


def test_scalar_index_edges(mods):
    m, flags = mods
    a = np.arange(5, dtype=np.int64) * 10
    for k in EDGE:
        if nobounds(flags) and not -5 <= k < 5:
            continue
        same_call(m, "get", a, k)
        same_call(m, "put", a, k, 77)
        same_call(m, "bump", a, k)
    # empty array: every index raises
    if not nobounds(flags):
        for k in [0, -1, 1]:
            same_call(m, "get", np.zeros(0, dtype=np.int64), k)


def test_strided_and_2d(mods):
    m, flags = mods
    base = np.arange(40, dtype=np.int64)
    for view in [base[::3], base[::-2], base[5:6]]:
        n = view.shape[0]
        for k in [0, n - 1, -1, -n] + ([] if nobounds(flags) else [n, -n - 1]):
            same_call(m, "get", view, k)
            same_call(m, "bump", view, k)
    a = np.arange(12.0).reshape(3, 4)
    for a2 in [a, a[::-1, ::2], np.asfortranarray(a)]:
        r, c = a2.shape
        for i, j in [(0, 0), (r - 1, c - 1), (-1, -1), (-r, -c), (1, -c)] + (
                [] if nobounds(flags) else [(r, 0), (0, c), (-r - 1, 0), (0, -c - 1), (BIG, 0), (0, -BIG - 1)]):
            same_call(m, "get2", a2, i, j)


def test_gather_raises_at_the_same_iteration(mods):
    m, flags = mods
    a = np.arange(6.0)
    cases = [[0, 5, -1, -6, 3], [2, 2, 2], []]
    if not nobounds(flags):
        cases += [[0, 1, 6, 2], [0, -7, 1], [5, -1, BIG], [-BIG - 1]]
    for idx in cases:
        same_call(m, "gather", a, np.array(idx, dtype=np.int64), np.full(len(idx), -1.0))
        same_call(m, "count_into", np.zeros(6, dtype=np.int64), np.array(idx, dtype=np.int64))


def test_while_scan(mods):
    m, flags = mods
    a = np.array([1, 2, 3, 9, 4], dtype=np.int64)
    for start, pivot in [(0, 3), (0, 9), (-5, 3), (-2, 5), (2, 100)]:
        if nobounds(flags) and pivot == 100:
            continue
        same_call(m, "scan_while", a, start, pivot)


F2I = [0.0, -0.0, 0.5, -0.5, 1.9, -1.9, 1e18, -1e18, 2.0**62, 2.0**63, -2.0**63,
       math.nextafter(2.0**63, 0.0), math.nextafter(-2.0**63, 0.0), math.nextafter(-2.0**63, -math.inf),
       1e300, -1e300, 5e-324, math.inf, -math.inf, math.nan, -math.nan]


def test_float_to_int_edges(mods):
    m, _ = mods
    for x in F2I:
        same_call(m, "to_int", x)
        same_call(m, "floor_int", x)


def test_float_to_int_loop_raises_in_place(mods):
    m, _ = mods
    # (beyond int64 CPython raises only at the store into out, with NumPy's
    # message: the scalar test covers those values)
    for bad in [math.nan, math.inf, -math.inf, -math.nan]:
        xs = np.array([1.25, -3.5, bad, 7.0])
        same_call(m, "ints_of", xs, np.zeros(4, dtype=np.int64))
    # -2**63 / 2 * 2 is -2**63: valid, converts to INT64_MIN
    same_call(m, "ints_of", np.array([-2.0**62, 0.75]), np.zeros(2, dtype=np.int64))


def test_histogram_shapes(mods):
    m, flags = mods
    rng = np.random.default_rng(5)
    data = rng.normal(0.0, 1.0, 500)
    data[7] = math.nan
    data[9] = math.inf
    data[11] = -math.inf
    data[13] = 3.0
    for lo, hi, nb in [(-3.0, 3.0, 10), (-1.0, 1.0, 1), (0.0, 1e-300, 5), (-1e308, 1e308, 7),
                       (2.0, -2.0, 4)]:
        same_call(m, "hist", data, lo, hi, np.zeros(nb, dtype=np.int64))
    # a bin count at the int64 limit: the += raises in safe mode (NumPy's
    # element arithmetic would wrap with a warning: SPEC §3 raises)
    bins = np.zeros(3, dtype=np.int64)
    bins[1] = BIG
    if "--overflowcheck=off" not in flags:
        expect_exc(m, "hist", OverflowError, OVF, np.array([0.1, 0.5, 0.9]), 0.0, 1.0, bins)
        assert list(bins) == [1, BIG, 0]
    # scale is inf: (x - lo) * inf is NaN for x == lo, inf above: int() raises
    same_call(m, "hist", np.array([1e-300, 0.0]), 0.0, 1e-310, np.zeros(2, dtype=np.int64))
