"""Unit tests of pyjitc.cache with fake builds (no compiler): the key, where
entries go, validation, locking, publication and pruning."""
import multiprocessing
import os
import stat
import sys

import pytest

from pyjitc import cache


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    monkeypatch.delenv("PYJITC_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def fake_build(payload=b"module-bytes", log=None):
    def build(out):
        with open(out, "wb") as f:
            f.write(payload)
        if log is not None:
            log.append(out)
    return build


def read_fd(fd):
    try:
        os.lseek(fd, 0, 0)
        return os.read(fd, 1 << 20)
    finally:
        os.close(fd)


def entry_in(tmp_path, key="a" * 64, label="mod", source="/src/mod.py"):
    d = tmp_path / "c"
    d.mkdir(mode=0o755, exist_ok=True)
    os.chmod(d, 0o755)
    return cache.Entry(str(d), label, key, source)


# ---- key -------------------------------------------------------------------

def test_key_changes_with_every_input():
    base = cache.make_key(b"def f(): pass\n", "bin=x:1:2", (), "0.1.0")
    assert base == cache.make_key(b"def f(): pass\n", "bin=x:1:2", (), "0.1.0")
    assert len(base) == 64
    others = [cache.make_key(b"def f(): pass \n", "bin=x:1:2", (), "0.1.0"),
              cache.make_key(b"def f(): pass\n", "bin=x:1:3", (), "0.1.0"),
              cache.make_key(b"def f(): pass\n", "bin=x:1:2", ("--fastmath",), "0.1.0"),
              cache.make_key(b"def f(): pass\n", "bin=x:1:2", (), "0.1.1")]
    assert len({base, *others}) == 5


def test_key_covers_cpu_and_python_abi(monkeypatch):
    base = cache.make_key(b"x", "c")
    monkeypatch.setattr(cache, "_cpu", ["other-cpu"])
    assert cache.make_key(b"x", "c") != base
    monkeypatch.setattr(cache, "_cpu", [])
    assert cache.make_key(b"x", "c") == base
    monkeypatch.setattr(cache, "EXT_SUFFIX", ".cpython-399-x.so")
    assert cache.make_key(b"x", "c") != base


def test_cpu_id_names_machine():
    assert cache.cpu_id().startswith(os.uname().machine + "|")


def test_entry_names_and_modname():
    e = cache.Entry("/d", "pkg.sub-mod", "0123456789abcdef" + "f" * 48)
    assert e.label == "pkg_sub_mod"
    assert e.so == "/d/pkg_sub_mod.0123456789abcdef.pyjitc" + cache.EXT_SUFFIX
    assert e.meta == "/d/pkg_sub_mod.0123456789abcdef.pyjitc.meta"
    assert e.modname == "_pj_pkg_sub_mod_0123456789abcdef"
    assert e.modname.isidentifier()


# ---- build, validate, rebuild ----------------------------------------------

def test_build_once_then_hit(tmp_path):
    e = entry_in(tmp_path)
    log = []
    assert read_fd(cache.get_or_build(e, fake_build(log=log))) == b"module-bytes"
    assert read_fd(cache.get_or_build(e, fake_build(log=log))) == b"module-bytes"
    assert len(log) == 1
    meta = cache.read_meta(e.meta)
    assert meta["key"] == e.key and meta["size"] == len(b"module-bytes")
    assert meta["source"] == "/src/mod.py"
    assert not stat.S_IMODE(os.stat(e.so).st_mode) & 0o022
    # no temporary files left behind
    assert sorted(os.listdir(e.dir)) == sorted(os.path.basename(p)
                                               for p in (e.so, e.meta, e.lock))


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "no-meta", "bad-meta", "other-key",
                                    "grow"])
