/* lower_layout.c: a layout-specialized copy of a versioned loop.
 *
 * `xy[i, 0]`, `xy[i, 1]` in a loop over i read the rows of an N x 2 array.
 * The element strides are runtime values, so LLVM sees two strided streams
 * of unknown stride; the only stride it speculates on by itself is 1, and
 * that is the wrong one here (the row stride of an N x 2 C-contiguous array
 * is 2), so such a loop stays scalar.  With the strides known constants
 * (2, 1), the accesses form one interleaved group that the loop vectorizer
 * reads with wide loads and shuffles.
 *
 * So, for a loop that loop_version_plan versions: every 2-D parameter array
 * that the loop indexes only with constant column indices (at least once
 * with a row index that moves with the loop) is a candidate, with K = the
 * largest column index + 1, the row width of an N x K C-contiguous array.
 *
 * The second pattern is a recurrence through memory along the last axis,
 * as in levenshtein's `d[i, j] = f(d[i, j - 1], ...)`: an N-D array (not
 * declared contiguous) that the loop both stores into and indexes with the
 * loop variable in its last index gets last stride == 1 specialized
 * (measured: levenshtein safe 0.41 -> 0.36 ms, as fast as with `i32[:, ::1]`;
 * why LLVM does better with the constant stride there was not analysed).
 * Specializing every unit-stride array this way also sped up jacobi by ~8%,
 * but made the 24-function build ~10% slower: the vector code for known
 * unit strides costs more to generate.
 *
 * The versioned loop's fast path then tests the strides of every candidate;
 * if they hold, a third copy of the loop runs in which those strides are
 * constants, otherwise a general fast copy (a plain loop: no vectorizing or
 * unrolling, to keep the build time of the third copy small).
 * The addresses are the very same ones, so results, exceptions and writes
 * are the fast copy's: only what LLVM can prove about them changes. */
#include "lower_fn.h"

/* Row widths beyond this are left alone: the interleave groups get too
 * wide for the vectorizer's cost model to pay. */
#define LAYOUT_MAX_K 8

static bool names(const Node *n, const void *s) { return n->kind == ND_NAME && n->sym == s; }

static bool mentions(const Node *n, const Symbol *s) { return node_any(n, names, s); }

/* A constant int index >= 0 (possibly widened by a cast), or -1. */
static int64_t const_col(const Node *n) {
  int64_t c;
  return node_int_const(n, &c) && c >= 0 ? c : -1;
}

typedef struct Cand {
  int64_t k;     /* row width: largest constant column index + 1 (-1: not a row pattern) */
  bool moves;    /* some row index depends on the loop variable */
  bool unit;     /* some last-axis index depends on the loop variable */
  bool written;  /* some subscript of it is assigned in the loop */
} Cand;

static void note_store(const Node *t, Cand *cands) {
  if (t && t->kind == ND_SUBSCRIPT && t->a && t->a->kind == ND_NAME && t->a->sym &&
      t->a->sym->kind == SYM_PARAM && t->a->sym->ty && t->a->sym->ty->kind == TY_ARRAY)
    cands[t->a->sym->index].written = true;
}

/* Marks the arrays the statements store into. */
static void scan_stores(const NodeList *l, Cand *cands) {
  for (int i = 0; i < l->len; i++) {
    const Node *s = l->data[i];
    if (s->kind == ND_ASSIGN)
      for (int k = 0; k < s->list.len; k++)
        note_store(s->list.data[k], cands);
    else if (s->kind == ND_AUGASSIGN || s->kind == ND_ANNASSIGN)
      note_store(s->a, cands);
    else if (s->kind == ND_IF) {
      scan_stores(&s->list, cands);
      scan_stores(&s->list2, cands);
    }
  }
}

/* Walks every subscript in the loop body; cands[param] collects what the
 * subscripts of each parameter array allow. */
