"""Differential tests: the layout-specialized copy of a versioned loop
(compiler/lower_layout.c).  A loop that reads 2-D arrays by rows with
constant column indices (xy[i, 0], xy[i, 1]) gets a third copy in which the
strides are the constants (K, 1) when the array has them at run time, so
LLVM vectorizes it with interleaved loads.  These compare against CPython on
the layout that takes that copy (N x K C-contiguous) and on every layout that
must not (wider rows, row steps, Fortran order, reversed, transposed,
column views), with NaN, inf, -0.0, negative square roots raising in the
middle of the loop after the same writes, out-of-range rows (the checked
copy), and an output that aliases the input."""
import math

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def distances(xy: f64[:, :], out: f64[:]) -> None:
    for i in range(xy.shape[0] - 1):
        dx = xy[i + 1, 0] - xy[i, 0]
        dy = xy[i + 1, 1] - xy[i, 1]
        out[i] = math.sqrt(dx * dx + dy * dy)

@native
def dist_n(xy: f64[:, :], out: f64[:], n: int) -> None:
    for i in range(n):
        dx = xy[i + 1, 0] - xy[i, 0]
        dy = xy[i + 1, 1] - xy[i, 1]
        out[i] = math.sqrt(dx * dx + dy * dy)

@native
def root_diff(xy: f64[:, :], out: f64[:]) -> None:
    for i in range(xy.shape[0]):
        out[i] = math.sqrt(xy[i, 1] - xy[i, 0])

@native
def drift(pos: f64[:, ::1], vel: f64[:, :], dt: float) -> None:
    for i in range(pos.shape[0]):
        pos[i, 0] += dt * vel[i, 0]
        pos[i, 1] += dt * vel[i, 1]
        pos[i, 2] += dt * vel[i, 2]

@native
def pair_pull(pos: f64[:, :], vel: f64[:, :], mass: f64[:], i: int, dt: float) -> float:
    e = 0.0
    for j in range(i + 1, pos.shape[0]):
        dx = pos[i, 0] - pos[j, 0]
        dy = pos[i, 1] - pos[j, 1]
        dz = pos[i, 2] - pos[j, 2]
        d2 = dx * dx + dy * dy + dz * dz + 0.01
        mag = dt / (d2 * math.sqrt(d2))
        vel[i, 0] -= dx * mass[j] * mag
        vel[j, 2] += dz * mass[i] * mag
        e -= mass[i] * mass[j] / math.sqrt(d2)
    return e

@native
def strided_cols(a: f64[:, :], out: f64[:]) -> None:
    for i in range(a.shape[0]):
        out[i] = a[i, 0] * 2.0 + a[i, 3]
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).random(shape)


def layouts(n, k, seed=0):
    """n x k float arrays in every layout: the specialized one first."""
    base = rnd(n, k, seed=seed)
    wide = rnd(n, k + 3, seed=seed + 1)
    tall = rnd(2 * n, k, seed=seed + 2)
    return [
        base,                                   # strides (k, 1): the layout copy
        np.asfortranarray(base),                # (1, n)
        wide[:, :k],                            # (k + 3, 1)
        tall[::2],                              # (2k, 1)
        tall[::-2],                             # (-2k, 1)
        base[::-1],                             # (-k, 1)
        base[:, ::-1] if k > 1 else base,       # (k, -1)
        np.ascontiguousarray(rnd(k, n, seed=seed + 3)).T,  # (1, n)
    ]


def test_distances_layouts(mods):
    m, _ = mods
    for n in [0, 1, 2, 3, 9, 17, 64, 257]:
        for xy in layouts(n, 2, seed=n):
            same_call(m, "distances", xy, np.zeros(max(n - 1, 0)))
            same_call(m, "distances", xy, np.zeros(2 * max(n - 1, 0))[::2])


def test_distances_special_values(mods):
    m, _ = mods
    vals = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e-310, 1e308, -1e308, 5e-324]
    rng = np.random.default_rng(7)
    for trial in range(20):
        xy = rng.choice(vals, size=(37, 2))
        same_call(m, "distances", xy, np.zeros(36))
        same_call(m, "distances", np.asfortranarray(xy), np.zeros(36))


def test_distances_out_of_range(mods):
    m, flags = mods
    xy = rnd(20, 2)
    for n in [0, 5, 19] + ([] if flags else [20, 25]):
        same_call(m, "dist_n", xy, np.zeros(30), n)
    # out too short: IndexError at the iteration that reaches it, after the writes
    if not flags:
        same_call(m, "dist_n", xy, np.zeros(7), 19)
        same_call(m, "dist_n", rnd(20, 3)[:, :2], np.zeros(7), 19)


def test_distances_aliasing(mods):
    m, _ = mods
    # out is a column of xy: each write changes a row a later iteration reads
    for n in [5, 33, 100]:
        xy = rnd(n, 2, seed=n)
        same_call(m, "distances", xy, xy[1:, 0])
        same_call(m, "distances", xy, xy[:-1, 1])
        same_call(m, "distances", xy, xy.reshape(-1)[: n - 1])


