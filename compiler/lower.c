/* lower.c: STAGE 4 entry point, the native `SYMBOL_impl` functions (their
 * declarations per the calling convention of lower_internal.h), and the
 * statements of their bodies.  Expressions are in lower_expr.c and
 * lower_arith.c, arrays in lower_array.c, calls and builtins in lower_call.c.
 *
 * Shape of every body: an "entry" block with every alloca (parameters are
 * copied into allocas so they can be reassigned; mem2reg makes them SSA
 * again), the statements, and one "error" block returning -1 that every error
 * path reaches after raising and adding its traceback entry. */
#include <llvm-c/DebugInfo.h>

#include "lower_fn.h"

PjIR *lower_program(Arena *a, Bailout *b, const Program *p, const PjOptions *o,
                    const char *module_name, const char *source_path, const char *source_text) {
  Lower *L = ARENA_NEW(a, Lower);
  L->arena = a;
  L->bail = b;
  L->prog = p;
  L->opt = o;
  L->module_name = module_name;
  L->source_path = source_path;
  L->source_text = source_text;
  L->ir = xmalloc(sizeof *L->ir);
  memset(L->ir, 0, sizeof *L->ir);
  L->ir->ctx = L->ctx = LLVMContextCreate();
  L->ir->mod = L->mod = LLVMModuleCreateWithNameInContext(module_name, L->ctx);
  emit_setup_target(L);
  lower_init_types(L);
  L->b = LLVMCreateBuilderInContext(L->ctx);
  lower_declare_impls(L);
  lower_bodies(L);
  lower_wrappers(L);
  lower_module_def(L);
  LLVMDisposeBuilder(L->b);
  return L->ir;
}

/* ---------------------------------------------------------------- helpers */

static LLVMAttributeRef enum_attr(Lower *L, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  return LLVMCreateEnumAttribute(L->ctx, kind, 0);
}

void lower_noinline_call(Lower *L, LLVMValueRef call) {
  LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex, enum_attr(L, "noinline"));
}

LLVMBasicBlockRef fn_block(Fn *F, const char *name) {
  return LLVMAppendBasicBlockInContext(F->L->ctx, F->fn, name);
}

void fn_position(Fn *F, LLVMBasicBlockRef bb) { LLVMPositionBuilderAtEnd(F->b, bb); }

bool fn_terminated(Fn *F) {
  return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(F->b)) != NULL;
}

LLVMValueRef fn_alloca(Fn *F, LLVMTypeRef ty, const char *name) {
  return LLVMBuildAlloca(F->ab, ty, name);
}

LLVMValueRef fn_i64(Fn *F, int64_t v) { return LLVMConstInt(F->L->t_i64, (unsigned long long)v, 1); }
LLVMValueRef fn_i32(Fn *F, int v) { return LLVMConstInt(F->L->t_i32, (unsigned long long)v, 1); }
LLVMValueRef fn_f64(Fn *F, double v) { return LLVMConstReal(F->L->t_f64, v); }
LLVMValueRef fn_bool(Fn *F, bool v) { return LLVMConstInt(F->L->t_i1, v, 0); }

void fn_cold_call(Fn *F, LLVMValueRef call) {
  LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex, enum_attr(F->L, "cold"));
}

void fn_set_fast(Fn *F, LLVMValueRef v) {
  /* reassociation, contraction, reciprocals, signed zeros; never nnan/ninf:
   * those would fold away isnan tests and the division-by-zero checks. */
#if LLVM_VERSION_MAJOR >= 18
  if (F->fastmath && LLVMIsAInstruction(v) && LLVMCanValueUseFastMathFlags(v))
    LLVMSetFastMathFlags(v, LLVMFastMathAllowReassoc | LLVMFastMathAllowContract |
                                LLVMFastMathAllowReciprocal | LLVMFastMathNoSignedZeros);
#else
  /* LLVM-C before 18 cannot set fast-math flags: fastmath stays exact there. */
  (void)F;
  (void)v;
#endif
}

void fn_cond_br_unlikely(Fn *F, LLVMValueRef bad, LLVMBasicBlockRef bad_bb,
                         LLVMBasicBlockRef ok_bb) {
  Lower *L = F->L;
  LLVMValueRef br = LLVMBuildCondBr(F->b, bad, bad_bb, ok_bb);
  LLVMMetadataRef md[3] = {
      LLVMMDStringInContext2(L->ctx, "branch_weights", 14),
      LLVMValueAsMetadata(LLVMConstInt(L->t_i32, 1, 0)),
      LLVMValueAsMetadata(LLVMConstInt(L->t_i32, 1 << 20, 0)),
  };
  LLVMMetadataRef node = LLVMMDNodeInContext2(L->ctx, md, 3);
  LLVMSetMetadata(br, LLVMGetMDKindIDInContext(L->ctx, "prof", 4),
                  LLVMMetadataAsValue(L->ctx, node));
}

LLVMBasicBlockRef fn_guard(Fn *F, LLVMValueRef bad) {
  if (F->defer) /* lower_spec.c's whitelist let a raising operation through */
    die(F->L->bail, "line %d: a check inside a speculated if", F->line);
  if (F->defer_slot) { /* lower_defer.c: note the failure and go on; the raise is dead code */
    LLVMValueRef was = LLVMBuildLoad2(F->b, F->L->t_i1, F->defer_slot, "");
    LLVMBuildStore(F->b, LLVMBuildOr(F->b, was, bad, ""), F->defer_slot);
    LLVMBasicBlockRef ok_bb = fn_block(F, "ok");
    LLVMBuildBr(F->b, ok_bb);
    fn_position(F, fn_block(F, "deferred"));
    return ok_bb;
  }
  LLVMBasicBlockRef bad_bb = fn_block(F, "raise");
  LLVMBasicBlockRef ok_bb = fn_block(F, "ok");
  fn_cond_br_unlikely(F, bad, bad_bb, ok_bb);
  fn_position(F, bad_bb);
  if (F->promo) /* memory as CPython's loop would leave it at the raise */
    promote_flush(F);
  return ok_bb;
}

/* Every runtime call on a raise path comes here.  A replay variant (see
 * "replayed recursion") makes none: its error paths only return -1, so its
 * body has no effect LLVM must keep and identical calls of it merge. */
LLVMValueRef fn_call_rt_cold(Fn *F, RtFn f, LLVMValueRef *args, unsigned n) {
  if (F->replay) {
    LLVMTypeRef ret = LLVMGetReturnType(LLVMGlobalGetValueType(lower_rt(F->L, f)));
    return LLVMGetTypeKind(ret) == LLVMVoidTypeKind ? NULL : LLVMGetUndef(ret);
  }
  LLVMValueRef c = lower_call_rt(F->L, f, args, n);
  fn_cold_call(F, c);
  return c;
}

/* Raise paths are shared within a function: a raise site only branches to
 * a tail block, passing its line (and kind and message, or pymath status)
 * as phi operands; the tail makes the runtime calls once.  LLVM's inline
 * cost counts every call of a callee, cold or not (about 30 + 5 per
 * argument each), so with a raise sequence per check a three-line helper
 * with two checks already cost more than the O3 threshold (250) and stayed
 * a call in its caller's loop; with the tails each check costs a compare
 * and a branch.  The hot path is unchanged. */

static void add_incoming(LLVMValueRef phi, LLVMValueRef v, LLVMBasicBlockRef from) {
  LLVMAddIncoming(phi, &v, &from, 1);
}

/* Builds a tail block with the builder, then puts the builder back. */
static LLVMBasicBlockRef tail_begin(Fn *F, const char *name, LLVMBasicBlockRef *saved) {
  *saved = LLVMGetInsertBlock(F->b);
  LLVMBasicBlockRef bb = fn_block(F, name);
  fn_position(F, bb);
  return bb;
}

/* The traceback tail: `phi line`, the traceback entry, `return -1`. */
static LLVMBasicBlockRef traceback_tail(Fn *F) {
  if (F->tb_bb)
    return F->tb_bb;
  Lower *L = F->L;
  LLVMBasicBlockRef saved;
  F->tb_bb = tail_begin(F, "traceback", &saved);
  F->tb_line = LLVMBuildPhi(F->b, L->t_i32, "line");
  if (!F->file_str) {
    F->file_str = lower_cstring(L, L->source_path);
    F->name_str = lower_cstring(L, F->f->name);
  }
  LLVMValueRef args[] = {F->file_str, F->name_str, F->tb_line};
  fn_call_rt_cold(F, RT_pjrt_add_traceback, args, 3);
  LLVMBuildBr(F->b, F->err_bb);
  fn_position(F, saved);
  return F->tb_bb;
}

/* The raise tail: `phi kind, msg, line`, pjrt_raise, then the traceback tail. */
static LLVMBasicBlockRef raise_tail(Fn *F) {
  if (F->raise_bb)
    return F->raise_bb;
  Lower *L = F->L;
  LLVMBasicBlockRef tb = traceback_tail(F), saved;
  F->raise_bb = tail_begin(F, "raise.tail", &saved);
  F->raise_kind = LLVMBuildPhi(F->b, L->t_i32, "kind");
  F->raise_msg = LLVMBuildPhi(F->b, L->t_ptr, "msg");
  F->raise_line = LLVMBuildPhi(F->b, L->t_i32, "line");
  LLVMValueRef args[] = {F->raise_kind, F->raise_msg};
  fn_call_rt_cold(F, RT_pjrt_raise, args, 2);
  add_incoming(F->tb_line, F->raise_line, F->raise_bb);
  LLVMBuildBr(F->b, tb);
  fn_position(F, saved);
  return F->raise_bb;
}

/* The status tail: `phi status, line`, the pymath status's kind and message,
 * then the raise tail. */
static LLVMBasicBlockRef status_tail(Fn *F) {
  if (F->status_bb)
    return F->status_bb;
  Lower *L = F->L;
  LLVMBasicBlockRef rt = raise_tail(F), saved;
  F->status_bb = tail_begin(F, "status.tail", &saved);
  F->status_val = LLVMBuildPhi(F->b, L->t_i32, "status");
  F->status_line = LLVMBuildPhi(F->b, L->t_i32, "line");
  add_incoming(F->raise_kind, fn_call_rt_cold(F, RT_pjm_error_kind, &F->status_val, 1), F->status_bb);
  add_incoming(F->raise_msg, fn_call_rt_cold(F, RT_pjm_error_message, &F->status_val, 1),
               F->status_bb);
  add_incoming(F->raise_line, F->status_line, F->status_bb);
  LLVMBuildBr(F->b, rt);
  fn_position(F, saved);
  return F->status_bb;
}

/* Leaves a raise site: with ok == NULL the code after this point is
 * unreachable, and a fresh block takes it. */
static void raise_site_done(Fn *F, LLVMBasicBlockRef ok) {
  fn_position(F, ok ? ok : fn_block(F, "dead"));
}

/* The traceback entry for the current line, then `return -1`. */
void fn_raise_done(Fn *F, LLVMBasicBlockRef ok) {
  LLVMBasicBlockRef tb = traceback_tail(F);
  add_incoming(F->tb_line, fn_i32(F, F->line), LLVMGetInsertBlock(F->b));
  LLVMBuildBr(F->b, tb);
  raise_site_done(F, ok);
}

static const char *pjm_message(int st) {
  static const char *const msgs[PJM_COUNT_] = {
      [PJM_OK] = "",
#define PJM_ERR(id, kind, message) [PJM_##id] = message,
#include "../stdlib/pymath_errors.def"
#undef PJM_ERR
  };
  return msgs[st];
}

static int pjm_kind(int st) {
  static const int kinds[PJM_COUNT_] = {
      [PJM_OK] = 0,
#define PJM_ERR(id, kind, message) [PJM_##id] = kind,
#include "../stdlib/pymath_errors.def"
#undef PJM_ERR
  };
  return kinds[st];
}

static LLVMValueRef msg_value(Fn *F, const char *msg) {
  return msg ? lower_cstring(F->L, msg) : LLVMConstNull(F->L->t_ptr);
}

void fn_raise_msg_here(Fn *F, int kind, const char *msg) {
  LLVMValueRef args[] = {fn_i32(F, kind), msg_value(F, msg)};
  fn_call_rt_cold(F, RT_pjrt_raise, args, 2);
}

void fn_raise_pjm_here(Fn *F, int st) { fn_raise_msg_here(F, pjm_kind(st), pjm_message(st)); }

void fn_raise_status_here(Fn *F, LLVMValueRef st) {
  LLVMValueRef kind = fn_call_rt_cold(F, RT_pjm_error_kind, &st, 1);
  LLVMValueRef msg = fn_call_rt_cold(F, RT_pjm_error_message, &st, 1);
  LLVMValueRef args[] = {kind, msg};
  fn_call_rt_cold(F, RT_pjrt_raise, args, 2);
}

/* Raise kind/msg (i32 and ptr values) at the current line through the
 * shared tail, then continue at ok. */
static void raise_values(Fn *F, LLVMValueRef kind, LLVMValueRef msg, LLVMBasicBlockRef ok) {
  LLVMBasicBlockRef tail = raise_tail(F), here = LLVMGetInsertBlock(F->b);
  add_incoming(F->raise_kind, kind, here);
  add_incoming(F->raise_msg, msg, here);
  add_incoming(F->raise_line, fn_i32(F, F->line), here);
  LLVMBuildBr(F->b, tail);
  raise_site_done(F, ok);
}

void fn_raise_status(Fn *F, LLVMValueRef st, LLVMBasicBlockRef ok) {
  LLVMBasicBlockRef tail = status_tail(F), here = LLVMGetInsertBlock(F->b);
  add_incoming(F->status_val, st, here);
  add_incoming(F->status_line, fn_i32(F, F->line), here);
  LLVMBuildBr(F->b, tail);
  raise_site_done(F, ok);
}

void fn_check_pjm(Fn *F, LLVMValueRef bad, int st) {
  LLVMBasicBlockRef ok = fn_guard(F, bad);
  raise_values(F, fn_i32(F, pjm_kind(st)), msg_value(F, pjm_message(st)), ok);
}

void fn_check_msg(Fn *F, LLVMValueRef bad, int kind, const char *msg) {
  LLVMBasicBlockRef ok = fn_guard(F, bad);
  raise_values(F, fn_i32(F, kind), msg_value(F, msg), ok);
}

LLVMValueRef fn_call_pjm(Fn *F, RtFn f, LLVMValueRef *args, unsigned n, LLVMTypeRef out_ty) {
  LLVMValueRef all[8];
  if (n >= 8)
    die(F->L->bail, "too many pymath arguments");
  LLVMValueRef out = fn_alloca(F, out_ty, "pjm.out");
  memcpy(all, args, n * sizeof *args);
  all[n] = out;
  LLVMValueRef st = lower_call_rt(F->L, f, all, n + 1);
  LLVMBasicBlockRef ok = fn_guard(F, LLVMBuildICmp(F->b, LLVMIntNE, st, fn_i32(F, 0), ""));
  fn_raise_status(F, st, ok);
  return LLVMBuildLoad2(F->b, out_ty, out, "");
}

