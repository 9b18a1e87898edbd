#!/usr/bin/python3
"""night_test.py BIN FIXTURES — the night run as the municipality runs it:
three nights of deliveries (a resend, a superseding document, broken files),
the archive, quarantine and reports they leave, idempotent reruns, `runs`
and byte-for-byte `rerun`, the lock, and SIGKILL at every step of a run
followed by a run that must end exactly where an uninterrupted one does."""
import fcntl
import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES = sys.argv[1], sys.argv[2]
DAY = 86400
EPOCH = 1228780800  # 2008-12-09
GOOD = ["OEKF-2008-H2.xml", "SOF-2008-H2.xml", "BUF-2008-H2.xml", "BR-2008-H2.xml",
        "BIF-2008-H2.xml.gz"]
CRASH_POINTS = ["intake", "staged", "before_commit", "committed", "workbook", "inbox", "state",
                "before_complete"]



def run(w, epoch, crash=None, expect=None, args=None):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    env.pop("STATUSNOTAT_TEST_CRASH_AT", None)
    if crash:
        env["STATUSNOTAT_TEST_CRASH_AT"] = crash
    cmd = args or [BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"]]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if expect is not None:
        check(p.returncode == expect, f"{' '.join(cmd[1:2])} {crash or ''}: exit {p.returncode}, "
              f"want {expect}\n{p.stdout}{p.stderr}")
    return p


def workdir(root, name="w"):
    base = os.path.join(root, name)
    shutil.rmtree(base, ignore_errors=True)
    w = {k: os.path.join(base, k) for k in ("inbox", "archive", "out")}
    os.makedirs(w["inbox"])
    return w


def deliver(w, name, data=None, source=None):
    dst = os.path.join(w["inbox"], name)
    if source:
        shutil.copyfile(os.path.join(FIXTURES, source), dst)
    else:
        with open(dst, "wb") as f:
            f.write(data)
    os.utime(dst, (EPOCH - 3600, EPOCH - 3600))  # the same "received" time in every scenario


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def runs(w):
    p = subprocess.run([BIN, "runs", "--archive", w["archive"]], capture_output=True, text=True)
    check(p.returncode == 0, f"runs: exit {p.returncode} {p.stderr}")
    return [line for line in p.stdout.splitlines() if line.strip()]


def records(path, table):
    wb = openpyxl.load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        if table in ws.tables:
            c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables[table].ref)
            rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
            return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]
    raise KeyError(table)


def snapshot(w):
    """Everything a run leaves, but its logs and the lock's holder text."""
    state = {"inbox": tuple(sorted(os.listdir(w["inbox"])))}
    for key in ("archive", "out"):
        for root, _, names in os.walk(w[key]):
            for name in names:
                path = os.path.join(root, name)
                rel = os.path.relpath(path, w[key])
                if name in ("log.jsonl", "lock", "state.sqlite.sha256", "status.json"):
                    continue   # (the seal follows the state's pages, compared by content below;
                               # status.json says when, by the clock)
                if name == "report.json":   # its content but for how long the night took
                    report = json.load(open(path))
                    report.pop("duration_seconds", None)
                    state[f"{key}/{rel}"] = json.dumps(report, sort_keys=True)
                    continue
                if name == "state.sqlite":   # its content; the pages depend on how it was written
                    state[f"{key}/{rel}"] = state_content(path)
                    continue
                with open(path, "rb") as f:
                    state[f"{key}/{rel}"] = hashlib.sha256(f.read()).hexdigest()
    return state


def state_content(path):
    con = sqlite3.connect(path)
    try:
        rows = [list(con.execute(f"SELECT * FROM {t} ORDER BY 1")) for t in ("meta", "entries", "periods")]
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---- Three nights ---------------------------------------------------------------

class night_test_state:
    lines = []


