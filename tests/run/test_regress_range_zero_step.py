"""Regression (fuzzdiff): a constant zero range() step in a branch that never
runs is valid Python; it used to be a compile error.  Now a warning at
compile time, and CPython's ValueError when the loop is reached."""
import subprocess

from difftest import HEADER, PYJITC, build, same_call

SRC = '''
@native
def f(n: int) -> int:
    t = 0
    if n > 100:
        for i in range(8, 2, 7 % 3 - 1):
            t += i
    return t + n
'''


def test_zero_step_compiles_and_raises_when_reached():
    mods = build(SRC)
    same_call(mods, "f", 5)      # branch not taken: no error
    same_call(mods, "f", 500)    # ValueError: range() arg 3 must not be zero


def test_zero_step_is_a_warning(tmp_path):
    p = tmp_path / "z.py"
    p.write_text(HEADER + SRC)
    r = subprocess.run([PYJITC, "check", str(p)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("warning: range() step is zero") == 1, r.stderr
