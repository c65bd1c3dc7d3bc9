/* check_stmt.c: statements.  Collects a function's variables, binds and
 * converts assignments (int/float unification of unannotated locals happens
 * in the quiet passes through unify_var), checks loops, returns and raises,
 * and runs the conservative definite-assignment analysis: a local must be
 * bound on every path before it is read. */
#include "check_internal.h"

/* ---- variables */

static Var *add_local(Check *C, Node *target) {
  Var *v = find_var(C, target->name);
  if (v)
    return v;
  Symbol *s = ARENA_NEW(C->a, Symbol);
  s->kind = SYM_LOCAL;
  s->name = target->name;
  s->decl = target->span;
  Var nv = {.name = target->name, .sym = s, .line = target->span.line};
  vec_push(C->a, &C->fn->vars, nv);
  return &C->fn->vars.data[C->fn->vars.len - 1];
}

static void collect_target(Check *C, Node *t) {
  if (!t)
    return;
  if (t->kind == ND_NAME)
    add_local(C, t);
  else if (t->kind == ND_TUPLE)
    for (int i = 0; i < t->list.len; i++)
      collect_target(C, t->list.data[i]);
}

static void collect_annotated(Check *C, Node *s) {
  if (!s->a || s->a->kind != ND_NAME)
    return;
  Var *v = add_local(C, s->a);
  Type *t = check_annotation(C, s->b, false);
  if (!t)
    return;
  if (v->fixed && v->sym->ty != t) {
    err(C, s->b->span, "'%s' is declared %s here but %s at line %d", v->name, tname(C, t),
        tname(C, v->sym->ty), v->line);
    return;
  }
  if (t->kind == TY_TUPLE || t->kind == TY_ARRAY || type_is_scalar(t)) {
    v->sym->ty = t;
    v->fixed = true;
    v->line = s->span.line;
  }
}

void collect_vars(Check *C, NodeList *body) {
  for (int i = 0; i < body->len; i++) {
    Node *s = body->data[i];
    switch (s->kind) {
    case ND_ASSIGN:
      for (int j = 0; j < s->list.len; j++)
        collect_target(C, s->list.data[j]);
      break;
    case ND_ANNASSIGN: collect_annotated(C, s); break;
    case ND_AUGASSIGN: collect_target(C, s->a); break;
    case ND_FOR:
      collect_target(C, s->a);
      collect_vars(C, &s->list);
      collect_vars(C, &s->list2);
      break;
    case ND_IF:
    case ND_WHILE:
      collect_vars(C, &s->list);
      collect_vars(C, &s->list2);
      break;
    default: break;
    }
  }
}

/* The storage type two bindings of one unannotated variable share, or NULL. */
static Type *unify_store(Check *C, Type *a, Type *b) {
  if (a == b)
    return a;
  if ((a == C->t_int && b == C->t_float) || (a == C->t_float && b == C->t_int))
    return C->t_float;
  if (a->kind == TY_ARRAY && b->kind == TY_ARRAY && a->elem == b->elem && a->ndim == b->ndim)
    return type_array(C->tt, a->elem, a->ndim, false);
  if (a->kind == TY_TUPLE && b->kind == TY_TUPLE && a->nelems == b->nelems) {
    Type *el[16];
    for (int i = 0; i < a->nelems && i < 16; i++)
      if (!(el[i] = unify_store(C, a->elems[i], b->elems[i])))
        return NULL;
    return type_tuple(C->tt, el, a->nelems);
  }
  return NULL;
}

static bool storable(Check *C, Type *t) {
  return t && (type_is_scalar(t) || t->kind == TY_ARRAY || t->kind == TY_TUPLE);
}

/* Quiet passes: widen an unannotated variable's type with a new binding. */
static void unify_var(Check *C, Var *v, Type *t, int line) {
  if (!C->quiet || v->fixed || !storable(C, t))
    return;
  Type *cur = v->sym->ty;
  if (!cur) {
    v->sym->ty = t;
    v->line = line;
    C->fn->changed = true;
    return;
  }
  Type *u = unify_store(C, cur, t);
  if (u && u != cur) {
    v->sym->ty = u;
    v->line = line;   /* messages cite the line that made it float, not the first int */
    C->fn->changed = true;
  }
}

