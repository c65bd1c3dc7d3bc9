"""Differential tests: a stored value carried to the next iteration's load
(compiler/lower_forward.c).  In the fast copy of a versioned loop, a load
`A[..., j + k - step]` before the body's only store `A[..., j + k] = v` reads
what that store wrote one iteration before, so the value stays in a register.
These compare against CPython where that must hold whatever the memory
layout: strided, reversed and zero strides (all iterations on one address),
outputs aliasing inputs, narrowing stores (the carried value is the stored
one), negative and non-unit steps, 2-D recurrences, and the shapes that must
not be forwarded (a load after the store, a conditional store, `continue`,
a second store, a call that may store)."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

from difftest import build, same_call

SRC = '''
@native
def prefix(x: f64[:], out: f64[:]) -> None:
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] + x[i]

@native
def iir(x: f64[:], y: f64[:], a: float) -> None:
    for i in range(1, x.shape[0]):
        y[i] = a * y[i - 1] + x[i]

@native
def cumsum_inplace(x: i64[:]) -> None:
    for i in range(1, x.shape[0]):
        x[i] += x[i - 1]

@native
def narrow(x: i64[:], out: i32[:]) -> None:
    for i in range(1, x.shape[0]):
        out[i] = int(out[i - 1]) * 3 + x[i]

@native
def bytes_mod(x: i64[:], out: u8[:]) -> None:
    for i in range(1, x.shape[0]):
        out[i] = (int(out[i - 1]) * 7 + x[i]) % 251

@native
def backward(x: f64[:], y: f64[:]) -> None:
    for i in range(x.shape[0] - 2, -1, -1):
        y[i] = 0.5 * y[i + 1] + x[i]

@native
def step_two(x: i64[:]) -> None:
    for i in range(2, x.shape[0], 2):
        x[i] = x[i - 2] * 2 + 1

@native
def offset_store(x: f64[:], y: f64[:]) -> None:
    for i in range(x.shape[0] - 1):
        y[i + 1] = y[i] - x[i]

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
def load_after_store(x: f64[:], y: f64[:]) -> float:
    s = 0.0
    for i in range(1, x.shape[0]):
        y[i] = x[i] * 2.0
        s += y[i - 1]
    return s

@native
def cond_store(x: f64[:], y: f64[:]) -> None:
    for i in range(1, x.shape[0]):
        if x[i] > 0.5:
            y[i] = y[i - 1] + x[i]

@native
def with_continue(x: f64[:], y: f64[:]) -> None:
    for i in range(1, x.shape[0]):
        v = y[i - 1] + x[i]
        if v > 3.0:
            continue
        y[i] = v

@native
def two_stores(x: f64[:], y: f64[:], z: f64[:]) -> None:
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] + x[i]
        z[i] = y[i - 1]

@native
def gather_chain(x: i64[:], z: i64[:], out: i64[:]) -> None:
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] // 2 + z[x[i]]
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).random(shape)


def views(n, seed=0, dtype=float):
    base = np.asarray(rnd(4 * n + 4, seed=seed) * 10, dtype=dtype)
    out = [base[:n], base[1 : 2 * n + 1 : 2], base[::-1][:n], base[3 : 3 + 3 * n : 3]]
    return [v for v in out if v.shape[0] == n]


def zero_stride(n, dtype=float, value=1.0):
    """A writable n-element view whose elements all share one address."""
    cell = np.full(1, value, dtype=dtype)
    return as_strided(cell, shape=(n,), strides=(0,))


@pytest.mark.parametrize("n", [1, 2, 3, 17, 100])
def test_prefix_and_iir(mods, n):
    m, _ = mods
    for x in views(n, seed=n):
        for out in views(n, seed=n + 1):
            same_call(m, "prefix", x, out)
            same_call(m, "iir", x, out, 0.9)
        same_call(m, "prefix", x, zero_stride(n))
        same_call(m, "iir", x, zero_stride(n), -1.5)
        same_call(m, "backward", x, zero_stride(n))
        same_call(m, "offset_store", x, zero_stride(n))
        same_call(m, "load_after_store", x, zero_stride(n))
    x = rnd(n, seed=3)
    same_call(m, "prefix", x, x)               # out is x
    same_call(m, "iir", x, x, 0.5)
    if n > 1:
        same_call(m, "prefix", x[1:], x[:-1])  # out one element behind x
        same_call(m, "prefix", x[:-1], x[1:])  # out one element ahead of x


@pytest.mark.parametrize("n", [1, 2, 9, 64])
def test_int_recurrences(mods, n):
    m, flags = mods
    rng = np.random.default_rng(n)
    for x in views(n, seed=n, dtype=np.int64):
        same_call(m, "cumsum_inplace", x)
        same_call(m, "step_two", x)
        if not flags or n < 16:  # past int32, unchecked wraps where NumPy raises
            same_call(m, "narrow", x, np.zeros(n, np.int32))
            same_call(m, "narrow", x, np.ones(2 * n, np.int32)[::2])
            same_call(m, "narrow", x, zero_stride(n, np.int32, 5))
        same_call(m, "bytes_mod", x, np.zeros(n, np.uint8))
        same_call(m, "bytes_mod", x, zero_stride(n, np.uint8, 200))
        if n < 40:  # the value doubles each step: NumPy's reference would wrap
            same_call(m, "cumsum_inplace", zero_stride(n, np.int64, 3))
            same_call(m, "step_two", zero_stride(n, np.int64, 3))
    # x[i] * 3 grows past int32: narrowing stores wrap (NumPy's casting) or raise
    big = rng.integers(0, 2**40, 40)
    if flags:
        out = np.zeros(40, np.int32)
        m[0].narrow(big, out)
        expect = np.zeros(40, np.int64)
        for i in range(1, 40):
            expect[i] = ((int(expect[i - 1]) * 3 + int(big[i]) + 2**31) % 2**32) - 2**31
        assert out.tolist() == expect.tolist()
    else:
        same_call(m, "narrow", big, np.zeros(40, np.int32))


def test_int_overflow_mid_loop(mods):
    m, flags = mods
    if flags:
        return
    x = np.array([1, 2**62, 2**62, 5, 7], np.int64)
    with pytest.raises(OverflowError):
        m[0].cumsum_inplace(x)
    assert x.tolist() == [1, 2**62 + 1, 2**62, 5, 7]  # the writes before the raise


def test_lev(mods):
    m, _ = mods
    rng = np.random.default_rng(4)
    for n, k in [(0, 0), (1, 3), (5, 5), (30, 17)]:
        a = rng.integers(0, 3, n).astype(np.int32)
        b = rng.integers(0, 3, k).astype(np.int32)
        same_call(m, "lev", a, b, np.zeros((n + 1, k + 1), np.int32))
        same_call(m, "lev", a, b, np.zeros((n + 1, 2 * k + 2), np.int32)[:, ::2])
        same_call(m, "lev", a, b, np.asfortranarray(np.zeros((n + 1, k + 1), np.int32)))
        same_call(m, "lev", a, b, np.zeros((k + 1, n + 1), np.int32).T)
        # every row on one address: d[i - 1, j] is d[i, j]
        same_call(m, "lev", a, b, as_strided(np.zeros(k + 1, np.int32), shape=(n + 1, k + 1),
                                              strides=(0, 4)))


def test_not_forwarded_shapes(mods):
    m, _ = mods
    for n in [1, 2, 30]:
        for x in views(n, seed=n):
            for y in views(n, seed=n + 7) + [zero_stride(n)]:
                same_call(m, "load_after_store", x, y)
                same_call(m, "cond_store", x, y)
                same_call(m, "with_continue", x, y)
                same_call(m, "two_stores", x, y, np.zeros(n))
                same_call(m, "two_stores", x, y, y)


def test_exception_mid_loop(mods):
    m, flags = mods
    z = np.arange(10, dtype=np.int64) * 7
    x = np.array([1, 3, 2, 4, 5, 7], np.int64)
    same_call(m, "gather_chain", x, z, np.full(6, 1000, np.int64))
    same_call(m, "gather_chain", x[::-1], z, np.full(12, 1000, np.int64)[::2])
    if not flags:  # IndexError at i = 3, after the writes before it
        x[3] = 12
        same_call(m, "gather_chain", x, z, np.full(6, 1000, np.int64))
        same_call(m, "gather_chain", x[::-1], z, np.full(12, 1000, np.int64)[::2])
