import math
import numpy as np
from pyjitc import native, f64, f32, i64, i32, i16, i8, u8, u16, u32
from fuzzdiff.refrt import _aug, _ck, _ipow, _shl, _fpow, _np



@native
def f0(p0: float, p1: u16[:]) -> float:
    h3(0, 0, 0, False)
    assert False and 0
    return 0.0


def h3(p0, p1, p2, p3):
    p1 = (-9223372036854775808)
    return (0.0, False, 0)
