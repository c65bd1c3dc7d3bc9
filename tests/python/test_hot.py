"""pyjitc profile / run --hot / pyjitc.hot (SPEC 1.3), end to end with the
real compiler, plus unit tests of the guard and the signature rewriting."""
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
REAL = os.environ.get("PYJITC", str(ROOT / "build" / "pyjitc"))
sys.path.insert(0, str(ROOT / "python"))

from pyjitc import hot, profile as prof  # noqa: E402

np = pytest.importorskip("numpy")

HELPERS = '''
def kernel(x, n):
    t = 0.0
    for i in range(n):
        t += x[i] * x[i]
    return t
'''

APP = '''
import sys
import numpy as np
from helpers import kernel

def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps

def count_words(words):
    d = {}
    for w in words:
        d[w] = d.get(w, 0) + 1
    return len(d)

def noisy(n):
    s = 0
    for i in range(n):
        s += i
    sys.stderr.write("")
    return s

def poly(x):
    r = 0.0
    for k in range(1500):
        r = r * 0.5 + x
    return r

def cold(a):
    return a + 1

def main():
    x = np.arange(3000, dtype=np.float64) / 7.0
    total = 0.0
    for r in range(40):
        total += kernel(x, 3000)
    print("kernel", round(total, 6))
    print("collatz", sum(collatz(k) for k in range(1, 3000)))
    print("big", collatz(2**70 + 1))
    print("words", count_words(["a", "b", "c"] * 30000))
    print("noisy", sum(noisy(2000) for _ in range(50)))
    print("poly", poly(2), poly(True), [poly(1.5) for _ in range(200)][-1])
    print("cold", cold(1))
    print("argv", sys.argv[1:])

if __name__ == "__main__":
    main()
'''


@pytest.fixture(scope="module")
def compiler(tmp_path_factory):
    """A private copy of the compiler and its runtime archive, immune to
    someone rebuilding build/ while the tests run."""
    import shutil
    d = tmp_path_factory.mktemp("compiler")
    shutil.copy2(REAL, d / "pyjitc")
    runtime = pathlib.Path(REAL).parent / "libpjrt.a"
    if runtime.exists():
        shutil.copy2(runtime, d / "libpjrt.a")
    return str(d / "pyjitc")


PYJITC = None


@pytest.fixture
def app(tmp_path, monkeypatch, compiler):
    global PYJITC
    PYJITC = compiler
    d = tmp_path / "proj"
    d.mkdir()
    (d / "helpers.py").write_text(textwrap.dedent(HELPERS))
    (d / "app.py").write_text(textwrap.dedent(APP))
    monkeypatch.setenv("PYJITC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PYJITC", PYJITC)
    monkeypatch.setenv("PYJITC_LOG_COMPILES", str(tmp_path / "compiles.log"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "python"))
    return d


