# Malformed Python inside compiled functions: located, and parsing goes on.
from pyjitc import native


@native
def broken(x: int) -> int:
    y = = 1
    if x
        y = 2
    z = f(a b)
    w = 1 +
    v = x[]
    f(k=1, 2)
    1 = x
    f() = 3
    y = 3
    else:
        pass
    for 1 in x:
        pass
    x $ 2
    s = 'abc
    return x


@native
def after_broken(x: int) -> int:
    q = x if x
    return x +* 2


@native
def bad_indent(x: int) -> int:
    y = 1
        z = 2
    return y


def unselected_broken(x):
    y = = 1
    return x


@native
def missing_block(x: int) -> int:
    if x:
    return x

# ERRORS:
# 7:9: invalid syntax: unexpected '='
# 8:9: invalid syntax: expected ':', found end of line
# 10:13: invalid syntax: expected ',' or ')' in the call that starts at 10:10
# 11:12: invalid syntax: expected an expression
# 12:11: invalid syntax: expected an index
# 13:12: invalid syntax: positional argument follows keyword argument
# 14:5: invalid syntax: cannot assign to a literal
# 15:5: invalid syntax: cannot assign to a function call
# 17:5: invalid syntax: 'else' without a matching statement before it
# 19:9: the target of a compiled 'for' loop must be a name or a tuple of names
# 21:7: invalid character '$'
# 22:9: unterminated string literal
# 28:15: invalid syntax: expected 'else' in the conditional expression
# 29:15: invalid syntax: unexpected '*'
# 35:1: unexpected indent
# 47:5: expected an indented block after 'if' on line 46
