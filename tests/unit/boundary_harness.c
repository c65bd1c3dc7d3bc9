/* boundary_harness.c: builds an extension module `bnd` without the front end:
 * a hand-made Program (FuncInsts with their signatures, defaults and the
 * bits of body the written-array analysis looks at) and hand-written
 * SYMBOL_impl bodies, then the real lower_wrappers, lower_module_def,
 * emit_program and link_module.  It tests the boundary (wrappers, runtime
 * ABI, module definition, emission, link) independently of lower.c.
 * Also checks that the LLVM layouts of PjSig/PjFuncDef/PjModuleDef/PjArray
 * match the C ones (offsetof).
 * usage: boundary_harness OUTDIR RUNTIME_LIB [-O0..3]
 *        boundary_harness --repr HEXFLOAT...   (prints the default reprs)
 * lower_boundary.c is included, not linked, to reach its static helpers. */
#include <stddef.h>

#include "../../compiler/lower_boundary.c"
#include "../../compiler/link.h"
#include "../../runtime/pjrt.h"

typedef struct H {
  Arena a;
  Bailout bail;
  TypeTable *tt;
  Program *prog;
  Lower *L;
} H;

static Symbol *param(H *h, const char *name, Type *ty, int index) {
  Symbol *s = ARENA_NEW(&h->a, Symbol);
  s->kind = SYM_PARAM;
  s->name = name;
  s->ty = ty;
  s->index = index;
  return s;
}

static Node *num(H *h, NodeKind k, int64_t i, double f) {
  Node *n = node_new(&h->a, k, NO_SPAN);
  n->ival = i;
  n->fval = f;
  return n;
}

static Node *name_of(H *h, Symbol *s) {
  Node *n = node_new(&h->a, ND_NAME, NO_SPAN);
  n->name = s->name;
  n->sym = s;
  n->ty = s->ty;
  return n;
}

static FuncInst *func(H *h, const char *name, Type *ret, int n, Symbol **params, Node **defaults,
                      const char *doc, bool has_loops) {
  FuncInst *f = ARENA_NEW(&h->a, FuncInst);
  f->name = name;
  f->symbol = name;
  f->nparams = n;
  f->params = params;
  f->defaults = defaults;
  f->ret = ret;
  f->exported = true;
  f->has_loops = has_loops;
  f->func = node_new(&h->a, ND_FUNC, NO_SPAN);
  f->func->name = name;
  f->func->doc = doc;
  vec_push(&h->a, &h->prog->funcs, f);
  return f;
}

/* ---- impl bodies written by hand */

static LLVMValueRef begin_impl(Lower *L, int fi) {
  LLVMValueRef fn = L->impl_fn[fi];
  LLVMPositionBuilderAtEnd(L->b, LLVMAppendBasicBlockInContext(L->ctx, fn, "entry"));
  return fn;
}

static LLVMValueRef ok(Lower *L) { return LLVMBuildRet(L->b, LLVMConstInt(L->t_i32, 0, 0)); }

static LLVMValueRef arr_field(Lower *L, LLVMValueRef arr, unsigned field, int idx) {
  LLVMValueRef p = LLVMBuildStructGEP2(L->b, L->t_pjarray, arr, field, "");
  if (field == 0)
    return LLVMBuildLoad2(L->b, L->t_ptr, p, "data");
  if (field == 3)
    return LLVMBuildLoad2(L->b, L->t_i64, p, "itemsize");
  LLVMValueRef ix[] = {LLVMConstInt(L->t_i32, 0, 0), LLVMConstInt(L->t_i32, (unsigned)idx, 0)};
  p = LLVMBuildGEP2(L->b, LLVMArrayType(L->t_i64, PJRT_MAX_NDIM), p, ix, 2, "");
  return LLVMBuildLoad2(L->b, L->t_i64, p, "");
}

