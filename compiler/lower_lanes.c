/* lower_lanes.c: iterations of a range loop run side by side, in lanes.
 *
 *     for px in range(w):
 *         cr = -2.0 + 3.0 * px / w          # the prefix
 *         zr = 0.0; zi = 0.0; n = 0
 *         while n < maxiter:                # a while loop of scalar steps
 *             zr2 = zr * zr; ...
 *         out[py, px] = n                   # the suffix
 *         total += n
 *
 * Each step of the while loop waits for the step before (mandelbrot: a
 * chain of about 12 cycles for 10 float operations), so one iteration at a
 * time leaves most of the core idle.  The iterations are independent until
 * their suffix, so LANES of them run their prefix and while loop in
 * lockstep, each lane on its own copy of the variables: a round steps every
 * lane still running once, and the out-of-order core overlaps the chains
 * (measured in C on this machine: 2 lanes 1.8x, 3 lanes 2.2x faster).  Then
 * each lane's suffix runs, in order, on the ordinary variables.  Every lane
 * does the same operations on the same values: results are bit-identical.
 *
 * Why it is exact:
 *  - the prefix and the while loop have no effect but on local scalars
 *    (lower_defer.c's statements, without subscripts), and they read no
 *    variable the loop body assigns except their own lane's;
 *  - each variable they assign is assigned by the prefix, unconditionally,
 *    before it is read (it is copied to the ordinary variable before the
 *    lane's suffix), or is a temporary of the while body: assigned at its
 *    top level before each read, and named nowhere else in the function;
 *  - their checks OR into a flag (lower_defer.c's deferred checks).  A round
 *    that ends with the flag set ends the lanes, and the ordinary loop runs
 *    from the first lane's iteration: nothing but lane variables changed, so
 *    it repeats the very steps up to the raise.  The flag also stops lanes
 *    that would go on computing from a value a raise should have stopped.
 * The ordinary loop also runs the iterations left over (fewer than LANES).
 *
 * The inner loop may also be `for k in range([a,] b)`: its arguments are
 * evaluated once per lane after the prefix, and k is a temporary.  It must
 * do float arithmetic (collatz's integer while loop ran 1.33x slower in
 * lanes in safe mode).
 *
 * Uniform lanes: when a and b are constants or ints the outer body never
 * assigns (`range(k)`, `range(1, d)`, `range(a.shape[1])`) and the inner
 * body has no break or continue, every lane runs the same k: one k loop
 * runs each lane's body in turn (uniform_rounds), without per-lane tests,
 * and LLVM's SLP vectorizer does the lanes' like operations in one vector
 * instruction.  Such loops run 8 lanes (UNIFORM_LANES), except when an
 * inner read indexes a row by the loop variable (reads_across_rows).  Its
 * body may then read arrays (conv1d's `x[i + j]`, matmul's `b[k, j]`) at
 * indices that are sums and differences of the two loop variables and
 * invariant ints.  Before the lanes start, memory_ok tests each such index
 * at the four corners (first or last lane, first or last k): in [0, n),
 * and it and every sum inside it within int64.  They are linear in i and
 * k, so every index the lanes use is then in bounds and computed without
 * overflow, and the reads are lowered as proven subscripts.  The arrays it
 * reads must share no byte with those the suffix stores into.  A loop
 * with a lane per round that reads arrays (matmul's k loop, horner's
 * coefficients, kmeans' centres) ran 1.4-2.9x slower, so only uniform
 * lanes read arrays in the inner loop (any_subscript).  A uniform inner
 * loop may also call pure callees (plan_calls), whose checks memory_ok
 * evaluates over the lanes' intervals first.
 *
 * More forms that keep it exact:
 *  - the prefix may read array elements whose indices are the loop
 *    variable, constants or names the body does not assign (`a = x[i]`).
 *    Before the lanes start, a test shows every index the lanes will use in
 *    [0, n) (the ordinary loop runs otherwise: a lane may read an element
 *    the original loop would have left unread after a `break`) and every
 *    array read apart from every array the suffix stores into, except a 1-D
 *    array the prefix reads and the suffix stores by the loop variable
 *    alone (`x[i] = f(x[i])`), where each lane has its own element;
 *  - a counter shared by the iterations, `total += k` in the while loop
 *    (k > 0 an int constant, the counter named nowhere else in the prefix
 *    and while loop), is counted per lane from 0 and added to the ordinary
 *    variable before that lane's suffix.  The sum only grows, so it
 *    overflows if and only if one of CPython's steps would have; the add
 *    raises there, after the earlier suffixes, as the original loop does;
 *  - math.fabs and math.sqrt (whose domain check is deferred too). */
#include "lower_fn.h"

#define LANES 4          /* lanes of a loop whose lanes step one by one */
#define UNIFORM_LANES 8  /* of a uniform one */
#define MAX_LANES 8

typedef VEC(Symbol *) SymVec;

static bool has(const SymVec *v, const Symbol *s) {
  for (int i = 0; i < v->len; i++)
    if (v->data[i] == s)
      return true;
  return false;
}

typedef struct Scan {
  Fn *F;
  const NodeList *body;  /* the for loop's body */
  const Node *w;         /* the while loop */
  NodeList prefix;
  SymVec def;            /* lane variables assigned so far: loop variable, prefix */
  SymVec tmp;            /* temporaries of the while body assigned so far */
  SymVec cnt;            /* counters */
  VEC(Node *) cnt_stmt;
} Scan;

static bool bad_read(const Node *n, const void *ctx) {
  const Scan *s = ctx;
  return n->kind == ND_NAME && n->sym && !n->builtin && !has(&s->def, n->sym) &&
         !has(&s->tmp, n->sym) && !invariant_name(s->body, n);
}

static bool reads_ok(const Scan *s, const Node *e) { return !e || !node_any(e, bad_read, s); }

typedef struct Count {
  const Symbol *sym;
  int n;
} Count;

static bool count_sym(const Node *n, const void *ctx) {
  Count *c = (Count *)ctx;
  if ((n->kind == ND_NAME || n->kind == ND_ANNASSIGN) && n->sym == c->sym)
    c->n++;
  return false;
}

static int occurrences(const NodeList *l, const Symbol *sym) {
  Count c = {sym, 0};
  for (int i = 0; i < l->len; i++)
    node_any(l->data[i], count_sym, &c);
  return c.n;
}

