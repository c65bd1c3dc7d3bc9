/* driver.c: pj_run() runs the pipeline as one list of stages:
 *   load -> lex -> parse -> check -> lower -> emit -> link
 * It owns the compilation's Arena, Diags and the Bailout recovery point:
 * user errors stop the pipeline after the stage that reported them (exit 1);
 * a die() anywhere lands here (exit 3) and everything is freed. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "lex.h"
#include "link.h"
#include "lower.h"
#include "pyjitc.h"
#include "source.h"

#ifndef PJ_EXT_SUFFIX
#define PJ_EXT_SUFFIX ".so"
#endif

void pj_options_default(PjOptions *o) {
  memset(o, 0, sizeof *o);
  o->opt_level = 3;
  o->target_cpu = "native";
  o->boundscheck = true;
  o->overflowcheck = true;
}

typedef struct Compilation {
  Arena arena;
  Bailout bail;
  Diags diags;
  Interner *names;
  const PjOptions *opt;
  Source *src;
  char *text;          /* malloc'd file contents */
  double t_last;
} Compilation;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void phase_done(Compilation *c, const char *phase) {
  double t = now_ms();
  if (c->opt->verbose)
    fprintf(stderr, "pyjitc: %-8s %8.2f ms\n", phase, t - c->t_last);
  c->t_last = t;
}

/* The module name: --module, else the file's base name up to the first dot. */
static const char *module_name_of(Compilation *c) {
  if (c->opt->module_name)
    return c->opt->module_name;
  const char *slash = strrchr(c->opt->input, '/');
  const char *base = slash ? slash + 1 : c->opt->input;
  const char *dot = strchr(base, '.');
  return arena_strndup(&c->arena, base, dot ? (size_t)(dot - base) : strlen(base));
}

static int load(Compilation *c) {
  size_t len;
  c->text = read_file(c->opt->input, &len);
  if (!c->text) {
    fprintf(stderr, "pyjitc: error: cannot read '%s': %s\n", c->opt->input, strerror(errno));
    return PJ_EXIT_USER;
  }
  c->src = source_new(&c->arena, c->opt->input, c->text, len);
  diags_init(&c->diags, c->src, stderr);
  c->diags.bail = &c->bail;
  return PJ_EXIT_OK;
}

static void print_tokens(const TokenList *t) {
  for (int i = 0; i < t->len; i++) {
    const Token *k = &t->tok[i];
    char pos[64];
    snprintf(pos, sizeof pos, "%d,%d-%d,%d:", k->span.line, k->span.col, k->span.end_line,
             k->span.end_col);
    printf("%-20s%s\n", pos, token_kind_name(k->kind));
  }
}

static const char *output_path(Compilation *c, const char *modname, const char *ext) {
  if (c->opt->output && strcmp(ext, PJ_EXT_SUFFIX) == 0)
    return c->opt->output;
  const char *dir = c->opt->outdir;
  if (!dir) {
    char *copy = arena_strdup(&c->arena, c->opt->input);
    dir = arena_strdup(&c->arena, dirname(copy));
  }
  return arena_printf(&c->arena, "%s/%s%s", dir, modname, ext);
}

static const char *absolute_path(Compilation *c, const char *path) {
  char buf[PATH_MAX];
  if (realpath(path, buf))
    return arena_strdup(&c->arena, buf);
  return path;
}

/* A missing or unwritable output directory is the user's to fix (exit 1),
 * not an internal failure of the link. */
static bool output_dir_writable(Compilation *c, const char *out) {
  char *copy = arena_strdup(&c->arena, out);
  const char *dir = dirname(copy);
  if (access(dir, W_OK | X_OK) == 0)
    return true;
  fprintf(stderr, "pyjitc: error: cannot write the module into '%s': %s\n", dir, strerror(errno));
  return false;
}

static void remove_objects(const char *dir, const char **objs, int nobj) {
  for (int i = 0; i < nobj; i++)
    unlink(objs[i]);
  rmdir(dir);
}

