#!/usr/bin/python3
"""share_test.py BIN FIXTURES CONFIG — the out folder (the share finance staff
open) kept in step with the archive: a full disk on the night a document
arrives, and the nights after; workbooks deleted, edited or only touched by
hand; a configuration change and an upgrade; reruns with the version that made
the run and with another; `verify --out` for each kind of difference; the
state lost, and a run killed while it writes workbooks again.

Every "as it should be" is compared with a twin archive that was given the
same deliveries on the same nights and never disturbed.

The full disk is a small tmpfs: mounted directly as root, or inside a user
namespace (unshare) otherwise; where neither can be had, that scenario says
it is skipped."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES, CONFIG = sys.argv[1], sys.argv[2], sys.argv[3]
EPOCH = 1228780800   # 2008-12-09
DAY = 86400
ROOT = tempfile.mkdtemp(prefix="statusnotat-share-")
H1 = ["OEKF-2008-H1.xml", "SOF-2008-H1.xml", "BR-2008-H1.xml"]
H2 = ["OEKF-2008-H2.xml", "SOF-2008-H2.xml", "BUF-2008-H2.xml", "BR-2008-H2.xml", "BIF-2008-H2.xml.gz"]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def kff_document():
    """A valid KFF document for 2008-H2: the rejected fixture with its amount fixed."""
    with open(os.path.join(FIXTURES, "bad-ambiguous-amount.xml"), "rb") as f:
        return f.read().replace(b"26.5 mio", b"26,5 mio")


def workdir(name, out=None):
    base = os.path.join(ROOT, name)
    shutil.rmtree(base, ignore_errors=True)
    w = {k: os.path.join(base, k) for k in ("inbox", "archive", "out")}
    if out:
        w["out"] = out
    os.makedirs(w["inbox"])
    w["config"] = CONFIG
    return w


def deliver(w, names=(), extra=None):
    for name in names:
        folder = FIXTURES if "H2" in name else os.path.join(FIXTURES, "2008-H1")
        shutil.copyfile(os.path.join(folder, name), os.path.join(w["inbox"], name))
    for name, data in (extra or {}).items():
        with open(os.path.join(w["inbox"], name), "wb") as f:
            f.write(data)


def run(w, epoch, *args, env=None, cmd="run"):
    e = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    e.pop("STATUSNOTAT_TEST_VERSION", None)
    e.update(env or {})
    if cmd == "run":
        argv = [BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"],
                "--config", w["config"], *args]
    else:
        argv = [BIN, cmd, "--archive", w["archive"], *args]
    return subprocess.run(argv, env=e, capture_output=True, text=True, timeout=300)


def shown(p):
    return p.stdout + p.stderr


def workbooks(out):
    return {n: sha(os.path.join(out, n)) for n in sorted(os.listdir(out)) if n.endswith(".xlsx")}


def run_ids(w):
    return sorted(n for n in os.listdir(os.path.join(w["archive"], "runs")) if not n.startswith("."))


def report(w, rid):
    with open(os.path.join(w["archive"], "runs", rid, "report.json")) as f:
        return json.load(f)


def manifest(w, rid):
    with open(os.path.join(w["archive"], "runs", rid, "manifest.json")) as f:
        return json.load(f)


def rewritten(p):
    return set(re.findall(r"skrevet igen: (\S+\.xlsx)", p.stdout))


def own_lines_only(p, what):
    """Every line on the terminal is the program's: its own prefix, a finding
    line, or its summary — never a library's ("[ERROR]", "[WARNING]")."""
    finding = re.compile(r"^\S.*:\d+: (fejl|advarsel) [A-Z_]+: ")
    for line in (p.stdout + p.stderr).splitlines():
        ok = (line.startswith(("statusnotat ", "kørsel ", "  ", "Ingen nye leverancer")) or
              finding.match(line)) and "[ERROR]" not in line and "[WARNING]" not in line
        check(ok, f"{what}: a line that is not the program's own: {line!r}")


def twin(name, nights):
    """The undisturbed archive: the same deliveries on the same nights."""
    w = workdir(name)
    for epoch, names, extra in nights:
        deliver(w, names, extra)
        run(w, epoch)
    return w


def rerun(w, rid, *args, env=None):
    out = os.path.join(ROOT, "rerun-" + rid + "-" + "-".join(a.strip("-") for a in args))
    shutil.rmtree(out, ignore_errors=True)
    p = run(w, 0, "--run", rid, "--out", out, *args, env=env, cmd="rerun")
    return p, out


def verify_out(w, env=None):
    return run(w, 0, "--out", w["out"], env=env, cmd="verify")


# ---- A full disk -----------------------------------------------------------------------

def mount_small(path, size):
    """A tmpfs of `size` at path (we are root, or root of our own namespace)."""
    os.makedirs(path, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path],
                          capture_output=True).returncode == 0


