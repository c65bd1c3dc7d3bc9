/* emit.c: STAGE 5 (placeholder). */
#include "lower_internal.h"

void emit_setup_target(Lower *L) { (void)L; }

int emit_program(PjIR *ir, const PjOptions *o, const char *obj_path, const char *ll_path,
                 const char *asm_path, Str *err) {
  (void)ir; (void)o; (void)obj_path; (void)ll_path; (void)asm_path;
  str_puts(err, "emission not implemented yet");
  return -1;
}

void emit_timings(const PjIR *ir, double *opt_ms, double *codegen_ms) {
  *opt_ms = ir->opt_ms;
  *codegen_ms = ir->codegen_ms;
}

void pj_ir_free(PjIR *ir) {
  if (!ir)
    return;
  if (ir->tm)
    LLVMDisposeTargetMachine(ir->tm);
  if (ir->mod)
    LLVMDisposeModule(ir->mod);
  if (ir->ctx)
    LLVMContextDispose(ir->ctx);
  free(ir);
}
