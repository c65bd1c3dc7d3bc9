"""Differential tests: the cheaper exact lowerings of integer operations
(compiler/lower_array.c wrap_index, lower_expr.c float_to_int, ...).

- Array indices that are not proven in range: one unsigned compare on the
  hot path, wraparound of negative indices and the IndexError off it.
- int(float): one compare on the hot path (x86: the INT64_MIN result of
  cvttsd2si), -2**63 as the one valid double behind that result.

Each is compared against CPython at the edges (NaN, +-inf, the int64 limits,
-n-1 / -n / -1 / n-1 / n) and at the iteration that raises, after the same
writes, in the four check modes."""
import math

import numpy as np
import pytest

from difftest import build, expect_exc, same_call

FLAGS = [(), ("--boundscheck=off",), ("--overflowcheck=off",),
         ("--boundscheck=off", "--overflowcheck=off")]
IDS = ["safe", "nobounds", "nooverflow", "unchecked"]

SRC = '''
@native
def get(a: i64[:], k: int) -> int:
    return a[k]

@native
def put(a: i64[:], k: int, v: int) -> None:
    a[k] = v

@native
def bump(a: i64[:], k: int) -> None:
    a[k] += 1

@native
def get2(a: f64[:, :], i: int, j: int) -> float:
    return a[i, j]

@native
def gather(a: f64[:], idx: i64[:], out: f64[:]) -> None:
    # idx[i] is not affine in i: never proven, so every access is checked
    for i in range(idx.shape[0]):
        out[i] = a[idx[i]]

@native
def count_into(bins: i64[:], idx: i64[:]) -> int:
    n = 0
    for i in range(idx.shape[0]):
        bins[idx[i]] += 1
        n += 1
    return n

@native
def scan_while(a: i64[:], start: int, pivot: int) -> int:
    i = start
    while a[i] < pivot:
        i += 1
    return i

@native
def to_int(x: float) -> int:
    return int(x)

@native
def floor_int(x: float) -> int:
    return math.floor(x)

@native
def ints_of(xs: f64[:], out: i64[:]) -> int:
    s = 0
    for i in range(xs.shape[0]):
        out[i] = int(xs[i] * 2.0)
        s += 1
    return s

@native
def hist(data: f64[:], lo: float, hi: float, bins: i64[:]) -> int:
    nb = bins.shape[0]
    scale = nb / (hi - lo)
    outside = 0
    for i in range(data.shape[0]):
        x = data[i]
        if x >= lo and x < hi:
            k = int((x - lo) * scale)
            if k >= nb:
                k = nb - 1
            bins[k] += 1
        else:
            outside += 1
    return outside
'''


@pytest.fixture(scope="module", params=FLAGS, ids=IDS)
def mods(request):
    return build(SRC, request.param), request.param


def nobounds(flags):
    return "--boundscheck=off" in flags


BIG = 2**63 - 1
OVF = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"
EDGE = [0, 1, 4, -1, -4, -5, 5, 6, -6, BIG, -BIG - 1, 2**32, -2**32]


def test_scalar_index_edges(mods):
    m, flags = mods
    a = np.arange(5, dtype=np.int64) * 10
    for k in EDGE:
        if nobounds(flags) and not -5 <= k < 5:
            continue
        same_call(m, "get", a, k)
        same_call(m, "put", a, k, 77)
        same_call(m, "bump", a, k)
    # empty array: every index raises
    if not nobounds(flags):
        for k in [0, -1, 1]:
            same_call(m, "get", np.zeros(0, dtype=np.int64), k)


def test_strided_and_2d(mods):
    m, flags = mods
    base = np.arange(40, dtype=np.int64)
    for view in [base[::3], base[::-2], base[5:6]]:
        n = view.shape[0]
        for k in [0, n - 1, -1, -n] + ([] if nobounds(flags) else [n, -n - 1]):
            same_call(m, "get", view, k)
            same_call(m, "bump", view, k)
    a = np.arange(12.0).reshape(3, 4)
    for a2 in [a, a[::-1, ::2], np.asfortranarray(a)]:
        r, c = a2.shape
        for i, j in [(0, 0), (r - 1, c - 1), (-1, -1), (-r, -c), (1, -c)] + (
                [] if nobounds(flags) else [(r, 0), (0, c), (-r - 1, 0), (0, -c - 1), (BIG, 0), (0, -BIG - 1)]):
            same_call(m, "get2", a2, i, j)


