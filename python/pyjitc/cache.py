"""The on-disk cache of @native modules: key, location, lock, validation,
publication, pruning.  See docs/cache.md for the design and its guarantees.

An entry is two files in one cache directory:
  <label>.<key16>.pyjitc<EXT_SUFFIX>   the extension module
  <label>.<key16>.pyjitc.meta          "field value" lines: the full key, the
                                        module's size and sha256, its source
and a lock file <label>.<key16>.pyjitc.lock used with flock().

Nothing here compiles: get_or_build() takes a `build(path)` callable, so the
logic is tested with fake builds.  This module is on the cache-hit path, so it
imports only cheap modules (no json, hashlib's OpenSSL, tempfile, subprocess).
"""

import os
import stat
import sys
import time
from importlib.machinery import EXTENSION_SUFFIXES

try:  # the builtin module: `import hashlib` costs ~3 ms for OpenSSL
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha256

__all__ = ["EXT_SUFFIX", "Entry", "make_key", "cpu_id", "choose_dir", "user_cache_dir",
           "safe_dir", "open_valid", "get_or_build", "prune", "read_meta", "list_entries",
           "known_dirs", "remove_entry", "CacheFormatError"]

EXT_SUFFIX = EXTENSION_SUFFIXES[0]
FORMAT = "pyjitc-cache 1"
_META = ".pyjitc.meta"
_STALE_TMP_SECONDS = 3600.0


class CacheFormatError(Exception):
    pass


# ---- the key ---------------------------------------------------------------

_cpu = []


def cpu_id():
    """The host CPU as far as code generation for --target-cpu=native cares:
    machine, model name and the feature flags (first processor only).  Read
    once per process."""
    if _cpu:
        return _cpu[0]
    keep = ("vendor_id", "cpu family", "model", "model name", "flags", "features",
            "cpu implementer", "cpu architecture", "cpu variant", "cpu part", "isa")
    lines = []
    try:
        with open("/proc/cpuinfo", "rb") as f:
            for raw in f:
                if not raw.strip():
                    if lines:
                        break
                    continue
                k, _, v = raw.decode("ascii", "replace").partition(":")
                if k.strip().lower() in keep:
                    lines.append(k.strip().lower() + "=" + v.strip())
    except OSError:
        pass
    ident = os.uname().machine + "|" + sha256("\n".join(lines).encode()).hexdigest()[:32]
    _cpu.append(ident)
    return ident


def make_key(source, compiler_id, flags=(), version=""):
    """sha256 over everything that decides the compiled module's bytes: the
    source text, the compiler (identity + package version), the flags, the
    target CPU and the Python ABI."""
    h = sha256()
    for part in (FORMAT, version, compiler_id, " ".join(flags), cpu_id(),
                 sys.implementation.cache_tag or "", EXT_SUFFIX, str(len(source))):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(source)
    return h.hexdigest()


def sanitize(name):
    """A module name as an ASCII identifier (PyInit_<name> must be plain ASCII)."""
    out = "".join(c if (c.isascii() and (c.isalnum() or c == "_")) else "_" for c in name)
    return out or "_"


class Entry:
    """The files of one cache entry."""

    def __init__(self, directory, label, key, source="?"):
        self.dir = directory
        self.label = sanitize(label)
        self.key = key
        self.source = source
        self.stem = "%s.%s.pyjitc" % (self.label, key[:16])
        self.so = os.path.join(directory, self.stem + EXT_SUFFIX)
        self.meta = os.path.join(directory, self.stem + ".meta")
        self.lock = os.path.join(directory, self.stem + ".lock")
        # PyInit_<modname> must exist in the module, so the loader uses this
        # exact (dot-free) name, and `pyjitc build --module` too.
        self.modname = "_pj_%s_%s" % (self.label, key[:16])


# ---- location and safety ---------------------------------------------------

def _owned_safe(st):
    """Owned by us, and nobody else may write it."""
    return st.st_uid == os.getuid() and not (st.st_mode & 0o022)


def safe_dir(path, create=False, mode=0o755):
    """True if `path` is a directory we may use as a cache: owned by the
    current user, not writable by group or others, and writable by us (the
    owner-write bit is honoured even for root).  With create, a missing
    directory is made (and its mode set exactly: umask 002 must not leave
    it group-writable)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not create:
            return False
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            os.mkdir(path, mode)
            os.chmod(path, mode)
        except FileExistsError:
            pass
        except OSError:
            return False
        try:
            st = os.stat(path)
        except OSError:
            return False
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or not _owned_safe(st):
        return False
    return bool(st.st_mode & 0o200) and os.access(path, os.W_OK | os.X_OK)


def user_cache_dir():
    """The per-user cache directory: $XDG_CACHE_HOME/pyjitc or ~/.cache/pyjitc."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if not xdg or not os.path.isabs(xdg):
        xdg = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "pyjitc")


