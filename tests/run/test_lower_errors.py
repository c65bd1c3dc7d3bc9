"""Every exception raised in compiled code carries the .py file, function and
line CPython's traceback would show, through each native caller, and the
exception type and message of SPEC §3's table."""
import traceback

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def idx(a: f64[:], i: int) -> float:
    x = 1.0
    x += a[i]
    return x

@native
def asserts(x: int) -> int:
    t = 0
    for i in range(x):
        t += i
    assert t < 10, "too big"
    return t

@native
def multi_line(a: int, b: int) -> int:
    c = (a +
         b // a)
    return c

@native
def raises(x: float) -> float:
    if x < 0.0:
        raise ValueError("negative")
    return x

@native
def caller(x: float) -> float:
    y = x * 2.0
    return raises(y) + 1.0

@native
def rangezero(s: int) -> int:
    t = 0
    for i in range(
            0, 10, s):
        t += i
    return t

@native
def sqrt_neg(x: float) -> float:
    return math.sqrt(x)

@native
def narrowing(a: u8[:], v: int) -> None:
    a[0] = v

@native
def no_return(x: int) -> int:
    while x > 0:
        return x
    raise RuntimeError("no value")
'''

CASES = [
    ("idx", (np.arange(3.0), 3)),
    ("idx", (np.arange(3.0), -4)),
    ("asserts", (10,)),
    ("multi_line", (0, 1)),
    ("caller", (-1.0,)),
    ("rangezero", (0,)),
    ("sqrt_neg", (-1.0,)),
    ("narrowing", (np.zeros(1, np.uint8), 256)),
    ("no_return", (0,)),
]


@pytest.fixture(scope="module")
def mods():
    return build(SRC)


def frames(fn, args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001
        tb = traceback.extract_tb(e.__traceback__)
        return type(e), str(e), [(f.name, f.lineno) for f in tb[1:]]
    pytest.fail(f"{fn.__name__}{args} did not raise")


@pytest.mark.parametrize("fname,args", CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(CASES)])
def test_traceback_matches_cpython(mods, fname, args):
    compiled, python = mods
    same_call(mods, fname, *args)
    got = frames(getattr(compiled, fname), [a.copy() if hasattr(a, "copy") else a for a in args])
    want = frames(getattr(python, fname), [a.copy() if hasattr(a, "copy") else a for a in args])
    assert got == want
