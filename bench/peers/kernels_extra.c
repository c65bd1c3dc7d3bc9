/* Plain C versions of kernels_extra.py, in the style of kernels.c:
 * straightforward loops, same algorithm and operation order as the Python
 * (so, with -ffp-contract=off, the same floats bit for bit), no intrinsics,
 * no restrict.  Arrays are C-contiguous except dot_strided's, which get an
 * element stride; f32 and narrow int elements are widened to double / i64
 * on read, as the Python widens them with float() / int(). */
#include <math.h>
#include <stdint.h>

typedef long long i64;

void conv1d(const double *x, i64 n, const double *w, i64 k, double *out) {
    for (i64 i = 0; i < n - k + 1; i++) {
        double s = 0.0;
        for (i64 j = 0; j < k; j++)
            s += w[j] * x[i + j];
        out[i] = s;
    }
}

void horner(const double *c, i64 d, const double *x, i64 n, double *out) {
    for (i64 i = 0; i < n; i++) {
        double xi = x[i];
        double p = c[0];
        for (i64 k = 1; k < d; k++)
            p = p * xi + c[k];
        out[i] = p;
    }
}

i64 running_max(const double *x, i64 n, double *out) {
    double best = x[0];
    i64 arg = 0;
    for (i64 i = 0; i < n; i++) {
        double v = x[i];
        if (v > best) {
            best = v;
            arg = i;
        }
        out[i] = best;
    }
    return arg;
}

void box_blur_u8(const uint8_t *img, i64 h, i64 w, uint8_t *out) {
    for (i64 i = 1; i < h - 1; i++)
        for (i64 j = 1; j < w - 1; j++) {
            i64 s = 0;
            for (i64 di = -1; di < 2; di++)
                for (i64 dj = -1; dj < 2; dj++)
                    s += img[(i + di) * w + j + dj];
            out[i * w + j] = (uint8_t)(s / 9);
        }
}

double mean_var_f32(const float *x, i64 n) {
    double s = 0.0;
    for (i64 i = 0; i < n; i++)
        s += (double)x[i];
    double mean = s / (double)n;
    double ss = 0.0;
    for (i64 i = 0; i < n; i++) {
        double d = (double)x[i] - mean;
        ss += d * d;
    }
    return ss / (double)n;
}

static double damped_wave(double t) { return exp(-0.1 * t) * sin(3.0 * t); }

double trapezoid(double a, double b, i64 n) {
    double h = (b - a) / (double)n;
    double s = 0.5 * (damped_wave(a) + damped_wave(b));
    for (i64 i = 1; i < n; i++)
        s += damped_wave(a + (double)i * h);
    return s * h;
}

void logistic_map(const double *r, double *x, i64 n, i64 iters) {
    for (i64 i = 0; i < n; i++) {
        double ri = r[i], xi = x[i];
        for (i64 k = 0; k < iters; k++)
            xi = ri * xi * (1.0 - xi);
        x[i] = xi;
    }
}

i64 gcd_pairs(const int64_t *a, i64 n, const int64_t *b, int64_t *out) {
    i64 total = 0;
    for (i64 i = 0; i < n; i++) {
        i64 x = a[i], y = b[i];
        while (y != 0) {
            i64 t = x % y;
            x = y;
            y = t;
        }
        out[i] = x;
        total += x;
    }
    return total;
}

void insertion_sort_rows(int32_t *a, i64 rows, i64 m) {
    for (i64 r = 0; r < rows; r++) {
        int32_t *row = a + r * m;
        for (i64 i = 1; i < m; i++) {
            int32_t key = row[i];
            i64 j = i - 1;
            while (j >= 0 && row[j] > key) {
                row[j + 1] = row[j];
                j--;
            }
            row[j + 1] = key;
        }
    }
}

