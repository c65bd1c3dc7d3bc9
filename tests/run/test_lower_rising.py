"""Differential tests: while loops whose indexes only rise
(compiler/lower_rising.c).  With bounds unchecked, a while loop that changes
an int local only by `i += c` (c >= 0) gets a copy for a start >= 0 in which
`a[i]` and `a[i + c]` skip the negative-index wraparound; a negative start
runs the ordinary copy, where the wraparound is Python's.  These compare
with CPython in both modes: starts of both signs (negative ones wrap), a
start that rises from negative to positive within the loop, the forms
`i += c`, `i = i + c` and `i = c + i`, two rising indexes (a merge), rising
indexes in nested loops and in the else clause, and the loops that must not
be copied (an index that also falls or is reset, a `for` over it, a negative
step).  Which loops get the copy is checked in the unoptimized IR."""
import numpy as np
import pytest

from difftest import build, module_ir, same_call

SRC = '''
@native
def partition(a: i64[:], lo: int, hi: int) -> int:
    pivot = a[(lo + hi) // 2]
    i = lo
    j = hi
    while i <= j:
        while a[i] < pivot:
            i += 1
        while a[j] > pivot:
            j -= 1
        if i <= j:
            t = a[i]
            a[i] = a[j]
            a[j] = t
            i += 1
            j -= 1
    return i * 1000 + j

@native
def merge(a: i64[:], b: i64[:], out: i64[:], i: int, j: int) -> int:
    k = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] <= b[j]:
            out[k] = a[i]
            i += 1
        else:
            out[k] = b[j]
            j = j + 1
        k = 1 + k
    return k

@native
def pairs_ahead(a: i64[:], i: int, step: int) -> int:
    s = 0
    while i + 2 < a.shape[0]:
        s += a[i] * a[i + 2]
        i += 2
    else:
        s += a[i + 1]
    return s

@native
def runs(a: i64[:], i: int) -> int:
    count = 0
    while i < a.shape[0] - 1:
        start = i
        while i < a.shape[0] - 1 and a[i + 1] >= a[i]:
            i += 1
        count += i - start + 1
        i += 1
    return count

@native
def match_at(text: u8[:], pat: u8[:], i: int) -> int:
    j = 0
    while j < pat.shape[0] and text[i + j] == pat[j]:
        j += 1
    return j

@native
def find_all(text: u8[:], pat: u8[:], out: i64[:]) -> int:
    c = 0
    for i in range(text.shape[0] - pat.shape[0] + 1):
        j = 0
        while j < pat.shape[0] and text[j + i + 0] == pat[j]:
            j += 1
        if j == pat.shape[0]:
            out[c] = i
            c += 1
    return c

@native
def back_and_forth(a: i64[:], i: int) -> int:
    s = 0
    n = 0
    while n < 6:
        s = s * 3 + a[i]
        if s % 2 == 0:
            i += 2
        else:
            i -= 1
        n += 1
    return s

@native
def reset(a: i64[:], i: int) -> int:
    s = 0
    n = 0
    while n < 5:
        s += a[i]
        i += 1
        if i >= 2:
            i = -2
        n += 1
    return s

@native
def for_over(a: i64[:], i: int) -> int:
    s = 0
    while i < 3:
        s += a[i]
        for i in range(i + 1, i + 2):
            s += 1
    return s
'''

MODES = {"safe": (), "unchecked": ("--boundscheck=off", "--overflowcheck=off")}
UNCHECKED = MODES["unchecked"]


@pytest.fixture(scope="module", params=list(MODES))
def mods(request):
    return build(SRC, MODES[request.param])


