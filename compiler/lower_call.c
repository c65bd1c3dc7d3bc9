/* lower_call.c: calls.  Calls to other compiled functions are direct calls of
 * their `_impl` (keywords and defaults resolved here, status checked, a
 * traceback entry added on the way out); builtins, math.* and numpy.* follow
 * builtins.def, one case per BI_* id: math.* through the CPython-exact pymath
 * helpers (or inline where the inline code is exact), numpy.* through libm
 * and LLVM intrinsics with NumPy's nan/inf results and no exceptions. */
#include "lower_fn.h"

/* ------------------------------------------------------- compiled callees */

/* Nested recursive native calls allowed before RecursionError: CPython's
 * default limit; native frames are small, so the 8 MB (main) or default
 * thread stacks hold this many easily. */
#define PJ_MAX_NATIVE_DEPTH 1000

static int param_index(const FuncInst *g, const char *name) {
  for (int j = 0; j < g->nparams; j++)
    if (g->params[j]->name == name || strcmp(g->params[j]->name, name) == 0)
      return j;
  return -1;
}

/* A call of a function with _rec variants (see RecTab): the caller reaches
 * a recursive function too, so it has a depth count to pass on, one more
 * when the call is recursive (g can call back into this function); runaway
 * recursion is CPython's RecursionError, not a crash of the native stack.
 * The result and status come back in registers. */
static LLVMValueRef call_rec(Fn *F, Node *n, int gi, LLVMValueRef *args) {
  Lower *L = F->L;
  const FuncInst *g = n->callee;
  if (!F->depth)
    die(L->bail, "line %d: call of %s without a recursion depth", n->span.line, g->name);
  bool recursive = F->reach[(size_t)gi * (size_t)L->prog->funcs.len + (size_t)F->self];
  LLVMValueRef depth = F->depth;
  if (recursive) {
    fn_check_msg(F, LLVMBuildICmp(F->b, LLVMIntSGE, depth, fn_i32(F, PJ_MAX_NATIVE_DEPTH), ""),
                 PJRT_RECURSION, "maximum recursion depth exceeded");
    depth = LLVMBuildNUWAdd(F->b, depth, fn_i32(F, 1), "");
  }
  /* a direct self-call goes to the next copy (RecTab) */
  int c = gi == F->self ? (F->clone + 1) % F->rt->nclones[gi] : 0;
  unsigned na = (unsigned)g->nparams;
  args[na++] = depth;
  LLVMValueRef r = LLVMBuildCall2(F->b, F->rt->ty[gi], F->rt->fn[gi][c], args, na, "");
  bool has_val = g->ret->kind != TY_NONE;
  LLVMValueRef st = has_val ? LLVMBuildExtractValue(F->b, r, 1, "") : r;
  LLVMBasicBlockRef ok = fn_guard(F, LLVMBuildICmp(F->b, LLVMIntNE, st, fn_i32(F, 0), ""));
  fn_raise_done(F, ok);
  if (!has_val)
    return NULL;
  LLVMValueRef v = from_storage(F, LLVMBuildExtractValue(F->b, r, 0, ""), g->ret);
  return convert(F, v, g->ret, n->ty);
}

