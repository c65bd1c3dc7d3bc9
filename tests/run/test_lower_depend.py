"""Differential tests for loops without carried memory dependences
(compiler/lower_depend.c): a loop that reads and writes one array at the
loop variable plus invariant offsets gets a copy whose accesses are one
access group, when no iteration reads an earlier iteration's write.  The
tests run offsets of both signs (known at compile time and only at run
time), both loop directions, reads after the write, strided, reversed and
zero-stride views, and check the IR for the parallel loop where it is
allowed and its absence where it is not."""
import re

import numpy as np
import pytest

from difftest import build, expect_exc, function_ir, module_ir, same_call

SRC = '''
@native
def knapsack(weight: i64[:], value: i64[:], cap: int, best: i64[:]) -> int:
    for c in range(cap + 1):
        best[c] = 0
    for i in range(weight.shape[0]):
        w = weight[i]
        v = value[i]
        for c in range(cap, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[cap]

@native
def unbounded(weight: i64[:], value: i64[:], cap: int, best: i64[:]) -> int:
    # forward: reads what this pass wrote (a true dependence: no parallel copy)
    for c in range(cap + 1):
        best[c] = 0
    for i in range(weight.shape[0]):
        w = weight[i]
        v = value[i]
        for c in range(w, cap + 1):
            best[c] = max(best[c], best[c - w] + v)
    return best[cap]

@native
def down_max(best: i64[::1], w: int, v: int) -> None:
    for c in range(best.shape[0] - 1, w - 1, -1):
        best[c] = max(best[c], best[c - w] + v)

@native
def up_max(best: i64[::1], w: int, v: int) -> None:
    for c in range(w, best.shape[0]):
        best[c] = max(best[c], best[c - w] + v)

@native
def behind_c(a: i64[::1]) -> None:
    for i in range(1, a.shape[0]):
        a[i] = a[i - 1] + a[i]

@native
def behind2(a: i64[::1]) -> None:
    # distance 2: not the carried store of lower_forward.c
    for i in range(2, a.shape[0]):
        a[i] = a[i - 2] * 3 + a[i]

@native
def acc_pass(a: i64[::1], lim: int) -> int:
    s = 0
    for i in range(a.shape[0] - 1):
        s += a[i + 1]
        if s > lim:
            break
        a[i] = a[i] + a[i + 1]
    return s

@native
def shift_by(a: f64[:], d: int, lo: int, hi: int) -> None:
    for i in range(lo, hi):
        a[i] = a[i + d] * 0.5 + 1.0

@native
def ahead(a: i64[:]) -> None:
    for i in range(a.shape[0] - 1):
        a[i] = a[i] + a[i + 1]

@native
def behind(a: i64[:]) -> None:
    for i in range(1, a.shape[0]):
        a[i] = a[i - 1] + a[i]

@native
def read_after(a: i64[:], out: i64[:]) -> int:
    s = 0
    for i in range(a.shape[0]):
        a[i] = a[i] * 3 + 1
        s += a[i]
    return s

@native
def down_step2(a: i64[:], d: int) -> None:
    for i in range(a.shape[0] - 1, 3, -2):
        a[i] -= a[i - d]
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_knapsack_both_ways(mods):
    rng = np.random.default_rng(8)
    for n, cap in [(0, 5), (1, 0), (6, 17), (30, 300)]:
        w = rng.integers(0, 40, n).astype(np.int64)
        v = rng.integers(0, 1000, n).astype(np.int64)
        for f in ("knapsack", "unbounded"):
            same_call(mods, f, w, v, cap, np.zeros(cap + 1, np.int64))
    # weights 0 (reads its own index) and above cap (the loop does not run)
    w = np.array([0, 3, 500, 0, 7], np.int64)
    v = np.array([5, 9, 100, 1, 4], np.int64)
    for f in ("knapsack", "unbounded"):
        same_call(mods, f, w, v, 20, np.zeros(21, np.int64))


def test_negative_weight_takes_the_ordinary_copy(mods, flags):
    if flags:
        pytest.skip("unchecked: c - w beyond the table is not checked")
    w = np.array([-2, 3], np.int64)       # c - w > c: reads what this pass wrote
    v = np.array([5, 9], np.int64)
    same_call(mods, "knapsack", w, v, 10, np.zeros(13, np.int64))


def test_runtime_offsets(mods):
    for d in [-5, -1, 0, 1, 2, 7]:
        a = np.arange(40, dtype=np.float64) * 1.25
        same_call(mods, "shift_by", a, d, 6, 30)
        for base in [np.arange(30, dtype=np.int64), np.arange(60, dtype=np.int64)[::2],
                     np.arange(30, dtype=np.int64)[::-1]]:
            same_call(mods, "down_step2", base.copy() if base.base is None else base, d % 4)


def test_static_offsets_and_views(mods):
    for make in [lambda: np.arange(50, dtype=np.int64),
                 lambda: np.arange(100, dtype=np.int64)[::2],
                 lambda: np.arange(50, dtype=np.int64)[::-1],
                 lambda: np.arange(75, dtype=np.int64)[::-3]]:
        for f in ("ahead", "behind"):
            same_call(mods, f, make())
        same_call(mods, "behind_c", np.arange(20, dtype=np.int64))
        same_call(mods, "behind2", np.arange(37, dtype=np.int64))
        same_call(mods, "read_after", make(), np.zeros(3, np.int64))


def test_zero_stride(mods):
    # one element seen at every index: each iteration reads the last write
    base = np.array([3.0, 0.0])
    a = np.lib.stride_tricks.as_strided(base, shape=(12,), strides=(0,))
    same_call(mods, "shift_by", a, 1, 0, 10)
    b = np.lib.stride_tricks.as_strided(np.array([2, 0], np.int64), shape=(9,), strides=(0,))
    same_call(mods, "ahead", b)


OVF = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"


def test_prepass_raises_where_cpython_grows(mods, flags):
    """Safe mode runs a check prepass (no stores) and then the loop without
    checks; a failing check sends it to the ordinary loop, which raises at
    CPython's iteration with the later elements untouched."""
    if flags:
        pytest.skip("unchecked: int overflow is not checked")
    c, _ = mods
    for k in [1, 6, 17, 30]:
        best = np.arange(40, dtype=np.int64) * 10
        best[k - 1] = 2**62                 # best[k - 1] + v overflows at c = k (w = 1)
        want = best.copy()
        for j in range(39, k, -1):          # the iterations before it write
            want[j] = max(want[j], want[j - 1] + 2**62)
        expect_exc(mods, "down_max", OverflowError, OVF, best.copy(), 1, 2**62)
        with pytest.raises(OverflowError):
            c.down_max(best, 1, 2**62)
        assert best.tolist() == want.tolist(), k
    for n in [2, 9, 33]:
        for lim in [-1, 50, 10**6]:
            same_call(mods, "acc_pass", np.arange(n, dtype=np.int64) * 7, lim)
    a = np.arange(20, dtype=np.int64)
    a[12] = 2**63 - 5                       # s overflows at i = 11, after a[0..10] are written
    expect_exc(mods, "acc_pass", OverflowError, OVF, a.copy(), 2**63 - 1)
    got = a.copy()
    with pytest.raises(OverflowError):
        c.acc_pass(got, 2**63 - 1)
    want = a.copy()
    for i in range(11):
        want[i] = a[i] + a[i + 1]
    assert got.tolist() == want.tolist()


def _ir(tmp_path, only, flags):
    ir = module_ir(tmp_path, SRC, only, flags)
    return function_ir(ir, only + "_impl"), ir


def test_parallel_only_where_allowed(tmp_path, flags):
    """Structure: the backward pass is vectorized without an overlap check
    (its accesses form an access group, its loop is parallel over it); a
    loop that always reads the previous iteration's write is not marked
    (the forward pass `up_max` gets a parallel copy only for w <= 0)."""
    body, ir = _ir(tmp_path, "down_max", flags)
    assert "!llvm.access.group" in body
    assert "llvm.loop.parallel_accesses" in ir
    if flags:   # unchecked: the max of two loads vectorizes
        assert re.search(r"load <\d+ x i64>", body), "the parallel copy was not vectorized"
    for f in ("behind_c", "behind2"):
        body, _ = _ir(tmp_path, f, flags)
        assert "!llvm.access.group" not in body, f


def test_pass_results(mods):
    rng = np.random.default_rng(9)
    for w in [0, 1, 3, 8, 40]:
        for f in ("down_max", "up_max"):
            same_call(mods, f, rng.integers(0, 100, 33).astype(np.int64), w, 7)
