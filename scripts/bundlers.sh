#!/usr/bin/env bash
# Fresh-app tests of the npm package with each bundler and test runner (tests/bundlers/, docs/BUNDLERS.md):
# every test file packs js/, installs the tarball and one tool from the npm registry into an empty temp
# project, and builds or runs a tiny app that receives a frame from a local test server.
#
#   bash scripts/bundlers.sh          the fast rows: the same as `node --test tests/bundlers/` (~65 s, warm npm cache)
#   bash scripts/bundlers.sh --all    also the slow rows: Next 16 with webpack and with Turbopack (~2 min 20 s in all)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
case "${1:-}" in
  --all) export NRT_BUNDLERS_ALL=1 ;;
  '') ;;
  *) echo "usage: bash scripts/bundlers.sh [--all]" >&2; exit 2 ;;
esac
if [ ! -f js/wasm/numeneon_core.wasm ] || [ ! -f js/wasm/numeneon_core.inline.js ]; then
  bash scripts/build.sh
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "bundlers: the workspace's npm packages are missing (playwright-core): run bash scripts/setup.sh" >&2
  exit 1
fi
node --test tests/bundlers/
