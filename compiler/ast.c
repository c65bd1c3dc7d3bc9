/* ast.c: node constructor, kind/operator names, and the AST dumper behind
 * `pyjitc dump --ast` (one node per line, children indented, each with its
 * span as line:col-end_line:end_col, columns 0-based as in Span).  The golden
 * tests diff this output, so it must stay deterministic. */
#include "ast.h"

Node *node_new(Arena *a, NodeKind kind, Span sp) {
  Node *n = ARENA_NEW(a, Node);
  n->kind = kind;
  n->span = sp;
  return n;
}

const Node *node_uncast(const Node *n) {
  while (n && n->kind == ND_CAST)
    n = n->a;
  return n;
}

bool node_any(const Node *n, bool (*pred)(const Node *n, const void *ctx), const void *ctx) {
  if (!n)
    return false;
  if (pred(n, ctx) || node_any(n->a, pred, ctx) || node_any(n->b, pred, ctx) ||
      node_any(n->c, pred, ctx))
    return true;
  for (int i = 0; i < n->list.len; i++)
    if (node_any(n->list.data[i], pred, ctx))
      return true;
  for (int i = 0; i < n->list2.len; i++)
    if (node_any(n->list2.data[i], pred, ctx))
      return true;
  return false;
}

const char *node_kind_name(NodeKind k) {
  static const char *const names[] = {
#define NODE(kind, name, roles) name,
#include "ast.def"
#undef NODE
  };
  return (unsigned)k < ND_COUNT_ ? names[k] : "?";
}

const char *op_spelling(Op op) {
  switch (op) {
  case OP_NONE: return "";
  case OP_ADD: return "+";
  case OP_SUB: return "-";
  case OP_MUL: return "*";
  case OP_DIV: return "/";
  case OP_FLOORDIV: return "//";
  case OP_MOD: return "%";
  case OP_POW: return "**";
  case OP_MATMUL: return "@";
  case OP_LSHIFT: return "<<";
  case OP_RSHIFT: return ">>";
  case OP_BITAND: return "&";
  case OP_BITOR: return "|";
  case OP_BITXOR: return "^";
  case OP_NEG: return "-";
  case OP_POS: return "+";
  case OP_NOT: return "not";
  case OP_INVERT: return "~";
  case OP_EQ: return "==";
  case OP_NE: return "!=";
  case OP_LT: return "<";
  case OP_LE: return "<=";
  case OP_GT: return ">";
  case OP_GE: return ">=";
  case OP_IS: return "is";
  case OP_ISNOT: return "is not";
  case OP_IN: return "in";
  case OP_NOTIN: return "not in";
  case OP_AND: return "and";
  case OP_OR: return "or";
  }
  return "?";
}

typedef struct Dumper {
  Str *out;
  Arena scratch; /* for the literal-text comparison of ND_INT */
} Dumper;

/* A string as a double-quoted literal with C-style escapes. */
static void put_quoted(Str *o, const char *s, size_t n) {
  str_putc(o, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      str_printf(o, "\\%c", c);
    else if (c == '\n')
      str_puts(o, "\\n");
    else if (c == '\t')
      str_puts(o, "\\t");
    else if (c < 0x20 || c == 0x7f)
      str_printf(o, "\\x%02x", c);
    else
      str_putc(o, (char)c);
  }
  str_putc(o, '"');
}

/* A double as Python's repr() prints it: the shortest digits that read back
 * the same, fixed notation for exponents -4..15, else d.ddde+XX. */
static void put_double(Str *o, double v) {
  if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0) {
    str_puts(o, v != v ? "nan" : v > 0 ? "inf" : "-inf");
    return;
  }
  char buf[64];
  int prec = 1;
  for (; prec < 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
  int exp = atoi(strchr(buf, 'e') + 1);
  if (exp < -4 || exp >= 16) {
    str_puts(o, buf);
    return;
  }
  int decimals = prec - 1 - exp;
  snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? decimals : 0, v);
  str_puts(o, buf);
  if (decimals <= 0)
    str_puts(o, ".0");
}

