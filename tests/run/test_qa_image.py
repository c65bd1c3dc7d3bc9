"""QA differential tests: image kernels on u8 / i16 / f32 arrays (element
values widened with int()/float() as users write for CPython), saturating
arithmetic with min/max, histograms, 3-D RGB images, narrow stores that go
out of range, and channel-last / channel-first layouts."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
MAXV = 255

@native
def invert(img: u8[:, :]) -> None:
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            img[i, j] = MAXV - int(img[i, j])

@native
def threshold(img: u8[:, :], t: int, out: u8[:, :]) -> int:
    count = 0
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            if int(img[i, j]) >= t:
                out[i, j] = 255
                count += 1
            else:
                out[i, j] = 0
    return count

@native
def brighten(img: u8[:, :], delta: int) -> None:
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            img[i, j] = min(max(int(img[i, j]) + delta, 0), 255)

@native
def brighten_unsat(img: u8[:, :], delta: int) -> None:
    # no clamp: a value past 255 or below 0 raises OverflowError at the store
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            img[i, j] = int(img[i, j]) + delta

@native
def gray(rgb: u8[:, :, :], out: u8[:, :]) -> None:
    for i in range(rgb.shape[0]):
        for j in range(rgb.shape[1]):
            v = 0.299 * int(rgb[i, j, 0]) + 0.587 * int(rgb[i, j, 1]) + 0.114 * int(rgb[i, j, 2])
            out[i, j] = int(v + 0.5)

@native
def histogram(img: u8[:, :], hist: i64[:]) -> None:
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            hist[int(img[i, j])] += 1

@native
def box_blur(img: u8[:, :], out: u8[:, :], r: int) -> None:
    h = img.shape[0]
    w = img.shape[1]
    for i in range(h):
        for j in range(w):
            s = 0
            c = 0
            for di in range(-r, r + 1):
                y = i + di
                if y < 0 or y >= h:
                    continue
                for dj in range(-r, r + 1):
                    x = j + dj
                    if x < 0 or x >= w:
                        continue
                    s += int(img[y, x])
                    c += 1
            out[i, j] = s // c

@native
def sobel(img: u8[:, :], gx: i16[:, :], gy: i16[:, :]) -> int:
    best = 0
    for i in range(1, img.shape[0] - 1):
        for j in range(1, img.shape[1] - 1):
            a = int(img[i - 1, j - 1])
            b = int(img[i - 1, j])
            c = int(img[i - 1, j + 1])
            d = int(img[i, j - 1])
            f = int(img[i, j + 1])
            g = int(img[i + 1, j - 1])
            h = int(img[i + 1, j])
            k = int(img[i + 1, j + 1])
            x = (c + 2 * f + k) - (a + 2 * d + g)
            y = (g + 2 * h + k) - (a + 2 * b + c)
            gx[i, j] = x
            gy[i, j] = y
            m = abs(x) + abs(y)
            if m > best:
                best = m
    return best

@native
def sobel_scaled(img: u8[:, :], gx: i16[:, :], scale: int) -> None:
    for i in range(1, img.shape[0] - 1):
        for j in range(1, img.shape[1] - 1):
            gx[i, j] = (int(img[i, j + 1]) - int(img[i, j - 1])) * scale

@native
def gamma_f32(img: f32[:, :], g: float) -> float:
    s = 0.0
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            v = float(img[i, j]) ** g
            img[i, j] = v
            s += float(img[i, j])
    return s

@native
def to_u8(src: f32[:, :], out: u8[:, :]) -> None:
    for i in range(src.shape[0]):
        for j in range(src.shape[1]):
            out[i, j] = int(float(src[i, j]) * 255.0)

@native
def channel_mean(img: u8[:, :, :], c: int) -> float:
    s = 0
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            s += int(img[i, j, c])
    return s / (img.shape[0] * img.shape[1])

@native
def diff_i16(a: i16[:], b: i16[:], out: i16[:]) -> None:
    for i in range(len(a)):
        out[i] = int(a[i]) - int(b[i])
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def images():
    rng = np.random.default_rng(7)
    im = rng.integers(0, 256, size=(6, 9), dtype=np.uint8)
    im[0, 0] = 0
    im[1, 1] = 255
    return [im, np.asfortranarray(im), im[::-1, ::2], im.T, im[2:4], np.zeros((0, 3), np.uint8),
            np.full((1, 1), 200, np.uint8)]


def test_point_ops(mods):
    for im in images():
        same_call(mods, "invert", im)
        for t in [0, 1, 128, 255, 256, -1]:
            same_call(mods, "threshold", im, t, np.zeros(im.shape, np.uint8))
        for d in [0, 10, -10, 300, -300, 2**62]:
            same_call(mods, "brighten", im, d)
        for d in [0, 1, -1, 55, -200]:
            same_call(mods, "brighten_unsat", im, d)


def test_histogram(mods):
    for im in images():
        same_call(mods, "histogram", im, np.zeros(256, np.int64))
    same_call(mods, "histogram", images()[0], np.zeros(200, np.int64))


def test_blur_sobel(mods):
    for im in images():
        for r in [0, 1, 2, 10]:
            same_call(mods, "box_blur", im, np.zeros(im.shape, np.uint8), r)
        same_call(mods, "sobel", im, np.zeros(im.shape, np.int16), np.zeros(im.shape, np.int16))
        for s in [1, 100, 200, -129]:
            same_call(mods, "sobel_scaled", im, np.zeros(im.shape, np.int16), s)
    same_call(mods, "box_blur", images()[0], np.zeros((6, 9), np.uint8), -1)


def test_rgb(mods):
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    for v in [rgb, np.asfortranarray(rgb), rgb[::-1, ::-1, ::-1], rgb.transpose(1, 0, 2)]:
        same_call(mods, "gray", v, np.zeros(v.shape[:2], np.uint8))
        for c in [0, 1, 2, -1, 3, -4]:
            same_call(mods, "channel_mean", v, c)
    same_call(mods, "channel_mean", np.zeros((0, 2, 3), np.uint8), 0)


def test_f32(mods):
    f = (np.arange(12, dtype=np.float32).reshape(3, 4) / 11).astype(np.float32)
    for g in [1.0, 2.2, 0.45, 0.0, -1.0, float("nan"), 1e10]:
        same_call(mods, "gamma_f32", f, g)
    for src in [f, f * 1.0039, -f, np.array([[np.nan]], np.float32), np.array([[np.inf]], np.float32),
                np.array([[1.0 - 1e-7, 0.99]], np.float32)]:
        same_call(mods, "to_u8", src.astype(np.float32), np.zeros(src.shape, np.uint8))


def test_i16(mods):
    a = np.array([32767, -32768, 0, 100, -100], np.int16)
    b = np.array([-1, 1, 32767, -32668, 32667], np.int16)
    same_call(mods, "diff_i16", a, b, np.zeros(5, np.int16))
    same_call(mods, "diff_i16", a[::-1], b[::-1], np.zeros(5, np.int16))
    same_call(mods, "diff_i16", a[:3], b[:3], np.zeros(5, np.int16)[::2])
