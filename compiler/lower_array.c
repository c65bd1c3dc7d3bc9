/* lower_array.c: arrays (runtime/pjrt.h PjArray) in native code: views
 * (data, shape, element strides as SSA values), element addresses with
 * negative-index wraparound and NumPy's IndexError, element loads (widened by
 * the caller's conversion) and stores (narrowed, range-checked), `.shape`,
 * `.ndim`, `.size`, and tuple subscripts with constant indices.
 *
 * With boundscheck off, negative indices still wrap (as Cython's
 * wraparound=True default): only the range check is dropped. */
#include "lower_fn.h"

/* A load from the PjArray descriptor.  (No !invariant.load: after the
 * wrapper inlines this function, the descriptor is the wrapper's alloca that
 * pjrt_arg_array fills, so it is not invariant over the whole program; the
 * noalias readonly parameter is what lets LLVM hoist these loads.) */
static LLVMValueRef desc_load(Fn *F, LLVMTypeRef ty, LLVMValueRef p) {
  return LLVMBuildLoad2(F->b, ty, p, "");
}

/* !range [0, 2**63) on a shape load: NumPy's dimensions are never negative
 * (one can be INT64_MAX in an empty array).  Then `i <u shape` tells LLVM
 * that i < INT64_MAX, so after a bounds check `i += 1` needs no overflow
 * check, nor `n - 1` for n = a.shape[0]. */
static void mark_nonnegative(Fn *F, LLVMValueRef load) {
  Lower *L = F->L;
  LLVMMetadataRef md[2] = {LLVMValueAsMetadata(LLVMConstInt(L->t_i64, 0, 0)),
                           LLVMValueAsMetadata(LLVMConstInt(L->t_i64, 1ULL << 63, 0))};
  LLVMSetMetadata(load, LLVMGetMDKindIDInContext(L->ctx, "range", 5),
                  LLVMMetadataAsValue(L->ctx, LLVMMDNodeInContext2(L->ctx, md, 2)));
}

static int elem_size(const Type *elem) {
  return elem->kind == TY_BOOL ? 1 : type_bits(elem) / 8;
}

void array_view_of(Fn *F, LLVMValueRef p, const Type *ty, ArrView *v) {
  Lower *L = F->L;
  LLVMTypeRef st = L->t_pjarray;
  memset(v, 0, sizeof *v);
  v->data = desc_load(F, L->t_ptr, LLVMBuildStructGEP2(F->b, st, p, 0, ""));
  int shift = __builtin_ctz((unsigned)elem_size(ty->elem));
  for (int k = 0; k < ty->ndim; k++) {
    LLVMValueRef idx[] = {fn_i32(F, 0), fn_i32(F, 1), fn_i32(F, k)};
    v->shape[k] = desc_load(F, L->t_i64, LLVMBuildInBoundsGEP2(F->b, st, p, idx, 3, "shape"));
    mark_nonnegative(F, v->shape[k]);
    if (ty->contig && k == ty->ndim - 1) {
      /* C-contiguous: the last stride is one element (any stride of an
       * axis of size 1 is harmless: its only index is 0). */
      v->strides[k] = fn_i64(F, 1);
    } else {
      /* Element strides: the runtime refuses arrays whose byte strides are
       * not multiples of the item size (on axes longer than 1; a shorter
       * axis only ever sees index 0, so the rounding of the shift is
       * harmless there).  Addressing by element lets LLVM see unit strides
       * and vectorize. */
      idx[1] = fn_i32(F, 2);
      LLVMValueRef bytes =
          desc_load(F, L->t_i64, LLVMBuildInBoundsGEP2(F->b, st, p, idx, 3, "stride"));
      v->strides[k] = shift ? LLVMBuildAShr(F->b, bytes, fn_i64(F, shift), "estride") : bytes;
    }
  }
}

LLVMValueRef array_gep(Fn *F, const ArrView *v, const Type *elem, LLVMValueRef off) {
  return LLVMBuildInBoundsGEP2(F->b, lower_llvm_type(F->L, elem), v->data, &off, 1, "elem");
}

