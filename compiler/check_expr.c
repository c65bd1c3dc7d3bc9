/* check_expr.c: expressions.  Each check returns the node to put in place
 * of the one it was given (a cast may wrap it), with `ty` its value type;
 * reads of narrow storage (i32 locals, f32 elements) come wrapped in an
 * ND_CAST to int/float.  Arithmetic follows Python: bool takes part as int,
 * int meets float as float, `/` gives float. */
#include "check_internal.h"

Node *make_cast(Check *C, Node *e, Type *to) {
  Node *c = node_new(C->a, ND_CAST, e->span);
  c->a = e;
  c->ty = to;
  return c;
}

Node *widen(Check *C, Node *e) {
  if (!e->ty)
    return e;
  Type *v = type_value(C->tt, e->ty);
  return v == e->ty ? e : make_cast(C, e, v);
}

/* Arithmetic coercion of a value: bool -> int -> float. */
Node *to_type(Check *C, Node *e, Type *to) {
  if (!e->ty || !to || e->ty == to)
    return e;
  if ((e->ty == C->t_bool && (to == C->t_int || to == C->t_float)) ||
      (e->ty == C->t_int && to == C->t_float))
    return make_cast(C, e, to);
  return e;
}

/* A value converted for a store into `storage` (local, parameter, element,
 * return), or NULL if Python's value would not fit the declared type. */
Node *convert_store(Check *C, Node *e, Type *storage) {
  Type *t = e->ty;
  if (!t || !storage)
    return e;
  if (t == storage)
    return e;
  if (e->kind == ND_CAST && e->a->ty == storage)
    return e->a;   /* an i32 read stored back into an i32: no round trip */
  if (t->kind == TY_ARRAY && storage->kind == TY_ARRAY)
    return t->elem == storage->elem && t->ndim == storage->ndim && (t->contig || !storage->contig)
               ? e : NULL;
  if (t->kind == TY_TUPLE && storage->kind == TY_TUPLE) {
    if (t->nelems != storage->nelems)
      return NULL;
    for (int i = 0; i < t->nelems; i++) {
      Type *s = storage->elems[i], *v = t->elems[i];
      Type *sv = type_value(C->tt, s);
      if (!(v == sv || (v == C->t_int && sv == C->t_float) ||
            (v == C->t_bool && (sv == C->t_int || sv == C->t_float))))
        return NULL;
    }
    Type *vt = type_value(C->tt, storage);
    Node *r = vt == t ? e : make_cast(C, e, vt);
    return vt == storage ? r : make_cast(C, r, storage);
  }
  if (!type_is_scalar(t) || !type_is_scalar(storage))
    return NULL;
  Type *sv = type_value(C->tt, storage);
  if (sv == C->t_bool && t != C->t_bool)
    return NULL;
  if (sv == C->t_int && t == C->t_float)
    return NULL;
  Node *r = to_type(C, e, sv);
  return sv == storage ? r : make_cast(C, r, storage);
}

Type *unify_arith(Check *C, Type *a, Type *b) {
  if (!type_is_scalar(a) || !type_is_scalar(b))
    return NULL;
  if (a == C->t_float || b == C->t_float)
    return C->t_float;
  return C->t_int;
}

bool is_const_true(const Node *e) {
  if (e->kind == ND_CAST)
    e = e->a;
  return (e->kind == ND_BOOL || e->kind == ND_INT) && e->ival != 0;
}

static bool const_int(const Node *e, int64_t *v) {
  if (e->kind == ND_CAST)
    e = e->a;
  if (e->kind == ND_INT) {
    *v = e->ival;
    return true;
  }
  if (e->kind == ND_UNARYOP && e->op == OP_NEG && e->a && const_int(e->a, v)) {
    *v = -*v;
    return true;
  }
  if (e->kind == ND_NAME && e->sym && e->sym->kind == SYM_CONST && e->sym->value->kind == ND_INT) {
    *v = e->sym->value->ival;
    return true;
  }
  /* `t[N - 1]`, `a.shape[K + 1]`: constant arithmetic is as constant as a literal
   * (an overflow is simply not a constant here; the expression reports it). */
  int64_t x, y;
  if (e->kind == ND_BINOP && e->a && e->b && const_int(e->a, &x) && const_int(e->b, &y)) {
    if (e->op == OP_ADD)
      return !__builtin_add_overflow(x, y, v);
    if (e->op == OP_SUB)
      return !__builtin_sub_overflow(x, y, v);
    if (e->op == OP_MUL)
      return !__builtin_mul_overflow(x, y, v);
  }
  return false;
}

