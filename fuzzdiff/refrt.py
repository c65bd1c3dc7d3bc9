"""Helpers for the CPython reference run (imported by the "ref" rendering of a
generated program, see ast.py).

The reference is CPython on the same program, with SPEC §3's rules made
explicit where CPython alone would differ from the promise:
- _ck(v): an int result outside int64 raises OverflowError at the operation
  that produced it (CPython would grow the int; compiled code must raise).
  Every int + - * // ** << unary-minus, abs(), int(), round(), math.floor/
  ceil/trunc goes through it, so the reference raises exactly where compiled
  code must, even when the big value is only an intermediate.
- _ipow: int ** negative int raises ValueError (pyjitc's documented message);
  huge powers are decided without computing them.
- _shl: a << b with a huge b is decided without computing it.
- _fpow: a float power whose CPython result is complex raises ValueError.
- _aug: an augmented assignment to an array element, its index evaluated once.
- _np.NAME: numpy scalar functions return Python floats/bools, so later
  arithmetic follows Python's float rules (SPEC §3), not np.float64's.
- RefArray: the reference's view of an array argument: reads give Python
  int/float (an element "takes part in arithmetic as the Python int or float
  of its value"), stores range-check like CPython's int conversion would.
"""
import math

import numpy as np

I64_MIN, I64_MAX = -2**63, 2**63 - 1
OVERFLOW_MSG = "integer overflow: the result does not fit in a 64-bit int (CPython would grow the integer)"
NEG_POW_MSG = "int ** negative int: the result would be a float; write float(x) ** n"
COMPLEX_POW_MSG = "negative number cannot be raised to a fractional power (the result would be complex)"


def _ck(v):
    if type(v) is int and not I64_MIN <= v <= I64_MAX:
        raise OverflowError(OVERFLOW_MSG)
    return v


def _aug(a, i, f):
    """a[i] op= e as Python runs it: the index once (i, evaluated by the
    caller before this call), then the element, then e (inside f), then the
    store.  (`a[i] = a[i] op e` would evaluate i twice, and e first.)"""
    a[i] = f(a[i])


def _ipow(a, b):
    if b < 0 and a == 0:   # CPython's own exception for 0 ** -n, which pyjitc keeps
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")
    if b < 0:
        raise ValueError(NEG_POW_MSG)
    if a in (0, 1) or b == 0:
        return a ** b
    if a == -1:
        return -1 if b & 1 else 1
    if b > 64:
        raise OverflowError(OVERFLOW_MSG)
    return _ck(a ** b)


def _shl(a, b):
    if b < 0:
        raise ValueError("negative shift count")
    if a == 0:
        return 0
    if b >= 64:
        raise OverflowError(OVERFLOW_MSG)
    return _ck(a << b)


def _fpow(a, b):
    r = a ** b
    if isinstance(r, complex):
        raise ValueError(COMPLEX_POW_MSG)
    return r


class _NumpyScalars:
    def __getattr__(self, name):
        fn = getattr(np, name)

        def call(*args):
            with np.errstate(all="ignore"):
                r = fn(*args)
            return r.item() if isinstance(r, np.generic) else r
        return call


_np = _NumpyScalars()

INT_RANGES = {k: (int(np.iinfo(k).min), int(np.iinfo(k).max))
              for k in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")}


class RefArray:
    """Wraps an ndarray for the reference run (see the module comment)."""

    def __init__(self, a):
        self.a = a

    @property
    def shape(self):
        return tuple(int(s) for s in self.a.shape)

    @property
    def ndim(self):
        return self.a.ndim

    @property
    def size(self):
        return int(self.a.size)

    def __len__(self):
        return len(self.a)

    def __getitem__(self, idx):
        return self.a[idx].item()

    def __setitem__(self, idx, v):
        if self.a.dtype.kind in "iu":
            v = int(v)
            lo, hi = INT_RANGES[self.a.dtype.name]
            if not lo <= v <= hi:
                # the element (and the index check) first, as a store would
                self.a[idx]
                raise OverflowError(f"value {v} out of range for {self.a.dtype.name}")
        with np.errstate(all="ignore"):
            self.a[idx] = v

    def __iter__(self):
        for i in range(len(self.a)):
            yield self.a[i].item()
