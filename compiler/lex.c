/* lex.c: STAGE 1, the tokenizer.  Source bytes -> the token stream that
 * CPython 3.11's pure-Python Lib/tokenize.py yields, quirks included.
 *
 * The structure follows tokenize.py on purpose, so that each difference in
 * behaviour has one place to look:
 *   - detect_encoding(): BOM, the PEP 263 cookie on line 1 or 2 (utf-8,
 *     latin-1 and ascii are supported; latin-1 text is transcoded to UTF-8);
 *   - lines are split at '\n' only (tokenize reads the file in binary mode, so
 *     a lone '\r' is an ordinary character inside a line);
 *   - per line: a continued string (contstr), or indentation for a new
 *     statement, or a continued statement; then the pseudo-token loop, which
 *     tries tokenize's PseudoToken alternatives in its order (first match
 *     wins, as in a regex alternation), and on no match emits one ERRORTOKEN
 *     character at the position *before* the skipped whitespace;
 *   - at EOF: the synthesized NEWLINE, the DEDENTs and ENDMARKER.
 * Offsets inside a line are bytes; spans are converted to character columns. */
#include "lex.h"

#include "lex_unicode.h"

typedef struct Line {
  const char *s; /* into Lexer.text */
  size_t len;    /* bytes, including the '\n' if there is one; 0 at EOF */
} Line;

/* The pseudo-token alternatives of tokenize.py, in its order. */
typedef enum {
  PT_NONE,     /* no alternative matched: ERRORTOKEN */
  PT_EMPTY,    /* \Z: only whitespace up to the end of the last line */
  PT_CONTLINE, /* backslash-newline */
  PT_COMMENT,
  PT_TRIPLE,   /* the opening of a triple-quoted string (prefix + 3 quotes) */
  PT_NUMBER,
  PT_NEWLINE,  /* \r?\n */
  PT_OP,       /* an exact operator */
  PT_STRING,   /* a single-quoted string closed on this line */
  PT_CONTSTR,  /* a single-quoted string continued by backslash-newline */
  PT_NAME,     /* \w+ */
} PseudoKind;

typedef struct Pseudo {
  PseudoKind kind;
  size_t start, end; /* byte offsets in the line */
  TokenKind op;      /* PT_OP: its exact kind */
  char quote;        /* PT_TRIPLE / PT_CONTSTR: the quote character */
} Pseudo;

typedef enum { ENC_UTF8, ENC_LATIN1, ENC_ASCII } Encoding;

typedef struct Lexer {
  Arena *a;
  Diags *d;
  const char *text; /* UTF-8 (or ASCII) text after the BOM */
  size_t len, next; /* next: offset of the next line to read */
  Encoding enc;
  bool transcoded;  /* the file was latin-1, text is its UTF-8 copy */
  VEC(Token) toks;
  VEC(int) indents;
  VEC(Token) brackets; /* open brackets, for the EOF-in-statement message */
  Span unmatched_close;
  int parenlev;
  bool continued;
  Span continued_at;
  int lnum;
  Line line;
  size_t col_off;   /* column cache for the current line: byte offset -> column */
  int col;
  /* An open string that spans lines (tokenize.py's contstr). */
  bool in_str, needcont, str_triple;
  char str_quote;
  const char *str_text;
  int str_line, str_col, str_open_len;
} Lexer;

const char *token_kind_name(TokenKind k) {
  static const char *const names[] = {
#define TOK(kind, spelling) #kind,
#include "tokens.def"
#undef TOK
  };
  return (unsigned)k < TK_COUNT_ ? names[k] : "?";
}

/* ---- characters ---- */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_hex(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_ascii_word(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* The byte at i of the line, or 0 past its end (0 never matches anything). */
static int at(Line ln, size_t i) { return i < ln.len ? (unsigned char)ln.s[i] : 0; }

/* Decodes the (already validated) UTF-8 character at s[i]; *n = its bytes. */
static uint32_t decode_utf8(const char *s, size_t i, size_t *n) {
  const unsigned char *p = (const unsigned char *)s + i;
  if (p[0] < 0x80) {
    *n = 1;
    return p[0];
  }
  if (p[0] < 0xE0) {
    *n = 2;
    return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
  }
  if (p[0] < 0xF0) {
    *n = 3;
    return ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  }
  *n = 4;
  return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
         ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* Strict UTF-8 as Python's decoder: no overlongs, surrogates or > U+10FFFF.
 * Returns the offset of the first bad byte, or n if all is well. */
static size_t utf8_invalid_at(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
      need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0)
        lo = 0xA0;
      if (c == 0xED)
        hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0)
        lo = 0x90;
      if (c == 0xF4)
        hi = 0x8F;
    } else
      return i;
    if (i + need >= n)
      return i;
    if (s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k <= need; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF)
        return i;
    i += need + 1;
  }
  return n;
}