static int occurrences_in_while(const Scan *s, const Symbol *sym) {
  const NodeList one = {(Node **)&s->w, 1, 1};
  return occurrences(&one, sym);
}

/* The variable is named in the while loop and nowhere else in the function. */
static bool only_in_while(const Scan *s, const Symbol *sym) {
  return occurrences(&s->F->f->func->list2, sym) == occurrences_in_while(s, sym);
}

/* `c += k` in the while loop, k > 0 an int constant, c named nowhere else in
 * the prefix and the while loop: a counter. */
static bool counter(const Scan *s, const Node *st) {
  int64_t k;
  return is_local_int(st->a) && st->op == OP_ADD && node_int_const(st->b, &k) && k > 0 &&
         occurrences_in_while(s, st->a->sym) == 1 && occurrences(&s->prefix, st->a->sym) == 0;
}

static Symbol *assigned_sym(const Node *st, int k) {
  if (st->kind == ND_ANNASSIGN)
    return annassign_sym(st);
  return st->kind == ND_ASSIGN ? st->list.data[k]->sym : st->a->sym;
}

/* Statement st of the prefix (in_while false) or of the while body; top:
 * not nested in an `if`.  Grows def (prefix) or tmp (while body). */
static bool scan_stmt(Scan *s, Node *st, bool in_while, bool top) {
  switch (st->kind) {
  case ND_PASS:
    return true;
  case ND_BREAK: case ND_CONTINUE:
    return in_while; /* in the prefix they would leave the for loop */
  case ND_IF:
    if (!reads_ok(s, st->a))
      return false;
    for (int i = 0; i < st->list.len; i++)
      if (!scan_stmt(s, st->list.data[i], in_while, false))
        return false;
    for (int i = 0; i < st->list2.len; i++)
      if (!scan_stmt(s, st->list2.data[i], in_while, false))
        return false;
    return true;
  case ND_AUGASSIGN:
    if (in_while && !has(&s->def, st->a->sym) && !has(&s->tmp, st->a->sym) && counter(s, st)) {
      vec_push(s->F->L->arena, &s->cnt, st->a->sym);
      vec_push(s->F->L->arena, &s->cnt_stmt, st);
      return true;
    }
    return reads_ok(s, st->a) && reads_ok(s, st->b);
  case ND_ASSIGN: case ND_ANNASSIGN: {
    const Node *v = st->kind == ND_ASSIGN ? st->a : st->c;
    if (!v)
      return true; /* `x: float` alone assigns nothing */
    if (!reads_ok(s, v))
      return false;
    int nt = st->kind == ND_ASSIGN ? st->list.len : 1;
    for (int k = 0; k < nt; k++) {
      Symbol *sym = assigned_sym(st, k);
      if (has(&s->def, sym) || has(&s->tmp, sym))
        continue;
      if (!top)
        return false; /* first assigned under an `if`: maybe not at all */
      if (!in_while)
        vec_push(s->F->L->arena, &s->def, sym);
      else if (only_in_while(s, sym))
        vec_push(s->F->L->arena, &s->tmp, sym);
      else
        return false;
    }
    return true;
  }
  default:
    return false;
  }
}

typedef VEC(Node *) NodeVec;

typedef struct Collect {
  Arena *arena;
  NodeVec *subs;  /* subscripts */
  NodeVec *stores; /* subscripts stored into */
  bool call;      /* a call of a compiled function */
} Collect;

static void note_store(const Collect *c, const Node *t) {
  if (t->kind == ND_SUBSCRIPT)
    vec_push(c->arena, c->stores, (Node *)t);
  else if (t->kind == ND_TUPLE)
    for (int i = 0; i < t->list.len; i++)
      note_store(c, t->list.data[i]);
}

static bool collect(const Node *n, const void *ctx) {
  Collect *c = (Collect *)ctx;
  if (n->kind == ND_SUBSCRIPT && c->subs)
    vec_push(c->arena, c->subs, (Node *)n);
  if (n->kind == ND_ASSIGN && c->stores)
    for (int i = 0; i < n->list.len; i++)
      note_store(c, n->list.data[i]);
  if ((n->kind == ND_AUGASSIGN || n->kind == ND_ANNASSIGN) && c->stores && n->a)
    note_store(c, n->a);
  c->call |= n->kind == ND_CALL && n->callee;
  return false;
}

/* The inner loop `for k in range([a,] b)`: its range's arguments (NULL if
 * the inner loop is a while loop or has another form). */
static NodeList *inner_range(Node *w) {
  if (w->kind != ND_FOR || !w->b || w->b->kind != ND_CALL || w->b->builtin != BI_RANGE ||
      w->b->list.len < 1 || w->b->list.len > 2 || !w->a || w->a->kind != ND_NAME || !w->a->sym ||
      w->a->sym->kind != SYM_LOCAL || !w->a->ty || w->a->ty->kind != TY_I64)
    return NULL;
  return &w->b->list;
}

/* An index the lanes can test before they start: the loop variable, an
 * int constant, an invariant int name. */
static bool index_ok_static(const Scan *s, const Node *x, const Symbol *iv) {
  int64_t c;
  return (x->kind == ND_NAME && x->sym == iv) || node_int_const(x, &c) ||
         (x->kind == ND_NAME && x->ty && x->ty->kind == TY_I64 && invariant_name(s->body, x));
}

static bool read_ok(const Scan *s, const Node *sub, const Symbol *iv) {
  if (!is_array_name(sub->a) || !invariant_name(s->body, sub->a))
    return false;
  for (int i = 0; i < sub->list.len; i++)
    if (!index_ok_static(s, sub->list.data[i], iv))
      return false;
  return true;
}

static bool is_iv_1d(const Node *sub, const Symbol *iv) {
  return sub->list.len == 1 && sub->list.data[0]->kind == ND_NAME && sub->list.data[0]->sym == iv;
}

/* An int the loop body cannot change: a constant, a name it never
 * assigns, `a.shape[c]` of an array name it never assigns. */
static bool invariant_int(const NodeList *body, const Node *x) {
  int64_t c;
  x = node_uncast(x);
  if (node_int_const(x, &c))
    return true;
  if (x->kind == ND_NAME)
    return x->ty && x->ty->kind == TY_I64 && invariant_name(body, x);
  return x->kind == ND_SUBSCRIPT && x->a->kind == ND_ATTR && x->a->builtin == BI_A_SHAPE &&
         is_array_name(x->a->a) && invariant_name(body, x->a->a) &&
         x->list.len == 1 && node_int_const(x->list.data[0], &c);
}

