#!/usr/bin/env bash
# formula_corpus.sh BIN SRC — every formula and chart of the fixtures' workbooks
# and of a seeded corpus (tests/bench/generate.py: every department, three
# half years) recalculated and checked by tests/workbooks/formula_check.py, without
# LibreOffice and without trusting the values the program cached.
set -u
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/fixtures-in"
cp "$src"/fixtures/*.xml* "$src"/fixtures/2008-H1/*.xml "$tmp/fixtures-in/"   # two half years: Udvikling
SOURCE_DATE_EPOCH=1228780800 "$bin" run --inbox "$tmp/fixtures-in" --out "$tmp/fixtures" >/dev/null 2>&1
/usr/bin/python3 "$src/tests/bench/generate.py" "$tmp/corpus-in" 3 40 >/dev/null
SOURCE_DATE_EPOCH=1228780800 "$bin" run --inbox "$tmp/corpus-in" --out "$tmp/corpus" >/dev/null 2>&1
exec /usr/bin/python3 "$src/tests/workbooks/formula_check.py" "$tmp"/fixtures/*.xlsx "$tmp"/corpus/*.xlsx
