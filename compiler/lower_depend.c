/* lower_depend.c: loops whose iterations carry no memory dependence.
 *
 * knapsack's inner loop `for c in range(cap, w - 1, -1): best[c] =
 * max(best[c], best[c - w] + v)` reads and writes one array.  LLVM's loop
 * vectorizer cannot tell how far apart best[c] and best[c - w] are, so it
 * checks at run time whether the two address ranges overlap: they always
 * do (one array), and the scalar loop runs, 3.6x slower than gcc's, which
 * checks the distance instead.  The source says more: going down from cap,
 * iteration c writes best[c] and later iterations read only lower
 * addresses than any written so far... as long as w >= 0.
 *
 * The reasoning, for the fast copy of a versioned range loop with a
 * constant step s (every subscript proven in bounds, so no wraparound) on
 * iteration numbers k = 0, 1, ...: the body subscripts one 1-D array, at
 * indices `i + o` (i the loop variable, o a loop-invariant offset: a
 * constant or a variable the loop does not assign), writes it in exactly
 * one unconditional top-level statement, at `i + oW`, and calls nothing
 * compiled.  A read `i + oR` evaluated before that write (in the same
 * statement or an earlier one) at iteration k2 sees the write of an earlier
 * iteration k1 < k2 only if s * (k1 - k2) = oR - oW, that is, only if
 * (oR - oW) * s < 0.  So if (oR - oW) * s >= 0 for every such read (a read
 * after the write must have oR == oW: its own iteration's value), no
 * iteration reads what an earlier one wrote, and each iteration's accesses
 * may run in any order against the other iterations' (loads of a vector of
 * iterations before its stores).  With a unit stride distinct indices are
 * distinct addresses.  The copy's accesses then go into one access
 * group and its loop is `llvm.loop.parallel_accesses` of it: the vectorizer
 * needs no run-time check.  Offsets known only at run time (w) are tested
 * before the loop; otherwise the ordinary fast copy runs.
 */
#include "lower_fn.h"

#include <llvm-c/IRReader.h>

typedef struct DepScan {
  Fn *F;
  const Node *loop;
  const Symbol *iv;
  const Symbol *arr;
  DepOffset write;
  bool written, ok, after;
  VEC(DepOffset) before; /* reads evaluated before the write */
} DepScan;

static bool invariant_int(const DepScan *d, const Node *e) {
  if (!e || !e->ty || e->ty->kind != TY_I64)
    return false;
  return e->kind == ND_INT || (e->sym != d->iv && invariant_name(&d->loop->list, e));
}

/* ix as i + o (or o + i, i - o). */
static bool iv_offset(const DepScan *d, const Node *ix, DepOffset *o) {
  if (ix->kind == ND_NAME && ix->sym == d->iv) {
    *o = (DepOffset){NULL, 1};
    return true;
  }
  if (ix->kind != ND_BINOP || (ix->op != OP_ADD && ix->op != OP_SUB))
    return false;
  bool left = ix->a->kind == ND_NAME && ix->a->sym == d->iv;
  bool right = ix->op == OP_ADD && ix->b->kind == ND_NAME && ix->b->sym == d->iv;
  const Node *e = left ? ix->b : right ? ix->a : NULL;
  if (!e || !invariant_int(d, e))
    return false;
  *o = (DepOffset){e, ix->op == OP_SUB ? -1 : 1};
  return true;
}

/* A subscript of the loop's one array at i + o, proven in bounds. */
static bool dep_subscript(DepScan *d, const Node *s, DepOffset *o) {
  const Node *a = s->a;
  if (!a || a->kind != ND_NAME || !a->sym || !a->ty || a->ty->kind != TY_ARRAY ||
      a->ty->ndim != 1 || s->list.len != 1 || !loop_proven(d->F, s) ||
      stmts_assign(&d->loop->list, a->sym))
    return false;
  if (d->arr && d->arr != a->sym)
    return false;
  d->arr = a->sym;
  return iv_offset(d, s->list.data[0], o);
}

