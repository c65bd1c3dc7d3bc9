"""A second set of kernels, written for this benchmark (not from the peer study).

They are typical of the loops people hand to Numba or Cython and differ in
shape from the 17 of kernels.py: short inner loops over a small array
(conv1d, horner), a loop-carried select (running_max), narrow element types
(u8 image, f32 arrays, i32 rows, read widened with int()/float() so that
CPython computes with Python ints and floats), libm calls per point
(trapezoid), a latency-bound recurrence per element (logistic_map), integer
division loops (gcd_pairs), data-dependent while loops (insertion_sort_rows),
scattered increments (bincount) and strided views (dot_strided gets a[::2]).

A second round (matvec on) adds: an ordered row sum over a 2-D array
(matvec), a 2-D recurrence with boundary branches over i16 (integral_image),
dynamic programming on two rolling rows swapped by reference (lcs_length),
triangular loops (count_inversions, lennard_jones), erf/log/exp per element
through a helper (black_scholes), an argmin over a short inner loop
(kmeans_assign), an in-place triple nest (floyd_warshall), float -> int
index conversion with clamping on f32 images (bilinear_resize_f32), rolling
`%` by a constant prime (poly_hash), forward and reversed recurrences
(thomas_tridiagonal), wraparound indices by `%` of -1 (life_step), shifts,
masks and a bit-clearing popcount loop (xorshift_bits) and a data-dependent
binary search per query (binary_search_many).

A third round (welford_var on) adds: a one-pass running mean and variance
iterating over the array's elements (welford_var), a 0/1 knapsack table
updated by a backwards inner loop (knapsack_01), a 3x3 stencil with a sqrt
per pixel (sobel_magnitude), a byte-class state machine over a text buffer
(word_count), an LCG whose modulus is a parameter driving +-1 steps
(lcg_random_walk), a Newton iteration per element that stops on a relative
tolerance (newton_cbrt), a doubly recursive function over two ints called
in a loop (partition_counts) and a saturating u8 blend clamped with
min/max (blend_sat_u8).

A fourth round (julia_set on) adds: an escape-time loop whose `while` tests
the count and the modulus joined by `and` (julia_set), bisection with a
float-only body whose trip count depends on the element (bisect_roots), a
fixed-count inner loop of RK4 stages on float locals (rk4_decay), bubble
sort driven by a `swapped` flag (bubble_sort_rows), a running window sum
that adds the entering and subtracts the leaving element (moving_average)
and Kadane's maximum subarray with max() on ints (max_subarray).

Same rules as kernels.py: typed loops, scalar locals, math.*, every array
passed in by the caller, no allocation; every `//` and `%` has non-negative
operands except life_step's `(i - 1) % h`, where Python's floor modulo does
the wraparound.  Runs unchanged on CPython with NumPy arrays.
"""

import math

from jtypes import f32, f64, i16, i32, i64, u8


def conv1d(x: f64[:], w: f64[:], out: f64[:]) -> None:
    # "valid" correlation with a small filter: out[i] = sum_j w[j] * x[i + j]
    k = w.shape[0]
    for i in range(x.shape[0] - k + 1):
        s = 0.0
        for j in range(k):
            s += w[j] * x[i + j]
        out[i] = s


def horner(c: f64[:], x: f64[:], out: f64[:]) -> None:
    # out[i] = c[0] * x^(d-1) + ... + c[d-1], by Horner's rule
    d = c.shape[0]
    for i in range(x.shape[0]):
        xi = x[i]
        p = c[0]
        for k in range(1, d):
            p = p * xi + c[k]
        out[i] = p


def running_max(x: f64[:], out: f64[:]) -> int:
    # out[i] = max(x[0..i]); returns the index of the first maximum
    best = x[0]
    arg = 0
    for i in range(x.shape[0]):
        v = x[i]
        if v > best:
            best = v
            arg = i
        out[i] = best
    return arg


def box_blur_u8(img: u8[:, :], out: u8[:, :]) -> None:
    # 3x3 mean of a grey image, rounded down; the border of out is left alone
    h = img.shape[0]
    w = img.shape[1]
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            s = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    s += int(img[i + di, j + dj])
            out[i, j] = s // 9


