#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs: apt packages, npm and pip installs, and the builds.
# Idempotent and quick on a second run: installs only what is missing, rebuilds only what changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(
  cmake ninja-build g++ python3-venv
  emscripten nlohmann-json3-dev libgtest-dev libbenchmark-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  redis-server chromium
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in node npm cmake ninja em++ g++ clang++-14 redis-server chromium python3; do
  command -v "$tool" >/dev/null || { echo "setup: '$tool' is still missing after the install" >&2; exit 1; }
done
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
  { echo "setup: Node.js >= 20 is required (found $(node --version))" >&2; exit 1; }

# npm workspaces: the package, the example app and the test tooling share one lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
# React 18 beside the workspace's 19, in its own tree, for the React layer's tests (tests/react18).
if [ ! -d tests/react18/node_modules ] || [ tests/react18/package-lock.json -nt tests/react18/node_modules/.package-lock.json ]; then
  echo "setup: npm ci (tests/react18)"
  npm ci --prefix tests/react18 --no-audit --no-fund --loglevel=error
fi

bash scripts/setup-backend.sh
bash scripts/build.sh