def test_damaged_entry_is_rebuilt_never_loaded(tmp_path, damage):
    e = entry_in(tmp_path)
    os.close(cache.get_or_build(e, fake_build(b"good module bytes")))
    if damage == "truncate":
        with open(e.so, "r+b") as f:
            f.truncate(4)
    elif damage == "corrupt":
        with open(e.so, "r+b") as f:
            f.write(b"BAD!")
    elif damage == "grow":
        with open(e.so, "ab") as f:
            f.write(b"x")
    elif damage == "no-meta":
        os.unlink(e.meta)
    elif damage == "bad-meta":
        with open(e.meta, "w") as f:
            f.write("pyjitc-cache 1\nkey\n")
    elif damage == "other-key":
        text = open(e.meta).read().replace(e.key, "b" * 64)
        with open(e.meta, "w") as f:
            f.write(text)
    assert cache.open_valid(e) is None
    log = []
    assert read_fd(cache.get_or_build(e, fake_build(b"rebuilt", log))) == b"rebuilt"
    assert len(log) == 1


def test_failed_build_publishes_nothing(tmp_path):
    e = entry_in(tmp_path)

    def boom(out):
        with open(out, "wb") as f:
            f.write(b"half")
        raise RuntimeError("compiler failed")
    with pytest.raises(RuntimeError):
        cache.get_or_build(e, boom)
    assert not os.path.exists(e.so) and not os.path.exists(e.meta)
    assert [n for n in os.listdir(e.dir) if "tmp" in n] == []


def test_entry_writable_by_others_is_not_loaded(tmp_path):
    e = entry_in(tmp_path)
    os.close(cache.get_or_build(e, fake_build()))
    os.chmod(e.so, 0o666)
    assert cache.open_valid(e) is None
    os.chmod(e.so, 0o644)
    assert cache.open_valid(e) is not None
    os.chmod(e.meta, 0o646)
    assert cache.open_valid(e) is None


def test_foreign_owned_entry_is_not_loaded(tmp_path):
    if os.getuid() != 0:
        pytest.skip("chown to another user needs root")
    e = entry_in(tmp_path)
    os.close(cache.get_or_build(e, fake_build()))
    os.chown(e.so, 65534, -1)
    assert cache.open_valid(e) is None
    log = []
    read_fd(cache.get_or_build(e, fake_build(log=log)))
    assert len(log) == 1 and os.stat(e.so).st_uid == os.getuid()


def test_symlinked_entry_is_not_loaded(tmp_path):
    e = entry_in(tmp_path)
    os.close(cache.get_or_build(e, fake_build()))
    real = tmp_path / "elsewhere.so"
    os.replace(e.so, real)
    os.symlink(real, e.so)
    assert cache.open_valid(e) is None


# ---- concurrency -------------------------------------------------------------

def _worker(args):
    d, log = args
    e = cache.Entry(d, "mod", "c" * 64, "/src/mod.py")

    def build(out):
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(fd, b"build\n")
        os.close(fd)
        import time
        time.sleep(0.3)
        with open(out, "wb") as f:
            f.write(b"x" * 100000)
    return len(read_fd(cache.get_or_build(e, build)))


