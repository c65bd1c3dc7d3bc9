"""All benchmark kernels -- the 17 of bench/kernels.py and the extra ones of
bench/kernels_extra.py -- build, in safe and unchecked mode, and match
CPython bit for bit on the benchmark's quick inputs: return values and
every array the kernel writes."""
import importlib
import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from difftest import PYJITC, ROOT, same_value

BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
import specs  # noqa: E402  (bench/specs.py: kernel list and inputs)
import specs_extra  # noqa: E402  (bench/specs_extra.py: the extra group's)

MODES = {"safe": [], "unchecked": ["--boundscheck=off", "--overflowcheck=off"]}
GROUPS = {"kernels": specs, "kernels_extra": specs_extra}   # source stem -> its specs


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """{stem: ({mode: compiled module}, CPython module)} for both groups."""
    out = tmp_path_factory.mktemp("kernels")
    sys.path.insert(0, str(out))
    res = {}
    for stem, spec in GROUPS.items():
        compiled = {}
        for mode, flags in MODES.items():
            name = "%s_%s" % (stem, mode)
            r = subprocess.run([PYJITC, "build", "--only", ",".join(spec.COMPILED_NAMES),
                                "--module", name, "-o", str(out), *flags,
                                str(BENCH / (stem + ".py"))], capture_output=True, text=True,
                               timeout=300)
            assert r.returncode == 0, r.stderr
            compiled[mode] = importlib.import_module(name)
        pyspec = importlib.util.spec_from_file_location(stem + "_py", BENCH / (stem + ".py"))
        python = importlib.util.module_from_spec(pyspec)
        pyspec.loader.exec_module(python)
        res[stem] = (compiled, python)
    return res


def arguments(spec, argspec, arrays):
    args = []
    for kind, val in spec.resolve(argspec, quick=True):
        if kind == "s":
            args.append(val)
        else:
            name, step = specs.split_view(val)      # "NAME::K" is the view NAME[::K]
            args.append(arrays[name][::step])
    return args


CASES = [(stem, k, a) for stem, spec in GROUPS.items() for k, a in spec.KERNELS]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("stem,kernel,argspec", CASES, ids=[k for _, k, _ in CASES])
def test_kernel_matches_cpython(modules, mode, stem, kernel, argspec):
    compiled, python = modules[stem]
    spec = GROUPS[stem]
    ref_arrays = spec.make_arrays(quick=True)
    got_arrays = spec.make_arrays(quick=True)
    expected = getattr(python, kernel)(*arguments(spec, argspec, ref_arrays))
    got = getattr(compiled[mode], kernel)(*arguments(spec, argspec, got_arrays))
    assert same_value(expected, got), (expected, got)
    for name in ref_arrays:
        a, b = ref_arrays[name], got_arrays[name]
        assert a.dtype == b.dtype and np.array_equal(a.view(np.uint8), b.view(np.uint8)), \
            "array %s differs after %s" % (name, kernel)
