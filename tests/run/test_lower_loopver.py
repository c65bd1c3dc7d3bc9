"""Differential tests: loop versioning (compiler/lower_loop.c).  Innermost range
loops whose subscripts are affine in the loop variable run without bounds
checks when a guard before the loop proves every index in range; otherwise
the checked copy runs.  These compare against CPython where the guard holds,
where it fails at the first, last or a middle iteration, where a negative
index must wrap, where the index arithmetic overflows, under `if`, with break
and for-else, on strided / reversed / Fortran-order views, and in the three
check modes."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def shift_copy(a: f64[:], out: f64[:], off: int, n: int) -> None:
    for i in range(n):
        out[i] = a[i + off] * 2.0

@native
def back_diff(a: f64[:], out: f64[:], start: int, stop: int) -> int:
    last = -7
    for i in range(start, stop):
        out[i] = a[i] - a[i - 1]
        last = i
    return last

@native
def reverse_into(a: f64[:], out: f64[:], n: int) -> None:
    for i in range(n):
        out[i] = a[n - 1 - i]

@native
def stepped(a: f64[:], out: f64[:], start: int, stop: int, step: int) -> int:
    c = 0
    for i in range(start, stop, step):
        out[i] = a[2 * i + 1] + c
        c += 1
    return c

@native
def scaled(a: f64[:], out: f64[:], k: int, n: int) -> None:
    for i in range(n):
        out[i] = a[i * k]

@native
def invariant_row(a: f64[:, :], out: f64[:], r: int) -> None:
    for j in range(a.shape[1]):
        out[j] = a[r, j] + a[r - 1, j]

@native
def stencil(u: f64[:, :], v: f64[:, :]) -> None:
    n = u.shape[0]
    m = u.shape[1]
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            v[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])

@native
def cond_index(a: f64[:], out: f64[:], n: int, far: int) -> float:
    t = 0.0
    for i in range(n):
        if a[i] > 0.5:
            t += a[i + far]
        out[i] = t
    return t

@native
def breaking(a: f64[:], n: int, stop_at: float) -> int:
    for i in range(n):
        if a[i] > stop_at:
            break
    else:
        return -1
    return i

@native
def prefix(x: f64[:]) -> None:
    for i in range(1, x.shape[0]):
        x[i] += x[i - 1]

@native
def big_offset(a: i64[:], off: int, n: int) -> int:
    s = 0
    for i in range(n):
        s += a[i - off]
    return s

@native
def overflowing_index(a: f64[:], base: int, n: int) -> float:
    t = 0.0
    for i in range(n):
        t += a[i + base]
    return t

@native
def loopvar_after(a: f64[:], start: int, stop: int) -> int:
    i = -100
    for i in range(start, stop):
        a[i] = 1.0
    return i

@native
def narrow_index(a: f64[:], out: f64[:], k: i32, n: int) -> None:
    for i in range(n):
        out[i] = a[i + k]

@native
def counting(flags: u8[:], start: int, stop: int, step: int) -> None:
    for j in range(start, stop, step):
        flags[j] = 0
'''

FLAGS = [(), ("--boundscheck=off",), ("--overflowcheck=off",)]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "nobounds", "nooverflow"])
def mods(request):
    return build(SRC, request.param), request.param


def arr(n, seed=0):
    return np.random.default_rng(seed).random(n)


def in_bounds_only(flags):
    """With --boundscheck=off an out-of-range index is the user's problem."""
    return "--boundscheck=off" in flags


def test_shift_copy(mods):
    m, flags = mods
    for off, n in [(0, 10), (2, 8), (3, 8), (-2, 5), (-10, 10), (0, 0), (5, 0), (0, 11), (-11, 3)]:
        if in_bounds_only(flags) and not (-10 <= off and off + n <= 10 and n <= 10):
            continue
        same_call(m, "shift_copy", arr(10), np.zeros(10), off, n)


def test_back_diff_wraps_first(mods):
    m, flags = mods
    # i - 1 == -1 at the first iteration: the guard fails, the checked copy wraps
    for start, stop in [(1, 10), (0, 10), (0, 1), (5, 5), (7, 3), (1, 11), (-3, 4)]:
        if in_bounds_only(flags) and stop > 10:
            continue
        same_call(m, "back_diff", arr(10), np.zeros(10), start, stop)


def test_reverse(mods):
    m, flags = mods
    for n in [0, 1, 5, 10] + ([] if in_bounds_only(flags) else [11, 20]):
        same_call(m, "reverse_into", arr(10), np.zeros(20), n)


