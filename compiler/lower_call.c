/* lower_call.c: calls.  Calls to other compiled functions are direct calls of
 * their `_impl` (keywords and defaults resolved here, status checked, a
 * traceback entry added on the way out); builtins, math.* and numpy.* follow
 * builtins.def, one case per BI_* id: math.* as glibc calls with CPython's
 * exception rules inline (see "math.* through glibc"), or through the
 * CPython-exact pymath helpers where CPython has its own algorithm; numpy.*
 * through libm and LLVM intrinsics with NumPy's nan/inf results and no
 * exceptions. */
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
  /* a direct self-call goes to the next copy of the same kind (RecTab) */
  LLVMValueRef callee = F->rt->entry[gi];
  if (gi == F->self)
    callee = F->replay ? F->rt->pure[gi][(F->clone + 1) % F->rt->npure[gi]]
                       : F->rt->fn[gi][(F->clone + 1) % F->rt->nclones[gi]];
  unsigned na = (unsigned)g->nparams;
  args[na++] = depth;
  LLVMValueRef r = LLVMBuildCall2(F->b, F->rt->ty[gi], callee, args, na, "");
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
  if (!F->loop && g->has_loops) /* runs once per call of this function: inlining */
    lower_noinline_call(L, st); /* would buy nothing but build time (nbody_energy) */
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

/* ------------------------------------------------- math.* through glibc
 *
 * CPython computes these with the C library (mathmodule.c math_1, math_1a,
 * math_2, math_pow, math_fmod) and decides its exceptions from the result,
 * the arguments and errno.  With glibc, errno tells nothing the result does
 * not: EDOM comes only with a NaN result, ERANGE for overflow only with an
 * infinite one, and ERANGE with a finite result only on underflow, where
 * |r| < 1.5 and CPython's is_error() does not raise.  So a finite result
 * is always CPython's answer, and the lowering calls the same glibc function
 * directly (no errno reset and read through __errno_location, no call of a
 * helper with an out-pointer) and tests only the result on the hot path.
 * The rare non-finite results take CPython's rules inline (math_1) or go to
 * the pymath helper (the two-argument functions, whose special cases
 * CPython handles before calling the library).  gamma, lgamma and hypot are
 * CPython's own algorithms and stay pymath helpers. */

static LLVMAttributeRef attr(Fn *F, const char *name, uint64_t val) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  return LLVMCreateEnumAttribute(F->L->ctx, kind, val);
}

/* LLVM's MemoryEffects encoding: 2 bits (ref 1, mod 2) per location, the
 * inaccessible location second. */
enum { MEM_INACCESSIBLE_READWRITE = 3 << 2 };

/* A C-library function double(double[, double]) called so that LLVM cannot
 * rewrite it: `nobuiltin` keeps it a call of glibc (no constant folding with
 * the compiler's own library, no pow(x, 2.0) -> x*x, no sin(-x) -> -sin(x)),
 * so the result has glibc's bits, as in CPython.  Its only memory is
 * errno and the floating-point environment (inaccessible to compiled code,
 * which never reads errno), so loads and stores of arrays move across it. */
static LLVMValueRef libm_exact(Fn *F, const char *name, LLVMValueRef *args, unsigned n) {
  LLVMValueRef r = libm(F, name, args, n);
  LLVMValueRef fn = LLVMGetNamedFunction(F->L->mod, name);
  if (!LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                                   LLVMGetEnumAttributeKindForName("memory", 6))) {
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, attr(F, "nounwind", 0));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, attr(F, "willreturn", 0));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            attr(F, "memory", MEM_INACCESSIBLE_READWRITE));
  }
  LLVMAddCallSiteAttribute(r, LLVMAttributeFunctionIndex, attr(F, "nobuiltin", 0));
  return r;
}

static LLVMValueRef not_finite(Fn *F, LLVMValueRef x) {
  return LLVMBuildFCmp(F->b, LLVMRealUEQ, intr1(F, "llvm.fabs", x), fn_f64(F, __builtin_inf()), "");
}

/* Continues in a fresh block where a (from abb) and c (from the current
 * block) meet. */
static LLVMValueRef join2(Fn *F, LLVMValueRef a, LLVMBasicBlockRef abb, LLVMValueRef c,
                          LLVMBasicBlockRef done) {
  LLVMBasicBlockRef cbb = LLVMGetInsertBlock(F->b);
  LLVMBuildBr(F->b, done);
  fn_position(F, done);
  LLVMValueRef phi = LLVMBuildPhi(F->b, F->L->t_f64, "");
  LLVMValueRef v[] = {a, c};
  LLVMBasicBlockRef bb[] = {abb, cbb};
  LLVMAddIncoming(phi, v, bb, 2);
  return phi;
}