/* ---- names */

static const char *const PY_BUILTINS[] = {"range", "len", "abs", "min", "max", "int",
                                          "float", "bool", "round"};

static bool is_py_builtin(const char *name) {
  for (size_t i = 0; i < sizeof PY_BUILTINS / sizeof PY_BUILTINS[0]; i++)
    if (!strcmp(PY_BUILTINS[i], name))
      return true;
  return false;
}

static int builtin_lookup(char module, const char *name) {
  for (int i = 1; i < BI_COUNT_; i++)
    if (builtin_info[i].module == module && !strcmp(builtin_info[i].name, name))
      return i;
  return 0;
}

static Node *check_var_read(Check *C, Node *e, Var *v) {
  Fn *F = C->fn;
  int idx = (int)(v - F->vars.data);
  if (!F->st.dead && !F->st.def[idx] && !v->reported) {
    err(C, e->span, "local variable '%s' might be referenced before assignment (compiled "
                    "code requires it to be assigned on every path before this use)", v->name);
    if (!C->quiet)
      v->reported = true;
  }
  e->sym = v->sym;
  e->ty = v->sym->ty;
  return widen(C, e);
}

/* Whether a top-level statement of the module binds `name` (see ND_MODULE's a). */
static bool module_binds(Check *C, const char *name) {
  const Node *names = C->m->node->a;
  for (int i = 0; names && i < names->list.len; i++)
    if (names->list.data[i]->name == name)
      return true;
  return false;
}

static Node *check_name(Check *C, Node *e) {
  Var *v = find_var(C, e->name);
  if (v)
    return check_var_read(C, e, v);
  Global *g = find_global(C, e->name);
  if (g) {
    switch (g->kind) {
    case GL_CONST: {
      Symbol *s = global_const(C, g, e->span);
      if (!s) {
        err(C, e->span, "module global '%s' is not a compile-time constant (only int, float "
                        "and bool constants assigned once can be used in compiled code); pass "
                        "it as a parameter", e->name);
        return e;
      }
      e->sym = s;
      e->ty = s->ty;
      return e;
    }
    case GL_FUNC:
      err(C, e->span, "function '%s' can only be called in compiled code, not used as a value",
          e->name);
      return e;
    case GL_MODULE:
      err(C, e->span, "module '%s' cannot be used as a value in compiled code", e->name);
      return e;
    case GL_MEMBER: {
      int bi = g->module == 'M' || g->module == 'N' ? builtin_lookup(g->module, g->member) : 0;
      if (bi && builtin_info[bi].max_args < 0)
        return check_builtin_name(C, e, bi);
      err(C, e->span, "'%s' cannot be used as a value in compiled code", e->name);
      return e;
    }
    }
  }
  if (is_py_builtin(e->name))
    err(C, e->span, "builtin '%s' can only be called in compiled code", e->name);
  else if (is_exception_name(e->name))
    err(C, e->span, "exception class '%s' can only be raised: raise %s(\"message\")", e->name,
        e->name);
  else if (module_binds(C, e->name))
    err(C, e->span, "module global '%s' is not a compile-time constant (only int, float and "
                    "bool constants assigned once can be used in compiled code); pass it as a "
                    "parameter", e->name);
  else
    err(C, e->span, "name '%s' is not defined (compiled code sees its own variables, the "
                    "module's functions, imports, and int/float/bool constants)", e->name);
  return e;
}

/* A math/numpy constant (math.pi) or array attribute read. */
Node *check_builtin_name(Check *C, Node *e, int bi) {
  e->builtin = bi;
  e->ty = C->t_float;
  return e;
}

