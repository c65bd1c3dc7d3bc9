# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cdivision=True is safe here: every integer // and % has non-negative
# operands and no divisor is zero, so C and Python semantics agree (life_step's
# (i - 1) % h, whose Python left operand can be -1, is written (i + h - 1) % h).
"""Cython versions of kernels_extra.py, written as kernels_cy.pyx is: typed
memoryviews (C-contiguous, ::1, except dot_strided's strided views), C
integer/double locals, the helper as a cdef function."""

from libc.math cimport copysign, erf, exp, fabs, fmod, log, sin, sqrt
from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t

ctypedef long long i64


def conv1d(double[::1] x, double[::1] w, double[::1] out):
    cdef Py_ssize_t k = w.shape[0], i, j
    cdef double s
    for i in range(x.shape[0] - k + 1):
        s = 0.0
        for j in range(k):
            s += w[j] * x[i + j]
        out[i] = s


def horner(double[::1] c, double[::1] x, double[::1] out):
    cdef Py_ssize_t d = c.shape[0], i, k
    cdef double xi, p
    for i in range(x.shape[0]):
        xi = x[i]
        p = c[0]
        for k in range(1, d):
            p = p * xi + c[k]
        out[i] = p


def running_max(double[::1] x, double[::1] out):
    cdef double best = x[0], v
    cdef Py_ssize_t arg = 0, i
    for i in range(x.shape[0]):
        v = x[i]
        if v > best:
            best = v
            arg = i
        out[i] = best
    return arg


def box_blur_u8(uint8_t[:, ::1] img, uint8_t[:, ::1] out):
    cdef Py_ssize_t h = img.shape[0], w = img.shape[1], i, j, di, dj
    cdef i64 s
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            s = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    s += img[i + di, j + dj]
            out[i, j] = <uint8_t>(s // 9)


def mean_var_f32(float[::1] x):
    cdef Py_ssize_t n = x.shape[0], i
    cdef double s = 0.0, mean, ss = 0.0, d
    for i in range(n):
        s += x[i]
    mean = s / n
    for i in range(n):
        d = x[i] - mean
        ss += d * d
    return ss / n


cdef inline double _damped_wave(double t) nogil:
    return exp(-0.1 * t) * sin(3.0 * t)


def trapezoid(double a, double b, i64 n):
    cdef double h = (b - a) / n
    cdef double s = 0.5 * (_damped_wave(a) + _damped_wave(b))
    cdef i64 i
    for i in range(1, n):
        s += _damped_wave(a + i * h)
    return s * h


def logistic_map(double[::1] r, double[::1] x, i64 iters):
    cdef Py_ssize_t i
    cdef i64 k
    cdef double ri, xi
    for i in range(x.shape[0]):
        ri = r[i]
        xi = x[i]
        for k in range(iters):
            xi = ri * xi * (1.0 - xi)
        x[i] = xi


def gcd_pairs(int64_t[::1] a, int64_t[::1] b, int64_t[::1] out):
    cdef Py_ssize_t i
    cdef i64 total = 0, x, y, t
    for i in range(a.shape[0]):
        x = a[i]
        y = b[i]
        while y != 0:
            t = x % y
            x = y
            y = t
        out[i] = x
        total += x
    return total


def insertion_sort_rows(int32_t[:, ::1] a):
    cdef Py_ssize_t m = a.shape[1], r, i, j
    cdef int32_t key
    for r in range(a.shape[0]):
        for i in range(1, m):
            key = a[r, i]
            j = i - 1
            while j >= 0 and a[r, j] > key:
                a[r, j + 1] = a[r, j]
                j -= 1
            a[r, j + 1] = key


cdef void _heat_step(float[:, ::1] u, float[:, ::1] v, double k):
    cdef Py_ssize_t n = u.shape[0], m = u.shape[1], i, j
    cdef double c
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            c = u[i, j]
            v[i, j] = <float>(c + k * (<double>u[i - 1, j] + <double>u[i + 1, j]
                                       + <double>u[i, j - 1] + <double>u[i, j + 1] - 4.0 * c))


def heat_f32(float[:, ::1] u, float[:, ::1] v, i64 iters, double k):
    cdef Py_ssize_t n = u.shape[0], m = u.shape[1], i, j
    cdef i64 it
    cdef double s = 0.0
    for it in range(iters):
        _heat_step(u, v, k)
        _heat_step(v, u, k)
    for i in range(n):
        for j in range(m):
            s += u[i, j]
    return s


def bincount(int64_t[::1] x, int64_t[::1] counts):
    cdef Py_ssize_t nb = counts.shape[0], v, i, best = 0
    for v in range(nb):
        counts[v] = 0
    for i in range(x.shape[0]):
        counts[x[i]] += 1
    for v in range(1, nb):
        if counts[v] > counts[best]:
            best = v
    return best


def dot_strided(double[:] a, double[:] b):
    cdef Py_ssize_t i
    cdef double s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


def matvec(double[:, ::1] a, double[::1] x, double[::1] y):
    cdef Py_ssize_t i, j
    cdef double s
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j] * x[j]
        y[i] = s