static LLVMValueRef call_compiled(Fn *F, Node *n) {
  Lower *L = F->L;
  const FuncInst *g = n->callee;
  int gi = lower_func_index(L, g);
  LLVMValueRef *args = ARENA_ARRAY(L->arena, LLVMValueRef, g->nparams + 1);
  if (n->list.len > g->nparams)
    die(L->bail, "line %d: too many arguments for %s", n->span.line, g->name);
  for (int i = 0; i < n->list.len; i++) {
    Node *e = n->list.data[i];
    const Type *pt = g->params[i]->ty;
    args[i] = to_storage(F, convert(F, lower_expr(F, e), e->ty, pt), pt);
  }
  for (int i = 0; i < n->list2.len; i++) {
    Node *kw = n->list2.data[i];
    int j = param_index(g, kw->name);
    if (j < 0 || args[j])
      die(L->bail, "line %d: bad keyword argument '%s'", kw->span.line, kw->name);
    const Type *pt = g->params[j]->ty;
    args[j] = to_storage(F, convert(F, lower_expr(F, kw->a), kw->a->ty, pt), pt);
  }
  for (int j = 0; j < g->nparams; j++)
    if (!args[j]) {
      if (!g->defaults || !g->defaults[j])
        die(L->bail, "line %d: missing argument '%s' of %s", n->span.line, g->params[j]->name,
            g->name);
      const Type *pt = g->params[j]->ty;
      args[j] = to_storage(F, const_value(F, g->defaults[j], pt), pt);
    }
  if (F->rt->deep[gi])
    return call_rec(F, n, gi, args);
  unsigned na = (unsigned)g->nparams;
  LLVMValueRef out = NULL;
  LLVMTypeRef rty = NULL;
  if (g->ret->kind != TY_NONE) {
    rty = lower_llvm_type(L, g->ret);
    out = fn_alloca(F, rty, "ret");
    args[na++] = out;
  }
  /* in a versioned loop whose guard covered the callee's checks: the
   * variant without them (it cannot fail, so no status test either) */
  bool proven = loop_proven(F, n);
  LLVMValueRef callee = proven ? lower_proven_variant(L, gi) : L->impl_fn[gi];
  LLVMValueRef st = LLVMBuildCall2(F->b, L->impl_ty[gi], callee, args, na, "");
  if (!proven) {
    LLVMBasicBlockRef ok = fn_guard(F, LLVMBuildICmp(F->b, LLVMIntNE, st, fn_i32(F, 0), ""));
    fn_raise_done(F, ok); /* the callee raised: add this frame, return -1 */
  }
  if (!out)
    return NULL;
  LLVMValueRef v = from_storage(F, LLVMBuildLoad2(F->b, rty, out, ""), g->ret);
  return convert(F, v, g->ret, n->ty);
}

/* ---------------------------------------------------------------- helpers */

static LLVMValueRef arg_as(Fn *F, Node *n, int i, TypeKind k) {
  Node *e = n->list.data[i];
  return convert(F, lower_expr(F, e), e->ty, tt_scalar(F, k));
}

static LLVMValueRef intr1(Fn *F, const char *name, LLVMValueRef x) {
  return fn_intrinsic(F, name, &F->L->t_f64, 1, &x, 1);
}

static LLVMValueRef intr2(Fn *F, const char *name, LLVMValueRef x, LLVMValueRef y) {
  LLVMValueRef a[] = {x, y};
  return fn_intrinsic(F, name, &F->L->t_f64, 1, a, 2);
}

/* A libm function double(double[, double]), declared on first use. */
static LLVMValueRef libm(Fn *F, const char *name, LLVMValueRef *args, unsigned n) {
  Lower *L = F->L;
  LLVMTypeRef params[] = {L->t_f64, L->t_f64};
  LLVMTypeRef ty = LLVMFunctionType(L->t_f64, params, n, 0);
  LLVMValueRef fn = LLVMGetNamedFunction(L->mod, name);
  if (!fn)
    fn = LLVMAddFunction(L->mod, name, ty);
  return LLVMBuildCall2(F->b, ty, fn, args, n, "");
}

static LLVMValueRef libm1(Fn *F, const char *name, Node *n) {
  LLVMValueRef x = arg_as(F, n, 0, TY_F64);
  return libm(F, name, &x, 1);
}

static LLVMValueRef libm2(Fn *F, const char *name, Node *n) {
  LLVMValueRef a[2];
  a[0] = arg_as(F, n, 0, TY_F64);
  a[1] = arg_as(F, n, 1, TY_F64);
  return libm(F, name, a, 2);
}

