"""Shrinks a failing generated program while keeping its failure class.

Greedy, on the program model (so every candidate renders to well-formed
Python): drop driver calls, drop functions, empty or delete statements,
inline compound statements, replace expressions by a same-typed
subexpression or a constant, simplify scalar arguments.  A candidate is kept
only when run_program gives the same Result.key.
"""
import copy
import re
import time

from .ast import Const, Expr, Stmt
from .runner import run_program

BLOCK_ATTRS = {"If": ("bodies", "orelse"), "For": ("body", "orelse"), "While": ("body",)}


def resolve(root, path):
    for step in path:
        root = root[step] if isinstance(step, int) else getattr(root, step)
    return root


def _stmt_lists(prog):
    """Paths of every statement list, outermost first."""
    out = []

    def walk(block, path):
        out.append(path)
        for i, s in enumerate(block):
            for attr in BLOCK_ATTRS.get(type(s).__name__, ()):
                v = getattr(s, attr)
                if attr == "bodies":
                    for k, b in enumerate(v):
                        walk(b, path + [i, attr, k])
                else:
                    walk(v, path + [i, attr])
    for fi, f in enumerate(prog.funcs):
        walk(f.body, ["funcs", fi, "body"])
    return out


def _expr_sites(prog):
    """Paths of every expression (outermost first)."""
    out = []

    def walk_expr(e, path):
        out.append(path)
        for attr in e.kids:
            v = getattr(e, attr)
            if isinstance(v, list):
                for k, c in enumerate(v):
                    if isinstance(c, Expr):
                        walk_expr(c, path + [attr, k])
            elif isinstance(v, Expr):
                walk_expr(v, path + [attr])

    def walk_stmt(s, path):
        for attr in s.kids:
            v = getattr(s, attr)
            if attr in ("target", "targets"):   # assignment targets: only their indices
                for k, t in enumerate(v if isinstance(v, list) else [v]):
                    tp = path + [attr, k] if isinstance(v, list) else path + [attr]
                    for j, c in enumerate(getattr(t, "idx", None) or []):
                        walk_expr(c, tp + ["idx", j])
                continue
            if isinstance(v, list):
                for k, c in enumerate(v):
                    if isinstance(c, Expr):
                        walk_expr(c, path + [attr, k])
            elif isinstance(v, Expr):
                walk_expr(v, path + [attr])

    for p in _stmt_lists(prog):
        for i, s in enumerate(resolve(prog, p)):
            if isinstance(s, Stmt):
                walk_stmt(s, p + [i])
    return out


def _set(prog, path, value):
    parent = resolve(prog, path[:-1])
    if isinstance(path[-1], int):
        parent[path[-1]] = value
    else:
        setattr(parent, path[-1], value)


ZERO = {"int": "0", "float": "0.0", "bool": "False", "cond": "True"}
ONE = {"int": "1", "float": "1.0", "bool": "True"}


def candidates(prog, fail_call):
    """Yields (description, edit) with edit(copy_of_prog) applying it."""
    if fail_call is not None and len(prog.calls) > 1:
        yield "keep only the failing call", lambda p: setattr(p, "calls", [p.calls[fail_call]])
    for i in range(len(prog.calls)):
        if len(prog.calls) > 1:
            yield f"drop call {i}", lambda p, i=i: p.calls.pop(i)
    body = "\n".join("\n".join(f.lines("plain")) for f in prog.funcs) + repr(prog.calls)
    used = lambda name: re.search(rf"\b{name}\b", body)  # noqa: E731
    for ci in range(len(prog.consts)):
        if not used(prog.consts[ci][0]):
            yield f"drop constant {prog.consts[ci][0]}", lambda p, ci=ci: p.consts.pop(ci)
    for fi in range(len(prog.funcs)):
        if len(re.findall(rf"\b{prog.funcs[fi].name}\b", body)) > 1:
            continue   # called from another function or the driver
        yield f"drop function {prog.funcs[fi].name}", lambda p, fi=fi: p.funcs.pop(fi)
    for path in _stmt_lists(prog):
        block = resolve(prog, path)
        if len(block) > 1:
            yield f"empty block {path}", lambda p, path=path: _empty(p, path)
        for i in reversed(range(len(block))):
            s = block[i]
            if getattr(s, "essential", False) or (path[-1] == "body" and len(path) == 3 and i == len(block) - 1):
                continue   # keep each function's final return
            yield f"delete {path + [i]}", lambda p, path=path, i=i: resolve(p, path).pop(i)
            for attr in BLOCK_ATTRS.get(type(s).__name__, ()):
                inner = getattr(s, attr)
                for b in (inner if attr == "bodies" else [inner]):
                    yield f"inline {path + [i]}", lambda p, path=path, i=i, b=b: _inline(p, path, i, b)
    for path in _expr_sites(prog):
        e = resolve(prog, path)
        for c in e.children():
            if c.ty == e.ty and e.ty != "cond":
                yield f"subexpr {path}", lambda p, path=path, c=c: _set(p, path, copy.deepcopy(c))
        if not isinstance(e, Const) and e.ty in ZERO:
            yield f"zero {path}", lambda p, path=path, t=e.ty: _set(p, path, Const(ZERO[t], t))
            if e.ty in ONE:
                yield f"one {path}", lambda p, path=path, t=e.ty: _set(p, path, Const(ONE[t], t))
    for ci, call in enumerate(prog.calls):
        for ai, a in enumerate(call["args"]):
            simpler = {"int": 0, "float": (0.0).hex(), "bool": False}.get(a["k"])
            if simpler is not None and a["v"] != simpler:
                yield f"arg {ci}.{ai}", lambda p, ci=ci, ai=ai, v=simpler: p.calls[ci]["args"][ai].update(v=v)
            if a["k"] == "array" and a["view"] != "contig":
                yield f"contig arg {ci}.{ai}", lambda p, ci=ci, ai=ai: _contig(p.calls[ci]["args"][ai])


def _contig(a):
    if a["view"] == "strided":
        return   # the base is twice the size; leave it
    a["view"] = "contig"


def _empty(p, path):
    block = resolve(p, path)
    keep = [s for s in block if getattr(s, "essential", False)]
    if len(path) == 3:   # a function body keeps its final return
        keep.append(block[-1])
    block[:] = keep


def _inline(p, path, i, body):
    block = resolve(p, path)
    block[i:i + 1] = copy.deepcopy(body)


def reduce(prog, result, pyjitc, budget_s=300, log=print):
    """Returns (smaller_prog, result) with result.key unchanged."""
    key = result.key
    cur, cur_res = prog, result
    t0 = time.time()
    tried = 0
    progress = True
    failed = set()   # rendered candidates already run without keeping the failure
    while progress and time.time() - t0 < budget_s:
        progress = False
        seen_src = cur.source() + repr(cur.calls)
        for desc, edit in list(candidates(cur, cur_res.call)):
            if time.time() - t0 > budget_s:
                break
            cand = copy.deepcopy(cur)
            try:
                edit(cand)
            except (IndexError, AttributeError):
                continue
            text = cand.source() + repr(cand.calls)
            if text == seen_src or text in failed:
                continue
            tried += 1
            r = run_program(cand, pyjitc)
            if r.key != key:
                failed.add(text)
            else:
                cur, cur_res, progress = cand, r, True
                log(f"  reduce: {desc} -> {len(cur.source().splitlines())} lines")
                break   # candidate paths are stale now
    log(f"  reduce: {tried} candidates tried in {time.time() - t0:.0f} s")
    return cur, cur_res

