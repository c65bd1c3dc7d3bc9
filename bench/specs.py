"""What each kernel of kernels.py is called with, at two sizes.

"full" sizes make one CPython call take roughly 0.3-1 s on the 2-core box
(the compiled systems then take 0.2-40 ms, far above any call overhead);
"quick" sizes (make bench QUICK=1) are 10-30x smaller.  Every system gets
the very same input arrays (generated once per run with a fixed seed).

An argument is one of
  ("s", value)      a scalar, passed as is
  ("in", ARRAY)     an array the kernel only reads
  ("out", ARRAY)    an array the kernel writes; compared against CPython's
ARRAY is a name of ARRAYS, or NAME::K for the strided view NAME[::K].
Array arguments are restored from the pristine input before every call, so
each call does exactly the same work.
"""

# the functions of kernels.py that pyjitc must compile (kernels + helpers)
HELPERS = ["add", "nbody_energy", "eval_a", "mult_av", "mult_atv", "mult_atav",
           "quicksort_range"]

# ARRAY -> (full shape, quick shape, dtype, how to fill it)
ARRAYS = {
    "sumsq_x": ((4_000_000,), (300_000,), "float64", "uniform"),
    "dist_xy": ((1_000_000, 2), (100_000, 2), "float64", "uniform"),
    "dist_out": ((999_999,), (99_999,), "float64", "zeros"),
    "mandel_out": ((300, 400), (120, 160), "int32", "zeros"),
    "nbody_pos": ((100, 3), (50, 3), "float64", "uniform"),
    "nbody_vel": ((100, 3), (50, 3), "float64", "small"),
    "nbody_mass": ((100,), (50,), "float64", "mass"),
    "mm_a": ((150, 150), (60, 60), "float64", "uniform"),
    "mm_b": ((150, 150), (60, 60), "float64", "uniform"),
    "mm_c": ((150, 150), (60, 60), "float64", "zeros"),
    "jac_u": ((200, 200), (80, 80), "float64", "uniform"),
    "sn_work": ((300,), (100,), "float64", "zeros"),
    "prefix_x": ((4_000_000,), (300_000,), "float64", "uniform"),
    "hist_data": ((2_000_000,), (200_000,), "float64", "normal"),
    "hist_bins": ((100,), (100,), "int64", "zeros"),
    "sieve_flags": ((1_000_000,), (100_000,), "uint8", "zeros"),
    "pw_x": ((800, 3), (200, 3), "float64", "uniform"),
    "pw_d": ((800, 800), (200, 200), "float64", "zeros"),
    "qs_a": ((300_000,), (30_000,), "int64", "ints1e6"),
    "lev_a": ((500,), (150,), "int32", "ints4"),
    "lev_b": ((500,), (150,), "int32", "ints4"),
    "lev_d": ((501, 501), (151, 151), "int32", "zeros"),
}


def _s(full, quick):
    """A scalar argument that differs between the two sizes."""
    return ("s", (full, quick))


KERNELS = [
    ("compute_sum", [_s(30_000_000, 2_000_000)]),
    ("sum_squares", [("in", "sumsq_x")]),
    ("fib", [_s(32, 25)]),
    ("distances", [("in", "dist_xy"), ("out", "dist_out")]),
    ("mandelbrot", [_s(400, 160), _s(300, 120), _s(200, 100), ("out", "mandel_out")]),
    ("nbody", [("out", "nbody_pos"), ("out", "nbody_vel"), ("in", "nbody_mass"),
               _s(80, 20), ("s", (0.001, 0.001))]),
    ("matmul", [("in", "mm_a"), ("in", "mm_b"), ("out", "mm_c")]),
    ("jacobi", [("out", "jac_u"), ("out", "jac_u"), _s(20, 10)]),
    ("spectral_norm", [("out", "sn_work"), ("out", "sn_work"), ("tmp", "sn_work"),
                       _s(10, 5)]),
    ("prefix_sum", [("out", "prefix_x")]),
    ("histogram", [("in", "hist_data"), ("s", (-3.0, -3.0)), ("s", (3.0, 3.0)),
                   ("out", "hist_bins")]),
    ("sieve", [("out", "sieve_flags")]),
    ("pairwise", [("in", "pw_x"), ("out", "pw_d")]),
    ("quicksort", [("out", "qs_a")]),
    ("monte_carlo_pi", [_s(3_000_000, 300_000), ("s", (12345, 12345))]),
    ("levenshtein", [("in", "lev_a"), ("in", "lev_b"), ("out", "lev_d")]),
    ("collatz_longest", [_s(150_000, 15_000)]),
]

