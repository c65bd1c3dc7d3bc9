# -*- coding: utf-8 -*-
# tabs for indentation, semicolons, one-line suites
import pyjitc
from pyjitc import native


@pyjitc.native
def tabs(n: int) -> int:
	s = 0
	for i in range(n):
		if i % 2: s += i
		else: s -= 1; s += 2
	return s


@native()
def oneliner(x: float) -> float: return x * 2


@native
def semis(x: int) -> int:
    a = 1; b = 2; c = a + b
    while x > 0: x -= 1
    return c + x ;


@native
def   spaced  (  x :int ,y : float=2.5 , ) ->float :
    return  x+y


@native
def sig_over_lines(
        a: pyjitc.f64[:],   # comment after a parameter
        n: pyjitc.i64 = 3,
        # comment line between parameters
        scale: float = 1.0,
) -> float:
    \
    total = 0.0
    for i in range(
            min(n, a.shape[0])):
        total += a[i] * scale
    return total


        # a comment indented oddly
@native
def calls_default(a: pyjitc.f64[:]) -> float:
    return sig_over_lines(a) + sig_over_lines(a, 2) + sig_over_lines(a, scale=2.0, n=1) + spaced(1) + spaced(y=1.0, x=2)


def python_only(x):
    return [i for i in range(x)]


class Plain:
    def method(self):
        yield 1


if __name__ == "__main__":
    print(tabs(5))
