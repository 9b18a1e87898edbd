#!/usr/bin/env bash
# package.sh [OUTDIR] — builds the Debian package statusnotat_<version>_amd64.deb
# (prefix /usr: the binary in /usr/bin, the configuration in /etc/statusnotat as
# a conffile, the man page, the systemd service and timer) into OUTDIR (default
# build-deb/). Install it with: sudo apt-get install ./statusnotat_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-deb}
scripts/install-deps.sh
cmake -S . -B "$out" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
(cd "$out" && cpack -G DEB >/dev/null)
ls "$out"/statusnotat_*_*.deb