/* An index of an inner read: a sum or difference of the loop variable,
 * the inner variable and invariant ints (linear in the two variables: its
 * extremes over the lanes are at the corners, which memory_ok tests). */
static bool affine_index(const Scan *s, const Node *x, const Symbol *iv) {
  x = node_uncast(x);
  if (x->kind == ND_NAME && x->sym && (x->sym == iv || x->sym == s->w->a->sym))
    return true;
  if (invariant_int(s->body, x))
    return true;
  return x->kind == ND_BINOP && (x->op == OP_ADD || x->op == OP_SUB) && affine_index(s, x->a, iv) &&
         affine_index(s, x->b, iv);
}

static bool inner_read_ok(const Scan *s, const Node *sub, const Symbol *iv) {
  if (!is_array_name(sub->a) || !invariant_name(s->body, sub->a))
    return false;
  for (int i = 0; i < sub->list.len; i++)
    if (!affine_index(s, sub->list.data[i], iv))
      return false;
  return true;
}

/* The prefix's reads and the suffix's stores.  An array
 * both read and stored must be 1-D and subscripted by the loop variable
 * alone, each lane then touching its own element (lp->same). */
static bool plan_memory(Scan *s, const Node *forn, const Symbol *iv, LanePlan *lp) {
  Arena *a = s->F->L->arena;
  NodeVec subs = {0}, stores = {0}, same = {0}, inner = {0};
  Collect c = {a, &subs, NULL, false};
  for (int i = 0; i < s->prefix.len; i++)
    node_any(s->prefix.data[i], collect, &c);
  if (c.call)
    return false;
  for (int i = 0; i < subs.len; i++)
    if (!read_ok(s, subs.data[i], iv))
      return false;
  if (lp->uniform) {
    Collect ci = {a, &inner, NULL, false};
    for (int i = 0; i < s->w->list.len; i++) /* the body: the range's arguments are no reads */
      node_any(s->w->list.data[i], collect, &ci);
    for (int i = 0; i < inner.len; i++)
      if (!inner_read_ok(s, inner.data[i], iv))
        return false;
  }
  if (subs.len + inner.len > 0) {
    Collect st = {a, NULL, &stores, false};
    for (int i = s->prefix.len + 1; i < forn->list.len; i++)
      node_any(forn->list.data[i], collect, &st);
    if (st.call)
      return false; /* a compiled function may store into what the lanes read */
    for (int i = 0; i < stores.len; i++) {
      Node *t = stores.data[i];
      if (!is_array_name(t->a))
        return false;
      for (int k = 0; k < inner.len; k++)
        if (inner.data[k]->a->sym == t->a->sym)
          return false; /* the inner loop reads what a suffix stores */
      bool read = false;
      for (int k = 0; k < subs.len; k++)
        if (subs.data[k]->a->sym == t->a->sym) {
          read = true;
          if (!is_iv_1d(subs.data[k], iv))
            return false;
        }
      if (read && !is_iv_1d(t, iv))
        return false;
      if (read)
        vec_push(a, &same, t->a);
    }
  }
  lp->reads = subs.data;
  lp->nreads = subs.len;
  lp->stored = stores.data;
  lp->nstored = stores.len;
  lp->same = same.data;
  lp->nsame = same.len;
  lp->inner = inner.data;
  lp->ninner = inner.len;
  return true;
}

static bool float_op(const Node *n, const void *ctx) {
  (void)ctx;
  return (n->kind == ND_BINOP || n->kind == ND_AUGASSIGN) && n->ty && type_is_float(n->ty);
}

static bool names_sym(const Node *n, const void *ctx) {
  return n->kind == ND_NAME && n->sym == (const Symbol *)ctx;
}

/* An inner read indexes an axis other than the last by the loop variable
 * (kmeans' `cent[c, d]`): neighbouring lanes read a row apart, and eight
 * lanes made the SLP vectorizer gather them (1.74x slower than four). */
static bool reads_across_rows(const LanePlan *lp, const Symbol *iv) {
  for (int r = 0; r < lp->ninner; r++) {
    const Node *sub = lp->inner[r];
    for (int d = 0; d + 1 < sub->list.len; d++)
      if (node_any(sub->list.data[d], names_sym, iv))
        return true;
  }
  return false;
}

/* Only a uniform inner loop may read arrays: one with a lane per round
 * (matmul's k loop, horner's coefficients, kmeans' centres) ran 1.4-2.9x
 * slower, where LLVM no longer vectorizes or unrolls it. */
static bool any_subscript(const Node *n, const void *ctx) {
  (void)ctx;
  return n->kind == ND_SUBSCRIPT;
}

static bool leaves_loop(const Node *n, const void *ctx) {
  (void)ctx;
  return n->kind == ND_BREAK || n->kind == ND_CONTINUE;
}

/* `for k in range([a,] b)` with a and b int constants or names the outer
 * body never assigns, and no break or continue: every lane runs k alike. */
static bool uniform_range(const NodeList *body, Node *w) {
  NodeList *r = inner_range(w);
  if (!r)
    return false;
  for (int i = 0; i < r->len; i++)
    if (!invariant_int(body, r->data[i]))
      return false;
  for (int i = 0; i < w->list.len; i++)
    if (node_any(w->list.data[i], leaves_loop, NULL))
      return false;
  return true;
}

/* F->proven grows by nodes[0..n) (the caller restores it). */
static void add_proven(Fn *F, Node *const *nodes, int n) {
  if (n == 0)
    return;
  Node **all = ARENA_ARRAY(F->L->arena, Node *, F->nproven + n);
  for (int i = 0; i < F->nproven; i++)
    all[i] = F->proven[i];
  for (int i = 0; i < n; i++)
    all[F->nproven + i] = nodes[i];
  F->proven = all;
  F->nproven += n;
}

typedef struct CallScan {
  Fn *F;
  const NodeList *body;  /* the outer loop's */
  VEC(const Symbol *) vars; /* the loop variable, the inner one, invariant ints */
  NodeVec calls;
  bool bad;
} CallScan;

static bool note_invariant(const Node *n, const void *ctx) {
  CallScan *c = (CallScan *)ctx;
  if (n->kind == ND_NAME && n->sym && n->sym->kind != SYM_CONST && n->ty &&
      n->ty->kind == TY_I64 && invariant_name(c->body, n)) {
    for (int i = 0; i < c->vars.len; i++)
      if (c->vars.data[i] == n->sym)
        return false;
    vec_push(c->F->L->arena, &c->vars, n->sym);
  }
  return false;
}

