/* check_call.c: calls.  Builtins, math.* and numpy.* (typed by switching on
 * their BI_* id), and calls to functions of the module: fixed signatures
 * for annotated ones, call-site specialization for the others.  After a
 * call to a compiled function, `list` holds one argument per parameter in
 * order (keywords placed, defaults filled) and `list2` is empty. */
#include "check_internal.h"

static int builtin_by_name(char module, const char *name) {
  for (int i = 1; i < BI_COUNT_; i++)
    if (builtin_info[i].module == module && !strcmp(builtin_info[i].name, name))
      return i;
  return 0;
}

static void check_args(Check *C, Node *e) {
  for (int i = 0; i < e->list.len; i++)
    e->list.data[i] = check_expr(C, e->list.data[i]);
  for (int i = 0; i < e->list2.len; i++) {
    Node *k = e->list2.data[i];
    if (k->a)
      k->a = check_expr(C, k->a);
  }
}

/* ---- builtins */

static bool need_scalar(Check *C, Node *x, const char *fname) {
  if (!x->ty)
    return false;
  if (type_is_scalar(x->ty))
    return true;
  err(C, x->span, "%s() takes a number in compiled code, not %s%s", fname, tname(C, x->ty),
      x->ty->kind == TY_ARRAY ? " (array operations are not supported yet)" : "");
  return false;
}

/* All arguments as float (math and numpy functions). */
static Type *float_args(Check *C, Node *e, const char *fname) {
  bool ok = true;
  for (int i = 0; i < e->list.len; i++) {
    if (need_scalar(C, e->list.data[i], fname))
      e->list.data[i] = to_type(C, e->list.data[i], C->t_float);
    else
      ok = false;
  }
  return ok ? C->t_float : NULL;
}

static Type *int_args(Check *C, Node *e, const char *fname) {
  bool ok = true;
  for (int i = 0; i < e->list.len; i++) {
    Node *x = e->list.data[i];
    if (!need_scalar(C, x, fname)) {
      ok = false;
    } else if (x->ty == C->t_float) {
      err(C, x->span, "%s() takes int arguments, not float", fname);
      ok = false;
    } else {
      e->list.data[i] = to_type(C, x, C->t_int);
    }
  }
  return ok ? C->t_int : NULL;
}

/* floor/ceil/trunc of math: int stays int (exact), the rest goes through float. */
static Type *int_result_of_float(Check *C, Node *e, const char *fname) {
  Node *x = e->list.data[0];
  if (!need_scalar(C, x, fname))
    return NULL;
  if (x->ty == C->t_bool)
    e->list.data[0] = to_type(C, x, C->t_int);
  return C->t_int;
}

static Type *pred_args(Check *C, Node *e, const char *fname) {
  return float_args(C, e, fname) ? C->t_bool : NULL;
}

static Type *minmax(Check *C, Node *e, const char *fname) {
  Type *u = NULL;
  for (int i = 0; i < e->list.len; i++) {
    Node *x = e->list.data[i];
    if (!need_scalar(C, x, fname))
      return NULL;
    if (!u)
      u = x->ty;
    else if (u != x->ty)
      u = unify_arith(C, u, x->ty);
  }
  for (int i = 0; i < e->list.len; i++)
    e->list.data[i] = to_type(C, e->list.data[i], u);
  return u;
}

