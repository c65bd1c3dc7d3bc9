"""Differential tests: loop versioning with the bounds an enclosing `if`
puts on the loop variable (lower_loop.c, IvCond).  `if j > 0: ... a[j - 1]`
only runs for j >= 1, so the guard checks that subscript at the ends of the
narrowed range (and not at all when that range is empty).  These compare
against CPython with ranges that start and end inside and outside the
narrowed ones, every comparison form, `and` chains, `==`, negative steps,
conditions that never hold, else branches (which keep Python's negative
index wraparound), and out-of-range indices that must raise at the same
iteration after the same writes."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def left_diff(a: f64[:], out: f64[:], lo: int, hi: int) -> None:
    for j in range(lo, hi):
        v = a[j]
        if j > 0:
            v -= a[j - 1]
        if j < a.shape[0] - 1:
            v += a[j + 1]
        out[j] = v

@native
def forms(a: i64[:], n: int, k: int) -> int:
    s = 0
    for j in range(n):
        if 1 < j:
            s += a[j - 2]
        if j >= 3 and k > 0:
            s += a[j - 3] * k
        if n - 2 > j:
            s += a[j + 2]
        if j <= k:
            s += a[k - j]
        if j == k:
            s += a[j + 5]
    return s

@native
def backwards(a: f64[:], out: f64[:], start: int) -> None:
    for j in range(start, -1, -1):
        if j < a.shape[0] - 1:
            out[j] = a[j + 1] - a[j]
        else:
            out[j] = a[j - 1]

@native
def never(a: f64[:], n: int, t: int) -> float:
    s = 0.0
    for j in range(n):
        s += a[j]
        if j > n + t:
            s += a[j + 1000]
    return s

@native
def wrap_else(a: f64[:], out: f64[:]) -> None:
    for j in range(a.shape[0]):
        if j > 0:
            out[j] = a[j - 1]
        else:
            out[j] = a[j - 1] * 2.0

@native
def nested_if(a: f64[:], out: f64[:], m: int) -> None:
    for j in range(a.shape[0]):
        if j >= m:
            if a[j - m] > 0.5:
                out[j] = a[j - m]
            elif j > m:
                out[j] = a[j - m - 1]

@native
def integral_image(img: i16[:, :], out: i64[:, :]) -> int:
    h = img.shape[0]
    w = img.shape[1]
    for i in range(h):
        for j in range(w):
            s = int(img[i, j])
            if i > 0:
                s += out[i - 1, j]
            if j > 0:
                s += out[i, j - 1]
            if i > 0 and j > 0:
                s -= out[i - 1, j - 1]
            out[i, j] = s
    return out[h - 1, w - 1]
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).random(shape)


def test_left_diff(mods):
    m, flags = mods
    for n in [1, 2, 3, 10]:
        a = rnd(n, seed=n)
        for lo, hi in [(0, n), (1, n - 1), (0, 1), (n - 1, n), (2, 2), (3, 1)]:
            same_call(m, "left_diff", a, np.zeros(n), lo, hi)
            same_call(m, "left_diff", a[::-1], np.zeros(2 * n)[::2], lo, hi)
        if not flags:  # j outside the array: IndexError at that iteration
            same_call(m, "left_diff", a, np.zeros(n), 0, n + 2)
            same_call(m, "left_diff", a, np.zeros(n + 5), -2, n)


def test_forms(mods):
    m, flags = mods
    a = np.arange(60, dtype=np.int64) * 3 + 1
    for n in [0, 1, 2, 3, 4, 10, 30]:
        for k in [-1, 0, 2, 5, 29]:
            same_call(m, "forms", a[: max(n, k + 6, 1)], n, k)   # every access in range
    if not flags:
        same_call(m, "forms", a[:12], 10, 8)   # a[j + 5] at j == k == 8: IndexError
        same_call(m, "forms", a[:9], 10, 3)    # a[j + 2] at j == 7: IndexError


def test_backwards(mods):
    m, flags = mods
    for n in [1, 2, 7]:
        a = rnd(n, seed=n)
        for start in [n - 1, n - 2, 0, -1]:
            same_call(m, "backwards", a, np.zeros(n), start)
        if not flags:
            same_call(m, "backwards", a, np.zeros(n + 2), n + 1)   # a[n] in the else: IndexError


def test_never(mods):
    m, _ = mods
    a = rnd(20)
    for n in [0, 5, 20]:
        for t in [0, 3, 100]:
            same_call(m, "never", a, n, t)


def test_wrap_else(mods):
    m, _ = mods
    for n in [1, 2, 9]:
        for a in [rnd(n, seed=n), rnd(2 * n, seed=n)[::2]]:
            same_call(m, "wrap_else", a, np.zeros(n))


def test_nested_if(mods):
    m, flags = mods
    for n in [1, 4, 12]:
        a = rnd(n, seed=n)
        for mm in [0, 1, 3, n, n + 2]:
            same_call(m, "nested_if", a, np.zeros(n), mm)
        if not flags:
            same_call(m, "nested_if", a, np.zeros(n), -1)   # a[j + 1] reaches n: IndexError


def test_integral_image(mods):
    m, _ = mods
    rng = np.random.default_rng(7)
    for shape in [(1, 1), (1, 5), (4, 1), (6, 9)]:
        img = rng.integers(-1000, 1000, shape).astype(np.int16)
        for out in [np.zeros(shape, np.int64), np.asfortranarray(np.zeros(shape, np.int64)),
                    np.zeros((shape[0], shape[1] + 3), np.int64)[:, 2:-1]]:
            same_call(m, "integral_image", img, out)
            same_call(m, "integral_image", img[::-1], out)