LLVMValueRef fn_intrinsic(Fn *F, const char *name, LLVMTypeRef *over, unsigned nover,
                          LLVMValueRef *args, unsigned nargs) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  if (!id)
    die(F->L->bail, "unknown intrinsic %s", name);
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(F->L->mod, id, over, nover);
  LLVMTypeRef ty = LLVMIntrinsicGetType(F->L->ctx, id, over, nover);
  return LLVMBuildCall2(F->b, ty, fn, args, nargs, "");
}

LLVMValueRef fn_snprintf(Fn *F, LLVMValueRef buf, long size, const char *fmt, LLVMValueRef *args,
                         unsigned n) {
  Lower *L = F->L;
  if (F->replay) /* only messages of raises, which a replay variant does not make */
    return fn_i32(F, 0);
  LLVMTypeRef params[] = {L->t_ptr, L->t_i64, L->t_ptr};
  LLVMTypeRef ty = LLVMFunctionType(L->t_i32, params, 3, 1);
  LLVMValueRef fn = LLVMGetNamedFunction(L->mod, "snprintf");
  if (!fn)
    fn = LLVMAddFunction(L->mod, "snprintf", ty);
  LLVMValueRef all[8] = {buf, fn_i64(F, size), lower_cstring(L, fmt)};
  if (n > 5)
    die(L->bail, "too many snprintf arguments");
  memcpy(all + 3, args, n * sizeof *args);
  LLVMValueRef c = LLVMBuildCall2(F->b, ty, fn, all, 3 + n, "");
  fn_cold_call(F, c);
  return c;
}

/* ----------------------------------------------------------- declarations */

static bool opt_boundscheck(const Lower *L, const FuncInst *f) {
  return L->opt->boundscheck && !(f->flags & FN_BOUNDSCHECK_OFF);
}

/* PjArray structs are only read by native code, and each array parameter's
 * struct is its own (or shared read-only): noalias is sound and lets the
 * optimizer keep shapes and strides in registers. */
static void mark_array_params(Lower *L, LLVMValueRef fn, const FuncInst *f) {
  for (int k = 0; k < f->nparams; k++)
    if (f->params[k]->ty->kind == TY_ARRAY) {
      LLVMAddAttributeAtIndex(fn, (unsigned)k + 1, enum_attr(L, "noalias"));
      LLVMAddAttributeAtIndex(fn, (unsigned)k + 1, enum_attr(L, "readonly"));
      LLVMAddAttributeAtIndex(fn, (unsigned)k + 1, enum_attr(L, "nocapture"));
    }
}

/* What every function lowered from f says of itself (its _impl and _rec
 * copies): no unwinding, its array parameters, and the vector width
 * (lower_layout.c, "stencils"). */
static void mark_function(Lower *L, LLVMValueRef fn, const FuncInst *f) {
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, enum_attr(L, "nounwind"));
  if (f->func && has_stencil_loop(&f->func->list2))
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(L->ctx, "prefer-vector-width", 19, "256", 3));
  mark_array_params(L, fn, f);
}

void lower_declare_impls(Lower *L) {
  int n = L->prog->funcs.len;
  L->impl_fn = ARENA_ARRAY(L->arena, LLVMValueRef, n);
  L->impl_ty = ARENA_ARRAY(L->arena, LLVMTypeRef, n);
  for (int i = 0; i < n; i++) {
    const FuncInst *f = L->prog->funcs.data[i];
    LLVMTypeRef *params = ARENA_ARRAY(L->arena, LLVMTypeRef, f->nparams + 1);
    unsigned np = 0;
    for (int k = 0; k < f->nparams; k++)
      params[np++] = lower_llvm_type(L, f->params[k]->ty);
    bool has_out = f->ret->kind != TY_NONE;
    if (has_out)
      params[np++] = L->t_ptr;
    LLVMTypeRef ty = LLVMFunctionType(L->t_i32, params, np, 0);
    const char *name = arena_printf(L->arena, "%s_impl", f->symbol);
    LLVMValueRef fn = LLVMAddFunction(L->mod, name, ty);
    LLVMSetVisibility(fn, LLVMHiddenVisibility);
    mark_function(L, fn, f);
    if (has_out) {
      LLVMAddAttributeAtIndex(fn, np, enum_attr(L, "noalias"));
      LLVMAddAttributeAtIndex(fn, np, enum_attr(L, "nocapture"));
    }
    L->impl_fn[i] = fn;
    L->impl_ty[i] = ty;
  }
}

/* ------------------------------------------------------------- statements */

static Node *assign_value_of(Node *n);
static void lower_stmt(Fn *F, Node *n);

void lower_block(Fn *F, NodeList *stmts) {
  for (int i = 0; i < stmts->len; i++)
    lower_stmt(F, stmts->data[i]);
}

static void assign_to(Fn *F, Node *t, LLVMValueRef v, const Type *vty);

static void assign_tuple(Fn *F, Node *t, LLVMValueRef v, const Type *vty) {
  if (vty->kind != TY_TUPLE || vty->nelems != t->list.len)
    die(F->L->bail, "line %d: cannot unpack %s into %d targets", t->span.line,
        type_name(F->L->arena, vty), t->list.len);
  for (int i = 0; i < t->list.len; i++) {
    LLVMValueRef e = LLVMBuildExtractValue(F->b, v, (unsigned)i, "");
    assign_to(F, t->list.data[i], from_storage(F, e, vty->elems[i]), vty->elems[i]);
  }
}

static void assign_to(Fn *F, Node *t, LLVMValueRef v, const Type *vty) {
  switch (t->kind) {
  case ND_NAME:
    store_sym(F, t->sym, v, vty);
    return;
  case ND_SUBSCRIPT: {
    if (t->a->ty->kind != TY_ARRAY)
      die(F->L->bail, "line %d: assignment to a subscript of a non-array", t->span.line);
    LLVMValueRef p = array_elem_ptr(F, t);
    LLVMValueRef s = array_store(F, p, t->a->ty->elem, v, vty);
    if (F->fwd && F->fwd->target == t) /* carried to the next iteration */
      LLVMBuildStore(F->b, s, F->fwd->slot);
    return;
  }
  case ND_TUPLE:
    assign_tuple(F, t, v, vty);
    return;
  default:
    die(F->L->bail, "line %d: cannot assign to a %s", t->span.line, node_kind_name(t->kind));
  }
}

static bool all_targets_are_elements(const Node *n) {
  for (int i = 0; i < n->list.len; i++) {
    const Node *t = n->list.data[i];
    if (t->kind != ND_SUBSCRIPT || t->a->ty->kind != TY_ARRAY)
      return false;
  }
  return true;
}

static void lower_assign(Fn *F, Node *n) {
  Node *val = assign_value_of(n);
  /* `a, b = b, a` with one target: evaluate the elements, then assign, so no
   * tuple struct is needed (and the order is Python's). */
  if (n->list.len == 1 && n->list.data[0]->kind == ND_TUPLE && val->kind == ND_TUPLE &&
      val->list.len == n->list.data[0]->list.len) {
    int k = val->list.len;
    LLVMValueRef *vals = ARENA_ARRAY(F->L->arena, LLVMValueRef, k);
    for (int i = 0; i < k; i++)
      vals[i] = lower_expr(F, val->list.data[i]);
    for (int i = 0; i < k; i++)
      assign_to(F, n->list.data[0]->list.data[i], vals[i], val->list.data[i]->ty);
    return;
  }
  /* Python evaluates the value, then the target's index, then stores, and
   * NumPy checks the index before converting the value: so when every
   * target is an array element, the checker's narrowing cast (which can
   * raise) is left to array_store, after the index is evaluated and checked. */
  if (val->kind == ND_CAST && all_targets_are_elements(n))
    val = val->a;
  LLVMValueRef v = lower_expr(F, val);
  for (int i = 0; i < n->list.len; i++)
    assign_to(F, n->list.data[i], v, val->ty);
}

static Node *assign_value_of(Node *n) { return n->a; }

/* The checker may keep the symbol on the statement rather than its target. */
Symbol *annassign_sym(const Node *n) { return n->a->sym ? n->a->sym : n->sym; }

/* The type an augmented assignment computes in: Python's arithmetic on the
 * target's value and the operand. */
static Type *aug_type(Fn *F, Op op, const Type *lt, const Type *rt) {
  if (type_is_float(lt) || type_is_float(rt))
    return tt_scalar(F, TY_F64);
  if (lt->kind == TY_BOOL && rt->kind == TY_BOOL &&
      (op == OP_BITAND || op == OP_BITOR || op == OP_BITXOR))
    return tt_scalar(F, TY_BOOL);
  return tt_scalar(F, TY_I64);
}

static void lower_augassign(Fn *F, Node *n) {
  Node *t = n->a;
  if (loop_proven(F, n) || bounded_inc(F, n)) { /* a versioned loop's guard or a while
                                                   * loop's condition proved no overflow */
    bool oc = F->overflowcheck, nsw = F->nsw;
    F->overflowcheck = false;
    F->nsw = true;
    Node *const *sp = F->proven;
    F->proven = NULL; /* once */
    int sn = F->nproven, bn = F->nbounded;
    F->nproven = 0;
    F->nbounded = 0;
    lower_augassign(F, n);
    F->proven = sp;
    F->nproven = sn;
    F->nbounded = bn;
    F->overflowcheck = oc;
    F->nsw = nsw;
    return;
  }
  if (t->kind == ND_NAME) {
    Symbol *s = t->sym;
    LLVMValueRef cur = load_sym(F, s);
    LLVMValueRef rhs = lower_expr(F, n->b);
    Type *ot = aug_type(F, n->op, s->ty, n->b->ty);
    LLVMValueRef r = arith(F, n->op, convert(F, cur, s->ty, ot), convert(F, rhs, n->b->ty, ot), ot,
                           t, n->b);
    Type *rty = (n->op == OP_DIV && ot->kind != TY_F64) ? tt_scalar(F, TY_F64) : ot;
    store_sym(F, s, r, rty);
    return;
  }
  if (t->kind == ND_SUBSCRIPT && t->a->ty->kind == TY_ARRAY) {
    const Type *elem = t->a->ty->elem;
    LLVMValueRef p = array_elem_ptr(F, t); /* the index is evaluated once */
    LLVMValueRef cur = array_load(F, p, elem);
    LLVMValueRef rhs = lower_expr(F, n->b);
    Type *ot = aug_type(F, n->op, elem, n->b->ty);
    LLVMValueRef r = arith(F, n->op, convert(F, cur, elem, ot), convert(F, rhs, n->b->ty, ot), ot,
                           t, n->b);
    Type *rty = (n->op == OP_DIV && ot->kind != TY_F64) ? tt_scalar(F, TY_F64) : ot;
    LLVMValueRef s = array_store(F, p, elem, r, rty);
    if (F->fwd && F->fwd->target == t) /* carried to the next iteration */
      LLVMBuildStore(F->b, s, F->fwd->slot);
    return;
  }
  die(F->L->bail, "line %d: unsupported augmented assignment target", n->span.line);
}

/* `if a[i] > a[best]: best = i` (argmax): as a select (LLVM makes one of
 * an `if` that only assigns locals, and pyjitc keeps x86's cmov), the next
 * iteration's load of a[best] waits for this one's compare, so every
 * element costs a load, a compare and a cmov in a row (10x slower than a
 * branch on 500k random floats).  As a branch, best changes only when the
 * rare new record is found, and the load's address is known early.  So an
 * `if` without else whose body only assigns local variables, and whose
 * condition subscripts an array by one of them, is a branch weighted as
 * unlikely, which SimplifyCFG does not turn into a select.  An unpredictable
 * branch costs less than that chain would (a mispredict every other
 * element). */
static bool assigned_name(const Node *x, const void *body) {
  return x->kind == ND_NAME && x->sym && stmts_assign(body, x->sym);
}

static bool indexes_by(const Node *x, const void *body) {
  if (x->kind != ND_SUBSCRIPT)
    return false;
  for (int k = 0; k < x->list.len; k++)
    if (node_any(x->list.data[k], assigned_name, body))
      return true;
  return false;
}

static bool assigns_only_locals(const NodeList *l) {
  for (int i = 0; i < l->len; i++) {
    const Node *s = l->data[i];
    if (s->kind == ND_ASSIGN) {
      for (int j = 0; j < s->list.len; j++)
        if (s->list.data[j]->kind != ND_NAME)
          return false;
    } else if (s->kind != ND_AUGASSIGN || s->a->kind != ND_NAME) {
      return false;
    }
  }
  return l->len > 0;
}

static bool record_update(const Node *n) {
  return !n->list2.len && assigns_only_locals(&n->list) && node_any(n->a, indexes_by, &n->list);
}

static void lower_if_plain(Fn *F, Node *n, LLVMValueRef c) {
  LLVMBasicBlockRef then_bb = fn_block(F, "then"), else_bb = fn_block(F, "else"),
                    end_bb = fn_block(F, "endif");
  if (record_update(n))
    fn_cond_br_unlikely(F, c, then_bb, else_bb);
  else
    LLVMBuildCondBr(F->b, c, then_bb, else_bb);
  fn_position(F, then_bb);
  lower_block(F, &n->list);
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, end_bb);
  fn_position(F, else_bb);
  lower_block(F, &n->list2);
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, end_bb);
  fn_position(F, end_bb);
}

static void lower_if(Fn *F, Node *n) {
  if (!lower_if_speculated(F, n, lower_if_plain))
    lower_if_plain(F, n, lower_cond(F, n->a));
}

void lower_loop_body(Fn *F, NodeList *body, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont) {
  LoopCtx lc = {brk, cont, F->loop};
  F->loop = &lc;
  lower_block(F, body);
  F->loop = lc.up;
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, cont);
}

void lower_while_body(Fn *F, Node *w, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont) {
  Node *const *bounded = F->bounded;
  int nbounded = F->nbounded;
  F->nbounded = while_bounded_incs(F, w, &F->bounded);
  lower_loop_body(F, &w->list, brk, cont);
  F->bounded = bounded;
  F->nbounded = nbounded;
}

static void lower_else_and_end(Fn *F, NodeList *orelse, LLVMBasicBlockRef else_bb,
                               LLVMBasicBlockRef end_bb) {
  fn_position(F, else_bb);
  lower_block(F, orelse);
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, end_bb);
  fn_position(F, end_bb);
}

static void mark_runtime_unroll_off(Fn *F, LLVMValueRef backedge);
static void mark_epilogue_plain(Fn *F, Node *forn, LLVMValueRef backedge);

