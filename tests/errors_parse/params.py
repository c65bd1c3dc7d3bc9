# Parameter forms outside the subset; each says what to do instead.
from pyjitc import native


@native
def star(x: int, *args: int, **kwargs: int) -> int:
    return x


@native
def kwonly(x: int, *, scale: float = 1.0, shift: float = 0.0) -> float:
    return x * scale


@native
def posonly(x: int, /, y: int) -> int:
    return x


@native
def dup(x: int, x: int) -> int:
    return x


@native
def order(x: int = 1, y: int) -> int:
    return x

# ERRORS:
# 6:18: '*args' parameters are not supported in compiled functions; use ordinary parameters, or pass a tuple
# 6:30: '**kwargs' parameters are not supported in compiled functions; use ordinary parameters with defaults
# 11:23: keyword-only parameters are not supported in compiled functions; remove the '*' before them
# 16:21: positional-only parameters are not supported in compiled functions; remove the '/'
# 21:17: duplicate parameter 'x' in function definition
# 26:23: invalid syntax: parameter without a default follows parameter with a default
