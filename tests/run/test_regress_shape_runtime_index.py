"""Regression (QA review): a.shape[k] with k known only at run time passed the
checker and crashed lowering ('tuple index is not a constant', exit 3).  It
follows Python's tuple indexing: negative k from the end, IndexError outside."""
import numpy as np

from difftest import build, same_call

SRC = '''
@native
def dim(a: f64[:, :, :], k: int) -> int:
    return a.shape[k]

@native
def prod_dims(a: f64[:, :]) -> int:
    p = 1
    for k in range(-2, 2):
        p *= a.shape[k]
    return p
'''


def test_shape_with_runtime_index():
    mods = build(SRC)
    a = np.zeros((2, 3, 5))
    for k in range(-4, 4):      # -4 and 3 raise IndexError: tuple index out of range
        same_call(mods, "dim", a, k)
    same_call(mods, "prod_dims", np.zeros((4, 7)))