static void lower_while_copy(Fn *F, Node *n) {
  LLVMBasicBlockRef cond_bb = fn_block(F, "while.cond"), body_bb = fn_block(F, "while.body"),
                    latch_bb = fn_block(F, "while.next"), else_bb = fn_block(F, "while.else"),
                    end_bb = fn_block(F, "while.end");
  LLVMBuildBr(F->b, cond_bb);
  fn_position(F, cond_bb);
  int line = F->line;
  LLVMValueRef c = lower_cond(F, n->a);
  LLVMBuildCondBr(F->b, c, body_bb, else_bb);
  fn_position(F, body_bb);
  lower_while_body(F, n, end_bb, latch_bb);
  F->line = line;
  fn_position(F, latch_bb);
  mark_runtime_unroll_off(F, LLVMBuildBr(F->b, cond_bb));
  lower_else_and_end(F, &n->list2, else_bb, end_bb);
}

/* Unit-stride versioning of while loops.  A while loop's indices are
 * data-dependent (quicksort's `while a[i] < pivot: i += 1`), so every
 * access multiplies the index by the array's element stride, which is only
 * a known 1 for `T[::1]` parameters.  When the loop has no nested for loop
 * and subscripts array parameters of unknown stride, the loop is lowered
 * twice: a copy in which their last-axis strides are the constant 1, run
 * when they all are 1 at run time (every C-contiguous array), and the
 * ordinary copy.  The two copies do the same thing (the same stride
 * value), so nothing but the address arithmetic changes.  Nested while
 * loops go into both copies (the inner ones are not versioned again):
 * quicksort's partition loop, with its swap and scans, was 6% faster with
 * the outer `while lo < hi` versioned than with each scan versioned alone.
 * A nested for loop has its own versioning (lower_loop.c, lower_layout.c),
 * which a copy of the while loop around it would double. */
static void strided_uses(Fn *F, Node *n, bool *use, bool *nested) {
  if (!n)
    return;
  if (n->kind == ND_FOR)
    *nested = true;
  if (n->kind == ND_SUBSCRIPT && n->a && n->a->kind == ND_NAME && n->a->sym &&
      n->a->sym->kind == SYM_PARAM && n->a->sym->ty && n->a->sym->ty->kind == TY_ARRAY &&
      !n->a->sym->ty->contig && F->param_view_ok[n->a->sym->index])
    use[n->a->sym->index] = true;
  strided_uses(F, n->a, use, nested);
  strided_uses(F, n->b, use, nested);
  strided_uses(F, n->c, use, nested);
  for (int i = 0; i < n->list.len; i++)
    strided_uses(F, n->list.data[i], use, nested);
  for (int i = 0; i < n->list2.len; i++)
    strided_uses(F, n->list2.data[i], use, nested);
}

/* i1: every array parameter the loop subscripts with an unknown stride has
 * a unit last-axis stride (use[k] marks them); NULL if there is none or the
 * loop nests a for loop. */
static LLVMValueRef unit_stride_test(Fn *F, Node *n, bool *use) {
  bool nested = false;
  strided_uses(F, n->a, use, &nested);
  for (int i = 0; i < n->list.len; i++)
    strided_uses(F, n->list.data[i], use, &nested);
  LLVMValueRef unit = NULL;
  for (int k = 0; k < F->f->nparams && !nested; k++) {
    LLVMValueRef s = F->param_view[k].strides[F->f->params[k]->ty->ndim - 1];
    if (use[k] && LLVMIsAConstantInt(s)) /* the unit copy of a dispatched body */
      use[k] = false;
    if (!use[k])
      continue;
    LLVMValueRef one = LLVMBuildICmp(F->b, LLVMIntEQ, s, fn_i64(F, 1), "");
    unit = unit ? LLVMBuildAnd(F->b, unit, one, "") : one;
  }
  return unit;
}

/* Swaps the marked parameters' last-axis strides with vals[k]. */
static void swap_strides(Fn *F, const bool *use, LLVMValueRef *vals) {
  for (int k = 0; k < F->f->nparams; k++) {
    if (!use[k])
      continue;
    LLVMValueRef *s = &F->param_view[k].strides[F->f->params[k]->ty->ndim - 1];
    LLVMValueRef t = *s;
    *s = vals[k];
    vals[k] = t;
  }
}

/* In a folded dispatch (F->dispatch_unit set, lower_dispatched), a fast
 * copy is also the unit-stride one: its guard ANDs in the stride test
 * (unit_copy_test), and it is lowered between unit_copy_enter and
 * unit_copy_leave with those strides the constant 1; nothing inside it
 * dispatches again.  Outside a folded dispatch the three change nothing. */
typedef struct UnitCopy {
  const bool *unit;
  LLVMValueRef *vals;
} UnitCopy;

static LLVMValueRef unit_copy_test(Fn *F, LLVMValueRef guard) {
  if (!F->dispatch_unit)
    return guard;
  return LLVMBuildAnd(F->b, guard, loop_dispatch_test(F, F->dispatch_unit), "");
}

static void unit_copy_enter(Fn *F, UnitCopy *u) {
  u->unit = F->dispatch_unit;
  if (!u->unit)
    return;
  int np = F->f->nparams;
  u->vals = ARENA_ARRAY(F->L->arena, LLVMValueRef, np + 1);
  for (int k = 0; k < np; k++)
    u->vals[k] = fn_i64(F, 1);
  swap_strides(F, u->unit, u->vals);
  F->dispatch_unit = NULL;
}

static void unit_copy_leave(Fn *F, UnitCopy *u) {
  if (!u->unit)
    return;
  swap_strides(F, u->unit, u->vals); /* back to the run-time strides */
  F->dispatch_unit = u->unit;
}

/* The ordinary copy of a while loop that has another copy beside it (the
 * rising one, or the unit-stride one): no further copies inside, then on to
 * join. */
static void lower_while_last_copy(Fn *F, Node *n, LLVMBasicBlockRef join) {
  bool none = F->no_rising;
  F->no_rising = true;
  lower_while_copy(F, n);
  F->no_rising = none;
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, join);
  fn_position(F, join);
}

/* A copy of the while loop for rising indexes that start >= 0 (lower_rising.c),
 * and the ordinary copy; or just the ordinary one. */
static void lower_while_rising(Fn *F, Node *n) {
  enum { MAX_RISING = 8 };
  Symbol **vars = ARENA_ARRAY(F->L->arena, Symbol *, F->nrising + MAX_RISING);
  int nv = rising_plan(F, n, vars + F->nrising, MAX_RISING);
  if (!nv) {
    lower_while_copy(F, n);
    return;
  }
  LLVMValueRef start_ok = fn_bool(F, true);
  for (int k = 0; k < nv; k++) {
    Symbol *v = vars[F->nrising + k];
    LLVMValueRef x = LLVMBuildLoad2(F->b, F->L->t_i64, sym_slot(F, v), "");
    start_ok = LLVMBuildAnd(F->b, start_ok, LLVMBuildICmp(F->b, LLVMIntSGE, x, fn_i64(F, 0), ""), "");
  }
  LLVMBasicBlockRef rise_bb = fn_block(F, "while.rising"), any_bb = fn_block(F, "while.any"),
                    join = fn_block(F, "while.join");
  LLVMBuildCondBr(F->b, start_ok, rise_bb, any_bb);
  fn_position(F, rise_bb);
  for (int k = 0; k < F->nrising; k++)
    vars[k] = F->rising[k];
  Symbol *const *saved = F->rising;
  int nsaved = F->nrising;
  F->rising = vars;
  F->nrising = nsaved + nv;
  lower_while_copy(F, n);
  F->rising = saved;
  F->nrising = nsaved;
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, join);
  fn_position(F, any_bb);
  lower_while_last_copy(F, n, join);
}

static void lower_while_loop(Fn *F, Node *n);

static void lower_while(Fn *F, Node *n) {
  if (!lower_while_idiom(F, n, lower_while_loop))
    lower_while_loop(F, n);
}

static void lower_while_loop(Fn *F, Node *n) {
  int np = F->f->nparams;
  bool *use = ARENA_ARRAY(F->L->arena, bool, np + 1);
  memset(use, 0, sizeof(bool) * (size_t)(np + 1));
  LLVMValueRef unit = F->cold_copy ? NULL : unit_stride_test(F, n, use);
  if (!unit) {
    lower_while_rising(F, n);
    return;
  }
  LLVMBasicBlockRef unit_bb = fn_block(F, "while.unit"), gen_bb = fn_block(F, "while.strided"),
                    join = fn_block(F, "while.join");
  LLVMBuildCondBr(F->b, unit, unit_bb, gen_bb);
  fn_position(F, unit_bb);
  LLVMValueRef *vals = ARENA_ARRAY(F->L->arena, LLVMValueRef, np + 1);
  for (int k = 0; k < np; k++)
    vals[k] = fn_i64(F, 1);
  swap_strides(F, use, vals);
  lower_while_rising(F, n);
  swap_strides(F, use, vals); /* back to the run-time strides */
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, join);
  fn_position(F, gen_bb);
  lower_while_last_copy(F, n, join); /* the rare strided copy stays one copy */
}

/* A counted loop: k = 0 .. count-1 (unsigned), `each(k)` assigns the target
 * at the top of every iteration.  The loop variable keeps its last value
 * afterwards and is untouched when count is 0, as in Python.  One copy of
 * the loop: a normal exit goes to else_bb, a break to end_bb. */
typedef void (*EachFn)(Fn *F, Node *n, LLVMValueRef k, void *data);

static void counted_loop_copy(Fn *F, Node *n, LLVMValueRef count, EachFn each, void *data,
                              LLVMBasicBlockRef else_bb, LLVMBasicBlockRef end_bb) {
  Lower *L = F->L;
  LLVMValueRef kslot = fn_alloca(F, L->t_i64, "for.k");
  LLVMBuildStore(F->b, fn_i64(F, 0), kslot);
  LLVMBasicBlockRef cond_bb = fn_block(F, "for.cond"), body_bb = fn_block(F, "for.body"),
                    latch_bb = fn_block(F, "for.next");
  LLVMBuildBr(F->b, cond_bb);
  fn_position(F, cond_bb);
  LLVMValueRef k = LLVMBuildLoad2(F->b, L->t_i64, kslot, "k");
  LLVMBuildCondBr(F->b, LLVMBuildICmp(F->b, LLVMIntULT, k, count, ""), body_bb, else_bb);
  fn_position(F, body_bb);
  int line = F->line;
  each(F, n, k, data);
  lower_loop_body(F, &n->list, end_bb, latch_bb);
  F->line = line;
  fn_position(F, latch_bb);
  LLVMValueRef k1 = LLVMBuildNUWAdd(F->b, LLVMBuildLoad2(F->b, L->t_i64, kslot, ""), fn_i64(F, 1), "");
  LLVMBuildStore(F->b, k1, kslot);
  F->backedge = LLVMBuildBr(F->b, cond_bb);
  mark_epilogue_plain(F, n, F->backedge);
}

static void counted_loop(Fn *F, Node *n, LLVMValueRef count, EachFn each, void *data) {
  LLVMBasicBlockRef else_bb = fn_block(F, "for.else"), end_bb = fn_block(F, "for.end");
  counted_loop_copy(F, n, count, each, data, else_bb, end_bb);
  lower_else_and_end(F, &n->list2, else_bb, end_bb);
}

typedef struct RangeLoop {
  LLVMValueRef start, step;
} RangeLoop;

static void assign_for_target(Fn *F, Node *n, LLVMValueRef v, const Type *vty) {
  if (n->a->kind != ND_NAME)
    die(F->L->bail, "line %d: unsupported for-loop target", n->span.line);
  store_sym(F, n->a->sym, v, vty);
}

static void range_each(Fn *F, Node *n, LLVMValueRef k, void *data) {
  RangeLoop *r = data;
  /* start + k*step in wrapping arithmetic is exact: the value is in range */
  LLVMValueRef i = LLVMBuildAdd(F->b, r->start, LLVMBuildMul(F->b, k, r->step, ""), "i");
  assign_for_target(F, n, i, tt_scalar(F, TY_I64));
}


/* Number of values in range(start, stop, step), step != 0, as an unsigned i64. */
static LLVMValueRef range_count(Fn *F, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step) {
  LLVMBuilderRef b = F->b;
  LLVMValueRef zero = fn_i64(F, 0), one = fn_i64(F, 1);
  int64_t sc = 0;
  bool known = value_int_const(step, &sc);
  LLVMValueRef up = NULL, down = NULL;
  if (!known || sc > 0) {
    LLVMValueRef diff = LLVMBuildSub(b, LLVMBuildSub(b, stop, start, ""), one, "");
    LLVMValueRef cnt = (known && sc == 1) ? LLVMBuildSub(b, stop, start, "")
                                          : LLVMBuildAdd(b, LLVMBuildUDiv(b, diff, step, ""), one, "");
    up = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSLT, start, stop, ""), cnt, zero, "");
  }
  if (!known || sc < 0) {
    LLVMValueRef diff = LLVMBuildSub(b, LLVMBuildSub(b, start, stop, ""), one, "");
    LLVMValueRef neg = LLVMBuildSub(b, zero, step, "");
    LLVMValueRef cnt = LLVMBuildAdd(b, LLVMBuildUDiv(b, diff, neg, ""), one, "");
    down = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSGT, start, stop, ""), cnt, zero, "");
  }
  if (up && down)
    return LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSGT, step, zero, ""), up, down, "count");
  return up ? up : down;
}

/* range(start, stop) with step 1, as LLVM likes it best: i runs from start
 * while i < stop, and i + 1 cannot overflow (i < stop <= INT64_MAX). */
static void unit_range_copy(Fn *F, Node *n, LLVMValueRef start, LLVMValueRef stop,
                            LLVMBasicBlockRef else_bb, LLVMBasicBlockRef end_bb) {
  Lower *L = F->L;
  LLVMValueRef islot = fn_alloca(F, L->t_i64, "for.i");
  LLVMBuildStore(F->b, start, islot);
  LLVMBasicBlockRef cond_bb = fn_block(F, "for.cond"), body_bb = fn_block(F, "for.body"),
                    latch_bb = fn_block(F, "for.next");
  LLVMBuildBr(F->b, cond_bb);
  fn_position(F, cond_bb);
  LLVMValueRef i = LLVMBuildLoad2(F->b, L->t_i64, islot, "i");
  LLVMBuildCondBr(F->b, LLVMBuildICmp(F->b, LLVMIntSLT, i, stop, ""), body_bb, else_bb);
  fn_position(F, body_bb);
  int line = F->line;
  assign_for_target(F, n, i, tt_scalar(F, TY_I64));
  lower_loop_body(F, &n->list, end_bb, latch_bb);
  F->line = line;
  fn_position(F, latch_bb);
  LLVMValueRef i1 = LLVMBuildNSWAdd(F->b, LLVMBuildLoad2(F->b, L->t_i64, islot, ""), fn_i64(F, 1), "");
  LLVMBuildStore(F->b, i1, islot);
  if (F->fiv_sym && n->a->sym == F->fiv_sym) /* float(i + 1) = float(i) + 1.0: exact here */
    LLVMBuildStore(F->b, LLVMBuildFAdd(F->b, LLVMBuildLoad2(F->b, L->t_f64, F->fiv_slot, ""),
                                       fn_f64(F, 1.0), ""), F->fiv_slot);
  F->backedge = LLVMBuildBr(F->b, cond_bb);
  mark_epilogue_plain(F, n, F->backedge);
}

