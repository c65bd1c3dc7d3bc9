"""Annotation objects: f64, f32, i64 ... u8.

They exist so that annotated functions run unchanged under CPython:
`f64` is an ordinary name, and `f64[:]`, `f64[:, ::1]` build array types.
The compiler reads annotations from the source text, not from these
objects; these only have to behave and print sensibly at run time.
"""

__all__ = ["ScalarType", "ArrayType", "f64", "f32", "i64", "i32", "i16", "i8",
           "u64", "u32", "u16", "u8"]


class ScalarType:
    """A machine scalar type usable as an annotation, e.g. `x: f32`."""

    __slots__ = ("name", "format", "itemsize")

    def __init__(self, name, format, itemsize):
        self.name = name
        self.format = format
        self.itemsize = itemsize

    def __repr__(self):
        return self.name

    def __getitem__(self, dims):
        return ArrayType(self, dims)

    def __reduce__(self):
        return self.name


def _parse_dims(dims):
    if not isinstance(dims, tuple):
        dims = (dims,)
    if not 1 <= len(dims) <= 4:
        raise TypeError("arrays have 1 to 4 dimensions, got %d" % len(dims))
    contig = False
    for k, d in enumerate(dims):
        if not isinstance(d, slice) or d.start is not None or d.stop is not None:
            raise TypeError("array dimensions are written ':' (or '::1' for the last), "
                            "not %r" % (d,))
        if d.step is not None:
            if d.step != 1 or k != len(dims) - 1:
                raise TypeError("only the last dimension may be '::1' (C-contiguous)")
            contig = True
    return len(dims), contig


class ArrayType:
    """`T[:]`, `T[:, ::1]`, ...: a buffer-protocol array of element type T."""

    __slots__ = ("dtype", "ndim", "contig")

    def __init__(self, dtype, dims):
        self.dtype = dtype
        self.ndim, self.contig = _parse_dims(dims)

    def __repr__(self):
        dims = [":"] * self.ndim
        if self.contig:
            dims[-1] = "::1"
        return "%s[%s]" % (self.dtype.name, ", ".join(dims))

    def __eq__(self, other):
        return (isinstance(other, ArrayType) and self.dtype is other.dtype
                and self.ndim == other.ndim and self.contig == other.contig)

    def __hash__(self):
        return hash((self.dtype.name, self.ndim, self.contig))


f64 = ScalarType("f64", "d", 8)
f32 = ScalarType("f32", "f", 4)
i64 = ScalarType("i64", "q", 8)
i32 = ScalarType("i32", "i", 4)
i16 = ScalarType("i16", "h", 2)
i8 = ScalarType("i8", "b", 1)
u64 = ScalarType("u64", "Q", 8)
u32 = ScalarType("u32", "I", 4)
u16 = ScalarType("u16", "H", 2)
u8 = ScalarType("u8", "B", 1)
