#!/usr/bin/env bash
# Builds the core natively (plain and ASan+UBSan) and as Wasm (the package's module + the test suite).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs  # em++ needs acorn from Debian's node modules at link time

configure() {  # dir, args...
  local dir=$1
  shift
  [ -f "$dir/build.ninja" ] || "$@" -B "$dir" -G Ninja >/dev/null
}
configure build/native cmake -S . -DCMAKE_BUILD_TYPE=Release
configure build/asan cmake -S . -DCMAKE_BUILD_TYPE=Debug -DNRT_SANITIZE=ON
configure build/wasm emcmake cmake -S . -DCMAKE_BUILD_TYPE=Release -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node

# A failing build fails this script (and so every command that calls it). Its output is kept in a log
# and shown whole on failure; on success only warnings are echoed.
build() {  # dir
  local log="$1/build.log"
  echo "build: $1"
  if ! cmake --build "$1" >"$log" 2>&1; then
    cat "$log" >&2
    echo "build: $1 FAILED (log: $log)" >&2
    return 1
  fi
  grep -E 'warning' "$log" || true
}
node scripts/gen-codes.mjs  # js/src/codes.js from codes.hpp (the ABI number the module is built with)
for dir in build/native build/asan build/wasm; do build "$dir"; done
test -f js/wasm/numeneon_core.wasm
node scripts/inline-wasm.mjs
