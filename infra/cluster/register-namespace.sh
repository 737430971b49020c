#!/bin/sh
# Registers the namespace with its retention and the journeys' search attributes (search-attributes.txt) on a
# running cluster. Idempotent. Needs TEMPORAL_ADDRESS; TEMPORAL_NAMESPACE (default "default"), TEMPORAL_RETENTION
# (default 720h: closed journeys' histories are deleted 30 days after they close), TEMPORAL_CLI (default temporal).
set -eu
cli=${TEMPORAL_CLI:-temporal}
ns=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_RETENTION:-720h}
here=$(dirname "$0")
tries=0
until "$cli" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 120 ] || { echo "[temporal-namespace] no cluster at $TEMPORAL_ADDRESS after 120 s" >&2; exit 1; }
  sleep 1
done
if "$cli" operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$ns" >/dev/null 2>&1; then
  "$cli" operator namespace update --address "$TEMPORAL_ADDRESS" -n "$ns" --retention "$retention" >/dev/null
else
  "$cli" operator namespace create --address "$TEMPORAL_ADDRESS" -n "$ns" --retention "$retention" >/dev/null
fi
# Every server process learns of a new namespace and new search attributes from its cache, refreshed every ~10 s:
# wait until the frontend lists each one, so a client never meets "namespace not found" or an unknown attribute.
list() { "$cli" operator search-attribute list --address "$TEMPORAL_ADDRESS" -n "$ns" -o json 2>/dev/null; }
wait_for() { # <what> <command...>
  what=$1
  shift
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "[temporal-namespace] $what: not visible after 60 s" >&2; exit 1; }
    sleep 1
  done
}
wait_for "namespace $ns" list >/dev/null
grep -v '^#' "$here/search-attributes.txt" | while read -r name type; do
  [ -n "$name" ] || continue
  case "$(list)" in
    *"\"$name\""*) ;;
    *) "$cli" operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$ns" --name "$name" --type "$type" ;;
  esac
done
listed_all() {
  attributes=$(list) || return 1
  for name in $(grep -v '^#' "$here/search-attributes.txt" | cut -d' ' -f1); do
    case "$attributes" in *"\"$name\""*) ;; *) return 1 ;; esac
  done
}
wait_for "search attributes" listed_all
echo "[temporal-namespace] $ns: retention $retention, search attributes registered"
