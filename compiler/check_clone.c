/* check_clone.c: deep copy of an AST subtree.  The checker writes into the
 * nodes it checks (ty, sym, inserted casts), so each inference pass and each
 * call-site specialization works on its own copy of a function body. */
#include "check_internal.h"

static void clone_list(Arena *a, NodeList *dst, const NodeList *src) {
  NodeList out = {0};
  for (int i = 0; i < src->len; i++)
    vec_push(a, &out, clone_node(a, src->data[i]));
  *dst = out;
}

Node *clone_node(Arena *a, const Node *n) {
  if (!n)
    return NULL;
  Node *c = ARENA_NEW(a, Node);
  *c = *n;
  c->a = clone_node(a, n->a);
  c->b = clone_node(a, n->b);
  c->c = clone_node(a, n->c);
  clone_list(a, &c->list, &n->list);
  clone_list(a, &c->list2, &n->list2);
  c->ops.data = NULL;
  c->ops.len = c->ops.cap = 0;
  for (int i = 0; i < n->ops.len; i++)
    vec_push(a, &c->ops, n->ops.data[i]);
  /* what the checker fills is recomputed on the copy */
  c->ty = NULL;
  c->sym = NULL;
  c->callee = NULL;
  c->builtin = 0;
  return c;
}
