/* lower.c: STAGE 4 entry point and native function bodies (placeholder bodies). */
#include "lower_internal.h"

PjIR *lower_program(Arena *a, Bailout *b, const Program *p, const PjOptions *o,
                    const char *module_name, const char *source_path, const char *source_text) {
  Lower *L = ARENA_NEW(a, Lower);
  L->arena = a;
  L->bail = b;
  L->prog = p;
  L->opt = o;
  L->module_name = module_name;
  L->source_path = source_path;
  L->source_text = source_text;
  L->ir = xmalloc(sizeof *L->ir);
  memset(L->ir, 0, sizeof *L->ir);
  L->ir->ctx = L->ctx = LLVMContextCreate();
  L->ir->mod = L->mod = LLVMModuleCreateWithNameInContext(module_name, L->ctx);
  emit_setup_target(L);
  lower_init_types(L);
  L->b = LLVMCreateBuilderInContext(L->ctx);
  lower_declare_impls(L);
  lower_bodies(L);
  lower_wrappers(L);
  lower_module_def(L);
  LLVMDisposeBuilder(L->b);
  return L->ir;
}

void lower_declare_impls(Lower *L) { die(L->bail, "lowering of functions not implemented yet"); }
void lower_bodies(Lower *L) { (void)L; }
