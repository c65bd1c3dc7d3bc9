/* lower_boundary.c: the Python-facing side of the module.
 *
 * For each exported FuncInst a METH_FASTCALL|METH_KEYWORDS wrapper
 * `SYMBOL.wrapper` (internal: only the module definition refers to it):
 *   PyObject *(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
 *              PyObject *kwnames)
 * It matches arguments to parameters (a fast path when exactly the positional
 * parameters are given, else pjrt_unpack_args), converts each through the
 * runtime (or takes the constant default), releases the GIL around
 * `SYMBOL_impl` when the function loops or calls, releases the buffers and
 * boxes the result.  The wrapper name is not the bare SYMBOL so that a Python
 * function called `memset` or `sqrt` cannot capture a libcall LLVM emits.
 *
 * Then the constants of our own layouts from runtime/pjrt.h (PjSig,
 * PjFuncDef, PjModuleDef) and the one exported symbol, PyInit_<module>.
 *
 * Which array parameters must be writable (PJRT_ARR_WRITABLE) comes from a
 * small interprocedural fixpoint: a parameter is written if the function
 * stores through a subscript of it, of a local aliasing it, or passes it to
 * a compiled function whose corresponding parameter is written. */
#include <math.h>

#include "lower_internal.h"

#include "../runtime/pjrt.h"

/* ---- which array parameters are written ---------------------------------- */

typedef struct WriteSets {
  Arena *a;
  const Program *prog;
  VEC(Symbol *) *written; /* per FuncInst: array symbols stored through */
  bool changed;
} WriteSets;

static bool ws_has(const WriteSets *w, int fi, const Symbol *s) {
  for (int i = 0; i < w->written[fi].len; i++)
    if (w->written[fi].data[i] == s)
      return true;
  return false;
}

static void ws_add(WriteSets *w, int fi, Symbol *s) {
  if (!s || !s->ty || s->ty->kind != TY_ARRAY || ws_has(w, fi, s))
    return;
  vec_push(w->a, &w->written[fi], s);
  w->changed = true;
}

static int ws_index(const WriteSets *w, const FuncInst *f) {
  for (int i = 0; i < w->prog->funcs.len; i++)
    if (w->prog->funcs.data[i] == f)
      return i;
  return -1;
}

/* Every array variable an expression's value may be (a name, or either arm
 * of a conditional expression): `b = a if c else d` makes b alias a and d. */
static void ws_alias(WriteSets *w, int fi, const Node *value, bool target_written) {
  value = node_uncast(value);
  if (!value || !target_written)
    return;
  if (value->kind == ND_NAME)
    ws_add(w, fi, value->sym);
  else if (value->kind == ND_IFEXP) {
    ws_alias(w, fi, value->b, true);
    ws_alias(w, fi, value->c, true);
  }
}

/* An assignment target: a subscript writes its base; a name aliases. */
static void ws_target(WriteSets *w, int fi, const Node *t, const Node *value) {
  t = node_uncast(t);
  if (!t)
    return;
  if (t->kind == ND_SUBSCRIPT) {
    const Node *base = node_uncast(t->a);
    if (base && base->kind == ND_NAME)
      ws_add(w, fi, base->sym);
  } else if (t->kind == ND_NAME && t->sym && value) {
    ws_alias(w, fi, value, ws_has(w, fi, t->sym));
  } else if (t->kind == ND_TUPLE) {
    const Node *v = node_uncast(value);
    bool parallel = v && v->kind == ND_TUPLE && v->list.len == t->list.len;
    for (int i = 0; i < t->list.len; i++)
      ws_target(w, fi, t->list.data[i], parallel ? v->list.data[i] : NULL);
  }
}

static int callee_param(const FuncInst *callee, const char *name) {
  for (int i = 0; i < callee->nparams; i++)
    if (callee->params[i]->name == name || !strcmp(callee->params[i]->name, name))
      return i;
  return -1;
}

/* An argument passed where the callee writes its parameter is written too. */
static void ws_call(WriteSets *w, int fi, const Node *call) {
  const FuncInst *callee = call->callee;
  int ci = ws_index(w, callee);
  if (ci < 0)
    return;
  for (int j = 0; j < call->list.len && j < callee->nparams; j++)
    ws_alias(w, fi, call->list.data[j], ws_has(w, ci, callee->params[j]));
  for (int j = 0; j < call->list2.len; j++) {
    const Node *kw = call->list2.data[j];
    int p = kw->name ? callee_param(callee, kw->name) : -1;
    if (p >= 0)
      ws_alias(w, fi, kw->a, ws_has(w, ci, callee->params[p]));
  }
}