def test_gather_raises_at_the_same_iteration(mods):
    m, flags = mods
    a = np.arange(6.0)
    cases = [[0, 5, -1, -6, 3], [2, 2, 2], []]
    if not nobounds(flags):
        cases += [[0, 1, 6, 2], [0, -7, 1], [5, -1, BIG], [-BIG - 1]]
    for idx in cases:
        same_call(m, "gather", a, np.array(idx, dtype=np.int64), np.full(len(idx), -1.0))
        same_call(m, "count_into", np.zeros(6, dtype=np.int64), np.array(idx, dtype=np.int64))


def test_while_scan(mods):
    m, flags = mods
    a = np.array([1, 2, 3, 9, 4], dtype=np.int64)
    for start, pivot in [(0, 3), (0, 9), (-5, 3), (-2, 5), (2, 100)]:
        if nobounds(flags) and pivot == 100:
            continue
        same_call(m, "scan_while", a, start, pivot)


F2I = [0.0, -0.0, 0.5, -0.5, 1.9, -1.9, 1e18, -1e18, 2.0**62, 2.0**63, -2.0**63,
       math.nextafter(2.0**63, 0.0), math.nextafter(-2.0**63, 0.0), math.nextafter(-2.0**63, -math.inf),
       1e300, -1e300, 5e-324, math.inf, -math.inf, math.nan, -math.nan]


def test_float_to_int_edges(mods):
    m, _ = mods
    for x in F2I:
        same_call(m, "to_int", x)
        same_call(m, "floor_int", x)


def test_float_to_int_loop_raises_in_place(mods):
    m, _ = mods
    # (beyond int64 CPython raises only at the store into out, with NumPy's
    # message: the scalar test covers those values)
    for bad in [math.nan, math.inf, -math.inf, -math.nan]:
        xs = np.array([1.25, -3.5, bad, 7.0])
        same_call(m, "ints_of", xs, np.zeros(4, dtype=np.int64))
    # -2**63 / 2 * 2 is -2**63: valid, converts to INT64_MIN
    same_call(m, "ints_of", np.array([-2.0**62, 0.75]), np.zeros(2, dtype=np.int64))


def test_histogram_shapes(mods):
    m, flags = mods
    rng = np.random.default_rng(5)
    data = rng.normal(0.0, 1.0, 500)
    data[7] = math.nan
    data[9] = math.inf
    data[11] = -math.inf
    data[13] = 3.0
    for lo, hi, nb in [(-3.0, 3.0, 10), (-1.0, 1.0, 1), (0.0, 1e-300, 5), (-1e308, 1e308, 7),
                       (2.0, -2.0, 4)]:
        same_call(m, "hist", data, lo, hi, np.zeros(nb, dtype=np.int64))
    # a bin count at the int64 limit: the += raises in safe mode (NumPy's
    # element arithmetic would wrap with a warning: SPEC §3 raises)
    bins = np.zeros(3, dtype=np.int64)
    bins[1] = BIG
    if "--overflowcheck=off" not in flags:
        expect_exc(m, "hist", OverflowError, OVF, np.array([0.1, 0.5, 0.9]), 0.0, 1.0, bins)
        assert list(bins) == [1, BIG, 0]
    # scale is inf: (x - lo) * inf is NaN for x == lo, inf above: int() raises
    same_call(m, "hist", np.array([1e-300, 0.0]), 0.0, 1e-310, np.zeros(2, dtype=np.int64))


# ------------------------------------------------- speculated if, affine chains

SPEC = '''
K = 3

@native
def step(x: int) -> int:
    if x % 2 == 0:
        x = x // 2
    else:
        x = 3 * x + 1
    return x

@native
def collatz_len(x: int, trail: i64[:]) -> int:
    length = 1
    while x != 1 and length < trail.shape[0]:
        if x % 2 == 0:
            x = x // 2
        else:
            x = K * x + 1
        trail[length] = x
        length += 1
    return length

@native
def two_vars_pair(c: bool, a: int, b: int) -> tuple[int, int]:
    if c:
        a = a + 1
        b = b * 2
    else:
        a -= 1
    return a, b

@native
def mixed(c: int, t: float, n: int) -> tuple[float, int, bool]:
    flag = False
    if c > 0:
        t = t * 2.0 + 1.0
        n += c
        flag = t > 10.0
    else:
        n = n - c * 4
    return t, n, flag

@native
def clamp_count(xs: i64[:], cap: int) -> int:
    total = 0
    for i in range(xs.shape[0]):
        k = xs[i]
        if k >= cap:
            k = cap - 1
        total += k
    return total

@native
def chain_a(x: int) -> int:
    return 2 * (x - 7) - 1

@native
def chain_b(x: int) -> int:
    return -(x * 5) + 7

@native
def chain_c(x: int) -> int:
    return 1 - x * 3

@native
def chain_zero(x: int) -> int:
    return x * 0 + 9223372036854775807

@native
def chain_always(x: int) -> int:
    return (x * 0 + 9223372036854775807) + 1

@native
def chain_huge(x: int) -> int:
    return x * 4611686018427387904 * 4

@native
def chain_bail(x: int) -> int:
    return x * 1099511627776 * 1099511627776 * 1099511627776

@native
def chain_neg(x: int) -> int:
    return -x - 1

@native
def chain_narrow(x: i32) -> int:
    return x * 1000000007 * 3 + 5
'''

