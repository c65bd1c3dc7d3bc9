"""QA differential tests: source forms that must parse and compile like
CPython runs them: CRLF line endings, tabs, decorator arguments, semicolons,
backslash and bracket continuations, non-ASCII identifiers, one-line
bodies, string-literal forms in messages, every number literal form,
trailing commas, and `from __future__ import annotations` with NumPy
dtype annotations."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''

@native(boundscheck=False, fastmath=False)
def deco(x: float) -> float:
    return x + 1

@native
def semis(x: int) -> int:
    a = 1; b = 2; c = a + b
    return x + c

@native
def cont(x: int,
         y: int = 2,
         ) -> int:
    z = x + \
        y
    return (z
            * 2)

@native
def unicode_names(x: float) -> float:
    α = 2.0
    βeta = x * α
    return βeta

@native
def one_line(x: int) -> int: return x * 3

@native
def ifs(x: int) -> int:
    if x > 0: x -= 1
    else: x += 1
    while x > 10: x -= 10
    for i in range(2): x += i
    return x

@native
def strings_in_msgs(x: int) -> int:
    assert x >= 0, 'single quoted'
    if x > 100:
        raise ValueError("""triple""")
    if x > 50:
        raise ValueError("no f-string")
    if x > 40:
        raise ValueError("implicit " "concat")
    return x

@native
def numbers(x: float) -> float:
    return 1_0.5e-1_0 + .5 + 5. + 1E3 + 0XfF + 0O17 + 0B1_0 + x

@native
def parens(x: int) -> int:
    return ((((x))))

@native
def tuple_paren_return(x: int) -> tuple[int, int]:
    return (x, -x)

@native
def trailing_commas(x: int) -> tuple[int, int]:
    a, b, = x, x + 1,
    return a, b,

@native
def neg_step(n: int) -> int:
    t = 0
    for i in range(n, -1, -1): t += i
    return t

@native
def lambda_free(x: float) -> float:
    return max(x, 0.0)
'''

CRLF = ("@native\r\ndef crlf(x: float) -> float:\r\n    y = x * 2\r\n    return y\r\n\r\n"
        "@native\ndef tabs(x: int) -> int:\n\tif x:\n\t\treturn 1\n\treturn 0\n")

FUTURE = '''
@native
def np_dtypes(a: np.float32[:], b: np.int16[:, :], c: np.uint8[::1]) -> float:
    return float(a[0]) + int(b[0, 0]) + int(c[-1])
'''


@pytest.fixture(scope="module")
def mods():
    return build(SRC)


def test_forms(mods):
    for f, args in [("deco", [(1.5,)]), ("semis", [(1,)]), ("cont", [(1,), (1, 5)]), ("unicode_names", [(2.0,)]),
                    ("one_line", [(4,)]), ("ifs", [(0,), (35,), (-4,)]),
                    ("strings_in_msgs", [(1,), (45,), (60,), (200,), (-1,)]), ("numbers", [(0.0,)]),
                    ("parens", [(3,)]), ("tuple_paren_return", [(3,)]), ("trailing_commas", [(3,)]),
                    ("neg_step", [(5,), (-1,)]), ("lambda_free", [(-1.0,)])]:
        for a in args:
            same_call(mods, f, *a)


def test_crlf_tabs():
    mods = build(CRLF)
    for x in [0.5, -2.0]:
        same_call(mods, "crlf", x)
    for x in [0, 3]:
        same_call(mods, "tabs", x)


def test_future_annotations_numpy_dtypes():
    import difftest
    old = difftest.HEADER
    difftest.HEADER = "from __future__ import annotations\n" + old
    try:
        mods = build(FUTURE)
    finally:
        difftest.HEADER = old
    a = np.array([0.5], np.float32)
    b = np.array([[-7, 1]], np.int16)
    c = np.array([1, 250], np.uint8)
    same_call(mods, "np_dtypes", a, b, c)
    r = None
    try:
        mods[0].np_dtypes(a, b, np.array([1, 250], np.uint8)[::-1])
    except ValueError as e:
        r = str(e)
    assert r is not None and "C-contiguous" in r