static void ws_walk(WriteSets *w, int fi, const Node *n);

static void ws_walk_list(WriteSets *w, int fi, const NodeList *l) {
  for (int i = 0; i < l->len; i++)
    ws_walk(w, fi, l->data[i]);
}

static void ws_walk(WriteSets *w, int fi, const Node *n) {
  if (!n)
    return;
  switch (n->kind) {
  case ND_ASSIGN:
    for (int i = 0; i < n->list.len; i++)
      ws_target(w, fi, n->list.data[i], n->a);
    break;
  case ND_AUGASSIGN:
    ws_target(w, fi, n->a, NULL);
    break;
  case ND_ANNASSIGN:
    ws_target(w, fi, n->a, n->c);
    break;
  case ND_CALL:
    if (n->callee)
      ws_call(w, fi, n);
    break;
  default:
    break; /* every other kind only matters through its children */
  }
  ws_walk(w, fi, n->a);
  ws_walk(w, fi, n->b);
  ws_walk(w, fi, n->c);
  ws_walk_list(w, fi, &n->list);
  ws_walk_list(w, fi, &n->list2);
}

/* writable[fi][i]: parameter i of prog->funcs[fi] is stored through. */
static bool **written_params(Lower *L) {
  const Program *p = L->prog;
  WriteSets w = {.a = L->arena, .prog = p};
  w.written = arena_alloc(L->arena, sizeof *w.written * (size_t)(p->funcs.len + 1));
  /* Each round can only add symbols, and there are finitely many. */
  do {
    w.changed = false;
    for (int fi = 0; fi < p->funcs.len; fi++) {
      const Node *fn = p->funcs.data[fi]->func;
      if (fn)
        ws_walk_list(&w, fi, &fn->list2);
    }
  } while (w.changed);
  bool **out = ARENA_ARRAY(L->arena, bool *, p->funcs.len + 1);
  for (int fi = 0; fi < p->funcs.len; fi++) {
    const FuncInst *f = p->funcs.data[fi];
    out[fi] = ARENA_ARRAY(L->arena, bool, f->nparams + 1);
    for (int i = 0; i < f->nparams; i++)
      out[fi][i] = ws_has(&w, fi, f->params[i]);
  }
  return out;
}

/* ---- Python reprs of default values (for __text_signature__) ------------ */

/* repr(float) as CPython writes it: the shortest digits that round-trip,
 * positional notation for 1e-4 <= |x| < 1e16, else exponent with 2+ digits.
 * (nan has no literal: it stays `nan`, which inspect resolves only if the
 * module defines that name.) */
