/* emit_split.h: the module cut into parts that are optimized and compiled
 * in parallel, one process each (emit.c).  Private to emit*.c. */
#ifndef PJ_EMIT_SPLIT_H
#define PJ_EMIT_SPLIT_H

#include "lower_internal.h"

enum { SPLIT_MAX_PARTS = EMIT_MAX_OBJECTS };

typedef struct SplitPlan {
  int nparts;          /* 1: no split (nothing below is set) */
  int nfuncs;          /* defined functions */
  LLVMValueRef *fn;    /* [nfuncs] */
  unsigned char *part; /* [nfuncs]: the part that holds fn[i]'s body */
} SplitPlan;

/* Plans up to max_parts parts, each of whole call-graph components and of
 * at least min_size instructions, balanced by instruction count.  With two
 * or more parts it also makes the symbols that parts share hidden external
 * (see emit_split.c).  Run on the unoptimized module. */
SplitPlan split_plan(LLVMModuleRef m, int max_parts, int min_size);
/* Reduces the module to the parts in the bit set `parts`: the other parts'
 * functions go, or become declarations where something still refers to
 * them.  Done by the process that handles those parts, before optimizing,
 * on its own copy of the module. */
void split_keep_parts(const SplitPlan *p, unsigned parts);
/* After optimization: unless `here` (the process with part 0), the shared
 * global variables become available_externally, so only part 0 emits them. */
void split_emit_globals(LLVMModuleRef m, bool here);
void split_free(SplitPlan *p);
/* emit_minmax.c: before the pipeline, integer min/max chains regrouped so
 * that a loop's carried operand joins last (SROA first runs on the
 * functions that have one). */
LLVMErrorRef minmax_stage(LLVMModuleRef m, LLVMTargetMachineRef tm, LLVMPassBuilderOptionsRef po,
                          int *regrouped);

#endif