/* Characters in s[0..n). */
static int count_chars(const char *s, size_t n) {
  int c = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80)
      c++;
  return c;
}

/* The character column of byte offset `off` of the current line.  Offsets
 * mostly grow along a line, so a cache makes long lines linear. */
static int col_of(Lexer *L, size_t off) {
  if (off < L->col_off) {
    L->col_off = 0;
    L->col = 0;
  }
  for (size_t i = L->col_off; i < off; i++)
    if (((unsigned char)L->line.s[i] & 0xC0) != 0x80)
      L->col++;
  L->col_off = off;
  return L->col;
}

/* ---- tokens ---- */

static void push(Lexer *L, TokenKind k, Span sp, const char *text, size_t len) {
  Token t = {.kind = k, .span = sp, .text = text, .len = (int)len};
  vec_push(L->a, &L->toks, t);
}

/* A token inside the current line, from byte offset b to e. */
static void emit(Lexer *L, TokenKind k, size_t b, size_t e) {
  int sc = col_of(L, b), ec = col_of(L, e);
  push(L, k, (Span){L->lnum, sc, L->lnum, ec}, L->line.s + b, e - b);
}

static Span line_span(Lexer *L, size_t b, size_t e) {
  int sc = col_of(L, b), ec = col_of(L, e);
  return (Span){L->lnum, sc, L->lnum, ec};
}

/* ---- the pseudo-token matchers (one per regex of tokenize.py) ---- */

/* [0-9](?:_?[0-9])*  -> end offset, or 0 if no match (a match is never empty). */
static size_t m_digitpart(Line ln, size_t p) {
  if (!is_digit(at(ln, p)))
    return 0;
  p++;
  for (;;) {
    if (is_digit(at(ln, p)))
      p++;
    else if (at(ln, p) == '_' && is_digit(at(ln, p + 1)))
      p += 2;
    else
      return p;
  }
}

/* [eE][-+]?[0-9](?:_?[0-9])* */
static size_t m_exponent(Line ln, size_t p) {
  if (at(ln, p) != 'e' && at(ln, p) != 'E')
    return 0;
  p++;
  if (at(ln, p) == '+' || at(ln, p) == '-')
    p++;
  return m_digitpart(ln, p);
}

/* Pointfloat: (digitpart '.' digitpart? | '.' digitpart) exponent? */
static size_t m_pointfloat(Line ln, size_t p) {
  size_t e = m_digitpart(ln, p);
  if (e && at(ln, e) == '.') {
    e++;
    size_t f = m_digitpart(ln, e);
    if (f)
      e = f;
  } else if (at(ln, p) == '.' && (e = m_digitpart(ln, p + 1)) != 0) {
    /* e is set */
  } else
    return 0;
  size_t x = m_exponent(ln, e);
  return x ? x : e;
}

/* Floatnumber: Pointfloat | digitpart exponent */
static size_t m_float(Line ln, size_t p) {
  size_t e = m_pointfloat(ln, p);
  if (e)
    return e;
  e = m_digitpart(ln, p);
  return e ? m_exponent(ln, e) : 0;
}

/* Imagnumber: digitpart [jJ] | Floatnumber [jJ] */
static size_t m_imag(Line ln, size_t p) {
  size_t e = m_digitpart(ln, p);
  if (e && (at(ln, e) == 'j' || at(ln, e) == 'J'))
    return e + 1;
  e = m_float(ln, p);
  if (e && (at(ln, e) == 'j' || at(ln, e) == 'J'))
    return e + 1;
  return 0;
}

/* 0[xX](?:_?[0-9a-fA-F])+ and its binary/octal cousins; `radix` picks the digits. */
static size_t m_radix(Line ln, size_t p, char letter, int radix) {
  if (at(ln, p) != '0' || (at(ln, p + 1) | 0x20) != letter)
    return 0;
  p += 2;
  size_t start = p;
  for (;;) {
    size_t q = at(ln, p) == '_' ? p + 1 : p;
    int c = at(ln, q);
    bool ok = radix == 16 ? is_hex(c) : radix == 8 ? (c >= '0' && c <= '7') : (c == '0' || c == '1');
    if (!ok)
      break;
    p = q + 1;
  }
  return p > start ? p : 0;
}