static void heat_step(const float *u, float *v, i64 n, i64 m, double k) {
    for (i64 i = 1; i < n - 1; i++)
        for (i64 j = 1; j < m - 1; j++) {
            double c = (double)u[i * m + j];
            v[i * m + j] = (float)(c + k * ((double)u[(i - 1) * m + j] + (double)u[(i + 1) * m + j]
                                            + (double)u[i * m + j - 1] + (double)u[i * m + j + 1]
                                            - 4.0 * c));
        }
}

double heat_f32(float *u, float *v, i64 n, i64 m, i64 iters, double k) {
    for (i64 it = 0; it < iters; it++) {
        heat_step(u, v, n, m, k);
        heat_step(v, u, n, m, k);
    }
    double s = 0.0;
    for (i64 i = 0; i < n * m; i++)
        s += (double)u[i];
    return s;
}

i64 bincount(const int64_t *x, i64 n, int64_t *counts, i64 nb) {
    for (i64 v = 0; v < nb; v++)
        counts[v] = 0;
    for (i64 i = 0; i < n; i++)
        counts[x[i]] += 1;
    i64 best = 0;
    for (i64 v = 1; v < nb; v++)
        if (counts[v] > counts[best])
            best = v;
    return best;
}

/* sa, sb: element strides (a[::2] has stride 2) */
double dot_strided(const double *a, i64 n, i64 sa, const double *b, i64 sb) {
    double s = 0.0;
    for (i64 i = 0; i < n; i++)
        s += a[i * sa] * b[i * sb];
    return s;
}

void matvec(const double *a, i64 n, i64 m, const double *x, double *y) {
    for (i64 i = 0; i < n; i++) {
        double s = 0.0;
        for (i64 j = 0; j < m; j++)
            s += a[i * m + j] * x[j];
        y[i] = s;
    }
}

i64 integral_image(const int16_t *img, i64 h, i64 w, int64_t *out) {
    for (i64 i = 0; i < h; i++)
        for (i64 j = 0; j < w; j++) {
            i64 s = img[i * w + j];
            if (i > 0)
                s += out[(i - 1) * w + j];
            if (j > 0)
                s += out[i * w + j - 1];
            if (i > 0 && j > 0)
                s -= out[(i - 1) * w + j - 1];
            out[i * w + j] = s;
        }
    return out[(h - 1) * w + w - 1];
}

