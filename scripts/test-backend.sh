#!/usr/bin/env bash
# Set up the reference backend's virtualenv (if needed) and run its pytest suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup-backend.sh"
cd "$ROOT/examples/backend"
exec .venv/bin/python -m pytest -q "$@"
