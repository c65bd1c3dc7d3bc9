"""fakemod: the module source of tests/runtime/fakemod.c, a hand-written
stand-in for a generated module.  These Python defs are what the compiled
functions replace; where they can, they compute the same thing, so the tests
can compare the compiled functions against them (the "pure" module)."""
import sys

ANSWER = 42
FILE_AT_IMPORT = __file__
NAME_AT_IMPORT = __name__
SEEN_COMPILED = sorted(__pyjitc_compiled__)  # noqa: F821 (made by the runtime)


def add(a, b=1):
    return a + b


PYTHON_ADD = add


def helper():
    return add(2) + ANSWER


def scale(x, k):
    for i in range(x.shape[0]):
        x[i] *= k


def total(x):
    t = 0.0
    for i in range(x.shape[0]):
        t += x[i]
    return t


def pair(x):
    return x * 2, x / 2


def check(n):
    if n < 0:
        raise ValueError("n must be >= 0")
    return n


def fail(n):
    return check(n) * 2


def index(x, i, j):
    return int(x[i, j])


def ints(a=0, b=0, c=0, d=0, e=0, f=0, g=0, h=0):
    return a, b, c, d, e, f, g, h


def floats(x, y):
    return x, y


def flag(b):
    return not b


def sum_i64(x):
    return sum(int(v) for v in x)


def sum_u8(x):
    return sum(int(v) for v in x)


def sum_f32(x):
    return sum(float(v) for v in x)


def count_true(x):
    return sum(1 for v in x if v)


def sum2d(x):
    return sum(float(x[i, j]) for i in range(x.shape[0]) for j in range(x.shape[1]))


def handshake(mine, theirs):
    raise NotImplementedError("only the compiled version can wait with the GIL released")


def raise_named(k):
    raise NotImplementedError


def noargs():
    return 7


if __name__ == "__main__":
    sys.exit("not a script")
