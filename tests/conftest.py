"""Shared pytest fixtures: where the compiler is, and how to run it."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYJITC = os.environ.get("PYJITC", str(ROOT / "build" / "pyjitc"))


def run_pyjitc(*args, cwd=None, timeout=60):
    """Runs the compiler; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run([PYJITC, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


@pytest.fixture
def pyjitc():
    return run_pyjitc


@pytest.fixture
def python_exe():
    return sys.executable
