"""Per-call overhead, `import pyjitc` start-up, and @native cold/cached first calls.

Call overhead: timeit of `f(a, b)` with f, a, b as locals of timeit's loop,
best of several repeats, minus the same loop around `pass` ("net").  The
callees: a CPython def, math.hypot (a C builtin), and each system's add().

Start-up and @native figures come from fresh interpreters (subprocess); a
figure is the median over several processes.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import timeit

import peers
import timing

HERE = os.path.dirname(os.path.abspath(__file__))


def _per_call(f, a, b, number, repeat):
    # CPU time, best of `repeat`: the machine is shared, and a loop preempted
    # by another process's time slice would only inflate wall time
    t = timeit.Timer("f(a, b)", setup="f = _f; a = _a; b = _b", timer=time.process_time,
                     globals={"_f": f, "_a": a, "_b": b})
    return min(t.repeat(repeat=repeat, number=number)) / number


def call_overhead(systems, number, repeat):
    """[(label, gross ns, net ns)] for add(1, 2) in each system and the anchors."""

    def py_add(a, b):
        return a + b

    callees = [("CPython def add(a, b)", py_add, 1, 2),
               ("math.hypot(3.0, 4.0) (C builtin)", math.hypot, 3.0, 4.0)]
    for s in systems:
        f = s.fn("add")
        if f is not None and s.key != "cpython":
            callees.append(("%s add(1, 2)" % s.label, f, 1, 2))
    empty = min(timeit.Timer("pass", timer=time.process_time).repeat(
        repeat=repeat, number=number)) / number
    out = []
    for label, f, a, b in callees:
        try:
            t = _per_call(f, a, b, number, repeat)
        except Exception as e:  # noqa: BLE001
            out.append({"callee": label, "error": str(e)})
            continue
        out.append({"callee": label, "gross_ns": t * 1e9, "net_ns": (t - empty) * 1e9})
    out.append({"callee": "(empty timeit loop)", "gross_ns": empty * 1e9, "net_ns": 0.0})
    return out


def _child(args, env=None, cwd=None, cpu=None):
    """Runs python3 ARGS; returns (wall seconds, CompletedProcess).  With a
    list as cpu, appends the child's CPU seconds (user + sys) to it."""
    e = dict(os.environ)
    e.update(env or {})
    c0 = peers.children_cpu()
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable] + args, capture_output=True, text=True, env=e, cwd=cwd)
    wall = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(peers.children_cpu() - c0)
    if p.returncode != 0:
        raise RuntimeError((p.stdout + p.stderr).strip()[-1500:])
    return wall, p


def _importtime_us(stderr, module):
    """Cumulative µs of `module` in -X importtime output (its top-level line)."""
    best = None
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = [x.strip() for x in line[len("import time:"):].split("|")]
        if len(parts) == 3 and parts[2] == module:
            try:
                best = int(parts[1])
            except ValueError:
                pass
    return best


IMPORT_CHILD = """
import json, time
c0 = time.process_time(); t0 = time.perf_counter()
import pyjitc
t1 = time.perf_counter(); c1 = time.process_time()
print(json.dumps([t1 - t0, c1 - c0]))
"""


def startup(env, runs, ext_path=None):
    """Start-up of `import pyjitc` (and of the compiled kernels module).
    The import is timed inside fresh interpreters (wall and CPU); process
    wall times of `python3 -c pass` and `-c 'import pyjitc'` are kept for
    reference (their difference drowns in noise on a loaded machine)."""
    out = {}
    try:
        bare, imp, inside = [], [], []
        for _ in range(runs):           # interleaved, so load hits both alike
            bare.append(_child(["-c", "pass"], env)[0])
            imp.append(_child(["-c", "import pyjitc"], env)[0])
            inside.append(json.loads(_child(["-c", IMPORT_CHILD], env)[1].stdout.split("\n")[-2]))
        cum = [_importtime_us(_child(["-X", "importtime", "-c", "import pyjitc"], env)[1].stderr,
                              "pyjitc") for _ in range(runs)]
        cum = [c for c in cum if c is not None]
        out = {"bare_python_wall_s": timing.median(bare),
               "import_pyjitc_wall_s": timing.median(imp),
               "import_pyjitc_inside_wall_s": timing.median([x[0] for x in inside]),
               "import_pyjitc_inside_cpu_s": timing.median([x[1] for x in inside]),
               "importtime_pyjitc_s": timing.median(cum) * 1e-6 if cum else None}
        if ext_path:
            code = ("import sys, time, importlib.util, importlib.machinery\n"
                    "sys.path.insert(0, %r)\n"
                    "t = time.perf_counter()\n"
                    "l = importlib.machinery.ExtensionFileLoader('kernels', %r)\n"
                    "s = importlib.util.spec_from_file_location('kernels', %r, loader=l)\n"
                    "m = importlib.util.module_from_spec(s); l.exec_module(m)\n"
                    "print(time.perf_counter() - t)\n" % (HERE, ext_path, ext_path))
            vals = [float(_child(["-c", code], env)[1].stdout.split()[-1]) for _ in range(runs)]
            out["import_kernels_module_s"] = timing.median(vals)
    except Exception as e:  # noqa: BLE001
        out["error"] = str(e)
    return out


