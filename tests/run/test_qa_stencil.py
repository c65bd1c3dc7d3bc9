"""QA differential tests: stencils on 1-D..4-D float arrays (periodic wrap
through negative indices, Jacobi sweeps with a while-loop convergence test,
in-place updates), on contiguous, strided, reversed and Fortran-order views."""
import numpy as np
import pytest

from difftest import build, same_call

SRC = '''
H = 0.25
ALPHA = 1.0 / 3.0

@native
def smooth3(a: f64[:], out: f64[:]) -> None:
    n = a.shape[0]
    for i in range(1, n - 1):
        out[i] = (a[i - 1] + a[i] + a[i + 1]) * ALPHA

@native
def periodic3(a: f64[:], out: f64[:]) -> None:
    n = len(a)
    for i in range(n):
        # i - 1 is -1 at the left edge: wraps like Python
        out[i] = a[i - 1] - 2.0 * a[i] + a[(i + 1) % n]

@native
def laplace2(u: f64[:, :], out: f64[:, :]) -> float:
    ny = u.shape[0]
    nx = u.shape[1]
    worst = 0.0
    for i in range(1, ny - 1):
        for j in range(1, nx - 1):
            v = u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * u[i, j]
            out[i, j] = v
            if abs(v) > worst:
                worst = abs(v)
    return worst

@native
def jacobi(u: f64[:, :], tol: float, maxit: int) -> tuple[int, float]:
    ny, nx = u.shape
    it = 0
    diff = tol + 1.0
    while diff > tol and it < maxit:
        diff = 0.0
        for i in range(1, ny - 1):
            for j in range(1, nx - 1):
                new = H * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
                d = abs(new - u[i, j])
                if d > diff:
                    diff = d
                u[i, j] = new
        it += 1
    return it, diff

@native
def lap3(u: f64[:, :, :], out: f64[:, :, :]) -> None:
    for i in range(1, u.shape[0] - 1):
        for j in range(1, u.shape[1] - 1):
            for k in range(1, u.shape[2] - 1):
                out[i, j, k] = (u[i - 1, j, k] + u[i + 1, j, k] + u[i, j - 1, k]
                                + u[i, j + 1, k] + u[i, j, k - 1] + u[i, j, k + 1]
                                - 6.0 * u[i, j, k])

@native
def sum4(a: f64[:, :, :, :]) -> float:
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                for l in range(a.shape[3]):
                    s += a[i, j, k, l] * (i - j + k * l)
    return s

@native
def corner4(a: f64[:, :, :, :]) -> float:
    return a[-1, -1, -1, -1] - a[0, 0, 0, 0] + a[-a.shape[0], 0, -1, 0]

@native
def conv1d(x: f64[:], k: f64[:], out: f64[:]) -> int:
    m = len(k)
    n = len(x) - m + 1
    if n <= 0:
        return 0
    for i in range(n):
        acc = 0.0
        for j in range(m):
            acc += x[i + j] * k[m - 1 - j]
        out[i] = acc
    return n

@native
def upwind(u: f64[:], c: float, steps: int) -> None:
    n = u.shape[0]
    for s in range(steps):
        last = u[n - 1]
        for i in range(n - 1, 0, -1):
            u[i] = u[i] - c * (u[i] - u[i - 1])
        u[0] = u[0] - c * (u[0] - last)

@native
def stencil_oob(a: f64[:], r: int) -> float:
    # reads past the right end when r is too big: IndexError mid-loop
    s = 0.0
    for i in range(len(a)):
        s += a[i + r]
    return s

@native
def prefix_inplace(a: f64[:, :]) -> None:
    for i in range(a.shape[0]):
        for j in range(1, a.shape[1]):
            a[i, j] += a[i, j - 1]
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def views1d(n=9):
    base = np.sin(np.arange(2 * n + 3) * 0.7) * 3
    return [base[:n].copy(), base[::2][:n], base[::-1][:n], base[1:n + 1], np.zeros(0), np.zeros(1),
            np.array([np.nan, 1.0, np.inf, -np.inf, 2.0])]


def views2d():
    m = np.cos(np.arange(42.0)).reshape(6, 7) * 10
    return [m.copy(), np.asfortranarray(m), m[::-1], m[:, ::-2], m.T, m[1:5, 2:6], np.zeros((0, 4)), np.zeros((2, 2))]


def test_smooth_periodic(mods):
    for a in views1d():
        same_call(mods, "smooth3", a, np.full(len(a), -1.0))
        same_call(mods, "periodic3", a, np.zeros(len(a)))
        same_call(mods, "upwind", a, 0.3, 5)
    # output too short: IndexError after some writes
    same_call(mods, "smooth3", np.arange(10.0), np.zeros(5))
    same_call(mods, "periodic3", np.arange(10.0), np.zeros(9))
    same_call(mods, "periodic3", np.arange(10.0), np.zeros(20)[::-2])


def test_laplace_jacobi(mods):
    for m in views2d():
        same_call(mods, "laplace2", m, np.zeros(m.shape))
        same_call(mods, "laplace2", m, np.zeros(m.shape, order="F"))
        for tol, it in [(1e-3, 1000), (0.0, 7), (float("nan"), 10), (1.0, 0)]:
            same_call(mods, "jacobi", m, tol, it)
    same_call(mods, "laplace2", np.ones((5, 5)), np.zeros((4, 5)))


def test_3d_4d(mods):
    u = np.arange(60.0).reshape(3, 4, 5) ** 1.5
    for v in [u, np.asfortranarray(u), u[::-1, :, ::2], u.transpose(2, 0, 1)]:
        same_call(mods, "lap3", v, np.zeros(v.shape))
    same_call(mods, "lap3", u, np.zeros((3, 4, 4)))
    a = np.arange(120.0).reshape(2, 3, 4, 5) / 7
    for v in [a, np.asfortranarray(a), a[:, ::-1, :, 1::2], a.transpose(3, 2, 1, 0), np.zeros((2, 0, 3, 1))]:
        same_call(mods, "sum4", v)
        same_call(mods, "corner4", v)


def test_conv(mods):
    x = np.linspace(-2, 3, 11)
    for k in [np.array([1.0, -2.0, 1.0]), np.array([0.5]), np.zeros(0), np.ones(11), np.ones(12)]:
        same_call(mods, "conv1d", x, k, np.zeros(max(len(x) - len(k) + 1, 0)))
        same_call(mods, "conv1d", x[::-1], k[::-1], np.zeros(12)[::-1])
    same_call(mods, "conv1d", x, np.ones(3), np.zeros(4))


def test_oob_and_inplace(mods):
    for r in [0, 1, -1, -5, -6, 5, 2**62]:
        same_call(mods, "stencil_oob", np.arange(5.0), r)
    for m in views2d():
        same_call(mods, "prefix_inplace", m)