static bool note_call(const Node *n, const void *ctx) {
  CallScan *c = (CallScan *)ctx;
  if (n->kind == ND_CALL && n->callee) {
    for (int i = 0; i < n->list.len; i++)
      node_any(n->list.data[i], note_invariant, c);
    vec_push(c->F->L->arena, &c->calls, (Node *)n);
  }
  return false;
}

/* The calls of compiled functions in a uniform inner loop: pure callees
 * whose int arguments are built from the two loop variables, ints the
 * outer body never assigns and constants (spectral_norm's eval_a(i, j)).
 * memory_ok tests their checks over the lanes' intervals; they then call
 * the variant without checks.  False if another call is there. */
static bool plan_calls(Fn *F, const NodeList *body, const Node *w, const Symbol *iv, LanePlan *lp) {
  CallScan c = {F, body, {0}, {0}, false};
  vec_push(F->L->arena, &c.vars, iv);
  vec_push(F->L->arena, &c.vars, w->a->sym);
  for (int i = 0; i < w->list.len; i++)
    node_any(w->list.data[i], note_call, &c);
  for (int i = 0; i < c.calls.len; i++)
    if (!pure_call_covered(F, c.calls.data[i], c.vars.data, c.vars.len))
      return false;
  lp->calls = c.calls.data;
  lp->ncalls = c.calls.len;
  lp->cvars = c.vars.data;
  lp->ncvars = c.vars.len;
  return true;
}

static bool statements_ok(Fn *F, Node *w, NodeList *prefix, bool uniform) {
  F->lanes_scan = true;
  bool ok = defer_ok_stmts(F, &w->list) && defer_ok_stmts(F, prefix);
  if (w->kind == ND_WHILE)
    ok = ok && defer_ok_expr(F, w->a);
  for (int i = 0; ok && w->kind == ND_FOR && !uniform && i < w->b->list.len; i++)
    ok = defer_ok_expr(F, w->b->list.data[i]);
  F->lanes_scan = false;
  return ok;
}

/* The for loop qualifies (see above): fills lp. */
bool loop_lanes_plan(Fn *F, Node *forn, LanePlan *lp) {
  if (F->defer_slot || F->drop_stores || F->cold_copy || F->nres || F->fwd || F->fiv_sym)
    return false;
  const Node *iv = forn->a;
  if (!iv || iv->kind != ND_NAME || !iv->sym || iv->sym->kind != SYM_LOCAL || !iv->ty ||
      iv->ty->kind != TY_I64 || forn->list2.len || stmts_assign(&forn->list, iv->sym))
    return false;
  int wi = -1;
  for (int i = 0; i < forn->list.len; i++)
    if (forn->list.data[i]->kind == ND_WHILE || inner_range(forn->list.data[i])) {
      wi = i;
      break;
    }
  if (wi < 0)
    return false;
  Node *w = forn->list.data[wi];
  Scan s = {F, &forn->list, w, {forn->list.data, wi, wi}, {0}, {0}, {0}, {0}};
  lp->uniform = uniform_range(&forn->list, w);
  lp->ncalls = 0;
  if (lp->uniform && !plan_calls(F, &forn->list, w, iv->sym, lp))
    return false;
  /* the covered calls count as proven while the statements are judged */
  Node *const *proven = F->proven;
  int nproven = F->nproven;
  add_proven(F, lp->calls, lp->ncalls);
  bool stmts = statements_ok(F, w, &s.prefix, lp->uniform);
  F->proven = proven;
  F->nproven = nproven;
  if (w->list2.len || !node_any(w, float_op, NULL) ||
      (!lp->uniform && node_any(w, any_subscript, NULL)) || !stmts ||
      !plan_memory(&s, forn, iv->sym, lp))
    return false;
  vec_push(F->L->arena, &s.def, iv->sym);
  for (int i = 0; i < wi; i++)
    if (!scan_stmt(&s, forn->list.data[i], false, true))
      return false;
  if (w->kind == ND_WHILE && !reads_ok(&s, w->a))
    return false;
  if (w->kind == ND_FOR) {
    /* the range's arguments are evaluated once, after the prefix; the
     * inner loop's variable is a temporary (its value after an empty
     * range would be another iteration's) */
    for (int i = 0; i < w->b->list.len; i++)
      if (!reads_ok(&s, w->b->list.data[i]))
        return false;
    if (!only_in_while(&s, w->a->sym) || has(&s.def, w->a->sym))
      return false;
    vec_push(F->L->arena, &s.tmp, w->a->sym);
  }
  for (int i = 0; i < w->list.len; i++)
    if (!scan_stmt(&s, w->list.data[i], true, true))
      return false;
  lp->w = w;
  lp->wi = wi;
  lp->nlanes = lp->uniform && !reads_across_rows(lp, iv->sym) ? UNIFORM_LANES : LANES;
  lp->ncopy = s.def.len;
  lp->nlocal = s.def.len + s.tmp.len;
  lp->nvars = lp->nlocal + s.cnt.len;
  lp->vars = ARENA_ARRAY(F->L->arena, Symbol *, lp->nvars);
  for (int i = 0; i < s.def.len; i++)
    lp->vars[i] = s.def.data[i];
  for (int i = 0; i < s.tmp.len; i++)
    lp->vars[s.def.len + i] = s.tmp.data[i];
  for (int i = 0; i < s.cnt.len; i++)
    lp->vars[lp->nlocal + i] = s.cnt.data[i];
  lp->count_stmt = s.cnt_stmt.data;
  return true;
}

static LLVMValueRef *slot_ref(Fn *F, const Symbol *s) {
  return s->kind == SYM_PARAM ? &F->param_slot[s->index] : &F->local_slot[s->index];
}

/* Puts lane `slots` in place of the variables' ordinary storage; returns it
 * into `slots` (a second call swaps back). */
static void swap_lane(Fn *F, const LanePlan *lp, LLVMValueRef *slots) {
  for (int v = 0; v < lp->nvars; v++) {
    LLVMValueRef *r = slot_ref(F, lp->vars[v]), t = *r;
    *r = slots[v];
    slots[v] = t;
  }
}

