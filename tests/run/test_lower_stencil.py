"""Functions with a stencil loop (a loop reading one array at two offsets of
its variable along the last axis) prefer 256-bit vectors
(compiler/lower_layout.c, "stencils").  Only the vector width changes:
the results are compared with CPython over layouts and ranges, and the IR
carries the attribute on the stencil functions alone."""
import numpy as np
import pytest

from difftest import build, function_ir, module_ir, same_call

SRC = '''
@native
def sweep(u: f64[:, :], v: f64[:, :], iters: int) -> None:
    n = u.shape[0]
    m = u.shape[1]
    for it in range(iters):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                v[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                u[i, j] = 0.25 * (v[i - 1, j] + v[i + 1, j] + v[i, j - 1] + v[i, j + 1])

@native
def smooth(x: f64[:], out: f64[:], lo: int, hi: int) -> float:
    s = 0.0
    for i in range(lo, hi):
        out[i] = (x[i - 1] + 2.0 * x[i] + x[i + 1]) * 0.25
        s += out[i]
    return s

@native
def plain(x: f64[:], out: f64[:]) -> float:
    s = 0.0
    for i in range(x.shape[0]):
        out[i] = x[i] * 2.0 + 1.0
        s += x[i]
    return s
'''

FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SRC, flags)


def test_stencils_match_cpython(mods, flags):
    rng = np.random.default_rng(3)
    for n, m in [(3, 3), (5, 40), (37, 37), (10, 131)]:
        u = rng.random((n, m))
        same_call(mods, "sweep", u, u.copy(), 3)
        same_call(mods, "sweep", np.asfortranarray(u), u.copy(), 2)
        same_call(mods, "sweep", u, u, 2)              # v is u
    x = rng.random(300)
    for lo, hi in [(1, 299), (1, 2), (5, 5), (1, 150)]:
        same_call(mods, "smooth", x, np.zeros(300), lo, hi)
        same_call(mods, "smooth", x[::2], np.zeros(150), lo // 2 + 1, hi // 2)
        same_call(mods, "smooth", x, x, lo, hi)        # out is x
    if not flags:
        same_call(mods, "smooth", x, np.zeros(300), 1, 300)   # x[300]: IndexError
    same_call(mods, "plain", x, np.zeros(300))


def test_attribute_on_stencil_functions_only(tmp_path, flags):
    ir = module_ir(tmp_path, SRC, "sweep,smooth,plain", flags)
    def attrs(fn):
        head = function_ir(ir, fn).split("\n")[0]
        ids = [t[1:] for t in head.split() if t.startswith("#")]
        return " ".join(l for l in ir.splitlines() if any(l.startswith(f"attributes #{i} ") for i in ids))
    assert '"prefer-vector-width"="256"' in attrs("sweep_impl")
    assert '"prefer-vector-width"="256"' in attrs("smooth_impl")
    assert '"prefer-vector-width"="256"' not in attrs("plain_impl")
