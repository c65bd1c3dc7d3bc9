"""A/B timing of pyjitc builds: the same kernels built by two (or more)
pyjitc binaries or environments, timed interleaved in one process with the
harness of `make bench` (random placement, CPU-time medians), results
checked against the first variant.  For deciding about a compiler change
before a full `make bench`:

    python3 bench/ab.py --only quicksort,levenshtein \\
        old=/tmp/old/pyjitc new=build/pyjitc [--unchecked] [--extra]
    python3 bench/ab.py --only fib base=build/pyjitc nsw=build/pyjitc:NSW=1

A binary copied out of build/ needs PYJITC_RUNTIME=build/libpjrt.a (it
looks for the runtime archive beside itself).

A variant is NAME=BINARY[:VAR=VALUE,...][@unchecked]: the environment is
set for its build only; `@unchecked` builds that variant with
--boundscheck=off --overflowcheck=off (as --unchecked does for all).  Prints one line per kernel: each variant's median and its
ratio to the first.
"""
import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import specs  # noqa: E402
import specs_extra  # noqa: E402
import timing  # noqa: E402


class Variant:
    def __init__(self, text):
        self.name, _, rest = text.partition("=")
        rest, _, mode = rest.partition("@")
        self.unchecked = mode == "unchecked"
        binary, _, env = rest.partition(":")
        self.binary = os.path.abspath(binary)
        self.env = dict(kv.split("=", 1) for kv in env.split(",") if kv)
        self.key = self.name
        self.ns = None
        self.exact = True


def build(v, source, names, flags, outdir):
    modname = "ab_" + v.name
    env = dict(os.environ, **v.env)
    if v.unchecked:
        flags = flags + ["--boundscheck=off", "--overflowcheck=off"]
    r = subprocess.run([v.binary, "build", "--only", ",".join(names), *flags, "--module", modname,
                        "-o", outdir, source],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("build of %s failed:\n%s" % (v.name, r.stderr))
    path = next(os.path.join(outdir, f) for f in os.listdir(outdir) if f.startswith(modname + "."))
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("variants", nargs="+", help="NAME=BINARY[:VAR=VALUE,...]")
    ap.add_argument("--only", help="comma-separated kernel names")
    ap.add_argument("--unchecked", action="store_true", help="--boundscheck=off --overflowcheck=off")
    ap.add_argument("--extra", action="store_true", help="the extra kernel group")
    ap.add_argument("--reps", type=int, default=21)
    a = ap.parse_args()
    gs = specs_extra if a.extra else specs
    source = os.path.join(HERE, "kernels_extra.py" if a.extra else "kernels.py")
    flags = ["--boundscheck=off", "--overflowcheck=off"] if a.unchecked else []
    variants = [Variant(t) for t in a.variants]
    outdir = tempfile.mkdtemp(prefix="pyjitc-ab-")
    for v in variants:
        v.ns = build(v, source, gs.COMPILED_NAMES, flags, outdir)
    only = set(a.only.split(",")) if a.only else None
    pristine = gs.make_arrays(False)
    policy = lambda system: (5, a.reps, 0.6)  # noqa: E731
    for kname, argspec in gs.KERNELS:
        if only and kname not in only:
            continue
        argspec = gs.resolve(argspec, False)
        runners = [timing.Runner(v, getattr(v.ns, kname), argspec, pristine) for v in variants]
        timing.time_kernel(runners, policy, lambda what: None)
        base = runners[0]
        cells = []
        for r in runners:
            if r.error:
                cells.append("%s ERROR %s" % (r.system.name, r.error))
                continue
            t = timing.median(r.cpu)
            ok = r is base or timing.check(base, r)["ok"]
            cells.append("%s %.4g ms%s%s" % (r.system.name, t * 1e3,
                                              "" if r is base else " (%.3fx)" % (t / timing.median(base.cpu)),
                                              "" if ok else " MISMATCH"))
        print("%-20s %s" % (kname, "  ".join(cells)), flush=True)


if __name__ == "__main__":
    main()