/* i1: i is in [0, n).  The prefix's reads are tested so before the lanes (not [-n, n):
 * a negative index sends the loop to the ordinary copy) and lowered as
 * proven subscripts, so no wrap-around branch sits between the lanes,
 * which kept the SLP vectorizer from running horner's eight lanes as one
 * vector (safe 0.79 -> 0.34 ms, unchecked 0.27 -> 0.19 ms).  Unchecked
 * logistic_map was 1.34x slower with it until its loop was dispatched on
 * unit strides (lower_layout.c). */
static LLVMValueRef index_ok(Fn *F, LLVMValueRef i, LLVMValueRef n) {
  return LLVMBuildICmp(F->b, LLVMIntULT, i, n, "");
}

/* subs[0..k) has a subscript of the array sym */
static bool seen_before(Node *const *subs, int k, const Symbol *sym) {
  for (int i = 0; i < k; i++)
    if (subs[i]->a->sym == sym)
      return true;
  return false;
}

/* i1: the lanes may read what the prefix reads.  Every index they will use
 * (the loop variable from first to last, monotone between) is in [0, n); no
 * array read shares a byte with an array the suffix stores into, except
 * the arrays each lane reads and stores at its own index only, whose
 * stride is then not 0. */
/* x, an affine_index, as an i128 (no sum of a few int64s overflows it),
 * with the loop variable iv = i and the inner variable k = kv. */
static LLVMValueRef wide_index(Fn *F, const Node *x, const Symbol *iv, LLVMValueRef i,
                               const Symbol *k, LLVMValueRef kv) {
  LLVMBuilderRef B = F->b;
  LLVMTypeRef t = LLVMInt128TypeInContext(F->L->ctx);
  int64_t c;
  x = node_uncast(x);
  if (node_int_const(x, &c))
    return LLVMConstInt(t, (unsigned long long)c, 1);
  if (x->kind == ND_NAME && (x->sym == iv || x->sym == k))
    return LLVMBuildSExt(B, x->sym == iv ? i : kv, t, "");
  if (x->kind != ND_BINOP) /* an invariant int */
    return LLVMBuildSExt(B, convert(F, lower_expr(F, (Node *)x), x->ty, tt_scalar(F, TY_I64)), t, "");
  LLVMValueRef a = wide_index(F, x->a, iv, i, k, kv), b = wide_index(F, x->b, iv, i, k, kv);
  return x->op == OP_ADD ? LLVMBuildAdd(B, a, b, "") : LLVMBuildSub(B, a, b, "");
}

/* i1: at the four corners (the loop variable first or last, the inner one
 * lo or hi - 1) x and each sum inside it fit in an int64, and x is in
 * [0, n) if n is given.  All are linear in the two variables, so this
 * holds for every lane and step in between. */
static LLVMValueRef corners_ok(Fn *F, const LanePlan *lp, const Node *x, LLVMValueRef n,
                               LLVMValueRef first, LLVMValueRef last, LLVMValueRef lo,
                               LLVMValueRef hi) {
  LLVMBuilderRef B = F->b;
  LLVMTypeRef t = LLVMInt128TypeInContext(F->L->ctx);
  x = node_uncast(x);
  if (x->kind != ND_BINOP && !n)
    return fn_bool(F, true);
  LLVMValueRef ok = fn_bool(F, true), ks[2] = {lo, LLVMBuildSub(B, hi, fn_i64(F, 1), "")};
  LLVMValueRef is[2] = {first, last};
  LLVMValueRef min = LLVMConstInt(t, (unsigned long long)INT64_MIN, 1);
  LLVMValueRef span = LLVMConstInt(t, UINT64_MAX, 0);
  for (int c = 0; c < 4; c++) {
    LLVMValueRef v = wide_index(F, x, lp->vars[0], is[c & 1], lp->w->a->sym, ks[c >> 1]);
    LLVMValueRef fits = n ? LLVMBuildICmp(B, LLVMIntULT, v, LLVMBuildZExt(B, n, t, ""), "")
                          : LLVMBuildICmp(B, LLVMIntULE, LLVMBuildSub(B, v, min, ""), span, "");
    ok = LLVMBuildAnd(B, ok, fits, "");
  }
  if (x->kind == ND_BINOP) {
    ok = LLVMBuildAnd(B, ok, corners_ok(F, lp, x->a, NULL, first, last, lo, hi), "");
    ok = LLVMBuildAnd(B, ok, corners_ok(F, lp, x->b, NULL, first, last, lo, hi), "");
  }
  return ok;
}

/* i1: an inner read's indices are in [0, n) and computed without
 * overflow in every lane and step (the uniform rounds lower it as a
 * proven subscript); vacuous when the inner range is empty. */
static LLVMValueRef inner_index_ok(Fn *F, const LanePlan *lp, const Node *sub, LLVMValueRef first,
                                   LLVMValueRef last, LLVMValueRef lo, LLVMValueRef hi) {
  LLVMBuilderRef B = F->b;
  ArrView v;
  array_view(F, sub->a, &v);
  LLVMValueRef ok = fn_bool(F, true);
  for (int d = 0; d < sub->list.len; d++)
    ok = LLVMBuildAnd(B, ok, corners_ok(F, lp, sub->list.data[d], v.shape[d], first, last, lo, hi), "");
  return LLVMBuildOr(B, ok, LLVMBuildICmp(B, LLVMIntSGE, lo, hi, ""), "");
}

/* i1: no byte of array `name` is in an array the suffix stores into. */
static LLVMValueRef apart_from_stores(Fn *F, const LanePlan *lp, Node *name) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true), rlo, rhi;
  if (!lp->nstored)
    return ok;
  array_span(F, name, &rlo, &rhi);
  for (int w = 0; w < lp->nstored; w++) {
    Node *t = lp->stored[w]->a;
    if (t->sym == name->sym || seen_before(lp->stored, w, t->sym))
      continue; /* lp->same, or tested already */
    LLVMValueRef wlo, whi;
    array_span(F, t, &wlo, &whi);
    ok = LLVMBuildAnd(B, ok, spans_apart(F, rlo, rhi, wlo, whi), "");
  }
  return ok;
}