@pytest.mark.parametrize("n", [1, 2, 3, 8, 31, 200])
def test_partition(mods, n):
    rng = np.random.default_rng(n)
    a = rng.integers(-50, 50, n)
    same_call(mods, "partition", a, 0, n - 1)
    same_call(mods, "partition", np.sort(a), 0, n - 1)
    same_call(mods, "partition", a[::-1], n // 3, n - 1)


@pytest.mark.parametrize("lo,hi", [(-3, -1), (-8, -1), (-5, 2), (-1, 0)])
def test_partition_negative_start(mods, lo, hi):
    """lo < 0: Python's a[i] wraps; the loop's ordinary copy runs."""
    a = np.array([5, 1, 4, 2, 3, 9, 0, 7], np.int64)
    same_call(mods, "partition", a, lo, hi)


@pytest.mark.parametrize("i,j", [(0, 0), (2, 1), (-2, 0), (0, -2), (-1, -1), (4, 0)])
def test_merge(mods, i, j):
    a = np.array([1, 3, 5, 7, 9], np.int64)
    b = np.array([2, 3, 4, 10], np.int64)
    same_call(mods, "merge", a, b, np.zeros(16, np.int64), i, j)
    same_call(mods, "merge", a[::-1], b[::2], np.zeros(16, np.int64), i, j)


@pytest.mark.parametrize("i", [0, 4, 8, -4, -10])
def test_pairs_ahead_and_else(mods, i):
    """`a[i + 2]` in the body, `a[i + 1]` in the else clause; a start of -4
    rises through the negative indexes into the positive ones."""
    a = np.arange(10, dtype=np.int64) ** 2
    same_call(mods, "pairs_ahead", a, i, 2)


@pytest.mark.parametrize("i", [0, 3, -6, -1])
def test_runs_nested(mods, i):
    a = np.array([1, 2, 2, 5, 3, 4, 8, 1, 0, 9], np.int64)
    same_call(mods, "runs", a, i)


@pytest.mark.parametrize("i", [0, 2, 5, -6, -3, -9])
def test_match_at_sum_index(mods, i):
    """text[i + j]: i unchanged by the loop, j rising; a negative i makes
    i + j negative for a while, and Python's wraparound must stay then."""
    text = np.array([1, 2, 3, 1, 2, 3, 4, 1, 2, 3], np.uint8)
    pat = np.array([1, 2, 3, 4], np.uint8)
    same_call(mods, "match_at", text, pat, i)
    same_call(mods, "match_at", text[::-1], pat[:2], i)


def test_find_all(mods):
    rng = np.random.default_rng(4)
    text = rng.integers(0, 3, 5000).astype(np.uint8)
    for pat in ([0, 1], [2, 2, 2], [1], [0, 1, 2, 0, 1]):
        same_call(mods, "find_all", text, np.array(pat, np.uint8), np.zeros(5000, np.int64))


@pytest.mark.parametrize("i", [0, 1, 3])
def test_not_rising(mods, i):
    """i also falls below its start or is reset to a negative value: Python's
    wraparound must stay."""
    a = np.array([4, 1, 3, 8, 6, 2, 7, 5, 5, 1, 0, 3, 9, 8, 2, 6, 4, 1, 1, 7], np.int64)
    same_call(mods, "back_and_forth", a, i)
    same_call(mods, "reset", a, i)
    same_call(mods, "for_over", a, i)


def test_index_errors_in_safe_mode():
    mods = build(SRC)
    a = np.array([1, 2, 3], np.int64)
    same_call(mods, "pairs_ahead", a, 5, 2)       # the else clause's a[i + 1]
    same_call(mods, "pairs_ahead", np.arange(10), 1, 2)
    same_call(mods, "back_and_forth", a, 2)       # i rises past the end
    same_call(mods, "merge", a, a, np.zeros(2, np.int64), 0, 0)   # out too short


@pytest.mark.parametrize("name,copied", [("partition", True), ("merge", True),
                                         ("pairs_ahead", True), ("runs", True),
                                         ("match_at", True), ("find_all", True),
                                         ("back_and_forth", False), ("reset", False),
                                         ("for_over", False)])
def test_which_loops_are_copied(tmp_path, name, copied):
    """The copy exists only in unchecked mode and only where every change of
    the index rises (the unoptimized IR keeps the block names)."""
    src = SRC.replace("@native\n", "")
    ir = module_ir(tmp_path, src, name, UNCHECKED + ("-O0",))
    assert ("while.rising" in ir) == copied
    assert "while.rising" not in module_ir(tmp_path, src, name, ("-O0",))
