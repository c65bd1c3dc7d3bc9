"""Differential tests: versioning of loop nests (compiler/lower_loop.c).

A range loop whose nested loops all have small constant ranges (3x3
stencils, short fixed taps) is versioned as a whole: the guard bounds every
subscript and int operation over the outer loop's range and the inner
loops' constant ranges at once.  These compare against CPython where that
guard holds, where it fails (negative indices that must wrap, rows out of
range at the first, last or a middle iteration, products that overflow),
with inner loop variables that are also read after their loop or assigned
elsewhere (their value there may not lie in the loop's range), sibling loops
sharing a variable, negative steps, break/continue, and strided views."""
import builtins
import re

import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
K = 3

@native
def blur(img: u8[:, :], out: u8[:, :], i0: int, j0: int) -> None:
    h = img.shape[0]
    w = img.shape[1]
    for i in range(i0, h - 1):
        for j in range(j0, w - 1):
            s = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    s += int(img[i + di, j + dj])
            out[i, j] = s // 9

@native
def taps(x: f64[:], out: f64[:], off: int) -> None:
    for i in range(out.shape[0]):
        t = 0.0
        for k in range(K):
            t += x[i + k + off] * (k + 1)
        out[i] = t

@native
def reversed_taps(x: f64[:], out: f64[:]) -> None:
    for i in range(out.shape[0]):
        t = 0.0
        for k in range(2, -2, -1):
            t = t * 0.5 + x[i + k]
        out[i] = t

@native
def escaping(x: f64[:], out: f64[:], d: int) -> None:
    for i in range(out.shape[0]):
        out[i] += x[i + d]
        for d in range(2):
            out[i] += x[i + d]
        out[i] += x[i + d + 1]

@native
def reassigned(x: f64[:], out: f64[:], n: int) -> None:
    for i in range(n):
        for k in range(3):
            out[i] += x[i + k]
        k = i * 4
        out[i] += x[k % 7]

@native
def siblings(x: i64[:], out: i64[:], scale: int) -> None:
    for i in range(out.shape[0]):
        s = 0
        for k in range(2):
            s += x[i + k] * scale
        for k in range(-2, 1):
            s -= x[i - k] * (k + scale)
        out[i] = s

@native
def jumps(x: f64[:], out: f64[:], limit: float) -> int:
    c = 0
    for i in range(out.shape[0]):
        for k in range(4):
            if x[i + k] > limit:
                break
            if x[i + k] < 0.25:
                continue
            out[i] += x[i + k]
            c += 1
    return c

@native
def with_else(x: f64[:], out: f64[:]) -> None:
    for i in range(out.shape[0]):
        for k in range(2):
            out[i] += x[i + k]
        else:
            out[i] += 1.0