static void put_float_repr(Str *s, double v) {
  if (isnan(v)) {
    str_puts(s, "nan");
    return;
  }
  if (isinf(v)) {
    /* inspect evaluates defaults with ast.literal_eval: 1e999 is inf there */
    str_puts(s, v < 0 ? "-1e999" : "1e999");
    return;
  }
  if (signbit(v))
    str_putc(s, '-');
  v = fabs(v);
  char buf[64];
  for (int prec = 0; prec < 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  /* buf: "D.DDDDe[+-]XX" */
  char digits[32];
  int nd = 0;
  char *e = strchr(buf, 'e');
  for (char *p = buf; p < e; p++)
    if (*p != '.')
      digits[nd++] = *p;
  while (nd > 1 && digits[nd - 1] == '0')
    nd--;
  digits[nd] = 0;
  int exp10 = atoi(e + 1);
  int decpt = exp10 + 1; /* digits before the decimal point */
  if (v == 0)
    decpt = 1;
  if (decpt <= -4 || decpt > 16) {
    str_putc(s, digits[0]);
    if (nd > 1) {
      str_putc(s, '.');
      str_puts(s, digits + 1);
    }
    str_printf(s, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
  } else if (decpt <= 0) {
    str_puts(s, "0.");
    for (int i = 0; i < -decpt; i++)
      str_putc(s, '0');
    str_puts(s, digits);
  } else if (decpt >= nd) {
    str_puts(s, digits);
    for (int i = nd; i < decpt; i++)
      str_putc(s, '0');
    str_puts(s, ".0");
  } else {
    str_putn(s, digits, (size_t)decpt);
    str_putc(s, '.');
    str_puts(s, digits + decpt);
  }
}

static void put_default_repr(Lower *L, Str *s, const Node *d) {
  switch (d->kind) {
  case ND_INT: str_printf(s, "%lld", (long long)d->ival); return;
  case ND_FLOAT: put_float_repr(s, d->fval); return;
  case ND_BOOL: str_puts(s, d->ival ? "True" : "False"); return;
  default: break;
  }
  die(L->bail, "default value (node kind %d) is not a constant", (int)d->kind);
}

/* "name(a, b=1.5)\n--\n\n" + docstring: CPython derives __text_signature__
 * from that first line and shows the rest as __doc__. */
static const char *func_doc(Lower *L, const FuncInst *f) {
  Str s = {0};
  str_printf(&s, "%s(", f->name);
  for (int i = 0; i < f->nparams; i++) {
    if (i)
      str_puts(&s, ", ");
    str_puts(&s, f->params[i]->name);
    if (f->defaults && f->defaults[i]) {
      str_putc(&s, '=');
      put_default_repr(L, &s, f->defaults[i]);
    }
  }
  str_puts(&s, ")\n--\n\n");
  if (f->func && f->func->doc)
    str_puts(&s, f->func->doc);
  const char *r = arena_strndup(L->arena, s.buf, s.len);
  str_free(&s);
  return r;
}

/* ---- small IR helpers ---------------------------------------------------- */

static LLVMValueRef i32c(Lower *L, long long v) {
  return LLVMConstInt(L->t_i32, (unsigned long long)v, 1);
}

static LLVMBasicBlockRef new_block(Lower *L, LLVMValueRef fn, const char *name) {
  return LLVMAppendBasicBlockInContext(L->ctx, fn, name);
}

/* A conditional branch whose `then` side is the rare one (errors): keeps the
 * failure paths out of the straight-line call path. */
static void br_unlikely(Lower *L, LLVMValueRef cond, LLVMBasicBlockRef rare,
                        LLVMBasicBlockRef common) {
  LLVMValueRef br = LLVMBuildCondBr(L->b, cond, rare, common);
  LLVMMetadataRef md[3] = {
      LLVMMDStringInContext2(L->ctx, "branch_weights", 14),
      LLVMValueAsMetadata(i32c(L, 1)),
      LLVMValueAsMetadata(i32c(L, 2000)),
  };
  LLVMMetadataRef node = LLVMMDNodeInContext2(L->ctx, md, 3);
  LLVMSetMetadata(br, LLVMGetMDKindIDInContext(L->ctx, "prof", 4),
                  LLVMMetadataAsValue(L->ctx, node));
}

static LLVMValueRef const_ptr_array(Lower *L, LLVMValueRef *elems, int n, const char *name) {
  if (n == 0)
    return LLVMConstNull(L->t_ptr);
  LLVMTypeRef ty = LLVMArrayType(L->t_ptr, (unsigned)n);
  LLVMValueRef g = LLVMAddGlobal(L->mod, ty, name);
  LLVMSetInitializer(g, LLVMConstArray(L->t_ptr, elems, (unsigned)n));
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  return g;
}

static LLVMValueRef cstring_or_null(Lower *L, const char *s) {
  return s ? lower_cstring(L, s) : LLVMConstNull(L->t_ptr);
}

/* ---- PjSig --------------------------------------------------------------- */

static LLVMTypeRef sig_type(Lower *L) {
  /* struct PjSig { const char *name; i32 nparams, nrequired; ptr params, expected; } */
  LLVMTypeRef f[] = {L->t_ptr, L->t_i32, L->t_i32, L->t_ptr, L->t_ptr};
  return LLVMStructTypeInContext(L->ctx, f, 5, 0);
}

static int nrequired(const FuncInst *f) {
  int n = 0;
  while (n < f->nparams && !(f->defaults && f->defaults[n]))
    n++;
  return n;
}

static LLVMValueRef build_sig(Lower *L, const FuncInst *f) {
  LLVMValueRef *names = ARENA_ARRAY(L->arena, LLVMValueRef, f->nparams + 1);
  LLVMValueRef *expected = ARENA_ARRAY(L->arena, LLVMValueRef, f->nparams + 1);
  for (int i = 0; i < f->nparams; i++) {
    names[i] = lower_cstring(L, f->params[i]->name);
    expected[i] = lower_cstring(L, type_name(L->arena, f->params[i]->ty));
  }
  LLVMValueRef fields[] = {
      lower_cstring(L, f->name),
      i32c(L, f->nparams),
      i32c(L, nrequired(f)),
      const_ptr_array(L, names, f->nparams, arena_printf(L->arena, "%s.params", f->symbol)),
      const_ptr_array(L, expected, f->nparams, arena_printf(L->arena, "%s.expected", f->symbol)),
  };
  LLVMTypeRef ty = sig_type(L);
  LLVMValueRef g = LLVMAddGlobal(L->mod, ty, arena_printf(L->arena, "%s.sig", f->symbol));
  LLVMSetInitializer(g, LLVMConstNamedStruct(ty, fields, 5));
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  return g;
}

/* ---- the wrapper ---------------------------------------------------------- */

typedef struct Wrap {
  Lower *L;
  const FuncInst *f;
  int fi;
  const bool *writable;        /* per param */
  LLVMValueRef fn, sig;
  LLVMValueRef self, args, nargs, kwnames;
  LLVMValueRef argv;           /* PyObject *const *: args or the slots */
  LLVMValueRef *arr;           /* per param: its PjArray alloca, or NULL */
  LLVMValueRef *tmp;           /* per scalar param: the conversion's out slot */
  int *arr_order;              /* param index of the k-th array acquired */
  int narr;
  LLVMBasicBlockRef *cleanup;  /* cleanup[k]: release the first k arrays, return NULL */
} Wrap;

static int param_itemsize(const Type *elem) {
  return elem->kind == TY_BOOL ? 1 : type_bits(elem) / 8;
}

/* The runtime conversion for a scalar parameter; its result in the storage type. */
static LLVMValueRef convert_scalar(Wrap *w, int i, LLVMValueRef obj, int arrays_before) {
  Lower *L = w->L;
  const Type *ty = w->f->params[i]->ty;
  LLVMValueRef out = w->tmp[i];
  LLVMValueRef rc = NULL;
  LLVMTypeRef load_ty = NULL;
  switch (ty->kind) {
  case TY_I64: {
    LLVMValueRef a[] = {w->sig, i32c(L, i), obj, out};
    rc = lower_call_rt(L, RT_pjrt_arg_i64, a, 4);
    load_ty = L->t_i64;
    break;
  }
  case TY_I8: case TY_I16: case TY_I32: case TY_U8: case TY_U16: case TY_U32: case TY_U64: {
    LLVMValueRef a[] = {w->sig, i32c(L, i), obj, i32c(L, type_bits(ty)),
                        i32c(L, type_is_signed(ty)), out};
    rc = lower_call_rt(L, RT_pjrt_arg_int, a, 6);
    load_ty = L->t_i64;
    break;
  }
  case TY_F64: {
    LLVMValueRef a[] = {w->sig, i32c(L, i), obj, out};
    rc = lower_call_rt(L, RT_pjrt_arg_f64, a, 4);
    load_ty = L->t_f64;
    break;
  }
  case TY_F32: {
    LLVMValueRef a[] = {w->sig, i32c(L, i), obj, out};
    rc = lower_call_rt(L, RT_pjrt_arg_f32, a, 4);
    load_ty = L->t_f32;
    break;
  }
  case TY_BOOL: {
    LLVMValueRef a[] = {w->sig, i32c(L, i), obj, out};
    rc = lower_call_rt(L, RT_pjrt_arg_bool, a, 4);
    load_ty = L->t_i8;
    break;
  }
  case TY_NONE: case TY_ARRAY: case TY_TUPLE: case TY_FUNC: case TY_MODULE: case TY_STR:
  case TY_EXC:
    die(L->bail, "parameter '%s' of '%s' has no scalar conversion", w->f->params[i]->name,
        w->f->name);
  }
  LLVMBasicBlockRef ok = new_block(L, w->fn, "conv.ok");
  br_unlikely(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, i32c(L, 0), ""), w->cleanup[arrays_before],
              ok);
  LLVMPositionBuilderAtEnd(L->b, ok);
  LLVMValueRef v = LLVMBuildLoad2(L->b, load_ty, out, "");
  LLVMTypeRef st = lower_llvm_type(L, ty);
  if (load_ty == L->t_i64 && st != L->t_i64)
    v = LLVMBuildTrunc(L->b, v, st, "");
  return v;
}

static LLVMValueRef convert_array(Wrap *w, int i, LLVMValueRef obj, int arrays_before) {
  Lower *L = w->L;
  const Type *ty = w->f->params[i]->ty;
  int flags = (ty->contig ? PJRT_ARR_CONTIG : 0) | (w->writable[i] ? PJRT_ARR_WRITABLE : 0);
  LLVMValueRef a[] = {
      w->sig, i32c(L, i), obj,
      LLVMConstInt(L->t_i8, (unsigned char)type_format_char(ty->elem), 0),
      i32c(L, param_itemsize(ty->elem)), i32c(L, ty->ndim), i32c(L, flags), w->arr[i],
  };
  LLVMValueRef rc = lower_call_rt(L, RT_pjrt_arg_array, a, 8);
  LLVMBasicBlockRef ok = new_block(L, w->fn, "arr.ok");
  br_unlikely(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, i32c(L, 0), ""), w->cleanup[arrays_before],
              ok);
  LLVMPositionBuilderAtEnd(L->b, ok);
  return w->arr[i];
}

