"""QA differential tests: dense linear-algebra style kernels (matmul into an
output, transpose, in-place LU without pivoting that raises on a zero pivot,
forward substitution, 3-D batched matvec, 4-D tensor contraction, Floyd-
Warshall, histogram2d with bin clipping, pairwise distances) on C, Fortran,
strided and transposed views."""
import numpy as np
import pytest

from difftest import build, expect_exc, same_call

SRC = '''
@native
def matmul(a: f64[:, :], b: f64[:, :], c: f64[:, :]) -> None:
    n = a.shape[0]
    m = a.shape[1]
    p = b.shape[1]
    if b.shape[0] != m:
        raise ValueError("inner dimensions differ")
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += a[i, k] * b[k, j]
            c[i, j] = s

@native
def transpose(a: f64[:, :], out: f64[:, :]) -> None:
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[j, i] = a[i, j]

@native
def lu_inplace(a: f64[:, :]) -> int:
    n = a.shape[0]
    for k in range(n):
        piv = a[k, k]
        if piv == 0.0:
            raise ZeroDivisionError("zero pivot")
        for i in range(k + 1, n):
            a[i, k] /= piv
            f = a[i, k]
            for j in range(k + 1, n):
                a[i, j] -= f * a[k, j]
    return n

@native
def forward_sub(l: f64[:, :], b: f64[:], x: f64[:]) -> None:
    n = len(b)
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= l[i, j] * x[j]
        x[i] = s / l[i, i]

@native
def batched_matvec(a: f64[:, :, :], v: f64[:, :], out: f64[:, :]) -> None:
    for b in range(a.shape[0]):
        for i in range(a.shape[1]):
            s = 0.0
            for j in range(a.shape[2]):
                s += a[b, i, j] * v[b, j]
            out[b, i] = s

@native
def contract4(t: f64[:, :, :, :], out: f64[:, :]) -> None:
    for i in range(t.shape[0]):
        for l in range(t.shape[3]):
            s = 0.0
            for j in range(t.shape[1]):
                for k in range(t.shape[2]):
                    s += t[i, j, k, l] * (j + 1) / (k + 1)
            out[i, l] = s

@native
def floyd(d: f64[:, :]) -> None:
    n = d.shape[0]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                via = d[i, k] + d[k, j]
                if via < d[i, j]:
                    d[i, j] = via

@native
def hist2d(x: f64[:], y: f64[:], lo: float, hi: float, h: i64[:, :]) -> int:
    nb = h.shape[0]
    dropped = 0
    w = (hi - lo) / nb
    for i in range(len(x)):
        if not (lo <= x[i] < hi and lo <= y[i] < hi):
            dropped += 1
            continue
        bx = int((x[i] - lo) / w)
        by = int((y[i] - lo) / w)
        bx = min(bx, nb - 1)
        by = min(by, nb - 1)
        h[bx, by] += 1
    return dropped

@native
def pairwise(p: f64[:, :], out: f64[:, :]) -> None:
    n = p.shape[0]
    for i in range(n):
        out[i, i] = 0.0
        for j in range(i + 1, n):
            s = 0.0
            for k in range(p.shape[1]):
                t = p[i, k] - p[j, k]
                s += t * t
            out[i, j] = math.sqrt(s)
            out[j, i] = out[i, j]

@native
def trace_u8(a: u8[:, :]) -> int:
    t = 0
    for i in range(min(a.shape[0], a.shape[1])):
        t += int(a[i, i])
    return t
'''


@pytest.fixture(scope="module", params=[(), ("-O0",)], ids=["O3", "O0"])
def mods(request):
    return build(SRC, flags=request.param)


def layouts(m):
    return [m, np.asfortranarray(m), m[::-1, ::-1].copy()[::-1, ::-1], m.T.copy().T]


def test_matmul_transpose(mods):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((4, 3))
    b = rng.standard_normal((3, 5))
    for x in layouts(a):
        for y in layouts(b):
            same_call(mods, "matmul", x, y, np.zeros((4, 5)))
    same_call(mods, "matmul", a, a, np.zeros((4, 3)))
    same_call(mods, "matmul", a, b, np.zeros((3, 5)))
    same_call(mods, "matmul", a[::-1], b[:, ::2], np.zeros((4, 3), order="F"))
    for x in [a, a.T, a[::2], np.zeros((0, 3))]:
        same_call(mods, "transpose", x, np.zeros(x.shape[::-1]))
    same_call(mods, "transpose", a, np.zeros((3, 3)))


def test_lu(mods):
    m = np.array([[4.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])
    for x in [m, np.asfortranarray(m), m.T, np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 2.0], [2.0, 4.0]]),
              np.zeros((0, 0)), np.array([[np.nan]])]:
        same_call(mods, "lu_inplace", x)
    l = np.tril(m) + np.eye(3)
    same_call(mods, "forward_sub", l, np.array([1.0, 2.0, 3.0]), np.zeros(3))
    # s / 0.0 with NumPy scalars is inf; as Python floats it raises (SPEC section 3)
    expect_exc(mods, "forward_sub", ZeroDivisionError, "float division by zero",
               np.tril(m) * 0, np.array([1.0, 2.0, 3.0]), np.zeros(3))


def test_batched(mods):
    a = np.arange(24.0).reshape(2, 3, 4) / 5
    v = np.arange(8.0).reshape(2, 4) - 3
    for x in [a, np.asfortranarray(a), a[::-1, :, ::-1]]:
        same_call(mods, "batched_matvec", x, v if x is not a else v, np.zeros((2, 3)))
    t = np.arange(120.0).reshape(2, 3, 4, 5) ** 0.5
    for x in [t, np.asfortranarray(t), t[:, ::-1, :, ::2]]:
        same_call(mods, "contract4", x, np.zeros((x.shape[0], x.shape[3])))
    same_call(mods, "contract4", t, np.zeros((2, 4)))


def test_graphs_hist(mods):
    inf = np.inf
    d = np.array([[0, 3, inf, 7], [8, 0, 2, inf], [5, inf, 0, 1], [2, inf, inf, 0]])
    for x in [d, np.asfortranarray(d), np.full((3, 3), np.nan), np.zeros((0, 0))]:
        same_call(mods, "floyd", x)
    rng = np.random.default_rng(9)
    x = rng.uniform(-1.2, 1.2, 200)
    y = rng.uniform(-1.2, 1.2, 200)
    x[5] = np.nan
    y[7] = np.inf
    same_call(mods, "hist2d", x, y, -1.0, 1.0, np.zeros((8, 8), np.int64))
    same_call(mods, "hist2d", x[::-1], y[::2], -1.0, 1.0, np.zeros((5, 5), np.int64))
    same_call(mods, "hist2d", x, y, 1.0, 1.0, np.zeros((4, 4), np.int64))
    pts = rng.standard_normal((6, 3))
    for p in [pts, pts.T.copy().T, pts[::-1]]:
        same_call(mods, "pairwise", p, np.zeros((6, 6)))
    u = (np.arange(30) * 37 % 256).astype(np.uint8).reshape(5, 6)
    for a in [u, u.T, u[::-1], np.zeros((0, 4), np.uint8)]:
        same_call(mods, "trace_u8", a)
