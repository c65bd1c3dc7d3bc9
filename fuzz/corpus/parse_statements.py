# Every statement form of the subset, in a selected function.
from pyjitc import native, f64, i32


@native
def statements(x: int, y: f64[:, ::1], z: float = 1.5) -> tuple[int, float]:
    """Docstring: dropped from the body, kept as doc."""
    a = 1
    a, b = b, a
    (c, d) = 1, 2
    a = b = c
    y[i, j] += 1
    y[i][j] = 2.0
    y[i, j] = y[j, i] * 2
    n: i32 = 0
    o: float
    a -= 1; b *= 2; c /= 3
    d //= 4
    d %= 5
    d **= 2
    d <<= 1
    d >>= 1
    d &= 3
    d |= 4
    d ^= 5
    f(1, 2, k=3, j=(4))
    "a string statement in the middle stays"
    if a:
        pass
    elif b:
        pass
    elif c:
        a = 1
    else:
        pass
    if a: b = 1
    while a:
        if b:
            break
        continue
    else:
        a = 2
    for i in range(10):
        pass
    for i, j in z:
        continue
    for (i, j) in z:
        pass
    else:
        pass
    assert a
    assert a, "msg"
    raise ValueError("bad value")
    raise ValueError
    return
    return a
    return a, b
