# What the parser keeps at top level: imports, constants, every def.
# Everything else is Python that runs at import and is skipped.
import math
import numpy as np
import numpy
import os.path
import a.b as ab, c
from math import sqrt, pi as PI
from pyjitc import (
    native,
    f64,
)
from . import sibling
from math import *

N = 64
G = 6.674e-11
TAU = 2 * math.pi
LIMIT: int = 10
NAME = "text"
PAIR = (1, 2.5)
data = [1, 2, 3]
table = {}
x = y = 3
f = lambda q: q
N += 1
annotated_only: int


class Point:
    x: float = 0.0

    def method(self):
        return self.x


@dataclass
class Record:
    value: int


if __name__ == "__main__":
    def hidden(): pass
    print(N)
else:
    pass

try:
    import scipy
except ImportError:
    scipy = None


async def coroutine():
    await thing()


def plain(a, b=2):
    return a + b


def uses_list(a):
    return [a]


def generator(n):
    for i in range(n):
        yield i


def with_star(*args):
    return args


@property
def decorated(x):
    return x


@functools.lru_cache(maxsize=None)
def cached(x):
    return x


@native
def compiled(x: f64[:]) -> float:
    return x[0] + N