CHAIN_X = [0, 1, -1, 2, -2, 7, 100, -100, 2**31, -2**31, 2**62, -2**62,
           3074457345618258602, 3074457345618258603, -3074457345618258602, -3074457345618258603,
           -3074457345618258605, 1844674407370955161, 1844674407370955163, -1844674407370955162,
           -1844674407370955159, 4611686018427387899, 4611686018427387900, 4611686018427387904,
           -4611686018427387897, -4611686018427387896, BIG, -BIG, -BIG - 1]


@pytest.fixture(scope="module", params=FLAGS, ids=IDS)
def spec(request):
    return build(SPEC, request.param), request.param


def wraps(flags):
    return "--overflowcheck=off" in flags


def S(v):
    """One step of int64 arithmetic as SPEC §3 has it: a value beyond int64,
    even an intermediate one, is OverflowError (CPython would grow it)."""
    if not -2**63 <= v <= BIG:
        raise OverflowError(OVF)
    return v


def check(m, flags, model, name, *args):
    """Compares with CPython where every step fits; else the compiled call
    raises the overflow in safe mode (unchecked wrapping is not compared)."""
    try:
        model(*args)
    except OverflowError:
        if not wraps(flags):
            expect_exc(m, name, OverflowError, OVF, *args)
        return
    same_call(m, name, *args)


def m_step(x):
    return x // 2 if x % 2 == 0 else S(S(3 * x) + 1)


def test_collatz_step_edges(spec):
    m, flags = spec
    for x in CHAIN_X:
        check(m, flags, m_step, "step", x)


def test_collatz_loop_raises_at_the_step(spec):
    (compiled, python), flags = spec
    for x in [27, 97, 1, 2, 3074457345618258601, 6148914691236517203, 3074457345618258603,
              1537228672809129301, -3074457345618258603, -7]:
        y, writes, bad = x, [0], False
        while y != 1 and len(writes) < 40:
            try:
                y = m_step(y)
            except OverflowError:
                bad = True
                break
            writes.append(y)
        if bad and wraps(flags):
            continue
        trail = np.zeros(40, dtype=np.int64)
        if bad:
            # CPython only fails at the store (NumPy's message); the compiled
            # step raises, after the same earlier writes
            expect_exc((compiled, python), "collatz_len", OverflowError, OVF, x, trail)
            assert list(trail[:len(writes)]) == writes and not trail[len(writes):].any()
        else:
            same_call((compiled, python), "collatz_len", x, trail)


def m_pair(c, a, b):
    return (S(a + 1), S(b * 2)) if c else (S(a - 1), b)


def test_speculated_two_vars(spec):
    m, flags = spec
    for c in [True, False]:
        for a, b in [(0, 0), (BIG, 1), (1, 2**62), (-2**63, 5), (BIG, 2**62), (-2**63, 2**62),
                     (5, -2**62 - 1), (5, -2**62)]:
            check(m, flags, m_pair, "two_vars_pair", c, a, b)


def m_mixed(c, t, n):
    return S(n + c) if c > 0 else S(n - S(c * 4))


def test_speculated_mixed(spec):
    m, flags = spec
    for c in [0, 1, -1, 5, BIG, -2**63, 2**61, -2**61 - 1, -2**61, 2**62]:
        for t in [0.0, 4.75, -1.0, math.nan, math.inf]:
            for n in [0, BIG - 4, -2**63 + 4]:
                check(m, flags, m_mixed, "mixed", c, t, n)


def test_speculated_in_loop(spec):
    m, flags = spec
    xs = np.array([5, 0, 99, -3, 12, 7], dtype=np.int64)
    for cap in [10, 0, 1, 100, -2**60] + ([] if wraps(flags) else [-2**63 + 1, -2**63]):
        same_call(m, "clamp_count", xs, cap)