void array_view(Fn *F, Node *arr, ArrView *v) {
  if (arr->kind == ND_NAME && arr->sym && arr->sym->kind == SYM_PARAM &&
      F->param_view_ok[arr->sym->index]) {
    *v = F->param_view[arr->sym->index];
    return;
  }
  if (arr->kind == ND_NAME && load_array_view(F, arr->sym, v))
    return;
  array_view_of(F, lower_expr(F, arr), arr->ty, v);
}

/* raw's index into an axis of size n, Python's negative-index wraparound
 * included, with IndexError outside [-n, n) when bounds are checked.  The
 * common case (0 <= raw < n) is one unsigned compare and a branch that is
 * almost never taken; only an index outside that range goes through the
 * wraparound (and the raise), off the hot path.  (A select for the
 * wraparound costs three instructions on every access, on the index's
 * critical path.) */
static LLVMValueRef wrap_index(Fn *F, LLVMValueRef raw, LLVMValueRef n, int axis, Node *node) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef zero = fn_i64(F, 0);
  LLVMBasicBlockRef from = LLVMGetInsertBlock(B), wrap = fn_block(F, "idx.wrap"),
                    join = fn_block(F, "idx.ok");
  LLVMValueRef outside = F->boundscheck ? LLVMBuildICmp(B, LLVMIntUGE, raw, n, "")
                                        : LLVMBuildICmp(B, LLVMIntSLT, raw, zero, "");
  fn_cond_br_unlikely(F, outside, wrap, join);
  fn_position(F, wrap);
  /* raw < 0 here when bounds are unchecked; checked, raw < 0 rules out a
   * wrapping add, and the wrapped index must land in [0, n) */
  LLVMValueRef wrapped = LLVMBuildAdd(B, raw, n, "");
  if (F->boundscheck) {
    LLVMValueRef bad = LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntSGE, raw, zero, ""),
                                   LLVMBuildICmp(B, LLVMIntUGE, wrapped, n, ""), "");
    int line = F->line;
    if (node && node->span.line)
      F->line = node->span.line;
    LLVMBasicBlockRef okb = fn_guard(F, bad);
    LLVMValueRef args[] = {raw, fn_i32(F, axis), n};
    fn_call_rt_cold(F, RT_pjrt_raise_index, args, 3);
    F->line = line;
    fn_raise_done(F, okb);
  }
  LLVMBasicBlockRef wrap_end = LLVMGetInsertBlock(B);
  LLVMBuildBr(B, join);
  fn_position(F, join);
  LLVMValueRef phi = LLVMBuildPhi(B, F->L->t_i64, "idx");
  LLVMValueRef vals[] = {raw, wrapped};
  LLVMBasicBlockRef bbs[] = {from, wrap_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

/* `proven`: a loop-versioning guard showed every index in [0, shape). */
/* `rises[k]` (or NULL): index k is known >= 0 (lower_rising.c). */
static LLVMValueRef elem_ptr(Fn *F, const ArrView *v, const Type *aty, LLVMValueRef *idx,
                             Node **idx_nodes, bool proven, const bool *rises) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef off = NULL;
  for (int k = 0; k < aty->ndim; k++) {
    LLVMValueRef raw = idx[k], i = raw;
    bool nonneg = proven || (LLVMIsAConstantInt(raw) && LLVMConstIntGetSExtValue(raw) >= 0) ||
                  (rises && rises[k]);
    if (!proven && (F->boundscheck || !nonneg))
      i = wrap_index(F, raw, v->shape[k], k, idx_nodes ? idx_nodes[k] : NULL);
    /* proven: 0 <= i < shape, and i * stride is an offset inside the array */
    LLVMValueRef term = proven ? LLVMBuildNSWMul(B, i, v->strides[k], "")
                               : LLVMBuildMul(B, i, v->strides[k], "");
    off = !off ? term : proven ? LLVMBuildNSWAdd(B, off, term, "") : LLVMBuildAdd(B, off, term, "");
  }
  return array_gep(F, v, aty->elem, off);
}

