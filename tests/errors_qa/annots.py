# Annotation mistakes a Numba / Cython user makes.
import numpy as np
from typing import List, Optional
from pyjitc import native, f64, i32


@native
def missing_param(x, n: int) -> float:
    return n


@native
def missing_return(x: float):
    return x


@native
def empty_brackets(a: f64[], n: int) -> float:
    return n


@native
def python_float_array(a: float[:], b: int[:, :], c: bool[:]) -> float:
    return a[0] + b[0, 0] + c[0]


@native
def list_annot(a: list[float], b: List[float], c: np.ndarray, d: Optional[int]) -> float:
    return 0.0


@native
def cython_style(a: f64[:, ::1, :], b: f64[::1, :], c: f64[:, :, :, :, :], d: double) -> float:
    return 0.0


@native
def numba_style(a: "float64[:]", b: f64[:](), c: np.float64) -> float:
    return c


@native
def tuple_varargs(t: tuple[int, ...]) -> tuple[float]:
    return (1.0,)


@native
def bad_return(a: f64[:]) -> list:
    return a


@native
def none_param(x: None, y: i32 = None) -> float:
    return 0.0

# ERRORS:
# 18:27: invalid syntax: empty brackets; an array annotation takes ':' per dimension, e.g. f64[:] or f64[:, :]
# 43:33: variable-length tuples are not supported; list each element type, e.g. tuple[int, int, int]
# 8:19: parameter 'x' of compiled function 'missing_param' needs a type annotation, e.g. 'x: int', 'x: float' or 'x: f64[:]'
# 13:1: compiled function 'missing_return' needs a return annotation, e.g. '-> float' or '-> None'
# 28:19: 'list[...]' is not a pyjitc type: Python lists are not supported; pass a NumPy array and annotate it like f64[:]
# 28:35: 'List[...]' is not a pyjitc type: Python lists are not supported; pass a NumPy array and annotate it like f64[:]
# 28:51: unknown type 'ndarray': write the element type and the dimensions instead, e.g. f64[:] or f64[:, :]
# 28:66: 'Optional[...]' is not a pyjitc type: compiled values are never None; annotate the value's own type
# 33:28: only the last dimension may be '::1' (C-contiguous), e.g. f64[:, ::1]
# 33:44: only the last dimension may be '::1' (C-contiguous), e.g. f64[:, ::1]
# 33:56: arrays have at most 4 dimensions, this annotation has 5
# 33:79: unknown type 'double': did you mean f64?
# 38:20: string annotations are not supported; write the type itself, e.g. f64[:]
# 38:37: this is not a type annotation; use int, float, bool, i8..i64, u8..u64, f32, f64, an array like f64[:] or a tuple like tuple[int, float]
# 48:30: unknown type 'list': Python lists are not supported; pass a NumPy array and annotate it like f64[:]
# 53:19: None is only allowed as a return annotation ('-> None')
# 53:34: parameter 'y' cannot default to None: compiled values are never None; use a number, or no default
# 49:12: returning arrays is not supported yet
# CARETS:
# 18:27 ^
# 28:51 ^~~~~~~~~~
# 33:56 ^~~~~~~~~~~~~~~~~~