CHAINS = {"chain_a": lambda x: S(S(2 * S(x - 7)) - 1), "chain_b": lambda x: S(S(-S(x * 5)) + 7),
          "chain_c": lambda x: S(1 - S(x * 3)), "chain_zero": lambda x: BIG,
          "chain_always": lambda x: S(BIG + 1), "chain_huge": lambda x: S(S(x * 2**62) * 4),
          "chain_bail": lambda x: S(S(S(x * 2**40) * 2**40) * 2**40),
          "chain_neg": lambda x: S(S(-x) - 1)}


def test_chains(spec):
    m, flags = spec
    for name, model in CHAINS.items():
        for x in CHAIN_X:
            check(m, flags, model, name, x)
    for x in [0, 1, -1, 2**31 - 1, -2**31, 3, -3]:
        check(m, flags, lambda v: S(S(S(v * 1000000007) * 3) + 5), "chain_narrow", x)


def _raise_line(fn, *args):
    import traceback
    try:
        fn(*args)
    except OverflowError as e:
        return traceback.extract_tb(e.__traceback__)[-1].lineno
    return None


def test_speculated_raise_line(spec):
    """The traceback names the statement of the arm that overflowed."""
    (compiled, python), flags = spec
    if wraps(flags):
        pytest.skip("overflow raises only with overflow checks")
    for c, a, b, which in [(True, BIG, 1, "a"), (True, 1, 2**62, "b"), (False, -2**63, 1, "a2"),
                           (True, BIG, 2**62, "a")]:
        got = _raise_line(compiled.two_vars_pair, c, a, b)
        code = python.two_vars_pair.__code__
        lines = [ln for ln in range(code.co_firstlineno, code.co_firstlineno + 8)]
        text = {ln: python_src_line(python, ln) for ln in lines}
        want = {"a": "a = a + 1", "b": "b = b * 2", "a2": "a -= 1"}[which]
        assert text[got].strip() == want, (c, a, b, got, text)


def python_src_line(mod, ln):
    import linecache
    return linecache.getline(mod.__file__, ln)


# ------------------------------------------ floor // and % by positive constants

DIVS = '''
@native
def fdm(a: int) -> tuple[int, int, int, int, int, int, int, int]:
    return a // 3, a % 3, a // 7, a % 7, a // 2147483647, a % 2147483647, a // 1000000007, a % 9223372036854775807

@native
def fdm_big(a: int) -> tuple[int, int, int, int]:
    return a // 9223372036854775807, a % 4611686018427387905, a // 6, a % 10

@native
def lcg(seed: int, n: int, out: i64[:]) -> int:
    state = seed
    for i in range(n):
        state = state * 48271 % 2147483647
        out[i] = state
    return state
'''


@pytest.fixture(scope="module", params=FLAGS, ids=IDS)
def divs(request):
    return build(DIVS, request.param), request.param


