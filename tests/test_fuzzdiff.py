"""fuzzdiff: the random-program differential tester (fuzzdiff/), run as a
bounded deterministic batch, plus checks of its own parts (determinism of
the generator, the comparison rules, the reducer on a planted bug) and the
saved regression programs in tests/fuzzdiff_regressions/."""
import json
import os
import pathlib
import stat
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzdiff.ast import Assign, BinOp, Compare, Const, For, Func, If, Program, Return, Var  # noqa: E402
from fuzzdiff.gen import generate  # noqa: E402
from fuzzdiff.reduce import reduce  # noqa: E402
from fuzzdiff.runner import DEFAULT_PYJITC, run_program, run_saved  # noqa: E402
from fuzzdiff import refrt, worker  # noqa: E402

REGRESSIONS = ROOT / "tests" / "fuzzdiff_regressions"
BATCH = range(40)   # seeds of the bounded batch (about 1 s each)

# Seeds of the batch that hit a known, reported compiler bug (seed -> reason).
KNOWN = {}


@pytest.mark.parametrize("seed", BATCH)
def test_batch_seed(seed):
    if seed in KNOWN:
        pytest.xfail(KNOWN[seed])
    r = run_program(generate(seed), DEFAULT_PYJITC)
    assert r.ok, f"seed {seed}: {r.key} at call {r.call}:\n{r.detail}\n(rerun: python3 -m fuzzdiff --seed {seed})"


def test_generator_is_deterministic_and_ref_is_python():
    for seed in (1, 2, 77):
        a, b = generate(seed), generate(seed)
        assert a.source() == b.source() and a.calls == b.calls
        compile(a.source("ref"), "ref", "exec")
        assert "_ck(" in a.source("ref") and "_ck(" not in a.source("plain")
    assert generate(1).source() != generate(2).source()


def test_reference_rules():
    # int results beyond int64 raise where CPython would grow the int
    with pytest.raises(OverflowError):
        refrt._ck(2**63)
    assert refrt._ck(-2**63) == -2**63
    with pytest.raises(OverflowError):
        refrt._ipow(3, 1000)
    assert refrt._ipow(-1, 10**18 + 1) == -1
    with pytest.raises(ValueError):
        refrt._ipow(2, -1)
    with pytest.raises(OverflowError):
        refrt._shl(1, 10**18)
    assert refrt._shl(0, 10**18) == 0
    with pytest.raises(ValueError):
        refrt._fpow(-8.0, 1 / 3)
    import numpy as np
    a = refrt.RefArray(np.array([1, 2], np.uint8))
    assert type(a[0]) is int
    with pytest.raises(OverflowError):
        a[0] = 256
    with pytest.raises(IndexError, match="index 2 is out of bounds for axis 0 with size 2"):
        a[2] = 300


def test_aug_assign_evaluates_the_index_once():
    # `a[i] op= e` runs i once, then the element, then e: the reference too
    from fuzzdiff.ast import AugAssign, Index
    calls = []

    def idx():
        calls.append("i")
        return 1

    a = [10, 20]
    refrt._aug(a, 1, lambda v: v + (calls.append("e") or 5))
    assert a == [10, 25] and calls == ["e"]
    refrt._aug(a, idx(), lambda v: v - 1)
    assert a == [10, 24] and calls == ["e", "i"]
    line = AugAssign(Index("p", [Var("k", "int")], "int"), "+", Const("1", "int"), "int").lines("ref", 0)
    assert line[0].startswith("_aug(p, (k,), lambda _v: ")