static Node *check_attr(Check *C, Node *e) {
  if (e->a && e->a->kind == ND_NAME && !find_var(C, e->a->name)) {
    Global *g = find_global(C, e->a->name);
    if (g && g->kind == GL_MODULE) {
      int bi = g->module == 'M' || g->module == 'N' ? builtin_lookup(g->module, e->name) : 0;
      e->a->ty = C->t_module;
      if (bi && builtin_info[bi].max_args < 0)
        return check_builtin_name(C, e, bi);
      if (bi)
        err(C, e->span, "'%s.%s' can only be called in compiled code", e->a->name, e->name);
      else
        err(C, e->span, "'%s.%s' is not supported in compiled code", e->a->name, e->name);
      return e;
    }
  }
  e->a = check_expr(C, e->a);
  Type *t = e->a->ty;
  if (!t)
    return e;
  if (t->kind != TY_ARRAY) {
    err(C, e->span, "%s has no attribute '%s' in compiled code", tname(C, t), e->name);
    return e;
  }
  int bi = builtin_lookup('A', e->name);
  if (!bi) {
    err(C, e->span, "array attribute '%s' is not supported (only .shape, .ndim, .size)", e->name);
    return e;
  }
  e->builtin = bi;
  if (bi == BI_A_SHAPE) {
    Type *el[4] = {C->t_int, C->t_int, C->t_int, C->t_int};
    e->ty = type_tuple(C->tt, el, t->ndim);
  } else {
    e->ty = C->t_int;
  }
  return e;
}

/* ---- subscripts */

static const char *short_name(Check *C, Type *t) {
  if (t->kind == TY_I64)
    return "i64";
  if (t->kind == TY_F64)
    return "f64";
  return tname(C, t);
}

static Node *check_index(Check *C, Node *ix) {
  if (ix->kind == ND_SLICE) {
    err(C, ix->span, "slicing is not supported in compiled code yet; index with integers");
    return ix;
  }
  ix = check_expr(C, ix);
  if (!ix->ty)
    return ix;
  if (ix->ty == C->t_int)
    return ix;
  if (ix->ty == C->t_float)
    err(C, ix->span, "array indices must be int, not float; use int(...) or '//' division");
  else
    err(C, ix->span, "array indices must be int, not %s", tname(C, ix->ty));
  return ix;
}

static Node *check_tuple_index(Check *C, Node *e, Type *t) {
  if (e->list.len != 1) {
    err(C, e->span, "a tuple takes exactly one index");
    return e;
  }
  Node *ix = check_index(C, e->list.data[0]);
  e->list.data[0] = ix;
  int64_t k;
  if (ix->ty && const_int(ix, &k)) {
    if (k < -t->nelems || k >= t->nelems) {
      err(C, ix->span, "tuple index %lld out of range for %s", (long long)k, tname(C, t));
      return e;
    }
    if (k < 0)
      k += t->nelems;
    Node *n = node_new(C->a, ND_INT, ix->span);
    n->ival = k;
    n->ty = C->t_int;
    e->list.data[0] = n;
    e->ty = t->elems[k];
    return e;
  }
  for (int i = 1; i < t->nelems; i++)
    if (t->elems[i] != t->elems[0]) {
      err(C, ix->span, "indexing %s needs a constant index", tname(C, t));
      return e;
    }
  e->ty = t->elems[0];   /* a.shape[k] with a run-time k: lowering checks the range */
  return e;
}

static Node *check_subscript(Check *C, Node *e) {
  e->a = check_expr(C, e->a);
  Type *t = e->a->ty;
  if (!t) {
    for (int i = 0; i < e->list.len; i++)
      e->list.data[i] = check_index(C, e->list.data[i]);
    return e;
  }
  if (t->kind == TY_TUPLE)
    return check_tuple_index(C, e, t);
  if (t->kind != TY_ARRAY) {
    const char *what = e->a->kind == ND_NAME ? e->a->name : NULL;
    Type *st = e->a->kind == ND_CAST ? e->a->a->ty : t;
    if (type_is_scalar(t) && what)
      err(C, e->a->span, "cannot index '%s' (a scalar %s); did you mean an array type like %s[:]?",
          what, tname(C, st), short_name(C, st));
    else
      err(C, e->a->span, "cannot index a value of type %s", tname(C, t));
    return e;
  }
  for (int i = 0; i < e->list.len; i++)
    e->list.data[i] = check_index(C, e->list.data[i]);
  if (e->list.len != t->ndim) {
    /* a[i][j] on a 2-D array (the Numba habit) reads a row view, which is not supported */
    const char *hint = e->list.len < t->ndim
        ? (t->ndim == 2 ? "; index every dimension at once, e.g. a[i, j] (rows and slices are "
                          "not supported yet)"
                        : "; index every dimension at once, e.g. a[i, j, k] (sub-arrays are not "
                          "supported yet)")
        : "";
    err(C, e->span, "%s has %d dimension%s, so it takes %d index%s, not %d%s", tname(C, t),
        t->ndim, t->ndim == 1 ? "" : "s", t->ndim, t->ndim == 1 ? "" : "es", e->list.len, hint);
    return e;
  }
  e->ty = t->elem;
  return widen(C, e);
}

