/* emit_minmax.c: integer min/max chains regrouped so that the value a loop
 * carries from one iteration to the next joins last.
 *
 * A DP cell is often the minimum of three candidates, one of them the cell
 * just written (levenshtein, DTW, edit distances):
 *
 *     best = up + 1; t = left + 1; if t < best: best = t
 *     t = diag + cost; if t < best: best = t          (left: the last cell)
 *
 * min(min(up + 1, left + 1), diag + cost) makes each iteration wait for two
 * compare-and-selects after the previous one; min(left + 1, min(up + 1,
 * diag + cost)) for one, since the inner min does not depend on it.  For
 * integers the two are the same value (min and max are associative and
 * commutative, and equal integers cannot be told apart), so this is exact;
 * for floats it is not (NaN, -0.0) and floats are left alone.  Only the
 * combining tree changes: every operand is still computed where and when
 * the source computes it, so checks and exceptions keep their order.
 *
 * It needs SSA values, so it runs after SROA, and before InstCombine, which
 * narrows an i64 chain of i32 cells into a shape (the sext of an i32 min,
 * a compare against a shifted operand) that no longer reads as a min.  So
 * the stage runs the start of LLVM's pipeline (PRELUDE, up to SROA) first,
 * and the pipeline then starts again from the top.  That second start is
 * not a no-op (SimplifyCFG finds phis where it found memory: levenshtein
 * without the regrouping ran 1.2x slower), so the prelude runs only on
 * the functions that have a chain to regroup: a cheap scan of the raw IR
 * picks candidates, the prelude and the regrouping are tried on a copy of
 * the module, and only where they regrouped something are they done on
 * the module itself, every other function kept out of the passes with
 * optnone.  Every other function's optimized IR is what it was without
 * this stage. */
#include "emit_split.h"

typedef enum { MM_NONE, MM_SMIN, MM_SMAX, MM_UMIN, MM_UMAX } MinMax;

/* The block's only instruction is a branch to `to`, and its only
 * predecessor is `from`. */
static bool passes_through(LLVMBasicBlockRef bb, LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
  LLVMValueRef br = LLVMGetFirstInstruction(bb);
  if (br != LLVMGetBasicBlockTerminator(bb) || LLVMIsConditional(br) ||
      LLVMGetSuccessor(br, 0) != to)
    return false;
  LLVMValueRef first = NULL;
  for (LLVMUseRef u = LLVMGetFirstUse(LLVMBasicBlockAsValue(bb)); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u);
    if (first && user != first)
      return false;
    first = user;
  }
  return first && LLVMGetInstructionParent(first) == from;
}

/* The block that branches on the condition, when an arm that reaches
 * `join` from `arm` is empty: arm's one predecessor; else arm itself. */
static LLVMBasicBlockRef branch_block(LLVMBasicBlockRef arm, LLVMBasicBlockRef join) {
  LLVMValueRef br = LLVMGetBasicBlockTerminator(arm);
  if (br != LLVMGetFirstInstruction(arm) || LLVMIsConditional(br))
    return arm;
  LLVMUseRef u = LLVMGetFirstUse(LLVMBasicBlockAsValue(arm));
  if (!u || LLVMGetNextUse(u) || !LLVMIsABranchInst(LLVMGetUser(u)))
    return arm;
  LLVMBasicBlockRef from = LLVMGetInstructionParent(LLVMGetUser(u));
  return passes_through(arm, from, join) ? from : arm;
}

/* v as `cond ? t : f`: a select, or (before SimplifyCFG has made it one) a
 * phi that joins the two edges of one conditional branch, each directly or
 * through an empty block (an `if` without else, or a conditional
 * expression). */
