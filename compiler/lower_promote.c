/* lower_promote.c: array elements a range loop names at fixed indices,
 * held in locals for the loop ("cells").
 *
 *     for j in range(i + 1, n):
 *         ...
 *         vel[i, 0] -= dx * mj      # the same element in every iteration
 *         vel[j, 0] += dx * mim     # never that element: j > i
 *
 * LLVM keeps vel[i, 0] in memory: it cannot tell that vel[j, 0] is another
 * element, so every iteration loads it, subtracts and stores it, and the
 * next iteration's load waits for that store.  Here each cell is an alloca
 * for the duration of the loop (a register, once mem2reg has run): loaded
 * before the loop, stored back after it and on every raise path inside it,
 * so memory holds what CPython's loop would have left there whenever the
 * loop ends or raises.
 *
 * Why it is exact.  The loop body (plan):
 *  - has no nested loop, `break`, `return` or `raise` statement, and calls
 *    no compiled function: the loop ends only at its end or at a check
 *    (fn_guard, which stores the cells back before the raise);
 *  - uses arrays only as `name[indices]` with one index per axis (and
 *    `.shape`), the names never assigned in the loop;
 *  - names a cell with indices that are int constants >= 0 or int names the
 *    body never assigns; two cells of one array differ in a constant index
 *    and agree in every other;
 *  - every other subscript of a cell's array differs from each cell in some
 *    axis, provably: two different constants, or the cell's index i and the
 *    loop variable j of `range(i + c, ...)` (c >= 1) or of `range(a, i)`
 *    (a >= 0), a positive step and j never assigned.
 * Before the loop a test (guard) shows at run time:
 *  - every cell's indices in [0, shape): the loads before the loop are in
 *    bounds, and the other subscripts' indices (j > i >= 0, or 0 <= j)
 *    do not wrap around to a cell;
 *  - no two elements of a cell's array share a byte (a view made with
 *    as_strided can break that), so different indices are different memory;
 *  - every other array the body subscripts shares no byte with a cell's
 *    array (the same array passed twice, or views of one buffer).
 * Otherwise the ordinary loop runs.  A cell only read is not stored back;
 * one the body stores into is, even when the loop did not store it (the
 * value it already held: a second thread racing on the array could tell). */
#include "lower_fn.h"

typedef VEC(Node *) NodeVec;

typedef struct Scan {
  Fn *F;
  const NodeList *body;
  const Symbol *iv;  /* the loop variable */
  NodeVec subs;   /* every array subscript */
  NodeVec stores; /* the subscripts stored into */
  bool bad;
} Scan;

static void scan(Scan *s, Node *n);

static void scan_list(Scan *s, const NodeList *l) {
  for (int i = 0; i < l->len && !s->bad; i++)
    scan(s, l->data[i]);
}

static void note_store(Scan *s, Node *t) {
  if (t && t->kind == ND_SUBSCRIPT && is_array_name(t->a))
    vec_push(s->F->L->arena, &s->stores, t);
  else if (t && t->kind == ND_TUPLE)
    for (int i = 0; i < t->list.len; i++)
      note_store(s, t->list.data[i]);
}

static void scan(Scan *s, Node *n) {
  if (!n || s->bad)
    return;
  switch (n->kind) {
  case ND_FOR: case ND_WHILE: case ND_BREAK: case ND_RETURN: case ND_RAISE:
    s->bad = true;
    return;
  case ND_CALL:
    if (n->callee) { /* it may read or write the arrays */
      s->bad = true;
      return;
    }
    break;
  case ND_ASSIGN:
    for (int i = 0; i < n->list.len; i++)
      note_store(s, n->list.data[i]);
    break;
  case ND_AUGASSIGN:
    note_store(s, n->a);
    break;
  case ND_ATTR:
    if (n->a && n->a->ty && n->a->ty->kind == TY_ARRAY) {
      s->bad |= !is_array_name(n->a); /* `.shape` of a name reads no element */
      return;
    }
    break;
  case ND_SUBSCRIPT:
    if (n->a->ty && n->a->ty->kind == TY_ARRAY) {
      if (!is_array_name(n->a) || n->list.len != n->a->ty->ndim || !invariant_name(s->body, n->a)) {
        s->bad = true;
        return;
      }
      vec_push(s->F->L->arena, &s->subs, n);
      scan_list(s, &n->list);
      return;
    }
    break;
  case ND_NAME:
    s->bad |= n->ty && n->ty->kind == TY_ARRAY; /* an array used any other way */
    return;
  default:
    break;
  }
  scan(s, n->a);
  scan(s, n->b);
  scan(s, n->c);
  scan_list(s, &n->list);
  scan_list(s, &n->list2);
}

