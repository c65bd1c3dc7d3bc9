import math
import numpy as np
from pyjitc import native, f64, f32, i64, i32, i16, i8, u8, u16, u32
from fuzzdiff.refrt import _ck, _ipow, _shl, _fpow, _np


@native
def f1(p0: int, p1: float) -> float:
    return _np.tanh(math.e)