def test_stepped(mods):
    m, flags = mods
    cases = [(0, 10, 1), (0, 10, 3), (9, -1, -1), (9, -1, -2), (0, 5, 2), (3, 3, 1), (0, 6, 7),
             (-4, 0, 1), (8, 0, -3)]
    if not in_bounds_only(flags):
        cases += [(0, 12, 1), (0, 11, 5), (11, 0, -1), (-30, 0, 1)]
    for start, stop, step in cases:
        same_call(m, "stepped", arr(23), np.zeros(12), start, stop, step)


def test_scaled(mods):
    m, flags = mods
    for k, n in [(1, 10), (2, 5), (0, 10), (-1, 10), (3, 4)] + (
            [] if in_bounds_only(flags) else [(2, 6), (3, 5), (-2, 6)]):
        same_call(m, "scaled", arr(10), np.zeros(10), k, n)


def test_invariant_row(mods):
    m, flags = mods
    a = arr(20).reshape(4, 5)
    for r in [1, 2, 3, 0, -1, -3] + ([] if in_bounds_only(flags) else [4, -4, 5]):
        same_call(m, "invariant_row", a, np.zeros(5), r)


def test_stencil_views(mods):
    m, _ = mods
    u = arr(64).reshape(8, 8)
    same_call(m, "stencil", u, np.zeros((8, 8)))
    same_call(m, "stencil", u, u.copy())
    same_call(m, "stencil", u[::-1, ::2], np.zeros((8, 4)))
    same_call(m, "stencil", np.asfortranarray(u), np.zeros((8, 8), order="F"))
    same_call(m, "stencil", u[::2, ::-3], np.zeros((4, 3))[:, ::-1])
    same_call(m, "stencil", np.zeros((2, 2)), np.zeros((2, 2)))


def test_conditional_index(mods):
    m, flags = mods
    a = np.array([0.1, 0.9, 0.2, 0.3, 0.8, 0.1, 0.2, 0.7, 0.2, 0.1])
    # a[i + far] only runs where a[i] > 0.5: the guard fails on far = 3
    # (7 + 3 == 10), but the raise happens only if i == 7 runs it
    for n, far in [(10, 0), (10, 2), (10, 3), (7, 3), (8, 3), (10, -10), (10, -11)]:
        if in_bounds_only(flags) and not (-10 <= far and (n <= 7 or far <= 2) and far != -11):
            continue
        same_call(m, "cond_index", a, np.zeros(10), n, far)


def test_break_else(mods):
    m, flags = mods
    a = arr(10)
    for n, s in [(10, 0.9), (10, 2.0), (0, 0.0), (3, 2.0)] + (
            [] if in_bounds_only(flags) else [(12, 2.0), (11, 0.99)]):
        same_call(m, "breaking", a, n, s)


def test_prefix(mods):
    m, _ = mods
    for n in [0, 1, 2, 17]:
        same_call(m, "prefix", arr(n))
    same_call(m, "prefix", arr(20)[::-3])


def test_big_offsets(mods):
    m, flags = mods
    a = np.arange(10, dtype=np.int64)
    for off, n in [(0, 10), (10, 10), (1, 10), (-1, 9), (2**63 - 1, 2), (-2**63 + 5, 3)]:
        if in_bounds_only(flags) and not (0 <= off <= 10 and n - 1 - off < 10):
            continue
        if "--overflowcheck=off" in flags and off < -2**62:
            continue  # i - off overflows: unchecked wrapping is not Python's answer
        same_call(m, "big_offset", a, off, n)


def test_index_overflow(mods):
    m, flags = mods
    if flags:
        pytest.skip("overflow of the index arithmetic raises only in safe mode")
    # i + base overflows at the third iteration: OverflowError there, not before
    same_call(m, "overflowing_index", arr(10), 2**63 - 3, 5)
    same_call(m, "overflowing_index", arr(10), 2**63 - 1, 1)


def test_loopvar_after(mods):
    m, flags = mods
    for start, stop in [(0, 10), (3, 3), (5, 2), (-10, -1)] + ([] if in_bounds_only(flags) else [(8, 12)]):
        same_call(m, "loopvar_after", np.zeros(10), start, stop)


def test_narrow_index(mods):
    m, flags = mods
    for k, n in [(0, 10), (1, 9), (-1, 10), (-10, 10)] + ([] if in_bounds_only(flags) else [(1, 10), (-11, 2)]):
        same_call(m, "narrow_index", arr(10), np.zeros(10), k, n)