/* for i in range(arr.shape[0]): body(elem_ptr); a loop block structure. */
typedef void (*ElemFn)(Lower *L, LLVMValueRef elem, LLVMValueRef acc_slot, LLVMValueRef extra);
static void loop1d(Lower *L, LLVMValueRef fn, LLVMValueRef arr, ElemFn body, LLVMValueRef acc,
                   LLVMValueRef extra) {
  LLVMValueRef n = arr_field(L, arr, 1, 0);
  LLVMValueRef stride = arr_field(L, arr, 2, 0);
  LLVMValueRef data = arr_field(L, arr, 0, 0);
  LLVMValueRef islot = LLVMBuildAlloca(L->b, L->t_i64, "i");
  LLVMBuildStore(L->b, LLVMConstInt(L->t_i64, 0, 0), islot);
  LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->ctx, fn, "head");
  LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(L->ctx, fn, "body");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->ctx, fn, "done");
  LLVMBuildBr(L->b, head);
  LLVMPositionBuilderAtEnd(L->b, head);
  LLVMValueRef i = LLVMBuildLoad2(L->b, L->t_i64, islot, "");
  LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, i, n, ""), bb, done);
  LLVMPositionBuilderAtEnd(L->b, bb);
  LLVMValueRef off = LLVMBuildMul(L->b, i, stride, "");
  LLVMValueRef ep = LLVMBuildGEP2(L->b, L->t_i8, data, &off, 1, "");
  body(L, ep, acc, extra);
  LLVMBuildStore(L->b, LLVMBuildAdd(L->b, i, LLVMConstInt(L->t_i64, 1, 0), ""), islot);
  LLVMBuildBr(L->b, head);
  LLVMPositionBuilderAtEnd(L->b, done);
}

static void store_v(Lower *L, LLVMValueRef ep, LLVMValueRef acc, LLVMValueRef v) {
  (void)acc;
  LLVMBuildStore(L->b, v, ep);
}

static void add_to(Lower *L, LLVMValueRef ep, LLVMValueRef acc, LLVMValueRef extra) {
  (void)extra;
  LLVMValueRef x = LLVMBuildLoad2(L->b, L->t_f64, ep, "");
  LLVMValueRef s = LLVMBuildLoad2(L->b, L->t_f64, acc, "");
  LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, s, x, ""), acc);
}

enum { F_ADD, F_FDIV, F_FILL, F_TOTAL, F_CALLS_FILL, F_NARROW, F_BIG, F_NOTHING, F_HELPER };

static void bodies(H *h) {
  Lower *L = h->L;
  LLVMValueRef fn;
  /* add: out = a + b */
  fn = begin_impl(L, F_ADD);
  LLVMBuildStore(L->b, LLVMBuildAdd(L->b, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), ""),
                 LLVMGetParam(fn, 2));
  ok(L);
  /* fdiv: b == 0 raises ZeroDivisionError */
  fn = begin_impl(L, F_FDIV);
  {
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(L->ctx, fn, "zero");
    LLVMBasicBlockRef good = LLVMAppendBasicBlockInContext(L->ctx, fn, "div");
    LLVMValueRef b = LLVMGetParam(fn, 1);
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, b, LLVMConstReal(L->t_f64, 0), ""),
                    bad, good);
    LLVMPositionBuilderAtEnd(L->b, bad);
    LLVMValueRef args[] = {LLVMConstInt(L->t_i32, PJRT_ZERO_DIVISION, 0),
                           lower_cstring(L, "float division by zero")};
    lower_call_rt(L, RT_pjrt_raise, args, 2);
    LLVMBuildRet(L->b, LLVMConstInt(L->t_i32, (unsigned long long)-1, 1));
    LLVMPositionBuilderAtEnd(L->b, good);
    LLVMBuildStore(L->b, LLVMBuildFDiv(L->b, LLVMGetParam(fn, 0), b, ""), LLVMGetParam(fn, 2));
    ok(L);
  }
  /* fill: x[i] = v */
  fn = begin_impl(L, F_FILL);
  loop1d(L, fn, LLVMGetParam(fn, 0), store_v, NULL, LLVMGetParam(fn, 1));
  ok(L);
  /* total: sum */
  fn = begin_impl(L, F_TOTAL);
  {
    LLVMValueRef acc = LLVMBuildAlloca(L->b, L->t_f64, "acc");
    LLVMBuildStore(L->b, LLVMConstReal(L->t_f64, 0), acc);
    loop1d(L, fn, LLVMGetParam(fn, 0), add_to, acc, NULL);
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->t_f64, acc, ""), LLVMGetParam(fn, 1));
    ok(L);
  }
  /* calls_fill: return fill_impl(y, 7.0) */
  fn = begin_impl(L, F_CALLS_FILL);
  {
    LLVMValueRef args[] = {LLVMGetParam(fn, 0), LLVMConstReal(L->t_f64, 7.0)};
    LLVMBuildRet(L->b, LLVMBuildCall2(L->b, L->impl_ty[F_FILL], L->impl_fn[F_FILL], args, 2, ""));
  }
  /* narrow: out = {a, b, c, d} */
  fn = begin_impl(L, F_NARROW);
  {
    LLVMValueRef out = LLVMGetParam(fn, 4);
    LLVMTypeRef ty = lower_llvm_type(L, h->prog->funcs.data[F_NARROW]->ret);
    for (unsigned k = 0; k < 4; k++)
      LLVMBuildStore(L->b, LLVMGetParam(fn, k), LLVMBuildStructGEP2(L->b, ty, out, k, ""));
    ok(L);
  }
  /* big: out = a */
  fn = begin_impl(L, F_BIG);
  LLVMBuildStore(L->b, LLVMGetParam(fn, 0), LLVMGetParam(fn, 3));
  ok(L);
  /* nothing: returns None */
  fn = begin_impl(L, F_NOTHING);
  ok(L);
  /* helper (not exported): writes its array */
  fn = begin_impl(L, F_HELPER);
  ok(L);
}

