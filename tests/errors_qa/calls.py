# Calls a Numba / Cython user would try.
import math
import numpy as np
from pyjitc import native, f64


def helper(x, y=1.0):
    return x + y


def gen(n):
    yield n


class Point:
    pass


SCALE = [1.0, 2.0]


@native
def compiled(a: f64[:], n: int) -> float:
    return a[0] * n


@native
def unknown(a: f64[:], n: int) -> float:
    print(n)
    x = foo(n) + np.sum(a) + math.foo(1.0) + np.zeros(n) + undefined_name
    return x + gen(n) + Point() + SCALE[0] + len(n) + abs(a)


@native
def counts(a: f64[:], n: int) -> float:
    return compiled(a) + compiled(a, n, 3) + compiled(a, m=2) + compiled(n, a) + helper()


@native
def keywords(a: f64[:], n: int) -> float:
    return compiled(a, n, n=3) + helper(1.0, z=2) + helper(y=1.0) + math.sqrt(x=2.0)


@native
def builtins(a: f64[:], x: float, n: int) -> float:
    s = 0.0
    for i in range(x):
        s += i
    for i in range(0, n, 1.5):
        s += i
    for i in range(1, 2, 3, 4):
        s += i
    r = range(n)
    return s + min(x) + max(a) + int(a) + round(x, 2.0) + math.log(x, 2, 3) + min()

# ERRORS:
# 29:5: cannot call 'print' from compiled code: only functions of this module, math.*, numpy.* and the builtins range, len, abs, min, max, int, float, bool, round are supported
# 30:9: cannot call 'foo' from compiled code: only functions of this module, math.*, numpy.* and the builtins range, len, abs, min, max, int, float, bool, round are supported
# 30:18: 'np.sum' is not supported in compiled code
# 30:30: 'math.foo' is not supported in compiled code
# 30:46: 'np.zeros' is not supported in compiled code
# 30:60: name 'undefined_name' is not defined (compiled code sees its own variables, the module's functions, imports, and int/float/bool constants)
# 31:16: cannot call 'gen' from compiled code: 'yield' is not supported in compiled functions (calls.py:12)
# 31:25: cannot call 'Point' from compiled code: only functions of this module, math.*, numpy.* and the builtins range, len, abs, min, max, int, float, bool, round are supported
# 31:35: module global 'SCALE' is not a compile-time constant (only int, float and bool constants assigned once can be used in compiled code); pass it as a parameter
# 31:50: len() takes an array in compiled code, not int
# 31:59: abs() takes a number in compiled code, not f64[:] (array operations are not supported yet)
# 36:12: compiled() missing required argument 'n'
# 36:41: compiled() takes 2 arguments but 3 were given
# 36:58: compiled() got an unexpected keyword argument 'm'
# 36:74: argument 'a' of compiled() must be f64[:], not int
# 36:77: argument 'n' of compiled() must be int, not f64[:]
# 36:82: helper() missing required argument 'x'
# 41:27: compiled() got multiple values for argument 'n'
# 41:46: helper() got an unexpected keyword argument 'z'
# 41:53: helper() missing required argument 'x'
# 41:79: math.sqrt() takes no keyword arguments in compiled code
# 47:20: range() arguments must be int, not float; use int(...) to convert
# 49:26: range() arguments must be int, not float; use int(...) to convert
# 51:14: range expected 1 to 3 arguments, got 4
# 53:9: range() is only supported as the iterable of a for loop
# 54:16: min() takes 2 to 8 arguments, got 1
# 54:25: max() takes 2 to 8 arguments, got 1
# 54:38: int() takes a number in compiled code, not f64[:] (array operations are not supported yet)
# 54:52: round() ndigits must be int, not float
# 54:59: math.log() takes 1 to 2 arguments, got 3
# 54:79: min() takes 2 to 8 arguments, got 0
# CARETS:
# 29:5 ^~~~~
# 36:82 ^~~~~~~~
# 51:14 ^~~~~~~~~~~~~~~~~
