/* types.c: the interned type table (see types.h).  Scalars live in a fixed
 * array; arrays and tuples are found by a linear search over the ones made so
 * far (a module uses a handful), so equal types are the same pointer. */
#include "types.h"

typedef VEC(Type *) TypeVec;

struct TypeTable {
  Arena *arena;
  Type scalars[TY_EXC + 1];
  TypeVec arrays, tuples;
};

TypeTable *types_new(Arena *a) {
  TypeTable *t = ARENA_NEW(a, TypeTable);
  t->arena = a;
  for (int k = 0; k <= TY_EXC; k++)
    t->scalars[k].kind = (TypeKind)k;
  return t;
}

Type *type_scalar(TypeTable *t, TypeKind k) {
  /* arrays and tuples have their own constructors; asking here is a bug,
   * but answering with the scalar slot keeps the table consistent. */
  return &t->scalars[k];
}

Type *type_array(TypeTable *t, Type *elem, int ndim, bool contig) {
  for (int i = 0; i < t->arrays.len; i++) {
    Type *ty = t->arrays.data[i];
    if (ty->elem == elem && ty->ndim == ndim && ty->contig == contig)
      return ty;
  }
  Type *ty = ARENA_NEW(t->arena, Type);
  ty->kind = TY_ARRAY;
  ty->elem = elem;
  ty->ndim = ndim;
  ty->contig = contig;
  vec_push(t->arena, &t->arrays, ty);
  return ty;
}

Type *type_tuple(TypeTable *t, Type **elems, int n) {
  for (int i = 0; i < t->tuples.len; i++) {
    Type *ty = t->tuples.data[i];
    if (ty->nelems == n && (n == 0 || !memcmp(ty->elems, elems, sizeof(Type *) * (size_t)n)))
      return ty;
  }
  Type *ty = ARENA_NEW(t->arena, Type);
  ty->kind = TY_TUPLE;
  ty->nelems = n;
  ty->elems = ARENA_ARRAY(t->arena, Type *, n > 0 ? n : 1);
  if (n > 0)
    memcpy(ty->elems, elems, sizeof(Type *) * (size_t)n);
  vec_push(t->arena, &t->tuples, ty);
  return ty;
}

bool type_is_int(const Type *ty) { return ty && ty->kind >= TY_I8 && ty->kind <= TY_U64; }

bool type_is_signed(const Type *ty) { return ty && ty->kind >= TY_I8 && ty->kind <= TY_I64; }

bool type_is_float(const Type *ty) { return ty && (ty->kind == TY_F32 || ty->kind == TY_F64); }

bool type_is_scalar(const Type *ty) { return ty && ty->kind <= TY_F64; }

int type_bits(const Type *ty) {
  switch (ty->kind) {
  case TY_BOOL: return 1;
  case TY_I8: case TY_U8: return 8;
  case TY_I16: case TY_U16: return 16;
  case TY_I32: case TY_U32: case TY_F32: return 32;
  case TY_I64: case TY_U64: case TY_F64: return 64;
  case TY_NONE: case TY_ARRAY: case TY_TUPLE: case TY_FUNC: case TY_MODULE: case TY_STR:
  case TY_EXC: return 0;
  }
  return 0;
}

Type *type_value(TypeTable *t, Type *storage) {
  if (!storage)
    return NULL;
  if (type_is_int(storage))
    return type_scalar(t, TY_I64);
  if (type_is_float(storage))
    return type_scalar(t, TY_F64);
  if (storage->kind == TY_TUPLE) {
    Type *buf[64];
    int n = storage->nelems < 64 ? storage->nelems : 64;
    bool same = true;
    for (int i = 0; i < n; i++) {
      buf[i] = type_value(t, storage->elems[i]);
      same = same && buf[i] == storage->elems[i];
    }
    return same ? storage : type_tuple(t, buf, n);
  }
  return storage;
}

/* The short storage names, as annotations spell them (arrays use these for
 * their element type: i64[:], not int[:]). */
static const char *storage_name(TypeKind k) {
  switch (k) {
  case TY_BOOL: return "bool";
  case TY_I8: return "i8";
  case TY_I16: return "i16";
  case TY_I32: return "i32";
  case TY_I64: return "i64";
  case TY_U8: return "u8";
  case TY_U16: return "u16";
  case TY_U32: return "u32";
  case TY_U64: return "u64";
  case TY_F32: return "f32";
  case TY_F64: return "f64";
  case TY_NONE: return "None";
  case TY_ARRAY: return "array";
  case TY_TUPLE: return "tuple";
  case TY_FUNC: return "function";
  case TY_MODULE: return "module";
  case TY_STR: return "str";
  case TY_EXC: return "exception class";
  }
  return "?";
}

static void put_type(Str *s, const Type *ty) {
  if (!ty) {
    str_puts(s, "<error>");
    return;
  }
  switch (ty->kind) {
  case TY_I64: str_puts(s, "int"); return;
  case TY_F64: str_puts(s, "float"); return;
  case TY_ARRAY:
    str_puts(s, storage_name(ty->elem->kind));
    str_putc(s, '[');
    for (int i = 0; i < ty->ndim; i++) {
      if (i)
        str_puts(s, ", ");
      str_puts(s, ty->contig && i == ty->ndim - 1 ? "::1" : ":");
    }
    str_putc(s, ']');
    return;
  case TY_TUPLE:
    str_puts(s, "tuple[");
    for (int i = 0; i < ty->nelems; i++) {
      if (i)
        str_puts(s, ", ");
      put_type(s, ty->elems[i]);
    }
    str_putc(s, ']');
    return;
  case TY_BOOL: case TY_I8: case TY_I16: case TY_I32: case TY_U8: case TY_U16: case TY_U32:
  case TY_U64: case TY_F32: case TY_NONE: case TY_FUNC: case TY_MODULE: case TY_STR: case TY_EXC:
    str_puts(s, storage_name(ty->kind));
    return;
  }
}

const char *type_name(Arena *a, const Type *ty) {
  Str s = {0};
  put_type(&s, ty);
  char *r = arena_strndup(a, s.buf ? s.buf : "", s.len);
  str_free(&s);
  return r;
}

char type_format_char(const Type *elem) {
  switch (elem->kind) {
  case TY_BOOL: return '?';
  case TY_I8: return 'b';
  case TY_U8: return 'B';
  case TY_I16: return 'h';
  case TY_U16: return 'H';
  case TY_I32: return 'i';
  case TY_U32: return 'I';
  case TY_I64: return 'q';
  case TY_U64: return 'Q';
  case TY_F32: return 'f';
  case TY_F64: return 'd';
  case TY_NONE: case TY_ARRAY: case TY_TUPLE: case TY_FUNC: case TY_MODULE: case TY_STR:
  case TY_EXC: return 0;
  }
  return 0;
}