static bool as_select(LLVMValueRef v, LLVMValueRef *cond, LLVMValueRef *t, LLVMValueRef *f) {
  if (LLVMIsASelectInst(v)) {
    *cond = LLVMGetOperand(v, 0);
    *t = LLVMGetOperand(v, 1);
    *f = LLVMGetOperand(v, 2);
    return true;
  }
  if (!LLVMIsAPHINode(v) || LLVMCountIncoming(v) != 2)
    return false;
  LLVMBasicBlockRef join = LLVMGetInstructionParent(v);
  LLVMBasicBlockRef in0 = LLVMGetIncomingBlock(v, 0), in1 = LLVMGetIncomingBlock(v, 1);
  LLVMBasicBlockRef d0 = branch_block(in0, join), d1 = branch_block(in1, join);
  /* both edges leave one block: through an empty arm, or the block itself */
  LLVMBasicBlockRef d = d0 == in0 ? d1 : d0;
  if (!(d0 == d || in0 == d) || !(d1 == d || in1 == d) || in0 == in1)
    return false;
  LLVMValueRef br = LLVMGetBasicBlockTerminator(d);
  if (!LLVMIsConditional(br))
    return false;
  /* which incoming edge the true successor leads to */
  LLVMBasicBlockRef on_true = LLVMGetSuccessor(br, 0), on_false = LLVMGetSuccessor(br, 1);
  LLVMBasicBlockRef e0 = in0 == d ? join : in0, e1 = in1 == d ? join : in1;
  if (!((on_true == e0 && on_false == e1) || (on_true == e1 && on_false == e0)))
    return false;
  *cond = LLVMGetCondition(br);
  *t = LLVMGetIncomingValue(v, on_true == e0 ? 0 : 1);
  *f = LLVMGetIncomingValue(v, on_true == e0 ? 1 : 0);
  return true;
}

/* `cond ? x : y` with cond = (x P y) or (y P x), on scalar integers: which
 * of min/max it computes, with its two operands.  `<=` selects like `<`:
 * where they differ the operands are equal. */
static MinMax match_minmax(LLVMValueRef v, LLVMValueRef *a, LLVMValueRef *b) {
  LLVMValueRef c, t, f;
  if (!as_select(v, &c, &t, &f) || !LLVMIsAICmpInst(c) ||
      LLVMGetTypeKind(LLVMTypeOf(t)) != LLVMIntegerTypeKind)
    return MM_NONE;
  LLVMValueRef x = LLVMGetOperand(c, 0), y = LLVMGetOperand(c, 1);
  bool same = t == x && f == y;
  if (!same && !(t == y && f == x))
    return MM_NONE;
  *a = t;
  *b = f;
  switch (LLVMGetICmpPredicate(c)) {
  case LLVMIntSLT: case LLVMIntSLE: return same ? MM_SMIN : MM_SMAX;
  case LLVMIntSGT: case LLVMIntSGE: return same ? MM_SMAX : MM_SMIN;
  case LLVMIntULT: case LLVMIntULE: return same ? MM_UMIN : MM_UMAX;
  case LLVMIntUGT: case LLVMIntUGE: return same ? MM_UMAX : MM_UMIN;
  default: return MM_NONE;
  }
}

static LLVMValueRef build_minmax(LLVMBuilderRef b, MinMax k, LLVMValueRef x, LLVMValueRef y) {
  LLVMIntPredicate p = k == MM_SMIN ? LLVMIntSLT : k == MM_SMAX ? LLVMIntSGT
                       : k == MM_UMIN ? LLVMIntULT : LLVMIntUGT;
  return LLVMBuildSelect(b, LLVMBuildICmp(b, p, x, y, ""), x, y, "");
}

/* The walks below look this far and no farther: a carried chain is a few
 * instructions long, and a bound keeps the pass linear. */
enum { WALK_MAX = 48 };

typedef struct {
  LLVMValueRef v[WALK_MAX];
  int n;
} ValueSet;

static bool set_has(const ValueSet *s, LLVMValueRef v) {
  for (int i = 0; i < s->n; i++)
    if (s->v[i] == v)
      return true;
  return false;
}

static bool set_add(ValueSet *s, LLVMValueRef v) {
  if (s->n == WALK_MAX || set_has(s, v))
    return false;
  s->v[s->n++] = v;
  return true;
}

/* The phis that r flows into through its users: r's value comes back to
 * them at the next iteration.  Stores end a path (memory is not followed). */
static void phis_fed_by(LLVMValueRef r, ValueSet *phis) {
  ValueSet seen = {0};
  set_add(&seen, r);
  for (int i = 0; i < seen.n; i++) {
    for (LLVMUseRef u = LLVMGetFirstUse(seen.v[i]); u; u = LLVMGetNextUse(u)) {
      LLVMValueRef user = LLVMGetUser(u);
      if (LLVMIsAPHINode(user))
        set_add(phis, user);
      else if (LLVMIsAInstruction(user) && !LLVMIsAStoreInst(user))
        set_add(&seen, user);
    }
  }
}

/* Whether v is computed from one of phis: the carried value itself, or
 * what is computed from it (arithmetic, overflow-checked arithmetic, a
 * load at an address made from it), short of other phis. */
