/* check.c: STAGE 3 (placeholder). */
#include "check.h"

Program *check_program(Arena *a, Interner *in, Diags *d, Module *m, TypeTable *types) {
  (void)a; (void)in; (void)m; (void)types;
  die(d->bail, "type checker not implemented yet");
}

void check_dump(Str *out, const Program *p) { (void)out; (void)p; }
