#!/usr/bin/python3
"""operations_test.py BIN FIXTURES CONFIG — what an operator lives with: the
exit statuses that say whose problem a night is, ARKIV/status.json and the
Prometheus text file after every night (empty and failed ones too), backups
that verify and a restore drill, and the lock between a backup and a night."""
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES, CONFIG = sys.argv[1], sys.argv[2], sys.argv[3]
EPOCH = 1228780800
DAY = 86400
ROOT = tempfile.mkdtemp(prefix="statusnotat-operations-")


def workdir(name, **operations):
    base = os.path.join(ROOT, name)
    shutil.rmtree(base, ignore_errors=True)
    w = {k: os.path.join(base, k) for k in ("inbox", "archive", "out")}
    os.makedirs(w["inbox"])
    cfg = json.load(open(CONFIG))
    cfg.setdefault("operations", {}).update(operations)
    w["config"] = os.path.join(base, "config.json")
    json.dump(cfg, open(w["config"], "w"), ensure_ascii=False)
    return w


def deliver(w, name, data=None, mtime=EPOCH - 3600):
    if data is None:
        folder = FIXTURES if "H2" in name or name.startswith("bad") else os.path.join(FIXTURES, "2008-H1")
        data = open(os.path.join(folder, name), "rb").read()
    path = os.path.join(w["inbox"], name)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (mtime, mtime))


def run(w, epoch=EPOCH, cmd=None, timeout=120):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    cmd = cmd or [BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"],
                  "--config", w["config"]]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def status(w):
    return json.load(open(os.path.join(w["archive"], "status.json")))


def shown(p):
    return p.stdout + p.stderr


def exit_statuses():
    """0 nothing to do, 1 a department's rejected document, 6 files in the
    inbox an operator must see to (unreadable, too large, a backlog waiting
    since the night before), 4 a workbook not written."""
    w = workdir("exits", prometheus_textfile=os.path.join(ROOT, "exits.prom"))
    deliver(w, "SOF-2008-H2.xml")
    p = run(w)
    check(p.returncode == 0, f"all accepted: 0 ({p.returncode}) {shown(p)}")
    s = status(w)
    check(s["last_attempt"]["exit_status"] == 0 and s["documents"]["accepted"] == 1 and
          s["last_attempt"]["run"] and s["last_success"]["run"] == s["last_attempt"]["run"] and
          s["archive_bytes"] > 0 and s["runs"] == 1 and s["last_attempt"]["program_version"],
          f"status.json after a night: {s}")
    prom = open(os.path.join(ROOT, "exits.prom")).read()
    check("statusnotat_last_exit_status 0" in prom and 'statusnotat_documents{status="accepted"} 1' in prom
          and "statusnotat_last_success_timestamp_seconds " in prom, f"the Prometheus file: {prom}")
    report = json.load(open(os.path.join(w["archive"], "runs", s["last_attempt"]["run"], "report.json")))
    check(report["exit_status"] == 0 and report["program_version"] and report["duration_seconds"] >= 0,
          f"report.json has exit status, version and duration: {report.get('exit_status')}")
    # An empty night leaves its status too: "ran, nothing new".
    time.sleep(1)
    p = run(w, EPOCH + DAY)
    s2 = status(w)
    check(p.returncode == 0 and s2["last_attempt"]["run"] is None and
          s2["last_attempt"]["finished"] >= s["last_attempt"]["finished"], f"an empty night's status: {s2}")
    deliver(w, "bad-ambiguous-amount.xml")
    p = run(w, EPOCH + 2 * DAY)
    check(p.returncode == 1 and status(w)["documents"]["rejected"] == 1,
          f"a rejected document: 1, the departments' matter ({p.returncode})")
    check(status(w)["last_success"]["run"] == status(w)["last_attempt"]["run"], "and still a success")
    os.symlink("/etc/hostname", os.path.join(w["inbox"], "link.xml"))
    p = run(w, EPOCH + 3 * DAY)
    check(p.returncode == 6 and "operatør" in status(w)["last_attempt"]["meaning"] and
          status(w)["documents"]["waiting"] == 1, f"an unreadable file: 6, an operator's ({p.returncode})")
    check(status(w)["last_success"]["run"] != status(w)["last_attempt"]["run"] or
          status(w)["last_attempt"]["run"] is None, "no success while it waits")
    os.unlink(os.path.join(w["inbox"], "link.xml"))
    # A backlog: past the night's byte limit the rest waits; waiting since
    # the night before is an operator's matter.
    w = workdir("backlog")
    cfg = json.load(open(w["config"]))
    cfg["limits"]["max_night_bytes"] = 5000
    json.dump(cfg, open(w["config"], "w"), ensure_ascii=False)
    deliver(w, "SOF-2008-H2.xml")
    deliver(w, "BUF-2008-H2.xml")
    deliver(w, "BR-2008-H2.xml", mtime=EPOCH + 3600)
    p = run(w, EPOCH + 2 * 3600)
    check(p.returncode == 0 and "venter til næste nat" in p.stdout, f"deferred tonight: 0 ({p.returncode})")
    p = run(w, EPOCH + 2 * DAY)
    check(p.returncode in (0, 6), f"the next night takes what fits ({p.returncode}) {shown(p)}")
    deliver(w, "OEKF-2008-H2.xml", mtime=EPOCH)
    deliver(w, "SOF-2008-H1.xml", mtime=EPOCH)
    p = run(w, EPOCH + 3 * DAY)
    check(p.returncode == 6 and "ventet mere end en nat" in p.stderr,
          f"files waiting since the night before: 6 ({p.returncode}) {shown(p)}")