/* An index that is the same in every iteration: an int constant >= 0 or an
 * int name the body never assigns, other than the loop variable. */
static bool fixed_index(const Scan *s, const Node *x) {
  int64_t c;
  if (node_int_const(x, &c))
    return c >= 0;
  x = node_uncast(x);
  return x->kind == ND_NAME && x->ty && x->ty->kind == TY_I64 && x->sym &&
         x->sym->kind != SYM_CONST && x->sym != s->iv && invariant_name(s->body, x);
}

static bool is_cell(const Scan *s, const Node *sub) {
  for (int k = 0; k < sub->list.len; k++)
    if (!fixed_index(s, sub->list.data[k]))
      return false;
  return true;
}

/* Two fixed indices: the same constant or the same name. */
static bool same_index(const Node *x, const Node *y) {
  int64_t a, b;
  if (node_int_const(x, &a))
    return node_int_const(y, &b) && a == b;
  x = node_uncast(x);
  y = node_uncast(y);
  return !node_int_const(y, &b) && x->sym == y->sym;
}

static bool same_cell(const Node *a, const Node *b) {
  if (a->a->sym != b->a->sym)
    return false;
  for (int k = 0; k < a->list.len; k++)
    if (!same_index(a->list.data[k], b->list.data[k]))
      return false;
  return true;
}

/* n is `i + c` or `c + i` with c >= 1 */
static bool name_plus_pos(const Node *n, const Symbol *i) {
  int64_t c;
  n = node_uncast(n);
  if (n->kind != ND_BINOP || n->op != OP_ADD)
    return false;
  const Node *a = node_uncast(n->a), *b = node_uncast(n->b);
  return (a->kind == ND_NAME && a->sym == i && node_int_const(n->b, &c) && c >= 1) ||
         (b->kind == ND_NAME && b->sym == i && node_int_const(n->a, &c) && c >= 1);
}

/* The loop variable (range loop forn) never equals the fixed name `cell`
 * in the body, and is >= 0 when cell is. */
static bool iv_differs(const Scan *s, const Node *forn, const Node *cell) {
  const NodeList *r = &forn->b->list;
  int64_t step = 1, c;
  if (r->len == 3 && !node_int_const(r->data[2], &step))
    return false;
  const Node *start = r->len >= 2 ? r->data[0] : NULL, *stop = r->data[r->len >= 2 ? 1 : 0];
  cell = node_uncast(cell);
  if (step <= 0 || cell->kind != ND_NAME || stmts_assign(s->body, forn->a->sym))
    return false;
  if (start && name_plus_pos(start, cell->sym))
    return true; /* j >= i + c > i */
  stop = node_uncast(stop);
  return stop->kind == ND_NAME && stop->sym == cell->sym &&
         (!start || (node_int_const(start, &c) && c >= 0)); /* 0 <= j < i */
}

/* Subscript o never names the element cell names. */
static bool provably_other(const Scan *s, const Node *forn, const Node *cell, const Node *o) {
  for (int k = 0; k < cell->list.len; k++) {
    Node *x = cell->list.data[k], *y = o->list.data[k];
    int64_t a, b;
    if (node_int_const(x, &a) && node_int_const(y, &b) && b >= 0 && a != b)
      return true;
    const Node *ys = node_uncast(y);
    if (ys->kind == ND_NAME && ys->sym == forn->a->sym && iv_differs(s, forn, x))
      return true;
  }
  return false;
}

static bool stored(const Scan *s, const Node *sub) {
  for (int i = 0; i < s->stores.len; i++)
    if (s->stores.data[i] == sub)
      return true;
  return false;
}

