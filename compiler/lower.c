/* lower.c: STAGE 4 (placeholder). */
#include "lower.h"

PjIR *lower_program(Arena *a, Bailout *b, const Program *p, const PjOptions *o,
                    const char *module_name, const char *source_path, const char *source_text) {
  (void)a; (void)p; (void)o; (void)module_name; (void)source_path; (void)source_text;
  die(b, "lowering not implemented yet");
}

int emit_program(PjIR *ir, const PjOptions *o, const char *obj_path, const char *ll_path,
                 const char *asm_path, Str *err) {
  (void)ir; (void)o; (void)obj_path; (void)ll_path; (void)asm_path;
  str_puts(err, "not implemented");
  return -1;
}

void emit_timings(const PjIR *ir, double *opt_ms, double *codegen_ms) {
  (void)ir;
  *opt_ms = *codegen_ms = 0;
}

void pj_ir_free(PjIR *ir) { (void)ir; }
