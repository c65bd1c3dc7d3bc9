"""QA differential tests: narrow element and parameter types: stores of
boundary and out-of-range values into every integer dtype (NumPy's
OverflowError message), ints and bools stored into float and f32 arrays,
f32 rounding of stores, narrow parameters widened for arithmetic,
bool arrays, and element swaps between dtypes."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def put_i8(a: i8[:], i: int, v: int) -> None:
    a[i] = v

@native
def put_u16(a: u16[:], i: int, v: int) -> None:
    a[i] = v

@native
def put_i16(a: i16[:], i: int, v: int) -> None:
    a[i] = v

@native
def put_u32(a: u32[:], i: int, v: int) -> None:
    a[i] = v

@native
def put_i32(a: i32[:], i: int, v: int) -> None:
    a[i] = v

@native
def put_u64(a: u64[:], i: int, v: int) -> None:
    a[i] = v

@native
def put_f32(a: f32[:], i: int, v: float) -> None:
    a[i] = v

@native
def put_f32_int(a: f32[:], v: int) -> None:
    a[0] = v

@native
def put_f64_int(a: f64[:], v: int, b: bool) -> None:
    a[0] = v
    a[1] = b

@native
def put_bool(a: np.bool_[:], v: int) -> None:
    a[0] = v > 0
    a[1] = not v

@native
def widen_params(a: i8, b: u8, c: i16, d: u32, e: f32) -> tuple[int, int, float]:
    return a * b * c, d * 4 - a, e * 3.0

@native
def copy_cast(src: i64[:], dst: i16[:]) -> None:
    for i in range(len(src)):
        dst[i] = src[i]

@native
def copy_f64_f32(src: f64[:], dst: f32[:]) -> None:
    for i in range(len(src)):
        dst[i] = src[i]

@native
def u8_sum_wide(a: u8[:, :]) -> int:
    t = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            t += a[i, j] * 1000
    return t

@native
def i16_abs(a: i16[:]) -> None:
    for i in range(len(a)):
        a[i] = abs(int(a[i]))

@native
def bool_count(a: np.bool_[:, :]) -> int:
    c = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            c += a[i, j]
    return c
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def test_int_stores(mods):
    for name, dt in [("put_i8", np.int8), ("put_u16", np.uint16), ("put_i16", np.int16),
                     ("put_u32", np.uint32), ("put_i32", np.int32), ("put_u64", np.uint64)]:
        info = np.iinfo(dt)
        vals = [0, 1, -1, int(info.max), int(info.max) + 1, int(info.min), int(info.min) - 1, 2**63 - 1, -2**63]
        for v in vals:
            if v > 2**63 - 1:
                continue
            same_call(mods, name, np.zeros(4, dt), 1, v)
            same_call(mods, name, np.zeros(8, dt)[::-2], -1, v)
        same_call(mods, name, np.zeros(4, dt), 4, 0)


def test_float_stores(mods):
    for v in [0.1, -0.0, 1e39, -1e39, 3.4028235e38, 1.401298464324817e-45, 7e-46, float("nan"), float("inf")]:
        same_call(mods, "put_f32", np.zeros(3, np.float32), 2, v)
    for v in [0, 16777217, -16777217, 2**63 - 1, -2**63, 2**24 + 3]:
        same_call(mods, "put_f32_int", np.zeros(1, np.float32), v)
        same_call(mods, "put_f64_int", np.zeros(2), v, True)
    for v in [-3, 0, 5]:
        same_call(mods, "put_bool", np.zeros(2, bool), v)


def test_params(mods):
    c, p = mods
    for args in [(-128, 255, -32768, 2**32 - 1, 0.1), (127, 0, 32767, 0, 3.4e38), (5, 7, 9, 11, -2.5)]:
        got = c.widen_params(*args)
        e32 = float(np.float32(args[4]))
        want = (args[0] * args[1] * args[2], args[3] * 4 - args[0], e32 * 3.0)
        assert got == want, (args, got, want)


def test_copies(mods):
    src = np.array([0, 1, -1, 32767, -32768, 32768, 5])
    same_call(mods, "copy_cast", src, np.zeros(7, np.int16))
    same_call(mods, "copy_cast", src[:5], np.zeros(10, np.int16)[::2])
    f = np.array([0.1, 1e39, -1e-46, np.nan, 65504.0, 1.0000001])
    same_call(mods, "copy_f64_f32", f, np.zeros(6, np.float32))
    same_call(mods, "copy_f64_f32", f[::-1], np.zeros(6, np.float32)[::-1])


def test_widening(mods):
    u = (np.arange(20) * 53 % 256).astype(np.uint8).reshape(4, 5)
    # NumPy's uint8 * 1000 would wrap in the reference: compute it as Python ints
    for a in [u, u.T, u[::-1, ::2]]:
        assert mods[0].u8_sum_wide(a) == sum(int(x) * 1000 for x in a.ravel())
    same_call(mods, "i16_abs", np.array([-32768, -5, 7, 0], np.int16))
    same_call(mods, "i16_abs", np.array([-32767, -5, 7, 0], np.int16))
    b = np.array([[True, False, True], [False, False, True]])
    for a in [b, b.T, b[:, ::-1], np.zeros((0, 0), bool)]:
        same_call(mods, "bool_count", a)
