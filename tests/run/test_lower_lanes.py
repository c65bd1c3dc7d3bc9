"""Differential tests for lanes (compiler/lower_lanes.c): a range loop whose
body is a prefix, a while loop of scalar float steps and a suffix runs four
iterations' prefixes and while loops side by side, then their suffixes in
order; the ordinary loop runs what is left, and runs again from the first
lane when a deferred check failed.  The tests cover trip counts around
multiples of four, every range form, break and continue in the while loop
and in the suffix, exceptions raised in any lane (after the earlier lanes'
suffixes wrote to an array), variables the lanes must not privatize, and
check in the IR that the while loop was copied per lane."""
import re

import numpy as np
import pytest

from difftest import build, expect_exc, function_ir, module_ir, same_call

SRC = '''
@native
def mandel(w: int, h: int, maxiter: int, out: i32[:, :]) -> int:
    total = 0
    for py in range(h):
        ci = -1.25 + 2.5 * py / h
        for px in range(w):
            cr = -2.0 + 3.0 * px / w
            zr = 0.0
            zi = 0.0
            n = 0
            while n < maxiter:
                zr2 = zr * zr
                zi2 = zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                n += 1
            out[py, px] = n
            total += n
    return total

@native
def ranged(start: int, stop: int, step: int, x0: float, out: i64[:]) -> int:
    acc = 7
    for k in range(start, stop, step):
        cr = x0 + 0.01 * k
        zr = 0.0
        zi = 0.0
        it = 0
        while it < 60:
            zr2 = zr * zr
            zi2 = zi * zi
            if zr2 + zi2 > 4.0:
                break
            zi = 2.0 * zr * zi + 0.3
            zr = zr2 - zi2 + cr
            it += 1
        out[(k - start) % out.shape[0]] = it
        acc = (acc * 31 + it) % 1000003
    return acc

@native
def lane_div(n: int, z: int, out: f64[:]) -> float:
    s = 0.0
    for i in range(n):
        c = 1.0 / (i - z)
        x = c
        m = 0
        while m < 5:
            x = x * 0.5 + c
            m += 1
        out[i] = x
        s = s * 0.5 + x
    return s

@native
def lane_overflow(n: int, start: int, out: i64[:]) -> int:
    t = 0
    for i in range(n):
        v = start + i
        f = 0.5
        while f < 4.0:
            f = f * 1.5 + 0.1
            v = v * 2
        out[i] = v
        t = t ^ v
    return t

@native
def lane_int(n: int, bad: int) -> int:
    s = 0
    for i in range(n):
        y = float(i) if i != bad else math.nan
        k = 0
        while k < 6:
            y = y * 1.25
            k += 1 + int(y) % 2
        s = (s * 7 + k) % 1000003
    return s

@native
def lane_flow(n: int, lim: float) -> int:
    acc = 0
    for i in range(0, n, 1):
        x = i * 0.37
        c = 0
        while True:
            x = x * 1.7 - 2.3
            c += 1
            if c > 50:
                break
            if x > lim:
                break
            if x < 0.0:
                x = -x
                continue
            c += 1
        acc = (acc * 31 + c) % 1000003
    return acc

@native
def suffix_jumps(n: int, stop_at: int) -> int:
    acc = 0
    last = -1
    i = -5
    for i in range(n):
        x = 0.1 * i
        c = 0
        while x < 10.0 and c < 100:
            x = x * 1.3 + 0.05
            c += 1
        if c == stop_at:
            break
        if c % 3 == 0:
            continue
        acc = (acc * 7 + c) % 1000003
        last = i
    return (acc * 100000 + last) * 1000 + i

@native
def early_return(n: int, lim: int) -> float:
    s = 0.0
    for i in range(n):
        x = 1.0 + i
        c = 0
        while x > 1e-3:
            x = x * 0.61
            c += 1
        if c > lim:
            return s + c
        s = s * 0.5 + x
    return s

@native
def param_and_bool(n: int, x: float) -> float:
    s = 0.0
    for i in range(n):
        x = i * 0.25 - 1.0
        done = False
        steps = 0
        while not done:
            x = x * x - 0.7
            steps += 1
            done = x > 2.0 or steps >= 30
        s = s * 0.9 + x + steps
    return s + x

@native
def carried(n: int) -> float:
    prev = 0.5
    s = 0.0
    for i in range(n):
        x = prev + i
        c = 0
        while c < 4:
            x = x * 0.9 + 0.1
            c += 1
        prev = x
        s += x
    return s

@native
def temp_after(n: int) -> float:
    t = -1.0
    for i in range(n):
        x = i * 0.5
        c = 0
        while c < i % 3:
            t = x * 2.0
            x = t + 1.0
            c += 1
    return t

@native
def cond_prefix(n: int) -> float:
    y = 0.25
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            y = i * 1.5
        x = y
        c = 0
        while c < 3:
            x = x * 0.5 + 1.0
            c += 1
        s = s * 0.75 + x
    return s
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]
OVERFLOW = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_mandelbrot_every_width(mods):
    for w in range(0, 10):
        for h, maxiter in [(3, 40), (1, 0), (2, 1)]:
            same_call(mods, "mandel", w, h, maxiter, np.zeros((h, w), np.int32))
    same_call(mods, "mandel", 37, 21, 200, np.zeros((21, 37), np.int32))
    same_call(mods, "mandel", 5, 4, 30, np.zeros((4, 9), np.int32)[:, ::2])


def test_every_range_form(mods):
    out = np.zeros(11, np.int64)
    for start, stop, step in [(0, 0, 1), (0, 1, 1), (0, 3, 1), (0, 4, 1), (0, 5, 1), (-7, 8, 1),
                              (-150, 60, 3), (60, -150, -1), (60, -150, -7), (5, 5, -1), (3, 9, 2),
                              (2**63 - 10, 2**63 - 1, 1), (-2**63, -2**63 + 9, 2)]:
        for x0 in [-0.6, 0.1]:
            same_call(mods, "ranged", start, stop, step, x0, out)
    same_call(mods, "ranged", 0, 9, 0, 0.1, out)  # ValueError before any lane runs


def test_raise_in_a_lane(mods):
    for n in range(0, 11):
        for z in [-1, 0, 1, 2, 3, 4, 5, 7, 9]:
            same_call(mods, "lane_div", n, z, np.full(12, -1.0))
    for n in [0, 5, 9]:
        for bad in [-1, 0, 2, 3, 4, 7]:
            same_call(mods, "lane_int", n, bad)


def test_overflow_in_a_lane(mods, flags):
    for n in [0, 1, 4, 9]:
        same_call(mods, "lane_overflow", n, 12345, np.zeros(10, np.int64))
    if flags:
        return  # unchecked: wrapping arithmetic, not compared with CPython here
    # v * 2 ** 5 reaches 2**63 from start + i >= 2**58: lanes 0 and 1 finish,
    # lane 2 fails, and the ordinary loop repeats 0 and 1 and raises at 2
    for n in [3, 4, 6, 9]:
        out = np.full(10, -1, np.int64)
        compiled, _ = mods
        with pytest.raises(OverflowError) as e:
            compiled.lane_overflow(n, 2**58 - 2, out)
        assert str(e.value) == OVERFLOW
        assert list(out[:2]) == [(2**58 - 2) * 32, (2**58 - 1) * 32] and (out[2:] == -1).all()
        expect_exc(mods, "lane_overflow", OverflowError, OVERFLOW, n, 2**58 - 2, np.zeros(10, np.int64))


def test_break_continue_return(mods):
    for n in range(0, 10):
        for lim in [-1.0, 0.5, 3.0, 1e9]:
            same_call(mods, "lane_flow", n, lim)
    for n in range(1, 12):
        for stop_at in [-1, 1, 2, 8, 9, 100]:
            same_call(mods, "suffix_jumps", n, stop_at)
    for n in range(0, 10):
        for lim in [0, 15, 16, 17, 100]:
            same_call(mods, "early_return", n, lim)


def test_params_bools_and_rejected_loops(mods):
    for n in range(0, 10):
        same_call(mods, "param_and_bool", n, 3.5)
        same_call(mods, "carried", n)
        same_call(mods, "temp_after", n)
        same_call(mods, "cond_prefix", n)


def test_which_loops_run_in_lanes(tmp_path, flags):
    """Structure, not speed: the block names of the lanes (lanes.round)
    appear in the loops that qualify, and not in the loops that read a value
    a later iteration's suffix sets (carried), keep a while-loop variable
    used after the loop (temp_after), or assign a variable under an `if`
    in the prefix (cond_prefix)."""
    names = ["mandel", "ranged", "lane_flow", "param_and_bool", "carried", "temp_after",
             "cond_prefix"]
    ir = module_ir(tmp_path, SRC, ",".join(names), flags)
    taken = {f for f in names if "lanes.round" in function_ir(ir, f + "_impl")}
    assert taken == {"mandel", "ranged", "lane_flow", "param_and_bool"}
