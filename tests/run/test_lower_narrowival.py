"""Differential tests for intervals of narrow-int elements (compiler/
lower_loop.c narrow_elem_range, int_of_int): in a versioned loop, an
element of a u8/i8/i16/u16/i32/u32 array lies in its type's range,
so `g * int(a[i]) + b` with loop-invariant g and b has an interval the
guard computes, and the fast copy needs no overflow check.  When the
interval does not fit in int64, the checked copy runs and raises
OverflowError at CPython's element, with the elements before it written."""
import numpy as np
import pytest

from difftest import build, expect_exc, same_call

SRC = '''
@native
def scale_u8(a: u8[:], g: int, b: int, out: i64[:]) -> None:
    for i in range(a.shape[0]):
        out[i] = g * int(a[i]) + b

@native
def scale_i8(a: i8[:], g: int, out: i64[:]) -> None:
    for i in range(a.shape[0]):
        out[i] = g * int(a[i]) - 7

@native
def mix_i32(a: i32[:], b: u16[:], g: int) -> int:
    s = 0
    for i in range(a.shape[0]):
        s = max(s, int(a[i]) * g + int(b[i]))
    return s

@native
def blend(a: u8[:, :], b: u8[:, :], ga: int, gb: int, bias: int, out: u8[:, :]) -> None:
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            v = (ga * int(a[i, j]) + gb * int(b[i, j])) // 256 + bias
            out[i, j] = min(max(v, 0), 255)
'''

OVF = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"


@pytest.fixture(scope="module")
def mods():
    return build(SRC)


def test_in_range(mods):
    rng = np.random.default_rng(11)
    a = rng.integers(0, 256, 50).astype(np.uint8)
    for g, b in [(0, 0), (3, -5), (-(2**40), 7), ((2**63 - 1) // 255, 0), (-(2**63 // 255), 0)]:
        same_call(mods, "scale_u8", a, g, b, np.zeros(50, np.int64))
    s = rng.integers(-128, 128, 40).astype(np.int8)
    for g in [0, 1, -1, 2**50, -(2**50)]:
        same_call(mods, "scale_i8", s, g, np.zeros(40, np.int64))
    x = rng.integers(-2**31, 2**31, 30).astype(np.int32)
    y = rng.integers(0, 2**16, 30).astype(np.uint16)
    for g in [0, 5, -3, 2**31, -(2**31)]:
        same_call(mods, "mix_i32", x, y, g)
    img = rng.integers(0, 256, (9, 13)).astype(np.uint8)
    img2 = rng.integers(0, 256, (9, 13)).astype(np.uint8)
    for ga, gb, bias in [(128, 128, 0), (300, 60, -40), (-256, 512, 300), (2**40, 1, 0)]:
        same_call(mods, "blend", img, img2, ga, gb, bias, np.zeros((9, 13), np.uint8))


def test_out_of_range_raises_where_cpython_grows(mods):
    # 255 * 2**56 does not fit: the checked copy raises at the element 255,
    # after writing the ones before it
    a = np.array([0, 1, 2, 255, 3], np.uint8)
    out = np.full(5, -1, np.int64)
    expect_exc(mods, "scale_u8", OverflowError, OVF, a, 2**56, 0, out)
    c, _ = mods
    out = np.full(5, -1, np.int64)
    with pytest.raises(OverflowError):
        c.scale_u8(a, 2**56, 0, out)
    assert out.tolist() == [0, 2**56, 2**57, -1, -1]
    # in range for every value the elements do take: same results
    small = np.array([0, 1, 2, 100, 3], np.uint8)
    same_call(mods, "scale_u8", small, 2**56, 0, np.zeros(5, np.int64))
    s = np.array([5, -128, 1], np.int8)
    expect_exc(mods, "scale_i8", OverflowError, OVF, s, 2**56, np.zeros(3, np.int64))
