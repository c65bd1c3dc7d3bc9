/* lex.h: STAGE 1 interface.  Source text -> the whole token stream.
 *
 * The stream is exactly what CPython 3.11's Lib/tokenize.py yields (types,
 * positions, columns in characters), including COMMENT, NL, ENCODING and
 * ERRORTOKEN; `pyjitc tokenize` prints it and a test compares it with
 * `python3 -m tokenize -e` over the standard library.  The parser skips
 * COMMENT/NL/ENCODING itself. */
#ifndef PJ_LEX_H
#define PJ_LEX_H

#include "base.h"
#include "diag.h"
#include "source.h"

typedef enum {
#define TOK(kind, spelling) TK_##kind,
#include "tokens.def"
#undef TOK
  TK_COUNT_
} TokenKind;

typedef struct Token {
  TokenKind kind;
  Span span;
  const char *text; /* points into Source.text (not NUL-terminated); for INDENT the
                       indentation, for DEDENT/ENDMARKER an empty string */
  int len;          /* in bytes */
} Token;

typedef struct TokenList {
  Token *tok;       /* arena array, ends with TK_ENDMARKER (if lexing got there) */
  int len;
  bool ok;          /* false: a tokenize error (reported to diags) stopped lexing;
                       the list then ends where Python's tokenize raised */
} TokenList;

/* Tokenizes the whole source.  Errors Python's tokenize raises (unterminated
 * triple-quoted string, EOF in multi-line statement, inconsistent dedent,
 * undecodable bytes) are reported through `d` with a span; lexing stops there. */
TokenList lex_source(Arena *a, Diags *d, const Source *src);

const char *token_kind_name(TokenKind k); /* "NAME", "LPAR", ... */

#endif
