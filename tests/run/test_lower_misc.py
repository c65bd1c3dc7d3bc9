"""Differential tests: narrow scalar parameters and locals, u64 reads beyond
int64, None-returning calls as statements, `while True` with break, pass,
annotated locals, integer narrowing of call arguments."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def narrow_params(a: i32, b: u8, c: f32, d: i16) -> float:
    return a + b + c + d

@native
def to_i32_param(x: int) -> int:
    return takes_i32(x) + 1

@native
def takes_i32(x: i32) -> int:
    return x * 2

@native
def u64_read(a: u64[:]) -> int:
    return a[0] + 0

@native
def annotated(x: int) -> float:
    y: f32 = x
    z: i8 = 5
    z += 1
    return float(y + z)

@native
def annotated_overflow(x: int) -> int:
    z: i8 = 0
    z = x
    return z

@native
def fill(a: f64[:], v: float) -> None:
    for i in range(len(a)):
        a[i] = v
    return

@native
def use_fill(a: f64[:]) -> float:
    fill(a, 2.5)
    pass
    return a[0] + a[len(a) - 1]

@native
def first_over(a: i64[:], limit: int) -> int:
    i = 0
    while True:
        if i >= len(a):
            return -1
        if a[i] > limit:
            break
        i += 1
    return i

@native
def bool_arith(a: bool, b: bool) -> tuple[int, bool, bool, int]:
    return a + b, a & b, a | b, -a
'''


@pytest.fixture(scope="module")
def mods():
    return build(SRC)


def test_narrow_params(mods):
    # f32 values exactly representable (CPython keeps the argument unrounded)
    same_call(mods, "narrow_params", -5, 200, 0.5, -3)
    same_call(mods, "narrow_params", 2**31 - 1, 255, 2.0**100, 32767)


def test_narrowing_call_argument(mods):
    for x in [0, 5, 2**31 - 1, -2**31]:
        same_call(mods, "to_i32_param", x)
    compiled, _ = mods
    with pytest.raises(OverflowError, match="Python integer 2147483648 out of bounds for int32"):
        compiled.to_i32_param(2**31)


def test_u64_read_beyond_int64(mods):
    same_call(mods, "u64_read", np.array([5], np.uint64))
    same_call(mods, "u64_read", np.array([2**63 - 1], np.uint64))
    compiled, _ = mods
    with pytest.raises(OverflowError):
        compiled.u64_read(np.array([2**64 - 1], np.uint64))


def test_annotated_locals(mods):
    for x in [0, 3, 2**24, -7]:
        same_call(mods, "annotated", x)
    compiled, _ = mods
    assert compiled.annotated_overflow(-128) == -128
    with pytest.raises(OverflowError, match="Python integer 128 out of bounds for int8"):
        compiled.annotated_overflow(128)


def test_none_calls(mods):
    same_call(mods, "use_fill", np.zeros(4))
    same_call(mods, "use_fill", np.zeros(0))


def test_while_true(mods):
    a = np.array([1, 5, 3, 9], np.int64)
    for limit in [0, 4, 8, 9, 100]:
        same_call(mods, "first_over", a, limit)


def test_bool_arith(mods):
    for a in [False, True]:
        for b in [False, True]:
            same_call(mods, "bool_arith", a, b)


REC = '''
@native
def down(n: int) -> int:
    if n == 0:
        return 0
    return down(n - 1) + 1

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
'''


def test_recursion_depth():
    mods = build(REC)
    for n in [0, 1, 500, 900]:
        same_call(mods, "down", n)
        same_call(mods, "even", n)
    # runaway recursion: CPython's RecursionError, not a crash of the native stack
    same_call(mods, "down", 10**6)
    same_call(mods, "odd", 10**6)