/* !llvm.loop on a back edge: no vectorizing, and unrolled `unroll` times at
 * most (0: not at all). */
static void mark_loop(Fn *F, LLVMValueRef backedge, int unroll) {
  LLVMContextRef c = F->L->ctx;
  LLVMMetadataRef vec[] = {LLVMMDStringInContext2(c, "llvm.loop.vectorize.enable", 26),
                           LLVMValueAsMetadata(LLVMConstInt(F->L->t_i1, 0, 0))};
  LLVMMetadataRef off[] = {LLVMMDStringInContext2(c, "llvm.loop.unroll.disable", 24)};
  LLVMMetadataRef count[] = {LLVMMDStringInContext2(c, "llvm.loop.unroll.count", 22),
                             LLVMValueAsMetadata(LLVMConstInt(F->L->t_i32, (unsigned)unroll, 0))};
  LLVMMetadataRef tmp = LLVMTemporaryMDNode(c, NULL, 0);
  LLVMMetadataRef ops[] = {tmp, LLVMMDNodeInContext2(c, vec, 2),
                           unroll ? LLVMMDNodeInContext2(c, count, 2) : LLVMMDNodeInContext2(c, off, 1)};
  LLVMMetadataRef loop = LLVMMDNodeInContext2(c, ops, 3);
  LLVMMetadataReplaceAllUsesWith(tmp, loop);
  LLVMSetMetadata(backedge, LLVMGetMDKindIDInContext(c, "llvm.loop", 9), LLVMMetadataAsValue(c, loop));
}

/* Adds op to the !llvm.loop of a back edge (made if there is none). */
static void loop_md_add(Fn *F, LLVMValueRef backedge, LLVMMetadataRef op) {
  LLVMContextRef c = F->L->ctx;
  unsigned kind = LLVMGetMDKindIDInContext(c, "llvm.loop", 9);
  LLVMValueRef old = LLVMGetMetadata(backedge, kind);
  unsigned n = old ? LLVMGetMDNodeNumOperands(old) : 1;
  LLVMValueRef *prev = ARENA_ARRAY(F->L->arena, LLVMValueRef, n + 1);
  if (old)
    LLVMGetMDNodeOperands(old, prev);
  LLVMMetadataRef *ops = ARENA_ARRAY(F->L->arena, LLVMMetadataRef, n + 2);
  LLVMMetadataRef tmp = LLVMTemporaryMDNode(c, NULL, 0);
  ops[0] = tmp;
  for (unsigned i = 1; i < n; i++) /* operand 0 is the loop id itself */
    ops[i] = LLVMValueAsMetadata(prev[i]);
  ops[n] = op;
  LLVMMetadataRef loop = LLVMMDNodeInContext2(c, ops, n + 1);
  LLVMMetadataReplaceAllUsesWith(tmp, loop);
  LLVMSetMetadata(backedge, kind, LLVMMetadataAsValue(c, loop));
}

/* The remainder loop LLVM's vectorizer leaves after a vectorized loop runs
 * fewer iterations than one vector step (or the whole loop, when the
 * vectorizer's own overlap check fails, which takes arrays that share
 * bytes).  Left alone, LLVM runtime-unrolls it by 8 with a prologue loop:
 * about a tenth of the bench module's instructions, which loop strength
 * reduction and instruction selection then work through (jacobi's two
 * sweeps spent 60 ms there).  The vectorizer gives it the attributes of
 * `followup_epilogue` instead: already vectorized, no runtime unrolling.
 * A loop the vectorizer leaves scalar keeps its own attributes.  Only for
 * bodies without branches: the remainder can be long (floyd_warshall's
 * 120-wide rows leave 24 of 120 iterations to it), and a branchy body
 * there ran 1.2-1.4x slower without its unrolling (floyd_warshall
 * unchecked).  And only for bodies that compute (a binary operator): the
 * remainder of a fill loop (`prev[j] = 0`) costs little to build, and
 * leaving lcs_length's fill loop alone keeps the register allocation of
 * its hot loop, which moved to 1.1-1.2x slower when it changed. */
static bool is_binop(const Node *n, const void *ctx) {
  (void)ctx;
  return n->kind == ND_BINOP;
}

static bool is_branching(const Node *n, const void *ctx) {
  (void)ctx;
  switch (n->kind) {
  case ND_IF: case ND_WHILE: case ND_BREAK: case ND_CONTINUE: case ND_RETURN: case ND_RAISE:
  case ND_ASSERT: case ND_BOOLOP: case ND_IFEXP:
    return true;
  default:
    return false;
  }
}

static void mark_epilogue_plain(Fn *F, Node *forn, LLVMValueRef backedge) {
  bool computes = false;
  for (int i = 0; i < forn->list.len; i++) {
    if (node_any(forn->list.data[i], is_branching, NULL))
      return;
    computes = computes || node_any(forn->list.data[i], is_binop, NULL);
  }
  if (!computes)
    return;
  LLVMContextRef c = F->L->ctx;
  LLVMMetadataRef done[] = {LLVMMDStringInContext2(c, "llvm.loop.isvectorized", 22),
                            LLVMValueAsMetadata(LLVMConstInt(F->L->t_i32, 1, 0))};
  LLVMMetadataRef rt_off[] = {LLVMMDStringInContext2(c, "llvm.loop.unroll.runtime.disable", 32)};
  LLVMMetadataRef follow[] = {LLVMMDStringInContext2(c, "llvm.loop.vectorize.followup_epilogue", 37),
                              LLVMMDNodeInContext2(c, done, 2), LLVMMDNodeInContext2(c, rt_off, 1)};
  loop_md_add(F, backedge, LLVMMDNodeInContext2(c, follow, 3));
}

/* Whether the !llvm.loop of a back edge has an attribute whose name starts
 * with prefix. */
static bool loop_md_has(Fn *F, LLVMValueRef backedge, const char *prefix) {
  LLVMValueRef md = LLVMGetMetadata(backedge, LLVMGetMDKindIDInContext(F->L->ctx, "llvm.loop", 9));
  if (!md)
    return false;
  unsigned n = LLVMGetMDNodeNumOperands(md);
  LLVMValueRef *ops = ARENA_ARRAY(F->L->arena, LLVMValueRef, n + 1);
  LLVMGetMDNodeOperands(md, ops);
  size_t plen = strlen(prefix);
  for (unsigned i = 1; i < n; i++) { /* operand 0 is the loop id itself */
    if (!ops[i] || !LLVMIsAMDNode(ops[i]) || LLVMGetMDNodeNumOperands(ops[i]) == 0)
      continue;
    /* the C API writes every operand: room for all of them */
    LLVMValueRef *name = ARENA_ARRAY(F->L->arena, LLVMValueRef, LLVMGetMDNodeNumOperands(ops[i]));
    LLVMGetMDNodeOperands(ops[i], name);
    unsigned len = 0;
    const char *str = name[0] ? LLVMGetMDString(name[0], &len) : NULL;
    if (str && len >= plen && memcmp(str, prefix, plen) == 0)
      return true;
  }
  return false;
}

void mark_loop_scalar(Fn *F, LLVMValueRef backedge) {
  LLVMContextRef c = F->L->ctx;
  LLVMMetadataRef vec[] = {LLVMMDStringInContext2(c, "llvm.loop.vectorize.enable", 26),
                           LLVMValueAsMetadata(LLVMConstInt(F->L->t_i1, 0, 0))};
  loop_md_add(F, backedge, LLVMMDNodeInContext2(c, vec, 2));
}

/* Runtime unrolling and loop exits.  LLVM runtime-unrolls a loop with more
 * than one exit only when told to (-unroll-runtime-multi-exit, emit.c); a
 * check's raise path is such an exit, so without the option no loop with a
 * check left in it was runtime-unrolled, and a branchy body such as
 * lcs_length's ran 2x slower in safe mode than in unchecked mode.  The
 * option covers every loop, but the exits a user writes are another
 * matter: a while loop's own condition (`while j >= 0 and a[j] > key`,
 * usually a few iterations) and a `break` or `return` inside a for loop
 * are taken early and often, and unrolling there cost insertion_sort_rows
 * 15%.  Those loops keep LLVM's former choice: no runtime unrolling. */
static void mark_runtime_unroll_off(Fn *F, LLVMValueRef backedge) {
  LLVMContextRef c = F->L->ctx;
  if (loop_md_has(F, backedge, "llvm.loop.unroll"))
    return; /* the loop id already says how to unroll */
  LLVMMetadataRef off[] = {LLVMMDStringInContext2(c, "llvm.loop.unroll.runtime.disable", 32)};
  loop_md_add(F, backedge, LLVMMDNodeInContext2(c, off, 1));
}

/* A `break` (of this loop, not of one nested in it) or a `return` in l. */
static bool leaves_early(const NodeList *l, bool nested) {
  for (int i = 0; i < l->len; i++) {
    const Node *s = l->data[i];
    switch (s->kind) {
    case ND_BREAK:
      if (!nested)
        return true;
      break;
    case ND_RETURN:
      return true;
    case ND_IF:
      if (leaves_early(&s->list, nested) || leaves_early(&s->list2, nested))
        return true;
      break;
    case ND_FOR: case ND_WHILE: /* a loop's else clause runs in the enclosing body */
      if (leaves_early(&s->list, true) || leaves_early(&s->list2, nested))
        return true;
      break;
    default:
      break;
    }
  }
  return false;
}

/* The checked copy of a versioned loop only runs when the guard failed: not
 * vectorizing or unrolling it keeps the build time of the second copy small;
 * the same for the general fast copy when a layout copy (lower_layout.c)
 * takes the common layouts. */
static void mark_cold_loop(Fn *F, LLVMValueRef backedge) { mark_loop(F, backedge, 0); }

static bool is_costly_op(const Node *n, const void *ctx) {
  (void)ctx;
  return (n->kind == ND_BINOP && n->op == OP_DIV) || n->kind == ND_CALL;
}

bool has_float_accumulation(const NodeList *body) {
  for (int i = 0; i < body->len; i++) {
    const Node *s = body->data[i];
    if (s->kind == ND_AUGASSIGN && s->a->kind == ND_NAME && s->a->ty && type_is_float(s->a->ty))
      return true;
    if (s->kind == ND_IF && (has_float_accumulation(&s->list) || has_float_accumulation(&s->list2)))
      return true;
  }
  return false;
}

/* LLVM vectorizes a loop with an in-order float sum (`s += x`) only keeping
 * the additions in order (-force-ordered-reductions, emit.c), which pays
 * when the rest of the body is costly (divisions, sqrt and other calls run
 * 8 wide; spectral_norm 1.6x faster) and costs where it is cheap (the checks
 * and remainder loops of a 3-iteration loop: pairwise 10% slower).  So a
 * cheap body with such a sum stays scalar, as without that option, and is
 * unrolled twice at most: the sum is one chain of dependent additions that
 * more copies do not shorten, while LLVM's runtime unrolling by 8 costs its
 * set-up and remainder loop on every entry, which short loops pay in full
 * (kmeans_assign's 3-wide points 1.44 -> 0.96 ms, conv1d's 9 taps 1.33 ->
 * 1.15 ms; matmul's 150-long rows unchanged). */
static void maybe_keep_scalar(Fn *F, Node *forn) {
  if (F->backedge && !F->fastmath && has_float_accumulation(&forn->list)) {
    for (int i = 0; i < forn->list.len; i++)
      if (node_any(forn->list.data[i], is_costly_op, NULL))
        return;
    mark_loop(F, F->backedge, 2);
    return;
  }
  if (F->backedge && leaves_early(&forn->list, false))
    mark_runtime_unroll_off(F, F->backedge);
}

/* After a loop copy: the strided copy of a dispatched nest (lower_layout.c)
 * serves the rare strided arguments as plain loops, which keeps the build
 * time of the second copy small (a first version that optimized both
 * copies alike cost about twice the extra build time); other loops may
 * stay scalar (maybe_keep_scalar). */
static void finish_loop_copy(Fn *F, Node *forn) {
  if (F->cold_copy && F->backedge)
    mark_cold_loop(F, F->backedge);
  else
    maybe_keep_scalar(F, forn);
}

typedef struct RangeCopy {
  RangeLoop r;
  LLVMValueRef stop, count;
  bool unit;
} RangeCopy;

static void range_copy(Fn *F, Node *n, RangeCopy *rc, LLVMBasicBlockRef else_bb,
                       LLVMBasicBlockRef end_bb) {
  if (rc->unit)
    unit_range_copy(F, n, rc->r.start, rc->stop, else_bb, end_bb);
  else
    counted_loop_copy(F, n, rc->count, range_each, &rc->r, else_bb, end_bb);
}

/* The values of the locals a loop assigns, loop variable included, taken
 * before a copy of it that may run again from the start. */
typedef struct LoopLocals {
  Symbol **vars;
  LLVMValueRef *old;
  int n;
} LoopLocals;

static LoopLocals save_loop_locals(Fn *F, Node *n) {
  Lower *L = F->L;
  LoopLocals s;
  s.n = loop_assigned_vars(F, n, &s.vars);
  s.old = ARENA_ARRAY(L->arena, LLVMValueRef, s.n + 1);
  for (int i = 0; i < s.n; i++)
    s.old[i] = LLVMBuildLoad2(F->b, lower_llvm_type(L, s.vars[i]->ty), sym_slot(F, s.vars[i]), "");
  return s;
}

static void restore_loop_locals(Fn *F, const LoopLocals *s) {
  for (int i = 0; i < s->n; i++)
    LLVMBuildStore(F->b, s->old[i], sym_slot(F, s->vars[i]));
}

/* An i1 alloca, false: a flag that checks OR their failures into (fn_guard). */
static LLVMValueRef check_flag(Fn *F, const char *name) {
  LLVMValueRef slot = fn_alloca(F, F->L->t_i1, name);
  LLVMBuildStore(F->b, fn_bool(F, false), slot);
  return slot;
}

/* The fast copy of a loop that lower_defer.c allows: its checks OR their
 * failures into a flag instead of raising, so the loop has one exit and
 * LLVM can vectorize it (a division's ZeroDivisionError test becomes an OR
 * reduction).  When the flag is set at the exit, the locals the loop
 * assigned are put back and the ordinary copy runs from the start: it has
 * the same effects (none but on those locals) and raises where CPython
 * would. */
