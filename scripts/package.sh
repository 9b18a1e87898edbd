#!/usr/bin/env bash
# package.sh [OUTDIR] — builds the Debian package statusnotat_<version>_amd64.deb
# into OUTDIR (default build-deb/) with debhelper (debian/): what CMake installs
# under the prefix /usr, built with Debian's hardening flags, stripped (the
# debug symbols in statusnotat-dbgsym), the service user and folders from
# sysusers.d and tmpfiles.d, the units enabled the debhelper way, then checked
# with lintian (its findings in OUTDIR/lintian.txt; an error fails the build).
# Install it with: sudo apt-get install ./build-deb/statusnotat_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build-deb}")
scripts/install-deps.sh --package
# The source as committed, plus what is changed in the working tree, copied
# apart so the build's files stay out of the checkout and the .deb lands in OUTDIR.
rm -rf "$out/src"
mkdir -p "$out/src"
git ls-files -z --cached --others --exclude-standard | grep -zv '^tests/fuzz/corpus/' |
  xargs -0 cp --parents -t "$out/src" 2>/dev/null || true
(cd "$out/src" && dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1) ||
  { tail -40 "$out/build.log" >&2; exit 1; }
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
deb="$out/statusnotat_${version}_amd64.deb"
lintian --tag-display-limit 0 --display-info "$deb" >"$out/lintian.txt" 2>&1 || true
if grep -q '^E: ' "$out/lintian.txt"; then
  cat "$out/lintian.txt" >&2
  exit 1
fi
echo "$deb"
