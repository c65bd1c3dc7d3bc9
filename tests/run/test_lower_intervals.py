"""Differential tests: interval guards (compiler/lower_loop.c, "intervals").

In an innermost range loop, int arithmetic over the loop variable, loop
invariants and constants, and calls of small "pure" callees (straight-line
scalar code ending in a return), run without overflow and zero-division
checks when the guard's interval arithmetic proves, before the loop, that no
check can fire.  Otherwise the checked copy runs, and the exception must come
at the same iteration, after the same writes, with CPython's message, the
callee's traceback frame included.  The cases below sit on both sides of
every boundary: products that overflow int64 in the middle of the range,
divisors whose range crosses 0 or -1, negated INT64_MIN, defaults, locals,
conditional expressions, and callees that are not pure."""
import builtins
import subprocess
import traceback

import numpy as np
import pytest

from difftest import HEADER, PYJITC, build, same_call

SRC = '''
def eval_a(i: int, j: int) -> float:
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)

@native
def row_sums(out: f64[:], i: int, j0: int, n: int) -> float:
    s = 0.0
    for j in range(j0, j0 + n):
        s += eval_a(i, j)
        out[j - j0] = s
    return s

@native
def col_sums(out: f64[:], j: int, i0: int, n: int) -> float:
    s = 0.0
    for i in range(i0, i0 + n):
        s += eval_a(i, j)
        out[i - i0] = s
    return s

def poly(x: int, c: int) -> int:
    t = x * x
    u = t - c * x
    return u // 3 + 1

@native
def poly_fill(out: i64[:], c: int, start: int, step: int) -> None:
    for k in range(out.shape[0]):
        out[k] = poly(start + k * step, c)

def with_default(x: int, d: int = 7) -> int:
    return x * d - 1

@native
def default_fill(out: i64[:], base: int) -> None:
    for k in range(out.shape[0]):
        out[k] = with_default(base + k)

def mixed(x: int, y: float, flag: bool) -> float:
    q = -x if flag else x + 1
    return y * q / (x - 3) + (1.5 if x > 2 else -0.5)

@native
def mixed_fill(out: f64[:], y: float, lo: int, flag: bool) -> None:
    for k in range(lo, lo + out.shape[0]):
        out[k - lo] = mixed(k, y, flag)

@native
def floor_by(out: i64[:], d: int, off: int) -> None:
    for k in range(out.shape[0]):
        out[k] = (k + off) // d + (k - off) % d

@native
def floor_only(out: i64[:], d: int, off: int) -> None:
    for k in range(out.shape[0]):
        out[k] = (k + off) // d

@native
def product_divisor(out: i64[:], m: int, c: int) -> None:
    for k in range(out.shape[0]):
        out[k] = 1000 // ((k - c) * m) + (k * m) * c

@native
def true_div(out: f64[:], off: int) -> None:
    for k in range(out.shape[0]):
        out[k] = k / (k + off)

@native
def negate(out: i64[:], base: int, scale: int) -> None:
    for k in range(out.shape[0]):
        out[k] = -(base + k * scale)

@native
def cubic(out: i64[:], start: int) -> int:
    t = 0
    for k in range(start, start + out.shape[0]):
        v = k * k * k - 3 * k
        out[k - start] = v
        t = v
    return t

@native
def under_if(out: i64[:], d: int) -> None:
    for k in range(out.shape[0]):
        if k > 5:
            out[k] = 1000 // (d - k)
        else:
            out[k] = k

def not_pure(x: int) -> float:
    if x == 4:
        return 1.0 / (x - 4)
    return x * 0.5

@native
def call_not_pure(out: f64[:]) -> None:
    for k in range(out.shape[0]):
        out[k] = not_pure(k)

def narrow(x: int) -> i32:
    return x + 1

@native
def call_narrow(out: i64[:], base: int) -> None:
    for k in range(out.shape[0]):
        out[k] = narrow(base + k)

LIMIT = 1000

@native
def const_leaf(out: i64[:], k0: int) -> None:
    for k in range(k0, k0 + out.shape[0]):
        out[k - k0] = (k * LIMIT) % 997 + LIMIT // (k - 2)
'''

FLAGS = [(), ("--boundscheck=off",), ("--overflowcheck=off",)]

# sqrt(2**63) is 3037000499.97: (i + j) * (i + j + 1) overflows from here on
EDGE = 3037000499


OVERFLOW_MSG = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"