def fill(path):
    """Fills the file system at path to the last block; returns the filler."""
    filler = os.path.join(path, ".filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(fd, b"\0" * 4096) > 0:
            pass
    except OSError:
        pass
    os.close(fd)
    return filler


def full_disk():
    out = os.path.join(ROOT, "full", "mnt")
    if not mount_small(out, "4m"):
        print("SKIP: full disk: no tmpfs can be mounted here (not root, no user namespace)")
        return
    try:
        full_disk_on(out)
    finally:
        subprocess.run(["umount", "-l", out])


def full_disk_on(out):
    w = workdir("full", out=out)
    deliver(w, H1 + H2)
    check(run(w, EPOCH).returncode == 0, "night 1: the fixtures")
    filler = fill(out)
    # Night 2: a new KFF document for 2008-H2 and no room for its workbooks.
    deliver(w, extra={"KFF-2008-H2-rettet.xml": kff_document()})
    p = run(w, EPOCH + DAY)
    check(p.returncode == 4, f"night 2 on a full disk: exit 4, not {p.returncode}\n{shown(p)}")
    check("disken er fuld" in p.stderr, f"night 2 says the disk is full: {p.stderr}")
    own_lines_only(p, "night 2")
    rid2 = run_ids(w)[-1]
    failed2 = {f["file"] for f in report(w, rid2)["failed_workbooks"]}
    check("KFF-2008-H2.xlsx" in failed2 and "statusredegoerelse-2008-H2.xlsx" in failed2,
          f"the report names the workbooks that could not be written: {sorted(failed2)}")
    check(report(w, rid2)["share_incomplete"] == len(failed2),
          f"and counts them: {report(w, rid2)['share_incomplete']}")
    check(all("libxlsxwriter" in f["error"] for f in report(w, rid2)["failed_workbooks"]),
          "the library's words are the error's detail")
    # Night 3, still full, nothing new: tried again, and still not 0.
    p = run(w, EPOCH + 2 * DAY)
    check(p.returncode == 4, f"night 3, still full: exit 4, not {p.returncode}\n{shown(p)}")
    own_lines_only(p, "night 3")
    v = verify_out(w)
    check(v.returncode == 4 and all(f in v.stdout for f in failed2) and "blev ikke skrevet" in v.stdout,
          f"verify --out names each unwritten workbook: {v.stdout}")
    # Room again: the next night writes exactly what is missing, as an
    # undisturbed night would have.
    os.unlink(filler)
    before = workbooks(out)
    p = run(w, EPOCH + 3 * DAY)
    check(p.returncode == 0, f"night 4 with room: exit 0, not {p.returncode}\n{shown(p)}")
    check(rewritten(p) == failed2, f"night 4 names exactly the missing ones: {sorted(rewritten(p))} "
                                   f"against {sorted(failed2)}")
    after = workbooks(out)
    check({n for n in after if after[n] != before.get(n)} == failed2, "and writes nothing else")
    ref = twin("full-twin", [(EPOCH, H1 + H2, None), (EPOCH + DAY, [], {"KFF-2008-H2-rettet.xml": kff_document()})])
    check(after == workbooks(ref["out"]),
          "the folder is byte for byte the undisturbed twin's: "
          f"{sorted(n for n in after if after[n] != workbooks(ref['out']).get(n))}")
    check(verify_out(w).returncode == 0, "verify --out: in order")
    # The reruns: the run that failed compares what it wrote and notes the rest.
    p, rebuilt = rerun(w, rid2)
    check(p.returncode == 0, f"rerun of the full-disk night: exit 0, not {p.returncode}\n{shown(p)}")
    check(all(f"bemærk: {f}: kørslen kunne ikke skrive" in p.stdout for f in failed2),
          f"it notes each workbook the run could not write: {p.stdout}")
    check(workbooks(rebuilt) == {n: after[n] for n in workbooks(rebuilt)},
          "and rebuilds every one as the folder has it")
    p, _ = rerun(w, rid2, "--period", "2008-H2")
    check(p.returncode == 0, f"rerun --period of it: exit 0, not {p.returncode}\n{shown(p)}")
    rid4 = run_ids(w)[-1]
    check(manifest(w, rid4)["inputs"] == [] and
          {x["file"] for x in manifest(w, rid4)["rewrites"]} == failed2,
          "night 4 is a run of no inputs whose manifest lists what it writes again")
    p, rebuilt = rerun(w, rid4)
    check(p.returncode == 0 and set(workbooks(rebuilt)) == failed2,
          f"a rerun of night 4 rebuilds its rewrites byte for byte: {p.returncode}\n{shown(p)}")


# ---- By hand in the folder ---------------------------------------------------------------

def by_hand():
    w = workdir("hand")
    deliver(w, H1 + H2)
    run(w, EPOCH)
    before = workbooks(w["out"])
    os.unlink(os.path.join(w["out"], "BUF-2008-H2.xlsx"))
    with open(os.path.join(w["out"], "SOF-2008-H1.xlsx"), "ab") as f:
        f.write(b"edited")
    os.utime(os.path.join(w["out"], "BR-2008-H2.xlsx"), (EPOCH, EPOCH))   # touched, not changed
    v = verify_out(w)
    check(v.returncode == 4 and "BUF-2008-H2.xlsx: mangler" in v.stdout and
          "SOF-2008-H1.xlsx: er ikke det" in v.stdout and "BR-2008-H2" not in v.stdout,
          f"verify --out names the missing and the edited one, not the touched one: {v.stdout}")
    runs_before = run_ids(w)
    p = run(w, EPOCH + DAY)
    check(p.returncode == 0, f"the next night: exit 0\n{shown(p)}")
    check(rewritten(p) == {"BUF-2008-H2.xlsx", "SOF-2008-H1.xlsx"},
          f"it writes again the deleted and the edited one: {sorted(rewritten(p))}")
    check("(manglede)" in p.stdout and "(var ændret i mappen)" in p.stdout, f"and says why: {p.stdout}")
    check(workbooks(w["out"]) == before, "byte for byte what was there")
    rid = run_ids(w)[-1]
    log = [json.loads(line) for line in open(os.path.join(w["archive"], "runs", rid, "log.jsonl"))]
    check({x["reason"] for x in log if x["event"] == "rewritten"} == {"missing", "edited"},
          "the log says what was written again and why")
    check({x["reason"] for x in report(w, rid)["rewritten"]} == {"missing", "edited"},
          "and so does the report")
    check(len(run_ids(w)) == len(runs_before) + 1, "as a run of its own")
    p = run(w, EPOCH + 2 * DAY)
    check(p.returncode == 0 and "uændrede" in p.stdout and len(run_ids(w)) == len(runs_before) + 1,
          f"a night after that has nothing to do and makes no run: {p.stdout}")
    # The state lost: the records are made again from the reports, and the
    # folder is still in step.
    os.unlink(os.path.join(w["archive"], "state.sqlite"))
    p = run(w, EPOCH + 3 * DAY)
    check(p.returncode == 0 and "uændrede" in p.stdout, f"without the state, nothing to do: {shown(p)}")
    check(run(w, 0, cmd="verify").returncode == 0, "and the state written again is what verify expects")
    os.unlink(os.path.join(w["archive"], "state.sqlite"))
    os.unlink(os.path.join(w["out"], "statusredegoerelse-oversigt.xlsx"))
    p = run(w, EPOCH + 4 * DAY)
    check(p.returncode == 0 and rewritten(p) == {"statusredegoerelse-oversigt.xlsx"},
          f"without the state, a missing overview is still written again: {shown(p)}")
    check(workbooks(w["out"]) == before, "as it was")
    # Killed while writing again: the next night finishes that run.
    os.unlink(os.path.join(w["out"], "BIF-2008-H2.xlsx"))
    os.unlink(os.path.join(w["out"], "statusredegoerelse-2008-H1.xlsx"))
    p = run(w, EPOCH + 5 * DAY, env={"STATUSNOTAT_TEST_CRASH_AT": "workbook"})
    check(p.returncode < 0, "killed after writing a workbook again")
    p = run(w, EPOCH + 6 * DAY)
    check(p.returncode == 0 and "var afbrudt" in p.stdout, f"the next night finishes it: {shown(p)}")
    check(workbooks(w["out"]) == before and verify_out(w).returncode == 0, "and the folder is whole")


# ---- Configuration and program version --------------------------------------------------

def config_and_version():
    w = workdir("cfg")
    with open(os.path.join(FIXTURES, "bad-ambiguous-amount.xml"), "rb") as f:
        deliver(w, H1 + H2, {"bad-ambiguous-amount.xml": f.read()})
    run(w, EPOCH)
    first = run_ids(w)[-1]
    before = workbooks(w["out"])
    quarantine = sorted(os.listdir(os.path.join(w["archive"], "quarantine", first)))
    cfg = json.load(open(CONFIG))
    cfg["budget"]["frame"]["2009"] = cfg["budget"]["frame"]["2009"] + 100000
    w["config"] = os.path.join(ROOT, "cfg", "changed.json")
    json.dump(cfg, open(w["config"], "w"), ensure_ascii=False)
    p = run(w, EPOCH + DAY)
    check(p.returncode == 0, f"a night after a configuration change: exit 0\n{shown(p)}")
    check(p.stdout.count("konfigurationen er ændret") == 1, f"names the cause once: {p.stdout}")
    after = workbooks(w["out"])
    check(set(after) == set(before) and all(after[n] != before[n] for n in before),
          "every period's workbooks and the overviews are made again, and no others")
    check(sorted(os.listdir(os.path.join(w["archive"], "quarantine", first))) == quarantine and
          os.listdir(w["inbox"]) == [], "nothing else changes")
    cfg_run = run_ids(w)[-1]
    check(manifest(w, cfg_run)["inputs"] == [] and
          manifest(w, cfg_run)["periods"] == ["2008-H1", "2008-H2"], "a run of no inputs rebuilt both")
    p = run(w, EPOCH + 2 * DAY)
    check("uændrede" in p.stdout, f"and the night after has nothing to do: {p.stdout}")
    for rid in (first, cfg_run):
        p, rebuilt = rerun(w, rid)
        check(p.returncode == 0, f"rerun {rid}: exit 0\n{shown(p)}")
    p, rebuilt = rerun(w, cfg_run)
    check(workbooks(rebuilt) == after, "the configuration run's rerun gives the folder's bytes")

    # An upgrade: verify says what is stale, the next night rebuilds it all.
    new = {"STATUSNOTAT_TEST_VERSION": "9.9.9"}
    v = verify_out(w, env=new)
    check(v.returncode == 4 and v.stdout.count("er forældet: ny programversion") == len(after),
          f"verify --out by the new version: every workbook is stale: {v.stdout}")
    p = run(w, EPOCH + 3 * DAY, env=new)
    check(p.returncode == 0 and p.stdout.count("ny programversion") == 1 and "9.9.9" in p.stdout,
          f"the night after the upgrade rebuilds, saying so once: {shown(p)}")
    upgraded = workbooks(w["out"])
    check(set(upgraded) == set(after) and all(upgraded[n] != after[n] for n in after),
          "every workbook made again by the new version")
    up_run = run_ids(w)[-1]
    check(verify_out(w, env=new).returncode == 0, "verify --out: in order again")
    # Reruns: the version that made the run gives its bytes; another version
    # says so and exits 5, however the bytes come out.
    p, _ = rerun(w, cfg_run, env=new)
    check(p.returncode == 5 and "statusnotat 0." in p.stdout and "9.9.9" in p.stdout,
          f"rerun by another version: exit 5, naming both: {p.returncode}\n{shown(p)}")
    check("fejl:" not in p.stdout, f"and no workbook is called a difference: {p.stdout}")
    p, rebuilt = rerun(w, up_run, env=new)
    check(p.returncode == 0 and workbooks(rebuilt) == upgraded, f"rerun by its own version: exit 0\n{shown(p)}")
    p, _ = rerun(w, up_run)
    check(p.returncode == 5, f"the old program on the new run: exit 5, not {p.returncode}")
    # An edited archive is still exit 4, whatever the version.
    cfg_copy = os.path.join(w["archive"], "runs", cfg_run, "config.json")
    with open(cfg_copy, "ab") as f:
        f.write(b" ")
    p, _ = rerun(w, up_run, env=new)
    check(p.returncode == 4, f"an edited archive is exit 4: {p.returncode}")
    p, _ = rerun(w, up_run)
    check(p.returncode == 4, f"also for another version: {p.returncode}")


def rerun_periods():
    w = workdir("periods")
    deliver(w, H1)
    run(w, EPOCH)
    deliver(w, extra={"KFF-2008-H2.xml": kff_document()})
    run(w, EPOCH + DAY)
    second = run_ids(w)[-1]
    p, out = rerun(w, second, "--period", "2008-H1")
    check(p.returncode == 2 and "byggede ikke 2008-H1" in p.stderr and
          (not os.path.exists(out) or not os.listdir(out)),
          f"rerun --period of a period the run did not build: says so, exit 2, writes nothing: "
          f"{p.returncode} {shown(p)}")
    p, _ = rerun(w, second, "--period", "2008-H2")
    check(p.returncode == 0, f"and of one it built: exit 0 {shown(p)}")


def main():
    if os.geteuid() != 0 and not os.environ.get("SHARE_TEST_NAMESPACE"):
        # Root of a namespace of our own may mount a tmpfs: run the test there.
        env = dict(os.environ, SHARE_TEST_NAMESPACE="1")
        ns = ["unshare", "--user", "--map-root-user", "--mount"]
        try:
            if subprocess.run(ns + ["true"], capture_output=True).returncode == 0:
                sys.exit(subprocess.run(ns + [sys.executable, *sys.argv], env=env).returncode)
        except OSError:
            pass                 # no unshare: the full disk is skipped
    try:
        by_hand()
        config_and_version()
        rerun_periods()
        full_disk()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
    finish("share_test")


if __name__ == "__main__":
    main()