/* Intnumber: hex | bin | oct | 0(?:_?0)* | [1-9](?:_?[0-9])* */
static size_t m_int(Line ln, size_t p) {
  size_t e;
  if ((e = m_radix(ln, p, 'x', 16)) || (e = m_radix(ln, p, 'b', 2)) ||
      (e = m_radix(ln, p, 'o', 8)))
    return e;
  if (at(ln, p) == '0') {
    p++;
    for (;;) {
      if (at(ln, p) == '0')
        p++;
      else if (at(ln, p) == '_' && at(ln, p + 1) == '0')
        p += 2;
      else
        return p;
    }
  }
  if (at(ln, p) >= '1' && at(ln, p) <= '9')
    return m_digitpart(ln, p);
  return 0;
}

static size_t m_number(Line ln, size_t p) {
  size_t e;
  if ((e = m_imag(ln, p)) || (e = m_float(ln, p)) || (e = m_int(ln, p)))
    return e;
  return 0;
}

/* StringPrefix followed by a quote: returns the prefix length (0-2) or -1.
 * Valid prefixes, any case: "", b, r, u, f, br, rb, fr, rf. */
static int m_string_prefix(Line ln, size_t p) {
  char pre[2];
  for (int k = 0; k <= 2; k++) {
    int c = at(ln, p + k);
    if (c == '\'' || c == '"') {
      if (k < 2)
        return k; /* "" or one of b r u f (checked below as it was read) */
      char a = (char)(pre[0] | 0x20), b = (char)(pre[1] | 0x20);
      bool ok = (a == 'b' && b == 'r') || (a == 'r' && b == 'b') || (a == 'f' && b == 'r') ||
                (a == 'r' && b == 'f');
      return ok ? k : -1;
    }
    if (k == 2 || !c || !strchr("brufBRUF", c))
      return -1;
    pre[k] = (char)c;
  }
  return -1;
}

/* The longest exact operator at p (tokenize's Special, sorted so that longer
 * spellings win), or TK_COUNT_. */
static TokenKind m_operator(Line ln, size_t p, size_t *len) {
  static const struct {
    const char *sp;
    TokenKind kind;
  } ops[] = {
#define TOK(kind, spelling) {spelling, TK_##kind},
#include "tokens.def"
#undef TOK
  };
  TokenKind best = TK_COUNT_;
  size_t best_len = 0;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    const char *sp = ops[i].sp;
    if (!sp)
      continue;
    size_t n = strlen(sp);
    if (n > best_len && p + n <= ln.len && memcmp(ln.s + p, sp, n) == 0) {
      best = ops[i].kind;
      best_len = n;
    }
  }
  *len = best_len;
  return best;
}

/* The rest of a single-quoted string on its first line (ContStr's tail):
 * [^\n'\\]*(?:\\.[^\n'\\]*)* then the quote or a backslash-newline.
 * Returns the end offset, or 0; *continued says which ending matched. */
static size_t m_single_tail(Line ln, size_t p, char q, bool *continued) {
  while (p < ln.len) {
    int c = at(ln, p);
    if (c == q) {
      *continued = false;
      return p + 1;
    }
    if (c == '\n')
      return 0;
    if (c == '\\') {
      int n1 = at(ln, p + 1);
      if (n1 == '\n' || (n1 == '\r' && at(ln, p + 2) == '\n')) {
        *continued = true;
        return p + (n1 == '\n' ? 2 : 3);
      }
      if (p + 1 >= ln.len)
        return 0;
      p += 2;
      continue;
    }
    p++;
  }
  return 0;
}

/* The end of a string's remaining text from p (tokenize's endpats): for a
 * triple quote [^q\\]*(?:(?:\\.|q(?!qq))[^q\\]*)*qqq, else [^q\\]*(?:\\.[^q\\]*)*q.
 * `.` does not match '\n', so a backslash before '\n' ends the attempt. */
static size_t m_string_end(Line ln, size_t p, char q, bool triple) {
  while (p < ln.len) {
    int c = at(ln, p);
    if (c == q) {
      if (!triple)
        return p + 1;
      if (at(ln, p + 1) == q && at(ln, p + 2) == q)
        return p + 3;
      p++;
    } else if (c == '\\') {
      if (p + 1 >= ln.len || at(ln, p + 1) == '\n')
        return 0;
      p += 2;
    } else
      p++;
  }
  return 0;
}

