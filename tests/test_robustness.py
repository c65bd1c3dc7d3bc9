"""Robustness of the whole front end: `pyjitc check` (lex + parse + type check)
and `pyjitc tokenize` on a few thousand seeded random mutants of valid inputs.

tests/test_parse.py already fuzzes `dump --ast` with token-level edits; this
file drives the checker instead: its seeds are the typed programs (tests/types,
tests/errors_check, the benchmark kernels with @native) as well as the lexer
and parser inputs, and its mutations include type-level fragments
(annotations, array types, builtins) so that mutants get past the parser and
into the checker.  Seeds without @native are checked with --only naming every
top-level def, as the fuzz_check target does.

Every run must end with status 0 or 1 (diagnostics), never a signal, never 2
(usage) or 3 (internal error), never a sanitizer report, and within a timeout.
Deterministic: a fixed seed, a fixed list of mutants; a deadline
(PYJITC_ROBUST_SECONDS, default 25) only cuts the list short on a slow
machine (e.g. under `make test-sanitize`).  PYJITC_ROBUST_N sets the count.
Failing mutants are kept in the test's tmp_path for reproduction."""
import concurrent.futures
import os
import pathlib
import random
import re
import subprocess
import time

import pytest

from conftest import PYJITC, ROOT

TESTS = ROOT / "tests"
SEED_GLOBS = ["types/*.py", "errors_check/*.py", "parse/*.py", "lex/*.py"]
KERNELS = ROOT / "fuzz" / "corpus" / "bench_kernels_native.py"

# Fragments to insert or substitute: keywords, operators, brackets, quotes,
# layout, bytes that are not UTF-8, NUL, and pieces of the typed subset.
FRAGMENTS = [
    "def", "return", "if", "elif", "else", "while", "for", "in", "range(", "not", "and", "or",
    "is", "None", "True", "False", "pass", "break", "continue", "assert", "raise", "lambda",
    "global", "nonlocal", "del", "import", "from", "as", "with", "yield", "class", "try:",
    "(", ")", "[", "]", "{", "}", ":", ",", ".", ";", "=", "==", "+", "-", "*", "/", "//", "%",
    "**", "@", "<<", ">>", "&", "|", "^", "~", "<", ">=", "!=", "+=", "//=", "**=", "->", ":=",
    "'", '"', "'''", '"""', "f'", "b'", "#", "\\", "\\\n", "\n", "\r", "\t", "    ", "\x0c",
    "0", "1", "-1", "2**63", "9223372036854775807", "1e308", "1e999", "0.5", "1j", "0x", "1_0",
    ": int", ": float", ": bool", "-> int", "-> float", "-> None", ": f64[:]", ": f64[:, :]",
    ": i32[::1]", ": u8[:]", "f32", "i64", "math.sqrt(", "math.pi", "np.sqrt(", "abs(", "min(",
    "max(", "len(", "int(", "float(", ".shape[0]", "[i]", "[i, j]", "@native",
    "@native(boundscheck=False)", "é", "λ",
]
RAW_BYTES = [b"\x00", b"\xff", b"\xc3", b"\xe2\x82", b"\xef\xbb\xbf", b"\x80", b"\xed\xa0\x80"]


def seeds():
    paths = sorted(p for g in SEED_GLOBS for p in TESTS.glob(g)) + [KERNELS]
    return [(p.name, p.read_bytes()) for p in paths if p.exists()]


def _fragment(rng):
    if rng.random() < 0.15:
        return rng.choice(RAW_BYTES)
    return rng.choice(FRAGMENTS).encode()