class I64(int):
    """A Python int that raises OverflowError where an int64 step would not
    fit, as SPEC section 3 has compiled code do (CPython would grow it)."""

    def __new__(cls, v):
        if not -2**63 <= v < 2**63:
            raise OverflowError(OVERFLOW_MSG)
        return super().__new__(cls, v)


def _checked(name):
    op = getattr(int, name)

    def method(self, other):
        r = op(self, other)
        return I64(r) if type(r) is int else r
    return method


for _name in ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__floordiv__",
              "__rfloordiv__", "__mod__", "__rmod__"]:
    setattr(I64, _name, _checked(_name))
I64.__neg__ = lambda self: I64(-int(self))


class CheckedRef:
    """The Python reference with int64-checked ints: int arguments and range()
    values are I64, so an intermediate beyond int64 raises where the compiled
    code must, after the same writes."""

    def __init__(self, mod):
        self.mod = mod

    def __getattr__(self, name):
        f = getattr(self.mod, name)

        def call(*args):
            args = [I64(a) if type(a) is int else a for a in args]
            self.mod.range = lambda *a: (I64(v) for v in builtins.range(*a))
            try:
                r = f(*args)
            finally:
                del self.mod.range
            return int(r) if isinstance(r, I64) else r
        return call


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "nobounds", "nooverflow"])
def mods(request):
    compiled, python = build(SRC, request.param)
    ref = python if wraps(request.param) else CheckedRef(python)
    return (compiled, ref), request.param


def wraps(flags):
    """With --overflowcheck=off int64 arithmetic wraps: CPython's big ints differ."""
    return "--overflowcheck=off" in flags


def test_eval_a_rows_and_columns(mods):
    m, flags = mods
    cases = [(0, 0, 10), (5, 3, 20), (100, 0, 1), (3, 7, 0), (0, -1, 3), (-1, 0, 4), (-3, -2, 6),
             (-1, 1, 3), (2, -10, 12)]
    if not wraps(flags):
        # overflow in the middle: the checked copy raises after the earlier writes
        cases += [(0, EDGE - 6, 12), (3, EDGE - 4, 8), (EDGE, 0, 3), (2**62, 2**62 - 1, 2)]
    for a, b, n in cases:
        same_call(m, "row_sums", np.zeros(max(n, 1)), a, b, n)
        same_call(m, "col_sums", np.zeros(max(n, 1)), a, b, n)


def test_poly_locals(mods):
    m, flags = mods
    cases = [(0, 0, 1), (3, -5, 2), (-7, 100, -3), (1, 10**9, 1)]
    if not wraps(flags):
        cases += [(0, EDGE - 8, 1), (2, -EDGE + 2, -1), (2**40, 1, 1), (0, 2**62, 2**60)]
    for c, start, step in cases:
        same_call(m, "poly_fill", np.zeros(16, dtype=np.int64), c, start, step)


