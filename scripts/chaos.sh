#!/usr/bin/env bash
# Fault injection against the reference backend (tests/chaos): random drops through a cutting proxy,
# and a half-open (stalled) link.
#   scripts/chaos.sh          600 events, 100 drops (about a minute)
#   scripts/chaos.sh --long   10,000 events, 1,000 drops (several minutes; see docs/RELIABILITY.md)
# Needs the backend virtualenv: scripts/setup-backend.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
case "${1:-}" in
  --long) export CHAOS_EVENTS=10000 CHAOS_DROPS=1000 ;;
  '') ;;
  *) echo "usage: scripts/chaos.sh [--long]" >&2; exit 2 ;;
esac
exec node --test tests/chaos/
