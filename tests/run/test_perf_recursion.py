"""Differential tests for the recursive-call lowering (compiler/lower.c
RecTab): hidden depth parameter, {value, status} returns, the unrolled
copies of small self-recursive functions and their base-case peel.  Each
function below is small and loop-free, so it gets copies (and a peel when
it starts with `if ...: return`); the tests check results, exceptions
raised at any unrolled level or in the base case, side effects in order,
and RecursionError for runaway recursion in every mode."""
import sys

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

@native
def fib_f(n: int) -> float:
    if n < 2:
        return 1.0 / n
    return fib_f(n - 1) + fib_f(n - 2)

@native
def base_raises(n: int, k: int) -> int:
    if 10 // (n - k) == 0:
        return 1
    return base_raises(n - 1, k) + 1

@native
def log_calls(a: i64[:], n: int) -> None:
    if n <= 0:
        a[0] += 1
        return
    a[n] += n
    log_calls(a, n - 1)
    log_calls(a, n - 2)

@native
def pair(n: int) -> tuple[int, float]:
    if n == 0:
        return 0, 0.5
    s, t = pair(n - 1)
    return s + n, t * 2.0

@native
def grow(n: int) -> int:
    if n > 2**61:
        return n
    return grow(n * 3) + 1

@native
def runaway(n: int) -> int:
    if n == -1:
        return 0
    return runaway(n + 1) + 1

@native
def no_base(n: int) -> int:
    return n if n < 1 else no_base(n - 1) * 2 + no_base(n - 1)

@native
def even(n: int) -> bool:
    if n == 0:
        return True
    return odd(n - 1)

@native
def odd(n: int) -> bool:
    if n == 0:
        return False
    return even(n - 1)

@native
def calls_rec(n: int) -> int:
    return fib(n) + fib(n + 1)
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off"), ("-O0",)]


@pytest.mark.parametrize("flags", FLAGS)
def test_unrolled_recursion(flags):
    mods = build(SRC, flags)
    for n in [-3, 0, 1, 2, 5, 13, 20]:
        same_call(mods, "fib", n)
        same_call(mods, "calls_rec", n)
    for n in [1, 2, 3, 7, 15]:
        same_call(mods, "fib_f", n)     # ZeroDivisionError from the base case at some depth
    for n, k in [(5, 0), (12, 3), (30, 20), (3, 3)]:
        same_call(mods, "base_raises", n, k)
    for n in [0, 1, 4, 9]:
        same_call(mods, "log_calls", np.zeros(12, np.int64), n)
    if "--boundscheck=off" not in flags:  # IndexError part-way, writes kept
        same_call(mods, "log_calls", np.zeros(5, np.int64), 7)
    for n in [0, 1, 6, 40]:
        same_call(mods, "pair", n)
    for n in [1, 5, 2**40]:
        same_call(mods, "no_base", min(n, 12))
    for n in [0, 1, 10, 501]:
        same_call(mods, "even", n)
        same_call(mods, "odd", n)
    if "--overflowcheck=off" not in flags:
        for n in [1, 7, 2**50]:
            same_call(mods, "grow", n)


@pytest.mark.parametrize("flags", FLAGS)
def test_runaway_recursion_raises(flags):
    c, p = build(SRC, flags)
    assert c.runaway(-900) == p.runaway(-900)
    for f in (c.runaway, c.fib_f):
        with pytest.raises(RecursionError):
            f(10**7) if f is c.fib_f else f(-10**7)
    with pytest.raises(RecursionError):
        c.even(10**6)
    assert c.fib(25) == 75025
