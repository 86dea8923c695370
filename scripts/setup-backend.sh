#!/usr/bin/env bash
# Create/refresh the virtualenv of the reference backend (examples/backend/.venv).
# Idempotent: pip runs only when requirements.txt changed (sha256 stamp in .venv).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKEND="$ROOT/examples/backend"
VENV="$BACKEND/.venv"
REQ="$BACKEND/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "setup-backend: '$PYTHON' not found. On Debian 12: apt-get install -y python3 python3-venv" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "setup-backend: Python >= 3.10 required, found $("$PYTHON" --version 2>&1)" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>"$BACKEND/.venv-error.log"; then
    cat "$BACKEND/.venv-error.log" >&2 || true
    rm -f "$BACKEND/.venv-error.log"
    rm -rf "$VENV"
    echo "setup-backend: '$PYTHON -m venv' failed. On Debian 12 install the venv module:" >&2
    echo "    apt-get install -y python3-venv" >&2
    exit 1
  fi
  rm -f "$BACKEND/.venv-error.log"
  if [ ! -x "$VENV/bin/pip" ]; then
    rm -rf "$VENV"
    echo "setup-backend: the virtualenv has no pip (ensurepip missing). On Debian 12:" >&2
    echo "    apt-get install -y python3-venv" >&2
    exit 1
  fi
fi

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  echo "setup-backend: installing $REQ into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ" >&2
  echo "$want" > "$STAMP"
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "setup-backend: note: redis-server not found (only needed for multi-worker tests: apt-get install -y redis-server)" >&2
fi
echo "setup-backend: ok ($VENV)" >&2
