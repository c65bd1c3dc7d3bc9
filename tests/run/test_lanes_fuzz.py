"""Random programs in the shape lower_lanes.c runs side by side, compared
with CPython: a range loop whose body is a prefix of float and int
assignments (some reading x[i]), an inner `while` or `for k in range(...)`
loop of float steps with break, continue, a shared counter, divisions and
math.sqrt that may raise, and a suffix that stores and accumulates in an
order CPython's result depends on.  An inner `for k in range(lim)` (the
same in every iteration: the uniform lanes) may read w at i + k, k + 3 or
i - k + 12.  fuzzdiff's programs declare their
locals at the top of the function, so they never take this path; these do
(checked in the IR)."""
import os
import random
import re

import numpy as np
import pytest

from difftest import build, function_ir, module_ir, same_call

NPROG = int(os.environ.get("LANES_FUZZ_PROGRAMS", "24"))  # more for a longer run
SEED0 = int(os.environ.get("LANES_FUZZ_SEED", "0"))


def _float_expr(r, names, depth=0, leaf_ok=True):
    if depth > 1 or (leaf_ok and r.random() < 0.3):
        return r.choice(names + ["0.5", "1.25", "-0.75", "3.0", "p"])
    a = _float_expr(r, names, depth + 1)
    b = _float_expr(r, names, depth + 1)
    k = r.random()
    if k < 0.08:
        return f"({a} / ({b} - 0.5))"          # ZeroDivisionError now and then
    if k < 0.14:
        return f"math.sqrt({a} + 1.0)"          # ValueError below -1.0
    if k < 0.2:
        return f"math.fabs({a})"
    return f"({a} {r.choice(['+', '-', '*'])} {b})"


def _program(seed):
    r = random.Random(seed)
    name = f"f{seed}"
    nv = r.randint(1, 3)
    vs = [f"v{k}" for k in range(nv)]
    step = r.choice(["", "", ", 2", ", -1"])
    rng = {"": "range(lo, hi)", ", 2": "range(lo, hi, 2)", ", -1": "range(hi - 1, lo - 1, -1)"}[step]
    lines = [f"@native",
             f"def {name}(x: f64[:], out: f64[:], w: f64[:], p: float, lo: int, hi: int, "
             f"lim: int) -> float:",
             "    acc = 0.5",
             "    tot = 0",
             f"    for i in {rng}:",
             "        xi = float(x[i])"]
    for k, v in enumerate(vs):
        lines.append(f"        {v} = {_float_expr(r, ['xi', 'float(i)'] + vs[:k])}")
    kind = r.random()
    reads = []
    if kind < 0.25:
        lines.append("        m = (i % 4 + lim) % 7")
        lines.append("        for k in range(m):")
        body_pad = "            "
    elif kind < 0.5:
        lines.append(f"        for k in {r.choice(['range(lim)', 'range(1, lim + 1)', 'range(2, lim)'])}:")
        body_pad = "            "
        # i + k < 17 + 10 and i - k + 12 >= 2 stay inside w's 32 elements
        reads = ["float(w[i + k])", "float(w[k + 3])", "float(w[i - k + 12])", "w[k]"]
    else:
        lines.append("        c = 0")
        cond = r.choice(["c < lim", f"c < lim and {vs[0]} < 1e6", f"{vs[-1]} > -1e9 and c < lim + 2"])
        lines.append(f"        while {cond}:")
        lines.append("            c += 1")
        body_pad = "            "
    for _ in range(r.randint(1, 3)):
        t = r.choice(vs)
        lines.append(f"{body_pad}{t} = {_float_expr(r, vs + ['xi'] + reads, leaf_ok=False)}")
        if r.random() < 0.3:
            lines.append(f"{body_pad}tot += {r.choice([1, 2, 5])}")
        if r.random() < 0.2 and not reads:  # (a loop that reads w and breaks: no lanes)
            lines.append(f"{body_pad}if {r.choice(vs)} > {r.choice(['2.0', '50.0', 'p'])}:")
            lines.append(f"{body_pad}    {r.choice(['break', 'continue'])}")
    lines.append(f"        out[i] = {r.choice(vs)}")
    lines.append(f"        acc = acc * 0.75 + {r.choice(vs)}")
    if r.random() < 0.25:
        lines.append(f"        if {r.choice(vs)} < -100.0:")
        lines.append(f"            {r.choice(['break', 'continue', 'return acc'])}")
    lines.append("    return acc + tot")
    return name, "\n".join(lines) + "\n"


PROGRAMS = [_program(SEED0 + s) for s in range(NPROG)]
SOURCE = "\n\n".join(src for _, src in PROGRAMS)
FLAGS = [(), ("--overflowcheck=off", "--boundscheck=off")]


@pytest.fixture(scope="module", params=FLAGS, ids=["safe", "unchecked"])
def flags(request):
    return request.param


@pytest.fixture(scope="module")
def mods(flags):
    return build(SOURCE, flags)


@pytest.mark.parametrize("k", range(NPROG))
def test_random_program(mods, k):
    name, _ = PROGRAMS[k]
    rng = np.random.default_rng(SEED0 + k)
    for n in [0, 1, 4, 7, 13, 17]:
        x = rng.uniform(-3.0, 3.0, n)
        w = rng.uniform(-3.0, 3.0, 32)
        if n > 5:
            x[rng.integers(0, n)] = 0.5     # a divisor (b - 0.5) of zero somewhere
        for p in [0.25, -1.5]:
            for lim in [0, 3, 9]:
                same_call(mods, name, x, np.zeros(n), w, p, 0, n, lim)
        same_call(mods, name, x, np.zeros(n), w, 0.25, 1, n - 1, 4)
        same_call(mods, name, x, x, w, 0.25, 0, n, 3)  # out is x: the lanes must not run
        ww = rng.uniform(-3.0, 3.0, 32 + n)
        same_call(mods, name, x, ww[:n], ww[n:], 0.25, 0, n, 3)  # out apart from w
        same_call(mods, name, x, ww[n // 2:n // 2 + n], ww[n:], 0.25, 0, n, 3)  # out is in w
        if n > 1:
            same_call(mods, name, x[1:], x[:-1], w, 0.25, 0, n - 1, 3)  # out[i] is x[i - 1]:
            # read by the next iteration of a loop that counts down


def test_programs_run_in_lanes(tmp_path, flags):
    """Structure: most of the programs take the lanes (the others break a
    rule: two `tot +=` statements in the inner loop, a statement that
    always raises)."""
    ir = module_ir(tmp_path, SOURCE, ",".join(n for n, _ in PROGRAMS), flags)
    taken = [n for n, _ in PROGRAMS if re.search(r"lanes\.(round|ibody|icond|idone)",
                                                 function_ir(ir, n + "_impl"))]
    assert len(taken) >= NPROG * 3 // 4, taken
