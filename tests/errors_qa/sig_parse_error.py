# A syntax error inside a signature is the only error reported for it: the
# parameters and return annotation the parser never reached are not "missing".
from pyjitc import native, f64


@native
def empty_brackets(a: f64[], n: int) -> float:
    return n


@native
def bad_default(a: f64[:], n: int = ) -> float:
    return n


@native
def bad_arrow(a: f64[:]) -> :
    return 0.0


@native
def still_checked(x: float) -> int:
    return x

# ERRORS:
# 7:27: invalid syntax: empty brackets; an array annotation takes ':' per dimension, e.g. f64[:] or f64[:, :]
# 12:37: invalid syntax: unexpected ')'
# 17:29: invalid syntax: unexpected ':'
# 23:12: cannot return float from function 'still_checked' returning int
