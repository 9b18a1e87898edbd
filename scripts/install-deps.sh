#!/usr/bin/env bash
# install-deps.sh — installs what statusnotat needs from Debian's packages.
#   scripts/install-deps.sh            build and run
#   scripts/install-deps.sh --test     also what the tests need (cmocka, openpyxl)
#   scripts/install-deps.sh --office   also LibreOffice, poppler and PyMuPDF (the real-client and print tests)
#   scripts/install-deps.sh --bench    also what scripts/bench.sh uses
#   scripts/install-deps.sh --package  also what scripts/package.sh and its test use (debhelper, lintian)
#   scripts/install-deps.sh --browser  also chromium and the pinned playwright-core (tests/browser)
# Packages already installed are not fetched again, so this is cheap to repeat.
set -euo pipefail
browser=0

packages=(build-essential cmake pkg-config libxml2-dev libxlsxwriter-dev zlib1g-dev
          libssl-dev libjansson-dev libsqlite3-dev libmicrohttpd-dev)
for arg in "$@"; do
  case "$arg" in
    --test) packages+=(libcmocka-dev python3 python3-openpyxl python3-jsonschema libxml2-utils) ;;
    --office) packages+=(libreoffice-calc-nogui python3-uno poppler-utils python3-fitz) ;;
    --bench) packages+=(python3 bc unzip time) ;;
    --package) packages+=(debhelper dpkg-dev fakeroot lintian systemd git) ;;
    --browser) packages+=(chromium nodejs); browser=1 ;;
    *) echo "usage: $0 [--test] [--office] [--bench] [--package] [--browser]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The browser tests' playwright-core, pinned by tests/browser/package-lock.json;
# it drives Debian's chromium, so no browser is downloaded.
if [ "$browser" = 1 ] && [ ! -d "$(dirname "$0")/../tests/browser/node_modules/playwright-core" ]; then
  (cd "$(dirname "$0")/../tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
fi
