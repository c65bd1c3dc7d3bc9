/* check.c: STAGE 3 driver.  Builds the module scope (functions, constants,
 * imports), makes a FuncInst for every selected function and, on demand, for
 * the module functions compiled code calls (one per signature for
 * unannotated ones), and checks each: quiet inference passes on clones, then
 * one loud pass on the real body (see check_internal.h). */
#include "check_internal.h"

/* Diagnostics are deduplicated: a function specialized twice reports a
 * problem in its body once, and quiet inference passes report nothing. */
static void report(Check *C, DiagLevel level, Span sp, const char *fmt, va_list ap) {
  if (C->quiet)
    return;
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  const char *key =
      intern_cstr(C->in, arena_printf(C->a, "%d:%d:%d:%s", (int)level, sp.line, sp.col, buf));
  for (int i = 0; i < C->reported.len; i++)
    if (C->reported.data[i] == key)
      return;
  vec_push(C->a, &C->reported, key);
  if (level == DIAG_ERROR)
    diag_error(C->d, sp, "%s", buf);
  else
    diag_warning(C->d, sp, "%s", buf);
}

void err(Check *C, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(C, DIAG_ERROR, sp, fmt, ap);
  va_end(ap);
}

void warn(Check *C, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(C, DIAG_WARNING, sp, fmt, ap);
  va_end(ap);
}

const char *tname(Check *C, const Type *t) { return type_name(C->a, t); }

const char *src_path(Check *C) { return C->m->src ? C->m->src->path : "<input>"; }

Global *find_global(Check *C, const char *name) {
  for (int i = C->globals.len - 1; i >= 0; i--)
    if (C->globals.data[i].name == name)
      return &C->globals.data[i];
  return NULL;
}

Var *find_var(Check *C, const char *name) {
  if (!C->fn)
    return NULL;
  for (int i = 0; i < C->fn->vars.len; i++)
    if (C->fn->vars.data[i].name == name)
      return &C->fn->vars.data[i];
  return NULL;
}

static void add_global(Check *C, Global g) {
  Global *old = find_global(C, g.name);
  if (old && old->kind == GL_CONST && g.kind == GL_CONST) {
    old->ndefs++;
    return;
  }
  vec_push(C->a, &C->globals, g);
}

static char import_module(const char *mod) {
  if (!strcmp(mod, "math"))
    return 'M';
  if (!strcmp(mod, "numpy"))
    return 'N';
  if (!strcmp(mod, "pyjitc"))
    return 'P';
  return 'X';
}

static void build_scope(Check *C) {
  Node *mod = C->m->node;
  for (int i = 0; i < mod->list2.len; i++) {
    Node *n = mod->list2.data[i];
    if (n->kind == ND_CONST && n->name) {
      add_global(C, (Global){.kind = GL_CONST, .name = n->name, .node = n, .ndefs = 1});
    } else if (n->kind == ND_IMPORT && n->name) {
      char m = import_module(n->name);
      const char *alias = n->sval ? n->sval : n->str2 ? n->str2 : n->name;
      alias = intern_cstr(C->in, alias);
      if (n->str2)
        add_global(C, (Global){.kind = GL_MEMBER, .name = alias, .node = n, .module = m,
                               .member = n->str2});
      else
        add_global(C, (Global){.kind = GL_MODULE, .name = alias, .node = n, .module = m});
    }
  }
  /* functions last: a def rebinds a name an earlier import or constant had */
  for (int i = 0; i < mod->list.len; i++) {
    Node *f = mod->list.data[i];
    if (f->kind == ND_FUNC && f->name)
      vec_push(C->a, &C->globals, ((Global){.kind = GL_FUNC, .name = f->name, .node = f}));
  }
}

/* ---- instances */

bool func_is_fixed(const Node *func) {
  if (func->flags & (FN_NATIVE | FN_ONLY))
    return true;
  if (func->flags & FN_UNSUPPORTED)
    return false;
  for (int i = 0; i < func->list.len; i++)
    if (!func->list.data[i]->a)
      return false;
  return func->a != NULL;
}

static bool selected(const Node *func) { return func->flags & (FN_NATIVE | FN_ONLY); }