def choose_dir(source_path):
    """Where the entry for `source_path` lives: $PYJITC_CACHE_DIR if set and
    safe, else __pycache__ beside a real source file if safe and writable,
    else the per-user directory ($XDG_CACHE_HOME/pyjitc, ~/.cache/pyjitc,
    made 0700).  None if no safe directory exists (compile privately)."""
    env = os.environ.get("PYJITC_CACHE_DIR")
    if env:
        env = os.path.abspath(env)
        if safe_dir(env, create=True, mode=0o700):
            return env
    elif source_path and os.path.isabs(source_path):
        pyc = os.path.join(os.path.dirname(source_path), "__pycache__")
        if _source_dir_writable(os.path.dirname(source_path)) and safe_dir(pyc, create=True):
            return pyc
    user = user_cache_dir()
    if safe_dir(user, create=True, mode=0o700):
        return user
    return None


def _source_dir_writable(d):
    """A read-only source folder (no owner-write bit) keeps its __pycache__
    off limits, even for root, who os.access() would let write anyway."""
    try:
        st = os.stat(d)
    except OSError:
        return False
    if os.path.isdir(os.path.join(d, "__pycache__")):
        return True
    return bool(st.st_mode & 0o200) and os.access(d, os.W_OK | os.X_OK)


# ---- metadata --------------------------------------------------------------

def _format_meta(fields):
    lines = [FORMAT]
    for k, v in fields.items():
        v = str(v)
        if "\n" in v or "\r" in v:
            raise ValueError("metadata value for %s has a newline" % k)
        lines.append("%s %s" % (k, v))
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


def _parse_meta(data):
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    if not lines or lines[0] != FORMAT or not text.endswith("\n"):
        raise CacheFormatError("not a pyjitc cache metadata file")
    fields = {}
    for line in lines[1:-1]:
        k, sep, v = line.partition(" ")
        if not sep:
            raise CacheFormatError("bad metadata line %r" % line)
        fields[k] = v
    for need in ("key", "size", "sha256", "so", "module"):
        if need not in fields:
            raise CacheFormatError("metadata has no %s" % need)
    if os.sep in fields["so"] or fields["so"].startswith("."):
        raise CacheFormatError("bad module file name in metadata")
    try:
        fields["size"] = int(fields["size"])
    except ValueError:
        raise CacheFormatError("bad size in metadata")
    return fields


def _read_safe(path, limit=1 << 16):
    """Reads a small file that must be a regular file owned by us and not
    writable by others (no symlinks followed)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _owned_safe(st):
            raise CacheFormatError("%s is not owned by this user or is writable by others"
                                   % path)
        return os.read(fd, limit)
    finally:
        os.close(fd)


def read_meta(path):
    return _parse_meta(_read_safe(path))


# ---- validation ------------------------------------------------------------

def open_valid(entry):
    """Returns an open fd of the entry's module if the entry is complete and
    intact (metadata present, same full key, size and sha256 of the module
    match, both files ours and not writable by others); else None.  The
    caller loads the module through this fd, so the bytes checked are the
    bytes loaded even if the file is replaced meanwhile."""
    try:
        meta = read_meta(entry.meta)
    except (OSError, CacheFormatError):
        return None
    if meta["key"] != entry.key or meta["so"] != os.path.basename(entry.so):
        return None
    try:
        fd = os.open(entry.so, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    ok = False
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and _owned_safe(st) and st.st_size == meta["size"]:
            h = sha256()
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                h.update(chunk)
            ok = h.hexdigest() == meta["sha256"]
        return fd if ok else None
    finally:
        if not ok:
            os.close(fd)


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_entry(so, meta, lock=None):
    """Removes an entry's files (module first: a meta without its module is
    simply invalid).  The lock file goes only if nobody holds it."""
    _unlink(so)
    _unlink(meta)
    if lock:
        _remove_lock_if_free(lock)


class _FileLock:
    """flock() on a per-entry lock file.  After getting the lock, checks the
    path still names the locked inode (someone may have pruned it), else
    retries: so removing a lock file is safe."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        import fcntl
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            except BaseException:
                os.close(fd)
                raise
            if same:
                self.fd = fd
                return self
            os.close(fd)

    def __exit__(self, *exc):
        os.close(self.fd)  # closing releases the flock
        self.fd = None


def _remove_lock_if_free(path):
    import fcntl
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return
    try:
        if os.stat(path).st_ino == os.fstat(fd).st_ino:
            os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- build, publish, prune ---------------------------------------------------

def _sha256_file(path):
    h = sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            h.update(chunk)
    return size, h.hexdigest()