/* A folded constant default in the parameter's storage type. */
static LLVMValueRef default_value(Wrap *w, int i) {
  Lower *L = w->L;
  const Node *d = w->f->defaults[i];
  const Type *ty = w->f->params[i]->ty;
  LLVMTypeRef lt = lower_llvm_type(L, ty);
  bool is_float = d->kind == ND_FLOAT;
  if (type_is_float(ty))
    return LLVMConstReal(lt, is_float ? d->fval : (double)d->ival);
  if (is_float || ty->kind == TY_ARRAY || ty->kind == TY_TUPLE)
    die(L->bail, "default of '%s' does not fit its type", w->f->params[i]->name);
  if (ty->kind == TY_BOOL)
    return LLVMConstInt(lt, d->ival != 0, 0);
  return LLVMConstInt(lt, (unsigned long long)d->ival, 1);
}

/* Parameter i: the given object converted, or the default where none was given. */
static LLVMValueRef wrap_param(Wrap *w, int i, int *arrays) {
  Lower *L = w->L;
  LLVMValueRef slot = LLVMBuildGEP2(L->b, L->t_ptr, w->argv, (LLVMValueRef[]){i32c(L, i)}, 1, "");
  LLVMValueRef obj = LLVMBuildLoad2(L->b, L->t_ptr, slot, w->f->params[i]->name);
  bool is_array = w->f->params[i]->ty->kind == TY_ARRAY;
  bool has_default = w->f->defaults && w->f->defaults[i];
  if (is_array) {
    if (has_default)
      die(L->bail, "array parameter '%s' with a default", w->f->params[i]->name);
    LLVMValueRef v = convert_array(w, i, obj, *arrays);
    w->arr_order[(*arrays)++] = i;
    return v;
  }
  if (!has_default)
    return convert_scalar(w, i, obj, *arrays);
  LLVMBasicBlockRef given = new_block(L, w->fn, "given");
  LLVMBasicBlockRef join = new_block(L, w->fn, "param");
  LLVMBasicBlockRef from_default = LLVMGetInsertBlock(L->b);
  LLVMValueRef dv = default_value(w, i);
  LLVMBuildCondBr(L->b, LLVMBuildIsNull(L->b, obj, ""), join, given);
  LLVMPositionBuilderAtEnd(L->b, given);
  LLVMValueRef v = convert_scalar(w, i, obj, *arrays);
  LLVMBasicBlockRef from_given = LLVMGetInsertBlock(L->b);
  LLVMBuildBr(L->b, join);
  LLVMPositionBuilderAtEnd(L->b, join);
  LLVMValueRef phi = LLVMBuildPhi(L->b, LLVMTypeOf(dv), "");
  LLVMValueRef vals[] = {dv, v};
  LLVMBasicBlockRef bbs[] = {from_default, from_given};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

static void release_arrays(Wrap *w, int upto) {
  for (int k = upto - 1; k >= 0; k--)
    lower_call_rt(w->L, RT_pjrt_array_release, &w->arr[w->arr_order[k]], 1);
}

/* cleanup[k] releases array k-1 and falls into cleanup[k-1]; cleanup[0]
 * returns NULL (the exception is already set). */
static void build_cleanups(Wrap *w) {
  Lower *L = w->L;
  for (int k = w->narr; k >= 1; k--) {
    LLVMPositionBuilderAtEnd(L->b, w->cleanup[k]);
    lower_call_rt(L, RT_pjrt_array_release, &w->arr[w->arr_order[k - 1]], 1);
    LLVMBuildBr(L->b, w->cleanup[k - 1]);
  }
  LLVMPositionBuilderAtEnd(L->b, w->cleanup[0]);
  LLVMBuildRet(L->b, LLVMConstNull(L->t_ptr));
}

static LLVMValueRef box_scalar(Lower *L, const Type *ty, LLVMValueRef v) {
  switch (ty->kind) {
  case TY_BOOL: {
    LLVMValueRef a = LLVMBuildZExt(L->b, v, L->t_i32, "");
    return lower_call_rt(L, RT_pjrt_box_bool, &a, 1);
  }
  case TY_I8: case TY_I16: case TY_I32: {
    LLVMValueRef a = LLVMBuildSExt(L->b, v, L->t_i64, "");
    return lower_call_rt(L, RT_pjrt_box_i64, &a, 1);
  }
  case TY_I64: return lower_call_rt(L, RT_pjrt_box_i64, &v, 1);
  case TY_U8: case TY_U16: case TY_U32: {
    LLVMValueRef a = LLVMBuildZExt(L->b, v, L->t_i64, "");
    return lower_call_rt(L, RT_pjrt_box_i64, &a, 1);
  }
  case TY_U64: return lower_call_rt(L, RT_pjrt_box_u64, &v, 1);
  case TY_F32: {
    LLVMValueRef a = LLVMBuildFPExt(L->b, v, L->t_f64, "");
    return lower_call_rt(L, RT_pjrt_box_f64, &a, 1);
  }
  case TY_F64: return lower_call_rt(L, RT_pjrt_box_f64, &v, 1);
  case TY_NONE: case TY_ARRAY: case TY_TUPLE: case TY_FUNC: case TY_MODULE: case TY_STR:
  case TY_EXC:
    break;
  }
  die(L->bail, "cannot box a result of type %s", type_name(L->arena, ty));
}

/* The Python object for the result in `out` (NULL if ret is None). */
static LLVMValueRef box_result(Wrap *w, LLVMValueRef out, LLVMValueRef items) {
  Lower *L = w->L;
  const Type *ret = w->f->ret;
  if (ret->kind == TY_NONE)
    return lower_call_rt(L, RT_pjrt_box_none, NULL, 0);
  LLVMTypeRef rt = lower_llvm_type(L, ret);
  if (ret->kind != TY_TUPLE)
    return box_scalar(L, ret, LLVMBuildLoad2(L->b, rt, out, "result"));
  /* pjrt_build_tuple steals the items and copes with NULL ones. */
  for (int k = 0; k < ret->nelems; k++) {
    LLVMValueRef ep = LLVMBuildStructGEP2(L->b, rt, out, (unsigned)k, "");
    LLVMValueRef ev = LLVMBuildLoad2(L->b, lower_llvm_type(L, ret->elems[k]), ep, "");
    LLVMValueRef boxed = box_scalar(L, ret->elems[k], ev);
    LLVMValueRef ip =
        LLVMBuildGEP2(L->b, L->t_ptr, items, (LLVMValueRef[]){i32c(L, k)}, 1, "");
    LLVMBuildStore(L->b, boxed, ip);
  }
  LLVMValueRef a[] = {items, i32c(L, ret->nelems)};
  return lower_call_rt(L, RT_pjrt_build_tuple, a, 2);
}

/* Entry: the allocas, then the choice between the fast path (exactly the
 * positional parameters, no keywords: use args as they are) and
 * pjrt_unpack_args into the slots. */
static void wrap_entry(Wrap *w, LLVMValueRef *out, LLVMValueRef *items) {
  Lower *L = w->L;
  const FuncInst *f = w->f;
  int n = f->nparams;
  LLVMValueRef slots = n ? LLVMBuildAlloca(L->b, LLVMArrayType(L->t_ptr, (unsigned)n), "slots")
                         : LLVMConstNull(L->t_ptr);
  for (int i = 0; i < n; i++) {
    const Type *ty = f->params[i]->ty;
    if (ty->kind == TY_ARRAY) {
      w->arr[i] = LLVMBuildAlloca(L->b, L->t_pjarray, f->params[i]->name);
      w->narr++;
    } else {
      LLVMTypeRef t = type_is_int(ty) ? L->t_i64 : lower_llvm_type(L, ty);
      w->tmp[i] = LLVMBuildAlloca(L->b, t, "");
    }
  }
  *out = f->ret->kind == TY_NONE ? NULL : LLVMBuildAlloca(L->b, lower_llvm_type(L, f->ret), "out");
  *items = f->ret->kind == TY_TUPLE
               ? LLVMBuildAlloca(L->b, LLVMArrayType(L->t_ptr, (unsigned)f->ret->nelems), "items")
               : NULL;
  w->cleanup = ARENA_ARRAY(L->arena, LLVMBasicBlockRef, w->narr + 1);
  for (int k = 0; k <= w->narr; k++)
    w->cleanup[k] = new_block(L, w->fn, "fail");

  LLVMBasicBlockRef entry = LLVMGetInsertBlock(L->b);
  LLVMBasicBlockRef slow = new_block(L, w->fn, "unpack");
  LLVMBasicBlockRef conv = new_block(L, w->fn, "convert");
  LLVMValueRef exact =
      LLVMBuildICmp(L->b, LLVMIntEQ, w->nargs, LLVMConstInt(L->t_i64, (unsigned)n, 0), "");
  LLVMValueRef nokw = LLVMBuildIsNull(L->b, w->kwnames, "");
  LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, exact, nokw, "fast"), conv, slow);

  LLVMPositionBuilderAtEnd(L->b, slow);
  LLVMValueRef a[] = {w->sig, w->args, w->nargs, w->kwnames, slots};
  LLVMValueRef rc = lower_call_rt(L, RT_pjrt_unpack_args, a, 5);
  br_unlikely(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, i32c(L, 0), ""), w->cleanup[0], conv);

  LLVMPositionBuilderAtEnd(L->b, conv);
  w->argv = LLVMBuildPhi(L->b, L->t_ptr, "argv");
  LLVMValueRef vals[] = {w->args, slots};
  LLVMBasicBlockRef bbs[] = {entry, slow};
  LLVMAddIncoming(w->argv, vals, bbs, 2);
}

