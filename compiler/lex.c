/* lex.c: STAGE 1 (placeholder until the tokenizer lands). */
#include "lex.h"

const char *token_kind_name(TokenKind k) {
  static const char *const names[] = {
#define TOK(kind, spelling) #kind,
#include "tokens.def"
#undef TOK
  };
  return (unsigned)k < TK_COUNT_ ? names[k] : "?";
}

TokenList lex_source(Arena *a, Diags *d, const Source *src) {
  (void)a; (void)src;
  die(d->bail, "tokenizer not implemented yet");
}
