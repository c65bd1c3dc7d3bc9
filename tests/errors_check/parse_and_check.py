from pyjitc import native, f64


@native
def broken(a: f64[:]) -> int:
    return [v for v in a]


@native
def typed_wrong(x: f64, n: int) -> float:
    total = 0.0
    for i in range(n):
        total += x[i]
    return total

# ERRORS:
# 6:12: list comprehensions are not supported in compiled functions
# 13:18: cannot index 'x' (a scalar float); did you mean an array type like f64[:]?