static LLVMValueRef memory_ok(Fn *F, const LanePlan *lp, LLVMValueRef first, LLVMValueRef last,
                              LLVMValueRef lo, LLVMValueRef hi) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true), zero = fn_i64(F, 0);
  if (lp->ncalls) { /* the callees' checks over the lanes' intervals */
    LLVMValueRef up = LLVMBuildICmp(B, LLVMIntSLT, first, last, "");
    LLVMValueRef *los = ARENA_ARRAY(F->L->arena, LLVMValueRef, lp->ncvars);
    LLVMValueRef *his = ARENA_ARRAY(F->L->arena, LLVMValueRef, lp->ncvars);
    los[0] = LLVMBuildSelect(B, up, first, last, "");
    his[0] = LLVMBuildSelect(B, up, last, first, "");
    los[1] = lo;
    his[1] = LLVMBuildSub(B, hi, fn_i64(F, 1), "");
    for (int v = 2; v < lp->ncvars; v++) /* an invariant: its value */
      los[v] = his[v] = load_sym(F, (Symbol *)lp->cvars[v]);
    LLVMValueRef calls = fn_bool(F, true);
    for (int c = 0; c < lp->ncalls; c++)
      calls = LLVMBuildAnd(B, calls, pure_call_ok(F, lp->calls[c], lp->cvars, los, his, lp->ncvars), "");
    ok = LLVMBuildAnd(B, ok, LLVMBuildOr(B, calls, LLVMBuildICmp(B, LLVMIntSGE, lo, hi, ""), ""), "");
  }
  for (int r = 0; r < lp->ninner; r++) {
    Node *sub = lp->inner[r];
    ok = LLVMBuildAnd(B, ok, inner_index_ok(F, lp, sub, first, last, lo, hi), "");
    if (!seen_before(lp->inner, r, sub->a->sym) && !seen_before(lp->reads, lp->nreads, sub->a->sym))
      ok = LLVMBuildAnd(B, ok, apart_from_stores(F, lp, sub->a), "");
  }
  for (int r = 0; r < lp->nreads; r++) {
    Node *sub = lp->reads[r];
    ArrView v;
    array_view(F, sub->a, &v);
    for (int k = 0; k < sub->list.len; k++) {
      Node *x = sub->list.data[k];
      LLVMValueRef n = v.shape[k];
      if (x->kind == ND_NAME && x->sym == lp->vars[0]) {
        ok = LLVMBuildAnd(B, ok, index_ok(F, first, n), "");
        ok = LLVMBuildAnd(B, ok, index_ok(F, last, n), "");
      } else {
        ok = LLVMBuildAnd(B, ok, index_ok(F, lower_expr(F, x), n), "");
      }
    }
    if (!seen_before(lp->reads, r, sub->a->sym)) /* else this array's bytes are tested */
      ok = LLVMBuildAnd(B, ok, apart_from_stores(F, lp, sub->a), "");
  }
  for (int a = 0; a < lp->nsame; a++) { /* their reads x[i] are tested above */
    ArrView v;
    array_view(F, lp->same[a], &v);
    ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntNE, v.strides[0], zero, ""), "");
  }
  return ok;
}

/* Rounds in which every lane still running takes one step of its inner
 * loop, until none runs (then suffix_bb) or a deferred check failed. */
static void lane_rounds(Fn *F, const LanePlan *lp, LLVMValueRef **slots, LLVMValueRef *act,
                        NodeList *range, LLVMValueRef *kk, LLVMValueRef *stop,
                        LLVMBasicBlockRef round_bb, LLVMValueRef flag, LLVMBasicBlockRef exit_bb,
                        LLVMBasicBlockRef suffix_bb, int line) {
  Lower *L = F->L;
  int nl = lp->nlanes;
  LLVMBuilderRef B = F->b;
  Type *i64 = tt_scalar(F, TY_I64);
  fn_position(F, round_bb);
  for (int l = 0; l < nl; l++) {
    LLVMBasicBlockRef step_bb = fn_block(F, "lane.step"), go_bb = fn_block(F, "lane.go"),
                      off_bb = fn_block(F, "lane.off"), next_bb = fn_block(F, "lane.next");
    LLVMBuildCondBr(B, LLVMBuildLoad2(B, L->t_i1, act[l], ""), step_bb, next_bb);
    fn_position(F, step_bb);
    swap_lane(F, lp, slots[l]);
    F->line = lp->w->span.line ? lp->w->span.line : line;
    if (range) { /* `for k in range`: k = the lane's next value */
      LLVMValueRef next = LLVMBuildLoad2(B, L->t_i64, kk[l], "");
      LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntSLT, next, LLVMBuildLoad2(B, L->t_i64, stop[l], ""), ""),
                      go_bb, off_bb);
      fn_position(F, go_bb);
      store_sym(F, lp->w->a->sym, next, i64);
      LLVMBuildStore(B, LLVMBuildNSWAdd(B, next, fn_i64(F, 1), ""), kk[l]);
    } else {
      LLVMBuildCondBr(B, lower_cond(F, lp->w->a), go_bb, off_bb);
      fn_position(F, go_bb);
    }
    if (range)
      lower_loop_body(F, &lp->w->list, off_bb, next_bb);
    else
      lower_while_body(F, lp->w, off_bb, next_bb);
    swap_lane(F, lp, slots[l]);
    fn_position(F, off_bb);
    LLVMBuildStore(B, fn_bool(F, false), act[l]);
    LLVMBuildBr(B, next_bb);
    fn_position(F, next_bb);
  }
  F->defer_slot = NULL;
  F->line = line;
  LLVMValueRef any = LLVMBuildLoad2(B, L->t_i1, act[0], "");
  for (int l = 1; l < nl; l++)
    any = LLVMBuildOr(B, any, LLVMBuildLoad2(B, L->t_i1, act[l], ""), "");
  LLVMBasicBlockRef ok_bb = fn_block(F, "lanes.ok");
  fn_cond_br_unlikely(F, LLVMBuildLoad2(B, L->t_i1, flag, ""), exit_bb, ok_bb);
  fn_position(F, ok_bb);
  LLVMBuildCondBr(B, any, round_bb, suffix_bb);
}

/* A uniform inner loop: one k loop, each step running every lane's body
 * in order (LLVM's SLP vectorizer can then do the lanes' like operations
 * in one vector instruction). */
