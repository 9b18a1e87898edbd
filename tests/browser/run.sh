#!/usr/bin/env bash
# run.sh BIN FIXTURES CONFIG SCREENSHOTS — the page in Debian's chromium
# (page.test.mjs under node --test). Without chromium or the pinned
# playwright-core (scripts/install-deps.sh --browser, then npm ci here) it says
# it skipped — except in CI (CI=true), where that is a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/node_modules/playwright-core" ] || ! command -v node >/dev/null; then
  echo "browser test skipped: needs /usr/bin/chromium, node and $here/node_modules (scripts/install-deps.sh --browser)"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
export STATUSNOTAT_BIN=$1 FIXTURES=$2 CONFIG=$3 SCREENSHOTS=$4
cd "$here" && exec node --test page.test.mjs
