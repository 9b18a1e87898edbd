#!/usr/bin/env bash
# fuzz.sh [SECONDS] — libFuzzer (clang) with ASan and UBSan on the input half:
# ingest → normalize → validate on arbitrary bytes, seeded with the fixtures.
# New interesting inputs are kept in tests/fuzz/corpus (replayed by CTest);
# a crash leaves crash-* in build-fuzz/ and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/install-deps.sh
command -v clang >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq clang >/dev/null; }
mkdir -p build-fuzz/corpus
cp fixtures/* tests/fuzz/corpus/* build-fuzz/corpus/ 2>/dev/null || true
srcs=(stages/*/*.c tests/fuzz/fuzz_process.c)
includes=(); for d in stages/*/; do includes+=(-I"$d"); done
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
  -DSTATUSNOTAT_VERSION='"fuzz"' -DSTATUSNOTAT_CONFIG_INSTALLED='"/dev/null"' -DSTATUSNOTAT_SCHEMA_INSTALLED='"/dev/null"' \
  -DSTATUSNOTAT_TEST_CONFIG="\"$PWD/config/statusnotat.json\"" "${includes[@]}" \
  "${srcs[@]}" $(pkg-config --cflags --libs libxml-2.0 xlsxwriter jansson zlib libcrypto) -lm \
  -o build-fuzz/fuzz_process
cd build-fuzz
./fuzz_process -max_total_time="$seconds" -max_len=65536 -dict=../tests/fuzz/statusnotat.dict \
  corpus ../tests/fuzz/corpus
