"""Parser (stage 2) tests, all through `pyjitc dump --ast`:

- goldens: tests/parse/NAME.py -> NAME.ast (first line `# ARGS: ...` adds CLI
  arguments); regenerate with PYJITC_UPDATE_GOLDENS=1 and inspect the diff;
- differential: the trees of the golden files and of randomly generated
  expressions must equal what CPython's own `ast` module builds (rendered in
  the dump's format), spans included;
- selection: which defs are compiled (@native, @pyjitc.native, --only ...);
- errors: tests/errors_parse/NAME.py end with a `# ERRORS:` block of
  `# LINE:COL: message` lines (COL 1-based as printed; `# -: message` for an
  error without a location), compared as a set with what is reported;
- robustness: thousands of mutated inputs never crash, hang or exit 3.
"""
import ast
import concurrent.futures
import os
import pathlib
import random
import re
import subprocess
import time

import pytest

from conftest import PYJITC, ROOT, run_pyjitc

PARSE_DIR = ROOT / "tests" / "parse"
ERRORS_DIR = ROOT / "tests" / "errors_parse"
GOLDENS = sorted(PARSE_DIR.glob("*.py"))
ERROR_CASES = sorted(ERRORS_DIR.glob("*.py"))


def extra_args(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first[len("# ARGS:"):].split() if first.startswith("# ARGS:") else []


def dump(path, *args):
    r = run_pyjitc("dump", "--ast", *args, path)
    assert "internal error" not in r.stderr, r.stderr
    return r


# ---------------------------------------------------------------- goldens

@pytest.mark.parametrize("src", GOLDENS, ids=lambda p: p.stem)
def test_golden(src):
    r = dump(src, *extra_args(src))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    golden = src.with_suffix(".ast")
    if os.environ.get("PYJITC_UPDATE_GOLDENS"):
        golden.write_text(r.stdout)
    assert r.stdout == golden.read_text(), f"dump differs from {golden.name}"


# ---------------------------------------------------------------- CPython's ast, rendered as ours

OPS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
    ast.Mod: "%", ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&",
    ast.BitOr: "|", ast.BitXor: "^", ast.USub: "-", ast.UAdd: "+", ast.Not: "not",
    ast.Invert: "~", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=",
    ast.Gt: ">", ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in", ast.And: "and", ast.Or: "or",
}


def quoted(s):
    out = bytearray(b'"')
    for c in s.encode("utf-8"):
        if c in b'"\\':
            out += b"\\" + bytes([c])
        elif c == 10:
            out += b"\\n"
        elif c == 9:
            out += b"\\t"
        elif c < 0x20 or c == 0x7F:
            out += b"\\x%02x" % c
        else:
            out.append(c)
    return (out + b'"').decode("utf-8")