def run(*args, cwd):
    return subprocess.run([PYJITC, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def plain(cwd, *args):
    return subprocess.run([sys.executable, "app.py", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def compiles(app):
    log = app.parent / "compiles.log"
    return log.read_text().splitlines() if log.exists() else []


def by_name(data):
    return {f["name"]: f for f in data["functions"]}


def test_profile_report_and_json(app):
    out = app / "p.json"
    r = run("profile", "--json", out, "--top", "40", "app.py", "A1", cwd=app)
    assert r.returncode == 0, r.stderr
    ref = plain(app, "A1")
    assert r.stdout.startswith(ref.stdout)    # the script's own output first, unchanged
    text = r.stdout[len(ref.stdout):]
    assert "pyjitc profile: app.py:" in text
    assert "compilable: collatz(n: int) -> int" in text
    assert "compilable: kernel(x: f64[::1], n: int) -> float" in text
    assert "not compilable: app.py:16: called with non-numeric argument types: words: list" \
        in text
    # the compiler's first diagnostic, with file:line of the offending statement
    assert "not compilable: app.py:26: strings are not supported" in text
    assert "annotated source pyjitc would compile:" in text
    assert "def collatz(n: int) -> int:\n    steps = 0\n" in text
    data = json.loads(out.read_text())
    assert data["pyjitc_profile"] == 1
    assert data["script"] == str(app / "app.py") and data["argv"] == ["A1"]
    assert data["exit_status"] == 0 and data["calls"] > 1000
    fs = by_name(data)
    owns = [f["own_time"] for f in data["functions"]]
    assert owns == sorted(owns, reverse=True)
    for f in data["functions"]:
        assert set(f) >= {"name", "qualname", "file", "line", "own_time", "cum_time",
                          "own_share", "cum_share", "calls", "compilable", "reason",
                          "reason_at", "signature", "params", "returns", "observed",
                          "source"}
        assert 0 <= f["own_share"] <= 1 and f["cum_time"] >= f["own_time"] - 1e-9
    c = fs["collatz"]
    assert c["compilable"] and c["reason"] is None
    assert c["file"] == str(app / "app.py") and c["line"] == 6
    assert c["calls"] == 3000 and c["signature"] == "(n: int) -> int"
    assert c["params"] == [{"name": "n", "annotation": "int", "kind": "int"}]
    k = fs["kernel"]
    assert k["file"] == str(app / "helpers.py") and k["returns"] == "float"
    assert k["return_kind"] == "N|numpy.float64"      # the Python code returned np.float64
    w = fs["count_words"]
    assert not w["compilable"] and w["reason_at"] == "app.py:16" and w["source"] is None
    n = fs["noisy"]
    assert not n["compilable"] and n["reason_at"] == "app.py:26"
    p = fs["poly"]       # called with float (200x), int and bool: the float signature wins
    assert p["signature"] == "(x: float) -> float"
    assert [o["types"] for o in p["observed"]][0] == ["float"]
    assert {tuple(o["types"]) for o in p["observed"]} == {("float",), ("int",), ("bool",)}


def test_run_hot_stdout_unchanged_and_guard_fallback(app):
    ref = plain(app, "x", "--flag")
    r = run("run", "--hot", "app.py", "x", "--flag", cwd=app)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ref.stdout          # byte-identical, argv included
    err = r.stderr
    assert "pyjitc run --hot: replaced" in err
    # the function imported with `from helpers import kernel` runs compiled
    assert "kernel(x: f64[::1], n: int) -> float at helpers.py:2" in err
    assert "40 calls compiled, 0 in Python" in err
    # collatz: 2999 compiled calls; collatz(2**70 + 1) is outside int64 -> Python
    assert "collatz(n: int) -> int at app.py:6" in err
    assert "2999 calls compiled, 1 in Python" in err
    # poly: the float calls compiled, the int and bool calls in Python (fallback guard)
    assert "poly(x: float) -> float at app.py:29" in err
    assert "200 calls compiled, 2 in Python" in err
    assert "count_words" not in err.split("replaced")[1]
    assert "time:" in err and "with compiled code" in err
    assert len(compiles(app)) == 2      # one module for app.py, one for helpers.py
    # a second run loads both from the cache
    r2 = run("run", "--hot", "app.py", "x", "--flag", cwd=app)
    assert r2.returncode == 0 and r2.stdout == ref.stdout
    assert len(compiles(app)) == 2
    # nothing rewritten leaks into bytecode caches a plain run would load
    assert plain(app, "x", "--flag").stdout == ref.stdout


def test_run_hot_with_profile_file(app):
    out = app / "p.json"
    assert run("profile", "--json", out, "app.py", cwd=app).returncode == 0
    ref = plain(app)
    r = run("run", "--hot", "--top", "1", "--profile", out, "app.py", cwd=app)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ref.stdout
    assert "read from %s" % out in r.stderr
    assert "replaced 1 function " in r.stderr    # --top 1: only the hottest
    bad = app / "bad.json"
    bad.write_text("{}")
    r = run("run", "--hot", "--profile", bad, "app.py", cwd=app)
    assert r.returncode == 2 and "not a pyjitc profile" in r.stderr


def test_run_hot_exit_status_and_exceptions(app):
    (app / "fail.py").write_text(textwrap.dedent('''
        import sys
        def f(n):
            t = 0
            for i in range(n):
                t += i
            return t
        for _ in range(100):
            f(5000)
        print("done", f(10))
        if len(sys.argv) > 1:
            raise ValueError("boom")
        sys.exit(3)
    '''))
    r = run("run", "--hot", "fail.py", cwd=app)
    assert r.returncode == 3 and r.stdout == "done 45\n"
    assert "f(n: int) -> int at fail.py:3" in r.stderr
    r = run("run", "--hot", "fail.py", "raise", cwd=app)
    assert r.returncode == 1 and "ValueError: boom" in r.stderr
    assert 'File "%s", line 12, in <module>' % (app / "fail.py") in r.stderr


def test_usage_errors(app):
    assert run("profile", cwd=app).returncode == 2
    assert run("profile", "nosuch.py", cwd=app).returncode == 2
    assert run("run", "app.py", cwd=app).returncode == 2
    r = run("profile", "--top", "x", "app.py", cwd=app)
    assert r.returncode == 2 and "--top takes a number" in r.stderr
    assert run("profile", "--help", cwd=app).returncode == 0


def test_library_profile_and_replace(app, monkeypatch):
    monkeypatch.syspath_prepend(str(app))
    import importlib
    helpers = importlib.import_module("helpers")
    try:
        x = np.arange(1000, dtype=np.float64)

        def work():
            return sum(helpers.kernel(x, 1000) for _ in range(100))
        report = hot.profile(work)
        assert report.result == work()
        f = [f for f in report.functions if f.name == "kernel"][0]
        assert f.compilable and f.func is helpers.kernel
        assert "kernel(x: f64[::1], n: int) -> float" in str(report)
        orig = helpers.kernel
        handle = hot.replace(report)
        try:
            assert [fr.name for fr, _ in handle.replaced] == ["kernel"], handle.errors
            g = helpers.kernel
            assert g is not orig and g.__wrapped__ is orig
            assert g(x, 1000) == orig(x, 1000)
            assert type(g(x, 1000)) is np.float64
            assert g([1.0, 2.0], 2) == 5.0          # a list: the Python function
            assert g(x[::2], 10) == orig(x[::2], 10)  # not contiguous: Python
            assert handle.stats() == [("kernel", 2, 2, 0)]
        finally:
            handle.undo()
        assert helpers.kernel is orig
    finally:
        sys.modules.pop("helpers", None)


# ---- units: guard, signature rewriting, import cost ----------------------------

def test_guard_dispatch():
    calls = []

    def orig(a, b=2.0, *, c=1):
        return ("py", a, b, c)

    def compiled(a, b, c):
        calls.append((a, b, c))
        if a > 100:
            raise OverflowError("too big")
        return ("c", a, b, c)
    params = [{"name": "a", "kind": "int"}, {"name": "b", "kind": "float"},
              {"name": "c", "kind": "int"}]
    g = hot.make_guard(orig, compiled, params)
    assert g(1) == ("c", 1, 2.0, 1)
    assert g(1, 3.5, c=4) == ("c", 1, 3.5, 4)
    assert g(1, 3) == ("py", 1, 3, 1)             # int for a float parameter
    assert g(True) == ("py", True, 2.0, 1)        # bool is not int here
    assert g(2**63) == ("py", 2**63, 2.0, 1)      # outside int64
    assert g(500) == ("py", 500, 2.0, 1)          # OverflowError: rerun in Python
    assert g.__pyjitc_calls__ == [3, 3, 1]
    assert g.__name__ == "orig" and g.__wrapped__ is orig
    with pytest.raises(TypeError):
        g(1, 2.0, 3)                              # c stays keyword-only


def test_guard_arrays():
    def orig(x):
        return "py"
    k = prof.kind_of(np.zeros((3, 4)))
    assert k == "A|numpy.ndarray|f64|2|C|W"
    assert prof.kind_annotation(k) == "f64[:, ::1]"
    g = hot.make_guard(orig, lambda x: "c", [{"name": "x", "kind": k}])
    assert g(np.zeros((3, 4))) == "c"
    assert g(np.zeros((3, 4))[:, ::2]) == "py"         # not C-contiguous
    assert g(np.zeros((3, 4), dtype=np.float32)) == "py"
    assert g(np.zeros(3)) == "py"
    ro = np.zeros((3, 4))
    ro.flags.writeable = False
    assert g(ro) == "py"
    assert prof.kind_of(np.zeros((3, 4))[:, ::2]) == "A|numpy.ndarray|f64|2|S|W"
    assert prof.kind_annotation("A|numpy.ndarray|i32|2|S|W") == "i32[:, :]"
    import array
    assert prof.kind_of(array.array("d", [1.0])) == "A|array.array|f64|1|C|W"
    assert prof.kind_of([1]) == "O|list"
    assert prof.kind_of(np.int64(1)) == "N|numpy.int64"
    assert prof.kind_of(np.float32(1)) == "O|numpy.float32"


def test_synthesize_keeps_lines():
    import ast
    src = textwrap.dedent('''\
        import math
        def f(a,
              b=3,   # comment
              ):
            return a + b
        def g(x): return x
        ''')
    tree = ast.parse(src)
    f, g = tree.body[1], tree.body[2]
    out = prof.synthesize(src, tree, {
        f: prof._header(f, src, [("a", "float"), ("b", "int")], "float"),
        g: prof._header(g, src, [("x", "f64[:]")], "float")})
    lines = out.splitlines()
    assert len(lines) == len(src.splitlines())
    assert lines[4] == "    return a + b" and lines[1].startswith("def f(")
    assert lines[5] == "def g(x: f64[:]) -> float: return x"
    assert "def f(a: float, b: int = 3) -> float:" in out.replace("\n", "")
    ast.parse(out)


def test_import_pyjitc_stays_cheap():
    r = subprocess.run([sys.executable, "-c", "import sys, pyjitc; print(sorted(m for m in "
                        "sys.modules if m.startswith('pyjitc')))"], capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "python")))
    mods = r.stdout
    assert "pyjitc.hot" not in mods and "pyjitc.profile" not in mods and "pyjitc" in mods
