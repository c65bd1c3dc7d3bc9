"""Differential tests for residue locals (compiler/lower.c, "residue
locals"): a range loop whose int local is assigned only as `x = e % m` /
`x %= m` gets a copy for start values in [0, m), where `% c` is lowered as
srem and a select (lower_arith.c) so LLVM's value ranges make the division
unsigned.  The copy computes exactly what the ordinary one does; the tests
run start values inside and outside [0, m), negative and zero moduli,
other assignments that disqualify a local, nested loops, break, continue
and for-else, and check in the IR that the division became unsigned."""
import re

import numpy as np
import pytest

from difftest import build, expect_exc, function_ir, module_ir, same_call

SRC = '''
@native
def lcg(n: int, seed: int) -> float:
    state = seed
    hits = 0
    for i in range(n):
        state = state * 48271 % 2147483647
        x = state / 2147483647.0
        state = state * 48271 % 2147483647
        y = state / 2147483647.0
        if x * x + y * y <= 1.0:
            hits += 1
    return 4.0 * hits / max(n, 1)

@native
def aug(n: int, x: int) -> int:
    s = 0
    for i in range(n):
        x %= 97
        s += x * i
        x %= 97
        x = (x * 31 + i) % 97
    return s * 1000 + x

@native
def mixed_moduli(n: int, x: int) -> int:
    s = 0
    for i in range(n):
        x = (x * 31 + i) % 1000
        s += x
        x %= 97
    return s * 1000 + x

@native
def var_mod(a: i64[:], h: int, p: int) -> int:
    for i in range(a.shape[0]):
        h = (h * 257 + int(a[i])) % p
    return h

@native
def rolling(a: i64[:], w: int, p: int) -> int:
    bw = 1
    for k in range(w - 1):
        bw = bw * 257 % p
    h = 0
    for k in range(w):
        h = (h * 257 + int(a[k])) % p
    hits = 0
    for i in range(w, a.shape[0]):
        h = (h + p - int(a[i - w]) * bw % p) % p
        h = (h * 257 + int(a[i])) % p
        if h % 8 == 0:
            hits += 1
    return hits * 1000000007 + h

@native
def not_residue(n: int, x: int) -> int:
    for i in range(n):
        x = x * 7 % 1000
        if i % 5 == 4:
            x -= 500          # may go negative: not a residue
    return x

@native
def loop_var_mod(n: int) -> int:
    s = 0
    for i in range(n):
        i = i * 3 % 7
        s += i
    return s

@native
def two_and_nested(n: int, a: int, b: int) -> int:
    s = 0
    for i in range(n):
        a = (a * 13 + 5) % 101
        for j in range(3):
            b = (b * 7 + a + j) % 211
            if b == 17:
                break
            if b % 3 == 0:
                continue
            s += b - a
        else:
            s += 1
    return s * 1000000 + a * 1000 + b

@native
def residue_then_else(n: int, x: int) -> int:
    for i in range(n):
        x = (x * 5 + 1) % 9
        if x == 7:
            break
    else:
        x = -x
    return x

@native
def float_mod(n: int, x: float) -> float:
    for i in range(n):
        x = (x * 3.5 + 1.0) % 7.0
    return x
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]
M = 2147483647


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_lcg_start_values(mods, flags):
    for seed in [0, 1, 12345, M - 1, M, M + 5, -1, -12345, -M, 2**40]:
        for n in [0, 1, 3, 1000]:
            same_call(mods, "lcg", n, seed)
    if "--overflowcheck=off" not in flags:
        # state * 48271 beyond int64 (CPython grows the int): SPEC's OverflowError
        msg = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"
        for seed in [2**50, -2**50]:
            expect_exc(mods, "lcg", OverflowError, msg, 3, seed)


def test_aug_and_mixed(mods):
    for x in [0, 5, 96, 97, 98, -1, -200, 10**12]:
        for n in [0, 1, 7, 50]:
            same_call(mods, "aug", n, x)
            same_call(mods, "mixed_moduli", n, x)
            same_call(mods, "not_residue", n, x)
    for n in [0, 1, 10]:
        same_call(mods, "loop_var_mod", n)


def test_variable_modulus(mods):
    rng = np.random.default_rng(7)
    a = rng.integers(-300, 300, 200).astype(np.int64)
    for h, p in [(0, 1000000007), (5, 13), (12, 13), (13, 13), (-1, 13), (0, 1), (3, -13), (-5, -13),
                 (0, 0), (7, 2**40)]:
        same_call(mods, "var_mod", a, h, p)
    same_call(mods, "var_mod", a[:0], 3, 0)
    b = rng.integers(0, 256, 300).astype(np.int64)
    for w, p in [(1, 1000000007), (16, 1000000007), (5, 97), (4, -97), (3, 0)]:
        same_call(mods, "rolling", b, w, p)


def test_nested_break_continue_else(mods):
    for a, b in [(0, 0), (100, 210), (101, 211), (-1, 5), (5, -1), (3, 10**9)]:
        for n in [0, 1, 9, 40]:
            same_call(mods, "two_and_nested", n, a, b)
    for x in [0, 1, 8, 9, -3]:
        for n in [0, 1, 2, 20]:
            same_call(mods, "residue_then_else", n, x)
    for x in [0.0, 6.5, -1.25, 1e300, float("nan")]:
        same_call(mods, "float_mod", 9, x)


def test_division_becomes_unsigned(tmp_path, flags):
    """Structure, not speed: in the copy for seeds in [0, m), LLVM knows
    state's sign and divides unsigned (`urem`); the ordinary copy keeps
    the signed form."""
    body = function_ir(module_ir(tmp_path, SRC, "lcg", flags), "lcg_impl")
    assert re.search(r"urem i64 %\S+, 2147483647", body), "no unsigned remainder"