KERNEL_NAMES = [k for k, _ in KERNELS]
COMPILED_NAMES = HELPERS + KERNEL_NAMES


def make_arrays(quick, arrays=None, seed=1000):
    """The pristine input arrays, by name (NumPy, C-contiguous); arrays
    defaults to this module's ARRAYS (specs_extra.py passes its own)."""
    import numpy as np
    arrays = ARRAYS if arrays is None else arrays
    out = {}
    for i, (name, (full, small, dtype, how)) in enumerate(sorted(arrays.items())):
        shape = small if quick else full
        rng = np.random.default_rng(seed + i)
        out[name] = np.ascontiguousarray(_fill(np, rng, how, shape), dtype=dtype)
    return out


def _fill(np, rng, how, shape):
    """The values of one array (converted to its dtype by the caller)."""
    if how == "zeros":
        return np.zeros(shape)
    if how == "uniform":
        return rng.random(shape)
    if how == "small":
        return (rng.random(shape) - 0.5) * 0.1
    if how == "mass":
        return (0.5 + rng.random(shape)) / shape[0]
    if how == "normal":
        return rng.normal(0.0, 1.0, shape)
    if how == "ints1e6":
        return rng.integers(0, 1_000_000, shape)
    if how == "ints4":
        return rng.integers(0, 4, shape)
    if how == "walk":                   # random walk: new maxima now and then
        return np.cumsum(rng.normal(0.0, 1.0, shape))
    if how == "sym":                    # uniform in [-1, 1)
        return 2.0 * rng.random(shape) - 1.0
    if how == "taps":                   # a smoothing filter: positive, sums to ~1
        w = 1.0 + rng.random(shape)
        return w / w.sum()
    if how == "pixels":
        return rng.integers(0, 256, shape)
    if how == "chaos_r":                # logistic-map rates in the chaotic regime
        return 3.6 + 0.4 * rng.random(shape)
    if how == "open01":                 # starting points in (0, 1)
        return 0.05 + 0.9 * rng.random(shape)
    if how == "ints1e9":
        return rng.integers(0, 1_000_000_000, shape)
    if how == "ints1e4":
        return rng.integers(-10_000, 10_000, shape)
    if how == "binomial":               # values 0..999, peaked around 300
        return rng.binomial(999, 0.3, shape)
    if how == "prices":                 # positive prices in [50, 150)
        return 50.0 + 100.0 * rng.random(shape)
    if how == "maturities":             # times in years, in [0.1, 2.1)
        return 0.1 + 2.0 * rng.random(shape)
    if how == "sorted":                 # ascending ints in [0, 10**9)
        return np.sort(rng.integers(0, 1_000_000_000, shape))
    if how == "diag_dom":               # diagonal of a diagonally dominant matrix
        return 4.0 + rng.random(shape)
    if how == "graph":                  # dense distance matrix: weights 1..999, 0 on the
        d = rng.integers(1, 1000, shape)  # diagonal, 80% of the edges missing (1e9)
        d[rng.random(shape) < 0.8] = 1_000_000_000
        np.fill_diagonal(d, 0)
        return d
    if how == "life":                   # cells alive with probability 0.3
        return (rng.random(shape) < 0.3).astype(np.uint8)
    if how == "sorted1e9":              # sorted ints in [0, 1e9)
        return np.sort(rng.integers(0, 1_000_000_000, shape))
    if how == "box10":                  # coordinates uniform in [0, 10)
        return 10.0 * rng.random(shape)
    raise ValueError(how)


def split_view(val):
    """An ARRAY name may end in "::K": the argument is then the view
    array[::K] (a strided, non-contiguous buffer).  Returns (name, K)."""
    name, sep, step = val.partition("::")
    return name, int(step) if sep else 1


def resolve(argspec, quick):
    """argspec with the scalar values of the chosen size."""
    res = []
    for kind, val in argspec:
        if kind == "s":
            val = val[1] if quick else val[0]
        res.append((kind, val))
    return res
