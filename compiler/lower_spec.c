/* lower_spec.c: speculated `if` statements (safe mode).
 *
 *     if x % 2 == 0:
 *         x = x // 2
 *     else:
 *         x = 3 * x + 1
 *
 * With overflow checks, the arm with `3 * x + 1` holds a branch to a raise,
 * so LLVM cannot turn the `if` into a select, and a data-dependent condition
 * (collatz: the parity of x) then mispredicts half the time.  When both arms
 * only assign cheap arithmetic to local scalars, both arms run here on every
 * execution, one after the other, each from the variables' values before the
 * `if`; their overflow bits are ORed into one flag instead of branching, and
 * each variable gets select(cond, then-value, else-value).  One rarely taken
 * branch on the flag remains.  When it is taken (some step of either arm
 * overflowed, maybe only in the arm not chosen), the variables are put back
 * and the ordinary `if` runs: it raises exactly where CPython would, or, when
 * only the other arm overflowed, simply does the assignments.
 *
 * This is exact because the arms touch nothing but local variables, and no
 * other exception can happen in them (the whitelist below): locals are not
 * observable after an exception, so writing them early is invisible. */
#include "lower_fn.h"

enum { SPEC_MAX_NODES = 24, SPEC_MAX_STMTS = 3, SPEC_MAX_VARS = 4 };

typedef struct Spec {
  int nodes;
  bool checks; /* some step has an overflow check (else LLVM's own if-conversion does it) */
  Symbol *vars[2 * SPEC_MAX_STMTS];
  int nvars;
} Spec;

static bool scalar_kind(const Type *t) {
  return t && (t->kind == TY_I64 || t->kind == TY_F64 || t->kind == TY_BOOL);
}

static bool small_const(Node *n, int64_t lo, int64_t hi) {
  int64_t c;
  return node_int_const(n, &c) && c >= lo && c <= hi;
}

/* A conversion to int or float that cannot raise. */
static bool spec_cast(const Node *n) {
  const Type *to = n->ty;
  return to && (to->kind == TY_I64 || to->kind == TY_F64) && convert_cannot_raise(n->a->ty, to);
}

static bool spec_expr(Spec *s, Node *n);

/* int + - * and unary minus: the steps whose overflow check is deferred. */
static bool spec_binop(Spec *s, Node *n) {
  const Type *t = n->ty;
  if (!t || !n->a->ty || !n->b->ty || n->a->ty->kind != t->kind || n->b->ty->kind != t->kind)
    return false;
  if (t->kind == TY_F64 && (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL))
    return spec_expr(s, n->a) && spec_expr(s, n->b);
  if (t->kind != TY_I64)
    return false;
  switch (n->op) {
  case OP_ADD: case OP_SUB: case OP_MUL:
    s->checks = true;
    break;
  case OP_BITAND: case OP_BITOR: case OP_BITXOR:
    break;
  case OP_FLOORDIV: case OP_MOD: /* by a positive constant: no raise */
    if (!small_const(n->b, 1, INT64_MAX))
      return false;
    break;
  case OP_RSHIFT:
    if (!small_const(n->b, 0, 63))
      return false;
    break;
  default:
    return false;
  }
  return spec_expr(s, n->a) && spec_expr(s, n->b);
}

/* An expression that can only raise OverflowError of int arithmetic. */
static bool spec_expr(Spec *s, Node *n) {
  if (!n || ++s->nodes > SPEC_MAX_NODES)
    return false;
  switch (n->kind) {
  case ND_INT:
    return !n->flags;
  case ND_FLOAT: case ND_BOOL:
    return true;
  case ND_NAME:
    if (n->builtin || !n->sym)
      return false;
    if (n->sym->kind == SYM_CONST)
      return n->sym->value && scalar_kind(n->ty);
    return scalar_kind(n->sym->ty) && n->ty && n->ty->kind == n->sym->ty->kind;
  case ND_CAST:
    return spec_cast(n) && spec_expr(s, n->a);
  case ND_UNARYOP:
    if (!scalar_kind(n->ty) || !n->a->ty || n->a->ty->kind != n->ty->kind)
      return false;
    if (n->op == OP_NEG && n->ty->kind == TY_I64)
      s->checks = true;
    else if (!(n->op == OP_NEG && n->ty->kind == TY_F64) && n->op != OP_NOT &&
             !(n->op == OP_INVERT && n->ty->kind == TY_I64))
      return false;
    return spec_expr(s, n->a);
  case ND_BINOP:
    return spec_binop(s, n);
  case ND_COMPARE:
    if (n->list.len != 1 || !n->a->ty || !n->list.data[0]->ty ||
        n->a->ty->kind != n->list.data[0]->ty->kind || !scalar_kind(n->a->ty))
      return false;
    return spec_expr(s, n->a) && spec_expr(s, n->list.data[0]);
  default:
    return false;
  }
}

static void note_var(Spec *s, Symbol *v) {
  for (int i = 0; i < s->nvars; i++)
    if (s->vars[i] == v)
      return;
  s->vars[s->nvars++] = v;
}

/* A local scalar the arm may assign (its value converts without a check). */
static bool spec_target(Spec *s, Node *t, const Type *vty) {
  if (t->kind != ND_NAME || !t->sym || (t->sym->kind != SYM_LOCAL && t->sym->kind != SYM_PARAM) ||
      !scalar_kind(t->sym->ty) || !vty || vty->kind != t->sym->ty->kind)
    return false;
  note_var(s, t->sym);
  return true;
}

