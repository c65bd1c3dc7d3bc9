/* lower_fsign.c: float divisors that cannot be zero.
 *
 *     d2 = dx * dx + dy * dy + dz * dz + 0.01
 *     mag = dt / (d2 * math.sqrt(d2))
 *
 * CPython raises ZeroDivisionError for a zero divisor, so each float
 * division tests it: a compare and a branch in every iteration of nbody's
 * inner loop.  Here the divisor is >= 0.001 or NaN whatever dx, dy, dz are,
 * and x / NaN is NaN in CPython too: no test is needed.
 *
 * The facts, each about an expression's value whenever it is computed:
 *  - nonneg: >= 0 or NaN.  x * x (one name twice), a constant >= 0,
 *    math.sqrt / math.fabs / abs of anything (when they return), a sum or
 *    product of nonnegs, or anything with a positive bound;
 *  - a positive bound b: >= b > 0 or NaN.  A constant > 0; a + b with
 *    one side nonneg and the other bounded; a product of bounded values
 *    (bound: the product of the bounds, rounded, if that is not 0); the
 *    square root of a bounded value (the root of its bound).  These hold
 *    because IEEE rounding is monotone: a >= la and b >= lb give
 *    fl(a * b) >= fl(la * lb), computed here in the same double arithmetic.
 * A local assigned exactly once in the function (the checker proves every
 * read comes after an assignment) has the facts of its one value
 * expression; parameters and other locals have none. */
#include "lower_fn.h"

#define MAX_DEPTH 8

static bool counts_target(Node *t, int *count) {
  if (t->kind == ND_NAME && t->sym && t->sym->kind == SYM_LOCAL) {
    count[t->sym->index] += 2; /* an assignment without a value expression */
    return true;
  }
  if (t->kind == ND_TUPLE)
    for (int i = 0; i < t->list.len; i++)
      counts_target(t->list.data[i], count);
  return false;
}

static void note_defs(Node *n, int *count, Node **def) {
  if (!n)
    return;
  switch (n->kind) {
  case ND_ASSIGN:
    for (int i = 0; i < n->list.len; i++) {
      Node *t = n->list.data[i];
      if (t->kind == ND_NAME && t->sym && t->sym->kind == SYM_LOCAL) {
        count[t->sym->index]++;
        def[t->sym->index] = n->a;
      } else {
        counts_target(t, count);
      }
    }
    break;
  case ND_ANNASSIGN: {
    Symbol *x = annassign_sym(n);
    if (x && x->kind == SYM_LOCAL && n->c) {
      count[x->index]++;
      def[x->index] = n->c;
    }
    break;
  }
  case ND_AUGASSIGN: case ND_FOR:
    counts_target(n->a, count);
    break;
  default:
    break;
  }
  if (n->kind == ND_FOR || n->kind == ND_WHILE || n->kind == ND_IF) {
    for (int i = 0; i < n->list.len; i++)
      note_defs(n->list.data[i], count, def);
    for (int i = 0; i < n->list2.len; i++)
      note_defs(n->list2.data[i], count, def);
  }
}

/* The one value expression of a local assigned once, or NULL. */
static Node *single_def(Fn *F, const Node *name) {
  if (name->kind != ND_NAME || !name->sym || name->sym->kind != SYM_LOCAL)
    return NULL;
  if (!F->single_def) {
    int n = F->f->locals.len;
    Arena *a = F->L->arena;
    int *count = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *count);
    F->single_def = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *F->single_def);
    memset(count, 0, (size_t)(n ? n : 1) * sizeof *count);
    memset(F->single_def, 0, (size_t)(n ? n : 1) * sizeof *F->single_def);
    const NodeList *body = &F->f->func->list2;
    for (int i = 0; i < body->len; i++)
      note_defs(body->data[i], count, F->single_def);
    for (int i = 0; i < n; i++)
      if (count[i] != 1)
        F->single_def[i] = NULL;
  }
  int i = name->sym->index;
  return i < F->f->locals.len ? F->single_def[i] : NULL;
}

static bool is_float(const Node *n) { return n->ty && n->ty->kind == TY_F64; }

static double pos_bound(Fn *F, Node *n, int depth);

static bool nonneg(Fn *F, Node *n, int depth) {
  int64_t c;
  if (!n || depth > MAX_DEPTH || !is_float(n))
    return false;
  switch (n->kind) {
  case ND_FLOAT:
    return n->fval >= 0.0;
  case ND_CAST:
    return node_int_const(n->a, &c) && c >= 0;
  case ND_NAME: {
    Node *d = single_def(F, n);
    return d && nonneg(F, d, depth + 1);
  }
  case ND_BINOP:
    if (n->op == OP_MUL && n->a->kind == ND_NAME && n->b->kind == ND_NAME && n->a->sym &&
        n->a->sym == n->b->sym)
      return true; /* x * x */
    if (n->op == OP_ADD || n->op == OP_MUL)
      return nonneg(F, n->a, depth + 1) && nonneg(F, n->b, depth + 1);
    break;
  case ND_CALL:
    if (n->builtin == BI_M_SQRT || n->builtin == BI_M_FABS || n->builtin == BI_ABS)
      return true;
    break;
  default:
    break;
  }
  return pos_bound(F, n, depth) > 0.0;
}

static double pos_bound(Fn *F, Node *n, int depth) {
  int64_t c;
  if (!n || depth > MAX_DEPTH || !is_float(n))
    return 0.0;
  switch (n->kind) {
  case ND_FLOAT:
    return n->fval > 0.0 ? n->fval : 0.0;
  case ND_CAST: /* an int constant made float */
    return node_int_const(n->a, &c) && c >= 1 ? 1.0 : 0.0;
  case ND_NAME: {
    Node *d = single_def(F, n);
    return d ? pos_bound(F, d, depth + 1) : 0.0;
  }
  case ND_BINOP:
    if (n->op == OP_ADD) {
      double a = pos_bound(F, n->a, depth + 1), b = pos_bound(F, n->b, depth + 1);
      if (b > 0.0 && nonneg(F, n->a, depth + 1))
        return a > b ? a : b;
      if (a > 0.0 && nonneg(F, n->b, depth + 1))
        return a;
    } else if (n->op == OP_MUL) {
      return pos_bound(F, n->a, depth + 1) * pos_bound(F, n->b, depth + 1); /* 0: unknown */
    }
    break;
  case ND_CALL:
    if (n->builtin == BI_M_SQRT && n->list.len == 1) {
      double a = pos_bound(F, n->list.data[0], depth + 1);
      return __builtin_sqrt(a);
    }
    break;
  default:
    break;
  }
  return 0.0;
}

bool float_nonzero(Fn *F, Node *n) { return n && pos_bound(F, n, 0) > 0.0; }