def test_strided_steps(mods):
    m, flags = mods
    for start, stop, step in [(4, 100, 2), (9, 100, 3), (0, 100, 1), (99, 0, -7), (2**62, 100, 2**62)] + (
            [] if in_bounds_only(flags) else [(4, 101, 2), (-101, 0, 50)]):
        same_call(m, "counting", np.ones(100, dtype=np.uint8), start, stop, step)


SUMS = '''
@native
def tri(n: int, acc: int) -> int:
    total = acc
    for i in range(n):
        total += i
    return total

@native
def tri_step(start: int, stop: int, step: int, acc: int, k: int) -> int:
    total = acc
    for i in range(start, stop, step):
        total += k * i + 3
    return total

@native
def logged_sum(out: i64[:], acc: int, k: int) -> int:
    total = acc
    for i in range(out.shape[0]):
        out[i] = total
        total += i * k
    return total

@native
def counted_if(a: f64[:], start: int) -> int:
    c = start
    for i in range(a.shape[0]):
        if a[i] > 0.5:
            c += 1
    return c

@native
def mixed_sign(n: int, acc: int) -> int:
    total = acc
    for i in range(n):
        total += i - 5
    return total

@native
def breaking_sum(n: int, acc: int, stop: int) -> int:
    total = acc
    for i in range(n):
        if i == stop:
            break
        total += 1000 * i
    return total
'''


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "nobounds", "nooverflow"])
def sums(request):
    return build(SUMS, request.param), request.param


BIG = 2**63 - 1


def test_sums(sums):
    m, flags = sums
    wraps = "--overflowcheck=off" in flags  # unchecked overflow is not Python's answer
    cases = [(0, 0), (10, 0), (10, -100), (10**5, 5), (10, BIG - 45), (10, -2**63)]
    if not wraps:
        cases += [(10, BIG - 44), (10**5, BIG - 10**9)]
    for n, acc in cases:
        same_call(m, "tri", n, acc)
    cases = [(0, 10, 1, 0, 2), (10, 0, -1, 0, -3), (0, 100, 7, -5, 10**12), (5, 5, 1, 1, 1),
             (-10, 10, 3, 0, 1), (0, 10, 1, BIG - 200, 1), (0, 10, 1, -2**63 + 20, -1)]
    if not wraps:
        cases += [(0, 10, 1, BIG - 20, 1), (0, 10, 1, -2**63 + 10, -1), (0, 10, 1, -2**63 + 10, -100), (0, 4, 1, 0, 2**62),
                  (-3, 3, 1, 0, 2**62)]
    for c in cases:
        same_call(m, "tri_step", *c)


def test_sum_overflow_keeps_prior_writes(sums):
    m, flags = sums
    if "--overflowcheck=off" in flags:
        pytest.skip("overflow raises only with overflow checks")
    compiled, _ = m
    # CPython grows the int (and fails later, storing it); compiled code
    # raises at the addition that overflows, with the earlier writes made
    for acc, k in [(BIG - 10, 1), (-2**63 + 20, -3), (0, 2**61)]:
        out = np.full(8, 7, dtype=np.int64)
        with pytest.raises(OverflowError, match="integer overflow"):
            compiled.logged_sum(out, acc, k)
        want, total = [], acc
        for i in range(8):
            want.append(total)
            total += i * k
            if not -2**63 <= total <= BIG:
                break
        done = len(want)
        assert done < 8 and list(out[:done]) == want and list(out[done:]) == [7] * (8 - done)


def test_counted_if_and_signs(sums):
    m, flags = sums
    a = np.random.default_rng(3).random(50)
    for start in [0, -7, BIG - 100] + ([] if "--overflowcheck=off" in flags else [BIG - 3]):
        same_call(m, "counted_if", a, start)
    # (an intermediate sum below -2**63 raises even if the final one fits:
    # SPEC §3, where CPython would grow the int)
    for n, acc in [(0, 0), (3, 0), (20, 0), (20, -2**63 + 15)] + (
            [] if "--overflowcheck=off" in flags else [(3, -2**63 + 3)]):
        same_call(m, "mixed_sign", n, acc)
    for n, acc, stop in [(100, 0, 5), (100, BIG - 10000, 4), (10, 0, 50)] + (
            [] if "--overflowcheck=off" in flags else [(100, BIG - 10000, 6)]):
        same_call(m, "breaking_sum", n, acc, stop)
