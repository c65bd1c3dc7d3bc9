"""Differential tests for lanes (compiler/lower_lanes.c): a range loop whose
body is a prefix, a while loop of scalar float steps and a suffix runs four
iterations' prefixes and while loops side by side, then their suffixes in
order; the ordinary loop runs what is left, and runs again from the first
lane when a deferred check failed.  The tests cover trip counts around
multiples of four, every range form, break and continue in the while loop
and in the suffix, exceptions raised in any lane (after the earlier lanes'
suffixes wrote to an array), variables the lanes must not privatize, and
check in the IR which loops run in lanes.  Also the three extra forms:
array reads in the prefix (indices tested before the lanes, arrays apart
from those the suffix stores into), a counter `total += k` shared by the
iterations, and math.fabs / math.sqrt."""
import os
import re
import subprocess
import sys

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
        y = float(i) * math.pi / math.pi if i != bad else math.nan
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
def rec_escape(depth: int, w: int, z: float) -> float:
    # lanes inside a recursive function (its _rec and replayed _pure copies)
    if depth == 0:
        return 0.0
    acc = 0.0
    for px in range(w):
        cr = -2.0 + 3.0 * px / w + 1.0 / (depth - z)
        zr = 0.0
        zi = 0.0
        n = 0
        while n < 40:
            zr2 = zr * zr
            zi2 = zi * zi
            if zr2 + zi2 > 4.0:
                break
            zi = 2.0 * zr * zi + 0.2
            zr = zr2 - zi2 + cr
            n += 1
        acc = acc * 0.5 + n
    return acc + rec_escape(depth - 1, w, z)

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

