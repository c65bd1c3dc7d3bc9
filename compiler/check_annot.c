/* check_annot.c: type annotations -> Types, and compile-time constants
 * (module constants, parameter defaults) folded to literal nodes. */
#include <math.h>

#include "check_internal.h"

/* pyjitc's scalar type names (int/float/bool are Python's). */
static TypeKind scalar_kind(const char *name, bool *ok) {
  static const struct { const char *name; TypeKind k; } tab[] = {
      {"int", TY_I64},   {"float", TY_F64}, {"bool", TY_BOOL},  {"i64", TY_I64},
      {"i32", TY_I32},   {"i16", TY_I16},   {"i8", TY_I8},      {"u64", TY_U64},
      {"u32", TY_U32},   {"u16", TY_U16},   {"u8", TY_U8},      {"f64", TY_F64},
      {"f32", TY_F32},
  };
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (!strcmp(tab[i].name, name)) {
      *ok = true;
      return tab[i].k;
    }
  *ok = false;
  return TY_NONE;
}

/* NumPy's dtype names, for `np.float64` style annotations. */
static TypeKind numpy_kind(const char *name, bool *ok) {
  static const struct { const char *name; TypeKind k; } tab[] = {
      {"float64", TY_F64}, {"float32", TY_F32}, {"int64", TY_I64},  {"int32", TY_I32},
      {"int16", TY_I16},   {"int8", TY_I8},     {"uint64", TY_U64}, {"uint32", TY_U32},
      {"uint16", TY_U16},  {"uint8", TY_U8},    {"bool_", TY_BOOL}, {"intp", TY_I64},
  };
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (!strcmp(tab[i].name, name)) {
      *ok = true;
      return tab[i].k;
    }
  *ok = false;
  return TY_NONE;
}

/* What to write instead of a type name from Python, typing, NumPy, Numba or
 * Cython that is not one of ours ("" when there is nothing specific to say). */
static const char *foreign_type_hint(const char *name) {
  static const struct { const char *name, *hint; } tab[] = {
      {"double", "did you mean f64?"},         {"float64", "did you mean f64?"},
      {"float32", "did you mean f32?"},        {"single", "did you mean f32?"},
      {"long", "did you mean int (i64)?"},     {"int64", "did you mean i64?"},
      {"int32", "did you mean i32?"},          {"int16", "did you mean i16?"},
      {"int8", "did you mean i8?"},            {"uint64", "did you mean u64?"},
      {"uint32", "did you mean u32?"},         {"uint16", "did you mean u16?"},
      {"uint8", "did you mean u8?"},           {"intp", "did you mean i64?"},
      {"Py_ssize_t", "did you mean i64?"},     {"bint", "did you mean bool?"},
      {"boolean", "did you mean bool?"},       {"bool_", "did you mean bool?"},
      {"list", "Python lists are not supported; pass a NumPy array and annotate it like f64[:]"},
      {"List", "Python lists are not supported; pass a NumPy array and annotate it like f64[:]"},
      {"Sequence", "sequences are not supported; pass a NumPy array and annotate it like f64[:]"},
      {"ndarray", "write the element type and the dimensions instead, e.g. f64[:] or f64[:, :]"},
      {"NDArray", "write the element type and the dimensions instead, e.g. f64[:] or f64[:, :]"},
      {"array", "write the element type and the dimensions instead, e.g. f64[:] or f64[:, :]"},
      {"Optional", "compiled values are never None; annotate the value's own type"},
      {"Union", "a parameter has exactly one type in compiled code"},
      {"Any", "a parameter has exactly one type in compiled code"},
      {"complex", "complex numbers are not supported in compiled functions"},
      {"complex128", "complex numbers are not supported in compiled functions"},
      {"str", "strings are not supported in compiled functions"},
      {"bytes", "pass a bytearray or NumPy array and annotate it as u8[:]"},
      {"dict", "dicts are not supported in compiled functions"},
      {"Dict", "dicts are not supported in compiled functions"},
      {"set", "sets are not supported in compiled functions"},
      {"object", "a parameter needs a concrete type in compiled code"},
  };
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (!strcmp(tab[i].name, name))
      return tab[i].hint;
  return "";
}