static bool same_offset(const DepOffset *x, const DepOffset *y) {
  if (!x->e || !y->e)
    return !x->e && !y->e;
  if (x->sign != y->sign || x->e->kind != y->e->kind)
    return false;
  return x->e->kind == ND_INT ? x->e->ival == y->e->ival : x->e->sym == y->e->sym;
}

/* node_any visitor: every subscript read in an expression. */
static bool dep_read(const Node *n, const void *ctx) {
  DepScan *d = (DepScan *)ctx;
  if (n->kind == ND_CALL && n->callee) {
    d->ok = false; /* compiled code may touch the array */
    return true;
  }
  if (n->kind == ND_SUBSCRIPT) {
    DepOffset o;
    if (!dep_subscript(d, n, &o)) {
      d->ok = false;
      return true;
    }
    if (!d->written)
      vec_push(d->F->L->arena, &d->before, o);
    else if (!same_offset(&o, &d->write))
      d->ok = false;
    else
      d->after = true;
  }
  return !d->ok;
}

static void dep_reads(DepScan *d, const Node *e) {
  if (e && d->ok)
    node_any(e, dep_read, d);
}

static bool is_subscript_target(const Node *t) { return t && t->kind == ND_SUBSCRIPT; }

static void dep_write(DepScan *d, const Node *target) {
  DepOffset o;
  if (d->written || !dep_subscript(d, target, &o)) {
    d->ok = false;
    return;
  }
  d->write = o;
  d->written = true;
}

/* A nested statement: reads only. */
static bool stmt_reads_only(DepScan *d, const Node *s);

static void dep_block(DepScan *d, const NodeList *l, bool top) {
  for (int i = 0; i < l->len && d->ok; i++) {
    const Node *s = l->data[i];
    switch (s->kind) {
    case ND_ASSIGN:
      if (s->list.len == 1 && is_subscript_target(s->list.data[0]) && top) {
        dep_reads(d, s->a);
        dep_write(d, s->list.data[0]);
      } else {
        for (int j = 0; j < s->list.len; j++)
          if (s->list.data[j]->kind != ND_NAME)
            d->ok = false;
        dep_reads(d, s->a);
      }
      break;
    case ND_AUGASSIGN:
      if (is_subscript_target(s->a) && top) {
        dep_reads(d, s->a);
        dep_reads(d, s->b);
        dep_write(d, s->a);
      } else if (s->a->kind == ND_NAME) {
        dep_reads(d, s->b);
      } else {
        d->ok = false;
      }
      break;
    default:
      d->ok = stmt_reads_only(d, s);
      break;
    }
  }
}

static bool stmt_reads_only(DepScan *d, const Node *s) {
  switch (s->kind) {
  case ND_ANNASSIGN:
    if (s->a && s->a->kind != ND_NAME)
      return false;
    dep_reads(d, s->c);
    return d->ok;
  case ND_IF:
    dep_reads(d, s->a);
    dep_block(d, &s->list, false);
    dep_block(d, &s->list2, false);
    return d->ok;
  case ND_FOR: case ND_WHILE:
    return false;
  case ND_ASSIGN: case ND_AUGASSIGN:
    dep_block(d, &(NodeList){(Node **)&s, 1, 1}, false);
    return d->ok;
  default: /* return, assert, raise, expression statements, break, pass */
    dep_reads(d, s->a);
    dep_reads(d, s->b);
    return d->ok;
  }
}

static bool offset_const(const DepOffset *o, int64_t *v) {
  if (!o->e) {
    *v = 0;
    return true;
  }
  if (o->e->kind != ND_INT)
    return false;
  *v = o->sign * o->e->ival; /* |ival| < 2**63: the parser gives ND_INT >= 0 */
  return true;
}