def integral_image(int16_t[:, ::1] img, int64_t[:, ::1] out):
    cdef Py_ssize_t h = img.shape[0], w = img.shape[1], i, j
    cdef i64 s
    for i in range(h):
        for j in range(w):
            s = img[i, j]
            if i > 0:
                s += out[i - 1, j]
            if j > 0:
                s += out[i, j - 1]
            if i > 0 and j > 0:
                s -= out[i - 1, j - 1]
            out[i, j] = s
    return out[h - 1, w - 1]


def lcs_length(uint8_t[::1] a, uint8_t[::1] b, int32_t[::1] prev, int32_t[::1] cur):
    cdef Py_ssize_t n = a.shape[0], m = b.shape[0], i, j
    cdef uint8_t ai
    cdef int32_t[::1] t
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
        t = prev
        prev = cur
        cur = t
    return prev[m]


def count_inversions(int64_t[::1] a):
    cdef Py_ssize_t n = a.shape[0], i, j
    cdef i64 count = 0, ai
    for i in range(n):
        ai = a[i]
        for j in range(i + 1, n):
            if ai > a[j]:
                count += 1
    return count


cdef inline double _norm_cdf(double x) nogil:
    return 0.5 * (1.0 + erf(x / 1.4142135623730951))


def black_scholes(double[::1] s, double[::1] k, double[::1] t, double r, double sigma,
                  double[::1] call):
    cdef Py_ssize_t i
    cdef double total = 0.0, sq, d1, d2, c
    for i in range(s.shape[0]):
        sq = sigma * sqrt(t[i])
        d1 = (log(s[i] / k[i]) + (r + 0.5 * sigma * sigma) * t[i]) / sq
        d2 = d1 - sq
        c = s[i] * _norm_cdf(d1) - k[i] * exp(-r * t[i]) * _norm_cdf(d2)
        call[i] = c
        total += c
    return total


def kmeans_assign(double[:, ::1] pts, double[:, ::1] cent, int64_t[::1] labels):
    cdef Py_ssize_t dim = pts.shape[1], i, c, d, arg
    cdef double inertia = 0.0, best, d2, t
    for i in range(pts.shape[0]):
        best = 1.0e300
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


def floyd_warshall(int64_t[:, ::1] dist):
    cdef Py_ssize_t n = dist.shape[0], k, i, j
    cdef i64 dik, nd, total = 0
    for k in range(n):
        for i in range(n):
            dik = dist[i, k]
            for j in range(n):
                nd = dik + dist[k, j]
                if nd < dist[i, j]:
                    dist[i, j] = nd
    for i in range(n):
        for j in range(n):
            total += dist[i, j]
    return total


def bilinear_resize_f32(float[:, ::1] src, float[:, ::1] dst):
    cdef Py_ssize_t h = src.shape[0], w = src.shape[1], i, j, y0, y1, x0, x1
    cdef double sy = <double>h / dst.shape[0], sx = <double>w / dst.shape[1]
    cdef double y, fy, x, fx, top, bot
    for i in range(dst.shape[0]):
        y = (i + 0.5) * sy - 0.5
        if y < 0.0:
            y = 0.0
        y0 = <Py_ssize_t>y
        y1 = min(y0 + 1, h - 1)
        fy = y - y0
        for j in range(dst.shape[1]):
            x = (j + 0.5) * sx - 0.5
            if x < 0.0:
                x = 0.0
            x0 = <Py_ssize_t>x
            x1 = min(x0 + 1, w - 1)
            fx = x - x0
            top = (1.0 - fx) * <double>src[y0, x0] + fx * <double>src[y0, x1]
            bot = (1.0 - fx) * <double>src[y1, x0] + fx * <double>src[y1, x1]
            dst[i, j] = <float>((1.0 - fy) * top + fy * bot)


def poly_hash(uint8_t[::1] s, i64 w, int64_t[::1] out):
    cdef i64 p = 1000000007, base = 257, bw = 1, h = 0, hits = 0, k
    cdef Py_ssize_t i
    for k in range(w - 1):
        bw = bw * base % p
    for k in range(w):
        h = (h * base + s[k]) % p
    out[0] = h
    for i in range(w, s.shape[0]):
        h = (h + p - s[i - w] * bw % p) % p
        h = (h * base + s[i]) % p
        out[i - w + 1] = h
        if h & 1023 == 0:
            hits += 1
    return hits


