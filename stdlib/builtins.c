/* builtins.c: the table behind stdlib.h, expanded from builtins.def. */
#include "builtins.h"

const BuiltinInfo builtin_info[BI_COUNT_] = {
  [BI_NONE_] = {0, "", 0, 0},
#define BUILTIN(id, module, name, min_args, max_args) [BI_##id] = {module, name, min_args, max_args},
#include "builtins.def"
#undef BUILTIN
};
