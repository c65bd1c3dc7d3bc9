/* check.h: STAGE 3 interface.  Resolves names, infers and checks types, and
 * decides what gets compiled.  Its output, a Program, is all that lowering
 * needs: every expression node has `ty` (its value type), every conversion is
 * an explicit ND_CAST, every name its Symbol, every call its callee.
 *
 * The typed AST, precisely (what lowering may rely on):
 *  - Reads of narrow storage (an i32/f32/u8 param, local or array element, a
 *    call returning a narrow type) keep their storage type on the node itself
 *    (ND_NAME / ND_SUBSCRIPT / ND_CALL ty = i32) and are wrapped in an ND_CAST
 *    to the value type (int/float).  Store targets (ND_NAME, ND_SUBSCRIPT,
 *    ND_TUPLE of them) have ty = their storage type.
 *  - Stores (ASSIGN value, ANNASSIGN value, RETURN value, call arguments) are
 *    converted to exactly the target's storage type: CAST int->float, then
 *    CAST float->f32 / int->i32 (checked narrowing) where needed.  Tuple values
 *    are converted element-wise by one CAST between tuple types of equal
 *    length (a tuple literal instead gets casts on its elements).  Arrays are
 *    never cast: an f64[::1] argument may meet an f64[:] parameter.
 *  - ND_BINOP: a->ty == b->ty, the operand type (bool operands are cast to
 *    int); node ty is the result.  Exception: `/` on two ints keeps int
 *    operands (ty float): divide exactly, as CPython's int/int does.
 *  - ND_COMPARE: every operand has one common type (bool only for == / !=).
 *    `x is None` is folded to ND_BOOL.
 *  - ND_BOOLOP / ND_IFEXP: operands/branches have the node's type; in
 *    condition position (if/while/assert/not/IfExp test) BoolOp operands are
 *    bool.  Conditions are always bool (ND_CAST to bool from int/float).
 *  - ND_AUGASSIGN: a = target (ty: storage type), ty = the value type the
 *    operation computes in (== type_value(a->ty)), b already of type ty.
 *    Lowering reads the target, widens it as a read would, applies op, and
 *    narrows the result back into the target's storage type.
 *  - ND_FOR: a = ND_NAME target whose storage type is exactly the iteration
 *    type: int for range (b = ND_CALL with builtin BI_RANGE, int args), or
 *    type_value(elem) for a 1-D array b (each element widened as a read).
 *    After the loop the target keeps its last value.
 *  - ND_CALL of a compiled function: callee set; list = one argument per
 *    parameter, in order (keywords placed, defaults filled), converted to the
 *    parameter's storage type; list2 empty.  Builtins: builtin = BI_*, args
 *    converted as the function takes them (float for math/numpy, except int
 *    args of math.floor/ceil/trunc and math.gcd, which stay int).
 *  - ND_RAISE: a = ND_NAME (ty TY_EXC) or ND_CALL of one with 0 or 1 ND_STR.
 *  - Module constants: ND_NAME with sym->kind == SYM_CONST (value folded);
 *    math/numpy constants: ND_NAME/ND_ATTR with builtin = BI_M_PI etc. */
#ifndef PJ_CHECK_H
#define PJ_CHECK_H

#include "ast.h"
#include "types.h"
#include "../stdlib/builtins.h"

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
