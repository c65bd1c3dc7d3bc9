# Indexing and attribute mistakes.
from pyjitc import native, f64, i64


@native
def scalar_index(x: f64, n: int) -> float:
    return x[0] + n[1]


@native
def wrong_count(a: f64[:, :], b: f64[:]) -> float:
    return a[0] + b[0, 1] + a[0, 1, 2]


@native
def numba_chained(a: f64[:, :]) -> float:
    return a[0][1]


@native
def float_index(a: f64[:], x: float, t: bool) -> float:
    i = len(a) / 2
    return a[i] + a[x] + a[1.0] + a[t]


@native
def attributes(a: f64[:, :]) -> float:
    return a.T[0, 0] + a.dtype + a.shape[2] + a.sum() + a.mean(axis=0)


@native
def shape_store(a: f64[:], n: int) -> None:
    a.shape = (n,)
    a.size += 1


@native
def shape_item_store(a: f64[:], n: int) -> None:
    a.shape[0] = n
    t = (1, 2)
    t[0] = 3


@native
def tuple_index(n: int) -> float:
    t = (1, 2.0)
    return t[n] + t[5] + t[0, 1]


@native
def slices(a: f64[:]) -> float:
    b = a[1:]
    return a[:3] + a[::2]

# ERRORS:
# 33:5: assignment to attributes is not supported in compiled functions
# 34:5: assignment to attributes is not supported in compiled functions
# 52:9: slices are not supported yet in compiled functions (index one element at a time)
# 53:12: slices are not supported yet in compiled functions (index one element at a time)
# 53:20: slices are not supported yet in compiled functions (index one element at a time)
# 7:12: cannot index 'x' (a scalar float); did you mean an array type like f64[:]?
# 7:19: cannot index 'n' (a scalar int); did you mean an array type like i64[:]?
# 12:12: f64[:, :] has 2 dimensions, so it takes 2 indexes, not 1; index every dimension at once, e.g. a[i, j] (rows and slices are not supported yet)
# 12:19: f64[:] has 1 dimension, so it takes 1 index, not 2
# 12:29: f64[:, :] has 2 dimensions, so it takes 2 indexes, not 3
# 17:12: f64[:, :] has 2 dimensions, so it takes 2 indexes, not 1; index every dimension at once, e.g. a[i, j] (rows and slices are not supported yet)
# 23:14: array indices must be int, not float; use int(...) or '//' division
# 23:21: array indices must be int, not float; use int(...) or '//' division
# 23:28: array indices must be int, not float; use int(...) or '//' division
# 23:37: array indices must be int, not bool
# 28:12: array attribute 'T' is not supported (only .shape, .ndim, .size)
# 28:24: array attribute 'dtype' is not supported (only .shape, .ndim, .size)
# 28:42: tuple index 2 out of range for tuple[int, int]
# 28:47: cannot call method 'sum' in compiled code: methods are not supported
# 28:57: cannot call method 'mean' in compiled code: methods are not supported
# 39:5: an array's shape cannot be assigned: arrays cannot be resized in compiled code
# 41:5: tuples are immutable: cannot assign to an element
# 47:14: indexing tuple[int, float] needs a constant index
# 47:21: tuple index 5 out of range for tuple[int, float]
# 47:26: a tuple takes exactly one index
# CARETS:
# 7:12 ^
# 12:29 ^~~~~~~~~~
# 17:12 ^~~~
# 28:47 ^~~~~
