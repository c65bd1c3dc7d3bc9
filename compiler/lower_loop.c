/* lower_loop.c: loop versioning of innermost `for ... in range(...)` loops.
 *
 * An array index that is an affine function of the loop variable (i, i+1,
 * n-1-i, i*k+c with k loop-invariant, or loop-invariant altogether) is
 * monotone over the iterations, so if it is inside [0, size) at the first
 * and at the last value of the loop variable it is inside at every
 * iteration, and no step of its arithmetic overflows in between.  The guard
 * evaluates every such index at both ends (in non-raising arithmetic: an
 * overflow just fails the guard) before the loop.  When it holds, a copy of
 * the loop runs in which those subscripts have no bounds check, no
 * negative-index wraparound and nsw index arithmetic (so LLVM can vectorize
 * it); otherwise the ordinary checked copy runs, and any exception comes at
 * the same iteration, after the same writes, as in CPython.  The guard is
 * only a sufficient condition: an index under an `if` that never runs may
 * fail it, which merely selects the checked copy.
 *
 * The same guard covers accumulations `acc += f(i)` (f affine, of one sign):
 * see scan_sums.  Their additions then need no overflow check either.
 *
 * Only loops without nested loops are versioned (they are where the time
 * goes, and it bounds the code growth to one copy per innermost loop). */
#include "lower_fn.h"

typedef struct Plan {
  Fn *F;
  Symbol *iv;
  VEC(Symbol *) assigned; /* every name assigned in the body */
  VEC(Node *) subs;       /* the subscripts the guard covers */
  VEC(Node *) sums;       /* `acc += f(i)` statements the guard covers */
  bool nested;            /* the body has a loop */
} Plan;

/* ------------------------------------------------------------- analysis */

static void note_target(Plan *p, Node *t) {
  if (!t)
    return;
  if (t->kind == ND_NAME && t->sym)
    vec_push(p->F->L->arena, &p->assigned, t->sym);
  else if (t->kind == ND_TUPLE)
    for (int i = 0; i < t->list.len; i++)
      note_target(p, t->list.data[i]);
}

static void scan_stmts(Plan *p, NodeList *l);

static void scan_stmt(Plan *p, Node *s) {
  switch (s->kind) {
  case ND_ASSIGN:
    for (int i = 0; i < s->list.len; i++)
      note_target(p, s->list.data[i]);
    return;
  case ND_ANNASSIGN:
    note_target(p, s->a);
    if (s->sym)
      vec_push(p->F->L->arena, &p->assigned, s->sym);
    return;
  case ND_AUGASSIGN:
    note_target(p, s->a);
    return;
  case ND_FOR: case ND_WHILE:
    p->nested = true;
    return;
  case ND_IF:
    scan_stmts(p, &s->list);
    scan_stmts(p, &s->list2);
    return;
  default:
    return;
  }
}

static void scan_stmts(Plan *p, NodeList *l) {
  for (int i = 0; i < l->len && !p->nested; i++)
    scan_stmt(p, l->data[i]);
}

static bool is_assigned(const Plan *p, const Symbol *s) {
  for (int i = 0; i < p->assigned.len; i++)
    if (p->assigned.data[i] == s)
      return true;
  return false;
}

/* An int type whose values convert to i64 without a check. */
static bool int_fits_i64(const Type *t) {
  return t && type_is_int(t) && t->kind != TY_U64;
}

/* An array parameter whose view (shape) is loaded once at entry. */
static bool invariant_array(const Plan *p, const Node *a) {
  return a && a->kind == ND_NAME && a->sym && a->sym->kind == SYM_PARAM &&
         a->sym->ty && a->sym->ty->kind == TY_ARRAY && p->F->param_view_ok[a->sym->index];
}

enum { AFF_NO = 0, AFF_INV = 1, AFF_LIN = 2 };

/* How an int expression depends on the loop variable: not affinely, not at
 * all (loop-invariant and free of side effects and raises), or affinely. */
