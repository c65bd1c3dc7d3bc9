/* emit.c: STAGE 5.  The target machine (host triple, CPU, PIC), module
 * verification, the new-pass-manager pipeline `default<ON>`, and writing the
 * object file (plus optional .ll / .s).
 *
 * Float semantics: nothing here enables fast-math or FP contraction globally;
 * LLVM's defaults for IR without fast-math flags keep results bit-identical
 * to CPython.  `fastmath` is applied per instruction by lower.c. */
#include <time.h>
#include <unistd.h>

#include <llvm-c/Support.h>

#include "lower_internal.h"

static double emit_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Code-generation options (lower.c's owner measured them on the bench
 * kernels): x86's cmov-to-branch conversion turns the min/max selects of
 * data-dependent DP loops (levenshtein) into mispredicted branches, 1.6x
 * slower; C compilers keep the cmov.  The AVX-512 mask-domain reassignment
 * costs ~10 ms of the ~270 ms of code generation of the 17-kernel bench
 * module and changes no kernel's time.  Measured and rejected: dropping the
 * post-RA scheduler (-15 ms, but mandelbrot 5% slower on znver4) and LSR
 * (-70 ms, but levenshtein and histogram safe 1.2-1.3x slower).  Ordered
 * reductions let the loop vectorizer keep an in-order float sum (`s += x`,
 * exact: the additions stay in source order) while the rest of the body
 * runs in vectors: spectral_norm's divisions 1.6x faster; lower.c keeps
 * loops whose body is cheap scalar (maybe_keep_scalar).  Parsed once per
 * process. */
static void set_codegen_options(void) {
  static int done; /* process-wide LLVM option state: set once */
  if (done)
    return;
  done = 1;
  const char *argv[] = {"pyjitc", "-x86-cmov-converter=false",
                        "-disable-x86-domain-reassignment", "-force-ordered-reductions"};
  LLVMParseCommandLineOptions(4, argv, NULL);
}

static void init_native_target(void) {
  /* Idempotent; LLVM guards the registration itself. */
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  set_codegen_options();
}

/* LLVM has no C API to ask whether a CPU name is known: creating a target
 * machine for an unknown one prints "'X' is not a recognized processor" on
 * stderr (and code generation would later abort).  So stderr is captured
 * around the creation and searched for that message. */
static LLVMTargetMachineRef create_tm_checked(LLVMTargetRef t, const char *triple,
                                              const char *cpu, const char *features,
                                              LLVMCodeGenOptLevel level, bool *cpu_ok) {
  *cpu_ok = true;
  fflush(stderr);
  int saved = dup(2);
  FILE *cap = saved >= 0 ? tmpfile() : NULL;
  if (cap)
    dup2(fileno(cap), 2);
  LLVMTargetMachineRef tm =
      LLVMCreateTargetMachine(t, triple, cpu, features, level, LLVMRelocPIC, LLVMCodeModelDefault);
  if (!cap) {
    if (saved >= 0)
      close(saved);
    return tm;
  }
  dup2(saved, 2);
  close(saved);
  char buf[1024];
  rewind(cap);
  size_t n = fread(buf, 1, sizeof buf - 1, cap);
  buf[n] = 0;
  fclose(cap);
  if (strstr(buf, "not a recognized processor"))
    *cpu_ok = false;
  else if (n)
    fputs(buf, stderr); /* something else LLVM had to say: pass it on */
  return tm;
}

static LLVMCodeGenOptLevel codegen_level(int opt_level) {
  switch (opt_level) {
  case 0: return LLVMCodeGenLevelNone;
  case 1: return LLVMCodeGenLevelLess;
  case 2: return LLVMCodeGenLevelDefault;
  }
  return LLVMCodeGenLevelAggressive;
}

/* Creates the target machine for `cpu_opt` ("native", "generic" or an LLVM
 * CPU name).  Returns NULL with a message in *err if the CPU is unknown. */
static LLVMTargetMachineRef make_target_machine(Bailout *b, const char *cpu_opt, int opt_level,
                                                Str *err) {
  init_native_target();
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *msg = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &msg))
    die(b, "no LLVM target for '%s': %s", triple, msg ? msg : "?"); /* leaks: bug path */
  char *host_cpu = NULL, *host_features = NULL;
  const char *cpu = cpu_opt, *features = "";
  if (!cpu || !strcmp(cpu, "native")) {
    cpu = host_cpu = LLVMGetHostCPUName();
    features = host_features = LLVMGetHostCPUFeatures();
  } else if (!strcmp(cpu, "generic")) {
    cpu = "x86-64";
  }
  bool ok = true;
  LLVMCodeGenOptLevel level = codegen_level(opt_level);
  /* Only a CPU name the user typed needs checking. */
  LLVMTargetMachineRef tm =
      cpu == cpu_opt ? create_tm_checked(target, triple, cpu, features, level, &ok)
                     : LLVMCreateTargetMachine(target, triple, cpu, features, level, LLVMRelocPIC,
                                               LLVMCodeModelDefault);
  if (!ok) {
    str_printf(err, "unknown target CPU '%s' (use native, generic, or an LLVM CPU name "
                    "such as x86-64-v3, skylake, znver4; `llc -mcpu=help` lists them)",
               cpu_opt);
    if (tm)
      LLVMDisposeTargetMachine(tm);
    tm = NULL;
  }
  if (host_cpu)
    LLVMDisposeMessage(host_cpu);
  if (host_features)
    LLVMDisposeMessage(host_features);
  LLVMDisposeMessage(triple);
  return tm;
}

