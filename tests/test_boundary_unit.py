"""The back end's boundary without the front end: tests/unit/boundary_harness.c
builds a module `bnd` from a hand-made Program and hand-written _impl bodies
through the real lower_wrappers / lower_module_def / emit_program / link_module,
then this file checks the wrappers against the runtime ABI from Python."""
import array
import importlib
import inspect
import os
import pathlib
import pickle
import shlex
import subprocess
import sys
import sysconfig

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LLVM_CONFIG = "/usr/lib/llvm-19/bin/llvm-config"
SOURCES = ["base", "types", "ast", "lower_rt", "emit", "emit_split", "emit_minmax", "link"]  # + lower_boundary.c, included


def _llvm(*flags):
    return shlex.split(subprocess.run([LLVM_CONFIG, *flags], capture_output=True, text=True,
                                      check=True).stdout)


@pytest.fixture(scope="module")
def bnd(tmp_path_factory):
    runtime = ROOT / "build" / "libpjrt.a"
    if not runtime.exists():
        pytest.skip("build/libpjrt.a not built (run make)")
    out = tmp_path_factory.mktemp("bnd")
    exe = out / "boundary_harness"
    ext = sysconfig.get_config_var("EXT_SUFFIX")
    cmd = ["cc", "-std=gnu11", "-g", "-O1", *_llvm("--cflags"), f'-DPJ_EXT_SUFFIX="{ext}"',
           str(ROOT / "tests/unit/boundary_harness.c"),
           *[str(ROOT / f"compiler/{s}.c") for s in SOURCES],
           "-o", str(exe), *_llvm("--ldflags", "--libs", "--system-libs", "--link-shared"), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe), str(out), str(runtime)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    so = pathlib.Path(r.stdout.strip())
    assert so.name == "bnd" + ext
    sys.path.insert(0, str(out))
    try:
        sys.modules.pop("bnd", None)
        mod = importlib.import_module("bnd")
        mod._dir = out
        mod._so = so
        mod._exe = exe
        yield mod
    finally:
        sys.path.remove(str(out))
        sys.modules.pop("bnd", None)


def test_only_pyinit_is_exported(bnd):
    r = subprocess.run(["nm", "-D", "--defined-only", str(bnd._so)], capture_output=True,
                       text=True, check=True)
    names = [line.split()[-1] for line in r.stdout.splitlines() if line.strip()]
    assert names == ["PyInit_bnd"]


def test_emitted_ll_and_asm(bnd):
    ll = (bnd._dir / "bnd.ll").read_text()
    assert "define internal ptr @add.wrapper(" in ll
    assert "define ptr @PyInit_bnd()" in ll
    assert " fast " not in ll and "unsafe-fp-math" not in ll  # exact float semantics
    assert "PyInit_bnd:" in (bnd._dir / "bnd.s").read_text()


def test_module_source_ran_then_compiled_bound(bnd):
    assert bnd.PY_SIDE == "bnd"           # the .py source ran in the module
    assert bnd.add(2, 3) == 5             # then the compiled add replaced the Python one
    assert bnd.__doc__ == "bnd: a module built by boundary_harness."


def test_positional_keyword_and_defaults(bnd):
    assert bnd.add(a=2, b=40) == 42
    assert bnd.add(2, b=40) == 42
    assert bnd.fdiv(1.0) == 0.5           # int default 2 converted to the float param
    assert bnd.fdiv(1, 4) == 0.25
    assert bnd.fdiv(b=8.0, a=2.0) == 0.25
    assert bnd.narrow(-5) == (-5, 65535, True, pytest.approx(1e-05, rel=1e-7))
    assert bnd.narrow(1, 2, False, 0.5) == (1, 2, False, 0.5)
    assert bnd.big(2**64 - 1) == 2**64 - 1
    assert bnd.nothing() is None


def test_signature_doc_and_identity(bnd):
    assert bnd.fdiv.__text_signature__ == "(a, b=2)"
    assert bnd.fdiv.__doc__ == "Divide a by b."
    assert bnd.narrow.__text_signature__ == "(a, b=65535, c=True, d=1e-05)"
    assert bnd.narrow.__doc__ == "Round trip.\n\nSecond line."
    assert str(inspect.signature(bnd.big)) == "(a, k=-3, w=1e+16)"
    assert bnd.add.__doc__ is None
    assert bnd.add.__module__ == "bnd" and bnd.add.__qualname__ == "add"
    assert pickle.loads(pickle.dumps(bnd.add)) is bnd.add


