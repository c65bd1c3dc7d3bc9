"""Runtime unrolling of loops whose only extra exits are raise paths
(compiler/emit.c -unroll-runtime-multi-exit; compiler/lower.c
mark_runtime_unroll_off).  Differential: a check that fails at every
position of an unrolled group raises at CPython's iteration with the
elements before it written and the ones after it untouched; loops with
`break`, `return` and compound while conditions keep their results.
Structure: the safe-mode DP loop below is unrolled (several copies of its
checked store), the while loop with an `and` condition is not.  The scalar
remainder LLVM's vectorizer leaves after a vectorized loop is not unrolled
when the body computes without branching (mark_epilogue_plain, for build
time), and still is when the body branches."""
import re

import numpy as np
import pytest

from difftest import build, function_ir, module_ir, same_call

SRC = '''
@native
def lcs_row(a: u8[:], b: u8[:], prev: i32[:], cur: i32[:]) -> int:
    for j in range(1, b.shape[0] + 1):
        if a[0] == b[j - 1]:
            cur[j] = int(prev[j - 1]) + 1
        else:
            cur[j] = max(prev[j], cur[j - 1])
    return int(cur[b.shape[0]])

@native
def scaled_copy(x: i64[:], out: i8[:], k: int) -> None:
    for i in range(x.shape[0]):
        out[i] = x[i] * k

@native
def first_big(x: i64[:], lim: int) -> int:
    for i in range(x.shape[0]):
        if x[i] > lim:
            return i
    return -1

@native
def sum_until(x: i64[:], stop: int) -> int:
    s = 0
    for i in range(x.shape[0]):
        if x[i] == stop:
            break
        s += x[i]
    else:
        s = -s
    return s

@native
def axpy(a: float, x: f64[:], y: f64[:]) -> None:
    for i in range(x.shape[0]):
        y[i] = a * x[i] + y[i]

@native
def relax_row(d: i64[:], base: int, w: i64[:]) -> None:
    for j in range(d.shape[0]):
        nd = base + w[j]
        if nd < d[j]:
            d[j] = nd

@native
def insert_row(a: i32[:], key: int) -> int:
    j = a.shape[0] - 2
    while j >= 0 and a[j] > key:
        a[j + 1] = a[j]
        j -= 1
    a[j + 1] = key
    return j
'''

FLAGS = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_dp_row(mods):
    rng = np.random.default_rng(5)
    for m in [0, 1, 2, 3, 4, 5, 7, 8, 9, 31]:
        a = rng.integers(0, 3, 1).astype(np.uint8)
        b = rng.integers(0, 3, m).astype(np.uint8)
        prev = rng.integers(0, 100, m + 1).astype(np.int32)
        same_call(mods, "lcs_row", a, b, prev, np.zeros(m + 1, np.int32))


def test_raise_at_every_position(mods, flags):
    if flags:
        pytest.skip("unchecked: an out-of-range store is not checked")
    for n in [1, 4, 8, 13]:
        for bad in range(n):
            x = np.arange(1, n + 1, dtype=np.int64)
            x[bad] = 1000                       # 1000 * 1 does not fit in int8
            out = np.full(n, -1, np.int8)
            same_call(mods, "scaled_copy", x, out, 1)
    prev = np.zeros(10, np.int32)
    prev[6] = 2**31 - 1                         # prev[j - 1] + 1 leaves int32 at j = 7
    same_call(mods, "lcs_row", np.zeros(1, np.uint8), np.zeros(9, np.uint8), prev,
              np.zeros(10, np.int32))


def test_user_exits(mods):
    rng = np.random.default_rng(6)
    for n in [0, 1, 5, 17]:
        x = rng.integers(0, 50, n).astype(np.int64)
        for v in [-1, 10, 25, 49]:
            same_call(mods, "first_big", x, v)
            same_call(mods, "sum_until", x, v)
    for n in [1, 2, 6]:
        for key in [-5, 3, 100]:
            a = np.sort(rng.integers(0, 10, n)).astype(np.int32)
            same_call(mods, "insert_row", a, key)


def test_vector_remainders(mods):
    """Every remainder length after the vector steps (up to 4 x 8 lanes
    and beyond), also when y shares memory with x (the vectorizer's
    overlap check sends the whole loop to the remainder)."""
    rng = np.random.default_rng(7)
    for n in list(range(0, 70)) + [129, 255]:
        x = rng.standard_normal(n)
        same_call(mods, "axpy", 0.7, x, rng.standard_normal(n))
        d = rng.integers(0, 100, n).astype(np.int64)
        same_call(mods, "relax_row", d, 20, rng.integers(0, 100, n).astype(np.int64))
    buf = rng.standard_normal(80)
    same_call(mods, "axpy", 1.5, buf[:70], buf[3:73])
    same_call(mods, "axpy", -0.5, buf[5:75], buf[:70])


def _ir(tmp_path, only):
    return function_ir(module_ir(tmp_path, SRC, only), only + "_impl")


def test_checked_loop_is_unrolled(tmp_path):
    """Structure, not speed: the safe DP loop (a range check on one arm's
    store, a raise path out of the loop) is runtime-unrolled."""
    body = _ir(tmp_path, "lcs_row")
    assert len(re.findall(r"store i32 ", body)) >= 8, "the checked loop was not unrolled"


def _loop_hints(ir, body):
    """The metadata strings of each loop id the function's branches carry."""
    hints = []
    for lid in set(re.findall(r"!llvm\.loop !(\d+)", body)):
        ops = re.search(rf"^!{lid} = distinct !\{{(.*)\}}$", ir, re.M).group(1)
        strs = []
        for ref in re.findall(r"!(\d+)", ops):
            node = re.search(rf"^!{ref} = !\{{(.*)\}}$", ir, re.M)
            if node:
                strs += re.findall(r'!"([\w.]+)"', node.group(1))
        hints.append(strs)
    return hints


def test_compound_while_is_not_unrolled(tmp_path):
    ir = module_ir(tmp_path, SRC, "insert_row")
    body = function_ir(ir, "insert_row_impl")
    hints = _loop_hints(ir, body)
    assert any("llvm.loop.unroll.runtime.disable" in h for h in hints), hints
    assert len(re.findall(r"store i32 ", body)) <= 3, "the while loop was unrolled"


def _scalar_stores(body, ty):
    return len(re.findall(rf"store {ty} ", body))


def test_vector_remainder_plain_when_straight(tmp_path):
    """Structure, not speed: axpy's remainder loop is one scalar copy (the
    vectorized loop stores vectors; a strided copy may add one more scalar
    store), while relax_row's branchy remainder is runtime-unrolled."""
    for flags in FLAGS:
        ir = module_ir(tmp_path, SRC, "axpy,relax_row", flags)
        axpy = function_ir(ir, "axpy_impl")
        assert re.search(r"store <\d+ x double>", axpy), "axpy was not vectorized"
        assert _scalar_stores(axpy, "double") <= 2, (flags, "the remainder was unrolled")
        relax = function_ir(ir, "relax_row_impl")
        assert _scalar_stores(relax, "i64") >= 4, (flags, "the branchy remainder was not unrolled")
