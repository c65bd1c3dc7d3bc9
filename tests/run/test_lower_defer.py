"""Differential tests: loops whose checks run as a flag (compiler/lower_defer.c,
fast_range_copy in lower.c).  A versioned loop with no effect but on local
variables ORs every check's failure into a flag and, when it is set at the
exit, puts the locals back and reruns the ordinary loop, which raises where
CPython does.  These raise in the first, a middle and the last iteration,
with a `break` before and after the failing iteration, with `continue`, and
check the locals the loop leaves behind when nothing raises.  (Element
reads are wrapped in float() / int() so that the CPython reference computes
with Python numbers, which raise where NumPy scalars give inf or wrap.)"""
import math

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def lj(pos: f64[:, :], s2: float) -> float:
    n = pos.shape[0]
    e = 0.0
    for i in range(n - 1):
        xi = float(pos[i, 0])
        yi = float(pos[i, 1])
        zi = float(pos[i, 2])
        for j in range(i + 1, n):
            dx = xi - float(pos[j, 0])
            dy = yi - float(pos[j, 1])
            dz = zi - float(pos[j, 2])
            sr2 = s2 / (dx * dx + dy * dy + dz * dz)
            sr6 = sr2 * sr2 * sr2
            e += sr6 * sr6 - sr6
    return e

@native
def inv_sum(a: f64[:], stop: int) -> tuple[float, int, float]:
    s = 0.0
    last = -1.0
    j = -7
    for j in range(a.shape[0]):
        if j == stop:
            break
        if a[j] > 100.0:
            continue
        last = 1.0 / float(a[j])
        s += last
    return s, j, last

@native
def int_div(a: i64[:], k: int) -> tuple[int, int]:
    s = 0
    m = 0
    for j in range(a.shape[0]):
        q = k // int(a[j])
        m = max(m, q)
        s += q * int(a[j]) + k % int(a[j])
    return s, m

@native
def int_ovf(a: i64[:], k: int) -> int:
    s = 0
    for j in range(a.shape[0]):
        s += int(a[j]) * k
    return s

@native
def carried(a: f64[:], t0: int) -> tuple[float, int]:
    # where it raises depends on t, which the loop carries: the rerun must
    # start from t's value before the loop
    t = t0
    s = 0.0
    for j in range(a.shape[0]):
        t = t * 2
        s += float(a[j]) / (t - 64)
    return s, t

@native
def to_int(a: f64[:]) -> int:
    t = 0
    for j in range(a.shape[0]):
        t += int(float(a[j]) * 2.0)
    return t
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def test_lj(mods):
    m, _ = mods
    rng = np.random.default_rng(1)
    for n in [0, 1, 2, 9, 40]:
        pos = rng.random((n, 3)) * 5
        same_call(m, "lj", pos, 0.25)
        same_call(m, "lj", np.asfortranarray(pos), 0.25)
        if n >= 2:
            for a, b in [(0, 1), (0, n - 1), (n // 2 - 1, n // 2), (n - 2, n - 1)]:
                p = pos.copy()
                p[b] = p[a]          # a zero distance: ZeroDivisionError at that pair
                same_call(m, "lj", p, 0.25)
                p[b, 0] = math.nan   # NaN distances divide fine
                same_call(m, "lj", p, 0.25)


def test_inv_sum(mods):
    m, _ = mods
    base = np.arange(1.0, 21.0)
    for zero_at in [None, 0, 5, 19]:
        a = base.copy()
        if zero_at is not None:
            a[zero_at] = 0.0
        a[3] = 500.0   # skipped by continue
        for stop in [-1, 0, 2, 5, 6, 12, 25]:
            same_call(m, "inv_sum", a, stop)
            same_call(m, "inv_sum", a[::-1], stop)
    same_call(m, "inv_sum", np.zeros(0), 3)   # the loop never runs: j keeps -7


def test_int_div(mods):
    m, flags = mods
    for zero_at in [None, 0, 4, 9]:
        a = np.array([3, -2, 7, 5, -9, 11, 2, 1, -1, 6], np.int64)
        if zero_at is not None:
            a[zero_at] = 0
        for k in [0, 17, -1000]:
            same_call(m, "int_div", a, k)
        if not flags and zero_at is None:
            same_call(m, "int_div", a, 2**62)   # the sum overflows int64: OverflowError
    if not flags:
        a = np.array([3, -1, 5], np.int64)
        same_call(m, "int_div", a, -(2**63))   # INT64_MIN // -1 overflows: OverflowError


def test_int_ovf(mods):
    m, flags = mods
    a = np.array([1, 2, 3, 2**40, 5], np.int64)
    if not flags:
        for k in [1, 2**22, 2**23, -(2**23), 2**62]:
            same_call(m, "int_ovf", a, k)   # Python int reference; overflow -> OverflowError


def test_to_int(mods):
    m, flags = mods
    a = np.array([0.5, 1.25, -3.75, 1e10, 2.0])
    same_call(m, "to_int", a)
    if not flags:
        for bad, at in [(math.nan, 0), (math.inf, 2), (-math.inf, 4), (1e300, 3)]:
            b = a.copy()
            b[at] = bad
            same_call(m, "to_int", b)   # ValueError / OverflowError at that element


def test_carried(mods):
    m, flags = mods
    a = np.linspace(1.0, 2.0, 40)
    for t0 in [1, 2, 3, 64, -5]:
        if flags and t0 == 3:
            continue   # t overflows int64: wraps unchecked, where CPython's int grows
        same_call(m, "carried", a, t0)
        same_call(m, "carried", a[:5], t0)
