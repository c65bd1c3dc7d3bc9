/* lower.h: STAGES 4-5 interface.  Typed program -> LLVM module -> object file.
 * Exposes no LLVM type: PjIR is opaque (defined in lower_internal.h). */
#ifndef PJ_LOWER_H
#define PJ_LOWER_H

#include "check.h"
#include "pyjitc.h"

typedef struct PjIR PjIR;

/* Builds the LLVM module: for each FuncInst a native `SYMBOL_impl` (hidden),
 * for each exported one a METH_FASTCALL wrapper, the PjModuleDef and
 * PyInit_<module>.  `source_path` is the absolute path of the .py (tracebacks,
 * exec), `source_text` its text (embedded, run at import; NULL with --no-exec).  Internal failures
 * die() through `b`. */
PjIR *lower_program(Arena *a, Bailout *b, const Program *p, const PjOptions *o,
                    const char *module_name, const char *source_path,
                    const char *source_text);

/* Verifies, optimizes (-O level, fastmath) and writes the object code into
 * the directory `obj_dir`, as one object file per part generated in parallel
 * (at most EMIT_MAX_OBJECTS; their paths, allocated in `a`, go to objs[] and
 * their number to *nobj, also after a failure: the caller removes them);
 * also NAME.ll / NAME.s when `ll_path` / `asm_path` are non-NULL.  On
 * failure returns -1 with a message in *err. */
enum { EMIT_MAX_OBJECTS = 8 };
int emit_program(PjIR *ir, const PjOptions *o, Arena *a, const char *obj_dir, const char **objs,
                 int *nobj, const char *ll_path, const char *asm_path, Str *err);

/* Checks that the target (--target-cpu) is one LLVM knows, before any work:
 * -1 with a message in *err for an unknown CPU (a usage error, exit 2). */
int emit_check_target(const PjOptions *o, Str *err);

/* Timings of the last emit, for -v: optimization and code generation in ms
 * (wall time), how many processes generated code, and how many integer
 * min/max chains emit_minmax.c regrouped. */
void emit_timings(const PjIR *ir, double *opt_ms, double *codegen_ms, int *codegen_parts,
                  int *regrouped);

void pj_ir_free(PjIR *ir);

#endif