def _write_new(path, data, mode=0o644):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def get_or_build(entry, build, extra_meta=None):
    """Returns an open fd of a valid module for `entry`, building it with
    `build(tmp_path)` if needed.  Only one process builds a given key at a
    time (flock); the others wait and then load its result.  An invalid
    entry (truncated, corrupt, foreign) found under the lock is deleted and
    rebuilt.  Publication: module and metadata are written to temporary
    names in the same directory and renamed over the final names (module
    first, metadata last: the metadata is the commit point)."""
    fd = open_valid(entry)
    if fd is not None:
        return fd
    with _FileLock(entry.lock):
        fd = open_valid(entry)
        if fd is not None:
            return fd
        remove_entry(entry.so, entry.meta)
        tag = "%d.%d" % (os.getpid(), time.monotonic_ns() % 1000000007)
        tmp_so = os.path.join(entry.dir, ".%s.%s.tmp%s" % (entry.stem, tag, EXT_SUFFIX))
        tmp_meta = os.path.join(entry.dir, ".%s.%s.tmp.meta" % (entry.stem, tag))
        try:
            build(tmp_so)
            os.chmod(tmp_so, 0o644)
            size, digest = _sha256_file(tmp_so)
            fields = {"key": entry.key, "size": size, "sha256": digest,
                      "so": os.path.basename(entry.so), "module": entry.label,
                      "modname": entry.modname, "source": entry.source,
                      "created": "%.3f" % time.time()}
            fields.update(extra_meta or {})
            _write_new(tmp_meta, _format_meta(fields))
            os.replace(tmp_so, entry.so)
            os.replace(tmp_meta, entry.meta)
        finally:
            _unlink(tmp_so)
            _unlink(tmp_meta)
        prune(entry)
        fd = open_valid(entry)
        if fd is None:
            raise OSError("the cache entry %s did not validate right after it was written"
                          % entry.so)
        return fd


def prune(entry):
    """Removes the entries of the same module (same label and source) with
    another key that are older than `entry`, and temporary files that
    crashed builds left behind."""
    try:
        mine = os.stat(entry.meta).st_mtime
    except OSError:
        return
    now = time.time()
    prefix = entry.label + "."
    for name in os.listdir(entry.dir):
        path = os.path.join(entry.dir, name)
        if name.startswith("." + prefix) and ".tmp" in name:
            try:
                if now - os.lstat(path).st_mtime > _STALE_TMP_SECONDS:
                    _unlink(path)
            except OSError:
                pass
            continue
        if not (name.startswith(prefix) and name.endswith(_META)) or \
                name == entry.stem + ".meta":
            continue
        try:
            meta = read_meta(path)
            if meta["module"] != entry.label or meta.get("source") != entry.source:
                continue
            if os.stat(path).st_mtime > mine:
                continue
        except (OSError, CacheFormatError):
            continue
        stem = name[:-len(".meta")]
        remove_entry(os.path.join(entry.dir, meta["so"]), path,
                     os.path.join(entry.dir, stem + ".lock"))


# ---- inventory (pyjitc cache list/info/clear) ---------------------------------

_LOCATIONS = "locations"


def remember_dir(directory):
    """Records a cache directory (a __pycache__) in the per-user directory's
    `locations` file, so `pyjitc cache list` can find it.  Compile path only."""
    user = user_cache_dir()
    directory = os.path.abspath(directory)
    if directory == user or not safe_dir(user, create=True, mode=0o700):
        return
    path = os.path.join(user, _LOCATIONS)
    try:
        known = _read_safe(path, 1 << 22).decode("utf-8", "surrogateescape").split("\n")
    except (OSError, CacheFormatError):
        known = []
    if directory in known:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, (directory + "\n").encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)
    except OSError:
        pass


def known_dirs():
    """Every cache directory we know of: $PYJITC_CACHE_DIR, the per-user
    directory, and the __pycache__ directories recorded there."""
    dirs = []
    env = os.environ.get("PYJITC_CACHE_DIR")
    if env:
        dirs.append(os.path.abspath(env))
    user = user_cache_dir()
    dirs.append(user)
    try:
        text = _read_safe(os.path.join(user, _LOCATIONS), 1 << 22)
        for line in text.decode("utf-8", "surrogateescape").split("\n"):
            if line and line not in dirs:
                dirs.append(line)
    except (OSError, CacheFormatError):
        pass
    return [d for d in dirs if os.path.isdir(d)]


def list_entries(directory):
    """[(meta fields + 'meta_path', 'so_path', 'mtime', 'valid')] in directory."""
    out = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return out
    for name in names:
        if not name.endswith(_META) or name.startswith("."):
            continue
        path = os.path.join(directory, name)
        try:
            meta = read_meta(path)
        except (OSError, CacheFormatError):
            continue
        meta["meta_path"] = path
        meta["so_path"] = os.path.join(directory, meta["so"])
        meta["lock_path"] = path[:-len(".meta")] + ".lock"
        try:
            st = os.stat(meta["so_path"])
            meta["mtime"] = st.st_mtime
            meta["valid"] = st.st_size == meta["size"]
        except OSError:
            meta["mtime"] = os.stat(path).st_mtime
            meta["valid"] = False
        out.append(meta)
    return out