static int affine(const Plan *p, const Node *n) {
  if (!n || !n->ty)
    return AFF_NO;
  switch (n->kind) {
  case ND_INT:
    return AFF_INV;
  case ND_NAME:
    if (!n->sym || !int_fits_i64(n->ty))
      return AFF_NO;
    if (n->sym == p->iv)
      return n->ty->kind == TY_I64 ? AFF_LIN : AFF_NO;
    if (n->sym->kind == SYM_CONST)
      return n->sym->value && n->sym->value->kind == ND_INT ? AFF_INV : AFF_NO;
    if ((n->sym->kind == SYM_LOCAL || n->sym->kind == SYM_PARAM) && !is_assigned(p, n->sym))
      return AFF_INV;
    return AFF_NO;
  case ND_CAST:
    if (n->ty->kind != TY_I64 || !int_fits_i64(n->a->ty))
      return AFF_NO;
    return affine(p, n->a);
  case ND_UNARYOP:
    if (n->op != OP_NEG || n->ty->kind != TY_I64 || !n->a->ty || n->a->ty->kind != TY_I64)
      return AFF_NO;
    return affine(p, n->a);
  case ND_BINOP: {
    if (n->ty->kind != TY_I64 || !n->a->ty || n->a->ty->kind != TY_I64 || !n->b->ty ||
        n->b->ty->kind != TY_I64)
      return AFF_NO;
    if (n->op != OP_ADD && n->op != OP_SUB && n->op != OP_MUL)
      return AFF_NO;
    int a = affine(p, n->a), b = affine(p, n->b);
    if (!a || !b)
      return AFF_NO;
    if (n->op == OP_MUL && a == AFF_LIN && b == AFF_LIN)
      return AFF_NO; /* i*i is not monotone */
    return a > b ? a : b;
  }
  case ND_SUBSCRIPT: /* a.shape[k] */
    if (n->a && n->a->kind == ND_ATTR && n->a->builtin == BI_A_SHAPE &&
        invariant_array(p, n->a->a) && n->list.len == 1 && n->list.data[0]->kind == ND_INT)
      return AFF_INV;
    return AFF_NO;
  case ND_CALL: /* len(a) */
    if (n->builtin == BI_LEN && !n->callee && n->list.len == 1 &&
        invariant_array(p, n->list.data[0]))
      return AFF_INV;
    return AFF_NO;
  default:
    return AFF_NO;
  }
}

static void scan_expr(Plan *p, Node *n);

static void scan_list(Plan *p, NodeList *l) {
  for (int i = 0; i < l->len; i++)
    scan_expr(p, l->data[i]);
}

/* Every subscript anywhere in the body whose indices are all affine. */
static void scan_expr(Plan *p, Node *n) {
  if (!n)
    return;
  if (n->kind == ND_SUBSCRIPT && invariant_array(p, n->a) &&
      n->list.len == n->a->sym->ty->ndim) {
    bool ok = true;
    for (int k = 0; k < n->list.len && ok; k++)
      ok = affine(p, n->list.data[k]) != AFF_NO;
    if (ok)
      vec_push(p->F->L->arena, &p->subs, n);
  }
  scan_expr(p, n->a);
  scan_expr(p, n->b);
  scan_expr(p, n->c);
  scan_list(p, &n->list);
  scan_list(p, &n->list2);
}

static int count_assigned(const Plan *p, const Symbol *s) {
  int c = 0;
  for (int i = 0; i < p->assigned.len; i++)
    c += p->assigned.data[i] == s;
  return c;
}

/* `acc += f` with acc an int local assigned nowhere else in the body and f
 * affine: if f has one sign at both ends, every partial sum lies between
 * acc's value before the loop and the sum over all iterations (even when
 * an `if` or a break skips some), so one check of that sum covers every
 * addition. */
static void scan_sums(Plan *p, NodeList *l) {
  for (int i = 0; i < l->len; i++) {
    Node *s = l->data[i];
    if (s->kind == ND_IF) {
      scan_sums(p, &s->list);
      scan_sums(p, &s->list2);
    } else if (s->kind == ND_AUGASSIGN && s->op == OP_ADD && s->a->kind == ND_NAME && s->a->sym &&
               s->a->sym->ty && s->a->sym->ty->kind == TY_I64 &&
               (s->a->sym->kind == SYM_LOCAL || s->a->sym->kind == SYM_PARAM) &&
               count_assigned(p, s->a->sym) == 1 && s->b->ty && s->b->ty->kind == TY_I64 &&
               affine(p, s->b) != AFF_NO) {
      vec_push(p->F->L->arena, &p->sums, s);
    }
  }
}

