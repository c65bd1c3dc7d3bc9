/* emit.c: STAGE 5.  The target machine (host triple, CPU, PIC), module
 * verification, the new-pass-manager pipeline `default<ON>`, and writing the
 * object file (plus optional .ll / .s).
 *
 * Float semantics: nothing here enables fast-math or FP contraction globally;
 * LLVM's defaults for IR without fast-math flags keep results bit-identical
 * to CPython.  `fastmath` is applied per instruction by lower.c. */
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <llvm-c/Support.h>

#include "emit_split.h"

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
 * loops whose body is cheap scalar (maybe_keep_scalar).  Runtime unrolling
 * of loops with more than one exit: a loop whose checks were not all
 * hoisted has raise paths as exits, which by default keep LLVM from
 * runtime-unrolling it (safe lcs_length 0.60x, floyd_warshall 0.65x,
 * bincount 0.75x, knapsack 0.83x with it; lower.c keeps user-written
 * early exits out of it, mark_runtime_unroll_off).  Parsed once per
 * process. */
static void set_codegen_options(void) {
  static int done; /* process-wide LLVM option state: set once */
  if (done)
    return;
  done = 1;
  const char *argv[] = {"pyjitc", "-x86-cmov-converter=false",
                        "-disable-x86-domain-reassignment", "-force-ordered-reductions",
                        "-unroll-runtime-multi-exit"};
  LLVMParseCommandLineOptions(5, argv, NULL);
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

static int run_pipeline(PjIR *ir, int opt_level, int *regrouped, Str *err) {
  char passes[32];
  int level = opt_level < 0 ? 0 : opt_level > 3 ? 3 : opt_level;
  snprintf(passes, sizeof passes, "default<O%d>", level);
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = NULL;
  if (level >= 2)
    e = minmax_stage(ir->mod, ir->tm, po, regrouped);
  if (!e)
    e = LLVMRunPasses(ir->mod, passes, ir->tm, po);
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

/* The smallest part worth its own process, in LLVM instructions before
 * optimization: fork, copy-on-write faults and one more object for the
 * linker cost a few ms; optimizing and compiling ~60 ms per 1000
 * instructions. */
enum { SPLIT_MIN_SIZE = 1500 };

/* Processes for optimization and code generation: $PYJITC_JOBS, else the
 * CPUs this process may run on.  *forced: the user chose, so even a small
 * module is split (the tests use it to exercise the split on every module). */
static int emit_jobs(bool *forced) {
  const char *env = getenv("PYJITC_JOBS");
  *forced = env && *env;
  if (*forced)
    return atoi(env) > 0 ? atoi(env) : 1;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* Every function starts on a 64-byte line.  How its hot code falls on
 * cache lines then no longer depends on what precedes it in the object, which
 * the split into parts (and the linker) changes: with LLVM's 16-byte
 * alignment the same instructions of collatz_longest (safe) ran 18% and
 * fib's (unchecked) 15% slower after a reordering.  Costs 24 bytes of
 * padding per function on average. */
static void align_functions(LLVMModuleRef m) {
  for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
    if (!LLVMIsDeclaration(f) && LLVMGetAlignment(f) < 64)
      LLVMSetAlignment(f, 64);
}

typedef struct PartResult {
  int rc;
  double opt_ms, codegen_ms;
  int regrouped; /* min/max chains (emit_minmax.c) */
} PartResult;

/* One process's work: its parts of the module, optimized, then compiled to
 * `obj` (and the whole module's .ll / .s, which are only asked for when
 * nothing is split). */
static PartResult build_parts(PjIR *ir, const SplitPlan *plan, unsigned parts, int opt_level,
                              const char *obj, const char *ll_path, const char *asm_path,
                              Str *err) {
  PartResult r = {0};
  split_keep_parts(plan, parts);
  double t0 = emit_now_ms();
  if (run_pipeline(ir, opt_level, &r.regrouped, err)) {
    r.rc = -1;
    return r;
  }
  double t1 = emit_now_ms();
  r.opt_ms = t1 - t0;
  split_emit_globals(ir->mod, parts & 1u);
  align_functions(ir->mod);
  char *msg = NULL;
  if (ll_path && LLVMPrintModuleToFile(ir->mod, ll_path, &msg)) {
    Str what = {0};
    str_printf(&what, "cannot write '%s'", ll_path);
    r.rc = fail_with(err, what.buf, msg);
    str_free(&what);
    return r;
  }
  /* Code generation mutates the module: the assembly comes from a clone. */
  if (asm_path) {
    LLVMModuleRef clone = LLVMCloneModule(ir->mod);
    r.rc = emit_file(ir, clone, asm_path, LLVMAssemblyFile, err);
    LLVMDisposeModule(clone);
    if (r.rc)
      return r;
  }
  r.rc = emit_file(ir, ir->mod, obj, LLVMObjectFile, err);
  r.codegen_ms = emit_now_ms() - t1;
  return r;
}

/* The child's side of a part: build it, send the result (then any message)
 * through the pipe, never return.  _exit: the parent's stdio buffers and
 * atexit handlers are not ours. */
static void child_part(PjIR *ir, const SplitPlan *plan, int part, int opt_level,
                       const char *obj, int fd) {
  Str err = {0};
  PartResult r = build_parts(ir, plan, 1u << part, opt_level, obj, NULL, NULL, &err);
  bool sent = write(fd, &r, sizeof r) == (ssize_t)sizeof r;
  if (r.rc && err.len)
    sent = write(fd, err.buf, err.len) == (ssize_t)err.len && sent;
  _exit(sent ? 0 : 1);
}

/* Collects a child's result and message (until it closes the pipe), then
 * its exit status.  A child that died without a result failed. */
static PartResult wait_part(pid_t pid, int fd, int part, Str *err) {
  PartResult r = {.rc = -1};
  Str msg = {0};
  char buf[512];
  size_t got = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    str_putn(&msg, buf, (size_t)n);
  }
  close(fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      status = -1;
      break;
    }
  if (msg.len >= sizeof r) {
    memcpy(&r, msg.buf, sizeof r);
    got = sizeof r;
  }
  if (r.rc && err) {
    if (msg.len > got)
      str_printf(err, "%.*s", (int)(msg.len - got), msg.buf + got);
    else if (status != -1 && WIFSIGNALED(status))
      str_printf(err, "building part %d of the module: killed by signal %d", part,
                 WTERMSIG(status));
    else
      str_printf(err, "building part %d of the module failed", part);
  }
  str_free(&msg);
  return r;
}

/* Builds the plan's parts at the same time: part k > 0 in a forked child
 * (an LLVM context is not thread-safe; fork gives each part its own copy of
 * the module), part 0 here.  A part whose process cannot be started is
 * built here too.  The objects' paths go to objs[], their number to *nobj;
 * ir's timings are those of the slowest part. */
static int build_in_parallel(PjIR *ir, const SplitPlan *plan, int opt_level, Arena *a,
                             const char *dir, const char **objs, int *nobj, Str *err) {
  pid_t pid[SPLIT_MAX_PARTS] = {0};
  int fd[SPLIT_MAX_PARTS];
  unsigned mine = 1u;
  objs[0] = arena_printf(a, "%s/part0.o", dir);
  *nobj = 1;
  fflush(stdout);
  fflush(stderr);
  for (int k = 1; k < plan->nparts; k++) {
    const char *path = arena_printf(a, "%s/part%d.o", dir, k);
    int p[2];
    if (pipe(p) != 0) {
      mine |= 1u << k; /* no process: this part stays here */
      continue;
    }
    if ((pid[k] = fork()) < 0) {
      close(p[0]);
      close(p[1]);
      mine |= 1u << k;
      continue;
    }
    if (pid[k] == 0) {
      close(p[0]);
      child_part(ir, plan, k, opt_level, path, p[1]);
    }
    close(p[1]);
    fd[k] = p[0];
    objs[(*nobj)++] = path;
  }
  PartResult slowest = build_parts(ir, plan, mine, opt_level, objs[0], NULL, NULL, err);
  int rc = slowest.rc, regrouped = slowest.regrouped;
  for (int k = 1; k < plan->nparts; k++) {
    if (pid[k] <= 0)
      continue;
    PartResult r = wait_part(pid[k], fd[k], k, rc ? NULL : err);
    regrouped += r.regrouped;
    if (r.rc)
      rc = -1;
    else if (r.opt_ms + r.codegen_ms > slowest.opt_ms + slowest.codegen_ms)
      slowest = r;
  }
  ir->opt_ms = slowest.opt_ms;
  ir->codegen_ms = slowest.codegen_ms;
  ir->regrouped = regrouped;
  return rc;
}

int emit_program(PjIR *ir, const PjOptions *o, Arena *a, const char *obj_dir, const char **objs,
                 int *nobj, const char *ll_path, const char *asm_path, Str *err) {
  *nobj = 0;
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
  /* The .ll and .s show the whole module: then nothing is split. */
  bool forced = false;
  int jobs = ll_path || asm_path ? 1 : emit_jobs(&forced);
  SplitPlan plan = split_plan(ir->mod, jobs, forced ? 1 : SPLIT_MIN_SIZE);
  int rc;
  if (plan.nparts > 1) {
    rc = build_in_parallel(ir, &plan, o->opt_level, a, obj_dir, objs, nobj, err);
  } else {
    objs[0] = arena_printf(a, "%s/part0.o", obj_dir);
    *nobj = 1;
    PartResult r = build_parts(ir, &plan, 1u, o->opt_level, objs[0], ll_path, asm_path, err);
    ir->opt_ms = r.opt_ms;
    ir->codegen_ms = r.codegen_ms;
    ir->regrouped = r.regrouped;
    rc = r.rc;
  }
  ir->parts = *nobj; /* one object per process that built a part */
  split_free(&plan);
  return rc;
}

void emit_timings(const PjIR *ir, double *opt_ms, double *codegen_ms, int *parts,
                  int *regrouped) {
  *regrouped = ir->regrouped;
  *opt_ms = ir->opt_ms;
  *codegen_ms = ir->codegen_ms;
  *parts = ir->parts;
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