LLVMValueRef array_elem_ptr_at(Fn *F, const ArrView *v, const Type *aty, LLVMValueRef *idx,
                               Node **idx_nodes) {
  return elem_ptr(F, v, aty, idx, idx_nodes, false, NULL);
}

LLVMValueRef array_elem_ptr(Fn *F, Node *sub) {
  LLVMValueRef cell = promoted_cell(F, sub);
  if (cell) /* lower_promote.c: held in an alloca for the loop */
    return cell;
  const Type *aty = sub->a->ty;
  if (sub->list.len != aty->ndim)
    die(F->L->bail, "line %d: %d indices for a %d-dimensional array", sub->span.line,
        sub->list.len, aty->ndim);
  ArrView v;
  array_view(F, sub->a, &v);
  LLVMValueRef idx[PJRT_MAX_NDIM];
  bool rises[PJRT_MAX_NDIM];
  Type *i64 = tt_scalar(F, TY_I64);
  bool proven = loop_proven(F, sub);
  bool oc = F->overflowcheck, nsw = F->nsw;
  if (proven) { /* the guard evaluated these without overflow at both ends */
    F->overflowcheck = false;
    F->nsw = true;
  }
  for (int k = 0; k < aty->ndim; k++) {
    Node *e = sub->list.data[k];
    idx[k] = convert(F, lower_expr(F, e), e->ty, i64);
    rises[k] = index_rises(F, e);
  }
  F->overflowcheck = oc;
  F->nsw = nsw;
  int line = F->line;
  if (sub->span.line)
    F->line = sub->span.line;
  LLVMValueRef p = elem_ptr(F, &v, aty, idx, NULL, proven, rises);
  F->line = line;
  return p;
}

bool is_array_name(const Node *n) {
  return n->kind == ND_NAME && n->sym && n->ty && n->ty->kind == TY_ARRAY;
}

/* The bytes [*lo, *hi) an array's elements lie in (*lo == *hi: none). */
void array_span(Fn *F, Node *name, LLVMValueRef *lo, LLVMValueRef *hi) {
  LLVMBuilderRef B = F->b;
  const Type *ty = name->ty;
  ArrView v;
  array_view(F, name, &v);
  LLVMValueRef zero = fn_i64(F, 0), down = zero, up = zero, empty = fn_bool(F, false);
  for (int k = 0; k < ty->ndim; k++) {
    LLVMValueRef ext = LLVMBuildMul(B, LLVMBuildSub(B, v.shape[k], fn_i64(F, 1), ""),
                                    v.strides[k], "");
    LLVMValueRef neg = LLVMBuildICmp(B, LLVMIntSLT, ext, zero, "");
    down = LLVMBuildAdd(B, down, LLVMBuildSelect(B, neg, ext, zero, ""), "");
    up = LLVMBuildAdd(B, up, LLVMBuildSelect(B, neg, zero, ext, ""), "");
    empty = LLVMBuildOr(B, empty, LLVMBuildICmp(B, LLVMIntEQ, v.shape[k], zero, ""), "");
  }
  LLVMValueRef size = LLVMSizeOf(lower_llvm_type(F->L, ty->elem));
  LLVMValueRef base = LLVMBuildPtrToInt(B, v.data, F->L->t_i64, "");
  *lo = LLVMBuildAdd(B, base, LLVMBuildMul(B, down, size, ""), "");
  *hi = LLVMBuildAdd(B, base, LLVMBuildMul(B, LLVMBuildAdd(B, up, fn_i64(F, 1), ""), size, ""), "");
  *hi = LLVMBuildSelect(B, empty, *lo, *hi, "");
}

LLVMValueRef spans_apart(Fn *F, LLVMValueRef alo, LLVMValueRef ahi, LLVMValueRef blo,
                         LLVMValueRef bhi) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef apart = LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntULE, ahi, blo, ""),
                                   LLVMBuildICmp(B, LLVMIntULE, bhi, alo, ""), "");
  apart = LLVMBuildOr(B, apart, LLVMBuildICmp(B, LLVMIntEQ, alo, ahi, ""), "");
  return LLVMBuildOr(B, apart, LLVMBuildICmp(B, LLVMIntEQ, blo, bhi, ""), "");
}