/* ---- definite assignment */

void def_init(Check *C, DefState *s, bool all) {
  int n = C->fn->vars.len;
  s->def = ARENA_ARRAY(C->a, bool, n + 1);
  for (int i = 0; i < n; i++)
    s->def[i] = all;
  s->dead = false;
}

static DefState def_copy(Check *C, DefState s) {
  DefState r;
  def_init(C, &r, false);
  memcpy(r.def, s.def, sizeof(bool) * (size_t)C->fn->vars.len);
  r.dead = s.dead;
  return r;
}

/* *into = the state where both paths meet. */
static void def_join(Check *C, DefState *into, DefState other) {
  if (other.dead)
    return;
  if (into->dead) {
    *into = def_copy(C, other);
    return;
  }
  for (int i = 0; i < C->fn->vars.len; i++)
    into->def[i] = into->def[i] && other.def[i];
}

static void mark_def(Check *C, Var *v) { C->fn->st.def[v - C->fn->vars.data] = true; }

/* ---- assignment targets */

static const char *short_elem(Check *C, Type *t) {
  if (t->kind == TY_I64)
    return "i64";
  if (t->kind == TY_F64)
    return "f64";
  return tname(C, t);
}

static void store_error(Check *C, Node *target, Var *v, Type *vt, Span sp) {
  const char *have = tname(C, vt);
  if (!v) {
    Type *want = target->ty;
    err(C, sp, "cannot store %s into an element of %s array%s", have,
        want ? short_elem(C, want) : "?",
        type_is_float(vt) && type_is_int(want) ? "; use int(...) to convert" : "");
    return;
  }
  const char *want = tname(C, v->sym->ty);
  if (v->sym->kind == SYM_PARAM)
    err(C, sp, "cannot assign %s to parameter '%s' of type %s", have, v->name, want);
  else if (v->fixed)
    err(C, sp, "cannot assign %s to '%s', declared %s at line %d", have, v->name, want, v->line);
  else
    err(C, sp, "'%s' is assigned %s here but %s at line %d; a variable keeps one type "
               "(only int and float mix, as float)", v->name, have, want, v->line);
}

/* Checks a store target for a value of type `vt` (NULL: unknown); returns
 * its storage type.  Marks names as assigned. */
static Type *check_target(Check *C, Node *t, Type *vt) {
  switch (t->kind) {
  case ND_NAME: {
    Var *v = find_var(C, t->name);
    if (!v)
      return NULL;
    unify_var(C, v, vt, t->span.line);
    t->sym = v->sym;
    t->ty = v->sym->ty;
    return t->ty;
  }
  case ND_SUBSCRIPT: {
    Node *r = check_expr(C, t);    /* element read: the same checks as a load */
    Node *el = r->kind == ND_CAST ? r->a : r;
    if (el != t)
      return NULL;
    if (t->a && t->a->ty && t->a->ty->kind == TY_TUPLE) {
      if (t->a->kind == ND_ATTR && t->a->builtin == BI_A_SHAPE)
        err(C, t->span, "an array's shape cannot be assigned: arrays cannot be resized in "
                        "compiled code");
      else
        err(C, t->span, "tuples are immutable: cannot assign to an element");
      return NULL;
    }
    return t->ty;
  }
  case ND_TUPLE: {
    int n = t->list.len;
    if (vt && (vt->kind != TY_TUPLE || vt->nelems != n)) {
      if (vt->kind == TY_TUPLE)
        err(C, t->span, "cannot unpack a tuple of %d values into %d targets", vt->nelems, n);
      else
        err(C, t->span, "cannot unpack %s into %d targets", tname(C, vt), n);
      vt = NULL;
    }
    Type *el[16];
    bool ok = n <= 16;
    for (int i = 0; i < n; i++) {
      Type *et = check_target(C, t->list.data[i], vt ? vt->elems[i] : NULL);
      if (i < 16)
        el[i] = et;
      ok = ok && et && type_is_scalar(et);
    }
    t->ty = ok ? type_tuple(C->tt, el, n) : NULL;
    return t->ty;
  }
  case ND_ATTR:
    err(C, t->span, "assigning to attributes is not supported in compiled code");
    return NULL;
  default:
    err(C, t->span, "cannot assign to this expression");
    return NULL;
  }
}

