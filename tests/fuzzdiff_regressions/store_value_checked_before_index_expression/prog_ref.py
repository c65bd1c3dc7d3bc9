import math
import numpy as np
from pyjitc import native, f64, f32, i64, i32, i16, i8, u8, u16, u32
from fuzzdiff.refrt import _ck, _ipow, _shl, _fpow, _np


@native
def f0(p0: int, p1: int, p2: i16[:]) -> tuple[int, float]:
    p2[10 % 0] = p1
    return (2, 3.0)
