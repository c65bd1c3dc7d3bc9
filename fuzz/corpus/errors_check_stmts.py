from pyjitc import native, f64


@native
def f(a: f64[:], n: int) -> int:
    a[0] = True
    a[0] += 1
    p, q = n
    u, v = (1, 2, 3)
    raise Foo("x")


@native
def g(n: int) -> int:
    assert n, n
    for x, y in range(n):
        pass
    for c in n:
        pass
    return


@native
def h(n: int) -> None:
    return n


def rec(n):
    if n == 0:
        return 0
    return rec(n - 1)


@native
def caller(n: int) -> float:
    return rec(n) + k(1, 2, 3) + k(1, y=2, z=3) + k(1) + rec(n=1.0, m=2)


def k(x, y=2):
    return x


def need(x, y):
    return x


@native
def caller2(n: int) -> int:
    return need(1) + need(1, x=2)

# ERRORS:
# 8:5: cannot unpack int into 2 targets
# 9:5: cannot unpack a tuple of 3 values into 2 targets
# 10:11: compiled code can raise only builtin exceptions (ValueError, TypeError, IndexError, ZeroDivisionError, OverflowError, RuntimeError, AssertionError, ArithmeticError, KeyError, NotImplementedError, Exception)
# 15:15: the assert message must be a string literal
# 16:9: a for loop target must be a single variable name
# 18:14: cannot iterate over int: for loops take range(...) or a 1-D array
# 20:5: function 'g' must return int, not None
# 25:12: function 'h' returns None (-> None) but this returns int
# 31:12: recursive function 'rec' needs a return annotation to be compiled, e.g. '-> int'
# 36:29: k() takes 2 arguments but 3 were given
# 36:44: k() got an unexpected keyword argument 'z'
# 36:69: rec() got an unexpected keyword argument 'm'
# 49:12: need() missing required argument 'y'
# 49:30: need() got multiple values for argument 'x'
