/* fuzz_common.c: runs lex (and parse, and check) on one fuzz input; see
 * fuzz_common.h.  Built only into the libFuzzer targets in build-fuzz/. */
#include <stdlib.h>

#include "fuzz_common.h"

/* Without @native in the input nothing would be selected and the checker
 * would see no function: select every top-level def by name instead (as
 * `pyjitc check --only a,b,...` does).  Inputs with @native keep the
 * decorator-driven selection, so both paths of the parser get fuzzed. */
static const char **select_all_defs(FuzzRun *r, const TokenList *toks) {
  if (strstr(r->text, "@native"))
    return NULL;
  int n = 0;
  for (int i = 0; i + 1 < toks->len; i++)
    n += toks->tok[i].kind == TK_NAME && toks->tok[i].span.col == 0 &&
         toks->tok[i].len == 3 && !memcmp(toks->tok[i].text, "def", 3) &&
         toks->tok[i + 1].kind == TK_NAME;
  const char **only = ARENA_ARRAY(&r->arena, const char *, n + 1);
  int k = 0;
  for (int i = 0; i + 1 < toks->len && k < n; i++)
    if (toks->tok[i].kind == TK_NAME && toks->tok[i].span.col == 0 && toks->tok[i].len == 3 &&
        !memcmp(toks->tok[i].text, "def", 3) && toks->tok[i + 1].kind == TK_NAME)
      only[k++] = intern(r->names, toks->tok[i + 1].text, (size_t)toks->tok[i + 1].len);
  only[k] = NULL;
  return only;
}

static void run_stages(FuzzRun *r, FuzzStage stage) {
  TokenList toks = lex_source(&r->arena, &r->diags, r->src);
  if (stage == FUZZ_LEX || !toks.ok)
    return;
  ParseOptions popt = {.only = stage == FUZZ_CHECK ? select_all_defs(r, &toks) : NULL};
  Module *mod = parse_module(&r->arena, r->names, &r->diags, r->src, &toks, &popt);
  if (!mod)
    return;
  if (stage == FUZZ_PARSE) {
    /* The dumper is what `pyjitc dump --ast` runs on any parsed module. */
    Str out = {0};
    ast_dump(&out, mod);
    str_free(&out);
    return;
  }
  if (r->diags.nerrors)
    return;
  Program *prog = check_program(&r->arena, r->names, &r->diags, mod, types_new(&r->arena));
  if (prog && !r->diags.nerrors) {
    Str out = {0};
    check_dump(&out, prog);
    str_free(&out);
  }
}

int fuzz_frontend(const uint8_t *data, size_t size, FuzzStage stage) {
  FuzzRun *r = calloc(1, sizeof *r);
  if (!r)
    abort();
  const char *show = getenv("PJ_FUZZ_SHOW_DIAGS");
  r->sink = show && *show == '1' ? stderr : fopen("/dev/null", "w");
  if (!r->sink)
    abort();
  r->text = malloc(size + 1);
  if (!r->text)
    abort();
  memcpy(r->text, data, size);
  r->text[size] = 0;
  arena_init(&r->arena);
  if (setjmp(r->bail.jb) == 0) {
    r->names = interner_new(&r->arena);
    r->src = source_new(&r->arena, "fuzz.py", r->text, size);
    diags_init(&r->diags, r->src, r->sink);
    r->diags.bail = &r->bail;
    run_stages(r, stage);
  } else {
    /* die(): an internal compiler error on this input. */
    fprintf(stderr, "pyjitc fuzz: internal error (die): %s\n", r->bail.msg);
    abort();
  }
  arena_free(&r->arena);
  if (r->sink != stderr)
    fclose(r->sink);
  free(r->text);
  free(r);
  return 0;
}
