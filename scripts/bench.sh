#!/usr/bin/env bash
# bench.sh [PERIODS] [INDSATSER] — how close the night run comes to its floors.
#
# The floors: libxml2's streaming reader over the same inputs, and
# libxlsxwriter writing the same number of string and number cells as the run
# wrote (no formats, tables, formulas or charts). Prints the run's time over
# the sum of the floors, and its peak memory over the largest floor write:
# memory should follow one period's workbook, not the input. Every time is the
# median of three runs (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
periods=${1:-4} per_doc=${2:-2000}
export SOURCE_DATE_EPOCH=1228780800   # the same bytes from every run
scripts/install-deps.sh --bench
scripts/build.sh -DBUILD_TESTING=OFF >/dev/null
cc -O2 -o build/bench_floor tests/bench/floor.c $(pkg-config --cflags --libs libxml-2.0 xlsxwriter)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
/usr/bin/python3 tests/bench/generate.py "$work/inbox" "$periods" "$per_doc"
input_mb=$(du -sm "$work/inbox" | cut -f1)

measure() { # command... → "seconds peak_kb"
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  cat "$work/time"
}
# The machine is shared: each time below is the median of $repeats runs, each
# peak the largest of them.
repeats=3
median_of() { # command... → "median_seconds max_peak_kb"
  for _ in $(seq 1 "$repeats"); do measure "$@"; done |
    sort -n | awk '{t[NR] = $1; if ($2 > m) m = $2} END {print t[int((NR + 1) / 2)], m}'
}
read -r run_s run_kb < <(median_of build/statusnotat run --jobs 1 --inbox "$work/inbox" --out "$work/out")
read -r run2_s run2_kb < <(median_of build/statusnotat run --jobs 2 --inbox "$work/inbox" --out "$work/out2")
# What two cores give here: two single-job runs side by side. On a shared
# machine this is below 2, and no --jobs 2 can beat it.
pair() { build/statusnotat run --jobs 1 --inbox "$work/inbox" --out "$work/pa" >/dev/null 2>&1 &
         build/statusnotat run --jobs 1 --inbox "$work/inbox" --out "$work/pb" >/dev/null 2>&1; wait; }
export -f pair; export work
read -r pair_s _ < <(median_of bash -c pair)
same=$(cd "$work/out" && sha256sum -- * | sha256sum | cut -c1-16)
same2=$(cd "$work/out2" && sha256sum -- * | sha256sum | cut -c1-16)
read -r check_s check_kb < <(measure sh -c 'build/statusnotat check --json "$0"/inbox/*.xml >/dev/null' "$work")
read -r parse_s parse_kb < <(median_of build/bench_floor parse "$work"/inbox/*.xml)
write_kb=0 cells=0
: > "$work/counts"
for book in "$work"/out/*.xlsx; do
  s=$(unzip -p "$book" 'xl/worksheets/*.xml' | grep -o '<c [^>]*t="s"' | wc -l)
  n=$(unzip -p "$book" 'xl/worksheets/*.xml' | grep -o '<c ' | wc -l)
  cells=$((cells + n))
  echo "$s $((n - s))" >> "$work/counts"
done
: > "$work/write_times"
for _ in $(seq 1 "$repeats"); do   # every workbook bare, $repeats times over
  total=0
  while read -r s rest; do
    read -r t kb < <(measure build/bench_floor write "$work/floor.xlsx" "$s" "$rest")
    total=$(echo "$total + $t" | bc -l)
    [ "$kb" -gt "$write_kb" ] && write_kb=$kb
  done < "$work/counts"
  echo "$total" >> "$work/write_times"
done
write_s=$(sort -n "$work/write_times" | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}')
books=$(ls "$work"/out/*.xlsx | wc -l)
echo "input: $(ls "$work/inbox" | wc -l) files, ${input_mb} MB; output: $books workbooks, $cells cells"
printf 'run --jobs 1 %6.2f s  %7d kB peak\n' "$run_s" "$run_kb"
printf 'run --jobs 2 %6.2f s  %7d kB peak (one process, two workbooks at a time: %d kB a job)\n' \
  "$run2_s" "$run2_kb" "$((run2_kb / 2))"
printf 'two --jobs 1 side by side %6.2f s (what two cores give here)\n' "$pair_s"
printf 'check --json %6.2f s  %7d kB peak over every file\n' "$check_s" "$check_kb"
printf 'parse floor %6.2f s  %7d kB peak\n' "$parse_s" "$parse_kb"
printf 'write floor %6.2f s  %7d kB peak (largest workbook)\n' "$write_s" "$write_kb"
printf 'time ratio   run / (parse + write floors) = %.2f\n' "$(echo "$run_s / ($parse_s + $write_s)" | bc -l)"
printf 'memory ratio run peak / largest floor write peak = %.2f\n' "$(echo "$run_kb / $write_kb" | bc -l)"
printf 'jobs speed-up run --jobs 1 / run --jobs 2 = %.2f (same bytes: %s)\n' \
  "$(echo "$run_s / $run2_s" | bc -l)" "$([ "$same" = "$same2" ] && echo yes || echo NO)"
printf 'memory ratio a job of --jobs 2 / largest floor write peak = %.2f\n' "$(echo "$run2_kb / 2 / $write_kb" | bc -l)"
printf 'machine ceiling for two jobs = 2 x run --jobs 1 / two side by side = %.2f\n' "$(echo "2 * $run_s / $pair_s" | bc -l)"