i64 lcs_length(const uint8_t *a, i64 n, const uint8_t *b, i64 m, int32_t *prev, int32_t *cur) {
    for (i64 j = 0; j < m + 1; j++)
        prev[j] = 0;
    cur[0] = 0;
    for (i64 i = 1; i < n + 1; i++) {
        uint8_t ai = a[i - 1];
        for (i64 j = 1; j < m + 1; j++) {
            if (ai == b[j - 1])
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
        }
        int32_t *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

i64 count_inversions(const int64_t *a, i64 n) {
    i64 count = 0;
    for (i64 i = 0; i < n; i++) {
        i64 ai = a[i];
        for (i64 j = i + 1; j < n; j++)
            if (ai > a[j])
                count += 1;
    }
    return count;
}

static double norm_cdf(double x) { return 0.5 * (1.0 + erf(x / 1.4142135623730951)); }

double black_scholes(const double *s, const double *k, const double *t, i64 n, double r,
                     double sigma, double *call) {
    double total = 0.0;
    for (i64 i = 0; i < n; i++) {
        double sq = sigma * sqrt(t[i]);
        double d1 = (log(s[i] / k[i]) + (r + 0.5 * sigma * sigma) * t[i]) / sq;
        double d2 = d1 - sq;
        double c = s[i] * norm_cdf(d1) - k[i] * exp(-r * t[i]) * norm_cdf(d2);
        call[i] = c;
        total += c;
    }
    return total;
}

double kmeans_assign(const double *pts, i64 n, i64 dim, const double *cent, i64 kc,
                     int64_t *labels) {
    double inertia = 0.0;
    for (i64 i = 0; i < n; i++) {
        double best = 1.0e300;
        i64 arg = 0;
        for (i64 c = 0; c < kc; c++) {
            double d2 = 0.0;
            for (i64 d = 0; d < dim; d++) {
                double t = pts[i * dim + d] - cent[c * dim + d];
                d2 += t * t;
            }
            if (d2 < best) {
                best = d2;
                arg = c;
            }
        }
        labels[i] = arg;
        inertia += best;
    }
    return inertia;
}

i64 floyd_warshall(int64_t *dist, i64 n) {
    for (i64 k = 0; k < n; k++)
        for (i64 i = 0; i < n; i++) {
            i64 dik = dist[i * n + k];
            for (i64 j = 0; j < n; j++) {
                i64 nd = dik + dist[k * n + j];
                if (nd < dist[i * n + j])
                    dist[i * n + j] = nd;
            }
        }
    i64 total = 0;
    for (i64 i = 0; i < n * n; i++)
        total += dist[i];
    return total;
}

void bilinear_resize_f32(const float *src, i64 h, i64 w, float *dst, i64 dh, i64 dw) {
    double sy = (double)h / (double)dh;
    double sx = (double)w / (double)dw;
    for (i64 i = 0; i < dh; i++) {
        double y = ((double)i + 0.5) * sy - 0.5;
        if (y < 0.0)
            y = 0.0;
        i64 y0 = (i64)y;
        i64 y1 = y0 + 1 < h - 1 ? y0 + 1 : h - 1;
        double fy = y - (double)y0;
        for (i64 j = 0; j < dw; j++) {
            double x = ((double)j + 0.5) * sx - 0.5;
            if (x < 0.0)
                x = 0.0;
            i64 x0 = (i64)x;
            i64 x1 = x0 + 1 < w - 1 ? x0 + 1 : w - 1;
            double fx = x - (double)x0;
            double top = (1.0 - fx) * (double)src[y0 * w + x0] + fx * (double)src[y0 * w + x1];
            double bot = (1.0 - fx) * (double)src[y1 * w + x0] + fx * (double)src[y1 * w + x1];
            dst[i * dw + j] = (float)((1.0 - fy) * top + fy * bot);
        }
    }
}

i64 poly_hash(const uint8_t *s, i64 n, i64 w, int64_t *out) {
    const i64 p = 1000000007, base = 257;
    i64 bw = 1;
    for (i64 k = 0; k < w - 1; k++)
        bw = bw * base % p;
    i64 h = 0;
    for (i64 k = 0; k < w; k++)
        h = (h * base + s[k]) % p;
    out[0] = h;
    i64 hits = 0;
    for (i64 i = w; i < n; i++) {
        h = (h + p - s[i - w] * bw % p) % p;
        h = (h * base + s[i]) % p;
        out[i - w + 1] = h;
        if ((h & 1023) == 0)
            hits += 1;
    }
    return hits;
}

void thomas_tridiagonal(const double *a, const double *b, const double *c, const double *d,
                        i64 n, double *cp, double *dp, double *x) {
    cp[0] = c[0] / b[0];
    dp[0] = d[0] / b[0];
    for (i64 i = 1; i < n; i++) {
        double m = b[i] - a[i] * cp[i - 1];
        cp[i] = c[i] / m;
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m;
    }
    x[n - 1] = dp[n - 1];
    for (i64 i = n - 2; i >= 0; i--)
        x[i] = dp[i] - cp[i] * x[i + 1];
}

/* (i - 1) % h in Python is h - 1 for i = 0: C writes (i + h - 1) % h */
i64 life_step(const uint8_t *g, i64 h, i64 w, uint8_t *out) {
    i64 alive = 0;
    for (i64 i = 0; i < h; i++) {
        const uint8_t *up = g + (i + h - 1) % h * w, *row = g + i * w,
                      *down = g + (i + 1) % h * w;
        for (i64 j = 0; j < w; j++) {
            i64 left = (j + w - 1) % w, right = (j + 1) % w;
            i64 n = (i64)up[left] + up[j] + up[right] + row[left] + row[right]
                    + down[left] + down[j] + down[right];
            if (n == 3 || (n == 2 && row[j] != 0)) {
                out[i * w + j] = 1;
                alive += 1;
            } else {
                out[i * w + j] = 0;
            }
        }
    }
    return alive;
}

i64 xorshift_bits(const int64_t *seeds, i64 n, i64 rounds, int64_t *out) {
    i64 total = 0;
    for (i64 i = 0; i < n; i++) {
        i64 x = seeds[i] & 0xFFFFFFFF;
        for (i64 r = 0; r < rounds; r++) {
            x ^= (x << 13) & 0xFFFFFFFF;
            x ^= x >> 17;
            x ^= (x << 5) & 0xFFFFFFFF;
        }
        out[i] = x;
        i64 v = x, c = 0;
        while (v != 0) {
            v &= v - 1;
            c += 1;
        }
        total += c;
    }
    return total;
}

i64 binary_search_many(const int64_t *a, i64 n, const int64_t *q, i64 nq, int64_t *out) {
    i64 total = 0;
    for (i64 i = 0; i < nq; i++) {
        i64 v = q[i], lo = 0, hi = n;
        while (lo < hi) {
            i64 mid = (lo + hi) / 2;
            if (a[mid] < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        out[i] = lo;
        total += lo;
    }
    return total;
}

double lennard_jones(const double *pos, i64 n, double eps, double sigma) {
    double s2 = sigma * sigma;
    double e = 0.0;
    for (i64 i = 0; i < n - 1; i++) {
        double xi = pos[i * 3], yi = pos[i * 3 + 1], zi = pos[i * 3 + 2];
        for (i64 j = i + 1; j < n; j++) {
            double dx = xi - pos[j * 3], dy = yi - pos[j * 3 + 1], dz = zi - pos[j * 3 + 2];
            double sr2 = s2 / (dx * dx + dy * dy + dz * dz);
            double sr6 = sr2 * sr2 * sr2;
            e += sr6 * sr6 - sr6;
        }
    }
    return 4.0 * eps * e;
}

double welford_var(const double *x, i64 len) {
    i64 n = 0;
    double mean = 0.0, m2 = 0.0;
    for (i64 i = 0; i < len; i++) {
        double v = x[i];
        n += 1;
        double delta = v - mean;
        mean += delta / (double)n;
        m2 += delta * (v - mean);
    }
    return m2 / (double)(n - 1);
}

i64 knapsack_01(const int64_t *weight, const int64_t *value, i64 n, i64 cap, int64_t *best) {
    for (i64 c = 0; c <= cap; c++)
        best[c] = 0;
    for (i64 i = 0; i < n; i++) {
        i64 w = weight[i], v = value[i];
        for (i64 c = cap; c >= w; c--) {
            i64 take = best[c - w] + v;
            best[c] = take > best[c] ? take : best[c];
        }
    }
    return best[cap];
}

double sobel_magnitude(const double *img, i64 h, i64 w, double *out) {
    double big = 0.0;
    for (i64 i = 1; i < h - 1; i++) {
        const double *up = img + (i - 1) * w, *row = img + i * w, *down = img + (i + 1) * w;
        for (i64 j = 1; j < w - 1; j++) {
            double gx = up[j + 1] + 2.0 * row[j + 1] + down[j + 1]
                        - up[j - 1] - 2.0 * row[j - 1] - down[j - 1];
            double gy = down[j - 1] + 2.0 * down[j] + down[j + 1]
                        - up[j - 1] - 2.0 * up[j] - up[j + 1];
            double g = sqrt(gx * gx + gy * gy);
            out[i * w + j] = g;
            big = g > big ? g : big;
        }
    }
    return big;
}

i64 word_count(const uint8_t *buf, i64 n, int64_t *counts) {
    i64 lines = 0, words = 0, digits = 0, letters = 0;
    int in_word = 0;
    for (i64 i = 0; i < n; i++) {
        unsigned c = buf[i];
        if (c == '\n')
            lines++;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            in_word = 0;
        } else {
            if (!in_word) {
                words++;
                in_word = 1;
            }
            if (c >= '0' && c <= '9')
                digits++;
            else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                letters++;
        }
    }
    counts[0] = lines;
    counts[1] = words;
    counts[2] = digits;
    counts[3] = letters;
    return words;
}

i64 lcg_random_walk(i64 steps, i64 m, i64 seed, int64_t *ends, i64 n) {
    i64 state = seed, half = m / 2, total = 0;
    for (i64 k = 0; k < n; k++) {
        i64 pos = 0;
        for (i64 s = 0; s < steps; s++) {
            state = (48271 * state + 11) % m;
            if (state < half)
                pos -= 1;
            else
                pos += 1;
        }
        ends[k] = pos;
        total += pos * pos;
    }
    return total;
}

i64 newton_cbrt(const double *x, i64 n, double *out) {
    i64 total = 0;
    for (i64 i = 0; i < n; i++) {
        double a = x[i], y = a;
        for (;;) {
            double dy = (y * y * y - a) / (3.0 * y * y);
            y -= dy;
            total += 1;
            if (fabs(dy) < 1e-12 * y)
                break;
        }
        out[i] = y;
    }
    return total;
}

static i64 partitions(i64 n, i64 k) {
    if (n == 0)
        return 1;
    if (n < 0 || k == 0)
        return 0;
    return partitions(n - k, k) + partitions(n, k - 1);
}

i64 partition_counts(int64_t *out, i64 len) {
    i64 total = 0;
    for (i64 n = 0; n < len; n++) {
        i64 c = partitions(n, n);
        out[n] = c;
        total += c;
    }
    return total;
}

void blend_sat_u8(const uint8_t *a, i64 h, i64 w, const uint8_t *b, i64 ga, i64 gb, i64 bias,
                  uint8_t *out) {
    for (i64 i = 0; i < h * w; i++) {
        i64 v = (ga * a[i] + gb * b[i]) / 256 + bias;
        out[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

i64 julia_set(double cr, double ci, i64 maxiter, int32_t *out, i64 h, i64 w) {
    i64 total = 0;
    for (i64 i = 0; i < h; i++) {
        double y = -1.0 + 2.0 * (double)i / (double)h;
        for (i64 j = 0; j < w; j++) {
            double zr = -1.5 + 3.0 * (double)j / (double)w;
            double zi = y;
            i64 n = 0;
            while (n < maxiter && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                n++;
            }
            out[i * w + j] = (int32_t)n;
            total += n;
        }
    }
    return total;
}

i64 bisect_roots(const double *c, i64 n, double tol, double *out) {
    i64 total = 0;
    for (i64 i = 0; i < n; i++) {
        double ci = c[i], lo = 0.0, hi = ci + 1.0;
        while (hi - lo > tol) {
            double mid = 0.5 * (lo + hi);
            if (mid * mid * mid + mid - ci > 0.0)
                hi = mid;
            else
                lo = mid;
            total++;
        }
        out[i] = 0.5 * (lo + hi);
    }
    return total;
}

void rk4_decay(const double *y0, i64 n, const double *k, double dt, i64 nsteps, double *out) {
    for (i64 i = 0; i < n; i++) {
        double y = y0[i], ki = k[i];
        for (i64 s = 0; s < nsteps; s++) {
            double t = (double)s * dt;
            double th = t + 0.5 * dt;
            double t1 = t + dt;
            double f0 = 0.5 + t * (0.1 - 0.01 * t);
            double fh = 0.5 + th * (0.1 - 0.01 * th);
            double f1 = 0.5 + t1 * (0.1 - 0.01 * t1);
            double k1 = -ki * y + f0;
            double k2 = -ki * (y + 0.5 * dt * k1) + fh;
            double k3 = -ki * (y + 0.5 * dt * k2) + fh;
            double k4 = -ki * (y + dt * k3) + f1;
            y += dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
        }
        out[i] = y;
    }
}

i64 bubble_sort_rows(int64_t *a, i64 rows, i64 m) {
    i64 passes = 0;
    for (i64 r = 0; r < rows; r++) {
        int64_t *row = a + r * m;
        i64 end = m - 1;
        int swapped = 1;
        while (swapped) {
            swapped = 0;
            for (i64 j = 0; j < end; j++) {
                if (row[j] > row[j + 1]) {
                    int64_t t = row[j];
                    row[j] = row[j + 1];
                    row[j + 1] = t;
                    swapped = 1;
                }
            }
            end--;
            passes++;
        }
    }
    return passes;
}

void moving_average(const double *x, i64 n, i64 w, double *out) {
    i64 h = w / 2;
    double s = 0.0;
    for (i64 i = 0; i < w; i++)
        s += x[i];
    out[h] = s / (double)w;
    for (i64 i = h + 1; i < n - h; i++) {
        s += x[i + h] - x[i - h - 1];
        out[i] = s / (double)w;
    }
}

i64 max_subarray(const int64_t *a, i64 n) {
    i64 best = a[0], cur = a[0];
    for (i64 i = 1; i < n; i++) {
        i64 v = a[i];
        cur = v > cur + v ? v : cur + v;
        best = best > cur ? best : cur;
    }
    return best;
}

i64 argmax_f64(const double *x, i64 n) {
    i64 best = 0;
    for (i64 i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

static double point_dist(double x1, double y1, double x2, double y2) {
    return sqrt((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));
}

double nearest_point(const double *px, const double *py, i64 n, const double *qx,
                     const double *qy, i64 nq, int64_t *out) {
    double total = 0.0;
    for (i64 q = 0; q < nq; q++) {
        i64 best = 0;
        double bd = point_dist(px[0], py[0], qx[q], qy[q]);
        for (i64 i = 1; i < n; i++) {
            double d = point_dist(px[i], py[i], qx[q], qy[q]);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        out[q] = best;
        total += bd;
    }
    return total;
}

i64 dtw_distance(const int64_t *x, i64 n, const int64_t *y, i64 m, int64_t *d) {
    i64 w = m + 1;
    for (i64 i = 0; i <= n; i++)
        d[i * w] = (i64)1 << 40;
    for (i64 j = 0; j <= m; j++)
        d[j] = (i64)1 << 40;
    d[0] = 0;
    for (i64 i = 1; i <= n; i++)
        for (i64 j = 1; j <= m; j++) {
            i64 c = x[i - 1] - y[j - 1];
            c = c < 0 ? -c : c;
            i64 best = d[(i - 1) * w + j];
            if (d[i * w + j - 1] < best)
                best = d[i * w + j - 1];
            if (d[(i - 1) * w + j - 1] < best)
                best = d[(i - 1) * w + j - 1];
            d[i * w + j] = c + best;
        }
    return d[n * w + m];
}

i64 merge_sorted(const int64_t *a, i64 na, const int64_t *b, i64 nb, int64_t *out) {
    i64 i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] <= b[j])
            out[k++] = a[i++];
        else
            out[k++] = b[j++];
    }
    while (i < na)
        out[k++] = a[i++];
    while (j < nb)
        out[k++] = b[j++];
    return i;
}

double fmod_sum(const double *x, i64 n, double m) {
    double s = 0.0;
    for (i64 i = 0; i < n; i++) {
        double r = fmod(x[i], m);
        if (r != 0.0) {
            if ((m < 0) != (r < 0))
                r += m;
        } else {
            r = copysign(0.0, m);
        }
        s += r;
    }
    return s;
}
