import math
import numpy as np
from pyjitc import native, f64, f32, i64, i32, i16, i8, u8, u16, u32

K2 = -3


@native
def f0(p0: float, p1: u16[:]) -> None:
    p1[p1[0]] = K2
    return
