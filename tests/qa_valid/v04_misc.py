import pyjitc as pj
from pyjitc import native as nat
from pyjitc import f64, i64


N = 10
K = N - 1


@pj.native(boundscheck=False, overflowcheck=False, fastmath=True, cache=False)
def all_opts(a: f64[:]) -> float:
    return a[0]


@nat(cache=False)   # trailing comment on a decorator
# comment between decorator and def
def after_comment(x: int) -> int:
    return (x)


@pj.native
def shapes(a: f64[:, :], k: int) -> int:
    s = a.shape
    r, c = s
    t = k + a.shape[K - 8] + s[K - 9] + s[-1]
    for i in range(a.shape[0] - 1, -1, -1):
        t += i
    for i in range(len(a)):
        t += i
    for i in range(N):
        t -= i
    for i in range(-N, N, 3):
        t += i
    return t + r + c


@nat
def returns_none(a: f64[:]) -> None:
    if a[0] > 0:
        return None
    a[0] = 0.0


@nat
def noreturn(a: f64[:]) -> None:
    a[0] = 1


@nat
def paren_tuple(x: int) -> tuple[int, int]:
    return (x, x + 1)


@nat
def elifs(x: int) -> int:
    if x == 0:
        pass
    elif x == 1:
        return 10
    elif x == 2:
        return 20
    elif x == 3:
        pass
    else:
        return -1
    return 0


@nat
def bools(a: bool, b: bool) -> bool:
    c = a & b | (a ^ b)
    return c and not a or b


@nat
def mixed_unify(n: int) -> float:
    x = 0
    if n > 0:
        x = 1.5
    y = n if n > 2 else 2.5
    z = n and 0.5
    return x + y + z


@nat
def negative_index(a: i64[:, :]) -> int:
    return a[-1, -1] + a[0, -a.shape[1]]
