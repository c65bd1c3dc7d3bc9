"""Differential tests: integer min/max chains regrouped so that the value a
loop carries joins last (compiler/emit_minmax.c).  min(min(up + 1, left + 1),
diag + cost) becomes min(left + 1, min(up + 1, diag + cost)) where `left` is
the cell the previous iteration wrote: the same integer, with one
compare-and-select after the previous iteration instead of two.

Each kernel runs against CPython in both modes, on random data and on the
values where the arithmetic is closest to its limits (i32 cells at 2**31 - 1,
whose `+ 1` the safe mode must reject when it is stored; i64 sums that
overflow).  `pyjitc build -v` reports how many chains were regrouped, so
each test also pins down whether the rewrite happened: floats, chains with
no carried operand and chains whose partial result is used elsewhere must
be left alone.  test_random_chains generates chains of every form
(MINMAX_SEED=N shifts its seeds)."""
import os
import re
import subprocess

import numpy as np
import pytest

from difftest import PYJITC, build, same_call

SRC = '''
@native
def lev(a: i32[:], b: i32[:], d: i32[:, :]) -> int:
    n = a.shape[0]
    m = b.shape[0]
    for i in range(1, n + 1):
        ai = a[i - 1]
        for j in range(1, m + 1):
            if ai == b[j - 1]:
                cost = 0
            else:
                cost = 1
            best = int(d[i - 1, j]) + 1
            t = int(d[i, j - 1]) + 1
            if t < best:
                best = t
            t = int(d[i - 1, j - 1]) + cost
            if t < best:
                best = t
            d[i, j] = best
    return d[n, m]

@native
def dtw(x: i64[:], y: i64[:], d: i64[:, :]) -> int:
    for i in range(1, x.shape[0] + 1):
        for j in range(1, y.shape[0] + 1):
            c = abs(int(x[i - 1]) - int(y[j - 1]))
            d[i, j] = c + min(int(d[i - 1, j]), int(d[i, j - 1]), int(d[i - 1, j - 1]))
    return d[x.shape[0], y.shape[0]]

@native
def local_align(a: i32[:], b: i32[:], h: i64[:, :], gap: int) -> int:
    best = 0
    for i in range(1, a.shape[0] + 1):
        for j in range(1, b.shape[0] + 1):
            s = 3 if a[i - 1] == b[j - 1] else -3
            v = max(int(h[i, j - 1]) - gap, 0, int(h[i - 1, j - 1]) + s, int(h[i - 1, j]) - gap)
            h[i, j] = v
            if v > best:
                best = v
    return best

@native
def scalar_run(x: i64[:], y: i64[:], z: i64[:]) -> int:
    run = 0
    total = 0
    for j in range(x.shape[0]):
        run = min(run + int(x[j]), int(y[j]), int(z[j]))
        total += run
    return total

@native
def ifexp_chain(x: i64[:], y: i64[:], out: i64[:]) -> None:
    best = int(out[0])
    for j in range(1, x.shape[0]):
        t = best - 1
        cand = int(x[j]) if x[j] > y[j] else int(y[j])
        best = t if t > cand else cand
        cand = int(x[j]) + int(y[j])
        best = best if best > cand else cand
        out[j] = best

@native
def float_chain(x: f64[:], y: f64[:], out: f64[:]) -> None:
    best = out[0]
    for j in range(1, x.shape[0]):
        best = min(best + 1.0, x[j], y[j])
        out[j] = best

@native
def no_carried(x: i64[:], y: i64[:], z: i64[:], out: i64[:]) -> None:
    for j in range(x.shape[0]):
        out[j] = min(int(x[j]), int(y[j]), int(z[j]))

@native
def partial_used(x: i64[:], y: i64[:]) -> int:
    run = 0
    total = 0
    for j in range(x.shape[0]):
        m = min(run + 1, int(x[j]))
        run = min(m, int(y[j]))
        total += m
    return total
'''

