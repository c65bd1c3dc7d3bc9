"""`pyjitc build`: flags, exit statuses, outputs (driver.sh-style, through the
real binary), and what the built module looks like from Python."""
import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import textwrap

import pytest

from conftest import PYJITC, ROOT, run_pyjitc

EXT = sysconfig.get_config_var("EXT_SUFFIX")

SOURCE = textwrap.dedent('''\
    """A module with compiled and plain functions."""
    from pyjitc import native, f64

    SCALE = 3


    @native
    def add(a: int, b: int) -> int:
        """Add two ints."""
        return a + b


    @native
    def axpy(x: f64[:], y: f64[:], a: float = 2.5) -> None:
        for i in range(x.shape[0]):
            y[i] = a * x[i] + y[i]


    @native
    def total(x: f64[::1], start: float = 0.0) -> float:
        s = start
        for i in range(x.shape[0]):
            s += x[i]
        return s


    @native
    def at(x: f64[:], i: int) -> float:
        return x[i]


    @native
    def mul(a: int, b: int) -> int:
        return a * b * SCALE


    def plain(v):
        return ("plain", v)
    ''')


def py_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "python")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def run_python(code, cwd):
    """Runs `code` in a fresh interpreter with `cwd` on sys.path."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, cwd=cwd, env=py_env(), timeout=60)


@pytest.fixture
def src(tmp_path):
    p = tmp_path / "fast.py"
    p.write_text(SOURCE)
    return p


def build(*args, **kw):
    r = run_pyjitc("build", *args, **kw)
    return r


def exported_symbols(so):
    r = subprocess.run(["nm", "-D", "--defined-only", str(so)], capture_output=True, text=True,
                       check=True)
    return [line.split()[-1] for line in r.stdout.splitlines() if line.strip()]


def assert_ok(r):
    assert r.returncode == 0, f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"


# ---- the module itself -----------------------------------------------------

def test_default_output_beside_input_with_ext_suffix(src):
    r = build(src)
    assert_ok(r)
    out = src.with_name("fast" + EXT)
    assert out.is_file()
    # nothing else left behind: no .ll/.s unless asked, no temporaries
    assert sorted(p.name for p in src.parent.iterdir()) == sorted(["fast.py", "fast" + EXT])


def test_only_pyinit_exported(src):
    assert_ok(build(src))
    assert exported_symbols(src.with_name("fast" + EXT)) == ["PyInit_fast"]


def test_module_behaviour(src):
    assert_ok(build(src))
    r = run_python('''
        import pickle, inspect, numpy as np
        import fast
        assert fast.__file__.endswith(%r), fast.__file__
        assert fast.__doc__ == "A module with compiled and plain functions."
        assert type(fast.add).__name__ == "builtin_function_or_method"
        assert fast.add(2, 3) == 5
        assert fast.add(a=2, b=3) == 5 and fast.add(2, b=3) == 5
        assert fast.add.__doc__ == "Add two ints.", repr(fast.add.__doc__)
        assert fast.add.__text_signature__ == "(a, b)"
        assert fast.add.__module__ == "fast" and fast.add.__qualname__ == "add"
        assert str(inspect.signature(fast.axpy)) == "(x, y, a=2.5)"
        assert str(inspect.signature(fast.total)) == "(x, start=0.0)"
        assert pickle.loads(pickle.dumps(fast.add)) is fast.add
        assert fast.plain(4) == ("plain", 4)          # plain Python stays Python
        assert fast.mul(2, 3) == 18                   # module constant folded
        x = np.arange(4.0); y = np.ones(4)
        fast.axpy(x, y)                               # default a=2.5
        assert y.tolist() == [1.0, 3.5, 6.0, 8.5], y
        fast.axpy(x, y, a=-1.0)
        assert y.tolist() == [1.0, 2.5, 4.0, 5.5], y
        assert fast.total(x) == 6.0 and fast.total(x, start=0.5) == 6.5
        try:
            fast.add(1)
        except TypeError as e:
            assert "missing 1 required positional argument: 'b'" in str(e), e
        else:
            raise AssertionError("no TypeError")
        print("ok")
        ''' % ("fast" + EXT), cwd=src.parent)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


# ---- where the output goes ---------------------------------------------------

def test_output_dir(src, tmp_path):
    out = tmp_path / "outdir"
    out.mkdir()
    assert_ok(build("-o", out, src))
    assert (out / ("fast" + EXT)).is_file()
    assert not src.with_name("fast" + EXT).exists()


def test_output_exact_file(src, tmp_path):
    target = tmp_path / "sub" 
    target.mkdir()
    target = target / ("fast" + EXT)
    assert_ok(build("--output", target, src))
    assert target.is_file()
    r = run_python("import fast; print(fast.add(1, 2))", cwd=target.parent)
    assert r.stdout.strip() == "3", r.stderr


def test_module_name_override(src):
    assert_ok(build("--module", "other", src))
    so = src.with_name("other" + EXT)
    assert exported_symbols(so) == ["PyInit_other"]
    r = run_python("import other; print(other.add(20, 22), other.add.__module__)", cwd=src.parent)
    assert r.stdout.split() == ["42", "other"], r.stderr


def test_rebuild_replaces_module(src):
    assert_ok(build(src))
    src.write_text(SOURCE.replace("return a + b", "return a + b + 100"))
    assert_ok(build(src))
    r = run_python("import fast; print(fast.add(1, 2))", cwd=src.parent)
    assert r.stdout.strip() == "103", r.stderr
    assert not [p for p in src.parent.iterdir() if ".tmp" in p.name]


# ---- optimization and code generation flags ----------------------------------

@pytest.mark.parametrize("level", ["-O0", "-O1", "-O2", "-O3"])
def test_opt_levels(src, level):
    assert_ok(build(level, src))
    r = run_python("import fast, numpy as np; print(fast.add(2, 3), fast.total(np.arange(5.0)))",
                   cwd=src.parent)
    assert r.stdout.split() == ["5", "10.0"], r.stderr


def test_emit_llvm(src):
    assert_ok(build("--emit-llvm", src))
    ll = src.with_name("fast.ll").read_text()
    assert re.search(r"define .*@add_impl\(", ll)
    assert "PyInit_fast" in ll
    assert src.with_name("fast" + EXT).is_file()


def test_emit_asm(src):
    assert_ok(build("--emit-asm", src))
    s = src.with_name("fast.s").read_text()
    assert "add_impl" in s and "PyInit_fast:" in s


def test_split_build_exports_only_pyinit_and_works(src, monkeypatch):
    # PYJITC_JOBS=3: every function's component in its own part (emit_split.c)
    monkeypatch.setenv("PYJITC_JOBS", "3")
    r = build("-v", src)
    assert_ok(r)
    assert "3 parts optimized and compiled in parallel" in r.stderr
    assert exported_symbols(src.with_name("fast" + EXT)) == ["PyInit_fast"]
    r = run_python("import fast, numpy as np; print(fast.add(2, 3), fast.mul(2, 5), "
                   "fast.total(np.arange(5.0)), fast.plain(1))", cwd=src.parent)
    assert r.stdout.split() == ["5", "30", "10.0", "('plain',", "1)"], r.stderr


def test_emit_llvm_and_asm_show_the_whole_module_unsplit(src, monkeypatch):
    monkeypatch.setenv("PYJITC_JOBS", "3")
    r = build("-v", "--emit-llvm", "--emit-asm", src)
    assert_ok(r)
    assert "parts" not in r.stderr
    ll = src.with_name("fast.ll").read_text()
    s = src.with_name("fast.s").read_text()
    for name in ("add", "axpy", "total", "at", "mul"):
        assert re.search(rf"define .*@{name}\.wrapper\(", ll), name
        assert f"{name}.wrapper:" in s, name


def test_emit_both_into_outdir(src, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    assert_ok(build("--emit-llvm", "--emit-asm", "-o", out, src))
    assert {p.name for p in out.iterdir()} == {"fast.ll", "fast.s", "fast" + EXT}


@pytest.mark.parametrize("cpu", ["generic", "native", "x86-64-v2"])
def test_target_cpu(src, cpu):
    assert_ok(build(f"--target-cpu={cpu}", "--emit-llvm", src))
    ll = src.with_name("fast.ll").read_text()
    expect = {"generic": "x86-64", "x86-64-v2": "x86-64-v2"}.get(cpu)
    if expect:
        assert f'"target-cpu"="{expect}"' in ll or "target-cpu" not in ll
    r = run_python("import fast; print(fast.add(2, 3))", cwd=src.parent)
    assert r.stdout.strip() == "5", r.stderr


def test_target_cpu_unknown_is_usage_error(src):
    r = build("--target-cpu=notacpu", src)
    assert r.returncode == 2, r.stderr
    assert "notacpu" in r.stderr and "unknown target CPU" in r.stderr
    assert "recognized processor" not in r.stderr  # LLVM's own warning is not leaked
    assert not src.with_name("fast" + EXT).exists()


@pytest.mark.parametrize("flags", [["--boundscheck=off"], ["--overflowcheck=off"],
                                   ["--fastmath"],
                                   ["--boundscheck=on", "--overflowcheck=on"]])
def test_check_and_math_flags_build(src, flags):
    assert_ok(build(*flags, src))
    r = run_python("import fast, numpy as np; print(fast.add(2, 3), fast.at(np.arange(3.0), -1))",
                   cwd=src.parent)
    assert r.stdout.split() == ["5", "2.0"], r.stderr


def test_boundscheck_on_raises(src):
    assert_ok(build(src))
    r = run_python('''
        import fast, numpy as np
        try:
            fast.at(np.arange(3.0), 3)
        except IndexError as e:
            print("IndexError:", e)
        ''', cwd=src.parent)
    assert "IndexError: index 3 is out of bounds for axis 0 with size 3" in r.stdout, r.stderr


@pytest.mark.parametrize("bad", ["--boundscheck=maybe", "--overflowcheck=", "-O4", "--bogus"])
def test_bad_option_values_are_usage_errors(src, bad):
    r = build(bad, src)
    assert r.returncode == 2
    assert "pyjitc:" in r.stderr and "--help" in r.stderr
    assert not src.with_name("fast" + EXT).exists()


def test_verbose_prints_every_phase(src):
    r = build("-v", src)
    assert_ok(r)
    for phase in ["load", "lex", "parse", "check", "lower", "optimize", "codegen", "emit",
                  "link"]:
        assert re.search(rf"pyjitc:\s+{phase}\s+[0-9.]+ ms", r.stderr), (phase, r.stderr)


def test_quiet_by_default(src):
    r = build(src)
    assert_ok(r)
    assert r.stdout == "" and r.stderr == ""


# ---- help, version, usage errors, user errors ----------------------------------

def test_help():
    for args in (["--help"], ["-h"], ["build", "--help"]):
        r = run_pyjitc(*args)
        assert r.returncode == 0
        assert r.stdout.startswith("usage: pyjitc")
        for flag in ("-O0", "--emit-llvm", "--emit-asm", "--target-cpu", "--boundscheck",
                     "--overflowcheck", "--fastmath", "-v", "--version", "-o DIR", "PYJITC_JOBS"):
            assert flag in r.stdout, flag


def test_version():
    r = run_pyjitc("--version")
    assert r.returncode == 0
    assert re.fullmatch(r"pyjitc \d+\.\d+\.\d+\n", r.stdout)


@pytest.mark.parametrize("args", [[], ["frobnicate", "x.py"], ["build"],
                                  ["build", "a.py", "b.py"], ["build", "-o"]])
def test_usage_errors(args):
    r = run_pyjitc(*args)
    assert r.returncode == 2, (args, r.stderr)
    assert r.stderr.startswith("pyjitc: ")


def test_missing_file(tmp_path):
    r = build(tmp_path / "nope.py")
    assert r.returncode == 1
    assert "nope.py" in r.stderr and "No such file" in r.stderr


def test_syntax_error_diagnostics(tmp_path):
    p = tmp_path / "bad.py"
    p.write_text("from pyjitc import native\n\n@native\ndef f(a: int) -> int:\n"
                 "    return a +\n")
    r = build(p)
    assert r.returncode == 1, r.stderr
    assert re.search(r"bad\.py:5:\d+: error: ", r.stderr), r.stderr
    assert "    return a +" in r.stderr and "^" in r.stderr
    assert not list(tmp_path.glob("bad*" + EXT))


def test_type_error_diagnostics(tmp_path):
    p = tmp_path / "bad.py"
    p.write_text("from pyjitc import native\n\n@native\ndef f(a: float) -> float:\n"
                 "    return a[0]\n")
    r = build(p)
    assert r.returncode == 1, r.stderr
    assert re.search(r"bad\.py:5:\d+: error: ", r.stderr), r.stderr
    assert not list(tmp_path.glob("bad*" + EXT))


# ---- internal failures: exit 3 with a short message, nothing half-written ------

def test_link_failure_is_internal_error(src):
    env = dict(os.environ, CC="false")
    r = subprocess.run([PYJITC, "build", str(src)], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 3, r.stderr
    assert "internal error" in r.stderr and "link" in r.stderr
    assert sorted(p.name for p in src.parent.iterdir()) == ["fast.py"]


def test_cc_with_arguments_is_honoured(src):
    env = dict(os.environ, CC="cc -Wl,--no-undefined-version")
    r = subprocess.run([PYJITC, "build", str(src)], capture_output=True, text=True, env=env,
                       timeout=60)
    assert_ok(r)


def test_failing_gold_falls_back_to_the_system_linker(src, tmp_path):
    # link.c prefers ld.gold when it is on PATH; one that fails must not
    # fail the build.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ld.gold").write_text(f"#!/bin/sh\ntouch {tmp_path}/gold-ran\nexit 1\n")
    (fake / "ld.gold").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}")
    env.pop("CC", None)
    r = subprocess.run([PYJITC, "build", str(src)], capture_output=True, text=True, env=env,
                       timeout=60)
    assert_ok(r)
    if not (tmp_path / "gold-ran").exists():
        pytest.skip("cc did not pick ld.gold from PATH here")
    assert exported_symbols(src.with_name("fast" + EXT)) == ["PyInit_fast"]
    r = run_python("import fast; print(fast.add(2, 3))", cwd=src.parent)
    assert r.stdout == "5\n", r.stderr


def test_missing_runtime_is_internal_error(src, tmp_path):
    env = dict(os.environ, PYJITC_RUNTIME=str(tmp_path / "nope.a"))
    r = subprocess.run([PYJITC, "build", str(src)], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 3
    assert "libpjrt.a" in r.stderr


# ---- which array parameters must be writable (through the real checker) -------

WRITES = textwrap.dedent('''\
    from pyjitc import native, f64, i64

    def helper(z, v):
        z[0] = v

    def reader(z):
        return z[0]

    @native
    def writes_via_helper(x: f64[:]) -> None:
        helper(x, 1.0)

    @native
    def reads_via_helper(x: f64[:]) -> float:
        return reader(x)

    @native
    def writes_via_alias(x: f64[:], y: f64[:]) -> float:
        a = x
        a[0] = 2.0
        return y[0]

    @native
    def aug(x: i64[:, :]) -> None:
        x[0, 0] += 1

    @native
    def kw(x: f64[:], y: f64[:]) -> float:
        writes_via_helper(x=y)
        return x[0]

    @native
    def rec(x: f64[:], n: int) -> None:
        if n > 0:
            rec(x, n - 1)
        else:
            x[0] = 5.0
    ''')


def test_read_only_arrays_accepted_only_where_not_written(tmp_path):
    p = tmp_path / "w.py"
    p.write_text(WRITES)
    assert_ok(build(p))
    r = run_python('''
        import w, numpy as np
        def ro(shape=3, dtype=float):
            a = np.zeros(shape, dtype=dtype); a.flags.writeable = False; return a
        def outcome(f, *args):
            try:
                f(*args)
                return "ok"
            except ValueError as e:
                assert "read-only" in str(e), e
                return "read-only"
        print(outcome(w.writes_via_helper, ro()), outcome(w.reads_via_helper, ro()),
              outcome(w.writes_via_alias, ro(), ro()),
              outcome(w.writes_via_alias, np.zeros(3), ro()),
              outcome(w.aug, ro((2, 2), np.int64)), outcome(w.kw, ro(), np.zeros(3)),
              outcome(w.kw, np.zeros(3), ro()), outcome(w.rec, ro(), 3))
        ''', cwd=tmp_path)
    assert r.stdout.split() == ["read-only", "ok", "read-only", "ok", "read-only", "ok",
                                "read-only", "read-only"], r.stderr


def test_missing_output_directory_is_a_user_error(tmp_path):
    src = tmp_path / "m.py"
    src.write_text("from pyjitc import native\n\n@native\ndef f(a: int) -> int:\n    return a\n")
    r = run_pyjitc("build", "-o", tmp_path / "no" / "such", src)
    assert r.returncode == 1, r.stderr
    assert "cannot write the module into" in r.stderr
    assert not list(tmp_path.glob("**/*.so"))


def test_only_names_a_function_twice(tmp_path):
    # `--only f,f` builds f (it used to say that no function f exists)
    p = tmp_path / "dup.py"
    p.write_text("def f(x: int) -> int:\n    return x + 1\n")
    assert_ok(build(p, "--only", "f,f"))
    r = build(p, "--only", "f,g")
    assert r.returncode == 1 and "no top-level function named 'g'" in r.stderr, r.stderr
    assert "named 'f'" not in r.stderr