'''

FLAGS = [(), ("--boundscheck=off",), ("--overflowcheck=off",)]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "nobounds", "nooverflow"])
def mods(request):
    return build(SRC, request.param), request.param


def checked_bounds(flags):
    return "--boundscheck=off" not in flags


def img(h, w, seed=1):
    return np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8)


def arr(n, seed=2):
    return np.random.default_rng(seed).random(n)


def test_blur_sizes_and_views(mods):
    m, _ = mods
    for h, w in [(6, 7), (3, 3), (2, 5), (1, 1), (0, 4), (17, 40)]:
        same_call(m, "blur", img(h, w), np.zeros((h, w), dtype=np.uint8), 1, 1)
    big = img(12, 16)
    same_call(m, "blur", big[::2, ::3], np.zeros((6, 6), dtype=np.uint8), 1, 1)
    same_call(m, "blur", big[::-1, :], np.zeros((12, 16), dtype=np.uint8), 1, 1)
    same_call(m, "blur", np.asfortranarray(big), np.zeros((12, 16), dtype=np.uint8), 1, 1)


def test_blur_guard_fails(mods):
    m, flags = mods
    # i - 1 == -1 at the first row: Python wraps to the last row
    same_call(m, "blur", img(5, 6), np.zeros((5, 6), dtype=np.uint8), 0, 1)
    same_call(m, "blur", img(5, 6), np.zeros((5, 6), dtype=np.uint8), 1, 0)
    same_call(m, "blur", img(5, 6), np.zeros((5, 6), dtype=np.uint8), -3, -4)
    if checked_bounds(flags):
        # out is smaller than img: IndexError in the middle, after the earlier writes
        same_call(m, "blur", img(6, 6), np.zeros((3, 6), dtype=np.uint8), 1, 1)
        same_call(m, "blur", img(6, 6), np.zeros((6, 3), dtype=np.uint8), 1, 1)
        same_call(m, "blur", img(6, 6), np.zeros((5, 5), dtype=np.uint8), -7, 1)


def test_taps(mods):
    m, flags = mods
    for n, size, off in [(10, 12, 0), (10, 13, 1), (5, 7, -2), (0, 3, 0), (1, 3, 0)]:
        same_call(m, "taps", arr(size), np.zeros(n), off)
    if checked_bounds(flags):
        for n, size, off in [(10, 11, 0), (10, 12, 1), (4, 6, -9), (3, 5, 2**62)]:
            same_call(m, "taps", arr(size), np.zeros(n), off)


def test_reversed_taps(mods):
    m, flags = mods
    same_call(m, "reversed_taps", arr(12), np.zeros(10))
    same_call(m, "reversed_taps", arr(12)[::-1], np.zeros(10))
    # i + k == -1 at i == 0: wraps
    same_call(m, "reversed_taps", arr(12), np.zeros(9))
    if checked_bounds(flags):
        same_call(m, "reversed_taps", arr(11), np.zeros(10))


def test_inner_variable_read_after_its_loop(mods):
    m, flags = mods
    # d's first read is the parameter's value, the later ones the loop's
    for n, size, d in [(5, 8, 0), (5, 7, 1), (5, 8, -3)] + (
            [(5, 6, 0), (6, 6, 0), (5, 8, 7), (5, 8, -20)] if checked_bounds(flags) else []):
        same_call(m, "escaping", arr(size), np.zeros(n), d)


def test_inner_variable_assigned_elsewhere(mods):
    m, flags = mods
    for n in [0, 3, 5] + ([6, 9] if checked_bounds(flags) else []):
        same_call(m, "reassigned", arr(7), np.zeros(9), n)


def test_sibling_loops_share_a_variable(mods):
    m, flags = mods
    x = np.arange(-20, 20, dtype=np.int64)
    for n, scale in [(30, 3), (30, -5), (5, 0), (38, 1)]:
        same_call(m, "siblings", x, np.zeros(n, dtype=np.int64), scale)
    if checked_bounds(flags):
        same_call(m, "siblings", x, np.zeros(39, dtype=np.int64), 2)


def test_break_continue(mods):
    m, flags = mods
    for limit in [2.0, 0.9, 0.5, -1.0]:
        same_call(m, "jumps", arr(20), np.zeros(17), limit)
    if checked_bounds(flags):
        same_call(m, "jumps", arr(20), np.zeros(18), 2.0)
        same_call(m, "jumps", arr(20), np.zeros(18), 0.9)


def test_for_else(mods):
    m, flags = mods
    same_call(m, "with_else", arr(9), np.zeros(8))
    if checked_bounds(flags):
        same_call(m, "with_else", arr(9), np.zeros(9))


def test_blur_matches_numpy_sum():
    """The 3x3 mean against an independent NumPy computation (not only the
    same source under CPython)."""
    compiled, _ = build(SRC, ())
    a = img(40, 50, seed=7)
    out = np.zeros_like(a)
    compiled.blur(a, out, 1, 1)
    s = sum(a[1 + di:39 + di, 1 + dj:49 + dj].astype(np.int64)
            for di in builtins.range(-1, 2) for dj in builtins.range(-1, 2))
    assert np.array_equal(out[1:39, 1:49], (s // 9).astype(np.uint8))
    assert not out[0].any() and not out[:, 0].any()


def test_blur_nest_vectorizes(tmp_path):
    """Structure, not speed: the fast copy of a 3x3 nest unrolls the small
    loops and vectorizes the row loop, `// 9` included (a floor division
    lowered through an i128 multiply once made the vectorizer go lane by
    lane: 5x slower)."""
    from difftest import PYJITC, HEADER
    import subprocess
    src = tmp_path / "blur.py"
    src.write_text(HEADER + SRC)
    subprocess.run([PYJITC, "build", "--only", "blur", "--emit-llvm", "--target-cpu=x86-64-v3",
                    "-o", str(tmp_path), str(src)], check=True, capture_output=True)
    ir = (tmp_path / "blur.ll").read_text()
    body = ir[ir.index("@blur_impl("):]
    body = body[:body.index("\n}\n")]
    assert "udiv <" in body and "load <" in body, "the row loop was not vectorized"
    # the type, not a value name such as %for.i128.0664
    assert not re.search(r"(?<![\w.%])i128\b", body)