int emit_check_target(const PjOptions *o, Str *err) {
  const char *cpu = o->target_cpu;
  if (!cpu || !strcmp(cpu, "native") || !strcmp(cpu, "generic"))
    return 0; /* always known: no trial target machine needed */
  Bailout b;
  if (setjmp(b.jb)) {
    str_puts(err, b.msg);
    return -1;
  }
  LLVMTargetMachineRef tm = make_target_machine(&b, o->target_cpu, o->opt_level, err);
  if (!tm)
    return -1;
  LLVMDisposeTargetMachine(tm);
  return 0;
}

void emit_setup_target(Lower *L) {
  Str err = {0};
  LLVMTargetMachineRef tm = make_target_machine(L->bail, L->opt->target_cpu, L->opt->opt_level,
                                                &err);
  if (!tm) {
    char msg[400];
    snprintf(msg, sizeof msg, "%s", err.buf ? err.buf : "cannot create the target machine");
    str_free(&err);
    die(L->bail, "%s", msg);
  }
  L->ir->tm = tm;
  char *triple = LLVMGetTargetMachineTriple(tm);
  LLVMSetTarget(L->mod, triple);
  LLVMDisposeMessage(triple);
  LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
  LLVMSetModuleDataLayout(L->mod, dl);
  LLVMDisposeTargetData(dl);
}

/* Moves an LLVM-allocated message into *err and frees it. */
static int fail_with(Str *err, const char *what, char *msg) {
  str_printf(err, "%s: %s", what, msg ? msg : "(no message)");
  if (msg)
    LLVMDisposeMessage(msg);
  return -1;
}

static int run_pipeline(PjIR *ir, int opt_level, Str *err) {
  char passes[32];
  int level = opt_level < 0 ? 0 : opt_level > 3 ? 3 : opt_level;
  snprintf(passes, sizeof passes, "default<O%d>", level);
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = LLVMRunPasses(ir->mod, passes, ir->tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (e)
    return fail_with(err, "LLVM optimization failed", LLVMGetErrorMessage(e));
  return 0;
}

static int emit_file(PjIR *ir, LLVMModuleRef m, const char *path, LLVMCodeGenFileType kind,
                     Str *err) {
  char *msg = NULL;
  /* The C API takes a non-const path. */
  char *p = strdup(path);
  if (!p)
    return fail_with(err, "out of memory", NULL);
  LLVMBool bad = LLVMTargetMachineEmitToFile(ir->tm, m, p, kind, &msg);
  free(p);
  if (bad) {
    Str what = {0};
    str_printf(&what, "cannot write '%s'", path);
    int rc = fail_with(err, what.buf, msg);
    str_free(&what);
    return rc;
  }
  if (msg)
    LLVMDisposeMessage(msg);
  return 0;
}

int emit_program(PjIR *ir, const PjOptions *o, const char *obj_path, const char *ll_path,
                 const char *asm_path, Str *err) {
  char *msg = NULL;
  if (LLVMVerifyModule(ir->mod, LLVMReturnStatusAction, &msg)) {
    /* With --emit-llvm the broken module is still written: it is what a
     * developer needs to see. */
    if (ll_path && !LLVMPrintModuleToFile(ir->mod, ll_path, NULL))
      str_printf(err, "(unoptimized IR written to %s) ", ll_path);
    return fail_with(err, "invalid LLVM IR (compiler bug)", msg);
  }
  if (msg)
    LLVMDisposeMessage(msg);

  double t0 = emit_now_ms();
  if (run_pipeline(ir, o->opt_level, err))
    return -1;
  double t1 = emit_now_ms();
  ir->opt_ms = t1 - t0;

  if (ll_path) {
    msg = NULL;
    if (LLVMPrintModuleToFile(ir->mod, ll_path, &msg)) {
      Str what = {0};
      str_printf(&what, "cannot write '%s'", ll_path);
      int rc = fail_with(err, what.buf, msg);
      str_free(&what);
      return rc;
    }
  }
  /* Code generation mutates the module: the assembly comes from a clone. */
  if (asm_path) {
    LLVMModuleRef clone = LLVMCloneModule(ir->mod);
    int rc = emit_file(ir, clone, asm_path, LLVMAssemblyFile, err);
    LLVMDisposeModule(clone);
    if (rc)
      return rc;
  }
  if (emit_file(ir, ir->mod, obj_path, LLVMObjectFile, err))
    return -1;
  ir->codegen_ms = emit_now_ms() - t1;
  return 0;
}

void emit_timings(const PjIR *ir, double *opt_ms, double *codegen_ms) {
  *opt_ms = ir->opt_ms;
  *codegen_ms = ir->codegen_ms;
}

void pj_ir_free(PjIR *ir) {
  if (!ir)
    return;
  if (ir->tm)
    LLVMDisposeTargetMachine(ir->tm);
  if (ir->mod)
    LLVMDisposeModule(ir->mod);
  if (ir->ctx)
    LLVMContextDispose(ir->ctx);
  free(ir);
}
