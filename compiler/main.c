/* main.c: the command line.  argv -> PjOptions -> pj_run().  The Python-side
 * commands (profile, run, cache) are handed to `$PYTHON -m pyjitc`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "pyjitc.h"

#ifndef PJ_PYTHON
#define PJ_PYTHON "python3"
#endif

static const char usage[] =
    "usage: pyjitc COMMAND [options] FILE.py\n"
    "\n"
    "commands:\n"
    "  build FILE.py         compile the @native (or --only) functions of FILE.py into an\n"
    "                        importable extension module FILE<EXT_SUFFIX> beside it\n"
    "  check FILE.py         parse and type-check only; print diagnostics\n"
    "  tokenize FILE.py      print the token stream as `python3 -m tokenize -e` does\n"
    "                        (positions and types, token text left out)\n"
    "  dump --tokens|--ast|--types FILE.py\n"
    "                        print the output of one stage\n"
    "  profile, run, cache   the Python-side tools (see `pyjitc profile --help`)\n"
    "\n"
    "options (build, check, dump):\n"
    "  -o DIR                write the module into DIR\n"
    "  --output FILE         write the module to exactly FILE\n"
    "  --module NAME         module name (default: FILE's base name)\n"
    "  --only NAME,...       compile these functions (in addition to @native ones)\n"
    "  -O0 -O1 -O2 -O3       optimization level (default -O3)\n"
    "  --emit-llvm           also write NAME.ll (optimized LLVM IR)\n"
    "  --emit-asm            also write NAME.s (assembly)\n"
    "  --target-cpu=CPU      native (default), generic, or an LLVM CPU name\n"
    "  --boundscheck=on|off  index checks (default on)\n"
    "  --overflowcheck=on|off  int64 overflow checks (default on)\n"
    "  --fastmath            allow float reassociation and contraction (results may differ)\n"
    "  --no-exec             the module holds only the compiled functions; it does not\n"
    "                        run FILE.py's own code at import (used by @native)\n"
    "  -v                    print the time of each phase (and how many integer min/max\n"
    "                        chains the optimizer regrouped, if any)\n"
    "  -h, --help            this help\n"
    "  --version             print the version\n"
    "\n"
    "environment:\n"
    "  PYJITC_JOBS=N         optimize and compile in N processes (default: the CPUs\n"
    "                        available; small modules and --emit-llvm/--emit-asm use one)\n"
    "\n"
    "exit status: 0 success, 1 errors in the input (diagnostics printed), 2 usage error,\n"
    "3 internal error\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "pyjitc: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(run `pyjitc --help` for usage)\n");
  return PJ_EXIT_USAGE;
}

/* Splits "a,b,c" into a NULL-terminated array (process lifetime). */
static const char **split_names(const char *list) {
  size_t n = 1;
  for (const char *p = list; *p; p++)
    n += *p == ',';
  const char **v = calloc(n + 1, sizeof *v);
  char *copy = strdup(list);
  if (!v || !copy)
    return NULL;
  size_t i = 0;
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
    v[i++] = tok;
  return v;
}

static int on_off(const char *val, bool *out) {
  if (strcmp(val, "on") == 0)
    *out = true;
  else if (strcmp(val, "off") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

static int python_tool(int argc, char **argv) {
  const char *py = getenv("PYTHON");
  if (!py || !*py)
    py = PJ_PYTHON;
  char **args = calloc((size_t)argc + 3, sizeof *args);
  if (!args)
    return PJ_EXIT_INTERNAL;
  args[0] = (char *)py;
  args[1] = "-m";
  args[2] = "pyjitc";
  for (int i = 1; i < argc; i++)
    args[i + 2] = argv[i];
  execvp(py, args);
  fprintf(stderr, "pyjitc: cannot run %s: %s\n", py, strerror(errno));
  return PJ_EXIT_INTERNAL;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return usage_error("%s", "missing command");
  const char *cmdname = argv[1];
  if (!strcmp(cmdname, "-h") || !strcmp(cmdname, "--help")) {
    fputs(usage, stdout);
    return PJ_EXIT_OK;
  }
  if (!strcmp(cmdname, "--version")) {
    printf("pyjitc %s\n", PJ_VERSION);
    return PJ_EXIT_OK;
  }
  if (!strcmp(cmdname, "profile") || !strcmp(cmdname, "run") || !strcmp(cmdname, "cache"))
    return python_tool(argc, argv);

  PjCommand cmd;
  if (!strcmp(cmdname, "build"))
    cmd = PJ_CMD_BUILD;
  else if (!strcmp(cmdname, "check"))
    cmd = PJ_CMD_CHECK;
  else if (!strcmp(cmdname, "tokenize"))
    cmd = PJ_CMD_TOKENIZE;
  else if (!strcmp(cmdname, "dump"))
    cmd = PJ_CMD_DUMP_AST;
  else
    return usage_error("unknown command '%s'", cmdname);

  PjOptions o;
  pj_options_default(&o);
  bool dump_kind_seen = false;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return PJ_EXIT_OK;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--module") ||
               !strcmp(a, "--only")) {
      if (i + 1 >= argc)
        return usage_error("option '%s' needs an argument", a);
      const char *val = argv[++i];
      if (!strcmp(a, "-o"))
        o.outdir = val;
      else if (!strcmp(a, "--output"))
        o.output = val;
      else if (!strcmp(a, "--module"))
        o.module_name = val;
      else
        o.only = split_names(val);
    } else if (!strncmp(a, "--only=", 7)) {
      o.only = split_names(a + 7);
    } else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
      o.opt_level = a[2] - '0';
    } else if (!strcmp(a, "--emit-llvm")) {
      o.emit_llvm = true;
    } else if (!strcmp(a, "--emit-asm")) {
      o.emit_asm = true;
    } else if (!strncmp(a, "--target-cpu=", 13)) {
      o.target_cpu = a + 13;
    } else if (!strncmp(a, "--boundscheck=", 14)) {
      if (on_off(a + 14, &o.boundscheck))
        return usage_error("--boundscheck takes on or off, not '%s'", a + 14);
    } else if (!strncmp(a, "--overflowcheck=", 16)) {
      if (on_off(a + 16, &o.overflowcheck))
        return usage_error("--overflowcheck takes on or off, not '%s'", a + 16);
    } else if (!strcmp(a, "--fastmath")) {
      o.fastmath = true;
    } else if (!strcmp(a, "--no-exec")) {
      o.no_exec = true;
    } else if (!strcmp(a, "-v")) {
      o.verbose = true;
    } else if (cmd == PJ_CMD_DUMP_AST && !dump_kind_seen &&
               (!strcmp(a, "--tokens") || !strcmp(a, "--ast") || !strcmp(a, "--types"))) {
      dump_kind_seen = true;
      cmd = !strcmp(a, "--tokens") ? PJ_CMD_TOKENIZE
            : !strcmp(a, "--ast")  ? PJ_CMD_DUMP_AST
                                   : PJ_CMD_DUMP_TYPES;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option '%s'", a);
    } else if (o.input) {
      return usage_error("more than one input file ('%s')", a);
    } else {
      o.input = a;
    }
  }
  if (!strcmp(cmdname, "dump") && !dump_kind_seen)
    return usage_error("%s", "dump needs one of --tokens, --ast, --types");
  if (!o.input)
    return usage_error("%s", "missing input file");
  return pj_run(cmd, &o);
}
