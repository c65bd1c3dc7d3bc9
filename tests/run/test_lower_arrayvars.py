"""Differential tests: array variables that are assigned in the body (a local
bound to a parameter, parameters swapped by name, a choice in a branch) keep
their view (data pointer, shape, strides) in registers from the assignment
on (store_array_view in lower_expr.c).  Each view must follow every
reassignment: rolling rows swapped each step, arrays of different shapes and
layouts behind one name, a reassignment inside a branch or a loop, and
`for x in arr` over a reassigned name."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def lcs(s: u8[:], t: u8[:], prev: i32[:], cur: i32[:]) -> int:
    m = t.shape[0]
    for i in range(s.shape[0]):
        si = s[i]
        for j in range(1, m + 1):
            if t[j - 1] == si:
                cur[j] = prev[j - 1] + 1
            else:
                cur[j] = max(prev[j], cur[j - 1])
        tmp = prev
        prev = cur
        cur = tmp
    return prev[m]

@native
def pick(a: f64[:], b: f64[:], which: int) -> float:
    if which > 0:
        x = a
    else:
        x = b
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * (i + 1)
    return s

@native
def rotate3(a: f64[:], b: f64[:], c: f64[:], steps: int) -> float:
    for k in range(steps):
        for i in range(a.shape[0]):
            c[i] = a[i] + 0.5 * b[i]
        t = a
        a = b
        b = c
        c = t
    s = 0.0
    for v in a:
        s += v
    for v in c:
        s -= v
    return s

@native
def grid_swap(u: f64[:, :], v: f64[:, :], iters: int) -> float:
    for it in range(iters):
        for i in range(1, u.shape[0] - 1):
            for j in range(1, u.shape[1] - 1):
                v[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
        t = u
        u = v
        v = t
    return u[u.shape[0] // 2, u.shape[1] // 2]

@native
def shrink(a: i64[:], b: i64[:]) -> int:
    # the name moves to an array of another length mid-loop
    x = a
    total = 0
    for k in range(4):
        for i in range(x.shape[0]):
            total += x[i] * (k + 1)
        if k == 1:
            x = b
    return total
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def test_lcs(mods):
    m, _ = mods
    rng = np.random.default_rng(2)
    for n, k in [(0, 0), (1, 1), (5, 3), (40, 33)]:
        s = rng.integers(0, 3, n).astype(np.uint8)
        t = rng.integers(0, 3, k).astype(np.uint8)
        for prev, cur in [(np.zeros(k + 1, np.int32), np.zeros(k + 1, np.int32)),
                          (np.zeros(2 * k + 2, np.int32)[::2], np.zeros(k + 1, np.int32)),
                          (np.zeros(k + 1, np.int32), np.zeros((k + 1, 3), np.int32)[:, 1])]:
            same_call(m, "lcs", s, t, prev, cur)
            same_call(m, "lcs", s[::-1], t, prev, cur)


def test_pick(mods):
    m, _ = mods
    a = np.arange(7.0)
    b = np.linspace(0, 1, 12)[::-2]
    for which in [-1, 0, 1, 5]:
        same_call(m, "pick", a, b, which)
        same_call(m, "pick", b, a, which)
        same_call(m, "pick", a, a[:0], which)


def test_rotate3(mods):
    m, _ = mods
    rng = np.random.default_rng(3)
    for n in [0, 1, 6, 31]:
        for steps in [0, 1, 2, 3, 7]:
            a, b, c = rng.random(n), rng.random(2 * n)[::2], rng.random(n)[::-1]
            same_call(m, "rotate3", a, b, c, steps)
            same_call(m, "rotate3", a, a, c, steps)  # two names, one array


def test_grid_swap(mods):
    m, _ = mods
    rng = np.random.default_rng(4)
    for shape in [(3, 3), (6, 9), (17, 5)]:
        u = rng.random(shape)
        for v in [np.zeros(shape), np.asfortranarray(np.zeros(shape)),
                  np.zeros((shape[0], shape[1] + 2))[:, 1:-1]]:
            for iters in [0, 1, 4]:
                same_call(m, "grid_swap", u, v, iters)


def test_shrink(mods):
    m, flags = mods
    a = np.arange(9, dtype=np.int64)
    b = np.arange(100, 104, dtype=np.int64)
    same_call(m, "shrink", a, b)
    same_call(m, "shrink", a[::3], b[::-1])
    same_call(m, "shrink", b, a)


VERSIONED = '''
@native
def rows_sum(a: f64[:, :], b: f64[:, :], out: f64[:]) -> None:
    # x is a reassigned local: loops over it are versioned like a parameter's
    for k in range(2):
        if k == 0:
            x = a
        else:
            x = b
        for i in range(x.shape[0]):
            s = 0.0
            for j in range(x.shape[1]):
                s += x[i, j]
            out[i] += s
'''


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def vmods(request):
    return build(VERSIONED, request.param), request.param


def test_versioned_local_array(vmods):
    m, flags = vmods
    rng = np.random.default_rng(5)
    for (n, k) in [(0, 2), (3, 0), (4, 5), (9, 17)]:
        a = rng.random((n, k))
        for b in [rng.random((n, k)), rng.random((n, k + 2))[:, 1:-1], np.asfortranarray(rng.random((n, k)))]:
            same_call(m, "rows_sum", a, b, np.zeros(n))
            if not flags:
                same_call(m, "rows_sum", a, rng.random((n + 2, k)), np.zeros(n))   # out too short
                same_call(m, "rows_sum", rng.random((max(n - 1, 0), k)), b, np.zeros(n))


SWAPS = '''
@native
def lcs_swap(s: u8[:], t: u8[:], prev: i32[:], cur: i32[:]) -> int:
    m = t.shape[0]
    for i in range(s.shape[0]):
        si = s[i]
        for j in range(1, m + 1):
            if t[j - 1] == si:
                cur[j] = prev[j - 1] + 1
            else:
                cur[j] = max(prev[j], cur[j - 1])
        prev, cur = cur, prev
    return prev[m]

@native
def mixed(a: f64[:], b: f64[:], x: int) -> float:
    a, b, x = b, a, x + 1
    return a[0] * 10.0 + b[0] + x

@native
def rotate(a: f64[:], b: f64[:], c: f64[:], k: int) -> float:
    for i in range(k):
        a, b, c = b, c, a
    return a[0] * 100.0 + b[0] * 10.0 + c[0]
'''


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def smods(request):
    return build(SWAPS, request.param), request.param


def test_tuple_swaps(smods):
    m, _ = smods
    rng = np.random.default_rng(6)
    for n, k in [(0, 0), (3, 2), (25, 31)]:
        s = rng.integers(0, 3, n).astype(np.uint8)
        t = rng.integers(0, 3, k).astype(np.uint8)
        same_call(m, "lcs_swap", s, t, np.zeros(k + 1, np.int32), np.zeros(k + 1, np.int32))
        same_call(m, "lcs_swap", s, t, np.zeros(2 * k + 2, np.int32)[::2], np.zeros(k + 1, np.int32))
    a, b, c = np.array([1.0, 9.0]), np.array([2.0]), np.array([3.0, 4.0, 5.0])
    same_call(m, "mixed", a, b, 5)
    for k in range(5):
        same_call(m, "rotate", a, b, c, k)
