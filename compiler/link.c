/* link.c: STAGE 6 (placeholder). */
#include "link.h"

const char *link_find_runtime(Arena *a) { (void)a; return NULL; }

int link_module(Arena *a, const char *obj_path, const char *runtime_lib, const char *out_path,
                Str *err) {
  (void)a; (void)obj_path; (void)runtime_lib; (void)out_path;
  str_puts(err, "not implemented");
  return -1;
}
