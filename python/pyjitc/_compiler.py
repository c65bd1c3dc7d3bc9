"""Finds and runs the `pyjitc` compiler binary, as a subprocess.

A subprocess, not an in-process library call: a compiler bug then costs one
failed call (InternalCompilerError), never the user's process, and many
processes compiling at once are simply many compiler processes, coordinated
by the cache's lock.  `subprocess` is imported only when a build really runs,
so a cache hit does not pay for it.
"""

import os

__all__ = ["CompileError", "InternalCompilerError", "find_compiler", "compiler_identity",
           "build"]

_EXIT_USER, _EXIT_USAGE, _EXIT_INTERNAL = 1, 2, 3


class CompileError(Exception):
    """The compiler rejected the source: `diagnostics` holds its messages
    (`file:line:col: error: ...` with the source line and a caret)."""

    def __init__(self, message, diagnostics="", returncode=None):
        super().__init__(message)
        self.diagnostics = diagnostics
        self.returncode = returncode


class InternalCompilerError(CompileError):
    """The compiler failed on a bug of its own (exit status 3, a usage error
    in how pyjitc ran it, or a crash): not a problem in the user's code."""


def _executable(path):
    return path and os.path.isfile(path) and os.access(path, os.X_OK)


def find_compiler():
    """The compiler binary: $PYJITC, then the installed path written by
    `make install` (_paths.PYJITC_BIN), then `pyjitc` on PATH, then the source
    tree's build/pyjitc.  Raises CompileError if there is none."""
    env = os.environ.get("PYJITC")
    if env:
        if _executable(env):
            return os.path.abspath(env)
        raise CompileError("$PYJITC is set to %r, which is not an executable file" % env)
    try:
        from ._paths import PYJITC_BIN
    except ImportError:
        PYJITC_BIN = None
    if _executable(PYJITC_BIN):
        return PYJITC_BIN
    for d in os.environ.get("PATH", os.defpath).split(os.pathsep):
        cand = os.path.join(d or ".", "pyjitc")
        if _executable(cand):
            return os.path.abspath(cand)
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.normpath(os.path.join(here, "..", "..", "build", "pyjitc"))
    if _executable(tree):
        return tree
    raise CompileError("cannot find the pyjitc compiler: set $PYJITC, install it with "
                       "`make install`, or put `pyjitc` on PATH")


def _file_id(path):
    st = os.stat(path)
    return "%s:%d:%d" % (os.path.realpath(path), st.st_size, st.st_mtime_ns)


def _runtime_archive(compiler):
    """libpjrt.a as the compiler's link stage finds it (link.c)."""
    env = os.environ.get("PYJITC_RUNTIME")
    if env:
        return env
    d = os.path.dirname(os.path.realpath(compiler))
    for cand in (os.path.join(d, "libpjrt.a"),
                 os.path.join(d, "..", "lib", "pyjitc", "libpjrt.a")):
        if os.path.exists(cand):
            return cand
    return None


def compiler_identity(compiler):
    """A cheap stand-in for the compiler's version: the binary's (and the
    runtime archive's) path, size and mtime.  Any rebuild changes it, and
    getting it costs two stat() calls instead of running `pyjitc --version`."""
    parts = ["bin=" + _file_id(compiler)]
    rt = _runtime_archive(compiler)
    if rt:
        try:
            parts.append("rt=" + _file_id(rt))
        except OSError:
            pass
    return ";".join(parts)


def compiler_version(compiler):
    """`pyjitc --version` (recorded in cache metadata; not on the hit path)."""
    import subprocess
    try:
        r = subprocess.run([compiler, "--version"], capture_output=True, text=True,
                           timeout=30)
        return r.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _log_compile(module, output):
    """$PYJITC_LOG_COMPILES=FILE: one line per compiler run (tests count them)."""
    log = os.environ.get("PYJITC_LOG_COMPILES")
    if not log:
        return
    line = "%d %s %s\n" % (os.getpid(), module, os.path.basename(output))
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def build(compiler, source, module, output, flags=(), display_name=None):
    """Runs `pyjitc build --no-exec --module MODULE --output OUTPUT SOURCE`.

    `display_name`: what the user knows the source as, when `source` is a
    temporary copy; diagnostics are rewritten to name it.  Raises CompileError
    (exit 1) or InternalCompilerError (anything else but 0)."""
    import subprocess
    argv = [compiler, "build", "--no-exec", "--module", module, "--output", output,
            *flags, source]
    _log_compile(module, output)
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:
        raise InternalCompilerError("cannot run the pyjitc compiler %s: %s" % (compiler, e))
    err = (r.stderr or b"").decode("utf-8", "replace") + \
          (r.stdout or b"").decode("utf-8", "replace")
    if display_name and display_name != source:
        err = err.replace(source, display_name)
    name = display_name or source
    if r.returncode == 0:
        if not os.path.exists(output):
            raise InternalCompilerError("pyjitc reported success but wrote no module at %s"
                                        % output, err, 0)
        return err
    if r.returncode == _EXIT_USER:
        raise CompileError("pyjitc cannot compile the @native functions of %s:\n%s"
                           % (name, err.rstrip()), err, r.returncode)
    if r.returncode < 0:
        what = "was killed by signal %d" % -r.returncode
    elif r.returncode == _EXIT_USAGE:
        what = "rejected its command line (a pyjitc bug): %s" % " ".join(argv)
    else:
        what = "failed with an internal error (exit status %d)" % r.returncode
    raise InternalCompilerError("the pyjitc compiler %s while compiling %s:\n%s"
                                % (what, name, err.rstrip()), err, r.returncode)
