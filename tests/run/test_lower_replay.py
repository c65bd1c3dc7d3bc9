"""Differential tests for replayed recursion (compiler/lower.c, "replayed
recursion"): a small self-recursive function with only scalar values and
no calls but of itself runs first as _pure copies, whose raise paths only
return a status; when they fail, its traced copies run again from the
start to raise CPython's exception with CPython's traceback.  The tests
check results, every kind of exception raised at some depth (raise, assert,
division, math domain, int overflow, float-to-int conversion, runaway
recursion), the traceback frames against CPython's, and that functions
with other effects (array writes, calls of other compiled functions) are
not replayed: a replay would do their writes twice."""
import re
import traceback

import numpy as np
import pytest

from difftest import build, function_ir, module_ir, same_call

SRC = '''
@native
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

@native
def fib_f(n: int) -> float:
    # ZeroDivisionError at the leaf n == 0, reached only after other leaves
    if n < 2:
        return 1.0 / n
    return fib_f(n - 1) + fib_f(n - 2)

@native
def trib(n: int, bad: int) -> int:
    if n == bad:
        raise ValueError("bad leaf")
    if n < 3:
        return n
    return trib(n - 1, bad) + trib(n - 2, bad) + trib(n - 3, bad)

@native
def visit(n: int, bad: int) -> None:
    if n == bad:
        raise ValueError("bad node")
    if n < 2:
        return
    visit(n - 1, bad)
    visit(n - 2, bad)

@native
def checked(n: int, lim: int) -> int:
    assert n != lim, "limit reached"
    if n <= 0:
        return 1
    return checked(n - 1, lim) + checked(n - 2, lim)

@native
def roots(x: float, n: int) -> float:
    if n == 0:
        return math.sqrt(x)
    return roots(x - 1.0, n - 1) + roots(x - 2.0, n - 1)

@native
def to_int(x: float, n: int) -> int:
    if n == 0:
        return int(x)
    return to_int(x * 1e100, n - 1) + to_int(x, n - 1)

@native
def grow(n: int, k: int) -> int:
    if k == 0:
        return n
    return grow(n, k - 1) * grow(n + 1, k - 1)

@native
def pair(n: int) -> tuple[int, float]:
    if n < 2:
        return n, 0.5
    a, x = pair(n - 1)
    b, y = pair(n - 2)
    return a + b, x * y + 1.0

@native
def runaway(n: int) -> int:
    if n == 0 or n == -1:
        return 1
    return runaway(n + 1) + runaway(n + 2)

@native
def binom(n: int, k: int) -> int:
    if k == 0 or k == n:
        return 1
    return binom(n - 1, k - 1) + binom(n - 1, k)

@native
def writes(a: i64[:], n: int) -> int:
    if n < 2:
        a[n + 10] += 1
        return n
    a[n] += 1
    return writes(a, n - 1) + writes(a, n - 2)

def helper(n: int) -> int:
    if n == 7:
        raise KeyError("seven")
    return n

@native
def calls_other(n: int) -> int:
    if n < 2:
        return helper(n)
    return calls_other(n - 1) + calls_other(n - 2) + helper(n)
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off"), ("-O0",)]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked", "O0"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_results(mods):
    for n in [-2, 0, 1, 2, 3, 10, 24]:
        same_call(mods, "fib", n)
    for n in [0, 6, 20]:
        for k in [0, 3, n // 2, n]:
            same_call(mods, "binom", n, k)
    for n in [0, 1, 2, 9, 18]:
        same_call(mods, "pair", n)


def test_exceptions_at_depth(mods):
    for n in [1, 2, 3, 12]:
        same_call(mods, "fib_f", n)
    for n, bad in [(3, -1), (10, -1), (10, 0), (10, 2), (12, 5), (12, 12)]:
        same_call(mods, "trib", n, bad)
    for n, lim in [(8, -5), (8, 0), (8, 3), (8, 8)]:
        same_call(mods, "checked", n, lim)
        same_call(mods, "visit", n, lim)      # no value: only the status comes back
    for x, n in [(100.0, 4), (5.0, 3), (1.5, 1)]:
        same_call(mods, "roots", x, n)                   # math domain error past some leaf
    for x, n in [(1.0, 0), (1.0, 2), (3.5, 4), (float("nan"), 2)]:
        same_call(mods, "to_int", x, n)                   # OverflowError / ValueError
    c, p = mods
    assert c.runaway(-20) == p.runaway(-20)
    with pytest.raises(RecursionError, match="maximum recursion depth exceeded"):
        c.runaway(1)


def test_int_overflow_at_depth():
    mods = build(SRC)   # safe mode: int64 overflow is OverflowError
    for n, k in [(2, 3), (2, 5), (3, 6), (10, 5)]:
        same_call(mods, "grow", n, k)


def _frames(fn, *args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 - any exception: its frames are compared
        return type(e), [(f.name, f.lineno, f.line) for f in traceback.extract_tb(e.__traceback__)][1:]
    pytest.fail("no exception")


@pytest.mark.parametrize("fname,args", [("trib", (9, 4)), ("fib_f", (7,)), ("checked", (9, 2)),
                                        ("visit", (9, 3)),
                                        ("roots", (6.0, 5)), ("to_int", (2.0, 4))])
def test_traceback_is_cpythons(mods, fname, args):
    c, p = mods
    kc, fc = _frames(getattr(c, fname), *args)
    kp, fp = _frames(getattr(p, fname), *args)
    assert kc is kp
    assert fc == fp


def test_other_effects_are_not_replayed(mods, flags):
    for n in [0, 5, 9]:
        same_call(mods, "writes", np.zeros(12, np.int64), n)
    if "--boundscheck=off" not in flags:
        # an IndexError part-way: the writes before it happen once
        out = same_call(mods, "writes", np.zeros(11, np.int64), 9)
        assert out[1] is IndexError
    for n in [1, 6, 9, 12]:
        same_call(mods, "calls_other", n)


def _calls(ir, fn):
    """Call sites in the definition of fn, by callee name."""
    body = function_ir(ir, fn)
    return [c for c in re.findall(r"call [^@]*@([\w.]+)\(", body) if not c.startswith("llvm.")]


@pytest.mark.parametrize("flags", [(), ("--overflowcheck=off",)])
def test_identical_pure_calls_merge(tmp_path, flags):
    """Structure, not speed: fib's pure copies, inlined into each other, make
    fewer calls than the traced ones (fib(n - 3) is computed once for both
    fib(n - 1) and fib(n - 2)), and make no runtime call at all."""
    ir = module_ir(tmp_path, SRC, "fib", flags)
    pure = _calls(ir, "fib_pure")
    traced = _calls(ir, "fib_rec.1")
    assert pure and set(pure) == {"fib_pure"}, pure
    assert "pjrt_add_traceback" in traced
    assert len(pure) < traced.count("fib_rec.1"), (len(pure), traced.count("fib_rec.1"))


def test_effects_keep_one_variant(tmp_path):
    ir = module_ir(tmp_path, SRC, "writes")
    assert re.search(r"^define [^\n]*@fib_pure\(", ir, re.M)
    for fn in ("writes", "calls_other"):
        assert f"@{fn}_rec" in ir
        assert f"@{fn}_pure" not in ir and f"@{fn}_entry" not in ir
