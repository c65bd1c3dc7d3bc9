"""pyjitc: an ahead-of-time compiler for a typed subset of Python.

`from pyjitc import native, f64` in a module, then `pyjitc build module.py`
(or, with the decorator alone, compilation on first call).  Importing this
package is cheap: it imports no NumPy and no compiler.
"""

from .types import (ArrayType, ScalarType, f32, f64, i8, i16, i32, i64, u8, u16,
                    u32, u64)
from .native import native, CompileError, InternalCompilerError

__version__ = "0.1.0"

__all__ = ["native", "f64", "f32", "i64", "i32", "i16", "i8", "u64", "u32", "u16",
           "u8", "ArrayType", "ScalarType", "CompileError", "InternalCompilerError",
           "__version__"]
