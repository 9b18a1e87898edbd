#!/usr/bin/env bash
# package_test.sh SRC FIXTURES — the Debian package: scripts/package.sh makes
# statusnotat_<version>_amd64.deb; unpacked, it holds the binary, the
# configuration as a conffile, the man page and the systemd units, depends on
# the libraries it links, and the packaged binary runs the night job on the
# fixtures with its packaged configuration.
set -u
src=$1 fixtures=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0 passed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
deb=$("$src/scripts/package.sh" "$tmp/build" 2>"$tmp/err" | tail -1)
[ -f "$deb" ] && ok || { fail "no package: $(cat "$tmp/err")"; echo "package_test: $passed passed, $failures failed"; exit 1; }
version=$(sed -n 's/^project(statusnotat VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ "$(basename "$deb")" = "statusnotat_${version}_amd64.deb" ] && ok || fail "name $(basename "$deb")"
dpkg-deb -f "$deb" Depends | grep -q "libxml2" && dpkg-deb -f "$deb" Depends | grep -q "libxlsxwriter" &&
  ok || fail "library dependencies: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/statusnotat/statusnotat.json &&
  ok || fail "the configuration is a conffile"
root=$tmp/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/statusnotat etc/statusnotat/statusnotat.json usr/share/man/man1/statusnotat.1 \
         usr/lib/systemd/system/statusnotat.service usr/lib/systemd/system/statusnotat.timer; do
  [ -e "$root/$f" ] && ok || fail "missing /$f"
done
grep -q "^ExecStart=/usr/bin/statusnotat run " "$root/usr/lib/systemd/system/statusnotat.service" &&
  ok || fail "the service runs /usr/bin/statusnotat"
"$root/usr/bin/statusnotat" --help | grep -q "/etc/statusnotat/statusnotat.json" &&
  ok || fail "the packaged binary's default configuration is /etc/statusnotat/statusnotat.json"
SOURCE_DATE_EPOCH=1228780800 "$root/usr/bin/statusnotat" run --config "$root/etc/statusnotat/statusnotat.json" \
  --inbox "$fixtures" --out "$tmp/out" >"$tmp/run.txt" 2>&1
rc=$?
# 7 workbooks of 2008-H2 and 7 overviews across periods (the municipality's, 6 departments')
[ "$rc" -eq 1 ] && [ "$(ls "$tmp/out" | wc -l)" -eq 14 ] && ok ||
  fail "the packaged binary on the fixtures: exit $rc, $(ls "$tmp/out" 2>/dev/null | wc -l) workbooks: $(cat "$tmp/run.txt")"
echo "package_test: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
