#!/usr/bin/env bash
# Builds the Temporal server, its SQL schema tool and the Temporal UI server from the Go module proxy into
# .tools/temporal-server/<version>/ (gitignored), once per version: `npm run cluster` uses them. The first build takes
# about 20 minutes and 2.6 GB of memory on 2 cores, plus ~3.5 GB of Go caches; later runs find the binaries and return.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../infra/cluster/versions.env
source infra/cluster/versions.env
server_dir=".tools/temporal-server/$TEMPORAL_SERVER_VERSION"
ui_dir=".tools/temporal-ui-server/$TEMPORAL_UI_VERSION"
log() { echo "[temporal-server] $*" >&2; }

if [ -x "$server_dir/temporal-server" ] && [ -x "$server_dir/temporal-sql-tool" ] && [ -x "$ui_dir/temporal-ui-server" ]; then
  log "using Temporal server $TEMPORAL_SERVER_VERSION and UI $TEMPORAL_UI_VERSION from .tools (already built)"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "Go is missing: the cluster mode builds the Temporal server from source. Install Go 1.26.8 or newer"
  log "(https://go.dev/doc/install) and run this again, or use npm start / npm test, which need no Go."
  exit 1
fi
log "building with $(go version) — the first build takes ~20 minutes on 2 cores; progress below"

# go install -v prints each package as it compiles; count them so the log shows movement without a wall of names.
build() { # <what> <module path>@<version> <bin dir> <installed name> <final name>
  local what=$1 target=$2 dir=$3 built=$4 name=$5 started=$SECONDS count=0
  mkdir -p "$dir/.bin"
  log "$what: go install $target"
  GOBIN="$PWD/$dir/.bin" go install -v "$target" 2>&1 | while read -r _; do
    count=$((count + 1))
    if [ $((count % 100)) -eq 0 ]; then log "$what: $count packages compiled ($((SECONDS - started)) s)"; fi
  done
  test "${PIPESTATUS[0]}" -eq 0
  mv "$dir/.bin/$built" "$dir/$name" && rmdir "$dir/.bin"
  log "$what: built $dir/$name in $((SECONDS - started)) s"
}

[ -x "$server_dir/temporal-server" ] ||
  build server "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" "$server_dir" server temporal-server
[ -x "$server_dir/temporal-sql-tool" ] ||
  build sql-tool "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" "$server_dir" sql temporal-sql-tool
[ -x "$ui_dir/temporal-ui-server" ] ||
  build ui "github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_VERSION" "$ui_dir" server temporal-ui-server
log "done"
