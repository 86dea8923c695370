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

for dir in build/native build/asan build/wasm; do
  echo "build: $dir"
  cmake --build "$dir" | grep -E 'error|warning' || true
  test "${PIPESTATUS[0]}" -eq 0
done
test -f js/wasm/numeneon_core.wasm