/* \w+ from p; 0 if the character at p is not a word character. */
static size_t m_name(Line ln, size_t p) {
  size_t e = p;
  while (e < ln.len) {
    unsigned char c = (unsigned char)ln.s[e];
    if (c < 0x80) {
      if (!is_ascii_word(c))
        break;
      e++;
      continue;
    }
    size_t n;
    uint32_t cp = decode_utf8(ln.s, e, &n);
    if (!lex_is_word_cp(cp))
      break;
    e += n;
  }
  return e > p ? e : 0;
}

static bool starts_identifier(Line ln, size_t p) {
  unsigned char c = (unsigned char)ln.s[p];
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  size_t n;
  return lex_is_id_start_cp(decode_utf8(ln.s, p, &n));
}

/* Whitespace + group(PseudoExtras, Number, Funny, ContStr, Name) at pos. */
static Pseudo match_pseudo(Line ln, size_t pos) {
  Pseudo m = {.kind = PT_NONE};
  size_t s = pos;
  while (at(ln, s) == ' ' || at(ln, s) == '\t' || at(ln, s) == '\f')
    s++;
  m.start = s;
  int c = at(ln, s);
  size_t e;
  /* PseudoExtras: \\\r?\n | \Z, Comment, Triple */
  if (c == '\\' && (at(ln, s + 1) == '\n' || (at(ln, s + 1) == '\r' && at(ln, s + 2) == '\n'))) {
    m.kind = PT_CONTLINE;
    m.end = s + (at(ln, s + 1) == '\n' ? 2 : 3);
    return m;
  }
  if (s >= ln.len) {
    m.kind = PT_EMPTY;
    m.end = s;
    return m;
  }
  if (c == '#') {
    e = s;
    while (e < ln.len && ln.s[e] != '\r' && ln.s[e] != '\n')
      e++;
    m.kind = PT_COMMENT;
    m.end = e;
    return m;
  }
  int pre = m_string_prefix(ln, s);
  if (pre >= 0) {
    char q = (char)at(ln, s + (size_t)pre);
    if (at(ln, s + (size_t)pre + 1) == q && at(ln, s + (size_t)pre + 2) == q) {
      m.kind = PT_TRIPLE;
      m.end = s + (size_t)pre + 3;
      m.quote = q;
      return m;
    }
  }
  /* Number */
  if ((e = m_number(ln, s)) != 0) {
    m.kind = PT_NUMBER;
    m.end = e;
    return m;
  }
  /* Funny: \r?\n, Special */
  if (c == '\n' || (c == '\r' && at(ln, s + 1) == '\n')) {
    m.kind = PT_NEWLINE;
    m.end = s + (c == '\n' ? 1 : 2);
    return m;
  }
  size_t oplen;
  TokenKind op = m_operator(ln, s, &oplen);
  if (op != TK_COUNT_) {
    m.kind = PT_OP;
    m.op = op;
    m.end = s + oplen;
    return m;
  }
  /* ContStr */
  if (pre >= 0) {
    char q = (char)at(ln, s + (size_t)pre);
    bool cont = false;
    if ((e = m_single_tail(ln, s + (size_t)pre + 1, q, &cont)) != 0) {
      m.kind = cont ? PT_CONTSTR : PT_STRING;
      m.end = e;
      m.quote = q;
      return m;
    }
  }
  /* Name */
  if ((e = m_name(ln, s)) != 0) {
    m.kind = PT_NAME;
    m.end = e;
    return m;
  }
  return m;
}

/* ---- lines ---- */

static Line read_line(Lexer *L) {
  Line ln = {L->text + L->next, 0};
  if (L->next >= L->len)
    return ln;
  const char *nl = memchr(ln.s, '\n', L->len - L->next);
  ln.len = nl ? (size_t)(nl - ln.s) + 1 : L->len - L->next;
  L->next += ln.len;
  return ln;
}

/* Python decodes each line as it reads it; a line that does not decode stops
 * tokenizing there. */
