#!/usr/bin/env bash
# long-functions.sh [LIMIT] — the functions of stages/ and pipeline/ longer
# than LIMIT lines (default 80), longest first, and whether a comment above
# each says why it is one piece (docs/ARCHITECTURE.md: "one piece because").
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-80}
for f in $(git ls-files 'stages/*.c' 'pipeline/*.c'); do
  awk -v f="$f" -v limit="$limit" '
    /^[a-zA-Z].*\(/ && !/;$/ { sig = $0; start = NR; why = (tolower(comment) ~ /one piece/) }
    /^\/\*/ { comment = "" } { if ($0 ~ /^( \*|\/\*)/) comment = comment $0; else if ($0 !~ /^[a-zA-Z]/) comment = "" }
    /^}/ && start { n = NR - start; if (n > limit) printf "%d %s:%d %s%s\n", n, f, start, (why ? "" : "[no reason given] "), sig; start = 0 }
  ' "$f"
done | sort -rn