static void fast_range_copy(Fn *F, Node *n, RangeCopy *rc, LLVMBasicBlockRef else_bb,
                            LLVMBasicBlockRef end_bb) {
  if (F->defer_slot || !loop_deferrable(F, n)) {
    range_copy(F, n, rc, else_bb, end_bb);
    return;
  }
  Lower *L = F->L;
  LoopLocals saved = save_loop_locals(F, n);
  LLVMValueRef slot = check_flag(F, "deferred");
  LLVMBasicBlockRef else_chk = fn_block(F, "defer.else"), end_chk = fn_block(F, "defer.end"),
                    redo = fn_block(F, "defer.redo");
  F->defer_slot = slot;
  range_copy(F, n, rc, else_chk, end_chk);
  F->defer_slot = NULL;
  LLVMValueRef backedge = F->backedge;
  fn_position(F, else_chk);
  fn_cond_br_unlikely(F, LLVMBuildLoad2(F->b, L->t_i1, slot, ""), redo, else_bb);
  fn_position(F, end_chk);
  fn_cond_br_unlikely(F, LLVMBuildLoad2(F->b, L->t_i1, slot, ""), redo, end_bb);
  fn_position(F, redo);
  restore_loop_locals(F, &saved);
  range_copy(F, n, rc, else_bb, end_bb);
  mark_cold_loop(F, F->backedge);
  F->backedge = backedge;
}

/* The check prepass of a parallel copy in safe mode: the loop without its
 * array store, every check ORed into a flag (lower_defer.c), then the
 * locals it assigned put back.  No iteration reads what another writes, and
 * no read follows the store, so each iteration computes from memory as it
 * was before the loop: the prepass makes the very checks the loop would.
 * Returns the i1 flag (set: some check failed). */
static LLVMValueRef check_prepass(Fn *F, Node *n, RangeCopy *rc) {
  LoopLocals saved = save_loop_locals(F, n);
  LLVMValueRef flag = check_flag(F, "prepass.failed");
  LLVMBasicBlockRef done = fn_block(F, "prepass.done");
  F->defer_slot = flag;
  F->drop_stores = true;
  range_copy(F, n, rc, done, done);
  F->drop_stores = false;
  F->defer_slot = NULL;
  fn_position(F, done);
  restore_loop_locals(F, &saved);
  return LLVMBuildLoad2(F->b, F->L->t_i1, flag, "");
}

/* lower_depend.c: when the offsets allow it, a copy whose element accesses
 * form one access group and whose loop is parallel over it (vectorized
 * without LLVM's run-time overlap check); else the ordinary fast copy. */
static void parallel_range_copy(Fn *F, Node *n, RangeCopy *rc, const DepPlan *dp,
                                LLVMBasicBlockRef else_bb, LLVMBasicBlockRef end_bb) {
  LLVMContextRef c = F->L->ctx;
  /* in safe mode a check left in the loop is an exit the vectorizer does
   * not take: a prepass makes the checks, and the copy runs without them */
  bool prepass = (F->boundscheck || F->overflowcheck) && !dp->reads_after && !F->defer_slot &&
                 loop_prepass_ok(F, n);
  LLVMBasicBlockRef par_bb = fn_block(F, "for.parallel");
  /* the ordinary copy, for offsets that do not allow it or a failed check */
  LLVMBasicBlockRef seq_bb = dp->nreads || prepass ? fn_block(F, "for.seq") : NULL;
  if (dp->nreads)
    LLVMBuildCondBr(F->b, loop_dep_guard(F, dp), par_bb, seq_bb);
  else
    LLVMBuildBr(F->b, par_bb);
  fn_position(F, par_bb);
  if (prepass) {
    LLVMBasicBlockRef run_bb = fn_block(F, "for.checked.ok");
    fn_cond_br_unlikely(F, check_prepass(F, n, rc), seq_bb, run_bb);
    fn_position(F, run_bb);
    /* every check holds: they OR into a flag nobody reads */
    F->defer_slot = check_flag(F, "prepass.proven");
  }
  LLVMMetadataRef group = loop_dep_group(F->L);
  F->access_group = LLVMMetadataAsValue(c, group);
  range_copy(F, n, rc, else_bb, end_bb);
  F->access_group = NULL;
  if (prepass)
    F->defer_slot = NULL;
  finish_loop_copy(F, n);
  LLVMMetadataRef par[] = {LLVMMDStringInContext2(c, "llvm.loop.parallel_accesses", 27), group};
  loop_md_add(F, F->backedge, LLVMMDNodeInContext2(c, par, 2));
  if (!seq_bb)
    return;
  fn_position(F, seq_bb);
  fast_range_copy(F, n, rc, else_bb, end_bb);
  finish_loop_copy(F, n);
}

/* Loop versioning (lower_loop.c): a guard, then the fast copy without the
 * proven subscripts' checks, or the ordinary checked copy. */
static void versioned_range(Fn *F, Node *n, RangeCopy *rc, const LoopVersion *lv,
                            LLVMBasicBlockRef else_bb, LLVMBasicBlockRef end_bb) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef empty, last, count = rc->count;
  if (rc->unit) {
    empty = LLVMBuildICmp(B, LLVMIntSGE, rc->r.start, rc->stop, "");
    last = LLVMBuildSub(B, rc->stop, fn_i64(F, 1), "");
    count = LLVMBuildSub(B, rc->stop, rc->r.start, ""); /* unsigned; only used when > 0 */
  } else { /* start + (count-1)*step, in wrapping arithmetic: exact for count > 0 */
    empty = LLVMBuildICmp(B, LLVMIntEQ, rc->count, fn_i64(F, 0), "");
    last = LLVMBuildAdd(
        B, rc->r.start,
        LLVMBuildMul(B, LLVMBuildSub(B, rc->count, fn_i64(F, 1), ""), rc->r.step, ""), "");
  }
  LLVMValueRef g = LLVMBuildOr(B, empty, loop_version_guard(F, lv, rc->r.start, last, count), "");
  LLVMBasicBlockRef fast_bb = fn_block(F, "for.fast"), slow_bb = fn_block(F, "for.checked");
  LLVMBuildCondBr(B, unit_copy_test(F, g), fast_bb, slow_bb);
  fn_position(F, fast_bb);
  UnitCopy uc;
  unit_copy_enter(F, &uc);
  Node *const *sp = F->proven;
  int sn = F->nproven;
  F->proven = lv->subs;
  F->nproven = lv->nsubs;
  LoopLayout lay = {0};
  bool fast_nest = F->in_fast_nest;
  F->in_fast_nest = fast_nest || lv->nest;
  Forward fw;
  Forward *saved_fwd = F->fwd;
  int64_t step;
  bool step_known = !lv->nest && value_int_const(rc->r.step, &step);
  if (step_known && loop_forward_plan(F, n, step, &fw)) {
    loop_forward_init(F, &fw, n, rc->r.start, empty);
    F->fwd = &fw;
  }
  DepPlan dp;
  bool par = step_known && loop_dep_plan(F, n, step, &dp);
  if (!lv->nest && !F->cold_copy && loop_layout_plan(F, n, &lay)) { /* lower_layout.c: strides as constants */
    LLVMBasicBlockRef lay_bb = fn_block(F, "for.layout"), gen_bb = fn_block(F, "for.fast.any");
    LLVMBuildCondBr(B, loop_layout_guard(F, &lay), lay_bb, gen_bb);
    fn_position(F, lay_bb);
    ArrView *saved = ARENA_ARRAY(F->L->arena, ArrView, lay.nparams);
    loop_layout_enter(F, &lay, saved);
    if (par) {
      parallel_range_copy(F, n, rc, &dp, else_bb, end_bb);
    } else {
      fast_range_copy(F, n, rc, else_bb, end_bb);
      maybe_keep_scalar(F, n);
    }
    loop_layout_leave(F, &lay, saved);
    fn_position(F, gen_bb);
  }
  par = par && !lay.n; /* the other layouts' copy stays plain */
  if (lay.n)
    range_copy(F, n, rc, else_bb, end_bb); /* the rare layouts: plain (mark_cold_loop) */
  else if (par)
    parallel_range_copy(F, n, rc, &dp, else_bb, end_bb);
  else
    fast_range_copy(F, n, rc, else_bb, end_bb);
  /* With a layout copy, the usual layouts run that one; this copy serves the
   * others (Fortran order, wider rows, row steps) as a plain loop, which
   * saves most of the third copy's build time (distances 8 -> 3 ms,
   * nbody 18 -> 5 ms). */
  if (lay.n)
    mark_cold_loop(F, F->backedge);
  else if (!par)
    finish_loop_copy(F, n);
  unit_copy_leave(F, &uc);
  F->in_fast_nest = fast_nest;
  F->fwd = saved_fwd;
  F->proven = sp;
  F->nproven = sn;
  fn_position(F, slow_bb);
  F->dispatch_unit = NULL; /* the checked copy keeps the run-time strides */
  range_copy(F, n, rc, else_bb, end_bb);
  mark_cold_loop(F, F->backedge);
  F->dispatch_unit = uc.unit;
}

/* An innermost loop of a folded dispatch that is not versioned: its own
 * unit-stride copy and a plain one for the other strides. */
static void dispatched_range(Fn *F, Node *n, RangeCopy *rc, LLVMBasicBlockRef else_bb,
                             LLVMBasicBlockRef end_bb) {
  LLVMBasicBlockRef unit_bb = fn_block(F, "for.unit"), any_bb = fn_block(F, "for.strided");
  LLVMBuildCondBr(F->b, loop_dispatch_test(F, F->dispatch_unit), unit_bb, any_bb);
  fn_position(F, unit_bb);
  UnitCopy uc;
  unit_copy_enter(F, &uc);
  range_copy(F, n, rc, else_bb, end_bb);
  finish_loop_copy(F, n);
  unit_copy_leave(F, &uc);
  fn_position(F, any_bb);
  F->cold_copy = true;
  range_copy(F, n, rc, else_bb, end_bb);
  finish_loop_copy(F, n);
  F->cold_copy = false;
}

static void range_loop_copy(Fn *F, Node *n, RangeCopy *rc, LLVMBasicBlockRef else_bb,
                            LLVMBasicBlockRef end_bb) {
  LoopVersion lv;
  if (loop_version_plan(F, n, &lv))
    versioned_range(F, n, rc, &lv, else_bb, end_bb);
  else if (F->dispatch_unit && !F->cold_copy && !has_inner_loop(n))
    dispatched_range(F, n, rc, else_bb, end_bb);
  else {
    range_copy(F, n, rc, else_bb, end_bb);
    finish_loop_copy(F, n);
  }
}

/* ------------------------------------------------------- residue locals
 *
 * An int local that a range loop assigns only as `x = e % m` or `x %= m`
 * (m a constant > 0, or an int variable the loop does not assign) is in
 * [0, m) after each of those assignments.  If it is in [0, m) when the loop
 * starts too, it is everywhere in the loop.  A copy of the loop for that
 * case (the ordinary one runs otherwise) lowers `% c` in a form LLVM's
 * value ranges see through (lower_arith.c, floordivmod_pos_const), so
 * x's phi at the loop header gets the range [0, m) and what the loop
 * computes from x has a known sign: a linear congruential generator's
 * `state = state * a % m` then divides as unsigned, with no sign handling.
 * (llvm.assume of the range at the loop header and after each assignment
 * did the same for monte_carlo_pi, but made poly_hash 1.45x slower: LLVM
 * turned its `srem` into `urem` early and then lost the range-based form
 * of `(h + p - t) % p`.) */


/* The modulus of `x = e % m`: an int constant > 0, or an int variable (a
 * module constant, a parameter or a local the loop does not assign). */
static Node *residue_modulus(const Node *loop, Node *m) {
  if (!m || !m->ty || m->ty->kind != TY_I64)
    return NULL;
  if (m->kind == ND_INT)
    return m->ival > 0 ? m : NULL;
  return invariant_name(&loop->list, m) ? m : NULL;
}

static bool same_modulus(const Node *a, const Node *b) {
  return a->kind == b->kind && (a->kind == ND_INT ? a->ival == b->ival : a->sym == b->sym);
}

/* The assignment of sym with the modulus m (or *mod unset): checks that it
 * agrees with the others. */
static bool residue_agrees(const Node *loop, Node *m, Node **mod) {
  m = residue_modulus(loop, m);
  if (!m || (*mod && !same_modulus(*mod, m)))
    return false;
  *mod = m;
  return true;
}

static bool residue_value(const Node *loop, const Node *v, Node **mod) {
  return v && v->kind == ND_BINOP && v->op == OP_MOD && v->ty && v->ty->kind == TY_I64 &&
         residue_agrees(loop, v->b, mod);
}

typedef struct {
  const Node *loop;
  const Symbol *sym;
  Node **mod;
} ResidueCtx;

/* `sym = e % mod` (sym not in a tuple), `sym: int = e % mod`, `sym %= mod` */
static bool residue_binding(const Node *s, const void *ctx) {
  const ResidueCtx *r = ctx;
  switch (s->kind) {
  case ND_ASSIGN:
    for (int j = 0; j < s->list.len; j++)
      if (target_is(s->list.data[j], r->sym) && s->list.data[j]->kind != ND_NAME)
        return false;
    return residue_value(r->loop, s->a, r->mod);
  case ND_ANNASSIGN:
    return residue_value(r->loop, s->c, r->mod);
  default: /* ND_AUGASSIGN */
    return s->op == OP_MOD && residue_agrees(r->loop, s->b, r->mod);
  }
}

/* Sets *mod to the one modulus sym is assigned with in l (loop's body);
 * false if some assignment to sym is not `sym = e % mod` / `sym %= mod`. */
static bool residue_assigns(const Node *loop, const NodeList *l, const Symbol *sym, Node **mod) {
  ResidueCtx r = {loop, sym, mod};
  return each_binding(l, sym, residue_binding, &r);
}

static bool residue_known(const Fn *F, const Symbol *s) {
  for (int k = 0; k < F->nres; k++)
    if (F->res_sym[k] == s)
      return true;
  return false;
}

/* Adds sym to the residues of loop n (res/mod, *nr so far) if it is one. */
static void residue_note(Fn *F, Node *n, Symbol *sym, Symbol **res, Node **mod, int *nr) {
  Node *m = NULL;
  if (sym->ty->kind != TY_I64 || sym == n->a->sym || residue_known(F, sym) ||
      !stmts_assign(&n->list, sym) || !residue_assigns(n, &n->list, sym, &m) || !m)
    return;
  res[*nr] = sym;
  mod[(*nr)++] = m;
}

/* i1: x is in [0, m) and m > 0 */
static LLVMValueRef residue_in_range(Fn *F, LLVMValueRef x, Node *m) {
  LLVMValueRef mv = lower_expr(F, m);
  LLVMValueRef in = LLVMBuildICmp(F->b, LLVMIntULT, x, mv, "");
  if (m->kind != ND_INT)
    in = LLVMBuildAnd(F->b, in, LLVMBuildICmp(F->b, LLVMIntSGT, mv, fn_i64(F, 0), ""), "");
  return in;
}

