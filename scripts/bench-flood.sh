#!/usr/bin/env bash
# bench-flood.sh — what a flood of rejected deliveries in one period costs:
# N resends of one rejected document (399 findings each) and N distinct
# rejected documents (one finding each), for N = 200 and 2000, each a night of
# its own on a fresh archive, then the next night's valid correction. Prints
# seconds and peak memory, and the ratio of 2000 to 200: the resends' should
# stay near 1 (their findings are kept once), the distinct documents' grow
# with their number (each is a row of Kilder), never with their findings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --bench >/dev/null
scripts/build.sh -DBUILD_TESTING=OFF >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
make_inbox() { # kind n dir
  python3 - "$@" <<'PY'
import os, sys
kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
head = ('<?xml version="1.0" encoding="UTF-8"?>\n<statusnotat xmlns="urn:kk:integration:statusnotat:1" version="1.0">'
        '<hoved><forvaltning kode="SOF">Socialforvaltningen</forvaltning><periode>2008-H2</periode>'
        '<indsendt>1.12.2008</indsendt></hoved><indsatser>\n')
def indsats(k, amount):
    return (f'<indsats id="SOF-{k:04d}"><titel>T</titel><tema>Bolig</tema><bevilling aar="2009">{amount}</bevilling>'
            '<status>igangsat</status><effekt vurdering="ingen">x</effekt></indsats>\n')
many = head + "".join(indsats(k, f"{k}.5 kr.") for k in range(1, 400)) + "</indsatser></statusnotat>\n"
for i in range(n):
    doc = many if kind == "resends" else head + indsats(1, "1.5 kr.") + f"<!-- {i} --></indsatser></statusnotat>\n"
    open(f"{out}/SOF-2008-H2-{i:05d}.xml", "w").write(doc)
PY
}
measure() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true; tail -1 "$work/time"; }
printf '%-34s %12s %12s %12s\n' night 200 2000 "2000/200"
for kind in resends distinct; do
  for phase in flood correction; do
    declare -A s m
    for n in 200 2000; do
      d="$work/$kind-$n"
      if [ "$phase" = flood ]; then
        rm -rf "$d"; make_inbox "$kind" "$n" "$d/inbox"
      else
        cp fixtures/SOF-2008-H2.xml "$d/inbox/SOF-rettet.xml"
      fi
      read -r s[$n] m[$n] < <(measure build/statusnotat run --inbox "$d/inbox" --archive "$d/archive" --out "$d/out")
    done
    printf '%-34s %6.2f s %3d MB %6.2f s %3d MB   memory %.2f\n' "$kind, $phase" "${s[200]}" $((m[200] / 1024)) \
      "${s[2000]}" $((m[2000] / 1024)) "$(echo "${m[2000]} / ${m[200]}" | bc -l)"
  done
done
