from pyjitc import native, f64


@native
def a1(x: list, y: f64[1:2], z: tuple, w: tuple[int, f64[:]]) -> f64[:]:
    pass


@native
def a2(x: "f64[:]", y: f64[:, ::2], z: None) -> int:
    return 0


@native
def a3(x):
    return x


@native
def a4(x: int = 1.5, y: float = 2) -> float:
    return x + y

# ERRORS:
# 5:11: unknown type 'list': Python lists are not supported; pass a NumPy array and annotate it like f64[:]
# 5:24: array annotations take ':' per dimension, e.g. f64[:] or f64[:, :]
# 5:33: 'tuple' needs element types, e.g. tuple[int, float]
# 5:54: tuple elements must be scalars, not f64[:]
# 5:66: returning arrays is not supported yet
# 10:11: string annotations are not supported; write the type itself, e.g. f64[:]
# 10:33: the only step allowed in an array annotation is '::1' (C-contiguous)
# 10:40: None is only allowed as a return annotation ('-> None')
# 15:8: parameter 'x' of compiled function 'a3' needs a type annotation, e.g. 'x: int', 'x: float' or 'x: f64[:]'
# 15:1: compiled function 'a3' needs a return annotation, e.g. '-> float' or '-> None'
# 20:17: default value of parameter 'x' is float, but the parameter is int
