/* builtins.h: ids for the builtins, math and numpy names compiled code may use. */
#ifndef PJ_BUILTINS_H
#define PJ_BUILTINS_H

typedef enum {
  BI_NONE_ = 0,
#define BUILTIN(id, module, name, min_args, max_args) BI_##id,
#include "builtins.def"
#undef BUILTIN
  BI_COUNT_
} BuiltinId;

typedef struct BuiltinInfo {
  char module;        /* 0, 'M', 'N', 'A' */
  const char *name;
  int min_args, max_args; /* -1, -1 for constants and attributes */
} BuiltinInfo;

extern const BuiltinInfo builtin_info[BI_COUNT_];

#endif
