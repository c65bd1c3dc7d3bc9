"""Differential tests for promoted cells (compiler/lower_promote.c): array
elements a range loop names at fixed indices (`vel[i, 0]` in a loop over j)
live in locals during the loop, loaded before it and stored back after it
and before every raise inside it.  Compared with CPython in both modes:
the pair update of nbody and a triangular solve in every layout; raises in
the middle of the loop (ZeroDivisionError, IndexError, OverflowError, a
failed assert), after the cells changed; arrays passed twice or as
overlapping views, and a view whose rows overlap (as_strided), where the
ordinary loop must run; and loops that must not be promoted because an
index can name the cell (`range(i, n)`, `range(i + 1)`, a negative step,
the loop variable itself)."""
import numpy as np
import pytest

from difftest import build, expect_exc, function_ir, module_ir, same_call

SRC = '''
@native
def pairs(pos: f64[:, :], vel: f64[:, :], mass: f64[:], dt: float) -> None:
    n = pos.shape[0]
    for i in range(n):
        mi = mass[i]
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            d2 = dx * dx + dy * dy + 0.01
            mag = dt / (d2 * math.sqrt(d2))
            vel[i, 0] -= dx * mass[j] * mag
            vel[i, 1] -= dy * mass[j] * mag
            vel[j, 0] += dx * mi * mag
            vel[j, 1] += dy * mi * mag

@native
def forward_subst(l: f64[:, :], x: f64[:]) -> None:
    for i in range(x.shape[0]):
        for j in range(i):
            x[i] -= l[i, j] * x[j]
        x[i] = float(x[i]) / float(l[i, i])

@native
def sum_into(acc: f64[:], k: int, xs: f64[:], lo: int, hi: int) -> None:
    for j in range(lo, hi):
        acc[k] += 1.0 / float(xs[j])
        acc[k] *= 1.0 + 1.0 / (j + 10)

@native
def count_into(c: i64[:, :], r: int, xs: i64[:]) -> int:
    for j in range(xs.shape[0]):
        c[r, 0] += xs[j]
        c[r, 1] = c[r, 1] + 1
        assert c[r, 1] < 100, "too many"
    return c[r, 0]

@native
def narrow_into(c: i32[:], xs: i64[:]) -> None:
    for j in range(xs.shape[0]):
        c[0] += xs[j]

@native
def read_and_write(a: f64[:], b: f64[:]) -> None:
    for j in range(b.shape[0]):
        a[0] += b[j]
        b[j] = a[0] * 0.5

@native
def with_else(a: f64[:], b: f64[:]) -> int:
    found = -1
    for j in range(1, b.shape[0]):
        a[0] += b[j]
    else:
        found = 7
    return found

@native
def same_row(a: f64[:, :], i: int) -> None:
    for j in range(i, a.shape[0]):
        a[i, 0] += a[j, 0] + 1.0

@native
def upto_i(a: f64[:], i: int) -> None:
    for j in range(i + 1):
        a[i] = a[i] * 0.5 + a[j]

@native
def down_from(a: f64[:], i: int) -> None:
    for j in range(i + 1, -1, -1):
        a[i] = a[i] * 0.5 + a[j]

@native
def by_loop_var(a: f64[:, :]) -> None:
    for i in range(a.shape[0]):
        a[i, 0] += a[i, 1] * 2.0

@native
def index_changes(a: f64[:], k: int) -> None:
    for j in range(4):
        a[k] += 1.0
        k = j % 2

@native
def negative_index(a: f64[:]) -> None:
    for j in range(a.shape[0] - 1):
        a[0] += a[-1] * 0.5
        a[-1] += 1.0
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def layouts(a):
    """a (2-D) in C order, Fortran order, as every other row of a bigger
    array, and with its columns reversed (a negative stride)."""
    big = np.zeros((2 * a.shape[0], a.shape[1]))
    big[::2] = a
    return [np.ascontiguousarray(a), np.asfortranarray(a), big[::2], a[:, ::-1].copy()[:, ::-1]]


def test_pair_updates(mods):
    rng = np.random.default_rng(4)
    for n in [0, 1, 2, 3, 8, 17]:
        pos, vel, mass = rng.uniform(size=(n, 2)), rng.uniform(size=(n, 2)) * 0.1, rng.uniform(size=n)
        for p in layouts(pos):
            for v in layouts(vel):
                same_call(mods, "pairs", p, v, mass, 0.001)
    # the arrays share memory: the ordinary loop runs
    both = rng.uniform(size=(6, 2))
    same_call(mods, "pairs", both, both, rng.uniform(size=6), 0.01)
    buf = rng.uniform(size=20)
    same_call(mods, "pairs", buf[:12].reshape(6, 2), buf[8:20].reshape(6, 2), buf[:6], 0.01)


def test_overlapping_rows(mods):
    """A view whose rows overlap: vel[j, 0] is vel[i, 1] for j = i + 1."""
    base = np.arange(1.0, 9.0)
    vel = np.ndarray((7, 2), np.float64, base, 0, (8, 8))
    same_call(mods, "pairs", np.arange(14.0).reshape(7, 2), vel, np.ones(7), 0.01)
    zero = np.ndarray((4, 2), np.float64, np.arange(1.0, 3.0), 0, (0, 8))
    zero.flags.writeable = True
    same_call(mods, "pairs", np.arange(8.0).reshape(4, 2), zero, np.ones(4), 0.01)


def test_triangular_solve(mods):
    rng = np.random.default_rng(5)
    for n in [0, 1, 2, 5, 12]:
        low = np.tril(rng.uniform(0.5, 1.5, size=(n, n)))
        for l in layouts(low) if n else [low]:
            same_call(mods, "forward_subst", l, rng.uniform(size=n))
            same_call(mods, "forward_subst", l, rng.uniform(size=2 * n)[::2])
    x = rng.uniform(size=6)
    same_call(mods, "forward_subst", np.tril(np.ones((6, 6))), x)
    low = np.tril(np.ones((4, 4)))
    low[2, 2] = 0.0
    same_call(mods, "forward_subst", low, np.arange(4.0))  # ZeroDivisionError after a loop


def test_raise_in_the_loop_leaves_the_cells_stored(mods, flags):
    xs = np.array([1.0, 2.0, 4.0, 0.0, 8.0])
    same_call(mods, "sum_into", np.zeros(3), 1, xs, 0, 5)     # ZeroDivisionError at j = 3
    same_call(mods, "sum_into", np.zeros(3), 2, xs, 0, 3)
    same_call(mods, "sum_into", np.zeros(3), -1, xs, 1, 3)    # a negative cell index
    same_call(mods, "sum_into", np.zeros(3), 0, xs, 2, 2)     # no iteration
    same_call(mods, "count_into", np.zeros((3, 2), np.int64), 1, np.arange(5))
    same_call(mods, "count_into", np.zeros((3, 2), np.int64), 2, np.arange(300))  # assert at 99
    same_call(mods, "narrow_into", np.zeros(2, np.int32), np.array([5, -3, 9]))
    if flags:
        pytest.skip("unchecked: out-of-bounds indices and int overflow are undefined")
    same_call(mods, "sum_into", np.zeros(3), 1, xs, 0, 7)     # IndexError at j = 5
    same_call(mods, "sum_into", np.zeros(3), 3, xs, 0, 2)     # the cell itself out of bounds
    same_call(mods, "sum_into", np.zeros(3), -4, xs, 0, 2)
    same_call(mods, "count_into", np.zeros((3, 2), np.int64), 3, np.arange(5))
    big = np.array([1, 2, 2**62, 2**62, 5], np.int64)
    c = np.zeros((2, 2), np.int64)
    expect_exc(mods, "count_into", OverflowError,
               "integer overflow: the result does not fit in a 64-bit int "
               "(CPython would grow the integer)", c, 0, big)
    assert list(c[0]) == [1 + 2 + 2**62, 3]  # stored back before the raise
    c32 = np.zeros(2, np.int32)
    expect_exc(mods, "narrow_into", OverflowError,
               "Python integer 3000000001 out of bounds for int32", c32,
               np.array([1, 2**31 - 2, 3 * 10**9 - 2**31 + 2]))
    assert c32[0] == 2**31 - 1


def test_cell_array_also_read_elsewhere(mods):
    rng = np.random.default_rng(6)
    a, b = rng.uniform(size=3), rng.uniform(size=7)
    same_call(mods, "read_and_write", a, b)
    same_call(mods, "read_and_write", b, b)            # a[0] is b[0]
    same_call(mods, "read_and_write", b[2:], b[:5])    # a[0] is b[2]
    same_call(mods, "read_and_write", b[5:], b[:5])    # apart
    same_call(mods, "with_else", a, b)
    same_call(mods, "with_else", b, b)
    same_call(mods, "with_else", a, b[:1])


def test_forms_that_may_name_the_cell(mods):
    a = np.arange(1.0, 13.0).reshape(6, 2)
    for i in [0, 2, 5]:
        same_call(mods, "same_row", a, i)
    v = np.arange(1.0, 8.0)
    for i in [0, 3, 5]:
        same_call(mods, "upto_i", v, i)
        same_call(mods, "down_from", v, i)
    same_call(mods, "by_loop_var", a)
    same_call(mods, "index_changes", np.zeros(3), 2)
    same_call(mods, "negative_index", np.arange(1.0, 6.0))
    same_call(mods, "negative_index", np.arange(1.0, 2.0))


def test_which_loops_are_promoted(tmp_path, flags):
    """Structure: the loops above that may keep their cells in locals get
    the promoted copy; those where an index can name the cell do not."""
    ir = module_ir(tmp_path, SRC, "pairs,forward_subst,sum_into,count_into,read_and_write,"
                   "same_row,upto_i,down_from,by_loop_var,index_changes,negative_index", flags)
    for name in ["pairs", "forward_subst", "sum_into", "count_into", "read_and_write"]:
        assert "for.promo" in function_ir(ir, name + "_impl"), name
    for name in ["same_row", "upto_i", "down_from", "by_loop_var", "index_changes",
                 "negative_index"]:
        assert "for.promo" not in function_ir(ir, name + "_impl"), name
