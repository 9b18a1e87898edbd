#!/usr/bin/env bash
# bench-overview.sh [BASELINE_REV] [INDSATSER] — what the overview across
# periods costs on a large archive, against another version of the program
# (default c511d51: the last before the overview got Data and Afviste).
#
# The corpus: 2 000 documents over 218 half years (1990-H1 … 2098-H2, every
# department, INDSATSER initiatives each, default 20; 256 of them corrections
# that supersede a note). Three nights are measured with each program, each
# the median of 3 runs for time and the largest peak memory (GNU time):
#   first      every document on an empty archive: 1 962 period workbooks
#              and the overviews
#   correction one more note for a half year: that period and the one after
#              it rebuilt, the overviews from the other periods' cached rows
#   overview   the municipality's overview deleted from the share: an empty
#              night writes it again and nothing else
# and the ratios this / baseline. The overview's rows come from the period
# builds (and the cache), never from parsing the documents again.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-c511d51} per_doc=${2:-20}
export SOURCE_DATE_EPOCH=1228780800
scripts/install-deps.sh --bench
scripts/build.sh -DBUILD_TESTING=OFF >/dev/null
work=$(mktemp -d); trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q "$work/base" "$rev"
cmake -S "$work/base" -B "$work/base/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$work/base/build" -j"$(nproc)" >/dev/null
/usr/bin/python3 tests/bench/generate.py "$work/corpus" 218 "$per_doc" 1990 256
echo "corpus: $(ls "$work/corpus" | wc -l) documents, $(du -sm "$work/corpus" | cut -f1) MB"

measure() { # label bin → "label seconds peak_kb" per repeat
  local bin=$1 w=$work/w
  for _ in 1 2 3; do
    rm -rf "$w" && mkdir -p "$w/inbox" && cp "$work/corpus"/* "$w/inbox/"
    /usr/bin/time -f "first %e %M" -a -o "$work/times.$2" "$bin" run --inbox "$w/inbox" --archive "$w/a" \
      --out "$w/o" >/dev/null 2>&1 || true
    sed -e 's/<indsendt>1.1.2050</<indsendt>3.1.2050</' "$work/corpus/SOF-2049-H2.xml" > "$w/inbox/SOF-2049-H2-igen.xml"
    SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 86400)) /usr/bin/time -f "correction %e %M" -a -o "$work/times.$2" \
      "$bin" run --inbox "$w/inbox" --archive "$w/a" --out "$w/o" >/dev/null 2>&1 || true
    rm -f "$w/o/statusredegoerelse-oversigt.xlsx"
    SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 2 * 86400)) /usr/bin/time -f "overview %e %M" -a -o "$work/times.$2" \
      "$bin" run --inbox "$w/inbox" --archive "$w/a" --out "$w/o" >/dev/null 2>&1 || true
    [ -s "$w/o/statusredegoerelse-oversigt.xlsx" ] || { echo "$2: the overview was not written again" >&2; exit 1; }
  done
  cp "$w/o/statusredegoerelse-oversigt.xlsx" "$work/oversigt.$2.xlsx"
}
measure build/statusnotat now
measure "$work/base/build/statusnotat" base
summary() { # file night → "median_seconds max_kb"
  grep "^$2 " "$1" | awk '{print $2, $3}' | sort -n |
    awk '{t[NR] = $1; if ($2 > m) m = $2} END {print t[int((NR + 1) / 2)], m}'
}
printf '%-11s %22s %22s %14s %14s\n' night "this (s, MB)" "$rev (s, MB)" "time ratio" "memory ratio"
for night in first correction overview; do
  read -r ts tm < <(summary "$work/times.now" "$night")
  read -r bs bm < <(summary "$work/times.base" "$night")
  printf '%-11s %12.2f %9.1f %12.2f %9.1f %14.2f %14.2f\n' "$night" "$ts" "$(echo "$tm / 1024" | bc -l)" \
    "$bs" "$(echo "$bm / 1024" | bc -l)" "$(echo "$ts / $bs" | bc -l)" "$(echo "$tm / $bm" | bc -l)"
done
rows=$(unzip -p "$work/oversigt.now.xlsx" xl/tables/table2.xml | grep -o 'ref="[A-Z0-9:]*"' | head -1)
echo "the overview now: $(stat -c %s "$work/oversigt.now.xlsx") bytes, AlleIndsatser $rows;" \
     "before: $(stat -c %s "$work/oversigt.base.xlsx") bytes"
