#!/usr/bin/env bash
# schema_test.sh SRC BIN — the published schema (docs/statusnotat.xsd) against
# the program's element table, the master: every fixture and case that
# statusnotat check accepts validates with xmllint --schema, and every one it
# rejects for its structure (the codes below) does not.
set -u
src=$1 bin=$2
schema=$src/docs/statusnotat.xsd
structural='ROOT_INVALID|NAMESPACE_INVALID|VERSION_UNSUPPORTED|TALFORMAT_INVALID|ELEMENT_UNKNOWN|ATTRIBUTE_UNKNOWN|ELEMENT_MISSING|ELEMENT_REPEATED|ATTRIBUTE_MISSING|TEXT_UNEXPECTED|VALUE_EMPTY|ID_INVALID|XML_MALFORMED|XML_DTD|XML_ENTITY|FILE_EMPTY|FILE_TRUNCATED'
passed=0 failed=0 accepted=0 structure=0
for f in "$src"/fixtures/*.xml "$src"/fixtures/2008-H1/*.xml "$src"/tests/cases/*.xml; do
  [ -L "$f" ] && continue
  out=$("$bin" check --config "$src/config/statusnotat.json" -- "$f" 2>&1)
  rc=$?
  timeout 20 xmllint --noout --nonet --maxmem 200000000 --schema "$schema" "$f" >/dev/null 2>&1
  valid=$?
  name=${f#"$src"/}
  if [ "$rc" -eq 0 ]; then
    accepted=$((accepted + 1))
    if [ "$valid" -eq 0 ]; then passed=$((passed + 1)); else
      echo "FAIL: $name is accepted by statusnotat check but does not validate against the schema:"
      timeout 20 xmllint --noout --nonet --schema "$schema" "$f" 2>&1 | head -3
      failed=$((failed + 1)); fi
  elif grep -qE " fejl ($structural):" <<<"$out"; then
    structure=$((structure + 1))
    if [ "$valid" -ne 0 ]; then passed=$((passed + 1)); else
      echo "FAIL: $name is rejected for its structure ($(grep -oE " fejl ($structural):" <<<"$out" | head -1)) but validates against the schema"
      failed=$((failed + 1)); fi
  fi
done
[ "$accepted" -ge 5 ] && [ "$structure" -ge 10 ] && passed=$((passed + 1)) ||
  { echo "FAIL: too few files compared ($accepted accepted, $structure structural)"; failed=$((failed + 1)); }
echo "schema_test: $passed passed, $failed failed ($accepted accepted, $structure rejected for structure)"
[ "$failed" -eq 0 ]