static void scan(Fn *F, const Node *n, const Symbol *iv, Cand *cands) {
  if (!n)
    return;
  if (n->kind == ND_SUBSCRIPT && n->a && n->a->kind == ND_NAME && n->a->sym &&
      n->a->sym->kind == SYM_PARAM && n->a->sym->ty && n->a->sym->ty->kind == TY_ARRAY &&
      n->list.len == n->a->sym->ty->ndim && F->param_view_ok[n->a->sym->index]) {
    Cand *c = &cands[n->a->sym->index];
    int nd = n->list.len;
    if (mentions(n->list.data[nd - 1], iv))
      c->unit = true;
    if (nd != 2) {
      c->k = -1;
    } else if (c->k >= 0) {
      int64_t col = const_col(n->list.data[1]);
      if (col < 0 || col >= LAYOUT_MAX_K)
        c->k = -1;
      else if (col + 1 > c->k)
        c->k = col + 1;
      c->moves |= mentions(n->list.data[0], iv);
    }
  }
  scan(F, n->a, iv, cands);
  scan(F, n->b, iv, cands);
  scan(F, n->c, iv, cands);
  for (int i = 0; i < n->list.len; i++)
    scan(F, n->list.data[i], iv, cands);
  for (int i = 0; i < n->list2.len; i++)
    scan(F, n->list2.data[i], iv, cands);
}

bool loop_layout_plan(Fn *F, Node *forn, LoopLayout *out) {
  memset(out, 0, sizeof *out);
  int np = F->f->nparams;
  if (!forn->a || forn->a->kind != ND_NAME || !forn->a->sym || np == 0)
    return false;
  Cand *cands = ARENA_ARRAY(F->L->arena, Cand, np);
  for (int i = 0; i < forn->list.len; i++)
    scan(F, forn->list.data[i], forn->a->sym, cands);
  scan_stores(&forn->list, cands);
  out->k = ARENA_ARRAY(F->L->arena, int64_t, np);
  out->unit = ARENA_ARRAY(F->L->arena, bool, np);
  out->nparams = np;
  for (int i = 0; i < np; i++) {
    const Type *ty = F->f->params[i]->ty;
    if (cands[i].k >= 2 && cands[i].moves) { /* K = 1 is the unit case below */
      out->k[i] = cands[i].k;
      out->n++;
    } else if (cands[i].unit && cands[i].written && !ty->contig && ty->ndim >= 2 &&
               !LLVMIsAConstantInt(F->param_view[i].strides[ty->ndim - 1])) {
      out->unit[i] = true;
      out->n++;
    }
  }
  return out->n > 0;
}

LLVMValueRef loop_layout_guard(Fn *F, const LoopLayout *lay) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true);
  for (int i = 0; i < lay->nparams; i++) {
    const ArrView *v = &F->param_view[i];
    int last = F->f->params[i]->ty->ndim - 1;
    if (lay->k[i])
      ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntEQ, v->strides[0], fn_i64(F, lay->k[i]), ""), "");
    if (lay->k[i] || lay->unit[i])
      ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntEQ, v->strides[last], fn_i64(F, 1), ""), "");
  }
  return ok;
}

void loop_layout_enter(Fn *F, const LoopLayout *lay, ArrView *saved) {
  for (int i = 0; i < lay->nparams; i++) {
    if (!lay->k[i] && !lay->unit[i])
      continue;
    saved[i] = F->param_view[i];
    if (lay->k[i])
      F->param_view[i].strides[0] = fn_i64(F, lay->k[i]);
    F->param_view[i].strides[F->f->params[i]->ty->ndim - 1] = fn_i64(F, 1);
  }
}

void loop_layout_leave(Fn *F, const LoopLayout *lay, const ArrView *saved) {
  for (int i = 0; i < lay->nparams; i++)
    if (lay->k[i] || lay->unit[i])
      F->param_view[i] = saved[i];
}

