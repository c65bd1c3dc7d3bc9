import math
import numpy as np
from pyjitc import native, f64, i64, u8, f32

def fact(n) -> int:
    if n <= 1:
        return 1
    return n * fact(n - 1)

def fib(n) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def divmod2(a, b):
    return a // b, a % b

def scale(a, k=2.0):
    for i in range(len(a)):
        a[i] *= k

@native
def t1(n: int) -> int:
    q, r = divmod2(n, 7)
    x, y = 1, 2.5
    x, y = y, x
    m = max(q, r, 3)
    c = q if q > r else r
    ok = q > 0 and r > 0
    z = 1 if ok or n else 2.0
    while True:
        w = n
        if w > 0:
            break
    t = math.floor(2.5) + math.gcd(q, 4) + round(2.5) + int(np.sqrt(4.0))
    v = abs(-3) + abs(-2.5) + min(1, 2.0)
    if math.isnan(v) or not ok:
        return 0
    assert n >= 0, "negative"
    return w + fib(n) + fact(n) + t

@native
def t2(a: f32[:], b: u8[:, :]) -> f64:
    s: f32 = 0
    for x in a:
        s += x
    b[0, 0] = 255
    b[0, 1] += 1
    scale(a)
    scale(a, k=3)
    return s + a.size + a.ndim + b.shape[1] + math.pi + np.inf

@native
def t3(n: int) -> None:
    i = 0
    for i in range(n, 0, -1):
        if i == 3:
            continue
    if i is None:
        raise ValueError("x")
    return