static LLVMValueRef pjm1(Fn *F, RtFn f, Node *n) {
  LLVMValueRef x = arg_as(F, n, 0, TY_F64);
  return fn_call_pjm(F, f, &x, 1, F->L->t_f64);
}

static LLVMValueRef pjm2(Fn *F, RtFn f, Node *n) {
  LLVMValueRef a[2];
  a[0] = arg_as(F, n, 0, TY_F64);
  a[1] = arg_as(F, n, 1, TY_F64);
  return fn_call_pjm(F, f, a, 2, F->L->t_f64);
}

static LLVMValueRef is_nan(Fn *F, LLVMValueRef x) { return LLVMBuildFCmp(F->b, LLVMRealUNO, x, x, ""); }
static LLVMValueRef is_inf(Fn *F, LLVMValueRef x) {
  return LLVMBuildFCmp(F->b, LLVMRealOEQ, intr1(F, "llvm.fabs", x), fn_f64(F, __builtin_inf()), "");
}
static LLVMValueRef is_finite(Fn *F, LLVMValueRef x) {
  return LLVMBuildFCmp(F->b, LLVMRealOLT, intr1(F, "llvm.fabs", x), fn_f64(F, __builtin_inf()), "");
}

/* math.floor/ceil/trunc: an int argument is returned as is; a float is
 * rounded, then converted with int()'s errors. */
static LLVMValueRef round_to_int(Fn *F, Node *n, const char *intr) {
  Node *e = n->list.data[0];
  if (type_is_int(e->ty) || e->ty->kind == TY_BOOL)
    return arg_as(F, n, 0, TY_I64);
  return float_to_int(F, intr1(F, intr, arg_as(F, n, 0, TY_F64)));
}

static LLVMValueRef lower_abs(Fn *F, Node *n) {
  Node *e = n->list.data[0];
  if (type_is_float(e->ty))
    return intr1(F, "llvm.fabs", arg_as(F, n, 0, TY_F64));
  LLVMValueRef v = arg_as(F, n, 0, TY_I64);
  if (F->overflowcheck)
    fn_check_pjm(F, LLVMBuildICmp(F->b, LLVMIntEQ, v, fn_i64(F, INT64_MIN), ""), PJM_INT_OVERFLOW);
  LLVMValueRef neg = LLVMBuildICmp(F->b, LLVMIntSLT, v, fn_i64(F, 0), "");
  return LLVMBuildSelect(F->b, neg, LLVMBuildSub(F->b, fn_i64(F, 0), v, ""), v, "");
}

/* min/max as Python's: all arguments evaluated, then the first extreme one
 * kept (an item replaces the current one only if strictly smaller/larger,
 * so NaN in first place sticks and later NaNs are skipped). */
static LLVMValueRef lower_minmax(Fn *F, Node *n, bool is_max) {
  const Type *t = n->ty;
  int k = n->list.len;
  LLVMValueRef *v = ARENA_ARRAY(F->L->arena, LLVMValueRef, k);
  for (int i = 0; i < k; i++) {
    Node *e = n->list.data[i];
    v[i] = convert(F, lower_expr(F, e), e->ty, t);
  }
  LLVMValueRef cur = v[0];
  for (int i = 1; i < k; i++) {
    LLVMValueRef take = compare_values(F, is_max ? OP_GT : OP_LT, v[i], cur, t);
    cur = LLVMBuildSelect(F->b, take, v[i], cur, "");
  }
  return cur;
}