def thomas_tridiagonal(double[::1] a, double[::1] b, double[::1] c, double[::1] d,
                       double[::1] cp, double[::1] dp, double[::1] x):
    cdef Py_ssize_t n = d.shape[0], i
    cdef double m
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]


def life_step(uint8_t[:, ::1] grid, uint8_t[:, ::1] out):
    cdef Py_ssize_t h = grid.shape[0], w = grid.shape[1], i, j, up, down, left, right
    cdef i64 alive = 0, n
    for i in range(h):
        up = (i + h - 1) % h
        down = (i + 1) % h
        for j in range(w):
            left = (j + w - 1) % w
            right = (j + 1) % w
            n = (<i64>grid[up, left] + grid[up, j] + grid[up, right]
                 + grid[i, left] + grid[i, right]
                 + grid[down, left] + grid[down, j] + grid[down, right])
            if n == 3 or (n == 2 and grid[i, j] != 0):
                out[i, j] = 1
                alive += 1
            else:
                out[i, j] = 0
    return alive


def xorshift_bits(int64_t[::1] seeds, i64 rounds, int64_t[::1] out):
    cdef Py_ssize_t i
    # the mask as a typed local: a bare 0xFFFFFFFF literal (wider than a C
    # int) makes Cython do the `&` on Python ints, about 100x slower
    cdef i64 total = 0, x, v, c, r, mask = 0xFFFFFFFF
    for i in range(seeds.shape[0]):
        x = seeds[i] & mask
        for r in range(rounds):
            x ^= (x << 13) & mask
            x ^= x >> 17
            x ^= (x << 5) & mask
        out[i] = x
        v = x
        c = 0
        while v != 0:
            v &= v - 1
            c += 1
        total += c
    return total


def binary_search_many(int64_t[::1] a, int64_t[::1] q, int64_t[::1] out):
    cdef Py_ssize_t n = a.shape[0], i, lo, hi, mid
    cdef i64 v, total = 0
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


def lennard_jones(double[:, ::1] pos, double eps, double sigma):
    cdef Py_ssize_t n = pos.shape[0], i, j
    cdef double s2 = sigma * sigma, e = 0.0, xi, yi, zi, dx, dy, dz, sr2, sr6
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


def welford_var(double[::1] x):
    cdef Py_ssize_t i
    cdef i64 n = 0
    cdef double mean = 0.0, m2 = 0.0, v, delta
    for i in range(x.shape[0]):
        v = x[i]
        n += 1
        delta = v - mean
        mean += delta / n
        m2 += delta * (v - mean)
    return m2 / (n - 1)


