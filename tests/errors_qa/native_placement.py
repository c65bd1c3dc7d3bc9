# @native outside the top level of the module, or on something that is not a def.
from pyjitc import native
@native
def f(n: int) -> int:
    @native
    def g(x: int) -> int:
        return x
    return n

def h(n):
    @native
    def k(x: int) -> int:
        return x
    return k

if True:
    @native
    def m(x: int) -> int:
        return x
@native
class C:
    pass
@native
x = 1

@native
async def coro(x: int) -> int:
    return x

# ERRORS:
# 6:5: nested functions are not supported in compiled functions; define 'g' at module level
# 20:1: @native decorates functions, not classes
# 23:1: @native must be followed by a function definition ('def')
# 27:1: 'async def' functions cannot be compiled; remove 'async' (or the @native)
# 11:5: @native applies only to functions defined at the top level of the module (not methods, nested functions or functions inside a block); move 'k' to the top level
# 17:5: @native applies only to functions defined at the top level of the module (not methods, nested functions or functions inside a block); move 'm' to the top level