SRC_READS = '''
@native
def newton(x: f64[:], out: f64[:]) -> int:
    total = 0
    for i in range(x.shape[0]):
        a = float(x[i])   # a Python float in CPython too: 0.0 / 0.0 raises
        y = a
        while True:
            dy = (y * y * y - a) / (3.0 * y * y)
            y -= dy
            total += 1
            if math.fabs(dy) < 1e-12 * y:
                break
        out[i] = y
    return total

@native
def counted(x: f64[:], out: f64[:], total: int) -> int:
    for i in range(x.shape[0]):
        y = x[i]
        while y > 1.0:
            y = y * 0.5
            total += 2
        out[i] = y
    return total

@native
def rows(p: f64[:, :], j: int, lo: int, hi: int, out: f64[:]) -> int:
    steps = 0
    for i in range(lo, hi):
        a = p[i, 0] + p[i, 1] * p[j, 2]
        while a > 0.001:
            a = a * 0.3 - 0.01
            steps += 1
        out[i] = a
        if a < -1.0:
            break
    return steps

@native
def sqrt_iter(x: f64[:], out: f64[:]) -> int:
    steps = 0
    for i in range(x.shape[0]):
        s = math.sqrt(x[i])
        g = 1.0
        while math.fabs(g * g - s) > 1e-9 * s + 1e-300:
            g = 0.5 * (g + s / g)
            steps += 2
        out[i] = g
    return steps

@native
def logistic(r: f64[:], x: f64[:], iters: int, lo: int, hi: int) -> float:
    ri = -1.0
    for i in range(lo, hi):
        ri = r[i]
        xi = x[i]
        for k in range(iters):
            xi = ri * xi * (1.0 - xi)
        x[i] = xi
    return ri

@native
def varied_inner(x: f64[:], out: f64[:]) -> int:
    total = 0
    for i in range(x.shape[0]):
        v = x[i]
        m = i % 5
        for k in range(m - 1, 2 * m):
            if v > 50.0:
                break
            v = v * 1.5 + k
            total += 1
            if k == 3:
                continue
            v = v - 0.25
            k = k * 100   # does not change the next k
        out[i] = v
    return total

@native
def inner_var_after(x: f64[:]) -> int:
    k = -1
    for i in range(x.shape[0]):
        v = x[i]
        for k in range(i % 3):
            v = v * 0.5
        x[i] = v
    return k

@native
def in_place(x: f64[:]) -> float:
    t = 0.0
    for i in range(x.shape[0]):
        a = x[i]
        while a > 1.0:
            a = a * 0.75
        if i + 1 < x.shape[0]:
            x[i + 1] = x[i + 1] + a   # what the next iteration reads
        t = t * 0.5 + a
    return t
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


def test_recursive_function(mods):
    for depth in [0, 1, 3, 6]:
        for w in [1, 5, 8]:
            for z in [0.5, 2.0, 4.0]:   # 1.0 / (depth - z): ZeroDivisionError at depth z
                same_call(mods, "rec_escape", depth, w, z)


def test_params_bools_and_rejected_loops(mods):
    for n in range(0, 10):
        same_call(mods, "param_and_bool", n, 3.5)
        same_call(mods, "carried", n)
        same_call(mods, "temp_after", n)
        same_call(mods, "cond_prefix", n)


@pytest.fixture(scope="module")
def rmods(flags):
    return build(SRC_READS, flags)


def test_prefix_reads(rmods, flags):
    rng = np.random.default_rng(5)
    for n in range(0, 10):
        x = rng.uniform(0.5, 1000.0, n)
        same_call(rmods, "newton", x, np.zeros(n))
        same_call(rmods, "counted", x * 7, np.zeros(n), 5)
        same_call(rmods, "sqrt_iter", x, np.zeros(n))
        same_call(rmods, "in_place", x * 3)
    x = rng.uniform(0.5, 1000.0, 23)
    same_call(rmods, "newton", x[::-2], np.zeros(12)[::-1])
    # ZeroDivisionError, ValueError (sqrt) in one lane after earlier suffixes
    for bad in [0, 1, 2, 3, 5, 9]:
        y = x[:11].copy()
        y[bad] = 0.0
        same_call(rmods, "newton", y, np.full(11, -1.0))
        y[bad] = -4.0
        same_call(rmods, "sqrt_iter", y, np.full(11, -1.0))


def test_prefix_reads_of_stored_memory(rmods):
    """The suffix stores where a later iteration's prefix reads: the lanes
    must not run (the arrays overlap), or the reads would come too early."""
    rng = np.random.default_rng(9)
    a = rng.uniform(0.5, 1000.0, 13)
    same_call(rmods, "newton", a[:-1], a[1:])    # out[i] is x[i + 1]
    same_call(rmods, "newton", a[1:], a[:-1])    # out[i] is x[i - 1]
    same_call(rmods, "newton", a, a)
    same_call(rmods, "newton", a[:6], a[6:12])   # apart: lanes
    b = rng.uniform(0.5, 50.0, (9, 3))
    same_call(rmods, "rows", b, 2, 0, 9, b[:, 1])  # out is a column of p


def test_prefix_read_indices(rmods, flags):
    rng = np.random.default_rng(11)
    p = rng.uniform(0.0, 3.0, (10, 3))
    for lo, hi in [(0, 10), (0, 0), (1, 9), (-10, 0), (-10, 10), (-4, 3), (2, 7)]:
        for j in [0, 9, -1, -10]:
            same_call(rmods, "rows", p, j, lo, hi, np.zeros(10))
    if flags:
        return  # unchecked: an index outside the array is the program's error
    # indices beyond the array, read by the original loop or not: the break
    # in the suffix stops it before (p[:, 0] = -5 makes a < -1.0 at once)
    q = p.copy()
    q[6, :] = [-5.0, 0.0, 0.0]
    for lo, hi in [(0, 12), (3, 40), (-14, 7), (-11, 20)]:
        same_call(rmods, "rows", q, 1, lo, hi, np.zeros(10))
        same_call(rmods, "rows", p, 1, lo, hi, np.zeros(10))
    for j in [10, -11]:
        same_call(rmods, "rows", p, j, 0, 10, np.zeros(10))


GUARDED = '''
import ctypes, mmap, sys
import numpy as np
sys.path.insert(0, {dir!r})
import {mod} as m
page = mmap.PAGESIZE
buf = mmap.mmap(-1, 2 * page)
base = ctypes.addressof(ctypes.c_char.from_buffer(buf))
assert ctypes.CDLL(None).mprotect(ctypes.c_void_p(base + page), page, 0) == 0
p = np.frombuffer(buf, np.float64, 30, page - 240).reshape(10, 3)
p[:] = np.array({rows!r})
print(m.rows(p, 1, {lo}, {hi}, np.zeros(10)))
'''


def test_no_read_past_the_array(rmods):
    """The lanes never read an element the original loop leaves unread: p
    ends at a page that faults when touched, and the loop breaks at row 9,
    the last, before it would index past the array (in the same four
    iterations as rows 10 and up)."""
    compiled, python = rmods
    q = np.random.default_rng(3).uniform(0.0, 3.0, (10, 3))
    q[9, :] = [-5.0, 0.0, 0.0]
    for lo, hi in [(0, 12), (7, 40), (1, 13), (5, 9)]:
        code = GUARDED.format(dir=os.path.dirname(compiled.__file__), mod=compiled.__name__,
                              rows=q.tolist(), lo=lo, hi=hi)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"rows(p, 1, {lo}, {hi}) with p before a guard page: {r.stderr[-300:]}"
        assert int(r.stdout) == python.rows(q.copy(), 1, lo, hi, np.zeros(10))


def test_inner_for_loops(rmods, flags):
    rng = np.random.default_rng(17)
    for n in range(0, 10):
        r = rng.uniform(3.5, 3.99, n)
        x = rng.uniform(0.1, 0.9, n)
        for iters in [0, 1, 7]:
            same_call(rmods, "logistic", r, x, iters, 0, n)
        same_call(rmods, "varied_inner", x * 9, np.zeros(n))
        same_call(rmods, "inner_var_after", x)
    r = rng.uniform(3.5, 3.99, 9)
    x = rng.uniform(0.1, 0.9, 9)
    # negative indices name the elements the positive ones do: each element
    # is iterated twice, the second time from the first one's result
    for lo, hi in [(-9, 9), (-9, 0), (-4, 5), (2, 9), (5, 3)]:
        same_call(rmods, "logistic", r, x, 5, lo, hi)
    for lo, hi in [(-3, 3), (-2, 2), (-3, 1)]:  # x[-3] and x[0] in the same four
        same_call(rmods, "logistic", r[:3], x[:3], 5, lo, hi)
    same_call(rmods, "logistic", x, x, 5, 0, 9)          # r is x
    same_call(rmods, "logistic", x[1:], x[:-1], 5, 0, 8)  # r[i] is x[i + 1]
    same_call(rmods, "logistic", x[:-1], x[1:], 5, 0, 8)  # r[i] is x[i - 1]
    same_call(rmods, "logistic", r[::2], x[::-2], 5, 0, 5)
    # one element for every i (stride 0): each iteration starts from the last
    z = np.lib.stride_tricks.as_strided(x.copy(), (8,), (0,))
    same_call(rmods, "logistic", r, z, 3, 0, 8)


def test_shared_counter_overflow(rmods, flags):
    x = np.array([3.0, 5.0, 9.0, 17.0, 33.0, 65.0, 2.0, 0.5, 7.0])
    for n in [0, 3, 4, 9]:
        same_call(rmods, "counted", x[:n], np.zeros(n), 2**62)
    if flags:
        return  # unchecked: wrapping
    # 2 steps of 2 for x[0] = 3.0, 3 for 5.0, 4 for 9.0: from 2**63 - 12 the
    # third element's counting overflows; the first two suffixes have run
    for n in [3, 4, 8, 9]:
        out = np.full(n, -1.0)
        compiled, _ = rmods
        with pytest.raises(OverflowError) as e:
            compiled.counted(x[:n], out, 2**63 - 12)
        assert str(e.value) == OVERFLOW
        assert list(out[:2]) == [0.75, 0.625] and (out[2:] == -1.0).all()


def in_lanes(fir):
    """The block names of the lanes: rounds, or one inner loop (uniform)."""
    return re.search(r"lanes\.(round|ibody|icond|idone)", fir) is not None


def test_which_loops_run_in_lanes(tmp_path, flags):
    """Structure, not speed: the block names of the lanes (in_lanes)
    appear in the loops that qualify, and not in the loops that read a value
    a later iteration's suffix sets (carried), keep a while-loop variable
    used after the loop (temp_after), or assign a variable under an `if`
    in the prefix (cond_prefix)."""
    names = ["mandel", "ranged", "lane_flow", "param_and_bool", "lane_int", "carried",
             "temp_after", "cond_prefix"]
    ir = module_ir(tmp_path, SRC, ",".join(names), flags)
    taken = {f for f in names if in_lanes(function_ir(ir, f + "_impl"))}
    assert taken == {"mandel", "ranged", "lane_flow", "param_and_bool", "lane_int"}
    assert in_lanes(function_ir(ir, "rec_escape_rec"))  # a recursive function's copy
    names = ["newton", "counted", "rows", "sqrt_iter", "in_place", "logistic", "varied_inner",
             "inner_var_after"]
    ir = module_ir(tmp_path, SRC_READS, ",".join(names), flags)
    taken = {f for f in names if in_lanes(function_ir(ir, f + "_impl"))}
    # in_place stores to x[i + 1]; inner_var_after uses k after the loop
    assert taken == {"newton", "counted", "rows", "sqrt_iter", "logistic", "varied_inner"}
    # logistic's loop is dispatched on unit strides (lower_layout.c: uniform
    # lanes whose prefix reads by the loop variable), its prefix reads are
    # proven: the SLP vectorizer runs the eight chains as one vector
    assert "<8 x double>" in function_ir(ir, "logistic_impl"), "logistic's lanes stayed scalar"