def test_floordivmod_constants(divs):
    m, _ = divs
    rng = np.random.default_rng(11)
    xs = [0, 1, -1, 2, -2, 3, -3, 6, -6, 7, -7, 20, -20, 21, -21, 2147483646, 2147483647, -2147483647,
          -2147483648, 2**62, -2**62, BIG, -BIG, -BIG - 1, BIG - 1, 9223372036854775806 // 7 * 7,
          -(9223372036854775806 // 7 * 7), 4611686018427387905, -4611686018427387905]
    xs += [int(v) for v in rng.integers(-2**63, 2**63 - 1, 200, dtype=np.int64)]
    for x in xs:
        same_call(m, "fdm", x)
        same_call(m, "fdm_big", x)


def test_lcg(divs):
    m, flags = divs
    for seed in [12345, 1, 0, -1, -12345, 2147483646, 2147483647, -2147483647, 190000000000000]:
        same_call(m, "lcg", seed, 50, np.zeros(50, dtype=np.int64))
    if not wraps(flags):
        # the first multiply overflows: OverflowError before any write
        expect_exc(m, "lcg", OverflowError, OVF, 2**62, 5, np.zeros(5, dtype=np.int64))


# ------------------------------- while loops versioned on unit strides, shapes

WHILES = '''
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
def sort(a: i64[:]) -> None:
    sort_range(a, 0, a.shape[0] - 1)

@native
def sort_range(a: i64[:], lo: int, hi: int) -> None:
    # bench/kernels.py's quicksort_range
    while lo < hi:
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
        if j - lo < hi - i:
            sort_range(a, lo, j)
            lo = i
        else:
            sort_range(a, i, hi)
            hi = j

@native
def copy_until(src: f64[:], dst: f64[:], stop: float) -> int:
    i = 0
    while src[i] != stop:
        dst[i] = src[i] * 2.0
        i += 1
    else:
        dst[0] = -1.0
    return i

@native
def walk2(m: f64[:, :], r: int) -> float:
    s = 0.0
    j = 0
    while j < m.shape[1]:
        s += m[r, j]
        if s > 100.0:
            break
        j += 1
    return s

@native
def last_index(a: i64[:]) -> int:
    n = a.shape[0]
    k = n - 1
    while k >= 0 and a[k] == 0:
        k -= 1
    return k
'''


@pytest.fixture(scope="module", params=FLAGS, ids=IDS)
def whiles(request):
    return build(WHILES, request.param), request.param


def test_while_unit_and_strided(whiles):
    m, flags = whiles
    rng = np.random.default_rng(17)
    base = rng.integers(0, 50, 64).astype(np.int64)
    for view in [base.copy(), base[::2], base[::-1], base[3:40:3], base[:1], base[:0]]:
        same_call(m, "sort", view)
        if view.shape[0]:
            same_call(m, "partition", view, 0, view.shape[0] - 1)
            same_call(m, "partition", view, -view.shape[0], -1)
        same_call(m, "last_index", view)
        z = view.copy()
        z[len(z) // 2:] = 0
        same_call(m, "last_index", z)
    src = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    for s, d in [(src, np.zeros(6)), (src[::-1], np.zeros(6)[::2].repeat(2)), (src[::2], np.zeros(12)[::4])]:
        for stop in [3.0, 1.0, 6.0, 5.0]:
            if stop in s:  # else it runs past the end (below)
                same_call(m, "copy_until", s, d, stop)
    if not nobounds(flags):
        # runs past the end: IndexError at the same i, after the same writes
        for s, d in [(src, np.zeros(6)), (src[::-1], np.zeros(12)[::2]), (src, np.zeros(3))]:
            same_call(m, "copy_until", s, d, 99.0)
    mat = np.arange(24.0).reshape(4, 6)
    for mm in [mat, mat[:, ::-1], mat[::2, ::2], np.asfortranarray(mat), mat[:, :1]]:
        for r in [0, 1, -1] + ([] if nobounds(flags) else [mm.shape[0], -mm.shape[0] - 1]):
            same_call(m, "walk2", mm, r)


def test_sort_overflow_index(whiles):
    m, flags = whiles
    if nobounds(flags):
        pytest.skip("out-of-range indices are the user's problem without bounds checks")
    a = np.array([3, 1, 2], dtype=np.int64)
    for lo, hi in [(0, 5), (-4, 2), (2**62, 2**62 + 1), (-2**63, -2**63 + 2)]:
        if wraps(flags) and lo + hi < -2**63:
            continue
        try:
            S(lo + hi)
        except OverflowError:
            if not wraps(flags):
                expect_exc(m, "partition", OverflowError, OVF, a, lo, hi)
            continue
        same_call(m, "partition", a, lo, hi)


MANY_C = [3, 5, 6, 7, 9, 10, 11, 12, 13, 25, 100, 641, 1000, 6700417, 2**31 - 1, 2**32 + 1,
          10**18 + 9, 2**62 - 1, 2**62 + 1, 3**39, 2**63 - 2, 2**63 - 1]
MANY = "\n".join(f'''
@native
def dm{i}(a: int) -> tuple[int, int]:
    return a // {c}, a % {c}
''' for i, c in enumerate(MANY_C))


@pytest.fixture(scope="module", params=FLAGS[:1] + FLAGS[3:], ids=["safe", "unchecked"])
def many(request):
    return build(MANY, request.param)


def test_floordivmod_many_constants(many):
    rng = np.random.default_rng(23)
    xs = [0, 1, -1, BIG, -BIG, -BIG - 1, 2**62, -2**62, 2**32, -2**32]
    xs += [int(v) for v in rng.integers(-2**63, 2**63 - 1, 60, dtype=np.int64)]
    xs += [int(v) for v in rng.integers(-10**6, 10**6, 20)]
    for i, c in enumerate(MANY_C):
        for x in xs + [c, -c, c - 1, -c + 1, c + 1, -c - 1, 2 * c, -2 * c, 2 * c - 1, -2 * c + 1]:
            if -2**63 <= x <= BIG:
                same_call(many, f"dm{i}", x)