static bool check_decodes(Lexer *L, Line ln) {
  size_t bad = ln.len;
  if (L->enc == ENC_UTF8)
    bad = utf8_invalid_at(ln.s, ln.len);
  else if (L->enc == ENC_ASCII)
    for (size_t i = 0; i < ln.len && bad == ln.len; i++)
      if ((unsigned char)ln.s[i] >= 0x80)
        bad = i;
  if (bad == ln.len)
    return true;
  int col = count_chars(ln.s, bad);
  diag_error(L->d, (Span){L->lnum, col, L->lnum, col + 1},
             "byte 0x%02x is not valid %s; save the file as UTF-8 or declare its encoding "
             "with a '# -*- coding: latin-1 -*-' comment on line 1",
             (unsigned char)ln.s[bad], L->enc == ENC_ASCII ? "ASCII" : "UTF-8");
  return false;
}

/* The string that began on an earlier line continues on this one. */
typedef enum { CS_DONE, CS_MORE, CS_ERRORTOKEN } ContResult;

static ContResult continue_string(Lexer *L, size_t *pos) {
  Line ln = L->line;
  size_t end = m_string_end(ln, 0, L->str_quote, L->str_triple);
  const char *line_end = ln.s + ln.len;
  if (end) {
    Span sp = {L->str_line, L->str_col, L->lnum, col_of(L, end)};
    push(L, TK_STRING, sp, L->str_text, (size_t)(ln.s + end - L->str_text));
    L->in_str = false;
    L->needcont = false;
    *pos = end;
    return CS_DONE;
  }
  bool ends_cont = (ln.len >= 2 && ln.s[ln.len - 2] == '\\' && ln.s[ln.len - 1] == '\n') ||
                   (ln.len >= 3 && memcmp(ln.s + ln.len - 3, "\\\r\n", 3) == 0);
  if (L->needcont && !ends_cont) {
    Span sp = {L->str_line, L->str_col, L->lnum, col_of(L, ln.len)};
    push(L, TK_ERRORTOKEN, sp, L->str_text, (size_t)(line_end - L->str_text));
    L->in_str = false;
    return CS_ERRORTOKEN;
  }
  return CS_MORE;
}

static void push_indent_error(Lexer *L, size_t pos, int column) {
  Str levels = {0};
  for (int i = 0; i < L->indents.len; i++)
    str_printf(&levels, "%s%d", i ? ", " : "", L->indents.data[i]);
  diag_error(L->d, line_span(L, pos, pos + 1),
             "unindent does not match any outer indentation level (this line is indented to "
             "column %d; the enclosing blocks are at columns %s)",
             column, levels.buf);
  str_free(&levels);
}

/* A new statement's line: indentation, or a blank/comment line.  Returns
 * 1 to go on to the tokens, 0 to go to the next line, -1 to stop at EOF,
 * -2 on an indentation error. */
static int start_statement(Lexer *L, size_t *ppos) {
  Line ln = L->line;
  if (!ln.len)
    return -1;
  size_t pos = 0;
  int column = 0;
  for (; pos < ln.len; pos++) {
    char c = ln.s[pos];
    if (c == ' ')
      column++;
    else if (c == '\t')
      column = (column / 8 + 1) * 8;
    else if (c == '\f')
      column = 0;
    else
      break;
  }
  if (pos == ln.len)
    return -1;
  char c = ln.s[pos];
  if (c == '#' || c == '\r' || c == '\n') {
    if (c == '#') {
      size_t e = ln.len;
      while (e > pos && (ln.s[e - 1] == '\r' || ln.s[e - 1] == '\n'))
        e--;
      emit(L, TK_COMMENT, pos, e);
      pos = e;
    }
    emit(L, TK_NL, pos, ln.len);
    return 0;
  }
  if (column > L->indents.data[L->indents.len - 1]) {
    vec_push(L->a, &L->indents, column);
    emit(L, TK_INDENT, 0, pos);
  }
  while (column < L->indents.data[L->indents.len - 1]) {
    bool found = false;
    for (int i = 0; i < L->indents.len; i++)
      found |= L->indents.data[i] == column;
    if (!found) {
      push_indent_error(L, pos, column);
      return -2;
    }
    L->indents.len--;
    emit(L, TK_DEDENT, pos, pos);
  }
  *ppos = pos;
  return 1;
}

static void open_bracket(Lexer *L, Span sp, const char *text) {
  Token t = {.kind = TK_OP, .span = sp, .text = text, .len = 1};
  if (L->parenlev >= 0)
    vec_push(L->a, &L->brackets, t);
  L->parenlev++;
}

static void close_bracket(Lexer *L, Span sp) {
  L->parenlev--;
  if (L->parenlev >= 0 && L->brackets.len)
    L->brackets.len--;
  else if (L->parenlev < 0)
    L->unmatched_close = sp;
}