def mean_var_f32(x: f32[:]) -> float:
    # population variance, two passes (mean first), accumulated in binary64
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        s += float(x[i])
    mean = s / n
    ss = 0.0
    for i in range(n):
        d = float(x[i]) - mean
        ss += d * d
    return ss / n


def damped_wave(t: float) -> float:
    return math.exp(-0.1 * t) * math.sin(3.0 * t)


def trapezoid(a: float, b: float, n: int) -> float:
    # trapezoid rule for the integral of damped_wave over [a, b], n intervals
    h = (b - a) / n
    s = 0.5 * (damped_wave(a) + damped_wave(b))
    for i in range(1, n):
        s += damped_wave(a + i * h)
    return s * h


def logistic_map(r: f64[:], x: f64[:], iters: int) -> None:
    # iterates x <- r x (1 - x) on every element, each with its own r
    for i in range(x.shape[0]):
        ri = r[i]
        xi = x[i]
        for k in range(iters):
            xi = ri * xi * (1.0 - xi)
        x[i] = xi


def gcd_pairs(a: i64[:], b: i64[:], out: i64[:]) -> int:
    # Euclid on each pair of non-negative ints; returns the sum of the gcds
    total = 0
    for i in range(a.shape[0]):
        x = a[i]
        y = b[i]
        while y != 0:
            x, y = y, x % y
        out[i] = x
        total += x
    return total


def insertion_sort_rows(a: i32[:, :]) -> None:
    # sorts each (short) row in place
    m = a.shape[1]
    for r in range(a.shape[0]):
        for i in range(1, m):
            key = a[r, i]
            j = i - 1
            while j >= 0 and a[r, j] > key:
                a[r, j + 1] = a[r, j]
                j -= 1
            a[r, j + 1] = key


def heat_f32(u: f32[:, :], v: f32[:, :], iters: int, k: float) -> float:
    # explicit heat-equation steps on binary32 grids (u -> v, then v -> u);
    # v must hold u's boundary values; returns the sum of u afterwards
    n = u.shape[0]
    m = u.shape[1]
    for it in range(iters):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                c = float(u[i, j])
                v[i, j] = c + k * (float(u[i - 1, j]) + float(u[i + 1, j])
                                   + float(u[i, j - 1]) + float(u[i, j + 1]) - 4.0 * c)
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                c = float(v[i, j])
                u[i, j] = c + k * (float(v[i - 1, j]) + float(v[i + 1, j])
                                   + float(v[i, j - 1]) + float(v[i, j + 1]) - 4.0 * c)
    s = 0.0
    for i in range(n):
        for j in range(m):
            s += float(u[i, j])
    return s


def bincount(x: i64[:], counts: i64[:]) -> int:
    # counts[v] = occurrences of v in x (0 <= v < len(counts)); returns the mode
    nb = counts.shape[0]
    for v in range(nb):
        counts[v] = 0
    for i in range(x.shape[0]):
        counts[x[i]] += 1
    best = 0
    for v in range(1, nb):
        if counts[v] > counts[best]:
            best = v
    return best


def dot_strided(a: f64[:], b: f64[:]) -> float:
    # called with views (a[::2], b[::3]): element strides known only at run time
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


def matvec(a: f64[:, :], x: f64[:], y: f64[:]) -> None:
    # y = A x, each row summed in order
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j] * x[j]
        y[i] = s


def integral_image(img: i16[:, :], out: i64[:, :]) -> int:
    # summed-area table: out[i, j] = sum of img[0..i, 0..j]; returns the total
    h = img.shape[0]
    w = img.shape[1]
    for i in range(h):
        for j in range(w):
            s = int(img[i, j])
            if i > 0:
                s += out[i - 1, j]
            if j > 0:
                s += out[i, j - 1]
            if i > 0 and j > 0:
                s -= out[i - 1, j - 1]
            out[i, j] = s
    return out[h - 1, w - 1]


def lcs_length(a: u8[:], b: u8[:], prev: i32[:], cur: i32[:]) -> int:
    # length of the longest common subsequence, two rolling rows of len(b) + 1
    n = a.shape[0]
    m = b.shape[0]
    for j in range(m + 1):
        prev[j] = 0
    cur[0] = 0
    for i in range(1, n + 1):
        ai = a[i - 1]
        for j in range(1, m + 1):
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
            else:
                cur[j] = max(prev[j], cur[j - 1])
        # (`prev, cur = cur, prev` is rejected: tuples hold scalars only)
        t = prev
        prev = cur
        cur = t
    return prev[m]