static void build_wrapper(Lower *L, int fi, const bool *writable) {
  const FuncInst *f = L->prog->funcs.data[fi];
  LLVMTypeRef pt[] = {L->t_ptr, L->t_ptr, L->t_i64, L->t_ptr};
  LLVMTypeRef fty = LLVMFunctionType(L->t_ptr, pt, 4, 0);
  Wrap w = {.L = L, .f = f, .fi = fi, .writable = writable};
  w.fn = LLVMAddFunction(L->mod, arena_printf(L->arena, "%s.wrapper", f->symbol), fty);
  LLVMSetLinkage(w.fn, LLVMInternalLinkage);
  w.sig = build_sig(L, f);
  w.self = LLVMGetParam(w.fn, 0);
  w.args = LLVMGetParam(w.fn, 1);
  w.nargs = LLVMGetParam(w.fn, 2);
  w.kwnames = LLVMGetParam(w.fn, 3);
  w.arr = ARENA_ARRAY(L->arena, LLVMValueRef, f->nparams + 1);
  w.tmp = ARENA_ARRAY(L->arena, LLVMValueRef, f->nparams + 1);
  w.arr_order = ARENA_ARRAY(L->arena, int, f->nparams + 1);
  LLVMPositionBuilderAtEnd(L->b, new_block(L, w.fn, "entry"));

  LLVMValueRef out, items;
  wrap_entry(&w, &out, &items);

  LLVMValueRef *callargs = ARENA_ARRAY(L->arena, LLVMValueRef, f->nparams + 2);
  int arrays = 0;
  for (int i = 0; i < f->nparams; i++)
    callargs[i] = wrap_param(&w, i, &arrays);
  int nargs = f->nparams;
  if (out)
    callargs[nargs++] = out;

  LLVMValueRef save = f->has_loops ? lower_call_rt(L, RT_pjrt_release_gil, NULL, 0) : NULL;
  LLVMValueRef status =
      LLVMBuildCall2(L->b, L->impl_ty[fi], L->impl_fn[fi], callargs, (unsigned)nargs, "status");
  if (save) {
    /* Not inlined here: SYMBOL_impl is compiled anyway (hidden, other
     * functions may call it), so inlining it would optimize and compile its
     * loops twice; one call costs nothing next to releasing the GIL. */
    unsigned kind = LLVMGetEnumAttributeKindForName("noinline", 8);
    LLVMAddCallSiteAttribute(status, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(L->ctx, kind, 0));
    lower_call_rt(L, RT_pjrt_acquire_gil, &save, 1);
  }
  release_arrays(&w, arrays);

  LLVMBasicBlockRef ok = new_block(L, w.fn, "box");
  br_unlikely(L, LLVMBuildICmp(L->b, LLVMIntNE, status, i32c(L, 0), ""), w.cleanup[0], ok);
  LLVMPositionBuilderAtEnd(L->b, ok);
  LLVMBuildRet(L->b, box_result(&w, out, items));

  build_cleanups(&w);
}