/* ------------------------------------------------------ loop dispatch
 *
 * Most arrays reach a kernel C-contiguous, but a parameter declared `T[:]`
 * (or `T[:, :]`) may be a strided view, so its last-axis element stride is
 * a run-time value: every address takes a multiply, and LLVM vectorizes a
 * loop over it only behind its own stride check, made on every entry of
 * the loop.  Numba compiles a separate version for each layout it is called
 * with; here the loops of a nest get, where that pays, a copy in which
 * the last-axis stride of the parameters it tests is the constant 1.  The
 * copy is the fast copy of each versioned loop (whose guard tests the
 * strides too), or of a promoted loop (lower_promote.c), and the checked
 * copy they have anyway serves the other strides; an innermost loop that
 * is not versioned gets a unit-stride copy and a plain one of its own.
 * (Until session 8 the whole nest was lowered twice, the second copy as
 * plain checked loops: a fifth of the safe build of the bench module.)
 * A nest with lanes in it (lower_lanes.c) is still lowered twice, see
 * lower.c, lower_dispatched.  It pays
 *  - for a nest whose inner loops walk an array's last axis (conv1d's
 *    `x[i + j]` over j, horner's `c[k]`): the inner loops run without the
 *    stride check and the multiplies on every outer iteration;
 *  - for a loop that indexes an array with a loaded index (bincount's
 *    `counts[x[i]] += 1`), which LLVM cannot version by itself;
 *  - for a single loop whose body branches (histogram, a byte state
 *    machine): LLVM's vectorizer would version on the stride itself, but
 *    it does not take such a loop, so every access kept its multiply
 *    (histogram unchecked 2.21 -> 1.89 ms, bincount safe 0.80x, word_count
 *    0.95x).
 * A single straight-line loop over a[i] gains nothing: LLVM's own check
 * does the same.
 * (Measured, unchecked, against the same kernels declared `[::1]`: conv1d
 * 1.41x and bincount 1.45x slower, horner 1.12x, jacobi 1.04x, before.)
 *
 * An axis of size 0 or 1 passes the test whatever its stride: its only
 * valid index is 0, whose address does not depend on the stride. */

typedef struct DispatchScan {
  Fn *F;
  bool *unit;
  int n;
} DispatchScan;

static bool is_loop(const Node *n, const void *ctx) {
  (void)ctx;
  return n->kind == ND_FOR || n->kind == ND_WHILE;
}

/* A parameter array whose last-axis stride is still a run-time value. */
static int strided_param(const Fn *F, const Node *a) {
  if (!a || a->kind != ND_NAME || !a->sym || a->sym->kind != SYM_PARAM)
    return -1;
  int k = a->sym->index;
  const Type *ty = a->sym->ty;
  if (!ty || ty->kind != TY_ARRAY || ty->contig || ty->ndim < 1 || !F->param_view_ok[k] ||
      LLVMIsAConstantInt(F->param_view[k].strides[ty->ndim - 1]))
    return -1;
  return k;
}

static void mark(DispatchScan *d, int k) {
  if (k >= 0 && !d->unit[k]) {
    d->unit[k] = true;
    d->n++;
  }
}

static bool is_subscript(const Node *n, const void *ctx) {
  (void)ctx;
  return n->kind == ND_SUBSCRIPT;
}

/* node_any visitors (they return false to see every node). */
typedef struct MarkCtx {
  DispatchScan *d;
  const Symbol *iv; /* NULL: mark loaded indices; (void *)-1: mark every subscript */
} MarkCtx;

#define MARK_ALL ((const Symbol *)-1)

/* Subscripts of strided parameters: with a last index that moves with iv,
 * with a loaded index (iv NULL), or all of them (MARK_ALL). */
