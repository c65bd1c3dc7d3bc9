"""QA differential tests: overlapping arguments.  CPython runs a loop one
iteration after another, so when the output array overlaps an input
(dst = base[k:], src = base[:n], reversed views, the same array twice) the
later iterations read what earlier ones wrote.  Vectorized or versioned
code must give the same bytes; these cover shifts both ways, reversed
overlap, i64/u8/f32 elements, ::1 parameters and 2-D aliasing."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
@native
def copy(src: f64[:], dst: f64[:]) -> None:
    for i in range(len(src)):
        dst[i] = src[i]

@native
def copy_c(src: f64[::1], dst: f64[::1]) -> None:
    for i in range(src.shape[0]):
        dst[i] = src[i] * 2.0 + 1.0

@native
def axpy(a: float, x: f64[:], y: f64[:]) -> None:
    for i in range(len(x)):
        y[i] += a * x[i]

@native
def prefix(src: i64[:], dst: i64[:]) -> None:
    for i in range(1, len(src)):
        dst[i] = src[i - 1] + dst[i - 1]

@native
def add2(a: f64[:, ::1], b: f64[:, ::1], out: f64[:, ::1]) -> None:
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j] + b[i, j]

@native
def u8copy(src: u8[:], dst: u8[:]) -> None:
    for i in range(len(src)):
        dst[i] = src[i]

@native
def f32scale(src: f32[:], dst: f32[:]) -> None:
    for i in range(len(src)):
        dst[i] = float(src[i]) * 0.5
'''


@pytest.fixture(scope="module", params=[(), ("-O0",), ("--boundscheck=off", "--overflowcheck=off")],
                ids=["O3", "O0", "unchecked"])
def mods(request):
    return build(SRC, flags=request.param)


def same_bytes(mods, name, make):
    """Runs name on views of one base buffer per side; compares the bases."""
    c, p = mods
    bc, ac = make()
    bp, ap = make()
    getattr(c, name)(*ac)
    getattr(p, name)(*ap)
    assert bc.tobytes() == bp.tobytes(), (name, bc[:24], bp[:24])


@pytest.mark.parametrize("n", [7, 64, 1000])
@pytest.mark.parametrize("off", [1, 2, 3, 4, 8, 17])
def test_overlapping_1d(mods, n, off):
    f = lambda: np.arange(float(n + off))  # noqa: E731
    same_bytes(mods, "copy", lambda: (lambda b: (b, (b[:n], b[off:off + n])))(f()))
    same_bytes(mods, "copy", lambda: (lambda b: (b, (b[off:off + n], b[:n])))(f()))
    same_bytes(mods, "copy", lambda: (lambda b: (b, (b[:n], b[off:off + n][::-1])))(f()))
    same_bytes(mods, "copy_c", lambda: (lambda b: (b, (b[:n], b[off:off + n])))(f()))
    same_bytes(mods, "copy_c", lambda: (lambda b: (b, (b[off:off + n], b[:n])))(f()))
    same_bytes(mods, "axpy", lambda: (lambda b: (b, (0.5, b[:n], b[off:off + n])))(f()))
    same_bytes(mods, "axpy", lambda: (lambda b: (b, (0.5, b[off:off + n], b[:n])))(f()))
    same_bytes(mods, "prefix", lambda: (lambda b: (b, (b[:min(n, 60)], b[off:off + min(n, 60)])))(
        np.arange(n + off) % 3))
    same_bytes(mods, "u8copy", lambda: (lambda b: (b, (b[:n], b[off:off + n])))(
        (np.arange(n + off) % 251).astype(np.uint8)))
    same_bytes(mods, "f32scale", lambda: (lambda b: (b, (b[:n], b[off:off + n])))(
        np.arange(n + off, dtype=np.float32)))


def test_same_array_twice(mods):
    a = np.arange(50.0)
    same_call(mods, "axpy", 2.0, a, a)
    for r in [3, 8]:
        def make(r=r):
            b = np.arange(float((r + 1) * r))
            x = b[:r * r].reshape(r, r)
            return b, (x, x, b[r:r + r * r].reshape(r, r))
        same_bytes(mods, "add2", make)
