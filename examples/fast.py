"""The kernels of the Python performance guide pyjitc grew out of, typed.

Run as plain Python (`python3 fast.py`), or build with `pyjitc build fast.py`
and `import fast`: the same functions, compiled.
"""
import math

from pyjitc import f64, native


@native
def compute_sum(n: int) -> int:
    """Sum of 0..n-1 in a typed loop."""
    total = 0
    for i in range(n):
        total += i
    return total


@native
def fast_function(x: f64[:]) -> float:
    """Sum of squares of an array."""
    total = 0.0
    for i in range(len(x)):
        total += x[i] ** 2
    return total


@native
def fib(n: int) -> int:
    """Naive recursive Fibonacci."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@native
def compute_distances(points: f64[:, :], out: f64[:]) -> None:
    """out[k] = distance between (x1, y1) and (x2, y2), row k = x1, y1, x2, y2."""
    for k in range(points.shape[0]):
        dx = points[k, 2] - points[k, 0]
        dy = points[k, 3] - points[k, 1]
        out[k] = math.sqrt(dx ** 2 + dy ** 2)


if __name__ == "__main__":
    print(compute_sum(10), fib(10))
