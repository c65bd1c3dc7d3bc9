# Numbers in every base, floats (rounded as Python does), strings.
from pyjitc import native


@native
def literals() -> None:
    '''Triple-quoted
    docstring with "quotes".'''
    i = 0
    i = 00
    i = 42
    i = 1_000_000
    i = 0xff + 0XFF + 0x_dead_BEEF
    i = 0o17 + 0O7_7
    i = 0b1010 + 0B1_0
    i = 9223372036854775807
    i = 9223372036854775808
    i = 123456789012345678901234567890
    i = 0xffffffffffffffff
    f = 0.0
    f = 1.5
    f = .5
    f = 1.
    f = 1e10
    f = 1E-5
    f = 1_000.000_1
    f = 1e400
    f = 0.1 + 0.2
    f = 2.5e-324
    f = 1e16
    f = 123456789.123456789
    f = 100.0
    f = 1e-4
    f = 0.00001
    b = True
    b = False
    n = None
    assert i, "simple"
    assert i, 'single'
    assert i, "tab\tnewline\nquote\"backslash\\"
    assert i, "hex\x41 oct\101 \u00e9 \U0001F600"
    assert i, r"raw\n\t"
    assert i, "con" 'cat' """enated"""
    assert i, ("across"
               " lines")
    assert i, "line\
continuation"
    assert i, u"unicode prefix"
    assert i, "caf\u00e9 – non-ASCII"
