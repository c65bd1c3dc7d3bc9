/* lower_expr.c: expressions other than arithmetic, comparisons, arrays and
 * calls: constants, variables, tuples, and/or, conditional expressions, and
 * conversions between types (ND_CAST): widening, checked narrowing (NumPy 2's
 * OverflowError for out-of-range stores), float -> int with int()'s errors. */
#include "lower_fn.h"

Type *tt_scalar(Fn *F, TypeKind k) { return type_scalar(F->L->prog->types, k); }

LLVMTypeRef val_type(Fn *F, const Type *ty) {
  return ty->kind == TY_BOOL ? F->L->t_i1 : lower_llvm_type(F->L, ty);
}

LLVMValueRef to_storage(Fn *F, LLVMValueRef v, const Type *ty) {
  if (ty->kind == TY_BOOL && LLVMTypeOf(v) == F->L->t_i1)
    return LLVMBuildZExt(F->b, v, F->L->t_i8, "");
  return v;
}

LLVMValueRef from_storage(Fn *F, LLVMValueRef v, const Type *ty) {
  /* any non-zero byte is True (a uint8 buffer viewed as bool may hold 2..255) */
  if (ty->kind == TY_BOOL && LLVMTypeOf(v) == F->L->t_i8)
    return LLVMBuildICmp(F->b, LLVMIntNE, v, LLVMConstInt(F->L->t_i8, 0, 0), "");
  return v;
}

