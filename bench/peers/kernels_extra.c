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
