/* link.c: STAGE 6.  Object file + runtime archive -> extension module.
 *
 * The system C compiler driver (`cc`, or $CC) does the link, run with an argv
 * array (fork + execvp, no shell); with the default `cc`, through gold when
 * it is installed (faster than ld.bfd; the code is the same).  The module is written to a temporary name
 * in the destination directory and renamed over the final name, so another
 * process importing it never sees a partial file.  Only PyInit_<name> is
 * exported: generated symbols are internal/hidden, the runtime is compiled
 * hidden, and --exclude-libs keeps anything from the archive out of the
 * dynamic symbol table regardless. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "link.h"

static bool readable(const char *path) { return path && access(path, R_OK) == 0; }

const char *link_find_runtime(Arena *a) {
  const char *env = getenv("PYJITC_RUNTIME");
  if (env && *env)
    return readable(env) ? arena_strdup(a, env) : NULL;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return NULL;
  exe[n] = 0;
  const char *dir = dirname(exe);
  const char *beside = arena_printf(a, "%s/libpjrt.a", dir);
  if (readable(beside))
    return beside;
  const char *installed = arena_printf(a, "%s/../lib/pyjitc/libpjrt.a", dir);
  if (readable(installed))
    return installed;
  return NULL;
}

/* $CC may be a command with arguments ("ccache gcc"): split on blanks. */
static int split_cc(Arena *a, const char *cc, const char **argv, int max) {
  int n = 0;
  const char *p = cc;
  while (*p && n < max) {
    while (*p == ' ' || *p == '\t')
      p++;
    const char *start = p;
    while (*p && *p != ' ' && *p != '\t')
      p++;
    if (p > start)
      argv[n++] = arena_strndup(a, start, (size_t)(p - start));
  }
  if (n == 0)
    argv[n++] = "cc";
  return n;
}

/* Is `prog` an executable in $PATH? */
static bool on_path(Arena *a, const char *prog) {
  const char *path = getenv("PATH");
  while (path && *path) {
    const char *end = strchr(path, ':');
    size_t len = end ? (size_t)(end - path) : strlen(path);
    if (len && access(arena_printf(a, "%.*s/%s", (int)len, path, prog), X_OK) == 0)
      return true;
    path = end ? end + 1 : NULL;
  }
  return false;
}

/* Runs argv, collecting its stderr (and stdout) into *out.  Returns the exit
 * status, or -1 if it could not run or was killed. */
static int run_capture(char *const *argv, Str *out) {
  int fds[2];
  if (pipe(fds) != 0) {
    str_printf(out, "pipe: %s", strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    str_printf(out, "fork: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    str_putn(out, buf, (size_t)n);
  }
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Writes a version script exporting only PyInit_* beside the object `obj`
 * (in the compilation's private directory).  NULL if it cannot. */
static const char *export_script(Arena *a, const char *obj) {
  const char *slash = strrchr(obj, '/');
  const char *path = arena_printf(a, "%.*sexports.ver", slash ? (int)(slash - obj + 1) : 0, obj);
  FILE *f = fopen(path, "w");
  if (!f)
    return NULL;
  bool ok = fputs("{ global: PyInit_*; local: *; };\n", f) >= 0;
  if (fclose(f) != 0 || !ok) {
    unlink(path);
    return NULL;
  }
  return path;
}

/* Runs the link (argv's linker choice included); on failure *err says why. */
static int run_link(char *const *argv, const char *out_path, Str *err) {
  Str out = {0};
  int rc = run_capture(argv, &out);
  if (rc != 0) {
    str_printf(err, "linking '%s' failed (%s exited with %d)", out_path, argv[0], rc);
    if (out.len)
      str_printf(err, ":\n%.*s", (int)out.len, out.buf);
  }
  str_free(&out);
  return rc;
}

int link_module(Arena *a, const char *const *objs, int nobj, const char *runtime_lib,
                const char *out_path, const char *soname, Str *err) {
  /* The temporary goes in the destination directory so rename() is atomic. */
  char *tmp = arena_printf(a, "%s.tmp-XXXXXX", out_path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    str_printf(err, "cannot create '%s': %s", tmp, strerror(errno));
    return -1;
  }
  close(fd);

  const char *cc = getenv("CC");
  bool default_cc = !cc || !*cc;
  const char **argv = ARENA_ARRAY(a, const char *, 8 + 16 + nobj);
  int n = split_cc(a, default_cc ? "cc" : cc, argv, 8);
  argv[n++] = "-shared";
  argv[n++] = "-o";
  argv[n++] = tmp;
  for (int i = 0; i < nobj; i++)
    argv[n++] = objs[i];
  argv[n++] = runtime_lib;
  argv[n++] = "-Wl,--exclude-libs,ALL";
  argv[n++] = "-Wl,-O1";
  argv[n++] = "-lm";
  /* With the default cc, gold when it is installed: it links a module in
   * ~15 ms of CPU where ld.bfd takes ~24 (the kernels bench module).  A
   * $CC the user chose keeps its own linker.  gold exports _edata, _end
   * and __bss_start by itself: the version script keeps them local. */
  const char *script = default_cc && on_path(a, "ld.gold") ? export_script(a, objs[0]) : NULL;
  bool gold = script != NULL;
  if (gold) {
    /* The script gives the module a version definition named after its
     * soname, else after the temporary output file: the same build would
     * not be byte-identical twice (the @native cache checks that). */
    argv[n++] = arena_printf(a, "-Wl,-soname,%s", soname);
    argv[n++] = arena_printf(a, "-Wl,--version-script=%s", script);
    argv[n++] = "-fuse-ld=gold";
  }
  argv[n] = NULL;

  size_t err_len = err->len;
  int rc = run_link((char *const *)argv, out_path, err);
  if (rc != 0 && gold) { /* gold refused: the system linker decides */
    argv[n - 3] = NULL;
    err->len = err_len; /* forget gold's complaint */
    if (err->buf)
      err->buf[err_len] = 0;
    rc = run_link((char *const *)argv, out_path, err);
  }
  if (script)
    unlink(script);
  if (rc != 0) {
    unlink(tmp);
    return -1;
  }
  /* mkstemp made the file 0600; a module is as readable as any other file. */
  mode_t mask = umask(0);
  umask(mask);
  chmod(tmp, 0755 & ~mask);
  if (rename(tmp, out_path) != 0) {
    str_printf(err, "cannot write '%s': %s", out_path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}