def mutate(rng, data):
    """1-4 edits at byte, line or token granularity."""
    for _ in range(rng.randint(1, 4)):
        if not data:
            data = b"x"
        n = len(data)
        i = rng.randrange(n)
        k = rng.randrange(9)
        if k == 0:      # flip a byte
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
        elif k == 1:    # delete a run of bytes
            data = data[:i] + data[i + rng.randint(1, 16):]
        elif k == 2:    # insert a fragment
            data = data[:i] + _fragment(rng) + data[i:]
        elif k == 3:    # replace a token with a fragment
            toks = re.findall(rb"\w+|\s+|.", data, re.S)
            toks[rng.randrange(len(toks))] = _fragment(rng)
            data = b"".join(toks)
        elif k == 4:    # swap two tokens
            toks = re.findall(rb"\w+|\s+|.", data, re.S)
            a, b = rng.randrange(len(toks)), rng.randrange(len(toks))
            toks[a], toks[b] = toks[b], toks[a]
            data = b"".join(toks)
        elif k == 5:    # duplicate a line (maybe elsewhere)
            lines = data.splitlines(keepends=True)
            line = rng.choice(lines)
            lines.insert(rng.randrange(len(lines) + 1), line)
            data = b"".join(lines)
        elif k == 6:    # delete a line
            lines = data.splitlines(keepends=True)
            del lines[rng.randrange(len(lines))]
            data = b"".join(lines)
        elif k == 7:    # re-indent a line
            lines = data.splitlines(keepends=True)
            j = rng.randrange(len(lines))
            lines[j] = rng.choice([b"", b" ", b"    ", b"\t", b"        "]) + lines[j].lstrip()
            data = b"".join(lines)
        else:           # truncate
            data = data[:i]
    return data


def command_for(rng, data, path):
    """`check` mostly; `tokenize` for one in four.  --only every top-level def
    when nothing is @native, so that the checker sees something."""
    if rng.random() < 0.25:
        return ["tokenize", str(path)]
    if b"@native" in data:
        return ["check", str(path)]
    names = sorted(set(m.decode("latin-1")
                       for m in re.findall(rb"^def ([A-Za-z_][A-Za-z0-9_]*)", data, re.M)))
    return ["check", "--only", ",".join(names), str(path)] if names else ["check", str(path)]


SANITIZER_MARKS = (b"internal error", b"AddressSanitizer", b"LeakSanitizer",
                   b"runtime error:", b"UndefinedBehaviorSanitizer")


def run_one(job):
    path, args = job
    try:
        r = subprocess.run([PYJITC, *args], capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return job, "timeout (20 s)"
    if r.returncode not in (0, 1):
        return job, f"exit {r.returncode}: {r.stderr[-600:]!r}"
    for mark in SANITIZER_MARKS:
        if mark in r.stderr:
            return job, f"{mark.decode()} (exit {r.returncode}): {r.stderr[-600:]!r}"
    return job, None


def test_mutants_never_crash_check_or_tokenize(tmp_path):
    rng = random.Random(20240611)
    pool_seeds = seeds()
    assert len(pool_seeds) >= 20 and any(name == KERNELS.name for name, _ in pool_seeds)
    n = int(os.environ.get("PYJITC_ROBUST_N", "3000"))
    deadline = time.monotonic() + float(os.environ.get("PYJITC_ROBUST_SECONDS", "25"))
    failures, ran, kinds = [], 0, {"check": 0, "tokenize": 0}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for start in range(0, n, 100):
            if time.monotonic() > deadline:
                break
            jobs = []
            for i in range(start, min(n, start + 100)):
                name, data = rng.choice(pool_seeds)
                data = mutate(rng, data)
                path = tmp_path / f"m{i:05d}_{name}"
                path.write_bytes(data)
                jobs.append((path, command_for(rng, data, path)))
            for (path, args), problem in pool.map(run_one, jobs):
                ran += 1
                kinds[args[0]] += 1
                if problem:
                    failures.append((" ".join(["pyjitc", *args]), problem))
                else:
                    path.unlink()
    assert ran >= min(n, 300), f"only {ran} mutants ran before the deadline"
    assert kinds["check"] and kinds["tokenize"]
    assert not failures, f"{len(failures)} of {ran} failed (inputs kept in {tmp_path}):\n" + \
        "\n".join(f"{cmd}\n    {problem}" for cmd, problem in failures[:8])


def test_mutants_reach_the_checker(tmp_path):
    """The mutation mix must not be so destructive that nothing type-checks:
    among the first 200 `check` mutants, some pass (exit 0) and some fail
    in the checker (a type error message, not only syntax errors)."""
    rng = random.Random(7)
    pool_seeds = [(n, d) for n, d in seeds() if b"@native" in d]
    ok = type_errors = 0
    jobs = []
    for i in range(200):
        name, data = rng.choice(pool_seeds)
        path = tmp_path / f"r{i:03d}_{name}"
        path.write_bytes(mutate(rng, data))
        jobs.append(path)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda p: subprocess.run([PYJITC, "check", str(p)], capture_output=True, timeout=20),
            jobs))
    for r in results:
        assert r.returncode in (0, 1), r.stderr[-600:]
        ok += r.returncode == 0
        type_errors += r.returncode == 1 and re.search(
            rb"error: .*(type|cannot|expects|argument|not defined|undefined|unknown)", r.stderr
        ) is not None
    assert ok >= 10, ok
    assert type_errors >= 10, type_errors