/* ---- operators */

static const char *op_text(Op op) { return op_spelling(op); }

/* ND_BINOP with checked operands: casts them to the operation's operand
 * type (both the same, except `/` on ints, which stays on ints and gives
 * float: CPython divides ints exactly) and returns the result type. */
Type *binop_typed(Check *C, Node *e) {
  Type *a = e->a->ty, *b = e->b->ty;
  if (!a || !b)
    return e->ty = NULL;
  if (e->op == OP_MATMUL) {
    err(C, e->span, "the '@' operator is not supported in compiled code");
    return e->ty = NULL;
  }
  if (!type_is_scalar(a) || !type_is_scalar(b)) {
    bool arr = a->kind == TY_ARRAY || b->kind == TY_ARRAY;
    err(C, e->span, "unsupported operand types for %s: %s and %s%s", op_text(e->op), tname(C, a),
        tname(C, b), arr ? " (whole-array arithmetic is not supported yet; loop over the "
                           "elements)" : "");
    return e->ty = NULL;
  }
  Type *o = unify_arith(C, a, b), *r = o;
  switch (e->op) {
  case OP_ADD: case OP_SUB: case OP_MUL: case OP_FLOORDIV: case OP_MOD: break;
  case OP_DIV: r = C->t_float; break;
  case OP_POW: {
    int64_t k;
    if (o == C->t_int && const_int(e->b, &k) && k < 0) {
      err(C, e->b->span, "int ** negative int gives a float in Python; write a float base "
                         "(e.g. 2.0 ** %lld) or convert with float(...)", (long long)k);
      return e->ty = NULL;
    }
    break;
  }
  case OP_BITAND: case OP_BITOR: case OP_BITXOR:
    if (a == C->t_bool && b == C->t_bool) {
      o = r = C->t_bool;
      break;
    }
    /* fallthrough */
  case OP_LSHIFT: case OP_RSHIFT:
    if (o == C->t_float) {
      err(C, e->span, "unsupported operand types for %s: %s and %s (bit operations need ints)",
          op_text(e->op), tname(C, a), tname(C, b));
      return e->ty = NULL;
    }
    break;
  default:
    err(C, e->span, "operator '%s' is not supported here", op_text(e->op));
    return e->ty = NULL;
  }
  e->a = to_type(C, e->a, o);
  e->b = to_type(C, e->b, o);
  return e->ty = r;
}

static Node *check_unary(Check *C, Node *e) {
  if (e->op == OP_NEG && is_int_2_63(e->a)) {
    /* -9223372036854775808, -2**63: INT64_MIN, though its magnitude is not an int64 */
    e->kind = ND_INT;
    e->ival = INT64_MIN;
    e->sval = NULL;
    e->flags = 0;
    e->a = NULL;
    e->ty = C->t_int;
    return e;
  }
  if (e->op == OP_NOT) {
    e->a = check_cond(C, e->a);
    e->ty = C->t_bool;
    return e;
  }
  e->a = check_expr(C, e->a);
  Type *t = e->a->ty;
  if (!t)
    return e;
  if (!type_is_scalar(t) || (e->op == OP_INVERT && t == C->t_float)) {
    err(C, e->span, "bad operand type for unary %s: %s", op_text(e->op), tname(C, t));
    return e;
  }
  if (t == C->t_bool)
    e->a = to_type(C, e->a, C->t_int), t = C->t_int;
  e->ty = t;
  return e;
}

