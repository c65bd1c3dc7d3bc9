# ARGS: --only listed
# @native options are checked; other decorators on compiled functions are errors.
import functools
from pyjitc import native


@native(boundscheck=0)
def bad_value(x: int) -> int:
    return x


@native(bogus=True, fastmath=True)
def bad_keyword(x: int) -> int:
    return x


@native(True)
def positional(x: int) -> int:
    return x


@native
@functools.lru_cache(maxsize=None)
def two(x: int) -> int:
    return x


@staticmethod
def listed(x: int) -> int:
    return x


@functools.wraps(f)
def unselected_is_quiet(x):
    return x

# ERRORS:
# 7:21: @native option 'boundscheck' must be True or False
# 12:9: unknown @native option 'bogus'; expected boundscheck, overflowcheck, fastmath or cache
# 17:9: @native takes only keyword options (boundscheck=, overflowcheck=, fastmath=, cache=)
# 23:1: decorator '@functools.lru_cache' is not supported on compiled functions (only @native is)
# 28:1: decorator '@staticmethod' is not supported on compiled functions (only @native is)
