"""Differential tests: `if a[i] > a[best]: best = i` stays a branch
(compiler/lower.c, record_update).  An `if` without else that only assigns
locals, and whose condition subscripts an array by one of them, is lowered
as a branch weighted unlikely, so that LLVM does not make a select of it (a
select would put the next iteration's load of a[best] behind this one's
compare).  These compare argmax/argmin-style loops with CPython in both
modes: NaN in first place and later (a comparison with NaN is false), ties
(the first index stays), signed zeros, ints, 2-D records, a record by key
through a second array, and the ifs that are not records (an else branch,
a body that stores).  The optimized IR of argmax has no select of the
index."""
import numpy as np
import pytest

from difftest import build, function_ir, module_ir, same_call

SRC = '''
@native
def argmax(a: f64[:]) -> int:
    best = 0
    for i in range(1, a.shape[0]):
        if a[i] > a[best]:
            best = i
    return best

@native
def argmin_count(a: i64[:]) -> int:
    best = 0
    changes = 0
    for i in range(a.shape[0]):
        if a[i] <= a[best]:
            best = i
            changes += 1
    return best * 1000 + changes

@native
def argmax_2d(a: f64[:, :]) -> int:
    br = 0
    bc = 0
    for r in range(a.shape[0]):
        for c in range(a.shape[1]):
            if a[r, c] > a[br, bc]:
                br = r
                bc = c
    return br * a.shape[1] + bc

@native
def best_by_key(idx: i64[:], keys: f64[:]) -> int:
    best = 0
    for i in range(1, idx.shape[0]):
        if keys[idx[i]] < keys[idx[best]]:
            best = i
    return best

@native
def with_else(a: f64[:]) -> int:
    best = 0
    worse = 0
    for i in range(1, a.shape[0]):
        if a[i] > a[best]:
            best = i
        else:
            worse += 1
    return best * 1000000 + worse

@native
def with_store(a: f64[:], log: i64[:]) -> int:
    best = 0
    for i in range(1, a.shape[0]):
        if a[i] > a[best]:
            log[best] = i
            best = i
    return best
'''

MODES = {"safe": (), "unchecked": ("--boundscheck=off", "--overflowcheck=off")}
NAN = float("nan")


@pytest.fixture(scope="module", params=list(MODES))
def mods(request):
    return build(SRC, MODES[request.param])


@pytest.mark.parametrize("n", [1, 2, 7, 100, 5000])
def test_random(mods, n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    same_call(mods, "argmax", x)
    same_call(mods, "argmax", np.sort(x))          # a new record every step
    same_call(mods, "argmax", x[::-3])
    same_call(mods, "with_else", x)
    same_call(mods, "with_store", x, np.zeros(n, np.int64))
    ints = rng.integers(-5, 5, n)
    same_call(mods, "argmin_count", ints)
    same_call(mods, "argmin_count", np.sort(ints)[::-1])


def test_nans_ties_and_zeros(mods):
    for x in ([NAN, 1.0, 5.0], [1.0, NAN, 5.0, NAN], [2.0, 2.0, 1.0, 2.0], [0.0, -0.0, 0.0],
              [-0.0, 0.0], [NAN, NAN], [float("-inf"), -1e308, float("inf"), float("inf")]):
        a = np.array(x)
        same_call(mods, "argmax", a)
        same_call(mods, "with_else", a)


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (20, 17)])
def test_2d(mods, shape):
    rng = np.random.default_rng(shape[0])
    a = rng.standard_normal(shape)
    same_call(mods, "argmax_2d", a)
    same_call(mods, "argmax_2d", np.asfortranarray(a))
    same_call(mods, "argmax_2d", a.T)


def test_by_key(mods):
    rng = np.random.default_rng(3)
    keys = rng.standard_normal(50)
    idx = rng.integers(-50, 50, 300)          # negative indexes wrap, as in Python
    same_call(mods, "best_by_key", idx, keys)


def test_by_key_index_error():
    mods = build(SRC)            # safe mode: unchecked bounds leave this undefined
    keys = np.random.default_rng(3).standard_normal(10)
    same_call(mods, "best_by_key", np.array([3, 1, 2, 60]), keys)


def test_argmax_index_is_not_a_select(tmp_path):
    for flags in MODES.values():
        body = function_ir(module_ir(tmp_path, SRC.replace("@native\n", ""), "argmax", flags),
                           "argmax_impl")
        assert "select" not in body
        assert "!prof" in body
