import math
from pyjitc import native, f64

X = [1, 2]

def gen():
    yield 1

@native
def g(x: f64, n) -> float:
    total = 0.0
    total += x[0]
    y = True
    y = 1
    if n > 0:
        z = 1
    w = z + 1
    q = X + 1
    print(q)
    gen()
    a = 2 ** -1
    for i in range(1.5):
        pass
    return "s"

@native
def h(a: f64[:]) -> int:
    b = a[0, 1]
    c = a[1.0]
    raise ValueError(b)

@native
def k(a: f64[::1, :], b: f64[:][:], c: int[:, :, :, :, :]) -> int:
    if a:
        return 1

# ERRORS:
# 10:15: parameter 'n' of compiled function 'g' needs a type annotation, e.g. 'n: int', 'n: float' or 'n: f64[:]'
# 33:14: only the last dimension may be '::1' (C-contiguous), e.g. f64[:, ::1]
# 33:26: array annotations take all dimensions in one subscript, e.g. f64[:, :]
# 33:40: arrays have at most 4 dimensions, this annotation has 5
# 12:14: cannot index 'x' (a scalar float); did you mean an array type like f64[:]?
# 14:9: 'y' is assigned int here but bool at line 13; a variable keeps one type (only int and float mix, as float)
# 17:9: local variable 'z' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 18:9: module global 'X' is not a compile-time constant (only int, float and bool constants assigned once can be used in compiled code); pass it as a parameter
# 19:5: cannot call 'print' from compiled code: only functions of this module, math.*, numpy.* and the builtins range, len, abs, min, max, int, float, bool, round are supported
# 20:5: cannot call 'gen' from compiled code: 'yield' is not supported in compiled functions (calls_and_names.py:7)
# 21:14: int ** negative int gives a float in Python; write a float base (e.g. 2.0 ** -1) or convert with float(...)
# 22:20: range() arguments must be int, not float; use int(...) to convert
# 24:12: strings are not supported in compiled code (only as raise and assert messages)
# 28:9: f64[:] has 1 dimension, so it takes 1 index, not 2
# 29:11: array indices must be int, not float; use int(...) or '//' division
# 30:22: the exception message must be a string literal
# 33:1: missing return at end of function 'k' returning int
