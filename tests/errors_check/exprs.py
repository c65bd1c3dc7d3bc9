import math
import numpy as np
from pyjitc import native, f64


@native
def f(a: f64[:], b: f64[:, :], n: int) -> float:
    x = a + 1
    y = b[0]
    s = "text"
    q = n if n > 0 else True
    r = n and a
    c = n in a
    d = math.sqrt(a)
    e = math.nosuch(1.0)
    g = len(n)
    h = 1.5 << 2
    j = a.T
    k = range(3)
    m = 99999999999999999999
    if a:
        pass
    return a.shape[5]

# ERRORS:
# 8:9: unsupported operand types for +: f64[:] and int (whole-array arithmetic is not supported yet; loop over the elements)
# 9:9: f64[:, :] has 2 dimensions, so it takes 2 indexes, not 1; index every dimension at once, e.g. a[i, j] (rows and slices are not supported yet)
# 10:9: strings are not supported in compiled code (only as raise and assert messages)
# 11:9: the branches of the conditional expression give different types, int and bool; compiled code needs one type here
# 12:9: the operands of 'and' give different types, int and f64[:]; compiled code needs one type here
# 13:9: 'in' is not supported in compiled code
# 14:19: math.sqrt() takes a number in compiled code, not f64[:] (array operations are not supported yet)
# 15:9: 'math.nosuch' is not supported in compiled code
# 16:13: len() takes an array in compiled code, not int
# 17:9: unsupported operand types for <<: float and int (bit operations need ints)
# 18:9: array attribute 'T' is not supported (only .shape, .ndim, .size)
# 19:9: range() is only supported as the iterable of a for loop
# 20:9: integer literal is too large for int (64-bit)
# 21:8: the truth value of an array is ambiguous; compare its elements or its size instead
# 23:20: tuple index 5 out of range for tuple[int]
