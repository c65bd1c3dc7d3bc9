"""Differential tests for increments a while loop's condition bounds
(compiler/lower_whilebound.c): in `while n < m: ... n += 1` the first
`n += 1` after the test cannot overflow, so safe mode leaves its check out.
The tests run counts up to INT64_MAX, and the forms where the rule must
not apply (`<=`, a float bound, a second increment, an assignment before
the increment, an increment under an `if`), which must still raise
OverflowError where CPython would grow the int; and the same in lanes
(lower_lanes.c)."""
import numpy as np
import pytest

from difftest import build, expect_exc, function_ir, module_ir, same_call

SRC = '''
@native
def inc_lt(n: int, m: int) -> int:
    while n < m:
        n += 1
    return n

@native
def inc_le(n: int, m: int) -> int:
    while n <= m:
        n += 1
    return n

@native
def count_to(n: int, m: int) -> int:
    s = 0
    while n < m:
        s += n & 7
        n += 1
    return s * 1000 + (n & 1023)

@native
def count_to_and(n: int, m: int, k: int) -> int:
    s = 0
    while k > 0 and m > n:
        s += n & 7
        n += 1
        k -= 1
    return s * 1000 + (n & 1023)

@native
def count_le(n: int, m: int) -> int:
    s = 0
    while n <= m:
        s += 1
        n += 1
    return s

@native
def float_bound(n: int, k: int) -> int:
    s = 0
    while n < 1e300 and s < k:
        s += 1
        n += 1
    return s

@native
def two_steps(n: int, m: int) -> int:
    s = 0
    while n < m:
        n += 1
        s += 1
        n += 1
    return s

@native
def assigned_first(n: int, m: int, d: int) -> int:
    s = 0
    while n < m:
        n = n + d
        n += 1
        s += 1
    return s

@native
def under_if(n: int, m: int) -> int:
    s = 0
    while n < m:
        s += 1
        if s > 0:
            n += 1
    return s

@native
def escape(start: int, w: int, maxiter: int, out: i64[:]) -> int:
    total = 0
    for px in range(w):
        cr = -2.0 + 3.0 * px / max(w, 1)
        zr = 0.0
        zi = 0.0
        n = start
        while n < maxiter:
            zr2 = zr * zr
            zi2 = zi * zi
            if zr2 + zi2 > 4.0:
                break
            zi = 2.0 * zr * zi + 0.1
            zr = zr2 - zi2 + cr
            n += 1
        out[px] = n - start
        total = (total * 31 + (n - start)) % 1000003
    return total
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]
OVERFLOW = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"
MAX = 2**63 - 1


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_counts_up_to_the_bound(mods):
    for n, m in [(0, 0), (0, 5), (5, 0), (-3, 4), (MAX - 5, MAX), (MAX - 1, MAX), (MAX, MAX),
                 (-2**63, -2**63 + 3)]:
        same_call(mods, "count_to", n, m)
        same_call(mods, "inc_lt", n, m)
        same_call(mods, "count_to_and", n, m, 3)
        same_call(mods, "count_to_and", n, m, 100)
        same_call(mods, "assigned_first", n, m, 0)
        same_call(mods, "under_if", n, m)
        if m < MAX - 1:  # near the top CPython grows n (compiled: OverflowError, below)
            same_call(mods, "count_le", n, m)
            same_call(mods, "two_steps", n, m)
    for start in [0, 5, MAX - 40, MAX - 3]:
        for w in [0, 3, 4, 9]:
            same_call(mods, "escape", start, w, min(start + 30, MAX), np.zeros(10, np.int64))
            if start > MAX - 50:  # points inside the set count up to the bound itself
                same_call(mods, "escape", start, w, MAX, np.zeros(10, np.int64))


def test_forms_the_rule_leaves_checked(mods, flags):
    if flags:
        pytest.skip("unchecked: there is no overflow check to keep (ints wrap, as documented)")
    expect_exc(mods, "count_le", OverflowError, OVERFLOW, MAX - 2, MAX)
    expect_exc(mods, "inc_le", OverflowError, OVERFLOW, MAX - 2, MAX)
    expect_exc(mods, "float_bound", OverflowError, OVERFLOW, MAX - 2, 10)
    expect_exc(mods, "two_steps", OverflowError, OVERFLOW, MAX - 1, MAX)
    expect_exc(mods, "assigned_first", OverflowError, OVERFLOW, MAX - 10, MAX, 10)
    same_call(mods, "float_bound", MAX - 20, 10)


def test_checks_left_out(tmp_path, flags):
    """Structure: in safe mode the bounded `n += 1` has no overflow test
    ; the `<=` loop keeps it."""
    if flags:
        pytest.skip("unchecked: there is no overflow check to leave out")
    ir = module_ir(tmp_path, SRC, "inc_lt,inc_le", flags)
    assert "llvm.sadd.with.overflow" not in function_ir(ir, "inc_lt_impl")
    assert "llvm.sadd.with.overflow" in function_ir(ir, "inc_le_impl")
