"""Random typed programs for differential testing (Csmith-style), one per seed.

Programs type-check by construction: every expression is generated for a
wanted type, locals keep one type (declared at the top of the function, so
definite assignment always holds), int and float are never mixed where
pyjitc documents a difference from CPython (a float local assigned an int,
an int returned from a float function, int-vs-float comparisons, mixed
min/max, an int passed to a float parameter).  Termination is by
construction: range() bounds are small bounded expressions, while loops
carry a counter, calls only go from a function to later ones (acyclic).
"""
import random

from .ast import (Assert, Assign, AugAssign, BinOp, BoolOp, Call, Compare, Const,
                  ELEM_VALUE, ExprStmt, For, Func, If, IfExp, Index, Program, Raw, Tuple, Unpack,
                  Return, Simple, Store, Unary, Var, While, elem_of, is_array, is_const, ndim_of)

SMALL_INTS = ["0", "1", "2", "3", "5", "7", "10", "-1", "-2", "-3", "-7", "100"]
EDGE_INTS = ["255", "256", "-128", "1000", "65535", "2147483647", "-2147483648", "4294967296",
             "4611686018427387904", "3037000499", "3037000500", "9223372036854775807",
             "-9223372036854775807", "(-9223372036854775807 - 1)", "0x7f", "1_000", "63", "64"]
SMALL_FLOATS = ["0.0", "1.0", "-1.0", "0.5", "2.5", "-3.75", "0.1", "3.0", "-2.0", "10.0", "1e-3"]
EDGE_FLOATS = ["-0.0", "1e308", "-1e308", "5e-324", "2.2250738585072014e-308", "1e16",
               "9007199254740993.0", "math.inf", "-math.inf", "math.nan", "math.pi", "math.e",
               "1e-300", "1.5e300", "4.5", "-4.5", "0.49999999999999994", "1e22"]

MATH1 = ["sqrt", "exp", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin",
         "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "fabs", "degrees",
         "radians", "erf", "erfc", "gamma", "lgamma"]
MATH2 = ["atan2", "pow", "hypot", "fmod", "copysign", "log"]
# The float -> float numpy functions compiled code supports: the checker
# rejects the ones whose NumPy result differs from libm (exp, log, tanh, ...;
# measured in tests/test_numpy_exactness.py, regression np_tanh_is_numpy_not_libm).
NP1 = ["sqrt", "sin", "cos", "fabs", "floor", "ceil", "trunc", "abs", "degrees", "radians"]

ARRAY_TYPES = ["f64[:]", "f64[:]", "i64[:]", "i64[:]", "i32[:]", "f32[:]", "u8[:]", "i16[:]",
               "f64[:, :]", "i64[:, :]", "f64[::1]", "i8[:]", "u16[:]", "u32[:]"]

INT_AUG = ["+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>"]
FLOAT_AUG = ["+", "-", "*", "/", "//", "%", "**"]


class Scope:
    def __init__(self):
        self.vars = {}          # name -> type (params, locals, loop vars)
        self.assignable = []    # scalar names random assignments may target
        self.loop_ints = []     # range-loop variables currently live (good indices)
        self.decls = []         # Assign statements placed at the top

    def of_type(self, ty):
        return [n for n, t in self.vars.items() if t == ty]