/* The pseudo-token loop over the rest of the current line. */
static void scan_tokens(Lexer *L, size_t pos) {
  Line ln = L->line;
  while (pos < ln.len) {
    Pseudo m = match_pseudo(ln, pos);
    size_t s = m.start, e = m.end;
    switch (m.kind) {
    case PT_NONE:
      /* tokenize emits one character at pos, *before* the skipped
       * whitespace, then retries from the next one; each retry skips to the
       * same failing character, so the whole run is done here at once (this
       * keeps a long run of blanks before a stray character linear). */
      for (; pos < s; pos++)
        emit(L, TK_ERRORTOKEN, pos, pos + 1);
      e = pos + 1;
      while (e < ln.len && ((unsigned char)ln.s[e] & 0xC0) == 0x80)
        e++;
      emit(L, TK_ERRORTOKEN, pos, e);
      pos = e;
      continue;
    case PT_EMPTY:
      pos = e;
      continue;
    case PT_CONTLINE:
      L->continued = true;
      L->continued_at = line_span(L, s, s + 1);
      break;
    case PT_COMMENT:
      emit(L, TK_COMMENT, s, e);
      break;
    case PT_NUMBER:
      emit(L, TK_NUMBER, s, e);
      break;
    case PT_NEWLINE:
      emit(L, L->parenlev > 0 ? TK_NL : TK_NEWLINE, s, e);
      break;
    case PT_OP: {
      Span sp = line_span(L, s, e);
      char c = ln.s[s];
      if (c == '(' || c == '[' || c == '{')
        open_bracket(L, sp, ln.s + s);
      else if (c == ')' || c == ']' || c == '}')
        close_bracket(L, sp);
      push(L, m.op, sp, ln.s + s, e - s);
      break;
    }
    case PT_STRING:
      emit(L, TK_STRING, s, e);
      break;
    case PT_NAME:
      emit(L, starts_identifier(ln, s) ? TK_NAME : TK_OP, s, e);
      break;
    case PT_TRIPLE: {
      size_t end = m_string_end(ln, e, m.quote, true);
      if (end) {
        emit(L, TK_STRING, s, end);
        e = end;
        break;
      }
      /* needcont is left as it is: tokenize.py only clears it when a
       * continued string ends normally, so after an unterminated
       * backslash-continued string, a later multi-line triple-quoted string
       * becomes an ERRORTOKEN at its first line end. */
      L->in_str = true;
      L->str_triple = true;
      L->str_quote = m.quote;
      L->str_text = ln.s + s;
      L->str_line = L->lnum;
      L->str_col = col_of(L, s);
      L->str_open_len = (int)(e - s);
      return;
    }
    case PT_CONTSTR:
      L->in_str = true;
      L->needcont = true;
      L->str_triple = false;
      L->str_quote = m.quote;
      L->str_text = ln.s + s;
      L->str_line = L->lnum;
      L->str_col = col_of(L, s);
      L->str_open_len = 1;
      return;
    }
    pos = e;
  }
}

/* tokenize.py's `last_line.strip().startswith("#")`. */
static bool strips_to_comment(Line ln) {
  size_t i = 0;
  while (i < ln.len) {
    size_t n;
    uint32_t cp = decode_utf8(ln.s, i, &n);
    bool space = cp < 0x80 ? (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F))
                           : lex_is_space_cp(cp);
    if (!space)
      return cp == '#';
    i += n;
  }
  return false;
}

static void finish(Lexer *L, Line last) {
  const char *end = L->text + L->len;
  if (last.len && last.s[last.len - 1] != '\r' && last.s[last.len - 1] != '\n' &&
      !strips_to_comment(last)) {
    int c = count_chars(last.s, last.len);
    push(L, TK_NEWLINE, (Span){L->lnum - 1, c, L->lnum - 1, c + 1}, end, 0);
  }
  for (int i = 1; i < L->indents.len; i++)
    push(L, TK_DEDENT, (Span){L->lnum, 0, L->lnum, 0}, end, 0);
  push(L, TK_ENDMARKER, (Span){L->lnum, 0, L->lnum, 0}, end, 0);
}

