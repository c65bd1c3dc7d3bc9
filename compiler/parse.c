/* parse.c: STAGE 2.  The token stream of a whole file -> a Module AST.
 *
 * A recursive-descent parser over the significant tokens (COMMENT, NL and
 * ENCODING are filtered out first), one function per grammar rule, each with
 * its rule on top.
 *
 * At top level only three things matter to the compiler: imports, `NAME =
 * expr` constants and `def`s.  Everything else (classes, `if __name__`
 * blocks, arbitrary statements) runs as Python and is skipped a logical line
 * (plus its indented block) at a time, without diagnostics.
 *
 * Every top-level def is parsed.  A selected one (@native or --only) reports
 * every construct outside the subset by name and keeps going; an unselected
 * one is parsed silently: the first problem becomes its FN_UNSUPPORTED reason
 * and its body is dropped.  Both modes share one error path (`fail`/`soft`).
 *
 * Errors come in two strengths.  A "soft" error names an unsupported
 * construct that was consumed whole, so parsing stays in step.  A "hard"
 * error (malformed Python) sets `panic`: later errors are muted until the
 * statement loop resynchronizes at the next logical line.  Every loop either
 * consumes a token or stops, and the statement loops force progress, so no
 * input can make the parser hang. */
#include "ast.h"

/* Keywords and other names the parser compares by interned pointer. */
#define PARSER_WORDS(X)                                                                        \
  X(False) X(None) X(True) X(and) X(as) X(assert) X(async) X(await) X(break) X(class)          \
  X(continue) X(def) X(del) X(elif) X(else) X(except) X(finally) X(for) X(from) X(global)     \
  X(if) X(import) X(in) X(is) X(lambda) X(nonlocal) X(not) X(or) X(pass) X(raise) X(return)   \
  X(try) X(while) X(with) X(yield)
#define SOFT_WORDS(X)                                                                          \
  X(match) X(case) X(native) X(pyjitc) X(boundscheck) X(overflowcheck) X(fastmath) X(cache)

typedef struct Words {
#define W(name) const char *k_##name;
  PARSER_WORDS(W) SOFT_WORDS(W)
#undef W
} Words;

typedef VEC(const char *) NameList;

typedef struct Parser {
  Arena *arena;
  Interner *in;
  Diags *d;
  const ParseOptions *opt;
  Words w;

  const Token *toks; /* significant tokens only; ends with ENDMARKER */
  const char **ids;  /* interned text of NAME tokens, NULL for others */
  int ntoks, pos;
  Span last;         /* span of the last consumed token (layout tokens excluded) */

  bool report;       /* diagnostics on: inside a selected function */
  bool panic;        /* a hard error was seen; mute until the next statement */
  const char *reason; /* silent mode: the first problem, and where */
  Span reason_span;
  int loop_depth;    /* for 'break'/'continue' outside loop */
  bool annot;        /* parsing an annotation: slices allowed */
  int depth;         /* recursion depth (see enter) */

  bool *in_def;          /* per token: inside a parsed top-level def */
  bool *in_selected;     /* per token: inside a compiled (selected) top-level def */
  NameList native_names; /* local names bound to pyjitc.native */
  NameList pyjitc_names; /* local names bound to the pyjitc module */
  const char **only;     /* interned --only names, NULL-terminated */
  bool *only_seen;
  Node *module;
} Parser;

/* ------------------------------------------------------------------ errors */

static void report_v(Parser *P, bool hard, Span sp, const char *fmt, va_list ap) {
  if (P->panic)
    return;
  if (hard)
    P->panic = true;
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  if (P->report)
    diag_error(P->d, sp, "%s", buf);
  else if (!P->reason) {
    P->reason = arena_strdup(P->arena, buf);
    P->reason_span = sp;
  }
}

/* Malformed Python: report and mute until the statement resyncs. */
__attribute__((format(printf, 3, 4))) static void fail(Parser *P, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report_v(P, true, sp, fmt, ap);
  va_end(ap);
}

