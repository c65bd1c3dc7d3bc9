"""Compiled functions with loops release the GIL, so threads calling them run
in parallel.  Needs the real compiler (the fake's builtins run Python).

Deterministic, no timing: the main thread looks at the arrays that two
worker threads are updating inside compiled calls.  It can see an array
half-way through a pass (a[0] != a[-1]) only while a compiled call is
running and the GIL is free: a compiled call that kept the GIL would let no
Python code run between its first and its last store."""
import os
import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]

BUMP = '''\
from pyjitc import native, i64


@native
def bump(a: i64[:], reps: int) -> int:
    for r in range(reps):
        for i in range(a.shape[0]):
            a[i] += 1
    return reps
'''

MAIN = '''\
import threading
import numpy as np
import bump

bump.bump(np.zeros(4, dtype=np.int64), 1)   # compile before the threads start
arrays = [np.zeros(1 << 20, dtype=np.int64) for _ in range(2)]
results = []
threads = [threading.Thread(target=lambda a=a: results.append(bump.bump(a, 400)))
           for a in arrays]
for t in threads:
    t.start()
both_mid_pass = one_mid_pass = 0
while any(t.is_alive() for t in threads):
    mid = [a[0] != a[-1] for a in arrays]
    one_mid_pass += any(mid)
    both_mid_pass += all(mid)
for t in threads:
    t.join()
print(results, [int(a[0]) for a in arrays], [int(a[-1]) for a in arrays],
      one_mid_pass > 0, both_mid_pass > 0)
'''


def test_threads_run_compiled_code_in_parallel(tmp_path):
    compiler = os.environ.get("PYJITC", str(ROOT / "build" / "pyjitc"))
    (tmp_path / "bump.py").write_text(BUMP)
    (tmp_path / "main.py").write_text(MAIN)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"), PYJITC=compiler,
               XDG_CACHE_HOME=str(tmp_path / "xdg"))
    env.pop("PYJITC_CACHE_DIR", None)
    env.pop("PYJITC_DISABLE", None)
    r = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[400, 400] [400, 400] [400, 400] True True\n"