LLVMValueRef truthy(Fn *F, LLVMValueRef v, const Type *ty) {
  if (ty->kind == TY_BOOL)
    return from_storage(F, v, ty);
  if (type_is_int(ty))
    return LLVMBuildICmp(F->b, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
  if (type_is_float(ty)) /* NaN is true: une */
    return LLVMBuildFCmp(F->b, LLVMRealUNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
  die(F->L->bail, "line %d: no truth value for %s", F->line, type_name(F->L->arena, ty));
}

/* ------------------------------------------------------------ conversions */

static const char *numpy_name(TypeKind k) {
  switch (k) {
  case TY_I8: return "int8";
  case TY_I16: return "int16";
  case TY_I32: return "int32";
  case TY_I64: return "int64";
  case TY_U8: return "uint8";
  case TY_U16: return "uint16";
  case TY_U32: return "uint32";
  case TY_U64: return "uint64";
  case TY_BOOL: case TY_F32: case TY_F64: case TY_NONE: case TY_ARRAY: case TY_TUPLE:
  case TY_FUNC: case TY_MODULE: case TY_STR: case TY_EXC:
    break;
  }
  return "?";
}

void int_range(const Type *ty, int64_t *lo, int64_t *hi) {
  int bits = type_bits(ty);
  if (type_is_signed(ty)) {
    *lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    *hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
  } else {
    *lo = 0;
    *hi = bits == 64 ? INT64_MAX : ((int64_t)1 << bits) - 1; /* as seen from an i64 value */
  }
}

/* OverflowError "Python integer 300 out of bounds for uint8" (NumPy 2). */
static void raise_out_of_bounds(Fn *F, LLVMValueRef v, const Type *to) {
  LLVMValueRef buf = fn_alloca(F, LLVMArrayType(F->L->t_i8, 96), "msg");
  const char *fmt =
      arena_printf(F->L->arena, "Python integer %%lld out of bounds for %s", numpy_name(to->kind));
  fn_snprintf(F, buf, 96, fmt, &v, 1);
  LLVMValueRef args[] = {fn_i32(F, PJRT_OVERFLOW), buf};
  fn_call_rt_cold(F, RT_pjrt_raise, args, 2);
}

/* i64 -> a narrower (or unsigned) integer storage type, range-checked. */
static LLVMValueRef narrow_int(Fn *F, LLVMValueRef v, const Type *to) {
  int64_t lo, hi;
  int_range(to, &lo, &hi);
  if (F->overflowcheck && !(lo == INT64_MIN && hi == INT64_MAX)) {
    /* lo <= v <= hi  <=>  (v - lo) <=u (hi - lo) */
    LLVMValueRef off = LLVMBuildSub(F->b, v, fn_i64(F, lo), "");
    LLVMValueRef bad = LLVMBuildICmp(F->b, LLVMIntUGT, off,
                                     fn_i64(F, (int64_t)((uint64_t)hi - (uint64_t)lo)), "");
    LLVMBasicBlockRef ok = fn_guard(F, bad);
    raise_out_of_bounds(F, v, to);
    fn_raise_done(F, ok);
  }
  LLVMTypeRef t = lower_llvm_type(F->L, to);
  return type_bits(to) == 64 ? v : LLVMBuildTrunc(F->b, v, t, "");
}

/* Any integer storage type -> i64 (u64 above 2**63-1 has no int value). */
static LLVMValueRef widen_int(Fn *F, LLVMValueRef v, const Type *from) {
  if (from->kind == TY_U64) {
    if (F->overflowcheck)
      fn_check_pjm(F, LLVMBuildICmp(F->b, LLVMIntSLT, v, fn_i64(F, 0), ""), PJM_INT_OVERFLOW);
    return v;
  }
  if (type_bits(from) == 64)
    return v;
  return type_is_signed(from) ? LLVMBuildSExt(F->b, v, F->L->t_i64, "")
                              : LLVMBuildZExt(F->b, v, F->L->t_i64, "");
}

static bool int_fits(const Type *from, const Type *to) {
  int fb = type_bits(from), tb = type_bits(to);
  bool fs = type_is_signed(from), ts = type_is_signed(to);
  if (fs == ts)
    return fb <= tb;
  return !fs && ts && fb < tb;
}

bool convert_cannot_raise(const Type *from, const Type *to) {
  if (!from || !to)
    return false;
  if (from == to || (from->kind == to->kind && type_is_scalar(from)))
    return true;
  if (to->kind == TY_BOOL)
    return type_is_scalar(from);
  if (type_is_int(to))
    return from->kind == TY_BOOL || (type_is_int(from) && int_fits(from, to));
  if (type_is_float(to))
    return from->kind == TY_BOOL || type_is_int(from) || type_is_float(from);
  return false;
}

/* The raise of int(x) for an x outside [-2**63, 2**63) or NaN: ValueError
 * for NaN, OverflowError for inf and for values outside i64 (CPython would
 * grow the int). */
static void raise_float_to_int(Fn *F, LLVMValueRef x, LLVMBasicBlockRef ok) {
  LLVMBuilderRef b = F->b;
  LLVMValueRef isnan = LLVMBuildFCmp(b, LLVMRealUNO, x, x, "");
  LLVMValueRef ax = fn_intrinsic(F, "llvm.fabs", &F->L->t_f64, 1, &x, 1);
  LLVMValueRef isinf = LLVMBuildFCmp(b, LLVMRealOEQ, ax, fn_f64(F, __builtin_inf()), "");
  LLVMValueRef st = LLVMBuildSelect(
      b, isnan, fn_i32(F, PJM_NAN_TO_INT),
      LLVMBuildSelect(b, isinf, fn_i32(F, PJM_INF_TO_INT), fn_i32(F, PJM_INT_OVERFLOW), ""), "");
  fn_raise_status(F, st, ok);
}

static bool target_x86_64(Fn *F) {
  const char *t = LLVMGetTarget(F->L->mod);
  return t && strncmp(t, "x86_64", 6) == 0;
}

/* int(x) for a double (truncation).  The check costs one compare on the hot
 * path: x86's cvttsd2si returns INT64_MIN ("integer indefinite") for NaN
 * and for every value outside i64, so only that result needs a second look
 * (x == -2**63 is the one valid double it comes from).  Elsewhere
 * |x| < 2**63 (false for NaN) is the one compare, with the same second look
 * at -2**63. */
LLVMValueRef float_to_int(Fn *F, LLVMValueRef x) {
  LLVMBuilderRef b = F->b;
  LLVMValueRef min = fn_f64(F, -9223372036854775808.0), r = NULL, odd;
  if (target_x86_64(F)) {
    LLVMTypeRef v2 = LLVMVectorType(F->L->t_f64, 2);
    LLVMValueRef vx = LLVMBuildInsertElement(b, LLVMGetUndef(v2), x, fn_i32(F, 0), "");
    r = fn_intrinsic(F, "llvm.x86.sse2.cvttsd2si64", NULL, 0, &vx, 1);
    odd = LLVMBuildICmp(b, LLVMIntEQ, r, fn_i64(F, INT64_MIN), "");
  } else {
    LLVMValueRef ax = fn_intrinsic(F, "llvm.fabs", &F->L->t_f64, 1, &x, 1);
    odd = LLVMBuildFCmp(b, LLVMRealUGE, ax, fn_f64(F, 9223372036854775808.0), "");
  }
  LLVMBasicBlockRef okb = fn_block(F, "f2i.ok"), second = fn_block(F, "f2i.check");
  fn_cond_br_unlikely(F, odd, second, okb);
  fn_position(F, second);
  LLVMBasicBlockRef is_min = fn_guard(F, LLVMBuildFCmp(b, LLVMRealUNE, x, min, ""));
  raise_float_to_int(F, x, is_min);
  LLVMBuildBr(b, okb);
  fn_position(F, okb);
  return r ? r : LLVMBuildFPToSI(b, x, F->L->t_i64, "");
}

static bool is_scalar_kind(const Type *t) { return type_is_scalar(t); }

LLVMValueRef convert(Fn *F, LLVMValueRef v, const Type *from, const Type *to) {
  LLVMBuilderRef b = F->b;
  Lower *L = F->L;
  if (from == to || (from->kind == to->kind && is_scalar_kind(from)))
    return v;
  if (to->kind == TY_BOOL && is_scalar_kind(from))
    return truthy(F, v, from);
  if (type_is_int(to)) {
    LLVMValueRef i;
    if (from->kind == TY_BOOL)
      return LLVMBuildZExt(b, from_storage(F, v, from), lower_llvm_type(L, to), "");
    if (type_is_int(from)) {
      if (int_fits(from, to))
        return type_bits(from) == type_bits(to)
                   ? v
                   : (type_is_signed(from) ? LLVMBuildSExt(b, v, lower_llvm_type(L, to), "")
                                           : LLVMBuildZExt(b, v, lower_llvm_type(L, to), ""));
      i = widen_int(F, v, from);
    } else if (type_is_float(from)) {
      LLVMValueRef x = from->kind == TY_F32 ? LLVMBuildFPExt(b, v, L->t_f64, "") : v;
      i = float_to_int(F, x);
    } else {
      goto bad;
    }
    return to->kind == TY_I64 ? i : narrow_int(F, i, to);
  }
  if (type_is_float(to)) {
    LLVMValueRef d;
    if (from->kind == TY_BOOL)
      d = LLVMBuildUIToFP(b, from_storage(F, v, from), L->t_f64, "");
    else if (type_is_int(from))
      d = type_is_signed(from) ? LLVMBuildSIToFP(b, v, L->t_f64, "")
                               : LLVMBuildUIToFP(b, v, L->t_f64, "");
    else if (from->kind == TY_F32)
      d = LLVMBuildFPExt(b, v, L->t_f64, "");
    else if (from->kind == TY_F64)
      d = v;
    else
      goto bad;
    return to->kind == TY_F32 ? LLVMBuildFPTrunc(b, d, L->t_f32, "") : d;
  }
  if (to->kind == TY_TUPLE && from->kind == TY_TUPLE && to->nelems == from->nelems) {
    LLVMValueRef r = LLVMGetUndef(lower_llvm_type(L, to));
    for (int i = 0; i < to->nelems; i++) {
      LLVMValueRef e = from_storage(F, LLVMBuildExtractValue(b, v, (unsigned)i, ""), from->elems[i]);
      e = to_storage(F, convert(F, e, from->elems[i], to->elems[i]), to->elems[i]);
      r = LLVMBuildInsertValue(b, r, e, (unsigned)i, "");
    }
    return r;
  }
  if (to->kind == TY_ARRAY && from->kind == TY_ARRAY)
    return v;
bad:
  die(L->bail, "line %d: no conversion from %s to %s", F->line, type_name(L->arena, from),
      type_name(L->arena, to));
}

LLVMValueRef const_value(Fn *F, Node *k, const Type *to) {
  switch (k->kind) {
  case ND_INT:
    return convert(F, fn_i64(F, k->ival), tt_scalar(F, TY_I64), to);
  case ND_FLOAT:
    return convert(F, fn_f64(F, k->fval), tt_scalar(F, TY_F64), to);
  case ND_BOOL:
    return convert(F, fn_bool(F, k->ival != 0), tt_scalar(F, TY_BOOL), to);
  case ND_UNARYOP:
    if (k->op == OP_NEG && k->a->kind == ND_INT && k->a->ival != INT64_MIN)
      return convert(F, fn_i64(F, -k->a->ival), tt_scalar(F, TY_I64), to);
    if (k->op == OP_NEG && k->a->kind == ND_FLOAT)
      return convert(F, fn_f64(F, -k->a->fval), tt_scalar(F, TY_F64), to);
    break;
  case ND_CAST:
    return convert(F, const_value(F, k->a, k->a->ty), k->a->ty, to);
  default:
    break;
  }
  die(F->L->bail, "line %d: constant %s is not a number", k->span.line, node_kind_name(k->kind));
}

/* -------------------------------------------------------------- variables */

LLVMValueRef sym_slot(Fn *F, Symbol *s) {
  if (s && s->kind == SYM_PARAM)
    return F->param_slot[s->index];
  if (s && s->kind == SYM_LOCAL && F->local_slot[s->index])
    return F->local_slot[s->index];
  die(F->L->bail, "line %d: variable '%s' has no storage", F->line, s ? s->name : "?");
}

LLVMValueRef load_sym(Fn *F, Symbol *s) {
  LLVMValueRef v = LLVMBuildLoad2(F->b, lower_llvm_type(F->L, s->ty), sym_slot(F, s), s->name);
  return from_storage(F, v, s->ty);
}

/* The view slots of an array variable that is assigned in the body, or NULL. */
static const ArrView *view_slots(const Fn *F, const Symbol *s) {
  const ArrView *v = !s || !s->ty || s->ty->kind != TY_ARRAY ? NULL
                     : s->kind == SYM_PARAM                  ? &F->param_vslot[s->index]
                     : s->kind == SYM_LOCAL                  ? &F->local_vslot[s->index]
                                                             : NULL;
  return v && v->data ? v : NULL;
}

/* An array variable's view is loaded from the descriptor once, where it is
 * assigned, and kept in allocas (SSA values after mem2reg): in a loop that
 * swaps two rows (`t = prev; prev = cur; cur = t`) the accesses then need
 * no descriptor loads, which LLVM cannot hoist out of the branches. */
void store_array_view(Fn *F, const Symbol *s, LLVMValueRef desc) {
  const ArrView *slots = view_slots(F, s);
  if (!slots)
    return;
  ArrView v;
  array_view_of(F, desc, s->ty, &v);
  LLVMBuildStore(F->b, v.data, slots->data);
  for (int k = 0; k < s->ty->ndim; k++) {
    LLVMBuildStore(F->b, v.shape[k], slots->shape[k]);
    LLVMBuildStore(F->b, v.strides[k], slots->strides[k]);
  }
}

bool load_array_view(Fn *F, const Symbol *s, ArrView *v) {
  const ArrView *slots = view_slots(F, s);
  if (!slots)
    return false;
  memset(v, 0, sizeof *v);
  Lower *L = F->L;
  v->data = LLVMBuildLoad2(F->b, L->t_ptr, slots->data, "");
  for (int k = 0; k < s->ty->ndim; k++) {
    v->shape[k] = LLVMBuildLoad2(F->b, L->t_i64, slots->shape[k], "");
    v->strides[k] = LLVMBuildLoad2(F->b, L->t_i64, slots->strides[k], "");
  }
  return true;
}

void store_sym(Fn *F, Symbol *s, LLVMValueRef v, const Type *vty) {
  LLVMValueRef slot = sym_slot(F, s);
  LLVMValueRef stored = to_storage(F, convert(F, v, vty, s->ty), s->ty);
  LLVMBuildStore(F->b, stored, slot);
  store_array_view(F, s, stored);
}

static LLVMValueRef lower_name(Fn *F, Node *n) {
  if (n->builtin)
    return convert(F, lower_builtin_const(F, n->builtin), tt_scalar(F, TY_F64), n->ty);
  Symbol *s = n->sym;
  if (!s)
    die(F->L->bail, "line %d: unresolved name '%s'", n->span.line, n->name);
  if (s->kind == SYM_CONST)
    return const_value(F, s->value, n->ty);
  return convert(F, load_sym(F, s), s->ty, n->ty);
}

static LLVMValueRef lower_tuple(Fn *F, Node *n) {
  const Type *ty = n->ty;
  LLVMValueRef r = LLVMGetUndef(lower_llvm_type(F->L, ty));
  for (int i = 0; i < n->list.len; i++) {
    Node *e = n->list.data[i];
    LLVMValueRef v = convert(F, lower_expr(F, e), e->ty, ty->elems[i]);
    r = LLVMBuildInsertValue(F->b, r, to_storage(F, v, ty->elems[i]), (unsigned)i, "");
  }
  return r;
}

/* `a or b` / `a and b`: the value of the operand that decided, converted to
 * the expression's type (the checker unified the operands). */
static LLVMValueRef lower_boolop(Fn *F, Node *n) {
  LLVMBasicBlockRef end = fn_block(F, n->op == OP_OR ? "or.end" : "and.end");
  int k = n->list.len;
  LLVMValueRef *vals = ARENA_ARRAY(F->L->arena, LLVMValueRef, k);
  LLVMBasicBlockRef *from = ARENA_ARRAY(F->L->arena, LLVMBasicBlockRef, k);
  for (int i = 0; i < k; i++) {
    Node *e = n->list.data[i];
    LLVMValueRef v = lower_expr(F, e);
    if (i == k - 1) {
      vals[i] = convert(F, v, e->ty, n->ty);
      from[i] = LLVMGetInsertBlock(F->b);
      LLVMBuildBr(F->b, end);
      break;
    }
    LLVMValueRef t = truthy(F, v, e->ty);
    vals[i] = convert(F, v, e->ty, n->ty);
    from[i] = LLVMGetInsertBlock(F->b);
    LLVMBasicBlockRef next = fn_block(F, "boolop.next");
    if (n->op == OP_OR)
      LLVMBuildCondBr(F->b, t, end, next);
    else
      LLVMBuildCondBr(F->b, t, next, end);
    fn_position(F, next);
  }
  fn_position(F, end);
  LLVMValueRef phi = LLVMBuildPhi(F->b, val_type(F, n->ty), "");
  LLVMAddIncoming(phi, vals, from, (unsigned)k);
  return phi;
}

static LLVMValueRef lower_ifexp(Fn *F, Node *n) {
  LLVMValueRef c = lower_cond(F, n->a);
  LLVMBasicBlockRef tb = fn_block(F, "ifx.then"), eb = fn_block(F, "ifx.else"),
                    end = fn_block(F, "ifx.end");
  LLVMBuildCondBr(F->b, c, tb, eb);
  fn_position(F, tb);
  LLVMValueRef v1 = convert(F, lower_expr(F, n->b), n->b->ty, n->ty);
  LLVMBasicBlockRef tb_end = LLVMGetInsertBlock(F->b);
  LLVMBuildBr(F->b, end);
  fn_position(F, eb);
  LLVMValueRef v2 = convert(F, lower_expr(F, n->c), n->c->ty, n->ty);
  LLVMBasicBlockRef eb_end = LLVMGetInsertBlock(F->b);
  LLVMBuildBr(F->b, end);
  fn_position(F, end);
  LLVMValueRef phi = LLVMBuildPhi(F->b, val_type(F, n->ty), "");
  LLVMValueRef vals[] = {v1, v2};
  LLVMBasicBlockRef bbs[] = {tb_end, eb_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

LLVMValueRef lower_cond(Fn *F, Node *n) { return truthy(F, lower_expr(F, n), n->ty); }

static LLVMValueRef lower_expr_kind(Fn *F, Node *n) {
  switch (n->kind) {
  case ND_INT: case ND_FLOAT: case ND_BOOL:
    return const_value(F, n, n->ty);
  case ND_NAME: return lower_name(F, n);
  case ND_ATTR:
    if (n->builtin == BI_A_SHAPE || n->builtin == BI_A_NDIM || n->builtin == BI_A_SIZE)
      return lower_array_attr(F, n);
    if (n->builtin)
      return convert(F, lower_builtin_const(F, n->builtin), tt_scalar(F, TY_F64), n->ty);
    break;
  case ND_SUBSCRIPT: return lower_subscript(F, n);
  case ND_TUPLE: return lower_tuple(F, n);
  case ND_BINOP: return lower_binop(F, n);
  case ND_UNARYOP: return lower_unary(F, n);
  case ND_BOOLOP: return lower_boolop(F, n);
  case ND_COMPARE: return lower_compare(F, n);
  case ND_IFEXP: return lower_ifexp(F, n);
  case ND_CALL: return lower_call(F, n);
  case ND_CAST:
    if (F->fiv_sym && n->a->kind == ND_NAME && n->a->sym == F->fiv_sym && n->ty->kind == TY_F64)
      return LLVMBuildLoad2(F->b, F->L->t_f64, F->fiv_slot, ""); /* float(i), kept exact */
    return convert(F, lower_expr(F, n->a), n->a->ty, n->ty);
  case ND_NONE: case ND_STR: case ND_SLICE: case ND_KEYWORD:
  case ND_MODULE: case ND_FUNC: case ND_PARAM: case ND_CONST: case ND_IMPORT:
  case ND_EXPR_STMT: case ND_ASSIGN: case ND_ANNASSIGN: case ND_AUGASSIGN: case ND_IF:
  case ND_WHILE: case ND_FOR: case ND_BREAK: case ND_CONTINUE: case ND_RETURN: case ND_PASS:
  case ND_ASSERT: case ND_RAISE: case ND_COUNT_:
    break;
  }
  die(F->L->bail, "line %d: cannot lower a %s expression", n->span.line, node_kind_name(n->kind));
}

LLVMValueRef lower_expr(Fn *F, Node *n) {
  /* The traceback line of an error is that of the expression that raised
   * (CPython 3.11 reports the instruction's line, not the statement's). */
  int saved = F->line;
  if (n->span.line)
    F->line = n->span.line;
  LLVMValueRef v = lower_expr_kind(F, n);
  F->line = saved;
  return v;
}
