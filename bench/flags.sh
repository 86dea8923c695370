#!/usr/bin/env bash
# Builds the Wasm core at each optimisation level (NRT_WASM_OPT) into build/flags/<level>/out and prints
# each variant's gzip -9 size; `bash bench/flags.sh --speed` also runs rows 1-2 on each variant.
# Used to choose the shipped flags; not part of bench/run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
for level in O3 O2 Os Oz; do
  dir="build/flags/$level"
  [ -f "$dir/build.ninja" ] || emcmake cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DNRT_BUILD_TESTS=OFF "-DNRT_WASM_OPT=-$level" -DNRT_JS_WASM_DIR="$ROOT/$dir/out" >/dev/null
  cmake --build "$dir" --target numeneon_core >/dev/null
  w=$(gzip -9c "$dir/out/numeneon_core.wasm" | wc -c)
  echo "-$level wasm_gz=$w"
  if [ "${1:-}" = --speed ]; then NRT_BENCH_WASM_DIR="$dir/out" node bench/js/ingest.bench.js --rounds=5 | grep -E '^\| [12] '; fi
done
