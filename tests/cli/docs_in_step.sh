#!/usr/bin/env bash
# docs_in_step.sh SRC BIN — the documentation says what the program does:
# every finding code is in docs/findings.md with a real example, and every exit code is in
# README, --help and the man page.
set -u
src=$1 bin=$2
failures=0 passed=0
for code in $(grep -oE '^FINDING\([A-Z_]+' "$src/stages/domain/finding_codes.h" | cut -c9-); do
  if grep -q "| \`$code\` |" "$src/docs/findings.md"; then passed=$((passed+1)); else
    echo "FAIL: $code is not in docs/findings.md"; failures=$((failures+1)); fi
done
# Each example message stands in an expected output of tests/cases (but the
# five no single file can show; test_ingest checks TEXT_TOO_LONG's).
while IFS= read -r example; do
  code=${example%%|*} text=${example#*|}
  case "$code" in FILE_TOO_LARGE|ID_CONFLICT|DOCUMENT_OLDER|INTERNAL|TEXT_TOO_LONG) passed=$((passed+1)); continue ;; esac
  if grep -qF -- " $code: $text" "$src"/tests/cases/*.expect; then passed=$((passed+1)); else
    echo "FAIL: the example of $code in docs/findings.md is not what tests/cases shows: $text"
    failures=$((failures+1)); fi
done < <(sed -nE 's/^\| `([A-Z_]+)` \| [a-z]+ \| .* \| `(.*)` \|$/\1|\2/p' "$src/docs/findings.md")
# Each subcommand's --help lists its exit codes.
for cmd in check run runs rerun verify backup serve; do
  if "$bin" "$cmd" --help | grep -qE '^ *exit: 0 '; then passed=$((passed+1)); else
    echo "FAIL: statusnotat $cmd --help does not list its exit codes"; failures=$((failures+1)); fi
done
help=$("$bin" --help)
for n in 0 1 2 3 4 5 6; do
  if grep -qE "^\| $n \|" "$src/README.md" && grep -qE "^  $n  " <<<"$help" &&
     grep -qE "^\.B $n$" "$src/docs/statusnotat.1"; then passed=$((passed+1)); else
    echo "FAIL: exit code $n is not in README, --help and the man page"; failures=$((failures+1)); fi
done
echo "docs_in_step: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
