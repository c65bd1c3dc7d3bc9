# Python statements and expressions outside the subset, as Numba users write them.
from pyjitc import native, f64


@native
def unsupported(a: f64[:], n: int) -> float:
    global TOTAL
    try:
        x = a[0]
    except IndexError:
        x = 0.0
    with open("log") as fh:
        pass
    f = lambda v: v * 2
    sq = [v * v for v in a]
    s = sum(v for v in a)
    msg = f"n = {n}"
    if (m := n) > 2:
        pass
    print(*a)
    class Acc:
        pass
    def inner(v):
        return v
    yield x
    return x


def gen_helper(n):
    yield n


@native
def calls_generator(n: int) -> int:
    return gen_helper(n) + calls_generator(n - 1, 2)


@native
def more(a: f64[:], n: int) -> float:
    for i, v in enumerate(a):
        pass
    for v, w in zip(a, a):
        pass
    s = "text"
    return 0.0


@native
def parse_level(a: f64[:], n: int) -> float:
    d = {"k": 1}
    lst = [1, 2, 3]
    del a
    assert n > 0, "n must be positive, got " + str(n)
    raise ValueError(f"bad {n}")
    return 0.0


class Model:
    @native
    def method(self, x: float) -> float:
        return x


@native
async def coro(x: int) -> int:
    return x

# ERRORS:
# 7:5: 'global' is not supported in compiled functions; use a module-level constant or pass the value as a parameter
# 8:5: 'try' statements are not supported in compiled functions
# 12:5: 'with' statements are not supported in compiled functions
# 14:9: 'lambda' is not supported in compiled functions; define a function at module level
# 15:10: list comprehensions are not supported in compiled functions
# 16:9: generator expressions are not supported in compiled functions
# 17:11: f-strings are not supported in compiled functions
# 18:9: assignment expressions (':=') are not supported in compiled functions
# 20:11: '*' argument unpacking is not supported in compiled functions; pass the arguments one by one
# 21:5: class definitions are not supported in compiled functions
# 23:5: nested functions are not supported in compiled functions; define 'inner' at module level
# 25:5: 'yield' is not supported in compiled functions
# 50:9: dicts are not supported in compiled functions
# 51:11: lists are not supported in compiled functions; use a tuple, or pass in an array
# 52:5: 'del' is not supported in compiled functions
# 53:19: string operations are not supported in compiled functions (strings may only be used as messages)
# 54:22: f-strings are not supported in compiled functions
# 65:1: 'async def' functions cannot be compiled; remove 'async' (or the @native)
# 59:5: @native applies only to functions defined at the top level of the module (not methods, nested functions or functions inside a block); move 'method' to the top level
# 35:12: cannot call 'gen_helper' from compiled code: 'yield' is not supported in compiled functions (stmts.py:30)
# 35:51: calls_generator() takes 1 argument but 2 were given
# 40:17: enumerate() is not supported in compiled code; loop over an index instead, e.g. 'for i in range(len(a)):' and read a[i]
# 42:17: zip() is not supported in compiled code; loop over an index instead, e.g. 'for i in range(len(a)):' and read a[i]
# 44:9: strings are not supported in compiled code (only as raise and assert messages)
