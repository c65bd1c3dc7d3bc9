#!/bin/sh
# run.sh TARGET...: runs build-fuzz/fuzz_TARGET for $FUZZ_SECONDS (default 60)
# each, seeded from fuzz/corpus/ (inputs found nowhere else), the test suite's
# .py inputs and the bench kernels (gathered into build-fuzz/seeds/ at each
# run, so the seeds follow the tests), plus a growing working corpus in
# build-fuzz/corpus/TARGET/ (not committed).  A crash, leak, sanitizer report
# or timeout is saved to fuzz/crashes/TARGET-<kind>-<sha1>; this prints how to
# reproduce it.  Exits 1 if any target found something.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
status=0
mkdir -p fuzz/crashes
rm -rf build-fuzz/seeds && mkdir -p build-fuzz/seeds
for d in lex parse types errors_check errors_parse errors_qa qa_valid; do
  for f in tests/$d/*.py; do
    [ -e "$f" ] && cp "$f" "build-fuzz/seeds/${d}_$(basename "$f")"
  done
done
cp bench/kernels.py build-fuzz/seeds/bench_kernels.py
for t in "$@"; do
  bin=build-fuzz/fuzz_$t
  work=build-fuzz/corpus/$t
  mkdir -p "$work"
  echo "== fuzz_$t for ${secs}s (corpus $work + fuzz/corpus + build-fuzz/seeds)"
  before=$(ls fuzz/crashes | wc -l)
  # -timeout: one input taking 10 s counts as a hang.  -max_len: the seed
  # kernels are ~9 KB.  -rss_limit_mb: the front end uses an arena, a few MB.
  "$bin" -max_total_time="$secs" -timeout=10 -max_len=16384 -rss_limit_mb=2048 \
    -dict=fuzz/python.dict -artifact_prefix="fuzz/crashes/$t-" -print_final_stats=1 \
    "$work" fuzz/corpus build-fuzz/seeds 2>build-fuzz/fuzz_$t.log
  rc=$?
  tail -n 12 build-fuzz/fuzz_$t.log
  after=$(ls fuzz/crashes | wc -l)
  if [ "$rc" -ne 0 ] || [ "$after" -ne "$before" ]; then
    status=1
    echo "!! fuzz_$t found a problem (exit $rc); log: build-fuzz/fuzz_$t.log"
    for f in $(ls -t fuzz/crashes | grep "^$t-" | head -n $((after - before))); do
      echo "   reproduce: make $bin && $bin fuzz/crashes/$f"
      echo "   with diagnostics: PJ_FUZZ_SHOW_DIAGS=1 $bin fuzz/crashes/$f"
      echo "   through the CLI:  build/pyjitc check fuzz/crashes/$f"
    done
  fi
done
exit $status