/* A folded default converted to the parameter's value type, or NULL. */
static Node *fold_default(Check *C, Node *param, Type *ty) {
  if (!param->b)
    return NULL;
  Node *v = fold_const(C, param->b);
  if (!v) {
    if (param->b->kind == ND_NONE && param->b->flags != -1)
      err(C, param->b->span, "parameter '%s' cannot default to None: compiled values are never "
          "None; use a number, or no default", param->name);
    else if (param->b->flags != -1 || param->b->kind != ND_NONE)
      err(C, param->b->span, "default value of parameter '%s' is not a compile-time constant; "
          "use a literal or a module constant such as N = 10", param->name);
    return NULL;
  }
  if (!ty)
    return v;
  Type *vt = type_value(C->tt, ty);
  if (vt == C->t_float && v->kind == ND_INT) {
    Node *f = node_new(C->a, ND_FLOAT, v->span);
    f->fval = (double)v->ival;
    f->ty = C->t_float;
    return f;
  }
  if (vt != v->ty && !(vt == C->t_int && v->kind == ND_BOOL)) {
    err(C, param->b->span, "default value of parameter '%s' is %s, but the parameter is %s",
        param->name, tname(C, v->ty), tname(C, ty));
    return NULL;
  }
  return v;
}

static FuncInst *make_inst(Check *C, Node *func, Type **ptypes, Type *ret, const char *symbol) {
  FuncInst *fi = ARENA_NEW(C->a, FuncInst);
  fi->func = func;
  fi->name = func->name;
  fi->symbol = symbol;
  fi->nparams = func->list.len;
  fi->params = ARENA_ARRAY(C->a, Symbol *, fi->nparams + 1);
  fi->defaults = ARENA_ARRAY(C->a, Node *, fi->nparams + 1);
  for (int i = 0; i < fi->nparams; i++) {
    Node *p = func->list.data[i];
    Symbol *s = ARENA_NEW(C->a, Symbol);
    s->kind = SYM_PARAM;
    s->name = p->name;
    s->ty = ptypes[i];
    s->decl = p->span;
    s->index = i;
    p->sym = s;
    fi->params[i] = s;
  }
  fi->ret = ret;
  fi->flags = func->flags;
  return fi;
}

/* The one instance of a function with an annotated signature. */
FuncInst *fixed_inst(Check *C, Global *g) {
  if (g->inst)
    return g->inst;
  Node *func = g->node;
  bool sel = selected(func);
  int n = func->list.len;
  Type **pt = ARENA_ARRAY(C->a, Type *, n + 1);
  for (int i = 0; i < n; i++) {
    Node *p = func->list.data[i];
    if (!p->a && (func->flags & FN_SIG_ERROR))
      continue;   /* the parser already reported why the signature is incomplete */
    if (!p->a) {
      err(C, p->span,
          "parameter '%s' of compiled function '%s' needs a type annotation, e.g. '%s: int', "
          "'%s: float' or '%s: f64[:]'", p->name, func->name, p->name, p->name, p->name);
      continue;
    }
    pt[i] = check_annotation(C, p->a, false);
  }
  Type *ret = NULL;
  if (!func->a && (func->flags & FN_SIG_ERROR))
    ;   /* reported by the parser */
  else if (!func->a)
    err(C, func->span,
        "compiled function '%s' needs a return annotation, e.g. '-> float' or '-> None'",
        func->name);
  else
    ret = check_annotation(C, func->a, true);
  if (ret && ret->kind == TY_ARRAY) {
    err(C, func->a->span, "returning arrays is not supported yet");
    ret = NULL;
  }
  FuncInst *fi = make_inst(C, func, pt, ret, func->name);
  fi->exported = sel;
  for (int i = 0; i < n; i++)
    fi->defaults[i] = fold_default(C, func->list.data[i], pt[i]);
  g->inst = fi;
  return fi;
}

/* ---- checking one function */

static void setup_fn(Check *C, Fn *F, FuncInst *fi, Node *func) {
  memset(F, 0, sizeof *F);
  F->inst = fi;
  F->func = func;
  for (int i = 0; i < fi->nparams; i++) {
    Var v = {.name = fi->params[i]->name, .sym = fi->params[i], .fixed = true,
             .line = fi->params[i]->decl.line};
    vec_push(C->a, &F->vars, v);
  }
  F->ret = fi->ret;
  F->ret_fixed = fi->ret != NULL || func->a != NULL;
  F->ret_line = func->span.line;
  F->errors_at_start = C->d->nerrors;
}

static Span def_span(const Node *func) {
  Span s = func->span;
  s.end_line = s.line;
  s.end_col = s.col + 3;
  return s;
}

/* One pass over `body`.  Ends with the implicit `return None` check. */
static void run_pass(Check *C, Fn *F, Node *func) {
  def_init(C, &F->st, false);
  for (int i = 0; i < F->inst->nparams; i++)
    F->st.def[i] = true;
  F->loop = NULL;
  check_body(C, &func->list2);
  if (F->st.dead)
    return;
  /* falling off the end returns None */
  if (!F->ret_fixed) {
    if (!F->ret)
      F->ret = C->t_none, F->changed = true;
    else if (F->ret != C->t_none && !F->ret_conflict) {
      F->ret_conflict = true;
      err(C, def_span(func),
          "function '%s' returns %s (line %d) but can also reach its end and return None",
          func->name, tname(C, F->ret), F->ret_line);
    }
  } else if (F->ret && F->ret != C->t_none) {
    err(C, def_span(func), "missing return at end of function '%s' returning %s", func->name,
        tname(C, F->ret));
  }
}