static const char *const HINT =
    "use int, float, bool, i8..i64, u8..u64, f32, f64, an array like f64[:] or a tuple like "
    "tuple[int, float]";

/* The scalar a name or attribute annotation denotes, or NULL (no error). */
static Type *scalar_annotation(Check *C, Node *ann) {
  bool ok = false;
  TypeKind k = TY_NONE;
  if (ann->kind == ND_NAME) {
    Global *g = find_global(C, ann->name);
    if (g && g->kind == GL_MEMBER && g->module == 'P')
      k = scalar_kind(g->member, &ok);      /* from pyjitc import f64 as F */
    else if (g && g->kind == GL_MEMBER && g->module == 'N')
      k = numpy_kind(g->member, &ok);
    if (!ok)
      k = scalar_kind(ann->name, &ok);      /* bare names are accepted too */
  } else if (ann->kind == ND_ATTR && ann->a && ann->a->kind == ND_NAME) {
    Global *g = find_global(C, ann->a->name);
    if (g && g->kind == GL_MODULE && g->module == 'P')
      k = scalar_kind(ann->name, &ok);
    else if (g && g->kind == GL_MODULE && g->module == 'N')
      k = numpy_kind(ann->name, &ok);
  }
  return ok ? type_scalar(C->tt, k) : NULL;
}

static bool is_tuple_name(Node *n) {
  return n->kind == ND_NAME && (!strcmp(n->name, "tuple") || !strcmp(n->name, "Tuple"));
}

static Type *tuple_annotation(Check *C, Node *ann) {
  Type *elems[16];
  int n = ann->list.len;
  if (n == 1 && ann->list.data[0]->kind == ND_TUPLE) {
    ann = ann->list.data[0];
    n = ann->list.len;
  }
  if (n == 0 || n > 16) {
    err(C, ann->span, "tuple annotations take 1 to 16 scalar element types, e.g. tuple[int, float]");
    return NULL;
  }
  NodeList *l = ann->kind == ND_TUPLE ? &ann->list : &ann->list;
  for (int i = 0; i < n; i++) {
    Node *el = l->data[i];
    Type *t = check_annotation(C, el, false);
    if (!t)
      return NULL;
    if (!type_is_scalar(t)) {
      err(C, el->span, "tuple elements must be scalars, not %s", tname(C, t));
      return NULL;
    }
    elems[i] = t;
  }
  return type_tuple(C->tt, elems, n);
}

static Type *array_annotation(Check *C, Node *ann, Type *elem) {
  int n = ann->list.len;
  if (n > 4) {
    err(C, ann->span, "arrays have at most 4 dimensions, this annotation has %d", n);
    return NULL;
  }
  bool contig = false;
  const char *e = tname(C, elem);
  if (elem->kind == TY_I64)
    e = "i64";
  else if (elem->kind == TY_F64)
    e = "f64";
  for (int i = 0; i < n; i++) {
    Node *ix = ann->list.data[i];
    if (ix->kind != ND_SLICE || ix->a || ix->b) {
      err(C, ix->span, "array annotations take ':' per dimension, e.g. %s[:] or %s[:, :]", e, e);
      return NULL;
    }
    if (ix->c) {
      if (ix->c->kind != ND_INT || ix->c->ival != 1) {
        err(C, ix->c->span, "the only step allowed in an array annotation is '::1' (C-contiguous)");
        return NULL;
      }
      if (i != n - 1) {
        err(C, ix->span, "only the last dimension may be '::1' (C-contiguous), e.g. %s[:, ::1]", e);
        return NULL;
      }
      contig = true;
    }
  }
  return type_array(C->tt, elem, n, contig);
}

