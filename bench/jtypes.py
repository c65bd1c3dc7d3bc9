"""Annotation markers for kernels.py when it runs as plain Python.

kernels.py annotates with `f64[:]`, `i32[:, :]` and so on.  Under CPython
(and Numba, which reads the same code objects) those annotations are only
evaluated, never enforced, so each marker just returns itself when
subscripted.  pyjitc reads the names from the source, not from here.
"""


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __getitem__(self, _dims):
        return self

    def __repr__(self):
        return self.name


f64 = _Marker("f64")
f32 = _Marker("f32")
i64 = _Marker("i64")
i32 = _Marker("i32")
i16 = _Marker("i16")
u8 = _Marker("u8")
