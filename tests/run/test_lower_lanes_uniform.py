"""Differential tests for uniform lanes (compiler/lower_lanes.c): when the
inner loop of a lanes loop is `for k in range([a,] b)` with a and b that
the outer body never assigns, one k loop steps all four lanes, and its body
may read arrays at indices that are sums and differences of the two loop
variables, constants and invariant names (conv1d's `x[i + j]`, matmul's
`b[k, j]`), tested before the lanes start at the four corners: in bounds
and computed without overflow.  Compared with CPython in both modes: trip
counts around multiples of four, empty and reversed inner ranges, every
layout, reads that would leave the array or wrap around (the ordinary loop
raises IndexError after the earlier iterations stored their results),
index sums that overflow, a division by zero in one lane, arrays the
suffix stores into that the inner loop reads (the same array, overlapping
views); and the IR shows which loops run uniform."""
import numpy as np
import pytest

from difftest import build, expect_exc, function_ir, module_ir, same_call

SRC = '''
@native
def conv(x: f64[:], w: f64[:], out: f64[:]) -> None:
    k = w.shape[0]
    for i in range(x.shape[0] - k + 1):
        s = 0.0
        for j in range(k):
            s += w[j] * x[i + j]
        out[i] = s

@native
def conv_at(x: f64[:], w: f64[:], out: f64[:], lo: int, hi: int, a: int, b: int, off: int) -> None:
    for i in range(lo, hi):
        s = 0.5
        for j in range(a, b):
            s = s * 0.5 + w[j] * x[i + j - off]
        out[i] = s

@native
def back(x: f64[:], out: f64[:], m: int) -> None:
    for i in range(x.shape[0]):
        s = 0.0
        for j in range(m):
            s += x[i - j] * 0.5
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
def matmul(a: f64[:, :], b: f64[:, :], c: f64[:, :]) -> None:
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            s = 0.0
            for k in range(a.shape[1]):
                s += a[i, k] * b[k, j]
            c[i, j] = s

@native
def ratios(x: f64[:], w: f64[:], out: f64[:], m: int) -> int:
    n = 0
    for i in range(x.shape[0]):
        s = 0.0
        for j in range(m):
            s += float(w[j]) / float(x[i])
        out[i] = s
        n += 1
    return n

@native
def shifted(x: f64[:], out: f64[:], big: int, m: int) -> None:
    for i in range(x.shape[0] - m + 1):
        s = 0.0
        for j in range(m):
            s += x[i + big - big + j]
        out[i] = s

@native
def tail_sums(x: f64[:], out: f64[:], lo: int, hi: int, st: int, m: int) -> None:
    for i in range(lo, hi, st):
        s = 0.25
        for k in range(m):
            s = s * 0.5 + x[k]
        out[i] = s + out[i]

@native
def switch_out(x: f64[:], a: f64[:], b: f64[:], m: int, at: int) -> None:
    out = a
    for i in range(a.shape[0]):
        s = 0.5
        for k in range(m):
            s = s * 0.5 + x[k]
        out[i] = s
        if i == at:
            out = b

@native
def with_break(x: f64[:], out: f64[:], m: int) -> None:
    for i in range(x.shape[0] - m):
        s = 0.0
        for j in range(m):
            if x[i + j] > 0.9:
                break
            s += x[i + j]
        out[i] = s
'''

