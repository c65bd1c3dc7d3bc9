"""`make bench`: times kernels.py's 17 kernels (the "public" group) and
kernels_extra.py's (the "extra" group) under CPython, pyjitc (safe and
unchecked) and the installed peers, checks every result against CPython's,
measures pyjitc's build time, call overhead, start-up and @native cache, and
writes out/RESULTS.md, out/results.json, out/bench.png and out/bench_extra.png.

usage: python3 bench/run.py [--quick] [--only KERNEL,...] [--out DIR]
(--only picks kernels of either group; the extra group is built and loaded
only when one of its kernels is selected or no --only is given.)
Environment: PYJITC = the compiler binary (default: build/pyjitc of this tree).
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

# Every system single-threaded (NumPy's BLAS included), so that CPU time per
# call is the work of the call; set before NumPy is imported.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import overheads  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import specs  # noqa: E402
import specs_extra  # noqa: E402
import timing  # noqa: E402

# column order of every table
ORDER = ["cpython", "numpy", "numba", "cython", "pythran", "c", "pyjitc", "pyjitc_unchecked"]


class Ctx:
    def __init__(self, args):
        self.quick = args.quick
        self.out = os.path.abspath(args.out)
        self.build_dir = os.path.join(self.out, "build")
        os.makedirs(self.build_dir, exist_ok=True)
        self.build_repeats = 1 if args.quick else 3
        self.t0 = time.perf_counter()
        self.pyjitc = self._snapshot_pyjitc()

    def log(self, msg):
        print("[%6.1fs] %s" % (time.perf_counter() - self.t0, msg), flush=True)

    def _snapshot_pyjitc(self):
        """Copies the compiler and its runtime library into out/build/tool, so
        that a rebuild of the tree during the run (other people run make in
        this checkout) cannot swap the binary under us."""
        src = os.environ.get("PYJITC") or os.path.join(ROOT, "build", "pyjitc")
        rt = os.path.join(os.path.dirname(src), "libpjrt.a")
        if not (os.path.isfile(src) and os.path.isfile(rt)):
            return None
        tool = os.path.join(self.build_dir, "tool")
        os.makedirs(tool, exist_ok=True)
        for _ in range(20):        # ETXTBSY/partial file while someone links
            try:
                for f in (src, rt):
                    dst = os.path.join(tool, os.path.basename(f))
                    shutil.copy2(f, dst + ".tmp")
                    os.replace(dst + ".tmp", dst)
                # a copy taken mid-link can be empty or cut short without an
                # OSError: the copied compiler must run
                exe = os.path.join(tool, os.path.basename(src))
                subprocess.run([exe, "--version"], check=True, capture_output=True, timeout=30)
                return exe
            except (OSError, subprocess.SubprocessError):
                time.sleep(0.5)
        return os.path.join(tool, os.path.basename(src))


def policy_for(quick):
    def policy(system):
        if system.key == "cpython":
            return (2, 2, 0.0) if quick else (3, 3, 0.0)
        return (3, 7, 0.1) if quick else (5, 21, 0.6)
    return policy


def load_systems(ctx, group):
    g = group
    loaders = [
        ("CPython", lambda: peers.load_cpython(ctx, g)),
        ("NumPy", lambda: peers.load_numpy(ctx, g)),
        ("Numba", lambda: peers.load_numba(ctx, g, systems["cpython"].ns)),
        ("Cython", lambda: peers.load_cython(ctx, g)),
        ("Pythran", lambda: peers.load_pythran(ctx, g)),
        ("C", lambda: peers.load_c(ctx, g)),
        ("pyjitc (safe)", lambda: peers.load_pyjitc(ctx, g, unchecked=False)),
        ("pyjitc (unchecked)", lambda: peers.load_pyjitc(ctx, g, unchecked=True)),
    ]
    systems = {}
    for label, load in loaders:
        ctx.log("loading %s (%s kernels)" % (label, g.key))
        try:
            s = load()
        except Exception as e:  # noqa: BLE001 - a peer must never stop the run
            s = peers.System(label.lower(), label, "")
            s.note = "loader failed: %s: %s" % (type(e).__name__, e)
        systems[s.key] = s
        if s.ns is None:
            ctx.log("   SKIPPED %s: %s" % (s.label, s.note))
        elif s.build.get("wall_s") is not None:
            ctx.log("   built in %.2f s%s" % (s.build["wall_s"], " (cached build, reused)"
                                                if s.build.get("cached") else ""))
    return systems


def run_kernels(ctx, systems, group, only):
    gs = group.specs
    pristine = gs.make_arrays(ctx.quick)
    policy = policy_for(ctx.quick)
    results = {}
    kernels = [(k, a) for k, a in gs.KERNELS if not only or k in only]
    for n, (kname, argspec) in enumerate(kernels, 1):
        argspec = gs.resolve(argspec, ctx.quick)
        runners = []
        row = {}
        for key in ORDER:
            s = systems.get(key)
            fn = s.fn(kname) if s else None
            if s is None or s.ns is None:
                row[key] = {"status": "skipped"}
            elif fn is None:
                row[key] = {"status": "n/a"}
            else:
                runners.append(timing.Runner(s, fn, argspec, pristine))

        tty = sys.stdout.isatty()

        def progress(what):
            if tty:     # one status line, rewritten in place
                print("\r[%6.1fs] [%2d/%d] %-16s %-40s" % (
                    time.perf_counter() - ctx.t0, n, len(kernels), kname, what),
                    end="", flush=True)
        if not tty:
            ctx.log("[%2d/%d] %s: %s" % (n, len(kernels), kname, ", ".join(
                r.system.key for r in runners)))
        timing.time_kernel(runners, policy, progress)
        if tty:
            print("\r" + " " * 90 + "\r", end="")
        ref = next((r for r in runners if r.system.key == "cpython" and r.error is None), None)
        cells = []
        for r in runners:
            if r.error is not None:
                row[r.system.key] = {"status": "error", "error": r.error}
                cells.append("%s ERROR" % r.system.key)
                continue
            entry = {"status": "ok", "time_s": timing.median(r.cpu),
                     "cpu_min_s": min(r.cpu), "wall_median_s": timing.median(r.samples),
                     "wall_min_s": min(r.samples), "reps": len(r.samples),
                     "first_call_s": r.first,
                     "ret": _jsonable(r.ret)}
            if ref is None:
                entry["check"] = {"ok": None, "bit_identical": None, "detail": "no CPython result"}
            elif r is ref:
                entry["check"] = {"ok": True, "bit_identical": True, "detail": "reference"}
            else:
                entry["check"] = timing.check(ref, r)
            row[r.system.key] = entry
            mark = "" if entry["check"]["ok"] is not False else " MISMATCH"
            cells.append("%s %s%s" % (r.system.key, report.fmt_time(entry["time_s"]), mark))
        results[kname] = row
        ctx.log("[%2d/%d] %-15s %s" % (n, len(kernels), kname, ", ".join(cells)))
    return results


def describe_systems(systems):
    return {k: {"label": s.label, "describe": s.describe, "note": s.note,
                "exact": s.exact, "build": s.build, "loaded": s.ns is not None}
            for k, s in systems.items()}


def _jsonable(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if hasattr(v, "item"):
        return v.item()
    return repr(v)


def versions(systems):
    out = {"python": sys.version.split()[0], "numpy": np.__version__,
           "platform": platform.platform()}
    for s in systems.values():
        if s.version:
            out[s.key] = s.version
    try:
        import matplotlib
        out["matplotlib"] = matplotlib.__version__
    except ImportError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    out["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    out["cores"] = os.cpu_count()
    return out


def git_rev():
    try:
        p = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cd",
                            "--date=format:%Y-%m-%d %H:%M"], capture_output=True, text=True)
        return p.stdout.strip()
    except OSError:
        return ""


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


def write_reports(data, out):
    with open(os.path.join(out, "RESULTS.md"), "w") as f:
        f.write(report.markdown(data))
    png = report.chart(data, os.path.join(out, "bench.png"))
    if "extra" in data.get("groups", {}):
        report.chart(data, os.path.join(out, "bench_extra.png"), group="extra")
    print()
    print(report.console(data))
    return png


def rerender(out):
    with open(os.path.join(out, "results.json")) as f:
        data = json.load(f)
    png = write_reports(data, out)
    print("rewrote %s%s" % (os.path.join(out, "RESULTS.md"),
                            ", bench.png" if png is True else " (no chart: %s)" % png))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small inputs, few rounds")
    ap.add_argument("--only", default="", help="comma-separated kernels to run")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite RESULTS.md and bench.png from OUT/results.json, measure nothing")
    args = ap.parse_args()
    only = [k for k in args.only.split(",") if k]
    bad = [k for k in only if k not in specs.KERNEL_NAMES + specs_extra.KERNEL_NAMES]
    if bad:
        ap.error("unknown kernel(s): %s" % ", ".join(bad))
    if args.report_only:
        rerender(os.path.abspath(args.out))
        return
    ctx = Ctx(args)
    ctx.log("pyjitc bench (%s sizes); output in %s" % ("quick" if ctx.quick else "full", ctx.out))
    load_before = loadavg()
    # the public group is always loaded: the overhead figures use its module
    systems = load_systems(ctx, peers.PUBLIC)
    extra = None
    if not only or any(k in specs_extra.KERNEL_NAMES for k in only):
        extra = load_systems(ctx, peers.EXTRA)

    n_pub = len([k for k in specs.KERNEL_NAMES if not only or k in only])
    ctx.log("timing %d public kernels, systems interleaved" % n_pub)
    results = run_kernels(ctx, systems, peers.PUBLIC, only)
    groups = {}
    if extra is not None:
        ctx.log("timing the extra kernels (bench/kernels_extra.py)")
        res_x = run_kernels(ctx, extra, peers.EXTRA, only)
        groups["extra"] = {
            "kernels": res_x,
            "kernel_order": [k for k in specs_extra.KERNEL_NAMES if k in res_x],
            "systems": describe_systems(extra)}

    ctx.log("call overhead (timeit)")
    number, repeat = (200_000, 3) if ctx.quick else (1_000_000, 5)
    calls = overheads.call_overhead([systems[k] for k in ORDER if k in systems], number, repeat)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + env.get("PYTHONPATH", "")
    if ctx.pyjitc:
        env["PYJITC"] = ctx.pyjitc
    runs = 3 if ctx.quick else 7
    ctx.log("start-up of import pyjitc (fresh processes)")
    mod = systems.get("pyjitc")
    ext = mod.ns.__file__ if mod is not None and mod.ns is not None else None
    start = overheads.startup(env, runs, ext)
    ctx.log("@native: cold first call and cache hit (fresh processes)")
    native = overheads.native_cache(env, 2 if ctx.quick else 3)
    if "error" in native:
        ctx.log("   @native figures skipped: %s" % native["error"].splitlines()[-1][:200])

    data = {
        "when": time.strftime("%Y-%m-%d %H:%M"), "quick": ctx.quick, "git": git_rev(),
        "order": ORDER, "versions": versions(systems),
        "systems": describe_systems(systems),
        "kernels": results, "kernel_order": [k for k in specs.KERNEL_NAMES if k in results],
        "groups": groups,
        "call_overhead": calls, "startup": start, "native": native,
        "loadavg_before": load_before, "loadavg_after": loadavg(),
        "wall_s": time.perf_counter() - ctx.t0,
    }
    os.makedirs(ctx.out, exist_ok=True)
    with open(os.path.join(ctx.out, "results.json"), "w") as f:
        json.dump(data, f, indent=1)
    png = write_reports(data, ctx.out)
    ctx.log("wrote %s, results.json%s" % (os.path.join(ctx.out, "RESULTS.md"),
                                         ", bench.png" if png is True else " (no chart: %s)" % png))


if __name__ == "__main__":
    main()
