/* lower_internal.h: private to lower*.c and emit.c: the lowering state with
 * every LLVM handle.  Nothing outside the back end includes this or llvm-c.
 *
 * Native calling convention of `SYMBOL_impl` (hidden; one per FuncInst):
 *   i32 SYMBOL_impl(P1, ..., Pn, RET *out)
 *   - scalar parameters by value in their storage LLVM type (lower_llvm_type:
 *     bool i8 (0/1), i8..i64 / u8..u64 as iN, f32 float, f64 double);
 *   - array parameters as `ptr` to a PjArray (runtime/pjrt.h), read-only;
 *   - the result, unless the return type is None, is stored through the last
 *     parameter `out` (a tuple result: an LLVM struct of its elements);
 *   - returns 0 on success, -1 with a Python exception set (after
 *     pjrt_raise_* and pjrt_add_traceback).  Native code never holds the GIL
 *     assumption: it may run with the GIL released.
 * The METH_FASTCALL wrapper `SYMBOL.wrapper` (lower_boundary.c; the dot keeps
 * it from clashing with C symbols such as memset or sqrt) converts arguments,
 * releases the GIL if FuncInst.has_loops, calls SYMBOL_impl, re-acquires,
 * releases buffers and boxes the result. */
#ifndef PJ_LOWER_INTERNAL_H
#define PJ_LOWER_INTERNAL_H

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm/Config/llvm-config.h> /* LLVM_VERSION_MAJOR */

#include "lower.h"

struct PjIR {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMTargetMachineRef tm;
  double opt_ms, codegen_ms; /* for -v (of the slowest part) */
  int regrouped;             /* for -v: min/max chains regrouped (all parts) */
  int parts;                 /* parts built in parallel (emit_split.c) */
};

typedef enum {
#define RT(name, ret, ...) RT_##name,
#include "../runtime/pjrt.def"
#include "../stdlib/pymath.def"
#undef RT
  RT_COUNT_
} RtFn;

typedef struct Lower {
  Arena *arena;
  Bailout *bail;
  const Program *prog;
  const PjOptions *opt;
  const char *module_name, *source_path, *source_text;
  PjIR *ir;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  /* common types */
  LLVMTypeRef t_void, t_i1, t_i8, t_i16, t_i32, t_i64, t_f32, t_f64, t_ptr;
  LLVMTypeRef t_pjarray;  /* struct PjArray, as in pjrt.h */
  /* runtime and pymath declarations, made on first use by lower_rt() */
  LLVMValueRef rt_fn[RT_COUNT_];
  LLVMTypeRef rt_ty[RT_COUNT_];
  /* per FuncInst (same index as prog->funcs): the native function and its type */
  LLVMValueRef *impl_fn;
  LLVMTypeRef *impl_ty;
  /* per FuncInst: its `SYMBOL_proven` variant (lower_loop.c: pure callees),
   * declared on first use, defined after the bodies; and the analysis */
  LLVMValueRef *proven_fn;
  struct PureFn *pure;
} Lower;

/* lower_rt.c */
void lower_init_types(Lower *L);                    /* fills t_* */
LLVMValueRef lower_rt(Lower *L, RtFn f);            /* declares on first use */
LLVMValueRef lower_call_rt(Lower *L, RtFn f, LLVMValueRef *args, unsigned n);
LLVMTypeRef lower_llvm_type(Lower *L, const Type *storage); /* scalars, tuples (struct), arrays (ptr) */
LLVMValueRef lower_cstring(Lower *L, const char *s);  /* private constant, returns ptr */
int lower_func_index(const Lower *L, const FuncInst *f);

/* lower.c (function bodies) */
void lower_declare_impls(Lower *L);   /* declares every SYMBOL_impl */
void lower_noinline_call(Lower *L, LLVMValueRef call); /* the call site is never inlined */
void lower_bodies(Lower *L);          /* defines them */
LLVMValueRef lower_proven_variant(Lower *L, int i); /* declares SYMBOL_proven on first use */

/* lower_boundary.c */
void lower_wrappers(Lower *L);        /* METH_FASTCALL wrapper per exported FuncInst */
void lower_module_def(Lower *L);      /* PjSig/PjFuncDef/PjModuleDef constants + PyInit_<name> */

/* emit.c */
void emit_setup_target(Lower *L);     /* triple, data layout, target machine (before any IR) */

#endif