static void declare_impls(H *h) {
  Lower *L = h->L;
  int n = h->prog->funcs.len;
  L->impl_fn = ARENA_ARRAY(&h->a, LLVMValueRef, n);
  L->impl_ty = ARENA_ARRAY(&h->a, LLVMTypeRef, n);
  for (int fi = 0; fi < n; fi++) {
    FuncInst *f = h->prog->funcs.data[fi];
    LLVMTypeRef pt[16];
    int k = 0;
    for (int i = 0; i < f->nparams; i++)
      pt[k++] = lower_llvm_type(L, f->params[i]->ty);
    if (f->ret->kind != TY_NONE)
      pt[k++] = L->t_ptr;
    L->impl_ty[fi] = LLVMFunctionType(L->t_i32, pt, (unsigned)k, 0);
    L->impl_fn[fi] = LLVMAddFunction(L->mod, arena_printf(&h->a, "%s_impl", f->symbol),
                                     L->impl_ty[fi]);
    LLVMSetVisibility(L->impl_fn[fi], LLVMHiddenVisibility);
  }
}

static void make_program(H *h) {
  Arena *a = &h->a;
  TypeTable *t = h->tt;
  Type *i64 = type_scalar(t, TY_I64), *f64 = type_scalar(t, TY_F64);
  Type *none = type_scalar(t, TY_NONE);
  h->prog = ARENA_NEW(a, Program);
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 2);
    p[0] = param(h, "a", i64, 0);
    p[1] = param(h, "b", i64, 1);
    func(h, "add", i64, 2, p, ARENA_ARRAY(a, Node *, 2), NULL, false);
  }
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 2);
    p[0] = param(h, "a", f64, 0);
    p[1] = param(h, "b", f64, 1);
    Node **d = ARENA_ARRAY(a, Node *, 2);
    d[1] = num(h, ND_INT, 2, 0); /* b: float = 2 */
    func(h, "fdiv", f64, 2, p, d, "Divide a by b.", false);
  }
  Symbol *fill_x;
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 2);
    p[0] = fill_x = param(h, "x", type_array(t, f64, 1, false), 0);
    p[1] = param(h, "v", f64, 1);
    Node **d = ARENA_ARRAY(a, Node *, 2);
    d[1] = num(h, ND_FLOAT, 0, 1.5);
    FuncInst *f = func(h, "fill", none, 2, p, d, NULL, true);
    /* body: x[0] = v   (what the written-array analysis sees) */
    Node *sub = node_new(a, ND_SUBSCRIPT, NO_SPAN);
    sub->a = name_of(h, fill_x);
    vec_push(a, &sub->list, num(h, ND_INT, 0, 0));
    Node *as = node_new(a, ND_ASSIGN, NO_SPAN);
    vec_push(a, &as->list, sub);
    as->a = name_of(h, p[1]);
    vec_push(a, &f->func->list2, as);
  }
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 1);
    p[0] = param(h, "x", type_array(t, f64, 1, true), 0);
    FuncInst *f = func(h, "total", f64, 1, p, ARENA_ARRAY(a, Node *, 1), NULL, true);
    /* body: s = x[0] (a read only) */
    Node *sub = node_new(a, ND_SUBSCRIPT, NO_SPAN);
    sub->a = name_of(h, p[0]);
    Node *as = node_new(a, ND_ASSIGN, NO_SPAN);
    Symbol *s = ARENA_NEW(a, Symbol);
    s->name = "s";
    s->ty = f64;
    vec_push(a, &as->list, name_of(h, s));
    as->a = sub;
    vec_push(a, &f->func->list2, as);
  }
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 1);
    p[0] = param(h, "y", type_array(t, f64, 1, false), 0);
    FuncInst *f = func(h, "calls_fill", none, 1, p, ARENA_ARRAY(a, Node *, 1), NULL, true);
    /* body: fill(v=7.0, x=z) with z = y: writes y through a local alias and a keyword */
    Symbol *z = ARENA_NEW(a, Symbol);
    z->kind = SYM_LOCAL;
    z->name = "z";
    z->ty = p[0]->ty;
    Node *as = node_new(a, ND_ASSIGN, NO_SPAN);
    vec_push(a, &as->list, name_of(h, z));
    as->a = name_of(h, p[0]);
    vec_push(a, &f->func->list2, as);
    Node *call = node_new(a, ND_CALL, NO_SPAN);
    call->callee = h->prog->funcs.data[F_FILL];
    Node *kw = node_new(a, ND_KEYWORD, NO_SPAN);
    kw->name = "x";
    kw->a = name_of(h, z);
    vec_push(a, &call->list2, kw);
    Node *st = node_new(a, ND_EXPR_STMT, NO_SPAN);
    st->a = call;
    vec_push(a, &f->func->list2, st);
  }
  {
    Type *ty[4] = {type_scalar(t, TY_I8), type_scalar(t, TY_U16), type_scalar(t, TY_BOOL),
                   type_scalar(t, TY_F32)};
    Symbol **p = ARENA_ARRAY(a, Symbol *, 4);
    const char *names[4] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
      p[i] = param(h, names[i], ty[i], i);
    Node **d = ARENA_ARRAY(a, Node *, 4);
    d[1] = num(h, ND_INT, 65535, 0);
    d[2] = num(h, ND_BOOL, 1, 0);
    d[3] = num(h, ND_FLOAT, 0, 1e-05);
    func(h, "narrow", type_tuple(t, ty, 4), 4, p, d, "Round trip.\n\nSecond line.", false);
  }
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 3);
    p[0] = param(h, "a", type_scalar(t, TY_U64), 0);
    p[1] = param(h, "k", i64, 1);
    p[2] = param(h, "w", f64, 2);
    Node **d = ARENA_ARRAY(a, Node *, 3);
    d[1] = num(h, ND_INT, -3, 0);
    d[2] = num(h, ND_FLOAT, 0, 1e16);
    func(h, "big", type_scalar(t, TY_U64), 3, p, d, NULL, false);
  }
  func(h, "nothing", none, 0, NULL, NULL, NULL, false);
  {
    Symbol **p = ARENA_ARRAY(a, Symbol *, 1);
    p[0] = param(h, "q", type_array(t, f64, 2, false), 0);
    FuncInst *f = func(h, "helper__x", none, 1, p, ARENA_ARRAY(a, Node *, 1), NULL, false);
    f->exported = false;
  }
}

