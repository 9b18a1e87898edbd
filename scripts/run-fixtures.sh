#!/usr/bin/env bash
# run-fixtures.sh — on a fresh Debian machine: installs the dependencies,
# builds, and runs the night job on the bundled fixtures (the examples of
# FORMAT.md): a copy of them is delivered to out/indbakke, the run archives
# them in out/arkiv and writes the workbooks to out/regneark.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit
scripts/build.sh || exit
# The night run empties its inbox: start afresh and deliver a copy of the fixtures.
rm -rf out && mkdir -p out/indbakke && cp fixtures/*.xml* fixtures/2008-H1/*.xml out/indbakke/
build/statusnotat run --inbox out/indbakke --archive out/arkiv --out out/regneark
rc=$?
build/statusnotat runs --archive out/arkiv
echo "statusnotat run exited $rc (0 all accepted, 1 some rejected: the bad-* fixtures are meant to be)"
echo "open out/regneark/statusredegoerelse-2008-H2.xlsx (and statusredegoerelse-oversigt.xlsx across the half years); rejected files: out/arkiv/quarantine/"
[ "$rc" -le 1 ]
