"""Builds and loads every system that runs the kernels.

The kernels come in two groups (GROUPS below): "public", the 17 kernels of
kernels.py that SPEC §5 is about, and "extra", kernels_extra.py.  Each
loader takes a group and returns a System: a namespace of callables with the
group's Python signatures (or None with a note saying why it is skipped)
plus its build facts.  A loader never raises: a missing tool or a failed
build becomes a printed note and an empty column.

Peer builds (Cython, Pythran, C) are cached under out/build/ by a hash of
their source, flags and tool version, so a rerun costs nothing for them;
the recorded build time is that of the build that made the cached files.
pyjitc is always rebuilt: its build time is one of the figures measured.
"""

import ast
import hashlib
import importlib.machinery
import importlib.util
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import time
import types

import specs
import specs_extra

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")
EXT = sysconfig.get_config_var("EXT_SUFFIX")
NATIVE = ["-O3", "-march=native"]


class System:
    def __init__(self, key, label, describe):
        self.key = key
        self.label = label
        self.describe = describe
        self.ns = None          # callables by kernel name, or None
        self.note = ""          # why it is skipped, or a remark on how it ran
        self.build = {}         # step -> seconds (and other build facts)
        self.exact = False      # promises CPython's floats bit for bit
        self.version = ""

    def fn(self, name):
        return getattr(self.ns, name, None) if self.ns is not None else None


class Group:
    """One set of kernels: its Python source (bench/STEM.py), its specs
    module, and the peers' versions of it.  Every generated module and
    cache directory is named after stem, so the groups never collide."""

    def __init__(self, key, stem, spec, c_calls, pythran_exports, numpy):
        self.key = key
        self.stem = stem                    # "kernels" -> kernels.py, kernels_cy.pyx, kernels.c
        self.specs = spec
        self.c_calls = c_calls
        self.pythran_exports = pythran_exports
        self.numpy = numpy                  # peers/ file of NumPy versions, or None

    @property
    def source(self):
        return os.path.join(HERE, self.stem + ".py")

    def tag(self, what):
        """A cache / output directory name for this group's build of what."""
        return what if self.key == "public" else "%s_%s" % (what, self.key)