/* An unsupported construct that was consumed whole: report and go on. */
__attribute__((format(printf, 3, 4))) static void soft(Parser *P, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report_v(P, false, sp, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------------ tokens */

static const Token *cur(Parser *P) { return &P->toks[P->pos]; }
static TokenKind kind_at(Parser *P, int i) {
  return i < P->ntoks ? P->toks[i].kind : TK_ENDMARKER;
}
static bool at(Parser *P, TokenKind k) { return P->toks[P->pos].kind == k; }
static bool at_kw(Parser *P, const char *kw) { return P->ids[P->pos] == kw; }
static bool kw_at(Parser *P, int i, const char *kw) { return i < P->ntoks && P->ids[i] == kw; }

static bool is_layout(TokenKind k) {
  return k == TK_NEWLINE || k == TK_INDENT || k == TK_DEDENT || k == TK_ENDMARKER;
}

static void advance(Parser *P) {
  const Token *t = cur(P);
  if (t->kind == TK_ENDMARKER)
    return;
  if (!is_layout(t->kind))
    P->last = t->span;
  P->pos++;
}

static bool accept(Parser *P, TokenKind k) {
  if (!at(P, k))
    return false;
  advance(P);
  return true;
}

static bool accept_kw(Parser *P, const char *kw) {
  if (!at_kw(P, kw))
    return false;
  advance(P);
  return true;
}

/* Jumps just past token `idx` (which must not be a layout token). */
static void skip_to_after(Parser *P, int idx) {
  P->pos = idx + 1;
  P->last = P->toks[idx].span;
}

static bool is_keyword(Parser *P, const char *id) {
#define W(name) if (id == P->w.k_##name) return true;
  PARSER_WORDS(W)
#undef W
  return false;
}

/* How a token is named in "expected X" messages. */
static const char *tok_desc(Parser *P, const Token *t) {
  switch (t->kind) {
  case TK_NEWLINE: return "end of line";
  case TK_ENDMARKER: return "end of file";
  case TK_INDENT: return "indent";
  case TK_DEDENT: return "dedent";
  default: break;
  }
  unsigned char c0 = t->len > 0 ? (unsigned char)t->text[0] : 0;
  if (t->len > 0 && (c0 < 0x20 || c0 == 0x7F))   /* invisible: name it by code point */
    return arena_printf(P->arena, "U+%04X%s", c0,
                        c0 == 0 ? " (a NUL byte; Python source cannot contain NUL bytes)" : "");
  int n = t->len > 40 ? 40 : t->len;
  return arena_printf(P->arena, "'%.*s'", n, t->text);
}

static bool expect(Parser *P, TokenKind k, const char *what) {
  if (accept(P, k))
    return true;
  fail(P, cur(P)->span, "invalid syntax: expected '%s', found %s", what, tok_desc(P, cur(P)));
  return false;
}

static void unexpected(Parser *P) {
  const Token *t = cur(P);
  /* tokenize emits the blank before a bad character as its own ERRORTOKEN */
  for (int j = P->pos; j < P->ntoks && P->toks[j].kind == TK_ERRORTOKEN; j++)
    if (P->toks[j].len > 0 && !strchr(" \t\f", P->toks[j].text[0])) {
      t = &P->toks[j];
      break;
    }
  if (t->kind == TK_ERRORTOKEN && t->len > 0 && (t->text[0] == '\'' || t->text[0] == '"'))
    fail(P, t->span, "unterminated string literal");
  else if (t->kind == TK_ERRORTOKEN && t->len > 0 && t->text[0] != ' ')
    fail(P, t->span, "invalid character %s", tok_desc(P, t));
  else
    fail(P, t->span, "invalid syntax: unexpected %s", tok_desc(P, t));
}

/* The index of the bracket closing the one at `open`, or -1 (never past a line). */
static int find_close(Parser *P, int open) {
  int depth = 0;
  for (int j = open; j < P->ntoks; j++) {
    TokenKind k = P->toks[j].kind;
    if (k == TK_LPAR || k == TK_LSQB || k == TK_LBRACE)
      depth++;
    else if (k == TK_RPAR || k == TK_RSQB || k == TK_RBRACE) {
      if (--depth == 0)
        return j;
    } else if (is_layout(k))
      return -1;
  }
  return -1;
}

/* Does the bracket pair hold a `for` directly inside (a comprehension)? */
static bool has_for(Parser *P, int open, int close) {
  int depth = 0;
  for (int j = open; j < close; j++) {
    TokenKind k = P->toks[j].kind;
    if (k == TK_LPAR || k == TK_LSQB || k == TK_LBRACE)
      depth++;
    else if (k == TK_RPAR || k == TK_RSQB || k == TK_RBRACE)
      depth--;
    else if (depth == 1 && P->ids[j] == P->w.k_for)
      return true;
  }
  return false;
}

/* The span of the logical line from token `start` to its last token. */
static Span line_span(Parser *P, int start) {
  int j = start;
  while (j + 1 < P->ntoks && !is_layout(P->toks[j + 1].kind))
    j++;
  return span_join(P->toks[start].span, P->toks[j].span);
}

/* Skips an indented block: INDENT ... matching DEDENT. */
static void skip_block(Parser *P) {
  int depth = 0;
  do {
    if (at(P, TK_INDENT))
      depth++;
    else if (at(P, TK_DEDENT))
      depth--;
    else if (at(P, TK_ENDMARKER))
      return;
    advance(P);
  } while (depth > 0);
}

/* Resynchronizes: skips the rest of the logical line and its indented block. */
static void skip_statement(Parser *P) {
  while (!is_layout(cur(P)->kind))
    advance(P);
  accept(P, TK_NEWLINE);
  if (at(P, TK_INDENT))
    skip_block(P);
}

/* Skips to the end of one simple statement (before ';' or the newline). */
static void skip_simple(Parser *P) {
  while (!is_layout(cur(P)->kind) && !at(P, TK_SEMI))
    advance(P);
}

/* ------------------------------------------------------------------ nodes */

static Node *mk(Parser *P, NodeKind k, Span sp) { return node_new(P->arena, k, sp); }

/* The node an erroneous expression leaves behind (never reaches the checker:
 * a selected function with errors stops the pipeline, an unselected one
 * drops its body). */
static Node *dummy(Parser *P, Span sp) {
  Node *n = mk(P, ND_NONE, sp);
  n->flags = -1; /* marks an error node (a real None has flags 0) */
  return n;
}
static bool is_dummy(const Node *n) { return n->kind == ND_NONE && n->flags == -1; }

/* Depth guard: no input may overflow the C stack, here or in the later
 * stages that walk the tree recursively.  Brackets, unary operators, blocks
 * and each operator of a left-associative chain (a + b + c ...) count. */
enum { MAX_DEPTH = 1000 };
static bool enter(Parser *P) {
  if (P->depth >= MAX_DEPTH) {
    fail(P, cur(P)->span, "expression or block nested too deeply (more than %d levels of "
                          "brackets, operators or blocks); split it up", MAX_DEPTH);
    return false;
  }
  P->depth++;
  return true;
}
static void leave(Parser *P) { P->depth--; }

/* From `start` to the end of the last consumed token. */
static Span from(Parser *P, Span start) { return span_join(start, P->last); }

static bool starts_expr(Parser *P) {
  const Token *t = cur(P);
  switch (t->kind) {
  case TK_NAME: {
    const char *id = P->ids[P->pos];
    return !is_keyword(P, id) || id == P->w.k_True || id == P->w.k_False ||
           id == P->w.k_None || id == P->w.k_not || id == P->w.k_lambda ||
           id == P->w.k_await || id == P->w.k_yield;
  }
  case TK_NUMBER: case TK_STRING: case TK_LPAR: case TK_LSQB: case TK_LBRACE:
  case TK_MINUS: case TK_PLUS: case TK_TILDE: case TK_STAR: case TK_ELLIPSIS:
    return true;
  default:
    return false;
  }
}

/* ------------------------------------------------------------------ literals */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_utf8(Str *s, uint32_t cp) {
  if (cp < 0x80) {
    str_putc(s, (char)cp);
  } else if (cp < 0x800) {
    str_putc(s, (char)(0xC0 | (cp >> 6)));
    str_putc(s, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    str_putc(s, (char)(0xE0 | (cp >> 12)));
    str_putc(s, (char)(0x80 | ((cp >> 6) & 0x3F)));
    str_putc(s, (char)(0x80 | (cp & 0x3F)));
  } else {
    str_putc(s, (char)(0xF0 | (cp >> 18)));
    str_putc(s, (char)(0x80 | ((cp >> 12) & 0x3F)));
    str_putc(s, (char)(0x80 | ((cp >> 6) & 0x3F)));
    str_putc(s, (char)(0x80 | (cp & 0x3F)));
  }
}

/* Decodes `\x..`, `\u....`, `\U........` (n hex digits at p); -1 if malformed. */
static long hex_escape(const char *p, const char *end, int n) {
  long v = 0;
  for (int i = 0; i < n; i++) {
    if (p + i >= end || hexval(p[i]) < 0)
      return -1;
    v = v * 16 + hexval(p[i]);
  }
  return v;
}

/* Appends the decoded body of one (non-raw) string literal; false on a bad
 * escape or a \N{name} (the parser has no Unicode name table). */
static bool decode_escapes(Str *s, const char *p, const char *end) {
  bool ok = true;
  while (p < end) {
    char c = *p++;
    if (c == '\r') { /* universal newlines, as Python reads source */
      if (p < end && *p == '\n')
        p++;
      str_putc(s, '\n');
      continue;
    }
    if (c != '\\' || p >= end) {
      str_putc(s, c);
      continue;
    }
    char e = *p++;
    switch (e) {
    case '\n': break;
    case '\r': if (p < end && *p == '\n') p++; break;
    case '\\': case '\'': case '"': str_putc(s, e); break;
    case 'a': str_putc(s, '\a'); break;
    case 'b': str_putc(s, '\b'); break;
    case 'f': str_putc(s, '\f'); break;
    case 'n': str_putc(s, '\n'); break;
    case 'r': str_putc(s, '\r'); break;
    case 't': str_putc(s, '\t'); break;
    case 'v': str_putc(s, '\v'); break;
    case 'x': case 'u': case 'U': {
      int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      long v = hex_escape(p, end, n);
      if (v < 0 || v > 0x10FFFF) {
        ok = false;
        break;
      }
      put_utf8(s, (uint32_t)v);
      p += n;
      break;
    }
    case 'N':
      ok = false;
      break;
    default:
      if (e >= '0' && e <= '7') {
        uint32_t v = (uint32_t)(e - '0');
        for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; i++)
          v = v * 8 + (uint32_t)(*p++ - '0');
        put_utf8(s, v);
      } else { /* unknown escapes (and \N{...}) stay as written */
        str_putc(s, '\\');
        str_putc(s, e);
      }
    }
  }
  return ok;
}

/* strings = STRING+   (adjacent literals concatenate) */
static Node *parse_strings(Parser *P) {
  Span start = cur(P)->span;
  Str s = {0};
  bool fstr = false, bytes = false, bad_escape = false;
  while (at(P, TK_STRING)) {
    const Token *t = cur(P);
    const char *p = t->text, *end = t->text + t->len;
    bool raw = false;
    while (p < end && *p != '\'' && *p != '"') {
      char c = (char)(*p | 0x20);
      raw |= c == 'r';
      fstr |= c == 'f';
      bytes |= c == 'b';
      p++;
    }
    int q = (end - p >= 6 && p[0] == p[1] && p[1] == p[2]) ? 3 : 1;
    const char *body = p + q, *body_end = end - q;
    if (body_end < body)
      body_end = body;
    if (raw)
      str_putn(&s, body, (size_t)(body_end - body));
    else if (!decode_escapes(&s, body, body_end))
      bad_escape = true;
    advance(P);
  }
  Span sp = from(P, start);
  if (fstr)
    soft(P, sp, "f-strings are not supported in compiled functions");
  else if (bytes)
    soft(P, sp, "bytes literals are not supported in compiled functions");
  else if (bad_escape)
    soft(P, sp, "unsupported escape in string literal (\\N{...} is not supported; "
                "\\x, \\u and \\U need 2, 4 and 8 hex digits)");
  Node *n = mk(P, ND_STR, sp);
  n->sval = arena_strndup(P->arena, s.buf ? s.buf : "", s.len);
  n->ival = (int64_t)s.len;
  str_free(&s);
  return n;
}

/* NUMBER: ints of every base (ival, and the text in sval), floats (fval,
 * correctly rounded by strtod), imaginary literals (rejected). */
static Node *parse_number(Parser *P) {
  const Token *t = cur(P);
  advance(P);
  char *buf = ARENA_ARRAY(P->arena, char, t->len + 1);
  int n = 0;
  for (int i = 0; i < t->len; i++)
    if (t->text[i] != '_')
      buf[n++] = t->text[i];
  buf[n] = 0;
  const char *text = arena_strndup(P->arena, t->text, (size_t)t->len);
  if (n > 0 && (buf[n - 1] == 'j' || buf[n - 1] == 'J')) {
    soft(P, t->span, "complex numbers are not supported in compiled functions");
    return dummy(P, t->span);
  }
  bool prefixed = n > 1 && buf[0] == '0' && strchr("xXoObB", buf[1]);
  if (!prefixed && strpbrk(buf, ".eE")) {
    Node *f = mk(P, ND_FLOAT, t->span);
    f->fval = strtod(buf, NULL);
    f->sval = text;
    return f;
  }
  int base = !prefixed ? 10 : strchr("xX", buf[1]) ? 16 : strchr("oO", buf[1]) ? 8 : 2;
  const char *digits = prefixed ? buf + 2 : buf;
  uint64_t v = 0;
  bool overflow = false;
  for (const char *p = digits; *p; p++) {
    int dv = hexval(*p);
    if (dv < 0 || dv >= base)
      break;
    if (v > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base)
      overflow = true;
    v = v * (uint64_t)base + (uint64_t)dv;
  }
  Node *i = mk(P, ND_INT, t->span);
  i->sval = text;
  if (overflow || v > (uint64_t)INT64_MAX)
    i->flags = 1; /* beyond int64: ival stays 0, the checker reports */
  else
    i->ival = (int64_t)v;
  return i;
}

/* ------------------------------------------------------------------ expressions */

static Node *parse_expr(Parser *P);
static Node *parse_named_expr(Parser *P);
static Node *parse_star_exprs(Parser *P);
static Node *parse_bitor(Parser *P);
static Node *parse_factor(Parser *P);

/* Strings may only be messages and docstrings: no operators on them. */
static void no_str_operand(Parser *P, Node *operand, Span where) {
  if (operand && operand->kind == ND_STR)
    soft(P, where, "string operations are not supported in compiled functions "
                   "(strings may only be used as messages)");
}

/* yield_expr = 'yield' 'from' expression | 'yield' [star_expressions] */
static Node *parse_yield(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  bool yfrom = accept_kw(P, P->w.k_from);
  if (yfrom)
    parse_expr(P);
  else if (starts_expr(P))
    parse_star_exprs(P);
  Span sp = from(P, start);
  soft(P, sp, "'%s' is not supported in compiled functions", yfrom ? "yield from" : "yield");
  return dummy(P, sp);
}

/* lambdef = 'lambda' [params] ':' expression */
static Node *parse_lambda(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  int depth = 0;
  while (!is_layout(cur(P)->kind) && !(depth == 0 && at(P, TK_COLON))) {
    TokenKind k = cur(P)->kind;
    depth += (k == TK_LPAR || k == TK_LSQB || k == TK_LBRACE);
    depth -= (k == TK_RPAR || k == TK_RSQB || k == TK_RBRACE);
    if (depth < 0)
      break;
    advance(P);
  }
  if (!expect(P, TK_COLON, ":"))
    return dummy(P, start);
  parse_expr(P);
  Span sp = from(P, start);
  soft(P, sp, "'lambda' is not supported in compiled functions; define a function at module level");
  return dummy(P, sp);
}

/* A bracketed display or comprehension ([..], {..}, or a generator (..)):
 * none is in the subset; report it by name and jump over it. */
static Node *skip_display(Parser *P, Span extra_start) {
  int open = P->pos;
  int close = find_close(P, open);
  if (close < 0) {
    unexpected(P);
    return dummy(P, cur(P)->span);
  }
  bool comp = has_for(P, open, close);
  TokenKind k = cur(P)->kind;
  const char *what;
  if (k == TK_LSQB)
    what = comp ? "list comprehensions are" : "lists are";
  else if (k == TK_LPAR)
    what = "generator expressions are";
  else {
    bool dict = close == open + 1 || kind_at(P, open + 1) == TK_DOUBLESTAR;
    for (int j = open + 1, depth = 1; j < close && !dict; j++) {
      TokenKind t = P->toks[j].kind;
      depth += (t == TK_LPAR || t == TK_LSQB || t == TK_LBRACE);
      depth -= (t == TK_RPAR || t == TK_RSQB || t == TK_RBRACE);
      dict = depth == 1 && t == TK_COLON;
    }
    what = dict ? (comp ? "dict comprehensions are" : "dicts are")
                : (comp ? "set comprehensions are" : "sets are");
  }
  skip_to_after(P, close);
  Span sp = from(P, extra_start.line ? extra_start : P->toks[open].span);
  soft(P, sp, "%s not supported in compiled functions%s", what,
       k == TK_LSQB && !comp ? "; use a tuple, or pass in an array" : "");
  return dummy(P, sp);
}

/* group_or_tuple = '(' ')' | '(' star_named_expression ')' | '(' star_named_expressions ','... ')' */
static Node *parse_paren(Parser *P) {
  int open = P->pos;
  int close = find_close(P, open);
  if (close > 0 && has_for(P, open, close))
    return skip_display(P, NO_SPAN);
  Span start = cur(P)->span;
  advance(P);
  if (accept(P, TK_RPAR))
    return mk(P, ND_TUPLE, from(P, start));
  Node *e = parse_named_expr(P);
  if (!at(P, TK_COMMA)) {
    expect(P, TK_RPAR, ")");
    return e; /* a parenthesized expression keeps its inner span */
  }
  Node *t = mk(P, ND_TUPLE, start);
  vec_push(P->arena, &t->list, e);
  while (accept(P, TK_COMMA) && !at(P, TK_RPAR) && !P->panic)
    vec_push(P->arena, &t->list, parse_named_expr(P));
  expect(P, TK_RPAR, ")");
  t->span = from(P, start);
  return t;
}

/* atom = NAME | True | False | None | strings | NUMBER | group_or_tuple
 *      | list/dict/set displays and comprehensions (rejected) | '...' (rejected) */
static Node *parse_atom(Parser *P) {
  const Token *t = cur(P);
  switch (t->kind) {
  case TK_NAME: {
    const char *id = P->ids[P->pos];
    if (id == P->w.k_True || id == P->w.k_False) {
      advance(P);
      Node *b = mk(P, ND_BOOL, t->span);
      b->ival = id == P->w.k_True;
      return b;
    }
    if (id == P->w.k_None) {
      advance(P);
      return mk(P, ND_NONE, t->span);
    }
    if (id == P->w.k_yield)
      return parse_yield(P);
    if (id == P->w.k_lambda)
      return parse_lambda(P);
    if (is_keyword(P, id)) {
      fail(P, t->span, "invalid syntax: unexpected keyword '%s'", id);
      return dummy(P, t->span);
    }
    advance(P);
    Node *n = mk(P, ND_NAME, t->span);
    n->name = id;
    return n;
  }
  case TK_NUMBER:
    return parse_number(P);
  case TK_STRING:
    return parse_strings(P);
  case TK_LPAR:
    return parse_paren(P);
  case TK_LSQB:
  case TK_LBRACE:
    return skip_display(P, NO_SPAN);
  case TK_ELLIPSIS:
    advance(P);
    if (P->annot)   /* tuple[int, ...] */
      soft(P, t->span, "variable-length tuples are not supported; list each element type, "
                       "e.g. tuple[int, int, int]");
    else
      soft(P, t->span, "'...' (Ellipsis) is not supported in compiled functions");
    return dummy(P, t->span);
  default:
    if (t->kind == TK_NEWLINE || t->kind == TK_ENDMARKER)
      fail(P, t->span, "invalid syntax: expected an expression");
    else
      unexpected(P);
    return dummy(P, t->span);
  }
}

/* arguments = (positional | '*' expr | '**' expr | NAME '=' expr) (',' ...)* [','] */
static void parse_call_args(Parser *P, Node *call) {
  Span open = cur(P)->span;
  advance(P); /* ( */
  bool kwseen = false;
  while (!at(P, TK_RPAR) && !P->panic) {
    Span st = cur(P)->span;
    if (at(P, TK_STAR) || at(P, TK_DOUBLESTAR)) {
      bool two = at(P, TK_DOUBLESTAR);
      advance(P);
      parse_expr(P);
      soft(P, from(P, st), "'%s' argument unpacking is not supported in compiled functions; "
                           "pass the arguments one by one", two ? "**" : "*");
    } else if (at(P, TK_NAME) && kind_at(P, P->pos + 1) == TK_EQUAL &&
               !is_keyword(P, P->ids[P->pos])) {
      Node *k = mk(P, ND_KEYWORD, st);
      k->name = P->ids[P->pos];
      advance(P);
      advance(P);
      k->a = parse_expr(P);
      k->span = from(P, st);
      for (int i = 0; i < call->list2.len; i++)
        if (call->list2.data[i]->name == k->name)
          soft(P, k->span, "keyword argument repeated: '%s'", k->name);
      vec_push(P->arena, &call->list2, k);
      kwseen = true;
    } else {
      Node *e = parse_named_expr(P);
      if (kwseen)
        fail(P, e->span, "invalid syntax: positional argument follows keyword argument");
      vec_push(P->arena, &call->list, e);
    }
    if (!accept(P, TK_COMMA))
      break;
  }
  if (!P->panic && !at(P, TK_RPAR))
    fail(P, cur(P)->span, "invalid syntax: expected ',' or ')' in the call that starts at %d:%d",
         open.line, open.col + 1);
  else
    accept(P, TK_RPAR);
}

/* slice = [expression] ':' [expression] [':' [expression]] | named_expression */
static Node *parse_slice(Parser *P) {
  Span start = cur(P)->span;
  Node *lower = NULL;
  if (!at(P, TK_COLON)) {
    lower = parse_named_expr(P);
    if (!at(P, TK_COLON))
      return lower;
  }
  Node *s = mk(P, ND_SLICE, start);
  s->a = lower;
  advance(P); /* : */
  if (!at(P, TK_COLON) && !at(P, TK_COMMA) && !at(P, TK_RSQB))
    s->b = parse_expr(P);
  if (accept(P, TK_COLON) && !at(P, TK_COMMA) && !at(P, TK_RSQB))
    s->c = parse_expr(P);
  s->span = from(P, start);
  return s;
}

/* subscript = primary '[' slice (',' slice)* [','] ']' */
static Node *parse_subscript(Parser *P, Node *value, Span start) {
  Node *s = mk(P, ND_SUBSCRIPT, start);
  s->a = value;
  advance(P); /* [ */
  bool slices = false;
  if (at(P, TK_RSQB))
    fail(P, cur(P)->span, P->annot ? "invalid syntax: empty brackets; an array annotation takes "
                                     "':' per dimension, e.g. f64[:] or f64[:, :]"
                                   : "invalid syntax: expected an index");
  while (!at(P, TK_RSQB) && !P->panic) {
    Node *i;
    if (at(P, TK_STAR)) {
      Span st = cur(P)->span;
      advance(P);
      parse_bitor(P);
      i = dummy(P, from(P, st));
      soft(P, i->span, "starred expressions ('*x') are not supported in compiled functions");
    } else {
      i = parse_slice(P);
    }
    slices |= i->kind == ND_SLICE;
    vec_push(P->arena, &s->list, i);
    if (!accept(P, TK_COMMA))
      break;
  }
  expect(P, TK_RSQB, "]");
  s->span = from(P, start);
  if (s->list.len == 1 && s->list.data[0]->kind == ND_TUPLE) /* a[(i, j)] is a[i, j] */
    s->list = s->list.data[0]->list;
  if (slices && !P->annot)
    soft(P, s->span, "slices are not supported yet in compiled functions (index one element at a time)");
  no_str_operand(P, value, s->span);
  return s;
}

/* primary = atom ('.' NAME | '(' arguments ')' | '[' slices ']')* */
static Node *parse_primary(Parser *P) {
  Span start = cur(P)->span;
  Node *e = parse_atom(P);
  int trailers = 0; /* each trailer nests the tree one level deeper */
  for (;;) {
    if (P->panic || ((at(P, TK_DOT) || at(P, TK_LPAR) || at(P, TK_LSQB)) && !enter(P))) {
      P->depth -= trailers;
      return e;
    }
    trailers += at(P, TK_DOT) || at(P, TK_LPAR) || at(P, TK_LSQB);
    if (at(P, TK_DOT)) {
      advance(P);
      if (!at(P, TK_NAME) || is_keyword(P, P->ids[P->pos])) {
        fail(P, cur(P)->span, "invalid syntax: expected an attribute name after '.'");
        P->depth -= trailers;
        return e;
      }
      Node *a = mk(P, ND_ATTR, start);
      a->a = e;
      a->name = P->ids[P->pos];
      advance(P);
      a->span = from(P, start);
      if (e->kind == ND_STR)
        soft(P, a->span, "string methods are not supported in compiled functions");
      e = a;
    } else if (at(P, TK_LPAR)) {
      int close = find_close(P, P->pos);
      if (close > 0 && has_for(P, P->pos, close)) {
        P->depth -= trailers;
        return skip_display(P, start);
      }
      Node *c = mk(P, ND_CALL, start);
      c->a = e;
      parse_call_args(P, c);
      c->span = from(P, start);
      e = c;
    } else if (at(P, TK_LSQB)) {
      e = parse_subscript(P, e, start);
    } else {
      P->depth -= trailers;
      return e;
    }
  }
}

/* await_primary = 'await' primary | primary */
static Node *parse_await(Parser *P) {
  if (!at_kw(P, P->w.k_await))
    return parse_primary(P);
  Span start = cur(P)->span;
  advance(P);
  parse_primary(P);
  Span sp = from(P, start);
  soft(P, sp, "'await' is not supported in compiled functions");
  return dummy(P, sp);
}

static Node *binop(Parser *P, Op op, Node *l, Node *r, Span start) {
  Node *b = mk(P, ND_BINOP, from(P, start));
  b->op = op;
  b->a = l;
  b->b = r;
  if (op == OP_MATMUL)
    soft(P, b->span, "the '@' operator (matrix multiplication) is not supported in compiled functions");
  else if (op == OP_MOD && l->kind == ND_STR)
    soft(P, b->span, "string formatting ('%%') is not supported in compiled functions");
  else
    no_str_operand(P, l->kind == ND_STR ? l : r, b->span);
  return b;
}

/* power = await_primary ['**' factor]      (right-associative; binds tighter
 * than a unary minus on its left, looser than one on its right) */
static Node *parse_power(Parser *P) {
  Span start = cur(P)->span;
  Node *l = parse_await(P);
  if (!at(P, TK_DOUBLESTAR) || P->panic || !enter(P))
    return l;
  advance(P);
  Node *r = parse_factor(P);
  leave(P);
  return binop(P, OP_POW, l, r, start);
}

/* factor = ('+' | '-' | '~') factor | power */
static Node *parse_factor(Parser *P) {
  Op op = at(P, TK_MINUS) ? OP_NEG : at(P, TK_PLUS) ? OP_POS : at(P, TK_TILDE) ? OP_INVERT : OP_NONE;
  if (op == OP_NONE)
    return parse_power(P);
  Span start = cur(P)->span;
  if (!enter(P))
    return dummy(P, start);
  advance(P);
  Node *u = mk(P, ND_UNARYOP, start);
  u->op = op;
  u->a = parse_factor(P);
  leave(P);
  u->span = from(P, start);
  no_str_operand(P, u->a, u->span);
  return u;
}

/* One left-associative binary level: the operator tokens and the next level. */
typedef struct BinLevel {
  TokenKind tok[5];
  Op op[5];
  Node *(*next)(Parser *);
} BinLevel;

static Node *parse_binlevel(Parser *P, const BinLevel *lv) {
  Span start = cur(P)->span;
  Node *l = lv->next(P);
  int chained = 0;
  for (;;) {
    int i = 0;
    while (i < 5 && lv->tok[i] && !at(P, lv->tok[i]))
      i++;
    if (P->panic || i == 5 || !lv->tok[i] || !enter(P))
      break;
    chained++; /* each operator deepens the left-nested tree */
    advance(P);
    Node *r = lv->next(P);
    l = binop(P, lv->op[i], l, r, start);
  }
  P->depth -= chained;
  return l;
}

/* term = term ('*' | '/' | '//' | '%' | '@') factor | factor */
static Node *parse_term(Parser *P) {
  static const BinLevel lv = {{TK_STAR, TK_SLASH, TK_DOUBLESLASH, TK_PERCENT, TK_AT},
                              {OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_MATMUL}, parse_factor};
  return parse_binlevel(P, &lv);
}
/* sum = sum ('+' | '-') term | term */
static Node *parse_sum(Parser *P) {
  static const BinLevel lv = {{TK_PLUS, TK_MINUS}, {OP_ADD, OP_SUB}, parse_term};
  return parse_binlevel(P, &lv);
}
/* shift_expr = shift_expr ('<<' | '>>') sum | sum */
static Node *parse_shift(Parser *P) {
  static const BinLevel lv = {{TK_LEFTSHIFT, TK_RIGHTSHIFT}, {OP_LSHIFT, OP_RSHIFT}, parse_sum};
  return parse_binlevel(P, &lv);
}
/* bitwise_and = bitwise_and '&' shift_expr | shift_expr */
static Node *parse_bitand(Parser *P) {
  static const BinLevel lv = {{TK_AMPER}, {OP_BITAND}, parse_shift};
  return parse_binlevel(P, &lv);
}
/* bitwise_xor = bitwise_xor '^' bitwise_and | bitwise_and */
static Node *parse_bitxor(Parser *P) {
  static const BinLevel lv = {{TK_CIRCUMFLEX}, {OP_BITXOR}, parse_bitand};
  return parse_binlevel(P, &lv);
}
/* bitwise_or = bitwise_or '|' bitwise_xor | bitwise_xor */
static Node *parse_bitor(Parser *P) {
  static const BinLevel lv = {{TK_VBAR}, {OP_BITOR}, parse_bitxor};
  return parse_binlevel(P, &lv);
}

/* The comparison operator at the cursor (consumed), or OP_NONE. */
static Op comp_op(Parser *P) {
  static const struct { TokenKind tok; Op op; } simple[] = {
      {TK_EQEQUAL, OP_EQ}, {TK_NOTEQUAL, OP_NE}, {TK_LESS, OP_LT},
      {TK_LESSEQUAL, OP_LE}, {TK_GREATER, OP_GT}, {TK_GREATEREQUAL, OP_GE}};
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
    if (accept(P, simple[i].tok))
      return simple[i].op;
  if (accept_kw(P, P->w.k_in))
    return OP_IN;
  if (at_kw(P, P->w.k_not) && kw_at(P, P->pos + 1, P->w.k_in)) {
    advance(P);
    advance(P);
    return OP_NOTIN;
  }
  if (accept_kw(P, P->w.k_is))
    return accept_kw(P, P->w.k_not) ? OP_ISNOT : OP_IS;
  return OP_NONE;
}

/* comparison = bitwise_or (compare_op bitwise_or)*   (one node per chain) */
static Node *parse_comparison(Parser *P) {
  Span start = cur(P)->span;
  Node *l = parse_bitor(P);
  Node *c = NULL;
  Op op;
  while (!P->panic && (op = comp_op(P)) != OP_NONE) {
    if (!c) {
      c = mk(P, ND_COMPARE, start);
      c->a = l;
    }
    vec_push(P->arena, &c->ops, op);
    vec_push(P->arena, &c->list, parse_bitor(P));
  }
  if (!c)
    return l;
  c->span = from(P, start);
  Node *str = c->a;
  for (int i = 0; i < c->list.len && str->kind != ND_STR; i++)
    str = c->list.data[i];
  no_str_operand(P, str, c->span);
  return c;
}

/* inversion = 'not' inversion | comparison */
static Node *parse_not(Parser *P) {
  if (!at_kw(P, P->w.k_not))
    return parse_comparison(P);
  Span start = cur(P)->span;
  if (!enter(P))
    return dummy(P, start);
  advance(P);
  Node *u = mk(P, ND_UNARYOP, start);
  u->op = OP_NOT;
  u->a = parse_not(P);
  leave(P);
  u->span = from(P, start);
  return u;
}

/* conjunction = inversion ('and' inversion)*;  disjunction = conjunction ('or' conjunction)* */
static Node *parse_boolop(Parser *P, Op op) {
  const char *kw = op == OP_AND ? P->w.k_and : P->w.k_or;
  Span start = cur(P)->span;
  Node *first = op == OP_AND ? parse_not(P) : parse_boolop(P, OP_AND);
  if (!at_kw(P, kw) || P->panic)
    return first;
  Node *b = mk(P, ND_BOOLOP, start);
  b->op = op;
  vec_push(P->arena, &b->list, first);
  while (!P->panic && accept_kw(P, kw))
    vec_push(P->arena, &b->list, op == OP_AND ? parse_not(P) : parse_boolop(P, OP_AND));
  b->span = from(P, start);
  return b;
}

/* expression = disjunction ['if' disjunction 'else' expression] | lambdef */
static Node *parse_expr_inner(Parser *P);
static Node *parse_expr(Parser *P) {
  if (!enter(P))
    return dummy(P, cur(P)->span);
  Node *e = parse_expr_inner(P);
  leave(P);
  return e;
}

static Node *parse_expr_inner(Parser *P) {
  if (at_kw(P, P->w.k_lambda))
    return parse_lambda(P);
  Span start = cur(P)->span;
  Node *body = parse_boolop(P, OP_OR);
  if (!at_kw(P, P->w.k_if) || P->panic)
    return body;
  advance(P);
  Node *e = mk(P, ND_IFEXP, start);
  e->b = body;
  e->a = parse_boolop(P, OP_OR);
  if (!at_kw(P, P->w.k_else)) {
    fail(P, cur(P)->span, "invalid syntax: expected 'else' in the conditional expression");
    return e;
  }
  advance(P);
  e->c = parse_expr(P);
  e->span = from(P, start);
  return e;
}

/* named_expression = NAME ':=' expression | expression */
static Node *parse_named_expr(Parser *P) {
  Span start = cur(P)->span;
  Node *e = parse_expr(P);
  if (!at(P, TK_COLONEQUAL) || P->panic)
    return e;
  advance(P);
  parse_expr(P);
  soft(P, from(P, start), "assignment expressions (':=') are not supported in compiled functions");
  return e;
}

/* star_expression = '*' bitwise_or | named_expression   ('*' is rejected) */
static Node *parse_star_expr(Parser *P) {
  if (!at(P, TK_STAR))
    return parse_named_expr(P);
  Span start = cur(P)->span;
  advance(P);
  parse_bitor(P);
  Span sp = from(P, start);
  soft(P, sp, "starred expressions ('*x') are not supported in compiled functions");
  return dummy(P, sp);
}

/* star_expressions = star_expression (',' star_expression)* [','] */
static Node *parse_star_exprs(Parser *P) {
  Span start = cur(P)->span;
  Node *e = parse_star_expr(P);
  if (!at(P, TK_COMMA) || P->panic)
    return e;
  Node *t = mk(P, ND_TUPLE, start);
  vec_push(P->arena, &t->list, e);
  while (!P->panic && accept(P, TK_COMMA) && starts_expr(P))
    vec_push(P->arena, &t->list, parse_star_expr(P));
  t->span = from(P, start);
  return t;
}

/* An annotation: an expression in which slices (f64[:, ::1]) are allowed. */
static Node *parse_annotation(Parser *P) {
  bool save = P->annot;
  P->annot = true;
  Node *e = parse_expr(P);
  P->annot = save;
  return e;
}

/* ------------------------------------------------------------------ statements */

static void parse_statement(Parser *P, NodeList *out);
static void parse_block(Parser *P, NodeList *out, const char *after);

/* Assignment targets: names, subscripts, tuples of those. */
static bool check_target(Parser *P, Node *t) {
  switch (t->kind) {
  case ND_NAME:
  case ND_SUBSCRIPT:
    return true;
  case ND_TUPLE:
    if (t->list.len == 0) {
      fail(P, t->span, "invalid syntax: cannot assign to ()");
      return false;
    }
    for (int i = 0; i < t->list.len; i++)
      if (!check_target(P, t->list.data[i]))
        return false;
    return true;
  case ND_ATTR:
    soft(P, t->span, "assignment to attributes is not supported in compiled functions");
    return false;
  case ND_CALL:
    fail(P, t->span, "invalid syntax: cannot assign to a function call");
    return false;
  case ND_INT: case ND_FLOAT: case ND_BOOL: case ND_STR:
    fail(P, t->span, "invalid syntax: cannot assign to a literal");
    return false;
  default:
    if (is_dummy(t)) /* its error is already reported */
      return false;
    fail(P, t->span, "invalid syntax: cannot assign to this expression");
    return false;
  }
}

static Op augassign_op(TokenKind k) {
  switch (k) {
  case TK_PLUSEQUAL: return OP_ADD;
  case TK_MINEQUAL: return OP_SUB;
  case TK_STAREQUAL: return OP_MUL;
  case TK_SLASHEQUAL: return OP_DIV;
  case TK_DOUBLESLASHEQUAL: return OP_FLOORDIV;
  case TK_PERCENTEQUAL: return OP_MOD;
  case TK_DOUBLESTAREQUAL: return OP_POW;
  case TK_ATEQUAL: return OP_MATMUL;
  case TK_LEFTSHIFTEQUAL: return OP_LSHIFT;
  case TK_RIGHTSHIFTEQUAL: return OP_RSHIFT;
  case TK_AMPEREQUAL: return OP_BITAND;
  case TK_VBAREQUAL: return OP_BITOR;
  case TK_CIRCUMFLEXEQUAL: return OP_BITXOR;
  default: return OP_NONE;
  }
}

/* assignment = NAME ':' expression ['=' star_expressions]
 *            | (star_targets '=')+ star_expressions
 *            | target augassign star_expressions
 * expression_stmt = star_expressions */
static Node *parse_expr_or_assign(Parser *P) {
  Span start = cur(P)->span;
  Node *first = parse_star_exprs(P);
  if (P->panic)
    return NULL;
  if (at(P, TK_COLON)) {
    advance(P);
    Node *n = mk(P, ND_ANNASSIGN, start);
    n->a = first;
    if (first->kind != ND_NAME)
      soft(P, first->span, "only a plain name can be annotated in compiled functions");
    n->b = parse_annotation(P);
    if (accept(P, TK_EQUAL))
      n->c = parse_star_exprs(P);
    n->span = from(P, start);
    return n;
  }
  Op aug = augassign_op(cur(P)->kind);
  if (aug != OP_NONE) {
    advance(P);
    Node *n = mk(P, ND_AUGASSIGN, start);
    n->op = aug;
    n->a = first;
    if (first->kind == ND_TUPLE)
      fail(P, first->span, "invalid syntax: cannot use augmented assignment on a tuple");
    else
      check_target(P, first);
    n->b = parse_star_exprs(P);
    n->span = from(P, start);
    if (aug == OP_MATMUL)
      soft(P, n->span, "the '@' operator (matrix multiplication) is not supported in compiled functions");
    return n;
  }
  if (!at(P, TK_EQUAL)) {
    Node *n = mk(P, ND_EXPR_STMT, from(P, start));
    n->a = first;
    return n;
  }
  Node *n = mk(P, ND_ASSIGN, start);
  Node *value = first;
  while (accept(P, TK_EQUAL)) {
    check_target(P, value);
    vec_push(P->arena, &n->list, value);
    value = parse_star_exprs(P);
    if (P->panic)
      break;
  }
  n->a = value;
  n->span = from(P, start);
  return n;
}

/* return_stmt = 'return' [star_expressions] */
static Node *parse_return(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  Node *n = mk(P, ND_RETURN, start);
  if (starts_expr(P))
    n->a = parse_star_exprs(P);
  n->span = from(P, start);
  return n;
}

/* raise_stmt = 'raise' expression ['from' expression] | 'raise' */
static Node *parse_raise(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  Node *n = mk(P, ND_RAISE, start);
  if (!starts_expr(P)) {
    soft(P, start, "bare 'raise' is not supported in compiled functions; "
                   "raise an exception such as ValueError(\"message\")");
    return n;
  }
  n->a = parse_expr(P);
  if (at_kw(P, P->w.k_from)) {
    Span fs = cur(P)->span;
    advance(P);
    parse_expr(P);
    soft(P, from(P, fs), "'raise ... from' is not supported in compiled functions");
  }
  n->span = from(P, start);
  return n;
}

/* assert_stmt = 'assert' expression [',' expression] */
static Node *parse_assert(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  Node *n = mk(P, ND_ASSERT, start);
  n->a = parse_expr(P);
  if (accept(P, TK_COMMA))
    n->b = parse_expr(P);
  n->span = from(P, start);
  return n;
}

/* A simple statement outside the subset: name it, skip it. */
static Node *reject_simple(Parser *P, const char *msg) {
  int start = P->pos;
  skip_simple(P);
  soft(P, span_join(P->toks[start].span, P->last), "%s", msg);
  return NULL;
}

/* simple_stmt = assignment | star_expressions | return | raise | pass | break
 *             | continue | assert | (rejected: del global nonlocal import) */
static Node *parse_simple(Parser *P) {
  const Token *t = cur(P);
  const char *id = P->ids[P->pos];
  const Words *w = &P->w;
  if (id == w->k_pass || id == w->k_break || id == w->k_continue) {
    advance(P);
    if (id == w->k_pass)
      return mk(P, ND_PASS, t->span);
    if (P->loop_depth == 0)
      soft(P, t->span, "'%s' outside loop", id);
    return mk(P, id == w->k_break ? ND_BREAK : ND_CONTINUE, t->span);
  }
  if (id == w->k_return)
    return parse_return(P);
  if (id == w->k_raise)
    return parse_raise(P);
  if (id == w->k_assert)
    return parse_assert(P);
  if (id == w->k_del)
    return reject_simple(P, "'del' is not supported in compiled functions");
  if (id == w->k_global)
    return reject_simple(P, "'global' is not supported in compiled functions; use a module-level "
                            "constant or pass the value as a parameter");
  if (id == w->k_nonlocal)
    return reject_simple(P, "'nonlocal' is not supported in compiled functions");
  if (id == w->k_import || id == w->k_from)
    return reject_simple(P, "'import' inside a compiled function is not supported; "
                            "import at module level");
  return parse_expr_or_assign(P);
}

/* simple_stmts = simple_stmt (';' simple_stmt)* [';'] NEWLINE */
static void parse_simple_stmts(Parser *P, NodeList *out) {
  for (;;) {
    Node *s = parse_simple(P);
    if (s)
      vec_push(P->arena, out, s);
    if (P->panic)
      return;
    if (!accept(P, TK_SEMI) || at(P, TK_NEWLINE))
      break;
  }
  if (!accept(P, TK_NEWLINE) && !at(P, TK_ENDMARKER))
    unexpected(P);
}

/* if_stmt = 'if' named_expression ':' block ('elif' ... | ['else' ':' block]) */
static Node *parse_if(Parser *P) {
  Span start = cur(P)->span;
  const char *kw = P->ids[P->pos];
  advance(P);
  Node *n = mk(P, ND_IF, start);
  n->a = parse_named_expr(P);
  if (!expect(P, TK_COLON, ":"))
    return n;
  parse_block(P, &n->list, kw);
  if (at_kw(P, P->w.k_elif)) {
    if (!enter(P)) /* each elif is an If nested in the previous one's orelse */
      return n;
    vec_push(P->arena, &n->list2, parse_if(P));
    leave(P);
  } else if (at_kw(P, P->w.k_else)) {
    advance(P);
    if (expect(P, TK_COLON, ":"))
      parse_block(P, &n->list2, "else");
  }
  n->span = from(P, start);
  return n;
}

/* The loop body (counted for break/continue), then an optional else block. */
static void parse_loop_rest(Parser *P, Node *n, const char *kw) {
  P->loop_depth++;
  parse_block(P, &n->list, kw);
  P->loop_depth--;
  if (at_kw(P, P->w.k_else)) {
    advance(P);
    if (expect(P, TK_COLON, ":"))
      parse_block(P, &n->list2, "else");
  }
}

/* while_stmt = 'while' named_expression ':' block ['else' ':' block] */
static Node *parse_while(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  Node *n = mk(P, ND_WHILE, start);
  n->a = parse_named_expr(P);
  if (!expect(P, TK_COLON, ":"))
    return n;
  parse_loop_rest(P, n, "while");
  n->span = from(P, start);
  return n;
}

/* for_stmt = 'for' star_targets 'in' star_expressions ':' block ['else' ':' block] */
static Node *parse_for(Parser *P) {
  Span start = cur(P)->span;
  advance(P);
  Node *n = mk(P, ND_FOR, start);
  Span ts = cur(P)->span;
  Node *t = parse_bitor(P);
  if (at(P, TK_COMMA)) {
    Node *tup = mk(P, ND_TUPLE, ts);
    vec_push(P->arena, &tup->list, t);
    while (!P->panic && accept(P, TK_COMMA) && !at_kw(P, P->w.k_in))
      vec_push(P->arena, &tup->list, parse_bitor(P));
    tup->span = from(P, ts);
    t = tup;
  }
  n->a = t;
  if (P->panic)
    return n;
  bool names = t->kind == ND_NAME;
  if (t->kind == ND_TUPLE) {
    names = t->list.len > 0;
    for (int i = 0; i < t->list.len; i++)
      names &= t->list.data[i]->kind == ND_NAME;
  }
  if (!names)
    soft(P, t->span, "the target of a compiled 'for' loop must be a name or a tuple of names");
  if (!at_kw(P, P->w.k_in)) {
    fail(P, cur(P)->span, "invalid syntax: expected 'in', found %s", tok_desc(P, cur(P)));
    return n;
  }
  advance(P);
  n->b = parse_star_exprs(P);
  if (!expect(P, TK_COLON, ":"))
    return n;
  parse_loop_rest(P, n, "for");
  n->span = from(P, start);
  return n;
}

/* A compound statement outside the subset: name it (its header line), skip it
 * and, for `try`, its except/else/finally clauses. */
static void reject_compound(Parser *P, const char *msg) {
  Span sp = line_span(P, P->pos);
  bool is_try = at_kw(P, P->w.k_try);
  soft(P, sp, "%s", msg);
  skip_statement(P);
  while (is_try && (at_kw(P, P->w.k_except) || at_kw(P, P->w.k_else) || at_kw(P, P->w.k_finally)))
    skip_statement(P);
}

/* Is this `match`/`case` the soft keyword?  Only if the line is `match ...:`. */
static bool is_match_stmt(Parser *P) {
  TokenKind next = kind_at(P, P->pos + 1);
  if (next == TK_EQUAL || next == TK_DOT || next == TK_COLON || next == TK_NEWLINE ||
      next == TK_COMMA || next == TK_RPAR || augassign_op(next) != OP_NONE)
    return false;
  int j = P->pos;
  while (j + 1 < P->ntoks && !is_layout(P->toks[j + 1].kind))
    j++;
  return P->toks[j].kind == TK_COLON && kind_at(P, j + 1) == TK_NEWLINE &&
         kind_at(P, j + 2) == TK_INDENT;
}

/* statement = compound_stmt | simple_stmts */
static void parse_statement_inner(Parser *P, NodeList *out);
static void parse_statement(Parser *P, NodeList *out) {
  if (enter(P)) {
    parse_statement_inner(P, out);
    leave(P);
  }
  if (P->panic) {
    skip_statement(P);
    P->panic = false;
  }
}

static void parse_statement_inner(Parser *P, NodeList *out) {
  const Words *w = &P->w;
  const char *id = P->ids[P->pos];
  Node *n = NULL;
  if (at(P, TK_INDENT)) {
    soft(P, cur(P)->span, "unexpected indent");
    skip_block(P);
  } else if (at(P, TK_AT)) {
    while (at(P, TK_AT)) /* decorators of a nested def/class: that one is reported */
      skip_statement(P);
    return;
  } else if (id == w->k_if) {
    n = parse_if(P);
  } else if (id == w->k_while) {
    n = parse_while(P);
  } else if (id == w->k_for) {
    n = parse_for(P);
  } else if (id == w->k_def) {
    const char *name = kind_at(P, P->pos + 1) == TK_NAME ? P->ids[P->pos + 1] : "...";
    reject_compound(P, arena_printf(P->arena, "nested functions are not supported in compiled "
                                              "functions; define '%s' at module level", name));
  } else if (id == w->k_class) {
    reject_compound(P, "class definitions are not supported in compiled functions");
  } else if (id == w->k_with) {
    reject_compound(P, "'with' statements are not supported in compiled functions");
  } else if (id == w->k_try) {
    reject_compound(P, "'try' statements are not supported in compiled functions");
  } else if (id == w->k_async) {
    reject_compound(P, "'async' is not supported in compiled functions");
  } else if ((id == w->k_match || id == w->k_case) && is_match_stmt(P)) {
    reject_compound(P, "'match' statements are not supported in compiled functions");
  } else if (id == w->k_elif || id == w->k_else || id == w->k_except || id == w->k_finally) {
    fail(P, cur(P)->span, "invalid syntax: '%s' without a matching statement before it", id);
  } else {
    parse_simple_stmts(P, out);
  }
  if (n)
    vec_push(P->arena, out, n);
}

/* block = NEWLINE INDENT statement+ DEDENT | simple_stmts */
static void parse_block(Parser *P, NodeList *out, const char *after) {
  if (!at(P, TK_NEWLINE)) {
    parse_simple_stmts(P, out);
    return;
  }
  int header_line = cur(P)->span.line;
  advance(P);
  if (!accept(P, TK_INDENT)) {
    soft(P, cur(P)->span, "expected an indented block after '%s' on line %d", after, header_line);
    return;
  }
  while (!at(P, TK_DEDENT) && !at(P, TK_ENDMARKER)) {
    int before = P->pos;
    parse_statement(P, out);
    if (P->pos == before)
      advance(P); /* never stall */
  }
  accept(P, TK_DEDENT);
}

/* ------------------------------------------------------------------ functions */

static bool in_list(const NameList *l, const char *id) {
  for (int i = 0; i < l->len; i++)
    if (l->data[i] == id)
      return true;
  return false;
}

/* Is this decorator expression pyjitc's `native` (bare or called)? */
static bool is_native_ref(Parser *P, const Node *e) {
  if (e && e->kind == ND_CALL)
    e = e->a;
  if (!e)
    return false;
  if (e->kind == ND_NAME)
    return in_list(&P->native_names, e->name);
  return e->kind == ND_ATTR && e->name == P->w.k_native && e->a->kind == ND_NAME &&
         in_list(&P->pyjitc_names, e->a->name);
}

/* Does the decorator starting at token `i` name pyjitc's native? */
static bool decorator_is_native(Parser *P, int i) {
  if (kind_at(P, i) != TK_NAME)
    return false;
  if (in_list(&P->native_names, P->ids[i]))
    return kind_at(P, i + 1) == TK_NEWLINE || kind_at(P, i + 1) == TK_LPAR;
  return in_list(&P->pyjitc_names, P->ids[i]) && kind_at(P, i + 1) == TK_DOT &&
         kw_at(P, i + 2, P->w.k_native);
}

/* @native(boundscheck=False, overflowcheck=False, fastmath=True, cache=...) */
static int native_flags(Parser *P, const Node *call) {
  if (!call || call->kind != ND_CALL)
    return 0;
  int flags = 0;
  for (int i = 0; i < call->list.len; i++)
    soft(P, call->list.data[i]->span, "@native takes only keyword options "
                                      "(boundscheck=, overflowcheck=, fastmath=, cache=)");
  for (int i = 0; i < call->list2.len; i++) {
    const Node *k = call->list2.data[i];
    const char *n = k->name;
    if (n != P->w.k_boundscheck && n != P->w.k_overflowcheck && n != P->w.k_fastmath &&
        n != P->w.k_cache) {
      soft(P, k->span, "unknown @native option '%s'; expected boundscheck, overflowcheck, "
                       "fastmath or cache", n);
      continue;
    }
    if (k->a->kind != ND_BOOL) {
      soft(P, k->a->span, "@native option '%s' must be True or False", n);
      continue;
    }
    bool v = k->a->ival != 0;
    if (n == P->w.k_boundscheck && !v)
      flags |= FN_BOUNDSCHECK_OFF;
    else if (n == P->w.k_overflowcheck && !v)
      flags |= FN_OVERFLOWCHECK_OFF;
    else if (n == P->w.k_fastmath && v)
      flags |= FN_FASTMATH;
  }
  return flags;
}

/* For messages: the dotted name a decorator calls, or NULL. */
static const char *decorator_name(Parser *P, const Node *e) {
  if (e && e->kind == ND_CALL)
    e = e->a;
  if (!e)
    return NULL;
  if (e->kind == ND_NAME)
    return e->name;
  if (e->kind == ND_ATTR) {
    const char *base = decorator_name(P, e->a);
    return base ? arena_printf(P->arena, "%s.%s", base, e->name) : NULL;
  }
  return NULL;
}

typedef struct Decorator {
  Node *expr; /* NULL if it did not parse */
  Span span;
  bool native;
} Decorator;
typedef VEC(Decorator) DecoratorList;

/* param = NAME [':' expression] ['=' expression] | '*' [NAME] | '**' NAME | '/'   (the
 * last three rejected) */
static void parse_params(Parser *P, Node *fn) {
  bool kwonly_reported = false, star_seen = false, default_seen = false;
  while (!at(P, TK_RPAR) && !P->panic) {
    Span st = cur(P)->span;
    if (at(P, TK_SLASH)) {
      advance(P);
      soft(P, st, "positional-only parameters are not supported in compiled functions; "
                  "remove the '/'");
    } else if (at(P, TK_STAR) || at(P, TK_DOUBLESTAR)) {
      bool two = at(P, TK_DOUBLESTAR);
      advance(P);
      if (at(P, TK_NAME)) {
        advance(P);
        if (accept(P, TK_COLON))
          parse_annotation(P);
        soft(P, from(P, st), two ? "'**kwargs' parameters are not supported in compiled "
                                   "functions; use ordinary parameters with defaults"
                                 : "'*args' parameters are not supported in compiled "
                                   "functions; use ordinary parameters, or pass a tuple");
        kwonly_reported = true;
      } else if (two) {
        fail(P, cur(P)->span, "invalid syntax: expected a parameter name after '**'");
      }
      star_seen = true;
    } else if (at(P, TK_NAME) && !is_keyword(P, P->ids[P->pos])) {
      Node *p = mk(P, ND_PARAM, st);
      p->name = P->ids[P->pos];
      advance(P);
      if (accept(P, TK_COLON))
        p->a = parse_annotation(P);
      p->span = from(P, st); /* as CPython's arg: the default is not part of it */
      if (accept(P, TK_EQUAL)) {
        p->b = parse_expr(P);
        default_seen = true;
      } else if (default_seen && !star_seen) {
        fail(P, p->span, "invalid syntax: parameter without a default follows parameter "
                         "with a default");
      }
      if (star_seen && !kwonly_reported) {
        soft(P, p->span, "keyword-only parameters are not supported in compiled functions; "
                         "remove the '*' before them");
        kwonly_reported = true;
      }
      for (int i = 0; i < fn->list.len; i++)
        if (fn->list.data[i]->name == p->name)
          soft(P, p->span, "duplicate parameter '%s' in function definition", p->name);
      vec_push(P->arena, &fn->list, p);
    } else {
      fail(P, cur(P)->span, "invalid syntax: expected a parameter name, found %s",
           tok_desc(P, cur(P)));
      return;
    }
    if (!accept(P, TK_COMMA))
      break;
  }
  expect(P, TK_RPAR, ")");
}

/* The first statement's string literal is the docstring, not code. */
static void take_docstring(Node *fn) {
  if (fn->list2.len == 0)
    return;
  Node *s = fn->list2.data[0];
  if (s->kind != ND_EXPR_STMT || s->a->kind != ND_STR)
    return;
  fn->doc = s->a->sval;
  memmove(fn->list2.data, fn->list2.data + 1, sizeof(Node *) * (size_t)(fn->list2.len - 1));
  fn->list2.len--;
}

static bool is_only(Parser *P, const char *name) {
  bool found = false;
  for (int i = 0; P->only && P->only[i]; i++)
    if (P->only[i] == name) { /* every entry: `--only f,f` names f twice */
      P->only_seen[i] = true;
      found = true;
    }
  return found;
}

/* Decorators of a def: selection, @native options, and the rest rejected. */
static int apply_decorators(Parser *P, const DecoratorList *decos) {
  int flags = 0;
  for (int i = 0; i < decos->len; i++) {
    const Decorator *dc = &decos->data[i];
    if (dc->native) {
      flags |= native_flags(P, dc->expr);
      continue;
    }
    const char *name = decorator_name(P, dc->expr);
    if (name == P->w.k_native)
      soft(P, dc->span, "'@native' here is not pyjitc's native (import it with "
                        "'from pyjitc import native')");
    else if (name)
      soft(P, dc->span, "decorator '@%s' is not supported on compiled functions "
                        "(only @native is)", name);
    else
      soft(P, dc->span, "decorators other than @native are not supported on compiled functions");
  }
  return flags;
}

/* funcdef = decorators 'def' NAME '(' [params] ')' ['->' expression] ':' block */
static void parse_def(Parser *P, const DecoratorList *decos) {
  bool native = false;
  for (int i = 0; i < decos->len; i++)
    native |= decos->data[i].native;
  const char *name = kind_at(P, P->pos + 1) == TK_NAME ? P->ids[P->pos + 1] : NULL;
  bool only = name && is_only(P, name);
  P->report = native || only;
  P->reason = NULL;
  P->panic = false;
  P->loop_depth = 0;

  Span start = cur(P)->span;
  int first_tok = P->pos;
  int errors0 = P->d->nerrors;
  advance(P); /* def */
  if (!name || is_keyword(P, name)) {
    fail(P, cur(P)->span, "invalid syntax: expected a function name after 'def'");
    skip_statement(P);
    P->report = false;
    return;
  }
  Node *fn = mk(P, ND_FUNC, start);
  fn->name = name;
  fn->flags = (native ? FN_NATIVE : 0) | (only ? FN_ONLY : 0);
  fn->flags |= apply_decorators(P, decos);
  advance(P); /* name */
  if (expect(P, TK_LPAR, "("))
    parse_params(P, fn);
  if (!P->panic && accept(P, TK_RARROW))
    fn->a = parse_annotation(P);
  bool sig_error = P->panic;
  if (!P->panic && expect(P, TK_COLON, ":"))
    parse_block(P, &fn->list2, "def");
  if (P->panic)
    skip_statement(P);
  fn->span = from(P, start);
  for (int i = first_tok + 2; i < P->pos; i++) { /* the def's own name binds at top level */
    P->in_def[i] = true;
    P->in_selected[i] = P->report;
  }
  take_docstring(fn);
  if (P->report && P->d->nerrors > errors0)
    fn->flags |= FN_PARSE_ERROR | (sig_error ? FN_SIG_ERROR : 0);
  if (!P->report && P->reason) {
    fn->flags |= FN_UNSUPPORTED;
    fn->sval = P->reason;
    fn->reason_span = P->reason_span;
    fn->list2 = (NodeList){0};
  }
  vec_push(P->arena, &P->module->list, fn);
  P->report = false;
  P->panic = false;
  P->reason = NULL;
}

/* ------------------------------------------------------------------ top level */

/* decorators = ('@' named_expression NEWLINE)+, then a def (or anything else: skipped) */
static void top_decorated(Parser *P) {
  DecoratorList decos = {0};
  while (at(P, TK_AT)) {
    Decorator dc = {.span = cur(P)->span, .native = decorator_is_native(P, P->pos + 1)};
    advance(P);
    P->report = dc.native; /* a malformed @native(...) line belongs to a compiled function */
    P->panic = false;
    dc.expr = parse_named_expr(P);
    if (!P->panic && !at(P, TK_NEWLINE))
      fail(P, cur(P)->span, "invalid syntax: expected the end of the decorator line, found %s",
           tok_desc(P, cur(P)));
    dc.span = from(P, dc.span);
    if (P->panic) {
      dc.expr = NULL;
      skip_statement(P);
    } else {
      advance(P); /* NEWLINE */
    }
    P->report = false;
    P->panic = false;
    dc.native = dc.native && dc.expr && is_native_ref(P, dc.expr);
    vec_push(P->arena, &decos, dc);
  }
  bool native = false;
  Span nspan = NO_SPAN;
  for (int i = 0; i < decos.len; i++)
    if (decos.data[i].native && !native) {
      native = true;
      nspan = decos.data[i].span;
    }
  if (at_kw(P, P->w.k_def)) {
    parse_def(P, &decos);
    return;
  }
  if (native && at_kw(P, P->w.k_async))
    diag_error(P->d, cur(P)->span, "'async def' functions cannot be compiled; remove 'async' "
                                   "(or the @native)");
  else if (native && at_kw(P, P->w.k_class))
    diag_error(P->d, nspan, "@native decorates functions, not classes");
  else if (native)
    diag_error(P->d, nspan, "@native must be followed by a function definition ('def')");
  skip_statement(P);
}

/* @native inside a class, a function or a block: pyjitc compiles top-level
 * functions only, so such a function would silently stay Python code (or
 * fail at its first call); say so where the user wrote it. */
static void reject_nested_native(Parser *P) {
  for (int i = 0; i + 1 < P->ntoks; i++) {
    if (P->toks[i].kind != TK_AT || P->toks[i].span.col == 0 || P->in_selected[i] ||
        !decorator_is_native(P, i + 1))
      continue;   /* inside a compiled function, the nested def itself is the error */
    const char *name = NULL;
    for (int j = i + 1; j + 1 < P->ntoks && !name; j++)
      if (kw_at(P, j, P->w.k_def) && P->toks[j + 1].kind == TK_NAME)
        name = P->ids[j + 1];
    Span sp = P->toks[i].span;
    sp.end_col = P->toks[i + 1].span.end_col;
    diag_error(P->d, sp, "@native applies only to functions defined at the top level of the "
                         "module (not methods, nested functions or functions inside a block); "
                         "move '%s' to the top level", name ? name : "it");
  }
}

/* The dotted name at the cursor ("a.b.c"), interned; NULL if none.  *first
 * gets its first component. */
static const char *dotted_name(Parser *P, const char **first) {
  if (!at(P, TK_NAME) || is_keyword(P, P->ids[P->pos]))
    return NULL;
  Str s = {0};
  *first = P->ids[P->pos];
  str_puts(&s, P->ids[P->pos]);
  advance(P);
  while (at(P, TK_DOT) && kind_at(P, P->pos + 1) == TK_NAME) {
    advance(P);
    str_putc(&s, '.');
    str_puts(&s, P->ids[P->pos]);
    advance(P);
  }
  const char *r = intern(P->in, s.buf, s.len);
  str_free(&s);
  return r;
}

/* The local name after 'as', or NULL when there is no 'as'. */
static const char *as_name(Parser *P) {
  if (!accept_kw(P, P->w.k_as))
    return NULL;
  if (!at(P, TK_NAME) || is_keyword(P, P->ids[P->pos])) {
    fail(P, cur(P)->span, "invalid syntax");
    return NULL;
  }
  const char *n = P->ids[P->pos];
  advance(P);
  return n;
}

static Node *import_node(Parser *P, Span sp, const char *mod, const char *alias, const char *member) {
  Node *n = mk(P, ND_IMPORT, sp);
  n->name = mod;
  n->sval = alias;
  n->str2 = member;
  return n;
}

/* Records which local names mean pyjitc / pyjitc.native. */
static void note_pyjitc(Parser *P, const Node *imp) {
  if (imp->name != P->w.k_pyjitc)
    return;
  if (!imp->str2)
    vec_push(P->arena, &P->pyjitc_names, imp->sval);
  else if (imp->str2 == P->w.k_native)
    vec_push(P->arena, &P->native_names, imp->sval);
  else if (!strcmp(imp->str2, "*"))
    vec_push(P->arena, &P->native_names, P->w.k_native);
}

/* import_name = 'import' dotted_as_names
 * import_from = 'from' dotted_name 'import' ('*' | '(' import_as_names ')' | import_as_names)
 * (relative imports are not recorded) */
static void top_import(Parser *P) {
  NodeList found = {0};
  bool is_from = at_kw(P, P->w.k_from);
  advance(P);
  if (!is_from) {
    do {
      Span st = cur(P)->span;
      const char *first = NULL, *mod = dotted_name(P, &first);
      if (!mod)
        break;
      const char *alias = as_name(P);
      if (alias)
        vec_push(P->arena, &found, import_node(P, from(P, st), mod, alias, NULL));
      else /* `import a.b` binds `a` */
        vec_push(P->arena, &found, import_node(P, from(P, st), first, first, NULL));
    } while (accept(P, TK_COMMA));
  } else {
    const char *first = NULL, *mod = dotted_name(P, &first);
    if (!mod || !accept_kw(P, P->w.k_import)) {
      skip_statement(P);
      return;
    }
    bool paren = accept(P, TK_LPAR);
    if (at(P, TK_STAR)) {
      const char *star = intern_cstr(P->in, "*");
      vec_push(P->arena, &found, import_node(P, cur(P)->span, mod, star, star));
      advance(P);
    } else {
      do {
        if (paren && at(P, TK_RPAR))
          break;
        Span st = cur(P)->span;
        if (!at(P, TK_NAME) || is_keyword(P, P->ids[P->pos]))
          break;
        const char *member = P->ids[P->pos];
        advance(P);
        const char *alias = as_name(P);
        vec_push(P->arena, &found, import_node(P, from(P, st), mod, alias ? alias : member, member));
      } while (accept(P, TK_COMMA));
    }
    if (paren && !accept(P, TK_RPAR))
      P->panic = true;
  }
  if (P->panic || !at(P, TK_NEWLINE)) {
    skip_statement(P);
    return;
  }
  advance(P);
  for (int i = 0; i < found.len; i++) {
    vec_push(P->arena, &P->module->list2, found.data[i]);
    note_pyjitc(P, found.data[i]);
  }
}

/* const = NAME [':' expression] '=' star_expressions NEWLINE   (only when the
 * value parses as a subset expression; anything else is skipped) */
static void top_const(Parser *P) {
  Span start = cur(P)->span;
  Node *c = mk(P, ND_CONST, start);
  c->name = P->ids[P->pos];
  advance(P);
  if (accept(P, TK_COLON)) {
    c->b = parse_annotation(P);
    if (!at(P, TK_EQUAL)) {
      skip_statement(P);
      return;
    }
  }
  advance(P); /* = */
  c->a = parse_star_exprs(P);
  if (P->panic || P->reason || !at(P, TK_NEWLINE)) {
    skip_statement(P);
    return;
  }
  advance(P);
  c->span = span_join(start, c->a->span);
  vec_push(P->arena, &P->module->list2, c);
}

static void top_statement(Parser *P) {
  P->report = false;
  P->panic = false;
  P->reason = NULL;
  const char *id = P->ids[P->pos];
  if (at(P, TK_INDENT))
    skip_block(P);
  else if (at(P, TK_NEWLINE) || at(P, TK_DEDENT))
    advance(P);
  else if (at(P, TK_AT))
    top_decorated(P);
  else if (id == P->w.k_def) {
    DecoratorList none = {0};
    parse_def(P, &none);
  } else if (id == P->w.k_import || id == P->w.k_from)
    top_import(P);
  else if (id && !is_keyword(P, id) &&
           (kind_at(P, P->pos + 1) == TK_EQUAL || kind_at(P, P->pos + 1) == TK_COLON))
    top_const(P);
  else
    skip_statement(P);
}

/* ------------------------------------------------------------------ rebinding */

/* A module-level name is only a compile-time constant if nothing else binds
 * it: not a second assignment, `N += 1`, a for/with/except/import target, a
 * def/class/del, nor `global N` in a function.  A conservative token scan
 * counts every binding it can see; a constant bound twice is not recorded
 * (the compiled code would otherwise see a value CPython does not). */
static bool binds_here(Parser *P, int i, int depth, bool line_start, bool after_binder) {
  if (P->toks[i].kind != TK_NAME || is_keyword(P, P->ids[i]))
    return false;
  if (after_binder)
    return true;
  TokenKind next = kind_at(P, i + 1);
  if (next == TK_COLONEQUAL)
    return true;
  if (depth > 0)
    return false;
  if (next == TK_EQUAL || augassign_op(next) != OP_NONE)
    return true;
  return line_start && (next == TK_COLON || next == TK_COMMA);
}

static int count_bindings(Parser *P, const char *name) {
  int count = 0, depth = 0;
  bool line_start = true, binder = false;
  for (int i = 0; i < P->ntoks; i++) {
    const Token *t = &P->toks[i];
    const char *id = P->ids[i];
    bool in_def = P->in_def[i];
    if (!in_def || binder) {
      if (id == name && binds_here(P, i, depth, line_start, binder))
        count++;
    }
    if (t->kind == TK_LPAR || t->kind == TK_LSQB || t->kind == TK_LBRACE)
      depth++;
    else if (t->kind == TK_RPAR || t->kind == TK_RSQB || t->kind == TK_RBRACE)
      depth -= depth > 0;
    /* names after these keywords (until the line ends) are bound */
    if (!in_def && (id == P->w.k_def || id == P->w.k_class) && i + 1 < P->ntoks &&
        P->ids[i + 1] == name)
      count++;
    if (id == P->w.k_global || id == P->w.k_nonlocal ||
        (!in_def && (id == P->w.k_for || id == P->w.k_as || id == P->w.k_del ||
                     id == P->w.k_import)))
      binder = true;
    else if (id == P->w.k_in || is_layout(t->kind) || t->kind == TK_SEMI || t->kind == TK_COLON)
      binder = false;
    line_start = is_layout(t->kind) || t->kind == TK_SEMI;
  }
  return count;
}

static void drop_rebound_constants(Parser *P) {
  NodeList *l = &P->module->list2;
  int n = 0;
  for (int i = 0; i < l->len; i++) {
    Node *c = l->data[i];
    if (c->kind != ND_CONST || count_bindings(P, c->name) == 1)
      l->data[n++] = c;
  }
  l->len = n;
}

/* Every name a top-level statement binds (`L = [1]`, `N += 1`, `class K`,
 * `for J in ...`), constants or not, as ND_NAME nodes in module->a: the
 * checker uses them only to say "not a compile-time constant" rather than
 * "not defined" when compiled code reads such a global. */
static void collect_module_names(Parser *P) {
  Node *names = mk(P, ND_TUPLE, P->toks[0].span);
  for (int i = 0; i + 1 < P->ntoks; i++) {
    const Token *t = &P->toks[i];
    if (t->kind != TK_NAME || t->span.col != 0 || P->in_def[i])
      continue;
    const char *id = P->ids[i];
    int at_name = -1;
    TokenKind next = P->toks[i + 1].kind;
    if (id == P->w.k_class || id == P->w.k_for)
      at_name = i + 1;
    else if (!is_keyword(P, id) && (next == TK_EQUAL || next == TK_COLON || next == TK_COMMA ||
                                    augassign_op(next) != OP_NONE))
      at_name = i;
    if (at_name < 0 || P->toks[at_name].kind != TK_NAME || is_keyword(P, P->ids[at_name]))
      continue;
    Node *n = mk(P, ND_NAME, P->toks[at_name].span);
    n->name = P->ids[at_name];
    vec_push(P->arena, &names->list, n);
  }
  P->module->a = names;
}

/* ------------------------------------------------------------------ entry */

static void init_words(Parser *P) {
#define W(name) P->w.k_##name = intern_cstr(P->in, #name);
  PARSER_WORDS(W) SOFT_WORDS(W)
#undef W
}

/* Keeps the significant tokens, interns NAME texts, guarantees an ENDMARKER. */
static void filter_tokens(Parser *P, const TokenList *toks) {
  Token *out = ARENA_ARRAY(P->arena, Token, toks->len + 1);
  const char **ids = ARENA_ARRAY(P->arena, const char *, toks->len + 1);
  int n = 0;
  for (int i = 0; i < toks->len; i++) {
    const Token *t = &toks->tok[i];
    if (t->kind == TK_COMMENT || t->kind == TK_NL || t->kind == TK_ENCODING)
      continue;
    out[n] = *t;
    ids[n] = t->kind == TK_NAME ? intern(P->in, t->text, (size_t)t->len) : NULL;
    n++;
    if (t->kind == TK_ENDMARKER)
      break;
  }
  if (n == 0 || out[n - 1].kind != TK_ENDMARKER) {
    Span end = n ? out[n - 1].span : (Span){1, 0, 1, 0};
    out[n] = (Token){.kind = TK_ENDMARKER,
                     .span = {end.end_line, end.end_col, end.end_line, end.end_col},
                     .text = ""};
    ids[n++] = NULL;
  }
  P->toks = out;
  P->ids = ids;
  P->ntoks = n;
}

static const char *module_name(Parser *P, const Source *src) {
  const char *path = src && src->path ? src->path : "module";
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strchr(base, '.');
  return intern(P->in, base, dot ? (size_t)(dot - base) : strlen(base));
}

static void intern_only(Parser *P) {
  int n = 0;
  while (P->opt && P->opt->only && P->opt->only[n])
    n++;
  P->only = ARENA_ARRAY(P->arena, const char *, n + 1);
  P->only_seen = ARENA_ARRAY(P->arena, bool, n + 1);
  for (int i = 0; i < n; i++)
    P->only[i] = intern_cstr(P->in, P->opt->only[i]);
}

Module *parse_module(Arena *a, Interner *in, Diags *d, const Source *src, const TokenList *toks,
                     const ParseOptions *opt) {
  if (!toks || !toks->tok)
    return NULL;
  Parser *P = ARENA_NEW(a, Parser);
  P->arena = a;
  P->in = in;
  P->d = d;
  P->opt = opt;
  init_words(P);
  filter_tokens(P, toks);
  P->in_def = ARENA_ARRAY(a, bool, P->ntoks);
  P->in_selected = ARENA_ARRAY(a, bool, P->ntoks);
  intern_only(P);

  Module *m = ARENA_NEW(a, Module);
  m->src = src;
  m->names = in;
  m->name = module_name(P, src);
  P->module = m->node = node_new(a, ND_MODULE, P->toks[0].span);
  while (!at(P, TK_ENDMARKER)) {
    int before = P->pos;
    top_statement(P);
    if (P->pos == before)
      advance(P); /* never stall */
  }
  collect_module_names(P);
  reject_nested_native(P);
  drop_rebound_constants(P);
  m->node->span = span_join(P->toks[0].span, P->toks[P->ntoks - 1].span);
  m->node->name = m->name;
  for (int i = 0; P->only[i]; i++)
    if (!P->only_seen[i])
      diag_error(d, NO_SPAN, "--only: no top-level function named '%s' in this file", P->only[i]);
  return m;
}