NATIVE_MODULE = '''
from pyjitc import native, f64


@native
def add(a: int, b: int) -> int:
    return a + b


@native
def sum_squares(x: f64[:]) -> float:
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i] * x[i]
    return total
'''

NATIVE_CHILD = '''
import json, sys, time, array, resource
def cpu():
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
c0 = cpu()
t0 = time.perf_counter()
import natmod
t1 = time.perf_counter()
x = array.array("d", [0.5] * 1000)
c1 = cpu()
r = natmod.sum_squares(x)
c2 = cpu()
t2 = time.perf_counter()
natmod.sum_squares(x)
t3 = time.perf_counter()
ok = r == sum(v * v for v in x) and type(natmod.sum_squares).__name__ != "function"
print(json.dumps({"import_s": t1 - t0, "first_call_s": t2 - t1, "steady_call_s": t3 - t2,
                  "first_call_cpu_s": c2 - c1, "import_cpu_s": c1 - c0,
                  "compiled": ok, "type": type(natmod.sum_squares).__name__}))
'''


def native_cache(env, runs):
    """@native: cold first call (empty cache) and cache hit, fresh processes.
    Each figure is measured inside the child: the first call after import
    (cold: compile + store + load; hit: load from the cache)."""
    d = tempfile.mkdtemp(prefix="pyjitc-bench-native-")
    try:
        with open(os.path.join(d, "natmod.py"), "w") as f:
            f.write(NATIVE_MODULE)
        cache = os.path.join(d, "cache")
        e = dict(env)
        e["PYJITC_CACHE_DIR"] = cache
        e["PYTHONPATH"] = d + os.pathsep + e.get("PYTHONPATH", "")
        cold, hit, walls = [], [], []
        for _ in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(os.path.join(d, "__pycache__"), ignore_errors=True)
            _, p = _child(["-c", NATIVE_CHILD], e, cwd=d)
            cold.append(json.loads(p.stdout.strip().splitlines()[-1]))
        for _ in range(runs):
            w, p = _child(["-c", NATIVE_CHILD], e, cwd=d)
            hit.append(json.loads(p.stdout.strip().splitlines()[-1]))
            walls.append(w)
        if not all(r["compiled"] for r in cold + hit):
            return {"error": "the @native function did not become a compiled function "
                             "(type %s)" % hit[-1]["type"]}

        def med(rows, k):
            return timing.median([r[k] for r in rows])
        return {"cold_first_call_s": med(cold, "first_call_s"),
                "cold_first_call_cpu_s": med(cold, "first_call_cpu_s"),
                "hit_first_call_cpu_s": med(hit, "first_call_cpu_s"),
                "hit_import_cpu_s": med(hit, "import_cpu_s"),
                "cold_import_s": med(cold, "import_s"),
                "hit_first_call_s": med(hit, "first_call_s"),
                "hit_import_s": med(hit, "import_s"),
                "steady_call_s": med(hit, "steady_call_s"),
                "hit_process_wall_s": timing.median(walls), "runs": runs}
    except Exception as e:  # noqa: BLE001
        return {"error": str(e)}
    finally:
        shutil.rmtree(d, ignore_errors=True)
