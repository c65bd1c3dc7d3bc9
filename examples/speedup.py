"""Builds examples/fast.py with pyjitc and prints each kernel's speedup over
the interpreter running the very same source, after checking the results match.

    python3 examples/speedup.py          (from the repository, after `make`)
"""
import importlib.util
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PYJITC = os.environ.get("PYJITC") or str(ROOT / "build" / "pyjitc")
sys.path.insert(0, str(ROOT / "python"))


def load_python(path):
    """The same source as plain Python: @native leaves functions alone."""
    os.environ["PYJITC_DISABLE"] = "1"
    spec = importlib.util.spec_from_file_location("fast_py", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    del os.environ["PYJITC_DISABLE"]
    return mod


def build_native(path, outdir):
    t = time.perf_counter()
    subprocess.run([PYJITC, "build", "-o", outdir, str(path)], check=True)
    build_s = time.perf_counter() - t
    sys.path.insert(0, outdir)
    import fast
    return fast, build_s


def best_of(fn, args, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t)
    return best


def main():
    py = load_python(HERE / "fast.py")
    with tempfile.TemporaryDirectory() as outdir:
        nat, build_s = build_native(HERE / "fast.py", outdir)
        print("built %s in %.0f ms" % (pathlib.Path(nat.__file__).name, build_s * 1e3))
        rng = np.random.default_rng(0)
        pts = rng.random((200_000, 4))
        cases = [
            ("compute_sum", (2_000_000,), (2_000_000,)),
            ("fast_function", (np.arange(1_000_000, dtype=np.float64),),
             (np.arange(1_000_000, dtype=np.float64),)),
            ("fib", (25,), (25,)),
            ("compute_distances", (pts, np.empty(len(pts))), (pts, np.empty(len(pts)))),
        ]
        print("%-18s %12s %12s %9s" % ("kernel", "CPython", "pyjitc", "speedup"))
        for name, py_args, nat_args in cases:
            r_py = getattr(py, name)(*py_args)
            r_nat = getattr(nat, name)(*nat_args)
            if name == "compute_distances":
                same = np.array_equal(py_args[1], nat_args[1])
            else:  # NumPy scalars count as the Python int/float they subclass
                same = (r_py == r_nat and isinstance(r_nat, type(r_py).__mro__[-2])
                        and (isinstance(r_py, float) == isinstance(r_nat, float)))
            if not same:
                sys.exit("MISMATCH in %s: %r != %r" % (name, r_py, r_nat))
            t_py = best_of(getattr(py, name), py_args, 3)
            t_nat = best_of(getattr(nat, name), nat_args, 10)
            print("%-18s %10.2f ms %10.4f ms %8.0fx" % (name, t_py * 1e3, t_nat * 1e3, t_py / t_nat))


if __name__ == "__main__":
    main()
