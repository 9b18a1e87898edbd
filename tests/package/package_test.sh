#!/usr/bin/env bash
# package_test.sh SRC FIXTURES — the Debian package. Always: scripts/package.sh
# builds statusnotat_<version>_amd64.deb with no lintian error or warning; it
# holds the binary (stripped, hardened), the configurations as conffiles, the
# units, sysusers.d and tmpfiles.d; the units rate OK or better in
# systemd-analyze security; the packaged binary runs the fixtures.
# Under CI=true (or STATUSNOTAT_PACKAGE_INSTALL=1), as root, on a machine with
# no statusnotat installed: installs it for real with apt-get, checks the user,
# groups, folders and enabled timers, runs the unit's ExecStart as the service
# user with a delivering user and a reading user beside it and checks who can
# do what, runs the alert, upgrades to a rebuilt package keeping an edited
# conffile, and purges (the archive stays). Then removes what it made.
set -u
src=$(realpath "$1") fixtures=$(realpath "$2")
tmp=$(mktemp -d); chmod 755 "$tmp"
failures=0 passed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then ok; else fail "$what"; fi; }
finish() { echo "package_test: $passed passed, $failures failed"; [ "$failures" -eq 0 ]; exit; }
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

deb=$("$src/scripts/package.sh" "$tmp/build" 2>"$tmp/err" | tail -1)
[ -f "$deb" ] && ok || { fail "no package: $(tail -30 "$tmp/err")"; finish; }
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
project=$(sed -n 's/^project(statusnotat VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
check "debian/changelog's version $version is the project's $project" [ "$version" = "$project" ]
check "name $(basename "$deb")" [ "$(basename "$deb")" = "statusnotat_${version}_amd64.deb" ]
if grep -E '^[EW]: ' "$tmp/build/lintian.txt" >"$tmp/lintian-ew"; then
  fail "lintian: $(cat "$tmp/lintian-ew")"; else ok; fi
depends=$(dpkg-deb -f "$deb" Depends)
check "library dependencies: $depends" grep -q "libxml2.*libxlsxwriter\|libxlsxwriter.*libxml2" <<<"$depends"
check "sysusers in Depends: $depends" grep -q "systemd-sysusers" <<<"$depends"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$tmp/conffiles"
check "the configuration is a conffile" grep -qx /etc/statusnotat/statusnotat.json "$tmp/conffiles"
check "the alert configuration is a conffile" grep -qx /etc/statusnotat/alert.conf "$tmp/conffiles"
mkdir "$tmp/ctl"; dpkg-deb -e "$deb" "$tmp/ctl"
check "postinst creates the user (systemd-sysusers)" grep -q "systemd-sysusers.*statusnotat.conf" "$tmp/ctl/postinst"
check "postinst creates the folders (systemd-tmpfiles)" grep -q "systemd-tmpfiles.*--create statusnotat.conf" "$tmp/ctl/postinst"
check "postinst enables the timers (deb-systemd-helper)" grep -q "deb-systemd-helper enable 'statusnotat.timer'" "$tmp/ctl/postinst"
check "an upgrade restarts nothing" bash -c "! grep -qE 'restart|try-restart' '$tmp/ctl/postinst'"
check "an upgrade stops nothing (prerm stops only on remove)" bash -c "grep -B1 'deb-systemd-invoke stop' '$tmp/ctl/prerm' | grep -q '\"\$1\" = remove' && [ \$(grep -c 'deb-systemd-invoke stop' '$tmp/ctl/prerm') -eq 1 ]"
root=$tmp/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/statusnotat etc/statusnotat/statusnotat.json etc/statusnotat/alert.conf \
         usr/share/man/man1/statusnotat.1.gz usr/share/doc/statusnotat/copyright \
         usr/share/doc/statusnotat/changelog.gz usr/share/doc/statusnotat/operations.md \
         usr/share/statusnotat/statusnotat.schema.json usr/lib/sysusers.d/statusnotat.conf \
         usr/lib/tmpfiles.d/statusnotat.conf usr/libexec/statusnotat/statusnotat-alert \
         lib/systemd/system/statusnotat.service lib/systemd/system/statusnotat.timer \
         lib/systemd/system/statusnotat-verify.service lib/systemd/system/statusnotat-verify.timer \
         lib/systemd/system/statusnotat-alert@.service lib/systemd/system/statusnotat-serve.service \
         usr/share/doc/statusnotat/api.md usr/share/statusnotat/statusnotat.xsd; do
  check "missing /$f" [ -e "$root/$f" ]
done
check "the binary is stripped" bash -c "! readelf -S '$root/usr/bin/statusnotat' | grep -q '\.debug_info\|\.symtab'"
check "the binary is bound now and PIE" bash -c "readelf -d '$root/usr/bin/statusnotat' | grep -q 'NOW PIE'"
check "the binary is fortified" bash -c "nm -D '$root/usr/bin/statusnotat' | grep -q '__.*_chk'"
check "the service runs /usr/bin/statusnotat" grep -q "^ExecStart=/usr/bin/statusnotat run " "$root/lib/systemd/system/statusnotat.service"
check "only exit 1 is also success" grep -qx "SuccessExitStatus=1" "$root/lib/systemd/system/statusnotat.service"
for u in statusnotat.service statusnotat-verify.service statusnotat-alert@.service statusnotat-serve.service; do
  [ "$u" = statusnotat-serve.service ] ||   # a long-running service: restarted, not timed out
    check "$u: TimeoutStartSec" grep -q "^TimeoutStartSec=" "$root/lib/systemd/system/$u"
  [ "$u" = statusnotat-alert@.service ] || [ "$u" = statusnotat-serve.service ] ||
    check "$u: OnFailure" grep -qx "OnFailure=statusnotat-alert@%n.service" "$root/lib/systemd/system/$u"
  level=$(systemd-analyze security --offline=true --no-pager "$root/lib/systemd/system/$u" 2>&1 |
          sed -n 's/^→ Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
  check "$u: systemd-analyze security ${level:-?} is not OK (≤ 4.0)" awk -v l="${level:-99}" 'BEGIN { exit !(l <= 4.0) }'
done
"$root/usr/bin/statusnotat" --help | grep -q "/etc/statusnotat/statusnotat.json" &&
  ok || fail "the packaged binary's default configuration is /etc/statusnotat/statusnotat.json"
SOURCE_DATE_EPOCH=1228780800 "$root/usr/bin/statusnotat" run --config "$root/etc/statusnotat/statusnotat.json" \
  --inbox "$fixtures" --out "$tmp/out" >"$tmp/run.txt" 2>&1
rc=$?
# 7 workbooks of 2008-H2 and 7 overviews across periods (the municipality's, 6 departments')
[ "$rc" -eq 1 ] && [ "$(ls "$tmp/out" | wc -l)" -eq 14 ] && ok ||
  fail "the packaged binary on the fixtures: exit $rc, $(ls "$tmp/out" 2>/dev/null | wc -l) workbooks: $(cat "$tmp/run.txt")"

# ---- installed for real ---------------------------------------------------
if [ "${CI:-}" != true ] && [ "${STATUSNOTAT_PACKAGE_INSTALL:-}" != 1 ]; then
  echo "package_test: installing for real only under CI=true or STATUSNOTAT_PACKAGE_INSTALL=1 (skipped)"
  finish
fi
if [ "$(id -u)" -ne 0 ] || dpkg-query -W statusnotat >/dev/null 2>&1 || getent passwd statusnotat >/dev/null ||
   [ -e /var/lib/statusnotat ] || [ -e /srv/statusnotat ]; then
  fail "installing for real needs root and a machine without statusnotat (installed, its user or its folders)"
  finish
fi
users=(snt-afl1 snt-afl2 snt-laeser snt-anden)
cleanup() {
  apt-get purge -y -qq statusnotat >/dev/null 2>&1
  for u in "${users[@]}" statusnotat; do userdel "$u" 2>/dev/null; done
  for g in statusnotat-aflevering statusnotat-laesere statusnotat; do groupdel "$g" 2>/dev/null; done
  rm -rf /srv/statusnotat /var/lib/statusnotat /var/log/statusnotat "$tmp"
}
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$deb" >"$tmp/install.log" 2>&1 && ok || { fail "apt-get install: $(tail "$tmp/install.log")"; finish; }
check "the user statusnotat, no login shell" bash -c "getent passwd statusnotat | grep -q ':/var/lib/statusnotat:/usr/sbin/nologin$'"
check "the groups" bash -c "getent group statusnotat-aflevering statusnotat-laesere >/dev/null"
check "statusnotat is in the delivery group" bash -c "id -nG statusnotat | grep -qw statusnotat-aflevering"
while read -r path want; do
  got=$(stat -c '%a %U %G' "$path" 2>&1)
  check "$path is $want, not $got" [ "$got" = "$want" ]
done <<'EOT'
/srv/statusnotat/indbakke 3770 statusnotat statusnotat-aflevering
/srv/statusnotat/regneark 2750 statusnotat statusnotat-laesere
/var/lib/statusnotat/arkiv 2750 statusnotat statusnotat-aflevering
/var/log/statusnotat 750 statusnotat adm
EOT
check "the night timer is enabled" [ -L /etc/systemd/system/timers.target.wants/statusnotat.timer ]
check "the verify timer is enabled" [ -L /etc/systemd/system/timers.target.wants/statusnotat-verify.timer ]
check "the page's service waits for its accounts (not enabled)" bash -c "! ls /etc/systemd/system/*.wants/statusnotat-serve.service 2>/dev/null | grep -q ."
systemd-analyze verify --man=no /lib/systemd/system/statusnotat.service /lib/systemd/system/statusnotat.timer \
  /lib/systemd/system/statusnotat-verify.service /lib/systemd/system/statusnotat-verify.timer \
  /lib/systemd/system/statusnotat-alert@.service /lib/systemd/system/statusnotat-serve.service >"$tmp/verify.txt" 2>&1
check "systemd-analyze verify: $(cat "$tmp/verify.txt")" bash -c "! grep -v 'Failed to connect\|PrivateTmp\|systemd-journald.socket\|is not executable' '$tmp/verify.txt' | grep -q ."

# Who can do what: two delivering users, a reader, someone else.
useradd -M -N -G statusnotat-aflevering snt-afl1; useradd -M -N -G statusnotat-aflevering snt-afl2
useradd -M -N -G statusnotat-laesere snt-laeser; useradd -M -N snt-anden
inbox=/srv/statusnotat/indbakke share=/srv/statusnotat/regneark archive=/var/lib/statusnotat/arkiv
cp -r "$fixtures" "$tmp/fx"; chmod -R a+rX "$tmp/fx"
check "a department delivers" as snt-afl1 sh -c "umask 022; cp '$tmp/fx/SOF-2008-H2.xml' '$tmp/fx/bad-ambiguous-amount.xml' '$inbox/'"
check "a department delivers with a private umask" as snt-afl2 sh -c "umask 027; cp '$tmp/fx/BUF-2008-H2.xml' '$inbox/'"
check "someone outside the delivery group cannot deliver" bash -c "! runuser -u snt-anden -- cp '$tmp/fx/BR-2008-H2.xml' '$inbox/' 2>/dev/null"
check "a reader cannot deliver" bash -c "! runuser -u snt-laeser -- cp '$tmp/fx/BR-2008-H2.xml' '$inbox/' 2>/dev/null"
check "one department cannot remove another's delivery" bash -c "! runuser -u snt-afl2 -- rm -f '$inbox/SOF-2008-H2.xml' 2>/dev/null && [ -e '$inbox/SOF-2008-H2.xml' ]"
check "nor replace it" bash -c "! runuser -u snt-afl2 -- sh -c 'echo x > $inbox/SOF-2008-H2.xml' 2>/dev/null"
execstart=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/statusnotat.service)
as statusnotat sh -c "umask 0027; exec $execstart" >"$tmp/night.txt" 2>&1
rc=$?
check "the unit's ExecStart as statusnotat: exit 1 (one rejected), not $rc: $(cat "$tmp/night.txt")" [ "$rc" -eq 1 ]
check "the inbox is empty after the night" [ -z "$(ls -A "$inbox")" ]
check "status.json" [ -s "$archive/status.json" ]
wb=$share/statusredegoerelse-2008-H2.xlsx
check "a workbook in the share, group statusnotat-laesere, 0640" [ "$(stat -c '%a %G' "$wb" 2>&1)" = "640 statusnotat-laesere" ]
check "a reader opens a workbook" as snt-laeser sh -c "head -c 2 '$wb' | grep -q PK"
check "a reader cannot change one" bash -c "! runuser -u snt-laeser -- sh -c 'echo x >> $wb' 2>/dev/null"
check "a reader cannot put a file in the share" bash -c "! runuser -u snt-laeser -- touch '$share/x.xlsx' 2>/dev/null"
check "someone else cannot read the share" bash -c "! runuser -u snt-anden -- ls '$share' >/dev/null 2>&1"
reasons=$(find "$archive/quarantine" -name '*.reasons.txt' | head -1)
check "a rejection has its reasons" [ -n "$reasons" ]
check "a department reads the reasons" as snt-afl2 grep -q "AMOUNT" "$reasons"
check "a reader cannot read the archive" bash -c "! runuser -u snt-laeser -- cat '$reasons' >/dev/null 2>&1"
check "a department cannot change the archive" bash -c "! runuser -u snt-afl1 -- sh -c 'echo x >> $reasons' 2>/dev/null"
check "verify as the service user (the weekly unit's ExecStart)" as statusnotat sh -c "exec $(sed -n 's/^ExecStart=//p' /lib/systemd/system/statusnotat-verify.service)" >/dev/null

# The alert: a crit line, then the configured command with UNIT and EXIT_STATUS.
printf 'STATUSNOTAT_ALERT_COMMAND=%s\n' "'echo \"\$UNIT \$EXIT_STATUS\" > $tmp/alerted'" >"$tmp/alert.conf"
STATUSNOTAT_ALERT_CONF=$tmp/alert.conf /usr/libexec/statusnotat/statusnotat-alert statusnotat.service 2>"$tmp/alert.err"
check "the alert logs at crit: $(cat "$tmp/alert.err")" grep -q '^<2>statusnotat: statusnotat.service fejlede' "$tmp/alert.err"
check "the alert runs the configured command" grep -q '^statusnotat.service' "$tmp/alerted"
printf 'STATUSNOTAT_ALERT_COMMAND=false\n' >"$tmp/alert.conf"
STATUSNOTAT_ALERT_CONF=$tmp/alert.conf /usr/libexec/statusnotat/statusnotat-alert statusnotat.service 2>/dev/null
check "an alert that could not be sent fails" [ $? -ne 0 ]

# Upgrade to a rebuilt package: the edited conffile stays.
sed -i 's/"lock_wait_seconds": [0-9]*/"lock_wait_seconds": 900/' /etc/statusnotat/statusnotat.json
grep -q '"lock_wait_seconds": 900' /etc/statusnotat/statusnotat.json && ok || fail "the conffile edit"
cp -a "$tmp/build/src" "$tmp/src2"
{ printf 'statusnotat (%s+rebuild1) bookworm; urgency=medium\n\n  * Rebuilt (tests/package/package_test.sh).\n\n -- %s  %s\n\n' \
    "$version" "$(sed -n 's/^Maintainer: //p' "$src/debian/control")" "$(date -R)"; cat "$src/debian/changelog"; } \
  >"$tmp/src2/debian/changelog"
(cd "$tmp/src2" && dpkg-buildpackage -b -us -uc >"$tmp/build2.log" 2>&1) && ok || fail "the rebuild: $(tail "$tmp/build2.log")"
apt-get install -y -qq "$tmp/statusnotat_${version}+rebuild1_amd64.deb" >"$tmp/upgrade.log" 2>&1 &&
  ok || fail "apt-get install of the rebuilt package: $(tail "$tmp/upgrade.log")"
check "upgraded" [ "$(dpkg-query -W -f='${Version}' statusnotat)" = "${version}+rebuild1" ]
check "the edited conffile survived the upgrade" grep -q '"lock_wait_seconds": 900' /etc/statusnotat/statusnotat.json
check "the timer is still enabled" [ -L /etc/systemd/system/timers.target.wants/statusnotat.timer ]
as snt-afl1 sh -c "umask 022; cp '$tmp/fx/OEKF-2008-H2.xml' '$inbox/'"
as statusnotat sh -c "umask 0027; exec $execstart" >"$tmp/night2.txt" 2>&1
check "a night after the upgrade: $(cat "$tmp/night2.txt")" [ $? -eq 0 ]

# Purge: the program and its configuration go, the archive stays.
apt-get purge -y -qq statusnotat >"$tmp/purge.log" 2>&1 && ok || fail "purge: $(tail "$tmp/purge.log")"
check "purged: no binary" [ ! -e /usr/bin/statusnotat ]
check "purged: no configuration" [ ! -e /etc/statusnotat ]
check "purged: no timer" [ ! -e /etc/systemd/system/timers.target.wants/statusnotat.timer ]
check "purged: the archive is kept" [ -s "$archive/runs/000002-$(ls "$archive/runs" | sed -n 's/^000002-//p')/manifest.json" ]
check "purged: the share is kept" [ -s "$wb" ]
finish
