"""QA differential tests: evaluation counts and order made visible through a
helper that bumps a counter array: chained comparisons evaluate the middle
operand once, and/or and conditional expressions short-circuit, augmented
element assignment evaluates its index once, swaps evaluate right side
first, arguments left to right, range() bounds once, while conditions every
iteration, assert conditions once."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''

def bump(c, k):
    c[k] += 1
    return c[k]

@native
def chain_once(c: i64[:]) -> bool:
    return 0 < bump(c, 0) < 100

@native
def chain3(c: i64[:]) -> bool:
    return bump(c, 0) < bump(c, 1) < bump(c, 2)

@native
def short_and(c: i64[:], x: int) -> bool:
    return x > 0 and bump(c, 0) > 0

@native
def short_or(c: i64[:], x: int) -> int:
    return x or bump(c, 0)

@native
def ternary_once(c: i64[:], x: int) -> int:
    return bump(c, 0) if x else bump(c, 1)

@native
def aug_index_once(a: f64[:], c: i64[:]) -> None:
    a[bump(c, 0)] += 1.0

@native
def aug_index2(a: f64[:, :], c: i64[:]) -> None:
    a[bump(c, 0), bump(c, 1)] *= 3.0

@native
def swap_eval(a: f64[:], c: i64[:]) -> None:
    a[bump(c, 0)], a[bump(c, 1)] = a[bump(c, 2)], a[bump(c, 3)]

@native
def args_order(c: i64[:]) -> int:
    return sub(bump(c, 0), bump(c, 0))

def sub(x, y):
    return x * 10 - y

@native
def while_cond(c: i64[:]) -> int:
    n = 0
    while bump(c, 0) < 5:
        n += 1
    return n

@native
def range_once(c: i64[:]) -> int:
    t = 0
    for i in range(bump(c, 0), bump(c, 1) + 5):
        t += i
    return t

@native
def min_once(c: i64[:]) -> int:
    return min(bump(c, 0), bump(c, 1), 3)

@native
def assert_msg(c: i64[:]) -> int:
    assert bump(c, 0) > 100, "too small"
    return 0

@native
def aug_var(c: i64[:]) -> int:
    x = 5
    x += bump(c, 0) * x
    return x

@native
def neg_index_aug(a: f64[:], c: i64[:]) -> None:
    a[-bump(c, 0)] -= 2.0
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


@pytest.mark.parametrize("init", [[0, 0, 0, 0], [5, 1, 2, 0], [99, 0, 0, 0], [-1, -5, 3, 0]])
def test_evaluation_counts(mods, init):
    c = np.array(init, np.int64)
    for f in ["chain_once", "chain3", "args_order", "while_cond", "range_once", "min_once", "assert_msg", "aug_var"]:
        same_call(mods, f, c)
    for x in [0, 1, -1]:
        same_call(mods, "short_and", c, x)
        same_call(mods, "short_or", c, x)
        same_call(mods, "ternary_once", c, x)
    same_call(mods, "aug_index_once", np.zeros(8), c)
    same_call(mods, "aug_index2", np.ones((8, 8)), c)
    same_call(mods, "swap_eval", np.arange(8.0), c)
    same_call(mods, "neg_index_aug", np.arange(8.0), c)