static Type *builtin_type(Check *C, Node *e, int bi, const char *fname) {
  Node *x = e->list.len ? e->list.data[0] : NULL;
  switch ((BuiltinId)bi) {
  case BI_RANGE:
    err(C, e->span, "range() is only supported as the iterable of a for loop");
    return NULL;
  case BI_LEN:
    if (!x->ty)
      return NULL;
    if (x->ty->kind == TY_ARRAY)
      return C->t_int;
    err(C, x->span, "len() takes an array in compiled code, not %s", tname(C, x->ty));
    return NULL;
  case BI_ABS:
  case BI_N_ABS:
    if (!need_scalar(C, x, fname))
      return NULL;
    if (x->ty == C->t_bool)
      e->list.data[0] = to_type(C, x, C->t_int);
    return x->ty == C->t_float ? C->t_float : C->t_int;
  case BI_MIN:
  case BI_MAX: return minmax(C, e, fname);
  case BI_INT:
    if (!need_scalar(C, x, fname))
      return NULL;
    return C->t_int;
  case BI_FLOAT:
    return need_scalar(C, x, fname) ? C->t_float : NULL;
  case BI_BOOL:
    return need_scalar(C, x, fname) ? C->t_bool : NULL;
  case BI_ROUND: {
    if (!need_scalar(C, x, fname))
      return NULL;
    if (x->ty == C->t_bool)
      e->list.data[0] = to_type(C, x, C->t_int);
    if (e->list.len == 2) {
      Node *nd = e->list.data[1];
      if (!need_scalar(C, nd, fname))
        return NULL;
      if (nd->ty == C->t_float) {
        err(C, nd->span, "round() ndigits must be int, not float");
        return NULL;
      }
      e->list.data[1] = to_type(C, nd, C->t_int);
      return x->ty == C->t_float ? C->t_float : C->t_int;
    }
    return C->t_int;
  }
  case BI_M_FLOOR: case BI_M_CEIL: case BI_M_TRUNC:
    return int_result_of_float(C, e, fname);
  case BI_M_GCD:
    return int_args(C, e, fname);
  case BI_M_ISNAN: case BI_M_ISINF: case BI_M_ISFINITE:
  case BI_N_ISNAN: case BI_N_ISINF: case BI_N_ISFINITE:
    return pred_args(C, e, fname);
  case BI_M_SQRT: case BI_M_EXP: case BI_M_EXPM1: case BI_M_LOG: case BI_M_LOG2:
  case BI_M_LOG10: case BI_M_LOG1P: case BI_M_SIN: case BI_M_COS: case BI_M_TAN: case BI_M_ASIN:
  case BI_M_ACOS: case BI_M_ATAN: case BI_M_ATAN2: case BI_M_SINH: case BI_M_COSH:
  case BI_M_TANH: case BI_M_ASINH: case BI_M_ACOSH: case BI_M_ATANH: case BI_M_POW:
  case BI_M_FABS: case BI_M_COPYSIGN: case BI_M_HYPOT: case BI_M_FMOD: case BI_M_DEGREES:
  case BI_M_RADIANS: case BI_M_ERF: case BI_M_ERFC: case BI_M_GAMMA: case BI_M_LGAMMA:
  case BI_N_SQRT: case BI_N_EXP: case BI_N_EXPM1: case BI_N_LOG: case BI_N_LOG2: case BI_N_LOG10:
  case BI_N_LOG1P: case BI_N_SIN: case BI_N_COS: case BI_N_TAN: case BI_N_ARCSIN:
  case BI_N_ARCCOS: case BI_N_ARCTAN: case BI_N_ARCTAN2: case BI_N_SINH: case BI_N_COSH:
  case BI_N_TANH: case BI_N_FABS: case BI_N_FLOOR: case BI_N_CEIL: case BI_N_TRUNC:
  case BI_N_HYPOT: case BI_N_COPYSIGN: case BI_N_DEGREES: case BI_N_RADIANS:
    return float_args(C, e, fname);
  case BI_M_PI: case BI_M_E: case BI_M_TAU: case BI_M_INF: case BI_M_NAN:
  case BI_N_PI: case BI_N_E: case BI_N_INF: case BI_N_NAN:
  case BI_A_SHAPE: case BI_A_NDIM: case BI_A_SIZE:
    err(C, e->span, "'%s' is not callable", fname);
    return NULL;
  case BI_NONE_:
  case BI_COUNT_:
    break;
  }
  die(C->d->bail, "checker: builtin %d has no typing rule", bi);
}

/* ---- numpy functions compiled code cannot reproduce bit for bit */

/* A numpy.* function compiled code must reject: `alt` is the math.* function
 * that gives the C library's value (CPython's math module calls the same
 * libm, and pyjitc's math.* is exact), `note` what the alternative does
 * differently from NumPy besides the last bit. */
typedef struct NumpyInexact {
  const char *alt, *note;
} NumpyInexact;

/* Compiled numpy.* calls use the C library (see lower_call.c), but NumPy 2.x
 * computes these with its own SIMD code on x86-64 CPUs with AVX2 (tanh) or
 * AVX-512 (all of them), and that differs from libm in the last bit on 0.02%
 * to 12% of inputs, so CPython's np.tanh(x) and the compiled one would
 * silently disagree.  The list is measured, not guessed, on the AVX-512
 * machines the project runs on (tests/test_numpy_exactness.py keeps it
 * honest), and does not depend on the compiling CPU, so a program compiles
 * the same everywhere.  Everything else returns {NULL}: exact IEEE
 * operations (sqrt, fabs, floor, copysign, isnan, ...), a multiplication by
 * the same constant (degrees, radians), or the same libm function that
 * NumPy also calls (sin, cos, hypot). */
