"""The generator's program model: typed expression and statement nodes that
render to Python source in two modes.

mode "plain": the program pyjitc compiles.
mode "ref":   the same program for the CPython reference run, with every int
              operation that can leave int64 wrapped in a refrt helper
              (_ck, _ipow, _shl, ...), so the reference raises OverflowError
              exactly where SPEC §3 says compiled code must (see refrt.py).

Types are strings: "int", "float", "bool", "None", or array types written as
pyjitc annotations ("f64[:]", "i32[:, :]", "f64[::1]").
"""

# Python operator precedence (higher binds tighter).
P_IFEXP, P_OR, P_AND, P_NOT, P_CMP = 1, 2, 3, 4, 5
P_BOR, P_BXOR, P_BAND, P_SHIFT, P_ADD, P_MUL, P_UNARY, P_POW, P_ATOM = 6, 7, 8, 9, 10, 11, 12, 13, 14

BINPREC = {"|": P_BOR, "^": P_BXOR, "&": P_BAND, "<<": P_SHIFT, ">>": P_SHIFT,
           "+": P_ADD, "-": P_ADD, "*": P_MUL, "/": P_MUL, "//": P_MUL, "%": P_MUL,
           "**": P_POW}

ELEM_VALUE = {"f64": "float", "f32": "float", "i64": "int", "i32": "int", "i16": "int",
              "i8": "int", "u8": "int", "u16": "int", "u32": "int"}


def is_array(ty):
    return ty.endswith("]")


def elem_of(ty):
    return ty.split("[", 1)[0]


def ndim_of(ty):
    return ty.count(",") + 1


def is_const(e):
    """True when pyjitc can fold e (literals, module constants K*, arithmetic)."""
    if isinstance(e, Const):
        return True
    if isinstance(e, Var):
        return e.name.startswith("K")
    if isinstance(e, (Raw, Index)):
        return False
    if isinstance(e, Call) and not e.fname.startswith(("math.", "np.", "abs", "min", "max", "int", "float", "round", "bool")):
        return False
    return all(is_const(c) for c in e.children())


def wrap(text, prec, need):
    return f"({text})" if prec < need else text


class Node:
    """Base: `kids` names the attributes holding child expressions (for the reducer)."""
    kids = ()

    def children(self):
        out = []
        for k in self.kids:
            v = getattr(self, k)
            if isinstance(v, list):
                out.extend(v)
            elif v is not None:
                out.append(v)
        return out


class Expr(Node):
    ty = "int"
    prec = P_ATOM

    def render(self, mode):
        raise NotImplementedError


class Const(Expr):
    def __init__(self, text, ty):
        self.text, self.ty = text, ty
        self.prec = P_UNARY if text.startswith("-") else P_ATOM

    def render(self, mode):
        return self.text


class Var(Expr):
    def __init__(self, name, ty):
        self.name, self.ty = name, ty

    def render(self, mode):
        return self.name


class Raw(Expr):
    """An atom-precedence expression written out directly, e.g. `len(a)`, `a.shape[1]`."""
    kids = ("args",)

    def __init__(self, fmt, args, ty):
        self.fmt, self.args, self.ty = fmt, args, ty

    def render(self, mode):
        return self.fmt.format(*[a.render(mode) for a in self.args])


class BinOp(Expr):
    kids = ("l", "r")

    def __init__(self, op, l, r, ty):
        self.op, self.l, self.r, self.ty = op, l, r, ty
        self.prec = BINPREC[op]

    def plain(self, mode):
        p = self.prec
        if self.op == "**":   # right-associative; a unary operand on the left needs parens
            return f"{wrap(self.l.render(mode), self.l.prec, P_ATOM)} ** {wrap(self.r.render(mode), self.r.prec, P_UNARY)}"
        return f"{wrap(self.l.render(mode), self.l.prec, p)} {self.op} {wrap(self.r.render(mode), self.r.prec, p + 1)}"

    def render(self, mode):
        if mode == "ref" and self.ty == "int":
            a, b = self.l.render(mode), self.r.render(mode)
            if self.op == "**":
                return f"_ipow({a}, {b})"
            if self.op == "<<":
                return f"_shl({a}, {b})"
            if self.op in ("+", "-", "*", "//"):
                return f"_ck({self.plain(mode)})"
        if mode == "ref" and self.ty == "float" and self.op == "**":
            return f"_fpow({self.l.render(mode)}, {self.r.render(mode)})"
        return self.plain(mode)

    @property
    def rprec(self):
        return self.prec


