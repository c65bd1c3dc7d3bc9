/* lower_boundary.c: METH_FASTCALL wrappers and the module definition (placeholder). */
#include "lower_internal.h"

void lower_wrappers(Lower *L) { (void)L; }
void lower_module_def(Lower *L) { (void)L; }