def test_concurrent_processes_build_once(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    os.chmod(d, 0o755)
    log = str(tmp_path / "log")
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(8) as pool:
        sizes = pool.map(_worker, [(str(d), log)] * 8)
    assert sizes == [100000] * 8
    assert open(log).read() == "build\n"


def test_lock_file_removed_while_waiting_is_retaken(tmp_path):
    e = entry_in(tmp_path)
    with cache._FileLock(e.lock) as lk:
        assert os.fstat(lk.fd).st_ino == os.stat(e.lock).st_ino
    cache._remove_lock_if_free(e.lock)
    assert not os.path.exists(e.lock)
    with cache._FileLock(e.lock):
        assert os.path.exists(e.lock)


# ---- pruning -----------------------------------------------------------------

def test_prune_removes_older_entries_of_same_source_only(tmp_path):
    old = entry_in(tmp_path, key="1" * 64)
    other_src = entry_in(tmp_path, key="2" * 64, source="/src/other/mod.py")
    other_mod = entry_in(tmp_path, key="3" * 64, label="mod2")
    for e in (old, other_src, other_mod):
        os.close(cache.get_or_build(e, fake_build()))
        os.utime(e.meta, (1, 1))
    new = entry_in(tmp_path, key="4" * 64)
    os.close(cache.get_or_build(new, fake_build()))
    assert not os.path.exists(old.so) and not os.path.exists(old.meta)
    assert not os.path.exists(old.lock)
    for e in (other_src, other_mod, new):
        assert cache.open_valid(e) is not None


def test_prune_keeps_newer_entry_of_same_module(tmp_path):
    a = entry_in(tmp_path, key="5" * 64)
    os.close(cache.get_or_build(a, fake_build()))
    os.utime(a.meta, (4e9, 4e9))  # newer than anything we write now
    b = entry_in(tmp_path, key="6" * 64)
    os.close(cache.get_or_build(b, fake_build()))
    assert cache.open_valid(a) is not None and cache.open_valid(b) is not None


# ---- location ------------------------------------------------------------------

def test_choose_dir_prefers_pycache(tmp_path):
    src = tmp_path / "proj" / "m.py"
    src.parent.mkdir()
    src.write_text("x = 1\n")
    assert cache.choose_dir(str(src)) == str(src.parent / "__pycache__")
    mode = stat.S_IMODE(os.stat(src.parent / "__pycache__").st_mode)
    assert not mode & 0o022


def test_choose_dir_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("PYJITC_CACHE_DIR", str(tmp_path / "envcache"))
    assert cache.choose_dir(str(tmp_path / "m.py")) == str(tmp_path / "envcache")
    assert stat.S_IMODE(os.stat(tmp_path / "envcache").st_mode) == 0o700


def test_read_only_source_dir_uses_user_dir(tmp_path):
    src = tmp_path / "ro" / "m.py"
    src.parent.mkdir()
    src.write_text("x = 1\n")
    os.chmod(src.parent, 0o555)
    try:
        got = cache.choose_dir(str(src))
    finally:
        os.chmod(src.parent, 0o755)
    assert got == str(tmp_path / "xdg" / "pyjitc")
    assert stat.S_IMODE(os.stat(got).st_mode) == 0o700
    assert not (src.parent / "__pycache__").exists()


def test_group_writable_dirs_are_not_used(tmp_path, monkeypatch):
    src = tmp_path / "proj" / "m.py"
    src.parent.mkdir()
    src.write_text("x = 1\n")
    (src.parent / "__pycache__").mkdir()
    os.chmod(src.parent / "__pycache__", 0o775)
    assert not cache.safe_dir(str(src.parent / "__pycache__"))
    assert cache.choose_dir(str(src)) == str(tmp_path / "xdg" / "pyjitc")
    monkeypatch.setenv("PYJITC_CACHE_DIR", str(tmp_path / "shared"))
    (tmp_path / "shared").mkdir()
    os.chmod(tmp_path / "shared", 0o777)
    assert cache.choose_dir(str(src)) == str(tmp_path / "xdg" / "pyjitc")


def test_foreign_owned_dir_is_not_used(tmp_path, monkeypatch):
    if os.getuid() != 0:
        pytest.skip("chown to another user needs root")
    shared = tmp_path / "foreign"
    shared.mkdir()
    os.chown(shared, 65534, 65534)
    assert not cache.safe_dir(str(shared))
    monkeypatch.setenv("PYJITC_CACHE_DIR", str(shared))
    assert cache.choose_dir(str(tmp_path / "m.py")) == str(tmp_path / "xdg" / "pyjitc")


def test_no_safe_dir_at_all(tmp_path, monkeypatch):
    if os.getuid() != 0:
        pytest.skip("chown to another user needs root")
    xdg = tmp_path / "xdg"
    (xdg / "pyjitc").mkdir(parents=True)
    os.chown(xdg / "pyjitc", 65534, 65534)
    assert cache.choose_dir(None) is None


def test_cache_module_imports_nothing_heavy():
    import subprocess
    code = ("import sys, pyjitc, pyjitc.cache, pyjitc.native; "
            "print(sorted(m for m in ('numpy', 'subprocess', 'json', 'hashlib', 'tempfile', "
            "'linecache', 'threading') if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(cache.__file__)))
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert out.strip() == "[]"