static void range_loop(Fn *F, Node *n, RangeCopy *rc, LLVMBasicBlockRef else_bb,
                       LLVMBasicBlockRef end_bb) {
  const FuncInst *f = F->f;
  int max = F->nres + f->nparams + f->locals.len, nr = F->nres;
  Symbol **res = ARENA_ARRAY(F->L->arena, Symbol *, max + 1);
  Node **mod = ARENA_ARRAY(F->L->arena, Node *, max + 1);
  for (int k = 0; k < F->nres; k++) {
    res[k] = F->res_sym[k];
    mod[k] = F->res_mod[k];
  }
  for (int k = 0; k < f->nparams; k++)
    residue_note(F, n, f->params[k], res, mod, &nr);
  for (int k = 0; k < f->locals.len; k++)
    residue_note(F, n, f->locals.data[k], res, mod, &nr);
  if (nr == F->nres) {
    range_loop_copy(F, n, rc, else_bb, end_bb);
    return;
  }
  LLVMValueRef in = fn_bool(F, true);
  for (int k = F->nres; k < nr; k++) {
    LLVMValueRef x = LLVMBuildLoad2(F->b, F->L->t_i64, sym_slot(F, res[k]), "");
    in = LLVMBuildAnd(F->b, in, residue_in_range(F, x, mod[k]), "");
  }
  LLVMBasicBlockRef res_bb = fn_block(F, "for.residue"), any_bb = fn_block(F, "for.any");
  LLVMBuildCondBr(F->b, in, res_bb, any_bb);
  fn_position(F, res_bb);
  Symbol **saved_sym = F->res_sym;
  Node **saved_mod = F->res_mod;
  int saved_n = F->nres;
  F->res_sym = res;
  F->res_mod = mod;
  F->nres = nr;
  range_loop_copy(F, n, rc, else_bb, end_bb);
  F->res_sym = saved_sym;
  F->res_mod = saved_mod;
  F->nres = saved_n;
  fn_position(F, any_bb);
  range_loop_copy(F, n, rc, else_bb, end_bb);
}

/* A call into code that uses the xmm registers (libm, a compiled function):
 * the builtins lowered to instructions are not. */
static bool real_call(const Node *n, const void *ctx) {
  (void)ctx;
  if (n->kind != ND_CALL)
    return false;
  if (n->callee)
    return true;
  switch (n->builtin) {
  case BI_RANGE: case BI_LEN: case BI_ABS: case BI_MIN: case BI_MAX: case BI_INT: case BI_FLOAT:
  case BI_BOOL: case BI_ROUND: case BI_M_SQRT:
    return false;
  default:
    return n->builtin != 0;
  }
}

static bool float_of_iv(const Node *n, const void *iv) {
  return n->kind == ND_CAST && n->ty && n->ty->kind == TY_F64 && n->a->kind == ND_NAME &&
         n->a->sym == iv && n->a->ty && n->a->ty->kind == TY_I64;
}

/* `for i in range(a, b)` whose body converts i to float and calls into libm
 * or compiled code: LLVM's int-to-float conversion writes only the low half
 * of an xmm register, whose old value the register allocator takes as long
 * dead, but the call wrote it last, so each iteration's conversion waits for
 * the previous iteration's call (trapezoid: exp and sin in turn).  gcc puts
 * a zeroing `vxorpd` before it; LLVM does not.  Instead the loop keeps the
 * float value of i beside it (float(i) + 1.0 per step, exact while
 * |i| <= 2**53: the loop runs this copy only then). */
static bool float_iv_candidate(Fn *F, Node *n) {
  (void)F;
  if (!n->a || n->a->kind != ND_NAME || !n->a->sym || n->a->ty->kind != TY_I64)
    return false;
  if (stmts_assign(&n->list, n->a->sym))
    return false;
  bool conv = false, call = false;
  for (int i = 0; i < n->list.len; i++) {
    conv |= node_any(n->list.data[i], float_of_iv, n->a->sym);
    call |= node_any(n->list.data[i], real_call, NULL);
  }
  return conv && call;
}

/* The range loop (rc) with its float-counting copy when it has one. */
static void range_loops(Fn *F, Node *n, RangeCopy *rc, LLVMBasicBlockRef else_bb,
                        LLVMBasicBlockRef end_bb) {
  if (rc->unit && float_iv_candidate(F, n)) {
    /* every value of the loop variable within +-2**53: float(i) is exact,
     * and so is each step of a float that counts along */
    LLVMBuilderRef B = F->b;
    LLVMValueRef exact = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntSGE, rc->r.start, fn_i64(F, -(1LL << 53)), ""),
                                      LLVMBuildICmp(B, LLVMIntSLE, rc->stop, fn_i64(F, 1LL << 53), ""), "");
    LLVMBasicBlockRef fiv_bb = fn_block(F, "for.floativ"), std_bb = fn_block(F, "for.std");
    LLVMBuildCondBr(B, exact, fiv_bb, std_bb);
    fn_position(F, fiv_bb);
    F->fiv_sym = n->a->sym;
    F->fiv_slot = fn_alloca(F, F->L->t_f64, "for.fi");
    LLVMBuildStore(B, LLVMBuildSIToFP(B, rc->r.start, F->L->t_f64, ""), F->fiv_slot);
    range_loop(F, n, rc, else_bb, end_bb);
    F->fiv_sym = NULL;
    fn_position(F, std_bb);
  }
  range_loop(F, n, rc, else_bb, end_bb);
}

static void lower_for_range(Fn *F, Node *n, Node *call) {
  Type *i64 = tt_scalar(F, TY_I64);
  int na = call->list.len;
  LLVMValueRef v[3];
  for (int i = 0; i < na; i++)
    v[i] = convert(F, lower_expr(F, call->list.data[i]), call->list.data[i]->ty, i64);
  RangeCopy rc = {{fn_i64(F, 0), fn_i64(F, 1)}, NULL, NULL, false};
  if (na == 1) {
    rc.stop = v[0];
  } else {
    rc.r.start = v[0];
    rc.stop = v[1];
    if (na == 3)
      rc.r.step = v[2];
  }
  int64_t sc;
  if (!value_int_const(rc.r.step, &sc) || sc == 0) {
    int line = F->line;
    if (call->span.line)
      F->line = call->span.line;
    fn_check_pjm(F, LLVMBuildICmp(F->b, LLVMIntEQ, rc.r.step, fn_i64(F, 0), ""),
                 PJM_RANGE_STEP_ZERO);
    F->line = line;
    if (value_int_const(rc.r.step, &sc) && sc == 0)
      return; /* the rest is unreachable */
  }
  rc.unit = value_int_const(rc.r.step, &sc) && sc == 1;
  if (!rc.unit)
    rc.count = range_count(F, rc.r.start, rc.stop, rc.r.step);
  LLVMBasicBlockRef else_bb = fn_block(F, "for.else"), end_bb = fn_block(F, "for.end");
  PromoPlan pp;
  if (loop_promote_plan(F, n, &pp)) {
    /* lower_promote.c: the loop with its cells in allocas, if the guard
     * holds; the loop below otherwise */
    LLVMBasicBlockRef promo_bb = fn_block(F, "for.promo"), plain_bb = fn_block(F, "for.plain");
    LLVMBasicBlockRef done_bb = fn_block(F, "for.promo.done");
    /* in a folded dispatch, the promoted copy is also the unit-stride one:
     * the cells' addresses too are then known neighbours (nbody's
     * vel[i, 0] and vel[i, 1] go on in one vector register) */
    LLVMBuildCondBr(F->b, unit_copy_test(F, promote_guard(F, &pp)), promo_bb, plain_bb);
    fn_position(F, promo_bb);
    UnitCopy uc;
    unit_copy_enter(F, &uc);
    promote_enter(F, &pp);
    RangeCopy prc = rc;
    range_loops(F, n, &prc, done_bb, end_bb); /* no break: end_bb is not reached */
    fn_position(F, done_bb);
    promote_leave(F);
    unit_copy_leave(F, &uc);
    LLVMBuildBr(F->b, else_bb);
    fn_position(F, plain_bb);
    /* the fallback runs only for arrays that overlap, a cell index out
     * of range, or (in a folded dispatch) other strides: a plain loop
     * keeps the build time down */
    bool cold = F->cold_copy;
    F->cold_copy = true;
    range_loops(F, n, &rc, else_bb, end_bb);
    F->cold_copy = cold;
    lower_else_and_end(F, &n->list2, else_bb, end_bb);
    return;
  }
  LanePlan lp;
  if (loop_lanes_plan(F, n, &lp)) {
    /* lower_lanes.c runs the first iterations; the ordinary loop the rest */
    LLVMBuilderRef B = F->b;
    LLVMValueRef count = rc.count ? rc.count : range_count(F, rc.r.start, rc.stop, rc.r.step);
    LLVMValueRef done = lower_lanes(F, n, &lp, rc.r.start, rc.r.step, count, end_bb);
    rc.r.start = LLVMBuildAdd(B, rc.r.start, LLVMBuildMul(B, done, rc.r.step, ""), "");
    if (rc.count)
      rc.count = LLVMBuildSub(B, rc.count, done, "");
  }
  range_loops(F, n, &rc, else_bb, end_bb);
  lower_else_and_end(F, &n->list2, else_bb, end_bb);
}

typedef struct ArrayLoop {
  ArrView view;
  const Type *aty;
} ArrayLoop;

static void array_each(Fn *F, Node *n, LLVMValueRef k, void *data) {
  ArrayLoop *al = data;
  LLVMValueRef off = LLVMBuildMul(F->b, k, al->view.strides[0], "");
  const Type *elem = al->aty->elem;
  LLVMValueRef p = array_gep(F, &al->view, elem, off);
  assign_for_target(F, n, array_load(F, p, elem), elem);
}

static void lower_for(Fn *F, Node *n) {
  Node *it = n->b;
  if (it->kind == ND_CALL && it->builtin == BI_RANGE) {
    lower_for_range(F, n, it);
    return;
  }
  if (it->ty && it->ty->kind == TY_ARRAY && it->ty->ndim == 1) {
    ArrayLoop al = {.aty = it->ty};
    array_view(F, it, &al.view);
    counted_loop(F, n, al.view.shape[0], array_each, &al);
    return;
  }
  die(F->L->bail, "line %d: unsupported for-loop iterable", n->span.line);
}

/* Returns {v, st} from a _rec variant with a value through its one return
 * block.  With a ret per site, LLVM merged them into a phi of the struct,
 * and once inlined into the next copy, the caller's status test looked
 * through that phi no more: no jump threading, so a call made on one path
 * no longer dominated the identical call after it. */
static void rec_return(Fn *F, LLVMValueRef v, LLVMValueRef st) {
  LLVMBasicBlockRef here = LLVMGetInsertBlock(F->b);
  if (!F->ret_bb) {
    LLVMTypeRef rty = F->rt->ret_ty[F->self];
    F->ret_bb = fn_block(F, "return");
    fn_position(F, F->ret_bb);
    F->ret_val = LLVMBuildPhi(F->b, LLVMStructGetTypeAtIndex(rty, 0), "ret.val");
    F->ret_st = LLVMBuildPhi(F->b, F->L->t_i32, "ret.status");
    LLVMValueRef r = LLVMBuildInsertValue(F->b, LLVMGetUndef(rty), F->ret_val, 0, "");
    LLVMBuildRet(F->b, LLVMBuildInsertValue(F->b, r, F->ret_st, 1, ""));
    fn_position(F, here);
  }
  add_incoming(F->ret_val, v, here);
  add_incoming(F->ret_st, st, here);
  LLVMBuildBr(F->b, F->ret_bb);
}

static void lower_return(Fn *F, Node *n) {
  const Type *ret = F->f->ret;
  LLVMValueRef v = NULL;
  if (n->a && n->a->kind != ND_NONE) {
    v = lower_expr(F, n->a);
    if (ret->kind != TY_NONE)
      v = to_storage(F, convert(F, v, n->a->ty, ret), ret);
  }
  if (F->rec && ret->kind != TY_NONE) {
    rec_return(F, v ? v : LLVMGetUndef(LLVMStructGetTypeAtIndex(F->rt->ret_ty[F->self], 0)),
               fn_i32(F, 0));
  } else {
    if (v && ret->kind != TY_NONE && F->out)
      LLVMBuildStore(F->b, v, F->out);
    LLVMBuildRet(F->b, fn_i32(F, 0));
  }
  fn_position(F, fn_block(F, "dead"));
}

static const char *str_literal(Fn *F, Node *m) {
  if (!m)
    return NULL;
  if (m->kind != ND_STR)
    die(F->L->bail, "line %d: exception message is not a string literal", m->span.line);
  return m->sval;
}

static void lower_assert(Fn *F, Node *n) {
  LLVMValueRef c = lower_cond(F, n->a);
  LLVMBasicBlockRef ok = fn_guard(F, LLVMBuildNot(F->b, c, ""));
  fn_raise_msg_here(F, PJRT_ASSERTION, str_literal(F, n->b));
  fn_raise_done(F, ok);
}

static void lower_raise(Fn *F, Node *n) {
  Node *e = n->a;
  const char *name = NULL, *msg = NULL;
  if (e->kind == ND_NAME) {
    name = e->name;
  } else if (e->kind == ND_CALL && e->a->kind == ND_NAME) {
    name = e->a->name;
    if (e->list.len > 1)
      die(F->L->bail, "line %d: raise with more than one argument", n->span.line);
    msg = e->list.len ? str_literal(F, e->list.data[0]) : NULL;
  } else {
    die(F->L->bail, "line %d: unsupported raise", n->span.line);
  }
  LLVMValueRef args[] = {lower_cstring(F->L, name),
                         msg ? lower_cstring(F->L, msg) : LLVMConstNull(F->L->t_ptr)};
  fn_call_rt_cold(F, RT_pjrt_raise_named, args, 2);
  fn_raise_done(F, NULL);
}

static void lower_jump(Fn *F, Node *n, bool brk) {
  if (!F->loop)
    die(F->L->bail, "line %d: break/continue outside a loop", n->span.line);
  LLVMBuildBr(F->b, brk ? F->loop->brk : F->loop->cont);
  fn_position(F, fn_block(F, "dead"));
}

static bool lanes_loop(const Node *n, const void *F) {
  LanePlan lp;
  return n->kind == ND_FOR && loop_lanes_plan((Fn *)F, (Node *)n, &lp);
}

/* A loop with the last-axis stride of every unit[k] parameter the constant
 * 1 where the arguments' strides allow it (lower_layout.c, "loop
 * dispatch").  Folded: the guard of each versioned loop inside also tests
 * the strides, and its fast copy has them constant; its checked copy,
 * which it has anyway, serves the other strides, and an innermost loop
 * that is not versioned is copied alone (dispatched_range).  Lanes
 * (lower_lanes.c) run outside any versioned loop's fast copy and want the
 * constant strides (the SLP vectorizer reads the lanes' first values with
 * one vector load), so a loop with lanes in it is still copied whole:
 * once as the unit-stride copy, once as a plain one. */