/* mathmodule.c math_1 on glibc's f.  A finite result is the answer.
 * Otherwise a NaN from a non-NaN x is ValueError, an infinity from a finite
 * x OverflowError (can_overflow) or ValueError, and the rest (x NaN, or x
 * and the result infinite) is returned: the result, or x itself for
 * CPython's m_log, m_log2 and m_log10 (returns_x), which return a NaN or
 * +inf argument without calling the library (same value; x's NaN bits). */
static LLVMValueRef math1(Fn *F, Node *n, const char *name, bool can_overflow, bool returns_x) {
  LLVMBuilderRef b = F->b;
  LLVMValueRef x = arg_as(F, n, 0, TY_F64);
  LLVMValueRef r = libm_exact(F, name, &x, 1);
  LLVMBasicBlockRef hot = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef special = fn_block(F, "math.special"), done = fn_block(F, "math.done");
  fn_cond_br_unlikely(F, not_finite(F, r), special, done);
  fn_position(F, special);
  LLVMValueRef x_not_nan = LLVMBuildFCmp(b, LLVMRealORD, x, x, "");
  fn_check_pjm(F, LLVMBuildAnd(b, is_nan(F, r), x_not_nan, ""), PJM_MATH_DOMAIN);
  /* r is NaN only with x NaN from here on, else infinite */
  fn_check_pjm(F, is_finite(F, x), can_overflow ? PJM_MATH_RANGE : PJM_MATH_DOMAIN);
  return join2(F, r, hot, returns_x ? x : r, done);
}

/* glibc's result r where `fast` holds (cases in which CPython returns
 * exactly r), else the pymath helper f on the same arguments, which does
 * CPython's special cases and raises. */
static LLVMValueRef fast_or_helper(Fn *F, LLVMValueRef fast, LLVMValueRef r, RtFn f,
                                   LLVMValueRef *args, unsigned n) {
  LLVMBasicBlockRef hot = LLVMGetInsertBlock(F->b);
  LLVMBasicBlockRef slow = fn_block(F, "math.slow"), done = fn_block(F, "math.done");
  fn_cond_br_unlikely(F, LLVMBuildNot(F->b, fast, ""), slow, done);
  fn_position(F, slow);
  LLVMValueRef v = fn_call_pjm(F, f, args, n, F->L->t_f64);
  return join2(F, r, hot, v, done);
}

/* math.erf, math.erfc (math_1a): CPython raises only when errno says EDOM
 * or an ERANGE overflow, and glibc's erf and erfc never overflow or set
 * EDOM (erfc's ERANGE is an underflow): glibc's result, nothing to test. */
static LLVMValueRef math_erf(Fn *F, Node *n, const char *name) {
  LLVMValueRef x = arg_as(F, n, 0, TY_F64);
  return libm_exact(F, name, &x, 1);
}

static LLVMValueRef and3(Fn *F, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c) {
  return LLVMBuildAnd(F->b, LLVMBuildAnd(F->b, a, b, ""), c, "");
}

/* math.atan2(y, x): CPython's m_atan2 handles NaN, infinite arguments and
 * y == 0 itself (pjm_math_atan2); the rest is glibc's atan2, which only
 * underflows there (no error). */
static LLVMValueRef math_atan2(Fn *F, Node *n) {
  LLVMValueRef a[] = {arg_as(F, n, 0, TY_F64), arg_as(F, n, 1, TY_F64)};
  LLVMValueRef r = libm_exact(F, "atan2", a, 2);
  LLVMValueRef y_nonzero = LLVMBuildFCmp(F->b, LLVMRealONE, a[0], fn_f64(F, 0.0), "");
  LLVMValueRef fast = and3(F, y_nonzero, is_finite(F, a[0]), is_finite(F, a[1]));
  return fast_or_helper(F, fast, r, RT_pjm_math_atan2, a, 2);
}

/* math.pow(x, y): for finite x and y CPython returns glibc's pow when it is
 * finite (errno can only be underflow then); infinite arguments and
 * non-finite results go to its special cases (pjm_math_pow). */
static LLVMValueRef math_pow(Fn *F, Node *n) {
  LLVMValueRef a[] = {arg_as(F, n, 0, TY_F64), arg_as(F, n, 1, TY_F64)};
  LLVMValueRef r = libm_exact(F, "pow", a, 2);
  LLVMValueRef fast = and3(F, is_finite(F, r), is_finite(F, a[0]), is_finite(F, a[1]));
  return fast_or_helper(F, fast, r, RT_pjm_math_pow, a, 2);
}

/* math.fmod(x, y): glibc's fmod is exact and sets errno only with a NaN
 * result; CPython answers fmod(x, +-inf) itself (pjm_math_fmod). */
