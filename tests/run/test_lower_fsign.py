"""Differential tests for float divisors proven non-zero
(compiler/lower_fsign.c): `dt / (d2 * math.sqrt(d2))` with
`d2 = dx * dx + ... + 0.01` needs no ZeroDivisionError test, because d2 is
>= 0.01 or NaN.  Compared with CPython on zeros, NaN, infinities and
subnormals; the forms that must keep the test (a square alone, a zero or
subnormal bound whose product underflows, a variable assigned twice, by a
loop or by +=, a product of different names) raise ZeroDivisionError as
CPython does; and the IR shows which divisions are tested."""
import math

import pytest

from difftest import build, function_ir, module_ir, same_call

SRC = '''
@native
def softened(dx: float, dy: float, dt: float) -> float:
    d2 = dx * dx + dy * dy + 0.01
    return dt / (d2 * math.sqrt(d2))

@native
def tiny_eps(a: float, x: float) -> float:
    return x / (a * a + 1e-320)

@native
def root_eps(a: float, x: float) -> float:
    return x / math.sqrt(a * a + 1e-300)

@native
def int_eps(a: float, x: float) -> float:
    return x / (1 + abs(a))

@native
def square_only(a: float, x: float) -> float:
    return x / (a * a)

@native
def zero_eps(a: float, x: float) -> float:
    return x / (a * a + 0.0)

@native
def underflow(a: float, b: float, x: float) -> float:
    return x / ((a * a + 1e-200) * (b * b + 1e-200))

@native
def twice(a: float, x: float) -> float:
    d = a * a + 1.0
    d = d - 1.0
    return x / d

@native
def augmented(a: float, x: float) -> float:
    d = a * a + 1.0
    d -= 1.0
    return x / d

@native
def loop_var(n: int, x: float) -> float:
    s = 0.0
    for k in range(n):
        d = k * 1.0
        s += x / (d * d + 0.5)
    return s

@native
def mixed(a: float, b: float, x: float) -> float:
    return x / (a * b + 1.0)

@native
def annotated(a: float, x: float, c: bool) -> float:
    d: float = 0.0
    if c:
        d = a * a + 1.0
    return x / d
'''

VALUES = [0.0, -0.0, 1.0, -1.0, -2.5, 1e-200, 1e-170, 5e-324, 1e300, math.inf, -math.inf, math.nan]


@pytest.fixture(scope="module", params=[(), ("--overflowcheck=off", "--boundscheck=off")],
                ids=["safe", "unchecked"])
def mods(request):
    return build(SRC, request.param)


def test_bounded_divisors(mods):
    for a in VALUES:
        for b in VALUES:
            same_call(mods, "softened", a, b, 0.001)
            same_call(mods, "underflow", a, b, 1.0)
            same_call(mods, "mixed", a, b, 3.0)
        for x in [1.0, -0.0, math.inf, math.nan]:
            for name in ["tiny_eps", "root_eps", "int_eps", "square_only", "zero_eps", "twice",
                         "augmented"]:
                same_call(mods, name, a, x)
    same_call(mods, "loop_var", 5, 1.0)
    for c in [False, True]:
        same_call(mods, "annotated", 2.0, 1.0, c)  # d is 0.0 unless c: assigned twice


def test_which_divisions_are_tested(tmp_path):
    names = ["softened", "tiny_eps", "root_eps", "int_eps", "square_only", "zero_eps", "underflow",
             "twice", "augmented", "mixed", "annotated"]
    ir = module_ir(tmp_path, SRC, ",".join(names))
    for name in names:
        tested = "fcmp oeq double" in function_ir(ir, name + "_impl")
        proven = name in ("softened", "tiny_eps", "root_eps", "int_eps")
        assert tested != proven, name
