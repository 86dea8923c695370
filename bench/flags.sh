#!/usr/bin/env bash
# Builds the Wasm core with each combination of optimisation levels (cold code NRT_WASM_OPT, the frame
# path NRT_WASM_HOT_OPT, the link NRT_WASM_LINK_OPT) into build/flags/<variant>/out and prints each
# variant's raw and gzip -9 size; `--speed` also runs rows 1-2 on each. The `profile` variant is the
# shipped one linked with --profiling-funcs, for `node bench/wasm/sizes.mjs` (bench/README.md, "Where
# the bytes are"). Used to choose the shipped flags; not part of bench/run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
#        variant  cold hot  link extra link flags
variants=(
  "shipped  -Oz  -O3  -O3"
  "Oz-link  -Oz  -O3  -Oz"
  "all-O3   -O3  -O3  -O3"
  "all-Oz   -Oz  -Oz  -Oz"
  "profile  -Oz  -O3  -O3  --profiling-funcs"
)
for v in "${variants[@]}"; do
  read -r name cold hot link extra <<<"$v"
  dir="build/flags/$name"
  [ -f "$dir/build.ninja" ] || emcmake cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNRT_BUILD_TESTS=OFF \
    "-DNRT_WASM_OPT=$cold" "-DNRT_WASM_HOT_OPT=$hot" "-DNRT_WASM_LINK_OPT=$link" "-DCMAKE_EXE_LINKER_FLAGS=${extra:-}" \
    -DNRT_JS_WASM_DIR="$ROOT/$dir/out" >/dev/null
  cmake --build "$dir" --target numeneon_core >/dev/null
  f="$dir/out/numeneon_core.wasm"
  echo "$name ($cold / $hot / $link${extra:+ $extra}): raw $(wc -c <"$f"), gzip -9 $(gzip -9c "$f" | wc -c)"
  if [ "${1:-}" = --speed ] && [ -z "${extra:-}" ]; then
    NRT_BENCH_WASM_DIR="$dir/out" node bench/js/ingest.bench.js --rounds=5 | grep -E '^\| [12] '
  fi
done
echo "where the bytes are: node bench/wasm/sizes.mjs build/flags/profile/out/numeneon_core.wasm --top=30"
