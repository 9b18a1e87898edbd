#!/usr/bin/env bash
# serve-fixtures.sh [PORT] — on a fresh Debian machine: installs the
# dependencies, builds, and starts the departments' page (statusnotat serve)
# on 127.0.0.1:PORT (default 8080) with accounts for SOF and BUF, delivering
# into out/serve/indbakke. Open the address it prints; check the files in
# fixtures/ there, and deliver with the SOF token it prints. Ctrl-C stops it.
set -uo pipefail
cd "$(dirname "$0")/.."
port=${1:-8080}
scripts/install-deps.sh || exit
scripts/build.sh || exit
rm -rf out/serve && mkdir -p out/serve/indbakke
for code in SOF BUF; do
  token=$(build/statusnotat serve --accounts out/serve/accounts --add-account "$code" | tail -1) || exit
  echo "konto $code, nøgle: $token"
done
echo "leverancer havner i out/serve/indbakke; revisionsloggen er out/serve/audit.jsonl"
exec build/statusnotat serve --listen "127.0.0.1:$port" --inbox out/serve/indbakke \
  --accounts out/serve/accounts --audit out/serve/audit.jsonl