static void eof_in_statement(Lexer *L) {
  if (L->parenlev > 0 && L->brackets.len) {
    Token t = L->brackets.data[L->brackets.len - 1];
    diag_error(L->d, t.span, "'%c' was never closed (end of file inside a bracketed expression)",
               t.text[0]);
  } else if (L->parenlev < 0) {
    diag_error(L->d, L->unmatched_close,
               "unmatched closing bracket (end of file in a multi-line statement)");
  } else {
    diag_error(L->d, L->continued_at,
               "end of file after a line-continuation backslash; remove the backslash or "
               "add the next line");
  }
}

static void eof_in_string(Lexer *L) {
  Span sp = {L->str_line, L->str_col, L->str_line, L->str_col + L->str_open_len};
  if (L->str_triple)
    diag_error(L->d, sp, "unterminated triple-quoted string (end of file reached; close it "
                         "with %c%c%c)", L->str_quote, L->str_quote, L->str_quote);
  else
    diag_error(L->d, sp, "unterminated string literal continued with backslash-newline "
                         "(end of file reached)");
}

/* tokenize.py's _tokenize() loop; false on an error (already reported). */
static bool lex_lines(Lexer *L) {
  Line last = {L->text, 0};
  for (;;) {
    last = L->line;
    L->line = read_line(L);
    L->lnum++;
    L->col_off = 0;
    L->col = 0;
    if (!check_decodes(L, L->line))
      return false;
    size_t pos = 0;
    if (L->in_str) {
      if (!L->line.len) {
        eof_in_string(L);
        return false;
      }
      ContResult r = continue_string(L, &pos);
      if (r != CS_DONE)
        continue;
    } else if (L->parenlev == 0 && !L->continued) {
      int r = start_statement(L, &pos);
      if (r == -1)
        break;
      if (r == -2)
        return false;
      if (r == 0)
        continue;
    } else {
      if (!L->line.len) {
        eof_in_statement(L);
        return false;
      }
      L->continued = false;
    }
    scan_tokens(L, pos);
  }
  finish(L, last);
  return true;
}

/* ---- encoding detection (tokenize.detect_encoding) ---- */

static bool line_is_blank_or_comment(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'))
    i++;
  return i == n || s[i] == '#' || s[i] == '\r' || s[i] == '\n';
}

/* cookie_re: ^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+) (ASCII).  Returns the
 * name's length (and *name) or 0. */
static size_t find_cookie_name(const char *s, size_t n, const char **name) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'))
    i++;
  if (i >= n || s[i] != '#')
    return 0;
  for (size_t k = i + 1; k + 7 <= n && s[k] != '\n'; k++) {
    if (memcmp(s + k, "coding", 6) != 0 || (s[k + 6] != ':' && s[k + 6] != '='))
      continue;
    size_t j = k + 7;
    while (j < n && (s[j] == ' ' || s[j] == '\t'))
      j++;
    size_t b = j;
    while (j < n && (is_ascii_word((unsigned char)s[j]) || s[j] == '-' || s[j] == '.'))
      j++;
    if (j > b) {
      *name = s + b;
      return j - b;
    }
  }
  return 0;
}

static bool name_in(const char *norm, const char *const *list) {
  for (; *list; list++)
    if (strcmp(norm, *list) == 0)
      return true;
  return false;
}

/* Maps a cookie's encoding name to what we support, as Python's codec
 * lookup would (case-insensitive, '-' and '_' alike).  false: unsupported. */
static bool lookup_encoding(const char *name, size_t n, Encoding *enc) {
  char norm[64];
  if (n >= sizeof norm)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    norm[i] = c == '-' ? '_' : (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
  }
  norm[n] = 0;
  static const char *const utf8[] = {"utf_8", "utf8", "u8", "utf", "utf8_ucs2", "utf8_ucs4",
                                     "cp65001", NULL};
  static const char *const latin1[] = {"latin_1", "latin1", "iso_8859_1", "iso8859_1", "8859",
                                       "cp819", "l1", "latin", "iso_ir_100", "csisolatin1",
                                       "ibm819", "iso_8859_1_1987", "iso8859", NULL};
  static const char *const ascii[] = {"ascii", "us_ascii", "646", "us", "cp367", "csascii",
                                      "ibm367", "iso646_us", "iso_ir_6", "ansi_x3.4_1968",
                                      "ansi_x3_4_1968", "ansi_x3.4_1986", "iso_646.irv_1991", NULL};
  /* tokenize's _get_normal_name maps "utf-8-*", "latin-1-*", "iso-8859-1-*"
   * and "iso-latin-1(-*)" itself (looking at the first 12 characters). */
  if (strncmp(norm, "utf_8_", 6) == 0 || name_in(norm, utf8))
    *enc = ENC_UTF8;
  else if (strncmp(norm, "latin_1_", 8) == 0 || strncmp(norm, "iso_8859_1_", 11) == 0 ||
           strcmp(norm, "iso_latin_1") == 0 || strncmp(norm, "iso_latin_1_", 12) == 0 ||
           name_in(norm, latin1))
    *enc = ENC_LATIN1;
  else if (name_in(norm, ascii))
    *enc = ENC_ASCII;
  else
    return false;
  return true;
}