def count_inversions(a: i64[:]) -> int:
    # pairs i < j with a[i] > a[j], by brute force
    n = a.shape[0]
    count = 0
    for i in range(n):
        ai = a[i]
        for j in range(i + 1, n):
            if ai > a[j]:
                count += 1
    return count


def norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / 1.4142135623730951))


def black_scholes(s: f64[:], k: f64[:], t: f64[:], r: float, sigma: float,
                  call: f64[:]) -> float:
    # European call prices; returns their sum
    total = 0.0
    for i in range(s.shape[0]):
        sq = sigma * math.sqrt(t[i])
        d1 = (math.log(s[i] / k[i]) + (r + 0.5 * sigma * sigma) * t[i]) / sq
        d2 = d1 - sq
        c = s[i] * norm_cdf(d1) - k[i] * math.exp(-r * t[i]) * norm_cdf(d2)
        call[i] = c
        total += c
    return total


def kmeans_assign(pts: f64[:, :], cent: f64[:, :], labels: i64[:]) -> float:
    # index of the nearest centroid for each point; returns the inertia
    dim = pts.shape[1]
    inertia = 0.0
    for i in range(pts.shape[0]):
        best = 1.0e300     # (Pythran 0.19 rejects math.inf)
        arg = 0
        for c in range(cent.shape[0]):
            d2 = 0.0
            for d in range(dim):
                t = pts[i, d] - cent[c, d]
                d2 += t * t
            if d2 < best:
                best = d2
                arg = c
        labels[i] = arg
        inertia += best
    return inertia


def floyd_warshall(dist: i64[:, :]) -> int:
    # all-pairs shortest paths in place; returns the sum of the distances
    n = dist.shape[0]
    for k in range(n):
        for i in range(n):
            dik = dist[i, k]
            for j in range(n):
                nd = dik + dist[k, j]
                if nd < dist[i, j]:
                    dist[i, j] = nd
    total = 0
    for i in range(n):
        for j in range(n):
            total += dist[i, j]
    return total


def bilinear_resize_f32(src: f32[:, :], dst: f32[:, :]) -> None:
    # resizes src into dst (pixel centres aligned, edges clamped)
    h = src.shape[0]
    w = src.shape[1]
    sy = h / dst.shape[0]
    sx = w / dst.shape[1]
    for i in range(dst.shape[0]):
        y = (i + 0.5) * sy - 0.5
        if y < 0.0:
            y = 0.0
        y0 = int(y)
        y1 = min(y0 + 1, h - 1)
        fy = y - y0
        for j in range(dst.shape[1]):
            x = (j + 0.5) * sx - 0.5
            if x < 0.0:
                x = 0.0
            x0 = int(x)
            x1 = min(x0 + 1, w - 1)
            fx = x - x0
            top = (1.0 - fx) * float(src[y0, x0]) + fx * float(src[y0, x1])
            bot = (1.0 - fx) * float(src[y1, x0]) + fx * float(src[y1, x1])
            dst[i, j] = (1.0 - fy) * top + fy * bot


def poly_hash(s: u8[:], w: int, out: i64[:]) -> int:
    # polynomial hash mod a prime of every window of w bytes (rolling);
    # returns how many hashes are 0 mod 1024
    p = 1_000_000_007
    base = 257
    bw = 1
    for k in range(w - 1):
        bw = bw * base % p
    h = 0
    for k in range(w):
        h = (h * base + int(s[k])) % p
    out[0] = h
    hits = 0
    for i in range(w, s.shape[0]):
        h = (h + p - int(s[i - w]) * bw % p) % p
        h = (h * base + int(s[i])) % p
        out[i - w + 1] = h
        if h & 1023 == 0:
            hits += 1
    return hits


def thomas_tridiagonal(a: f64[:], b: f64[:], c: f64[:], d: f64[:],
                       cp: f64[:], dp: f64[:], x: f64[:]) -> None:
    # solves the tridiagonal system a[i] x[i-1] + b[i] x[i] + c[i] x[i+1] = d[i]
    n = d.shape[0]
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]