/* In a loop copy without carried dependences (lower_depend.c) every
 * element access joins its access group. */
static void join_access_group(Fn *F, LLVMValueRef inst) {
  if (F->access_group)
    LLVMSetMetadata(inst, LLVMGetMDKindIDInContext(F->L->ctx, "llvm.access.group", 17),
                    F->access_group);
}

LLVMValueRef array_load(Fn *F, LLVMValueRef ptr, const Type *elem) {
  LLVMValueRef v = LLVMBuildLoad2(F->b, lower_llvm_type(F->L, elem), ptr, "");
  LLVMSetAlignment(v, (unsigned)elem_size(elem));
  join_access_group(F, v);
  return from_storage(F, v, elem);
}

LLVMValueRef array_store(Fn *F, LLVMValueRef ptr, const Type *elem, LLVMValueRef v,
                         const Type *vty) {
  LLVMValueRef s = to_storage(F, convert(F, v, vty, elem), elem);
  if (F->drop_stores) /* the check prepass: the conversion's check, not the store */
    return s;
  LLVMValueRef st = LLVMBuildStore(F->b, s, ptr);
  LLVMSetAlignment(st, (unsigned)elem_size(elem));
  join_access_group(F, st);
  return s;
}

/* A constant tuple index (negative counts from the end). */
static int tuple_index(Fn *F, Node *i, int n) {
  int64_t c;
  if (i->kind == ND_INT)
    c = i->ival;
  else if (i->kind == ND_UNARYOP && i->op == OP_NEG && i->a->kind == ND_INT)
    c = -i->a->ival;
  else if (i->kind == ND_NAME && i->sym && i->sym->kind == SYM_CONST && i->sym->value->kind == ND_INT)
    c = i->sym->value->ival;
  else if (i->kind == ND_CAST)
    return tuple_index(F, i->a, n);
  else
    die(F->L->bail, "line %d: tuple index is not a constant", i->span.line);
  if (c < 0)
    c += n;
  if (c < 0 || c >= n)
    die(F->L->bail, "line %d: tuple index out of range", i->span.line);
  return (int)c;
}

static bool is_const_index(const Node *i) {
  if (i->kind == ND_CAST)
    return is_const_index(i->a);
  return i->kind == ND_INT || (i->kind == ND_UNARYOP && i->op == OP_NEG && i->a->kind == ND_INT) ||
         (i->kind == ND_NAME && i->sym && i->sym->kind == SYM_CONST &&
          i->sym->value->kind == ND_INT);
}

static bool tuple_is_uniform(const Type *t) {
  for (int k = 1; k < t->nelems; k++)
    if (t->elems[k] != t->elems[0])
      return false;
  return t->nelems > 0;
}

/* t[k] with k known only at run time (a.shape[k]): Python's tuple indexing,
 * negative k counting from the end, IndexError outside; then a select over
 * the elements (all of one type). */
