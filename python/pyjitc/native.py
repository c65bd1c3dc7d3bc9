"""The @native decorator: compile on first call, through the on-disk cache.

Three cases, decided when the decorator runs:
- inside a module built by `pyjitc build` (its runtime puts the compiled
  functions in the namespace as `__pyjitc_compiled__` before the module's
  Python source runs), `@native` returns the compiled function itself;
- with PYJITC_DISABLE=1 it returns the Python function unchanged;
- otherwise it returns a dispatcher.  The first call of any dispatcher of a
  module compiles ALL the @native functions of that module together (the
  compiler selects them by their decorators and reads their options from the
  source), or loads them from the cache (cache.py), then rebinds every
  @native name in the module's globals to its compiled function.

A dispatcher that someone kept a reference to before the first call (e.g.
`from mod import f` at import time) stays valid: its class's __call__ is
replaced by the compiled function, so it delegates at a small extra cost.
Compiled functions get `__module__` set to the user's module, so pickle finds
them by reference there (in a spawned child that name is the dispatcher).
See docs/cache.md.
"""

import os
import sys
import _thread

from ._compiler import CompileError, InternalCompilerError

__all__ = ["native", "CompileError", "InternalCompilerError"]

_OPTIONS = ("boundscheck", "overflowcheck", "fastmath", "cache")

_units = {}                        # id(module globals) -> _Unit
_units_lock = _thread.allocate_lock()


def _resolve(module, qualname):
    """Unpickling a dispatcher: whatever the module binds the name to now."""
    __import__(module)
    obj = sys.modules[module]
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class _Dispatcher:
    """Stands for an @native function until its module is compiled.  Each
    function gets its own subclass, so that compiling can install the compiled
    function as the class's __call__ (a C-level call, no Python frame)."""

    def __init__(self, func, options, unit):
        self.__dict__.update(func.__dict__)
        self.__wrapped__ = func
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__doc__ = func.__doc__
        self._pj_unit = unit
        self._pj_options = options

    def __call__(self, *args, **kwargs):
        return self._pj_unit.function(self.__name__)(*args, **kwargs)

    def __reduce__(self):
        return (_resolve, (self.__module__, self.__qualname__))

    def __repr__(self):
        return "<pyjitc.native function %s.%s>" % (self.__module__, self.__qualname__)


def _c_argv_source():
    """The code of `python3 -c CODE` (sys.orig_argv keeps it), else None."""
    argv = getattr(sys, "orig_argv", None) or []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "-c":
            return argv[i + 1] if i + 1 < len(argv) else None
        if a in ("-W", "-X"):
            i += 2
            continue
        if not a.startswith("-") or a in ("-", "-m", "--"):
            return None
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
            k = a.index("c", 1)
            rest = a[k + 1:]
            return rest if rest else (argv[i + 1] if i + 1 < len(argv) else None)
        i += 1
    return None


def _real_file(filename):
    return bool(filename) and os.path.isabs(filename) and os.path.isfile(filename)