/* ---------------------------------------------------------------- guard */

typedef struct GuardEval {
  Fn *F;
  const Plan *p;
  LLVMValueRef iv;  /* the loop variable's value at this end */
  LLVMValueRef ovf; /* i1: some step overflowed */
} GuardEval;

static LLVMValueRef ovf_op(GuardEval *g, const char *intr, LLVMValueRef a, LLVMValueRef b) {
  Fn *F = g->F;
  LLVMValueRef args[] = {a, b};
  LLVMValueRef r = fn_intrinsic(F, intr, &F->L->t_i64, 1, args, 2);
  g->ovf = LLVMBuildOr(F->b, g->ovf, LLVMBuildExtractValue(F->b, r, 1, ""), "");
  return LLVMBuildExtractValue(F->b, r, 0, "");
}

/* The value of an affine expression (as i64) at g->iv, never raising. */
static LLVMValueRef eval_affine(GuardEval *g, Node *n) {
  Fn *F = g->F;
  Type *i64 = tt_scalar(F, TY_I64);
  switch (n->kind) {
  case ND_NAME:
    if (n->sym == g->p->iv)
      return g->iv;
    break;
  case ND_CAST: /* int widening: the operand's value converts exactly */
    return eval_affine(g, n->a);
  case ND_UNARYOP:
    return ovf_op(g, "llvm.ssub.with.overflow", fn_i64(F, 0), eval_affine(g, n->a));
  case ND_BINOP: {
    LLVMValueRef a = eval_affine(g, n->a), b = eval_affine(g, n->b);
    const char *intr = n->op == OP_ADD   ? "llvm.sadd.with.overflow"
                       : n->op == OP_SUB ? "llvm.ssub.with.overflow"
                                         : "llvm.smul.with.overflow";
    return ovf_op(g, intr, a, b);
  }
  default:
    break;
  }
  /* an invariant leaf: a constant, a variable, a.shape[k], len(a) */
  return convert(F, lower_expr(F, n), n->ty, i64);
}

static LLVMValueRef in_bounds(GuardEval *g, Node *e, LLVMValueRef size) {
  return LLVMBuildICmp(g->F->b, LLVMIntULT, eval_affine(g, e), size, "");
}

/* i1: for each covered sum, f has one sign at both ends and
 * acc + count * (f(first) + f(last)) / 2 (the sum over every iteration,
 * exact in i128) fits in an i64. */
static LLVMValueRef sums_ok(Fn *F, const Plan *p, GuardEval *g0, GuardEval *g1,
                            LLVMValueRef count) {
  LLVMBuilderRef B = F->b;
  LLVMTypeRef i128 = LLVMInt128TypeInContext(F->L->ctx);
  LLVMValueRef ok = fn_bool(F, true), zero = fn_i64(F, 0);
  for (int i = 0; i < p->sums.len; i++) {
    Node *s = p->sums.data[i];
    LLVMValueRef f0 = eval_affine(g0, s->b), f1 = eval_affine(g1, s->b);
    LLVMValueRef pos = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntSGE, f0, zero, ""),
                                    LLVMBuildICmp(B, LLVMIntSGE, f1, zero, ""), "");
    LLVMValueRef neg = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntSLE, f0, zero, ""),
                                    LLVMBuildICmp(B, LLVMIntSLE, f1, zero, ""), "");
    ok = LLVMBuildAnd(B, ok, LLVMBuildOr(B, pos, neg, ""), "");
    /* |count| < 2**64 and |f0 + f1| < 2**64: the product fits in i128 */
    LLVMValueRef two = LLVMBuildAdd(B, LLVMBuildSExt(B, f0, i128, ""), LLVMBuildSExt(B, f1, i128, ""), "");
    LLVMValueRef tot = LLVMBuildSDiv(B, LLVMBuildMul(B, LLVMBuildZExt(B, count, i128, ""), two, ""),
                                     LLVMConstInt(i128, 2, 0), "");
    tot = LLVMBuildAdd(B, tot, LLVMBuildSExt(B, load_sym(F, s->a->sym), i128, ""), "");
    LLVMValueRef fits = LLVMBuildICmp(B, LLVMIntEQ, tot,
                                      LLVMBuildSExt(B, LLVMBuildTrunc(B, tot, F->L->t_i64, ""), i128, ""), "");
    ok = LLVMBuildAnd(B, ok, fits, "");
  }
  return ok;
}

