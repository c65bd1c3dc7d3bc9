"""Interleaved in-process timing of one kernel across systems, and result checks.

Every system gets its own copies of the kernel's array arguments.  Before
each call they are restored from the pristine inputs (not timed), so every
call does the same work, into buffers placed afresh at a random multiple of
64 bytes within a page: where arrays sit relative to each other moves a
kernel's time by up to 3x on this machine (a store and a later load 4 KiB
apart look alike to the memory disambiguator: kmeans_assign, lcs_length,
integral_image), and with fixed copies one system could draw a bad
placement for the whole run.  The median over rounds is then the typical
placement's time, for every system alike.  One warm-up call per system (kept as first_call_s:
it is Numba's compile), then rounds: each system still short of samples makes
one timed call per round, starting at a different system each round, so a
burst of load from other processes on the shared machine hits all systems
alike.  A system stops after max_reps calls, or after min_reps calls that
add up to budget_s.  The figure reported is the median; min is kept too.
"""

import gc
import time

import numpy as np

import specs

RTOL = 1e-9      # tolerance for systems that do not promise bit-identical floats
# ... and for their float32 arrays: one unit in the last place of binary32
# (relative), since a 1e-16 difference in the float64 value (an FMA) can flip
# the rounding of the stored float32 (bilinear_resize_f32 under Cython/Pythran)
RTOL_F32 = 2.0 ** -23


def placed_copy(src, rng):
    """A copy of src in a fresh buffer, at a random multiple of 64 bytes
    past a 64-byte boundary (0 to 4032)."""
    buf = np.empty(src.nbytes + 4096 + 64, np.uint8)
    start = (-buf.ctypes.data) % 64 + 64 * int(rng.integers(0, 64))
    arr = buf[start:start + src.nbytes].view(src.dtype).reshape(src.shape)
    np.copyto(arr, src)
    return arr


class Runner:
    """One system's live arguments and samples for one kernel."""

    def __init__(self, system, fn, argspec, pristine):
        self.system = system
        self.fn = fn
        self.args = []
        self.arrays = []            # (argument index, pristine array, view step)
        self.outputs = []           # (argument index, array) compared afterwards
        self.rng = np.random.default_rng(12345)
        for idx, (kind, val) in enumerate(argspec):
            self.args.append(val if kind == "s" else None)
            if kind == "s":
                continue
            name, step = specs.split_view(val)
            self.arrays.append((idx, pristine[name], step))
            if kind == "out":
                self.outputs.append((idx, None))
        self.samples = []
        self.cpu = []
        self.first = None
        self.ret = None
        self.error = None

    def call(self):
        live = {}
        for idx, src, step in self.arrays:
            arr = placed_copy(src, self.rng)
            live[idx] = arr
            self.args[idx] = arr[::step] if step != 1 else arr
        self.outputs = [(idx, live[idx]) for idx, _ in self.outputs]
        c0 = time.process_time()
        t0 = time.perf_counter()
        r = self.fn(*self.args)
        t1 = time.perf_counter()
        c1 = time.process_time()
        self.ret = r
        self.last_cpu = c1 - c0
        return t1 - t0


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def time_kernel(runners, policy, progress):
    """Warm-up, then interleaved rounds.  policy(system) -> (min_reps,
    max_reps, budget_s).  Runners that raise get .error and drop out."""
    gc_was = gc.isenabled()
    gc.disable()
    try:
        live = []
        for r in runners:
            progress("warm-up " + r.system.key)
            try:
                r.first = r.call()
                live.append(r)
            except Exception as e:  # noqa: BLE001 - a system that cannot run it
                r.error = "%s: %s" % (type(e).__name__, e)
        rnd = 0
        while True:
            pending = []
            for r in live:
                lo, hi, budget = policy(r.system)
                n = len(r.samples)
                if n < hi and (n < lo or sum(r.samples) < budget):
                    pending.append(r)
            if not pending:
                break
            progress("round %d (%d systems)" % (rnd + 1, len(pending)))
            k = rnd % len(pending)
            for r in pending[k:] + pending[:k]:
                try:
                    r.samples.append(r.call())
                    r.cpu.append(r.last_cpu)
                except Exception as e:  # noqa: BLE001
                    r.error = "%s: %s" % (type(e).__name__, e)
                    live.remove(r)
            rnd += 1
    finally:
        if gc_was:
            gc.enable()


def _plain(v):
    """NumPy scalars (CPython's kernels return np.float64 when they sum array
    elements) as the Python scalars they stand for."""
    if v is None or type(v) in (bool, int, float):
        return v
    if hasattr(v, "item"):
        return v.item()
    return v


def _cmp_scalar(ref, got, exact):
    """(ok, bit_identical, detail)."""
    ref, got = _plain(ref), _plain(got)
    if ref is None or got is None:
        same = ref is None and got is None
        return same, same, "" if same else "returned %r, CPython %r" % (got, ref)
    if isinstance(ref, bool) or isinstance(got, bool) or (
            isinstance(ref, int) and isinstance(got, int)):
        same = ref == got and type(ref) is type(got)
        return same, same, "" if same else "returned %r, CPython %r" % (got, ref)
    try:
        r, g = float(ref), float(got)
    except (TypeError, ValueError):
        return False, False, "returned %r (%s), CPython %r" % (got, type(got).__name__, ref)
    if type(ref) is not type(got):
        return False, False, "returned %s %r, CPython %s %r" % (
            type(got).__name__, got, type(ref).__name__, ref)
    same = r == g or (r != r and g != g)
    if same:
        return True, True, ""
    rel = abs(r - g) / max(abs(r), abs(g))
    ok = (not exact) and rel <= RTOL
    return ok, False, "returned %r, CPython %r (rel diff %.2g)" % (got, ref, rel)


def _cmp_array(ref, got, exact, idx):
    if ref.shape != got.shape or ref.dtype != got.dtype:
        return False, False, "arg %d: shape/dtype differ" % idx
    if np.array_equal(ref, got, equal_nan=ref.dtype.kind == "f"):
        return True, True, ""
    nbad = int(np.count_nonzero(ref != got))
    if ref.dtype.kind != "f":
        return False, False, "arg %d: %d of %d elements differ" % (idx, nbad, ref.size)
    diff = np.abs(ref - got)
    scale = np.maximum(np.abs(ref), np.abs(got))
    rel = float(np.max(diff / np.where(scale > 0, scale, 1.0)))
    ok = (not exact) and rel <= (RTOL_F32 if ref.dtype == np.float32 else RTOL)
    return ok, False, "arg %d: %d of %d elements not bit-identical (max rel diff %.2g)" % (
        idx, nbad, ref.size, rel)


def check(ref, r):
    """Compares runner r's last result with the CPython runner ref's.
    Returns {"ok", "bit_identical", "detail"}; ok means bit-identical for
    systems that promise it, within RTOL otherwise."""
    exact = r.system.exact
    oks, bits, details = [], [], []
    ok, bit, d = _cmp_scalar(ref.ret, r.ret, exact)
    oks.append(ok), bits.append(bit), details.append(d)
    for (idx, want), (_, got) in zip(ref.outputs, r.outputs):
        ok, bit, d = _cmp_array(want, got, exact, idx)
        oks.append(ok), bits.append(bit), details.append(d)
    return {"ok": all(oks), "bit_identical": all(bits),
            "detail": "; ".join(x for x in details if x)}
