/* lower_rt.c: LLVM types shared by the back end and the declarations of the
 * runtime entry points (from runtime/pjrt.def). */
#include "lower_internal.h"

#include "../runtime/pjrt.h"

void lower_init_types(Lower *L) {
  LLVMContextRef c = L->ctx;
  L->t_void = LLVMVoidTypeInContext(c);
  L->t_i1 = LLVMInt1TypeInContext(c);
  L->t_i8 = LLVMInt8TypeInContext(c);
  L->t_i16 = LLVMInt16TypeInContext(c);
  L->t_i32 = LLVMInt32TypeInContext(c);
  L->t_i64 = LLVMInt64TypeInContext(c);
  L->t_f32 = LLVMFloatTypeInContext(c);
  L->t_f64 = LLVMDoubleTypeInContext(c);
  L->t_ptr = LLVMPointerType(L->t_i8, 0);
  /* struct PjArray { char *data; i64 shape[4]; i64 strides[4]; i64 itemsize; view } */
  LLVMTypeRef fields[] = {
      L->t_ptr,
      LLVMArrayType(L->t_i64, PJRT_MAX_NDIM),
      LLVMArrayType(L->t_i64, PJRT_MAX_NDIM),
      L->t_i64,
      LLVMArrayType(L->t_i64, PJRT_VIEW_BYTES / 8),
  };
  L->t_pjarray = LLVMStructCreateNamed(c, "PjArray");
  LLVMStructSetBody(L->t_pjarray, fields, 5, 0);
}

static LLVMTypeRef rt_code_type(Lower *L, char code) {
  switch (code) {
  case 'v': return L->t_void;
  case 'i': return L->t_i32;
  case 'l': return L->t_i64;
  case 'd': return L->t_f64;
  case 'f': return L->t_f32;
  case 'p': return L->t_ptr;
  case 'b': return L->t_i8;
  }
  die(L->bail, "bad runtime type code '%c'", code);
}

static const struct {
  const char *name;
  const char *sig; /* return code, then parameter codes */
} rt_table[RT_COUNT_] = {
#define RT_STR_(...) #__VA_ARGS__
#define RT(name, ...) [RT_##name] = {#name, RT_STR_(__VA_ARGS__)},
#include "../runtime/pjrt.def"
#include "../stdlib/pymath.def"
#undef RT
#undef RT_STR_
};

LLVMValueRef lower_rt(Lower *L, RtFn f) {
  if (L->rt_fn[f])
    return L->rt_fn[f];
  /* rt_table[f].sig is like "i, p, l": codes separated by ", " */
  const char *s = rt_table[f].sig;
  LLVMTypeRef params[16];
  unsigned n = 0;
  LLVMTypeRef ret = rt_code_type(L, s[0]);
  for (const char *p = s + 1; *p; p++)
    if (*p != ',' && *p != ' ') {
      if (n == 16)
        die(L->bail, "too many runtime parameters");
      params[n++] = rt_code_type(L, *p);
    }
  LLVMTypeRef ty = LLVMFunctionType(ret, params, n, 0);
  LLVMValueRef fn = LLVMAddFunction(L->mod, rt_table[f].name, ty);
  LLVMSetVisibility(fn, LLVMHiddenVisibility);
  L->rt_fn[f] = fn;
  L->rt_ty[f] = ty;
  return fn;
}

LLVMValueRef lower_call_rt(Lower *L, RtFn f, LLVMValueRef *args, unsigned n) {
  LLVMValueRef fn = lower_rt(L, f);
  return LLVMBuildCall2(L->b, L->rt_ty[f], fn, args, n, "");
}

LLVMTypeRef lower_llvm_type(Lower *L, const Type *ty) {
  switch (ty->kind) {
  case TY_BOOL: case TY_I8: case TY_U8: return L->t_i8;
  case TY_I16: case TY_U16: return L->t_i16;
  case TY_I32: case TY_U32: return L->t_i32;
  case TY_I64: case TY_U64: return L->t_i64;
  case TY_F32: return L->t_f32;
  case TY_F64: return L->t_f64;
  case TY_ARRAY: return L->t_ptr;
  case TY_TUPLE: {
    LLVMTypeRef elems[16];
    if (ty->nelems > 16)
      die(L->bail, "tuple of more than 16 elements");
    for (int i = 0; i < ty->nelems; i++)
      elems[i] = lower_llvm_type(L, ty->elems[i]);
    return LLVMStructTypeInContext(L->ctx, elems, (unsigned)ty->nelems, 0);
  }
  case TY_NONE: return L->t_void;
  case TY_FUNC: case TY_MODULE: case TY_STR: case TY_EXC:
    break;
  }
  die(L->bail, "no LLVM type for type kind %d", (int)ty->kind);
}

LLVMValueRef lower_cstring(Lower *L, const char *s) {
  LLVMValueRef str = LLVMConstStringInContext(L->ctx, s, (unsigned)strlen(s), 0);
  LLVMValueRef g = LLVMAddGlobal(L->mod, LLVMTypeOf(str), ".str");
  LLVMSetInitializer(g, str);
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  return g;
}

int lower_func_index(const Lower *L, const FuncInst *f) {
  for (int i = 0; i < L->prog->funcs.len; i++)
    if (L->prog->funcs.data[i] == f)
      return i;
  die(L->bail, "function '%s' not in the program", f->symbol);
}
