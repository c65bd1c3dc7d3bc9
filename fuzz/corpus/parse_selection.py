# ARGS: --only listed,also_listed
# Which defs are selected, and the @native options.
import pyjitc
import pyjitc as pj
from pyjitc import native
from pyjitc import native as nat


@native
def bare(x: int) -> int:
    return x


@native()
def empty_call(x: int) -> int:
    return x


@native(boundscheck=False, overflowcheck=False, fastmath=True, cache=False)
def all_options(x: int) -> int:
    return x


@native(boundscheck=True, overflowcheck=True, fastmath=False, cache=True)
def defaults_spelled(x: int) -> int:
    return x


@pyjitc.native
def by_module(x: int) -> int:
    return x


@pj.native(fastmath=True)
def by_alias(x: int) -> int:
    return x


@nat
def renamed(x: int) -> int:
    return x


def listed(x: int) -> int:
    return x


@native
def also_listed(x: int) -> int:
    return x


def undecorated(x):
    return x


def undecorated_unsupported(x):
    return [y for y in x]