static NumpyInexact numpy_inexact(BuiltinId bi) {
  static const char *const overflow = "; it raises OverflowError where NumPy returns inf";
  static const char *const log_domain = "; it raises ValueError where NumPy returns -inf or nan";
  static const char *const nan_for_inf = "; it raises ValueError for inf where NumPy returns nan";
  static const char *const unit_domain =
      "; it raises ValueError outside [-1, 1] where NumPy returns nan";
  switch (bi) {
  case BI_N_EXP: return (NumpyInexact){"math.exp", overflow};
  case BI_N_EXPM1: return (NumpyInexact){"math.expm1", overflow};
  case BI_N_LOG: return (NumpyInexact){"math.log", log_domain};
  case BI_N_LOG2: return (NumpyInexact){"math.log2", log_domain};
  case BI_N_LOG10: return (NumpyInexact){"math.log10", log_domain};
  case BI_N_LOG1P: return (NumpyInexact){"math.log1p", log_domain};
  case BI_N_TAN: return (NumpyInexact){"math.tan", nan_for_inf};
  case BI_N_ARCSIN: return (NumpyInexact){"math.asin", unit_domain};
  case BI_N_ARCCOS: return (NumpyInexact){"math.acos", unit_domain};
  case BI_N_ARCTAN: return (NumpyInexact){"math.atan", ""};
  case BI_N_ARCTAN2: return (NumpyInexact){"math.atan2", ""};
  case BI_N_SINH: return (NumpyInexact){"math.sinh", overflow};
  case BI_N_COSH: return (NumpyInexact){"math.cosh", overflow};
  case BI_N_TANH: return (NumpyInexact){"math.tanh", ""};
  /* measured bit-identical to NumPy */
  case BI_N_SQRT: case BI_N_SIN: case BI_N_COS: case BI_N_FABS: case BI_N_ABS: case BI_N_FLOOR:
  case BI_N_CEIL: case BI_N_TRUNC: case BI_N_HYPOT: case BI_N_COPYSIGN: case BI_N_ISNAN:
  case BI_N_ISINF: case BI_N_ISFINITE: case BI_N_DEGREES: case BI_N_RADIANS:
  /* constants, builtins, math.* (CPython-exact), attributes */
  case BI_N_PI: case BI_N_E: case BI_N_INF: case BI_N_NAN:
  case BI_RANGE: case BI_LEN: case BI_ABS: case BI_MIN: case BI_MAX: case BI_INT: case BI_FLOAT:
  case BI_BOOL: case BI_ROUND:
  case BI_M_SQRT: case BI_M_EXP: case BI_M_EXPM1: case BI_M_LOG: case BI_M_LOG2: case BI_M_LOG10:
  case BI_M_LOG1P: case BI_M_SIN: case BI_M_COS: case BI_M_TAN: case BI_M_ASIN: case BI_M_ACOS:
  case BI_M_ATAN: case BI_M_ATAN2: case BI_M_SINH: case BI_M_COSH: case BI_M_TANH:
  case BI_M_ASINH: case BI_M_ACOSH: case BI_M_ATANH: case BI_M_POW: case BI_M_FABS:
  case BI_M_FLOOR: case BI_M_CEIL: case BI_M_TRUNC: case BI_M_COPYSIGN: case BI_M_HYPOT:
  case BI_M_FMOD: case BI_M_ISNAN: case BI_M_ISINF: case BI_M_ISFINITE: case BI_M_DEGREES:
  case BI_M_RADIANS: case BI_M_ERF: case BI_M_ERFC: case BI_M_GAMMA: case BI_M_LGAMMA:
  case BI_M_GCD: case BI_M_PI: case BI_M_E: case BI_M_TAU: case BI_M_INF: case BI_M_NAN:
  case BI_A_SHAPE: case BI_A_NDIM: case BI_A_SIZE:
  case BI_NONE_: case BI_COUNT_:
    break;
  }
  return (NumpyInexact){NULL, NULL};
}

/* False (after an error) when `bi` is a numpy function whose NumPy result
 * compiled code cannot match. */