static const char *encoding_name(Encoding e) {
  switch (e) {
  case ENC_UTF8: return "utf-8";
  case ENC_LATIN1: return "iso-8859-1";
  case ENC_ASCII: return "ascii";
  }
  return "utf-8";
}

/* One of the first two lines: 1 = cookie found, 0 = none, -1 = error. */
static int check_cookie(Lexer *L, const char *s, size_t n, int lnum, bool bom, Encoding *enc) {
  size_t bad = utf8_invalid_at(s, n);
  if (bad < n) {
    int col = count_chars(s, bad);
    diag_error(L->d, (Span){lnum, col, lnum, col + 1},
               "invalid or missing encoding declaration: byte 0x%02x is not UTF-8; add "
               "'# -*- coding: latin-1 -*-' (or save the file as UTF-8)",
               (unsigned char)s[bad]);
    return -1;
  }
  const char *name;
  size_t len = find_cookie_name(s, n, &name);
  if (!len)
    return 0;
  int col = count_chars(s, (size_t)(name - s));
  Span sp = {lnum, col, lnum, col + (int)len};
  if (!lookup_encoding(name, len, enc)) {
    diag_error(L->d, sp, "source encoding '%.*s' is not supported (pyjitc reads utf-8, latin-1 "
               "and ascii source)", (int)len, name);
    return -1;
  }
  if (bom && *enc != ENC_UTF8) {
    diag_error(L->d, sp, "encoding problem: the file starts with a UTF-8 byte order mark but "
               "declares '%.*s'", (int)len, name);
    return -1;
  }
  return 1;
}

static size_t line_len_at(const char *s, size_t n) {
  const char *nl = memchr(s, '\n', n);
  return nl ? (size_t)(nl - s) + 1 : n;
}

/* Sets L->text/len/enc; false on an error. */
static bool detect_encoding(Lexer *L, const Source *src) {
  const char *t = src->text;
  size_t n = src->len;
  bool bom = n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0;
  if (bom) {
    t += 3;
    n -= 3;
  }
  L->enc = ENC_UTF8;
  L->text = t;
  L->len = n;
  if (!n)
    return true;
  size_t n1 = line_len_at(t, n);
  int r = check_cookie(L, t, n1, 1, bom, &L->enc);
  if (r < 0)
    return false;
  if (r == 0 && line_is_blank_or_comment(t, n1) && n1 < n) {
    size_t n2 = line_len_at(t + n1, n - n1);
    if (check_cookie(L, t + n1, n2, 2, bom, &L->enc) < 0)
      return false;
  }
  if (L->enc == ENC_LATIN1) {
    /* Transcode so that the rest of the lexer (and the parser) sees UTF-8;
     * columns are unchanged, as every latin-1 byte is one character. */
    char *u = arena_alloc(L->a, 2 * n + 1), *o = u;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)t[i];
      if (c < 0x80)
        *o++ = (char)c;
      else {
        *o++ = (char)(0xC0 | (c >> 6));
        *o++ = (char)(0x80 | (c & 0x3F));
      }
    }
    L->text = u;
    L->len = (size_t)(o - u);
    L->enc = ENC_UTF8; /* valid by construction */
    L->transcoded = true;
  }
  return true;
}

TokenList lex_source(Arena *a, Diags *d, const Source *src) {
  Lexer L = {.a = a, .d = d};
  vec_push(a, &L.indents, 0);
  TokenList out = {0};
  bool ok = detect_encoding(&L, src);
  if (ok) {
    const char *name = encoding_name(L.transcoded ? ENC_LATIN1 : L.enc);
    push(&L, TK_ENCODING, (Span){0, 0, 0, 0}, name, strlen(name));
    L.line = (Line){L.text, 0};
    ok = lex_lines(&L);
  }
  out.tok = L.toks.data;
  out.len = L.toks.len;
  out.ok = ok;
  return out;
}