static void mark_target(Check *C, Node *t) {
  if (t->kind == ND_NAME) {
    Var *v = find_var(C, t->name);
    if (v)
      mark_def(C, v);
  } else if (t->kind == ND_TUPLE) {
    for (int i = 0; i < t->list.len; i++)
      mark_target(C, t->list.data[i]);
  }
}

/* Converts `val` for storing into target `t` (already checked). */
static Node *store_into(Check *C, Node *t, Node *val) {
  if (!val->ty || !t->ty)
    return val;
  if (t->kind == ND_TUPLE && val->kind == ND_TUPLE && val->list.len == t->list.len) {
    for (int i = 0; i < t->list.len; i++) {
      Node *r = store_into(C, t->list.data[i], val->list.data[i]);
      val->list.data[i] = r;
    }
    Type *el[16];
    for (int i = 0; i < val->list.len && i < 16; i++)
      el[i] = val->list.data[i]->ty;
    if (val->list.len <= 16)
      val->ty = type_tuple(C->tt, el, val->list.len);
    return val;
  }
  Var *v = t->kind == ND_NAME ? find_var(C, t->name) : NULL;
  /* an inferred local is one type: a bool stored into an int or float local
   * would make the compiled value 1 where CPython's is True (docs/subset.md,
   * "Variables"); annotated locals, parameters and elements convert it */
  bool bool_mix = v && !v->fixed && v->sym->kind != SYM_PARAM && val->ty == C->t_bool &&
                  t->ty != C->t_bool;
  Node *r = bool_mix ? NULL : convert_store(C, val, t->ty);
  if (r)
    return r;
  store_error(C, t, v, val->ty, val->span);
  return val;
}

/* `a, b = b, a` where some element is an array: no tuple value exists (the
 * lowering evaluates the elements, then assigns them in order), so each
 * element is checked against its own target.  Tuples of arrays stay
 * unsupported everywhere else. */
static bool check_swap(Check *C, Node *s) {
  Node *t = s->list.len == 1 ? s->list.data[0] : NULL, *v = s->a;
  if (!t || t->kind != ND_TUPLE || v->kind != ND_TUPLE || v->list.len != t->list.len ||
      v->list.len > 16)
    return false;
  bool arrays = false; /* decided before checking, so nothing is checked twice */
  for (int i = 0; i < v->list.len; i++) {
    Node *x = v->list.data[i];
    Var *var = x->kind == ND_NAME ? find_var(C, x->name) : NULL;
    arrays |= var && var->sym && var->sym->ty && var->sym->ty->kind == TY_ARRAY;
  }
  if (!arrays)
    return false;
  for (int i = 0; i < v->list.len; i++) {
    Node *ti = t->list.data[i];
    if (ti->kind == ND_TUPLE) {
      err(C, ti->span, "nested unpacking of arrays is not supported; assign them one by one");
      continue;
    }
    Node *x = v->list.data[i] = check_expr(C, v->list.data[i]);
    Type *tt = x->ty ? check_target(C, ti, x->ty) : NULL;
    if (tt && !C->quiet)
      v->list.data[i] = store_into(C, ti, x);
  }
  for (int i = 0; i < t->list.len; i++)
    mark_target(C, t->list.data[i]);
  return true;
}

static void check_assign(Check *C, Node *s) {
  if (check_swap(C, s))
    return;
  s->a = check_expr(C, s->a);
  Type *vt = s->a->ty;
  if (vt && !storable(C, vt)) {
    err(C, s->a->span, "cannot assign %s to a variable in compiled code",
        vt->kind == TY_NONE ? "None" : tname(C, vt));
    vt = NULL;
  }
  Type *first = NULL;
  for (int i = 0; i < s->list.len; i++) {
    Node *t = s->list.data[i];
    Type *tt = check_target(C, t, vt);
    if (i == 0)
      first = tt;
    else if (tt && first && tt != first)
      err(C, t->span, "chained assignment to targets of different types (%s and %s) is not "
                      "supported; assign them separately", tname(C, first), tname(C, tt));
  }
  if (vt && s->list.len > 0 && !C->quiet)
    s->a = store_into(C, s->list.data[0], s->a);
  for (int i = 0; i < s->list.len; i++)
    mark_target(C, s->list.data[i]);
}

