"""Tokenizer tests: `pyjitc tokenize FILE` must print exactly the type names
and positions that CPython 3.11's Lib/tokenize.py gives (`python3 -m tokenize -e`).

1. every .py file of the standard library (outside test folders);
2. golden files tests/lex/*.py with their .tokens;
3. errors: exit 1 with a file:line:col diagnostic, never a crash.

Regenerate the goldens with:  python3 tests/test_lex.py --regen
"""
import io
import os
import pathlib
import re
import subprocess
import sys
import tokenize
from concurrent.futures import ThreadPoolExecutor

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from conftest import PYJITC, ROOT  # noqa: E402

LEX_DIR = ROOT / "tests" / "lex"
STDLIB = pathlib.Path("/usr/lib/python3.11")
EXCLUDED_DIRS = {"test", "tests", "idle_test"}


def run_tokenize(path):
    """`pyjitc tokenize path`; stderr may quote undecodable source bytes."""
    return subprocess.run([PYJITC, "tokenize", str(path)], capture_output=True,
                          encoding="utf-8", errors="replace", timeout=60)


def reference(data: bytes):
    """(lines, error): tokenize's tokens as `tokenize -e` prints their first
    two columns, up to the exception if it raises one (then error is set)."""
    lines = []
    try:
        for t in tokenize.tokenize(io.BytesIO(data).readline):
            pos = "%d,%d-%d,%d:" % (t.start + t.end)
            lines.append("%-20s%s" % (pos, tokenize.tok_name[t.exact_type]))
    except Exception as e:  # TokenError, IndentationError, SyntaxError, UnicodeDecodeError
        return lines, e
    return lines, None


def compare(path: pathlib.Path):
    """None if pyjitc agrees with tokenize on `path`, else a message."""
    want, err = reference(path.read_bytes())
    r = run_tokenize(path)
    got = r.stdout.splitlines()
    if err is not None and r.returncode != 1:
        return f"{path}: tokenize raises {err!r} but pyjitc exited {r.returncode}\n{r.stderr}"
    if err is None and r.returncode != 0:
        return f"{path}: pyjitc exited {r.returncode}\n{r.stderr}"
    if "Traceback" in r.stderr or "internal error" in r.stderr:
        return f"{path}: pyjitc crashed\n{r.stderr}"
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return f"{path}: token {i + 1} differs: want {w!r}, got {g!r}"
    if len(want) != len(got):
        extra = (got[len(want):] or want[len(got):])[:3]
        return f"{path}: {len(want)} tokens expected, pyjitc printed {len(got)} (next: {extra})"
    return None


def stdlib_files():
    files = []
    for root, dirs, names in os.walk(STDLIB):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS)
        files += [pathlib.Path(root) / n for n in sorted(names) if n.endswith(".py")]
    return files


# ---- 1. the standard library ------------------------------------------------

def test_stdlib_matches_tokenize():
    if not STDLIB.is_dir():
        pytest.skip("/usr/lib/python3.11 is not installed")
    files = stdlib_files()
    assert len(files) > 100
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) * 2) as ex:
        failures = [m for m in ex.map(compare, files) if m]
    print(f"tokenize: {len(files) - len(failures)}/{len(files)} stdlib files match")
    assert not failures, f"{len(failures)}/{len(files)} files differ:\n" + "\n".join(failures[:20])


# ---- 2. golden files --------------------------------------------------------

GOLDEN_INPUTS = sorted(LEX_DIR.glob("*.py"))


def golden_text(path: pathlib.Path) -> str:
    lines, _ = reference(path.read_bytes())
    return "".join(line + "\n" for line in lines)


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.name)
def test_golden(path):
    golden = path.with_suffix(".tokens")
    expected = golden.read_text()
    # The golden must still be what this Python's tokenize says ...
    assert golden_text(path) == expected, f"{golden} is stale: run python3 tests/test_lex.py --regen"
    # ... and pyjitc must agree with it line for line.
    r = run_tokenize(path)
    _, err = reference(path.read_bytes())
    assert r.returncode == (1 if err else 0), r.stderr
    got, want = r.stdout.splitlines(), expected.splitlines()
    for i, (w, g) in enumerate(zip(want, got)):
        assert g == w, f"{path.name}: token {i + 1}: want {w!r}, got {g!r}"
    assert len(got) == len(want)


