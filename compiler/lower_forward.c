/* lower_forward.c: a value stored in one iteration, read back in the next.
 *
 * levenshtein's `d[i, j] = best` is read as `d[i, j - 1]` one iteration
 * later, and a prefix sum's `out[i] = out[i - 1] + x[i]` likewise: the
 * loop's critical path runs through memory (a store, then a load of the
 * same address: store-to-load forwarding, ~5 cycles on top of the
 * arithmetic).  gcc's predictive commoning keeps such a value in a register;
 * LLVM's LoopLoadElimination needs its dependence analysis to prove that no
 * other access touches the address, which fails on arrays with run-time
 * strides.
 *
 * Here the reasoning is on the source instead, for the fast copy of a
 * versioned innermost `for j in range(...)` loop with a constant step c:
 *  - the body stores into array memory in exactly one place, an unconditional
 *    top-level statement `A[e..., j + k] = v` (or `op=`), and makes no call
 *    that could store (only builtins and pure callees) and no `continue`;
 *  - a load `A[e..., j + k - c]` (the same array and leading indices, all
 *    loop-invariant) comes before that store in the body.
 * The load at iteration j then reads the address the store wrote at the
 * previous iteration, and nothing was stored in between: whatever the
 * strides (even 0, or another parameter aliasing A), memory holds exactly
 * the value that store wrote.  So the loop keeps that value in a local
 * (`slot`, a register after mem2reg), and the first iteration's value is
 * loaded before the loop (the guard proved that subscript in bounds at the
 * loop's first value).  Measured (docs/performance.md, lever 26): an
 * in-place cumulative sum in safe mode 0.40 -> 0.29 ms; levenshtein did not
 * move (its chain is the i32 store's truncation and the reload's sign
 * extension, not the memory round trip). */
#include "lower_fn.h"

static bool is_store_stmt(const Node *s) {
  if (s->kind == ND_ASSIGN)
    for (int i = 0; i < s->list.len; i++)
      if (s->list.data[i]->kind != ND_NAME)
        return true; /* a subscript, or a tuple that may hold one */
  return (s->kind == ND_AUGASSIGN || s->kind == ND_ANNASSIGN) && s->a && s->a->kind != ND_NAME;
}

static bool holds_store(const Node *n, const void *ctx) {
  (void)ctx;
  return is_store_stmt(n);
}

static bool may_store(const Node *n, const void *ctx) {
  Fn *F = (Fn *)ctx;
  if (n->kind == ND_CONTINUE || n->kind == ND_FOR || n->kind == ND_WHILE)
    return true;
  if (n->kind == ND_CALL && n->callee)
    return !pure_callee(F->L, lower_func_index(F->L, n->callee));
  return false;
}

/* k when n is `iv`, `iv + k`, `k + iv` or `iv - k` (k an int constant). */
static bool iv_offset(const Node *n, const Symbol *iv, int64_t *k) {
  int64_t c;
  if (n->kind == ND_NAME) {
    *k = 0;
    return n->sym == iv;
  }
  if (n->kind != ND_BINOP || (n->op != OP_ADD && n->op != OP_SUB))
    return false;
  if (n->a->kind == ND_NAME && n->a->sym == iv && node_int_const(n->b, &c) && c > -(1LL << 40) &&
      c < (1LL << 40)) {
    *k = n->op == OP_ADD ? c : -c;
    return true;
  }
  if (n->op == OP_ADD && n->b->kind == ND_NAME && n->b->sym == iv && node_int_const(n->a, &c) &&
      c > -(1LL << 40) && c < (1LL << 40)) {
    *k = c;
    return true;
  }
  return false;
}

static bool same_expr(const Node *a, const Node *b) {
  if (!a || !b)
    return a == b;
  if (a->kind != b->kind || a->op != b->op || a->list.len != b->list.len || a->list2.len ||
      b->list2.len)
    return false;
  switch (a->kind) {
  case ND_INT:
    return a->ival == b->ival;
  case ND_NAME:
    return a->sym && a->sym == b->sym;
  case ND_BINOP: case ND_UNARYOP: case ND_CAST:
    return a->ty == b->ty && same_expr(a->a, b->a) && same_expr(a->b, b->b);
  default:
    return false;
  }
}

typedef struct Scan {
  Fn *F;
  const NodeList *body;
  const Symbol *iv;
} Scan;

/* Only names, int constants and + - * of them, none assigned in the loop. */
static bool invariant(const Scan *sc, const Node *n) {
  switch (n->kind) {
  case ND_INT:
    return true;
  case ND_NAME:
    return n->sym != sc->iv && invariant_name(sc->body, n);
  case ND_CAST: case ND_UNARYOP:
    return invariant(sc, n->a);
  case ND_BINOP:
    return (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL) && invariant(sc, n->a) &&
           invariant(sc, n->b);
  default:
    return false;
  }
}

