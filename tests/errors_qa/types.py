# Type mistakes across lines, use before assignment, operators on the wrong types.
from pyjitc import native, f64, i64


@native
def conflicts(a: f64[:], n: int, flag: bool) -> float:
    x = True
    x = 1
    y = a
    y = 2.0
    z: int = 0
    z = 1.5
    n = 2.5
    p = q = 0
    p = 1.5
    for i in range(n):
        pass
    i = 0.5
    return x + y + z + p + q


@native
def unassigned(n: int) -> int:
    if n > 0:
        r = 1
    for k in range(n):
        s = k
    print_me = t + 1
    t = 2
    return r + s + k + u


@native
def ops(a: f64[:], x: float, n: int) -> float:
    r = a + 1
    r2 = a * a
    b = -a
    c = ~x + (x << 1) + (n << 1.0) + (x & 1)
    d = 2 ** -1 + n ** -2
    e = (1, 2) + (3,)
    if a:
        pass
    while not a:
        pass
    g = a < 1.0
    h = n in (1, 2)
    k = a is a
    return c + d


@native
def returns(n: int) -> tuple[int, int]:
    if n > 0:
        return 1, 2, 3
    if n < 0:
        return n
    return 1.5, 2


@native
def none_value(n: int) -> int:
    x = None
    y = n if n else None
    return x

# ERRORS:
# 8:9: 'x' is assigned int here but bool at line 7; a variable keeps one type (only int and float mix, as float)
# 10:9: 'y' is assigned float here but f64[:] at line 9; a variable keeps one type (only int and float mix, as float)
# 12:9: cannot assign float to 'z', declared int at line 11
# 13:9: cannot assign float to parameter 'n' of type int
# 14:9: chained assignment to targets of different types (float and int) is not supported; assign them separately
# 16:9: loop variable 'i' gets int values here but is float (line 18); use another name for one of them
# 19:12: unsupported operand types for +: bool and f64[:] (whole-array arithmetic is not supported yet; loop over the elements)
# 28:16: local variable 't' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 30:12: local variable 'r' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 30:16: local variable 's' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 30:20: local variable 'k' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 30:24: name 'u' is not defined (compiled code sees its own variables, the module's functions, imports, and int/float/bool constants)
# 35:9: unsupported operand types for +: f64[:] and int (whole-array arithmetic is not supported yet; loop over the elements)
# 36:10: unsupported operand types for *: f64[:] and f64[:] (whole-array arithmetic is not supported yet; loop over the elements)
# 37:9: bad operand type for unary -: f64[:]
# 38:9: bad operand type for unary ~: float
# 38:15: unsupported operand types for <<: float and int (bit operations need ints)
# 38:26: unsupported operand types for <<: int and float (bit operations need ints)
# 38:39: unsupported operand types for &: float and int (bit operations need ints)
# 39:14: int ** negative int gives a float in Python; write a float base (e.g. 2.0 ** -1) or convert with float(...)
# 39:24: int ** negative int gives a float in Python; write a float base (e.g. 2.0 ** -2) or convert with float(...)
# 40:9: unsupported operand types for +: tuple[int, int] and tuple[int]
# 41:8: the truth value of an array is ambiguous; compare its elements or its size instead
# 43:15: the truth value of an array is ambiguous; compare its elements or its size instead
# 45:9: cannot compare f64[:] and float in compiled code
# 46:9: 'in' is not supported in compiled code
# 47:9: 'is' and 'is not' are only supported to compare with None
# 54:16: cannot return tuple[int, int, int] from function 'returns' returning tuple[int, int]
# 56:16: cannot return int from function 'returns' returning tuple[int, int]
# 57:12: cannot return tuple[float, int] from function 'returns' returning tuple[int, int]
# 62:9: cannot assign None to a variable in compiled code
# 63:9: the branches of the conditional expression give different types, int and None; compiled code needs one type here
# CARETS:
# 14:9 ^
# 40:9 ^~~~~~~~~~~~~
# 39:14 ^~
