/* pymath.c: CPython-exact numeric helpers (placeholder until implemented). */
#include "pymath.h"

#include "../runtime/pjrt.h"

int pjm_error_kind(int status) {
  static const int kinds[PJM_COUNT_] = {
      [PJM_OK] = 0,
#define PJM_ERR(id, kind, message) [PJM_##id] = kind,
#include "pymath_errors.def"
#undef PJM_ERR
  };
  return status > 0 && status < PJM_COUNT_ ? kinds[status] : PJRT_RUNTIME;
}

const char *pjm_error_message(int status) {
  static const char *const messages[PJM_COUNT_] = {
      [PJM_OK] = "",
#define PJM_ERR(id, kind, message) [PJM_##id] = message,
#include "pymath_errors.def"
#undef PJM_ERR
  };
  return status > 0 && status < PJM_COUNT_ ? messages[status] : "internal error: bad status";
}
