#!/usr/bin/env bash
# run-fixtures.sh — on a fresh Debian machine: installs the dependencies,
# builds, and runs the night job on the bundled fixtures (the examples of
# FORMAT.md): the workbooks land in out/.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit
scripts/build.sh || exit
build/statusnotat run --inbox fixtures --out out
rc=$?
echo "statusnotat run exited $rc (0 all accepted, 1 some rejected: the bad-* fixtures are meant to be)"
echo "open out/statusredegoerelse-2008-H2.xlsx"
[ "$rc" -le 1 ]
