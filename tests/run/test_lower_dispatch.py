"""Differential tests: loop dispatch on unit strides (compiler/lower_layout.c,
"loop dispatch").  A loop nest whose inner loops walk the last axis of a
parameter declared `T[:]` / `T[:, :]`, a loop that indexes such an array
with a loaded index, or a single loop whose body branches, runs in one of
two copies chosen before the loop: one
with the last-axis strides the constant 1 (taken when every tested array has
unit stride, or an axis of size 0 or 1), and the ordinary one.  These call
each kernel with arrays that take the unit copy and with every layout that
must not (steps, reversed, Fortran order, column views, size-1 axes with odd
strides, mixed), with outputs that alias inputs, and with exceptions raised
in the middle of either copy after the same writes."""
import numpy as np
import pytest

from difftest import build, function_ir, module_ir, same_call

SRC = '''
@native
def hist(data: f64[:], lo: float, hi: float, bins: i64[:]) -> int:
    # a single loop whose body branches: dispatched too
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

@native
def conv1d(x: f64[:], w: f64[:], out: f64[:]) -> None:
    k = w.shape[0]
    for i in range(x.shape[0] - k + 1):
        s = 0.0
        for j in range(k):
            s += w[j] * x[i + j]
        out[i] = s

@native
def horner(c: f64[:], x: f64[:], out: f64[:]) -> None:
    d = c.shape[0]
    for i in range(x.shape[0]):
        xi = x[i]
        p = c[0]
        for k in range(1, d):
            p = p * xi + c[k]
        out[i] = p

@native
def bincount(x: i64[:], counts: i64[:]) -> int:
    total = 0
    for i in range(x.shape[0]):
        counts[x[i]] += 1
        total += 1
    return total

@native
def row_sums(a: f64[:, :], out: f64[:]) -> None:
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j]
        out[i] = s

@native
def first_above(a: i32[:, :], t: int) -> int:
    # returns from inside the inner loop; for-else and break in the outer one
    found = -1
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] > t:
                return i * 1000 + j
        if a[i, 0] == t:
            found = i
            break
    else:
        found = -2
    return found

@native
def gather_while(idx: i64[:], vals: f64[:], stop: int) -> float:
    s = 0.0
    i = 0
    while i < idx.shape[0]:
        if idx[i] == stop:
            break
        s += vals[idx[i]]
        i += 1
    return s

@native
def partition_sort(a: i64[:], lo: int, hi: int) -> int:
    # quicksort's partition loops without the recursion: the outer while
    # loop is versioned on a's stride with the scans and the swap inside
    swaps = 0
    while lo < hi:
        pivot = a[(lo + hi) // 2]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                i += 1
                j -= 1
                swaps += 1
        if j - lo < hi - i:
            lo = i
        else:
            hi = j
    return swaps

@native
def scale_rows(a: f64[:, :], f: f64[:], lo: int, hi: int) -> None:
    for i in range(a.shape[0]):
        for j in range(lo, hi):
            a[i, j] = a[i, j] * f[j] + 1.0

@native
def relax(dist: i64[:, :], k0: int) -> int:
    # floyd-warshall's nest: a subscript outside the versioned inner loop
    n = dist.shape[0]
    changed = 0
    for k in range(k0, n):
        for i in range(n):
            dik = dist[i, k]
            for j in range(n):
                nd = dik + dist[k, j]
                if nd < dist[i, j]:
                    dist[i, j] = nd
                    changed += 1
    return changed

@native
def pair_forces(pos: f64[:, :], vel: f64[:, :], mass: f64[:], dt: float) -> None:
    # nbody's nest: vel[i, :] promoted to registers inside a dispatched nest
    n = pos.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            d2 = dx * dx + dy * dy + 0.01
            mag = dt / (d2 * math.sqrt(d2))
            vel[i, 0] -= dx * mass[j] * mag
            vel[i, 1] -= dy * mass[j] * mag
            vel[j, 0] += dx * mass[i] * mag
            vel[j, 1] += dy * mass[i] * mag

@native
def skip_sums(a: f64[:, :], out: f64[:]) -> None:
    # the inner loop assigns its own variable, so it is not versioned
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j]
            j = j * 2
            s += a[i, j % a.shape[1]]
        out[i] = s
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).random(shape)


def views_1d(n, seed=0, dtype=float):
    """1-D arrays of length n: unit stride first, then every other layout."""
    base = np.asarray(rnd(3 * n + 2, seed=seed) * 100, dtype=dtype)
    out = [base[:n], base[: 2 * n : 2], base[3 * n - 1 :: -3][:n] if n else base[:0],
           base[n : 0 : -1] if n else base[:0]]
    two = np.asarray(rnd(n, 5, seed=seed + 1) * 100, dtype=dtype)
    out.append(two[:, 3])                        # a column: stride 5
    return [v for v in out if v.shape[0] == n]


def test_conv1d_layouts(mods):
    m, _ = mods
    for n, k in [(0, 1), (1, 1), (5, 1), (9, 3), (40, 9), (100, 17), (3, 5)]:
        for x in views_1d(n, seed=n):
            for w in views_1d(k, seed=k + 50):
                nout = max(n - k + 1, 0)
                same_call(m, "conv1d", x, w, np.zeros(nout))
                same_call(m, "conv1d", x, w, np.zeros(2 * nout)[::2])


def test_conv1d_size_one_axes_with_odd_strides(mods):
    m, _ = mods
    # an axis of size 1 takes the unit copy whatever its stride
    base = rnd(50, seed=3)
    w1 = base[7:8]
    w1s = np.lib.stride_tricks.as_strided(base[10:], shape=(1,), strides=(24,))
    for w in [w1, w1s, base[5:6:4]]:
        same_call(m, "conv1d", base, w, np.zeros(50))
        same_call(m, "conv1d", base[::2], w, np.zeros(25))
    out1 = np.lib.stride_tricks.as_strided(np.zeros(8), shape=(1,), strides=(40,))
    same_call(m, "conv1d", base[:9], rnd(9, seed=4), out1)


def test_conv1d_aliasing(mods):
    m, _ = mods
    # out overlaps x: each write changes what a later iteration reads
    for n in [10, 33]:
        x = rnd(n + 4, seed=n)
        same_call(m, "conv1d", x, rnd(3, seed=1), x[2:])
        same_call(m, "conv1d", x, rnd(3, seed=1), x[: n + 2])
        same_call(m, "conv1d", x, x[:3], x[1:])
        nout = len(x[::2]) - 1
        same_call(m, "conv1d", x[::2], rnd(2, seed=2), x[1::2][:nout])


def test_conv1d_out_too_short(mods):
    m, flags = mods
    if flags:
        return  # out-of-bounds writes are undefined with boundscheck off
    x = rnd(30)
    for out in [np.zeros(10), np.zeros(20)[::2], np.zeros(0)]:
        same_call(m, "conv1d", x, rnd(4), out)
        same_call(m, "conv1d", x[::2], rnd(4), out)


def test_horner_layouts(mods):
    m, flags = mods
    for d in [1, 2, 5, 10]:
        for c in views_1d(d, seed=d):
            for x in views_1d(33, seed=7):
                same_call(m, "horner", c, x, np.zeros(33))
                same_call(m, "horner", c, x, np.zeros(66)[1::2])
    if not flags:
        same_call(m, "horner", np.zeros(0), rnd(4), np.zeros(4))   # c[0] of an empty array


def test_bincount_layouts(mods):
    m, flags = mods
    rng = np.random.default_rng(5)
    for n in [0, 1, 7, 200]:
        for x in views_1d(n, seed=n, dtype=np.int64):
            x = x % 10
            for counts in [np.zeros(10, np.int64), np.zeros(30, np.int64)[::3],
                           np.zeros((10, 4), np.int64)[:, 2], np.zeros(10, np.int64)[::-1]]:
                same_call(m, "bincount", x, counts)
    # negative indices wrap around, in both copies
    x = rng.integers(-10, 10, 100)
    same_call(m, "bincount", x, np.zeros(10, np.int64))
    same_call(m, "bincount", x[::2], np.zeros(20, np.int64)[::2])
    if not flags:
        # an index out of range raises IndexError after the earlier increments
        x = rng.integers(0, 10, 50)
        x[31] = 10
        same_call(m, "bincount", x, np.zeros(10, np.int64))
        same_call(m, "bincount", x, np.zeros(20, np.int64)[::2])
        x[31] = -11
        same_call(m, "bincount", x[::1], np.zeros(10, np.int64))
    # counts aliases x: increments change later indices
    x = np.array([0, 1, 2, 0, 1, 2, 3, 3], np.int64)
    same_call(m, "bincount", x, x)
    same_call(m, "bincount", x[::2], x)


def test_branchy_single_loop_layouts(mods):
    m, flags = mods
    for n in [0, 1, 9, 300]:
        for x in views_1d(n, seed=n + 40):
            x = x * 3.0 - 1.0
            for bins in [np.zeros(7, np.int64), np.zeros(21, np.int64)[::3],
                         np.zeros(7, np.int64)[::-1], np.zeros((7, 2), np.int64)[:, 1]]:
                same_call(m, "hist", x, -2.0, 2.0, bins)
    if not flags:
        # NaN data: int() of NaN raises ValueError in either copy, after the earlier counts
        x = np.linspace(-1.0, 1.0, 40)
        x[23] = float("nan")
        x[24] = -1.5
        same_call(m, "hist", x, -2.0, float("inf"), np.zeros(5, np.int64))
        same_call(m, "hist", x[::2], -2.0, float("inf"), np.zeros(10, np.int64)[::2])


def layouts_2d(n, k, seed=0):
    base = rnd(n, k, seed=seed)
    wide = rnd(n, k + 3, seed=seed + 1)
    return [base, np.asfortranarray(base), wide[:, :k], wide[:, 1 : k + 1][::-1],
            np.ascontiguousarray(rnd(k, n, seed=seed + 2)).T, base[:, ::-1],
            rnd(n, 2 * k, seed=seed + 3)[:, ::2]]


# skip_sums: the inner loop assigns its own variable, so it is not
# versioned and gets a dispatch of its own inside the folded one
@pytest.mark.parametrize("fname", ["row_sums", "skip_sums"])
def test_row_sums_layouts(mods, fname):
    m, _ = mods
    for n, k in [(0, 3), (3, 0), (1, 1), (4, 1), (1, 7), (6, 9), (17, 33)]:
        for a in layouts_2d(n, k, seed=n + k):
            same_call(m, fname, a, np.zeros(n))
            same_call(m, fname, a, np.zeros(2 * n)[::2])


def test_first_above(mods):
    m, flags = mods
    for a in [np.arange(12, dtype=np.int32).reshape(3, 4),
              np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4)),
              np.arange(24, dtype=np.int32).reshape(3, 8)[:, ::2],
              np.zeros((0, 4), np.int32), np.zeros((3, 0), np.int32)]:
        if flags and a.shape[1] == 0:
            continue  # a[i, 0] out of bounds: undefined with boundscheck off
        for t in [-1, 0, 3, 4, 6, 11, 100]:
            same_call(m, "first_above", a, t)


def test_gather_while(mods):
    m, flags = mods
    rng = np.random.default_rng(9)
    vals = rnd(40, seed=4)
    for idx in views_1d(30, seed=2, dtype=np.int64):
        idx = idx % 40
        for stop in [-5, int(idx[10]) if len(idx) > 10 else 0]:
            same_call(m, "gather_while", idx, vals, stop)
            same_call(m, "gather_while", idx, vals[::-1], stop)
            same_call(m, "gather_while", idx, rnd(80, seed=5)[::2], stop)
    if not flags:
        idx = rng.integers(0, 40, 30)
        idx[20] = 45
        same_call(m, "gather_while", idx, vals, -1)
        same_call(m, "gather_while", idx, vals[::1][:40:1], -1)
        same_call(m, "gather_while", idx, rnd(80, seed=5)[::2], -1)


def test_nested_while_layouts(mods):
    m, flags = mods
    for n in [0, 1, 2, 7, 40]:
        for a in views_1d(n, seed=6, dtype=np.int64):
            for lo, hi in [(0, n - 1), (1, n - 2), (-n, -1)]:
                same_call(m, "partition_sort", a, lo, hi)
    if not flags:
        for a in views_1d(12, seed=8, dtype=np.int64):
            same_call(m, "partition_sort", a, 0, 12)      # a[12]: IndexError in either copy
            same_call(m, "partition_sort", a, -13, 3)


def test_scale_rows(mods):
    m, flags = mods
    for a in layouts_2d(5, 8, seed=1):
        a = np.array(a, copy=True, order="K") if not a.flags.writeable else a
        for f in views_1d(8, seed=3):
            for lo, hi in [(0, 8), (2, 5), (5, 2), (0, 0)]:
                same_call(m, "scale_rows", a, f, lo, hi)
            same_call(m, "scale_rows", a, a[0], 0, 8)       # f aliases a row of a
            same_call(m, "scale_rows", a, a[:, 1], 0, 5)    # f aliases a column of a
            if not flags:
                same_call(m, "scale_rows", a, f, 3, 9)       # IndexError in row 0, after writes
                same_call(m, "scale_rows", a, f[:6], 0, 8)   # f too short
                same_call(m, "scale_rows", a, f, -3, 2)      # negative columns wrap


# ---- folded dispatch: the unit-stride test is part of each versioned
# loop's guard (and of a promoted loop's), whose checked copy serves the
# other strides; an innermost loop that is not versioned is copied alone.

def int_layouts_2d(n, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 50, (n, n)).astype(np.int64)
    np.fill_diagonal(base, 0)
    wide = np.zeros((n, 3 * n), np.int64)
    wide[:, ::3] = base
    return [base, np.asfortranarray(base), wide[:, ::3], base[::-1, ::-1], base.T]


def test_relax_layouts(mods):
    m, flags = mods
    for n in [0, 1, 2, 5, 13]:
        for d in int_layouts_2d(n, seed=n):
            for k0 in [0, n // 2, -1 if n else 0]:
                same_call(m, "relax", d.copy(order="K") if d.flags.writeable else d.copy(), k0)
                same_call(m, "relax", d, k0)   # the view itself: writes through to its base
    if not flags:
        # a non-square matrix: dist[k, j] or dist[i, k] out of range after some writes
        for d in [np.arange(12, dtype=np.int64).reshape(3, 4)[:, ::-1].copy(),
                  np.arange(24, dtype=np.int64).reshape(4, 6)[:, ::2],
                  np.arange(12, dtype=np.int64).reshape(4, 3)]:
            same_call(m, "relax", d, 0)


def body_layouts(n, seed=0):
    """(pos, vel) pairs: C order, Fortran order, every other column (stride 2),
    reversed rows, and vel sharing memory with pos."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    vel = rng.random((n, 2)) - 0.5
    wide_p = np.zeros((n, 4)); wide_p[:, ::2] = pos
    wide_v = np.zeros((n, 4)); wide_v[:, 1::2] = vel
    both = np.zeros((n, 4)); both[:, :2] = pos; both[:, 2:] = vel
    return [(pos, vel), (np.asfortranarray(pos), np.asfortranarray(vel)),
            (wide_p[:, ::2], wide_v[:, 1::2]), (pos[::-1], vel[::-1]),
            (pos, wide_v[:, 1::2]), (both[:, :2], both[:, 2:]),
            (pos, pos)]


def test_pair_forces_layouts(mods):
    m, flags = mods
    for n in [0, 1, 2, 7, 30]:
        mass = np.random.default_rng(n).random(n) + 0.5
        for pos, vel in body_layouts(n, seed=n):
            for ms in [mass, np.repeat(mass, 2)[::2]]:
                same_call(m, "pair_forces", pos.copy(), vel.copy(), ms, 0.01)
                same_call(m, "pair_forces", pos, vel, ms, 0.01)
    if not flags:
        rng = np.random.default_rng(3)
        # mass too short: IndexError in the middle, after the cells were written back
        same_call(m, "pair_forces", rng.random((6, 2)), rng.random((6, 2)), rng.random(4), 0.01)
        same_call(m, "pair_forces", rng.random((6, 4))[:, ::2], rng.random((6, 2)), rng.random(4), 0.01)
        # one column only: vel[i, 1] out of range
        same_call(m, "pair_forces", rng.random((5, 2)), rng.random((5, 1)), rng.random(5), 0.01)
        same_call(m, "pair_forces", rng.random((5, 2)), rng.random((5, 2))[:, :1], rng.random(5), 0.01)


def test_folded_dispatch_has_no_strided_nest(tmp_path):
    # before the fold, the dispatched nest had a strided copy of its own
    # beside the checked copies of the versioned j loop: 10 loops in safe
    # mode (LLVM 19), 7 with the fold
    ir = function_ir(module_ir(tmp_path, SRC, "pair_forces"), "pair_forces_impl")
    assert ir.count("!llvm.loop") <= 8, ir