bool loop_dep_plan(Fn *F, Node *forn, int64_t step, DepPlan *out) {
  memset(out, 0, sizeof *out);
  if (!forn->a || forn->a->kind != ND_NAME || !forn->a->sym || step == 0 || F->fwd)
    return false;
  DepScan d = {.F = F, .loop = forn, .iv = forn->a->sym, .ok = true};
  dep_block(&d, &forn->list, true);
  if (!d.ok || !d.written)
    return false;
  /* reads only at the write's own offset: LLVM's analysis needs no help
   * (a[i] = f(a[i])), and a second copy would only cost build time */
  bool cross = false;
  for (int i = 0; i < d.before.len; i++)
    cross |= !same_offset(&d.before.data[i], &d.write);
  if (!cross)
    return false;
  /* Only with a known unit stride (a contiguous type, or the unit-stride
   * copy of lower_layout.c): with a run-time stride the vectorizer turns
   * the accesses into gathers and scatters, slower than the scalar loop
   * (a C version of knapsack with the same metadata: 2.1x). */
  ArrView v;
  Node name = {.kind = ND_NAME, .sym = (Symbol *)d.arr, .ty = d.arr->ty};
  array_view(F, &name, &v);
  int64_t stride;
  if (!value_int_const(v.strides[0], &stride) || stride != 1)
    return false;
  out->arr = d.arr;
  out->reads_after = d.after;
  out->write = ARENA_NEW(F->L->arena, DepOffset);
  *out->write = d.write;
  out->reads = ARENA_ARRAY(F->L->arena, DepOffset, d.before.len + 1);
  out->step_sign = step > 0 ? 1 : -1;
  int64_t w, r;
  bool wc = offset_const(&d.write, &w);
  for (int i = 0; i < d.before.len; i++) {
    DepOffset *o = &d.before.data[i];
    if (wc && offset_const(o, &r)) {
      if ((r > w ? 1 : r < w ? -1 : 0) * out->step_sign < 0)
        return false; /* a read of an earlier iteration's write, always */
      continue;
    }
    out->reads[out->nreads++] = *o;
  }
  return true;
}

/* An offset's value as i128 (exact, whatever the sign). */
static LLVMValueRef offset_value(Fn *F, const DepOffset *o) {
  LLVMTypeRef i128 = LLVMInt128TypeInContext(F->L->ctx);
  if (!o->e)
    return LLVMConstInt(i128, 0, 0);
  LLVMValueRef v = LLVMBuildSExt(F->b, lower_expr(F, (Node *)o->e), i128, "");
  return o->sign < 0 ? LLVMBuildNeg(F->b, v, "") : v;
}

LLVMValueRef loop_dep_guard(Fn *F, const DepPlan *dp) {
  LLVMBuilderRef B = F->b;
  LLVMValueRef ok = fn_bool(F, true);
  LLVMValueRef w = offset_value(F, dp->write);
  for (int i = 0; i < dp->nreads; i++) {
    LLVMValueRef r = offset_value(F, &dp->reads[i]);
    LLVMValueRef c = LLVMBuildICmp(B, dp->step_sign > 0 ? LLVMIntSGE : LLVMIntSLE, r, w, "");
    ok = LLVMBuildAnd(B, ok, c, "");
  }
  return ok;
}

/* A distinct metadata node with no operands, which the C API cannot make
 * directly: parsed into a scratch module of the same context, which owns
 * the node (the module stays with the context until it is disposed). */
LLVMMetadataRef loop_dep_group(Lower *L) {
  static const char text[] = "!pj.group = !{!0}\n!0 = distinct !{}\n";
  LLVMMemoryBufferRef buf =
      LLVMCreateMemoryBufferWithMemoryRangeCopy(text, sizeof text - 1, "access-group");
  LLVMModuleRef m = NULL;
  char *msg = NULL;
  if (LLVMParseIRInContext(L->ctx, buf, &m, &msg))
    die(L->bail, "cannot make an access group: %s", msg ? msg : "?");
  LLVMValueRef op;
  LLVMGetNamedMetadataOperands(m, "pj.group", &op);
  return LLVMValueAsMetadata(op);
}