def three_nights(root):
    w = workdir(root)
    saved = {}

    # Night 1: five departments deliver.
    for name in GOOD:
        deliver(w, name, source=name)
    p = run(w, EPOCH, expect=0)
    check("5 godkendt" in p.stdout, f"night 1 summary: {p.stdout}")
    check(os.listdir(w["inbox"]) == [], "night 1: the inbox is emptied")
    ids = [line.split()[0] for line in runs(w)]
    check(len(ids) == 1, f"one run: {ids}")
    run1 = ids[0]
    rundir = os.path.join(w["archive"], "runs", run1)
    manifest = json.load(open(os.path.join(rundir, "manifest.json")))
    check(manifest["run"] == run1 and manifest["recorded_time"] == EPOCH, "manifest: id and time")
    check(len(manifest["inputs"]) == 5, "manifest lists every input")
    oekf = [i for i in manifest["inputs"] if i["name"] == "OEKF-2008-H2.xml"][0]
    for key in ("name", "sha256", "bytes", "received", "department", "period", "status", "errors",
                "warnings", "archived"):
        check(key in oekf, f"manifest input has {key}")
    check((oekf["department"], oekf["period"], oekf["status"], oekf["warnings"]) ==
          ("ØKF", "2008-H2", "accepted", 1), f"manifest input: {oekf}")
    check(oekf["sha256"] == hashlib.sha256(fixture("OEKF-2008-H2.xml")).hexdigest(), "SHA-256")
    with gzip.open(os.path.join(w["archive"], oekf["archived"])) as f:
        check(f.read() == fixture("OEKF-2008-H2.xml"), "the archive copy is the file, gzipped")
    bif = [i for i in manifest["inputs"] if i["name"] == "BIF-2008-H2.xml.gz"][0]
    with open(os.path.join(w["archive"], bif["archived"]), "rb") as f:
        check(f.read() == fixture("BIF-2008-H2.xml.gz"), "a .gz input is archived as it came")
    check(json.load(open(os.path.join(rundir, "config.json")))["format"] == "statusnotat-config/1",
          "the configuration is archived with the run")
    report = json.load(open(os.path.join(rundir, "report.json")))
    check(report["counts"] == {"accepted": 5, "rejected": 0, "superseded": 0, "duplicate": 0},
          f"report counts {report['counts']}")
    with open(os.path.join(rundir, "log.jsonl")) as f:
        events = [json.loads(line)["event"] for line in f]
    check(events[0] == "run_start" and events[-1] == "run_complete" and "workbook" in events,
          f"log events {events}")
    saved[run1] = {n: sha(os.path.join(w["out"], n)) for n in os.listdir(w["out"])}
    check(len(saved[run1]) == 12, f"night 1: 6 workbooks of 2008-H2 and 6 overviews: {sorted(saved[run1])}")

    # Night 2: ØKF resends the same bytes; SOF sends a corrected note.
    deliver(w, "OEKF-2008-H2-igen.xml", fixture("OEKF-2008-H2.xml"))
    sof2 = fixture("SOF-2008-H2.xml").replace(b"pr. 1. december 2008", b"pr. 15. december 2008") \
        .replace(b'<bevilling aar="2009">3.500.000 kr.</bevilling>',
                 b'<bevilling aar="2009">2.500.000 kr.</bevilling>')
    deliver(w, "SOF-2008-H2-rettet.xml", sof2)
    p = run(w, EPOCH + DAY, expect=0)
    check("1 godkendt" in p.stdout and "1 dubletter" in p.stdout, f"night 2 summary: {p.stdout}")
    run2 = [line.split()[0] for line in runs(w)][-1]
    combined = os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx")
    kilder = {r["Fil"]: r for r in records(combined, "Kilder")}
    check(len(kilder) == 7, f"Kilder spans both nights: {sorted(kilder)}")
    check(kilder["OEKF-2008-H2-igen.xml"]["Status"] == "dublet", "resend is a duplicate")
    check(kilder["OEKF-2008-H2-igen.xml"]["Erstattet af"] == "OEKF-2008-H2.xml",
          "a dublet names the earlier file it repeats")
    check(kilder["SOF-2008-H2.xml"]["Status"] == "erstattet" and
          kilder["SOF-2008-H2.xml"]["Erstattet af"] == "SOF-2008-H2-rettet.xml",
          "supersession across nights")
    prof = {r["År"]: r for r in records(combined, "Bevillingsprofil")}
    check(prof[2009]["Bevilget"] == 19300000, f"the corrected SOF counts: {prof[2009]}")
    saved[run2] = {n: sha(os.path.join(w["out"], n)) for n in ("statusredegoerelse-2008-H2.xlsx",
                                                               "SOF-2008-H2.xlsx", "OEKF-2008-H2.xlsx")}

    # Night 3: broken files, and a symbolic link nobody delivered.
    deliver(w, "bad-ambiguous-amount.xml", source="bad-ambiguous-amount.xml")
    deliver(w, "bad-entity-expansion.xml", source="bad-entity-expansion.xml")
    os.symlink(os.path.join(os.path.abspath(FIXTURES), "BR-2008-H2.xml"),
               os.path.join(w["inbox"], "link.xml"))
    huge = b"<!-- x -->\n" * 1600000  # 17,6 MB of well-formed prolog: only the size is wrong
    deliver(w, "huge.xml", huge)
    p = run(w, EPOCH + 2 * DAY, expect=6)   # files left in the inbox: an operator's matter
    check("AMOUNT_INVALID" in p.stderr, "rejections on stderr")
    check("huge.xml: fejl FILE_TOO_LARGE" in p.stderr and "efterladt i indbakken" in p.stdout,
          f"a file over the limit is rejected and left: {p.stdout}")
    check("link.xml: fejl FILE_UNREADABLE" in p.stderr and "symbolsk link" in p.stderr,
          f"a symbolic link is rejected, not followed: {p.stderr}")
    check(sorted(os.listdir(w["inbox"])) == ["huge.xml", "link.xml"],
          f"the link and the huge file stay in the inbox: {os.listdir(w['inbox'])}")
    os.unlink(os.path.join(w["inbox"], "link.xml"))
    os.unlink(os.path.join(w["inbox"], "huge.xml"))
    run3 = [line.split()[0] for line in runs(w)][-1]
    manifest3 = json.load(open(os.path.join(w["archive"], "runs", run3, "manifest.json")))
    check(not [i for i in manifest3["inputs"] if i["name"] in ("huge.xml", "link.xml")],
          "files that were not read are not admitted: no hash, no manifest entry")
    report3 = json.load(open(os.path.join(w["archive"], "runs", run3, "report.json")))
    left = {x["file"]: x["code"] for x in report3["left_in_inbox"]}
    check(left == {"huge.xml": "FILE_TOO_LARGE", "link.xml": "FILE_UNREADABLE"},
          f"the report lists what was left in the inbox: {left}")
    check(not any(huge[:64] in open(os.path.join(r, f), "rb").read()
                  for r, _, fs in os.walk(w["archive"]) for f in fs if f.endswith(".xml")),
          "the huge file is nowhere in the archive")
    quarantine = os.path.join(w["archive"], "quarantine", run3)
    check(sorted(os.listdir(quarantine)) == ["bad-ambiguous-amount.xml", "bad-ambiguous-amount.xml.reasons.txt",
                                             "bad-entity-expansion.xml", "bad-entity-expansion.xml.reasons.txt"],
          f"quarantine: {sorted(os.listdir(quarantine))}")
    reasons = open(os.path.join(quarantine, "bad-ambiguous-amount.xml.reasons.txt")).read()
    check("bad-ambiguous-amount.xml:12: fejl AMOUNT_INVALID" in reasons, f"reasons: {reasons}")
    with open(os.path.join(quarantine, "bad-ambiguous-amount.xml"), "rb") as f:
        check(f.read() == fixture("bad-ambiguous-amount.xml"), "the quarantined file is the file")
    listing = runs(w)
    check([line.split()[0] for line in listing] == sorted(line.split()[0] for line in listing) and
          len(listing) == 3, f"runs oldest first, the id first: {listing}")
    check("2 afvist" in listing[2], f"runs line of night 3 (the two files left unread are not admitted): {listing[2]}")
    saved[run3] = {n: sha(os.path.join(w["out"], n)) for n in ("statusredegoerelse-2008-H2.xlsx",
                                                               "KFF-2008-H2.xlsx")}

    # Reruns from the archive alone give the same bytes.
    for rid, books in saved.items():
        out = os.path.join(root, f"rerun-{rid}")
        p = run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", rid, "--out", out],
                expect=0)
        for name, digest in books.items():
            check(os.path.exists(os.path.join(out, name)) and sha(os.path.join(out, name)) == digest,
                  f"rerun {rid}: {name} byte for byte")
    # One period alone, as one job of a split rerun.
    out = os.path.join(root, "rerun-period")
    run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", run2, "--period", "2. halvår 2008",
                    "--out", out], expect=0)
    check(sha(os.path.join(out, "statusredegoerelse-2008-H2.xlsx")) ==
          saved[run2]["statusredegoerelse-2008-H2.xlsx"], "a one-period rerun gives the same bytes")
    out = os.path.join(root, "rerun-other-period")
    p = run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", run2, "--period", "2009-H1",
                        "--out", out], expect=2)
    check("byggede ikke 2009-H1" in p.stderr and (not os.path.exists(out) or os.listdir(out) == []),
          f"a period the run did not build: said so, exit 2, nothing written: {p.stderr}")
    run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", run2, "--period", "2009-H3",
                    "--out", out], expect=2)
    report3 = json.load(open(os.path.join(w["archive"], "runs", run3, "report.json")))
    check({b["file"] for b in report3["workbooks"]} >= set(saved[run3]), "report lists the workbooks")
    p = run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", "nope", "--out",
                        os.path.join(root, "x")], expect=2)

    # The state (state.sqlite) gives what replaying every manifest gives: the same
    # night on a copy without it, with its file broken, or with an entry in it that
    # cannot be read (found only when the night loads that period: the night is
    # made again from the manifests) ends the same.
    state_db = os.path.join(w["archive"], "state.sqlite")
    check(os.path.exists(state_db), "the night leaves its state")
    twins = []
    for variant in ("state", "no-state", "broken-state", "broken-entry"):
        base = os.path.join(root, "twin")   # one place: the manifest records the folders
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(os.path.dirname(w["inbox"]), base, symlinks=True)
        t = {k: os.path.join(base, k) for k in ("inbox", "archive", "out")}
        db = os.path.join(t["archive"], "state.sqlite")
        if variant == "no-state":
            os.unlink(db)
        if variant == "broken-state":
            with open(db, "r+b") as f:
                f.seek(200)
                f.write(b"\t\t\t" * 8)
        if variant == "broken-entry":
            con = sqlite3.connect(db)
            with con:
                n = con.execute("UPDATE entries SET line = 'x' WHERE period = '2008-H2'").rowcount
            con.close()
            check(n > 0, "entries of 2008-H2 made unreadable")
        deliver(t, "BUF-2008-H2-rettet.xml",
                fixture("BUF-2008-H2.xml").replace(b"1. december 2008", b"20. december 2008"))
        deliver(t, "SOF-2008-H2-rettet-igen.xml", sof2)
        p = run(t, EPOCH + 3 * DAY // 2, expect=0)
        twins.append(snapshot(t))
        con = sqlite3.connect(db)
        night_test_state.lines.append([r for r in con.execute("SELECT seq, line FROM entries ORDER BY seq")])
        con.close()
    if not twins[0] == twins[1]:
        for x, y in zip(night_test_state.lines[0], night_test_state.lines[1]):
            if x != y:
                print("state:   ", str(x).replace("\x1e", "|").replace("\x1f", "^")[:400])
                print("replayed:", str(y).replace("\x1e", "|").replace("\x1f", "^")[:400])
    check(twins[0] == twins[1] == twins[2] == twins[3],
          f"state, no state, a broken state and a broken entry end alike: "
          f"{sorted(set(twins[0].items()) ^ set(twins[1].items()))[:4]} "
          f"{sorted(set(twins[0].items()) ^ set(twins[3].items()))[:4]}")
    check(len(set(map(str, night_test_state.lines))) == 1, "and leave the same state")

    # Idempotent: nothing new changes nothing, and says so.
    before = snapshot(w)
    p = run(w, EPOCH + 3 * DAY, expect=0)
    check("uændrede" in p.stdout, f"empty inbox says so: {p.stdout}")
    check(snapshot(w) == before, "an empty night changes nothing")
    for name in GOOD:
        deliver(w, name, source=name)
    p = run(w, EPOCH + 4 * DAY, expect=0)
    check("5 dubletter" in p.stdout and "regneark for 2008-H2" in p.stdout, f"all resends: {p.stdout}")
    after = snapshot(w)
    # The resends are sources of 2008-H2 (its Kilder lists them as dubletter),
    # so its workbooks and the overviews are made again; 2008-H1's are not.
    changed = {k for k in after if k.startswith("out/") and after[k] != before.get(k)}
    check(changed and all("2008-H2" in k or "oversigt" in k for k in changed),
          f"resends rebuild their period and nothing else: {sorted(changed)}")
    kilder = records(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"), "Kilder")
    check([r.get("Status") for r in kilder[-5:]] == ["dublet"] * 5, f"Kilder lists the resends: {kilder[-5:]}")
    check(len(runs(w)) == 4, "the resend night is recorded as a run")


# ---- A correction to the half year before ------------------------------------------

def earlier_half_year_later(root):
    """2008-H1 arrives after 2008-H2: the night rebuilds H1 and H2 (whose Udvikling
    compares with H1 now), and a rerun of the first night still gives its bytes."""
    w = workdir(root, "earlier")
    for name in GOOD:
        deliver(w, name, source=name)
    run(w, EPOCH, expect=0)
    first = [line.split()[0] for line in runs(w)][0]
    before = sha(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"))
    check(records(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"), "Udvikling") == [],
          "no H1 yet: nothing to compare")
    for name in sorted(os.listdir(os.path.join(FIXTURES, "2008-H1"))):
        deliver(w, name, source=os.path.join("2008-H1", name))
    run(w, EPOCH + DAY, expect=0)
    second = [line.split()[0] for line in runs(w)][-1]
    manifest = json.load(open(os.path.join(w["archive"], "runs", second, "manifest.json")))
    check(manifest["periods"] == ["2008-H1", "2008-H2"], f"H1 and the half year after it: {manifest['periods']}")
    rows = records(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"), "Udvikling")
    check(len(rows) == 14 and any(r["Ændring"] == "effekt bedre" for r in rows),
          f"H2 now compares with H1: {len(rows)} rows")
    out = os.path.join(root, "earlier-rerun")
    run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", first, "--out", out], expect=0)
    check(sha(os.path.join(out, "statusredegoerelse-2008-H2.xlsx")) == before,
          "a rerun of the first night gives its bytes, as the archive stood then")
    oversigt = records(os.path.join(out, "statusredegoerelse-oversigt.xlsx"), "Perioder")
    check([r["Periode"] for r in oversigt] == ["2008-H2"],
          f"the first night's overview had one period, and its rerun too: {oversigt}")
    # A correction to H1 after H2: SOF's BOL-03 granted 3.000.000 in 2009, not 3.500.000.
    second_h2 = sha(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"))
    corrected = fixture(os.path.join("2008-H1", "SOF-2008-H1.xml")) \
        .replace(b"pr. 1. juni 2008", b"pr. 20. juni 2008") \
        .replace(b'<bevilling aar="2009">3.500.000 kr.</bevilling>',
                 b'<bevilling aar="2009">3.000.000 kr.</bevilling>')
    deliver(w, "SOF-2008-H1-rettet.xml", corrected)
    run(w, EPOCH + 2 * DAY, expect=0)
    third = [line.split()[0] for line in runs(w)][-1]
    rows = {r["Indsats-id"]: r for r in records(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"),
                                                 "Udvikling")}
    check((rows["BOL-03"]["Ændring"], rows["BOL-03"]["Bevilling før"], rows["BOL-03"]["Forskel"]) ==
          ("bevilling ændret", 3000000, 500000), f"H2 compares with the corrected H1: {rows['BOL-03']}")
    h1 = {r["Fil"]: r["Status"] for r in records(os.path.join(w["out"], "statusredegoerelse-2008-H1.xlsx"), "Kilder")}
    check(h1.get("SOF-2008-H1.xml") == "erstattet", f"the first H1 note is superseded: {h1}")
    oversigt = {r["Periode"]: r["Bevilget"] for r in
                records(os.path.join(w["out"], "statusredegoerelse-oversigt.xlsx"), "Perioder")}
    check(oversigt == {"2008-H1": 19150000, "2008-H2": 20300000}, f"the overview follows: {oversigt}")
    out = os.path.join(root, "earlier-rerun-2")
    run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", second, "--out", out], expect=0)
    check(sha(os.path.join(out, "statusredegoerelse-2008-H2.xlsx")) == second_h2,
          "a rerun of the night before the correction gives that night's bytes")
    run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", third, "--out",
                    os.path.join(root, "earlier-rerun-3")], expect=0)


def written_by(w, run_id):
    report = json.load(open(os.path.join(w["archive"], "runs", run_id, "report.json")))
    return sorted(b["file"] for b in report["workbooks"])


def overview_dependencies(root):
    """WORKBOOK.md: a document for period P rebuilds P, the period after it (where it
    exists) and the overviews across periods — nothing else; an untouched period's row in
    the overview comes from the cache (ARCHIVE/oversigt.tsv) and is what aggregating the
    archive again gives (the rerun uses no cache); a night with nothing new changes
    nothing."""
    w = workdir(root, "overview")
    for name in GOOD:
        deliver(w, name, source=name)
    for name in sorted(os.listdir(os.path.join(FIXTURES, "2008-H1"))):
        deliver(w, name, source=os.path.join("2008-H1", name))
    run(w, EPOCH, expect=0)
    # A note for 2009-H2: no 2010-H1 exists, and 2008-H1/H2 are not touched.
    before = {n: sha(os.path.join(w["out"], n)) for n in os.listdir(w["out"])}
    late = fixture("SOF-2008-H2.xml").replace("2. halvår 2008".encode(), "2. halvår 2009".encode())
    deliver(w, "SOF-2009-H2.xml", late)
    run(w, EPOCH + DAY, expect=0)
    second = [line.split()[0] for line in runs(w)][-1]
    overviews = sorted(n for n in before if n.endswith("-oversigt.xlsx"))
    check(written_by(w, second) == sorted(["SOF-2009-H2.xlsx", "statusredegoerelse-2009-H2.xlsx"] +
                                          overviews),
          f"2009-H2 and the overviews, nothing else: {written_by(w, second)}")
    after = {n: sha(os.path.join(w["out"], n)) for n in os.listdir(w["out"])}
    check(all(after[n] == before[n] for n in before if not n.endswith("-oversigt.xlsx")),
          "the workbooks of 2008 are untouched")
    rows = records(os.path.join(w["out"], "statusredegoerelse-oversigt.xlsx"), "Perioder")
    check([(r["Periode"], r["Bevilget"], r["Heraf begrænset effekt"]) for r in rows] ==
          [("2008-H1", 19650000, 17150000), ("2008-H2", 20300000, 12400000),
           ("2009-H2", 6000000, 4500000)], f"every period in order: {rows}")
    sof = records(os.path.join(w["out"], "SOF-oversigt.xlsx"), "Perioder")
    check([r["Periode"] for r in sof] == ["2008-H1", "2008-H2", "2009-H2"], f"SOF's periods: {sof}")
    cache = os.path.join(w["archive"], "oversigt.tsv")
    check(os.path.exists(cache), "the night keeps the periods' rows")
    # The rerun aggregates every period from the archive: the same bytes as the night's
    # overviews, which took 2008's rows from the cache.
    out = os.path.join(root, "overview-rerun")
    run(w, 0, args=[BIN, "rerun", "--archive", w["archive"], "--run", second, "--out", out], expect=0)
    for n in overviews:
        check(sha(os.path.join(out, n)) == after[n], f"{n}: the rerun's bytes are the night's")
    # Nothing new: nothing changes.
    run(w, EPOCH + 2 * DAY, expect=0)
    check({n: sha(os.path.join(w["out"], n)) for n in os.listdir(w["out"])} == after and
          len(runs(w)) == 2, "a night with nothing new changes nothing")
    # A cache that lies about a period: verify aggregates again and names it; a rerun
    # (no cache) would give other bytes.
    with open(cache) as f:
        lines = f.read().splitlines()
    p = run(w, 0, args=[BIN, "verify", "--archive", w["archive"]], expect=0)
    with open(cache, "w") as f:
        f.write("\n".join(lines[:1] + [line.replace("\t19650000\t", "\t19650001\t") for line in lines[1:]]) + "\n")
    p = run(w, 0, args=[BIN, "verify", "--archive", w["archive"]], expect=4)
    check("oversigt.tsv" in p.stdout + p.stderr and "2008-H1" in p.stdout + p.stderr,
          f"verify names the cache and the period: {p.stdout}{p.stderr}")
    # A row whose key does not match is never used: aggregated again.
    with open(cache, "w") as f:
        f.write("\n".join([lines[0]] + [("0" * 64) + line[64:] for line in lines[1:]]) + "\n")
    deliver(w, "BR-2009-H2.xml", fixture("BR-2008-H2.xml").replace(b"H2 2008", b"H2 2009"))
    run(w, EPOCH + 3 * DAY, expect=0)
    rows = records(os.path.join(w["out"], "statusredegoerelse-oversigt.xlsx"), "Perioder")
    check([(r["Periode"], r["Bevilget"]) for r in rows] ==
          [("2008-H1", 19650000), ("2008-H2", 20300000), ("2009-H2", 7000000)],
          f"rows under keys that do not match are made again: {rows}")


# ---- The lock ---------------------------------------------------------------------

def lock(root):
    w = workdir(root, "lock")
    deliver(w, "OEKF-2008-H2.xml", source="OEKF-2008-H2.xml")
    os.makedirs(w["archive"])
    with open(os.path.join(w["archive"], "lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        start = time.time()
        p = run(w, EPOCH, expect=3)
        check(time.time() - start < 5, "a second run exits at once")
        check("holdes af" in p.stderr and "Vent, til den er færdig" in p.stderr, f"clear message: {p.stderr}")
        check(os.listdir(w["inbox"]) == ["OEKF-2008-H2.xml"], "the locked-out run touched nothing")
    # A holder that dies does not block the next night.
    holder = subprocess.Popen([sys.executable, "-c",
                               "import fcntl,sys,time; f=open(sys.argv[1],'w'); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
                               os.path.join(w["archive"], "lock")], stdout=subprocess.PIPE, text=True)
    holder.stdout.readline()
    run(w, EPOCH, expect=3)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    run(w, EPOCH, expect=0)


# ---- Crash safety --------------------------------------------------------------------

def crash_safety(root):
    def fill(w):
        for name in sorted(os.listdir(FIXTURES)):
            if os.path.isfile(os.path.join(FIXTURES, name)):
                deliver(w, name, source=name)

    w = workdir(root, "crash")
    fill(w)
    run(w, EPOCH, expect=1)
    reference = snapshot(w)
    check(len(reference) > 20, "a reference state")
    for point in CRASH_POINTS:
        w = workdir(root, "crash")
        fill(w)
        p = run(w, EPOCH, crash=point)
        check(p.returncode == -signal.SIGKILL, f"killed at {point}: {p.returncode}")
        run(w, EPOCH)
        state = snapshot(w)
        diff = sorted(set(state.items()) ^ set(reference.items()))
        check(state == reference, f"after a kill at {point} the next run ends as an uninterrupted "
              f"one: {diff[:6]}")


def crash_at_random_moments(root, rounds):
    """SIGKILL at random moments of a larger night (many periods and departments)."""
    deps = [("SOF", "Socialforvaltningen"), ("BUF", "Børne- og Ungdomsforvaltningen"),
            ("TMF", "Teknik- og Miljøforvaltningen"), ("KFF", "Kultur- og Fritidsforvaltningen")]

    def fill(w):
        for year in range(2000, 2012):
            for half in (1, 2):
                for code, name in deps:
                    ids = "".join(
                        f'<indsats id="{code}-{year}{half}-{k}"><titel>Indsats {k}</titel><tema>Bolig</tema>'
                        f'<bevilling aar="2009">{k},5 mio. kr.</bevilling><status>igangsat</status>'
                        f'<effekt vurdering="ingen">x</effekt></indsats>' for k in range(20))
                    doc = ('<?xml version="1.0" encoding="UTF-8"?><statusnotat xmlns="urn:kk:integration:'
                           f'statusnotat:1" version="1.0"><hoved><forvaltning kode="{code}">{name}</forvaltning>'
                           f'<periode>{year}-H{half}</periode><indsendt>1.1.{year + 1}</indsendt></hoved>'
                           f'<indsatser>{ids}</indsatser></statusnotat>')
                    deliver(w, f"{code}-{year}-H{half}.xml", doc.encode())

    w = workdir(root, "random")
    fill(w)
    start = time.time()
    run(w, EPOCH, expect=0)
    duration = time.time() - start
    reference = snapshot(w)
    rng = random.Random(7)
    for i in range(rounds):
        w = workdir(root, "random")
        fill(w)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        proc = subprocess.Popen([BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"],
                                 "--out", w["out"]], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        delay = rng.uniform(0, duration)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        run(w, EPOCH)
        state = snapshot(w)
        check(state == reference, f"random kill {i} after {delay:.2f}s of {duration:.2f}s: "
              f"{sorted(set(state.items()) ^ set(reference.items()))[:4]}")


def main():
    root = tempfile.mkdtemp(prefix="statusnotat-night-")
    try:
        three_nights(root)
        earlier_half_year_later(root)
        overview_dependencies(root)
        lock(root)
        crash_safety(root)
        crash_at_random_moments(root, rounds=6)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    finish("night_test")


main()