static void check_annassign(Check *C, Node *s) {
  if (!s->a || s->a->kind != ND_NAME) {
    err(C, s->span, "only simple names can be annotated in compiled code");
    return;
  }
  Var *v = find_var(C, s->a->name);
  s->a->sym = v ? v->sym : NULL;
  s->a->ty = v ? v->sym->ty : NULL;
  s->sym = s->a->sym;
  if (!s->c)
    return;
  s->c = check_expr(C, s->c);
  if (v && !v->fixed)
    unify_var(C, v, s->c->ty, s->span.line);
  s->a->ty = v ? v->sym->ty : NULL;
  if (!C->quiet && s->a->ty)
    s->c = store_into(C, s->a, s->c);
  if (v)
    mark_def(C, v);
}

/* x op= v: the target is read, combined in its value type, and stored back.
 * node->ty is the value type the operation computes in; b is converted to it. */
static void check_augassign(Check *C, Node *s) {
  Node *t = s->a;
  if (!t || (t->kind != ND_NAME && t->kind != ND_SUBSCRIPT)) {
    err(C, s->span, "augmented assignment needs a variable or an array element as target");
    return;
  }
  Node *read = check_expr(C, t);          /* reads the target: must be bound */
  Node *tn = read->kind == ND_CAST ? read->a : read;
  s->a = tn;
  s->b = check_expr(C, s->b);
  Type *vt = read->ty, *bt = s->b->ty;
  if (!vt || !bt)
    return;
  Node probe = {.kind = ND_BINOP, .span = s->span, .op = s->op, .a = read, .b = s->b};
  Type *rt = binop_typed(C, &probe);
  if (!rt)
    return;
  if (t->kind == ND_NAME) {
    Var *v = find_var(C, t->name);
    if (v)
      unify_var(C, v, rt, s->span.line);
    if (C->quiet)
      return;
    if (v && type_value(C->tt, v->sym->ty) != rt) {
      store_error(C, tn, v, rt, s->span);
      return;
    }
  } else if (!C->quiet && type_value(C->tt, tn->ty) != rt) {
    store_error(C, tn, NULL, rt, s->span);
    return;
  }
  s->ty = rt;
  s->b = probe.b;
}

/* ---- control flow */

static void check_if(Check *C, Node *s) {
  Fn *F = C->fn;
  s->a = check_cond(C, s->a);
  DefState before = def_copy(C, F->st);
  check_body(C, &s->list);
  DefState after_body = F->st;
  F->st = before;
  check_body(C, &s->list2);
  def_join(C, &F->st, after_body);
}

/* The body runs from the current state; after the loop, the test failed
 * (conservatively: the state at loop entry, `entry`) and the else branch
 * ran, or a break jumped out.  `while True` leaves only through a break. */
static void loop_body(Check *C, Node *s, bool infinite, DefState entry) {
  Fn *F = C->fn;
  F->has_loops = true;
  Loop L = {.outer = F->loop};
  L.brk.dead = true;
  F->loop = &L;
  check_body(C, &s->list);
  F->loop = L.outer;
  F->st = entry;
  F->st.dead = F->st.dead || infinite;
  check_body(C, &s->list2);
  def_join(C, &F->st, L.brk);
}

static void check_while(Check *C, Node *s) {
  s->a = check_cond(C, s->a);
  loop_body(C, s, is_const_true(s->a), def_copy(C, C->fn->st));
}