/* Quiet passes over clones until the variable types settle. */
static void infer(Check *C, Fn *F) {
  C->quiet++;
  for (int iter = 0; iter < 16; iter++) {
    F->changed = false;
    F->ret_conflict = false;
    run_pass(C, F, clone_node(C->a, F->func));
    if (!F->changed)
      break;
  }
  C->quiet--;
}

/* Every local has a type once the loud pass is done, unless an error was
 * reported already. */
static void finish_locals(Check *C, Fn *F) {
  for (int i = F->inst->nparams; i < F->vars.len; i++) {
    Var *v = &F->vars.data[i];
    if (!v->sym->ty && C->d->nerrors == F->errors_at_start)
      err(C, v->sym->decl, "cannot infer a type for local variable '%s'", v->name);
  }
}

static void check_inst(Check *C, FuncInst *fi) {
  Fn F, *saved = C->fn;
  C->fn = &F;
  setup_fn(C, &F, fi, fi->func);
  collect_vars(C, &fi->func->list2);
  infer(C, &F);
  if (!F.ret_fixed) {
    fi->ret = F.ret ? F.ret : C->t_none;
    F.ret = fi->ret;
    F.ret_fixed = true;
  }
  run_pass(C, &F, fi->func);
  finish_locals(C, &F);
  fi->has_loops = F.has_loops;
  for (int i = fi->nparams; i < F.vars.len; i++) {
    Symbol *s = F.vars.data[i].sym;
    s->index = fi->locals.len;
    vec_push(C->a, &fi->locals, s);
  }
  C->fn = saved;
}

/* ---- specializations of unannotated functions */

static const char *mangle(Check *C, Type *t) {
  if (!t)
    return "x";
  switch (t->kind) {
  case TY_ARRAY:
    return arena_printf(C->a, "%s_%dd%s", mangle(C, t->elem), t->ndim, t->contig ? "c" : "");
  case TY_TUPLE: {
    Str s = {0};
    str_puts(&s, "tup");
    for (int i = 0; i < t->nelems; i++)
      str_printf(&s, "_%s", mangle(C, t->elems[i]));
    char *r = arena_strdup(C->a, s.buf);
    str_free(&s);
    return r;
  }
  case TY_I64: return "i64";
  case TY_F64: return "f64";
  case TY_BOOL: case TY_I8: case TY_I16: case TY_I32: case TY_U8: case TY_U16: case TY_U32:
  case TY_U64: case TY_F32: case TY_NONE: case TY_FUNC: case TY_MODULE: case TY_STR: case TY_EXC:
    return type_name(C->a, t);
  }
  return "x";
}

static bool symbol_taken(Check *C, const char *sym) {
  for (int i = 0; i < C->prog->funcs.len; i++)
    if (!strcmp(C->prog->funcs.data[i]->symbol, sym))
      return true;
  for (int i = 0; i < C->later.len; i++)
    if (!strcmp(C->later.data[i]->symbol, sym))
      return true;
  return find_global(C, intern_cstr(C->in, sym)) != NULL;
}

static const char *spec_symbol(Check *C, Node *func, Type **args, int n) {
  Str s = {0};
  str_printf(&s, "%s_", func->name);
  for (int i = 0; i < n; i++)
    str_printf(&s, "_%s", mangle(C, args[i]));
  const char *base = arena_strdup(C->a, s.buf);
  str_free(&s);
  const char *sym = base;
  for (int k = 2; symbol_taken(C, sym); k++)
    sym = arena_printf(C->a, "%s_%d", base, k);
  return sym;
}

static Spec *find_spec(Check *C, Node *func, Type **args, int n) {
  for (int i = 0; i < C->specs.len; i++) {
    Spec *s = C->specs.data[i];
    if (s->func == func && s->nargs == n &&
        (n == 0 || !memcmp(s->args, args, sizeof(Type *) * (size_t)n)))
      return s;
  }
  Spec *s = ARENA_NEW(C->a, Spec);
  s->func = func;
  s->nargs = n;
  s->args = ARENA_ARRAY(C->a, Type *, n + 1);
  memcpy(s->args, args, sizeof(Type *) * (size_t)n);
  vec_push(C->a, &C->specs, s);
  return s;
}

/* The return type of `func` called with parameters of types `args`; in a
 * loud pass also the instance (made and checked on first use). */
enum { MAX_SPEC_DEPTH = 200 };

static Type *spec_call_at_depth(Check *C, Node *call, Node *func, Type **args, int n,
                                FuncInst **out);

/* Checking a specialization checks the functions it calls first: a chain of
 * unannotated calls nests that many C frames, so the chain is bounded. */