def knapsack_01(int64_t[::1] weight, int64_t[::1] value, i64 cap, int64_t[::1] best):
    cdef Py_ssize_t i
    cdef i64 c, w, v
    for c in range(cap + 1):
        best[c] = 0
    for i in range(weight.shape[0]):
        w = weight[i]
        v = value[i]
        for c in range(cap, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[cap]


def sobel_magnitude(double[:, ::1] img, double[:, ::1] out):
    cdef Py_ssize_t h = img.shape[0], w = img.shape[1], i, j
    cdef double big = 0.0, gx, gy, g
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            gx = (img[i - 1, j + 1] + 2.0 * img[i, j + 1] + img[i + 1, j + 1]
                  - img[i - 1, j - 1] - 2.0 * img[i, j - 1] - img[i + 1, j - 1])
            gy = (img[i + 1, j - 1] + 2.0 * img[i + 1, j] + img[i + 1, j + 1]
                  - img[i - 1, j - 1] - 2.0 * img[i - 1, j] - img[i - 1, j + 1])
            g = sqrt(gx * gx + gy * gy)
            out[i, j] = g
            if g > big:
                big = g
    return big


def word_count(uint8_t[::1] buf, int64_t[::1] counts):
    cdef Py_ssize_t i
    cdef i64 lines = 0, words = 0, digits = 0, letters = 0
    cdef bint in_word = False
    cdef uint8_t c
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


def lcg_random_walk(i64 steps, i64 m, i64 seed, int64_t[::1] ends):
    cdef Py_ssize_t k
    cdef i64 state = seed, half = m // 2, total = 0, pos, s
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


def newton_cbrt(double[::1] x, double[::1] out):
    cdef Py_ssize_t i
    cdef i64 total = 0
    cdef double a, y, dy
    for i in range(x.shape[0]):
        a = x[i]
        y = a
        while True:
            dy = (y * y * y - a) / (3.0 * y * y)
            y -= dy
            total += 1
            if fabs(dy) < 1e-12 * y:
                break
        out[i] = y
    return total


cdef i64 _partitions(i64 n, i64 k) nogil:
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return _partitions(n - k, k) + _partitions(n, k - 1)


def partition_counts(int64_t[::1] out):
    cdef Py_ssize_t n
    cdef i64 total = 0, c
    for n in range(out.shape[0]):
        c = _partitions(n, n)
        out[n] = c
        total += c
    return total


def blend_sat_u8(uint8_t[:, ::1] a, uint8_t[:, ::1] b, i64 ga, i64 gb, i64 bias,
                 uint8_t[:, ::1] out):
    cdef Py_ssize_t i, j
    cdef i64 v
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            v = (ga * a[i, j] + gb * b[i, j]) // 256 + bias
            out[i, j] = <uint8_t>min(max(v, 0), 255)


def julia_set(double cr, double ci, i64 maxiter, int32_t[:, ::1] out):
    cdef Py_ssize_t h = out.shape[0], w = out.shape[1], i, j
    cdef i64 total = 0, n
    cdef double y, zr, zi, t
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
            out[i, j] = <int32_t>n
            total += n
    return total


def bisect_roots(double[::1] c, double tol, double[::1] out):
    cdef Py_ssize_t i
    cdef i64 total = 0
    cdef double ci, lo, hi, mid
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


def rk4_decay(double[::1] y0, double[::1] k, double dt, i64 nsteps, double[::1] out):
    cdef Py_ssize_t i
    cdef i64 s
    cdef double y, ki, t, th, t1, f0, fh, f1, k1, k2, k3, k4
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


def bubble_sort_rows(int64_t[:, ::1] a):
    cdef Py_ssize_t m = a.shape[1], r, j, end
    cdef i64 passes = 0
    cdef int64_t t
    cdef bint swapped
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


def moving_average(double[::1] x, i64 w, double[::1] out):
    cdef Py_ssize_t n = x.shape[0], h = w // 2, i
    cdef double s = 0.0
    for i in range(w):
        s += x[i]
    out[h] = s / w
    for i in range(h + 1, n - h):
        s += x[i + h] - x[i - h - 1]
        out[i] = s / w


def max_subarray(int64_t[::1] a):
    cdef Py_ssize_t i
    cdef i64 best = a[0], cur = a[0], v
    for i in range(1, a.shape[0]):
        v = a[i]
        cur = max(v, cur + v)
        best = max(best, cur)
    return best


def argmax_f64(double[::1] x):
    cdef Py_ssize_t i, best = 0
    for i in range(1, x.shape[0]):
        if x[i] > x[best]:
            best = i
    return best


cdef inline double point_dist(double x1, double y1, double x2, double y2):
    return sqrt((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2))


def nearest_point(double[::1] px, double[::1] py, double[::1] qx, double[::1] qy,
                  int64_t[::1] out):
    cdef Py_ssize_t q, i, best
    cdef double total = 0.0, bd, d
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


def dtw_distance(int64_t[::1] x, int64_t[::1] y, int64_t[:, ::1] d):
    cdef Py_ssize_t n = x.shape[0], m = y.shape[0], i, j
    cdef i64 c, best
    for i in range(n + 1):
        d[i, 0] = <i64>1 << 40
    for j in range(m + 1):
        d[0, j] = <i64>1 << 40
    d[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = x[i - 1] - y[j - 1]
            if c < 0:
                c = -c
            best = d[i - 1, j]
            if d[i, j - 1] < best:
                best = d[i, j - 1]
            if d[i - 1, j - 1] < best:
                best = d[i - 1, j - 1]
            d[i, j] = c + best
    return d[n, m]


def merge_sorted(int64_t[::1] a, int64_t[::1] b, int64_t[::1] out):
    cdef Py_ssize_t i = 0, j = 0, k = 0, na = a.shape[0], nb = b.shape[0]
    while i < na and j < nb:
        if a[i] <= b[j]:
            out[k] = a[i]
            i += 1
        else:
            out[k] = b[j]
            j += 1
        k += 1
    while i < na:
        out[k] = a[i]
        i += 1
        k += 1
    while j < nb:
        out[k] = b[j]
        j += 1
        k += 1
    return i


def fmod_sum(double[::1] x, double m):
    # Python's float % (cdivision is on for this module: written out)
    cdef Py_ssize_t i
    cdef double s = 0.0, r
    for i in range(x.shape[0]):
        r = fmod(x[i], m)
        if r != 0.0:
            if (m < 0) != (r < 0):
                r += m
        else:
            r = copysign(0.0, m)
        s += r
    return s