/* Fills pp->cells from s->subs; false if the cells break a rule above. */
static bool plan_cells(Scan *s, Node *forn, PromoPlan *pp) {
  Arena *a = s->F->L->arena;
  NodeVec cells = {0};
  VEC(int) of = {0};
  bool any_store = false;
  for (int i = 0; i < s->subs.len; i++) {
    Node *sub = s->subs.data[i];
    if (!is_cell(s, sub) || sub->a->ty->ndim > 2)
      continue;
    int c = 0;
    while (c < cells.len && !same_cell(cells.data[c], sub))
      c++;
    if (c == cells.len) {
      /* a second cell of the array: constants where the first has them */
      for (int d = 0; d < cells.len; d++) {
        Node *o = cells.data[d];
        if (o->a->sym != sub->a->sym)
          continue;
        for (int k = 0; k < sub->list.len; k++) {
          int64_t v;
          bool kc = node_int_const(sub->list.data[k], &v), oc = node_int_const(o->list.data[k], &v);
          if (kc != oc || (!kc && !same_index(sub->list.data[k], o->list.data[k])))
            return false;
        }
      }
      vec_push(a, &cells, sub);
    }
    vec_push(a, &of, c);
    any_store |= stored(s, sub);
  }
  if (!cells.len || !any_store)
    return false;
  pp->ncells = cells.len;
  pp->cells = arena_alloc(a, (size_t)cells.len * sizeof *pp->cells);
  for (int c = 0; c < cells.len; c++)
    pp->cells[c] = (PromoCell){cells.data[c], NULL, NULL, false};
  pp->nsubs = 0;
  pp->subs = arena_alloc(a, (size_t)s->subs.len * sizeof *pp->subs);
  pp->cell_of = arena_alloc(a, (size_t)s->subs.len * sizeof *pp->cell_of);
  int k = 0;
  for (int i = 0; i < s->subs.len; i++) {
    Node *sub = s->subs.data[i];
    if (!is_cell(s, sub) || sub->a->ty->ndim > 2) {
      for (int c = 0; c < cells.len; c++)
        if (cells.data[c]->a->sym == sub->a->sym && !provably_other(s, forn, cells.data[c], sub))
          return false;
      continue;
    }
    int c = of.data[k++];
    pp->subs[pp->nsubs] = sub;
    pp->cell_of[pp->nsubs++] = c;
    pp->cells[c].stored |= stored(s, sub);
  }
  return true;
}

bool loop_promote_plan(Fn *F, Node *forn, PromoPlan *pp) {
  memset(pp, 0, sizeof *pp);
  if (F->promo || F->defer || F->defer_slot || F->drop_stores || F->lanes_scan ||
      forn->a->kind != ND_NAME || !forn->a->sym)
    return false;
  Scan s = {F, &forn->list, forn->a->sym, {0}, {0}, false};
  scan_list(&s, &forn->list);
  if (s.bad || !plan_cells(&s, forn, pp))
    return false;
  /* one name per array the body subscripts */
  pp->arrays = arena_alloc(F->L->arena, (size_t)s.subs.len * sizeof *pp->arrays);
  for (int i = 0; i < s.subs.len; i++) {
    Node *arr = s.subs.data[i]->a;
    int k = 0;
    while (k < pp->narrays && pp->arrays[k]->sym != arr->sym)
      k++;
    if (k == pp->narrays)
      pp->arrays[pp->narrays++] = arr;
  }
  return true;
}

static LLVMValueRef absval(Fn *F, LLVMValueRef v) {
  LLVMBuilderRef B = F->b;
  return LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntSLT, v, fn_i64(F, 0), ""),
                         LLVMBuildNeg(B, v, ""), v, "");
}

/* i1: an axis of n elements `inner` (element stride) apart fits between
 * two neighbours `outer` apart: |outer| >= n * |inner| and |inner| >= 1,
 * or n <= 1 (one element, any stride) and |outer| >= 1. */
static LLVMValueRef nests(Fn *F, LLVMValueRef n, LLVMValueRef inner, LLVMValueRef outer) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef one = fn_i64(F, 1), ai = absval(F, inner), ao = absval(F, outer);
  LLVMValueRef div = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntUGE, ai, one, ""), ai, one, "");
  LLVMValueRef wide = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntUGE, ai, one, ""),
                                   LLVMBuildICmp(B, LLVMIntUGE, LLVMBuildUDiv(B, ao, div, ""), n, ""), "");
  LLVMValueRef single = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntULE, n, one, ""),
                                     LLVMBuildICmp(B, LLVMIntUGE, ao, one, ""), "");
  return LLVMBuildOr(B, wide, single, "");
}

/* i1: no two elements of the (1-D or 2-D) array share a byte. */
static LLVMValueRef no_self_overlap(Fn *F, Node *arr) {
  LLVMBuilderRef B = F->b;
  ArrView v;
  array_view(F, arr, &v);
  LLVMValueRef one = fn_i64(F, 1);
  if (arr->ty->ndim == 1)
    return LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntULE, v.shape[0], one, ""),
                       LLVMBuildICmp(B, LLVMIntNE, v.strides[0], fn_i64(F, 0), ""), "");
  /* rows apart (C order) or columns apart (Fortran order); a single row
   * or column needs only its own elements apart */
  LLVMValueRef c_order = nests(F, v.shape[1], v.strides[1], v.strides[0]);
  LLVMValueRef f_order = nests(F, v.shape[0], v.strides[0], v.strides[1]);
  LLVMValueRef one_row = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntULE, v.shape[0], one, ""),
                                      nests(F, one, fn_i64(F, 0), v.strides[1]), "");
  LLVMValueRef one_col = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntULE, v.shape[1], one, ""),
                                      nests(F, one, fn_i64(F, 0), v.strides[0]), "");
  return LLVMBuildOr(B, LLVMBuildOr(B, c_order, f_order, ""), LLVMBuildOr(B, one_row, one_col, ""), "");
}