static LLVMValueRef lower_round(Fn *F, Node *n) {
  Node *e = n->list.data[0];
  bool is_int = type_is_int(e->ty) || e->ty->kind == TY_BOOL;
  if (n->list.len == 1) {
    if (is_int)
      return arg_as(F, n, 0, TY_I64);
    /* round(x): half-even to an integer, then int()'s NaN/inf errors */
    return float_to_int(F, intr1(F, "llvm.roundeven", arg_as(F, n, 0, TY_F64)));
  }
  if (is_int) {
    LLVMValueRef a[] = {arg_as(F, n, 0, TY_I64), arg_as(F, n, 1, TY_I64)};
    return fn_call_pjm(F, RT_pjm_round_ndigits_i64, a, 2, F->L->t_i64);
  }
  LLVMValueRef a[] = {arg_as(F, n, 0, TY_F64), arg_as(F, n, 1, TY_I64)};
  return fn_call_pjm(F, RT_pjm_round_f64, a, 2, F->L->t_f64);
}

static LLVMValueRef lower_len(Fn *F, Node *n) {
  Node *e = n->list.data[0];
  if (e->ty->kind == TY_TUPLE)
    return fn_i64(F, e->ty->nelems);
  if (e->ty->kind != TY_ARRAY)
    die(F->L->bail, "line %d: len() of %s", n->span.line, type_name(F->L->arena, e->ty));
  ArrView v;
  array_view(F, e, &v);
  return v.shape[0];
}

static LLVMValueRef math_sqrt(Fn *F, Node *n) {
  /* llvm.sqrt is correctly rounded like libm's; x < 0 is CPython's domain
   * error (sqrt(-0.0) is -0.0, sqrt(nan) is nan). */
  LLVMValueRef x = arg_as(F, n, 0, TY_F64);
  fn_check_pjm(F, LLVMBuildFCmp(F->b, LLVMRealOLT, x, fn_f64(F, 0.0), ""), PJM_MATH_DOMAIN);
  return intr1(F, "llvm.sqrt", x);
}

static LLVMValueRef math_log(Fn *F, Node *n) {
  if (n->list.len == 2)
    return pjm2(F, RT_pjm_math_log_base, n);
  return pjm1(F, RT_pjm_math_log, n);
}

static LLVMValueRef math_gcd(Fn *F, Node *n) {
  LLVMValueRef a[] = {arg_as(F, n, 0, TY_I64), arg_as(F, n, 1, TY_I64)};
  return fn_call_pjm(F, RT_pjm_math_gcd, a, 2, F->L->t_i64);
}

static const double PI = 3.141592653589793238462643383279502884;

static LLVMValueRef scale(Fn *F, Node *n, double k) {
  LLVMValueRef r = LLVMBuildFMul(F->b, arg_as(F, n, 0, TY_F64), fn_f64(F, k), "");
  fn_set_fast(F, r);
  return r;
}

LLVMValueRef lower_builtin_const(Fn *F, int bi) {
  switch ((BuiltinId)bi) {
  case BI_M_PI: case BI_N_PI: return fn_f64(F, PI);
  case BI_M_E: case BI_N_E: return fn_f64(F, 2.718281828459045235360287471352662498);
  case BI_M_TAU: return fn_f64(F, 6.283185307179586476925286766559005768);
  case BI_M_INF: case BI_N_INF: return fn_f64(F, __builtin_inf());
  case BI_M_NAN: case BI_N_NAN: return fn_f64(F, __builtin_nan(""));
  default:
    break;
  }
  die(F->L->bail, "line %d: builtin %s is not a constant", F->line,
      bi > 0 && bi < BI_COUNT_ ? builtin_info[bi].name : "?");
}

/* The value of builtin call n, in the type the builtin computes (converted
 * to n->ty by the caller). */