static int check_layouts(H *h) {
  Lower *L = h->L;
  LLVMTargetDataRef td = LLVMGetModuleDataLayout(L->mod);
  struct {
    const char *what;
    unsigned long long llvm, c;
  } rows[] = {
      {"PjArray size", LLVMABISizeOfType(td, L->t_pjarray), sizeof(PjArray)},
      {"PjArray.strides", LLVMOffsetOfElement(td, L->t_pjarray, 2), offsetof(PjArray, strides)},
      {"PjArray.itemsize", LLVMOffsetOfElement(td, L->t_pjarray, 3), offsetof(PjArray, itemsize)},
  };
  int bad = 0;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    if (rows[i].llvm != rows[i].c) {
      fprintf(stderr, "layout mismatch: %s llvm %llu C %llu\n", rows[i].what, rows[i].llvm,
              rows[i].c);
      bad = 1;
    }
  /* The constant structs: find their globals and compare field offsets. */
  LLVMValueRef sig = LLVMGetNamedGlobal(L->mod, "add.sig");
  LLVMValueRef md = LLVMGetNamedGlobal(L->mod, "pyjitc.moduledef");
  LLVMValueRef fns = LLVMGetNamedGlobal(L->mod, "pyjitc.funcs");
  if (!sig || !md || !fns) {
    fprintf(stderr, "missing globals\n");
    return 1;
  }
  LLVMTypeRef st = LLVMGlobalGetValueType(sig), mt = LLVMGlobalGetValueType(md);
  LLVMTypeRef ft = LLVMGetElementType(LLVMGlobalGetValueType(fns));
  unsigned long long sig_off[] = {offsetof(PjSig, name), offsetof(PjSig, nparams),
                                  offsetof(PjSig, nrequired), offsetof(PjSig, params),
                                  offsetof(PjSig, expected)};
  unsigned long long md_off[] = {offsetof(PjModuleDef, abi_version), offsetof(PjModuleDef, nfuncs),
                                 offsetof(PjModuleDef, name), offsetof(PjModuleDef, filename),
                                 offsetof(PjModuleDef, source), offsetof(PjModuleDef, funcs)};
  unsigned long long fd_off[] = {offsetof(PjFuncDef, name), offsetof(PjFuncDef, wrapper),
                                 offsetof(PjFuncDef, doc)};
  for (unsigned i = 0; i < 5; i++)
    bad |= LLVMOffsetOfElement(td, st, i) != sig_off[i];
  for (unsigned i = 0; i < 6; i++)
    bad |= LLVMOffsetOfElement(td, mt, i) != md_off[i];
  for (unsigned i = 0; i < 3; i++)
    bad |= LLVMOffsetOfElement(td, ft, i) != fd_off[i];
  bad |= LLVMABISizeOfType(td, st) != sizeof(PjSig);
  bad |= LLVMABISizeOfType(td, mt) != sizeof(PjModuleDef);
  bad |= LLVMABISizeOfType(td, ft) != sizeof(PjFuncDef);
  if (bad)
    fprintf(stderr, "layout mismatch in PjSig/PjModuleDef/PjFuncDef\n");
  return bad;
}

