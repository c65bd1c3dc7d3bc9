# kernels.py from /work/shared/bench, importing from pyjitc with every def @native
"""Reference kernels in the typed-loop subset of Python.

Rules these follow (what an ahead-of-time compiler could handle):
explicit `for ... in range(...)` / `while` loops, array indexing with
integer indices (`x[i]`, `a[i, j]`), scalar int/float/bool locals,
`math.sqrt` and friends, calls to other such functions (including
recursion).  No lists, dicts, classes, comprehensions or allocation
inside kernels: every array is passed in by the caller.  All integer
`//` and `%` operands are non-negative, so C and Python semantics agree.

Runs unchanged on CPython (NumPy arrays) and PyPy (jtypes.Array1/2).
"""

import math

from pyjitc import native, f64, i32, i64, u8


@native
def add(a: int, b: int) -> int:
    return a + b


@native
def compute_sum(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


@native
def sum_squares(x: f64[:]) -> float:
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i] * x[i]
    return total


@native
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@native
def distances(xy: f64[:, :], out: f64[:]) -> None:
    # out[i] = length of the segment from point i to point i + 1
    for i in range(xy.shape[0] - 1):
        dx = xy[i + 1, 0] - xy[i, 0]
        dy = xy[i + 1, 1] - xy[i, 1]
        out[i] = math.sqrt(dx * dx + dy * dy)


@native
def mandelbrot(w: int, h: int, maxiter: int, out: i32[:, :]) -> int:
    total = 0
    for py in range(h):
        ci = -1.25 + 2.5 * py / h
        for px in range(w):
            cr = -2.0 + 3.0 * px / w
            zr = 0.0
            zi = 0.0
            n = 0
            while n < maxiter:
                zr2 = zr * zr
                zi2 = zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                n += 1
            out[py, px] = n
            total += n
    return total


@native
def nbody_energy(pos: f64[:, :], vel: f64[:, :], mass: f64[:]) -> float:
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        e += 0.5 * mass[i] * (vel[i, 0] * vel[i, 0] + vel[i, 1] * vel[i, 1]
                              + vel[i, 2] * vel[i, 2])
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            e -= mass[i] * mass[j] / math.sqrt(dx * dx + dy * dy + dz * dz + 0.01)
    return e


@native
def nbody(pos: f64[:, :], vel: f64[:, :], mass: f64[:], steps: int,
          dt: float) -> float:
    # softened gravity, symmetric pair updates, then a drift; returns energy
    n = pos.shape[0]
    for s in range(steps):
        for i in range(n):
            pix = pos[i, 0]
            piy = pos[i, 1]
            piz = pos[i, 2]
            mi = mass[i]
            for j in range(i + 1, n):
                dx = pix - pos[j, 0]
                dy = piy - pos[j, 1]
                dz = piz - pos[j, 2]
                d2 = dx * dx + dy * dy + dz * dz + 0.01
                mag = dt / (d2 * math.sqrt(d2))
                mj = mass[j] * mag
                vel[i, 0] -= dx * mj
                vel[i, 1] -= dy * mj
                vel[i, 2] -= dz * mj
                mim = mi * mag
                vel[j, 0] += dx * mim
                vel[j, 1] += dy * mim
                vel[j, 2] += dz * mim
        for i in range(n):
            pos[i, 0] += dt * vel[i, 0]
            pos[i, 1] += dt * vel[i, 1]
            pos[i, 2] += dt * vel[i, 2]
    return nbody_energy(pos, vel, mass)


@native
def matmul(a: f64[:, :], b: f64[:, :], c: f64[:, :]) -> None:
    n = a.shape[0]
    p = a.shape[1]
    m = b.shape[1]
    for i in range(n):
        for j in range(m):
            s = 0.0
            for k in range(p):
                s += a[i, k] * b[k, j]
            c[i, j] = s


@native
def jacobi(u: f64[:, :], v: f64[:, :], iters: int) -> None:
    # 5-point stencil; each iteration sweeps u -> v then v -> u.
    # v must hold the same boundary values as u.
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
def eval_a(i: int, j: int) -> float:
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


@native
def mult_av(v: f64[:], out: f64[:]) -> None:
    n = v.shape[0]
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(i, j) * v[j]
        out[i] = s


