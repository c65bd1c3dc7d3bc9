/* pyjitc.h: the compiler as a library: options in, exit status out.
 * main.c (the CLI) includes only this header. */
#ifndef PYJITC_H
#define PYJITC_H

#include <stdbool.h>

#define PJ_VERSION "0.1.0"

enum { PJ_EXIT_OK = 0, PJ_EXIT_USER = 1, PJ_EXIT_USAGE = 2, PJ_EXIT_INTERNAL = 3 };

typedef enum {
  PJ_CMD_TOKENIZE,   /* print the token stream as `python3 -m tokenize -e` does, text left out */
  PJ_CMD_CHECK,      /* parse + type-check; diagnostics only */
  PJ_CMD_DUMP_AST,   /* print the AST of the selected functions */
  PJ_CMD_DUMP_TYPES, /* print signatures, locals, and the typed AST */
  PJ_CMD_BUILD,      /* write NAME<EXT_SUFFIX> */
} PjCommand;

typedef struct PjOptions {
  const char *input;          /* the .py file */
  const char *outdir;         /* -o DIR; NULL: beside the input */
  const char *output;         /* --output FILE: exact output path (used by @native's cache) */
  const char *module_name;    /* --module NAME: override (default: input's base name) */
  const char *const *only;    /* --only names, NULL-terminated, or NULL */
  int opt_level;              /* 0..3, default 3 */
  bool emit_llvm, emit_asm;   /* also write NAME.ll / NAME.s */
  const char *target_cpu;     /* "native" (default), "generic", or an LLVM CPU name */
  bool boundscheck;           /* default true */
  bool overflowcheck;         /* default true */
  bool fastmath;              /* default false */
  bool verbose;               /* -v: time of each phase on stderr */
  bool no_exec;               /* --no-exec: the module does not run the .py's source at
                                 import; it only holds the compiled functions (@native) */
} PjOptions;

void pj_options_default(PjOptions *o);
/* Runs one command; returns a PJ_EXIT_* status.  Never exits or aborts. */
int pj_run(PjCommand cmd, const PjOptions *o);

#endif