def test_golden_set_covers_features():
    names = {p.name for p in GOLDEN_INPUTS}
    for required in ["empty.py", "only_comments.py", "crlf.py", "tabs.py", "unicode_idents.py",
                     "no_trailing_newline.py", "backslash.py", "brackets.py", "deep_dedent.py",
                     "strings.py", "numbers.py", "operators.py", "errortokens.py", "latin1.py",
                     "bom.py", "lone_cr.py"]:
        assert required in names


def test_golden_token_kinds_all_appear():
    """Every kind in tokens.def shows up in some golden (so each is tested)."""
    seen = set()
    for p in GOLDEN_INPUTS:
        seen |= {line[20:] for line in p.with_suffix(".tokens").read_text().splitlines()}
    kinds = re.findall(r"^TOK\((\w+),", (ROOT / "compiler" / "tokens.def").read_text(), re.M)
    missing = [k for k in kinds if k not in seen]
    assert not missing, f"no golden exercises {missing}"


# ---- 3. errors ----------------------------------------------------------------

ERROR_CASES = {
    # name: (source bytes, expected "line:col" of the diagnostic (1-based col), message part)
    "unterminated_triple": (b'x = 1\ns = """abc\ndef\n', "2:5", "unterminated triple-quoted"),
    "unterminated_triple_single": (b"s = f'''abc", "1:5", "unterminated triple-quoted"),
    "eof_in_brackets": (b"x = foo(1,\n  [2,\n   3]\n", "1:8", "'(' was never closed"),
    "eof_in_nested_brackets": (b"x = {1: (2,\n", "1:9", "'(' was never closed"),
    "unmatched_close": (b"x = 1)\ny = 2\n", "1:6", "unmatched"),
    "bad_dedent": (b"if x:\n        a = 1\n    b = 2\n", "3:5", "unindent does not match"),
    "backslash_at_eof": (b"x = 1 + \\\n", "1:9", "continuation"),
    "continued_string_eof": (b"s = 'abc\\\n", "1:5", "unterminated string"),
    "bad_utf8": (b"x = 1\ny = '\xff'\n", "2:6", "not valid UTF-8"),
    "bad_utf8_first_line": (b"x = '\xe9'\n", "1:6", "encoding declaration"),
    "unknown_encoding": (b"# coding: klingon\nx = 1\n", "1:11", "not supported"),
    "bom_with_latin1": (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "1:11", "byte order mark"),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_error(name, tmp_path):
    data, where, message = ERROR_CASES[name]
    path = tmp_path / f"{name}.py"
    path.write_bytes(data)
    want, err = reference(data)
    assert err is not None, "Python's tokenize accepts this; not an error case"
    r = run_tokenize(path)
    assert r.returncode == 1, r.stderr
    assert f"{path}:{where}: error:" in r.stderr, r.stderr
    assert message in r.stderr
    assert r.stderr.count("error:") == 1
    # The tokens before the error are the ones tokenize yielded before raising.
    assert r.stdout.splitlines() == want


def test_error_diagnostic_shows_line_and_caret(tmp_path):
    path = tmp_path / "dedent.py"
    path.write_text("def f():\n        return 1\n    pass\n")
    r = run_tokenize(path)
    assert r.returncode == 1
    assert "    pass" in r.stderr and "^" in r.stderr


def test_binary_garbage_never_crashes(tmp_path):
    import random
    rng = random.Random(1234)
    for i in range(40):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        if i % 2:
            data = b"x = (" + data
        path = tmp_path / f"g{i}.py"
        path.write_bytes(data)
        r = run_tokenize(path)
        assert r.returncode in (0, 1), r.stderr
        msg = compare(path)
        assert msg is None, msg


def test_unicode_tables_are_current():
    """compiler/lex_unicode.c is what tests/lex_unicode_gen.py prints."""
    import lex_unicode_gen
    committed = (ROOT / "compiler" / "lex_unicode.c").read_text()
    assert committed == lex_unicode_gen.source(), "run: python3 tests/lex_unicode_gen.py > compiler/lex_unicode.c"


if __name__ == "__main__" and sys.argv[1:] == ["--regen"]:
    for p in GOLDEN_INPUTS:
        p.with_suffix(".tokens").write_text(golden_text(p))
        print("wrote", p.with_suffix(".tokens"))
