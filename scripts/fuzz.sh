#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) in build/fuzz and runs each one.
#   scripts/fuzz.sh            20 s per target (the short run of the test command)
#   scripts/fuzz.sh 120        120 s per target
#   scripts/fuzz.sh --long     10,000,000 executions per target, all at once (see docs/RELIABILITY.md)
# New corpus entries go to build/fuzz/corpus/<target> (the seeds in tests/fuzz/corpus are only read);
# a crash is written to build/fuzz/artifacts/<target>-crash-* and fails the script.
# Reproduce one: build/fuzz/tests/fuzz/nrt_fuzz_<target> <file>  (state_machine: NRT_FUZZ_TRACE=1 prints the steps).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

mode=short
seconds=20
case "${1:-}" in
  --long) mode=long ;;
  '') ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh [seconds | --long]" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac

BUILD=build/fuzz
if [ ! -f "$BUILD/build.ninja" ]; then
  CXX=clang++-14 cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNRT_BUILD_FUZZERS=ON -DNRT_BUILD_TESTS=OFF >/dev/null
fi
if ! cmake --build "$BUILD" >"$BUILD/build.log" 2>&1; then
  cat "$BUILD/build.log" >&2
  echo "fuzz: the build FAILED (log: $BUILD/build.log)" >&2
  exit 1
fi

targets=(frame_ingest state_machine)
mkdir -p "$BUILD/artifacts"
# Frames need room; 512 bytes of state_machine input is ~130 operations, plenty to reach every state,
# and keeps each execution short.
declare -A max_len=([frame_ingest]=4096 [state_machine]=512)
run() {  # target, libFuzzer limit flags...
  local t=$1
  shift
  mkdir -p "$BUILD/corpus/$t"
  "$BUILD/tests/fuzz/nrt_fuzz_$t" "$BUILD/corpus/$t" "tests/fuzz/corpus/$t" \
    -artifact_prefix="$BUILD/artifacts/$t-" -print_final_stats=1 -max_len="${max_len[$t]}" "$@" \
    >"$BUILD/$t.log" 2>&1
}
summary() {  # target, status, seconds
  local t=$1 status=$2 secs=$3
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/$t.log" | tail -1)
  if [ "$status" -eq 0 ]; then
    echo "fuzz $t: ${execs:-?} executions in ${secs} s, no crash"
  else
    echo "fuzz $t: FAILED after ${execs:-?} executions (${secs} s); log: $BUILD/$t.log"
    grep -E 'invariant violated|ERROR: |SUMMARY: |Test unit written' "$BUILD/$t.log" | head -5 || true
  fi
}

failed=0
if [ "$mode" = long ]; then
  declare -A pids starts
  for t in "${targets[@]}"; do
    starts[$t]=$SECONDS
    run "$t" -runs=10000000 &
    pids[$t]=$!
  done
  for t in "${targets[@]}"; do
    status=0
    wait "${pids[$t]}" || status=$?
    summary "$t" "$status" $((SECONDS - starts[$t]))
    [ "$status" -eq 0 ] || failed=1
  done
else
  for t in "${targets[@]}"; do
    start=$SECONDS
    status=0
    run "$t" -max_total_time="$seconds" || status=$?
    summary "$t" "$status" $((SECONDS - start))
    [ "$status" -eq 0 ] || failed=1
  done
fi
exit "$failed"
