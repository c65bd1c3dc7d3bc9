"""Differential tests: Kernighan's bit count loop lowered as a popcount
(compiler/lower_idiom.c).  Every written form of it, values from 0 to
2**63 - 1, the counter's start value, loops that look alike but are not the
idiom (they must run as written), and negative values (CPython loops
forever there; pyjitc's loop raises OverflowError in safe mode once v - 1
overflows, and wraps to the 64-bit count unchecked)."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def ne_form(v: int, c: int) -> tuple[int, int]:
    while v != 0:
        v &= v - 1
        c += 1
    return v, c

@native
def bare_form(x: int) -> int:
    v = x
    c = 0
    while v:
        c = c + 1
        v = v & (v - 1)
    return c

@native
def gt_form(v: int) -> int:
    c = 0
    while v > 0:
        v = (v - 1) & v
        c += 1
    return c

@native
def per_element(a: i64[:], out: i64[:]) -> int:
    total = 0
    for i in range(a.shape[0]):
        v = a[i]
        c = 0
        while v != 0:
            v &= v - 1
            c += 1
        out[i] = c
        total += c
    return total

@native
def not_idiom(v: int) -> int:
    c = 0
    while v > 1:
        v &= v - 1
        c += 1
    return c

@native
def not_idiom2(v: int) -> int:
    c = 0
    while v != 0:
        v &= v - 1
        c += 2
    return c
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


VALUES = [0, 1, 2, 3, 255, 256, 2**31 - 1, 2**32, 2**62, 2**63 - 1, 0x5555555555555555,
          123456789012345]


def test_forms(mods):
    m, _ = mods
    for v in VALUES:
        for c in [0, 5, -70]:
            same_call(m, "ne_form", v, c)
        same_call(m, "bare_form", v)
        same_call(m, "gt_form", v)
        same_call(m, "not_idiom", v)
        same_call(m, "not_idiom2", v)
    for v in [-1, -5, -(2**63)]:
        same_call(m, "gt_form", v)   # the loop does not run


def test_counter_near_overflow(mods):
    m, flags = mods
    big = 2**63 - 1
    for v, c in [(7, big - 3), (7, big - 64), (7, big - 65), (2**63 - 1, big - 62)]:
        if not flags:
            same_call(m, "ne_form", v, c)    # OverflowError exactly when CPython's c passes int64
        else:
            r = m[0].ne_form(v, c)
            assert r[0] == 0 and r[1] == (c + bin(v).count("1") + 2**63) % 2**64 - 2**63


def test_per_element(mods):
    m, _ = mods
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2**62, 300)
    same_call(m, "per_element", a, np.zeros(300, np.int64))
    same_call(m, "per_element", a[::3], np.zeros(200, np.int64)[::2])


def test_negative(mods):
    m, flags = mods
    for v in [-1, -2, -(2**40) + 3, -(2**63)]:
        if not flags:   # v reaches INT64_MIN, then v - 1 overflows
            with pytest.raises(OverflowError):
                m[0].ne_form(v, 0)
        else:           # wrapping: the loop ends at 0 after the 64-bit popcount
            assert m[0].ne_form(v, 0) == (0, bin(v % 2**64).count("1"))
