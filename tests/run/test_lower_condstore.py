"""Differential tests: `if cond: a[idx] = value` as a store of
select(cond, value, a[idx]) in the fast copy of a versioned loop
(lower_spec.c, "conditional store").  The old value is stored back where the
condition is false, which must leave every bit as CPython leaves it: NaN
payloads, -0.0, rows that alias the row being written (floyd_warshall's
i == k), views that alias each other, and values that raise (those keep the
branch), plus out-of-range indices that take the checked copy."""
import math
import struct

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def floyd(dist: i64[:, :]) -> int:
    n = dist.shape[0]
    for k in range(n):
        for i in range(n):
            dik = dist[i, k]
            for j in range(n):
                nd = dik + dist[k, j]
                if nd < dist[i, j]:
                    dist[i, j] = nd
    total = 0
    for i in range(n):
        for j in range(n):
            total += dist[i, j]
    return total

@native
def relax(a: f64[:], b: f64[:], w: float) -> None:
    for j in range(a.shape[0]):
        v = b[j] + w
        if v < a[j]:
            a[j] = v

@native
def clamp_up(a: f64[:], lo: f64[:]) -> None:
    for j in range(a.shape[0]):
        if a[j] < lo[j]:
            a[j] = lo[j] * 1.0

@native
def raising_value(a: i64[:], b: i64[:]) -> None:
    for j in range(a.shape[0]):
        if a[j] > 0:
            a[j] = b[j] * 3
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def graph(n, seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(1, 50, (n, n)).astype(np.int64)
    np.fill_diagonal(d, 0)
    return d


def test_floyd(mods):
    m, _ = mods
    for n in [0, 1, 2, 5, 17]:
        d = graph(n, n)
        same_call(m, "floyd", d)
        same_call(m, "floyd", np.asfortranarray(d))
        same_call(m, "floyd", np.ascontiguousarray(d.T).T)
        wide = np.zeros((n, n + 3), np.int64)
        wide[:, 1:n + 1] = d
        same_call(m, "floyd", wide[:, 1:n + 1])


def nan_with_payload(payload):
    return struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000 | payload))[0]


def test_relax_bits(mods):
    m, _ = mods
    specials = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, nan_with_payload(0x1234),
                nan_with_payload(7), 5e-324]
    rng = np.random.default_rng(3)
    for trial in range(10):
        a = rng.choice(specials, 40)
        b = rng.choice(specials, 40)
        for w in [0.0, -0.0, 1.0, math.nan]:
            same_call(m, "relax", a, b, w)
            same_call(m, "relax", a[::-1], b[::-1], w)
            same_call(m, "relax", a[::2], b[1::2], w)
    # the bits of the untouched elements survive (same_call compares NaN as NaN)
    a = np.array([nan_with_payload(0x55), -0.0, 3.0])
    m[0].relax(a, np.array([1.0, 1.0, 5.0]), 0.0)
    assert struct.pack("<d", a[0]) == struct.pack("<d", nan_with_payload(0x55))
    assert struct.pack("<d", a[1]) == struct.pack("<d", -0.0)


def test_relax_aliasing(mods):
    m, _ = mods
    x = np.random.default_rng(4).random(30)
    same_call(m, "relax", x, x, -0.1)
    same_call(m, "relax", x[1:], x[:-1], -0.01)
    same_call(m, "relax", x[:-1], x[1:], -0.01)


def test_clamp_up(mods):
    m, flags = mods
    rng = np.random.default_rng(5)
    for n in [0, 1, 33]:
        same_call(m, "clamp_up", rng.random(n), rng.random(n))
        same_call(m, "clamp_up", rng.random(2 * n)[::2], rng.random(n)[::-1])
    if not flags:
        same_call(m, "clamp_up", rng.random(10), rng.random(6))   # IndexError at j = 6


def test_raising_value_keeps_its_branch(mods):
    m, flags = mods
    a = np.array([1, -2, 3, 0, 5], np.int64)
    same_call(m, "raising_value", a, np.array([1, 2, 3, 4, 5], np.int64))
    if not flags:
        # b[j] * 3 overflows only where it is stored (j = 2): OverflowError there, after the
        # earlier writes; where the condition is false (j = 1) it must not raise
        with pytest.raises(OverflowError):
            m[0].raising_value(a, np.array([1, 2**62, 2**62, 4, 5], np.int64))
        assert a.tolist() == [3, -2, 3, 0, 5]
        b = a.copy()
        m[0].raising_value(b, np.array([1, 2**62, 1, 4, 5], np.int64))
        assert b.tolist() == [3, -2, 3, 0, 15]
