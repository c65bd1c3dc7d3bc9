/* emit_split.c: cutting the module into parts that are optimized and
 * compiled in parallel, one process each (emit.c forks them).
 *
 * A part is a set of whole call-graph components: functions that call each
 * other (a wrapper, its SYMBOL_impl, the compiled functions that calls,
 * their _rec copies) always stay together, so every inlining, constant
 * propagation or attribute inference the optimizer can do inside a
 * component it still does, and nothing it does crosses components
 * (PyInit reaches the wrappers only through the method table, a constant).
 * Each process keeps the whole module minus the other parts' function
 * bodies.  For the parts to link back into one program:
 *   - every function body is in exactly one part;
 *   - global variables (all constants: strings, signatures, the method
 *     table) and functions referenced other than by direct calls (the
 *     wrappers, from the method table) may be referenced from any part, so
 *     before the split the local ones become hidden external symbols (still
 *     resolved inside the .so, never exported; nameless ones get a name);
 *     being external they are neither deleted nor changed by any part's
 *     optimizer, and hidden means dso_local, so each call or address is the
 *     same instruction as before (a direct call, a RIP-relative lea);
 *   - global variables are emitted by part 0 only: after optimization the
 *     other parts turn them into available_externally (same initializer,
 *     not emitted), so there is one copy and one address.  Globals the
 *     optimizer creates in a part (switch tables) are local and stay. */
#include "emit_split.h"

/* Instructions in a function: the estimate of its cost. */
static int function_size(LLVMValueRef fn) {
  int n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
      n++;
  return n;
}

static bool is_local(LLVMValueRef g) {
  LLVMLinkage l = LLVMGetLinkage(g);
  return l == LLVMInternalLinkage || l == LLVMPrivateLinkage;
}

/* ---- call-graph components (union-find over the defined functions) ---- */

typedef struct Components {
  int n;
  LLVMValueRef *fn; /* [n] defined functions, module order */
  int *parent;      /* [n] union-find */
} Components;

static int comp_find(Components *c, int i) {
  while (c->parent[i] != i)
    i = c->parent[i] = c->parent[c->parent[i]];
  return i;
}

/* Index of a defined function (n is a few dozen to a few hundred). */
static int comp_index(const Components *c, LLVMValueRef fn) {
  for (int i = 0; i < c->n; i++)
    if (c->fn[i] == fn)
      return i;
  return -1;
}

/* Joins function i with every defined function its operand `v` mentions,
 * looking through constant expressions (not into global initializers). */
static void join_refs(Components *c, int i, LLVMValueRef v, int depth) {
  if (LLVMIsAFunction(v)) {
    int j = comp_index(c, v);
    if (j >= 0)
      c->parent[comp_find(c, i)] = comp_find(c, j);
    return;
  }
  if (depth > 4 || !LLVMIsAConstantExpr(v))
    return;
  for (int k = 0, n = LLVMGetNumOperands(v); k < n; k++)
    join_refs(c, i, LLVMGetOperand(v, (unsigned)k), depth + 1);
}

static void join_function(Components *c, int i) {
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(c->fn[i]); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef ins = LLVMGetFirstInstruction(bb); ins; ins = LLVMGetNextInstruction(ins))
      for (int k = 0, n = LLVMGetNumOperands(ins); k < n; k++)
        join_refs(c, i, LLVMGetOperand(ins, (unsigned)k), 0);
}

/* ---- balancing ---- */

/* Longest-processing-time-first over the components: the biggest goes to
 * the part with the least work so far.  Sets p->part[] for every function. */