static bool computed_from(LLVMValueRef v, const ValueSet *phis) {
  ValueSet seen = {0};
  set_add(&seen, v);
  for (int i = 0; i < seen.n; i++) {
    LLVMValueRef x = seen.v[i];
    if (set_has(phis, x))
      return true;
    if (!LLVMIsAInstruction(x) || LLVMIsAPHINode(x))
      continue;
    int n = LLVMGetNumOperands(x);
    for (int k = 0; k < n; k++)
      set_add(&seen, LLVMGetOperand(x, k));
  }
  return false;
}

/* Whether x's only users are s and s's compare: the inner min is not
 * needed once s is regrouped. */
static bool used_only_by(LLVMValueRef x, LLVMValueRef s) {
  LLVMValueRef cmp, t, f;
  as_select(s, &cmp, &t, &f);
  for (LLVMUseRef u = LLVMGetFirstUse(x); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u);
    if (user != s && user != cmp)
      return false;
  }
  return LLVMGetFirstUse(cmp) && !LLVMGetNextUse(LLVMGetFirstUse(cmp));
}

/* s = m(m(a, b), c) with exactly one of a, b carried (and c not): rebuilt
 * as m(carried, m(other, c)) before s, which it replaces. */
static bool regroup(LLVMBuilderRef bld, LLVMValueRef s) {
  LLVMValueRef x, c, a, b;
  MinMax k = match_minmax(s, &x, &c);
  if (k == MM_NONE)
    return false;
  if (match_minmax(x, &a, &b) != k) {
    LLVMValueRef t = x;
    x = c;
    c = t;
    if (match_minmax(x, &a, &b) != k)
      return false;
  }
  if (!used_only_by(x, s))
    return false;
  ValueSet phis = {0};
  phis_fed_by(s, &phis);
  if (!phis.n || computed_from(c, &phis))
    return false;
  bool ca = computed_from(a, &phis), cb = computed_from(b, &phis);
  if (ca == cb)
    return false;
  LLVMValueRef carried = ca ? a : b, other = ca ? b : a;
  LLVMValueRef at = s;
  while (LLVMIsAPHINode(at))
    at = LLVMGetNextInstruction(at);
  LLVMPositionBuilderBefore(bld, at);
  LLVMValueRef r = build_minmax(bld, k, carried, build_minmax(bld, k, other, c));
  LLVMReplaceAllUsesWith(s, r);
  return true;
}

static int regroup_function(LLVMBuilderRef bld, LLVMValueRef f) {
  int n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
      n += regroup(bld, i);
  return n;
}

/* The start of LLVM's own O2/O3 function simplification (its EarlyFPM), up
 * to SROA: the pipeline that follows repeats it, and for the functions it
 * has run on, finds SSA values where it would have found memory. */
static const char PRELUDE[] =
    "function(lower-expect,simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond;"
    "no-switch-range-to-icmp;no-switch-to-lookup;keep-loops;no-hoist-common-insts;"
    "no-sink-common-insts;speculate-blocks;simplify-cond-branch;no-speculate-unpredictables>,"
    "sroa<modify-cfg>)";

static bool has_attr(LLVMValueRef f, const char *name) {
  unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
  return LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, k) != NULL;
}

static void set_attr(LLVMValueRef f, const char *name, bool on) {
  unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
  if (on)
    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(LLVMGetModuleContext(LLVMGetGlobalParent(f)), k, 0));
  else
    LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, k);
}

/* bb starts by loading x or y */
static bool reads_compared_local(LLVMBasicBlockRef bb, LLVMValueRef x, LLVMValueRef y) {
  LLVMValueRef ld = LLVMGetFirstInstruction(bb);
  return ld && LLVMIsALoadInst(ld) && (LLVMGetOperand(ld, 0) == x || LLVMGetOperand(ld, 0) == y);
}

/* The lowering's own min/max (loop bounds, guards) feed compares; a
 * user's min() is assigned to a variable or is an operand of another one
 * (min(a, b, c)). */
static bool user_minmax(LLVMValueRef v) {
  for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u), a, b;
    if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 0) == v &&
        LLVMIsAAllocaInst(LLVMGetOperand(user, 1)))
      return true;
    if (LLVMIsASelectInst(user) && match_minmax(user, &a, &b) != MM_NONE)
      return true;
  }
  return false;
}

