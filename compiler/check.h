/* check.h: STAGE 3 interface.  Resolves names, infers and checks types, and
 * decides what gets compiled.  Its output, a Program, is all that lowering
 * needs: every expression node has `ty` (its value type), every conversion is
 * an explicit ND_CAST, every name its Symbol, every call its callee. */
#ifndef PJ_CHECK_H
#define PJ_CHECK_H

#include "ast.h"
#include "types.h"
#include "../stdlib/stdlib.h"

typedef enum { SYM_LOCAL, SYM_PARAM, SYM_CONST } SymKind;

struct Symbol {
  SymKind kind;
  const char *name;
  Type *ty;        /* storage type: what the variable holds (locals: after
                      int/float unification; annotated: as annotated) */
  Span decl;       /* first binding: parameter or first assignment */
  int index;       /* SYM_PARAM: position; SYM_LOCAL: number within its FuncInst */
  Node *value;     /* SYM_CONST: folded ND_INT / ND_FLOAT / ND_BOOL node */
};

/* One compiled version of a function: an annotated function has one; an
 * unannotated function called from compiled code has one per distinct
 * tuple of argument types (call-site specialization). */
struct FuncInst {
  Node *func;              /* ND_FUNC; a specialization owns a clone of the body */
  const char *name;        /* Python name */
  const char *symbol;      /* unique native name: "sum_squares", "helper__f64_i64" */
  int nparams;
  Symbol **params;         /* SYM_PARAM, in order; params[i]->ty is the storage type */
  Node **defaults;         /* per param: folded constant default or NULL */
  Type *ret;               /* return storage type; TY_NONE for `-> None` */
  VEC(Symbol *) locals;    /* every local (params excluded), in first-binding order */
  bool exported;           /* selected (@native / --only): gets a Python wrapper */
  bool has_loops;          /* contains a loop or a call: the wrapper releases the GIL */
  int flags;               /* FN_* from the ND_FUNC */
};

typedef struct Program {
  Module *mod;
  TypeTable *types;
  VEC(FuncInst *) funcs;   /* exported ones first, in source order; then specializations */
  VEC(Symbol *) consts;    /* module constants compiled code reads */
} Program;

/* Type-checks every selected function (and, through calls, the functions they
 * call).  Errors go to `d`; checking goes on after an error to report more.
 * Returns NULL if any error was reported. */
Program *check_program(Arena *a, Interner *in, Diags *d, Module *m, TypeTable *types);

/* `pyjitc dump --types`: each FuncInst's signature and locals, then the AST
 * with each expression's type. */
void check_dump(Str *out, const Program *p);

#endif
