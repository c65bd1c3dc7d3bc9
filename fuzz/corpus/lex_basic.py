"""Module docstring."""
import os
from typing import List as L


class Point:
    x: int = 0

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    @property
    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5


def f(*args, **kwargs):
    if (n := len(args)) > 2:
        return n
    elif not args:
        pass
    else:
        return -1
    lambda a, b=1: a @ b
