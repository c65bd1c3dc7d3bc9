/* lower_idiom.c: loops that compute a known function, done in one step.
 *
 * Kernighan's bit count,
 *
 *     while v != 0:        (or `while v:`, `while v > 0:`)
 *         v &= v - 1       (or `v = v & (v - 1)`)
 *         c += 1           (or `c = c + 1`; the two statements in either order)
 *
 * clears the lowest set bit of v until none is left: for v >= 0 it runs
 * popcount(v) times and ends with v == 0.  gcc and LLVM recognize it too,
 * but LLVM's recognizer gives up once InstCombine has folded the loop's
 * entry test into the code around it (xorshift_bits: 3.7x C).  Here it is
 * lowered as `c += ctpop(v); v = 0` when v >= 0 and c + 64 cannot overflow;
 * otherwise the ordinary loop runs (a negative v loops forever in CPython:
 * in safe mode `v - 1` raises OverflowError once v is INT64_MIN, as the
 * loop itself does). */
#include "lower_fn.h"

bool is_local_int(const Node *n) {
  return n && n->kind == ND_NAME && n->sym && n->ty && n->ty->kind == TY_I64 &&
         (n->sym->kind == SYM_LOCAL || n->sym->kind == SYM_PARAM) && n->sym->ty &&
         n->sym->ty->kind == TY_I64;
}

static bool is_name(const Node *n, const Symbol *s) {
  return n && n->kind == ND_NAME && n->sym == s;
}

static bool is_const(const Node *n, int64_t want) {
  int64_t c;
  return n && node_int_const(n, &c) && c == want;
}

/* v - 1 */
static bool v_minus_one(const Node *n, const Symbol *v) {
  return n && n->kind == ND_BINOP && n->op == OP_SUB && is_name(n->a, v) && is_const(n->b, 1);
}

/* `v &= v - 1` or `v = v & (v - 1)` */
static bool clears_low_bit(const Node *s, const Symbol *v) {
  if (s->kind == ND_AUGASSIGN)
    return s->op == OP_BITAND && is_name(s->a, v) && v_minus_one(s->b, v);
  if (s->kind == ND_ASSIGN && s->list.len == 1 && is_name(s->list.data[0], v)) {
    const Node *e = s->a;
    return e->kind == ND_BINOP && e->op == OP_BITAND &&
           ((is_name(e->a, v) && v_minus_one(e->b, v)) || (is_name(e->b, v) && v_minus_one(e->a, v)));
  }
  return false;
}

bool counts_one(const Node *s, Symbol **c) {
  const Node *t = s->kind == ND_AUGASSIGN ? s->a
                  : s->kind == ND_ASSIGN && s->list.len == 1 ? s->list.data[0]
                                                              : NULL;
  if (!is_local_int(t))
    return false;
  if (s->kind == ND_AUGASSIGN ? s->op == OP_ADD && is_const(s->b, 1)
                              : s->a->kind == ND_BINOP && s->a->op == OP_ADD &&
                                    is_name(s->a->a, t->sym) && is_const(s->a->b, 1)) {
    *c = t->sym;
    return true;
  }
  return false;
}

/* The loop's v, for `v != 0`, `v > 0` or a bare `v`. */
static Symbol *tested_var(const Node *cond) {
  if (is_local_int(cond))
    return cond->sym;
  if (cond->kind == ND_COMPARE && cond->ops.len == 1 && cond->list.len == 1 &&
      (cond->ops.data[0] == OP_NE || cond->ops.data[0] == OP_GT) && is_local_int(cond->a) &&
      is_const(cond->list.data[0], 0))
    return cond->a->sym;
  /* `while v:` reaches here as a truth-value cast of v */
  if (cond->kind == ND_CAST && is_local_int(cond->a))
    return cond->a->sym;
  return NULL;
}

bool lower_while_idiom(Fn *F, Node *n, void (*plain)(Fn *F, Node *n)) {
  if (n->list2.len || n->list.len != 2)
    return false;
  Symbol *v = tested_var(n->a), *c = NULL;
  if (!v)
    return false;
  Node *s0 = n->list.data[0], *s1 = n->list.data[1];
  bool ok = (clears_low_bit(s0, v) && counts_one(s1, &c)) ||
            (clears_low_bit(s1, v) && counts_one(s0, &c));
  if (!ok || c == v)
    return false;
  LLVMBuilderRef B = F->b;
  Type *i64 = tt_scalar(F, TY_I64);
  LLVMValueRef vv = load_sym(F, v), cv = load_sym(F, c);
  LLVMValueRef fast = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntSGE, vv, fn_i64(F, 0), ""),
                                   LLVMBuildICmp(B, LLVMIntSLE, cv, fn_i64(F, INT64_MAX - 64), ""), "");
  LLVMBasicBlockRef fast_bb = fn_block(F, "popcount"), loop_bb = fn_block(F, "popcount.loop"),
                    end = fn_block(F, "popcount.end");
  LLVMBuildCondBr(B, fast, fast_bb, loop_bb);
  fn_position(F, fast_bb);
  LLVMValueRef args[] = {vv};
  LLVMValueRef pc = fn_intrinsic(F, "llvm.ctpop", &F->L->t_i64, 1, args, 1);
  store_sym(F, c, LLVMBuildNSWAdd(B, cv, pc, ""), i64);
  store_sym(F, v, fn_i64(F, 0), i64);
  LLVMBuildBr(B, end);
  fn_position(F, loop_bb);
  plain(F, n);
  if (!fn_terminated(F))
    LLVMBuildBr(F->b, end);
  fn_position(F, end);
  return true;
}
