import os

def f(x):
    # comment
    return (x +
            1)

s = "a\
b"
t = x + \
    1