static void put_flags(Str *o, int f) {
  static const struct { int bit; const char *name; } names[] = {
      {FN_NATIVE, "native"}, {FN_ONLY, "only"}, {FN_BOUNDSCHECK_OFF, "boundscheck=off"},
      {FN_OVERFLOWCHECK_OFF, "overflowcheck=off"}, {FN_FASTMATH, "fastmath"},
      {FN_UNSUPPORTED, "unsupported"}};
  const char *sep = " [";
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (f & names[i].bit) {
      str_printf(o, "%s%s", sep, names[i].name);
      sep = ", ";
    }
  if (strcmp(sep, " [") != 0)
    str_putc(o, ']');
}

static void put_span(Str *o, Span s) {
  str_printf(o, " @%d:%d-%d:%d", s.line, s.col, s.end_line, s.end_col);
}

static void indent(Str *o, int depth) {
  for (int i = 0; i < depth; i++)
    str_puts(o, "  ");
}

/* What follows the kind on a node's line: name, operator or value. */
static void put_details(Dumper *D, const Node *n) {
  Str *o = D->out;
  switch (n->kind) {
  case ND_MODULE: case ND_PARAM: case ND_CONST: case ND_NAME: case ND_KEYWORD:
    if (n->name)
      str_printf(o, " %s", n->name);
    break;
  case ND_FUNC:
    str_printf(o, " %s", n->name);
    put_flags(o, n->flags);
    break;
  case ND_IMPORT:
    if (n->str2)
      str_printf(o, " from %s import %s as %s", n->name, n->str2, n->sval);
    else
      str_printf(o, " %s as %s", n->name, n->sval);
    break;
  case ND_AUGASSIGN:
    str_printf(o, " %s=", op_spelling(n->op));
    break;
  case ND_BINOP: case ND_UNARYOP: case ND_BOOLOP:
    str_printf(o, " %s", op_spelling(n->op));
    break;
  case ND_COMPARE:
    for (int i = 0; i < n->ops.len; i++)
      str_printf(o, " %s", op_spelling(n->ops.data[i]));
    break;
  case ND_INT:
    if (n->flags)
      str_printf(o, " %s (beyond int64)", n->sval);
    else if (n->sval && strcmp(n->sval, arena_printf(&D->scratch, "%lld", (long long)n->ival)))
      str_printf(o, " %s = %lld", n->sval, (long long)n->ival);
    else
      str_printf(o, " %lld", (long long)n->ival);
    break;
  case ND_FLOAT:
    str_putc(o, ' ');
    put_double(o, n->fval);
    break;
  case ND_BOOL:
    str_puts(o, n->ival ? " True" : " False");
    break;
  case ND_NONE:
    if (n->flags == -1)
      str_puts(o, " <error>");
    break;
  case ND_STR:
    str_putc(o, ' ');
    put_quoted(o, n->sval ? n->sval : "", (size_t)n->ival);
    break;
  case ND_ATTR:
    str_printf(o, " .%s", n->name);
    break;
  case ND_EXPR_STMT: case ND_ASSIGN: case ND_ANNASSIGN: case ND_IF: case ND_WHILE:
  case ND_FOR: case ND_BREAK: case ND_CONTINUE: case ND_RETURN: case ND_PASS: case ND_ASSERT:
  case ND_RAISE: case ND_SUBSCRIPT: case ND_SLICE: case ND_TUPLE: case ND_IFEXP: case ND_CALL:
  case ND_CAST: case ND_COUNT_:
    break;
  }
}

static void dump_node(Dumper *D, const Node *n, int depth, const char *label);

static void dump_list(Dumper *D, const NodeList *l, int depth, const char *label) {
  if (label) {
    if (l->len == 0)
      return;
    indent(D->out, depth);
    str_printf(D->out, "%s:\n", label);
    depth++;
  }
  for (int i = 0; i < l->len; i++)
    dump_node(D, l->data[i], depth, NULL);
}