/* i1: every covered index is in [0, size) at both ends of the loop. */
static LLVMValueRef guard(Fn *F, const Plan *p, LLVMValueRef first, LLVMValueRef last,
                          LLVMValueRef count) {
  LLVMValueRef ok = fn_bool(F, true);
  GuardEval g0 = {F, p, first, fn_bool(F, false)}, g1 = {F, p, last, fn_bool(F, false)};
  for (int s = 0; s < p->subs.len; s++) {
    Node *sub = p->subs.data[s];
    ArrView v;
    array_view(F, sub->a, &v);
    for (int k = 0; k < sub->list.len; k++) {
      Node *e = sub->list.data[k];
      ok = LLVMBuildAnd(F->b, ok, in_bounds(&g0, e, v.shape[k]), "");
      if (affine(p, e) == AFF_LIN)
        ok = LLVMBuildAnd(F->b, ok, in_bounds(&g1, e, v.shape[k]), "");
    }
  }
  ok = LLVMBuildAnd(F->b, ok, sums_ok(F, p, &g0, &g1, count), "");
  LLVMValueRef ovf = LLVMBuildOr(F->b, g0.ovf, g1.ovf, "");
  return LLVMBuildAnd(F->b, ok, LLVMBuildNot(F->b, ovf, ""), "vguard");
}

/* ------------------------------------------------------------------ API */

bool loop_version_plan(Fn *F, Node *forn, LoopVersion *out) {
  memset(out, 0, sizeof *out);
  Node *t = forn->a;
  if (!t || t->kind != ND_NAME || !t->sym || !t->sym->ty || t->sym->ty->kind != TY_I64)
    return false;
  Plan p = {0};
  p.F = F;
  p.iv = t->sym;
  scan_stmts(&p, &forn->list);
  if (p.nested || is_assigned(&p, p.iv))
    return false;
  scan_list(&p, &forn->list);
  if (F->overflowcheck)
    scan_sums(&p, &forn->list);
  /* subscripts that cost nothing anyway (constant non-negative indices
   * with bounds checks off) are not worth a second copy */
  bool worth = p.sums.len > 0;
  for (int s = 0; s < p.subs.len && !worth; s++) {
    Node *sub = p.subs.data[s];
    for (int k = 0; k < sub->list.len; k++)
      if (sub->list.data[k]->kind != ND_INT || F->boundscheck)
        worth = true;
  }
  if (!worth)
    return false;
  out->p = ARENA_NEW(F->L->arena, Plan);
  *out->p = p;
  /* the fast copy's proven nodes: the subscripts, then the sums */
  out->nsubs = p.subs.len + p.sums.len;
  Node **all = ARENA_ARRAY(F->L->arena, Node *, out->nsubs + 1);
  /* an empty VEC has a NULL data pointer, and memcpy(NULL, 0) is undefined */
  for (int k = 0; k < p.subs.len; k++)
    all[k] = p.subs.data[k];
  for (int k = 0; k < p.sums.len; k++)
    all[p.subs.len + k] = p.sums.data[k];
  out->subs = all;
  return true;
}

LLVMValueRef loop_version_guard(Fn *F, const LoopVersion *v, LLVMValueRef first,
                                LLVMValueRef last, LLVMValueRef count) {
  return guard(F, v->p, first, last, count);
}

bool loop_proven(const Fn *F, const Node *sub) {
  for (int i = 0; i < F->nproven; i++)
    if (F->proven[i] == sub)
      return true;
  return false;
}
