"""@native end to end through the cache, in fresh processes, with the real
compiler ($PYJITC, else build/pyjitc) and with the fake one
(tests/python/native_fake_compiler.py: it builds real extension modules whose
builtins run the Python source, and has hooks to force failures).  Covered:
first-call compile, rebinding, the cache's guarantees across processes,
invalidation, ownership checks, pickling, workers, errors, the CLI."""
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FAKE = ROOT / "tests" / "python" / "native_fake_compiler.py"

KERN = '''\
from pyjitc import native

N = 3


def helper(a: int) -> int:
    return a * 10


@native
def add(a: int, b: int) -> int:
    """Adds, plus N."""
    return a + b + N


@native(boundscheck=False)
def twice(a: int) -> int:
    return add(a, a) + helper(0)
'''


class Proj:
    def __init__(self, tmp_path, compiler=FAKE):
        self.tmp = tmp_path
        self.dir = tmp_path / "proj"
        self.dir.mkdir()
        self.log = tmp_path / "compiles.log"
        self.xdg = tmp_path / "xdg"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYJITC", "FAKE_PYJITC"))}
        self.env.update(PYTHONPATH=str(ROOT / "python"), PYJITC=str(compiler),
                        XDG_CACHE_HOME=str(self.xdg), PYJITC_LOG_COMPILES=str(self.log),
                        PYTHONDONTWRITEBYTECODE="1")

    def write(self, name, text):
        (self.dir / name).write_text(textwrap.dedent(text))

    def run(self, code, check=True, timeout=120, **extra):
        env = dict(self.env, **extra)
        r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=self.dir,
                           env=env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("subprocess failed (%d):\n%s%s"
                                 % (r.returncode, r.stdout, r.stderr))
        return r

    def compiles(self):
        return len(self.log.read_text().splitlines()) if self.log.exists() else 0

    def entries(self, d=None):
        d = d or self.dir / "__pycache__"
        return sorted(p.name for p in d.glob("*.pyjitc.meta")) if d.exists() else []


# Every test that does not need the fake's hooks runs with both compilers:
# the fake pins down the Python side, the real one the whole product.
REAL = pathlib.Path(os.environ.get("PYJITC", ROOT / "build" / "pyjitc"))


@pytest.fixture(scope="session")
def real_compiler(tmp_path_factory):
    """A private copy of the compiler and its runtime archive: the key
    covers the binary's mtime, so a `make` elsewhere in the shared tree
    during the run must not turn expected cache hits into compiles."""
    d = tmp_path_factory.mktemp("compiler")
    shutil.copy2(REAL, d / "pyjitc")
    runtime = REAL.parent / "libpjrt.a"
    if runtime.exists():
        shutil.copy2(runtime, d / "libpjrt.a")
    return d / "pyjitc"


@pytest.fixture(params=["fake", "real"])
def proj(tmp_path, request):
    compiler = FAKE if request.param == "fake" else request.getfixturevalue("real_compiler")
    p = Proj(tmp_path, compiler)
    p.kind = request.param
    p.write("kern.py", KERN)
    return p


@pytest.fixture
def fake_proj(tmp_path):
    """For tests that use the fake compiler's hooks (forced failures)."""
    p = Proj(tmp_path)
    p.write("kern.py", KERN)
    return p


CALL = "import kern; print(kern.twice(4), kern.add(1, 2), type(kern.add).__name__)"


def test_first_call_compiles_second_process_loads(proj):
    assert proj.run(CALL).stdout == "11 6 builtin_function_or_method\n"
    assert proj.compiles() == 1
    assert len(proj.entries()) == 1
    # A compiler that would fail: the second process must not run it.
    assert proj.run(CALL, FAKE_PYJITC_EXIT="3").stdout == "11 6 builtin_function_or_method\n"
    assert proj.compiles() == 1


def test_dispatcher_before_first_call(proj):
    out = proj.run("""
        import inspect, kern
        d = kern.add
        print(type(d).__name__, d.__name__, d.__qualname__, d.__module__, d.__doc__)
        print(inspect.signature(d), d.__wrapped__(1, 1))
        print(d(1, 1), type(kern.add).__name__, kern.add.__module__)
        print(d(2, 2), kern.add(2, 2))
    """).stdout.splitlines()
    assert out[0] == "add add add kern Adds, plus N."
    assert out[1] == "(a: int, b: int) -> int 5"
    assert out[2] == "5 builtin_function_or_method kern"
    assert out[3] == "7 7"