# whether pyjitc build -v counts a regrouped chain in the kernel (a chain of
# four operands counts twice; each copy of a versioned loop counts)
REGROUPED = {"lev": True, "dtw": True, "local_align": True, "scalar_run": True,
             "ifexp_chain": True, "float_chain": False, "no_carried": False,
             "partial_used": False}

MODES = {"safe": (), "unchecked": ("--boundscheck=off", "--overflowcheck=off")}


@pytest.fixture(scope="module", params=list(MODES))
def mods(request):
    return build(SRC, MODES[request.param])


@pytest.fixture(scope="module")
def safe_mods():
    """For the calls that raise: unchecked mode does not check stores and
    indices (its results there are not CPython's, by design)."""
    return build(SRC)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", list(REGROUPED))
def test_regrouped_where_a_carried_operand_is_not_last(tmp_path, name, mode):
    path = tmp_path / "k.py"
    path.write_text("from pyjitc import i32, i64, f64\n" + SRC.replace("@native\n", ""))
    r = subprocess.run([PYJITC, "build", "-v", "--only", name, *MODES[mode], "-o", str(tmp_path),
                        str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    m = re.search(r"(\d+) integer min/max chains? regrouped", r.stderr)
    assert (int(m.group(1)) if m else 0) > 0 if REGROUPED[name] else m is None, r.stderr


def lev_table(a, b, edge):
    d = np.zeros((len(a) + 1, len(b) + 1), np.int32)
    d[:, 0] = edge[0] + np.arange(len(a) + 1)
    d[0, :] = edge[1] + np.arange(len(b) + 1)
    return d


@pytest.mark.parametrize("n,m", [(0, 0), (1, 1), (1, 9), (7, 3), (40, 37), (65, 129)])
def test_lev(mods, n, m):
    rng = np.random.default_rng(n * 1000 + m)
    a = rng.integers(0, 4, n).astype(np.int32)
    b = rng.integers(0, 4, m).astype(np.int32)
    same_call(mods, "lev", a, b, lev_table(a, b, (0, 0)))


def test_lev_strided_and_transposed(mods):
    rng = np.random.default_rng(5)
    a = rng.integers(0, 3, 30).astype(np.int32)
    b = rng.integers(0, 3, 50).astype(np.int32)
    d = lev_table(a, b, (0, 0))
    same_call(mods, "lev", a[::-1], b[::2], np.asfortranarray(lev_table(a[::-1], b[::2], (0, 0))))
    big = np.zeros((2 * d.shape[0], 2 * d.shape[1]), np.int32)
    big[::2, ::2] = d
    same_call(mods, "lev", a, b, big[::2, ::2])


def test_lev_cells_at_the_i32_limit(safe_mods):
    """Edges near 2**31 - 1: a `+ 1` reaches 2**31, which the safe mode's
    store rejects (OverflowError, as NumPy's would) where CPython does; the
    chain's minimum must be the same one, whichever operand joins last."""
    mods = safe_mods
    a = np.array([1, 2, 1, 3], np.int32)
    b = np.array([1, 1, 2], np.int32)
    top = 2**31 - 1
    d = lev_table(a, b, (top - 10, top - 10))
    d[0, :] = top
    same_call(mods, "lev", a, b, d)
    d = lev_table(a, b, (top - 10, top - 10))
    d[:, 0] = top - 2
    same_call(mods, "lev", a, b, d)
    d = lev_table(a, b, (-2**31, -2**31))
    same_call(mods, "lev", a, b, d)


def test_lev_index_error_in_the_chain(safe_mods):
    mods = safe_mods
    a = np.array([1, 2, 3, 4], np.int32)
    b = np.array([1, 3, 3], np.int32)
    same_call(mods, "lev", a, b, np.zeros((5, 3), np.int32))   # d[i, 3] is out of bounds
    same_call(mods, "lev", a, b, np.zeros((4, 4), np.int32))


@pytest.mark.parametrize("n,m", [(1, 1), (5, 8), (33, 17)])
def test_dtw(mods, n, m):
    rng = np.random.default_rng(n + 7 * m)
    x = rng.integers(-50, 50, n)
    y = rng.integers(-50, 50, m)
    d = np.full((n + 1, m + 1), 10**12, np.int64)
    d[0, 0] = 0
    same_call(mods, "dtw", x, y, d)


def test_dtw_huge_cells(mods):
    """The losing candidates are near 2**63: the sums stay in range only
    if the chain picks the same minimum as CPython."""
    x = np.array([3, -7, 5], np.int64)
    y = np.array([-1, 4], np.int64)
    d = np.full((4, 3), 2**63 - 100, np.int64)
    d[0, 0] = 0
    same_call(mods, "dtw", x, y, d)
    d[1:, 0] = -2**62
    same_call(mods, "dtw", x, y, d)


@pytest.mark.parametrize("n,m,gap", [(1, 1, 2), (12, 20, 2), (40, 31, 1), (9, 9, 100)])
def test_local_align(mods, n, m, gap):
    rng = np.random.default_rng(n * m + gap)
    a = rng.integers(0, 4, n).astype(np.int32)
    b = rng.integers(0, 4, m).astype(np.int32)
    same_call(mods, "local_align", a, b, np.zeros((n + 1, m + 1), np.int64), gap)


def test_local_align_huge_cells(mods):
    a = np.array([1, 2], np.int32)
    b = np.array([2, 1, 2], np.int32)
    h = np.zeros((3, 4), np.int64)
    h[0, :] = -2**62
    h[:, 0] = 2**62
    same_call(mods, "local_align", a, b, h, 5)
    same_call(mods, "local_align", a, b, h, -5)


@pytest.mark.parametrize("n", [0, 1, 2, 17, 200])
def test_scalar_run(mods, n):
    rng = np.random.default_rng(n)
    x, y, z = (rng.integers(-9, 9, n) for _ in range(3))
    same_call(mods, "scalar_run", x, y, z)


def test_scalar_run_huge(mods):
    x = np.array([2**59, 2**59, 2**59, 1], np.int64)
    big = np.full(4, 2**60, np.int64)
    same_call(mods, "scalar_run", x, big, big)
    same_call(mods, "scalar_run", -x, -big, big)


def test_scalar_run_overflow(safe_mods):
    """run + x[j] beyond int64: OverflowError in safe mode (SPEC section 3),
    where CPython's int would grow and min() then pick y[j]."""
    x = np.array([2**62, 2**62, 2**62], np.int64)
    compiled, _ = safe_mods
    with pytest.raises(OverflowError):
        compiled.scalar_run(x, np.full(3, 2**63 - 1), np.full(3, 2**63 - 1))


@pytest.mark.parametrize("n", [1, 2, 31, 100])
def test_ifexp_chain(mods, n):
    rng = np.random.default_rng(100 + n)
    x, y = rng.integers(-20, 20, n), rng.integers(-20, 20, n)
    out = np.zeros(n, np.int64)
    out[0] = 5
    same_call(mods, "ifexp_chain", x, y, out)
    out[0] = -2**63 + 1   # best - 1 is the smallest int64
    same_call(mods, "ifexp_chain", x, y, out)


def test_float_chain_keeps_pythons_order(mods):
    """min(best + 1.0, x, y) keeps the first of equal or unordered values:
    NaN in first place sticks, later NaNs are skipped, 0.0 before -0.0."""
    nan = float("nan")
    x = np.array([0.0, nan, -0.0, 1.0, 0.0, nan, -5.0])
    y = np.array([0.0, 2.0, 0.0, nan, -0.0, 1.0, -5.0])
    for start in (-1.0, nan, -0.0, 0.0):
        out = np.zeros(7)
        out[0] = start
        same_call(mods, "float_chain", x, y, out)


def test_no_carried(mods):
    rng = np.random.default_rng(3)
    x, y, z = (rng.integers(-100, 100, 77) for _ in range(3))
    same_call(mods, "no_carried", x, y, z, np.zeros(77, np.int64))
    same_call(mods, "no_carried", x[::-2], y[::2], z[:39], np.zeros(39, np.int64))


@pytest.mark.parametrize("n", [0, 5, 64])
def test_partial_used(mods, n):
    rng = np.random.default_rng(n + 11)
    same_call(mods, "partial_used", rng.integers(-5, 9, n), rng.integers(-5, 9, n))


# ---- random chains: every form of min/max update, the carried value at a
# random position, in both modes (differential against CPython)

def _chain_fn(rng, name, out_type):
    """A function whose loop updates `c` by one or two min/max chains of
    three or four operands, one of them computed from c itself."""
    lines = [f"def {name}(x: i64[:], y: i64[:], z: i64[:], out: {out_type}[:]) -> int:",
             "    c = int(out[0])",
             "    acc = 0",
             "    for j in range(1, x.shape[0]):"]
    for k in range(rng.integers(1, 3)):
        kind = rng.choice(["min", "max"])
        terms = [f"c + {rng.integers(-3, 4)}", "int(x[j])", f"int(y[j]) - {rng.integers(0, 5)}",
                 f"int(z[j]) * {rng.integers(1, 3)}"]
        rng.shuffle(terms)
        terms = terms[:rng.integers(3, 5)]
        if not any(t.startswith("c ") for t in terms):
            terms[rng.integers(0, len(terms))] = "c - 1"
        form = rng.choice(["call", "if", "ifexp", "nested"])
        op = "<" if kind == "min" else ">"
        if form == "call":
            lines.append(f"        c = {kind}({', '.join(terms)})")
        elif form == "nested":
            e = terms[0]
            for t in terms[1:]:
                e = f"{kind}({e}, {t})" if rng.integers(0, 2) else f"{kind}({t}, {e})"
            lines.append(f"        c = {e}")
        else:
            lines.append(f"        b{k} = {terms[0]}")
            for t in terms[1:]:
                lines.append(f"        t = {t}")
                if form == "if":
                    lines.append(f"        if t {op}{rng.choice(['', '='])} b{k}:")
                    lines.append(f"            b{k} = t")
                else:
                    lines.append(f"        b{k} = t if t {op} b{k} else b{k}")
            lines.append(f"        c = b{k}")
    lines.append("        out[j] = c")
    if rng.integers(0, 2):
        lines.append("        acc += c")
    lines.append("    return c + acc")
    return "\n".join(lines) + "\n"


RANDOM_MODULES = 4
RANDOM_PER_MODULE = 8


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("seed", range(RANDOM_MODULES))
def test_random_chains(seed, mode):
    rng = np.random.default_rng(9000 + seed + int(os.environ.get("MINMAX_SEED", 0)))
    names = [f"chain{k}" for k in range(RANDOM_PER_MODULE)]
    out_types = {n: rng.choice(["i64", "i32"]) for n in names}
    src = "\n".join("@native\n" + _chain_fn(rng, n, out_types[n]) for n in names)
    mods = build(src, MODES[mode])
    for n in names:
        dtype = np.int64 if out_types[n] == "i64" else np.int32
        for size, lo, hi in ((1, -5, 5), (9, -5, 5), (40, -100, 100), (33, -2**30, 2**30)):
            x, y, z = (rng.integers(lo, hi, size) for _ in range(3))
            # unchecked mode does not range-check the i32 stores (by design)
            extremes = (2**31 - 1, -2**31) if mode == "safe" else ()
            for first in (0, int(rng.integers(lo, hi))) + extremes:
                out = np.zeros(size, dtype)
                out[0] = first
                same_call(mods, n, x, y, z, out)
                if mode == "safe":
                    same_call(mods, n, x[::-1], y[::2][:size // 2 + 1], z, out)