Type *check_annotation(Check *C, Node *ann, bool allow_none) {
  if (!ann)
    return NULL;
  switch (ann->kind) {
  case ND_NONE:
    if (ann->flags == -1)   /* the parser's placeholder for what it reported */
      return NULL;
    if (allow_none)
      return C->t_none;
    err(C, ann->span, "None is only allowed as a return annotation ('-> None')");
    return NULL;
  case ND_STR:
    err(C, ann->span, "string annotations are not supported; write the type itself, e.g. f64[:]");
    return NULL;
  case ND_NAME:
  case ND_ATTR: {
    Type *t = scalar_annotation(C, ann);
    if (t)
      return t;
    if (ann->kind == ND_NAME && is_tuple_name(ann)) {
      err(C, ann->span, "'tuple' needs element types, e.g. tuple[int, float]");
      return NULL;
    }
    const char *fh = foreign_type_hint(ann->name);
    if (*fh)
      err(C, ann->span, "unknown type '%s': %s", ann->name, fh);
    else
      err(C, ann->span, "unknown type '%s'; %s", ann->name, HINT);
    return NULL;
  }
  case ND_SUBSCRIPT: {
    if (!ann->a)
      break;
    if (is_tuple_name(ann->a))
      return tuple_annotation(C, ann);
    Type *elem = scalar_annotation(C, ann->a);
    if (!elem) {
      if (ann->a->kind == ND_SUBSCRIPT)
        err(C, ann->span, "array annotations take all dimensions in one subscript, e.g. f64[:, :]");
      else if (ann->a->kind == ND_NAME || ann->a->kind == ND_ATTR) {
        const char *fh = foreign_type_hint(ann->a->name);
        if (*fh)
          err(C, ann->a->span, "'%s[...]' is not a pyjitc type: %s", ann->a->name, fh);
        else
          err(C, ann->a->span, "'%s' is not an array element type; %s", ann->a->name, HINT);
      } else
        err(C, ann->a->span, "this is not an array element type; %s", HINT);
      return NULL;
    }
    return array_annotation(C, ann, elem);
  }
  default:
    break;
  }
  err(C, ann->span, "this is not a type annotation; %s", HINT);
  return NULL;
}

bool is_exception_name(const char *name) {
  static const char *const names[] = {
      "ValueError", "TypeError", "ZeroDivisionError", "IndexError", "OverflowError",
      "RuntimeError", "AssertionError", "ArithmeticError", "KeyError", "NotImplementedError",
      "Exception",
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(names[i], name))
      return true;
  return false;
}

/* ---- constant folding (Python semantics on int64 / double; NULL when the
 * value is not a constant, would overflow int64, or would raise). */

static Node *mk_int(Check *C, Span sp, int64_t v) {
  Node *n = node_new(C->a, ND_INT, sp);
  n->ival = v;
  n->ty = C->t_int;
  return n;
}

static Node *mk_float(Check *C, Span sp, double v) {
  Node *n = node_new(C->a, ND_FLOAT, sp);
  n->fval = v;
  n->ty = C->t_float;
  return n;
}

static Node *mk_bool(Check *C, Span sp, bool v) {
  Node *n = node_new(C->a, ND_BOOL, sp);
  n->ival = v;
  n->ty = C->t_bool;
  return n;
}

/* Integer literal text (decimal, 0x, 0o, 0b, underscores) -> uint64; false on overflow. */
static bool parse_u64_literal(const char *s, uint64_t *out) {
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    base = 16, s += 2;
  else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
    base = 8, s += 2;
  else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
    base = 2, s += 2;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s == '_')
      continue;
    int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
          : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
    if (d < 0 || d >= base)
      break;
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
      return false;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  *out = v;
  return true;
}

/* Integer literal text -> int64; false when it does not fit. */
static bool parse_int_literal(const char *s, int64_t *out) {
  uint64_t v;
  if (!parse_u64_literal(s, &v) || v > (uint64_t)INT64_MAX)
    return false;
  *out = (int64_t)v;
  return true;
}

static bool is_literal_2_63(const Node *n) {
  uint64_t v;
  return n && n->kind == ND_INT && n->sval && parse_u64_literal(n->sval, &v) &&
         v == (UINT64_C(1) << 63);
}

