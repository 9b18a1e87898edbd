#!/usr/bin/env bash
# install-deps.sh — installs what statusnotat needs from Debian's packages.
#   scripts/install-deps.sh            build and run
#   scripts/install-deps.sh --test     also what the tests need (cmocka, openpyxl)
#   scripts/install-deps.sh --office   also LibreOffice and poppler (the real-client and print tests)
#   scripts/install-deps.sh --bench    also what scripts/bench.sh uses
#   scripts/install-deps.sh --package  also what scripts/package.sh and its test use (debhelper, lintian)
# Packages already installed are not fetched again, so this is cheap to repeat.
set -euo pipefail

packages=(build-essential cmake pkg-config libxml2-dev libxlsxwriter-dev zlib1g-dev
          libssl-dev libjansson-dev libsqlite3-dev libmicrohttpd-dev)
for arg in "$@"; do
  case "$arg" in
    --test) packages+=(libcmocka-dev python3 python3-openpyxl python3-jsonschema libxml2-utils) ;;
    --office) packages+=(libreoffice-calc-nogui python3-uno poppler-utils) ;;
    --bench) packages+=(python3 bc unzip time) ;;
    --package) packages+=(debhelper dpkg-dev fakeroot lintian systemd git) ;;
    *) echo "usage: $0 [--test] [--office] [--bench] [--package]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
