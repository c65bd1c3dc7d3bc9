/* ast.c: node constructors and the AST dumper (placeholder). */
#include "ast.h"

Node *node_new(Arena *a, NodeKind kind, Span sp) {
  Node *n = ARENA_NEW(a, Node);
  n->kind = kind;
  n->span = sp;
  return n;
}

void ast_dump(Str *out, const Module *m, bool with_types) {
  (void)m; (void)with_types;
  str_puts(out, "");
}