/* A common type for values that may each be the result (and/or, if/else). */
static Type *unify_values(Check *C, Node **xs, int n, Span sp, const char *what) {
  Type *u = NULL;
  for (int i = 0; i < n; i++) {
    Type *t = xs[i]->ty;
    if (!t)
      return NULL;
    if (!u) {
      u = t;
      continue;
    }
    if (u == t)
      continue;
    if ((u == C->t_int || u == C->t_float) && (t == C->t_int || t == C->t_float)) {
      u = C->t_float;
      continue;
    }
    err(C, sp, "%s give different types, %s and %s; compiled code needs one type here",
        what, tname(C, u), tname(C, t));
    return NULL;
  }
  if (u && !type_is_scalar(u) && u->kind != TY_TUPLE) {
    err(C, sp, "%s must be scalars here, not %s", what, tname(C, u));
    return NULL;
  }
  for (int i = 0; i < n; i++)
    xs[i] = to_type(C, xs[i], u);
  return u;
}

static Node *check_boolop(Check *C, Node *e) {
  for (int i = 0; i < e->list.len; i++)
    e->list.data[i] = check_expr(C, e->list.data[i]);
  e->ty = unify_values(C, e->list.data, e->list.len, e->span,
                       e->op == OP_AND ? "the operands of 'and'" : "the operands of 'or'");
  return e;
}

static Node *check_ifexp(Check *C, Node *e) {
  e->a = check_cond(C, e->a);
  e->b = check_expr(C, e->b);
  e->c = check_expr(C, e->c);
  Node *xs[2] = {e->b, e->c};
  e->ty = unify_values(C, xs, 2, e->span, "the branches of the conditional expression");
  e->b = xs[0];
  e->c = xs[1];
  return e;
}

static bool side_effect_free(const Node *e) {
  return e->kind == ND_NAME || e->kind == ND_INT || e->kind == ND_FLOAT || e->kind == ND_BOOL ||
         e->kind == ND_NONE || (e->kind == ND_CAST && side_effect_free(e->a));
}

/* `x is None` / `x is not None`: folded, since no compiled value is None. */
static Node *check_is(Check *C, Node *e) {
  Node *l = e->a, *r = e->list.data[0];
  if (e->list.len != 1 || (l->kind != ND_NONE && r->kind != ND_NONE)) {
    err(C, e->span, "'is' and 'is not' are only supported to compare with None");
    return e;
  }
  Node *other = l->kind == ND_NONE ? r : l;
  other = check_expr(C, other);
  if (!side_effect_free(other)) {
    err(C, e->span, "'is None' is only supported on a variable or a constant");
    return e;
  }
  bool same = other->ty && other->ty->kind == TY_NONE;
  Node *b = node_new(C->a, ND_BOOL, e->span);
  b->ival = e->ops.data[0] == OP_IS ? same : !same;
  b->ty = C->t_bool;
  return b;
}

static Node *check_compare(Check *C, Node *e) {
  int n = e->list.len;
  if (n < 1 || e->ops.len != n) {
    err(C, e->span, "malformed comparison");
    return e;
  }
  for (int i = 0; i < n; i++) {
    Op op = e->ops.data[i];
    if (op == OP_IN || op == OP_NOTIN) {
      err(C, e->span, "'%s' is not supported in compiled code", op_text(op));
      return e;
    }
    if (op == OP_IS || op == OP_ISNOT)
      return check_is(C, e);
  }
  e->a = check_expr(C, e->a);
  for (int i = 0; i < n; i++)
    e->list.data[i] = check_expr(C, e->list.data[i]);
  e->ty = C->t_bool;
  /* every operand of a chain meets its neighbours: one common type */
  bool allbool = e->a->ty == C->t_bool;
  Type *u = e->a->ty;
  bool ok = u != NULL;
  for (int i = 0; i < n; i++) {
    Type *t = e->list.data[i]->ty;
    ok = ok && t;
    if (!ok)
      break;
    allbool = allbool && t == C->t_bool;
    if (!type_is_scalar(u) || !type_is_scalar(t)) {
      err(C, e->span, "cannot compare %s and %s in compiled code", tname(C, u), tname(C, t));
      return e;
    }
    u = unify_arith(C, u, t);
  }
  if (!ok)
    return e;
  if (allbool)
    u = C->t_bool;
  for (int i = 0; i < n; i++) {
    Op op = e->ops.data[i];
    if (u == C->t_bool && op != OP_EQ && op != OP_NE)
      u = C->t_int;
  }
  e->a = to_type(C, e->a, u);
  for (int i = 0; i < n; i++)
    e->list.data[i] = to_type(C, e->list.data[i], u);
  return e;
}

