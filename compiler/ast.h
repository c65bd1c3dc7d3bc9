/* ast.h: STAGE 2 interface.  The AST of the compiled functions of one file.
 *
 * One generic node struct (as chibicc does): each kind uses the fields that
 * ast.def lists for it and leaves the rest zero.  Every node carries its
 * Span; nodes the compiler makes carry NO_SPAN or the span of the source they
 * stand for.  The checker fills `ty` (and `sym`, `callee`, `builtin`) in place. */
#ifndef PJ_AST_H
#define PJ_AST_H

#include "base.h"
#include "diag.h"
#include "lex.h"

typedef enum {
#define NODE(kind, name, roles) ND_##kind,
#include "ast.def"
#undef NODE
  ND_COUNT_
} NodeKind;

typedef enum {
  OP_NONE,
  /* binary arithmetic, also the op of ND_AUGASSIGN */
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_MATMUL,
  OP_LSHIFT, OP_RSHIFT, OP_BITAND, OP_BITOR, OP_BITXOR,
  /* unary */
  OP_NEG, OP_POS, OP_NOT, OP_INVERT,
  /* comparisons */
  OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IS, OP_ISNOT, OP_IN, OP_NOTIN,
  /* boolean */
  OP_AND, OP_OR,
} Op;
const char *op_spelling(Op op); /* "+", "//", "not in", ... */

typedef struct Node Node;
typedef struct Type Type;
typedef struct Symbol Symbol;
typedef struct FuncInst FuncInst;

typedef VEC(Node *) NodeList;

/* ND_FUNC flags */
enum {
  FN_NATIVE = 1 << 0,        /* decorated @native or @native(...) */
  FN_ONLY = 1 << 1,          /* selected with --only */
  FN_BOUNDSCHECK_OFF = 1 << 2,   /* @native(boundscheck=False) */
  FN_OVERFLOWCHECK_OFF = 1 << 3, /* @native(overflowcheck=False) */
  FN_FASTMATH = 1 << 4,          /* @native(fastmath=True) */
  FN_UNSUPPORTED = 1 << 5,   /* not selected, and its body is outside the subset:
                                `sval` holds the first reason, `reason_span` where.
                                Its body is not kept.  Unselected functions that
                                parse are kept too: compiled code may call them,
                                and the checker specializes them per call site. */
  FN_PARSE_ERROR = 1 << 6,   /* selected, and the parser reported errors in it: the
                                checker takes its signature but skips its body, so
                                the other functions still get checked in the same run */
  FN_SIG_ERROR = 1 << 7,     /* the parser gave up inside the signature (with FN_PARSE_ERROR):
                                parameters or the return annotation may be missing, so
                                the checker does not also report them as missing */
};

struct Node {
  NodeKind kind;
  Span span;
  Op op;
  Node *a, *b, *c;
  NodeList list, list2;
  VEC(Op) ops;              /* ND_COMPARE */
  const char *name;         /* interned */
  const char *sval, *str2;
  int64_t ival;
  double fval;
  int flags;
  const char *doc;          /* ND_FUNC: docstring or NULL */
  Span reason_span;         /* ND_FUNC with FN_UNSUPPORTED */

  /* ---- filled by the checker */
  Type *ty;                 /* expressions: the value type (see types.h) */
  Symbol *sym;              /* ND_NAME, ND_PARAM, ND_ANNASSIGN target: the variable */
  FuncInst *callee;         /* ND_CALL of a compiled function */
  int builtin;              /* ND_CALL/ND_ATTR/ND_NAME of a builtin: a BI_* id (stdlib.h); 0 = none */
};

/* What the parser returns for a file. */
typedef struct Module {
  Node *node;                /* ND_MODULE */
  const char *name;          /* module name: file's base name without .py */
  const Source *src;
  Interner *names;
} Module;

/* Which functions to compile: those decorated @native (with `native` imported
 * from pyjitc), plus the names in `only` (NULL-terminated, or NULL). */
typedef struct ParseOptions {
  const char *const *only;
} ParseOptions;

/* Parses the whole file.  Python outside the selected functions is only
 * checked for well-formedness at the token level (it will run as Python);
 * top-level imports and NAME = constant assignments are recorded.  Inside a
 * selected function, every construct outside the subset is reported by name.
 * Returns NULL only if the file could not be tokenized at all. */
Module *parse_module(Arena *a, Interner *in, Diags *d, const Source *src,
                     const TokenList *toks, const ParseOptions *opt);

Node *node_new(Arena *a, NodeKind kind, Span sp);
const char *node_kind_name(NodeKind k);
/* Whether pred holds for n or any node below it (a, b, c, list, list2). */
bool node_any(const Node *n, bool (*pred)(const Node *n, const void *ctx), const void *ctx);
/* n without the checker's conversions around it (NULL stays NULL). */
const Node *node_uncast(const Node *n);

/* `pyjitc dump --ast`: an indented tree, one node per line with its span
 * ("line:col-end_line:end_col").  The typed dump is check_dump (check.h). */
void ast_dump(Str *out, const Module *m);

#endif
