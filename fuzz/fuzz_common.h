/* fuzz_common.h: the shared setup of the front-end libFuzzer targets.
 *
 * Each target gets one input as a fresh compilation: Arena, Interner, Diags
 * (diagnostics go to /dev/null, or to stderr with PJ_FUZZ_SHOW_DIAGS=1 when
 * reproducing) and a Bailout.  A die() is a compiler bug as far as fuzzing
 * goes, so the recovery point prints the message and aborts: libFuzzer then
 * saves the input as a crash.  Everything is freed afterwards, so
 * LeakSanitizer sees any leak a stage makes outside the arena. */
#ifndef PJ_FUZZ_COMMON_H
#define PJ_FUZZ_COMMON_H

#include "../compiler/ast.h"
#include "../compiler/check.h"
#include "../compiler/lex.h"
#include "../compiler/source.h"
#include "../compiler/types.h"

typedef struct FuzzRun {
  Arena arena;
  Bailout bail;
  Diags diags;
  Interner *names;
  Source *src;
  char *text; /* NUL-terminated copy of the input (Source needs the NUL) */
  FILE *sink;
} FuzzRun;

/* Which stages to run after lexing. */
typedef enum { FUZZ_LEX, FUZZ_PARSE, FUZZ_CHECK } FuzzStage;

int fuzz_frontend(const uint8_t *data, size_t size, FuzzStage stage);

#endif
