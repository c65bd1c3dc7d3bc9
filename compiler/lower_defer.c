/* lower_defer.c: which loops may run their checks as a flag.
 *
 *     for j in range(i + 1, n):
 *         ...
 *         sr2 = s2 / (dx * dx + dy * dy + dz * dz)
 *         e += sr6 * sr6 - sr6
 *
 * The division raises ZeroDivisionError on a zero divisor, so the loop has
 * a second exit and LLVM will not vectorize it.  But the loop has no effect
 * other than on local variables: if it ran to its end with every check's
 * failure ORed into a flag instead, and the flag is set, putting the locals
 * back and running the ordinary loop repeats the very same steps up to the
 * raise.  lower.c's fast_range_copy does that for the fast copy of a
 * versioned loop whose body qualifies here:
 *  - statements: assignments and augmented assignments to local scalars,
 *    `if`, `pass`, `break`, `continue` (no return, raise, assert, nested loop,
 *    store to an array, or expression statement);
 *  - expressions: constants, names, arithmetic (not `**`, nor float `//` and
 *    `%`, which call runtime helpers), comparisons, `and`/`or`, conditional
 *    expressions, conversions, `int`/`float`/`len`/`abs`/`min`/`max` of
 *    numbers, and subscripts the
 *    loop guard proved in bounds (an unproven one could read outside the
 *    array before its deferred check; with bounds checks off, reading there is
 *    the program's own error, as in C).
 * Every check such a body can make goes through fn_guard, which ORs the
 * failure into F->defer_slot while it is set. */
#include "lower_fn.h"

static bool local_scalar(const Node *t) {
  return t && t->kind == ND_NAME && t->sym &&
         (t->sym->kind == SYM_LOCAL || t->sym->kind == SYM_PARAM) && t->sym->ty &&
         type_is_scalar(t->sym->ty);
}

/* An int // or % that cannot trap: the hardware divide faults on a zero
 * divisor and on INT64_MIN // -1, and a deferred check does not stop it
 * (float // and % call runtime helpers). */
static bool int_div_safe(const Node *n) {
  int64_t c;
  return type_is_int(n->ty) && node_int_const(n->b, &c) && c != 0 && c != -1;
}

static bool ok_expr(Fn *F, const Node *n);

bool defer_ok_expr(Fn *F, const Node *n) {
  return ok_expr(F, n);
}

static bool ok_expr(Fn *F, const Node *n) {
  if (!n || !n->ty)
    return false;
  switch (n->kind) {
  case ND_INT: case ND_FLOAT: case ND_BOOL:
    return true;
  case ND_ATTR: /* math.pi and the like (lanes only, for now) */
    return F->lanes_scan && n->builtin && n->builtin != BI_A_SHAPE && n->builtin != BI_A_NDIM &&
           n->builtin != BI_A_SIZE && type_is_scalar(n->ty);
  case ND_NAME:
    return !n->builtin && n->sym && (n->sym->kind != SYM_CONST || n->sym->value) &&
           type_is_scalar(n->ty);
  case ND_UNARYOP: case ND_CAST:
    return type_is_scalar(n->ty) && ok_expr(F, n->a);
  case ND_BINOP:
    if (n->op == OP_POW)
      return false;
    if ((n->op == OP_FLOORDIV || n->op == OP_MOD) && !int_div_safe(n))
      return false;
    return ok_expr(F, n->a) && ok_expr(F, n->b);
  case ND_COMPARE:
    if (!ok_expr(F, n->a))
      return false;
    /* fall through */
  case ND_BOOLOP:
    for (int i = 0; i < n->list.len; i++)
      if (!ok_expr(F, n->list.data[i]))
        return false;
    return true;
  case ND_IFEXP:
    return ok_expr(F, n->a) && ok_expr(F, n->b) && ok_expr(F, n->c);
  case ND_SUBSCRIPT:
    if (!n->a->ty || n->a->ty->kind != TY_ARRAY ||
        (F->boundscheck && !F->lanes_scan && !loop_proven(F, n)))
      return false;
    for (int i = 0; i < n->list.len; i++)
      if (!ok_expr(F, n->list.data[i]))
        return false;
    return true;
  case ND_CALL:
    if (n->callee && !n->list2.len && loop_proven(F, n)) {
      /* a pure callee whose checks a guard discharged: it cannot raise */
      for (int i = 0; i < n->list.len; i++)
        if (!ok_expr(F, n->list.data[i]))
          return false;
      return true;
    }
    if (n->callee || n->list2.len ||
        !(n->builtin == BI_LEN || n->builtin == BI_ABS || n->builtin == BI_MIN ||
          n->builtin == BI_MAX || n->builtin == BI_INT || n->builtin == BI_FLOAT ||
          (F->lanes_scan && (n->builtin == BI_M_FABS || n->builtin == BI_N_FABS ||
                             n->builtin == BI_M_SQRT || n->builtin == BI_N_SQRT))))
      return false;
    if (n->builtin == BI_LEN)
      return n->list.len == 1 && n->list.data[0]->kind == ND_NAME;
    if ((n->builtin == BI_INT || n->builtin == BI_FLOAT) &&
        (n->list.len != 1 || !n->list.data[0]->ty || !type_is_scalar(n->list.data[0]->ty)))
      return false;
    for (int i = 0; i < n->list.len; i++)
      if (!ok_expr(F, n->list.data[i]))
        return false;
    return true;
  default:
    return false;
  }
}