class Renderer:
    """Renders a CPython ast in the format of `pyjitc dump --ast`."""

    def __init__(self, source):
        self.source = source
        self.lines = source.splitlines()
        self.out = []

    def col(self, line, byte_col):  # CPython counts UTF-8 bytes, we count characters
        return len(self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8"))

    def span(self, n):
        return (f" @{n.lineno}:{self.col(n.lineno, n.col_offset)}-"
                f"{n.end_lineno}:{self.col(n.end_lineno, n.end_col_offset)}")

    def line(self, depth, label, text):
        self.out.append("  " * depth + (f"{label}: " if label else "") + text)

    def node(self, n, d, label=None, text=None):
        self.line(d, label, text + self.span(n))

    def lst(self, nodes, d, label):
        if nodes:
            self.line(d, None, label + ":")
            for s in nodes:
                self.stmt(s, d + 1)

    def constant(self, n, d, label):
        v = n.value
        if isinstance(v, bool):
            text = f"Bool {v}"
        elif v is None:
            text = "None"
        elif isinstance(v, int):
            lit = ast.get_source_segment(self.source, n)
            if v > 2**63 - 1:
                text = f"Int {lit} (beyond int64)"
            elif lit != str(v):
                text = f"Int {lit} = {v}"
            else:
                text = f"Int {v}"
        elif isinstance(v, float):
            text = f"Float {v!r}"
        elif isinstance(v, str):
            text = "Str " + quoted(v)
        else:
            raise AssertionError(f"unexpected constant {v!r}")
        self.node(n, d, label, text)

    def expr(self, n, d, label=None):
        if n is None:
            return
        e = self.expr
        match n:
            case ast.Constant():
                self.constant(n, d, label)
            case ast.Name():
                self.node(n, d, label, f"Name {n.id}")
            case ast.Attribute():
                self.node(n, d, label, f"Attribute .{n.attr}")
                e(n.value, d + 1)
            case ast.Subscript():
                self.node(n, d, label, "Subscript")
                e(n.value, d + 1, "value")
                idx = n.slice.elts if isinstance(n.slice, ast.Tuple) else [n.slice]
                for i in idx:
                    e(i, d + 1, "index")
            case ast.Slice():
                self.node(n, d, label, "Slice")
                e(n.lower, d + 1, "lower")
                e(n.upper, d + 1, "upper")
                e(n.step, d + 1, "step")
            case ast.Tuple():
                self.node(n, d, label, "Tuple")
                for x in n.elts:
                    e(x, d + 1)
            case ast.BinOp():
                self.node(n, d, label, f"BinOp {OPS[type(n.op)]}")
                e(n.left, d + 1)
                e(n.right, d + 1)
            case ast.UnaryOp():
                self.node(n, d, label, f"UnaryOp {OPS[type(n.op)]}")
                e(n.operand, d + 1)
            case ast.BoolOp():
                self.node(n, d, label, f"BoolOp {OPS[type(n.op)]}")
                for x in n.values:
                    e(x, d + 1)
            case ast.Compare():
                self.node(n, d, label, "Compare " + " ".join(OPS[type(o)] for o in n.ops))
                e(n.left, d + 1)
                for x in n.comparators:
                    e(x, d + 1)
            case ast.IfExp():
                self.node(n, d, label, "IfExp")
                e(n.test, d + 1, "test")
                e(n.body, d + 1, "body")
                e(n.orelse, d + 1, "orelse")
            case ast.Call():
                self.node(n, d, label, "Call")
                e(n.func, d + 1, "func")
                for x in n.args:
                    e(x, d + 1)
                for k in n.keywords:
                    self.node(k, d + 1, None, f"keyword {k.arg}")
                    e(k.value, d + 2)
            case _:
                raise AssertionError(f"not in the subset: {ast.dump(n)}")

    def stmt(self, s, d):
        e = self.expr
        match s:
            case ast.Expr():
                self.node(s, d, None, "Expr")
                e(s.value, d + 1)
            case ast.Assign():
                self.node(s, d, None, "Assign")
                for t in s.targets:
                    e(t, d + 1, "target")
                e(s.value, d + 1, "value")
            case ast.AugAssign():
                self.node(s, d, None, f"AugAssign {OPS[type(s.op)]}=")
                e(s.target, d + 1, "target")
                e(s.value, d + 1, "value")
            case ast.AnnAssign():
                self.node(s, d, None, "AnnAssign")
                e(s.target, d + 1, "target")
                e(s.annotation, d + 1, "annotation")
                e(s.value, d + 1, "value")
            case ast.If() | ast.While():
                self.node(s, d, None, type(s).__name__)
                e(s.test, d + 1, "test")
                self.lst(s.body, d + 1, "body")
                self.lst(s.orelse, d + 1, "orelse")
            case ast.For():
                self.node(s, d, None, "For")
                e(s.target, d + 1, "target")
                e(s.iter, d + 1, "iter")
                self.lst(s.body, d + 1, "body")
                self.lst(s.orelse, d + 1, "orelse")
            case ast.Return():
                self.node(s, d, None, "Return")
                e(s.value, d + 1)
            case ast.Pass() | ast.Break() | ast.Continue():
                self.node(s, d, None, type(s).__name__)
            case ast.Assert():
                self.node(s, d, None, "Assert")
                e(s.test, d + 1, "test")
                e(s.msg, d + 1, "msg")
            case ast.Raise():
                self.node(s, d, None, "Raise")
                e(s.exc, d + 1)
            case _:
                raise AssertionError(f"not in the subset: {ast.dump(s)}")

    def function(self, f):
        """A FunctionDef, without the flags our dump shows after its name."""
        self.node(f, 1, None, f"FunctionDef {f.name}")
        body = f.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self.line(2, "doc", quoted(body[0].value.value))
            body = body[1:]
        args = f.args.args
        defaults = [None] * (len(args) - len(f.args.defaults)) + f.args.defaults
        for a, dflt in zip(args, defaults):
            self.node(a, 2, None, f"arg {a.arg}")
            self.expr(a.annotation, 3, "annotation")
            self.expr(dflt, 3, "default")
        self.expr(f.returns, 2, "returns")
        self.lst(body, 2, "body")
        return self.out


def our_functions(dump_text):
    """FunctionDef subtrees of a dump by name, flags removed from the header."""
    funcs, current = {}, None
    for line in dump_text.splitlines():
        m = re.match(r"  FunctionDef (\w+)( \[[^\]]*\])? (@.*)", line)
        if m:
            current = funcs.setdefault(m[1], [])
            current.append(f"  FunctionDef {m[1]} {m[3]}")
        elif line.startswith("    ") and current is not None:
            current.append(line)
        else:
            current = None
    return funcs


def assert_same_as_cpython(path, args=()):
    source = path.read_text(encoding="utf-8")
    r = dump(path, *args)
    assert r.returncode == 0, r.stderr
    ours = our_functions(r.stdout)
    compared = 0
    for f in ast.parse(source).body:
        if isinstance(f, ast.FunctionDef) and f.name in ours and \
                not any(l.lstrip().startswith("reason:") for l in ours[f.name]):
            expected = Renderer(source).function(f)
            assert ours[f.name] == expected, f"{path.name}: {f.name} differs from CPython's ast"
            compared += 1
    return compared


@pytest.mark.parametrize("src", GOLDENS, ids=lambda p: p.stem)
def test_golden_trees_match_cpython(src):
    assert_same_as_cpython(src, extra_args(src))


ATOMS = ["a", "b", "c", "x", "y", "0", "7", "1_000", "0x1F", "0o17", "0b101",
         "9223372036854775808", "1.5", "2e-3", ".5", "3.", "1_0.5e1_0", "True", "False", "None"]
BINOPS = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"]
CMPOPS = ["<", "<=", ">", ">=", "==", "!=", "is", "is not", "in", "not in"]


def random_expr(rng, depth):
    if depth <= 0 or rng.random() < 0.2:
        return rng.choice(ATOMS)
    sub = lambda: random_expr(rng, depth - 1)  # noqa: E731
    k = rng.randrange(12)
    if k <= 2:
        return f"{sub()} {rng.choice(BINOPS)} {sub()}"
    if k == 3:
        return f"{rng.choice(['-', '+', '~', 'not '])}{sub()}"
    if k == 4:
        return sub() + "".join(f" {rng.choice(CMPOPS)} {sub()}" for _ in range(rng.randint(1, 3)))
    if k == 5:
        return f" {rng.choice(['and', 'or'])} ".join(sub() for _ in range(rng.randint(2, 4)))
    if k == 6:
        return f"{sub()} if {sub()} else {sub()}"
    if k == 7:
        args = [sub() for _ in range(rng.randint(0, 2))] + \
               [f"k{i}={sub()}" for i in range(rng.randint(0, 2))]
        return f"f({', '.join(args)})"
    if k == 8:
        return f"a.{rng.choice(['shape', 'ndim', 'b.c'])}"
    if k == 9:
        return f"x[{', '.join(sub() for _ in range(rng.randint(1, 3)))}]"
    if k == 10:
        return f"({sub()})"
    return f"({sub()}, {sub()})"


def test_random_expressions_match_cpython(tmp_path):
    rng = random.Random(20240607)
    lines = ["def generated(a, b, c, x, y):"]
    for i in range(400):
        while True:  # `not` is not an operand of binary operators: retry invalid ones
            e = random_expr(rng, rng.randint(1, 6))
            try:
                ast.parse(e)
                break
            except SyntaxError:
                pass
        lines.append(f"    v{i} = {e}" if i % 3 else f"    return {e}")
    path = tmp_path / "generated.py"
    path.write_text("\n".join(lines) + "\n")
    ast.parse(path.read_text())  # the generator makes valid Python
    assert assert_same_as_cpython(path) == 1


# ---------------------------------------------------------------- selection

def flags_of(dump_text):
    out = {}
    for m in re.finditer(r"^  FunctionDef (\w+)(?: \[([^\]]*)\])? @", dump_text, re.M):
        out[m[1]] = set(m[2].split(", ")) if m[2] else set()
    return out


def test_selection_and_native_options():
    r = dump(PARSE_DIR / "selection.py", "--only", "listed,also_listed")
    assert r.returncode == 0, r.stderr
    assert flags_of(r.stdout) == {
        "bare": {"native"},
        "empty_call": {"native"},
        "all_options": {"native", "boundscheck=off", "overflowcheck=off", "fastmath"},
        "defaults_spelled": {"native"},
        "by_module": {"native"},
        "by_alias": {"native", "fastmath"},
        "renamed": {"native"},
        "listed": {"only"},
        "also_listed": {"native", "only"},
        "undecorated": set(),
        "undecorated_unsupported": {"unsupported"},
    }


def test_without_only_nothing_is_listed():
    flags = flags_of(dump(PARSE_DIR / "selection.py").stdout)
    assert flags["listed"] == set() and flags["also_listed"] == {"native"}


def test_native_not_from_pyjitc_selects_nothing():
    flags = flags_of(dump(PARSE_DIR / "notnative.py").stdout)
    assert flags == {"looks_native": {"unsupported"}, "other_module": {"unsupported"},
                     "jitted": {"unsupported"}}


def test_unselected_functions_report_nothing(tmp_path):
    src = tmp_path / "quiet.py"
    src.write_text("def f(x):\n    yield x\n    return [x]\n\ndef g(x y):\n    pass\n")
    r = dump(src)
    assert r.returncode == 0 and r.stderr == ""
    assert 'reason: "\'yield\' is not supported in compiled functions" @2:4-2:11' in r.stdout


def test_only_selects_an_undecorated_function_and_reports_its_errors(tmp_path):
    src = tmp_path / "onlyerr.py"
    src.write_text("def f(x):\n    yield x\n")
    assert dump(src).returncode == 0
    r = dump(src, "--only", "f")
    assert r.returncode == 1
    assert "onlyerr.py:2:5: error: 'yield' is not supported in compiled functions" in r.stderr


def test_constants_bound_twice_are_not_recorded(tmp_path):
    src = tmp_path / "consts.py"
    src.write_text("A = 1\nB = 2\nB += 1\nC = 3\nD = 4\nE: int = 5\n"
                   "if __name__ == '__main__':\n    C = 0\n"
                   "def f():\n    global D\n    D = 1\n    E = 2\n")
    consts = re.findall(r"^  Constant (\w+)", dump(src).stdout, re.M)
    assert consts == ["A", "E"]


# ---------------------------------------------------------------- errors

def expected_errors(path):
    text = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    start = text.index("# ERRORS:")
    return {line[2:].strip() for line in text[start + 1:] if line.startswith("# ")}


def reported_errors(stderr, path):
    found = set()
    for line in stderr.splitlines():
        m = re.match(r"^(.*?):(\d+):(\d+): error: (.*)$", line)
        if m and m[1] == str(path):
            found.add(f"{m[2]}:{m[3]}: {m[4]}")
        elif line.startswith(f"{path}: error: "):
            found.add("-: " + line[len(f"{path}: error: "):])
    return found


@pytest.mark.parametrize("src", ERROR_CASES, ids=lambda p: p.stem)
def test_errors(src):
    r = dump(src, *extra_args(src))
    assert r.returncode == 1, r.stdout + r.stderr
    assert reported_errors(r.stderr, src) == expected_errors(src)


def test_error_rendering_has_source_line_and_caret(tmp_path):
    src = tmp_path / "caret.py"
    src.write_text("from pyjitc import native\n@native\ndef f(x: int) -> int:\n"
                   "    return lambda: x\n")
    r = dump(src)
    assert r.returncode == 1
    assert r.stderr.splitlines()[1:] == ["    4 |     return lambda: x",
                                         "      |            ^~~~~~~~~"]


# ---------------------------------------------------------------- robustness

POOL = ["(", ")", "[", "]", "{", "}", ":", ",", "=", "+", "**", "-", "@", "lambda", "yield",
        "def", "if", "else", "for", "in", "not", "and", "\n", "\n    ", "    ", "\\\n", "'",
        '"""', "#", "0x", "1e", "1j", "...", ":=", ";", "*", "async", "match", "\t", "\x00",
        "\xff", "\xc3", "é", "\r"]


def mutate(rng, data):
    tokens = re.findall(rb"\w+|\s+|.", data, re.S)
    for _ in range(rng.randint(1, 4)):
        if not tokens:
            tokens = [b"x"]
        i = rng.randrange(len(tokens))
        k = rng.randrange(7)
        if k == 0:
            del tokens[i]
        elif k == 1:
            tokens.insert(i, tokens[i])
        elif k == 2:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif k == 3:
            tokens.insert(i, rng.choice(POOL).encode("utf-8", "surrogateescape")
                          if rng.random() < 0.8 else bytes([rng.randrange(256)]))
        elif k == 4:
            tokens = tokens[:i]
        elif k == 5:
            tokens[i] = rng.choice(POOL).encode("latin-1", "replace")
        else:
            j = rng.randrange(len(tokens))
            tokens[i:i] = tokens[j:j + rng.randint(1, 20)]
    return b"".join(tokens)


def run_one(path):
    try:
        r = subprocess.run([PYJITC, "dump", "--ast", str(path)], capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return path, "timeout"
    if r.returncode not in (0, 1) or b"internal error" in r.stderr:
        return path, f"exit {r.returncode}: {r.stderr[-300:]!r}"
    return path, None


def test_mutated_inputs_never_crash(tmp_path):
    """Fixed seed; up to PYJITC_FUZZ_N mutants (default 2000) within ~25 s."""
    rng = random.Random(1234)
    seeds = [p.read_bytes() for p in GOLDENS + ERROR_CASES]
    n = int(os.environ.get("PYJITC_FUZZ_N", "2000"))
    deadline = time.monotonic() + float(os.environ.get("PYJITC_FUZZ_SECONDS", "25"))
    failures, ran = [], 0
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        batch = 50
        for start in range(0, n, batch):
            if time.monotonic() > deadline:
                break
            paths = []
            for i in range(start, min(n, start + batch)):
                p = tmp_path / f"m{i}.py"
                p.write_bytes(mutate(rng, rng.choice(seeds)))
                paths.append(p)
            for path, problem in pool.map(run_one, paths):
                ran += 1
                if problem:
                    failures.append((path.name, problem))
                else:
                    path.unlink()
    assert ran >= min(n, 200)
    assert not failures, failures[:5]
