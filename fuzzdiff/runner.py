"""Runs one generated program: build it with pyjitc, run its driver in a
worker subprocess (compiled module vs the CPython reference), classify.

A Result's `key` is its failure class ("ok" when everything matched); the
reducer keeps a candidate only when its key is unchanged.  Classes:
  compile-rejected        pyjitc build exit 1 on a generated (valid) program
  compiler-internal-error exit 3;  compiler-crash: killed by a signal
  compiler-timeout        the build did not finish
  import-failure          the built module does not import
  runtime-crash:SIG       the worker (compiled code) died from a signal
  timeout                 compiled code did not finish (the reference had)
  ref-timeout / ref-invalid:EXC   the reference misbehaved: a generator bug
  value-mismatch:T, type-mismatch:A/B, exc-mismatch:A/B (A, B exception
  names or "ok"), message-mismatch:EXC, array-mismatch
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_PYJITC = os.environ.get("PYJITC", str(ROOT / "build" / "pyjitc"))
BENIGN = ("ref-timeout", "ref-invalid")   # generator problems, not compiler bugs


class Result:
    def __init__(self, key, detail="", call=None, outcomes=()):
        self.key, self.detail, self.call = key, detail, call
        self.outcomes = list(outcomes)   # per call: "return" or the reference's exception name

    @property
    def ok(self):
        return self.key == "ok"

    @property
    def benign(self):
        return self.key.startswith(BENIGN)

    def __repr__(self):
        return f"Result({self.key!r}, call={self.call})"


def snapshot_compiler(pyjitc=DEFAULT_PYJITC):
    """A private copy of pyjitc + libpjrt.a: others rebuild build/ during long runs."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="fuzzdiff-bin-"))
    src = pathlib.Path(pyjitc).resolve().parent
    for name in ("pyjitc", "libpjrt.a"):
        for _ in range(20):
            try:
                shutil.copy2(src / name, d / name)
                break
            except OSError:
                time.sleep(0.5)
    return str(d / "pyjitc")


def _build(pyjitc, src, out, timeout):
    for attempt in range(10):
        try:
            r = subprocess.run([pyjitc, "build", "-o", str(out), str(src)],
                               capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Result("compiler-timeout", f"pyjitc build took more than {timeout} s")
        except OSError:                     # the binary is being relinked by `make`
            time.sleep(1)
            continue
        if r.returncode in (126, 127) or "Permission denied" in r.stderr[:200]:
            time.sleep(1)
            continue
        if r.returncode == 0:
            return None
        if r.returncode == 1:
            return Result("compile-rejected", r.stderr.strip())
        if r.returncode < 0:
            return Result(f"compiler-crash:{signal.Signals(-r.returncode).name}", r.stderr.strip()[-2000:])
        return Result("compiler-internal-error", f"exit {r.returncode}: {r.stderr.strip()[-2000:]}")
    return Result("compiler-unavailable", "could not run pyjitc")


def run_program(prog, pyjitc=DEFAULT_PYJITC, timeout=30, keep_dir=None):
    """Builds and runs `prog` (a gen.Program); returns the first non-ok Result or ok."""
    return run_sources(prog.source("plain"), prog.source("ref"), prog.calls, pyjitc, timeout, keep_dir)


def run_saved(d, pyjitc=DEFAULT_PYJITC, timeout=30):
    """Runs a saved program directory (prog.py, prog_ref.py, driver.json)."""
    d = pathlib.Path(d)
    return run_sources((d / "prog.py").read_text(), (d / "prog_ref.py").read_text(),
                       json.loads((d / "driver.json").read_text()), pyjitc, timeout)


def run_sources(plain, ref, calls, pyjitc=DEFAULT_PYJITC, timeout=30, keep_dir=None):
    d = pathlib.Path(keep_dir or tempfile.mkdtemp(prefix="fuzzdiff-"))
    try:
        d.mkdir(parents=True, exist_ok=True)
        (d / "prog.py").write_text(plain)
        (d / "prog_ref.py").write_text(ref)
        (d / "driver.json").write_text(json.dumps(calls))
        out = d / "out"
        out.mkdir(exist_ok=True)
        bad = _build(pyjitc, d / "prog.py", out, 120)
        if bad:
            return bad
        return _run_worker(d, timeout)
    finally:
        if not keep_dir:
            shutil.rmtree(d, ignore_errors=True)


def _run_worker(d, timeout):
    env = dict(os.environ, PYJITC_DISABLE="1",
               PYTHONPATH=os.pathsep.join([str(ROOT / "python"), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    try:
        r = subprocess.run([sys.executable, "-m", "fuzzdiff.worker", str(d)], capture_output=True,
                           text=True, timeout=timeout, env=env, cwd=str(d))
        stdout, rc, stderr = r.stdout, r.returncode, r.stderr
    except subprocess.TimeoutExpired as e:
        stdout = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        last = _lines(stdout)[-1:] or [{}]
        if "refdone" in last[0]:
            return Result("timeout", f"compiled code ran past {timeout} s", last[0]["refdone"])
        return Result("ref-timeout", f"the reference ran past {timeout} s", last[0].get("start"))
    lines = _lines(stdout)
    outcomes = [ln["ref"] for ln in lines if "ref" in ln]
    for ln in lines:
        if ln.get("verdict") in ("mismatch", "invalid"):
            return Result(ln["key"], ln["detail"], ln["i"], outcomes)
    if rc < 0:
        last = lines[-1] if lines else {}
        return Result(f"runtime-crash:{signal.Signals(-rc).name}", stderr[-2000:],
                      last.get("refdone", last.get("start")))
    if rc != 0:
        key = "import-failure" if not lines else "worker-error"
        return Result(key, stderr[-3000:])
    return Result("ok", outcomes=outcomes)


def _lines(text):
    out = []
    for ln in text.splitlines():
        try:
            out.append(json.loads(ln))
        except ValueError:
            pass
    return out
