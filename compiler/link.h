/* link.h: STAGE 6.  Object file + runtime archive -> importable extension module. */
#ifndef PJ_LINK_H
#define PJ_LINK_H

#include "base.h"

/* Finds the runtime archive (libpjrt.a): $PYJITC_RUNTIME, else beside the
 * running executable, else ../lib/pyjitc/ relative to it.  NULL if missing. */
const char *link_find_runtime(Arena *a);
/* Runs the system C compiler driver as the linker (`cc -shared`) on the
 * objects objs[0..nobj-1] and the runtime.  `soname` (NAME<EXT_SUFFIX>,
 * whatever the output file is called) names the module where the linker
 * records a name.  Writes to a temporary name and renames, so a reader
 * never sees a partial module. */
int link_module(Arena *a, const char *const *objs, int nobj, const char *runtime_lib,
                const char *out_path, const char *soname, Str *err);

#endif
