# `native` that does not come from pyjitc selects nothing.
from mylib import native
import numba


@native
def looks_native(x: int) -> int:
    return x


@numba.native
def other_module(x: int) -> int:
    return x


@numba.njit
def jitted(x):
    return x