void lower_wrappers(Lower *L) {
  bool **writable = written_params(L);
  for (int fi = 0; fi < L->prog->funcs.len; fi++)
    if (L->prog->funcs.data[fi]->exported)
      build_wrapper(L, fi, writable[fi]);
}

/* ---- the module definition and PyInit ------------------------------------- */

void lower_module_def(Lower *L) {
  const Program *p = L->prog;
  /* struct PjFuncDef { const char *name; void *wrapper; const char *doc; } */
  LLVMTypeRef fd_fields[] = {L->t_ptr, L->t_ptr, L->t_ptr};
  LLVMTypeRef fd_ty = LLVMStructTypeInContext(L->ctx, fd_fields, 3, 0);
  LLVMValueRef *defs = ARENA_ARRAY(L->arena, LLVMValueRef, p->funcs.len + 1);
  int n = 0;
  for (int fi = 0; fi < p->funcs.len; fi++) {
    const FuncInst *f = p->funcs.data[fi];
    if (!f->exported)
      continue;
    LLVMValueRef wrapper =
        LLVMGetNamedFunction(L->mod, arena_printf(L->arena, "%s.wrapper", f->symbol));
    if (!wrapper)
      die(L->bail, "no wrapper for '%s'", f->symbol);
    LLVMValueRef fields[] = {lower_cstring(L, f->name), wrapper,
                             lower_cstring(L, func_doc(L, f))};
    defs[n++] = LLVMConstNamedStruct(fd_ty, fields, 3);
  }
  LLVMValueRef funcs = LLVMConstNull(L->t_ptr);
  if (n) {
    LLVMTypeRef arr_ty = LLVMArrayType(fd_ty, (unsigned)n);
    funcs = LLVMAddGlobal(L->mod, arr_ty, "pyjitc.funcs");
    LLVMSetInitializer(funcs, LLVMConstArray(fd_ty, defs, (unsigned)n));
    LLVMSetGlobalConstant(funcs, 1);
    LLVMSetLinkage(funcs, LLVMPrivateLinkage);
  }

  /* struct PjModuleDef { i32 abi_version, nfuncs; ptr name, filename, source, funcs; } */
  LLVMTypeRef md_fields[] = {L->t_i32, L->t_i32, L->t_ptr, L->t_ptr, L->t_ptr, L->t_ptr};
  LLVMTypeRef md_ty = LLVMStructTypeInContext(L->ctx, md_fields, 6, 0);
  LLVMValueRef md_vals[] = {
      i32c(L, PJRT_ABI_VERSION), i32c(L, n),
      lower_cstring(L, L->module_name),
      cstring_or_null(L, L->source_path),
      cstring_or_null(L, L->source_text),
      funcs,
  };
  LLVMValueRef def = LLVMAddGlobal(L->mod, md_ty, "pyjitc.moduledef");
  LLVMSetInitializer(def, LLVMConstNamedStruct(md_ty, md_vals, 6));
  LLVMSetGlobalConstant(def, 1);
  LLVMSetLinkage(def, LLVMPrivateLinkage);

  LLVMTypeRef init_ty = LLVMFunctionType(L->t_ptr, NULL, 0, 0);
  LLVMValueRef init =
      LLVMAddFunction(L->mod, arena_printf(L->arena, "PyInit_%s", L->module_name), init_ty);
  LLVMSetLinkage(init, LLVMExternalLinkage);
  LLVMSetVisibility(init, LLVMDefaultVisibility);
  LLVMPositionBuilderAtEnd(L->b, new_block(L, init, "entry"));
  LLVMBuildRet(L->b, lower_call_rt(L, RT_pjrt_module_init, &def, 1));
}
