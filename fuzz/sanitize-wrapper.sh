#!/bin/sh
# sanitize-wrapper.sh DIR: after `make B=DIR/c SAN=...` built the sanitized
# compiler and runtime into DIR/c, writes DIR/pyjitc (a wrapper) and
# DIR/libpjrt.a (a link to DIR/c/libpjrt.a), which `make test-sanitize`
# points the tests at.
#
# Why a wrapper: the test process (CPython) runs with the ASan runtime in
# LD_PRELOAD and leak checks off.  The compiler is linked with the static ASan
# runtime, which must not meet a preloaded copy, and it should run with leak
# checks on; the wrapper drops the preload and turns LeakSanitizer on.
# A sanitizer report exits 86, so no test can take it for a user error (1).
# fuzz/lsan.supp lists the allocations that live until exit by design.  The
# C compiler it runs for linking then runs without any sanitizer runtime.
set -eu
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
cat > "$dir/pyjitc.tmp" <<WRAP
#!/bin/sh
# The Python-side commands import instrumented modules: keep the preload
# (main.c would run \$PYTHON -m pyjitc just the same).
case "\${1:-}" in
  profile|run|cache) exec "\${PYTHON:-python3}" -m pyjitc "\$@" ;;
esac
unset LD_PRELOAD
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86\${PJ_SAN_ASAN_OPTIONS:+:\$PJ_SAN_ASAN_OPTIONS}
UBSAN_OPTIONS=print_stacktrace=1:exitcode=86
LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
exec "$dir/c/pyjitc" "\$@"
WRAP
chmod +x "$dir/pyjitc.tmp"
mv "$dir/pyjitc.tmp" "$dir/pyjitc"
ln -sf c/libpjrt.a "$dir/libpjrt.a"