/* True for an expression of literals whose value is exactly 2**63
 * (`9223372036854775808`, `2**63`, `1 << 63`): negated, it is INT64_MIN,
 * which Python users spell `-2**63`; only the magnitude is out of range. */
bool is_int_2_63(const Node *n) {
  if (is_literal_2_63(n))
    return true;
  if (!n || n->kind != ND_BINOP || (n->op != OP_POW && n->op != OP_LSHIFT))
    return false;
  const Node *x = n->a, *y = n->b;
  return x && y && x->kind == ND_INT && y->kind == ND_INT && int_literal_fits(x) &&
         int_literal_fits(y) && y->ival == 63 && x->ival == (n->op == OP_POW ? 2 : 1);
}

bool int_literal_fits(const Node *n) {
  int64_t v;
  return !n->sval || parse_int_literal(n->sval, &v);
}

static double fmod_py(double a, double b) {
  double m = fmod(a, b);
  if (m != 0 && ((b < 0) != (m < 0)))
    m += b;
  else if (m == 0)
    m = copysign(0.0, b);
  return m;
}

/* float // float as CPython computes it (floatobject.c _float_div_mod, as
 * pjm_floordiv_f64, which the compiler does not link): not floor(a / b),
 * which rounds first (1.0 // 0.1 is 9.0, inf // 3.0 is nan). */
static double floordiv_py(double a, double b) {
  double m = fmod(a, b);
  double div = (a - m) / b;
  if (m != 0 && (b < 0) != (m < 0))
    div -= 1.0;
  if (div == 0)
    return copysign(0.0, a / b);
  double fl = floor(div);
  return div - fl > 0.5 ? fl + 1.0 : fl;
}

static int bit_length(uint64_t v) { return v ? 64 - __builtin_clzll(v) : 0; }

/* int / int correctly rounded, as CPython's long_true_divide (and
 * pjm_truediv_i64): past 2**53 the operands are not exact doubles, so the
 * quotient is formed with 55-56 significant bits plus a sticky bit and
 * rounded once by the conversion. */
static double truediv_int(int64_t a, int64_t b) {
  uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
  uint64_t ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
  if (ua <= (UINT64_C(1) << 53) && ub <= (UINT64_C(1) << 53))
    return (double)a / (double)b;
  int shift = 55 + bit_length(ub) - bit_length(ua);
  unsigned __int128 num = ua, den = ub;
  if (shift >= 0)
    num <<= shift;
  else
    den <<= -shift;
  unsigned __int128 q = num / den;
  if (num % den)
    q |= 1;
  double mag = ldexp((double)(uint64_t)q, -shift);
  return (a < 0) != (b < 0) ? -mag : mag;
}