def life_step(grid: u8[:, :], out: u8[:, :]) -> int:
    # one Game of Life step on a torus; returns the number of live cells
    h = grid.shape[0]
    w = grid.shape[1]
    alive = 0
    for i in range(h):
        up = (i - 1) % h
        down = (i + 1) % h
        for j in range(w):
            left = (j - 1) % w
            right = (j + 1) % w
            n = (int(grid[up, left]) + int(grid[up, j]) + int(grid[up, right])
                 + int(grid[i, left]) + int(grid[i, right])
                 + int(grid[down, left]) + int(grid[down, j]) + int(grid[down, right]))
            if n == 3 or (n == 2 and grid[i, j] != 0):
                out[i, j] = 1
                alive += 1
            else:
                out[i, j] = 0
    return alive


def xorshift_bits(seeds: i64[:], rounds: int, out: i64[:]) -> int:
    # xorshift32 rounds on each seed, then a popcount by clearing low bits;
    # returns the total popcount
    total = 0
    for i in range(seeds.shape[0]):
        x = seeds[i] & 0xFFFFFFFF
        for r in range(rounds):
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x
        v = x
        c = 0
        while v != 0:
            v &= v - 1
            c += 1
        total += c
    return total


def binary_search_many(a: i64[:], q: i64[:], out: i64[:]) -> int:
    # out[i] = the first index with a[index] >= q[i] (a sorted); returns their sum
    n = a.shape[0]
    total = 0
    for i in range(q.shape[0]):
        v = q[i]
        lo = 0
        hi = n
        while lo < hi:
            mid = (lo + hi) // 2
            if a[mid] < v:
                lo = mid + 1
            else:
                hi = mid
        out[i] = lo
        total += lo
    return total


def lennard_jones(pos: f64[:, :], eps: float, sigma: float) -> float:
    # total Lennard-Jones energy of n particles in 3-D, every pair once
    n = pos.shape[0]
    s2 = sigma * sigma
    e = 0.0
    for i in range(n - 1):
        xi = pos[i, 0]
        yi = pos[i, 1]
        zi = pos[i, 2]
        for j in range(i + 1, n):
            dx = xi - pos[j, 0]
            dy = yi - pos[j, 1]
            dz = zi - pos[j, 2]
            sr2 = s2 / (dx * dx + dy * dy + dz * dz)
            sr6 = sr2 * sr2 * sr2
            e += sr6 * sr6 - sr6
    return 4.0 * eps * e


def welford_var(x: f64[:]) -> float:
    # sample variance in one pass (Welford's running mean and sum of squares)
    n = 0
    mean = 0.0
    m2 = 0.0
    for v in x:
        n += 1
        delta = v - mean
        mean += delta / n
        m2 += delta * (v - mean)
    return m2 / (n - 1)


