"""Differential tests: a range loop that converts its variable to float and
calls libm or compiled code keeps float(i) as a float stepping by 1.0
(float_iv_candidate in lower.c), exact while |i| <= 2**53; outside that the
ordinary loop runs.  Ranges at the edges of 2**53, negative ranges,
`continue` and `break`, the variable used as an int too, and results
compared bit for bit."""
import math

import pytest

from difftest import build, same_call

SRC = '''
def wave(t: float) -> float:
    return math.exp(-0.1 * t) * math.sin(3.0 * t)

@native
def trapezoid(a: float, b: float, n: int) -> float:
    h = (b - a) / n
    s = 0.5 * (wave(a) + wave(b))
    for i in range(1, n):
        s += wave(a + i * h)
    return s * h

@native
def table(lo: int, hi: int, step: float) -> tuple[float, int, float, float]:
    s = 0.0
    k = 0
    last = 0.0
    f = 0.0
    for i in range(lo, hi):
        if i % 7 == 3:
            continue
        last = math.sin(i * step)
        s += last
        f = f * 0.5 + i
        k += i
        if last > 2.0:
            break
    return s, k, last, f

@native
def tabulate(out: f64[:], lo: int, step: float) -> None:
    # the loop variable indexes the array too (it is not assigned)
    for i in range(lo, lo + out.shape[0]):
        out[i - lo] = math.sin(i * step)

@native
def nested(n: int) -> float:
    s = 0.0
    for i in range(n):
        for j in range(3):
            s += math.cos(i * 0.5 + j)
    return s

@native
def assigned(n: int) -> float:
    s = 0.0
    for i in range(n):
        s += math.sqrt(float(i)) + math.log1p(float(i))
        i = i * 2
        s += float(i)
    return s
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param), request.param


def test_trapezoid(mods):
    m, _ = mods
    for n in [1, 2, 3, 1000, 12345]:
        for a, b in [(0.0, 10.0), (-3.5, 2.25), (1e6, 1e6 + 1.0)]:
            same_call(m, "trapezoid", a, b, n)


def test_table_ranges(mods):
    m, flags = mods
    big = 2**53
    ranges = [(0, 100), (-50, 50), (big - 20, big), (big - 20, big + 1), (big - 5, big + 5),
              (-big, -big + 30), (-big - 3, -big + 3), (10, 3)]
    if not flags:  # k's sum leaves int64: OverflowError, where unchecked wraps
        ranges += [(2**62, 2**62 + 10), (-(2**63), -(2**63) + 5)]
    for lo, hi in ranges:
        for step in [0.001, 1.0, -2.5]:
            same_call(m, "table", lo, hi, step)


def test_nested_and_assigned(mods):
    m, _ = mods
    for n in [0, 1, 17, 200]:
        same_call(m, "nested", n)
        same_call(m, "assigned", n)


def test_tabulate(mods):
    m, _ = mods
    import numpy as np
    big = 2**53
    for lo in [0, -7, big - 3, -big, big + 2]:
        for n in [0, 1, 9]:
            same_call(m, "tabulate", np.zeros(n), lo, 0.001)
            same_call(m, "tabulate", np.zeros(2 * n)[::2], lo, -1.5)