static bool ok_stmts(Fn *F, const NodeList *l);

static bool ok_stmt(Fn *F, const Node *s) {
  switch (s->kind) {
  case ND_PASS: case ND_BREAK: case ND_CONTINUE:
    return true;
  case ND_ASSIGN:
    for (int i = 0; i < s->list.len; i++)
      if (!local_scalar(s->list.data[i]))
        return false;
    return ok_expr(F, s->a);
  case ND_ANNASSIGN:
    return (!s->c || ok_expr(F, s->c)) && (local_scalar(s->a) || (s->sym && s->sym->ty &&
                                                                  type_is_scalar(s->sym->ty)));
  case ND_AUGASSIGN: {
    int64_t c;
    bool div = s->op == OP_FLOORDIV || s->op == OP_MOD;
    return local_scalar(s->a) && ok_expr(F, s->b) && s->op != OP_POW &&
           !(div && !(type_is_int(s->a->ty) && node_int_const(s->b, &c) && c != 0 && c != -1));
  }
  case ND_IF:
    return ok_expr(F, s->a) && ok_stmts(F, &s->list) && ok_stmts(F, &s->list2);
  default:
    return false;
  }
}

bool defer_ok_stmts(Fn *F, const NodeList *l) { return ok_stmts(F, l); }

static bool ok_stmts(Fn *F, const NodeList *l) {
  for (int i = 0; i < l->len; i++)
    if (!ok_stmt(F, l->data[i]))
      return false;
  return true;
}

static bool float_div(const Node *n, const void *ctx) {
  (void)ctx; /* a division that can raise ZeroDivisionError (not by a constant) */
  int64_t c;
  return n->kind == ND_BINOP && n->op == OP_DIV && n->b->kind != ND_FLOAT &&
         !(node_int_const(n->b, &c) && c != 0);
}

/* Worth a second copy of the loop where the flag lets LLVM vectorize what it
 * otherwise would not: a float sum whose terms divide (lennard_jones; the
 * sum stays in order, -force-ordered-reductions).  A loop with a recurrence
 * (monte_carlo_pi's generator state) gains nothing and only costs build
 * time. */
bool loop_deferrable(Fn *F, Node *forn) {
  if (!forn->a || !local_scalar(forn->a) || forn->list2.len || !ok_stmts(F, &forn->list))
    return false;
  bool div = false;
  for (int i = 0; i < forn->list.len; i++)
    div |= node_any(forn->list.data[i], float_div, NULL);
  return div && has_float_accumulation(&forn->list);
}

/* The check prepass of a loop without carried dependences (lower.c,
 * parallel_range_copy): a body lever 31 could defer, except for its one
 * array store (lower_depend.c found it), which the prepass leaves out. */
static bool is_array_store(const Node *s) {
  return (s->kind == ND_ASSIGN && s->list.len == 1 && s->list.data[0]->kind == ND_SUBSCRIPT) ||
         (s->kind == ND_AUGASSIGN && s->a->kind == ND_SUBSCRIPT);
}

bool loop_prepass_ok(Fn *F, Node *forn) {
  if (!forn->a || !local_scalar(forn->a) || forn->list2.len)
    return false;
  for (int i = 0; i < forn->list.len; i++) {
    const Node *s = forn->list.data[i];
    if (!is_array_store(s)) {
      if (!ok_stmt(F, s))
        return false;
      continue;
    }
    const Node *t = s->kind == ND_ASSIGN ? s->list.data[0] : s->a;
    const Node *v = s->kind == ND_ASSIGN ? s->a : s->b;
    if (!ok_expr(F, t) || !ok_expr(F, v) || !type_is_scalar(t->ty))
      return false;
    if (s->kind == ND_AUGASSIGN && (s->op == OP_POW || s->op == OP_FLOORDIV || s->op == OP_MOD))
      return false;
  }
  return true;
}

typedef VEC(Symbol *) SymVec;

static void note(Arena *a, SymVec *v, Symbol *s) {
  for (int i = 0; i < v->len; i++)
    if (v->data[i] == s)
      return;
  vec_push(a, v, s);
}

static void collect(Arena *a, SymVec *v, const NodeList *l) {
  for (int i = 0; i < l->len; i++) {
    const Node *s = l->data[i];
    if (s->kind == ND_ASSIGN)
      for (int k = 0; k < s->list.len; k++) {
        if (s->list.data[k]->kind == ND_NAME) /* not the array store of a prepass loop */
          note(a, v, s->list.data[k]->sym);
      }
    else if (s->kind == ND_AUGASSIGN && s->a->kind == ND_NAME)
      note(a, v, s->a->sym);
    else if (s->kind == ND_ANNASSIGN)
      note(a, v, s->a->sym ? s->a->sym : s->sym);
    else if (s->kind == ND_IF) {
      collect(a, v, &s->list);
      collect(a, v, &s->list2);
    }
  }
}

int loop_assigned_vars(Fn *F, Node *forn, Symbol ***out) {
  SymVec v = {0};
  note(F->L->arena, &v, forn->a->sym);
  collect(F->L->arena, &v, &forn->list);
  *out = v.data;
  return v.len;
}
