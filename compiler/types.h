/* types.h: the type representation, shared by the checker and lowering.
 *
 * Types are interned (types_* constructors return the same pointer for the
 * same type), so they compare with ==.
 *
 * Two roles, following SPEC §3 (the reference is CPython with Python int and
 * float values):
 *  - storage types: what a parameter, annotated local or array element holds
 *    (i8..u64, f32, f64, bool, arrays, tuples);
 *  - value types: what an expression computes in.  Every integer expression is
 *    `int` (TY_I64, overflow-checked), every float expression `float` (TY_F64),
 *    plus bool, arrays, tuples and None.  Reading a narrow storage type widens
 *    it (an ND_CAST); storing into one narrows it with a range check (OverflowError)
 *    or rounding (f32).  A u64 value above 2**63-1 read into an expression
 *    raises OverflowError (it has no `int` value type). */
#ifndef PJ_TYPES_H
#define PJ_TYPES_H

#include "base.h"

typedef enum {
  TY_BOOL,
  TY_I8, TY_I16, TY_I32, TY_I64,
  TY_U8, TY_U16, TY_U32, TY_U64,
  TY_F32, TY_F64,
  TY_NONE,
  TY_ARRAY,
  TY_TUPLE,
  TY_FUNC,     /* a compiled function or builtin used as a value (only callee position) */
  TY_MODULE,   /* `math`, `numpy` used as a value (only before '.') */
  TY_STR,      /* string literals: only as raise/assert messages */
  TY_EXC,      /* an exception class name in `raise` */
} TypeKind;

typedef struct Type Type;
struct Type {
  TypeKind kind;
  /* TY_ARRAY */
  Type *elem;       /* a scalar storage type */
  int ndim;         /* 1..4 */
  bool contig;      /* C-contiguous required (T[::1], T[:, ::1]) */
  /* TY_TUPLE */
  int nelems;
  Type **elems;
};

typedef struct TypeTable TypeTable;
TypeTable *types_new(Arena *a);
Type *type_scalar(TypeTable *t, TypeKind k);           /* TY_BOOL..TY_F64, NONE, STR, EXC, MODULE, FUNC */
Type *type_array(TypeTable *t, Type *elem, int ndim, bool contig);
Type *type_tuple(TypeTable *t, Type **elems, int n);    /* copies elems */

bool type_is_int(const Type *ty);     /* TY_I8..TY_U64 */
bool type_is_signed(const Type *ty);
bool type_is_float(const Type *ty);   /* TY_F32, TY_F64 */
bool type_is_scalar(const Type *ty);  /* bool, ints, floats */
int type_bits(const Type *ty);        /* 1 for bool, 8..64 */
/* The value type a storage type takes part in arithmetic as (int/float/bool,
 * arrays and tuples unchanged, tuples element-wise). */
Type *type_value(TypeTable *t, Type *storage);

/* For diagnostics: "int", "float", "bool", "i32", "f64[:, ::1]", "tuple[int, float]", "None". */
const char *type_name(Arena *a, const Type *ty);
/* The array element letter codes the runtime checks buffers against
 * (struct-module format characters: 'b','B','h','H','i','I','l'/'q','L'/'Q','f','d','?'). */
char type_format_char(const Type *elem);

#endif