static bool numpy_exact(Check *C, Node *e, int bi, const char *fname) {
  NumpyInexact ni = numpy_inexact((BuiltinId)bi);
  if (!ni.alt)
    return true;
  const char *name = builtin_info[bi].name;
  const char *shown = strchr(fname, '.') ? fname : arena_printf(C->a, "numpy.%s", name);
  err(C, e->a->span,
      "%s is not supported in compiled code: NumPy's %s can differ from the C library's in the "
      "last bit, so the compiled result could silently differ from CPython's; use %s (same value "
      "as CPython's math module%s)",
      shown, name, ni.alt, ni.note);
  return false;
}

static Node *call_builtin(Check *C, Node *e, int bi, const char *fname) {
  const BuiltinInfo *info = &builtin_info[bi];
  e->builtin = bi;
  e->a->ty = C->t_func;
  check_args(C, e);
  if (!numpy_exact(C, e, bi, fname))
    return e;
  if (e->list2.len) {
    err(C, e->list2.data[0]->span, "%s() takes no keyword arguments in compiled code", fname);
    return e;
  }
  if (info->max_args >= 0 && (e->list.len < info->min_args || e->list.len > info->max_args)) {
    if (info->min_args == info->max_args)
      err(C, e->span, "%s() takes %d argument%s, got %d", fname, info->min_args,
          info->min_args == 1 ? "" : "s", e->list.len);
    else
      err(C, e->span, "%s() takes %d to %d arguments, got %d", fname, info->min_args,
          info->max_args, e->list.len);
    return e;
  }
  for (int i = 0; i < e->list.len; i++)
    if (!e->list.data[i]->ty)
      return e;
  e->ty = builtin_type(C, e, bi, fname);
  return e;
}

/* ---- calls to functions of the module */

/* Puts the arguments of `e` in parameter order into slots (NULL where the
 * parameter's default applies).  False after an error. */
static bool bind_args(Check *C, Node *e, Node *func, Node **slots) {
  int n = func->list.len;
  for (int i = 0; i < n; i++)
    slots[i] = NULL;
  if (e->list.len > n) {
    err(C, e->list.data[n]->span, "%s() takes %d argument%s but %d were given", func->name, n,
        n == 1 ? "" : "s", e->list.len);
    return false;
  }
  for (int i = 0; i < e->list.len; i++)
    slots[i] = e->list.data[i];
  for (int k = 0; k < e->list2.len; k++) {
    Node *kw = e->list2.data[k];
    int j = 0;
    while (j < n && func->list.data[j]->name != kw->name)
      j++;
    if (!kw->name || j == n) {
      err(C, kw->span, "%s() got an unexpected keyword argument '%s'", func->name,
          kw->name ? kw->name : "**");
      return false;
    }
    if (slots[j]) {
      err(C, kw->span, "%s() got multiple values for argument '%s'", func->name, kw->name);
      return false;
    }
    slots[j] = kw->a;
  }
  for (int i = 0; i < n; i++)
    if (!slots[i] && !func->list.data[i]->b) {
      err(C, e->span, "%s() missing required argument '%s'", func->name, func->list.data[i]->name);
      return false;
    }
  return true;
}

/* `fi`: the callee's fixed instance, whose defaults fold_default already
 * folded and reported (so a bad default is one error, not one per call). */
static Node *default_arg(Check *C, Node *param, FuncInst *fi, int i) {
  Node *v = fi ? fi->defaults[i] : fold_const(C, param->b);
  if (!v) {
    if (!fi)
      err(C, param->b->span, "default value of parameter '%s' is not a compile-time constant",
          param->name);
    return NULL;
  }
  Node *c = clone_node(C->a, v);
  c->ty = v->ty;
  return c;
}

static bool arg_error(Check *C, Node *func, Node *param, Node *arg, Type *want) {
  err(C, arg->span, "argument '%s' of %s() must be %s, not %s", param->name, func->name,
      tname(C, want), tname(C, arg->ty));
  return false;
}