def test_compare_rules():
    ok = ("ok", 1.0)
    assert worker.compare(ok, ("ok", 1.0), [], [])[0] == "ok"
    assert worker.compare(("ok", 0.0), ("ok", -0.0), [], [])[1] == "value-mismatch:float"
    assert worker.compare(("ok", float("nan")), ("ok", -float("nan")), [], [])[0] == "ok"
    assert worker.compare(("ok", 1), ("ok", 1.0), [], [])[1] == "type-mismatch:int/float"
    e1 = ("exc", "ZeroDivisionError", "division by zero", ZeroDivisionError())
    e2 = ("exc", "ZeroDivisionError", "float division by zero", ZeroDivisionError())
    assert worker.compare(e1, e2, [], [])[1] == "message-mismatch:ZeroDivisionError"
    o1 = ("exc", "OverflowError", "a", OverflowError())
    o2 = ("exc", "OverflowError", "b", OverflowError())
    assert worker.compare(o1, o2, [], [])[0] == "ok"   # OverflowError: type only
    assert worker.compare(o1, ok, [], [])[1] == "exc-mismatch:OverflowError/ok"
    t = ("exc", "TypeError", "x", TypeError())
    assert worker.compare(t, t, [], [])[0] == "invalid"   # a generator bug, never a pass


def _planted_program():
    body = [Assign("n1", Const("0", "int")),
            Assign("x2", Const("1.5", "float")),
            For("i3", [Const("3", "int")], [Assign("x2", BinOp("*", Var("x2", "float"), Const("2.0", "float"),
                                                              "float"))]),
            Assign("n1", BinOp("+", Var("p0", "int"), Const("1", "int"), "int")),
            If([Compare([">"], [Var("p0", "int"), Const("100", "int")])], [[Assign("n1", Const("7", "int"))]], []),
            Return(BinOp("*", Var("n1", "int"), Const("3", "int"), "int"))]
    f = Func("f0", [("p0", "int")], "int", body)
    calls = [{"fn": "f0", "args": [{"k": "int", "v": 1000}]}, {"fn": "f0", "args": [{"k": "int", "v": 5}]}]
    return Program(0, [], [f], calls)


def test_reducer_keeps_the_failure_class(tmp_path):
    # A fake compiler with a planted bug: it compiles `p0 + 1` as `p0 + 2`.
    fake = tmp_path / "fakepyjitc"
    fake.write_text(f"""#!{sys.executable}
import os, sys, pathlib
args = sys.argv[1:]
src = pathlib.Path(args[-1])
d = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / ("fakepj%d" % os.getpid())
d.mkdir(exist_ok=True)
(d / src.name).write_text(src.read_text().replace("p0 + 1", "p0 + 2"))
os.execv({DEFAULT_PYJITC!r}, [{DEFAULT_PYJITC!r}] + args[:-1] + [str(d / src.name)])
""")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    prog = _planted_program()
    assert run_program(prog, DEFAULT_PYJITC).ok
    r = run_program(prog, str(fake))
    assert r.key == "value-mismatch:int" and r.call == 1, r
    small, r2 = reduce(prog, r, str(fake), budget_s=15, log=lambda *a: None)
    assert r2.key == r.key
    src = small.source()
    assert "p0 + 1" in src and "for " not in src and "if " not in src, src
    assert len(small.calls) == 1 and small.calls[0]["args"][0]["v"] != 1000


def _regressions():
    if not REGRESSIONS.is_dir():
        return []
    out = []
    for d in sorted(p for p in REGRESSIONS.iterdir() if (p / "driver.json").exists()):
        meta = json.loads((d / "meta.json").read_text()) if (d / "meta.json").exists() else {}
        marks = [pytest.mark.xfail(strict=True, reason=meta["xfail"])] if meta.get("xfail") else []
        out.append(pytest.param(d, id=d.name, marks=marks))
    return out


@pytest.mark.parametrize("d", _regressions())
def test_regression(d):
    r = run_saved(d, DEFAULT_PYJITC)
    meta = json.loads((d / "meta.json").read_text()) if (d / "meta.json").exists() else {}
    if meta.get("rejected"):   # a program outside the subset by design: the checker's message
        assert r.key == "compile-rejected" and meta["rejected"] in r.detail, f"{d.name}: {r!r}\n{r.detail}"
        return
    assert r.ok, f"{d.name}: {r.key} at call {r.call}:\n{r.detail}"


def test_cli_runs_a_seed(capsys):
    from fuzzdiff.__main__ import main
    assert main(["--seed", "3", "--no-reduce", "--pyjitc", os.environ.get("PYJITC", DEFAULT_PYJITC)]) == 0
    out = capsys.readouterr().out
    assert "1 programs in" in out and "ok" in out
