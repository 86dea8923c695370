#!/usr/bin/env bash
# README command 2 (and .ci/run): set everything up, then run every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

step() { printf '\n=== %s\n' "$*"; }
step "Build scripts fail the command on a compile error"
bash tests/scripts/broken_build_test.sh
step "C++ core: native"
ctest --test-dir build/native --output-on-failure -j2 --timeout 120
step "C++ core: AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --test-dir build/asan --output-on-failure -j2 --timeout 300
step "C++ core: the same suite as Wasm under Node"
ctest --test-dir build/wasm --output-on-failure --timeout 300
step "Reference backend (pytest)"
bash scripts/test-backend.sh
step "JS package (node --test): SDK against a real ws server, hostile input, leaks, types, packaging, React"
node --expose-gc --test --test-concurrency=1 js/test/
step "Hostile servers and careless callers (tests/hostile: attacks, every callback × close/connect/dispose)"
node --test --test-concurrency=1 tests/hostile/
step "React layer again, on React 18 (tests/react18)"
npm test --prefix tests/react18 --silent
step "End to end through the SDK against the reference backend (Django + Daphne, Redis)"
node --test --test-concurrency=1 tests/e2e/
step "Browser end to end (headless Chromium, example app)"
node --test --test-concurrency=1 tests/browser/
step "Desktop alerts and sounds (headless Chromium, example app, reference backend)"
node --test --test-concurrency=1 tests/alerts/
step "Devtools panel (headless Chromium) and the tail CLI"
node --test --test-concurrency=1 tests/devtools/
step "One connection per browser: tabs of a user in headless Chromium (tests/tabs)"
node --test --test-concurrency=1 tests/tabs/
step "Fresh apps with each bundler and test runner, publint and attw (Next: scripts/bundlers.sh --all)"
node --test tests/bundlers/
step "Fuzzing, short run (libFuzzer + ASan + UBSan; the long run is scripts/fuzz.sh --long)"
bash scripts/fuzz.sh 20
step "Fault injection through a cutting/stalling proxy, short run (long: scripts/chaos.sh --long)"
bash scripts/chaos.sh
step "Benchmarks, smoke run (tiny counts: they must keep working; numbers come from bench/run.sh)"
bash bench/run.sh --smoke