@native
def mult_atv(v: f64[:], out: f64[:]) -> None:
    n = v.shape[0]
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(j, i) * v[j]
        out[i] = s


@native
def mult_atav(v: f64[:], out: f64[:], tmp: f64[:]) -> None:
    mult_av(v, tmp)
    mult_atv(tmp, out)


@native
def spectral_norm(u: f64[:], v: f64[:], tmp: f64[:], iters: int) -> float:
    n = u.shape[0]
    for i in range(n):
        u[i] = 1.0
    for it in range(iters):
        mult_atav(u, v, tmp)
        mult_atav(v, u, tmp)
    vbv = 0.0
    vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    return math.sqrt(vbv / vv)


@native
def prefix_sum(x: f64[:]) -> None:
    for i in range(1, x.shape[0]):
        x[i] += x[i - 1]


@native
def histogram(data: f64[:], lo: float, hi: float, bins: i64[:]) -> int:
    # counts values in [lo, hi) into equal-width bins; returns how many fell outside
    nb = bins.shape[0]
    for k in range(nb):
        bins[k] = 0
    scale = nb / (hi - lo)
    outside = 0
    for i in range(data.shape[0]):
        x = data[i]
        if x >= lo and x < hi:
            k = int((x - lo) * scale)
            if k >= nb:
                k = nb - 1
            bins[k] += 1
        else:
            outside += 1
    return outside


@native
def sieve(flags: u8[:]) -> int:
    # flags[i] == 1 afterwards iff i is prime; returns the number of primes < n
    n = flags.shape[0]
    for i in range(n):
        flags[i] = 1
    flags[0] = 0
    flags[1] = 0
    i = 2
    while i * i < n:
        if flags[i] != 0:
            for j in range(i * i, n, i):
                flags[j] = 0
        i += 1
    count = 0
    for i in range(n):
        if flags[i] != 0:
            count += 1
    return count


@native
def pairwise(x: f64[:, :], d: f64[:, :]) -> None:
    n = x.shape[0]
    dim = x.shape[1]
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(dim):
                t = x[i, k] - x[j, k]
                s += t * t
            d[i, j] = math.sqrt(s)


@native
def quicksort_range(a: i64[:], lo: int, hi: int) -> None:
    # Hoare partition around the middle element; recurse on the smaller side
    while lo < hi:
        pivot = a[(lo + hi) // 2]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                i += 1
                j -= 1
        if j - lo < hi - i:
            quicksort_range(a, lo, j)
            lo = i
        else:
            quicksort_range(a, i, hi)
            hi = j


@native
def quicksort(a: i64[:]) -> None:
    quicksort_range(a, 0, a.shape[0] - 1)


@native
def monte_carlo_pi(n: int, seed: int) -> float:
    # Park-Miller "minimal standard" LCG: state * 48271 mod (2^31 - 1)
    state = seed
    hits = 0
    for i in range(n):
        state = state * 48271 % 2147483647
        x = state / 2147483647.0
        state = state * 48271 % 2147483647
        y = state / 2147483647.0
        if x * x + y * y <= 1.0:
            hits += 1
    return 4.0 * hits / n


@native
def levenshtein(a: i32[:], b: i32[:], d: i32[:, :]) -> int:
    # d must be (len(a) + 1) x (len(b) + 1)
    n = a.shape[0]
    m = b.shape[0]
    for i in range(n + 1):
        d[i, 0] = i
    for j in range(m + 1):
        d[0, j] = j
    for i in range(1, n + 1):
        ai = a[i - 1]
        for j in range(1, m + 1):
            if ai == b[j - 1]:
                cost = 0
            else:
                cost = 1
            best = d[i - 1, j] + 1
            t = d[i, j - 1] + 1
            if t < best:
                best = t
            t = d[i - 1, j - 1] + cost
            if t < best:
                best = t
            d[i, j] = best
    return d[n, m]


@native
def collatz_longest(n: int) -> int:
    # start below n with the longest chain; returns start * 1000 + chain length
    best = 1
    best_len = 1
    for start in range(1, n):
        x = start
        length = 1
        while x != 1:
            if x % 2 == 0:
                x = x // 2
            else:
                x = 3 * x + 1
            length += 1
        if length > best_len:
            best_len = length
            best = start
    return best * 1000 + best_len