static void uniform_rounds(Fn *F, const LanePlan *lp, LLVMValueRef **slots, LLVMValueRef lo,
                           LLVMValueRef hi) {
  Lower *L = F->L;
  int nl = lp->nlanes;
  LLVMBuilderRef B = F->b;
  Type *i64 = tt_scalar(F, TY_I64);
  LLVMValueRef kslot = fn_alloca(F, L->t_i64, "lanes.inner");
  LLVMBuildStore(B, lo, kslot);
  LLVMBasicBlockRef cond_bb = fn_block(F, "lanes.icond"), body_bb = fn_block(F, "lanes.ibody"),
                    done_bb = fn_block(F, "lanes.idone");
  LLVMBuildBr(B, cond_bb);
  fn_position(F, cond_bb);
  LLVMValueRef k = LLVMBuildLoad2(B, L->t_i64, kslot, "");
  LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntSLT, k, hi, ""), body_bb, done_bb);
  fn_position(F, body_bb);
  LLVMBuildStore(B, LLVMBuildNSWAdd(B, k, fn_i64(F, 1), ""), kslot);
  /* memory_ok showed the inner reads in bounds, their indices computed
   * without overflow, and the calls' checks passing */
  Node *const *proven = F->proven;
  int nproven = F->nproven;
  add_proven(F, lp->inner, lp->ninner);
  add_proven(F, lp->calls, lp->ncalls);
  for (int l = 0; l < nl; l++) {
    swap_lane(F, lp, slots[l]);
    store_sym(F, lp->w->a->sym, k, i64);
    lower_block(F, &lp->w->list);
    swap_lane(F, lp, slots[l]);
  }
  F->proven = proven;
  F->nproven = nproven;
  /* the SLP vectorizer does the lanes; the loop vectorizer would make k
   * vectors of four in-order sums (conv1d unchecked 1.45x slower) */
  mark_loop_scalar(F, LLVMBuildBr(B, cond_bb));
  fn_position(F, done_bb);
}

/* The suffix's subscripts `a[i]` of a one-dimensional array by the loop
 * variable itself.  Tested before the lanes (unchecked: every lane's i
 * >= 0; safe: in [0, n) of the array, which the loop never reassigns),
 * they need no wrap-around branch nor check: that branch, kept for one
 * lane in a block of its own, made the SLP vectorizer split
 * spectral_norm's eight lanes into 4 + 2 + 2 and left horner's scalar.
 * Not when the inner loop reads a row by the loop variable: from the
 * stores then side by side, the SLP vectorizer reached matvec's a[i, j]
 * of four rows and made them gathers (2.1x slower). */
typedef struct IvSubs {
  Fn *F;
  const Symbol *iv;
  const NodeList *body; /* the loop's */
  VEC(Node *) subs;
} IvSubs;

static bool collect_iv_sub(const Node *n, const void *ctx) {
  IvSubs *s = (IvSubs *)ctx;
  if (n->kind == ND_SUBSCRIPT && n->list.len == 1 && is_array_name(n->a) && n->a->ty->ndim == 1 &&
      invariant_name(s->body, n->a)) {
    const Node *e = node_uncast(n->list.data[0]);
    if (e->kind == ND_NAME && e->sym == s->iv)
      vec_push(s->F->L->arena, &s->subs, (Node *)n);
  }
  return false;
}

static void suffix_iv_subs(Fn *F, const LanePlan *lp, Node *forn, const NodeList *suffix,
                           IvSubs *s) {
  const Symbol *iv = forn->a->sym;
  *s = (IvSubs){F, iv, &forn->list, {0}};
  if (lp->uniform && reads_across_rows(lp, iv))
    return;
  for (int i = 0; i < suffix->len; i++)
    node_any(suffix->data[i], collect_iv_sub, s);
}

/* Before the lanes: the lanes' values from first to last may index the
 * subscripts s collected without a check. */
static LLVMValueRef iv_subs_ok(Fn *F, const IvSubs *s, LLVMValueRef first, LLVMValueRef last) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true), zero = fn_i64(F, 0);
  if (!F->boundscheck) /* CPython's wrap-around is the only question */
    return LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntSGE, first, zero, ""),
                        LLVMBuildICmp(B, LLVMIntSGE, last, zero, ""), "");
  for (int k = 0; k < s->subs.len; k++) {
    ArrView v;
    array_view(F, s->subs.data[k]->a, &v);
    ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntULT, first, v.shape[0], ""), "");
    ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntULT, last, v.shape[0], ""), "");
  }
  return ok;
}

/* Runs the lanes over the first count - count % LANES iterations of the
 * loop `start + k * step` (k = 0 .. count-1, count unsigned); `break` in a
 * suffix goes to end_bb.  Leaves the builder where the ordinary loop must
 * run iterations done .. count-1, and returns done. */