def backup_and_restore():
    """A backup is a verified copy; a night waits for a backup's lock; the
    restore drill: the archive lost, restored from the backup, the next night
    and a rerun work as before."""
    w = workdir("backup", lock_wait_seconds=30)
    for f in ("OEKF-2008-H1.xml", "SOF-2008-H1.xml"):
        deliver(w, f)
    run(w)
    deliver(w, "SOF-2008-H2.xml")
    deliver(w, "bad-ambiguous-amount.xml")
    run(w, EPOCH + DAY)
    copy = os.path.join(ROOT, "backup-copy")
    p = run(w, cmd=[BIN, "backup", "--archive", w["archive"], "--to", copy])
    check(p.returncode == 0 and "kontrolleret og i orden" in p.stdout, f"a backup: {shown(p)}")
    v = run(w, cmd=[BIN, "verify", "--archive", copy])
    check(v.returncode == 0, f"the copy verifies: {shown(v)}")
    p = run(w, cmd=[BIN, "backup", "--archive", w["archive"], "--to", copy])
    check(p.returncode == 2, "never over an existing backup")
    # A night while a backup holds the lock waits for it.
    lock = os.path.join(w["archive"], "lock")
    held = open(lock, "r+")
    fcntl.flock(held, fcntl.LOCK_EX)
    held.seek(0)
    held.truncate()
    held.write(f"pid {os.getpid()} since {int(time.time())} backup\n")
    held.flush()
    threading.Timer(3, lambda: (fcntl.flock(held, fcntl.LOCK_UN), held.close())).start()
    deliver(w, "BUF-2008-H2.xml")
    start = time.time()
    p = run(w, EPOCH + 2 * DAY)
    waited = time.time() - start
    check(p.returncode == 0 and waited >= 2.5, f"the night waited for the backup ({waited:.1f} s): {shown(p)}")
    # And a backup while a night holds it, with no wait: 3, saying who.
    held = open(lock, "r+")
    fcntl.flock(held, fcntl.LOCK_EX)
    held.seek(0)
    held.truncate()
    held.write(f"pid {os.getpid()} since {int(time.time())} run\n")
    held.flush()
    p = run(w, cmd=[BIN, "backup", "--archive", w["archive"], "--to", copy + "-2", "--wait", "0"])
    check(p.returncode == 3 and f"pid {os.getpid()}" in p.stderr and "lokal tid" in p.stderr,
          f"the lock names its holder: {shown(p)}")
    fcntl.flock(held, fcntl.LOCK_UN)
    held.close()
    # A damaged backup is no backup.
    damaged = os.path.join(ROOT, "backup-damaged")
    shutil.copytree(copy, damaged)
    first = sorted(os.listdir(os.path.join(damaged, "runs")))[0]
    with open(os.path.join(damaged, "runs", first, "config.json"), "ab") as f:
        f.write(b" ")
    check(run(w, cmd=[BIN, "verify", "--archive", damaged]).returncode == 4, "verify finds a damaged copy")
    # The drill: the archive is lost; restored from the backup (a backup of
    # the backup); the next night and a rerun work as before.
    final = os.path.join(ROOT, "backup-final")
    p = run(w, cmd=[BIN, "backup", "--archive", w["archive"], "--to", final])
    check(p.returncode == 0, f"tonight's backup: {shown(p)}")
    books = {n: hashlib.sha256(open(os.path.join(w["out"], n), "rb").read()).hexdigest()
             for n in os.listdir(w["out"])}
    shutil.rmtree(w["archive"])
    p = run(w, cmd=[BIN, "backup", "--archive", final, "--to", w["archive"]])
    check(p.returncode == 0, f"restored: {shown(p)}")
    deliver(w, "BR-2008-H2.xml")
    p = run(w, EPOCH + 3 * DAY)
    check(p.returncode == 0 and "regneark for 2008-H2" in p.stdout, f"the next night on it: {shown(p)}")
    runs = sorted(d for d in os.listdir(os.path.join(w["archive"], "runs")) if not d.startswith("."))
    out = os.path.join(ROOT, "restored-rerun")
    p = run(w, cmd=[BIN, "rerun", "--archive", w["archive"], "--run", runs[-2], "--out", out])
    same = all(hashlib.sha256(open(os.path.join(out, n), "rb").read()).hexdigest() == books[n]
               for n in os.listdir(out) if n in books)
    check(p.returncode == 0 and same, f"a rerun from the restored archive gives the same bytes: {shown(p)}")
    v = run(w, cmd=[BIN, "verify", "--archive", w["archive"], "--out", w["out"]])
    check(v.returncode == 0, f"and it verifies: {shown(v)}")


def main():
    try:
        exit_statuses()
        backup_and_restore()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
    finish("operations_test")


main()
