#!/usr/bin/env bash
# bench-empty-night.sh [DOCUMENTS] [RUNS] — what a night costs that has nothing
# new, against the size of the archive (issue: "cost follows the work").
#
# Builds an archive of DOCUMENTS documents delivered over RUNS nights, then
# times an empty night and a night of 50 new files (the median of 5: on the archive
# and on copies of it, against the same night on an empty archive); then doubles the
# number of runs (each with one more document) and measures again. Prints the
# seconds and peak memory of each, and the ratio of the empty night's memory
# on the larger archive to the smaller: it should stay near 1 (an empty night
# reads no manifest), where a replay of every run would grow with the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-5000} runs=${2:-100}
scripts/install-deps.sh --bench
scripts/build.sh -DBUILD_TESTING=OFF >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inbox" "$work/out"
bin=build/statusnotat
per_run=$(( (docs + runs - 1) / runs ))

deliver() { # night index, documents in it
  /usr/bin/python3 - "$work/inbox" "$1" "$2" <<'PY'
import sys
inbox, night, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
deps = ["SOF", "BUF", "TMF", "KFF", "SUF", "BIF", "BR"]
for k in range(n):
    i = night * 1000 + k
    # History: each night delivers one half year of 1900-1999 (later nights of
    # the same half year supersede); the nights measured deliver 2050-H1.
    year, half, dep = (1900 + night // 2 % 100, night % 2 + 1, deps[k % 7]) if night < 9000 \
        else (2050, 1, deps[k % 7])
    body = "".join(f'<indsats id="{dep}-{i}-{j}"><titel>Indsats {j}</titel><tema>Bolig</tema>'
                   f'<bevilling aar="2009">{j},5 mio. kr.</bevilling><status>igangsat</status>'
                   f'<effekt vurdering="ingen">x</effekt></indsats>' for j in range(5))
    doc = ('<?xml version="1.0" encoding="UTF-8"?><statusnotat xmlns="urn:kk:integration:statusnotat:1" '
           f'version="1.0"><hoved><forvaltning kode="{dep}">{dep}</forvaltning><periode>{year}-H{half}'
           f'</periode><indsendt>1.1.{year + 1}</indsendt></hoved><indsatser>{body}</indsatser></statusnotat>')
    open(f"{inbox}/{dep}-{i}.xml", "w").write(doc)
PY
}
night() { # epoch → "seconds peak_kb"
  SOURCE_DATE_EPOCH=$1 /usr/bin/time -f "%e %M" -o "$work/time" \
    "$bin" run --inbox "$work/inbox" --archive "$work/archive" --out "$work/out" >/dev/null 2>&1 || true
  cat "$work/time"
}
epoch=1228780800
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
repeats=5
# The yardstick: a night of 50 new files on an empty archive, $repeats times.
: > "$work/fresh.txt"
for k in $(seq 1 "$repeats"); do
  rm -rf "$work/fresh"; mkdir -p "$work/fresh/inbox"
  deliver 30000 50; mv "$work"/inbox/* "$work/fresh/inbox/"
  SOURCE_DATE_EPOCH=$epoch /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" run --inbox "$work/fresh/inbox" \
    --archive "$work/fresh/archive" --out "$work/fresh/out" >/dev/null 2>&1 || true
  cat "$work/time" >> "$work/fresh.txt"
done
fresh_s=$(cut -d' ' -f1 "$work/fresh.txt" | median); fresh_kb=$(cut -d' ' -f2 "$work/fresh.txt" | median)
fresh_cpu=$(awk '{print $3 + $4}' "$work/fresh.txt" | median)
for r in $(seq 1 "$runs"); do deliver "$r" "$per_run"; night $((epoch + r * 86400)) >/dev/null; done
n_docs=$(find "$work/archive/runs" -name '*.xml.gz' | wc -l)
read -r empty_s empty_kb < <(night $((epoch + (runs + 1) * 86400)))
# The share kept in step: an empty night compares every workbook's size and
# time with its record (nothing hashed); one whose file was touched is hashed
# once; one that is missing is written again (a run of no inputs).
n_books=$(ls "$work/out" | wc -l)
touch "$work"/out/*.xlsx
read -r touched_s touched_kb < <(night $((epoch + (runs + 1) * 86400)))
read -r empty_again_s _ < <(night $((epoch + (runs + 1) * 86400)))
rm "$work/out/$(ls "$work/out" | grep -v oversigt | head -1)"
read -r missing_s missing_kb < <(night $((epoch + (runs + 1) * 86400)))
# The same night of 50 new files on the large archive, $repeats times: on the
# archive and on copies of it made beforehand (each a night of its own). The
# copies are made before any is measured and removed after: right after 50 000
# files are deleted, ext4 is slow to hand out inodes, which would be measured too.
for k in $(seq 2 "$repeats"); do
  cp -a "$work/archive" "$work/archive.$k"; cp -a "$work/out" "$work/out.$k"
done
: > "$work/one.txt"
for k in $(seq 1 "$repeats"); do
  suffix=""; [ "$k" -gt 1 ] && suffix=".$k"
  deliver 9999 50
  SOURCE_DATE_EPOCH=$((epoch + (runs + 2) * 86400)) /usr/bin/time -f "%e %M %U %S" -o "$work/time" \
    "$bin" run --inbox "$work/inbox" --archive "$work/archive$suffix" --out "$work/out$suffix" \
    >/dev/null 2>&1 || true
  cat "$work/time" >> "$work/one.txt"
done
for k in $(seq 2 "$repeats"); do rm -rf "$work/archive.$k" "$work/out.$k"; done
one_s=$(cut -d' ' -f1 "$work/one.txt" | median); one_kb=$(cut -d' ' -f2 "$work/one.txt" | median)
one_cpu=$(awk '{print $3 + $4}' "$work/one.txt" | median)
echo "archive: $n_docs documents in $(ls "$work/archive/runs" | wc -l) runs"
printf 'empty night        %6.2f s  %7d kB peak (%d workbooks compared by size and time)\n' \
  "$empty_s" "$empty_kb" "$n_books"
printf '  every workbook touched: %.2f s (%d kB), each hashed once; the night after %.2f s\n' \
  "$touched_s" "$touched_kb" "$empty_again_s"
printf '  one workbook missing: %.2f s (%d kB), written again in a run of no inputs\n' "$missing_s" "$missing_kb"
printf '50 new files       %6.2f s  %7d kB peak (median of %d; on an empty archive: %.2f s, %d kB)\n' \
  "$one_s" "$one_kb" "$repeats" "$fresh_s" "$fresh_kb"
printf '  CPU (user + system) %.2f s; on an empty archive %.2f s\n' "$one_cpu" "$fresh_cpu"
printf '  ratio to the empty archive: time %.2f, CPU %.2f, memory %.2f\n' "$(echo "$one_s / $fresh_s" | bc -l)" \
  "$(echo "$one_cpu / $fresh_cpu" | bc -l)" \
  "$(echo "$one_kb / $fresh_kb" | bc -l)"
for r in $(seq 1 "$runs"); do deliver $((20000 + r)) 1; night $((epoch + (runs + 2 + r) * 86400)) >/dev/null; done
read -r empty2_s empty2_kb < <(night $((epoch + (3 * runs + 3) * 86400)))
echo "archive: $(find "$work/archive/runs" -name '*.xml.gz' | wc -l) documents in $(ls "$work/archive/runs" | wc -l) runs"
printf 'empty night        %6.2f s  %7d kB peak\n' "$empty2_s" "$empty2_kb"
printf 'memory ratio empty night, %d runs / %d runs = %.2f\n' $((2 * runs + 1)) "$runs" \
  "$(echo "$empty2_kb / $empty_kb" | bc -l)"
