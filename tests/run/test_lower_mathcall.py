"""Differential tests: math.* as direct glibc calls (compiler/lower_call.c,
"math.* through glibc") and small helpers inlined into loops (the shared
raise tails and `inlinehint` of compiler/lower.c).

CPython decides math.* exceptions from the result, the arguments and errno;
the compiled code tests only the result and the arguments.  These compare,
bit for bit and exception for exception, against CPython:
- every function at its overflow, underflow, domain and pole boundaries and
  at the IEEE special values, as a scalar call and in every mode;
- large seeded samples (random bit patterns, wide and narrow ranges) through
  a compiled loop, both filtered to the inputs CPython accepts and whole, so
  the exception comes at the same element after the same writes;
- helpers with several raise sites inlined into a loop: the exception, its
  iteration and the traceback (helper line, caller line) stay CPython's.
"""
import math
import random
import struct
import subprocess
import traceback
import zlib

import numpy as np
import pytest

from difftest import PYJITC, build, same_call

UNARY = ["exp", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos",
         "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "erf", "erfc", "sqrt"]
BINARY = ["atan2", "pow", "fmod", "logb"]


def _unary_src(name):
    return f'''
@native
def s_{name}(x: float) -> float:
    return math.{name}(x)

@native
def a_{name}(x: f64[:], out: f64[:]) -> None:
    for i in range(x.shape[0]):
        out[i] = math.{name}(x[i])
'''


def _binary_src(name):
    call = "math.log(x, y)" if name == "logb" else f"math.{name}(x, y)"
    return f'''
@native
def s_{name}(x: float, y: float) -> float:
    return {call}

@native
def a_{name}(x: f64[:], y: f64[:], out: f64[:]) -> None:
    for i in range(x.shape[0]):
        out[i] = {call.replace("(x, y)", "(x[i], y[i])")}
'''


HELPERS = '''
@native
def wave(t: float, k: int) -> float:
    a = math.exp(-0.1 * t)
    b = math.sin(3.0 * t) / k
    return a * b + math.log(t)

@native
def integrate(a: float, h: float, n: int, k: int) -> float:
    s = 0.0
    for i in range(n):
        s += wave(a + i * h, k)
    return s

@native
def damped(t: float) -> float:
    return math.exp(-0.1 * t) * math.sin(3.0 * t)

@native
def trapezoid(a: float, b: float, n: int) -> float:
    h = (b - a) / n
    s = 0.5 * (damped(a) + damped(b))
    for i in range(1, n):
        s += damped(a + i * h)
    return s * h

@native
def int_helper(i: int, j: int) -> int:
    q = (i * j + 7) // (j - i)
    return q + math.gcd(i, 12) * 2**40 * i

@native
def int_loop(n: int, j: int) -> int:
    t = 0
    for i in range(n):
        t += int_helper(i, j)
    return t

@native
def pow_helper(x: float, k: float) -> float:
    if x < 0.0:
        return math.fmod(x, k)
    return math.pow(x, k) + math.atan2(x, k)

@native
def pow_loop(x: f64[:], k: float) -> float:
    s = 0.0
    for i in range(x.shape[0]):
        s += pow_helper(x[i], k)
    return s
'''

SRC = "".join(_unary_src(n) for n in UNARY) + "".join(_binary_src(n) for n in BINARY) + HELPERS
HELPER_FILE_LINE = {ln.strip(): i + 1 for i, ln in enumerate(SRC.splitlines())}

MODES = {"safe": (), "unchecked": ("--boundscheck=off", "--overflowcheck=off"), "O0": ("-O0",)}


@pytest.fixture(scope="module", params=list(MODES), ids=list(MODES))
def mods(request):
    return build(SRC, flags=MODES[request.param])


INF, NAN = math.inf, math.nan
EPS_UP, EPS_DOWN = 1.0000000000000002, 0.9999999999999999
SPECIAL = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 5e-324, -5e-324, 2.2250738585072014e-308,
           1.7976931348623157e308, -1.7976931348623157e308, 0.5, -0.5, EPS_UP, EPS_DOWN,
           -EPS_UP, -EPS_DOWN, math.pi, math.pi / 2, 1e-300, 1e300, 1e22, 2.0**1023]

