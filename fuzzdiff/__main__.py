"""python3 -m fuzzdiff [--count N | --seconds S] [--start SEED] [--jobs J] [--no-reduce]

Generates programs for seeds START, START+1, ..., builds and runs each
against CPython (runner.py), prints a summary by failure class, reduces the
first program of each new failure class and saves it under
fuzzdiff/failures/<class>-s<seed>/ (prog.py, prog_ref.py, driver.json,
failure.txt).  Exit status 1 when any compiler-side failure was found.
"""
import argparse
import collections
import concurrent.futures
import json
import pathlib
import re
import sys
import time

from .gen import generate
from .reduce import reduce
from .runner import run_program, snapshot_compiler, DEFAULT_PYJITC

FAILURES = pathlib.Path(__file__).resolve().parent / "failures"


def save_failure(prog, res, seed, orig_res):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", res.key) + f"-s{seed}"
    d = FAILURES / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "prog.py").write_text(prog.source("plain"))
    (d / "prog_ref.py").write_text(prog.source("ref"))
    (d / "driver.json").write_text(json.dumps(prog.calls, indent=1))
    call = prog.calls[res.call] if res.call is not None and res.call < len(prog.calls) else None
    (d / "failure.txt").write_text(
        f"class: {res.key}\nseed: {seed}\ncall: {json.dumps(call)}\n\n{res.detail}\n\n"
        f"(unreduced: {orig_res.detail})\n")
    return d


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m fuzzdiff")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-reduce", action="store_true")
    ap.add_argument("--reduce-seconds", type=float, default=240)
    ap.add_argument("--pyjitc", default=DEFAULT_PYJITC)
    ap.add_argument("--seed", type=int, action="append", help="run just these seeds")
    a = ap.parse_args(argv)
    if not a.count and not a.seconds and not a.seed:
        a.count = 100
    pj = snapshot_compiler(a.pyjitc)
    seeds = iter(a.seed) if a.seed else (iter(range(a.start, a.start + a.count)) if a.count
                                         else iter(range(a.start, 1 << 62)))
    t0 = time.time()
    counts, outcomes, first = collections.Counter(), collections.Counter(), {}
    ran = 0

    def job(seed):
        return seed, run_program(generate(seed), pj)

    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        pending = set()
        while True:
            while len(pending) < a.jobs * 2 and not (a.seconds and time.time() - t0 > a.seconds):
                s = next(seeds, None)
                if s is None:
                    break
                pending.add(ex.submit(job, s))
            if not pending:
                break
            done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for fut in done:
                seed, res = fut.result()
                ran += 1
                counts[res.key] += 1
                outcomes.update(res.outcomes)
                if not res.ok:
                    print(f"seed {seed}: {res.key} (call {res.call}): {res.detail.splitlines()[0][:200]}",
                          flush=True)
                    first.setdefault(res.key, (seed, res))
    dt = time.time() - t0
    print(f"\n{ran} programs in {dt:.0f} s; calls by reference outcome: {dict(outcomes.most_common())}")
    for k, n in counts.most_common():
        print(f"  {n:6d}  {k}")
    bugs = [k for k in first if not k.startswith(("ref-", "compiler-unavailable"))]
    if not a.no_reduce:
        for key, (seed, res) in first.items():
            print(f"\n=== reducing {key} (seed {seed})", flush=True)
            prog, r2 = reduce(generate(seed), res, pj, a.reduce_seconds)
            d = save_failure(prog, r2, seed, res)
            print(f"saved {d}\n--- {d / 'prog.py'}\n{prog.source()}--- failing call: "
                  f"{json.dumps(prog.calls[r2.call] if r2.call is not None else None)}\n{r2.detail}", flush=True)
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