static LLVMValueRef cell_index(Fn *F, Node *x) {
  return convert(F, lower_expr(F, x), x->ty, tt_scalar(F, TY_I64));
}

static bool has_cell(const PromoPlan *pp, const Symbol *arr) {
  for (int c = 0; c < pp->ncells; c++)
    if (pp->cells[c].sub->a->sym == arr)
      return true;
  return false;
}

LLVMValueRef promote_guard(Fn *F, const PromoPlan *pp) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true);
  for (int c = 0; c < pp->ncells; c++) {
    Node *sub = pp->cells[c].sub;
    ArrView v;
    array_view(F, sub->a, &v);
    for (int k = 0; k < sub->list.len; k++)
      ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntULT, cell_index(F, sub->list.data[k]),
                                             v.shape[k], ""), "");
  }
  for (int a = 0; a < pp->narrays; a++) {
    Node *arr = pp->arrays[a];
    if (!has_cell(pp, arr->sym))
      continue;
    ok = LLVMBuildAnd(B, ok, no_self_overlap(F, arr), "");
    LLVMValueRef lo, hi;
    array_span(F, arr, &lo, &hi);
    for (int b = 0; b < pp->narrays; b++) {
      if (b == a || (b < a && has_cell(pp, pp->arrays[b]->sym)))
        continue; /* itself, or a pair tested already */
      LLVMValueRef olo, ohi;
      array_span(F, pp->arrays[b], &olo, &ohi);
      ok = LLVMBuildAnd(B, ok, spans_apart(F, lo, hi, olo, ohi), "");
    }
  }
  return ok;
}

static unsigned elem_align(const Type *elem) {
  return elem->kind == TY_BOOL ? 1 : (unsigned)type_bits(elem) / 8;
}

void promote_enter(Fn *F, PromoPlan *pp) {
  for (int c = 0; c < pp->ncells; c++) {
    PromoCell *cell = &pp->cells[c];
    Node *sub = cell->sub;
    const Type *elem = sub->a->ty->elem;
    ArrView v;
    array_view(F, sub->a, &v);
    LLVMValueRef off = NULL;
    for (int k = 0; k < sub->list.len; k++) { /* in [0, shape): the guard said so */
      LLVMValueRef t = LLVMBuildNSWMul(F->b, cell_index(F, sub->list.data[k]), v.strides[k], "");
      off = off ? LLVMBuildNSWAdd(F->b, off, t, "") : t;
    }
    cell->ptr = array_gep(F, &v, elem, off);
    cell->slot = fn_alloca(F, lower_llvm_type(F->L, elem), "cell");
    LLVMValueRef x = LLVMBuildLoad2(F->b, lower_llvm_type(F->L, elem), cell->ptr, "");
    LLVMSetAlignment(x, elem_align(elem));
    LLVMBuildStore(F->b, x, cell->slot);
  }
  F->promo = pp;
}

void promote_flush(Fn *F) {
  const PromoPlan *pp = F->promo;
  for (int c = 0; c < pp->ncells; c++) {
    const PromoCell *cell = &pp->cells[c];
    if (!cell->stored)
      continue;
    const Type *elem = cell->sub->a->ty->elem;
    LLVMTypeRef ty = lower_llvm_type(F->L, elem);
    LLVMValueRef st = LLVMBuildStore(F->b, LLVMBuildLoad2(F->b, ty, cell->slot, ""), cell->ptr);
    LLVMSetAlignment(st, elem_align(elem));
  }
}

void promote_leave(Fn *F) {
  promote_flush(F);
  F->promo = NULL;
}

LLVMValueRef promoted_cell(const Fn *F, const Node *sub) {
  const PromoPlan *pp = F->promo;
  if (!pp)
    return NULL;
  for (int i = 0; i < pp->nsubs; i++)
    if (pp->subs[i] == sub)
      return pp->cells[pp->cell_of[i]].slot;
  return NULL;
}