def _is_2_63(e):
    """A literal expression whose value is exactly 2**63."""
    lit = lambda x, v: isinstance(x, Const) and x.text.replace("_", "") == v
    if lit(e, "9223372036854775808"):
        return True
    return isinstance(e, BinOp) and ((e.op == "**" and lit(e.l, "2") and lit(e.r, "63")) or
                                     (e.op == "<<" and lit(e.l, "1") and lit(e.r, "63")))


class Unary(Expr):
    kids = ("e",)

    def __init__(self, op, e, ty):
        self.op, self.e, self.ty = op, e, ty
        self.prec = P_NOT if op == "not" else P_UNARY

    def render(self, mode):
        sep = " " if self.op == "not" else ""
        text = f"{self.op}{sep}{wrap(self.e.render(mode), self.e.prec, self.prec)}"
        if mode == "ref" and self.op == "-" and _is_2_63(self.e):
            # -2**63 (or -(1 << 63)) is how Python spells INT64_MIN: pyjitc
            # takes it as that constant (check_annot.c, is_int_2_63), CPython's value
            return "(-9223372036854775808)"
        if mode == "ref" and self.op == "-" and self.ty == "int":
            return f"_ck({text})"
        return text


class Compare(Expr):
    """A comparison chain: operands[0] ops[0] operands[1] ops[1] ..."""
    kids = ("operands",)
    ty = "bool"
    prec = P_CMP

    def __init__(self, ops, operands):
        self.ops, self.operands = ops, operands

    def render(self, mode):
        parts = [wrap(self.operands[0].render(mode), self.operands[0].prec, P_CMP + 1)]
        for op, e in zip(self.ops, self.operands[1:]):
            parts.append(op)
            parts.append(wrap(e.render(mode), e.prec, P_CMP + 1))
        return " ".join(parts)


class BoolOp(Expr):
    kids = ("l", "r")

    def __init__(self, op, l, r, ty):
        self.op, self.l, self.r, self.ty = op, l, r, ty
        self.prec = P_AND if op == "and" else P_OR

    def render(self, mode):
        p = self.prec
        return f"{wrap(self.l.render(mode), self.l.prec, p)} {self.op} {wrap(self.r.render(mode), self.r.prec, p + 1)}"


class IfExp(Expr):
    kids = ("a", "c", "b")
    prec = P_IFEXP

    def __init__(self, a, c, b, ty):
        self.a, self.c, self.b, self.ty = a, c, b, ty

    def render(self, mode):
        return (f"{wrap(self.a.render(mode), self.a.prec, P_IFEXP + 1)} if "
                f"{wrap(self.c.render(mode), self.c.prec, P_IFEXP + 1)} else "
                f"{wrap(self.b.render(mode), self.b.prec, P_IFEXP)}")


class Call(Expr):
    """fname(args...); `ck` wraps the result in _ck in ref mode (int results
    that CPython could grow: int(), round(), math.floor, abs ...)."""
    kids = ("args",)

    def __init__(self, fname, args, ty, ck=False, reffn=None, kw=None):
        self.fname, self.args, self.ty, self.ck, self.reffn = fname, args, ty, ck, reffn
        self.kw = kw   # per argument: a keyword name or None (positional)

    def render(self, mode):
        fn = self.reffn if (mode == "ref" and self.reffn) else self.fname
        args = [a.render(mode) for a in self.args]
        for k, name in enumerate(self.kw or ()):
            if name:
                args[k] = f"{name}={args[k]}"
        text = f"{fn}({', '.join(args)})"
        if mode == "ref" and self.ck:
            return f"_ck({text})"
        return text


