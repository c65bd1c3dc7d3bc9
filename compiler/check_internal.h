/* check_internal.h: private to the checker (check*.c).  The checker's state:
 * one Check per program (module scope, specializations, the type table) and
 * one Fn per function being checked (its variables, return type, and the
 * definite-assignment state).
 *
 * How a function is checked (check.c: check_inst):
 *  1. its variables are collected (every name bound anywhere in the body is
 *     local, as in Python);
 *  2. "quiet" passes run the whole checker over throwaway clones of the body
 *     with diagnostics suppressed, until the types of unannotated locals (and
 *     the inferred return type) stop changing: this is how `x = 0` followed by
 *     `x += 0.5` in a loop makes x a float everywhere;
 *  3. one "loud" pass over the real body with the types fixed reports errors,
 *     inserts the ND_CASTs and fills ty/sym/callee/builtin.
 * A NULL Type* means "unknown or erroneous": it propagates silently, so one
 * mistake gives one error. */
#ifndef PJ_CHECK_INTERNAL_H
#define PJ_CHECK_INTERNAL_H

#include "check.h"

typedef enum { GL_FUNC, GL_CONST, GL_MODULE, GL_MEMBER } GlobalKind;

/* A module-level name. */
typedef struct Global {
  GlobalKind kind;
  const char *name;
  Node *node;          /* GL_FUNC: ND_FUNC; GL_CONST: ND_CONST; imports: ND_IMPORT */
  int ndefs;           /* GL_CONST: how many top-level bindings (more than one: not constant) */
  int state;           /* GL_CONST: 0 unfolded, 1 folding, 2 folded, 3 not a constant */
  Symbol *sym;         /* GL_CONST, once folded */
  bool used;           /* GL_CONST: already in Program.consts */
  FuncInst *inst;      /* GL_FUNC with a fixed signature, once made */
  int inst_state;      /* GL_FUNC: 0 not made, 1 made (queued), 2 checked */
  char module;         /* GL_MODULE / GL_MEMBER: 'M' math, 'N' numpy, 'P' pyjitc, 'X' other */
  const char *member;  /* GL_MEMBER: the imported name */
} Global;

/* One call-site specialization of an unannotated function. */
typedef struct Spec {
  Node *func;
  Type **args;         /* per parameter: the type it is specialized for */
  int nargs;
  int qstate;          /* quiet inference: 0 not run, 1 running, 2 done */
  Type *qret;
  FuncInst *inst;      /* the loud instance, once made */
  int lstate;          /* 0 not made, 1 checking, 2 checked */
} Spec;

/* A variable of the function: params first, then locals. */
typedef struct Var {
  const char *name;
  Symbol *sym;
  bool fixed;          /* type fixed by an annotation, a parameter or a loop */
  int line;            /* the line that gave the type */
  bool reported;       /* a use-before-assignment error was given already */
  Type *loop_ty;       /* for-loop target: the exact type the loop binds */
  int loop_line;
} Var;

/* Definite assignment: which variables are surely bound here. */
typedef struct DefState {
  bool *def;
  bool dead;           /* this point is unreachable (after return/raise/break) */
} DefState;

typedef struct Loop Loop;
struct Loop {
  Loop *outer;
  DefState brk;        /* join of the states at each `break` */
};

typedef struct Fn {
  FuncInst *inst;
  Node *func;          /* the ND_FUNC being checked (the original or a clone) */
  VEC(Var) vars;
  Type *ret;           /* declared, or inferred so far */
  bool ret_fixed;
  int ret_line;
  bool ret_conflict;
  bool changed;        /* a quiet pass changed a type */
  DefState st;
  Loop *loop;
  bool has_loops;
  int errors_at_start;
} Fn;

typedef struct Check {
  Arena *a;
  Interner *in;
  Diags *d;
  Module *m;
  TypeTable *tt;
  Program *prog;
  VEC(Global) globals;
  VEC(Spec *) specs;
  VEC(FuncInst *) later;      /* non-exported instances, in creation order */
  VEC(Global *) queue;        /* fixed-signature functions waiting to be checked */
  VEC(const char *) reported; /* interned "line:col:message" of each error given */
  int quiet;                  /* > 0: diagnostics suppressed (inference passes) */
  int spec_depth;             /* nesting of specializations being checked (bounded) */
  Fn *fn;
  Type *t_int, *t_float, *t_bool, *t_none, *t_str, *t_exc, *t_func, *t_module;
} Check;

/* check.c */
void err(Check *C, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void warn(Check *C, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *tname(Check *C, const Type *t);
Global *find_global(Check *C, const char *name);
Var *find_var(Check *C, const char *name);
FuncInst *fixed_inst(Check *C, Global *g);
Type *spec_call(Check *C, Node *call, Node *func, Type **args, int nargs, FuncInst **out);
bool func_is_fixed(const Node *func);
const char *src_path(Check *C);

/* check_annot.c: annotations and constant folding */
Type *check_annotation(Check *C, Node *ann, bool allow_none);
Node *fold_const(Check *C, Node *e);      /* ND_INT/ND_FLOAT/ND_BOOL or NULL (no error) */
Symbol *global_const(Check *C, Global *g, Span use);
bool is_exception_name(const char *name);
bool int_literal_fits(const Node *n);     /* an ND_INT whose literal fits int64 */
bool is_int_2_63(const Node *n);         /* literals worth exactly 2**63 (negated: INT64_MIN) */

/* check_stmt.c */
void check_body(Check *C, NodeList *body);
void def_init(Check *C, DefState *s, bool all);
void collect_vars(Check *C, NodeList *body);

/* check_expr.c */
Node *check_expr(Check *C, Node *e);
Node *check_cond(Check *C, Node *e);
Type *binop_typed(Check *C, Node *e);  /* types an ND_BINOP whose operands are checked */
Node *widen(Check *C, Node *e);
Node *make_cast(Check *C, Node *e, Type *to);
Node *to_type(Check *C, Node *e, Type *to);           /* arithmetic coercion (bool/int -> float) */
Node *convert_store(Check *C, Node *e, Type *storage); /* NULL if not storable */
Type *unify_arith(Check *C, Type *a, Type *b);        /* int/float/bool -> common, or NULL */
bool is_const_true(const Node *e);

/* check_call.c */
Node *check_call(Check *C, Node *e);
Node *check_builtin_name(Check *C, Node *e, int bi);

/* check_clone.c */
Node *clone_node(Arena *a, const Node *n);

#endif
