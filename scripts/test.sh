#!/usr/bin/env bash
# test.sh — on a fresh Debian machine: installs the dependencies, builds, and
# runs every test under CTest — once on the release build, once on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer (every input is hostile); and
# the tests that run --jobs threads (workbooks, night) once more under
# ThreadSanitizer, where any race fails them.
# LibreOffice is installed too in CI (CI=true) or with --office; without it the
# real-client workbook test says it skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
if [ "${CI:-}" = "true" ] || [ "${1:-}" = "--office" ]; then extra+=(--office --browser); fi
scripts/install-deps.sh --test "${extra[@]}"
jobs=$(nproc)

scripts/build.sh -DBUILD_TESTING=ON -DSTATUSNOTAT_WERROR=ON
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DBUILD_TESTING=ON -DSTATUSNOTAT_WERROR=ON -DSTATUSNOTAT_SANITIZE=ON \
      -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest --output-on-failure -j"$jobs" -E 'libreoffice_recalc|print|package|browser|overview_pivot')

cmake -S . -B build-tsan -DBUILD_TESTING=ON -DSTATUSNOTAT_WERROR=ON -DSTATUSNOTAT_TSAN=ON \
      -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-tsan -j"$jobs"
(cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j"$jobs" -R '^(workbooks|night|share|overview_data)$')
