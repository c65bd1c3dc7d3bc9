"""Differential tests: array indexing (negative indices, bounds errors with
NumPy's message), strided / reversed / Fortran-order views, element types
(narrow ints, f32, bool: widened on read, range-checked or rounded on store),
iteration, .shape/.ndim/.size/len, augmented element assignment, and
writes that happened before an exception staying written."""
import numpy as np
import pytest

from difftest import build, expect_exc, same_call

SRC = '''
@native
def get(a: f64[:], i: int) -> float:
    return a[i]

@native
def get2(a: f64[:, :], i: int, j: int) -> float:
    return a[i, j]

@native
def put(a: f64[:], i: int, v: float) -> None:
    a[i] = v

@native
def fill_until(a: f64[:], n: int) -> None:
    for i in range(n):
        a[i] = i * 1.5

@native
def total(a: f64[:]) -> float:
    t = 0.0
    for i in range(a.shape[0]):
        t += a[i]
    return t

@native
def total_iter(a: f64[:]) -> float:
    t = 0.0
    for x in a:
        t = t * 0.5 + x
    return t

@native
def total2(a: f64[:, :]) -> float:
    t = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            t = t * 0.5 + a[i, j] * (i + 1)
    return t

@native
def attrs(a: f64[:, :]) -> tuple[int, int, int, int, int]:
    return a.shape[0], a.shape[1], a.ndim, a.size, len(a)

@native
def shape_tuple(a: f64[:, :]) -> tuple[int, int]:
    return a.shape

@native
def neg_index(a: f64[:]) -> float:
    return a[-1] + a[-len(a)] * 2.0

@native
def aug(a: f64[:], i: int, v: float) -> None:
    a[i] += v
    a[i - 1] *= 2.0

@native
def scale2(a: f64[:, ::1], k: float) -> None:
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] *= k

@native
def store_u8(a: u8[:], i: int, v: int) -> None:
    a[i] = v

@native
def store_i8(a: i8[:], i: int, v: int) -> None:
    a[i] = v

@native
def store_i32(a: i32[:], i: int, v: int) -> None:
    a[i] = v

@native
def store_u64(a: u64[:], i: int, v: int) -> None:
    a[i] = v

@native
def sum_u8(a: u8[:]) -> int:
    t = 0
    for i in range(len(a)):
        t += int(a[i])
    return t

@native
def sum_i16(a: i16[:]) -> int:
    t = 0
    for i in range(len(a)):
        t += int(a[i]) * (i + 1)
    return t

@native
def f32_roundtrip(a: f32[:], v: float) -> float:
    a[0] = v
    return float(a[0])

@native
def count_true(a: np.bool_[:]) -> int:
    c = 0
    for i in range(len(a)):
        if a[i]:
            c += 1
    return c

@native
def set_flags(a: np.bool_[:], x: float) -> None:
    for i in range(len(a)):
        a[i] = x > i

@native
def cumsum_i64(a: i64[:]) -> None:
    for i in range(1, len(a)):
        a[i] += a[i - 1]

@native
def float_into_int(a: i64[:], x: float) -> None:
    a[0] = int(x)
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    # unoptimized too: the IR itself must be right, not just what survives -O3
    return build(SRC, flags=request.param)


def arrays_1d():
    base = np.arange(12.0) * 1.25 - 3
    return [base.copy(), base[::2], base[::-1], base[1::3], np.zeros(0), np.array([np.nan, -0.0])]


def test_get_negative_and_bounds(mods):
    a = np.arange(10.0)
    for i in [0, 1, 9, 10, 11, -1, -10, -11, 2**62, -2**63, 2**63 - 1]:
        same_call(mods, "get", a, i)
    same_call(mods, "get", np.zeros(0), 0)
    same_call(mods, "get", np.zeros(0), -1)


def test_get2(mods):
    a = np.arange(12.0).reshape(3, 4)
    for arr in [a, np.asfortranarray(a), a[::-1, ::2], a.T]:
        for i in [0, 2, -1, 3, -4]:
            for j in [0, 1, -1, 4, -5]:
                same_call(mods, "get2", arr, i, j)


def test_put_and_views(mods):
    for a in arrays_1d():
        for i in [0, -1, 1, 5, len(a), -len(a) - 1]:
            same_call(mods, "put", a, i, 42.5)


def test_writes_before_error_stay(mods):
    for n in [0, 3, 10, 11, 20]:
        same_call(mods, "fill_until", np.zeros(10), n)
        same_call(mods, "fill_until", np.zeros(20)[::2], n)


def test_reductions_on_views(mods):
    for a in arrays_1d():
        same_call(mods, "total", a)
        same_call(mods, "total_iter", a)
        same_call(mods, "neg_index", a)
    m = np.arange(20.0).reshape(4, 5) / 7
    for arr in [m, np.asfortranarray(m), m[::-1], m[:, ::-2], m.T, np.zeros((0, 3)), np.zeros((3, 0))]:
        same_call(mods, "total2", arr)
        same_call(mods, "attrs", arr)
        same_call(mods, "shape_tuple", arr)


def test_aug(mods):
    for i in [1, 5, -1, 0, 10, -10]:
        same_call(mods, "aug", np.arange(10.0), i, 0.25)


def test_contig_2d(mods):
    same_call(mods, "scale2", np.arange(12.0).reshape(3, 4), 1.5)
    same_call(mods, "scale2", np.arange(12.0).reshape(4, 3)[1:3], -2.0)


def test_narrow_stores(mods):
    for v in [0, 255, 256, 300, -1, -2**63, 2**63 - 1]:
        same_call(mods, "store_u8", np.zeros(3, np.uint8), 1, v)
    for v in [127, 128, -128, -129]:
        same_call(mods, "store_i8", np.zeros(3, np.int8), 0, v)
    for v in [2**31 - 1, 2**31, -2**31, -2**31 - 1]:
        same_call(mods, "store_i32", np.zeros(3, np.int32), 2, v)
    for v in [0, 2**63 - 1, -1]:
        same_call(mods, "store_u64", np.zeros(3, np.uint64), 0, v)


def test_narrow_loads(mods):
    same_call(mods, "sum_u8", np.array([0, 255, 128, 7], np.uint8))
    same_call(mods, "sum_u8", np.arange(256, dtype=np.uint8)[::-3])
    same_call(mods, "sum_i16", np.array([-32768, 32767, -1, 5], np.int16))


def test_f32(mods):
    for v in [0.1, 1e40, -1e40, 3.4028234663852886e38, 1e-46, float("nan"), -0.0, 16777217.0]:
        same_call(mods, "f32_roundtrip", np.zeros(2, np.float32), v)


def test_bool_arrays(mods):
    same_call(mods, "count_true", np.array([True, False, True, True]))
    same_call(mods, "count_true", np.zeros(0, bool))
    for x in [-1.0, 0.0, 2.5, float("nan"), 100.0]:
        same_call(mods, "set_flags", np.zeros(6, bool), x)


def test_int64_overflow_in_elements(mods):
    # CPython (Python ints) would grow; NumPy scalars would wrap; compiled raises
    a = np.array([2**62, 2**62, 5], np.int64)
    expect_exc(mods, "cumsum_i64", OverflowError,
               "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)", a)
    same_call(mods, "cumsum_i64", np.arange(10, dtype=np.int64))


def test_float_into_int(mods):
    for x in [1.9, -1.9, float("nan"), float("inf"), -9.2e18, -9.223372036854775808e18]:
        same_call(mods, "float_into_int", np.zeros(1, np.int64), x)
    # CPython makes the int 10**19, then NumPy refuses it ("Python int too
    # large to convert to C long"); compiled code refuses at int(): same type
    with pytest.raises(OverflowError):
        mods[0].float_into_int(np.zeros(1, np.int64), 1e19)


def test_boundscheck_off():
    src = '''
@native
def get(a: f64[:], i: int) -> float:
    return a[i]

@native(boundscheck=False)
def get_nb(a: f64[:], i: int) -> float:
    return a[i]
'''
    compiled, _ = build(src, flags=("--boundscheck=off",))
    a = np.arange(5.0)
    assert compiled.get(a, -1) == 4.0  # wraparound kept
    assert compiled.get(a, 2) == 2.0
    assert compiled.get_nb(a, -2) == 3.0
    compiled2, _ = build(src)
    with pytest.raises(IndexError):
        compiled2.get(a, 5)
    assert compiled2.get_nb(a, -5) == 0.0
