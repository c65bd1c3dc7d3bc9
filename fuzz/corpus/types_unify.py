# int/float unification of locals, narrow storage, tuples, conditions.
from pyjitc import native, f32, i32, u64, i8


@native
def unify(n: int) -> float:
    x = 0
    for i in range(n):
        x = x + 0.5
    y = 1
    y += 2.5
    return x + y


@native
def narrow(a: i8[:], b: f32[::1], k: i32) -> i32:
    t: i32 = 0
    for i in range(a.shape[0]):
        t += a[i]
        b[i] = a[i] * 0.5
    t = k
    return t * 2


@native
def tuples(a: int, b: float) -> tuple[int, float]:
    p = (a, b)
    q, r = p
    s = p[-1] + q
    return q + 1, r * s


@native
def conds(x: float, n: int, flag: bool) -> bool:
    if x:
        return flag & (n > 0)
    while n and not flag:
        n -= 1
    return bool(n) or x > 1.0


@native
def unsigned(a: u64[:]) -> int:
    return a[0] // 2 + len(a) + (7 >> 1) + (1 << 3) + (5 ^ 3) + ~n_const()


def n_const() -> int:
    return -1


@native
def division(a: int, b: int) -> float:
    c = a / b
    d = a // b + a % b + a ** 2
    e = 2.0 ** -1 + float(d)
    return c + e + round(c, 2) + math_stuff(a)


def math_stuff(a):
    import_free = a * 2
    return import_free
