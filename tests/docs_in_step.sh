#!/usr/bin/env bash
# docs_in_step.sh SRC BIN — the documentation says what the program does:
# every finding code is in docs/findings.md, and every exit code in README
# is in --help.
set -u
src=$1 bin=$2
failures=0 passed=0
for code in $(grep -oE '^FINDING\([A-Z_]+' "$src/stages/finding_codes.h" | cut -c9-); do
  if grep -q "| \`$code\` |" "$src/docs/findings.md"; then passed=$((passed+1)); else
    echo "FAIL: $code is not in docs/findings.md"; failures=$((failures+1)); fi
done
help=$("$bin" --help)
for n in 0 1 2 3 4; do
  if grep -qE "^\| $n \|" "$src/README.md" && grep -qE "^  $n  " <<<"$help"; then passed=$((passed+1)); else
    echo "FAIL: exit code $n is not in both README and --help"; failures=$((failures+1)); fi
done
echo "docs_in_step: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