def test_root_domain_error_mid_loop(mods):
    m, _ = mods
    # math.sqrt of a negative raises ValueError at that row, after the earlier writes;
    # NaN passes through and -0.0 gives -0.0
    for bad in [0, 5, 16, 31]:
        for xy in layouts(32, 2, seed=bad):
            xy = xy.copy() if not xy.flags.writeable else xy
            xy[:, 1] = xy[:, 0] + 1.0
            xy[bad, 1] = xy[bad, 0] - 0.5
            same_call(m, "root_diff", xy, np.full(32, 9.0))
    xy = np.array([[1.0, 2.0], [math.nan, 1.0], [0.0, -0.0], [math.inf, math.inf], [1.0, math.inf],
                   [-math.inf, 1.0], [2.0, 1.0], [0.0, 1.0]])
    same_call(m, "root_diff", xy, np.zeros(8))
    same_call(m, "root_diff", xy[:6], np.zeros(6))


def test_drift(mods):
    m, _ = mods
    for n in [0, 1, 7, 50]:
        pos = rnd(n, 3, seed=n)
        for vel in layouts(n, 3, seed=n + 1):
            same_call(m, "drift", pos, vel, 0.001)
        same_call(m, "drift", pos, pos, 0.5)  # vel aliases pos


def test_pair_pull(mods):
    m, flags = mods
    for n in [1, 2, 5, 40]:
        for pos in layouts(n, 3, seed=n):
            for vel in [rnd(n, 3, seed=9), rnd(n, 5, seed=9)[:, 1:4]]:
                for i in range(0, n, 7):
                    same_call(m, "pair_pull", pos, vel, rnd(n, seed=3), i, 0.01)
    pos = rnd(6, 3)
    pos[3] = [math.nan, 0.0, 0.0]
    pos[4] = [math.inf, 0.0, 0.0]
    same_call(m, "pair_pull", pos, rnd(6, 3), rnd(6), 0, 0.01)
    same_call(m, "pair_pull", pos, pos, rnd(6), 1, 0.01)  # vel aliases pos
    if not flags:
        same_call(m, "pair_pull", pos, rnd(4, 3), rnd(6), 0, 0.01)  # vel too short


def test_strided_cols(mods):
    m, _ = mods
    for n in [0, 3, 40]:
        for a in layouts(n, 4, seed=n):
            same_call(m, "strided_cols", a, np.zeros(n))


RECUR = '''
@native
def lev(a: i32[:], b: i32[:], d: i32[:, :]) -> int:
    n = a.shape[0]
    m = b.shape[0]
    for i in range(n + 1):
        d[i, 0] = i
    for j in range(m + 1):
        d[0, j] = j
    for i in range(1, n + 1):
        ai = a[i - 1]
        for j in range(1, m + 1):
            if ai == b[j - 1]:
                cost = 0
            else:
                cost = 1
            best = d[i - 1, j] + 1
            t = d[i, j - 1] + 1
            if t < best:
                best = t
            t = d[i - 1, j - 1] + cost
            if t < best:
                best = t
            d[i, j] = best
    return d[n, m]

@native
def running(x: f64[:, :], r: int, n: int) -> None:
    for j in range(1, n):
        x[r, j] = x[r, j - 1] * 0.5 + math.sqrt(x[r, j])
'''


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def recur(request):
    return build(RECUR, request.param), request.param


def test_lev_layouts(recur):
    m, _ = recur
    rng = np.random.default_rng(5)
    for n, k in [(0, 0), (1, 3), (7, 5), (30, 41)]:
        a = rng.integers(0, 4, n).astype(np.int32)
        b = rng.integers(0, 4, k).astype(np.int32)
        same_call(m, "lev", a, b, np.zeros((n + 1, k + 1), np.int32))            # unit stride
        same_call(m, "lev", a, b, np.zeros((n + 1, k + 1), np.int32, order="F"))
        same_call(m, "lev", a, b, np.zeros((n + 1, 2 * k + 2), np.int32)[:, ::2])
        same_call(m, "lev", a, b, np.zeros((n + 1, k + 4), np.int32)[:, 3:])
        same_call(m, "lev", a[::-1], b, np.zeros((n + 1, k + 1), np.int32))


def test_running_recurrence(recur):
    m, flags = recur
    base = np.random.default_rng(2).random((4, 9))
    for x in [base, np.asfortranarray(base), base[:, ::-1], np.random.default_rng(3).random((4, 18))[:, ::2]]:
        for r, n in [(0, 9), (3, 5), (-1, 9), (2, 1)]:
            same_call(m, "running", x, r, n)
    # a negative square root raises at its column, after the earlier columns were written
    x = base.copy()
    x[1, 6] = -4.0
    same_call(m, "running", x, 1, 9)
    x[1, 6] = math.nan
    same_call(m, "running", x, 1, 9)
    x[1, 6] = -0.0
    same_call(m, "running", x, 1, 9)
    if not flags:
        same_call(m, "running", base, 4, 9)   # row out of range
        same_call(m, "running", base, 0, 10)  # column out of range at the last iteration