CALLS = '''
@native
def eval_a(i: int, j: int) -> float:
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)

@native
def mult_av(v: f64[:], out: f64[:]) -> None:
    n = v.shape[0]
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(i, j) * v[j]
        out[i] = s

@native
def mult_atv(v: f64[:], out: f64[:], lo: int) -> None:
    n = v.shape[0]
    for i in range(lo, n):
        s = 0.0
        for j in range(n):
            s += eval_a(j, i) * v[j]
        out[i] = s

@native
def recip(i: int, j: int) -> float:
    d = i - j * 2
    return 1.0 / d

@native
def recips(out: f64[:], lo: int, hi: int, m: int) -> None:
    for i in range(lo, hi):
        s = 0.0
        for j in range(m):
            s += recip(i, j)
        out[i] = s

@native
def scaled(x: float, k: int) -> float:
    return x * (k * 1000003)

@native
def scale_all(x: f64[:], out: f64[:], big: int) -> None:
    for i in range(out.shape[0]):
        s = 0.0
        for j in range(3):
            s += scaled(x[j], i + big)
        out[i] = s

@native
def with_loop(k: int) -> float:
    t = 0.0
    for q in range(k):
        t += 0.5
    return t

@native
def calls_loop(out: f64[:], m: int) -> None:
    for i in range(out.shape[0]):
        s = 0.0
        for j in range(m):
            s += with_loop(i + j)
        out[i] = s
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


@pytest.fixture(scope="module")
def cmods(flags):
    return build(CALLS, flags)


def test_pure_calls(cmods, flags):
    """Calls of pure callees in a uniform inner loop: their checks are
    tested over the lanes' intervals before the lanes start (then the
    variant without checks runs), else the ordinary loop raises where
    CPython does, after the earlier iterations stored."""
    rng = np.random.default_rng(16)
    for n in [0, 1, 5, 8, 9, 17, 30]:
        v = rng.uniform(size=n)
        same_call(cmods, "mult_av", v, np.zeros(n))
        for lo in [0, 3]:
            same_call(cmods, "mult_atv", v, np.zeros(n), lo)
    # i - 2j is 0 at (4, 2), (8, 4) ...: ZeroDivisionError in some lane
    for lo, hi, m in [(5, 30, 2), (1, 9, 3), (9, 26, 4), (0, 4, 0), (20, 40, 5)]:
        same_call(cmods, "recips", np.zeros(40), lo, hi, m)
    same_call(cmods, "scale_all", np.arange(1.0, 4.0), np.zeros(10), 5)
    same_call(cmods, "calls_loop", np.zeros(10), 3)
    if flags:
        pytest.skip("unchecked: int overflow wraps")
    out = np.zeros(10)
    expect_exc(cmods, "scale_all", OverflowError,
               "integer overflow: the result does not fit in a 64-bit int "
               "(CPython would grow the integer)", np.arange(1.0, 4.0), out, 2**63 // 1000003 - 2)
    assert (out[:3] != 0).all() and (out[3:] == 0).all()  # raised at i = 3, after three stores


def test_which_calls_run_uniform(tmp_path, flags):
    names = ["eval_a", "mult_av", "mult_atv", "recip", "recips", "scaled", "scale_all",
             "with_loop", "calls_loop"]
    ir = module_ir(tmp_path, CALLS, ",".join(names), flags)
    uniform = {f for f in ["mult_av", "mult_atv", "recips", "scale_all", "calls_loop"]
               if is_uniform(function_ir(ir, f + "_impl"))}
    assert uniform == {"mult_av", "mult_atv", "recips", "scale_all"}
    if flags:
        # the suffix's out[i] has no wrap-around branch (i >= 0 tested before
        # the lanes), so the SLP vectorizer makes the eight sums one vector
        # (not split into 4 + 2 + 2 as with the branch)
        body = function_ir(ir, "mult_av_impl")
        assert "<8 x double>" in body and "<2 x double>" not in body, "the lanes were split"



def test_conv_every_length(mods):
    rng = np.random.default_rng(11)
    for n in range(0, 28):
        x = rng.uniform(size=n)
        for k in [1, 3, 4, 5, 9]:
            w = rng.uniform(size=k)
            same_call(mods, "conv", x, w, np.zeros(max(n - k + 1, 0)))
    x, w = rng.uniform(size=40), rng.uniform(size=5)
    same_call(mods, "conv", x[::2], w[::-1], np.zeros(16))
    same_call(mods, "conv", x[::-1], w, np.zeros(36)[::-1])
    buf = rng.uniform(size=100)
    same_call(mods, "conv", buf[:40], w, buf[50:86])          # apart: the lanes run
    same_call(mods, "conv", buf[:40], w, buf[20:56])          # out overlaps x
    same_call(mods, "conv", buf[:40], buf[3:8], buf[2:38])     # out overlaps x and w


def test_inner_ranges(mods):
    rng = np.random.default_rng(12)
    x, w = rng.uniform(size=20), rng.uniform(size=8)
    for lo, hi in [(0, 9), (2, 11), (5, 5), (7, 3)]:
        for a, b in [(0, 8), (2, 5), (4, 4), (6, 2), (0, 1)]:
            same_call(mods, "conv_at", x, w, np.zeros(20), lo, hi, a, b, 0)
            same_call(mods, "conv_at", x, w, np.zeros(20), lo, hi, a, b, 3)
    for m in [0, 1, 3, 8]:
        same_call(mods, "back", x[8:], np.zeros(12), m)


def test_reads_leaving_the_array(mods, flags):
    """The corner test fails: the ordinary loop runs, and raises where
    CPython does after the earlier iterations stored."""
    rng = np.random.default_rng(13)
    x, w = rng.uniform(size=20), rng.uniform(size=8)
    # negative indices wrap around in CPython: x[i - j] for i < j
    for m in [2, 5]:
        same_call(mods, "back", x, np.zeros(20), m)
    same_call(mods, "conv_at", x, w, np.zeros(20), 0, 9, 0, 8, 4)   # x[-4] ..: wraps
    if flags:
        pytest.skip("unchecked: out-of-bounds reads are undefined")
    same_call(mods, "conv_at", x, w, np.zeros(20), 10, 16, 0, 8, 0)  # x[20] at i = 13
    same_call(mods, "conv_at", x, w, np.zeros(20), 0, 9, 0, 9, 0)    # w[8]
    same_call(mods, "conv_at", x, w, np.zeros(20), 0, 9, 0, 8, 30)   # x[-30]


def test_suffix_at_negative_indices(mods, flags):
    """The suffix's `out[i]` by the loop variable: in unchecked mode it
    skips the wrap-around branch only when every lane's i is >= 0 (tested
    before the lanes); ranges that start below zero, cross it downwards, or
    end below it keep CPython's negative indices."""
    rng = np.random.default_rng(21)
    x = rng.uniform(size=12)
    for n in [9, 16, 19]:
        for lo, hi, st in [(0, n, 1), (-n, n, 1), (-5, n, 1), (-n, 0, 1), (n - 1, -n - 1, -1),
                           (n - 1, -1, -1), (n - 1, -3, -2), (-n, n, 3), (2, n, 2), (-1, -n - 1, -1)]:
            for m in [0, 3, 12]:
                same_call(mods, "tail_sums", x, rng.uniform(size=n), lo, hi, st, m)
    if flags:
        pytest.skip("unchecked: out-of-bounds stores are undefined")
    for lo, hi, st in [(-20, 9, 1), (0, 21, 1), (17, -30, -1), (0, 19, 1)]:
        for n in [9, 16, 19, 20, 24]:   # IndexError where out is shorter than the range
            same_call(mods, "tail_sums", x, rng.uniform(size=n), lo, hi, st, 5)


def test_suffix_array_switched(mods, flags):
    """The suffix stores into an array the loop reassigns: its later
    stores go to the other array, checked against that one's size."""
    rng = np.random.default_rng(22)
    x = rng.uniform(size=6)
    for at in [-1, 2, 9, 16]:
        same_call(mods, "switch_out", x, np.zeros(24), np.zeros(24), 4, at)
        same_call(mods, "switch_out", x, np.zeros(24), np.zeros(30), 4, at)
    if flags:
        pytest.skip("unchecked: out-of-bounds stores are undefined")
    for at in [2, 9]:
        same_call(mods, "switch_out", x, np.zeros(24), np.zeros(12), 4, at)   # IndexError at i = 12


def test_index_overflow(mods, flags):
    x = np.arange(9.0)
    same_call(mods, "shifted", x, np.zeros(9), 5, 3)
    if flags:
        pytest.skip("unchecked: int overflow wraps")
    # i + big overflows from i = 2 on: out[0] and out[1] are stored, then
    # the raise, inside what would be the first four lanes
    out = np.zeros(9)
    expect_exc(mods, "shifted", OverflowError,
               "integer overflow: the result does not fit in a 64-bit int "
               "(CPython would grow the integer)", x, out, 2**63 - 2, 3)
    assert list(out) == [3.0, 6.0] + [0.0] * 7


def test_horner_and_matmul(mods):
    rng = np.random.default_rng(14)
    for d in [1, 2, 5]:
        for n in [0, 3, 4, 7, 8, 9, 15, 16, 17]:  # around multiples of 4 and 8 lanes
            same_call(mods, "horner", rng.uniform(-1, 1, d), rng.uniform(-2, 2, n), np.zeros(n))
    for n, p, m in [(3, 4, 5), (4, 1, 9), (2, 0, 6), (5, 7, 8), (2, 3, 16), (3, 5, 17)]:
        a, b = rng.uniform(size=(n, p)), rng.uniform(size=(p, m))
        same_call(mods, "matmul", a, b, np.zeros((n, m)))
        same_call(mods, "matmul", np.asfortranarray(a), np.asfortranarray(b), np.zeros((n, m), order="F"))
        same_call(mods, "matmul", a, b[:, ::-1], np.zeros((n, m))[::-1])
    sq = rng.uniform(size=(6, 6))
    same_call(mods, "matmul", sq, sq, sq)     # c is a and b: the ordinary loop
    same_call(mods, "matmul", sq, sq.copy(), sq[:, ::-1])


def test_division_by_zero_in_one_lane(mods):
    x = np.array([1.0, 2.0, 4.0, 8.0, 0.0, 3.0, 5.0, 6.0, 7.0])
    w = np.array([1.0, 0.5, 0.25])
    for n in [4, 5, 9]:
        same_call(mods, "ratios", x[:n], w, np.zeros(n), 3)
        same_call(mods, "ratios", x[:n], w, np.zeros(n), 0)  # no division at all


def test_break_is_not_uniform(mods):
    rng = np.random.default_rng(15)
    x = rng.uniform(size=30)
    for m in [0, 3, 6]:
        same_call(mods, "with_break", x, np.zeros(30), m)


def is_uniform(fir):
    """Lanes leave names of their blocks and values (lanes.*); uniform ones
    no rounds of lanes stepping one by one (lanes.round).  (Which names
    survive depends on LLVM: a k loop of constant trip count unrolls away.)"""
    return "lanes." in fir and "lanes.round" not in fir


def test_which_loops_run_uniform(tmp_path, flags):
    names = ["conv", "conv_at", "back", "horner", "matmul", "ratios", "shifted", "with_break"]
    ir = module_ir(tmp_path, SRC, ",".join(names), flags)
    uniform = {f for f in names if is_uniform(function_ir(ir, f + "_impl"))}
    assert uniform == {"conv", "conv_at", "back", "horner", "matmul", "ratios", "shifted"}
    # safe mode: the prefix's x[i] is a proven subscript after a test of
    # [0, n) before the lanes, so no wrap-around branch keeps the SLP
    # vectorizer from running horner's eight lanes as one vector
    if not flags:
        assert "<8 x double>" in function_ir(ir, "horner_impl"), "horner's lanes stayed scalar"