class Tuple(Expr):
    """A tuple of scalars (returns and unpacking only); rendered parenthesized."""
    kids = ("items",)

    def __init__(self, items, ty):
        self.items, self.ty = items, ty

    def render(self, mode):
        return "(" + ", ".join(i.render(mode) for i in self.items) + ")"


class Index(Expr):
    kids = ("idx",)

    def __init__(self, arr, idx, ty):
        self.arr, self.idx, self.ty = arr, idx, ty

    def render(self, mode):
        return f"{self.arr}[{', '.join(i.render(mode) for i in self.idx)}]"


# ---------------------------------------------------------------- statements

class Stmt(Node):
    essential = False   # the reducer never deletes it (while-loop guards)
    blocks = ()         # attributes holding statement lists

    def lines(self, mode, ind):
        raise NotImplementedError


def render_block(stmts, mode, ind):
    out = []
    for s in stmts:
        out.extend(s.lines(mode, ind))
    if not out:
        out.append("    " * ind + "pass")
    return out


class Assign(Stmt):
    kids = ("e",)

    def __init__(self, name, e, ann=None):
        self.name, self.e, self.ann = name, e, ann

    def lines(self, mode, ind):
        ann = f": {self.ann}" if self.ann else ""
        return ["    " * ind + f"{self.name}{ann} = {self.e.render(mode)}"]


class Unpack(Stmt):
    """t1, t2, ... = e   (targets: names or Index elements)."""
    kids = ("targets", "e")

    def __init__(self, targets, e):
        self.targets, self.e = targets, e

    def lines(self, mode, ind):
        return ["    " * ind + f"{', '.join(t.render(mode) for t in self.targets)} = {self.e.render(mode)}"]


class AugAssign(Stmt):
    """target op= e; target is a name or an Index (array element)."""
    kids = ("target", "e")

    def __init__(self, target, op, e, ty):
        self.target, self.op, self.e, self.ty = target, op, e, ty

    def lines(self, mode, ind):
        t = self.target.render(mode)
        if mode == "ref" and (self.ty == "int" or self.op == "**"):
            if isinstance(self.target, Index):  # the index once, as Python does
                b = BinOp(self.op, Var("_v", self.ty), self.e, self.ty)
                idx = ", ".join(i.render(mode) for i in self.target.idx)
                return ["    " * ind + f"_aug({self.target.arr}, ({idx},), lambda _v: {b.render(mode)})"]
            b = BinOp(self.op, self.target, self.e, self.ty)
            return ["    " * ind + f"{t} = {b.render(mode)}"]
        return ["    " * ind + f"{t} {self.op}= {self.e.render(mode)}"]


class Store(Stmt):
    kids = ("target", "e")

    def __init__(self, target, e):
        self.target, self.e = target, e

    def lines(self, mode, ind):
        return ["    " * ind + f"{self.target.render(mode)} = {self.e.render(mode)}"]


class ExprStmt(Stmt):
    kids = ("e",)

    def __init__(self, e):
        self.e = e

    def lines(self, mode, ind):
        return ["    " * ind + self.e.render(mode)]


class Simple(Stmt):
    """break / continue / pass / raise X("...")."""

    def __init__(self, text):
        self.text = text

    def lines(self, mode, ind):
        return ["    " * ind + self.text]


class Return(Stmt):
    kids = ("e",)

    def __init__(self, e):
        self.e = e

    def lines(self, mode, ind):
        return ["    " * ind + ("return" if self.e is None else f"return {self.e.render(mode)}")]


