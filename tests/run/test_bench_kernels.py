"""All 17 benchmark kernels (bench/kernels.py) build, in safe and unchecked
mode, and match CPython bit for bit on the benchmark's quick inputs: return
values and every array the kernel writes."""
import importlib
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

from difftest import PYJITC, ROOT, same_value

BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
import specs  # noqa: E402  (bench/specs.py: kernel list and inputs)

MODES = {"safe": [], "unchecked": ["--boundscheck=off", "--overflowcheck=off"]}


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    out = tmp_path_factory.mktemp("kernels")
    mods = {}
    for mode, flags in MODES.items():
        name = "kernels_" + mode
        r = subprocess.run([PYJITC, "build", "--only", ",".join(specs.COMPILED_NAMES),
                            "--module", name, "-o", str(out), *flags,
                            str(BENCH / "kernels.py")], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
        mods[mode] = name
    sys.path.insert(0, str(out))
    compiled = {mode: importlib.import_module(name) for mode, name in mods.items()}
    spec = importlib.util.spec_from_file_location("kernels_py", BENCH / "kernels.py")
    python = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(python)
    return compiled, python


def arguments(argspec, arrays):
    args = []
    for kind, val in specs.resolve(argspec, quick=True):
        args.append(val if kind == "s" else arrays[val])
    return args


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("kernel,argspec", specs.KERNELS, ids=specs.KERNEL_NAMES)
def test_kernel_matches_cpython(modules, mode, kernel, argspec):
    compiled, python = modules
    ref_arrays = specs.make_arrays(quick=True)
    got_arrays = specs.make_arrays(quick=True)
    expected = getattr(python, kernel)(*arguments(argspec, ref_arrays))
    got = getattr(compiled[mode], kernel)(*arguments(argspec, got_arrays))
    assert same_value(expected, got), (expected, got)
    for name in ref_arrays:
        a, b = ref_arrays[name], got_arrays[name]
        assert a.dtype == b.dtype and np.array_equal(a.view(np.uint8), b.view(np.uint8)), \
            "array %s differs after %s" % (name, kernel)