static LLVMValueRef math_fmod(Fn *F, Node *n) {
  LLVMValueRef a[] = {arg_as(F, n, 0, TY_F64), arg_as(F, n, 1, TY_F64)};
  LLVMValueRef r = libm_exact(F, "fmod", a, 2);
  LLVMValueRef fast = LLVMBuildAnd(F->b, LLVMBuildFCmp(F->b, LLVMRealORD, r, r, ""),
                                   is_finite(F, a[1]), "");
  return fast_or_helper(F, fast, r, RT_pjm_math_fmod, a, 2);
}

/* math.log(x[, base]).  With a base CPython divides m_log(x) by
 * m_log(base): when both are finite (then both are glibc's log) and the
 * divisor is not 0, that is one division; else pjm_math_log_base raises
 * for x first, then base, then ZeroDivisionError as CPython does. */
static LLVMValueRef math_log(Fn *F, Node *n) {
  if (n->list.len == 1)
    return math1(F, n, "log", false, true);
  LLVMValueRef a[] = {arg_as(F, n, 0, TY_F64), arg_as(F, n, 1, TY_F64)};
  LLVMValueRef num = libm_exact(F, "log", &a[0], 1), den = libm_exact(F, "log", &a[1], 1);
  LLVMValueRef den_ok = LLVMBuildFCmp(F->b, LLVMRealONE, den, fn_f64(F, 0.0), "");
  LLVMValueRef fast = and3(F, is_finite(F, num), is_finite(F, den), den_ok);
  LLVMValueRef r = LLVMBuildFDiv(F->b, num, den, "");
  return fast_or_helper(F, fast, r, RT_pjm_math_log_base, a, 2);
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
  case BI_M_EXP: return math1(F, n, "exp", true, false);
  case BI_M_EXPM1: return math1(F, n, "expm1", true, false);
  case BI_M_LOG: return math_log(F, n);
  case BI_M_LOG2: return math1(F, n, "log2", false, true);
  case BI_M_LOG10: return math1(F, n, "log10", false, true);
  case BI_M_LOG1P: return math1(F, n, "log1p", false, false);
  case BI_M_SIN: return math1(F, n, "sin", false, false);
  case BI_M_COS: return math1(F, n, "cos", false, false);
  case BI_M_TAN: return math1(F, n, "tan", false, false);
  case BI_M_ASIN: return math1(F, n, "asin", false, false);
  case BI_M_ACOS: return math1(F, n, "acos", false, false);
  case BI_M_ATAN: return math1(F, n, "atan", false, false);
  case BI_M_ATAN2: return math_atan2(F, n);
  case BI_M_SINH: return math1(F, n, "sinh", true, false);
  case BI_M_COSH: return math1(F, n, "cosh", true, false);
  case BI_M_TANH: return math1(F, n, "tanh", false, false);
  case BI_M_ASINH: return math1(F, n, "asinh", false, false);
  case BI_M_ACOSH: return math1(F, n, "acosh", false, false);
  case BI_M_ATANH: return math1(F, n, "atanh", false, false);
  case BI_M_POW: return math_pow(F, n);
  case BI_M_FABS: return intr1(F, "llvm.fabs", arg_as(F, n, 0, TY_F64));
  case BI_M_FLOOR: *rt = i64; return round_to_int(F, n, "llvm.floor");
  case BI_M_CEIL: *rt = i64; return round_to_int(F, n, "llvm.ceil");
  case BI_M_TRUNC: *rt = i64; return round_to_int(F, n, "llvm.trunc");
  case BI_M_COPYSIGN: {
    LLVMValueRef x = arg_as(F, n, 0, TY_F64), y = arg_as(F, n, 1, TY_F64);
    return intr2(F, "llvm.copysign", x, y);
  }
  case BI_M_HYPOT: return pjm2(F, RT_pjm_math_hypot, n);
  case BI_M_FMOD: return math_fmod(F, n);
  case BI_M_ISNAN: *rt = bl; return is_nan(F, arg_as(F, n, 0, TY_F64));
  case BI_M_ISINF: *rt = bl; return is_inf(F, arg_as(F, n, 0, TY_F64));
  case BI_M_ISFINITE: *rt = bl; return is_finite(F, arg_as(F, n, 0, TY_F64));
  case BI_M_DEGREES: return scale(F, n, 180.0 / PI);  /* CPython: x * (180.0 / pi) */
  case BI_M_RADIANS: return scale(F, n, PI / 180.0);  /* x * (pi / 180.0) */
  case BI_M_ERF: return math_erf(F, n, "erf");
  case BI_M_ERFC: return math_erf(F, n, "erfc");
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