/* The type the loop target gets per iteration, or NULL after an error. */
static Type *check_iterable(Check *C, Node *s) {
  Node *it = s->b;
  if (it->kind == ND_CALL && it->a && it->a->kind == ND_NAME && it->a->name &&
      !strcmp(it->a->name, "range") && !find_var(C, it->a->name) &&
      !find_global(C, it->a->name)) {
    it->builtin = BI_RANGE;
    it->ty = C->t_int;
    it->a->ty = C->t_func;
    if (it->list2.len)
      err(C, it->list2.data[0]->span, "range() takes no keyword arguments");
    if (it->list.len < 1 || it->list.len > 3) {
      err(C, it->span, "range expected 1 to 3 arguments, got %d", it->list.len);
      return NULL;
    }
    for (int i = 0; i < it->list.len; i++) {
      Node *x = check_expr(C, it->list.data[i]);
      if (x->ty == C->t_bool)
        x = to_type(C, x, C->t_int);
      else if (x->ty && x->ty != C->t_int)
        err(C, x->span, "range() arguments must be int, not %s%s", tname(C, x->ty),
            x->ty == C->t_float ? "; use int(...) to convert" : "");
      it->list.data[i] = x;
    }
    if (it->list.len == 3) {
      Node *st = fold_const(C, it->list.data[2]);
      /* a warning, not an error: CPython only raises if the loop is reached,
       * and the compiled loop raises the same ValueError there */
      if (st && st->kind == ND_INT && st->ival == 0)
        warn(C, it->list.data[2]->span,
             "range() step is zero: this loop raises ValueError when it is reached");
    }
    return C->t_int;
  }
  if (it->kind == ND_CALL && it->a && it->a->kind == ND_NAME && it->a->name &&
      !find_var(C, it->a->name) && !find_global(C, it->a->name) &&
      (!strcmp(it->a->name, "enumerate") || !strcmp(it->a->name, "zip") ||
       !strcmp(it->a->name, "reversed"))) {
    /* one error for the Python idiom, not one for the call and one for the target */
    err(C, it->a->span, "%s() is not supported in compiled code; loop over an index instead, "
        "e.g. 'for i in range(len(a)):' and read a[i]%s", it->a->name,
        !strcmp(it->a->name, "reversed") ? " (range(len(a) - 1, -1, -1) runs backwards)" : "");
    return NULL;
  }
  s->b = check_expr(C, it);
  Type *t = s->b->ty;
  if (!t)
    return NULL;
  if (t->kind == TY_ARRAY && t->ndim == 1)
    return type_value(C->tt, t->elem);
  if (t->kind == TY_ARRAY)
    err(C, s->b->span, "for loops iterate over 1-D arrays only, this is %s; loop over "
                       "range(a.shape[0]) and index instead", tname(C, t));
  else
    err(C, s->b->span, "cannot iterate over %s: for loops take range(...) or a 1-D array",
        tname(C, t));
  return NULL;
}

static void check_for(Check *C, Node *s) {
  Type *lt = check_iterable(C, s);
  Node *t = s->a;
  if (t->kind != ND_NAME) {
    if (lt)   /* else the iterable's error said it all (enumerate, zip, ...) */
      err(C, t->span, "a for loop target must be a single variable name");
  } else {
    Var *v = find_var(C, t->name);
    if (v) {
      unify_var(C, v, lt, t->span.line);
      t->sym = v->sym;
      t->ty = v->sym->ty;
      if (!C->quiet && lt && v->sym->ty && v->sym->ty != lt)
        err(C, t->span, "loop variable '%s' gets %s values here but is %s (line %d); use "
                        "another name for one of them", v->name, tname(C, lt),
            tname(C, v->sym->ty), v->line);
    }
  }
  /* the body runs with the target bound; after the loop it is bound only if
   * it was before (the loop may run zero times) */
  DefState entry = def_copy(C, C->fn->st);
  Var *v = t->kind == ND_NAME ? find_var(C, t->name) : NULL;
  if (v)
    mark_def(C, v);
  loop_body(C, s, false, entry);
}

