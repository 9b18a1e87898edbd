#!/usr/bin/env bash
# test.sh — on a fresh Debian machine: installs the dependencies, builds, and
# runs every test under CTest. LibreOffice is installed too when running in CI
# (CI=true) or with --office; without it the real-client test says it skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
if [ "${CI:-}" = "true" ] || [ "${1:-}" = "--office" ]; then extra+=(--office); fi
scripts/install-deps.sh --test "${extra[@]}"
scripts/build.sh -DBUILD_TESTING=ON -DSTATUSNOTAT_WERROR=ON
cd build
ctest --output-on-failure -j"$(nproc)"