# per function: the arguments around its boundaries (where glibc switches
# between finite, underflow, overflow, NaN and poles)
EDGES = {
    "exp": [709.78, 709.79, 709.782712893384, 709.7827128933841, -708.39, -708.4, -745.13,
            -745.1332191019411, -745.1332191019412, -745.2, -746.0, -1000.0, 710.0, 1e-320],
    "expm1": [709.78, 709.79, 709.7827128933841, -37.0, -38.0, -1000.0, -745.2, 1e-320, -1e-320],
    "log": [1e-320, 2.0, 0.1, 1e308],
    "log2": [1e-320, 2.0, 1024.0, 0.1],
    "log10": [1e-320, 10.0, 1e22, 0.1],
    "log1p": [-EPS_DOWN, -1.0 + 2**-53, -2.0, 1e-320, -1e-320, 1e308],
    "sin": [1e22, 2.0**1023, 1e-320, 3.141592653589793],
    "cos": [1e22, 2.0**1023, 1e-320, 1.5707963267948966],
    "tan": [1.5707963267948966, -1.5707963267948966, 1e22, 1e-320],
    "asin": [1.0 + 2**-52, -1.0 - 2**-52, 1e-320, 2.0],
    "acos": [1.0 + 2**-52, -1.0 - 2**-52, 1e-320, 2.0],
    "atan": [1e-320, 1e300, 2.0**60],
    "sinh": [710.4, 710.47, 710.4758600739439, 710.475860073944, 710.5, -710.5, -710.4, 1e-320],
    "cosh": [710.4, 710.47, 710.4758600739439, 710.475860073944, 710.5, -710.5, 1e-320],
    "tanh": [1e-320, 20.0, -20.0, 1e300],
    "asinh": [1e-320, 1e300, -1e300],
    "acosh": [EPS_DOWN, EPS_UP, 0.0, 1e300, -1.0],
    "atanh": [EPS_DOWN, -EPS_DOWN, 1.0 + 2**-52, 1e-320],
    "erf": [1e-320, -1e-320, 6.0, -6.0, 30.0, -30.0],
    "erfc": [1e-320, 26.5, 27.2, 27.3, 28.0, 30.0, -6.0, -30.0],
    "sqrt": [1e-320, 2.0, -1e-320],
}

PAIRS_EDGE = {
    "atan2": [(y, x) for y in [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 1e-300, -1e300, 5e-324]
              for x in [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 1e300, -1e-300, 5e-324]],
    "pow": [(10.0, 308.25), (10.0, 308.26), (2.0, 1023.9999), (2.0, 1024.0), (-2.0, 1024.0),
            (-2.0, 1025.0), (2.0, -1074.0), (2.0, -1075.0), (2.0, -1076.0), (0.5, 1075.0),
            (-8.0, 1.0 / 3.0), (0.0, -1.0), (-0.0, -1.0), (-0.0, -2.0), (-0.0, 3.0), (1e308, 2.0),
            (-1e308, 3.0), (-1e308, 2.0), (NAN, 0.0), (1.0, NAN), (-1.0, INF), (-1.0, -INF),
            (INF, -3.0), (-INF, 3.0), (-INF, -3.0), (-INF, 2.0), (0.5, -INF), (1.5, -INF),
            (0.0, 0.0), (-1.5, 2.0), (-1.5, 2.5), (1e-300, 2.0), (5e-324, 0.5)],
    "fmod": [(5.0, 0.0), (5.0, -0.0), (INF, 3.0), (-INF, 3.0), (5.0, INF), (-5.0, -INF),
             (-0.0, 3.0), (0.0, -3.0), (5.0, -3.0), (-5.0, 3.0), (NAN, 1.0), (1.0, NAN),
             (1e308, 1e-308), (5e-324, 1e-300), (INF, INF), (0.0, 0.0)],
    "logb": [(8.0, 2.0), (8.0, 1.0), (1.0, 1.0), (0.0, 2.0), (2.0, 0.0), (-2.0, 2.0),
             (2.0, -1.0), (NAN, 2.0), (2.0, NAN), (NAN, 1.0), (INF, 2.0), (2.0, INF), (INF, INF),
             (0.5, 0.5), (1e-320, 10.0), (-INF, 2.0), (2.0, -0.0), (1.0, 0.5)],
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_edges(mods, name):
    for x in SPECIAL + EDGES[name]:
        for v in (x, -x):
            same_call(mods, "s_" + name, v)


@pytest.mark.parametrize("name", BINARY)
def test_binary_edges(mods, name):
    pairs = PAIRS_EDGE[name] + [(x, y) for x in SPECIAL[:12] for y in SPECIAL[:12]]
    for x, y in pairs:
        same_call(mods, "s_" + name, x, y)


def _samples(rng, name):
    """A few thousand arguments: random bit patterns (every exponent, NaNs,
    infinities, subnormals), log-uniform magnitudes of both signs, a wide
    uniform range and the neighbourhood of 1."""
    bits = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(3000)]
    logu = [rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-320, 308) for _ in range(3000)]
    wide = [rng.uniform(-800.0, 800.0) for _ in range(3000)]
    near1 = [rng.choice((-1.0, 1.0)) * (1.0 + rng.uniform(-1e-3, 1e-3)) for _ in range(1000)]
    return bits + logu + wide + near1


def _cpython_ok(f, *args):
    try:
        f(*args)
        return True
    except (ValueError, OverflowError, ZeroDivisionError):
        return False


def _pyfunc(name):
    return (lambda x, y: math.log(x, y)) if name == "logb" else getattr(math, name)


