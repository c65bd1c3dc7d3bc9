"""QA differential tests: bad arguments at the call boundary of compiled
functions (every kind: missing, extra, wrong keyword, duplicate, wrong type,
None, dtype, ndim, non-contiguous for ::1, read-only written, too-large
ints, bool/NumPy scalars, other buffer objects), checked for the exception
type and for a message that names the parameter."""
import array

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def addi(x: int, y: int = 3) -> int:
    return x + y

@native
def addf(x: float, y: float = 0.5) -> float:
    return x + y

@native
def narrow(a: i8, b: u8, c: i16, d: u16, e: i32, f: u32, g: u64) -> int:
    return a + b + c + d + e + f + g

@native
def flag(b: bool) -> int:
    if b:
        return 1
    return 0

@native
def single(x: f32) -> float:
    return x

@native
def first(a: f64[:]) -> float:
    return a[0]

@native
def first_c(a: f64[::1]) -> float:
    return a[0]

@native
def write(a: f64[:]) -> None:
    a[0] = 1.0

@native
def read2(a: f64[:, :]) -> float:
    return a[0, 0]

@native
def read2c(a: f64[:, ::1]) -> float:
    return a[0, 0]

@native
def bytes_sum(a: u8[:]) -> int:
    s = 0
    for x in a:
        s += int(x)
    return s

@native
def isum(a: i32[:]) -> int:
    s = 0
    for x in a:
        s += int(x)
    return s

@native
def noargs() -> int:
    return 7
'''


@pytest.fixture(scope="module")
def mods():
    return build(SRC)


def call_exc(fn, *a, **k):
    try:
        fn(*a, **k)
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None


def test_arity_and_keywords_match_cpython(mods):
    c, p = mods
    cases = [((), {}), ((1, 2, 3), {}), ((1,), {"z": 2}), ((1,), {"x": 2}), ((), {"y": 2}),
             ((), {"x": 1, "y": 2}), ((1,), {"y": 5}), ((), {"x": 4})]
    for a, k in cases:
        rc = call_exc(c.addi, *a, **k)
        rp = call_exc(p.addi, *a, **k)
        if rp is None:
            assert rc is None and c.addi(*a, **k) == p.addi(*a, **k)
        else:
            assert rc is not None and rc[0] is rp[0], (a, k, rc, rp)
    # noargs with an argument
    assert call_exc(c.noargs, 1)[0] is TypeError
    assert call_exc(c.noargs, x=1)[0] is TypeError
    assert c.noargs() == 7


def test_wrong_scalar_types(mods):
    c, _ = mods
    for bad in [None, "1", 1.5, [1], np.float64(2.0), 1j]:
        r = call_exc(c.addi, bad)
        assert r is not None and r[0] is TypeError and "x" in r[1], (bad, r)
    for bad in [None, "1.0", [1.0], 1j]:
        r = call_exc(c.addf, bad)
        assert r is not None and r[0] is TypeError and "x" in r[1], (bad, r)
    # accepted like CPython's arithmetic would: ints for floats, NumPy scalars
    assert c.addf(2) == 2.5
    assert c.addi(np.int64(4)) == 7
    assert c.addi(np.int8(-4)) == -1
    assert c.addf(np.float32(0.25)) == 0.75


def test_too_large_ints(mods):
    c, _ = mods
    for v in [2**63, -2**63 - 1, 10**30]:
        r = call_exc(c.addi, v)
        assert r is not None and r[0] is OverflowError, (v, r)
    r = call_exc(c.addf, 10**400)
    assert r is not None and r[0] is OverflowError, r
    ok = (1, 2, 3, 4, 5, 6, 7)
    assert c.narrow(*ok) == 28
    for pos, v in [(0, 128), (0, -129), (1, 256), (1, -1), (2, 2**15), (3, -1), (3, 2**16), (4, 2**31),
                   (5, -1), (5, 2**32), (6, -1), (6, 2**64)]:
        args = list(ok)
        args[pos] = v
        r = call_exc(c.narrow, *args)
        assert r is not None and r[0] is OverflowError, (pos, v, r)
        assert "abcdefg"[pos] in r[1], r
    assert c.narrow(-128, 255, -2**15, 2**16 - 1, -2**31, 2**32 - 1, 2**40) == \
        -128 + 255 - 2**15 + 2**16 - 1 - 2**31 + 2**32 - 1 + 2**40


def test_u64_param_beyond_i64(mods):
    c, p = mods
    # CPython computes the exact sum; compiled must give it or raise OverflowError, never wrap
    args = (0, 0, 0, 0, 0, 0, 2**64 - 1)
    r = call_exc(c.narrow, *args)
    if r is None:
        assert c.narrow(*args) == p.narrow(*args)
    else:
        assert r[0] is OverflowError


def test_bool_and_f32(mods):
    c, p = mods
    for v in [True, False, np.bool_(True)]:
        assert c.flag(v) == p.flag(v)
    # an f32 parameter stores the argument as binary32 (docs/runtime-abi.md)
    for v in [0.1, 3, -2.5e38, 1e-50, 16777217]:
        assert c.single(v) == float(np.float32(v))
    assert c.single(float("nan")) != c.single(float("nan"))
    for v in [1e39, -1e39]:
        r = call_exc(c.single, v)
        assert r is not None and r[0] is OverflowError and "'x'" in r[1], r


def test_array_arguments(mods):
    c, _ = mods
    a = np.arange(6.0)
    assert c.first(a) == 0.0
    assert c.first(a[::-1]) == 5.0
    assert c.first(memoryview(a)) == 0.0
    assert c.first(array.array("d", [2.5])) == 2.5
    bad = [None, 3.0, [1.0, 2.0], np.arange(6), np.arange(6, dtype=np.float32), a.reshape(2, 3),
           np.float64(1.0), "abc"]
    for b in bad:
        r = call_exc(c.first, b)
        assert r is not None and r[0] in (TypeError, ValueError) and "'a'" in r[1] or "a" in r[1], (b, r)
    r = call_exc(c.first_c, a[::2])
    assert r is not None and r[0] in (TypeError, ValueError), r
    assert c.first_c(a[2:]) == 2.0
    ro = np.arange(3.0)
    ro.flags.writeable = False
    assert c.first(ro) == 0.0
    r = call_exc(c.write, ro)
    assert r is not None and r[0] in (TypeError, ValueError), r
    assert ro[0] == 0.0
    r = call_exc(c.write, bytes(8))
    assert r is not None and r[0] in (TypeError, ValueError), r
    m = np.arange(6.0).reshape(2, 3)
    assert c.read2c(m) == 0.0
    r = call_exc(c.read2c, np.asfortranarray(m))
    assert r is not None and r[0] in (TypeError, ValueError), r
    assert c.read2(np.asfortranarray(m)) == 0.0
    r = call_exc(c.read2, a)
    assert r is not None and r[0] in (TypeError, ValueError), r


def test_bytes_like(mods):
    c, _ = mods
    assert c.bytes_sum(bytearray(b"\x01\x02\xff")) == 258
    assert c.bytes_sum(b"\x01\x02\xff") == 258
    assert c.bytes_sum(memoryview(b"abc")[::-1]) == sum(b"abc")
    assert c.isum(array.array("i", [1, -2, 3])) == 2
    r = call_exc(c.isum, array.array("l", [1, 2]))
    assert r is not None and r[0] in (TypeError, ValueError), r
