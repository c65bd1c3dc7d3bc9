"""Regression: x ** 2 on floats is libm's pow() in CPython, which is not always
correctly rounded, so it must not become x * x (found by examples/speedup.py:
compute_distances differed in the last bit on 72 of 200000 points)."""
import random

from difftest import build, same_call

SRC = '''
@native
def sq(x: float) -> float:
    return x ** 2

@native
def sq_sum(a: f64[:]) -> float:
    t = 0.0
    for i in range(a.shape[0]):
        t += a[i] ** 2
    return t
'''


def test_float_square_is_pow_not_multiply():
    mods = build(SRC)
    rng = random.Random(7)
    xs = [rng.random() for _ in range(20000)]
    # the inputs where glibc's pow(x, 2) and x*x disagree are the ones that matter
    differing = [x for x in xs if x ** 2 != x * x]
    assert differing, "sample must contain inputs where pow(x, 2) != x*x"
    for x in differing[:200]:
        same_call(mods, "sq", x)


def test_float_square_in_loop():
    import numpy as np
    mods = build(SRC)
    a = np.random.default_rng(3).random(100000)
    same_call(mods, "sq_sum", a)


SQ_ARRAY = '''
@native
def sq_into(a: f64[:], out: f64[:]) -> None:
    for i in range(a.shape[0]):
        out[i] = a[i] ** 2.0
'''


def test_float_square_exact_on_millions():
    """x ** 2.0 calls libm's pow through a wrapper LLVM cannot simplify:
    bit-identical to CPython on 2 million doubles of every magnitude."""
    import math
    import numpy as np
    compiled, _ = build(SQ_ARRAY)
    rng = np.random.default_rng(11)
    a = np.concatenate([rng.random(1_000_000),
                        rng.standard_normal(500_000) * 10.0 ** rng.integers(-150, 150, 500_000),
                        -rng.random(500_000)])
    out = np.empty_like(a)
    compiled.sq_into(a, out)
    want = np.array([x ** 2.0 for x in a.tolist()])
    assert out.tobytes() == want.tobytes()


def test_float_square_special_values():
    mods = build(SRC)
    nan = float("nan")
    for x in [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), nan, -nan, 1e154, 1.4e154,
              -1.4e154, 1e200, 5e-324, -1e-200, 2.0 ** 511.5, 1.7976931348623157e308]:
        same_call(mods, "sq", x)
