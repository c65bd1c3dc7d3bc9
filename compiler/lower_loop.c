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
 * Loops without nested loops are versioned (they are where the time goes,
 * and it bounds the code growth to one copy per innermost loop), and loops
 * whose nested loops all have small constant ranges (stencils: `for di in
 * range(-1, 2)`): the guard then covers the whole nest with intervals (see
 * "intervals"), and LLVM can unroll the small loops and vectorize the
 * outer one. */
#include "lower_fn.h"

/* A nested `for v in range(constant...)` loop's variable: v's values over
 * every such loop of the nest, if it is used nowhere else. */
typedef struct InnerIV {
  Symbol *sym;
  int64_t lo, hi;
  int loops;        /* how many loops bind it */
  bool ok;          /* assigned and read only as such a loop's variable */
} InnerIV;

/* A bound on the loop variable that an enclosing `if` of a subscript
 * implies (`if j > 0:` gives j >= 0 + 1): iv >= e + adj (lower) or
 * iv <= e + adj, e loop-invariant; a list, innermost first. */
typedef struct IvCond {
  Node *e;
  int64_t adj;
  bool lower;
  const struct IvCond *up;
} IvCond;

typedef struct Plan {
  Fn *F;
  Symbol *iv;
  const IvCond *cond;     /* while scanning: the bounds the enclosing ifs imply */
  VEC(const IvCond *) subcond; /* per entry of subs: its bounds (NULL: none) */
  VEC(Symbol *) assigned; /* every name assigned in the body */
  VEC(Node *) subs;       /* the subscripts the guard covers (affine) */
  VEC(Node *) isubs;      /* the subscripts the guard covers (intervals; nests) */
  VEC(Node *) sums;       /* `acc += f(i)` statements the guard covers */
  VEC(Node *) ariths;     /* int arithmetic the guard's intervals cover */
  VEC(Node *) calls;      /* calls of pure callees the guard's intervals cover */
  VEC(InnerIV) inner;     /* nested small constant loops' variables */
  bool nested;            /* the body has a loop */
  bool nest_ok;           /* ... and every nested loop is a small constant range */
} Plan;

/* Nested loops up to this many iterations (LLVM unrolls them fully). */
#define SMALL_TRIP 16

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

static bool const_range(const Node *forn, int64_t *first, int64_t *last) {
  const Node *it = forn->b;
  if (!forn->a || forn->a->kind != ND_NAME || !forn->a->sym || !forn->a->ty ||
      forn->a->ty->kind != TY_I64 || it->kind != ND_CALL || it->builtin != BI_RANGE)
    return false;
  int64_t v[3] = {0, 0, 1};
  int na = it->list.len;
  for (int i = 0; i < na; i++) {
    if (!node_int_const(it->list.data[i], &v[na == 1 ? 1 : i]))
      return false;
  }
  if (na == 1)
    v[0] = 0;
  int64_t start = v[0], stop = v[1], step = v[2];
  /* small literals only: no overflow in what follows */
  for (int i = 0; i < 3; i++)
    if (v[i] > (1LL << 40) || v[i] < -(1LL << 40))
      return false;
  if (step == 0)
    return false;
  int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                           : (start > stop ? (start - stop - step - 1) / -step : 0);
  if (count == 0 || count > SMALL_TRIP)
    return false;
  int64_t last_v = start + (count - 1) * step;
  *first = start < last_v ? start : last_v;
  *last = start < last_v ? last_v : start;
  return true;
}

/* A nested loop: a small constant range keeps the nest versionable; its
 * variable's values join the others of that name.  Its body is scanned as
 * part of this loop's. */
static void note_inner_loop(Plan *p, Node *forn) {
  int64_t lo, hi;
  if (!const_range(forn, &lo, &hi) || forn->list2.len) {
    p->nest_ok = false;
    return;
  }
  Symbol *v = forn->a->sym;
  vec_push(p->F->L->arena, &p->assigned, v);
  InnerIV *iv = NULL;
  for (int i = 0; i < p->inner.len; i++)
    if (p->inner.data[i].sym == v)
      iv = &p->inner.data[i];
  if (!iv) {
    InnerIV fresh = {v, lo, hi, 0, true};
    vec_push(p->F->L->arena, &p->inner, fresh);
    iv = &p->inner.data[p->inner.len - 1];
  }
  iv->lo = lo < iv->lo ? lo : iv->lo;
  iv->hi = hi > iv->hi ? hi : iv->hi;
  iv->loops++;
  scan_stmts(p, &forn->list);
}

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
  case ND_FOR:
    p->nested = true;
    note_inner_loop(p, s);
    return;
  case ND_WHILE:
    p->nested = true;
    p->nest_ok = false;
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
  for (int i = 0; i < l->len && (!p->nested || p->nest_ok); i++)
    scan_stmt(p, l->data[i]);
}

static InnerIV *inner_iv(const Plan *p, const Symbol *s) {
  for (int i = 0; i < p->inner.len; i++)
    if (p->inner.data[i].sym == s)
      return &p->inner.data[i];
  return NULL;
}

/* The variables of the loops enclosing a node (innermost first). */
typedef struct Enclosing {
  const Symbol *sym;
  const struct Enclosing *up;
} Enclosing;

/* An inner loop variable read outside its loops (its value there may come
 * from before the loop) is not bound to the loops' range. */