static void check_return(Check *C, Node *s) {
  Fn *F = C->fn;
  if (s->a)
    s->a = check_expr(C, s->a);
  Type *t = s->a ? s->a->ty : C->t_none;
  if (s->a && !t) {
    F->st.dead = true;
    return;
  }
  if (t && t->kind == TY_ARRAY) {
    err(C, s->a->span, "returning arrays is not supported yet");
    F->st.dead = true;
    return;
  }
  if (!F->ret_fixed) {   /* inferring the return type */
    if (!F->ret) {
      F->ret = t;
      F->ret_line = s->span.line;
      F->changed = true;
    } else if (F->ret != t) {
      Type *u = (t->kind == TY_NONE || F->ret->kind == TY_NONE) ? NULL : unify_store(C, F->ret, t);
      if (u && u != F->ret)
        F->ret = u, F->changed = true;
      else if (!u)
        F->ret_conflict = true;
    }
  } else if (!C->quiet && F->ret) {
    if (F->ret->kind == TY_NONE) {
      if (s->a && t->kind != TY_NONE)
        err(C, s->a->span, "function '%s' returns None (-> None) but this returns %s",
            F->func->name, tname(C, t));
    } else if (!s->a || t->kind == TY_NONE) {
      err(C, s->span, "function '%s' must return %s, not None", F->func->name,
          tname(C, F->ret));
    } else {
      Node *r = convert_store(C, s->a, F->ret);
      if (r)
        s->a = r;
      else
        err(C, s->a->span, "cannot return %s from function '%s' returning %s%s", tname(C, t),
            F->func->name, tname(C, F->ret),
            F->func->a ? "" : arena_printf(C->a, " (inferred from line %d)", F->ret_line));
    }
  }
  F->st.dead = true;
}

static void check_raise(Check *C, Node *s) {
  C->fn->st.dead = true;
  Node *e = s->a;
  if (!e) {
    err(C, s->span, "bare 'raise' is not supported in compiled code; raise ExcType(\"message\")");
    return;
  }
  Node *name = e->kind == ND_CALL ? e->a : e;
  if (!name || name->kind != ND_NAME || !is_exception_name(name->name) ||
      find_var(C, name->name) || find_global(C, name->name)) {
    err(C, name ? name->span : e->span,
        "compiled code can raise only builtin exceptions (ValueError, TypeError, IndexError, "
        "ZeroDivisionError, OverflowError, RuntimeError, AssertionError, ArithmeticError, "
        "KeyError, NotImplementedError, Exception)");
    return;
  }
  name->ty = C->t_exc;
  e->ty = C->t_exc;
  if (e->kind != ND_CALL)
    return;
  if (e->list2.len)
    err(C, e->list2.data[0]->span, "exceptions take no keyword arguments in compiled code");
  if (e->list.len > 1)
    err(C, e->list.data[1]->span, "%s() in compiled code takes one message argument",
        name->name);
  else if (e->list.len == 1) {
    Node *m = e->list.data[0];
    if (m->kind != ND_STR)
      err(C, m->span, "the exception message must be a string literal");
    else
      m->ty = C->t_str;
  }
}

static void check_assert(Check *C, Node *s) {
  s->a = check_cond(C, s->a);
  if (s->b) {
    if (s->b->kind != ND_STR)
      err(C, s->b->span, "the assert message must be a string literal");
    else
      s->b->ty = C->t_str;
  }
  if (is_const_true(s->a))
    return;
  Node *f = s->a;
  if (f->kind == ND_BOOL && f->ival == 0)
    C->fn->st.dead = true;   /* assert False always raises */
}

static void check_stmt(Check *C, Node *s) {
  Fn *F = C->fn;
  switch (s->kind) {
  case ND_EXPR_STMT:
    if (s->a && s->a->kind == ND_STR) {
      s->a->ty = C->t_str;   /* a docstring or a string used as a comment */
      return;
    }
    s->a = check_expr(C, s->a);
    return;
  case ND_ASSIGN: check_assign(C, s); return;
  case ND_ANNASSIGN: check_annassign(C, s); return;
  case ND_AUGASSIGN: check_augassign(C, s); return;
  case ND_IF: check_if(C, s); return;
  case ND_WHILE: check_while(C, s); return;
  case ND_FOR: check_for(C, s); return;
  case ND_BREAK:
  case ND_CONTINUE:
    if (!F->loop) {
      err(C, s->span, "'%s' outside a loop", s->kind == ND_BREAK ? "break" : "continue");
      return;
    }
    if (s->kind == ND_BREAK)
      def_join(C, &F->loop->brk, F->st);
    F->st.dead = true;
    return;
  case ND_RETURN: check_return(C, s); return;
  case ND_PASS: return;
  case ND_ASSERT: check_assert(C, s); return;
  case ND_RAISE: check_raise(C, s); return;
  default:
    err(C, s->span, "this statement is not supported in compiled code");
    return;
  }
}

void check_body(Check *C, NodeList *body) {
  for (int i = 0; i < body->len; i++)
    check_stmt(C, body->data[i]);
}