static const char source[] =
    "'''bnd: a module built by boundary_harness.'''\n"
    "def add(a, b):\n"
    "    return 'python'\n"
    "PY_SIDE = add.__module__\n";

static int print_reprs(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    Str s = {0};
    put_float_repr(&s, strtod(argv[i], NULL));
    printf("%s\n", s.buf);
    str_free(&s);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--repr"))
    return print_reprs(argc, argv);
  if (argc < 3) {
    fprintf(stderr, "usage: boundary_harness OUTDIR RUNTIME [-On]\n");
    return 2;
  }
  H h = {0};
  arena_init(&h.a);
  if (setjmp(h.bail.jb)) {
    fprintf(stderr, "die: %s\n", h.bail.msg);
    return 3;
  }
  PjOptions o = {.opt_level = 3, .target_cpu = "native", .boundscheck = true,
                 .overflowcheck = true};
  if (argc > 3 && argv[3][0] == '-' && argv[3][1] == 'O')
    o.opt_level = argv[3][2] - '0';
  h.tt = types_new(&h.a);
  make_program(&h);

  Lower *L = h.L = ARENA_NEW(&h.a, Lower);
  L->arena = &h.a;
  L->bail = &h.bail;
  L->prog = h.prog;
  L->opt = &o;
  L->module_name = "bnd";
  L->source_path = "/nonexistent/bnd.py";
  L->source_text = source;
  L->ir = xmalloc(sizeof *L->ir);
  memset(L->ir, 0, sizeof *L->ir);
  L->ir->ctx = L->ctx = LLVMContextCreate();
  L->ir->mod = L->mod = LLVMModuleCreateWithNameInContext("bnd", L->ctx);
  emit_setup_target(L);
  lower_init_types(L);
  L->b = LLVMCreateBuilderInContext(L->ctx);
  declare_impls(&h);
  bodies(&h);
  lower_wrappers(L);
  lower_module_def(L);
  LLVMDisposeBuilder(L->b);
  if (check_layouts(&h))
    return 1;

  const char *dir = argv[1];
  const char *so = arena_printf(&h.a, "%s/bnd%s", dir, PJ_EXT_SUFFIX);
  const char *objs[EMIT_MAX_OBJECTS];
  int nobj;
  Str err = {0};
  if (emit_program(L->ir, &o, &h.a, dir, objs, &nobj, arena_printf(&h.a, "%s/bnd.ll", dir),
                   arena_printf(&h.a, "%s/bnd.s", dir), &err) ||
      link_module(&h.a, objs, nobj, argv[2], so, "bnd" PJ_EXT_SUFFIX, &err)) {
    fprintf(stderr, "error: %s\n", err.buf);
    return 1;
  }
  pj_ir_free(L->ir);
  printf("%s\n", so); /* before arena_free: `so` lives in the arena */
  arena_free(&h.a);
  return 0;
}
