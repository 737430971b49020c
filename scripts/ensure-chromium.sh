#!/usr/bin/env bash
# The Temporal UI test drives Debian's Chromium through playwright-core, which brings no browser of its own.
# Installs the `chromium` package when it is missing (as root, with apt); otherwise says what to do.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[setup] installing Debian's chromium for the browser test ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends chromium >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
  [ -x "$browser" ] && exit 0
fi
echo "Chromium is missing at $browser: install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
