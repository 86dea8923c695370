#!/usr/bin/env bash
# README command 1: set everything up, then run the two-user demo against the reference backend.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
exec node examples/node/demo.mjs