def test_eight_processes_compile_once(proj):
    env = dict(proj.env, FAKE_PYJITC_SLEEP="0.5")
    procs = [subprocess.Popen([sys.executable, "-c", CALL], cwd=proj.dir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, outs
    assert [o for o, _ in outs] == ["11 6 builtin_function_or_method\n"] * 8
    assert proj.compiles() == 1


@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_damaged_entry_rebuilt(proj, damage):
    proj.run(CALL)
    so = next((proj.dir / "__pycache__").glob("kern.*.pyjitc.cpython*"))
    data = so.read_bytes()
    if damage == "truncate":
        so.write_bytes(data[:len(data) // 2])
    else:
        so.write_bytes(data[:4096] + bytes(b ^ 0xFF for b in data[4096:4160]) + data[4160:])
    assert proj.run(CALL).stdout == "11 6 builtin_function_or_method\n"
    assert proj.compiles() == 2
    assert so.read_bytes() == data  # the same build again, now whole


def test_group_writable_pycache_not_used(proj):
    pyc = proj.dir / "__pycache__"
    pyc.mkdir()
    os.chmod(pyc, 0o777)
    assert proj.run(CALL).stdout.startswith("11 6")
    assert proj.entries() == []
    assert len(proj.entries(proj.xdg / "pyjitc")) == 1


@pytest.mark.skipif(os.getuid() != 0, reason="chown to another user needs root")
def test_foreign_owned_cache_not_used(proj):
    pyc = proj.dir / "__pycache__"
    pyc.mkdir()
    os.chown(pyc, 65534, 65534)
    assert proj.run(CALL).stdout.startswith("11 6")
    assert proj.entries() == []
    assert len(proj.entries(proj.xdg / "pyjitc")) == 1
    # An entry planted in PYJITC_CACHE_DIR by someone else is never loaded.
    planted = proj.tmp / "planted"
    planted.mkdir()
    for f in (proj.xdg / "pyjitc").glob("kern.*"):
        (planted / f.name).write_bytes(f.read_bytes())
        os.chown(planted / f.name, 65534, 65534)
    proj.run(CALL, PYJITC_CACHE_DIR=str(planted))
    assert proj.compiles() == 2


@pytest.mark.parametrize("edit,expect", [
    (("return a + b + N", "return a + b + N + 100"), "111 106"),   # the function
    (("return a * 10", "return a * 10 + 1000"), "1011 6"),          # only a callee
    (("N = 3", "N = 4"), "12 7"),                                   # a constant
])
def test_edit_invalidates_and_prunes(proj, edit, expect):
    proj.run(CALL)
    old = proj.entries()
    proj.write("kern.py", KERN.replace(*edit))
    assert proj.run(CALL).stdout.startswith(expect + " ")
    assert proj.compiles() == 2
    new = proj.entries()
    assert len(new) == 1 and new != old   # the stale entry was pruned


def test_read_only_source_folder_uses_user_cache(proj):
    os.chmod(proj.dir, 0o555)
    try:
        assert proj.run(CALL).stdout.startswith("11 6")
        assert proj.run(CALL).stdout.startswith("11 6")
    finally:
        os.chmod(proj.dir, 0o755)
    assert not (proj.dir / "__pycache__").exists()
    assert len(proj.entries(proj.xdg / "pyjitc")) == 1
    assert proj.compiles() == 1


def test_cache_dir_env_override(proj):
    d = proj.tmp / "envcache"
    proj.run(CALL, PYJITC_CACHE_DIR=str(d))
    assert len(proj.entries(d)) == 1 and proj.entries() == []


def test_disable(proj):
    out = proj.run("import kern; print(kern.twice(4), type(kern.add).__name__)",
                   PYJITC_DISABLE="1").stdout
    assert out == "11 function\n"
    assert proj.compiles() == 0


def test_cache_false_compiles_every_process_and_stores_nothing(proj):
    proj.write("kern.py", KERN.replace("@native(boundscheck=False)", "@native(cache=False)"))
    for _ in range(2):
        assert proj.run(CALL).stdout.startswith("11 6 builtin")
    assert proj.compiles() == 2
    assert proj.entries() == [] and proj.entries(proj.xdg / "pyjitc") == []


def test_pickle_by_reference(proj):
    out = proj.run("""
        import pickle, kern
        early = kern.add
        print(pickle.loads(pickle.dumps(early)) is early)   # before compiling
        kern.twice(1)
        print(pickle.loads(pickle.dumps(kern.add)) is kern.add)
        print(pickle.loads(pickle.dumps(early)) is kern.add)
        print(pickle.loads(pickle.dumps(kern.twice, protocol=0))(5))
    """).stdout.split()
    assert out == ["True", "True", "True", "13"]


WORKERS = '''\
import concurrent.futures, multiprocessing, sys
from pyjitc import native
import kern


@native
def square(a: int) -> int:
    return a * a


if __name__ == "__main__":
    method = sys.argv[1]
    square(1)  # compiled in the parent first
    ctx = multiprocessing.get_context(method)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as ex:
        print(list(ex.map(kern.twice, range(4))), list(ex.map(square, range(4))))
    with ctx.Pool(2) as pool:
        print(pool.map(square, [5]), pool.starmap(kern.add, [(1, 2)]))
'''


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_process_pool_workers(proj, method):
    proj.write("workers.py", WORKERS)
    r = subprocess.run([sys.executable, "workers.py", method], cwd=proj.dir, env=proj.env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[3, 5, 7, 9] [0, 1, 4, 9]\n[25] [6]\n"
    # the parent compiled each module once; workers forked or loaded the cache
    assert proj.compiles() <= 2


def test_python_c_source(proj):
    code = ("from pyjitc import native\n@native\ndef f(a: int) -> int:\n    return a * 2\n"
            "print(f(21), type(f).__name__)")
    for _ in range(2):
        assert proj.run(code).stdout == "42 builtin_function_or_method\n"
    assert proj.compiles() == 1
    assert len(proj.entries(proj.xdg / "pyjitc")) == 1


def test_source_edited_after_import_compiles_imported_text(proj):
    out = proj.run("""
        import kern, pathlib
        p = pathlib.Path(kern.__file__)
        p.write_text(p.read_text().replace("N = 3", "N = 1000"))
        print(kern.add(1, 2))
    """).stdout
    assert out == "6\n"


def test_compile_error_names_file_and_line(proj):
    proj.write("bad.py", """\
        from pyjitc import native

        @native
        def gen(n: int) -> int:
            yield n
    """)
    r = proj.run("""
        import bad, pyjitc
        for _ in range(2):
            try:
                bad.gen(1)
            except pyjitc.CompileError as e:
                first = e.diagnostics.strip().splitlines()[0]
                print(type(e).__name__, "|", first, "|", "bad.py" in str(e))
    """)
    lines = r.stdout.splitlines()
    path = str(proj.dir / "bad.py")
    assert len(lines) == 2 and lines[0] == lines[1]
    assert lines[0].startswith("CompileError | %s:5:" % path)
    assert "'yield' is not supported in compiled functions" in lines[0]
    assert lines[0].endswith("| True")
    assert proj.compiles() == 1


def test_internal_error_is_its_own_exception(fake_proj):
    r = fake_proj.run("""
        import kern, pyjitc
        try:
            kern.add(1, 2)
        except pyjitc.InternalCompilerError as e:
            print("internal", e.returncode)
    """, FAKE_PYJITC_EXIT="3")
    assert r.stdout == "internal 3\n"


def test_missing_compiler_is_a_clear_error(proj):
    r = proj.run(CALL, check=False, PYJITC=str(proj.tmp / "nope"))
    assert r.returncode == 1
    assert "pyjitc.native.CompileError" in r.stderr or "CompileError" in r.stderr
    assert "not an executable file" in r.stderr


def test_threads_first_call_compiles_once(proj):
    out = proj.run("""
        import threading, kern
        res = []
        ts = [threading.Thread(target=lambda i=i: res.append(kern.twice(i))) for i in range(8)]
        for t in ts: t.start()
        for t in ts: t.join()
        print(sorted(res))
    """, FAKE_PYJITC_SLEEP="0.3").stdout
    assert out == "%s\n" % sorted(2 * i + 3 for i in range(8))
    assert proj.compiles() == 1


def test_nested_function_rejected(proj):
    r = proj.run("""
        from pyjitc import native
        def outer():
            @native
            def inner(a: int) -> int:
                return a
        try:
            outer()
        except TypeError as e:
            print(e)
    """)
    assert "module-level functions only" in r.stdout


def test_cli_list_info_clear(proj):
    proj.run(CALL)
    cli = [sys.executable, "-m", "pyjitc", "cache"]

    def run(*args):
        return subprocess.run(cli + list(args), cwd=proj.dir, env=proj.env,
                              capture_output=True, text=True, timeout=60)
    r = run("list")
    assert r.returncode == 0
    assert "kern" in r.stdout and str(proj.dir / "__pycache__") in r.stdout
    assert " ok " in r.stdout
    r = run("info")
    assert "1 entries" in r.stdout and str(proj.xdg / "pyjitc") in r.stdout
    assert run("list", str(proj.dir / "kern.py")).stdout.count("kern") == 1
    assert run("clear").returncode == 2
    r = run("clear", str(proj.dir / "kern.py"))
    assert r.stdout == "removed 1 cache entry\n"
    assert proj.entries() == []
    assert run("list").stdout == "no pyjitc cache entries\n"
    for tool in ("profile", "run"):
        r = subprocess.run(
            [sys.executable, "-m", "pyjitc", tool, "x.py"], env=proj.env,
            capture_output=True, text=True)
        # (profile/run themselves: tests/python/test_hot.py)
        assert r.returncode == 2 and "usage: pyjitc %s" % tool in r.stderr


def test_two_modules_in_one_process(proj):
    proj.write("other.py", """\
        from pyjitc import native

        @native
        def add(a: int, b: int) -> int:
            return a - b
    """)
    code = "import kern, other; print(kern.add(5, 1), other.add(5, 1))"
    for _ in range(2):   # compiled, then both loaded from the cache
        assert proj.run(code).stdout == "9 4\n"
    assert proj.compiles() == 2
