# Expressions outside the subset, each named with its span.
from pyjitc import native


@native
def exprs(x: int, a: f64[:]) -> int:
    y = yield x
    yield from x
    z = await x
    f = lambda q: q + 1
    l = [i for i in range(3)]
    s = {i for i in range(3)}
    d = {i: i for i in range(3)}
    g = (i for i in range(3))
    t = sum(i for i in range(3))
    l = [1, 2]
    d = {1: 2}
    d = {}
    s = {1, 2}
    if (w := 3) > 2:
        pass
    u = *a, 1
    m = f"{x}"
    b = b"abc"
    c = 1j + 2.5J
    v = a[1:3]
    v = a[::2]
    a[:] = 0
    m = a @ a
    m @= a
    s = "a" + "b"
    s = "%d" % x
    s = "{}".format(x)
    s = -"x"
    s = x < "y"
    e = ...
    x.attr = 1
    x.attr += 1
    s = "\N{EM DASH}"
    f(*a, **a)
    return x

# ERRORS:
# 7:9: 'yield' is not supported in compiled functions
# 8:5: 'yield from' is not supported in compiled functions
# 9:9: 'await' is not supported in compiled functions
# 10:9: 'lambda' is not supported in compiled functions; define a function at module level
# 11:9: list comprehensions are not supported in compiled functions
# 12:9: set comprehensions are not supported in compiled functions
# 13:9: dict comprehensions are not supported in compiled functions
# 14:9: generator expressions are not supported in compiled functions
# 15:9: generator expressions are not supported in compiled functions
# 16:9: lists are not supported in compiled functions; use a tuple, or pass in an array
# 17:9: dicts are not supported in compiled functions
# 18:9: dicts are not supported in compiled functions
# 19:9: sets are not supported in compiled functions
# 20:9: assignment expressions (':=') are not supported in compiled functions
# 22:9: starred expressions ('*x') are not supported in compiled functions
# 23:9: f-strings are not supported in compiled functions
# 24:9: bytes literals are not supported in compiled functions
# 25:9: complex numbers are not supported in compiled functions
# 25:14: complex numbers are not supported in compiled functions
# 26:9: slices are not supported yet in compiled functions (index one element at a time)
# 27:9: slices are not supported yet in compiled functions (index one element at a time)
# 28:5: slices are not supported yet in compiled functions (index one element at a time)
# 29:9: the '@' operator (matrix multiplication) is not supported in compiled functions
# 30:5: the '@' operator (matrix multiplication) is not supported in compiled functions
# 31:9: string operations are not supported in compiled functions (strings may only be used as messages)
# 32:9: string formatting ('%') is not supported in compiled functions
# 33:9: string methods are not supported in compiled functions
# 34:9: string operations are not supported in compiled functions (strings may only be used as messages)
# 35:9: string operations are not supported in compiled functions (strings may only be used as messages)
# 36:9: '...' (Ellipsis) is not supported in compiled functions
# 37:5: assignment to attributes is not supported in compiled functions
# 38:5: assignment to attributes is not supported in compiled functions
# 39:9: unsupported escape in string literal (\N{...} is not supported; \x, \u and \U need 2, 4 and 8 hex digits)
# 40:7: '*' argument unpacking is not supported in compiled functions; pass the arguments one by one
# 40:11: '**' argument unpacking is not supported in compiled functions; pass the arguments one by one