static void assign_parts(SplitPlan *p, Components *c, const int *size) {
  int *csize = xmalloc(sizeof *csize * (size_t)c->n);
  int *cpart = xmalloc(sizeof *cpart * (size_t)c->n);
  int *order = xmalloc(sizeof *order * (size_t)c->n);
  int ncomp = 0;
  for (int i = 0; i < c->n; i++)
    csize[i] = 0;
  for (int i = 0; i < c->n; i++)
    csize[comp_find(c, i)] += size[i];
  for (int i = 0; i < c->n; i++)
    if (comp_find(c, i) == i)
      order[ncomp++] = i;
  for (int i = 1; i < ncomp; i++) /* insertion sort, biggest first */
    for (int j = i; j > 0 && csize[order[j]] > csize[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  long load[SPLIT_MAX_PARTS] = {0};
  for (int k = 0; k < ncomp; k++) {
    int best = 0;
    for (int q = 1; q < p->nparts; q++)
      if (load[q] < load[best])
        best = q;
    cpart[order[k]] = best;
    load[best] += csize[order[k]];
  }
  for (int i = 0; i < c->n; i++)
    p->part[i] = (unsigned char)cpart[comp_find(c, i)];
  free(csize);
  free(cpart);
  free(order);
}

/* How many parts: up to max_parts, each of at least min_size instructions
 * (rounded down), at most one per component. */
static int count_parts(long total, int ncomp, int max_parts, int min_size) {
  long parts = total / (min_size > 0 ? min_size : 1);
  if (parts > max_parts)
    parts = max_parts;
  if (parts > SPLIT_MAX_PARTS)
    parts = SPLIT_MAX_PARTS;
  if (parts > ncomp)
    parts = ncomp;
  return parts < 1 ? 1 : (int)parts;
}

/* ---- symbols shared between parts ---- */

/* Local linkage -> hidden external.  The linkage changes first: a local
 * symbol cannot be hidden. */
static void make_hidden_external(LLVMValueRef g, int *anon) {
  size_t len;
  LLVMGetValueName2(g, &len);
  if (len == 0) {
    char name[32];
    snprintf(name, sizeof name, "pj.anon.%d", (*anon)++);
    LLVMSetValueName2(g, name, strlen(name));
  }
  LLVMSetLinkage(g, LLVMExternalLinkage);
  LLVMSetVisibility(g, LLVMHiddenVisibility);
}

/* Is every use of fn a direct call of it?  Then all its users are in its
 * own component, and it can stay local. */
static bool only_called(LLVMValueRef fn) {
  for (LLVMUseRef u = LLVMGetFirstUse(fn); u; u = LLVMGetNextUse(u)) {
    LLVMValueRef user = LLVMGetUser(u);
    if (!LLVMIsACallInst(user) || LLVMGetCalledValue(user) != fn)
      return false;
    for (int k = 0, n = LLVMGetNumOperands(user) - 1; k < n; k++)
      if (LLVMGetOperand(user, (unsigned)k) == fn)
        return false; /* also passed as an argument */
  }
  return true;
}

/* Lowering makes one private string per use (each overflow check has its
 * own copy of the message); the optimizer merges such duplicates, which
 * lets the raise blocks of a function merge too.  Once shared (external)
 * they could no longer be merged, so that happens first: each part's
 * optimizer then starts from what it would have made of them. */
static void merge_constants(LLVMModuleRef m) {
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = LLVMRunPasses(m, "constmerge", NULL, po);
  LLVMDisposePassBuilderOptions(po);
  if (e)
    LLVMConsumeError(e); /* only a lost merge: the code stays right */
}

static void share_symbols(LLVMModuleRef m, const Components *c) {
  int anon = 0;
  for (int i = 0; i < c->n; i++)
    if (is_local(c->fn[i]) && !only_called(c->fn[i]))
      make_hidden_external(c->fn[i], &anon);
  for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
    if (is_local(g))
      make_hidden_external(g, &anon);
}

SplitPlan split_plan(LLVMModuleRef m, int max_parts, int min_size) {
  SplitPlan p = {.nparts = 1};
  if (max_parts < 2)
    return p;
  Components c = {0};
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
    c.n += !LLVMIsDeclaration(f);
  c.fn = xmalloc(sizeof *c.fn * (size_t)(c.n + 1));
  c.parent = xmalloc(sizeof *c.parent * (size_t)(c.n + 1));
  int *size = xmalloc(sizeof *size * (size_t)(c.n + 1));
  long total = 0;
  int k = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
    if (!LLVMIsDeclaration(f)) {
      c.fn[k] = f;
      c.parent[k] = k;
      size[k] = function_size(f);
      total += size[k++];
    }
  for (int i = 0; i < c.n; i++)
    join_function(&c, i);
  int ncomp = 0;
  for (int i = 0; i < c.n; i++)
    ncomp += comp_find(&c, i) == i;
  p.nparts = count_parts(total, ncomp, max_parts, min_size);
  if (p.nparts >= 2) {
    p.nfuncs = c.n;
    p.fn = c.fn;
    p.part = xmalloc((size_t)c.n);
    assign_parts(&p, &c, size);
    merge_constants(m);
    share_symbols(m, &c);
  } else {
    free(c.fn);
  }
  free(c.parent);
  free(size);
  return p;
}

/* ---- one process's part ---- */

/* Turns a definition into a declaration.  The C API has no deleteBody, so
 * in an order that never destroys a value still in use: every instruction's
 * uses become poison, then the instructions go (dropping their uses of
 * values and blocks), then the now unused blocks. */
static void drop_body(LLVMValueRef fn) {
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
      LLVMTypeRef t = LLVMTypeOf(i);
      if (LLVMGetTypeKind(t) != LLVMVoidTypeKind && LLVMGetFirstUse(i))
        LLVMReplaceAllUsesWith(i, LLVMGetPoison(t));
    }
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    LLVMValueRef i = LLVMGetFirstInstruction(bb);
    while (i) {
      LLVMValueRef next = LLVMGetNextInstruction(i);
      LLVMInstructionEraseFromParent(i);
      i = next;
    }
  }
  LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn);
  while (bb) {
    LLVMBasicBlockRef next = LLVMGetNextBasicBlock(bb);
    LLVMDeleteBasicBlock(bb);
    bb = next;
  }
}

void split_keep_parts(const SplitPlan *p, unsigned parts) {
  if (p->nparts < 2)
    return;
  /* Bodies first: a function may only be called from another one that
   * goes too. */
  for (int i = 0; i < p->nfuncs; i++)
    if (!(parts & 1u << p->part[i]))
      drop_body(p->fn[i]);
  for (int i = 0; i < p->nfuncs; i++)
    if (!(parts & 1u << p->part[i]) && !LLVMGetFirstUse(p->fn[i]))
      LLVMDeleteFunction(p->fn[i]);
}

void split_emit_globals(LLVMModuleRef m, bool here) {
  if (here)
    return;
  LLVMValueRef g = LLVMGetFirstGlobal(m);
  while (g) {
    LLVMValueRef next = LLVMGetNextGlobal(g);
    if (LLVMGetLinkage(g) == LLVMAppendingLinkage)
      LLVMDeleteGlobal(g); /* llvm.used and the like: part 0 has them */
    else if (!LLVMIsDeclaration(g) && !is_local(g))
      LLVMSetLinkage(g, LLVMAvailableExternallyLinkage);
    g = next;
  }
}

void split_free(SplitPlan *p) {
  free(p->fn);
  free(p->part);
  p->fn = NULL;
  p->part = NULL;
}
