import math
import numpy as np
from pyjitc import native, f64, i32

N = 64
G = 2 * math.pi

def helper(x, y):
    return x * y + 1

@native
def sum_squares(x: f64[:]) -> float:
    total = 0
    for i in range(x.shape[0]):
        total += x[i] * x[i]
    return total + helper(total, 2) + N + G

@native
def f(a: i32[:, ::1], n: int) -> int:
    s = 0
    for i in range(n):
        s += a[i, 0]
        a[i, 1] = s
    if s > 3 and n:
        return s
    return -1