class _Unit:
    """One module's @native functions, compiled (or loaded) together once per
    process."""

    def __init__(self, globals_, filename):
        self.globals = globals_
        self.name = globals_.get("__name__") or "__main__"
        self.filename = filename
        self.is_file = _real_file(filename)
        # The text as imported: snapshot now, so an edit of the file after
        # import cannot make the compiled code differ from the running module.
        self.snapshot = None
        if self.is_file:
            try:
                with open(filename, "rb") as f:
                    self.snapshot = f.read()
            except OSError:
                self.is_file = False
        self.lock = _thread.RLock()
        self.dispatchers = {}
        self.module = None
        self.error = None

    # -- decoration --

    def add(self, func, options):
        with self.lock:
            if self.module is not None:
                fn = getattr(self.module, func.__name__, None)
                if fn is not None:
                    self._adopt(fn)
                    return fn
            cls = type(func.__name__, (_Dispatcher,), {"__slots__": (), "__doc__": func.__doc__})
            d = cls(func, options, self)
            self.dispatchers[func.__name__] = d
            return d

    def _adopt(self, fn):
        try:  # pickle by reference through the user's module
            fn.__module__ = self.name
        except (AttributeError, TypeError):
            pass

    # -- first call --

    def function(self, name):
        with self.lock:
            if self.module is None and self.error is None:
                try:
                    self.module = self._compile_and_load()
                except CompileError as e:
                    self.error = e
                else:
                    self._bind_all()
            if self.error is not None:
                e = self.error
                raise type(e)(str(e), e.diagnostics, e.returncode)
            fn = getattr(self.module, name, None)
            if fn is None:
                raise CompileError(
                    "pyjitc compiled %s but its module has no function %r: only "
                    "module-level functions decorated with @native (or "
                    "@pyjitc.native) are compiled" % (self._display(), name))
            return fn

    def _bind_all(self):
        for name, d in self.dispatchers.items():
            fn = getattr(self.module, name, None)
            if fn is None:
                continue
            self._adopt(fn)
            # A builtin has no __get__, so it works as the class's __call__
            # as is (~65 ns a call against ~26 ns direct; staticmethod: ~80).
            type(d).__call__ = fn if not hasattr(type(fn), "__get__") else staticmethod(fn)
            if self.globals.get(name) is d:
                self.globals[name] = fn

    def _display(self):
        if self.is_file:
            return self.filename
        return self.filename or "<unknown>"

    def _label(self):
        if self.name in ("__main__", "__mp_main__"):
            if self.is_file:
                return os.path.splitext(os.path.basename(self.filename))[0]
            return "main"
        return self.name

    def _source_text(self):
        """The bytes to compile, or raise CompileError."""
        if self.snapshot is not None:
            return self.snapshot
        text = None
        if self.filename == "<string>" and self.name == "__main__":
            text = _c_argv_source()
        if text is None and self.filename:
            import linecache
            lines = linecache.getlines(self.filename, self.globals)
            text = "".join(lines) if lines else None
        if text is None:
            raise CompileError(
                "pyjitc cannot compile the @native functions of module %r: their "
                "source text is not available (defined in %s, which is not a file "
                "and not in linecache)" % (self.name, self.filename or "an unknown place"))
        return text.encode("utf-8", "surrogateescape")

    def _compile_and_load(self):
        from . import __version__, cache, _compiler
        source = self._source_text()
        compiler = _compiler.find_compiler()
        flags = ()
        key = cache.make_key(source, _compiler.compiler_identity(compiler), flags,
                             __version__)
        label = self._label()
        display = os.path.abspath(self.filename) if self.is_file else \
            (self.filename or "<unknown>")
        use_cache = all(d._pj_options.get("cache", True) for d in self.dispatchers.values())
        directory = cache.choose_dir(self.filename if self.is_file else None) \
            if use_cache else None

        def build(output, modname):
            src_path, tmpdir = self._source_file(source, label)
            try:
                _compiler.build(compiler, src_path, modname, output, flags,
                                display_name=display)
            finally:
                if tmpdir:
                    import shutil
                    shutil.rmtree(tmpdir, ignore_errors=True)

        if directory is not None:
            entry = cache.Entry(directory, label, key, source=display)
            try:
                fd = cache.get_or_build(entry, lambda out: build(out, entry.modname),
                                        {"python": sys.executable})
            except OSError:
                pass  # an unusable directory: compile privately below
            else:
                if os.path.basename(directory) == "__pycache__":
                    try:
                        cache.remember_dir(directory)
                    except OSError:
                        pass
                try:
                    return _load(entry.modname, entry.so, fd)
                except BaseException:
                    os.close(fd)
                    raise
                # On success the fd stays open for the life of the process:
                # dlopen() knows loaded objects by path string, so the number
                # in /proc/self/fd/N must never name another module later.
        return self._private_build(cache, build, label, key)

    def _private_build(self, cache, build, label, key):
        """No usable cache directory, or cache=False: build in a private
        temporary directory, load, and delete it."""
        import shutil
        import tempfile
        tmp = tempfile.mkdtemp(prefix="pyjitc-")
        try:
            entry = cache.Entry(tmp, label, key)
            build(entry.so, entry.modname)
            return _load(entry.modname, entry.so, None)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _source_file(self, source, label):
        """A path holding exactly `source`: the module's own file if it is
        unchanged since import (so diagnostics name it), else a temporary copy."""
        if self.is_file:
            try:
                with open(self.filename, "rb") as f:
                    if f.read() == source:
                        return self.filename, None
            except OSError:
                pass
        import tempfile
        tmpdir = tempfile.mkdtemp(prefix="pyjitc-src-")
        path = os.path.join(tmpdir, label + ".py")
        with open(path, "wb") as f:
            f.write(source)
        return path, tmpdir


def _load(modname, path, fd):
    """Loads the extension module.  With an fd (validated by the cache), loads
    through /proc/self/fd/N: the bytes checked are the bytes loaded, even if
    the file is replaced in between.  The caller keeps that fd open."""
    from importlib.machinery import ExtensionFileLoader, ModuleSpec
    origin = path
    if fd is not None:
        via = "/proc/self/fd/%d" % fd
        if os.path.exists(via):
            origin = via
    loader = ExtensionFileLoader(modname, origin)
    spec = ModuleSpec(modname, loader, origin=origin)
    try:
        mod = loader.create_module(spec)
        loader.exec_module(mod)
    except ImportError as e:
        raise InternalCompilerError("cannot load the module pyjitc compiled (%s): %s"
                                    % (path, e))
    try:
        mod.__file__ = path
    except (AttributeError, TypeError):
        pass
    return mod


def _unit_for(func):
    g = func.__globals__
    with _units_lock:
        unit = _units.get(id(g))
        if unit is None or unit.globals is not g:
            unit = _Unit(g, func.__code__.co_filename)
            _units[id(g)] = unit
        return unit


def _after_fork_in_child():
    # A lock held by another thread of the parent at fork time would never
    # be released in the child.
    global _units_lock
    _units_lock = _thread.allocate_lock()
    for unit in _units.values():
        unit.lock = _thread.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def native(func=None, **options):
    """Mark a function for compilation: `@native` or
    `@native(boundscheck=False, overflowcheck=False, fastmath=True, cache=False)`."""
    for key, val in options.items():
        if key not in _OPTIONS:
            raise TypeError("native() got an unexpected keyword argument %r "
                            "(expected one of %s)" % (key, ", ".join(_OPTIONS)))
        if not isinstance(val, bool):
            raise TypeError("native(%s=...) takes True or False, not %r" % (key, val))
    if func is None:
        return lambda f: native(f, **options)
    if not callable(func):
        raise TypeError("@native decorates a function, not %s" % type(func).__name__)
    if os.environ.get("PYJITC_DISABLE") == "1":
        return func
    g = getattr(func, "__globals__", None)
    compiled = g.get("__pyjitc_compiled__") if g is not None else None
    if compiled is not None and func.__name__ in compiled:
        return compiled[func.__name__]
    if g is None or not hasattr(func, "__code__"):
        raise TypeError("@native decorates a Python function (def), not %s"
                        % type(func).__name__)
    if "<locals>" in func.__qualname__:
        raise TypeError("@native supports module-level functions only; %s is defined "
                        "inside another function" % func.__qualname__)
    return _unit_for(func).add(func, options)