static Node *call_function(Check *C, Node *e, Global *g) {
  Node *func = g->node;
  check_args(C, e);
  if (func->flags & FN_UNSUPPORTED) {
    err(C, e->a->span, "cannot call '%s' from compiled code: %s (%s:%d)", func->name,
        func->sval ? func->sval : "it is outside the compiled subset", src_path(C),
        func->reason_span.line ? func->reason_span.line : func->span.line);
    return e;
  }
  C->fn->has_loops = true;
  int n = func->list.len;
  Node **slots = ARENA_ARRAY(C->a, Node *, n + 1);
  if (!bind_args(C, e, func, slots))
    return e;
  bool fixed = func_is_fixed(func);
  FuncInst *fi = NULL;
  if (fixed && !C->quiet) {
    fi = fixed_inst(C, g);
    if (g->inst_state == 0) {
      g->inst_state = 1;
      vec_push(C->a, &C->later, fi);
      vec_push(C->a, &C->queue, g);
    }
  }
  Type **pt = ARENA_ARRAY(C->a, Type *, n + 1);
  bool ok = true;
  for (int i = 0; i < n; i++) {
    Node *p = func->list.data[i];
    if (!slots[i])
      slots[i] = default_arg(C, p, fi, i);
    if (!slots[i] || !slots[i]->ty) {
      ok = false;
      continue;
    }
    if (fi)
      pt[i] = fi->params[i]->ty;
    else if (p->a)
      pt[i] = check_annotation(C, p->a, false);
    else
      pt[i] = slots[i]->ty;   /* specialized for the argument's type */
    if (!pt[i]) {
      ok = false;
      continue;
    }
    if (pt[i]->kind == TY_NONE || !(type_is_scalar(pt[i]) || pt[i]->kind == TY_ARRAY ||
                                    pt[i]->kind == TY_TUPLE)) {
      err(C, slots[i]->span, "cannot pass %s to a compiled function", tname(C, pt[i]));
      ok = false;
      continue;
    }
    Node *cv = convert_store(C, slots[i], pt[i]);
    if (!cv) {
      ok = arg_error(C, func, p, slots[i], pt[i]);
      continue;
    }
    slots[i] = cv;
  }
  if (!ok)
    return e;
  Type *ret;
  if (fixed && fi)
    ret = fi->ret;
  else if (fixed)
    ret = check_annotation(C, func->a, true);
  else
    ret = spec_call(C, e, func, pt, n, &fi);
  NodeList args = {0};
  for (int i = 0; i < n; i++)
    vec_push(C->a, &args, slots[i]);
  e->list = args;
  e->list2 = (NodeList){0};
  e->callee = fi;
  e->a->ty = C->t_func;
  e->ty = ret;
  return ret ? widen(C, e) : e;
}

static Node *call_error(Check *C, Node *e, const char *what) {
  check_args(C, e);
  err(C, e->a->span, "cannot call '%s' from compiled code: only functions of this module, "
                     "math.*, numpy.* and the builtins range, len, abs, min, max, int, float, "
                     "bool, round are supported", what);
  return e;
}

Node *check_call(Check *C, Node *e) {
  Node *f = e->a;
  if (f->kind == ND_NAME) {
    Var *v = find_var(C, f->name);
    if (v) {
      check_args(C, e);
      err(C, f->span, "cannot call '%s': it is a local variable", f->name);
      return e;
    }
    Global *g = find_global(C, f->name);
    if (g && g->kind == GL_FUNC)
      return call_function(C, e, g);
    if (g && g->kind == GL_MEMBER && (g->module == 'M' || g->module == 'N')) {
      int bi = builtin_by_name(g->module, g->member);
      if (bi)
        return call_builtin(C, e, bi, f->name);
    }
    if (!g) {
      int bi = builtin_by_name(0, f->name);
      if (bi)
        return call_builtin(C, e, bi, f->name);
      if (is_exception_name(f->name)) {
        check_args(C, e);
        err(C, f->span, "exceptions can only be raised in compiled code: raise %s(\"message\")",
            f->name);
        return e;
      }
    }
    return call_error(C, e, f->name);
  }
  if (f->kind == ND_ATTR && f->a && f->a->kind == ND_NAME && !find_var(C, f->a->name)) {
    Global *g = find_global(C, f->a->name);
    if (g && g->kind == GL_MODULE) {
      const char *full = arena_printf(C->a, "%s.%s", f->a->name, f->name);
      f->a->ty = C->t_module;
      int bi = g->module == 'M' || g->module == 'N' ? builtin_by_name(g->module, f->name) : 0;
      if (bi)
        return call_builtin(C, e, bi, full);
      if (g->module == 'M' || g->module == 'N') {
        check_args(C, e);
        err(C, f->span, "'%s' is not supported in compiled code", full);
        return e;
      }
      return call_error(C, e, full);
    }
  }
  if (f->kind == ND_ATTR) {
    check_args(C, e);
    err(C, f->span, "cannot call method '%s' in compiled code: methods are not supported",
        f->name);
    return e;
  }
  check_args(C, e);
  err(C, f->span, "cannot call this expression in compiled code");
  return e;
}