static Node *check_tuple(Check *C, Node *e) {
  int n = e->list.len;
  Type *el[16];
  bool ok = true;
  if (n == 0 || n > 16) {
    err(C, e->span, "tuples in compiled code hold 1 to 16 scalars");
    return e;
  }
  for (int i = 0; i < n; i++) {
    Node *x = check_expr(C, e->list.data[i]);
    e->list.data[i] = x;
    if (!x->ty) {
      ok = false;
    } else if (!type_is_scalar(x->ty)) {
      err(C, x->span, "tuples in compiled code hold scalars only, not %s", tname(C, x->ty));
      ok = false;
    } else {
      el[i] = x->ty;
    }
  }
  e->ty = ok ? type_tuple(C->tt, el, n) : NULL;
  return e;
}

static Node *check_int(Check *C, Node *e) {
  if (!int_literal_fits(e)) {
    err(C, e->span, "integer literal is too large for int (64-bit)");
    return e;
  }
  e->ty = C->t_int;
  return e;
}

Node *check_expr(Check *C, Node *e) {
  if (!e)
    die(C->d->bail, "checker: missing expression");
  switch (e->kind) {
  case ND_INT: return check_int(C, e);
  case ND_FLOAT: e->ty = C->t_float; return e;
  case ND_BOOL: e->ty = C->t_bool; return e;
  case ND_NONE: e->ty = C->t_none; return e;
  case ND_STR:
    err(C, e->span, "strings are not supported in compiled code (only as raise and assert "
                    "messages)");
    return e;
  case ND_NAME: return check_name(C, e);
  case ND_ATTR: return check_attr(C, e);
  case ND_SUBSCRIPT: return check_subscript(C, e);
  case ND_SLICE:
    err(C, e->span, "slices are not supported in compiled code yet");
    return e;
  case ND_TUPLE: return check_tuple(C, e);
  case ND_BINOP:
    if (e->op == OP_SUB && is_int_2_63(e->a) && e->b->kind == ND_INT && int_literal_fits(e->b) &&
        e->b->ival >= 1) {
      /* 2**63 - 1: INT64_MAX, though 2**63 itself is not an int64 */
      e->ival = INT64_MAX - (e->b->ival - 1);
      e->kind = ND_INT;
      e->sval = NULL;
      e->flags = 0;
      e->a = e->b = NULL;
      e->ty = C->t_int;
      return e;
    }
    e->a = check_expr(C, e->a);
    e->b = check_expr(C, e->b);
    binop_typed(C, e);
    return e;
  case ND_UNARYOP: return check_unary(C, e);
  case ND_BOOLOP: return check_boolop(C, e);
  case ND_COMPARE: return check_compare(C, e);
  case ND_IFEXP: return check_ifexp(C, e);
  case ND_CALL: return check_call(C, e);
  case ND_CAST: return e;   /* made by the checker: already checked */
  case ND_KEYWORD:
  case ND_MODULE: case ND_FUNC: case ND_PARAM: case ND_CONST: case ND_IMPORT:
  case ND_EXPR_STMT: case ND_ASSIGN: case ND_ANNASSIGN: case ND_AUGASSIGN: case ND_IF:
  case ND_WHILE: case ND_FOR: case ND_BREAK: case ND_CONTINUE: case ND_RETURN: case ND_PASS:
  case ND_ASSERT: case ND_RAISE: case ND_COUNT_:
    break;
  }
  err(C, e->span, "this expression is not supported in compiled code");
  return e;
}

/* A value used as a condition: its truth value, as a bool. */
Node *check_cond(Check *C, Node *e) {
  if (e->kind == ND_BOOLOP) {
    for (int i = 0; i < e->list.len; i++)
      e->list.data[i] = check_cond(C, e->list.data[i]);
    e->ty = C->t_bool;
    return e;
  }
  e = check_expr(C, e);
  Type *t = e->ty;
  if (!t || t == C->t_bool)
    return e;
  if (t == C->t_int || t == C->t_float)
    return make_cast(C, e, C->t_bool);
  if (t->kind == TY_ARRAY)
    err(C, e->span, "the truth value of an array is ambiguous; compare its elements or its "
                    "size instead");
  else
    err(C, e->span, "%s cannot be used as a condition", tname(C, t));
  return e;
}