static Node *fold_binop(Check *C, Span sp, Op op, Node *x, Node *y) {
  bool fl = x->kind == ND_FLOAT || y->kind == ND_FLOAT;
  if (fl) {
    double a = x->kind == ND_FLOAT ? x->fval : (double)x->ival;
    double b = y->kind == ND_FLOAT ? y->fval : (double)y->ival;
    switch (op) {
    case OP_ADD: return mk_float(C, sp, a + b);
    case OP_SUB: return mk_float(C, sp, a - b);
    case OP_MUL: return mk_float(C, sp, a * b);
    case OP_DIV: return b == 0 ? NULL : mk_float(C, sp, a / b);
    case OP_FLOORDIV: return b == 0 ? NULL : mk_float(C, sp, floordiv_py(a, b));
    case OP_MOD: return b == 0 ? NULL : mk_float(C, sp, fmod_py(a, b));
    case OP_POW: return (a == 0 && b < 0) || (a < 0 && b != floor(b)) ? NULL : mk_float(C, sp, pow(a, b));
    default: return NULL;
    }
  }
  int64_t a = x->ival, b = y->ival, r;
  bool bothbool = x->kind == ND_BOOL && y->kind == ND_BOOL;
  switch (op) {
  case OP_ADD: return __builtin_add_overflow(a, b, &r) ? NULL : mk_int(C, sp, r);
  case OP_SUB: return __builtin_sub_overflow(a, b, &r) ? NULL : mk_int(C, sp, r);
  case OP_MUL: return __builtin_mul_overflow(a, b, &r) ? NULL : mk_int(C, sp, r);
  case OP_DIV: return b == 0 ? NULL : mk_float(C, sp, truediv_int(a, b));
  case OP_FLOORDIV:
  case OP_MOD: {
    if (b == 0 || (a == INT64_MIN && b == -1))
      return NULL;
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0)))
      q -= 1, m += b;
    return mk_int(C, sp, op == OP_MOD ? m : q);
  }
  case OP_POW: {
    if (b < 0)
      return a == 0 ? NULL : mk_float(C, sp, pow((double)a, (double)b));
    r = 1;
    for (int64_t i = 0; i < b; i++)
      if (__builtin_mul_overflow(r, a, &r))
        return NULL;
      else if (r == 0 || r == 1)
        break;
    if (r == 1 && a == -1 && (b & 1))
      r = -1;
    return mk_int(C, sp, r);
  }
  case OP_LSHIFT:
    if (b < 0 || b > 63 || (a != 0 && (a > (INT64_MAX >> b) || a < (INT64_MIN >> b))))
      return a == 0 && b >= 0 ? mk_int(C, sp, 0) : NULL;
    return mk_int(C, sp, (int64_t)((uint64_t)a << b));
  case OP_RSHIFT: return b < 0 ? NULL : mk_int(C, sp, b > 63 ? (a < 0 ? -1 : 0) : a >> b);
  case OP_BITAND: return bothbool ? mk_bool(C, sp, a & b) : mk_int(C, sp, a & b);
  case OP_BITOR: return bothbool ? mk_bool(C, sp, a | b) : mk_int(C, sp, a | b);
  case OP_BITXOR: return bothbool ? mk_bool(C, sp, a ^ b) : mk_int(C, sp, a ^ b);
  default: return NULL;
  }
}

static Node *fold_builtin_const(Check *C, Span sp, char module, const char *name) {
  if (module != 'M' && module != 'N')
    return NULL;
  if (!strcmp(name, "pi")) return mk_float(C, sp, 3.141592653589793);
  if (!strcmp(name, "e")) return mk_float(C, sp, 2.718281828459045);
  if (!strcmp(name, "tau") && module == 'M') return mk_float(C, sp, 6.283185307179586);
  if (!strcmp(name, "inf")) return mk_float(C, sp, INFINITY);
  if (!strcmp(name, "nan")) return mk_float(C, sp, NAN);
  return NULL;
}

/* One comparison of folded constants as CPython decides it: 1 true, 0 false,
 * -1 not folded (is/in, or an int too large to compare exactly as a float). */
static int fold_compare1(Op op, const Node *x, const Node *y) {
  bool fl = x->kind == ND_FLOAT || y->kind == ND_FLOAT;
  double a = 0, b = 0;
  int64_t i = x->ival, j = y->ival;
  if (fl) {
    const int64_t exact = INT64_C(1) << 53;
    if ((x->kind != ND_FLOAT && (i > exact || i < -exact)) ||
        (y->kind != ND_FLOAT && (j > exact || j < -exact)))
      return -1;
    a = x->kind == ND_FLOAT ? x->fval : (double)i;
    b = y->kind == ND_FLOAT ? y->fval : (double)j;
  }
  switch (op) {
  case OP_EQ: return fl ? a == b : i == j;
  case OP_NE: return fl ? a != b : i != j;
  case OP_LT: return fl ? a < b : i < j;
  case OP_LE: return fl ? a <= b : i <= j;
  case OP_GT: return fl ? a > b : i > j;
  case OP_GE: return fl ? a >= b : i >= j;
  default: return -1;
  }
}

