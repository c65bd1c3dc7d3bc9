# Statements outside the subset, each named, all reported in one run.
from pyjitc import native


@native
def stmts(x: int) -> int:
    with open("f") as fh:
        pass
    try:
        x = 1
    except ValueError:
        pass
    else:
        pass
    finally:
        pass
    class K:
        pass
    @decorator
    def inner(y):
        return y
    global G
    nonlocal n
    del x
    import os
    from math import sqrt
    async def coroutine(): pass
    async for i in x: pass
    match x:
        case 1:
            pass
    break
    continue
    raise
    raise ValueError("a") from None
    return x


@native
def loops(x: int) -> int:
    while x:
        def helper(): pass
        for i in range(x):
            break
        break
    else:
        continue
    return x

# ERRORS:
# 7:5: 'with' statements are not supported in compiled functions
# 9:5: 'try' statements are not supported in compiled functions
# 17:5: class definitions are not supported in compiled functions
# 20:5: nested functions are not supported in compiled functions; define 'inner' at module level
# 22:5: 'global' is not supported in compiled functions; use a module-level constant or pass the value as a parameter
# 23:5: 'nonlocal' is not supported in compiled functions
# 24:5: 'del' is not supported in compiled functions
# 25:5: 'import' inside a compiled function is not supported; import at module level
# 26:5: 'import' inside a compiled function is not supported; import at module level
# 27:5: 'async' is not supported in compiled functions
# 28:5: 'async' is not supported in compiled functions
# 29:5: 'match' statements are not supported in compiled functions
# 32:5: 'break' outside loop
# 33:5: 'continue' outside loop
# 34:5: bare 'raise' is not supported in compiled functions; raise an exception such as ValueError("message")
# 35:27: 'raise ... from' is not supported in compiled functions
# 42:9: nested functions are not supported in compiled functions; define 'helper' at module level
# 47:9: 'continue' outside loop
