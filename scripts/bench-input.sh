#!/usr/bin/env bash
# bench-input.sh — linear time on any input: the worst constructs known for an
# XML reader, each at 1, 4 and 16 MiB, through `statusnotat check`; prints the
# seconds per MiB of each and the ratio of the 16 MiB file's to the 1 MiB
# file's. A ratio near 1 is linear; a construct that grew faster than its size
# (libxml2 2.9.14 checks each new attribute against all before it) shows a
# ratio that grows with the size. Exits 1 when a ratio is above 3.
#
# The constructs: many attributes (on one element, and 32 on each of many),
# many namespace declarations, deep nesting, long names, one long text, many
# small elements. Each stays inside the configured limits where it can (the
# file limit is raised to 32 MiB here), so the reader reads all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --bench >/dev/null
scripts/build.sh -DBUILD_TESTING=OFF >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
cfg = json.load(open("config/statusnotat.json"))
cfg["limits"]["max_file_bytes"] = 32 << 20
cfg["limits"]["max_expanded_bytes"] = 64 << 20
json.dump(cfg, open(f"{work}/config.json", "w"), ensure_ascii=False)
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<statusnotat xmlns="urn:kk:integration:statusnotat:1" '
        'version="1.0"><hoved><forvaltning kode="SOF">Socialforvaltningen</forvaltning><periode>2008-H2'
        '</periode><indsendt>1.12.2008</indsendt></hoved><indsatser><indsats id="SOF-01"><titel>T</titel>'
        '<tema>Bolig</tema><bevilling aar="2009">1 kr.</bevilling><status>igangsat</status>'
        '<effekt vurdering="ingen">x</effekt>')
TAIL = '</indsats></indsatser></statusnotat>\n'

def fill(size, unit, wrap=("", "")):
    n = max(1, (size - len(HEAD) - len(TAIL) - len(wrap[0]) - len(wrap[1])) // len(unit))
    return HEAD + wrap[0] + unit * n + wrap[1] + TAIL

def attrs_one(size):        # every attribute on one element: rejected after 32
    n = size // 12
    return HEAD + '<x:a xmlns:x="urn:x" ' + " ".join(f"x:a{k:07d}=\"\"" for k in range(n)) + "/>" + TAIL

def attrs_many(size):       # 32 attributes on each of many elements
    unit = '<x:a xmlns:x="urn:x" ' + " ".join(f'x:b{k}="1"' for k in range(31)) + "/>\n"
    return fill(size, unit)

def namespaces(size):       # 31 namespace declarations on each element
    unit = "<x:e " + " ".join(f'xmlns:n{k}="urn:n{k}"' for k in range(30)) + ' xmlns:x="urn:x"/>\n'
    return fill(size, unit)

def deep(size):             # nesting as deep as the reader allows, again and again
    unit = '<x:d xmlns:x="urn:x">' * 250 + "</x:d>" * 250 + "\n"
    return fill(size, unit)

def long_names(size):       # names of 40 000 bytes
    name = "n" * 40000
    return fill(size, f'<x:{name} xmlns:x="urn:x"/>\n')

def long_text(size):        # one text of up to 9 MB, then more texts
    unit = '<x:t xmlns:x="urn:x">' + "tekst " * 1_500_000 + "</x:t>\n"
    return fill(size, unit)

def small(size):            # many small foreign elements
    return fill(size, '<x:s xmlns:x="urn:x">1</x:s>')

for name, make in [("many attributes on one element", attrs_one), ("32 attributes on each element", attrs_many),
                   ("namespace declarations", namespaces), ("deep nesting", deep),
                   ("long names", long_names), ("long texts", long_text), ("many small elements", small)]:
    slug = name.replace(" ", "_")
    for mib in (1, 4, 16):
        open(f"{work}/{slug}-{mib}.xml", "w").write(make(mib << 20))
PY
printf '%-34s %10s %10s %10s %8s\n' construct "1 MiB" "4 MiB" "16 MiB" "16/1"
status=0
while IFS=$'\t' read -r slug name; do
  per=()
  for mib in 1 4 16; do
    f="$work/$slug-$mib.xml"
    bytes=$(stat -c %s "$f")
    best=999999
    for _ in 1 2 3; do
      t0=$(date +%s.%N)
      build/statusnotat check --config "$work/config.json" "$f" >/dev/null 2>&1 || true
      t=$(echo "$(date +%s.%N) - $t0" | bc -l)
      best=$(echo "if ($t < $best) $t else $best" | bc -l)
    done
    per+=("$(echo "$best / ($bytes / 1048576)" | bc -l)")
  done
  ratio=$(echo "${per[2]} / ${per[0]}" | bc -l)
  printf '%-34s %8.4f s %8.4f s %8.4f s %8.2f\n' "$name" "${per[0]}" "${per[1]}" "${per[2]}" "$ratio"
  if (( $(echo "$ratio > 3" | bc -l) )); then status=1; fi
done < <(python3 - "$work" <<'PY'
import sys
for slug, name in [("many_attributes_on_one_element", "many attributes on one element"),
                   ("32_attributes_on_each_element", "32 attributes on each element"),
                   ("namespace_declarations", "namespace declarations"), ("deep_nesting", "deep nesting"),
                   ("long_names", "long names"), ("long_texts", "long texts"),
                   ("many_small_elements", "many small elements")]:
    print(slug, name, sep="\t")
PY
)
echo "(seconds per MiB, the best of three; 16/1 near 1 is linear)"
exit $status
