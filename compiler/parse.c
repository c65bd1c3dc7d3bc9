/* parse.c: STAGE 2 (placeholder). */
#include "ast.h"

Module *parse_module(Arena *a, Interner *in, Diags *d, const Source *src, const TokenList *toks,
                     const ParseOptions *opt) {
  (void)a; (void)in; (void)src; (void)toks; (void)opt;
  die(d->bail, "parser not implemented yet");
}
