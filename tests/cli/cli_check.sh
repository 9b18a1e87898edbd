#!/usr/bin/env bash
# cli_check.sh BIN FIXTURES — `statusnotat check` as a department uses it:
# exit codes, the compiler-style lines, --json, and the usage errors.
set -u
bin=$1 fixtures=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0 passed=0
ok()   { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_exit() { # want actual what
  if [ "$1" = "$2" ]; then ok; else fail "$3: exit $2, want $1"; fi
}
has() { # file pattern what
  if grep -qE -- "$2" "$1"; then ok; else fail "$3: no line matches /$2/"; cat "$1"; fi
}

cd "$fixtures"
"$bin" check *.xml *.xml.gz >"$tmp/all.txt" 2>"$tmp/all.err"; expect_exit 1 $? "check all fixtures"
has "$tmp/all.txt" '^OEKF-2008-H2\.xml:87: advarsel TOTAL_MISMATCH: .*29\.271.*29\.071 \[/statusnotat/personale/total/@arbejdsstyrke\]$' "OEKF warning"
has "$tmp/all.txt" '^bad-ambiguous-amount\.xml:12: fejl AMOUNT_INVALID: .*26\.5 mio\. kr\..* \[/statusnotat/indsatser/indsats\[1\]/bevilling\[1\]\]$' "ambiguous amount"
has "$tmp/all.txt" '^bad-entity-expansion\.xml:2: fejl XML_DTD: ' "entity expansion"
has "$tmp/all.txt" '^OEKF-2008-H2\.xml: godkendt \(0 fejl, 1 advarsel\)$' "verdict accepted"
has "$tmp/all.txt" '^bad-ambiguous-amount\.xml: afvist \(1 fejl, 0 advarsler\)$' "verdict rejected"
has "$tmp/all.txt" '^5 godkendt, 2 afvist$' "summary"
# Every finding line has the compiler form.
if grep -vE '^[^ :]+(:[0-9]+)?: ((fejl|advarsel) [A-Z_]+: .*|godkendt .*|afvist .*)$|^[0-9]+ godkendt, [0-9]+ afvist$' "$tmp/all.txt" >"$tmp/odd.txt"; then
  fail "lines not in the compiler form:"; cat "$tmp/odd.txt"
else ok; fi
[ -s "$tmp/all.err" ] && fail "stderr not empty: $(cat "$tmp/all.err")" || ok

"$bin" check OEKF-2008-H2.xml SOF-2008-H2.xml BIF-2008-H2.xml.gz >/dev/null; expect_exit 0 $? "good files only"
# A byte windows-1252 does not have: one finding, and libxml2 prints nothing of its own.
printf '<?xml version="1.0" encoding="windows-1252"?>\n<statusnotat xmlns="urn:kk:integration:statusnotat:1" version="1.0"><hoved><forvaltning>SOF</forvaltning><periode>2008-H2</periode><indsendt>2008-12-01</indsendt></hoved><indsatser><indsats id="A1"><titel>x\201y</titel></indsats></indsatser></statusnotat>' >"$tmp/cp.xml"
"$bin" check "$tmp/cp.xml" >"$tmp/cp.txt" 2>"$tmp/cp.err"; expect_exit 1 $? "undefined windows-1252 byte"
has "$tmp/cp.txt" 'fejl XML_MALFORMED: .*windows-1252' "encoding finding"
[ -s "$tmp/cp.err" ] && fail "libxml2 wrote to stderr: $(cat "$tmp/cp.err")" || ok
"$bin" check no-such-file.xml >"$tmp/missing.txt"; expect_exit 1 $? "missing file"
has "$tmp/missing.txt" '^no-such-file\.xml: fejl FILE_UNREADABLE: ' "missing file finding"

"$bin" check --json *.xml *.xml.gz >"$tmp/all.json"; expect_exit 1 $? "--json exit"
if /usr/bin/python3 - "$tmp/all.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
files = {f["file"]: f for f in doc["files"]}
assert doc["summary"] == {"files": 7, "accepted": 5, "rejected": 2}, doc["summary"]
oekf = files["OEKF-2008-H2.xml"]
assert oekf["status"] == "accepted" and oekf["warnings"] == 1
d = oekf["document"]
assert d["department"] == {"code": "ØKF", "file_code": "OEKF", "name": "Økonomiforvaltningen"}
assert d["period"] == "2008-H2" and d["submitted"] == {"date": "2008-12-03", "fuzzy": False}
arb4 = [x for x in d["indsatser"] if x["id"] == "ARB-04"][0]
assert arb4["bevillinger"] == [{"year": 2008, "kroner": 200000}, {"year": 2009, "kroner": 200000}]
assert arb4["effect"]["code"] == "ingen" and arb4["effect"]["derived"] is False
assert d["personale"]["sum"] == {"ansatte": 4217, "arbejdsstyrke": 29071}
assert d["personale"]["niveauer"][0]["pct_ansatte"] == 0.053
br = files["BR-2008-H2.xml"]["document"]["indsatser"][0]
assert br["effect"] == {"code": "begraenset", "label": "Begrænset effekt", "ordinal": 2, "derived": True}
buf = files["BUF-2008-H2.xml"]["document"]
assert buf["submitted"] == {"date": "2008-11-30", "fuzzy": True}
bad = files["bad-ambiguous-amount.xml"]
assert bad["status"] == "rejected" and "document" not in bad
f = bad["findings"][0]
assert (f["severity"], f["code"], f["line"]) == ("fejl", "AMOUNT_INVALID", 12), f
PY
then ok; else fail "--json content"; fi

"$bin" check >/dev/null 2>&1; expect_exit 2 $? "no files"
"$bin" check --bogus x >/dev/null 2>&1; expect_exit 2 $? "unknown option"
"$bin" bogus >/dev/null 2>&1; expect_exit 2 $? "unknown command"
"$bin" >/dev/null 2>&1; expect_exit 2 $? "no command"
"$bin" check --help | grep -q 'usage: statusnotat check'; expect_exit 0 $? "check --help"
"$bin" --help | grep -q 'exit codes'; expect_exit 0 $? "--help"
"$bin" --version | grep -qE '^statusnotat [0-9]+\.[0-9]+\.[0-9]+'; expect_exit 0 $? "--version"
echo '{"format": "statusnotat-config/1"}' >"$tmp/bad.json"
"$bin" check --config "$tmp/bad.json" OEKF-2008-H2.xml 2>"$tmp/cfg.err"; expect_exit 2 $? "bad config"
has "$tmp/cfg.err" "configuration error): .*bad\.json: departments" "config error names file and key"

echo "cli_check: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