# ---------------------------------------------------------------- deep nesting
# Recursive-descent parsing and recursive tree walks overflow the C stack on
# deep enough input; the front end must instead report an error (or accept
# the program) whatever the depth.  30000 levels is far beyond any limit (1000 in the parser).
DEEP = 30000
HEAD = "from pyjitc import native, f64\n\n@native\ndef f(n: int, a: f64[:]) -> float:\n"
DEEP_CASES = {
    "parens": HEAD + "    return " + "(" * DEEP + "1" + ")" * DEEP + "\n",
    "unary_minus": HEAD + "    return " + "-" * DEEP + "1\n",
    "not": HEAD + "    return " + "not " * DEEP + "1\n",
    "add_chain": HEAD + "    return 1" + "+1" * DEEP + "\n",
    "power_chain": HEAD + "    return n" + "**n" * DEEP + "\n",
    "compare_chain": HEAD + "    return 1" + "<1" * DEEP + "\n",
    "and_chain": HEAD + "    return n" + " and n" * DEEP + "\n",
    "ifexp_chain": HEAD + "    return " + "1 if n else " * DEEP + "1\n",
    "call_nest": HEAD + "    return " + "abs(" * DEEP + "1" + ")" * DEEP + "\n",
    "subscript_nest": HEAD + "    return " + "a[" * DEEP + "0" + "]" * DEEP + "\n",
    "tuple_nest": HEAD + "    return " + "(" * DEEP + "1," + ")" * DEEP + "\n",
    "lambda_nest": HEAD + "    return " + "lambda: " * DEEP + "1\n",
    "blocks": HEAD + "".join(" " * (i + 1) + "if n:\n" for i in range(3000))
    + " " * 3001 + "return 1\n    return 0\n",
    "many_statements": HEAD + "    x = 0\n" + "    x = x + 1\n" * DEEP + "    return x\n",
    "unclosed_toplevel": "x = " + "(" * DEEP + "\n",
    # Known stack overflows (found by this test, reported to the owners):
    "attribute_chain": HEAD + "    return n" + ".real" * (8 * DEEP) + "\n",
    "elif_chain": HEAD + "    if n == 0:\n        return 0\n"
    + "    elif n == 1:\n        return 1\n" * DEEP + "    return 2\n",
    "specialization_chain": "from pyjitc import native\n"
    + "".join(f"def g{i}(n):\n    return g{i + 1}(n)\n" for i in range(DEEP // 2))
    + f"def g{DEEP // 2}(n):\n    return n\n\n@native\ndef f(n: int) -> int:\n    return g0(n)\n",
}
KNOWN_DEEP_BUGS = {
}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DEEP_BUGS[n]))
    if n in KNOWN_DEEP_BUGS else n for n in DEEP_CASES])
def test_deep_nesting_is_an_error_not_a_crash(tmp_path, name):
    src = tmp_path / f"deep_{name}.py"
    src.write_text(DEEP_CASES[name])
    r = subprocess.run([PYJITC, "check", str(src)], capture_output=True, timeout=120)
    tail = r.stderr[-400:]
    assert r.returncode in (0, 1), (r.returncode, tail)
    assert not any(m in r.stderr for m in SANITIZER_MARKS), tail
