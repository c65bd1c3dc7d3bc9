"""Runtime (runtime/*.c -> build/libpjrt.a) tests, without the compiler.

tests/runtime/fakemod.c is a hand-written stand-in for a generated module; it
is linked with libpjrt.a exactly as the compiler's output is, then imported.
Its module source is tests/runtime/fakemod.py, which is also run as plain
Python ("pure") so argument errors and tracebacks are compared with CPython's
own."""
import array
import ctypes
import decimal
import importlib
import importlib.util
import inspect
import json
import pickle
import subprocess
import sys
import sysconfig
import threading
import traceback
import types

import numpy as np
import pytest

from conftest import ROOT

HERE = ROOT / "tests" / "runtime"
PY_SOURCE = HERE / "fakemod.py"
EXT = sysconfig.get_config_var("EXT_SUFFIX")


def _libpjrt():
    r = subprocess.run(["make", "-s", "-C", str(ROOT), "build/libpjrt.a", f"PYTHON={sys.executable}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail("building build/libpjrt.a failed:\n" + r.stdout + r.stderr)
    return ROOT / "build" / "libpjrt.a"


def build_fakemod(outdir, source=None, abi=None):
    """Compiles fakemod.c with `source` (default: fakemod.py's text) embedded;
    returns the path of the extension module."""
    outdir.mkdir(parents=True, exist_ok=True)
    text = PY_SOURCE.read_text() if source is None else source
    header = f"#define FAKEMOD_FILE {json.dumps(str(PY_SOURCE))}\n"
    header += f"#define FAKEMOD_SOURCE {json.dumps(text)}\n"
    (outdir / "fakemod_src.h").write_text(header)
    so = outdir / ("fakemod" + EXT)
    cmd = ["cc", "-std=gnu11", "-O1", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror",
           "-shared", "-fPIC", f"-I{ROOT / 'runtime'}", f"-I{outdir}",
           str(HERE / "fakemod.c"), str(_libpjrt()), "-o", str(so)]
    if abi is not None:
        cmd.insert(1, f"-DFAKEMOD_ABI={abi}")
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return so


def load_from(so):
    """Imports fakemod from a path without putting it in sys.modules."""
    spec = importlib.util.spec_from_file_location("fakemod", so)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fm(tmp_path_factory):
    so = build_fakemod(tmp_path_factory.mktemp("fakemod"))
    sys.path.insert(0, str(so.parent))
    try:
        sys.modules.pop("fakemod", None)
        yield importlib.import_module("fakemod")
    finally:
        sys.path.remove(str(so.parent))
        sys.modules.pop("fakemod", None)


@pytest.fixture(scope="module")
def pure():
    """fakemod.py run as ordinary Python: the reference."""
    mod = types.ModuleType("fakemod_pure")
    mod.__file__ = str(PY_SOURCE)
    mod.__pyjitc_compiled__ = {}
    exec(compile(PY_SOURCE.read_text(), str(PY_SOURCE), "exec"), mod.__dict__)
    return mod


def raised(fn, *args, **kwargs):
    with pytest.raises(BaseException) as info:
        fn(*args, **kwargs)
    return info.value


def err(fn, *args, **kwargs):
    e = raised(fn, *args, **kwargs)
    return type(e), str(e)


COMPILED = ["add", "check", "count_true", "fail", "flag", "floats", "handshake", "index", "ints",
            "noargs", "pair", "raise_named", "scale", "sum2d", "sum_f32", "sum_i64", "sum_u8",
            "total"]


# ---------------------------------------------------------------- the module

def test_exports_only_pyinit(fm):
    out = subprocess.run(["nm", "-D", "--defined-only", fm.__file__], capture_output=True,
                         text=True, check=True).stdout
    names = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert names == {"PyInit_fakemod"}


def test_module_body_ran(fm):
    assert fm.ANSWER == 42
    assert fm.NAME_AT_IMPORT == "fakemod"
    assert fm.SEEN_COMPILED == COMPILED  # __pyjitc_compiled__ existed while the body ran
    assert fm.__doc__.startswith("fakemod: the module source")
    assert fm.__builtins__ is __builtins__ or fm.__builtins__ is __builtins__.__dict__
    assert isinstance(fm.helper, types.FunctionType)
    assert fm.helper.__code__.co_filename == str(PY_SOURCE)
    assert inspect.getsourcefile(fm.helper) == str(PY_SOURCE)
    assert fm.helper() == 2 + 1 + 42  # a Python function calling a compiled one


def test_file_is_the_extension(fm):
    assert fm.__file__.endswith(EXT)
    assert fm.FILE_AT_IMPORT == fm.__file__  # already set while the body ran
    assert fm.__spec__.origin == fm.__file__


def test_compiled_functions_override_defs(fm):
    assert isinstance(fm.PYTHON_ADD, types.FunctionType)
    for name in COMPILED:
        f = getattr(fm, name)
        assert isinstance(f, types.BuiltinFunctionType), name
        assert fm.__pyjitc_compiled__[name] is f
    assert fm.add(2, 3) == 5


def test_function_attributes(fm, pure):
    assert fm.add.__module__ == "fakemod"
    assert fm.add.__name__ == fm.add.__qualname__ == "add"
    assert fm.add.__self__ is fm
    assert fm.add.__doc__ == "Adds two ints."
    assert fm.add.__text_signature__ == "(a, b=1)"
    for name in COMPILED:
        assert str(inspect.signature(getattr(fm, name))) == str(inspect.signature(getattr(pure, name)))


def test_pickle_by_reference(fm):
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        for name in COMPILED:
            f = getattr(fm, name)
            assert pickle.loads(pickle.dumps(f, proto)) is f


def test_module_body_exception_propagates(tmp_path):
    so = build_fakemod(tmp_path / "boom", source="X = 1\n\nraise RuntimeError('boom at import')\n")
    e = raised(load_from, so)
    assert type(e) is RuntimeError and str(e) == "boom at import"
    last = traceback.extract_tb(e.__traceback__)[-1]
    assert (last.filename, last.lineno, last.name) == (str(PY_SOURCE), 3, "<module>")


def test_module_body_syntax_error(tmp_path):
    so = build_fakemod(tmp_path / "syntax", source="def f(:\n    pass\n")
    e = raised(load_from, so)
    assert type(e) is SyntaxError and e.filename == str(PY_SOURCE) and e.lineno == 1


def test_abi_mismatch(tmp_path):
    so = build_fakemod(tmp_path / "abi", abi=999)
    e = raised(load_from, so)
    assert type(e) is ImportError and "ABI 999" in str(e) and "rebuild" in str(e)


def test_second_load_and_reload(fm, tmp_path):
    other = load_from(build_fakemod(tmp_path / "again"))
    assert other is not fm and other.add is not fm.add and other.add(1) == 2
    assert other.add.__self__ is other
    # reload() of an extension module is a no-op in CPython; the module stays intact.
    old_add, fm.ANSWER = fm.add, 0
    try:
        assert importlib.reload(fm) is fm
        assert fm.add is old_add and fm.ANSWER == 0
    finally:
        fm.ANSWER = 42


# ------------------------------------------------------- argument matching

def _calls():
    """(function, args, kwargs) that CPython rejects before running the body."""
    return [
        ("add", (), {}),
        ("add", (1, 2, 3), {}),
        ("add", (1, 2, 3, 4), {}),
        ("add", (), {"b": 2}),
        ("add", (1,), {"z": 3}),
        ("add", (1,), {"a": 2}),
        ("add", (1, 2), {"b": 3}),
        ("add", (1, 2, 3), {"a": 1}),
        ("add", (1, 2, 3), {"z": 1}),
        ("add", (), {"a": 1, "b": 2, "c": 3}),
        ("noargs", (1,), {}),
        ("noargs", (1, 2), {}),
        ("noargs", (), {"x": 1}),
        ("check", (1, 2), {}),
        ("check", (), {}),
        ("index", (), {}),
        ("index", (1,), {}),
        ("index", (1,), {"j": 2}),
        ("index", (), {"i": 2}),
        ("ints", tuple(range(9)), {}),
        ("ints", (1,), {"a": 1}),
        ("handshake", (), {"theirs": 1, "mine": 2, "other": 3}),
    ]


@pytest.mark.parametrize("name,args,kwargs", _calls())
def test_argument_errors_match_cpython(fm, pure, name, args, kwargs):
    expected = err(getattr(pure, name), *args, **kwargs)
    assert expected[0] is TypeError
    assert err(getattr(fm, name), *args, **kwargs) == expected


def test_argument_messages_spelled_out(fm):
    assert err(fm.add) == (TypeError, "add() missing 1 required positional argument: 'a'")
    assert err(fm.index) == (TypeError,
                             "index() missing 3 required positional arguments: 'x', 'i', and 'j'")
    assert err(fm.add, 1, z=3) == (TypeError, "add() got an unexpected keyword argument 'z'")
    assert err(fm.add, 1, a=3) == (TypeError, "add() got multiple values for argument 'a'")
    assert err(fm.check, 1, 2) == (TypeError, "check() takes 1 positional argument but 2 were given")
    assert err(fm.add, 1, 2, 3) == (TypeError,
                                    "add() takes from 1 to 2 positional arguments but 3 were given")
    assert err(fm.noargs, 1) == (TypeError, "noargs() takes 0 positional arguments but 1 was given")


def test_keyword_arguments(fm):
    assert fm.add(1) == 2
    assert fm.add(1, b=5) == 6
    assert fm.add(b=5, a=1) == 6
    assert fm.add(**{"a": 3}) == 4
    assert fm.ints(h=7, a=-1) == (-1, 0, 0, 0, 0, 0, 0, 7)
    assert fm.noargs() == 7
    mine, theirs = np.zeros(1, np.uint8), np.ones(1, np.uint8)
    assert fm.handshake(theirs=theirs, mine=mine) is True and mine[0] == 1


# ------------------------------------------------------- scalar arguments

class Index:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


class BadIndex:
    def __index__(self):
        raise ZeroDivisionError("from __index__")


def test_int_accepts(fm):
    assert fm.add(np.int64(5)) == 6
    assert fm.add(np.int32(-5), np.uint8(200)) == 195
    assert fm.add(True) == 2
    assert fm.add(Index(41)) == 42
    assert fm.add(-2**63, 0) == -2**63
    assert fm.add(2**63 - 1, 0) == 2**63 - 1


def test_int_rejects(fm):
    assert err(fm.add, 1.5) == (TypeError, "add() argument 'a' must be int, not float")
    assert err(fm.add, 1.0) == (TypeError, "add() argument 'a' must be int, not float")
    assert err(fm.add, None) == (TypeError, "add() argument 'a' must be int, not None")
    assert err(fm.add, "1") == (TypeError, "add() argument 'a' must be int, not str")
    assert err(fm.add, 1, np.float64(2)) == (TypeError,
                                             "add() argument 'b' must be int, not numpy.float64")
    assert err(fm.add, BadIndex()) == (ZeroDivisionError, "from __index__")


def test_int_overflow_i64(fm):
    assert err(fm.add, 2**63) == (
        OverflowError, "add() argument 'a': Python int too large to convert to i64 "
        "(range -9223372036854775808 to 9223372036854775807)")
    assert err(fm.add, 1, -2**63 - 1) == (
        OverflowError, "add() argument 'b': Python int too small to convert to i64 "
        "(range -9223372036854775808 to 9223372036854775807)")
    assert err(fm.add, 10**100)[0] is OverflowError
    assert err(fm.add, np.uint64(2**63))[0] is OverflowError


WIDTHS = [("a", 8, True), ("b", 8, False), ("c", 16, True), ("d", 16, False),
          ("e", 32, True), ("f", 32, False), ("g", 64, True), ("h", 64, False)]


@pytest.mark.parametrize("param,bits,signed", WIDTHS)
def test_int_widths(fm, param, bits, signed):
    pos = "abcdefgh".index(param)
    lo, hi = (-2**(bits - 1), 2**(bits - 1) - 1) if signed else (0, 2**bits - 1)
    tname = ("i" if signed else "u") + str(bits)
    for v in (lo, hi, 0, 1):
        assert fm.ints(**{param: v})[pos] == v
        assert fm.ints(**{param: Index(v)})[pos] == v
    rng = f"(range {lo} to {hi})"
    assert err(fm.ints, **{param: hi + 1}) == (
        OverflowError, f"ints() argument '{param}': Python int too large to convert to {tname} {rng}")
    assert err(fm.ints, **{param: 2**200})[0] is OverflowError
    if signed:
        assert err(fm.ints, **{param: lo - 1}) == (
            OverflowError,
            f"ints() argument '{param}': Python int too small to convert to {tname} {rng}")
    else:
        assert err(fm.ints, **{param: -1}) == (
            OverflowError, f"ints() argument '{param}': can't convert negative int to unsigned {tname}")
        assert err(fm.ints, **{param: -2**100})[0] is OverflowError
    assert err(fm.ints, **{param: 0.0}) == (TypeError, f"ints() argument '{param}' must be int, not float")


def test_float_params(fm):
    assert fm.floats(1, 2) == (1.0, 2.0)
    assert fm.floats(2**53 + 1, 0)[0] == float(2**53 + 1)
    assert fm.floats(np.float32(1.5), np.int64(3)) == (1.5, 3.0)
    assert fm.floats(decimal.Decimal("2.5"), True) == (2.5, 1.0)
    assert fm.floats(Index(4), 0) == (4.0, 0.0)
    assert fm.floats(0, 0.1)[1] == float(np.float32(0.1))
    assert fm.floats(float("inf"), float("-inf")) == (float("inf"), float("-inf"))
    x, y = fm.floats(float("nan"), float("nan"))
    assert x != x and y != y
    assert err(fm.floats, 10**400, 0) == (OverflowError,
                                          "floats() argument 'x': int too large to convert to float")
    assert err(fm.floats, 0, 1e300) == (OverflowError,
                                        "floats() argument 'y': float too large to convert to f32")
    assert err(fm.floats, "1", 0) == (TypeError, "floats() argument 'x' must be float, not str")
    assert err(fm.floats, None, 0) == (TypeError, "floats() argument 'x' must be float, not None")
    assert err(fm.floats, 0, 1j) == (TypeError, "floats() argument 'y' must be float, not complex")
    for z in (np.complex128(1), np.complex64(1)):
        assert err(fm.floats, z, 0) == (TypeError,
                                        f"floats() argument 'x' must be float, not {type(z).__module__}.{type(z).__name__}")


def test_bool_params(fm):
    assert fm.flag(True) is False and fm.flag(False) is True
    assert fm.flag(np.bool_(False)) is True and fm.flag(np.bool_(True)) is False
    assert err(fm.flag, 1) == (TypeError, "flag() argument 'b' must be bool, not int")
    assert err(fm.flag, None) == (TypeError, "flag() argument 'b' must be bool, not None")
    assert err(fm.flag, 0.0) == (TypeError, "flag() argument 'b' must be bool, not float")


# ------------------------------------------------------- array arguments

def test_array_dtype_errors(fm):
    assert err(fm.total, np.arange(3)) == (
        TypeError, "total() argument 'x': expected a buffer of f64 (format 'd'), got i64 ('l')")
    assert err(fm.total, np.zeros(3, np.float32)) == (
        TypeError, "total() argument 'x': expected a buffer of f64 (format 'd'), got f32 ('f')")
    assert err(fm.total, np.zeros(3, np.float16)) == (
        TypeError, "total() argument 'x': expected a buffer of f64 (format 'd'), got f16 ('e'), "
        "which pyjitc does not support")
    assert err(fm.count_true, np.zeros(3, np.uint8)) == (
        TypeError, "count_true() argument 'x': expected a buffer of bool (format '?'), got u8 ('B')")
    assert err(fm.sum_u8, np.zeros(3, np.int8)) == (
        TypeError, "sum_u8() argument 'x': expected a buffer of u8 (format 'B'), got i8 ('b')")
    rec = np.zeros(3, dtype=[("a", "u1"), ("b", "f8")])
    assert err(fm.total, rec) == (
        TypeError, "total() argument 'x': expected a buffer of f64 (format 'd'), got format 'T{B:a:=d:b:}'")
    t, msg = err(fm.total, np.zeros(3, "M8[s]"))
    assert t is TypeError and msg.startswith("total() argument 'x': cannot read numpy.ndarray")


def test_array_byte_order(fm):
    assert fm.total(np.ones(3, "<f8")) == 3.0
    assert fm.total(np.ones(3, "=f8")) == 3.0
    assert err(fm.total, np.ones(3, ">f8")) == (
        TypeError, "total() argument 'x': expected a buffer of f64 in native byte order, got "
        "byte-swapped f64 ('>d'): pass x.astype(x.dtype.newbyteorder('='))")
    assert fm.sum_u8(np.ones(3, ">u1")) == 3  # one byte: no order
    # ctypes exports explicit little-endian formats: '<q', '<d', '<i', '<?'
    assert fm.sum_i64((ctypes.c_long * 3)(1, 2, 3)) == 6
    assert fm.sum_i64((ctypes.c_int64 * 2)(-5, 2**62)) == 2**62 - 5
    assert fm.total((ctypes.c_double * 2)(0.5, 1.0)) == 1.5
    assert fm.count_true((ctypes.c_bool * 3)(True, False, True)) == 2
    assert fm.index(((ctypes.c_int32 * 3) * 2)((1, 2, 3), (4, 5, 6)), 1, -1) == 6
    assert err(fm.sum_i64, (ctypes.c_int32 * 2)(1, 2)) == (
        TypeError, "sum_i64() argument 'x': expected a buffer of i64 (format 'q'), got i32 ('<i')")
    assert err(fm.sum_i64, memoryview(np.arange(4, dtype=np.int64)).cast("B").cast("Q")) == (
        TypeError, "sum_i64() argument 'x': expected a buffer of i64 (format 'q'), got u64 ('Q')")


def test_array_ndim_errors(fm):
    assert err(fm.total, np.zeros((2, 2))) == (
        TypeError, "total() argument 'x': expected 1 dimension (f64[::1]), got 2")
    assert err(fm.index, np.zeros(3, np.int32), 0, 0) == (
        TypeError, "index() argument 'x': expected 2 dimensions (i32[:, :]), got 1")
    assert err(fm.total, np.float64(1.0)) == (
        TypeError, "total() argument 'x': expected 1 dimension (f64[::1]), got 0")


def test_array_not_a_buffer(fm):
    for obj, given in [([1.0], "list"), (None, "None"), (3, "int"), ((1.0,), "tuple")]:
        assert err(fm.total, obj) == (
            TypeError,
            f"total() argument 'x' must be a buffer-protocol array (e.g. numpy.ndarray) of f64, not {given}")


def test_array_contiguity(fm):
    x = np.arange(6.0)
    assert fm.total(x) == 15.0
    msg = ("total() argument 'x' must be C-contiguous (f64[::1]); got a non-contiguous view: "
           "pass numpy.ascontiguousarray(x)")
    assert err(fm.total, x[::2]) == (ValueError, msg)
    assert err(fm.total, x[::-1]) == (ValueError, msg)
    assert fm.total(x[::-1][::-1]) == 15.0
    assert fm.total(x[2:3][::-1]) == 2.0  # one element: contiguous whatever its stride
    assert fm.total(np.zeros(0)) == 0.0


def test_array_alignment(fm):
    raw = np.frombuffer(bytearray(17), dtype="f8", offset=1, count=2)
    assert err(fm.sum2d, raw.reshape(1, 2)) == (
        ValueError, "sum2d() argument 'x': array data is not aligned to its 8-byte elements: "
        "pass numpy.ascontiguousarray(x)")
    packed = np.zeros(3, dtype=[("a", "u1"), ("b", "f8")])["b"]
    assert err(fm.sum2d, packed.reshape(3, 1))[0] is ValueError
    assert fm.sum2d(np.ascontiguousarray(packed).reshape(3, 1)) == 0.0


def test_array_read_only(fm):
    x = np.arange(3.0)
    x.setflags(write=False)
    assert err(fm.scale, x, 2.0) == (ValueError,
                                     "scale() argument 'x': array is read-only but scale() writes to it")
    assert fm.total(x) == 3.0  # readers take read-only arrays
    assert fm.sum_u8(b"\x01\x02") == 3
    assert fm.sum_u8(memoryview(b"\x01\x02\x03")) == 6
    assert err(fm.scale, memoryview(array.array("d", [1.0])).toreadonly(), 1.0)[0] is ValueError


def test_array_writes(fm):
    x = np.arange(6.0)
    fm.scale(x, 2)
    assert x.tolist() == [0, 2, 4, 6, 8, 10]
    fm.scale(x[::2], 0.5)
    assert x.tolist() == [0, 2, 2, 6, 4, 10]
    fm.scale(x[::-1], -1)
    assert x.tolist() == [0, -2, -2, -6, -4, -10]
    a = array.array("d", [1.0, 2.0])
    fm.scale(a, 3)
    assert a.tolist() == [3.0, 6.0]
    m = memoryview(bytearray(16)).cast("d")
    m[1] = 4.0
    fm.scale(m, 0.25)
    assert m.tolist() == [0.0, 1.0]


def test_array_kinds(fm):
    assert fm.total(array.array("d", [1.5, 2.5])) == 4.0
    assert fm.sum_i64(array.array("l", [1, 2, 3])) == 6
    assert fm.sum_i64(array.array("q", [-1, 2**62])) == 2**62 - 1
    assert fm.sum_i64(np.arange(10)[::-3]) == 9 + 6 + 3 + 0
    assert fm.sum_u8(bytearray(b"\xff\x01")) == 256
    assert fm.sum_u8(memoryview(bytearray(b"\x05" * 4))[::2]) == 10
    assert fm.sum_f32(np.array([0.5, 0.25], np.float32)) == 0.75
    assert fm.sum_f32(array.array("f", [1.0, 2.0])) == 3.0
    assert fm.count_true(np.array([True, False, True])) == 2
    assert fm.count_true(np.zeros(0, bool)) == 0
    m = memoryview(array.array("i", range(6))).cast("B").cast("i", [2, 3])
    assert fm.index(m, 1, 2) == 5 and fm.index(m, -1, -3) == 3


def test_array_2d_layouts(fm):
    a = np.arange(12.0).reshape(3, 4)
    want = float(a.sum())
    for view in [a, a.T, np.asfortranarray(a), a[::-1, ::-1], a[::2, ::3], a[:, 1:2],
                 np.asfortranarray(a)[::-1]]:
        assert fm.sum2d(view) == float(view.sum())
    assert fm.sum2d(a) == want
    assert fm.sum2d(np.zeros((0, 3))) == 0.0
    assert fm.sum2d(np.zeros((3, 0))) == 0.0
    b = np.arange(12, dtype=np.int32).reshape(3, 4)
    for view in [b, b.T, np.asfortranarray(b), b[::-1, ::2]]:
        for i in range(-view.shape[0], view.shape[0]):
            for j in range(-view.shape[1], view.shape[1]):
                assert fm.index(view, i, j) == int(view[i, j])


def test_buffers_released(fm):
    # An exporter that still had a buffer out could not be resized.
    a = array.array("d", [1.0])
    assert fm.total(a) == 1.0
    a.append(2.0)
    assert err(fm.scale, a, "k")[0] is TypeError  # failure after acquiring x
    a.append(3.0)
    b = bytearray(8)
    assert err(fm.total, b)[0] is TypeError  # refused after acquiring
    b.append(1)
    c = bytearray(b"\x01")
    assert fm.handshake(c, bytearray(b"\x01")) is True
    c.append(1)
    assert err(fm.handshake, c, [1])[0] is TypeError  # second array refused
    c.append(1)


# ------------------------------------------------------- results and errors

def test_results(fm):
    assert fm.pair(3) == (6, 1.5)
    assert fm.pair(-7) == (-14, -3.5)
    assert fm.ints(h=2**64 - 1)[7] == 2**64 - 1
    assert type(fm.total(np.ones(2))) is float and type(fm.add(1)) is int
    assert fm.scale(np.zeros(1), 1.0) is None


def test_index_error_matches_numpy(fm):
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    for i, j in [(3, 0), (-4, 0), (0, 4), (0, -5), (10, 10)]:
        with pytest.raises(IndexError) as np_err:
            a[i, j]
        assert err(fm.index, a, i, j) == (IndexError, str(np_err.value))


def frames(exc, n):
    return [(f.filename, f.name, f.lineno, f.line) for f in traceback.extract_tb(exc.__traceback__)[-n:]]


def test_traceback_points_at_py(fm, pure):
    e = raised(fm.fail, -1)
    assert type(e) is ValueError and str(e) == "n must be >= 0"
    assert frames(e, 2) == [
        (str(PY_SOURCE), "fail", 47, "return check(n) * 2"),
        (str(PY_SOURCE), "check", 42, 'raise ValueError("n must be >= 0")'),
    ]
    assert frames(e, 2) == frames(raised(pure.fail, -1), 2)
    text = "".join(traceback.format_exception(e))
    assert f'File "{PY_SOURCE}", line 42, in check' in text
    assert fm.fail(3) == 6


def test_traceback_overflow(fm):
    e = raised(fm.add, 2**62, 2**62)
    assert type(e) is OverflowError and str(e) == "integer overflow"
    assert frames(e, 1) == [(str(PY_SOURCE), "add", 14, "return a + b")]


def test_traceback_printed_by_interpreter(fm):
    """The C traceback printer (sys.excepthook) copes with the added frames."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import fakemod; fakemod.fail(-5)")
    r = subprocess.run([sys.executable, "-c", code, str(__import__("pathlib").Path(fm.__file__).parent)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert f'File "{PY_SOURCE}", line 42, in check' in r.stderr
    assert 'raise ValueError("n must be >= 0")' in r.stderr
    assert r.stderr.rstrip().endswith("ValueError: n must be >= 0")


@pytest.mark.parametrize("k,etype,args", [
    (0, KeyError, ("missing",)),
    (1, StopIteration, ()),
    (2, NameError, ("name 'NoSuchError' is not defined",)),
    (3, AssertionError, ()),
    (4, TypeError, ("exceptions must derive from BaseException",)),
    (5, ZeroDivisionError, ("division by zero",)),
    (6, RecursionError, ("maximum recursion depth exceeded",)),
])
def test_raise_kinds(fm, k, etype, args):
    e = raised(fm.raise_named, k)
    assert type(e) is etype and e.args == args
    assert frames(e, 1) == [(str(PY_SOURCE), "raise_named", 91, "raise NotImplementedError")]


def test_no_exception_left_behind(fm):
    assert fm.raise_named(99) is None
    assert sys.exc_info() == (None, None, None)


# ------------------------------------------------------- the GIL

def test_gil_released_for_python_thread(fm):
    """handshake() spins in native code until `theirs` becomes 1; only a Python
    thread (which needs the GIL) sets it, after seeing `mine` set.  It returns
    True only if Python ran while the native loop spun."""
    mine, theirs = np.zeros(1, np.uint8), np.zeros(1, np.uint8)

    def answer():
        while mine[0] == 0:
            pass
        theirs[0] = 1

    t = threading.Thread(target=answer, daemon=True)
    t.start()
    assert fm.handshake(mine, theirs) is True
    t.join(60)
    assert not t.is_alive()


def test_gil_released_two_native_calls(fm):
    """Two threads in native code at the same time: each waits for the other."""
    a, b = np.zeros(1, np.uint8), np.zeros(1, np.uint8)
    results = {}

    def run(key, mine, theirs):
        results[key] = fm.handshake(mine, theirs)

    threads = [threading.Thread(target=run, args=("ab", a, b), daemon=True),
               threading.Thread(target=run, args=("ba", b, a), daemon=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {"ab": True, "ba": True}


def test_raise_from_threads(fm):
    """pjrt_raise with the GIL released, from threads other than the main one."""
    errors = []

    def run():
        for _ in range(200):
            try:
                fm.fail(-1)
            except ValueError as e:
                errors.append(frames(e, 1)[0][1])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == ["check"] * 800


def test_no_reference_leaks(fm):
    """Success and every failure path give back what they took."""
    x = np.arange(4.0)
    ro = np.arange(4.0)
    ro.setflags(write=False)
    i32 = np.zeros((2, 2), np.int32)
    big, k = 2**70, 2.5
    objs = [x, ro, i32, big, k]
    before = [sys.getrefcount(o) for o in objs]
    for _ in range(100):
        fm.total(x)
        fm.scale(x, 1.0)
        fm.sum2d(x.reshape(2, 2))
        for call in [lambda: fm.scale(ro, k), lambda: fm.scale(x, "s"), lambda: fm.scale(x, big * 2**1024), lambda: fm.add(big),
                     lambda: fm.index(i32, 5, 0), lambda: fm.index(i32, 0, big),
                     lambda: fm.total(x[::2]), lambda: fm.floats(k, big * 2**1000),
                     lambda: fm.fail(-1), lambda: fm.add(x=k)]:
            with pytest.raises(Exception):
                call()
    assert [sys.getrefcount(o) for o in objs] == before


class SubArray(np.ndarray):
    pass


def test_numpy_fast_path_and_fallback_agree(fm):
    """Exact ndarrays are read directly; subclasses and every refusal take the
    buffer protocol.  Both must see the same arrays."""
    a = np.arange(12.0).reshape(3, 4)
    for view in [a, a.T, a[::-1, 1::2], np.zeros((0, 4))]:
        assert fm.sum2d(view) == fm.sum2d(view.view(SubArray)) == float(view.sum())
        assert fm.sum2d(view) == fm.sum2d(memoryview(view))
    s = np.arange(4.0).view(SubArray)
    fm.scale(s, 2.0)
    assert s.tolist() == [0, 2, 4, 6]
    s.setflags(write=False)
    assert err(fm.scale, s, 1.0)[0] is ValueError
    assert err(fm.total, s[::2])[0] is ValueError
    assert fm.sum_i64(np.arange(5, dtype=np.longlong)) == 10  # numpy type 'q', not 'l'
    assert fm.sum_u8(np.arange(5, dtype=np.uint8)[::-1]) == 10
    assert fm.sum_f32(np.ones(3, np.float32)) == 3.0
    assert fm.count_true(np.ones(3, bool)) == 3
    assert err(fm.sum_i64, np.arange(5, dtype=np.int32))[0] is TypeError
    assert err(fm.sum_i64, np.arange(5, dtype=np.uint64))[0] is TypeError
