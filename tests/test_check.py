"""Type checker (stage 3) tests.

- tests/types/NAME.py: valid programs; `pyjitc check` exits 0 and
  `pyjitc dump --types` matches NAME.types (regenerate with
  PYJITC_UPDATE_GOLDENS=1 after reviewing the change).
- tests/errors_check/NAME.py: invalid programs whose trailing `# ERRORS:`
  comment block lists every expected `line:col: message` (col 1-based, as
  printed); `pyjitc check` exits 1 and reports exactly those errors.
"""
import os
import pathlib
import re

import pytest

from conftest import run_pyjitc

HERE = pathlib.Path(__file__).resolve().parent
TYPES = sorted((HERE / "types").glob("*.py"))
ERRORS = sorted((HERE / "errors_check").glob("*.py"))
DIAG = re.compile(r"^[^\n:]+\.py:(\d+):(\d+): error: (.*)$")


def expected_errors(path):
    lines = path.read_text().splitlines()
    try:
        start = lines.index("# ERRORS:")
    except ValueError:
        pytest.fail(f"{path.name} has no '# ERRORS:' block")
    return [l[2:] for l in lines[start + 1:] if l.startswith("# ")]


def reported_errors(stderr):
    out = []
    for line in stderr.splitlines():
        m = DIAG.match(line)
        if m:
            out.append(f"{m.group(1)}:{m.group(2)}: {m.group(3)}")
    return out


@pytest.mark.parametrize("path", TYPES, ids=lambda p: p.name)
def test_types_golden(path):
    r = run_pyjitc("dump", "--types", path)
    assert r.returncode == 0, r.stderr
    golden = path.with_suffix(".types")
    if os.environ.get("PYJITC_UPDATE_GOLDENS"):
        golden.write_text(r.stdout)
    assert r.stdout == golden.read_text()


@pytest.mark.parametrize("path", TYPES, ids=lambda p: p.name)
def test_valid_checks_clean(path):
    r = run_pyjitc("check", path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


@pytest.mark.parametrize("path", ERRORS, ids=lambda p: p.name)
def test_errors(path):
    r = run_pyjitc("check", path.name, cwd=path.parent)   # messages quote the path as given
    assert r.returncode == 1, r.stderr
    assert sorted(reported_errors(r.stderr)) == sorted(expected_errors(path))


def test_error_has_caret_and_source_line(tmp_path):
    src = tmp_path / "m.py"
    src.write_text("from pyjitc import native, f64\n\n@native\ndef f(x: f64) -> float:\n"
                   "    total = 0.0\n    total += x[0]\n    return total\n")
    r = run_pyjitc("check", src)
    assert r.returncode == 1
    assert "m.py:6:14: error: cannot index 'x' (a scalar float); did you mean an array type " \
           "like f64[:]?" in r.stderr
    assert "total += x[0]" in r.stderr and "^" in r.stderr


def test_specialization_per_signature(tmp_path):
    src = tmp_path / "s.py"
    src.write_text("from pyjitc import native\n\ndef h(x):\n    return x * 2\n\n@native\n"
                   "def f(a: int, b: float) -> float:\n    return h(a) + h(b) + h(a)\n")
    r = run_pyjitc("dump", "--types", src)
    assert r.returncode == 0, r.stderr
    assert "func h__i64(x: int) -> int" in r.stdout
    assert "func h__f64(x: float) -> float" in r.stdout
    assert r.stdout.count("func h__i64(") == 1


def test_never_crashes_on_odd_programs(tmp_path):
    bodies = ["return f(f)", "x = x\n    return 0", "return -(-(-True))", "a, = (1,)\n    return a",
              "return max(1, 2.0, True)", "return int(1e300)", "while 0:\n        pass\n    return 1",
              "return (1, 2)[0]", "return 0 if 1 else 0", "assert False\n    return 1"]
    for i, body in enumerate(bodies):
        src = tmp_path / f"o{i}.py"
        src.write_text(f"from pyjitc import native\n\n@native\ndef f(n: int) -> int:\n    {body}\n")
        r = run_pyjitc("check", src)
        assert r.returncode in (0, 1), (body, r.returncode, r.stderr)
