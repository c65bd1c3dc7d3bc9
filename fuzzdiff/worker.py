"""Runs one generated program's driver against the compiled module and the
CPython reference, in a subprocess of the runner (so a crash of compiled
code is caught by the parent).

    python3 -m fuzzdiff.worker DIR      (DIR holds prog_ref.py, driver.json, out/prog*.so)

Prints one JSON object per line: {"start": i} before call i, {"refdone": i}
after its reference run, then {"i": i, "verdict": ..., "detail": ...}; the
parent reads the last line it got to attribute crashes and timeouts.
"""
import importlib.util
import json
import math
import os
import struct
import sys

import numpy as np

# Exceptions the reference must never raise for a well-typed generated program.
INVALID = (TypeError, NameError, AttributeError, UnboundLocalError, RecursionError, SyntaxError,
           ImportError)


def build_args(specs, wrap):
    """Fresh argument objects from the driver's specs (aliases share one array)."""
    from fuzzdiff.refrt import RefArray
    args, arrays = [], []
    for s in specs:
        k = s["k"]
        if k == "int":
            args.append(int(s["v"]))
        elif k == "bool":
            args.append(bool(s["v"]))
        elif k == "float":
            args.append(float.fromhex(s["v"]))
        elif k == "alias":
            args.append(args[s["of"]])
        else:
            arr = make_array(s)
            arrays.append(arr)
            args.append(RefArray(arr) if wrap else arr)
    return args, arrays


def make_array(s):
    dt = np.dtype(s["dtype"])
    vals = [float.fromhex(v) for v in s["values"]] if dt.kind == "f" else s["values"]
    base = np.array(vals, dtype=np.float64 if dt.kind == "f" else object).astype(dt).reshape(s["shape"])
    v = s["view"]
    nd = base.ndim
    if v == "reversed":
        return base[::-1]
    if v == "strided":
        return base[::2] if nd == 1 else base[::2, ::2]
    if v == "empty":
        return base[:0]
    if v == "transposed":
        return base.T
    if v == "fortran":
        return np.asfortranarray(base)
    return base


def same_float(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return struct.pack("<d", a) == struct.pack("<d", b)


def same_value(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return same_float(a, b)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b


def same_array(a, b):
    """Whole underlying buffers compared (a write outside a view is a bug too)."""
    a = a.base if a.base is not None else a
    b = b.base if b.base is not None else b
    if a.dtype.kind == "f":
        an, bn = np.isnan(a), np.isnan(b)
        return bool((an == bn).all()) and a[~an].tobytes() == b[~bn].tobytes()
    return a.tobytes() == b.tobytes()


def outcome(fn, args):
    try:
        with np.errstate(all="ignore"):
            return ("ok", fn(*args))
    except Exception as e:  # noqa: BLE001 - every exception is compared
        return ("exc", type(e).__name__, str(e), e)


def show(o):
    return f"returned {o[1]!r}" if o[0] == "ok" else f"raised {o[1]}: {o[2]}"


def compare(ref, comp, ref_arrays, comp_arrays):
    """(verdict, class key, detail); verdict "ok", "invalid" or "mismatch"."""
    if ref[0] == "exc" and isinstance(ref[3], INVALID):
        return "invalid", f"ref-invalid:{ref[1]}", f"reference {show(ref)}"
    detail = f"CPython {show(ref)}; compiled {show(comp)}"
    if ref[0] == "ok" and comp[0] == "ok":
        if type(ref[1]) is not type(comp[1]):
            return "mismatch", f"type-mismatch:{type(ref[1]).__name__}/{type(comp[1]).__name__}", detail
        if not same_value(ref[1], comp[1]):
            return "mismatch", f"value-mismatch:{type(ref[1]).__name__}", detail
    elif ref[0] != comp[0] or ref[1] != comp[1]:
        a = ref[1] if ref[0] == "exc" else "ok"
        b = comp[1] if comp[0] == "exc" else "ok"
        return "mismatch", f"exc-mismatch:{a}/{b}", detail
    elif ref[0] == "exc" and ref[1] != "OverflowError" and ref[2] != comp[2]:
        # OverflowError: type only (pyjitc's message names the int64 limit)
        return "mismatch", f"message-mismatch:{ref[1]}", detail
    for k, (ra, ca) in enumerate(zip(ref_arrays, comp_arrays)):
        if not same_array(ra, ca):
            return "mismatch", "array-mismatch", (f"{detail}; array argument #{k} differs:\n"
                                                  f"  CPython  {ra.tolist()}\n  compiled {ca.tolist()}")
    return "ok", "ok", detail


def main():
    d = sys.argv[1]
    drv = json.load(open(os.path.join(d, "driver.json")))
    sys.path.insert(0, os.path.join(d, "out"))
    comp_mod = importlib.import_module("prog")
    spec = importlib.util.spec_from_file_location("prog_ref", os.path.join(d, "prog_ref.py"))
    ref_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref_mod)
    for i, call in enumerate(drv):
        print(json.dumps({"start": i}), flush=True)
        rargs, rarrays = build_args(call["args"], wrap=True)
        ref = outcome(getattr(ref_mod, call["fn"]), rargs)
        print(json.dumps({"refdone": i}), flush=True)
        cargs, carrays = build_args(call["args"], wrap=False)
        comp = outcome(getattr(comp_mod, call["fn"]), cargs)
        verdict, key, detail = compare(ref, comp, rarrays, carrays)
        ref_kind = "return" if ref[0] == "ok" else ref[1]
        print(json.dumps({"i": i, "verdict": verdict, "key": key, "detail": detail, "ref": ref_kind}),
              flush=True)


if __name__ == "__main__":
    main()