def test_argument_errors(bnd):
    with pytest.raises(TypeError, match=r"add\(\) takes 2 positional arguments but 3"):
        bnd.add(1, 2, 3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'c'"):
        bnd.add(1, c=2)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'a'"):
        bnd.narrow()
    with pytest.raises(TypeError, match="'v' must be float, not str"):
        bnd.fill(array.array("d", [1.0]), "x")
    with pytest.raises(OverflowError, match="'a'"):
        bnd.narrow(128)
    with pytest.raises(OverflowError, match="'b'"):
        bnd.narrow(1, 65536)
    with pytest.raises(OverflowError):
        bnd.big(-1)
    with pytest.raises(OverflowError):
        bnd.add(2**63, 1)


def test_native_exception_propagates(bnd):
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        bnd.fdiv(1.0, 0.0)


def test_arrays_read_write_and_release(bnd):
    np = pytest.importorskip("numpy")
    x = np.zeros(5)
    bnd.fill(x)
    assert x.tolist() == [1.5] * 5
    bnd.fill(x, v=2.5)
    assert bnd.total(x) == 12.5
    base = np.arange(10.0)
    bnd.calls_fill(base[::2])             # strided, written through a callee
    assert base.tolist() == [7.0, 1.0, 7.0, 3.0, 7.0, 5.0, 7.0, 7.0, 7.0, 9.0]
    # a buffer is released after the call, and after a later argument fails
    a = array.array("d", [1.0, 2.0])
    bnd.fill(a)
    with pytest.raises(TypeError):
        bnd.fill(a, "bad")
    a.append(3.0)                         # BufferError if the export leaked
    assert a.tolist() == [1.5, 1.5, 3.0]


def test_writable_analysis(bnd):
    np = pytest.importorskip("numpy")
    ro = np.ones(3)
    ro.flags.writeable = False
    assert bnd.total(ro) == 3.0           # only read: read-only arrays are fine
    with pytest.raises((TypeError, ValueError), match="read-only"):
        bnd.fill(ro)                      # stores into x
    with pytest.raises((TypeError, ValueError), match="read-only"):
        bnd.calls_fill(ro)                # passes y (through a local) to fill's x
    with pytest.raises((TypeError, ValueError), match="contiguous"):
        bnd.total(np.ones(6)[::2])        # f64[::1]


def _ir_of(ll, name):
    start = ll.index(f"@{name}(")
    return ll[start:ll.index("\n}\n", start)]


def test_gil_released_only_around_looping_functions(bnd):
    ll = (bnd._dir / "bnd.ll").read_text()
    fill = _ir_of(ll, "fill.wrapper")
    assert "@pjrt_release_gil()" in fill and "@pjrt_acquire_gil(" in fill
    assert "@pjrt_array_release(" in fill[fill.index("@pjrt_acquire_gil("):]
    assert "pjrt_release_gil" not in _ir_of(ll, "add.wrapper")
    assert "@pjrt_unpack_args(" in _ir_of(ll, "add.wrapper")   # only off the fast path


def test_default_float_reprs_match_python(bnd):
    import math
    import random
    rng = random.Random(1234)
    values = [0.0, -0.0, 1.0, -1.5, 0.1, 1e-4, 1e-5, 0.00012, 123456789.125, 1e15, 1e16,
              -1e16, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1 / 3,
              9007199254740993.0, 1e22, 123.456e-10, 100.0, 1e100]
    values += [rng.uniform(-1e6, 1e6) for _ in range(200)]
    values += [math.ldexp(rng.random(), rng.randint(-1070, 1020)) for _ in range(300)]
    r = subprocess.run([str(bnd._exe), "--repr", *[v.hex() for v in values]],
                       capture_output=True, text=True, check=True)
    got = r.stdout.split()
    assert got == [repr(v) for v in values]
    r = subprocess.run([str(bnd._exe), "--repr", "inf", "-inf", "nan"], capture_output=True,
                       text=True, check=True)
    import ast
    assert [ast.literal_eval(x) for x in r.stdout.split()[:2]] == [math.inf, -math.inf]