class Gen:
    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        self.funcs = []          # generated so far (callable from the next one)
        self.consts = []
        self.nvar = 0

    # ------------------------------------------------------------ helpers
    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def fresh(self, prefix):
        self.nvar += 1
        return f"{prefix}{self.nvar}"

    # ------------------------------------------------------------ constants
    def int_const(self):
        return Const(self.pick(EDGE_INTS if self.chance(0.2) else SMALL_INTS), "int")

    def float_const(self):
        return Const(self.pick(EDGE_FLOATS if self.chance(0.25) else SMALL_FLOATS), "float")

    def const(self, ty):
        if ty == "int":
            return self.int_const()
        if ty == "float":
            return self.float_const()
        return Const(self.pick(["True", "False"]), "bool")

    # ------------------------------------------------------------ expressions
    def leaf(self, ty, sc):
        names = sc.of_type(ty) + [n for n, t, _ in self.consts if t == ty]
        if ty == "int":
            arrs = [n for n, t in sc.vars.items() if is_array(t)]
            if arrs and self.chance(0.15):
                a = self.pick(arrs)
                k = self.r.randrange(ndim_of(sc.vars[a]))
                return self.pick([Raw(f"len({a})", [], "int"), Raw(f"{a}.shape[{k}]", [], "int"),
                                  Raw(f"{a}.size", [], "int"), Raw(f"{a}.ndim", [], "int")])
        if names and self.chance(0.7):
            return Var(self.pick(names), ty)
        return self.const(ty)

    def expr(self, ty, sc, d):
        if d <= 0 or self.chance(0.2):
            return self.leaf(ty, sc)
        if ty == "int":
            return self.int_expr(sc, d)
        if ty == "float":
            return self.float_expr(sc, d)
        return self.bool_expr(sc, d)

    def divisor(self, e, ty):
        """Mostly nonzero: `e or 1` (a zero divisor in ~1 of 4 programs' divisions)."""
        if self.chance(0.7):
            return BoolOp("or", e, Const("1" if ty == "int" else "1.0", ty), ty)
        return e

    def callables(self, sc):
        fs = [f for f in self.funcs if self.can_call(f, sc)]
        rec = getattr(sc, "rec", None)
        if rec is not None and sc.rec_sites < 2 and sc.loops == 0:
            fs.append(rec)
        return fs

    def user_call(self, ty, sc, d):
        cands = [f for f in self.callables(sc) if f.ret == ty]
        if not cands:
            return None
        f = self.pick(cands)
        return self.make_call(f, sc, d)

    def make_call(self, f, sc, d):
        args = self.call_args(f, sc, d)
        kw = None
        if self.chance(0.25):   # a keyword suffix, in parameter order
            k = self.r.randrange(len(args) + 1)
            kw = [None] * k + [n for n, _ in f.params[k:]]
        return Call(f.name, args, f.ret, kw=kw)

    def can_call(self, f, sc):
        return all(sc.of_type(t) for _, t in f.params if is_array(t))

    def call_args(self, f, sc, d):
        args = []
        if f is getattr(sc, "rec", None):
            sc.rec_sites += 1
        for k, (_, t) in enumerate(f.params):
            if f is getattr(sc, "rec", None) and k == 0:
                # the depth parameter: recursion stays shallow whatever the caller passes
                args.append(BinOp("-", Call("min", [Var("depth", "int"), Const("4", "int")], "int"),
                                  Const("1", "int"), "int"))
                continue
            if is_array(t):
                args.append(Var(self.pick(sc.of_type(t)), t))
            elif t == "i32":   # keep it in range: an i32 parameter range-checks, CPython would not
                args.append(BinOp("%", self.expr("int", sc, d - 1), Const("1000", "int"), "int"))
            else:
                args.append(self.expr(t, sc, d - 1))
        return args

    def element(self, vty, sc, d):
        arrs = [n for n, t in sc.vars.items() if is_array(t) and ELEM_VALUE[elem_of(t)] == vty]
        if not arrs:
            return None
        a = self.pick(arrs)
        return Index(a, self.indices(a, sc, d), vty)

    def indices(self, a, sc, d):
        nd = ndim_of(sc.vars[a])
        out = []
        for k in range(nd):
            dim = Raw(f"{a}.shape[{k}]", [], "int") if nd > 1 or self.chance(0.5) else Raw(f"len({a})", [], "int")
            x = self.r.random()
            if sc.loop_ints and x < 0.45:
                out.append(Var(self.pick(sc.loop_ints), "int"))
            elif x < 0.75:
                out.append(BinOp("%", self.expr("int", sc, d - 1), dim, "int"))
            elif x < 0.85:
                out.append(Const(self.pick(["0", "-1", "1", "-2"]), "int"))
            elif x < 0.92:
                out.append(Unary("-", dim, "int") if self.chance(0.5) else dim)
            else:
                out.append(self.expr("int", sc, d - 1))
        return out

    def int_expr(self, sc, d):
        x = self.r.random()
        if x < 0.40:
            op = self.pick(["+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>", "**", "+", "-", "*"])
            l = self.expr("int", sc, d - 1)
            if op == "**":
                r = self.expr("int", sc, d - 1) if self.chance(0.3) else None
                if r is None or is_const(r):   # pyjitc rejects a constant negative exponent
                    r = Const(self.pick(["0", "1", "2", "3", "5", "63", "64"]), "int")
            elif op in ("<<", ">>"):
                r = (Const(self.pick(["0", "1", "3", "31", "62", "63", "64", "70"]), "int")
                     if self.chance(0.6) else self.expr("int", sc, d - 1))
            else:
                r = self.expr("int", sc, d - 1)
            if op in ("//", "%"):
                r = self.divisor(r, "int")
            if op in ("+", "-", "*", "&") and self.chance(0.08):
                r = self.expr("bool", sc, d - 1)   # bool takes part as int
            return BinOp(op, l, r, "int")
        if x < 0.48:
            return Unary(self.pick(["-", "~", "+", "-"]), self.expr("int", sc, d - 1), "int")
        if x < 0.62:
            k = self.r.randrange(8)
            if k == 0:
                return Call("abs", [self.expr("int", sc, d - 1)], "int", ck=True)
            if k == 1:
                n = self.r.randrange(2, 4)
                return Call(self.pick(["min", "max"]), [self.expr("int", sc, d - 1) for _ in range(n)], "int")
            if k == 2:
                return Call("int", [self.expr("float", sc, d - 1)], "int", ck=True)
            if k == 3:
                return Call("round", [self.expr("float", sc, d - 1)], "int", ck=True)
            if k == 4:
                return Call("math." + self.pick(["floor", "ceil", "trunc"]), [self.expr("float", sc, d - 1)],
                            "int", ck=True)
            if k == 5:
                return Call("math.gcd", [self.expr("int", sc, d - 1), self.expr("int", sc, d - 1)], "int", ck=True)
            if k == 6:
                return Call("int", [self.expr(self.pick(["int", "bool"]), sc, d - 1)], "int")
            return Call("round", [self.expr("int", sc, d - 1)], "int")
        if x < 0.70:
            return IfExp(self.expr("int", sc, d - 1), self.cond(sc, d - 1), self.expr("int", sc, d - 1), "int")
        if x < 0.74:
            return BoolOp(self.pick(["and", "or"]), self.expr("int", sc, d - 1), self.expr("int", sc, d - 1), "int")
        if x < 0.84:
            e = self.user_call("int", sc, d)
            if e:
                return e
        e = self.element("int", sc, d)
        return e if e else self.leaf("int", sc)

    def float_expr(self, sc, d):
        x = self.r.random()
        if x < 0.38:
            op = self.pick(["+", "-", "*", "/", "//", "%", "**", "+", "*", "/"])
            y = self.r.random()
            if op == "/" and y < 0.2:
                return BinOp("/", self.expr("int", sc, d - 1), self.expr("int", sc, d - 1), "float")
            lt, rt = ("float", "float") if y < 0.7 else self.pick([("float", "int"), ("int", "float")])
            r = self.expr(rt, sc, d - 1)
            if op in ("/", "//", "%"):
                r = self.divisor(r, rt)
            return BinOp(op, self.expr(lt, sc, d - 1), r, "float")
        if x < 0.44:
            return Unary(self.pick(["-", "+"]), self.expr("float", sc, d - 1), "float")
        if x < 0.62:
            k = self.r.randrange(9)
            arg = lambda: self.expr("float" if self.chance(0.8) else "int", sc, d - 1)  # noqa: E731
            if k <= 2:
                return Call("math." + self.pick(MATH1), [arg()], "float")
            if k == 3:
                return Call("math." + self.pick(MATH2), [arg(), arg()], "float")
            if k == 4:
                return Call("float", [self.expr(self.pick(["int", "int", "bool"]), sc, d - 1)], "float")
            if k == 5:
                n = self.r.randrange(2, 4)
                return Call(self.pick(["min", "max"]), [self.expr("float", sc, d - 1) for _ in range(n)], "float")
            if k == 6:
                return Call("abs", [self.expr("float", sc, d - 1)], "float")
            if k == 7:
                nd = Const(self.pick(["0", "1", "2", "-1", "3", "300", "-400"]), "int") if self.chance(0.7) \
                    else self.expr("int", sc, d - 1)
                return Call("round", [self.expr("float", sc, d - 1), nd], "float")
            f = self.pick(NP1)
            return Call("np." + f, [self.expr("float", sc, d - 1)], "float", reffn="_np." + f)
        if x < 0.70:
            return IfExp(self.expr("float", sc, d - 1), self.cond(sc, d - 1), self.expr("float", sc, d - 1), "float")
        if x < 0.73:
            return BoolOp(self.pick(["and", "or"]), self.expr("float", sc, d - 1),
                          self.expr("float", sc, d - 1), "float")
        if x < 0.83:
            e = self.user_call("float", sc, d)
            if e:
                return e
        e = self.element("float", sc, d)
        return e if e else self.leaf("float", sc)

    def bool_expr(self, sc, d):
        x = self.r.random()
        if x < 0.45:
            t = self.pick(["int", "int", "float"])
            n = 2 if self.chance(0.75) else 3
            ops = [self.pick(["<", "<=", ">", ">=", "==", "!="]) for _ in range(n - 1)]
            if n == 3 and t == "int" and self.chance(0.5):
                ops = ["<=", "<"]
                return Compare(ops, [Const("0", "int"), self.expr("int", sc, d - 1), self.expr("int", sc, d - 1)])
            return Compare(ops, [self.expr(t, sc, d - 1) for _ in range(n)])
        if x < 0.55:
            return Unary("not", self.expr(self.pick(["bool", "int", "float"]), sc, d - 1), "bool")
        if x < 0.65:
            return BoolOp(self.pick(["and", "or"]), self.expr("bool", sc, d - 1), self.expr("bool", sc, d - 1), "bool")
        if x < 0.73:
            return Call("math." + self.pick(["isnan", "isinf", "isfinite"]), [self.expr("float", sc, d - 1)], "bool")
        if x < 0.78:
            return Call("bool", [self.expr(self.pick(["int", "float"]), sc, d - 1)], "bool")
        if x < 0.84:
            return BinOp(self.pick(["&", "|", "^"]), self.expr("bool", sc, d - 1), self.expr("bool", sc, d - 1), "bool")
        if x < 0.88:
            return IfExp(self.expr("bool", sc, d - 1), self.cond(sc, d - 1), self.expr("bool", sc, d - 1), "bool")
        if x < 0.92:
            e = self.user_call("bool", sc, d)
            if e:
                return e
        return self.leaf("bool", sc)

    def cond(self, sc, d):
        x = self.r.random()
        if x < 0.75:
            return self.expr("bool", sc, max(d, 1))
        if x < 0.9:
            return self.expr(self.pick(["int", "float"]), sc, d)
        # any numbers are fine in a condition's and/or
        return BoolOp(self.pick(["and", "or"]), self.expr(self.pick(["int", "float", "bool"]), sc, d - 1),
                      self.expr(self.pick(["int", "float", "bool"]), sc, d - 1), "cond")

    def bounded(self, sc, d):
        """An int expression of small magnitude (range bounds)."""
        x = self.r.random()
        arrs = [n for n, t in sc.vars.items() if is_array(t)]
        if x < 0.3:
            return Const(str(self.r.randint(-3, 12)), "int")
        if x < 0.5 and arrs:
            a = self.pick(arrs)
            return Raw(f"{a}.shape[{self.r.randrange(ndim_of(sc.vars[a]))}]", [], "int") \
                if self.chance(0.5) else Raw(f"len({a})", [], "int")
        if x < 0.75:
            return BinOp("%", self.expr("int", sc, d), Const(str(self.r.randint(1, 12)), "int"), "int")
        k = self.r.randint(1, 12)
        return Call("max", [Call("min", [self.expr("int", sc, d), Const(str(k), "int")], "int"),
                            Const(str(-k), "int")], "int")

    # ------------------------------------------------------------ statements
    def local(self, sc, ty, init=None):
        name = self.fresh({"int": "n", "float": "x", "bool": "b"}[ty])
        sc.vars[name] = ty
        sc.decls.append(Assign(name, init if init is not None else self.const(ty)))
        return name

    def block(self, sc, budget, depth, loops):
        out = []
        n = self.r.randint(1, max(1, min(budget, 4)))
        for _ in range(n):
            out.append(self.stmt(sc, depth, loops))
        return out

    def stmt(self, sc, depth, loops):
        sc.loops = loops
        x = self.r.random()
        nest_ok = depth < 3
        if x < 0.22:
            names = [n for n in sc.assignable if sc.vars[n] in ("int", "float", "bool")]
            if names:
                n = self.pick(names)
                return Assign(n, self.expr(sc.vars[n], sc, 3))
        if x < 0.34:
            names = [n for n in sc.assignable if sc.vars[n] in ("int", "float")]
            if names:
                n = self.pick(names)
                ty = sc.vars[n]
                op = self.pick(INT_AUG if ty == "int" else FLOAT_AUG)
                rty = ty if ty == "int" else self.pick(["float", "float", "int"])
                return AugAssign(Var(n, ty), op, self.expr(rty, sc, 2), ty)
        if x < 0.46:
            arrs = [n for n, t in sc.vars.items() if is_array(t)]
            if arrs:
                a = self.pick(arrs)
                vty = ELEM_VALUE[elem_of(sc.vars[a])]
                tgt = Index(a, self.indices(a, sc, 2), vty)
                if self.chance(0.5):
                    if vty == "int":
                        op = self.pick(INT_AUG)
                        val = self.expr("int", sc, 2)
                    else:
                        op = self.pick(FLOAT_AUG)
                        val = self.expr(self.pick(["float", "float", "int"]), sc, 2)
                    return AugAssign(tgt, op, val, vty)
                val = self.expr(vty, sc, 3)
                if vty == "int" and elem_of(sc.vars[a]) not in ("i64",) and self.chance(0.7):
                    val = BinOp("%", val, Const(self.pick(["100", "128", "7"]), "int"), "int")
                return Store(tgt, val)
        if x < 0.50 and nest_ok and self.chance(0.6):
            k = self.kernel(sc, depth, loops)
            if k:
                return k
        if x < 0.58 and nest_ok:
            k = self.r.randint(1, 3)
            conds = [self.cond(sc, 2) for _ in range(k)]
            bodies = [self.block(sc, 3, depth + 1, loops) for _ in range(k)]
            orelse = self.block(sc, 2, depth + 1, loops) if self.chance(0.5) else []
            return If(conds, bodies, orelse)
        if x < 0.72 and nest_ok:
            return self.for_stmt(sc, depth, loops)
        if x < 0.78 and nest_ok:
            ctr = self.fresh("w")
            sc.vars[ctr] = "int"
            sc.decls.append(Assign(ctr, Const("0", "int")))
            body = self.block(sc, 3, depth + 1, loops + 1)
            return While(self.cond(sc, 2), ctr, self.r.randint(0, 9), body, self.chance(0.3))
        if x < 0.84 and loops:
            return If([self.cond(sc, 2)], [[Simple(self.pick(["break", "continue"]))]], [])
        if x < 0.89:
            return If([self.cond(sc, 2)], [[self.ret_stmt(sc)]], [])
        if x < 0.91:
            return If([self.cond(sc, 2)], [[Simple(self.pick(['raise ValueError("fz raise")',
                                                               'raise IndexError("fz idx")',
                                                               "raise OverflowError"]))]], [])
        if x < 0.93:
            return Assert(self.cond(sc, 2), self.pick(["", "fz assert"]))
        if x < 0.97:
            cands = self.callables(sc)
            if cands:
                f = self.pick(cands)
                call = self.make_call(f, sc, 2)
                if f.ret.startswith("tuple["):
                    tys = f.ret[6:-1].split(", ")
                    tg = []
                    for t in tys:
                        names = [n for n in sc.assignable if sc.vars[n] == t]
                        if not names:
                            break
                        tg.append(Var(self.pick(names), t))
                    else:
                        return Unpack(tg, call)
                return ExprStmt(call)
        if x < 0.985:
            return self.swap(sc)
        return self.simple_assign(sc)

    def kernel(self, sc, depth, loops):
        """A loop over an array as kernels write it (element-wise update, reduction,
        2-D sweep), with bounds that sometimes run one past either end, so that
        bounds/overflow checks hoisted out of the loop must fall back correctly."""
        arrs = [n for n, t in sc.vars.items() if is_array(t)]
        if not arrs:
            return None
        a = self.pick(arrs)
        t = sc.vars[a]
        vty = ELEM_VALUE[elem_of(t)]
        iv = self.fresh("i")
        sc.vars[iv] = "int"
        sc.decls.append(Assign(iv, Const("0", "int")))
        ivar = Var(iv, "int")
        same = [n for n in arrs if ELEM_VALUE[elem_of(sc.vars[n])] == vty and ndim_of(sc.vars[n]) == ndim_of(t)]
        b = self.pick(same)
        if ndim_of(t) == 2:
            jv = self.fresh("i")
            sc.vars[jv] = "int"
            sc.decls.append(Assign(jv, Const("0", "int")))
            jvar = Var(jv, "int")
            el = Index(a, [ivar, jvar], vty)
            rhs = BinOp(self.pick(["+", "*", "-"]), Index(b, [ivar, jvar], vty), self.leaf(vty, sc), vty)
            inner = For(jv, [Raw(f"{a}.shape[1]", [], "int")], [Store(el, rhs)])
            return For(iv, [Raw(f"{a}.shape[0]", [], "int")], [inner])
        n = Raw(f"len({a})", [], "int")
        end = self.pick([0, 0, 0, 0, 1, -1])
        stop = n if end == 0 else BinOp("+", n, Const(str(end), "int"), "int")
        x = self.r.random()
        if x < 0.6:
            args = [stop]
        elif x < 0.8:
            args = [Const(self.pick(["-1", "0", "1"]), "int") if self.chance(0.5) else Unary("-", n, "int"), stop]
        else:
            args = [BinOp("-", n, Const("1", "int"), "int"), Const(self.pick(["-1", "-2"]), "int"),
                    Const("-1", "int")]
        el = Index(a, [ivar], vty)
        other = Index(b, [ivar], vty)
        k = self.r.randrange(4)
        if k == 0:     # element-wise update
            if vty == "float":
                rhs = BinOp(self.pick(["+", "*", "-", "/"]), BinOp("*", other, self.leaf("float", sc), "float"),
                            self.leaf("float", sc), "float")
            else:
                rhs = BinOp(self.pick(["+", "*", "-", "//", "%"]), other, self.leaf("int", sc), "int")
            body = [Store(el, rhs)]
        elif k == 1:   # reduction into a local
            names = [m for m in sc.assignable if sc.vars[m] == vty]
            if not names:
                return None
            acc = Var(self.pick(names), vty)
            body = [AugAssign(acc, self.pick(["+", "-", "*"]), BinOp("*", el, other, vty), vty)]
        elif k == 2:   # in-place op on the element
            body = [AugAssign(el, self.pick(INT_AUG[:5] if vty == "int" else FLOAT_AUG[:5]),
                              self.leaf(vty, sc), vty)]
        else:          # a prefix-sum style dependence on the previous element
            prev = Index(a, [BinOp("-", ivar, Const("1", "int"), "int")], vty)
            body = [Store(el, BinOp("+", el, prev, vty))]
        sc.loop_ints.append(iv)
        if self.chance(0.3):
            body.append(self.stmt(sc, depth + 1, loops + 1))
        sc.loop_ints.remove(iv)
        return For(iv, args, body)

    def swap(self, sc):
        """a, b = b, a on same-typed locals, or on two elements of one array."""
        arrs = [n for n, t in sc.vars.items() if is_array(t)]
        if arrs and self.chance(0.5):
            a = self.pick(arrs)
            vty = ELEM_VALUE[elem_of(sc.vars[a])]
            i, j = self.indices(a, sc, 1), self.indices(a, sc, 1)
            return Unpack([Index(a, i, vty), Index(a, j, vty)], Tuple([Index(a, j, vty), Index(a, i, vty)], "tuple"))
        n = self.pick(sc.assignable)
        same = [m for m in sc.assignable if sc.vars[m] == sc.vars[n]]
        m = self.pick(same)
        t = sc.vars[n]
        return Unpack([Var(n, t), Var(m, t)], Tuple([Var(m, t), self.expr(t, sc, 2)], "tuple"))

    def simple_assign(self, sc):
        n = self.pick(sc.assignable)
        return Assign(n, self.expr(sc.vars[n], sc, 2))

    def for_stmt(self, sc, depth, loops):
        arrs1 = [n for n, t in sc.vars.items() if is_array(t) and ndim_of(t) == 1]
        if arrs1 and self.chance(0.2):
            a = self.pick(arrs1)
            vty = ELEM_VALUE[elem_of(sc.vars[a])]
            v = self.fresh("e")
            sc.vars[v] = vty
            sc.decls.append(Assign(v, self.const(vty)))
            body = self.block(sc, 3, depth + 1, loops + 1)
            return For(v, None, body, arr=a)
        v = self.fresh("i")
        sc.vars[v] = "int"
        sc.decls.append(Assign(v, Const("0", "int")))
        x = self.r.random()
        if x < 0.35:
            args = [self.bounded(sc, 1)]
        elif x < 0.6:
            args = [self.bounded(sc, 1), self.bounded(sc, 1)]
        else:
            y = self.r.random()
            if y < 0.6:
                step = Const(self.pick(["1", "2", "3", "-1", "-2", "-3"]), "int")
            elif y < 0.9:
                step = BinOp("+", BinOp("%", self.expr("int", sc, 1), Const("3", "int"), "int"),
                             Const("1", "int"), "int")
                if self.chance(0.5):
                    step = Unary("-", step, "int")
            else:
                step = BinOp("-", BinOp("%", self.expr("int", sc, 1), Const("3", "int"), "int"),
                             Const("1", "int"), "int")   # may be 0: ValueError
            if is_const(step):   # pyjitc rejects a constant zero step
                step = Const(self.pick(["1", "2", "-1", "-2"]), "int")
            args = [self.bounded(sc, 1), self.bounded(sc, 1), step]
        sc.loop_ints.append(v)
        if self.chance(0.15):
            sc.assignable.append(v)  # reassigning a loop variable never changes the iteration
        body = self.block(sc, 3, depth + 1, loops + 1)
        sc.loop_ints.remove(v)
        if v in sc.assignable:
            sc.assignable.remove(v)
        orelse = self.block(sc, 1, depth + 1, loops) if self.chance(0.1) else []
        return For(v, args, body, orelse=orelse)

    def ret_stmt(self, sc):
        if sc.ret.startswith("tuple["):
            return Return(Tuple([self.expr(t, sc, 2) for t in sc.ret[6:-1].split(", ")], sc.ret))
        return Return(None if sc.ret == "None" else self.expr(sc.ret, sc, 3))

    # ------------------------------------------------------------ functions
    def func(self, name, arr_pool, native=True):
        sc = Scope()
        sc.rec_sites, sc.loops = 0, 0
        params = []
        recursive = native and self.chance(0.2)
        if recursive:
            params.append(("depth", "int"))
            sc.vars["depth"] = "int"
        for k in range(self.r.randint(1, 4)):
            t = self.pick(["int", "int", "float", "float", "bool", "i32"] + arr_pool * 2)
            pn = f"p{k}"
            params.append((pn, t))
            sc.vars[pn] = "int" if t == "i32" else t
            if not is_array(t) and t != "i32":
                sc.assignable.append(pn)
        ret = self.pick(["int", "int", "float", "float", "bool", "None", "tuple[int, float]",
                         "tuple[float, bool, int]"])
        sc.ret = ret
        f = Func(name, params, ret, [], native)
        guard = []
        if recursive:
            guard = [If([Compare(["<="], [Var("depth", "int"), Const("0", "int")])], [[self.ret_stmt(sc)]], [])]
            sc.rec = f   # self-calls pass min(depth, 4) - 1: at most 4 levels below any call
        for _ in range(self.r.randint(1, 3)):
            ty = self.pick(["int", "float", "bool", "int", "float"])
            nm = self.local(sc, ty, self.expr(ty, sc, 2) if self.chance(0.5) else None)
            sc.assignable.append(nm)
        body = []
        for _ in range(self.r.randint(2, 6)):
            body.append(self.stmt(sc, 0, 0))
        body.append(self.ret_stmt(sc))
        f.body = guard + sc.decls + body
        return f

    def program(self):
        for k in range(self.r.randint(0, 3)):
            ty = self.pick(["int", "float", "bool", "int"])
            text = {"int": lambda: self.pick(["7", "64", "-3", "2 ** 10", "3 * 4 - 1", "1 << 20"]),
                    "float": lambda: self.pick(["2.5", "2 * math.pi", "1e-9", "-0.0", "math.inf", "1.0 / 3"]),
                    "bool": lambda: self.pick(["True", "False"])}[ty]()
            self.consts.append((f"K{k}", ty, text))
        pool = self.r.sample(ARRAY_TYPES, self.r.randint(1, 3))
        nf = self.r.randint(1, 4)
        for k in reversed(range(nf)):
            # later functions are sometimes unannotated helpers (specialized per call site)
            helper = k > 0 and self.chance(0.25)
            self.funcs.insert(0, self.func(f"h{k}" if helper else f"f{k}", pool, not helper))
        calls = []
        for f in self.funcs:
            if not f.native:
                continue
            for _ in range(self.r.randint(1, 3)):
                calls.append({"fn": f.name, "args": self.driver_args(f)})
        self.r.shuffle(calls)
        return Program(self.seed, [(n, t) for n, _, t in self.consts], self.funcs, calls)

    # ------------------------------------------------------------ driver
    def driver_args(self, f):
        args = []
        for k, (_, t) in enumerate(f.params):
            if is_array(t):
                prev = [j for j, (_, u) in enumerate(f.params[:k]) if u == t]
                if prev and self.chance(0.25):
                    args.append({"k": "alias", "of": self.pick(prev)})
                else:
                    args.append(self.array_arg(t))
            elif t == "i32":
                args.append({"k": "int", "v": self.pick([0, 1, -1, 7, 2**31 - 1, -2**31])})
            elif t == "int":
                v = self.pick(SMALL_INTS) if self.chance(0.75) else self.pick(EDGE_INTS)
                args.append({"k": "int", "v": int(eval(v))})
            elif t == "float":
                v = self.pick(SMALL_FLOATS) if self.chance(0.65) else self.pick(EDGE_FLOATS)
                args.append({"k": "float", "v": float(eval(v, {"math": __import__("math")})).hex()})
            else:
                args.append({"k": "bool", "v": self.chance(0.5)})
        return args

    def array_arg(self, t):
        dt = {"f64": "float64", "f32": "float32", "i64": "int64", "i32": "int32", "i16": "int16",
              "i8": "int8", "u8": "uint8", "u16": "uint16", "u32": "uint32"}[elem_of(t)]
        nd = ndim_of(t)
        contig = "::1" in t
        if nd == 1:
            shape = [self.r.randint(0, 9) if self.chance(0.1) else self.r.randint(1, 9)]
            views = ["contig", "contig", "empty"] if contig else ["contig", "contig", "reversed", "strided", "empty"]
        else:
            shape = [self.r.randint(1, 4), self.r.randint(1, 4)]
            views = ["contig", "contig", "transposed", "strided", "fortran", "empty"]
        view = self.pick(views)
        base = list(shape)
        if view == "strided":
            base = [s * 2 for s in shape]
        n = 1
        for s in base:
            n *= s
        vals = [self.elem_value(dt) for _ in range(n)]
        return {"k": "array", "dtype": dt, "shape": base, "values": vals, "view": view}

    def elem_value(self, dt):
        if dt.startswith("float"):
            if self.chance(0.85):
                return float(self.r.randint(-8, 8) / self.pick([1, 2, 4])).hex()
            return float(eval(self.pick(EDGE_FLOATS), {"math": __import__("math")})).hex()
        import numpy as np
        info = np.iinfo(dt)
        if self.chance(0.85):
            v = self.r.randint(-5, 20)
        else:
            v = self.pick([int(info.min), int(info.max), int(info.max) - 1, 0, -1])
        return max(int(info.min), min(int(info.max), v))


def generate(seed):
    return Gen(seed).program()
