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