@pytest.mark.parametrize("name", UNARY)
def test_unary_samples_in_loop(mods, name):
    rng = random.Random(zlib.crc32(name.encode()))
    xs = _samples(rng, name)
    f = getattr(math, name)
    ok = np.array([x for x in xs if _cpython_ok(f, x)])
    assert len(ok) > 1000
    same_call(mods, "a_" + name, ok, np.zeros(len(ok)))
    # unfiltered: both stop at the same element, after the same writes
    whole = np.array(xs)
    same_call(mods, "a_" + name, whole, np.zeros(len(whole)))
    if len(ok) < len(xs):
        rc = same_call(mods, "a_" + name, whole, np.zeros(len(whole)))
        assert rc[0] == "exc", f"{name}: the unfiltered sample must raise somewhere"


@pytest.mark.parametrize("name", BINARY)
def test_binary_samples_in_loop(mods, name):
    rng = random.Random(zlib.crc32(name.encode()))
    xs, ys = _samples(rng, name), _samples(rng, name)
    rng.shuffle(ys)
    if name == "pow":
        # integral exponents (negative bases), small ones (finite results)
        ys = [float(round(y)) if i % 3 == 0 and math.isfinite(y) else y / 1e3 if i % 3 == 1 else y
              for i, y in enumerate(ys)]
    f = _pyfunc(name)
    pairs = [(x, y) for x, y in zip(xs, ys) if _cpython_ok(f, x, y)]
    assert len(pairs) > 1000
    x, y = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    same_call(mods, "a_" + name, x, y, np.zeros(len(x)))
    same_call(mods, "a_" + name, np.array(xs), np.array(ys), np.zeros(len(xs)))


def _frames(fn, args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 - every exception is compared
        tb = traceback.extract_tb(e.__traceback__)
        return type(e), str(e), [(f.name, f.lineno) for f in tb[1:]]
    return None


INTEGRATE_CASES = [
    (0.5, 0.25, 40, 3),        # fine
    (0.5, 0.25, 40, 0),        # ZeroDivisionError in the helper's second line, first iteration
    (3.0, -0.25, 40, 2),       # log(0.0) at iteration 12: ValueError, third line
    (-7000.0, -10.0, 40, 1),   # exp overflow when t < -7097.8: OverflowError, first line
    (INF, 1.0, 3, 1),          # sin(inf): ValueError (exp(-inf) is 0)
    (NAN, 1.0, 3, 1),          # NaN all the way: no exception
]


@pytest.mark.parametrize("args", INTEGRATE_CASES, ids=[str(i) for i in range(len(INTEGRATE_CASES))])
def test_inlined_helper_raises_like_cpython(mods, args):
    compiled, python = mods
    same_call(mods, "integrate", *args)
    assert _frames(compiled.integrate, args) == _frames(python.integrate, args)


def test_inlined_helpers_values(mods):
    for a, b, n in [(0.0, 10.0, 1000), (-3.0, 2.5, 77), (0.0, 7200.0, 10), (-7200.0, 0.0, 10)]:
        same_call(mods, "trapezoid", a, b, n)
    for n, j in [(10, 50), (10, 5), (100, 3), (40, 2**30)]:
        same_call(mods, "int_loop", n, j)
    rng = np.random.default_rng(5)
    x = rng.uniform(-3.0, 3.0, 500)
    for k in [1.5, 0.0, -2.0, 2000.0]:
        same_call(mods, "pow_loop", x, k)
    same_call(mods, "pow_loop", np.array([1.0, 1e200, 2.0]), 2.0)


def test_helper_is_inlined_and_calls_glibc(tmp_path):
    """Structure, not speed: at -O3 the per-point helper of the trapezoid
    kernel is inlined into the loop, and math.exp / math.sin are glibc calls
    (no pymath helper, no errno access)."""
    src = tmp_path / "tz.py"
    src.write_text(
        "import math\n\n"
        "def damped(t: float) -> float:\n"
        "    return math.exp(-0.1 * t) * math.sin(3.0 * t)\n\n"
        "def trapezoid(a: float, b: float, n: int) -> float:\n"
        "    h = (b - a) / n\n"
        "    s = 0.5 * (damped(a) + damped(b))\n"
        "    for i in range(1, n):\n"
        "        s += damped(a + i * h)\n"
        "    return s * h\n")
    subprocess.run([PYJITC, "build", "--only", "trapezoid,damped", "--emit-llvm",
                    "-o", str(tmp_path), str(src)], check=True, capture_output=True)
    ir = (tmp_path / "tz.ll").read_text()
    body = ir[ir.index("@trapezoid_impl("):]
    body = body[:body.index("\n}\n")]
    assert "@damped_impl(" not in body, "the helper was not inlined into the loop"
    assert "@exp(" in body and "@sin(" in body
    assert "pjm_math_" not in ir and "errno" not in ir