static bool spec_stmt(Spec *s, Node *st) {
  switch (st->kind) {
  case ND_PASS:
    return true;
  case ND_ASSIGN:
    return st->list.len == 1 && spec_target(s, st->list.data[0], st->a->ty) && spec_expr(s, st->a);
  case ND_AUGASSIGN: {
    Node *t = st->a;
    if (t->kind != ND_NAME || !t->sym || !st->b->ty || !spec_target(s, t, st->b->ty))
      return false;
    if (!(st->op == OP_ADD || st->op == OP_SUB || st->op == OP_MUL ||
          (t->sym->ty->kind == TY_I64 &&
           (st->op == OP_BITAND || st->op == OP_BITOR || st->op == OP_BITXOR))))
      return false;
    if (t->sym->ty->kind == TY_I64 && st->op != OP_BITAND && st->op != OP_BITOR &&
        st->op != OP_BITXOR)
      s->checks = true;
    return t->sym->ty->kind != TY_BOOL && spec_expr(s, st->b);
  }
  default:
    return false;
  }
}

static bool spec_arm(Spec *s, NodeList *l) {
  if (l->len > SPEC_MAX_STMTS)
    return false;
  for (int i = 0; i < l->len; i++)
    if (!spec_stmt(s, l->data[i]))
      return false;
  return true;
}

/* Raw loads and stores of the variables' slots (storage representation). */
static void load_vars(Fn *F, const Spec *s, LLVMValueRef *out) {
  for (int i = 0; i < s->nvars; i++)
    out[i] = LLVMBuildLoad2(F->b, lower_llvm_type(F->L, s->vars[i]->ty), sym_slot(F, s->vars[i]), "");
}

static void store_vars(Fn *F, const Spec *s, LLVMValueRef *vals) {
  for (int i = 0; i < s->nvars; i++)
    LLVMBuildStore(F->b, vals[i], sym_slot(F, s->vars[i]));
}

/* ---------------------------------------------------- conditional store
 *
 *     if nd < dist[i, j]:
 *         dist[i, j] = nd
 *
 * in the fast copy of a versioned loop (the element proven in bounds) with
 * a value that cannot raise: the element is loaded and stored back either
 * way, `select(cond, value, old)`.  The loop then has no branch around the
 * store, and LLVM vectorizes it with plain vector stores (gcc's masked
 * stores do the same for Cython and the C peer).  Storing the old value back
 * changes no bit of the array; the array is writable (it is written in this
 * loop), and only a second thread writing it at the same time, a data race
 * already, could tell. */
static bool lower_store_select(Fn *F, Node *n) {
  if (n->list2.len || n->list.len != 1 || n->list.data[0]->kind != ND_ASSIGN ||
      n->list.data[0]->list.len != 1)
    return false;
  Node *st = n->list.data[0], *t = st->list.data[0], *v = st->a;
  if (t->kind != ND_SUBSCRIPT || !t->a->ty || t->a->ty->kind != TY_ARRAY || !loop_proven(F, t))
    return false;
  const Type *elem = t->a->ty->elem;
  if (!(elem->kind == TY_F64 || elem->kind == TY_I64) || !v->ty || v->ty->kind != elem->kind)
    return false;
  Spec s = {0}; /* the value runs whatever the condition (which runs anyway) */
  if (!spec_expr(&s, v) || s.checks)
    return false;
  LLVMValueRef c = lower_cond(F, n->a);
  LLVMValueRef x = lower_expr(F, v);
  LLVMValueRef p = array_elem_ptr(F, t);
  LLVMValueRef old = array_load(F, p, elem);
  array_store(F, p, elem, LLVMBuildSelect(F->b, c, x, old, ""), elem);
  return true;
}

bool lower_if_speculated(Fn *F, Node *n, void (*plain)(Fn *F, Node *n, LLVMValueRef c)) {
  if (lower_store_select(F, n))
    return true;
  Spec s = {0};
  if (!F->overflowcheck || F->defer || !spec_arm(&s, &n->list) || !spec_arm(&s, &n->list2) ||
      !s.checks || s.nvars > SPEC_MAX_VARS)
    return false;
  LLVMValueRef c = lower_cond(F, n->a);
  int line = F->line;
  LLVMValueRef old[SPEC_MAX_VARS], then_v[SPEC_MAX_VARS], else_v[SPEC_MAX_VARS];
  LLVMValueRef flag = fn_bool(F, false);
  load_vars(F, &s, old);
  F->defer = &flag;
  lower_block(F, &n->list);
  load_vars(F, &s, then_v);
  store_vars(F, &s, old);
  lower_block(F, &n->list2);
  load_vars(F, &s, else_v);
  F->defer = NULL;
  for (int i = 0; i < s.nvars; i++)
    LLVMBuildStore(F->b, LLVMBuildSelect(F->b, c, then_v[i], else_v[i], ""), sym_slot(F, s.vars[i]));
  LLVMBasicBlockRef redo = fn_block(F, "spec.redo"), end = fn_block(F, "spec.end");
  fn_cond_br_unlikely(F, flag, redo, end);
  fn_position(F, redo);
  store_vars(F, &s, old);
  F->line = line;
  plain(F, n, c);
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, end);
  fn_position(F, end);
  return true;
}