def knapsack_01(weight: i64[:], value: i64[:], cap: int, best: i64[:]) -> int:
    # 0/1 knapsack: best[c] = the largest total value of items weighing at
    # most c in all (best has cap + 1 entries); returns best[cap]
    for c in range(cap + 1):
        best[c] = 0
    for i in range(weight.shape[0]):
        w = weight[i]
        v = value[i]
        for c in range(cap, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[cap]


def sobel_magnitude(img: f64[:, :], out: f64[:, :]) -> float:
    # gradient magnitude by the 3x3 Sobel operator (the border of out is left
    # alone); returns the largest magnitude
    h = img.shape[0]
    w = img.shape[1]
    big = 0.0
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            gx = (img[i - 1, j + 1] + 2.0 * img[i, j + 1] + img[i + 1, j + 1]
                  - img[i - 1, j - 1] - 2.0 * img[i, j - 1] - img[i + 1, j - 1])
            gy = (img[i + 1, j - 1] + 2.0 * img[i + 1, j] + img[i + 1, j + 1]
                  - img[i - 1, j - 1] - 2.0 * img[i - 1, j] - img[i - 1, j + 1])
            g = math.sqrt(gx * gx + gy * gy)
            out[i, j] = g
            big = max(big, g)
    return big


def word_count(buf: u8[:], counts: i64[:]) -> int:
    # like wc on ASCII bytes: counts = [lines, words, digits, letters], a word
    # being a run of bytes other than space, tab, CR and LF; returns the words
    lines = 0
    words = 0
    digits = 0
    letters = 0
    in_word = False
    for i in range(buf.shape[0]):
        c = buf[i]
        if c == 10:
            lines += 1
        if c == 32 or c == 10 or c == 9 or c == 13:
            in_word = False
        else:
            if not in_word:
                words += 1
                in_word = True
            if 48 <= c <= 57:
                digits += 1
            elif 65 <= c <= 90 or 97 <= c <= 122:
                letters += 1
    counts[0] = lines
    counts[1] = words
    counts[2] = digits
    counts[3] = letters
    return words


def lcg_random_walk(steps: int, m: int, seed: int, ends: i64[:]) -> int:
    # one walk of `steps` +-1 steps per element of ends, each step drawn from
    # the LCG state <- (48271 state + 11) mod m (0 < m < 2^32, 0 <= seed < m);
    # ends[k] = where walk k ends; returns the sum of the squared end points
    state = seed
    half = m // 2
    total = 0
    for k in range(ends.shape[0]):
        pos = 0
        for s in range(steps):
            state = (48271 * state + 11) % m
            if state < half:
                pos -= 1
            else:
                pos += 1
        ends[k] = pos
        total += pos * pos
    return total


def newton_cbrt(x: f64[:], out: f64[:]) -> int:
    # cube roots of positive numbers by Newton's method, starting from x and
    # stopping once a step is below 1e-12 of the root; returns the steps taken
    total = 0
    for i in range(x.shape[0]):
        a = x[i]
        y = a
        while True:
            dy = (y * y * y - a) / (3.0 * y * y)
            y -= dy
            total += 1
            if math.fabs(dy) < 1e-12 * y:
                break
        out[i] = y
    return total


def partitions(n: int, k: int) -> int:
    # the number of ways to write n as a sum of parts no larger than k
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return partitions(n - k, k) + partitions(n, k - 1)


def partition_counts(out: i64[:]) -> int:
    # out[n] = the number of partitions of n, by brute-force recursion;
    # returns their sum
    total = 0
    for n in range(out.shape[0]):
        c = partitions(n, n)
        out[n] = c
        total += c
    return total


def blend_sat_u8(a: u8[:, :], b: u8[:, :], ga: int, gb: int, bias: int,
                 out: u8[:, :]) -> None:
    # out = (ga a + gb b) / 256 + bias per pixel (gains in 256ths, ga and gb
    # non-negative, rounded down), saturated to 0..255
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            v = (ga * int(a[i, j]) + gb * int(b[i, j])) // 256 + bias
            out[i, j] = min(max(v, 0), 255)


def julia_set(cr: float, ci: float, maxiter: int, out: i32[:, :]) -> int:
    # escape-time counts of z <- z^2 + c (c = cr + ci j fixed) from every pixel
    # of [-1.5, 1.5] x [-1, 1]; returns the total number of iterations
    h = out.shape[0]
    w = out.shape[1]
    total = 0
    for i in range(h):
        y = -1.0 + 2.0 * i / h
        for j in range(w):
            zr = -1.5 + 3.0 * j / w
            zi = y
            n = 0
            while n < maxiter and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                n += 1
            out[i, j] = n
            total += n
    return total


def bisect_roots(c: f64[:], tol: float, out: f64[:]) -> int:
    # the real root of x^3 + x = c[i] (c[i] >= 0) by bisection of [0, c[i] + 1]
    # down to a width of tol; returns the total number of halvings
    total = 0
    for i in range(c.shape[0]):
        ci = c[i]
        lo = 0.0
        hi = ci + 1.0
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            if mid * mid * mid + mid - ci > 0.0:
                hi = mid
            else:
                lo = mid
            total += 1
        out[i] = 0.5 * (lo + hi)
    return total


def rk4_decay(y0: f64[:], k: f64[:], dt: float, nsteps: int, out: f64[:]) -> None:
    # integrates dy/dt = -k y + f(t), f(t) = 0.5 + t (0.1 - 0.01 t), from y0 at
    # t = 0 with nsteps classical Runge-Kutta steps, one particle per element
    for i in range(y0.shape[0]):
        y = y0[i]
        ki = k[i]
        for s in range(nsteps):
            t = s * dt
            th = t + 0.5 * dt
            t1 = t + dt
            f0 = 0.5 + t * (0.1 - 0.01 * t)
            fh = 0.5 + th * (0.1 - 0.01 * th)
            f1 = 0.5 + t1 * (0.1 - 0.01 * t1)
            k1 = -ki * y + f0
            k2 = -ki * (y + 0.5 * dt * k1) + fh
            k3 = -ki * (y + 0.5 * dt * k2) + fh
            k4 = -ki * (y + dt * k3) + f1
            y += dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        out[i] = y


def bubble_sort_rows(a: i64[:, :]) -> int:
    # sorts each (short) row in place by bubble sort, stopping after the
    # first pass without a swap; returns the total number of passes
    m = a.shape[1]
    passes = 0
    for r in range(a.shape[0]):
        end = m - 1
        swapped = True
        while swapped:
            swapped = False
            for j in range(end):
                if a[r, j] > a[r, j + 1]:
                    t = a[r, j]
                    a[r, j] = a[r, j + 1]
                    a[r, j + 1] = t
                    swapped = True
            end -= 1
            passes += 1
    return passes


def moving_average(x: f64[:], w: int, out: f64[:]) -> None:
    # centred moving average over w (odd) points by a running sum: out[i] =
    # mean of x[i - w//2 .. i + w//2]; the first and last w//2 of out are left alone
    n = x.shape[0]
    h = w // 2
    s = 0.0
    for i in range(w):
        s += x[i]
    out[h] = s / w
    for i in range(h + 1, n - h):
        s += x[i + h] - x[i - h - 1]
        out[i] = s / w


def max_subarray(a: i64[:]) -> int:
    # the largest sum of a non-empty run of consecutive elements (Kadane)
    best = a[0]
    cur = a[0]
    for i in range(1, a.shape[0]):
        v = a[i]
        cur = max(v, cur + v)
        best = max(best, cur)
    return best


def argmax_f64(x: f64[:]) -> int:
    # the index of the first largest element (a record update: `x[best]` is
    # read at the index the `if` assigns)
    best = 0
    for i in range(1, x.shape[0]):
        if x[i] > x[best]:
            best = i
    return best


def point_dist(x1: float, y1: float, x2: float, y2: float) -> float:
    return math.sqrt((x1 - x2) ** 2 + (y1 - y2) ** 2)


def nearest_point(px: f64[:], py: f64[:], qx: f64[:], qy: f64[:], out: i64[:]) -> float:
    # for each query, the index of the nearest point (through a helper with
    # `** 2`); returns the sum of the nearest distances
    total = 0.0
    for q in range(qx.shape[0]):
        best = 0
        bd = point_dist(px[0], py[0], qx[q], qy[q])
        for i in range(1, px.shape[0]):
            d = point_dist(px[i], py[i], qx[q], qy[q])
            if d < bd:
                bd = d
                best = i
        out[q] = best
        total += bd
    return total


def dtw_distance(x: i64[:], y: i64[:], d: i64[:, :]) -> int:
    # dynamic time warping of two integer series; d is (len(x) + 1) x
    # (len(y) + 1); each cell is its cost plus the least of three neighbours,
    # one of them the cell just written
    n = x.shape[0]
    m = y.shape[0]
    for i in range(n + 1):
        d[i, 0] = 1 << 40
    for j in range(m + 1):
        d[0, j] = 1 << 40
    d[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = abs(x[i - 1] - y[j - 1])
            d[i, j] = cost + min(d[i - 1, j], d[i, j - 1], d[i - 1, j - 1])
    return d[n, m]


def merge_sorted(a: i64[:], b: i64[:], out: i64[:]) -> int:
    # merges two sorted arrays into out by two rising indexes; returns how
    # many elements came from a
    i = 0
    j = 0
    k = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] <= b[j]:
            out[k] = a[i]
            i += 1
        else:
            out[k] = b[j]
            j += 1
        k += 1
    while i < a.shape[0]:
        out[k] = a[i]
        i += 1
        k += 1
    while j < b.shape[0]:
        out[k] = b[j]
        j += 1
        k += 1
    return i


def fmod_sum(x: f64[:], m: float) -> float:
    # the sum of x[i] % m (Python's float modulo: the sign of m)
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] % m
    return s
