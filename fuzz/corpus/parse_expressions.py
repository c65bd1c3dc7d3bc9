# Operator precedence and associativity, calls, attributes, subscripts.
from pyjitc import native


@native
def expressions(a: int, b: int, c: int, d: int, e: int) -> int:
    r = -2**2
    r = 2**-1
    r = 2**3**2
    r = (-2)**2
    r = -a**-b
    r = ~a + -b - +c
    r = a - b - c
    r = a / b / c // d % e
    r = a + b * c
    r = (a + b) * c
    r = a | b ^ c & d << e + a * -b ** c
    r = a << b >> c
    r = not a == b and c or d and not e
    r = a or b or c
    r = a and b and c or d
    r = a or (b or c)
    r = not not a
    r = a if b else c if d else e
    r = (a if b else c) if d else e
    r = 0 <= a < b != c
    r = a is not None
    r = a is None
    r = a not in b
    r = a in b
    r = a < b == c > d <= e >= a
    r = not a < b
    r = -a < b + c
    r = a, b
    r = (a, b), c
    r = (a,)
    r = ()
    r = f(a)(b)
    r = f(a, b,)
    r = f(a, k=b)
    r = math.sqrt(a.b.c)
    r = x.shape[0]
    r = x[a][b]
    r = x[a, b]
    r = x[a, b,]
    r = x[-1]
    r = x[a + 1, b * 2]
    r = f(a)[b].c
    r = True and False or None
    r = (
        a
        + b
    )
    return r