static void check_iv_reads(Plan *p, Node *n, const Enclosing *in) {
  if (!n)
    return;
  if (n->kind == ND_NAME && n->sym) {
    InnerIV *iv = inner_iv(p, n->sym);
    const Enclosing *e = in;
    while (e && e->sym != n->sym)
      e = e->up;
    if (iv && !e)
      iv->ok = false;
    return;
  }
  const Enclosing here = {n->kind == ND_FOR && n->a && n->a->kind == ND_NAME ? n->a->sym : NULL, in};
  if (n->kind != ND_FOR) /* a for loop's target is assigned, not read */
    check_iv_reads(p, n->a, in);
  check_iv_reads(p, n->b, in);
  check_iv_reads(p, n->c, in);
  for (int i = 0; i < n->list.len; i++) /* a for loop's body */
    check_iv_reads(p, n->list.data[i], n->kind == ND_FOR ? &here : in);
  for (int i = 0; i < n->list2.len; i++)
    check_iv_reads(p, n->list2.data[i], in);
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

/* An array whose view (shape) is the same in every iteration: a parameter
 * whose view is loaded once at entry, or an array variable the loop does not
 * assign (its view is kept where it is assigned: store_array_view). */
static bool invariant_array(const Plan *p, const Node *a) {
  if (!a || a->kind != ND_NAME || !a->sym || !a->sym->ty || a->sym->ty->kind != TY_ARRAY)
    return false;
  if (a->sym->kind == SYM_PARAM && p->F->param_view_ok[a->sym->index])
    return true;
  return (a->sym->kind == SYM_PARAM || a->sym->kind == SYM_LOCAL) && !is_assigned(p, a->sym);
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

typedef struct Binding {
  const Symbol *sym;
  bool known;          /* the variable's value has an interval */
  LLVMValueRef lo, hi; /* NULL during the static analysis */
} Binding;

/* Where a name's interval comes from: the loop (p: its variable and its
 * invariants), or a pure callee's body (env: its int parameters, and its
 * locals as assigned so far; the last binding of a symbol wins). */
typedef struct Scope {
  const Plan *p;
  VEC(Binding) env;
} Scope;

static const Binding *bound(const Scope *s, const Symbol *sym) {
  for (int i = s->env.len - 1; i >= 0; i--)
    if (s->env.data[i].sym == sym)
      return s->env.data[i].known ? &s->env.data[i] : NULL;
  return NULL;
}

static bool ival_ok(const Scope *s, const Node *n);

static void scan_expr(Plan *p, Node *n, bool in_index);

static void scan_list(Plan *p, NodeList *l, bool in_index) {
  for (int i = 0; i < l->len; i++)
    scan_expr(p, l->data[i], in_index);
}

static bool provable_arith(const Plan *p, const Node *n);
static bool provable_call(const Plan *p, const Node *n);

static const IvCond *iv_bound(Plan *p, Node *e, int64_t adj, bool lower, const IvCond *up) {
  IvCond *c = ARENA_NEW(p->F->L->arena, IvCond);
  c->e = e;
  c->adj = adj;
  c->lower = lower;
  c->up = up;
  return c;
}

static bool is_iv(const Plan *p, const Node *n) {
  return n->kind == ND_NAME && n->sym == p->iv && n->ty && n->ty->kind == TY_I64;
}

static bool inv_int(const Plan *p, const Node *n) {
  return n->ty && int_fits_i64(n->ty) && affine(p, n) == AFF_INV;
}

/* The bounds on the loop variable that `cond` being true implies, added to
 * up: comparisons of the variable with an invariant int, and `and` of them
 * (other operands of an `and` only restrict further, and are ignored). */
static const IvCond *cond_bounds(Plan *p, Node *cond, const IvCond *up) {
  if (cond->kind == ND_BOOLOP && cond->op == OP_AND) {
    for (int i = 0; i < cond->list.len; i++)
      up = cond_bounds(p, cond->list.data[i], up);
    return up;
  }
  if (cond->kind != ND_COMPARE || cond->ops.len != 1 || cond->list.len != 1)
    return up;
  Node *l = cond->a, *r = cond->list.data[0];
  Op op = cond->ops.data[0];
  if (is_iv(p, r) && inv_int(p, l)) { /* c < j is j > c */
    Node *t = l;
    l = r;
    r = t;
    op = op == OP_LT ? OP_GT : op == OP_LE ? OP_GE : op == OP_GT ? OP_LT : op == OP_GE ? OP_LE : op;
  }
  if (!is_iv(p, l) || !inv_int(p, r))
    return up;
  switch (op) {
  case OP_GT: return iv_bound(p, r, 1, true, up);
  case OP_GE: return iv_bound(p, r, 0, true, up);
  case OP_LT: return iv_bound(p, r, -1, false, up);
  case OP_LE: return iv_bound(p, r, 0, false, up);
  case OP_EQ: return iv_bound(p, r, 0, false, iv_bound(p, r, 0, true, up));
  default: return up;
  }
}

/* Every subscript anywhere in the body whose indices are all affine, and
 * the int arithmetic and pure calls the guard's intervals can cover (not
 * inside a covered subscript's indices: those are nsw already). */
static void scan_expr(Plan *p, Node *n, bool in_index) {
  if (!n)
    return;
  if (n->kind == ND_IF && !p->nested) { /* the then-branch runs under the condition */
    scan_expr(p, n->a, in_index);
    const IvCond *saved = p->cond;
    p->cond = cond_bounds(p, n->a, saved);
    scan_list(p, &n->list, in_index);
    p->cond = saved;
    scan_list(p, &n->list2, in_index);
    return;
  }
  bool covered = false;
  if (n->kind == ND_SUBSCRIPT && invariant_array(p, n->a) &&
      n->list.len == n->a->sym->ty->ndim) {
    Scope s = {p, {0}};
    bool ok = true;
    for (int k = 0; k < n->list.len && ok; k++)
      ok = p->nested ? ival_ok(&s, n->list.data[k]) : affine(p, n->list.data[k]) != AFF_NO;
    if (ok && p->nested) {
      vec_push(p->F->L->arena, &p->isubs, n);
    } else if (ok) {
      vec_push(p->F->L->arena, &p->subs, n);
      vec_push(p->F->L->arena, &p->subcond, p->cond);
    }
    covered = ok;
  }
  if (!in_index && provable_arith(p, n))
    vec_push(p->F->L->arena, &p->ariths, n);
  if (provable_call(p, n))
    vec_push(p->F->L->arena, &p->calls, n);
  scan_expr(p, n->a, in_index);
  scan_expr(p, n->b, in_index);
  scan_expr(p, n->c, in_index);
  scan_list(p, &n->list, in_index || covered);
  scan_list(p, &n->list2, in_index);
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

/* ------------------------------------------------------------ intervals
 *
 * Int arithmetic whose leaves are the loop variable, loop invariants and
 * constants only takes values inside the interval that interval arithmetic
 * gives it with the loop variable in [min(first, last), max(first, last)].
 * The guard computes those intervals once, before the loop, in non-raising
 * arithmetic (a bound that overflows fails the guard).  When every bound
 * fits, no step of that arithmetic can overflow in any iteration (the fast
 * copy needs no overflow check, and its arithmetic is nsw), and a divisor
 * whose interval excludes 0 needs no ZeroDivisionError check.
 *
 * The same reasoning crosses a call of a "pure" callee (pure_callee): a
 * straight-line body of scalar assignments and one return, whose every
 * possible check is one of those.  With its int parameters bound to the
 * arguments' intervals the guard covers all of its checks at once, and the
 * fast copy calls its `SYMBOL_proven` variant, which has no checks and no
 * error path, so LLVM inlines it and can vectorize the loop around it. */

enum { CHK_NONE, CHK_OVF, CHK_DIVISOR, CHK_NONZERO, CHK_BAD };

/* An element of a narrow int array (u8 pixels, i32 counts): whatever the
 * index, its value lies in its type's range. */
static bool narrow_elem_range(const Node *n, int64_t *lo, int64_t *hi) {
  if (n->kind != ND_SUBSCRIPT || !n->ty)
    return false;
  if (n->ty->kind == TY_BOOL) {
    *lo = 0;
    *hi = 1;
    return true;
  }
  if (!type_is_int(n->ty) || type_bits(n->ty) > 32)
    return false;
  int_range(n->ty, lo, hi);
  return true;
}

/* `int(x)` of an int x: x's value. */
static bool int_of_int(const Node *n) {
  return n->kind == ND_CALL && n->builtin == BI_INT && n->list.len == 1 && n->list.data[0]->ty &&
         type_is_int(n->list.data[0]->ty) && int_fits_i64(n->list.data[0]->ty);
}

/* Statically: does n (an int expression) have an interval in scope s? */
static bool ival_ok(const Scope *s, const Node *n) {
  if (!n || !n->ty)
    return false;
  int64_t c;
  switch (n->kind) {
  case ND_INT:
    return !n->flags;
  case ND_NAME:
    if (!n->sym || !int_fits_i64(n->ty))
      return false;
    if (n->sym->kind == SYM_CONST)
      return n->sym->value && n->sym->value->kind == ND_INT;
    if (!s->p)
      return bound(s, n->sym) != NULL;
    if (inner_iv(s->p, n->sym))
      return inner_iv(s->p, n->sym)->ok;
    return affine(s->p, n) != AFF_NO;
  case ND_CAST:
    if (n->ty->kind != TY_I64 || !n->a->ty)
      return false;
    return n->a->ty->kind == TY_BOOL || (int_fits_i64(n->a->ty) && ival_ok(s, n->a));
  case ND_UNARYOP:
    return n->op == OP_NEG && n->ty->kind == TY_I64 && ival_ok(s, n->a);
  case ND_BINOP:
    if (n->ty->kind != TY_I64 || !int_fits_i64(n->a->ty) || !int_fits_i64(n->b->ty))
      return false;
    if (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL)
      return ival_ok(s, n->a) && ival_ok(s, n->b);
    if (n->op == OP_FLOORDIV || n->op == OP_MOD)
      return node_int_const(n->b, &c) && c > 0 && ival_ok(s, n->a);
    return false;
  case ND_SUBSCRIPT: case ND_CALL: /* a.shape[k], len(a); a narrow element; int() of an int */
    if (int_of_int(n))
      return ival_ok(s, n->list.data[0]);
    return (s->p && affine(s->p, n) == AFF_INV) || narrow_elem_range(n, &c, &c);
  default:
    return false;
  }
}

/* The int a divisor is: itself, or the operand of its conversion to float
 * (a non-zero int converts to a non-zero float). */
static const Node *int_divisor(const Node *b) {
  if (b->kind == ND_CAST && type_is_float(b->ty) && b->a->ty && type_is_int(b->a->ty))
    return b->a;
  return type_is_int(b->ty) ? b : NULL;
}

/* Which check an expression carries that an interval can discharge:
 * CHK_OVF (int + - * and negation, when overflow is checked: the node's own
 * interval must fit), CHK_DIVISOR (// or % by a variable: its interval must
 * exclude -1 and 0, which rules out ZeroDivisionError and INT64_MIN // -1),
 * CHK_NONZERO (/ by an int: its interval must exclude 0); CHK_BAD for a
 * check no interval discharges, CHK_NONE for no check. */
static int check_kind(const Node *n, bool ovf_checked) {
  int64_t c;
  if (n->kind == ND_UNARYOP && n->op == OP_NEG)
    return n->ty && n->ty->kind == TY_I64 && ovf_checked ? CHK_OVF : CHK_NONE;
  if (n->kind != ND_BINOP || !n->ty || !n->a->ty || !n->b->ty)
    return CHK_NONE;
  bool ints = type_is_int(n->a->ty) && type_is_int(n->b->ty);
  bool konst = node_int_const(n->b, &c);
  switch (n->op) {
  case OP_ADD: case OP_SUB: case OP_MUL:
    return ints && n->ty->kind == TY_I64 && ovf_checked ? CHK_OVF : CHK_NONE;
  case OP_FLOORDIV: case OP_MOD:
    if (!ints || (konst && (c == 0 || c == -1)))
      return CHK_BAD; /* float // and % call a runtime helper */
    return konst ? CHK_NONE : CHK_DIVISOR;
  case OP_DIV:
    if (konst || n->b->kind == ND_FLOAT)
      return (konst ? c != 0 : n->b->fval != 0.0) ? CHK_NONE : CHK_BAD;
    return int_divisor(n->b) ? CHK_NONZERO : CHK_BAD;
  case OP_POW: case OP_LSHIFT: case OP_RSHIFT:
    return CHK_BAD;
  default:
    return CHK_NONE;
  }
}

/* The expression an interval is needed for, to discharge n's check. */
static const Node *check_operand(const Node *n, int kind) {
  return kind == CHK_OVF ? n : kind == CHK_NONZERO ? int_divisor(n->b) : n->b;
}

static bool dischargeable(int k) { return k == CHK_OVF || k == CHK_DIVISOR || k == CHK_NONZERO; }

static bool provable_arith(const Plan *p, const Node *n) {
  Scope s = {p, {0}};
  int k = check_kind(n, p->F->overflowcheck);
  return dischargeable(k) && ival_ok(&s, check_operand(n, k));
}

/* ------------------------------------------------------- pure callees */

struct PureFn {
  bool known, pure;
  bool ovf_checked;   /* the callee checks int overflow */
  VEC(Node *) checks; /* every check in the body: all are proven in the variant */
};

/* Checks that e is free of any check but interval-dischargeable ones
 * (collected into pf), given the bindings in s. */
static bool pure_expr(Lower *L, Scope *s, Node *e, PureFn *pf) {
  if (!e || !e->ty)
    return false;
  switch (e->kind) {
  case ND_INT: case ND_FLOAT: case ND_BOOL:
    return true;
  case ND_NAME:
    return e->builtin || (e->sym && (e->sym->kind != SYM_CONST || e->sym->value));
  case ND_CAST:
    return convert_cannot_raise(e->a->ty, e->ty) && pure_expr(L, s, e->a, pf);
  case ND_UNARYOP: case ND_BINOP: {
    if (!pure_expr(L, s, e->a, pf) || (e->b && !pure_expr(L, s, e->b, pf)))
      return false;
    int k = check_kind(e, pf->ovf_checked);
    if (k == CHK_NONE)
      return true;
    if (!dischargeable(k) || !ival_ok(s, check_operand(e, k)))
      return false;
    vec_push(L->arena, &pf->checks, e);
    return true;
  }
  case ND_COMPARE:
    if (!pure_expr(L, s, e->a, pf))
      return false;
    /* fall through */
  case ND_BOOLOP:
    for (int i = 0; i < e->list.len; i++)
      if (!pure_expr(L, s, e->list.data[i], pf))
        return false;
    return true;
  case ND_IFEXP:
    return pure_expr(L, s, e->a, pf) && pure_expr(L, s, e->b, pf) && pure_expr(L, s, e->c, pf);
  default:
    return false;
  }
}

/* `x = e` or `x: T = e` to a local: the local's binding after it. */
static void bind_local(Arena *a, Scope *s, const Symbol *x, const Node *e, LLVMValueRef lo,
                       LLVMValueRef hi) {
  Binding b = {x, int_fits_i64(x->ty) && ival_ok(s, e), lo, hi};
  vec_push(a, &s->env, b);
}

static bool stmt_value(Node *st, Symbol **target, Node **value) {
  if (st->kind == ND_ASSIGN && st->list.len == 1 && st->list.data[0]->kind == ND_NAME) {
    *target = st->list.data[0]->sym;
    *value = st->a;
  } else if (st->kind == ND_ANNASSIGN && st->c && st->a->kind == ND_NAME) {
    *target = st->a->sym ? st->a->sym : st->sym;
    *value = st->c;
  } else {
    return false;
  }
  return *target && (*target)->kind == SYM_LOCAL;
}

static bool is_docstring(const Node *st) {
  return st->kind == ND_PASS || (st->kind == ND_EXPR_STMT && st->a && st->a->kind == ND_STR);
}

static void bind_params(Arena *a, Scope *s, const FuncInst *g) {
  for (int k = 0; k < g->nparams; k++) {
    Binding b = {g->params[k], int_fits_i64(g->params[k]->ty), NULL, NULL};
    vec_push(a, &s->env, b);
  }
}

static bool analyze_pure(Lower *L, const FuncInst *g, PureFn *pf) {
  if (!g->func || (g->flags & (FN_PARSE_ERROR | FN_UNSUPPORTED)))
    return false;
  for (int k = 0; k < g->nparams; k++)
    if (g->params[k]->ty->kind == TY_ARRAY || g->params[k]->ty->kind == TY_TUPLE)
      return false;
  Scope s = {NULL, {0}};
  bind_params(L->arena, &s, g);
  NodeList *body = &g->func->list2;
  for (int i = 0; i < body->len; i++) {
    Node *st = body->data[i];
    Symbol *x;
    Node *e;
    if (is_docstring(st))
      continue;
    if (stmt_value(st, &x, &e)) {
      if (!pure_expr(L, &s, e, pf) || !convert_cannot_raise(e->ty, x->ty))
        return false;
      bind_local(L->arena, &s, x, e, NULL, NULL);
      continue;
    }
    /* the return ends the body: anything after it never runs */
    return st->kind == ND_RETURN && st->a && g->ret->kind != TY_NONE &&
           g->ret->kind != TY_TUPLE && pure_expr(L, &s, st->a, pf) &&
           convert_cannot_raise(st->a->ty, g->ret);
  }
  return false;
}

const PureFn *pure_callee(Lower *L, int gi) {
  if (!L->pure)
    L->pure = ARENA_ARRAY(L->arena, PureFn, L->prog->funcs.len);
  PureFn *pf = &L->pure[gi];
  if (!pf->known) {
    const FuncInst *g = L->prog->funcs.data[gi];
    pf->known = true;
    pf->ovf_checked = L->opt->overflowcheck && !(g->flags & FN_OVERFLOWCHECK_OFF);
    pf->pure = analyze_pure(L, g, pf);
  }
  return pf->pure ? pf : NULL;
}

Node *const *pure_checks(const PureFn *pf, int *n) {
  *n = pf->checks.len;
  return pf->checks.data;
}

/* The interval analysis of pure_callee assumed every int parameter bound:
 * a call is covered when each such argument has an interval in the loop
 * (or is left to a constant default). */
static bool call_covered(Fn *F, const Node *n, const Scope *s) {
  if (n->kind != ND_CALL || !n->callee || n->list2.len || n->list.len > n->callee->nparams)
    return false;
  Lower *L = F->L;
  const FuncInst *g = n->callee;
  int gi = lower_func_index(L, g);
  if (F->rt->deep[gi] || !pure_callee(L, gi))
    return false;
  for (int k = 0; k < g->nparams; k++) {
    if (!int_fits_i64(g->params[k]->ty))
      continue;
    if (k < n->list.len ? !ival_ok(s, n->list.data[k])
                        : !(g->defaults && g->defaults[k] && g->defaults[k]->kind == ND_INT))
      return false;
  }
  return true;
}

static bool provable_call(const Plan *p, const Node *n) {
  Scope s = {p, {0}};
  return call_covered(p->F, n, &s);
}

/* ------------------------------------------------- interval evaluation */

typedef struct IvalEval {
  Fn *F;
  LLVMValueRef ivlo, ivhi; /* the loop variable's range */
  LLVMValueRef ovf;        /* i1: some bound overflowed */
  LLVMValueRef ok;         /* i1: every discharged check holds */
} IvalEval;

/* a OP b by an llvm.*.with.overflow intrinsic, never raising: an overflow
 * is or-ed into *ovf (it fails the guard). */
static LLVMValueRef ovf_step(Fn *F, LLVMValueRef *ovf, const char *intr, LLVMValueRef a,
                             LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  LLVMValueRef r = fn_intrinsic(F, intr, &F->L->t_i64, 1, args, 2);
  *ovf = LLVMBuildOr(F->b, *ovf, LLVMBuildExtractValue(F->b, r, 1, ""), "");
  return LLVMBuildExtractValue(F->b, r, 0, "");
}

static LLVMValueRef ie_op(IvalEval *e, const char *intr, LLVMValueRef a, LLVMValueRef b) {
  return ovf_step(e->F, &e->ovf, intr, a, b);
}

static LLVMValueRef smin(Fn *F, LLVMValueRef a, LLVMValueRef b) {
  return LLVMBuildSelect(F->b, LLVMBuildICmp(F->b, LLVMIntSLT, a, b, ""), a, b, "");
}
static LLVMValueRef smax(Fn *F, LLVMValueRef a, LLVMValueRef b) {
  return LLVMBuildSelect(F->b, LLVMBuildICmp(F->b, LLVMIntSGT, a, b, ""), a, b, "");
}

/* floor(x / c) for a constant c > 0 */
static LLVMValueRef floor_div_pos(Fn *F, LLVMValueRef x, int64_t c) {
  LLVMValueRef q = LLVMBuildSDiv(F->b, x, fn_i64(F, c), "");
  LLVMValueRef r = LLVMBuildSRem(F->b, x, fn_i64(F, c), "");
  LLVMValueRef neg = LLVMBuildICmp(F->b, LLVMIntSLT, r, fn_i64(F, 0), "");
  return LLVMBuildSub(F->b, q, LLVMBuildZExt(F->b, neg, F->L->t_i64, ""), "");
}

static void ival_eval(IvalEval *e, const Scope *s, Node *n, LLVMValueRef *lo, LLVMValueRef *hi);

static void ival_binop(IvalEval *e, const Scope *s, Node *n, LLVMValueRef *lo, LLVMValueRef *hi) {
  Fn *F = e->F;
  LLVMValueRef alo, ahi, blo, bhi;
  ival_eval(e, s, n->a, &alo, &ahi);
  int64_t c = 0;
  if (n->op == OP_FLOORDIV || n->op == OP_MOD) {
    node_int_const(n->b, &c);
    *lo = n->op == OP_MOD ? fn_i64(F, 0) : floor_div_pos(F, alo, c);
    *hi = n->op == OP_MOD ? fn_i64(F, c - 1) : floor_div_pos(F, ahi, c);
    return;
  }
  ival_eval(e, s, n->b, &blo, &bhi);
  if (n->op == OP_ADD) {
    *lo = ie_op(e, "llvm.sadd.with.overflow", alo, blo);
    *hi = ie_op(e, "llvm.sadd.with.overflow", ahi, bhi);
  } else if (n->op == OP_SUB) {
    *lo = ie_op(e, "llvm.ssub.with.overflow", alo, bhi);
    *hi = ie_op(e, "llvm.ssub.with.overflow", ahi, blo);
  } else { /* the extremes of a product are products of the ends */
    LLVMValueRef p[4] = {ie_op(e, "llvm.smul.with.overflow", alo, blo),
                         ie_op(e, "llvm.smul.with.overflow", alo, bhi),
                         ie_op(e, "llvm.smul.with.overflow", ahi, blo),
                         ie_op(e, "llvm.smul.with.overflow", ahi, bhi)};
    *lo = smin(F, smin(F, p[0], p[1]), smin(F, p[2], p[3]));
    *hi = smax(F, smax(F, p[0], p[1]), smax(F, p[2], p[3]));
  }
}

/* The bounds of an expression ival_ok accepted, as i64 values. */
static void ival_eval(IvalEval *e, const Scope *s, Node *n, LLVMValueRef *lo, LLVMValueRef *hi) {
  Fn *F = e->F;
  switch (n->kind) {
  case ND_INT:
    *lo = *hi = fn_i64(F, n->ival);
    return;
  case ND_NAME:
    if (n->sym->kind == SYM_CONST) {
      *lo = *hi = fn_i64(F, n->sym->value->ival);
    } else if (!s->p) {
      const Binding *b = bound(s, n->sym);
      *lo = b->lo;
      *hi = b->hi;
    } else if (n->sym == s->p->iv) {
      *lo = e->ivlo;
      *hi = e->ivhi;
    } else if (inner_iv(s->p, n->sym)) {
      *lo = fn_i64(F, inner_iv(s->p, n->sym)->lo);
      *hi = fn_i64(F, inner_iv(s->p, n->sym)->hi);
    } else {
      break; /* an invariant */
    }
    return;
  case ND_CAST:
    if (n->a->ty->kind == TY_BOOL) {
      *lo = fn_i64(F, 0);
      *hi = fn_i64(F, 1);
    } else {
      ival_eval(e, s, n->a, lo, hi);
    }
    return;
  case ND_UNARYOP: {
    LLVMValueRef alo, ahi;
    ival_eval(e, s, n->a, &alo, &ahi);
    *lo = ie_op(e, "llvm.ssub.with.overflow", fn_i64(F, 0), ahi);
    *hi = ie_op(e, "llvm.ssub.with.overflow", fn_i64(F, 0), alo);
    return;
  }
  case ND_BINOP:
    ival_binop(e, s, n, lo, hi);
    return;
  case ND_CALL:
    if (int_of_int(n)) {
      ival_eval(e, s, n->list.data[0], lo, hi);
      return;
    }
    break;
  case ND_SUBSCRIPT: {
    int64_t l, h;
    if (narrow_elem_range(n, &l, &h) && !(s->p && affine(s->p, n) == AFF_INV)) {
      *lo = fn_i64(F, l);
      *hi = fn_i64(F, h);
      return;
    }
    break;
  }
  default:
    break;
  }
  /* a loop invariant: a variable, a.shape[k], len(a), read before the loop */
  *lo = *hi = convert(F, lower_expr(F, n), n->ty, tt_scalar(F, TY_I64));
}

/* Adds to e->ok (and e->ovf) what discharges n's check. */
static void ival_check(IvalEval *e, const Scope *s, Node *n, int k) {
  Fn *F = e->F;
  LLVMValueRef lo, hi, zero = fn_i64(F, 0);
  ival_eval(e, s, (Node *)check_operand(n, k), &lo, &hi);
  if (k == CHK_DIVISOR) /* lo > 0 or hi < -1 */
    e->ok = LLVMBuildAnd(F->b, e->ok,
                         LLVMBuildOr(F->b, LLVMBuildICmp(F->b, LLVMIntSGT, lo, zero, ""),
                                     LLVMBuildICmp(F->b, LLVMIntSLT, hi, fn_i64(F, -1), ""), ""), "");
  else if (k == CHK_NONZERO)
    e->ok = LLVMBuildAnd(F->b, e->ok,
                         LLVMBuildOr(F->b, LLVMBuildICmp(F->b, LLVMIntSGT, lo, zero, ""),
                                     LLVMBuildICmp(F->b, LLVMIntSLT, hi, zero, ""), ""), "");
}

/* Every check pure_expr collected under e, in a callee scope. */
static void ival_checks_under(IvalEval *ev, const Scope *s, Node *e, bool ovf_checked) {
  if (!e)
    return;
  ival_checks_under(ev, s, e->a, ovf_checked);
  ival_checks_under(ev, s, e->b, ovf_checked);
  ival_checks_under(ev, s, e->c, ovf_checked);
  for (int i = 0; i < e->list.len; i++)
    ival_checks_under(ev, s, e->list.data[i], ovf_checked);
  int k = check_kind(e, ovf_checked);
  if (dischargeable(k))
    ival_check(ev, s, e, k);
}

/* A covered call: the callee's checks with its parameters bound to the
 * arguments' intervals, statement by statement. */
static void ival_call(IvalEval *ev, const Scope *loop, Node *n) {
  Fn *F = ev->F;
  const FuncInst *g = n->callee;
  const PureFn *pf = pure_callee(F->L, lower_func_index(F->L, g));
  Scope s = {NULL, {0}};
  bind_params(F->L->arena, &s, g);
  for (int k = 0; k < g->nparams; k++) {
    Binding *b = &s.env.data[k];
    if (b->known && k < n->list.len)
      ival_eval(ev, loop, n->list.data[k], &b->lo, &b->hi);
    else if (b->known)
      b->lo = b->hi = fn_i64(F, g->defaults[k]->ival);
  }
  NodeList *body = &g->func->list2;
  for (int i = 0; i < body->len; i++) {
    Node *st = body->data[i];
    Symbol *x;
    Node *e;
    if (is_docstring(st))
      continue;
    if (!stmt_value(st, &x, &e)) { /* the return */
      ival_checks_under(ev, &s, st->a, pf->ovf_checked);
      return;
    }
    ival_checks_under(ev, &s, e, pf->ovf_checked);
    LLVMValueRef lo = NULL, hi = NULL;
    if (int_fits_i64(x->ty) && ival_ok(&s, e))
      ival_eval(ev, &s, e, &lo, &hi);
    bind_local(F->L->arena, &s, x, e, lo, hi);
  }
}

/* Adds to e->ok that every index of a covered subscript is in [0, shape). */
static void ival_subscript(IvalEval *e, const Scope *s, Node *sub) {
  Fn *F = e->F;
  ArrView v;
  array_view(F, sub->a, &v);
  for (int k = 0; k < sub->list.len; k++) {
    LLVMValueRef lo, hi;
    ival_eval(e, s, sub->list.data[k], &lo, &hi);
    LLVMValueRef in = LLVMBuildAnd(F->b, LLVMBuildICmp(F->b, LLVMIntSGE, lo, fn_i64(F, 0), ""),
                                   LLVMBuildICmp(F->b, LLVMIntSLT, hi, v.shape[k], ""), "");
    e->ok = LLVMBuildAnd(F->b, e->ok, in, "");
  }
}

/* i1: every covered arithmetic node and call is check-free in the loop. */
static LLVMValueRef intervals_ok(Fn *F, const Plan *p, LLVMValueRef first, LLVMValueRef last) {
  if (!p->ariths.len && !p->calls.len && !p->isubs.len)
    return fn_bool(F, true);
  IvalEval e = {F, smin(F, first, last), smax(F, first, last), fn_bool(F, false), fn_bool(F, true)};
  Scope s = {p, {0}};
  for (int i = 0; i < p->ariths.len; i++) {
    Node *n = p->ariths.data[i];
    ival_check(&e, &s, n, check_kind(n, F->overflowcheck));
  }
  for (int i = 0; i < p->calls.len; i++)
    ival_call(&e, &s, p->calls.data[i]);
  for (int i = 0; i < p->isubs.len; i++)
    ival_subscript(&e, &s, p->isubs.data[i]);
  return LLVMBuildAnd(F->b, e.ok, LLVMBuildNot(F->b, e.ovf, ""), "");
}

/* A scope for pure_call_*: vars bound to the given intervals (lo, hi NULL
 * at plan time). */
static Scope vars_scope(Fn *F, const Symbol *const *vars, const LLVMValueRef *lo,
                        const LLVMValueRef *hi, int n) {
  Scope s = {NULL, {0}};
  for (int k = 0; k < n; k++) {
    Binding b = {vars[k], true, lo ? lo[k] : NULL, hi ? hi[k] : NULL};
    vec_push(F->L->arena, &s.env, b);
  }
  return s;
}

bool pure_call_covered(Fn *F, const Node *n, const Symbol *const *vars, int nvars) {
  Scope s = vars_scope(F, vars, NULL, NULL, nvars);
  return call_covered(F, n, &s);
}

LLVMValueRef pure_call_ok(Fn *F, Node *n, const Symbol *const *vars, const LLVMValueRef *lo,
                          const LLVMValueRef *hi, int nvars) {
  IvalEval e = {F, NULL, NULL, fn_bool(F, false), fn_bool(F, true)};
  Scope s = vars_scope(F, vars, lo, hi, nvars);
  ival_call(&e, &s, n);
  return LLVMBuildAnd(F->b, e.ok, LLVMBuildNot(F->b, e.ovf, ""), "");
}

/* ---------------------------------------------------------------- guard */

typedef struct GuardEval {
  Fn *F;
  const Plan *p;
  LLVMValueRef iv;  /* the loop variable's value at this end */
  LLVMValueRef ovf; /* i1: some step overflowed */
} GuardEval;

static LLVMValueRef ovf_op(GuardEval *g, const char *intr, LLVMValueRef a, LLVMValueRef b) {
  return ovf_step(g->F, &g->ovf, intr, a, b);
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

/* i1: sub's indices are in bounds at both ends of the range of the loop
 * variable in which it runs: the loop's, narrowed by the bounds of its
 * enclosing ifs (true if that range is empty: it never runs). */
static LLVMValueRef sub_ok(Fn *F, const Plan *p, Node *sub, const IvCond *c, GuardEval *g0,
                           GuardEval *g1) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true), runs = NULL;
  GuardEval lo = *g0, hi = *g1;
  if (c) {
    lo.iv = smin(F, g0->iv, g1->iv);
    hi.iv = smax(F, g0->iv, g1->iv);
    for (; c; c = c->up) {
      LLVMValueRef v = ovf_op(g0, "llvm.sadd.with.overflow", eval_affine(g0, c->e), fn_i64(F, c->adj));
      if (c->lower)
        lo.iv = smax(F, lo.iv, v);
      else
        hi.iv = smin(F, hi.iv, v);
    }
    runs = LLVMBuildICmp(B, LLVMIntSLE, lo.iv, hi.iv, "");
  }
  ArrView v;
  array_view(F, sub->a, &v);
  for (int k = 0; k < sub->list.len; k++) {
    Node *e = sub->list.data[k];
    ok = LLVMBuildAnd(B, ok, in_bounds(&lo, e, v.shape[k]), "");
    if (affine(p, e) == AFF_LIN)
      ok = LLVMBuildAnd(B, ok, in_bounds(&hi, e, v.shape[k]), "");
  }
  g0->ovf = LLVMBuildOr(B, g0->ovf, LLVMBuildOr(B, lo.ovf, hi.ovf, ""), "");
  return runs ? LLVMBuildOr(B, LLVMBuildNot(B, runs, ""), ok, "") : ok;
}

/* i1: every covered index is in [0, size) at both ends of the loop. */
static LLVMValueRef guard(Fn *F, const Plan *p, LLVMValueRef first, LLVMValueRef last,
                          LLVMValueRef count) {
  LLVMValueRef ok = fn_bool(F, true);
  GuardEval g0 = {F, p, first, fn_bool(F, false)}, g1 = {F, p, last, fn_bool(F, false)};
  for (int s = 0; s < p->subs.len; s++)
    ok = LLVMBuildAnd(F->b, ok, sub_ok(F, p, p->subs.data[s], p->subcond.data[s], &g0, &g1), "");
  ok = LLVMBuildAnd(F->b, ok, sums_ok(F, p, &g0, &g1, count), "");
  ok = LLVMBuildAnd(F->b, ok, intervals_ok(F, p, first, last), "");
  LLVMValueRef ovf = LLVMBuildOr(F->b, g0.ovf, g1.ovf, "");
  return LLVMBuildAnd(F->b, ok, LLVMBuildNot(F->b, ovf, ""), "vguard");
}

/* ------------------------------------------------------------------ API */

bool loop_version_plan(Fn *F, Node *forn, LoopVersion *out) {
  memset(out, 0, sizeof *out);
  Node *t = forn->a;
  if (!t || t->kind != ND_NAME || !t->sym || !t->sym->ty || t->sym->ty->kind != TY_I64)
    return false;
  if (F->in_fast_nest || F->cold_copy) /* covered by the nest guard; or the rare strided copy (lower_layout.c) */
    return false;
  Plan p = {0};
  p.F = F;
  p.iv = t->sym;
  p.nest_ok = true;
  scan_stmts(&p, &forn->list);
  if ((p.nested && !p.nest_ok) || is_assigned(&p, p.iv) || inner_iv(&p, p.iv))
    return false;
  for (int i = 0; i < p.inner.len; i++) {
    InnerIV *iv = &p.inner.data[i];
    if (count_assigned(&p, iv->sym) != iv->loops)
      iv->ok = false; /* assigned elsewhere too */
  }
  if (p.nested)
    for (int i = 0; i < forn->list.len; i++)
      check_iv_reads(&p, forn->list.data[i], NULL);
  scan_list(&p, &forn->list, false);
  if (F->overflowcheck && !p.nested)
    scan_sums(&p, &forn->list);
  /* subscripts that cost nothing anyway (constant non-negative indices
   * with bounds checks off) are not worth a second copy */
  bool worth = p.sums.len > 0 || p.ariths.len > 0 || p.calls.len > 0 || p.isubs.len > 0;
  for (int s = 0; s < p.subs.len && !worth; s++) {
    Node *sub = p.subs.data[s];
    for (int k = 0; k < sub->list.len; k++)
      if (sub->list.data[k]->kind != ND_INT || F->boundscheck)
        worth = true;
  }
  if (!worth)
    return false;
  out->nest = p.nested;
  out->p = ARENA_NEW(F->L->arena, Plan);
  *out->p = p;
  /* the fast copy's proven nodes: subscripts, sums, arithmetic, calls */
  out->nsubs = p.subs.len + p.isubs.len + p.sums.len + p.ariths.len + p.calls.len;
  Node **all = ARENA_ARRAY(F->L->arena, Node *, out->nsubs + 1);
  int k = 0;
  /* an empty VEC has a NULL data pointer, and memcpy(NULL, 0) is undefined */
  for (int i = 0; i < p.subs.len; i++)
    all[k++] = p.subs.data[i];
  for (int i = 0; i < p.isubs.len; i++)
    all[k++] = p.isubs.data[i];
  for (int i = 0; i < p.sums.len; i++)
    all[k++] = p.sums.data[i];
  for (int i = 0; i < p.ariths.len; i++)
    all[k++] = p.ariths.data[i];
  for (int i = 0; i < p.calls.len; i++)
    all[k++] = p.calls.data[i];
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