def test_default_argument(mods):
    m, flags = mods
    for base in [0, -5, 10**6] + ([] if wraps(flags) else [2**63 // 7 - 8, -(2**63) // 7 + 3]):
        same_call(m, "default_fill", np.zeros(16, dtype=np.int64), base)


def test_mixed_callee(mods):
    m, flags = mods
    # x - 3 == 0 inside the range: ZeroDivisionError at that iteration
    for y, lo, flag in [(2.5, 4, True), (2.5, 4, False), (-1.0, -10, True), (0.5, 0, False),
                        (1.0, 3, True), (float("nan"), -20, False), (float("inf"), 10, True)]:
        same_call(m, "mixed_fill", np.zeros(12), y, lo, flag)


def test_floor_divisor_ranges(mods):
    m, flags = mods
    for d, off in [(3, 0), (7, -5), (-3, 4), (-2, 100), (1, 0), (0, 0), (-1, 5), (5, -(10**12))]:
        same_call(m, "floor_by", np.zeros(9, dtype=np.int64), d, off)
    if not wraps(flags):
        # INT64_MIN // -1 does not fit: OverflowError, as CPython's value would not
        same_call(m, "floor_by", np.zeros(3, dtype=np.int64), -1, -(2**63))
        same_call(m, "floor_only", np.zeros(3, dtype=np.int64), -1, -(2**63))
    for d, off in [(3, 0), (-1, 5), (-2, -(2**63)), (0, 1)]:
        same_call(m, "floor_only", np.zeros(3, dtype=np.int64), d, off)


def test_product_interval_signs(mods):
    """Every sign combination of a product's ends: the interval is the min
    and max of the four end products (a zero divisor inside must not be missed)."""
    m, flags = mods
    for mul, c in [(1, 3), (-1, 3), (-1, -2), (2, 9), (-3, 7), (5, -1), (-1, 10), (0, 1)]:
        same_call(m, "product_divisor", np.zeros(7, dtype=np.int64), mul, c)
    if not wraps(flags):
        for mul, c in [(-(2**62), 1), (2**61, -2**62), (-(2**40), 2**30)]:
            same_call(m, "product_divisor", np.zeros(7, dtype=np.int64), mul, c)


def test_true_division_crossing_zero(mods):
    m, _ = mods
    for off in [1, 5, -20, 0, -3, -8, -9, 2**62]:
        same_call(m, "true_div", np.zeros(9), off)


def test_negation(mods):
    m, flags = mods
    for base, scale in [(0, 1), (-5, 3), (2**62, 1)] + (
            [] if wraps(flags) else [(-(2**63) + 3, -1), (-(2**63), 0), (2**62, 2**61)]):
        same_call(m, "negate", np.zeros(5, dtype=np.int64), base, scale)


def test_cubic_overflow_mid_loop(mods):
    m, flags = mods
    starts = [0, -10, 1000, -(10**6)]
    if not wraps(flags):
        starts += [2097150, 2097152 - 9, -2097152 - 3, 2**40]  # cube crosses 2**63 at ~2097152
    for s in starts:
        same_call(m, "cubic", np.zeros(12, dtype=np.int64), s)


def test_divisor_under_if(mods):
    m, _ = mods
    # d - k == 0 only matters where k > 5 runs it
    for d in [100, 3, 5, 6, 9, 11, 12, -4]:
        same_call(m, "under_if", np.zeros(10, dtype=np.int64), d)


def test_callee_that_is_not_pure(mods):
    m, _ = mods
    same_call(m, "call_not_pure", np.zeros(4))
    same_call(m, "call_not_pure", np.zeros(8))


def test_narrowing_callee(mods):
    m, _ = mods
    # a narrowing return is a checked conversion: not pure, the call stays checked
    for base in [0, 2**31 - 9, -(2**31) - 1]:
        same_call(m, "call_narrow", np.zeros(8, dtype=np.int64), base)


def test_module_constant_leaf(mods):
    m, _ = mods
    for k0 in [3, -5, 0, 10**15]:
        same_call(m, "const_leaf", np.zeros(6, dtype=np.int64), k0)


def test_traceback_names_the_callee(mods):
    """The checked copy still reports the callee's frame and line."""
    m, flags = mods
    compiled, _ = m
    with pytest.raises(ZeroDivisionError) as ei:
        compiled.row_sums(np.zeros(4), -1, 0, 4)
    lines = (HEADER + SRC).splitlines()
    div_line = lines.index("    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)") + 1
    call_line = lines.index("        s += eval_a(i, j)") + 1
    frames = [(f.name, f.lineno) for f in traceback.extract_tb(ei.value.__traceback__)]
    assert ("eval_a", div_line) in frames and ("row_sums", call_line) in frames, frames


def test_fast_copy_calls_the_checkless_variant(tmp_path):
    """Structure, not speed: in safe mode the spectral-norm inner loop's fast
    copy has no overflow or zero-division check left, so LLVM inlines the
    callee and vectorizes the division."""
    src = tmp_path / "spec.py"
    src.write_text(
        "def eval_a(i: int, j: int) -> float:\n"
        "    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)\n\n"
        "def mult_av(v: f64[:], out: f64[:]) -> None:\n"
        "    n = v.shape[0]\n"
        "    for i in range(n):\n"
        "        s = 0.0\n"
        "        for j in range(n):\n"
        "            s += eval_a(i, j) * v[j]\n"
        "        out[i] = s\n")
    subprocess.run([PYJITC, "build", "--only", "mult_av", "--emit-llvm", "--target-cpu=x86-64-v3",
                    "-o", str(tmp_path), str(src)], check=True, capture_output=True)
    ir = (tmp_path / "spec.ll").read_text()
    body = ir[ir.index("@mult_av_impl("):]
    body = body[:body.index("\n}\n")]
    assert "fdiv <4 x double>" in body, "the fast copy's division was not vectorized"