class Assert(Stmt):
    kids = ("e",)

    def __init__(self, e, msg):
        self.e, self.msg = e, msg

    def lines(self, mode, ind):
        m = f", {self.msg!r}" if self.msg else ""
        return ["    " * ind + f"assert {self.e.render(mode)}{m}"]


class If(Stmt):
    kids = ("conds",)
    blocks = ("bodies", "orelse")

    def __init__(self, conds, bodies, orelse):
        self.conds, self.bodies, self.orelse = conds, bodies, orelse

    def lines(self, mode, ind):
        out = []
        for k, (c, b) in enumerate(zip(self.conds, self.bodies)):
            kw = "if" if k == 0 else "elif"
            out.append("    " * ind + f"{kw} {c.render(mode)}:")
            out.extend(render_block(b, mode, ind + 1))
        if self.orelse:
            out.append("    " * ind + "else:")
            out.extend(render_block(self.orelse, mode, ind + 1))
        return out


class For(Stmt):
    """for var in range(args) / for var in arr (args is None, arr set)."""
    kids = ("args",)
    blocks = ("body", "orelse")

    def __init__(self, var, args, body, arr=None, orelse=None):
        self.var, self.args, self.body, self.arr, self.orelse = var, args, body, arr, orelse or []

    def lines(self, mode, ind):
        it = self.arr if self.arr else f"range({', '.join(a.render(mode) for a in self.args)})"
        out = ["    " * ind + f"for {self.var} in {it}:"]
        out.extend(render_block(self.body, mode, ind + 1))
        if self.orelse:
            out.append("    " * ind + "else:")
            out.extend(render_block(self.orelse, mode, ind + 1))
        return out


class While(Stmt):
    """while cond and ctr < limit: ctr += 1; body  (termination by the counter)."""
    kids = ("cond",)
    blocks = ("body",)

    def __init__(self, cond, ctr, limit, body, true_form):
        self.cond, self.ctr, self.limit, self.body, self.true_form = cond, ctr, limit, body, true_form

    def lines(self, mode, ind):
        pad = "    " * ind
        out = [pad + f"{self.ctr} = 0"]
        if self.true_form:
            out.append(pad + "while True:")
            out.append(pad + f"    if {self.ctr} >= {self.limit}:")
            out.append(pad + "        break")
        else:
            c = wrap(self.cond.render(mode), self.cond.prec, P_AND + 1)
            out.append(pad + f"while {c} and {self.ctr} < {self.limit}:")
        out.append(pad + f"    {self.ctr} += 1")
        out.extend(render_block(self.body, mode, ind + 1))
        return out


class Func:
    def __init__(self, name, params, ret, body, native=True):
        self.name, self.params, self.ret, self.body, self.native = name, params, ret, body, native

    def lines(self, mode):
        if self.native:
            ps = ", ".join(f"{n}: {t}" for n, t in self.params)
            out = ["@native", f"def {self.name}({ps}) -> {self.ret}:"]
        else:   # an unannotated helper: pyjitc specializes it per call site
            ps = ", ".join(n for n, _ in self.params)
            out = [f"def {self.name}({ps}):"]
        out.extend(render_block(self.body, mode, 1))
        return out


HEADER = ("import math\n"
          "import numpy as np\n"
          "from pyjitc import native, f64, f32, i64, i32, i16, i8, u8, u16, u32\n")
REF_HEADER = "from fuzzdiff.refrt import _aug, _ck, _ipow, _shl, _fpow, _np\n"


class Program:
    def __init__(self, seed, consts, funcs, calls):
        self.seed, self.consts, self.funcs, self.calls = seed, consts, funcs, calls

    def source(self, mode="plain"):
        out = [HEADER.rstrip("\n")]
        if mode == "ref":
            out.append(REF_HEADER.rstrip("\n"))
        out.append("")
        for name, text in self.consts:
            out.append(f"{name} = {text}")
        for f in self.funcs:
            out.append("")
            out.append("")
            out.extend(f.lines(mode))
        return "\n".join(out) + "\n"