/* Each kind's children, labelled where their role is not obvious from order. */
static void dump_children(Dumper *D, const Node *n, int d) {
  switch (n->kind) {
  case ND_MODULE:
    dump_list(D, &n->list2, d, NULL);
    dump_list(D, &n->list, d, NULL);
    break;
  case ND_FUNC:
    if (n->doc) {
      indent(D->out, d);
      str_puts(D->out, "doc: ");
      put_quoted(D->out, n->doc, strlen(n->doc));
      str_putc(D->out, '\n');
    }
    if (n->flags & FN_UNSUPPORTED) {
      indent(D->out, d);
      str_puts(D->out, "reason: ");
      put_quoted(D->out, n->sval, strlen(n->sval));
      put_span(D->out, n->reason_span);
      str_putc(D->out, '\n');
    }
    dump_list(D, &n->list, d, NULL);
    dump_node(D, n->a, d, "returns");
    dump_list(D, &n->list2, d, "body");
    break;
  case ND_PARAM:
    dump_node(D, n->a, d, "annotation");
    dump_node(D, n->b, d, "default");
    break;
  case ND_CONST:
    dump_node(D, n->b, d, "annotation");
    dump_node(D, n->a, d, "value");
    break;
  case ND_ASSIGN:
    for (int i = 0; i < n->list.len; i++)
      dump_node(D, n->list.data[i], d, "target");
    dump_node(D, n->a, d, "value");
    break;
  case ND_ANNASSIGN:
    dump_node(D, n->a, d, "target");
    dump_node(D, n->b, d, "annotation");
    dump_node(D, n->c, d, "value");
    break;
  case ND_AUGASSIGN:
    dump_node(D, n->a, d, "target");
    dump_node(D, n->b, d, "value");
    break;
  case ND_IF: case ND_WHILE:
    dump_node(D, n->a, d, "test");
    dump_list(D, &n->list, d, "body");
    dump_list(D, &n->list2, d, "orelse");
    break;
  case ND_FOR:
    dump_node(D, n->a, d, "target");
    dump_node(D, n->b, d, "iter");
    dump_list(D, &n->list, d, "body");
    dump_list(D, &n->list2, d, "orelse");
    break;
  case ND_ASSERT:
    dump_node(D, n->a, d, "test");
    dump_node(D, n->b, d, "msg");
    break;
  case ND_SUBSCRIPT:
    dump_node(D, n->a, d, "value");
    for (int i = 0; i < n->list.len; i++)
      dump_node(D, n->list.data[i], d, "index");
    break;
  case ND_SLICE:
    dump_node(D, n->a, d, "lower");
    dump_node(D, n->b, d, "upper");
    dump_node(D, n->c, d, "step");
    break;
  case ND_IFEXP:
    dump_node(D, n->a, d, "test");
    dump_node(D, n->b, d, "body");
    dump_node(D, n->c, d, "orelse");
    break;
  case ND_CALL:
    dump_node(D, n->a, d, "func");
    dump_list(D, &n->list, d, NULL);
    dump_list(D, &n->list2, d, NULL);
    break;
  case ND_COMPARE:
    dump_node(D, n->a, d, NULL);
    dump_list(D, &n->list, d, NULL);
    break;
  case ND_BINOP:
    dump_node(D, n->a, d, NULL);
    dump_node(D, n->b, d, NULL);
    break;
  case ND_TUPLE: case ND_BOOLOP:
    dump_list(D, &n->list, d, NULL);
    break;
  case ND_EXPR_STMT: case ND_RETURN: case ND_RAISE: case ND_ATTR: case ND_UNARYOP:
  case ND_KEYWORD: case ND_CAST:
    dump_node(D, n->a, d, NULL);
    break;
  case ND_IMPORT: case ND_BREAK: case ND_CONTINUE: case ND_PASS: case ND_INT: case ND_FLOAT:
  case ND_BOOL: case ND_NONE: case ND_STR: case ND_NAME: case ND_COUNT_:
    break;
  }
}

static void dump_node(Dumper *D, const Node *n, int depth, const char *label) {
  if (!n)
    return;
  Str *o = D->out;
  indent(o, depth);
  if (label)
    str_printf(o, "%s: ", label);
  str_puts(o, node_kind_name(n->kind));
  put_details(D, n);
  put_span(o, n->span);
  str_putc(o, '\n');
  dump_children(D, n, depth + 1);
}

void ast_dump(Str *out, const Module *m) {
  if (!m || !m->node)
    return;
  Dumper D = {.out = out};
  arena_init(&D.scratch);
  dump_node(&D, m->node, 0, NULL);
  arena_free(&D.scratch);
}