static void lower_dispatched(Fn *F, Node *n, const bool *unit, void (*lower)(Fn *F, Node *n)) {
  F->in_dispatch = true;
  F->dispatch_unit = unit;
  if (!node_any(n, lanes_loop, F)) {
    lower(F, n);
    F->dispatch_unit = NULL;
    F->in_dispatch = false;
    return;
  }
  LLVMBasicBlockRef unit_bb = fn_block(F, "loop.unit"), any_bb = fn_block(F, "loop.strided"),
                    join = fn_block(F, "loop.join");
  LLVMBuildCondBr(F->b, loop_dispatch_test(F, unit), unit_bb, any_bb);
  fn_position(F, unit_bb);
  UnitCopy uc;
  unit_copy_enter(F, &uc);
  lower(F, n);
  unit_copy_leave(F, &uc);
  F->dispatch_unit = NULL;
  F->in_dispatch = false;
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, join);
  fn_position(F, any_bb);
  F->cold_copy = true;
  lower(F, n);
  F->cold_copy = false;
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, join);
  fn_position(F, join);
}

static void lower_loop_stmt(Fn *F, Node *n, void (*lower)(Fn *F, Node *n)) {
  bool *unit = ARENA_ARRAY(F->L->arena, bool, F->f->nparams + 1);
  if (loop_dispatch_plan(F, n, unit))
    lower_dispatched(F, n, unit, lower);
  else
    lower(F, n);
}

static void lower_stmt(Fn *F, Node *n) {
  if (n->span.line)
    F->line = n->span.line;
  switch (n->kind) {
  case ND_EXPR_STMT:
    if (n->a->kind != ND_STR) /* a docstring or bare string: nothing to run */
      lower_expr(F, n->a);
    return;
  case ND_ASSIGN: lower_assign(F, n); return;
  case ND_ANNASSIGN:
    if (n->c)
      store_sym(F, annassign_sym(n), lower_expr(F, n->c), n->c->ty);
    return;
  case ND_AUGASSIGN: lower_augassign(F, n); return;
  case ND_IF: lower_if(F, n); return;
  case ND_WHILE: lower_loop_stmt(F, n, lower_while); return;
  case ND_FOR: lower_loop_stmt(F, n, lower_for); return;
  case ND_BREAK: lower_jump(F, n, true); return;
  case ND_CONTINUE: lower_jump(F, n, false); return;
  case ND_RETURN: lower_return(F, n); return;
  case ND_PASS: return;
  case ND_ASSERT: lower_assert(F, n); return;
  case ND_RAISE: lower_raise(F, n); return;
  case ND_MODULE: case ND_FUNC: case ND_PARAM: case ND_CONST: case ND_IMPORT:
  case ND_INT: case ND_FLOAT: case ND_BOOL: case ND_NONE: case ND_STR: case ND_NAME:
  case ND_ATTR: case ND_SUBSCRIPT: case ND_SLICE: case ND_TUPLE: case ND_BINOP:
  case ND_UNARYOP: case ND_BOOLOP: case ND_COMPARE: case ND_IFEXP: case ND_CALL:
  case ND_KEYWORD: case ND_CAST: case ND_COUNT_:
    break;
  }
  die(F->L->bail, "line %d: unexpected %s statement", n->span.line, node_kind_name(n->kind));
}

/* ---------------------------------------------------------------- bodies */

bool target_is(const Node *t, const Symbol *sym) {
  if (!t)
    return false;
  if (t->kind == ND_NAME)
    return t->sym == sym;
  if (t->kind == ND_TUPLE)
    for (int i = 0; i < t->list.len; i++)
      if (target_is(t->list.data[i], sym))
        return true;
  return false;
}

/* A name whose value stays the same through the statements l (a loop's
 * body): a module constant, or a variable l does not assign. */
bool invariant_name(const NodeList *l, const Node *n) {
  return n->kind == ND_NAME && n->sym && !n->builtin &&
         (n->sym->kind == SYM_CONST || !stmts_assign(l, n->sym));
}

bool each_binding(const NodeList *l, const Symbol *sym, BindingOk ok, const void *ctx) {
  for (int i = 0; i < l->len; i++) {
    const Node *s = l->data[i];
    switch (s->kind) {
    case ND_ASSIGN:
      for (int j = 0; j < s->list.len; j++)
        if (target_is(s->list.data[j], sym)) {
          if (!ok(s, ctx))
            return false;
          break;
        }
      break;
    case ND_ANNASSIGN:
      if ((target_is(s->a, sym) || s->sym == sym) && !ok(s, ctx))
        return false;
      break;
    case ND_AUGASSIGN:
      if (target_is(s->a, sym) && !ok(s, ctx))
        return false;
      break;
    case ND_FOR:
      if (target_is(s->a, sym))
        return false;
      /* fall through */
    case ND_IF: case ND_WHILE:
      if (!each_binding(&s->list, sym, ok, ctx) || !each_binding(&s->list2, sym, ok, ctx))
        return false;
      break;
    default:
      break;
    }
  }
  return true;
}

static bool no_binding(const Node *s, const void *ctx) {
  (void)s;
  (void)ctx;
  return false;
}

bool stmts_assign(const NodeList *l, const Symbol *sym) {
  return !each_binding(l, sym, no_binding, NULL);
}

/* ------------------------------------------------------------ call graph */

static void mark_calls(Lower *L, Node *n, bool *row) {
  if (!n)
    return;
  if (n->kind == ND_CALL && n->callee)
    row[lower_func_index(L, n->callee)] = true;
  mark_calls(L, n->a, row);
  mark_calls(L, n->b, row);
  mark_calls(L, n->c, row);
  for (int i = 0; i < n->list.len; i++)
    mark_calls(L, n->list.data[i], row);
  for (int i = 0; i < n->list2.len; i++)
    mark_calls(L, n->list2.data[i], row);
}

/* reach[g*n + h]: g calls h directly or through others.  A call from f to g
 * with g reaching f is recursion and counts toward the depth limit. */
static bool *call_closure(Lower *L) {
  int n = L->prog->funcs.len;
  bool *r = ARENA_ARRAY(L->arena, bool, (size_t)n * (size_t)n + 1);
  for (int g = 0; g < n; g++) {
    Node *fn = L->prog->funcs.data[g]->func;
    for (int i = 0; fn && i < fn->list2.len; i++)
      mark_calls(L, fn->list2.data[i], r + (size_t)g * (size_t)n);
  }
  for (int k = 0; k < n; k++)
    for (int i = 0; i < n; i++)
      if (r[(size_t)i * n + k])
        for (int j = 0; j < n; j++)
          if (r[(size_t)k * n + j])
            r[(size_t)i * n + j] = true;
  return r;
}

/* Copies of a directly self-recursive function (RecTab): as many as keep
 * the unrolled body (every copy's self-call sites each inline the next
 * copy) under a budget of AST nodes, at most MAX_CLONES; none for a body
 * with a loop (there the calls cost little and the copies build time). */
typedef struct BodyStats {
  int nodes, selfcalls, loops;
} BodyStats;

static void body_stats(const Node *n, int self_fi, const Lower *L, BodyStats *st) {
  if (!n)
    return;
  st->nodes++;
  st->loops += n->kind == ND_FOR || n->kind == ND_WHILE;
  st->selfcalls += n->kind == ND_CALL && n->callee && lower_func_index(L, n->callee) == self_fi;
  body_stats(n->a, self_fi, L, st);
  body_stats(n->b, self_fi, L, st);
  body_stats(n->c, self_fi, L, st);
  for (int i = 0; i < n->list.len; i++)
    body_stats(n->list.data[i], self_fi, L, st);
  for (int i = 0; i < n->list2.len; i++)
    body_stats(n->list2.data[i], self_fi, L, st);
}

/* fib (19 nodes, 2 self-calls): 4 copies + peel.  Measured on fib(32):
 * 1 copy 9.6 ms, 2: 4.1, 3: 3.5, 4: 3.3, 5: 3.2; each step about doubles
 * the function's build time (4 copies: +20 ms). */
enum { CLONE_BUDGET = 300, MAX_CLONES = 6 };

static int clone_count(Lower *L, int i, const bool *reach) {
  int n = L->prog->funcs.len;
  if (!reach[(size_t)i * (size_t)n + (size_t)i])
    return 1;
  const FuncInst *f = L->prog->funcs.data[i];
  BodyStats st = {0};
  for (int k = 0; f->func && k < f->func->list2.len; k++)
    body_stats(f->func->list2.data[k], i, L, &st);
  int calls = st.selfcalls, size = st.nodes;
  if (calls == 0 || st.loops > 0 || size > CLONE_BUDGET)
    return 1;
  int copies = 1, total = size, level = 1;
  while (copies < MAX_CLONES) {
    level *= calls; /* bodies inlined at the next depth */
    if (total + level * size > CLONE_BUDGET)
      break;
    total += level * size;
    copies++;
  }
  return copies;
}

/* A body that starts with a base case `if COND: ...; return X` (no else)
 * followed by more statements: its copies get a peel (RecTab). */
static bool peelable(const FuncInst *f) {
  if (!f->func || f->func->list2.len < 2)
    return false;
  const Node *s = f->func->list2.data[0];
  return s->kind == ND_IF && s->list2.len == 0 && s->list.len > 0 &&
         s->list.data[s->list.len - 1]->kind == ND_RETURN;
}

/* ------------------------------------------------------ replayed recursion
 *
 * A small self-recursive function whose only effect is its result or an
 * exception (scalar values only, no calls but of itself and of builtins)
 * gets a second set of copies, its _pure variants: the same code, except
 * that their raise paths only return -1 (fn_call_rt_cold makes no runtime
 * call for them).  Its callers call an entry that runs the pure copies and,
 * when they fail, runs the traced copies from the start, which raise the
 * same exception with its traceback: the function is deterministic and
 * affects nothing else, so the second run fails at the same point, with
 * the same depth count.  A pure copy has nothing LLVM must keep but its
 * result, so once the copies inline each other, identical calls (the same
 * argument at the same depth) merge: fib's fib(n - 3), reached through both
 * fib(n - 1) and fib(n - 2), runs once.  Any runtime call on an error path
 * (a traceback entry, an exception set) forbade that merge before. */

static bool scalar_only(const Type *ty) {
  if (ty->kind == TY_ARRAY)
    return false;
  for (int k = 0; ty->kind == TY_TUPLE && k < ty->nelems; k++)
    if (!scalar_only(ty->elems[k]))
      return false;
  return true;
}

typedef struct ReplayScan {
  const Lower *L;
  int self;
} ReplayScan;

/* node_any visitor: what rules a replay out (an array value, a call of
 * another compiled function). */
static bool replay_breaker(const Node *n, const void *ctx) {
  const ReplayScan *r = ctx;
  return (n->ty && !scalar_only(n->ty)) ||
         (n->kind == ND_CALL && n->callee && lower_func_index(r->L, n->callee) != r->self);
}

static bool replayable(const Lower *L, int i) {
  const FuncInst *f = L->prog->funcs.data[i];
  if (!f->func || !scalar_only(f->ret))
    return false;
  for (int k = 0; k < f->nparams; k++)
    if (!scalar_only(f->params[k]->ty))
      return false;
  for (int k = 0; k < f->locals.len; k++)
    if (!scalar_only(f->locals.data[k]->ty))
      return false;
  ReplayScan r = {L, i};
  for (int k = 0; k < f->func->list2.len; k++)
    if (node_any(f->func->list2.data[k], replay_breaker, &r))
      return false;
  return true;
}

/* The copies of function i named base, base.1, ...: copy `root` is the
 * one called from outside the cycle, the others inline into it. */
static LLVMValueRef *rec_copies(Lower *L, const RecTab *t, int i, const char *base, int n,
                                int root) {
  const FuncInst *f = L->prog->funcs.data[i];
  LLVMValueRef *fns = ARENA_ARRAY(L->arena, LLVMValueRef, n);
  for (int c = 0; c < n; c++) {
    const char *name = c ? arena_printf(L->arena, "%s.%d", base, c) : base;
    LLVMValueRef fn = LLVMAddFunction(L->mod, name, t->ty[i]);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    mark_function(L, fn, f);
    if (c != root) /* unrolls the recursion; the root closes the cycle */
      LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, enum_attr(L, "alwaysinline"));
    fns[c] = fn;
  }
  return fns;
}

/* fn's first n parameters, in an array with room for one more argument:
 * what a wrapper of a _rec copy passes on. */
static LLVMValueRef *forward_params(Lower *L, LLVMValueRef fn, int n) {
  LLVMValueRef *args = ARENA_ARRAY(L->arena, LLVMValueRef, n + 1);
  for (int k = 0; k < n; k++)
    args[k] = LLVMGetParam(fn, (unsigned)k);
  return args;
}

/* The replay entry: the pure copies, then the traced ones if they failed. */
static void lower_replay_entry(Lower *L, const RecTab *t, int i) {
  const FuncInst *f = L->prog->funcs.data[i];
  LLVMValueRef fn = t->entry[i];
  LLVMBuilderRef b = L->b;
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(L->ctx, fn, "entry"));
  unsigned na = (unsigned)f->nparams + 1; /* the depth count too */
  LLVMValueRef *args = forward_params(L, fn, (int)na);
  LLVMValueRef r = LLVMBuildCall2(b, t->ty[i], t->pure[i][0], args, na, "");
  LLVMValueRef st = f->ret->kind == TY_NONE ? r : LLVMBuildExtractValue(b, r, 1, "");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->ctx, fn, "done");
  LLVMBasicBlockRef replay = LLVMAppendBasicBlockInContext(L->ctx, fn, "replay");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, st, LLVMConstInt(L->t_i32, 0, 0), ""), done,
                  replay);
  LLVMPositionBuilderAtEnd(b, done);
  LLVMBuildRet(b, r);
  LLVMPositionBuilderAtEnd(b, replay);
  LLVMBuildRet(b, LLVMBuildCall2(b, t->ty[i], t->fn[i][0], args, na, ""));
}

