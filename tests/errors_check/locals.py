from pyjitc import native


@native
def f(n: int) -> int:
    flag = True
    flag = 2
    if n > 0:
        z = 1
    w = z + 1
    for i in range(n):
        pass
    k = i
    while True:
        v = 1
        break
    t = v
    x: int = 0
    x = 1.5
    n = 2.5
    total = 0
    for j in range(3):
        total = total + j
    return w + k + t


@native
def loopvar(a: int) -> int:
    i = 0.5
    for i in range(a):
        pass
    return 0


@native
def swap_arrays(a: f64[:], b: i32[:], c: f64[:]) -> float:
    a, c = c, a
    a, b = b, a
    (a, c), b = (c, a), b
    return a[0]

# ERRORS:
# 7:12: 'flag' is assigned int here but bool at line 6; a variable keeps one type (only int and float mix, as float)
# 10:9: local variable 'z' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 13:9: local variable 'i' might be referenced before assignment (compiled code requires it to be assigned on every path before this use)
# 19:9: cannot assign float to 'x', declared int at line 18
# 20:9: cannot assign float to parameter 'n' of type int
# 30:9: loop variable 'i' gets int values here but is float (line 29); use another name for one of them
# 38:12: cannot assign i32[:] to parameter 'a' of type f64[:]
# 38:15: cannot assign f64[:] to parameter 'b' of type i32[:]
# 39:5: nested unpacking of arrays is not supported; assign them one by one
