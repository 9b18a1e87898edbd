#!/usr/bin/env bash
# run-fixtures.sh — on a fresh Debian machine: installs the dependencies,
# builds, and checks the bundled fixtures (the examples of FORMAT.md).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit
scripts/build.sh || exit
build/statusnotat check fixtures/*
rc=$?
echo "statusnotat check exited $rc (0 all accepted, 1 some rejected: the bad-* fixtures are meant to be)"
[ "$rc" -le 1 ]