static RecTab *rec_table(Lower *L, const bool *reach) {
  int n = L->prog->funcs.len;
  RecTab *t = ARENA_NEW(L->arena, RecTab);
  t->deep = ARENA_ARRAY(L->arena, bool, n + 1);
  t->nclones = ARENA_ARRAY(L->arena, int, n + 1);
  t->peel = ARENA_ARRAY(L->arena, bool, n + 1);
  t->fn = ARENA_ARRAY(L->arena, LLVMValueRef *, n + 1);
  t->pure = ARENA_ARRAY(L->arena, LLVMValueRef *, n + 1);
  t->entry = ARENA_ARRAY(L->arena, LLVMValueRef, n + 1);
  t->npure = ARENA_ARRAY(L->arena, int, n + 1);
  t->ty = ARENA_ARRAY(L->arena, LLVMTypeRef, n + 1);
  t->ret_ty = ARENA_ARRAY(L->arena, LLVMTypeRef, n + 1);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n && !t->deep[i]; j++)
      t->deep[i] = reach[(size_t)i * n + j] && reach[(size_t)j * n + j];
  for (int i = 0; i < n; i++) {
    if (!t->deep[i])
      continue;
    const FuncInst *f = L->prog->funcs.data[i];
    LLVMTypeRef *params = ARENA_ARRAY(L->arena, LLVMTypeRef, f->nparams + 1);
    for (int k = 0; k < f->nparams; k++)
      params[k] = lower_llvm_type(L, f->params[k]->ty);
    params[f->nparams] = L->t_i32;
    LLVMTypeRef rty = L->t_i32;
    if (f->ret->kind != TY_NONE) {
      LLVMTypeRef fields[] = {lower_llvm_type(L, f->ret), L->t_i32};
      rty = LLVMStructTypeInContext(L->ctx, fields, 2, 0);
    }
    t->ret_ty[i] = rty;
    t->ty[i] = LLVMFunctionType(rty, params, (unsigned)f->nparams + 1, 0);
    int copies = clone_count(L, i, reach);
    t->peel[i] = copies > 1 && peelable(f);
    t->nclones[i] = copies + t->peel[i];
    t->fn[i] = rec_copies(L, t, i, arena_printf(L->arena, "%s_rec", f->symbol), t->nclones[i],
                          t->peel[i]);
    t->entry[i] = t->fn[i][0];
    if (copies > 1 && replayable(L, i)) {
      /* no peel: a call guarded by its callee's inlined base case does not
       * dominate the next identical call, which then cannot reuse it */
      t->npure[i] = copies;
      t->pure[i] = rec_copies(L, t, i, arena_printf(L->arena, "%s_pure", f->symbol), copies, 0);
      t->entry[i] = LLVMAddFunction(L->mod, arena_printf(L->arena, "%s_entry", f->symbol), t->ty[i]);
      LLVMSetLinkage(t->entry[i], LLVMInternalLinkage);
      LLVMAddAttributeAtIndex(t->entry[i], LLVMAttributeFunctionIndex, enum_attr(L, "nounwind"));
    }
  }
  return t;
}

/* SYMBOL_impl of a function with _rec variants: copy 0 at depth 0, the
 * value stored through `out`. */
static void lower_rec_entry(Lower *L, const RecTab *t, int idx) {
  const FuncInst *f = L->prog->funcs.data[idx];
  LLVMValueRef fn = L->impl_fn[idx];
  LLVMBuilderRef b = L->b;
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(L->ctx, fn, "entry"));
  LLVMValueRef *args = forward_params(L, fn, f->nparams);
  args[f->nparams] = LLVMConstInt(L->t_i32, 0, 0);
  LLVMValueRef r = LLVMBuildCall2(b, t->ty[idx], t->entry[idx], args, (unsigned)f->nparams + 1, "");
  if (f->ret->kind == TY_NONE) {
    LLVMBuildRet(b, r);
    return;
  }
  LLVMBuildStore(b, LLVMBuildExtractValue(b, r, 0, ""), LLVMGetParam(fn, (unsigned)f->nparams));
  LLVMBuildRet(b, LLVMBuildExtractValue(b, r, 1, ""));
}

/* The end of a peel: the core, in the same frame (same depth, and its
 * status and traceback entry are this call's). */
static void lower_peel_call(Fn *F) {
  const FuncInst *f = F->f;
  LLVMValueRef *args = forward_params(F->L, F->fn, f->nparams);
  args[f->nparams] = F->depth;
  LLVMValueRef r = LLVMBuildCall2(F->b, F->rt->ty[F->self], F->rt->fn[F->self][1], args,
                                  (unsigned)f->nparams + 1, "");
  LLVMBuildRet(F->b, r);
}

/* SYMBOL_proven: the body of a pure callee (lower_loop.c) with every check
 * taken as proven, for calls from the fast copy of a loop whose guard
 * proved them.  Same signature as SYMBOL_impl; always inlined. */
LLVMValueRef lower_proven_variant(Lower *L, int i) {
  if (!L->proven_fn)
    L->proven_fn = ARENA_ARRAY(L->arena, LLVMValueRef, L->prog->funcs.len);
  if (!L->proven_fn[i]) {
    const FuncInst *f = L->prog->funcs.data[i];
    LLVMValueRef fn = LLVMAddFunction(L->mod, arena_printf(L->arena, "%s_proven", f->symbol),
                                      L->impl_ty[i]);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, enum_attr(L, "nounwind"));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, enum_attr(L, "alwaysinline"));
    L->proven_fn[i] = fn;
  }
  return L->proven_fn[i];
}

/* After the statements of a body that began in start: a None function
 * returns None at its end; any other raises TypeError there. */
static void finish_body(Fn *F, LLVMBasicBlockRef start) {
  const FuncInst *f = F->f;
  LLVMBasicBlockRef last = LLVMGetInsertBlock(F->b);
  bool reachable = last == start || LLVMGetFirstUse(LLVMBasicBlockAsValue(last)) != NULL;
  if (fn_terminated(F) || !reachable)
    return;
  if (f->ret->kind == TY_NONE) {
    LLVMBuildRet(F->b, fn_i32(F, 0));
    return;
  }
  fn_raise_msg_here(F, PJRT_TYPE,
                    arena_printf(F->L->arena,
                                 "%s() reached its end without returning a value "
                                 "(it is declared to return %s)",
                                 f->name, type_name(F->L->arena, f->ret)));
  fn_raise_done(F, NULL);
  LLVMBuildUnreachable(F->b);
}

/* Allocas for an array variable's view (zeroed, as the variable's slot). */
static void view_slots_alloc(Fn *F, const Type *ty, ArrView *v) {
  Lower *L = F->L;
  v->data = fn_alloca(F, L->t_ptr, "view.data");
  LLVMBuildStore(F->ab, LLVMConstNull(L->t_ptr), v->data);
  for (int k = 0; k < ty->ndim; k++) {
    v->shape[k] = fn_alloca(F, L->t_i64, "view.shape");
    v->strides[k] = fn_alloca(F, L->t_i64, "view.stride");
    LLVMBuildStore(F->ab, fn_i64(F, 0), v->shape[k]);
    LLVMBuildStore(F->ab, fn_i64(F, 0), v->strides[k]);
  }
}

static void lower_body(Lower *L, int idx, const bool *reach, const RecTab *rt, int clone,
                       bool proven, bool replay) {
  const FuncInst *f = L->prog->funcs.data[idx];
  Fn F = {0};
  F.L = L;
  F.b = L->b;
  F.f = f;
  F.rt = rt;
  F.clone = clone;
  F.rec = rt->deep[idx];
  F.replay = replay;
  F.fn = F.rec ? (replay ? rt->pure : rt->fn)[idx][clone] : proven ? L->proven_fn[idx] : L->impl_fn[idx];
  if (proven)
    F.proven = pure_checks(pure_callee(L, idx), &F.nproven);
  F.boundscheck = opt_boundscheck(L, f);
  F.overflowcheck = L->opt->overflowcheck && !(f->flags & FN_OVERFLOWCHECK_OFF);
  F.fastmath = L->opt->fastmath || (f->flags & FN_FASTMATH);
  F.self = idx;
  F.reach = reach;
  F.depth = F.rec ? LLVMGetParam(F.fn, (unsigned)f->nparams) : NULL;
  F.line = f->func ? f->func->span.line : 0;
  F.alloca_bb = fn_block(&F, "entry");
  LLVMBasicBlockRef body_bb = fn_block(&F, "body");
  F.err_bb = fn_block(&F, "error");
  F.ab = LLVMCreateBuilderInContext(L->ctx);
  LLVMPositionBuilderAtEnd(F.ab, F.alloca_bb);

  F.param_slot = ARENA_ARRAY(L->arena, LLVMValueRef, f->nparams + 1);
  F.param_view = ARENA_ARRAY(L->arena, ArrView, f->nparams + 1);
  F.param_view_ok = ARENA_ARRAY(L->arena, bool, f->nparams + 1);
  F.param_vslot = ARENA_ARRAY(L->arena, ArrView, f->nparams + 1);
  NodeList *body = &f->func->list2;
  for (int k = 0; k < f->nparams; k++) {
    const Type *ty = f->params[k]->ty;
    LLVMValueRef arg = LLVMGetParam(F.fn, (unsigned)k);
    F.param_slot[k] = fn_alloca(&F, lower_llvm_type(L, ty), f->params[k]->name);
    LLVMBuildStore(F.ab, arg, F.param_slot[k]);
    if (ty->kind == TY_ARRAY) {
      LLVMPositionBuilderAtEnd(F.b, F.alloca_bb);
      if (!stmts_assign(body, f->params[k])) {
        array_view_of(&F, arg, ty, &F.param_view[k]);
        F.param_view_ok[k] = true;
      } else {
        view_slots_alloc(&F, ty, &F.param_vslot[k]);
        store_array_view(&F, f->params[k], arg);
      }
    }
  }
  int nlocal = 0;
  for (int i = 0; i < f->locals.len; i++)
    if (f->locals.data[i]->index + 1 > nlocal)
      nlocal = f->locals.data[i]->index + 1;
  F.local_slot = ARENA_ARRAY(L->arena, LLVMValueRef, nlocal + 1);
  F.local_vslot = ARENA_ARRAY(L->arena, ArrView, nlocal + 1);
  for (int i = 0; i < f->locals.len; i++) {
    Symbol *s = f->locals.data[i];
    LLVMTypeRef ty = lower_llvm_type(L, s->ty);
    F.local_slot[s->index] = fn_alloca(&F, ty, s->name);
    /* Zeroed so no path reads undef (the checker rejects reads before
     * assignment; this costs nothing after mem2reg). */
    LLVMBuildStore(F.ab, LLVMConstNull(ty), F.local_slot[s->index]);
    if (s->ty->kind == TY_ARRAY)
      view_slots_alloc(&F, s->ty, &F.local_vslot[s->index]);
  }
  if (f->ret->kind != TY_NONE && !F.rec)
    F.out = LLVMGetParam(F.fn, (unsigned)f->nparams);

  fn_position(&F, body_bb);
  bool peeled = F.rec && rt->peel[idx] && !replay;
  bool peel = peeled && clone == 0, core = peeled && clone == 1;
  if (peel) {
    NodeList first = {body->data, 1, 1};
    lower_block(&F, &first);
    lower_peel_call(&F);
  } else if (core) {
    NodeList rest = {body->data + 1, body->len - 1, body->len - 1};
    lower_block(&F, &rest);
    finish_body(&F, body_bb);
  } else {
    lower_block(&F, body);
    finish_body(&F, body_bb);
  }
  LLVMPositionBuilderAtEnd(F.b, F.err_bb);
  if (F.rec && f->ret->kind != TY_NONE)
    rec_return(&F, LLVMGetUndef(LLVMStructGetTypeAtIndex(rt->ret_ty[idx], 0)), fn_i32(&F, -1));
  else
    LLVMBuildRet(F.b, fn_i32(&F, -1));
  LLVMBuildBr(F.ab, body_bb);
  LLVMDisposeBuilder(F.ab);
  /* the unreachable blocks made after a return/break/raise */
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(F.fn); bb; bb = LLVMGetNextBasicBlock(bb))
    if (!LLVMGetBasicBlockTerminator(bb)) {
      LLVMPositionBuilderAtEnd(F.b, bb);
      LLVMBuildUnreachable(F.b);
    }
}

/* A loop-free, non-recursive function that compiled code calls gets
 * `inlinehint`: LLVM's O3 inliner then takes it up to cost 325 instead of
 * 250, which is what a helper with two or three math.* calls and its raise
 * paths costs (each libm call about 35, its non-finite test and CPython's
 * rules about 50); its caller's loop then runs without a call and the
 * result's trip through memory.  LLVM still measures every call site, so a
 * large body stays a call.  Functions only Python calls get no hint: their
 * wrapper would inline them, which costs build time and saves nothing. */
static int tree_size(const Node *n, int limit) {
  if (!n || limit <= 0)
    return 0;
  int k = 1 + tree_size(n->a, limit - 1);
  k += tree_size(n->b, limit - k);
  k += tree_size(n->c, limit - k);
  for (int i = 0; i < n->list.len && k < limit; i++)
    k += tree_size(n->list.data[i], limit - k);
  for (int i = 0; i < n->list2.len && k < limit; i++)
    k += tree_size(n->list2.data[i], limit - k);
  return k;
}

/* A helper of at most this many syntax nodes (`return math.sqrt((x1 - x2)
 * ** 2 + (y1 - y2) ** 2)` has 25) is always inlined: LLVM's cost of its
 * checks and raise paths (each x ** 2 has a libm fallback, lower_arith.c)
 * can pass 325 while the body is a line of arithmetic. */
enum { ALWAYS_INLINE_NODES = 64 };

static void hint_inline(Lower *L, int i, const bool *reach) {
  int n = L->prog->funcs.len;
  bool called = false; /* by compiled code: else only its wrapper calls it */
  for (int g = 0; g < n && !called; g++)
    called = g != i && reach[(size_t)g * (size_t)n + (size_t)i];
  const FuncInst *f = L->prog->funcs.data[i];
  if (!called || f->has_loops)
    return;
  bool tiny = tree_size(f->func, ALWAYS_INLINE_NODES + 1) <= ALWAYS_INLINE_NODES;
  LLVMAddAttributeAtIndex(L->impl_fn[i], LLVMAttributeFunctionIndex,
                          enum_attr(L, tiny ? "alwaysinline" : "inlinehint"));
}

void lower_bodies(Lower *L) {
  const bool *reach = call_closure(L);
  const RecTab *rt = rec_table(L, reach);
  for (int i = 0; i < L->prog->funcs.len; i++) {
    if (!rt->deep[i]) {
      hint_inline(L, i, reach);
      lower_body(L, i, reach, rt, 0, false, false);
      continue;
    }
    for (int c = 0; c < rt->nclones[i]; c++)
      lower_body(L, i, reach, rt, c, false, false);
    if (rt->pure[i]) {
      for (int c = 0; c < rt->npure[i]; c++)
        lower_body(L, i, reach, rt, c, false, true);
      lower_replay_entry(L, rt, i);
    }
    lower_rec_entry(L, rt, i);
  }
  /* the variants the bodies asked for (pure callees make no calls, so
   * these ask for no more) */
  for (int i = 0; L->proven_fn && i < L->prog->funcs.len; i++)
    if (L->proven_fn[i])
      lower_body(L, i, reach, rt, 0, true, false);
}
