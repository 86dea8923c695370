#!/usr/bin/env bash
# A compile error in the core must fail scripts/build.sh and scripts/fuzz.sh (they once piped cmake into
# grep and reported success, so the tests ran a stale binary left by an earlier build). Runs each script
# on a copy of the sources with a syntax error added to sdk/src/backoff.cpp and stale outputs in place,
# and expects a non-zero exit and the compiler's error in its output.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard -- CMakeLists.txt sdk bindings tests/cpp tests/sim tests/fuzz scripts js/src/codes.js |
  xargs -0 cp --parents -t "$WORK"
echo 'this is not C++;' >>"$WORK/sdk/src/backoff.cpp"
# What an earlier, successful build would have left behind.
mkdir -p "$WORK/js/wasm" "$WORK/build/fuzz/tests/fuzz"
touch "$WORK/js/wasm/numeneon_core.wasm"
for t in frame_ingest state_machine json; do
  printf '#!/bin/sh\necho stat::number_of_executed_units: 1\n' >"$WORK/build/fuzz/tests/fuzz/nrt_fuzz_$t"
  chmod +x "$WORK/build/fuzz/tests/fuzz/nrt_fuzz_$t"
done

expect_failure() {  # name, command...
  local name=$1 out status=0
  shift
  out=$("$@" 2>&1) || status=$?
  if [ "$status" -eq 0 ]; then
    echo "FAIL: $name exited 0 with a compile error in the sources" >&2
    exit 1
  fi
  if ! grep -q 'error' <<<"$out"; then
    echo "FAIL: $name failed without showing the compiler's error:" >&2
    echo "$out" | tail -20 >&2
    exit 1
  fi
  echo "ok: $name fails on a compile error (exit $status) and shows it"
}
cd "$WORK"
expect_failure scripts/build.sh bash scripts/build.sh
expect_failure scripts/fuzz.sh bash scripts/fuzz.sh 1