static bool is_minmax_update(LLVMValueRef i) {
  LLVMValueRef a, b;
  if (LLVMIsASelectInst(i))
    return match_minmax(i, &a, &b) != MM_NONE && user_minmax(i);
  if (!LLVMIsABranchInst(i) || !LLVMIsConditional(i))
    return false;
  LLVMValueRef c = LLVMGetCondition(i);
  if (!LLVMIsAICmpInst(c) || LLVMGetICmpPredicate(c) == LLVMIntEQ ||
      LLVMGetICmpPredicate(c) == LLVMIntNE)
    return false;
  LLVMValueRef x = LLVMGetOperand(c, 0), y = LLVMGetOperand(c, 1);
  if (!LLVMIsALoadInst(x) || !LLVMIsALoadInst(y) ||
      LLVMGetTypeKind(LLVMTypeOf(x)) != LLVMIntegerTypeKind)
    return false;
  x = LLVMGetOperand(x, 0);
  y = LLVMGetOperand(y, 0);
  return LLVMIsAAllocaInst(x) && LLVMIsAAllocaInst(y) &&
         (reads_compared_local(LLVMGetSuccessor(i, 0), x, y) ||
          reads_compared_local(LLVMGetSuccessor(i, 1), x, y));
}

/* Whether the raw function (locals still in memory) has two or more integer
 * min/max updates that could form a chain: selects on a compare of their
 * own two values (min(), max()), or a branch on a compare of two locals
 * whose arm reads one of them (`if t < best: best = t`, `t if t < best
 * else best`).  Cheap, so that the copy and the prelude cost nothing to the
 * modules without any. */
static bool may_have_chain(LLVMValueRef f) {
  int n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
      if (is_minmax_update(i) && ++n == 2)
        return true;
  return false;
}

static int count_functions(LLVMModuleRef m) {
  int n = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
    n++;
  return n;
}

/* optnone (which needs noinline) keeps the passes off every function of m
 * but the chosen ones; it records what it added in added[2 * i + k], so
 * that leave_only can take it back. */
static void run_only(LLVMModuleRef m, const bool *chosen, bool *added) {
  int i = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f), i++) {
    if (chosen[i] || !LLVMGetFirstBasicBlock(f))
      continue;
    if ((added[2 * i] = !has_attr(f, "optnone")))
      set_attr(f, "optnone", true);
    if ((added[2 * i + 1] = !has_attr(f, "noinline")))
      set_attr(f, "noinline", true);
  }
}

static void leave_only(LLVMModuleRef m, const bool *added) {
  int i = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f), i++) {
    if (added[2 * i])
      set_attr(f, "optnone", false);
    if (added[2 * i + 1])
      set_attr(f, "noinline", false);
  }
}

/* Of the candidate functions, those with a chain to regroup, found on a
 * copy of m: the prelude changes what the pipeline makes of a function, so
 * it runs only where it pays.  Functions are matched by position (a copy
 * keeps the order).  Returns how many. */
static int find_regroupable(LLVMModuleRef m, LLVMTargetMachineRef tm, LLVMPassBuilderOptionsRef po,
                            LLVMBuilderRef bld, bool *chosen, bool *added, LLVMErrorRef *e) {
  LLVMModuleRef copy = LLVMCloneModule(m);
  run_only(copy, chosen, added);
  int n = 0, i = 0;
  *e = LLVMRunPasses(copy, PRELUDE, tm, po);
  for (LLVMValueRef f = LLVMGetFirstFunction(copy); f; f = LLVMGetNextFunction(f), i++)
    n += chosen[i] = chosen[i] && !*e && regroup_function(bld, f) > 0;
  LLVMDisposeModule(copy);
  return n;
}

LLVMErrorRef minmax_stage(LLVMModuleRef m, LLVMTargetMachineRef tm, LLVMPassBuilderOptionsRef po,
                          int *regrouped) {
  int nf = count_functions(m), candidates = 0, i = 0;
  bool *chosen = calloc((size_t)nf * 3 + 1, sizeof(bool)), *added = chosen + nf;
  if (!chosen)
    return NULL; /* the optimization is optional */
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f), i++)
    candidates += chosen[i] = may_have_chain(f);
  LLVMErrorRef e = NULL;
  LLVMBuilderRef bld = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
  int found = candidates ? find_regroupable(m, tm, po, bld, chosen, added, &e) : 0;
  if (e) { /* an LLVM that does not take PRELUDE: build without the stage */
    LLVMConsumeError(e);
    e = NULL;
    found = 0;
  }
  if (found) {
    memset(added, 0, (size_t)nf * 2 * sizeof(bool));
    run_only(m, chosen, added);
    e = LLVMRunPasses(m, PRELUDE, tm, po);
    leave_only(m, added);
    i = 0;
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f && !e; f = LLVMGetNextFunction(f), i++)
      if (chosen[i])
        *regrouped += regroup_function(bld, f);
  }
  LLVMDisposeBuilder(bld);
  free(chosen);
  return e;
}
