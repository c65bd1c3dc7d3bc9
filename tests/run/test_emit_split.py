"""Differential tests: a module optimized and compiled in parallel parts
(compiler/emit_split.c).  PYJITC_JOBS=N splits even a small module into up to
N parts of whole call-graph components, one process each, linked back into
one .so.  What could break there: a call between functions of one component
(helpers, recursion copies), a wrapper reached only through the method table
from another part, strings and signatures shared by all parts (defined once,
in part 0), the same error text used in every part, tracebacks through
calls, and tuple results.  Each case is compared against CPython in safe and
unchecked modes, and the build must really have been split."""
import os
import subprocess

import numpy as np
import pytest

from difftest import HEADER, PYJITC, build, same_call

SRC = '''
@native
def split_helper(x: float, k: int) -> float:
    return x * k + 1.0

@native
def split_sum(a: f64[:], k: int) -> float:
    s = 0.0
    for i in range(a.shape[0]):
        s += split_helper(a[i], k)
    return s

@native
def split_scale(a: f64[:], out: f64[:], k: int) -> None:
    for i in range(a.shape[0]):
        out[i] = split_helper(a[i], k) - 1.0

@native
def split_fib(n: int) -> int:
    if n < 2:
        return n
    return split_fib(n - 1) + split_fib(n - 2)

@native
def split_part(a: i64[:], lo: int, hi: int) -> int:
    p = a[hi]
    i = lo
    for j in range(lo, hi):
        if a[j] < p:
            t = a[i]
            a[i] = a[j]
            a[j] = t
            i += 1
    t = a[i]
    a[i] = a[hi]
    a[hi] = t
    return i

@native
def split_qsort(a: i64[:], lo: int, hi: int) -> None:
    if lo < hi:
        p = split_part(a, lo, hi)
        split_qsort(a, lo, p - 1)
        split_qsort(a, p + 1, hi)

@native
def split_mul(x: int, y: int) -> int:
    return x * y

@native
def split_add(x: int, y: int) -> int:
    return x + y

@native
def split_pair(a: f64[:], i: int) -> tuple[float, int]:
    return a[i] * 2.0, i + 1

@native
def split_raise_inner(x: int) -> int:
    return 10 // x

@native
def split_raise_outer(x: int) -> int:
    return split_raise_inner(x - 1) + 1
'''

MODES = [(), ("--boundscheck=off", "--overflowcheck=off")]


@pytest.fixture(params=MODES, ids=["safe", "unchecked"])
def built(request, monkeypatch):
    """(modules, safe): the checks that must raise only run in safe mode."""
    monkeypatch.setenv("PYJITC_JOBS", "3")
    return build(SRC, request.param), not request.param


def test_build_is_split_in_parts(tmp_path):
    path = tmp_path / "split_probe.py"
    path.write_text(HEADER + SRC)
    env = dict(os.environ, PYJITC_JOBS="3")
    r = subprocess.run([PYJITC, "build", "-v", "-o", str(tmp_path), str(path)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "3 parts optimized and compiled in parallel" in r.stderr, r.stderr
    env["PYJITC_JOBS"] = "1"
    r = subprocess.run([PYJITC, "build", "-v", "-o", str(tmp_path), str(path)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "parts" not in r.stderr, r.stderr


def test_calls_within_a_component(built):
    mods, safe = built
    a = np.array([1.5, -2.0, 3.25, 1e300])
    same_call(mods, "split_helper", 2.5, 3)
    same_call(mods, "split_sum", a, 3)
    same_call(mods, "split_scale", a, np.zeros(4), 7)
    if safe:
        same_call(mods, "split_sum", a, 2**62)  # OverflowError in the helper
        same_call(mods, "split_scale", a, np.zeros(3), 7)  # IndexError after 3 stores


def test_recursion(built):
    mods, safe = built
    for n in (0, 1, 2, 10, 20):
        same_call(mods, "split_fib", n)
    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 50):
        a = rng.integers(-100, 100, n)
        same_call(mods, "split_qsort", a, 0, n - 1)
    if safe:
        same_call(mods, "split_qsort", np.arange(5), 0, 5)  # IndexError


def test_shared_error_texts_and_tracebacks(built):
    mods, safe = built
    same_call(mods, "split_mul", 3, -4)
    same_call(mods, "split_raise_outer", 5)
    same_call(mods, "split_raise_outer", 1)  # ZeroDivisionError two calls deep
    if safe:
        same_call(mods, "split_mul", 2**40, 2**40)  # the overflow message of every part
        same_call(mods, "split_add", 2**62, 2**62)


def test_tuple_results_and_keywords(built):
    mods, safe = built
    a = np.array([0.5, 1.5])
    same_call(mods, "split_pair", a, 1)
    if safe:
        same_call(mods, "split_pair", a, 2)  # IndexError
    compiled, python = mods
    assert compiled.split_add(y=2, x=1) == python.split_add(y=2, x=1) == 3
    with pytest.raises(TypeError):
        compiled.split_add(1)