/* `FLAG = N > 10`, `OK = 0 <= K < N`: a chain is true when every link is. */
static Node *fold_compare(Check *C, Node *e) {
  Node *x = fold_const(C, e->a);
  if (!x || e->ops.len != e->list.len)
    return NULL;
  bool all = true;
  for (int k = 0; k < e->list.len; k++) {
    Node *y = fold_const(C, e->list.data[k]);
    int r = y ? fold_compare1(e->ops.data[k], x, y) : -1;
    if (r < 0)
      return NULL;
    all = all && r;
    x = y;
  }
  return mk_bool(C, e->span, all);
}

Node *fold_const(Check *C, Node *e) {
  if (!e)
    return NULL;
  switch (e->kind) {
  case ND_INT: {
    int64_t v = e->ival;
    if (e->sval && !parse_int_literal(e->sval, &v))
      return NULL;
    return mk_int(C, e->span, v);
  }
  case ND_FLOAT: return mk_float(C, e->span, e->fval);
  case ND_BOOL: return mk_bool(C, e->span, e->ival != 0);
  case ND_NAME: {
    Global *g = find_global(C, e->name);
    if (g && g->kind == GL_CONST) {
      Symbol *s = global_const(C, g, e->span);
      return s ? fold_const(C, s->value) : NULL;
    }
    if (g && g->kind == GL_MEMBER)
      return fold_builtin_const(C, e->span, g->module, g->member);
    return NULL;
  }
  case ND_ATTR: {
    Global *g = e->a && e->a->kind == ND_NAME ? find_global(C, e->a->name) : NULL;
    return g && g->kind == GL_MODULE ? fold_builtin_const(C, e->span, g->module, e->name) : NULL;
  }
  case ND_UNARYOP: {
    if (e->op == OP_NEG && is_int_2_63(e->a))
      return mk_int(C, e->span, INT64_MIN);
    Node *x = fold_const(C, e->a);
    if (!x)
      return NULL;
    switch (e->op) {
    case OP_NEG:
      if (x->kind == ND_FLOAT)
        return mk_float(C, e->span, -x->fval);
      return x->ival == INT64_MIN ? NULL : mk_int(C, e->span, -x->ival);
    case OP_POS: return x->kind == ND_BOOL ? mk_int(C, e->span, x->ival) : x;
    case OP_NOT:
      return mk_bool(C, e->span, x->kind == ND_FLOAT ? x->fval == 0 : x->ival == 0);
    case OP_INVERT: return x->kind == ND_FLOAT ? NULL : mk_int(C, e->span, ~x->ival);
    default: return NULL;
    }
  }
  case ND_COMPARE: return fold_compare(C, e);
  case ND_BINOP: {
    if (e->op == OP_SUB && is_int_2_63(e->a)) {   /* 2**63 - 1: INT64_MAX */
      Node *k = fold_const(C, e->b);
      return k && k->kind == ND_INT && k->ival >= 1 ? mk_int(C, e->span, INT64_MAX - (k->ival - 1))
                                                     : NULL;
    }
    Node *x = fold_const(C, e->a), *y = fold_const(C, e->b);
    return x && y ? fold_binop(C, e->span, e->op, x, y) : NULL;
  }
  default:
    return NULL;
  }
}

/* The folded Symbol of a module constant, or NULL if it is not a constant. */
Symbol *global_const(Check *C, Global *g, Span use) {
  if (g->state == 0) {
    g->state = 1;
    Node *v = g->ndefs == 1 ? fold_const(C, g->node->a) : NULL;
    if (v) {
      Symbol *s = ARENA_NEW(C->a, Symbol);
      s->kind = SYM_CONST;
      s->name = g->name;
      s->ty = v->ty;
      s->decl = g->node->span;
      s->value = v;
      g->sym = s;
      g->state = 2;
    } else {
      g->state = 3;
    }
  }
  if (g->state == 1)   /* X = X + 1 at module level: refers to itself */
    return NULL;
  if (g->state == 2 && !C->quiet && !g->used) {
    g->used = true;
    vec_push(C->a, &C->prog->consts, g->sym);
  }
  return g->state == 2 ? g->sym : NULL;
}
