import math
import numpy as np
from pyjitc import native, f64, f32, i64, i32, i16, i8, u8, u16, u32
from fuzzdiff.refrt import _aug, _ck, _ipow, _shl, _fpow, _np



@native
def f3(depth: int, p0: i64[:], p1: i64[:], p2: int) -> int:
    if depth <= 0:
        return 0
    _aug(p0, (f3(_ck(min(depth, 4) - 1), p1, p1, 0) % len(p0),), lambda _v: _v >> 0)
    p1[0] = p1[0] ^ 1
    return p0[0]
