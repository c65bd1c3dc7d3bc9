"""QA differential tests: bit manipulation (popcount, bit reversal with
32-bit masks, leading/trailing zeros, parity, rotations, Gray code, next
power of two, sign extension), shifts by large and negative counts, and
bitwise operators on negative numbers and bools."""
import pytest

from difftest import INTS, build, expect_exc, same_call

OVF = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"

SRC = '''
MASK32 = 0xFFFFFFFF
HIGH = 1 << 62

@native
def popcount(x: int) -> int:
    c = 0
    if x < 0:
        x = x & 0x7FFFFFFFFFFFFFFF
        c = 1
    while x:
        x &= x - 1
        c += 1
    return c

@native
def bitrev32(x: int) -> int:
    x &= MASK32
    r = 0
    for i in range(32):
        r = (r << 1) | (x & 1)
        x >>= 1
    return r

@native
def clz64(x: int) -> int:
    if x < 0:
        return 0
    if x == 0:
        return 64
    n = 0
    probe = HIGH
    n = 1
    while probe and not (x & probe):
        probe >>= 1
        n += 1
    return n

@native
def ctz(x: int) -> int:
    if x == 0:
        return -1
    n = 0
    while (x & 1) == 0:
        x >>= 1
        n += 1
    return n

@native
def parity(x: int) -> int:
    x &= MASK32
    x ^= x >> 16
    x ^= x >> 8
    x ^= x >> 4
    x ^= x >> 2
    x ^= x >> 1
    return x & 1

@native
def rotl32(x: int, k: int) -> int:
    x &= MASK32
    k &= 31
    return ((x << k) | (x >> (32 - k))) & MASK32

@native
def gray(n: int) -> tuple[int, int]:
    g = n ^ (n >> 1)
    b = g
    s = g >> 1
    while s:
        b ^= s
        s >>= 1
    return g, b

@native
def next_pow2(x: int) -> int:
    if x <= 1:
        return 1
    x -= 1
    x |= x >> 1
    x |= x >> 2
    x |= x >> 4
    x |= x >> 8
    x |= x >> 16
    x |= x >> 32
    return x + 1

@native
def sext(x: int, bits: int) -> int:
    m = 1 << (bits - 1)
    x &= (1 << bits) - 1
    return (x ^ m) - m

@native
def shl(x: int, k: int) -> int:
    return x << k

@native
def shr(x: int, k: int) -> int:
    return x >> k

@native
def bitops(a: int, b: int) -> tuple[int, int, int, int]:
    return a & b, a | b, a ^ b, ~a

@native
def boolops(p: bool, q: bool) -> tuple[bool, bool, bool, int]:
    return p & q, p | q, p ^ q, ~p

@native
def pack_rgb(r: int, g: int, b: int) -> int:
    return (r & 255) << 16 | (g & 255) << 8 | b & 255

@native
def unpack_rgb(c: int) -> tuple[int, int, int]:
    return (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF

@native
def bits_u32(a: u32[:]) -> int:
    t = 0
    for i in range(len(a)):
        v = int(a[i])
        t += popcount(v) * (i + 1)
    return t

@native
def xor_fold(a: u64[:]) -> int:
    h = 0
    for i in range(len(a)):
        h ^= int(a[i]) >> 1
        h = ((h & 0xFFFFFFFFFFFFFF) * 31) & 0x3FFFFFFFFFFFFFFF
    return h
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


VALS = INTS + [0xFF, 0xDEADBEEF, 0x0F0F0F0F0F0F0F0F, -0xDEADBEEF, 12345678901234]


def test_counts(mods):
    for x in VALS:
        for f in ["popcount", "bitrev32", "clz64", "ctz", "parity", "next_pow2"]:
            if f == "next_pow2" and x > 2**62:
                continue  # the answer 2**63 does not fit: covered below
            same_call(mods, f, x)
        for k in [0, 1, 5, 31, 32, 33, -1]:
            same_call(mods, "rotl32", x, k)
    for n in [0, 1, 2, 7, 100, 2**40, 2**63 - 1, -5]:
        same_call(mods, "gray", n)
    same_call(mods, "next_pow2", 2**62 + 1)


def test_shifts(mods):
    for x in VALS:
        for k in [0, 1, 2, 31, 32, 62, 63, 64, 65, 100, 2**40, 2**63 - 1, -1, -64]:
            same_call(mods, "shr", x, k)
            if x == 0 or k < 0 or (k < 64 and abs(x) < 2**(62 - min(k, 62))):
                same_call(mods, "shl", x, k)
    # x << k that passes 64 bits: CPython grows, compiled OverflowError (harness rule)
    for x, k in [(1, 63), (1, 64), (3, 62), (-1, 64), (-1, 63), (-(2**62), 1), (-(2**62), 2)]:
        same_call(mods, "shl", x, k)


def test_bitops(mods):
    for a in VALS[:12]:
        for b in VALS[:12]:
            same_call(mods, "bitops", a, b)
    for p in [True, False]:
        for q in [True, False]:
            same_call(mods, "boolops", p, q)
    # (1 << 63) - 1 passes int64 on the way: CPython grows, compiled raises
    expect_exc(mods, "sext", OverflowError, OVF, 5, 63)
    for bits in [1, 4, 8, 16, 32, 62, 0, -1]:
        for x in [0, 1, 0x80, 0xFF, 0x7FFF, 0x8000, -1]:
            same_call(mods, "sext", x, bits)


def test_packing(mods):
    for rgb in [(0, 0, 0), (255, 255, 255), (256, -1, 300), (18, 52, 86)]:
        same_call(mods, "pack_rgb", *rgb)
    for c in [0, 0xFFFFFF, 0x123456, -1, 2**63 - 1]:
        same_call(mods, "unpack_rgb", c)
    import numpy as np
    same_call(mods, "bits_u32", np.array([0, 1, 0xFFFFFFFF, 0x80000000, 12345], np.uint32))
    same_call(mods, "xor_fold", np.array([0, 1, 2**63 - 1, 12345], np.uint64))
    same_call(mods, "xor_fold", np.array([2**63 - 1] * 9, np.uint64)[::-3])
    # a u64 element past 2**63 - 1 has no int64 value: OverflowError on the read
    mods[0].xor_fold(np.array([1, 2], np.uint64))
    try:
        mods[0].xor_fold(np.array([1, 2**63], np.uint64))
    except OverflowError as e:
        assert "int" in str(e)
    else:
        raise AssertionError("u64 element 2**63 read as an int did not raise")
