#!/usr/bin/env bash
# check_cases.sh BIN CASES [--bless] — the mistakes departments make, as
# declarative cases: each input file in CASES (any name but *.expect) stands
# beside CASE.expect, the exact output of `statusnotat check CASE` (every
# finding with its line, code and Danish message, the verdict, the summary).
# Adding the next mistake is one input file and its .expect; --bless writes
# the .expect files of cases that have none, to be read and corrected by hand.
set -u
bin=$1 cases=$2 bless=${3:-}
cd "$cases" || exit 2
passed=0 failed=0
for input in *; do
  case "$input" in *.expect|check_cases.sh) continue ;; esac
  actual=$("$bin" check -- "$input" 2>&1)
  rc=$?
  if [ ! -f "$input.expect" ]; then
    if [ "$bless" = "--bless" ]; then printf '%s\n' "$actual" >"$input.expect"; echo "blessed: $input"
    else echo "FAIL: $input has no $input.expect (run with --bless to write one)"; failed=$((failed+1)); fi
    continue
  fi
  expected=$(cat "$input.expect")
  want_rc=1
  grep -q '^1 godkendt, 0 afvist$' "$input.expect" && want_rc=0
  if [ "$actual" = "$expected" ] && [ "$rc" -eq "$want_rc" ]; then
    passed=$((passed+1))
  else
    failed=$((failed+1))
    echo "FAIL: $input (exit $rc, want $want_rc)"
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | sed 's/^/  /'
  fi
  # One finding a line: nothing a sender wrote can break a line.
  n_lines=$(printf '%s\n' "$actual" | wc -l)
  n_verdicts=$(printf '%s\n' "$actual" | grep -cE '^[^:]+(:[0-9]+)?: (fejl|advarsel) [A-Z_]+: |: (godkendt|afvist) \(|^[0-9]+ godkendt, ')
  if [ "$n_lines" -ne "$n_verdicts" ]; then
    failed=$((failed+1)); echo "FAIL: $input: a line that is not a finding, a verdict or the summary"
  fi
done
echo "check_cases: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