/* lower -> emit -> link.  The object goes to a private temporary file. */
static int build(Compilation *c, const Program *prog) {
  const char *modname = module_name_of(c);
  const char *runtime = link_find_runtime(&c->arena);
  if (!runtime) {
    fprintf(stderr, "pyjitc: internal error: runtime library libpjrt.a not found "
                    "(set PYJITC_RUNTIME or reinstall)\n");
    return PJ_EXIT_INTERNAL;
  }
  const char *out = output_path(c, modname, PJ_EXT_SUFFIX);
  if (!output_dir_writable(c, out))
    return PJ_EXIT_USER;
  Str terr = {0};
  if (emit_check_target(c->opt, &terr)) {
    fprintf(stderr, "pyjitc: %s\n(run `pyjitc --help` for usage)\n", terr.buf);
    str_free(&terr);
    return PJ_EXIT_USAGE;
  }
  PjIR *ir = lower_program(&c->arena, &c->bail, prog, c->opt, modname,
                           absolute_path(c, c->opt->input),
                           c->opt->no_exec ? NULL : c->src->text);
  phase_done(c, "lower");
  /* The objects go to a private temporary directory. */
  char dir[] = "/tmp/pyjitc-XXXXXX";
  if (!mkdtemp(dir)) {
    pj_ir_free(ir);
    fprintf(stderr, "pyjitc: internal error: cannot create a temporary directory: %s\n",
            strerror(errno));
    return PJ_EXIT_INTERNAL;
  }
  Str err = {0};
  const char *objs[EMIT_MAX_OBJECTS];
  int nobj = 0;
  int rc = emit_program(ir, c->opt, &c->arena, dir, objs, &nobj,
                        c->opt->emit_llvm ? output_path(c, modname, ".ll") : NULL,
                        c->opt->emit_asm ? output_path(c, modname, ".s") : NULL, &err);
  if (c->opt->verbose && rc == 0) {
    double opt_ms, cg_ms;
    int parts, regrouped;
    emit_timings(ir, &opt_ms, &cg_ms, &parts, &regrouped);
    fprintf(stderr, "pyjitc:   optimize %8.2f ms\npyjitc:   codegen  %8.2f ms\n", opt_ms, cg_ms);
    if (regrouped)
      fprintf(stderr, "pyjitc:   %d integer min/max chain%s regrouped, the loop-carried operand "
                      "last\n", regrouped, regrouped == 1 ? "" : "s");
    if (parts > 1)
      fprintf(stderr, "pyjitc:   (%d parts optimized and compiled in parallel; "
                      "the times above are the slowest part's)\n", parts);
  }
  pj_ir_free(ir);
  phase_done(c, "emit");
  if (rc == 0) {
    rc = link_module(&c->arena, objs, nobj, runtime, out,
                     arena_printf(&c->arena, "%s%s", modname, PJ_EXT_SUFFIX), &err);
    phase_done(c, "link");
  }
  remove_objects(dir, objs, nobj);
  if (rc != 0) {
    fprintf(stderr, "pyjitc: internal error: %s\n", err.buf ? err.buf : "build failed");
    str_free(&err);
    return PJ_EXIT_INTERNAL;
  }
  str_free(&err);
  return PJ_EXIT_OK;
}

static int run_stages(Compilation *c, PjCommand cmd) {
  int rc = load(c);
  if (rc)
    return rc;
  phase_done(c, "load");

  TokenList toks = lex_source(&c->arena, &c->diags, c->src);
  phase_done(c, "lex");
  if (cmd == PJ_CMD_TOKENIZE) {
    print_tokens(&toks);
    return toks.ok ? PJ_EXIT_OK : PJ_EXIT_USER;
  }
  if (!toks.ok)
    return PJ_EXIT_USER;

  ParseOptions popt = {.only = c->opt->only};
  Module *mod = parse_module(&c->arena, c->names, &c->diags, c->src, &toks, &popt);
  phase_done(c, "parse");
  if (cmd == PJ_CMD_DUMP_AST && mod) {
    Str out = {0};
    ast_dump(&out, mod);
    fputs(out.buf ? out.buf : "", stdout);
    str_free(&out);
  }
  if (!mod || (c->diags.nerrors && cmd == PJ_CMD_DUMP_AST))
    return PJ_EXIT_USER;
  if (cmd == PJ_CMD_DUMP_AST)
    return PJ_EXIT_OK;

  /* After parse errors the checker still runs, to report the problems of the
   * other functions in the same run; it skips the bodies that failed to parse. */
  bool parse_failed = c->diags.nerrors > 0;
  Program *prog = check_program(&c->arena, c->names, &c->diags, mod, types_new(&c->arena));
  phase_done(c, "check");
  if (!prog || c->diags.nerrors || parse_failed)
    return PJ_EXIT_USER;
  if (cmd == PJ_CMD_DUMP_TYPES) {
    Str out = {0};
    check_dump(&out, prog);
    fputs(out.buf ? out.buf : "", stdout);
    str_free(&out);
    return PJ_EXIT_OK;
  }
  if (cmd == PJ_CMD_CHECK)
    return PJ_EXIT_OK;
  return build(c, prog);
}

int pj_run(PjCommand cmd, const PjOptions *o) {
  Compilation *c = xmalloc(sizeof *c);
  memset(c, 0, sizeof *c);
  arena_init(&c->arena);
  c->opt = o;
  c->t_last = now_ms();
  diags_init(&c->diags, NULL, stderr);
  int rc;
  if (setjmp(c->bail.jb) == 0) {
    c->names = interner_new(&c->arena);
    rc = run_stages(c, cmd);
  } else {
    fflush(stdout);
    fprintf(stderr, "pyjitc: internal error: %s\n", c->bail.msg);
    rc = PJ_EXIT_INTERNAL;
  }
  fflush(stdout);
  arena_free(&c->arena);
  free(c->text);
  free(c);
  return rc;
}
