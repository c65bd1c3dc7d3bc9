"""Runs the C unit tests (tests/unit/test_units.c) linked with the compiler's
base, source, diag and types objects."""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_c_units(tmp_path):
    exe = tmp_path / "test_units"
    srcs = [ROOT / "tests/unit/test_units.c"] + [ROOT / f"compiler/{s}.c"
                                                  for s in ("base", "source", "diag", "types")]
    # under `make test-sanitize` clang's ASan runtime is preloaded, and a
    # gcc-sanitized binary would clash with it: build plain there
    san = [] if "asan" in os.environ.get("LD_PRELOAD", "") else [
        "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
    r = subprocess.run(["cc", "-std=gnu11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", *san,
                        *map(str, srcs), "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith(", 0 failed"), r.stdout
