#!/usr/bin/env bash
# install_test.sh BUILD — `cmake --install` puts the binary, the default
# configuration, the man page and the systemd units (with the installed
# paths) where they belong, and the installed binary runs.
set -u
build=$1
dest=$(mktemp -d); trap 'rm -rf "$dest"' EXIT
failures=0 passed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
DESTDIR=$dest cmake --install "$build" >/dev/null || fail "cmake --install"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
root=$dest$prefix
for f in bin/statusnotat share/man/man1/statusnotat.1 lib/systemd/system/statusnotat.service \
         lib/systemd/system/statusnotat.timer share/statusnotat/statusnotat.cron; do
  [ -e "$root/$f" ] && ok || fail "missing $f"
done
config=$(find "$dest" -name statusnotat.json | head -1)
[ -n "$config" ] && ok || fail "missing the configuration"
grep -q "^ExecStart=$prefix/bin/statusnotat run --inbox /srv/statusnotat/indbakke --archive /var/lib/statusnotat/arkiv --out /srv/statusnotat/regneark" \
  "$root/lib/systemd/system/statusnotat.service" && ok || fail "service ExecStart"
grep -q "^OnCalendar=" "$root/lib/systemd/system/statusnotat.timer" && ok || fail "timer"
grep -q "^0 2 \* \* \* statusnotat $prefix/bin/statusnotat run " "$root/share/statusnotat/statusnotat.cron" && ok || fail "cron line"
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$root/share/man/man1/statusnotat.1" 2>/dev/null | grep -q "another run holds the archive" && ok || fail "man page renders"
fi
STATUSNOTAT_CONFIG=$config "$root/bin/statusnotat" --version | grep -q '^statusnotat ' && ok || fail "installed binary runs"
echo "install_test: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