static bool mark_subscript(const Node *n, const void *ctx) {
  const MarkCtx *m = ctx;
  int k;
  if (n->kind != ND_SUBSCRIPT || (k = strided_param(m->d->F, n->a)) < 0 ||
      n->list.len != n->a->sym->ty->ndim)
    return false;
  bool hit = m->iv == MARK_ALL;
  if (m->iv && m->iv != MARK_ALL)
    hit = mentions(n->list.data[n->list.len - 1], m->iv);
  for (int i = 0; i < n->list.len && !m->iv; i++)
    hit |= node_any(n->list.data[i], is_subscript, NULL);
  if (hit)
    mark(m->d, k);
  return false;
}

static void mark_subscripts(DispatchScan *d, const Node *n, const Symbol *iv) {
  MarkCtx m = {d, iv};
  node_any(n, mark_subscript, &m);
}

bool has_inner_loop(const Node *loop) {
  for (int i = 0; i < loop->list.len; i++)
    if (node_any(loop->list.data[i], is_loop, NULL))
      return true;
  return false;
}

/* The innermost `for` loops among the statements l and below. */
static void scan_inner_loops(DispatchScan *d, const NodeList *l) {
  for (int i = 0; i < l->len; i++) {
    const Node *s = l->data[i];
    if (s->kind == ND_FOR && !has_inner_loop(s)) {
      if (s->a && s->a->kind == ND_NAME && s->a->sym)
        for (int j = 0; j < s->list.len; j++)
          mark_subscripts(d, s->list.data[j], s->a->sym);
    } else if (s->kind == ND_FOR || s->kind == ND_WHILE) {
      scan_inner_loops(d, &s->list);
    } else if (s->kind == ND_IF) {
      scan_inner_loops(d, &s->list);
      scan_inner_loops(d, &s->list2);
    }
  }
}

static bool is_branch(const Node *n, const void *ctx) {
  (void)ctx;
  return n->kind == ND_IF || n->kind == ND_BREAK || n->kind == ND_CONTINUE;
}

static bool has_branch(const NodeList *l) {
  for (int i = 0; i < l->len; i++)
    if (node_any(l->data[i], is_branch, NULL))
      return true;
  return false;
}

int loop_dispatch_plan(Fn *F, Node *loop, bool *unit) {
  DispatchScan d = {F, unit, 0};
  if (F->cold_copy || F->in_dispatch)
    return 0;
  memset(unit, 0, sizeof(bool) * (size_t)F->f->nparams);
  if (has_inner_loop(loop))
    scan_inner_loops(&d, &loop->list);
  else
    for (int i = 0; i < loop->list.len; i++)
      mark_subscripts(&d, loop->list.data[i], NULL);
  /* a single loop whose body branches (see above) */
  if (!d.n && loop->kind == ND_FOR && !has_inner_loop(loop) && loop->a &&
      loop->a->kind == ND_NAME && loop->a->sym && has_branch(&loop->list))
    for (int i = 0; i < loop->list.len; i++)
      mark_subscripts(&d, loop->list.data[i], loop->a->sym);
  /* uniform lanes (lower_lanes.c) whose prefix reads by the loop variable
   * (logistic_map's `ri = r[i]`): with the stride 1, the lanes' first
   * values are one vector load, and the SLP vectorizer, which found the
   * eight chains worth exactly their cost from strided loads, takes them
   * (safe 1.15 -> 0.76 ms, unchecked 0.84 -> 0.76 ms) */
  LanePlan lp;
  if (!d.n && loop->kind == ND_FOR && has_inner_loop(loop) && loop->a && loop->a->kind == ND_NAME &&
      loop->a->sym && loop_lanes_plan(F, loop, &lp) && lp.uniform && lp.nreads)
    for (int i = 0; i < lp.wi; i++)
      mark_subscripts(&d, loop->list.data[i], loop->a->sym);
  /* the copies are made anyway: every strided array of the loop gets its
   * constant stride there (conv1d's `out[i]`) */
  if (d.n)
    for (int i = 0; i < loop->list.len; i++)
      mark_subscripts(&d, loop->list.data[i], MARK_ALL);
  return d.n;
}

