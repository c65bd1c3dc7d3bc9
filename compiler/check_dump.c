/* check_dump.c: `pyjitc dump --types`.  Per FuncInst: its signature, its
 * locals with their storage types, then the typed body, one node per line:
 *   KIND [details] : TYPE
 * Casts the checker inserted show as `Cast : TYPE` above their operand. */
#include "check_internal.h"

typedef struct Dump {
  Str *out;
  Arena a;
} Dump;

static const char *ty_str(Dump *D, const Type *t) { return t ? type_name(&D->a, t) : "?"; }

static void indent(Dump *D, int depth) {
  for (int i = 0; i < depth; i++)
    str_puts(D->out, "  ");
}

static void dump_node(Dump *D, const Node *n, int depth);

static void dump_list(Dump *D, const char *label, const NodeList *l, int depth) {
  if (!l->len)
    return;
  indent(D, depth);
  str_printf(D->out, "%s:\n", label);
  for (int i = 0; i < l->len; i++)
    dump_node(D, l->data[i], depth + 1);
}

static bool is_expr(NodeKind k) { return k >= ND_INT; }

static void dump_details(Dump *D, const Node *n) {
  Str *o = D->out;
  switch (n->kind) {
  case ND_INT: str_printf(o, " %lld", (long long)n->ival); break;
  case ND_FLOAT: str_printf(o, " %.17g", n->fval); break;
  case ND_BOOL: str_puts(o, n->ival ? " True" : " False"); break;
  case ND_STR: str_printf(o, " \"%s\"", n->sval ? n->sval : ""); break;
  case ND_NAME:
    str_printf(o, " %s", n->name);
    if (n->sym)
      str_puts(o, n->sym->kind == SYM_PARAM ? " (param)" : n->sym->kind == SYM_CONST ? " (const)"
                                                                                      : " (local)");
    break;
  case ND_ATTR: str_printf(o, " .%s", n->name); break;
  case ND_KEYWORD: str_printf(o, " %s=", n->name); break;
  case ND_BINOP: case ND_UNARYOP: case ND_BOOLOP: case ND_AUGASSIGN:
    str_printf(o, " %s", op_spelling(n->op));
    break;
  case ND_COMPARE:
    for (int i = 0; i < n->ops.len; i++)
      str_printf(o, " %s", op_spelling(n->ops.data[i]));
    break;
  default: break;
  }
  if (n->builtin) {
    const BuiltinInfo *b = &builtin_info[n->builtin];
    str_printf(o, " [%s%s]", b->module == 'M' ? "math." : b->module == 'N' ? "numpy."
                             : b->module == 'A' ? "array." : "", b->name);
  }
  if (n->callee)
    str_printf(o, " -> %s", n->callee->symbol);
}

static void dump_node(Dump *D, const Node *n, int depth) {
  if (!n)
    return;
  indent(D, depth);
  str_puts(D->out, node_kind_name(n->kind));
  dump_details(D, n);
  if (is_expr(n->kind) || n->ty)
    str_printf(D->out, " : %s", ty_str(D, n->ty));
  str_putc(D->out, '\n');
  dump_node(D, n->a, depth + 1);
  if (n->kind != ND_ANNASSIGN)   /* b is the annotation, not an expression */
    dump_node(D, n->b, depth + 1);
  dump_node(D, n->c, depth + 1);
  if (n->kind == ND_IF || n->kind == ND_WHILE || n->kind == ND_FOR) {
    dump_list(D, "body", &n->list, depth + 1);
    dump_list(D, "else", &n->list2, depth + 1);
  } else {
    for (int i = 0; i < n->list.len; i++)
      dump_node(D, n->list.data[i], depth + 1);
    for (int i = 0; i < n->list2.len; i++)
      dump_node(D, n->list2.data[i], depth + 1);
  }
}

static void dump_inst(Dump *D, const FuncInst *fi) {
  Str *o = D->out;
  str_printf(o, "func %s(", fi->symbol);
  for (int i = 0; i < fi->nparams; i++) {
    str_printf(o, "%s%s: %s", i ? ", " : "", fi->params[i]->name, ty_str(D, fi->params[i]->ty));
    if (fi->defaults[i])
      str_puts(o, " = <default>");
  }
  str_printf(o, ") -> %s%s%s\n", ty_str(D, fi->ret), fi->exported ? " exported" : "",
             fi->has_loops ? " has_loops" : "");
  for (int i = 0; i < fi->locals.len; i++)
    str_printf(o, "  local %s: %s\n", fi->locals.data[i]->name, ty_str(D, fi->locals.data[i]->ty));
  for (int i = 0; i < fi->func->list2.len; i++)
    dump_node(D, fi->func->list2.data[i], 1);
}

void check_dump(Str *out, const Program *p) {
  Dump D = {.out = out};
  arena_init(&D.a);
  for (int i = 0; i < p->consts.len; i++) {
    const Symbol *s = p->consts.data[i];
    str_printf(out, "const %s: %s = ", s->name, ty_str(&D, s->ty));
    if (s->value->kind == ND_FLOAT)
      str_printf(out, "%.17g\n", s->value->fval);
    else if (s->value->kind == ND_BOOL)
      str_puts(out, s->value->ival ? "True\n" : "False\n");
    else
      str_printf(out, "%lld\n", (long long)s->value->ival);
  }
  for (int i = 0; i < p->funcs.len; i++) {
    if (i || p->consts.len)
      str_putc(out, '\n');
    dump_inst(&D, p->funcs.data[i]);
  }
  arena_free(&D.a);
}