static LLVMValueRef builtin_call(Fn *F, Node *n, Type **rt) {
  Type *f64 = tt_scalar(F, TY_F64), *i64 = tt_scalar(F, TY_I64), *bl = tt_scalar(F, TY_BOOL);
  *rt = f64;
  switch ((BuiltinId)n->builtin) {
  case BI_NONE_: case BI_COUNT_: break;
  case BI_RANGE: break; /* only as a for-loop iterable */
  case BI_LEN: *rt = i64; return lower_len(F, n);
  case BI_ABS:
    *rt = type_is_float(n->list.data[0]->ty) ? f64 : i64;
    return lower_abs(F, n);
  case BI_MIN: *rt = n->ty; return lower_minmax(F, n, false);
  case BI_MAX: *rt = n->ty; return lower_minmax(F, n, true);
  case BI_INT: *rt = i64; return arg_as(F, n, 0, TY_I64);
  case BI_FLOAT: return arg_as(F, n, 0, TY_F64);
  case BI_BOOL: *rt = bl; return arg_as(F, n, 0, TY_BOOL);
  case BI_ROUND:
    *rt = (n->list.len == 1 || !type_is_float(n->list.data[0]->ty)) ? i64 : f64;
    return lower_round(F, n);

  case BI_M_SQRT: return math_sqrt(F, n);
  case BI_M_EXP: return pjm1(F, RT_pjm_math_exp, n);
  case BI_M_EXPM1: return pjm1(F, RT_pjm_math_expm1, n);
  case BI_M_LOG: return math_log(F, n);
  case BI_M_LOG2: return pjm1(F, RT_pjm_math_log2, n);
  case BI_M_LOG10: return pjm1(F, RT_pjm_math_log10, n);
  case BI_M_LOG1P: return pjm1(F, RT_pjm_math_log1p, n);
  case BI_M_SIN: return pjm1(F, RT_pjm_math_sin, n);
  case BI_M_COS: return pjm1(F, RT_pjm_math_cos, n);
  case BI_M_TAN: return pjm1(F, RT_pjm_math_tan, n);
  case BI_M_ASIN: return pjm1(F, RT_pjm_math_asin, n);
  case BI_M_ACOS: return pjm1(F, RT_pjm_math_acos, n);
  case BI_M_ATAN: return pjm1(F, RT_pjm_math_atan, n);
  case BI_M_ATAN2: return pjm2(F, RT_pjm_math_atan2, n);
  case BI_M_SINH: return pjm1(F, RT_pjm_math_sinh, n);
  case BI_M_COSH: return pjm1(F, RT_pjm_math_cosh, n);
  case BI_M_TANH: return pjm1(F, RT_pjm_math_tanh, n);
  case BI_M_ASINH: return pjm1(F, RT_pjm_math_asinh, n);
  case BI_M_ACOSH: return pjm1(F, RT_pjm_math_acosh, n);
  case BI_M_ATANH: return pjm1(F, RT_pjm_math_atanh, n);
  case BI_M_POW: return pjm2(F, RT_pjm_math_pow, n);
  case BI_M_FABS: return intr1(F, "llvm.fabs", arg_as(F, n, 0, TY_F64));
  case BI_M_FLOOR: *rt = i64; return round_to_int(F, n, "llvm.floor");
  case BI_M_CEIL: *rt = i64; return round_to_int(F, n, "llvm.ceil");
  case BI_M_TRUNC: *rt = i64; return round_to_int(F, n, "llvm.trunc");
  case BI_M_COPYSIGN: {
    LLVMValueRef x = arg_as(F, n, 0, TY_F64), y = arg_as(F, n, 1, TY_F64);
    return intr2(F, "llvm.copysign", x, y);
  }
  case BI_M_HYPOT: return pjm2(F, RT_pjm_math_hypot, n);
  case BI_M_FMOD: return pjm2(F, RT_pjm_math_fmod, n);
  case BI_M_ISNAN: *rt = bl; return is_nan(F, arg_as(F, n, 0, TY_F64));
  case BI_M_ISINF: *rt = bl; return is_inf(F, arg_as(F, n, 0, TY_F64));
  case BI_M_ISFINITE: *rt = bl; return is_finite(F, arg_as(F, n, 0, TY_F64));
  case BI_M_DEGREES: return scale(F, n, 180.0 / PI);  /* CPython: x * (180.0 / pi) */
  case BI_M_RADIANS: return scale(F, n, PI / 180.0);  /* x * (pi / 180.0) */
  case BI_M_ERF: return pjm1(F, RT_pjm_math_erf, n);
  case BI_M_ERFC: return pjm1(F, RT_pjm_math_erfc, n);
  case BI_M_GAMMA: return pjm1(F, RT_pjm_math_gamma, n);
  case BI_M_LGAMMA: return pjm1(F, RT_pjm_math_lgamma, n);
  case BI_M_GCD: *rt = i64; return math_gcd(F, n);
  case BI_M_PI: case BI_M_E: case BI_M_TAU: case BI_M_INF: case BI_M_NAN:
    break;

  case BI_N_SQRT: return intr1(F, "llvm.sqrt", arg_as(F, n, 0, TY_F64));
  case BI_N_EXP: return libm1(F, "exp", n);
  case BI_N_EXPM1: return libm1(F, "expm1", n);
  case BI_N_LOG: return libm1(F, "log", n);
  case BI_N_LOG2: return libm1(F, "log2", n);
  case BI_N_LOG10: return libm1(F, "log10", n);
  case BI_N_LOG1P: return libm1(F, "log1p", n);
  case BI_N_SIN: return libm1(F, "sin", n);
  case BI_N_COS: return libm1(F, "cos", n);
  case BI_N_TAN: return libm1(F, "tan", n);
  case BI_N_ARCSIN: return libm1(F, "asin", n);
  case BI_N_ARCCOS: return libm1(F, "acos", n);
  case BI_N_ARCTAN: return libm1(F, "atan", n);
  case BI_N_ARCTAN2: return libm2(F, "atan2", n);
  case BI_N_SINH: return libm1(F, "sinh", n);
  case BI_N_COSH: return libm1(F, "cosh", n);
  case BI_N_TANH: return libm1(F, "tanh", n);
  case BI_N_FABS: case BI_N_ABS: return intr1(F, "llvm.fabs", arg_as(F, n, 0, TY_F64));
  case BI_N_FLOOR: return intr1(F, "llvm.floor", arg_as(F, n, 0, TY_F64));
  case BI_N_CEIL: return intr1(F, "llvm.ceil", arg_as(F, n, 0, TY_F64));
  case BI_N_TRUNC: return intr1(F, "llvm.trunc", arg_as(F, n, 0, TY_F64));
  case BI_N_HYPOT: return libm2(F, "hypot", n);
  case BI_N_COPYSIGN: {
    LLVMValueRef x = arg_as(F, n, 0, TY_F64), y = arg_as(F, n, 1, TY_F64);
    return intr2(F, "llvm.copysign", x, y);
  }
  case BI_N_ISNAN: *rt = bl; return is_nan(F, arg_as(F, n, 0, TY_F64));
  case BI_N_ISINF: *rt = bl; return is_inf(F, arg_as(F, n, 0, TY_F64));
  case BI_N_ISFINITE: *rt = bl; return is_finite(F, arg_as(F, n, 0, TY_F64));
  case BI_N_DEGREES: return scale(F, n, 180.0 / PI);
  case BI_N_RADIANS: return scale(F, n, PI / 180.0);
  case BI_N_PI: case BI_N_E: case BI_N_INF: case BI_N_NAN:
    break;
  case BI_A_SHAPE: case BI_A_NDIM: case BI_A_SIZE:
    break;
  }
  die(F->L->bail, "line %d: cannot call builtin %d", n->span.line, n->builtin);
}

LLVMValueRef lower_call(Fn *F, Node *n) {
  if (n->callee)
    return call_compiled(F, n);
  if (n->builtin) {
    Type *rt;
    LLVMValueRef v = builtin_call(F, n, &rt);
    return convert(F, v, rt, n->ty);
  }
  die(F->L->bail, "line %d: call of something that is neither compiled nor a builtin",
      n->span.line);
}
