#!/usr/bin/env bash
# Runs a command after making sure node_modules matches package-lock.json, so `npm start` and `npm test`
# work on a fresh clone without a separate install step. Temporal binaries are installed on demand by the
# commands themselves (infra/temporal-binaries.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "[setup] installing npm dependencies (npm ci) ..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
export PATH="$PWD/node_modules/.bin:$PATH"
exec "$@"
