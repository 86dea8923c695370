#!/usr/bin/env bash
# The one command for the benchmarks: builds what they need, runs every benchmark, prints each table.
#   bash bench/run.sh            full run (~20 min on 2 cores: rows 1-11, then recovery)
#   bash bench/run.sh --smoke    tiny counts, to prove every benchmark still runs (~30 s; no timing meaning)
#   NRT_BENCH_REDIS=0 ...        skip the Redis half of rows 9 and 10
#   NRT_BENCH_WASM_DIR=dir ...   run the JS rows on another build of the core (see bench/flags.sh)
# Both end with the recovery benchmark (bench/recovery/: the SDK beside its peers; ~8 min full, ~25 s smoke).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
SMOKE=0
[ "${1:-}" = --smoke ] && SMOKE=1

[ -d node_modules/esbuild ] && [ -d node_modules/reconnecting-websocket ] || npm install --no-audit --no-fund >/dev/null
[ -f js/wasm/numeneon_core.wasm ] || bash scripts/build.sh
[ -f build/bench/build.ninja ] || cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNRT_BUILD_BENCH=ON -DNRT_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench --target nrt_ingest_bench >/dev/null

echo "# NUMENEON realtime benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty'))"
echo
echo "Machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), Node $(node --version), $(g++ --version | head -1), Emscripten $(em++ --version 2>/dev/null | head -1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | head -1)"

if [ $SMOKE = 1 ]; then
  node bench/js/ingest.bench.js --frames=2000 --pool=2048 --rounds=1 --warmup=0
  node bench/js/e2e.bench.js --frames=500 --rounds=1
  node bench/js/size.bench.js
  node --expose-gc bench/js/memory.bench.js --frames=2000 --clients=20 --checkpoints=1
  node bench/js/startup.bench.js --processes=1
  node bench/js/startup-browser.bench.js --runs=2
  node bench/js/reconnect.bench.js --rounds=1
  build/bench/bench/native/nrt_ingest_bench --benchmark_min_time=0.01 | tail -n +4
  node bench/js/extensions.bench.js --friends=3 --rounds=1 --keystrokes=5 --redis=0
  node bench/js/tabs.bench.js --smoke
  node bench/recovery/run.js --smoke
  echo; echo "(smoke run: row 9 with: node bench/js/backend.bench.js --messages=3 --redis=0)"
  exit 0
fi

echo; echo "### Row 3: native core ingest + route + dedupe (Google Benchmark, g++ -O2, 5 repetitions, medians)"; echo
echo '```'
build/bench/bench/native/nrt_ingest_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.5 2>&1 | grep -E '^(Benchmark|-----|BM_.*_(median|stddev))'
echo '```'
echo "Goal ≥ 5 M frames/s: read items_per_second of the _median rows (M/s)."
node bench/js/ingest.bench.js
node bench/js/e2e.bench.js
node bench/js/size.bench.js
node --expose-gc bench/js/memory.bench.js
node bench/js/startup.bench.js
node bench/js/startup-browser.bench.js
node bench/js/reconnect.bench.js
node bench/js/backend.bench.js --redis="${NRT_BENCH_REDIS:-1}"
node bench/js/extensions.bench.js --redis="${NRT_BENCH_REDIS:-1}"
node bench/js/tabs.bench.js
node bench/recovery/run.js