Type *spec_call(Check *C, Node *call, Node *func, Type **args, int n, FuncInst **out) {
  if (C->spec_depth >= MAX_SPEC_DEPTH) {
    err(C, call->span,
        "calls between unannotated functions nest more than %d deep here; annotate '%s' "
        "(parameters and return) so it is compiled once on its own",
        MAX_SPEC_DEPTH, func->name);
    return NULL;
  }
  C->spec_depth++;
  Type *t = spec_call_at_depth(C, call, func, args, n, out);
  C->spec_depth--;
  return t;
}

static Type *spec_call_at_depth(Check *C, Node *call, Node *func, Type **args, int n,
                                FuncInst **out) {
  Spec *s = find_spec(C, func, args, n);
  Type *ann_ret = func->a ? check_annotation(C, func->a, true) : NULL;
  if (C->quiet) {
    if (s->lstate == 2)
      return s->inst->ret;
    if (ann_ret)
      return ann_ret;
    if (s->qstate == 1)
      return NULL;             /* recursion: unknown while inferring */
    if (s->qstate == 0) {
      s->qstate = 1;
      Node *body = clone_node(C->a, func);
      FuncInst *tmp = make_inst(C, body, args, NULL, func->name);
      Fn F, *saved = C->fn;
      C->fn = &F;
      setup_fn(C, &F, tmp, body);
      collect_vars(C, &body->list2);
      infer(C, &F);
      C->fn = saved;
      s->qret = F.ret;
      s->qstate = 2;
    }
    return s->qret;
  }
  if (s->lstate == 1) {
    *out = s->inst;
    if (ann_ret)
      return ann_ret;
    err(C, call->span,
        "recursive function '%s' needs a return annotation to be compiled, e.g. '-> int'",
        func->name);
    return NULL;
  }
  if (s->lstate == 0) {
    Node *body = clone_node(C->a, func);
    s->inst = make_inst(C, body, args, ann_ret, spec_symbol(C, func, args, n));
    for (int i = 0; i < n; i++)
      s->inst->defaults[i] = fold_default(C, func->list.data[i], NULL);
    vec_push(C->a, &C->later, s->inst);
    s->lstate = 1;
    check_inst(C, s->inst);
    s->lstate = 2;
  }
  *out = s->inst;
  return s->inst->ret;
}

/* ---- the program */

static void init_check(Check *C, Arena *a, Interner *in, Diags *d, Module *m, TypeTable *tt) {
  memset(C, 0, sizeof *C);
  C->a = a;
  C->in = in;
  C->d = d;
  C->m = m;
  C->tt = tt;
  C->prog = ARENA_NEW(a, Program);
  C->prog->mod = m;
  C->prog->types = tt;
  C->t_int = type_scalar(tt, TY_I64);
  C->t_float = type_scalar(tt, TY_F64);
  C->t_bool = type_scalar(tt, TY_BOOL);
  C->t_none = type_scalar(tt, TY_NONE);
  C->t_str = type_scalar(tt, TY_STR);
  C->t_exc = type_scalar(tt, TY_EXC);
  C->t_func = type_scalar(tt, TY_FUNC);
  C->t_module = type_scalar(tt, TY_MODULE);
}

Program *check_program(Arena *a, Interner *in, Diags *d, Module *m, TypeTable *types) {
  if (!m || !m->node)
    return NULL;
  Check C0, *C = &C0;
  init_check(C, a, in, d, m, types);
  int errors0 = d->nerrors;
  build_scope(C);
  /* selected functions first, in source order: their signatures exist
   * before any body is checked, so they may call each other in any order */
  for (int i = 0; i < C->globals.len; i++) {
    Global *g = &C->globals.data[i];
    if (g->kind == GL_FUNC && selected(g->node) && find_global(C, g->name) == g) {
      vec_push(a, &C->prog->funcs, fixed_inst(C, g));
      g->inst_state = 1;
    }
  }
  int nsel = C->prog->funcs.len;
  for (int i = 0; i < nsel; i++) {
    FuncInst *fi = C->prog->funcs.data[i];
    if (!(fi->flags & FN_PARSE_ERROR))
      check_inst(C, fi);
    for (int j = 0; j < C->globals.len; j++)
      if (C->globals.data[j].inst == fi)
        C->globals.data[j].inst_state = 2;
  }
  /* non-selected annotated functions that compiled code calls */
  for (int i = 0; i < C->queue.len; i++) {
    Global *g = C->queue.data[i];
    check_inst(C, g->inst);
    g->inst_state = 2;
  }
  for (int i = 0; i < C->later.len; i++)
    vec_push(a, &C->prog->funcs, C->later.data[i]);
  return d->nerrors > errors0 ? NULL : C->prog;
}
