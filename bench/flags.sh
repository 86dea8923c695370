#!/usr/bin/env bash
# Builds the Wasm core with alternative optimisation flags into build/flags/<variant>/out and prints
# each variant's gzip -9 size; `bash bench/flags.sh --speed` also runs rows 1-2 on each variant.
# Used to choose the shipped flags (bindings/CMakeLists.txt); not part of bench/run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
export EM_CLOSURE_COMPILER="$ROOT/node_modules/.bin/google-closure-compiler"
CLOSURE="--closure=1"
declare -A VARIANTS=(
  [O3]="-O3"
  [O2]="-O2"
  [Os]="-Os"
  [Oz]="-Oz"
)
for name in "${!VARIANTS[@]}"; do
  for cl in noclosure closure; do
    dir="build/flags/$name-$cl"
    link=""
    [ "$cl" = closure ] && link="$CLOSURE"
    [ -f "$dir/build.ninja" ] || emcmake cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DNRT_BUILD_TESTS=OFF "-DCMAKE_CXX_FLAGS_RELEASE=${VARIANTS[$name]} -DNDEBUG" \
      "-DCMAKE_EXE_LINKER_FLAGS=$link" -DNRT_JS_WASM_DIR="$ROOT/$dir/out" >/dev/null
    cmake --build "$dir" --target numeneon_core >/dev/null
    w=$(gzip -9c "$dir/out/numeneon_core.wasm" | wc -c)
    g=$(gzip -9c "$dir/out/numeneon_core.mjs" | wc -c)
    echo "$name-$cl wasm_gz=$w glue_gz=$g total_gz=$((w + g))"
    if [ "${1:-}" = --speed ]; then NRT_BENCH_WASM_DIR="$dir/out" node bench/js/ingest.bench.js --rounds=5 | grep -E '^\| [12] '; fi
  done
done
