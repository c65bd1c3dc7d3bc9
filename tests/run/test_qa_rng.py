"""QA differential tests: pseudo-random generators as users write them
(xorshift32 and an LCG with masks, splitmix-style mixing kept inside 62
bits, Park-Miller), filling f64/u32/i64 arrays, Monte Carlo estimates, a
Fisher-Yates shuffle and reservoir sampling, with module-constant masks."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
M32 = 0xFFFFFFFF
LCG_A = 1103515245
LCG_C = 12345
LCG_M = 1 << 31
PM_A = 16807
PM_M = 2147483647
INV32 = 1.0 / 4294967296.0

def xs32(s):
    s ^= (s << 13) & M32
    s ^= s >> 17
    s ^= (s << 5) & M32
    return s

@native
def xorshift32(seed: int, n: int) -> int:
    s = seed & M32
    if s == 0:
        s = 1
    for i in range(n):
        s = xs32(s)
    return s

@native
def lcg(seed: int, n: int) -> int:
    x = seed
    for i in range(n):
        x = (LCG_A * x + LCG_C) % LCG_M
    return x

@native
def lcg_masked(seed: int, n: int) -> int:
    x = seed & (LCG_M - 1)
    for i in range(n):
        x = (LCG_A * x + LCG_C) & (LCG_M - 1)
    return x

@native
def park_miller(seed: int, n: int) -> int:
    x = seed % PM_M
    for i in range(n):
        x = x * PM_A % PM_M
    return x

@native
def fill_uniform(out: f64[:], seed: int) -> int:
    s = (seed & M32) | 1
    for i in range(out.shape[0]):
        s = xs32(s)
        out[i] = s * INV32
    return s

@native
def fill_u32(out: u32[:], seed: int) -> None:
    s = (seed & M32) | 1
    for i in range(len(out)):
        s = xs32(s)
        out[i] = s

@native
def fill_bad(out: i16[:], seed: int) -> None:
    # stores 32-bit values into i16: OverflowError at the first big one
    s = (seed & M32) | 1
    for i in range(len(out)):
        s = xs32(s)
        out[i] = s >> 17

@native
def monte_carlo_pi(n: int, seed: int) -> float:
    s = (seed & M32) | 1
    hits = 0
    for i in range(n):
        s = xs32(s)
        x = s * INV32
        s = xs32(s)
        y = s * INV32
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n

@native
def shuffle(a: i64[:], seed: int) -> None:
    s = (seed & M32) | 1
    for i in range(len(a) - 1, 0, -1):
        s = xs32(s)
        j = s % (i + 1)
        a[i], a[j] = a[j], a[i]

@native
def reservoir(a: f64[:], k: int, out: f64[:], seed: int) -> int:
    s = (seed & M32) | 1
    n = len(a)
    for i in range(min(k, n)):
        out[i] = a[i]
    for i in range(k, n):
        s = xs32(s)
        j = s % (i + 1)
        if j < k:
            out[j] = a[i]
    return s

@native
def mix62(x: int) -> int:
    m = (1 << 62) - 1
    x &= m
    x = ((x ^ (x >> 31)) & 0x7FFFFFFF) * 0x9E3779B1
    x ^= x >> 29
    return x & m

@native
def gauss_pair(seed: int) -> tuple[float, float]:
    s = (seed & M32) | 1
    s = xs32(s)
    u1 = (s + 1.0) * INV32
    s = xs32(s)
    u2 = s * INV32
    r = math.sqrt(-2.0 * math.log(u1))
    return r * math.cos(2.0 * math.pi * u2), r * math.sin(math.tau * u2)
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


SEEDS = [0, 1, 2, 12345, 2**32 - 1, 2**32, 2**63 - 1, -1, -2**63, 0xDEADBEEF]


def test_generators(mods):
    for seed in SEEDS:
        for n in [0, 1, 2, 100, 1000]:
            same_call(mods, "xorshift32", seed, n)
            same_call(mods, "lcg_masked", seed, n)
            same_call(mods, "park_miller", seed, n)
            if abs(seed) < 2**32:
                same_call(mods, "lcg", seed, n)
        same_call(mods, "mix62", seed)
        same_call(mods, "gauss_pair", seed)


def test_fills(mods):
    for seed in SEEDS:
        same_call(mods, "fill_uniform", np.zeros(50), seed)
        same_call(mods, "fill_uniform", np.zeros(50)[::-3], seed)
        same_call(mods, "fill_u32", np.zeros(40, np.uint32), seed)
        same_call(mods, "fill_bad", np.zeros(10, np.int16), seed)
        same_call(mods, "monte_carlo_pi", 500, seed)
        same_call(mods, "shuffle", np.arange(20), seed)
        same_call(mods, "shuffle", np.arange(40)[::2], seed)
        same_call(mods, "reservoir", np.arange(30.0), 5, np.zeros(5), seed)
    same_call(mods, "monte_carlo_pi", 0, 1)
    same_call(mods, "shuffle", np.zeros(0, np.int64), 3)
    same_call(mods, "reservoir", np.arange(30.0), 6, np.zeros(5), 9)