LLVMValueRef loop_dispatch_test(Fn *F, const bool *unit) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true);
  for (int k = 0; k < F->f->nparams; k++) {
    if (!unit[k])
      continue;
    int last = F->f->params[k]->ty->ndim - 1;
    const ArrView *v = &F->param_view[k];
    LLVMValueRef one = LLVMBuildICmp(B, LLVMIntEQ, v->strides[last], fn_i64(F, 1), "");
    LLVMValueRef tiny = LLVMBuildICmp(B, LLVMIntULE, v->shape[last], fn_i64(F, 1), "");
    ok = LLVMBuildAnd(B, ok, LLVMBuildOr(B, one, tiny, ""), "");
  }
  return ok;
}

/* ------------------------------------------------------------ stencils
 *
 * A loop that reads one array at two or more constant offsets of its
 * variable along the last axis (`u[i, j - 1] + u[i, j + 1]`) is a stencil:
 * at most one of its vector loads can be aligned.  On this znver4 LLVM
 * vectorizes with 512-bit vectors, and an unaligned 64-byte load always
 * splits a cache line, a 32-byte one half the time: jacobi ran 0.93x with
 * 256-bit vectors (+prefer-256-bit for the whole module: heat_f32,
 * life_step, sobel_magnitude, box_blur_u8 and conv1d 0.98-1.01x), while
 * loops without such reads lost with them (knapsack_01 1.13x,
 * floyd_warshall 1.08x, distances 1.04x).  So a function with a stencil
 * loop prefers 256-bit vectors ("prefer-vector-width"="256", as clang's
 * -mprefer-vector-width): jacobi 0.93x unchecked, 0.97x safe; sobel and
 * integral_image 0.96-0.97x; the other functions this rule picks (loops
 * that store at one offset and read at another, not vectorized) within
 * noise.  The store targets count as reads here: prefix_sum's
 * `out[i] = out[i - 1] + x[i]` matches, to no effect. */

typedef struct StencilScan {
  const Symbol *iv;
  const Symbol *arr[16];
  int64_t off[16];
  int n;
  bool found;
} StencilScan;

/* v, v + c or v - c (c an int constant): the offset */
static bool iv_offset(const Node *x, const Symbol *iv, int64_t *off) {
  int64_t c;
  if (x->kind == ND_NAME && x->sym == iv) {
    *off = 0;
    return true;
  }
  if (x->kind == ND_BINOP && (x->op == OP_ADD || x->op == OP_SUB) && x->a->kind == ND_NAME &&
      x->a->sym == iv && node_int_const(x->b, &c)) {
    *off = x->op == OP_ADD ? c : -c;
    return true;
  }
  return false;
}

static bool stencil_read(const Node *n, const void *ctx) {
  StencilScan *s = (StencilScan *)ctx;
  int64_t off;
  if (n->kind != ND_SUBSCRIPT || !n->a || n->a->kind != ND_NAME || !n->a->sym || !n->list.len ||
      !iv_offset(n->list.data[n->list.len - 1], s->iv, &off))
    return false;
  for (int k = 0; k < s->n; k++)
    if (s->arr[k] == n->a->sym && s->off[k] != off)
      s->found = true;
  if (s->n < 16) {
    s->arr[s->n] = n->a->sym;
    s->off[s->n++] = off;
  }
  return s->found;
}

static bool stencil_loop(const Node *n, const void *ctx) {
  (void)ctx;
  if (n->kind != ND_FOR || !n->a || n->a->kind != ND_NAME || !n->a->sym)
    return false;
  StencilScan s = {.iv = n->a->sym};
  for (int i = 0; i < n->list.len && !s.found; i++)
    node_any(n->list.data[i], stencil_read, &s);
  return s.found;
}

bool has_stencil_loop(const NodeList *body) {
  for (int i = 0; i < body->len; i++)
    if (node_any(body->data[i], stencil_loop, NULL))
      return true;
  return false;
}
