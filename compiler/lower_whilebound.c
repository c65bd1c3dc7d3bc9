/* lower_whilebound.c: increments a while loop's condition bounds.
 *
 *     while n < maxiter:
 *         ...
 *         n += 1
 *
 * When the body runs, n < maxiter <= INT64_MAX held at the test, so the
 * first `n += 1` after it cannot overflow if nothing assigned n in
 * between.  In safe mode that check (a sign test per step, ORed into a
 * flag in lanes) is left out: mandelbrot's lanes spent 14% of their time
 * on it.  The rule takes the condition's top-level `and` terms of the form
 * `v < e` or `e > v` (v a local int, e an int), and the body's top-level
 * statements up to the first that assigns v otherwise; an increment under
 * an `if` keeps its check (it ends the rule for v). */
#include "lower_fn.h"

typedef VEC(Node *) NodeVec;
typedef VEC(Symbol *) SymVec;

static bool is_int(const Node *n) { return n && n->ty && n->ty->kind == TY_I64; }

/* The variables v of the condition's terms `v < e` / `e > v`. */
static void bounded_vars(Arena *a, const Node *c, SymVec *out) {
  if (c->kind == ND_BOOLOP && c->op == OP_AND) {
    for (int i = 0; i < c->list.len; i++)
      bounded_vars(a, c->list.data[i], out);
    return;
  }
  if (c->kind != ND_COMPARE || c->list.len != 1 || c->ops.len != 1)
    return;
  const Node *l = c->a, *r = c->list.data[0];
  if (c->ops.data[0] == OP_LT && is_local_int(l) && is_int(r))
    vec_push(a, out, l->sym);
  else if (c->ops.data[0] == OP_GT && is_local_int(r) && is_int(l))
    vec_push(a, out, r->sym);
}

/* `v += 1` (the form lower_augassign looks up in F->bounded) */
static bool is_inc(const Node *s, const Symbol *v) {
  Symbol *c;
  return s->kind == ND_AUGASSIGN && counts_one(s, &c) && c == v;
}

/* The body's increments that cannot overflow (see above). */
int while_bounded_incs(Fn *F, const Node *w, Node *const **out) {
  Arena *a = F->L->arena;
  SymVec vars = {0};
  NodeVec incs = {0};
  bounded_vars(a, w->a, &vars);
  for (int k = 0; k < vars.len; k++) {
    const Symbol *v = vars.data[k];
    for (int i = 0; i < w->list.len; i++) {
      Node *s = w->list.data[i];
      if (is_inc(s, v)) {
        vec_push(a, &incs, s);
        break;
      }
      NodeList one = {&w->list.data[i], 1, 1};
      if (stmts_assign(&one, v))
        break;
    }
  }
  *out = incs.data;
  return incs.len;
}

bool bounded_inc(const Fn *F, const Node *s) {
  for (int i = 0; i < F->nbounded; i++)
    if (F->bounded[i] == s)
      return true;
  return false;
}