def _load_ext(modname, path):
    """Imports the extension at path under modname, whatever sys.path says."""
    loader = importlib.machinery.ExtensionFileLoader(modname, path)
    spec = importlib.util.spec_from_file_location(modname, path, loader=loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def children_cpu():
    """CPU seconds (user + sys) used so far by finished child processes."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd, cwd=None, env=None, cpu=None):
    """Runs cmd; returns (CompletedProcess, wall seconds).  With a list as
    cpu, appends the child's CPU seconds to it (runs are sequential, so the
    RUSAGE_CHILDREN delta is this child's)."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(children_cpu() - c0)
    return p, dt


def _tail(p, n=1500):
    text = (p.stdout + p.stderr).strip()
    return text[-n:]


def _cached_dir(ctx, tag, parts):
    """out/build/TAG-HASH for the given inputs, and its recorded facts (or None)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    d = os.path.join(ctx.build_dir, "%s-%s" % (tag, h.hexdigest()[:12]))
    meta = os.path.join(d, "built.json")
    if os.path.exists(meta):
        with open(meta) as f:
            facts = json.load(f)
        facts["cached"] = True
        return d, facts
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d, None


def _record(d, facts):
    with open(os.path.join(d, "built.json"), "w") as f:
        json.dump(facts, f)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _tool_version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return None


# ------------------------------------------------------------------ CPython
def load_cpython(ctx, group):
    s = System("cpython", "CPython", "%s.py as plain Python, NumPy array arguments" % group.stem)
    spec = importlib.util.spec_from_file_location(group.stem + "_cpython", group.source)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    s.ns = mod
    s.exact = True
    s.version = sys.version.split()[0]
    return s


# ------------------------------------------------------------------ pyjitc
def _pyjitc_build(ctx, group, outdir, extra, repeats):
    """Runs `pyjitc build -v` (repeats times); returns (module path, facts) or
    (None, error text)."""
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    cmd = [ctx.pyjitc, "build", "-v", "--only", ",".join(group.specs.COMPILED_NAMES),
           group.source, "-o", outdir] + extra
    walls = []
    cpus = []
    phases = []
    for _ in range(repeats):
        p, dt = _run(cmd, cpu=cpus)
        if p.returncode != 0:
            return None, "exit %d: %s\n%s" % (p.returncode, " ".join(cmd), _tail(p))
        walls.append(dt)
        phases.append(_parse_phases(p.stderr))
    modname = group.stem
    if "--module" in extra:
        modname = extra[extra.index("--module") + 1]
    path = os.path.join(outdir, modname + EXT)
    if not os.path.exists(path):
        return None, "no module written at " + path
    mid = sorted(range(len(walls)), key=walls.__getitem__)[len(walls) // 2]
    return path, {"wall_s": walls[mid], "wall_min_s": min(walls), "walls_s": walls,
                  "cpu_s": cpus[mid], "cpu_min_s": min(cpus),
                  "phases_ms": phases[mid], "command": " ".join(cmd)}


def _parse_phases(stderr):
    """`pyjitc: lower   4.80 ms` lines of -v -> {"lower": 4.8}; nested
    phases (indented) keep their indentation-free name."""
    out = {}
    for line in stderr.splitlines():
        if not line.startswith("pyjitc: ") or not line.rstrip().endswith(" ms"):
            continue
        body = line[len("pyjitc: "):].rstrip()[:-3].rstrip()
        name, _, value = body.rpartition(" ")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            pass
    return out


def load_pyjitc(ctx, group, unchecked):
    if unchecked:
        modname = group.stem + "_unchecked"
        s = System("pyjitc_unchecked", "pyjitc unchecked",
                   "pyjitc build --boundscheck=off --overflowcheck=off --module " + modname)
        extra = ["--boundscheck=off", "--overflowcheck=off", "--module", modname]
    else:
        s = System("pyjitc", "pyjitc", "pyjitc build (default safe mode: bounds and overflow checks on)")
        extra = []
        modname = group.stem
    s.exact = True
    if not ctx.pyjitc:
        s.note = "no pyjitc binary (run make first)"
        return s
    s.version = _tool_version([ctx.pyjitc, "--version"]) or "?"
    outdir = os.path.join(ctx.build_dir, group.tag("pyjitc") + ("_unchecked" if unchecked else "_safe"))
    path, facts = _pyjitc_build(ctx, group, outdir, extra, ctx.build_repeats)
    if path is None:
        s.note = "pyjitc build failed: " + facts
        return s
    s.build = facts
    try:
        # the module runs the group's own Python code at import: it needs jtypes
        if HERE not in sys.path:
            sys.path.insert(0, HERE)
        s.ns = _load_ext(modname, path)
    except Exception as e:  # noqa: BLE001 - any import failure is reported
        s.note = "import of the pyjitc module failed: %s: %s" % (type(e).__name__, e)
        s.ns = None
    return s


# ------------------------------------------------------------------ NumPy
def load_numpy(ctx, group):
    s = System("numpy", "NumPy", "peers/kernels_np.py: whole-array NumPy where a natural form exists")
    import numpy
    s.version = numpy.__version__
    if group.numpy is None:
        s.note = "no NumPy versions of the %s kernels" % group.key
        return s
    spec = importlib.util.spec_from_file_location(group.numpy[:-3], os.path.join(PEERS, group.numpy))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    s.ns = mod
    return s


# ------------------------------------------------------------------ Numba
def load_numba(ctx, group, cpython_mod):
    s = System("numba", "Numba", "numba.njit (defaults: no fastmath) of %s.py's own code objects"
               % group.stem)
    try:
        import numba
    except ImportError:
        s.note = "numba not installed (make bench-deps)"
        return s
    s.version = numba.__version__
    s.exact = True
    # One globals dict for all clones: each kernel/helper name is bound to its
    # dispatcher, so helper calls and recursion compile as native calls.
    g = {"math": math, "__builtins__": __builtins__}
    ns = types.SimpleNamespace()
    for name in group.specs.COMPILED_NAMES:
        f = getattr(cpython_mod, name)
        clone = types.FunctionType(f.__code__, g, name, f.__defaults__, f.__closure__)
        g[name] = numba.njit(clone)
        setattr(ns, name, g[name])
    s.ns = ns
    s.note = "first call compiles (the warm-up call, reported separately)"
    return s


# ------------------------------------------------------------------ Cython
def load_cython(ctx, group):
    modname = group.stem + "_cy"
    s = System("cython", "Cython", "peers/%s.pyx (typed memoryviews), gcc -O3 -march=native" % modname)
    try:
        import Cython
    except ImportError:
        s.note = "Cython not installed (make bench-deps)"
        return s
    s.version = Cython.__version__
    inc = sysconfig.get_paths()["include"]
    pyx = os.path.join(PEERS, modname + ".pyx")
    cflags = NATIVE + ["-fPIC", "-shared", "-fno-strict-aliasing", "-DNDEBUG", "-I" + inc]
    d, facts = _cached_dir(ctx, group.tag("cython"), [_read(pyx), cflags, s.version,
                                                      _tool_version(["gcc", "--version"])])
    so = os.path.join(d, modname + EXT)
    if facts is None:
        csrc = os.path.join(d, modname + ".c")
        ctx.log("   building Cython module (cython + gcc)...")
        p, t1 = _run([sys.executable, "-m", "cython", "-3", pyx, "-o", csrc])
        if p.returncode != 0:
            s.note = "cython failed: " + _tail(p)
            return s
        p, t2 = _run(["gcc"] + cflags + [csrc, "-o", so, "-lm"])
        if p.returncode != 0:
            s.note = "gcc of the Cython module failed: " + _tail(p)
            return s
        facts = {"cython_s": t1, "gcc_s": t2, "wall_s": t1 + t2, "cflags": " ".join(cflags)}
        _record(d, facts)
    s.build = facts
    try:
        s.ns = _load_ext(modname, so)
    except Exception as e:  # noqa: BLE001
        s.note = "import failed: %s" % e
    return s


# ------------------------------------------------------------------ Pythran
PYTHRAN_EXPORTS = {
    "add": "int, int",
    "compute_sum": "int",
    "sum_squares": "float64[:]",
    "fib": "int",
    "distances": "float64[:,:], float64[:]",
    "mandelbrot": "int, int, int, int32[:,:]",
    "nbody": "float64[:,:], float64[:,:], float64[:], int, float",
    "matmul": "float64[:,:], float64[:,:], float64[:,:]",
    "jacobi": "float64[:,:], float64[:,:], int",
    "spectral_norm": "float64[:], float64[:], float64[:], int",
    "prefix_sum": "float64[:]",
    "histogram": "float64[:], float, float, int64[:]",
    "sieve": "uint8[:]",
    "pairwise": "float64[:,:], float64[:,:]",
    "quicksort": "int64[:]",
    "monte_carlo_pi": "int, int",
    "levenshtein": "int32[:], int32[:], int32[:,:]",
    "collatz_longest": "int",
}


PYTHRAN_EXPORTS_EXTRA = {
    "conv1d": "float64[:], float64[:], float64[:]",
    "horner": "float64[:], float64[:], float64[:]",
    "running_max": "float64[:], float64[:]",
    "box_blur_u8": "uint8[:,:], uint8[:,:]",
    "mean_var_f32": "float32[:]",
    "trapezoid": "float, float, int",
    "logistic_map": "float64[:], float64[:], int",
    "gcd_pairs": "int64[:], int64[:], int64[:]",
    "insertion_sort_rows": "int32[:,:]",
    "heat_f32": "float32[:,:], float32[:,:], int, float",
    "bincount": "int64[:], int64[:]",
    "dot_strided": "float64[::], float64[::]",      # [::] accepts strided views
    "matvec": "float64[:,:], float64[:], float64[:]",
    "integral_image": "int16[:,:], int64[:,:]",
    "lcs_length": "uint8[:], uint8[:], int32[:], int32[:]",
    "count_inversions": "int64[:]",
    "black_scholes": "float64[:], float64[:], float64[:], float, float, float64[:]",
    "kmeans_assign": "float64[:,:], float64[:,:], int64[:]",
    "floyd_warshall": "int64[:,:]",
    "bilinear_resize_f32": "float32[:,:], float32[:,:]",
    "poly_hash": "uint8[:], int, int64[:]",
    "thomas_tridiagonal": ", ".join(["float64[:]"] * 7),
    "life_step": "uint8[:,:], uint8[:,:]",
    "xorshift_bits": "int64[:], int, int64[:]",
    "binary_search_many": "int64[:], int64[:], int64[:]",
    "lennard_jones": "float64[:,:], float, float",
    "welford_var": "float64[:]",
    "knapsack_01": "int64[:], int64[:], int, int64[:]",
    "sobel_magnitude": "float64[:,:], float64[:,:]",
    "word_count": "uint8[:], int64[:]",
    "lcg_random_walk": "int, int, int, int64[:]",
    "newton_cbrt": "float64[:], float64[:]",
    "partition_counts": "int64[:]",
    "blend_sat_u8": "uint8[:,:], uint8[:,:], int, int, int, uint8[:,:]",
    "julia_set": "float, float, int, int32[:,:]",
    "bisect_roots": "float64[:], float, float64[:]",
    "rk4_decay": "float64[:], float64[:], float, int, float64[:]",
    "bubble_sort_rows": "int64[:,:]",
    "moving_average": "float64[:], int, float64[:]",
    "max_subarray": "int64[:]",
    "argmax_f64": "float64[:]",
    "nearest_point": ", ".join(["float64[:]"] * 4 + ["int64[:]"]),
    "dtw_distance": "int64[:], int64[:], int64[:,:]",
    "merge_sorted": "int64[:], int64[:], int64[:]",
    "fmod_sum": "float64[:], float",
}


def pythran_source(group):
    """The group's Python source without the jtypes import and the
    annotations (Pythran types come from the export lines), so the bodies
    are the Python ones."""
    with open(group.source) as f:
        tree = ast.parse(f.read())
    keep = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "jtypes":
            continue
        if isinstance(node, ast.FunctionDef):
            node.returns = None
            for a in node.args.args:
                a.annotation = None
        keep.append(node)
    tree.body = keep
    head = ["#pythran export %s(%s)" % kv for kv in group.pythran_exports.items()]
    return "\n".join(head) + "\n" + ast.unparse(tree) + "\n"


def load_pythran(ctx, group):
    modname = group.stem + "_pythran"
    s = System("pythran", "Pythran", "%s.py without annotations, pythran -O3 -march=native"
               % group.stem)
    try:
        import pythran
    except ImportError:
        s.note = "pythran not installed (make bench-deps)"
        return s
    s.version = pythran.__version__
    src = pythran_source(group)
    d, facts = _cached_dir(ctx, group.tag("pythran"), [src, NATIVE, s.version])
    so = os.path.join(d, modname + EXT)
    if facts is None:
        with open(os.path.join(d, modname + ".py"), "w") as f:
            f.write(src)
        ctx.log("   building Pythran module (slow: ~20-60 s, cached afterwards)...")
        p, t = _run([sys.executable, "-m", "pythran.run", "-O3", "-march=native",
                     modname + ".py", "-o", so], cwd=d)
        if p.returncode != 0:
            p, t = _run(["pythran", "-O3", "-march=native", modname + ".py", "-o", so], cwd=d)
        if p.returncode != 0:
            s.note = "pythran build failed: " + _tail(p)
            return s
        facts = {"wall_s": t}
        _record(d, facts)
    s.build = facts
    try:
        s.ns = _load_ext(modname, so)
    except Exception as e:  # noqa: BLE001
        s.note = "import failed: %s" % e
    return s


# ------------------------------------------------------------------ C
# How kernels.py's arguments map to the C functions' parameters:
#   pN = data pointer of argument N, rN = its shape[0], cN = its shape[1],
#   sN = its element stride (strides[0] / itemsize),
#   iN / dN = argument N itself as int64 / double.
# Result type: i (int64), d (double) or None.
C_CALLS = {
    "add": ("i", "i0 i1"),
    "compute_sum": ("i", "i0"),
    "sum_squares": ("d", "p0 r0"),
    "fib": ("i", "i0"),
    "distances": (None, "p0 r0 p1"),
    "mandelbrot": ("i", "i0 i1 i2 p3"),
    "nbody": ("d", "p0 p1 p2 r0 i3 d4"),
    "matmul": (None, "p0 p1 p2 r0 c0 c1"),
    "jacobi": (None, "p0 p1 r0 c0 i2"),
    "spectral_norm": ("d", "p0 p1 p2 r0 i3"),
    "prefix_sum": (None, "p0 r0"),
    "histogram": ("i", "p0 r0 d1 d2 p3 r3"),
    "sieve": ("i", "p0 r0"),
    "pairwise": (None, "p0 r0 c0 p1"),
    "quicksort": (None, "p0 r0"),
    "monte_carlo_pi": ("d", "i0 i1"),
    "levenshtein": ("i", "p0 r0 p1 r1 p2"),
    "collatz_longest": ("i", "i0"),
}


C_CALLS_EXTRA = {
    "conv1d": (None, "p0 r0 p1 r1 p2"),
    "horner": (None, "p0 r0 p1 r1 p2"),
    "running_max": ("i", "p0 r0 p1"),
    "box_blur_u8": (None, "p0 r0 c0 p1"),
    "mean_var_f32": ("d", "p0 r0"),
    "trapezoid": ("d", "d0 d1 i2"),
    "logistic_map": (None, "p0 p1 r1 i2"),
    "gcd_pairs": ("i", "p0 r0 p1 p2"),
    "insertion_sort_rows": (None, "p0 r0 c0"),
    "heat_f32": ("d", "p0 p1 r0 c0 i2 d3"),
    "bincount": ("i", "p0 r0 p1 r1"),
    "dot_strided": ("d", "p0 r0 s0 p1 s1"),
    "matvec": (None, "p0 r0 c0 p1 p2"),
    "integral_image": ("i", "p0 r0 c0 p1"),
    "lcs_length": ("i", "p0 r0 p1 r1 p2 p3"),
    "count_inversions": ("i", "p0 r0"),
    "black_scholes": ("d", "p0 p1 p2 r0 d3 d4 p5"),
    "kmeans_assign": ("d", "p0 r0 c0 p1 r1 p2"),
    "floyd_warshall": ("i", "p0 r0"),
    "bilinear_resize_f32": (None, "p0 r0 c0 p1 r1 c1"),
    "poly_hash": ("i", "p0 r0 i1 p2"),
    "thomas_tridiagonal": (None, "p0 p1 p2 p3 r3 p4 p5 p6"),
    "life_step": ("i", "p0 r0 c0 p1"),
    "xorshift_bits": ("i", "p0 r0 i1 p2"),
    "binary_search_many": ("i", "p0 r0 p1 r1 p2"),
    "lennard_jones": ("d", "p0 r0 d1 d2"),
    "welford_var": ("d", "p0 r0"),
    "knapsack_01": ("i", "p0 p1 r0 i2 p3"),
    "sobel_magnitude": ("d", "p0 r0 c0 p1"),
    "word_count": ("i", "p0 r0 p1"),
    "lcg_random_walk": ("i", "i0 i1 i2 p3 r3"),
    "newton_cbrt": ("i", "p0 r0 p1"),
    "partition_counts": ("i", "p0 r0"),
    "blend_sat_u8": (None, "p0 r0 c0 p1 i2 i3 i4 p5"),
    "julia_set": ("i", "d0 d1 i2 p3 r3 c3"),
    "bisect_roots": ("i", "p0 r0 d1 p2"),
    "rk4_decay": (None, "p0 r0 p1 d2 i3 p4"),
    "bubble_sort_rows": ("i", "p0 r0 c0"),
    "moving_average": (None, "p0 r0 i1 p2"),
    "max_subarray": ("i", "p0 r0"),
    "argmax_f64": ("i", "p0 r0"),
    "nearest_point": ("d", "p0 p1 r0 p2 p3 r2 p4"),
    "dtw_distance": ("i", "p0 r0 p1 r1 p2"),
    "merge_sorted": ("i", "p0 r0 p1 r1 p2"),
    "fmod_sum": ("d", "p0 r0 d1"),
}


def _c_function(lib, name, calls, ctypes):
    """A Python callable with the Python kernel's signature around the C function."""
    res, plan = calls[name]
    cfn = getattr(lib, name)
    cfn.restype = {"i": ctypes.c_int64, "d": ctypes.c_double, None: None}[res]
    steps = [(tok[0], int(tok[1:])) for tok in plan.split()]
    cfn.argtypes = [ctypes.c_double if k == "d" else
                    ctypes.c_void_p if k == "p" else ctypes.c_int64 for k, _ in steps]
    if [k for k, _ in steps] == ["i"] * len(steps):
        return cfn      # scalars only, in order: call ctypes directly

    def call(*args):
        cargs = []
        for kind, n in steps:
            a = args[n]
            if kind == "p":
                cargs.append(a.ctypes.data)
            elif kind == "r":
                cargs.append(a.shape[0])
            elif kind == "c":
                cargs.append(a.shape[1])
            elif kind == "s":
                cargs.append(a.strides[0] // a.itemsize)
            else:
                cargs.append(a)
        return cfn(*cargs)
    return call


def load_c(ctx, group):
    import ctypes
    s = System("c", "C", "peers/%s.c, gcc -O3 -march=native -ffp-contract=off, via ctypes"
               % group.stem)
    gcc = shutil.which("gcc")
    if not gcc:
        s.note = "gcc not found"
        return s
    s.version = _tool_version([gcc, "--version"])
    s.exact = True
    csrc = os.path.join(PEERS, group.stem + ".c")
    flags = NATIVE + ["-ffp-contract=off", "-shared", "-fPIC"]
    d, facts = _cached_dir(ctx, group.tag("c"), [_read(csrc), flags, s.version])
    so = os.path.join(d, group.stem + "_c.so")
    if facts is None:
        p, t = _run([gcc] + flags + [csrc, "-o", so, "-lm"])
        if p.returncode != 0:
            s.note = "gcc failed: " + _tail(p)
            return s
        facts = {"wall_s": t, "cflags": " ".join(flags)}
        _record(d, facts)
    s.build = facts
    lib = ctypes.CDLL(so)
    ns = types.SimpleNamespace(lib=lib)
    for name in group.c_calls:
        setattr(ns, name, _c_function(lib, name, group.c_calls, ctypes))
    s.ns = ns
    s.note = "called through ctypes (about 1 us per call, included in its times)"
    return s


PUBLIC = Group("public", "kernels", specs, C_CALLS, PYTHRAN_EXPORTS, "kernels_np.py")
EXTRA = Group("extra", "kernels_extra", specs_extra, C_CALLS_EXTRA, PYTHRAN_EXPORTS_EXTRA, None)
GROUPS = [PUBLIC, EXTRA]
