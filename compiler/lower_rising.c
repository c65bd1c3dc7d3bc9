/* lower_rising.c: indexes that only rise in a while loop.
 *
 *     i = lo
 *     while i <= j:
 *         while a[i] < pivot:
 *             i += 1
 *         ...
 *             i += 1
 *
 * When a while loop changes an int local i only by `i += c` (c an int
 * constant >= 0, anywhere in its body or else clause, nested loops
 * included), i never falls below the value it had when the loop started.
 * If that value is >= 0, `a[i]` and `a[i + c]` are never negative indexes,
 * so with bounds unchecked they need no wraparound test (the one test left
 * on an unchecked subscript: a branch per access, and a second induction
 * variable for the wrapped address).  The same holds for a sum of such
 * locals, constants >= 0 and locals the loop does not change (`text[i + j]`
 * in a string search's `while j < m and text[i + j] == pat[j]`), all of
 * them tested >= 0 at the start.  lower.c lowers such a loop twice: a
 * copy for a start >= 0, where array_elem_ptr skips the test for those
 * subscripts, and the ordinary copy.  In safe mode the bounds check is one
 * unsigned compare that covers negative indexes too, so nothing is gained
 * there and the loop is not copied.
 *
 * With overflow unchecked, `i += 1` wraps past INT64_MAX; by then an index
 * >= the array's size has been used (or i is not an index at all), which
 * unchecked bounds leave undefined anyway. */
#include "lower_fn.h"

static bool is_name_of(const Node *n, const Symbol *v) {
  return n && n->kind == ND_NAME && n->sym == v;
}

static bool nonneg_const(const Node *n) {
  int64_t c;
  return n && node_int_const(n, &c) && c >= 0;
}

/* v + c or c + v, c an int constant >= 0 */
static bool plus_nonneg(const Node *e, const Symbol *v) {
  return e && e->kind == ND_BINOP && e->op == OP_ADD &&
         ((is_name_of(e->a, v) && nonneg_const(e->b)) || (is_name_of(e->b, v) && nonneg_const(e->a)));
}

/* `v += c` or `v = v + c` (c an int constant >= 0) */
static bool rising_binding(const Node *s, const void *v) {
  if (s->kind == ND_AUGASSIGN)
    return s->op == OP_ADD && nonneg_const(s->b);
  return s->kind == ND_ASSIGN && s->list.len == 1 && s->list.data[0]->kind == ND_NAME &&
         plus_nonneg(s->a, v);
}

/* Every statement of l (nested ones included) that assigns v adds a
 * constant >= 0 to it. */
static bool only_rises(const NodeList *l, const Symbol *v) {
  return each_binding(l, v, rising_binding, v);
}

static bool rising_local(const Fn *F, const Symbol *s) {
  for (int k = 0; k < F->nrising; k++)
    if (F->rising[k] == s)
      return true;
  return false;
}

static bool int_local(const Symbol *v) {
  return v && v->ty && v->ty->kind == TY_I64 && (v->kind == SYM_LOCAL || v->kind == SYM_PARAM);
}

enum { MAX_TERMS = 4 };

/* e as a sum of int locals and constants >= 0: the locals into names[],
 * false for any other shape. */
static bool sum_terms(const Node *e, Symbol **names, int *n) {
  if (!e)
    return false;
  if (e->kind == ND_BINOP && e->op == OP_ADD)
    return sum_terms(e->a, names, n) && sum_terms(e->b, names, n);
  if (nonneg_const(e))
    return true;
  if (e->kind != ND_NAME || !int_local(e->sym) || *n == MAX_TERMS)
    return false;
  names[(*n)++] = e->sym;
  return true;
}

bool index_rises(const Fn *F, const Node *e) {
  Symbol *names[MAX_TERMS];
  int n = 0;
  if (!F->nrising || !sum_terms(e, names, &n) || !n)
    return false;
  for (int k = 0; k < n; k++)
    if (!rising_local(F, names[k]))
      return false;
  return true;
}

typedef struct {
  const Node *w;
  const Fn *F;
  Symbol **out;
  int n, max;
} Gather;

static bool assigned_in(const Node *w, const Symbol *v) {
  return stmts_assign(&w->list, v) || stmts_assign(&w->list2, v);
}

/* An index that is a sum of locals, at least one of them rising in the loop
 * and the others rising or unchanged there: all of them join the plan (the
 * unchanged ones are tested >= 0 at the start too). */
static void consider(Gather *g, const Node *e) {
  Symbol *names[MAX_TERMS];
  int n = 0;
  if (!sum_terms(e, names, &n))
    return;
  bool rises = false;
  for (int k = 0; k < n; k++) {
    const Symbol *v = names[k];
    if (rising_local(g->F, v))
      continue;
    if (!assigned_in(g->w, v))
      continue;
    if (!only_rises(&g->w->list, v) || !only_rises(&g->w->list2, v))
      return;
    rises = true;
  }
  if (!rises)
    return;
  for (int k = 0; k < n; k++) {
    bool seen = rising_local(g->F, names[k]);
    for (int j = 0; j < g->n && !seen; j++)
      seen = g->out[j] == names[k];
    if (!seen && g->n < g->max)
      g->out[g->n++] = names[k];
  }
}

static void gather(Gather *g, const Node *n) {
  if (!n)
    return;
  if (n->kind == ND_SUBSCRIPT && n->a && n->a->ty && n->a->ty->kind == TY_ARRAY)
    for (int k = 0; k < n->list.len; k++)
      consider(g, n->list.data[k]);
  gather(g, n->a);
  gather(g, n->b);
  gather(g, n->c);
  for (int i = 0; i < n->list.len; i++)
    gather(g, n->list.data[i]);
  for (int i = 0; i < n->list2.len; i++)
    gather(g, n->list2.data[i]);
}

int rising_plan(const Fn *F, const Node *w, Symbol **out, int max) {
  if (F->boundscheck || F->no_rising)
    return 0;
  Gather g = {w, F, out, 0, max};
  gather(&g, w);
  return g.n;
}