/* The store target t, if it qualifies: a proven subscript of a parameter
 * array whose last index is iv + k and leading indices invariant. */
static bool store_ok(const Scan *sc, const Node *t, int64_t *k) {
  if (t->kind != ND_SUBSCRIPT || !t->a || t->a->kind != ND_NAME || !t->a->sym ||
      t->a->sym->kind != SYM_PARAM || !t->a->ty || t->a->ty->kind != TY_ARRAY ||
      t->list.len != t->a->ty->ndim || !sc->F->param_view_ok[t->a->sym->index] ||
      !loop_proven(sc->F, t))
    return false;
  for (int i = 0; i + 1 < t->list.len; i++)
    if (!invariant(sc, t->list.data[i]))
      return false;
  return iv_offset(t->list.data[t->list.len - 1], sc->iv, k);
}

typedef struct Match {
  const Node *target;
  int64_t want; /* the loads' last offset */
  Forward *fw;
  Arena *arena;
} Match;

static void collect_loads(Match *m, const Scan *sc, Node *n) {
  if (!n)
    return;
  const Node *t = m->target;
  int64_t k;
  if (n->kind == ND_SUBSCRIPT && n != t && n->a && t->a && n->a->sym == t->a->sym &&
      n->list.len == t->list.len && loop_proven(sc->F, n) &&
      iv_offset(n->list.data[n->list.len - 1], sc->iv, &k) && k == m->want) {
    bool same = true;
    for (int i = 0; i + 1 < n->list.len && same; i++)
      same = same_expr(n->list.data[i], t->list.data[i]);
    if (same) {
      vec_push(m->arena, &m->fw->loads, n);
      return;
    }
  }
  collect_loads(m, sc, n->a);
  collect_loads(m, sc, n->b);
  collect_loads(m, sc, n->c);
  for (int i = 0; i < n->list.len; i++)
    collect_loads(m, sc, n->list.data[i]);
  for (int i = 0; i < n->list2.len; i++)
    collect_loads(m, sc, n->list2.data[i]);
}

bool loop_forward_plan(Fn *F, Node *forn, int64_t step, Forward *out) {
  memset(out, 0, sizeof *out);
  if (!forn->a || forn->a->kind != ND_NAME || !forn->a->sym)
    return false;
  Scan sc = {F, &forn->list, forn->a->sym};
  if (stmts_assign(&forn->list, sc.iv))
    return false;
  int at = -1;
  for (int i = 0; i < forn->list.len; i++) {
    Node *s = forn->list.data[i];
    if (node_any(s, may_store, F))
      return false;
    if (is_store_stmt(s)) {
      if (at >= 0 || s->kind == ND_ANNASSIGN || (s->kind == ND_ASSIGN && s->list.len != 1))
        return false;
      at = i;
    } else if (s->kind == ND_IF && node_any(s, holds_store, NULL)) {
      return false; /* a conditional store */
    }
  }
  if (at < 0)
    return false;
  Node *st = forn->list.data[at];
  Node *t = st->kind == ND_ASSIGN ? st->list.data[0] : st->a;
  int64_t k;
  if (!store_ok(&sc, t, &k))
    return false;
  Match m = {t, k - step, out, F->L->arena};
  for (int i = 0; i <= at; i++)
    collect_loads(&m, &sc, forn->list.data[i]);
  if (!out->loads.len)
    return false;
  out->target = t;
  out->elem = t->a->ty->elem;
  return true;
}

/* Before the loop: the first iteration's value of the load, read from
 * memory when the loop runs at all (the loop variable set to its first
 * value for the load's index, then restored). */
void loop_forward_init(Fn *F, Forward *fw, Node *forn, LLVMValueRef start, LLVMValueRef empty) {
  Lower *L = F->L;
  LLVMTypeRef ty = lower_llvm_type(L, fw->elem); /* the storage type, as in memory */
  fw->slot = fn_alloca(F, ty, "carried");
  LLVMBasicBlockRef load_bb = fn_block(F, "carried.load"), join = fn_block(F, "carried.ok");
  LLVMBuildCondBr(F->b, empty, join, load_bb);
  fn_position(F, load_bb);
  Symbol *iv = forn->a->sym;
  Type *i64 = tt_scalar(F, TY_I64);
  LLVMValueRef old = load_sym(F, iv);
  store_sym(F, iv, start, i64);
  LLVMValueRef p = array_elem_ptr(F, fw->loads.data[0]);
  LLVMValueRef v = LLVMBuildLoad2(F->b, ty, p, "");
  LLVMBuildStore(F->b, v, fw->slot);
  store_sym(F, iv, old, iv->ty);
  LLVMBuildBr(F->b, join);
  fn_position(F, join);
}

bool forward_load(const Forward *fw, const Node *n) {
  for (int i = 0; fw && i < fw->loads.len; i++)
    if (fw->loads.data[i] == n)
      return true;
  return false;
}
