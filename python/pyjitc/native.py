"""The @native decorator.

Inside a module built by `pyjitc build`, the extension's runtime puts the
compiled functions in the module namespace as `__pyjitc_compiled__` before
the module's Python source runs; `@native` then returns the compiled function
in place of the Python one, so module-level code already calls native code.
Elsewhere (plain CPython), the function stays Python for now: compile on
first call with an on-disk cache is the next step (see docs/design.md).
"""

import os

_OPTIONS = ("boundscheck", "overflowcheck", "fastmath", "cache")


def _bind(func, options):
    compiled = func.__globals__.get("__pyjitc_compiled__")
    if compiled is not None and func.__name__ in compiled:
        return compiled[func.__name__]
    return func


def native(func=None, **options):
    """Mark a function for compilation: `@native` or `@native(boundscheck=False, ...)`."""
    for key in options:
        if key not in _OPTIONS:
            raise TypeError("native() got an unexpected keyword argument %r "
                            "(expected one of %s)" % (key, ", ".join(_OPTIONS)))
    if func is None:
        return lambda f: native(f, **options)
    if not callable(func):
        raise TypeError("@native decorates a function, not %s" % type(func).__name__)
    if os.environ.get("PYJITC_DISABLE") == "1":
        return func
    return _bind(func, options)
