"""Regression: x ** 2 on floats is libm's pow() in CPython, which is not always
correctly rounded, so it must not become x * x (found by examples/speedup.py:
compute_distances differed in the last bit on 72 of 200000 points)."""
import random

import pytest

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


def _random_doubles(rng, n):
    """Finite doubles from every exponent (random bit patterns)."""
    import numpy as np
    bits = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64)
    bits |= rng.integers(0, 2, n).astype(np.uint64) << np.uint64(63)
    a = bits.view(np.float64)
    return a[np.isfinite(a)]


@pytest.mark.parametrize("mode", [(), ("--boundscheck=off", "--overflowcheck=off")])
def test_float_square_fast_path_matches_pow(mode):
    """x ** 2 is x*x when the square is far enough from a rounding boundary
    (lower_arith.c float_square), else libm's pow: bit-identical to CPython
    on both sides of each limit of that test: squares near 2**-20 and 2**20
    (where the limit changes), near 2**-900 and down to subnormal (below
    2**-900 the residual may underflow), powers of two, and the inputs where
    pow(x, 2) and x*x differ."""
    import numpy as np
    compiled, _ = build(SQ_ARRAY, mode)
    rng = np.random.default_rng(12)
    edges = np.array([2.0 ** -10, 2.0 ** 10, 2.0 ** -450, 2.0 ** 511, 2.0 ** 512, 1.0, 3.0])
    near = edges[rng.integers(0, len(edges), 300_000)] * (1 + rng.uniform(-1e-6, 1e-6, 300_000))
    tiny = np.ldexp(rng.random(400_000) + 1.0, rng.integers(-540, -440, 400_000))
    a = np.concatenate([_random_doubles(rng, 600_000), near, -near, rng.random(300_000), tiny,
                        2.0 ** rng.integers(-600, 511, 10_000).astype(np.float64)])
    a = a[np.abs(a) < 1.3e154]          # x ** 2 overflows above: OverflowError, tested below
    want = np.array([x ** 2.0 for x in a.tolist()])
    assert (want != a * a).sum() > 100, "the sample must hold inputs where pow(x, 2) != x*x"
    out = np.empty_like(a)
    compiled.sq_into(a, out)
    assert out.tobytes() == want.tobytes()


def test_float_square_overflow_near_the_limit():
    mods = build(SRC)
    for x in [1.3407807929942596e154, 1.3407807929942597e154, -1.3407807929942597e154,
              1.34078079299425e154, 9.9e153, 2.0 ** 512, 2.0 ** 511.99]:
        same_call(mods, "sq", x)


def test_float_square_has_the_fast_path(tmp_path):
    from difftest import function_ir, module_ir
    ir = function_ir(module_ir(tmp_path, SRC.replace("@native\n", ""), "sq"), "sq_impl")
    assert "llvm.fma.f64" in ir and "pjm_libm_pow" in ir