LLVMValueRef lower_lanes(Fn *F, Node *forn, const LanePlan *lp, LLVMValueRef start,
                         LLVMValueRef step, LLVMValueRef count, LLVMBasicBlockRef end_bb) {
  Lower *L = F->L;
  int nl = lp->nlanes;
  LLVMBuilderRef B = F->b;
  Symbol *iv = forn->a->sym;
  NodeList prefix = {forn->list.data, lp->wi, lp->wi};
  NodeList suffix = {forn->list.data + lp->wi + 1, forn->list.len - lp->wi - 1, 0};
  LLVMValueRef *slots[MAX_LANES], act[MAX_LANES];
  for (int l = 0; l < nl; l++) {
    slots[l] = ARENA_ARRAY(L->arena, LLVMValueRef, lp->nvars);
    for (int v = 0; v < lp->nvars; v++)
      slots[l][v] = l || v >= lp->nlocal
                        ? fn_alloca(F, lower_llvm_type(L, lp->vars[v]->ty), "lane.var")
                        : *slot_ref(F, lp->vars[v]);
    act[l] = fn_alloca(F, L->t_i1, "lane.active");
  }
  /* an inner `for k in range`: per lane, k's next value and the stop */
  NodeList *range = lp->w->kind == ND_FOR ? &lp->w->b->list : NULL;
  LLVMValueRef kk[MAX_LANES], stop[MAX_LANES];
  for (int l = 0; range && l < nl; l++) {
    kk[l] = fn_alloca(F, L->t_i64, "lane.k");
    stop[l] = fn_alloca(F, L->t_i64, "lane.stop");
  }
  Type *i64 = tt_scalar(F, TY_I64);
  LLVMValueRef kslot = fn_alloca(F, L->t_i64, "lanes.k"), flag = fn_alloca(F, L->t_i1, "lanes.failed");
  LLVMBuildStore(B, fn_i64(F, 0), kslot);
  LLVMBasicBlockRef cond_bb = fn_block(F, "lanes.cond"), body_bb = fn_block(F, "lanes.body"),
                    round_bb = fn_block(F, "lanes.round"), exit_bb = fn_block(F, "lanes.exit");
  int line = F->line;
  LLVMValueRef ulo = NULL, uhi = NULL;
  if (lp->uniform) { /* names the body never assigns: evaluated once */
    F->line = lp->w->span.line ? lp->w->span.line : line;
    ulo = range->len == 2 ? convert(F, lower_expr(F, range->data[0]), range->data[0]->ty, i64)
                          : fn_i64(F, 0);
    Node *hi = range->data[range->len - 1];
    uhi = convert(F, lower_expr(F, hi), hi->ty, i64);
    F->line = line;
  }
  IvSubs ivs;
  suffix_iv_subs(F, lp, forn, &suffix, &ivs);
  if (lp->nreads || lp->ninner || lp->ncalls || ivs.subs.len) {
    LLVMValueRef whole = LLVMBuildAnd(B, count, fn_i64(F, -nl), "");
    LLVMValueRef last = LLVMBuildAdd(B, start, LLVMBuildMul(B, LLVMBuildSub(B, whole, fn_i64(F, 1), ""),
                                                            step, ""), "");
    LLVMValueRef go = lp->nreads || lp->ninner || lp->ncalls ? memory_ok(F, lp, start, last, ulo, uhi)
                                                             : fn_bool(F, true);
    if (ivs.subs.len) /* the lanes' values run from start to last */
      go = LLVMBuildAnd(B, go, iv_subs_ok(F, &ivs, start, last), "");
    LLVMBuildCondBr(B, go, cond_bb, exit_bb);
  } else {
    LLVMBuildBr(B, cond_bb);
  }
  fn_position(F, cond_bb);
  LLVMValueRef k = LLVMBuildLoad2(B, L->t_i64, kslot, "k");
  LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGE, LLVMBuildSub(B, count, k, ""),
                                   fn_i64(F, nl), ""), body_bb, exit_bb);
  fn_position(F, body_bb);
  LLVMBuildStore(B, fn_bool(F, false), flag);
  F->defer_slot = flag;
  LLVMValueRef i0 = NULL;
  Node *const *proven = F->proven;
  int nproven = F->nproven;
  add_proven(F, lp->reads, lp->nreads); /* index_ok showed them in [0, n) */
  for (int l = 0; l < nl; l++) {
    swap_lane(F, lp, slots[l]);
    /* start + k*step in wrapping arithmetic is exact: the value is in range.
     * With a constant step the lanes' values are i0 + l*step, nsw (each is
     * a value of the loop variable): the SLP vectorizer then sees that
     * x[i + j] of neighbouring lanes are neighbours. */
    int64_t sc, ls;
    LLVMValueRef i;
    if (value_int_const(step, &sc) && !__builtin_mul_overflow(sc, (int64_t)l, &ls)) {
      if (l == 0)
        i0 = LLVMBuildAdd(B, start, LLVMBuildMul(B, k, step, ""), "lane.i");
      i = l ? LLVMBuildNSWAdd(B, i0, fn_i64(F, ls), "lane.i") : i0;
    } else {
      LLVMValueRef kl = LLVMBuildAdd(B, k, fn_i64(F, l), "");
      i = LLVMBuildAdd(B, start, LLVMBuildMul(B, kl, step, ""), "lane.i");
    }
    store_sym(F, iv, i, i64);
    for (int v = lp->nlocal; v < lp->nvars; v++)
      LLVMBuildStore(B, fn_i64(F, 0), sym_slot(F, lp->vars[v]));
    lower_block(F, &prefix);
    if (range && !lp->uniform) { /* the inner range's arguments, once, in the lane */
      F->line = lp->w->span.line ? lp->w->span.line : line;
      LLVMValueRef lo = range->len == 2 ? lower_expr(F, range->data[0]) : fn_i64(F, 0);
      LLVMBuildStore(B, convert(F, lo, range->len == 2 ? range->data[0]->ty : i64, i64), kk[l]);
      Node *hi = range->data[range->len - 1];
      LLVMBuildStore(B, convert(F, lower_expr(F, hi), hi->ty, i64), stop[l]);
      F->line = line;
    }
    swap_lane(F, lp, slots[l]);
    LLVMBuildStore(B, fn_bool(F, true), act[l]);
  }
  F->proven = proven;
  F->nproven = nproven;
  LLVMBasicBlockRef suffix_bb = fn_block(F, "lanes.suffix");
  if (lp->uniform) {
    uniform_rounds(F, lp, slots, ulo, uhi);
    F->defer_slot = NULL;
    F->line = line;
    fn_cond_br_unlikely(F, LLVMBuildLoad2(B, L->t_i1, flag, ""), exit_bb, suffix_bb);
  } else {
    LLVMBuildBr(B, round_bb);
    lane_rounds(F, lp, slots, act, range, kk, stop, round_bb, flag, exit_bb, suffix_bb, line);
  }
  /* the suffixes, in order, on the ordinary variables */
  fn_position(F, suffix_bb);
  add_proven(F, ivs.subs.data, ivs.subs.len); /* iv_subs_ok showed them in range */
  for (int l = 0; l < nl; l++) {
    for (int v = 0; l && v < lp->ncopy; v++) {
      LLVMTypeRef ty = lower_llvm_type(L, lp->vars[v]->ty);
      LLVMBuildStore(B, LLVMBuildLoad2(B, ty, slots[l][v], ""), slots[0][v]);
    }
    for (int v = lp->nlocal; v < lp->nvars; v++) {
      /* the counter's steps in this lane, checked as the steps of the loop */
      Symbol *c = lp->vars[v];
      F->line = lp->count_stmt[v - lp->nlocal]->span.line;
      LLVMValueRef sum = arith(F, OP_ADD, load_sym(F, c), LLVMBuildLoad2(B, L->t_i64, slots[l][v], ""),
                               i64, NULL, NULL);
      store_sym(F, c, sum, i64);
      F->line = line;
    }
    LLVMBasicBlockRef next_bb = fn_block(F, "lane.after");
    lower_loop_body(F, &suffix, end_bb, next_bb);
    F->line = line;
    fn_position(F, next_bb);
  }
  F->proven = proven;
  F->nproven = nproven;
  LLVMBuildStore(B, LLVMBuildAdd(B, LLVMBuildLoad2(B, L->t_i64, kslot, ""), fn_i64(F, nl), ""),
                 kslot);
  LLVMBuildBr(B, cond_bb);
  fn_position(F, exit_bb);
  return LLVMBuildLoad2(B, L->t_i64, kslot, "lanes.done");
}
