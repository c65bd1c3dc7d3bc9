"""QA differential tests: integer number theory (gcd/lcm, modular power,
primality, sieves into u8 arrays, extended Euclid with tuple returns,
totient, Collatz, integer square roots by Newton's method, binomials and
factorials that overflow int64) over small, negative and near-2**63 inputs."""
import math

import pytest

from difftest import INTS, build, expect_exc, same_call

OVF = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"


def same_near_limit(mods, name, *args):
    """same_call; but with an argument within 2**62 of the int64 limits, an
    intermediate CPython int may pass 64 bits, and then the compiled code
    must raise the OverflowError (SPEC section 3) instead."""
    if any(abs(a) >= 2**62 for a in args):
        c, p = mods
        try:
            want = getattr(p, name)(*args)
        except Exception:  # noqa: BLE001
            return same_call(mods, name, *args)
        try:
            got = getattr(c, name)(*args)
        except OverflowError as e:
            assert str(e) == OVF
            return None
        assert got == want and type(got) is type(want), (name, args, got, want)
        return None
    return same_call(mods, name, *args)

SRC = '''
def egcd_helper(a, b):
    # unannotated: specialized for (int, int)
    x0 = 1
    x1 = 0
    y0 = 0
    y1 = 1
    while b != 0:
        q = a // b
        a, b = b, a - q * b
        x0, x1 = x1, x0 - q * x1
        y0, y1 = y1, y0 - q * y1
    return a, x0, y0

@native
def gcd_loop(a: int, b: int) -> int:
    a = abs(a)
    b = abs(b)
    while b:
        a, b = b, a % b
    return a

@native
def gcd_math(a: int, b: int) -> int:
    return math.gcd(a, b)

@native
def lcm(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return abs(a // math.gcd(a, b) * b)

@native
def egcd(a: int, b: int) -> tuple[int, int, int]:
    return egcd_helper(a, b)

@native
def modpow(base: int, exp: int, mod: int) -> int:
    if mod == 1:
        return 0
    result = 1
    base = base % mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        exp >>= 1
        base = base * base % mod
    return result

@native
def is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    i = 3
    while i * i <= n:
        if n % i == 0:
            return False
        i += 2
    return True

@native
def sieve(flags: u8[:]) -> int:
    n = len(flags)
    for i in range(n):
        flags[i] = 1
    if n > 0:
        flags[0] = 0
    if n > 1:
        flags[1] = 0
    i = 2
    while i * i < n:
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = 0
        i += 1
    count = 0
    for x in flags:
        count += x
    return count

@native
def totient(n: int) -> int:
    if n <= 0:
        raise ValueError("totient of a non-positive number")
    result = n
    p = 2
    m = n
    while p * p <= m:
        if m % p == 0:
            while m % p == 0:
                m //= p
            result -= result // p
        p += 1
    if m > 1:
        result -= result // m
    return result

@native
def collatz_len(n: int) -> int:
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n //= 2
        else:
            n = 3 * n + 1
        steps += 1
        if steps > 10000:
            return -1
    return steps

@native
def isqrt_newton(n: int) -> int:
    if n < 0:
        raise ValueError("isqrt() argument must be nonnegative")
    if n == 0:
        return 0
    x = n
    y = (x + 1) // 2
    while y < x:
        x = y
        y = (x + n // x) // 2
    return x

@native
def factorial(n: int) -> int:
    if n <= 1:
        return 1
    return n * factorial(n - 1)

@native
def binom(n: int, k: int) -> int:
    if k < 0 or k > n:
        return 0
    k = min(k, n - k)
    r = 1
    for i in range(1, k + 1):
        r = r * (n - k + i) // i
    return r

@native
def digit_sum(n: int, base: int = 10) -> int:
    s = 0
    n = abs(n)
    while n:
        s += n % base
        n //= base
    return s

@native
def reverse_digits(n: int) -> int:
    sign = -1 if n < 0 else 1
    n = abs(n)
    r = 0
    while n > 0:
        r = r * 10 + n % 10
        n //= 10
    return sign * r

@native
def perfect(n: int) -> bool:
    s = 1
    d = 2
    while d * d <= n:
        if n % d == 0:
            s += d
            if d != n // d:
                s += n // d
        d += 1
    return s == n and n > 1
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


SMALL = [0, 1, -1, 2, 3, 4, 6, 12, 17, 97, 100, -12, -18, 360, 1001, 2**31 - 1]


def test_gcd_lcm(mods):
    for a in SMALL + INTS:
        for b in [0, 1, -1, 6, -15, 2**31, 2**62, -2**63, 2**63 - 1]:
            if -2**63 in (a, b):
                # abs(-2**63) needs 64 bits plus a sign: CPython grows, compiled raises
                expect_exc(mods, "gcd_loop", OverflowError, OVF, a, b)
            else:
                same_call(mods, "gcd_loop", a, b)
            same_call(mods, "gcd_math", a, b)
            same_call(mods, "lcm", a, b)
            same_near_limit(mods, "egcd", a, b)


def test_modpow(mods):
    for b in [0, 1, 2, 3, -3, 10**9 + 7, 2**31]:
        for e in [0, 1, 2, 10, 63, 1000]:
            for m in [1, 2, 7, -7, 10**9 + 7, 2**31 - 1, 0]:
                same_call(mods, "modpow", b, e, m)
    # base * base passes int64 for a modulus near 2**62: CPython grows, compiled raises
    expect_exc(mods, "modpow", OverflowError, OVF, 2**40, 5, 2**62 + 1)


def test_primes(mods):
    for n in list(range(-3, 60)) + [7919, 7917, 2**31 - 1, 10**12 + 39]:
        same_call(mods, "is_prime", n)
        same_call(mods, "perfect", n)
    import numpy as np
    for n in [0, 1, 2, 3, 10, 100, 1000]:
        same_call(mods, "sieve", np.zeros(n, np.uint8))
        same_call(mods, "sieve", np.zeros(2 * n, np.uint8)[::-2])


def test_arith_functions(mods):
    for n in [-5, 0, 1, 2, 9, 10, 36, 97, 100, 2**31 - 1, 2**40]:
        same_call(mods, "totient", n)
    for n in [1, 2, 3, 7, 27, 97, 871, 2**40]:
        same_call(mods, "collatz_len", n)
    expect_exc(mods, "collatz_len", OverflowError, OVF, 2**62 + 1)  # 3n + 1 passes 2**63
    for n in [-1, 0, 1, 2, 3, 15, 16, 17, 10**12, 10**18, 2**62, 2**63 - 1]:
        same_near_limit(mods, "isqrt_newton", n)
    for n in [-1, 0, 1, 5, 20, 21, 25]:
        same_call(mods, "factorial", n)
    for n, k in [(5, 2), (10, 0), (10, 11), (10, -1), (52, 5), (60, 30), (100, 50)]:
        same_call(mods, "binom", n, k)
    # results fit, but r * (n - k + i) on the way does not
    expect_exc(mods, "binom", OverflowError, OVF, 62, 31)
    expect_exc(mods, "binom", OverflowError, OVF, 66, 33)
    for n in INTS + [12345, -987]:
        same_near_limit(mods, "digit_sum", n)
        same_near_limit(mods, "reverse_digits", n)
    for base in [2, 16, 0, -3]:
        same_call(mods, "digit_sum", 1000, base)