static LLVMValueRef tuple_runtime_index(Fn *F, Node *n) {
  const Type *aty = n->a->ty;
  LLVMBuilderRef b = F->b;
  int len = aty->nelems;
  LLVMValueRef k = lower_expr(F, n->list.data[0]);
  LLVMValueRef neg = LLVMBuildICmp(b, LLVMIntSLT, k, fn_i64(F, 0), "");
  k = LLVMBuildSelect(b, neg, LLVMBuildAdd(b, k, fn_i64(F, len), ""), k, "");
  fn_check_msg(F, LLVMBuildICmp(b, LLVMIntUGE, k, fn_i64(F, len), ""), PJRT_INDEX,
               "tuple index out of range");
  LLVMValueRef elems[16] = {0};
  if (len > 16)
    die(F->L->bail, "line %d: tuple of more than 16 elements", n->span.line);
  Node *a = n->a;
  if (a->kind == ND_ATTR && a->builtin == BI_A_SHAPE) {
    ArrView v;
    array_view(F, a->a, &v);
    for (int i = 0; i < len; i++)
      elems[i] = v.shape[i];
  } else {
    LLVMValueRef t = lower_expr(F, a);
    for (int i = 0; i < len; i++)
      elems[i] = LLVMBuildExtractValue(b, t, (unsigned)i, "");
  }
  LLVMValueRef r = elems[len - 1];
  for (int i = len - 2; i >= 0; i--)
    r = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntEQ, k, fn_i64(F, i), ""), elems[i], r, "");
  Type *et = aty->elems[0];
  if (!(a->kind == ND_ATTR && a->builtin == BI_A_SHAPE))
    r = from_storage(F, r, et);
  else
    et = tt_scalar(F, TY_I64);
  return convert(F, r, et, n->ty);
}

LLVMValueRef lower_subscript(Fn *F, Node *n) {
  const Type *aty = n->a->ty;
  if (aty->kind == TY_ARRAY && forward_load(F->fwd, n)) { /* lower_forward.c */
    LLVMValueRef v = LLVMBuildLoad2(F->b, lower_llvm_type(F->L, aty->elem), F->fwd->slot, "");
    return convert(F, from_storage(F, v, aty->elem), aty->elem, n->ty);
  }
  if (aty->kind == TY_ARRAY) {
    LLVMValueRef p = array_elem_ptr(F, n);
    return convert(F, array_load(F, p, aty->elem), aty->elem, n->ty);
  }
  if (aty->kind == TY_TUPLE && n->list.len == 1 && !is_const_index(n->list.data[0]) &&
      tuple_is_uniform(aty))
    return tuple_runtime_index(F, n);
  if (aty->kind == TY_TUPLE && n->list.len == 1) {
    int k = tuple_index(F, n->list.data[0], aty->nelems);
    Node *a = n->a;
    if (a->kind == ND_ATTR && a->builtin == BI_A_SHAPE) { /* a.shape[k]: no tuple needed */
      ArrView v;
      array_view(F, a->a, &v);
      return convert(F, v.shape[k], tt_scalar(F, TY_I64), n->ty);
    }
    LLVMValueRef t = lower_expr(F, a);
    LLVMValueRef e = from_storage(F, LLVMBuildExtractValue(F->b, t, (unsigned)k, ""), aty->elems[k]);
    return convert(F, e, aty->elems[k], n->ty);
  }
  die(F->L->bail, "line %d: cannot subscript %s", n->span.line, type_name(F->L->arena, aty));
}

LLVMValueRef lower_array_attr(Fn *F, Node *n) {
  const Type *aty = n->a->ty;
  Type *i64 = tt_scalar(F, TY_I64);
  if (aty->kind != TY_ARRAY)
    die(F->L->bail, "line %d: array attribute of a non-array", n->span.line);
  if (n->builtin == BI_A_NDIM)
    return convert(F, fn_i64(F, aty->ndim), i64, n->ty);
  ArrView v;
  array_view(F, n->a, &v);
  if (n->builtin == BI_A_SIZE) {
    LLVMValueRef s = v.shape[0];
    for (int k = 1; k < aty->ndim; k++)
      s = LLVMBuildNUWMul(F->b, s, v.shape[k], "");
    return convert(F, s, i64, n->ty);
  }
  /* BI_A_SHAPE: a tuple of ints */
  LLVMTypeRef *elems = ARENA_ARRAY(F->L->arena, LLVMTypeRef, aty->ndim);
  for (int k = 0; k < aty->ndim; k++)
    elems[k] = F->L->t_i64;
  LLVMValueRef t = LLVMGetUndef(LLVMStructTypeInContext(F->L->ctx, elems, (unsigned)aty->ndim, 0));
  for (int k = 0; k < aty->ndim; k++)
    t = LLVMBuildInsertValue(F->b, t, v.shape[k], (unsigned)k, "");
  return t;
}
