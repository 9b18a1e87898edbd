#!/usr/bin/python3
"""hostile_test.py BIN FIXTURES CONFIG — the night run against the deliveries a
shared drop folder really gets (docs/security.md lists each threat, its
defence and the check here that shows it):

- a file appended to, replaced, truncated or deleted at every step of a night;
- a file swapped for a FIFO after the folder was listed;
- files over the size limit (whatever their content) and over the night's limit;
- unreadable files (never a duplicate, reported every night);
- any file name: invalid UTF-8, newlines, control characters, a leading dash,
  255 bytes;
- containment: too many rows, a period whose workbook cannot be written,
  recovery of such a run, a rejected document without a period;
- arithmetic at the 10^15 kr. bound (the suite also runs under UBSan);
- the manifest's archived paths, a rejected resend;
- a tampered archive: rerun and verify exit 4 naming the file;
- an empty night reads no manifest."""
import copy
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES, CONFIG = sys.argv[1], sys.argv[2], sys.argv[3]
EPOCH = 1228780800
DAY = 86400
ROOT = tempfile.mkdtemp(prefix="statusnotat-hostile-")
DEFAULT = json.load(open(CONFIG))


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def doc(code, name, period, indsendt, indsatser, extra=""):
    """A valid statusnotat; indsatser is a list of (id, amount text)."""
    body = "".join(
        f'<indsats id="{i}"><titel>Indsats {i}</titel><tema>Bolig</tema>'
        f'<bevilling aar="2009">{amount}</bevilling><status>igangsat</status>'
        f'<effekt vurdering="ingen">x</effekt>{extra}</indsats>' for i, amount in indsatser)
    return ('<?xml version="1.0" encoding="UTF-8"?><statusnotat xmlns="urn:kk:integration:'
            f'statusnotat:1" version="1.0"><hoved><forvaltning kode="{code}">{name}</forvaltning>'
            f'<periode>{period}</periode><indsendt>{indsendt}</indsendt></hoved>'
            f'<indsatser>{body}</indsatser></statusnotat>').encode()


def workdir(name, config=None):
    base = os.path.join(ROOT, name)
    shutil.rmtree(base, ignore_errors=True)
    w = {k: os.path.join(base, k) for k in ("inbox", "archive", "out")}
    os.makedirs(w["inbox"])
    w["config"] = CONFIG
    if config is not None:
        w["config"] = os.path.join(base, "config.json")
        with open(w["config"], "w") as f:
            json.dump(config, f, ensure_ascii=False)
    return w


def limits(**kw):
    cfg = copy.deepcopy(DEFAULT)
    cfg["limits"].update(kw)
    return cfg


def deliver(w, name, data):
    path = os.path.join(w["inbox"].encode(), name if isinstance(name, bytes) else name.encode())
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (EPOCH - 3600, EPOCH - 3600))
    return path


def run(w, epoch=EPOCH, env=None, timeout=120, cmd=None):
    e = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    for k in ("STATUSNOTAT_TEST_CRASH_AT", "STATUSNOTAT_TEST_HOOK_AT", "STATUSNOTAT_TEST_HOOK"):
        e.pop(k, None)
    e.update(env or {})
    cmd = cmd or [BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"],
                  "--config", w["config"]]
    return subprocess.run(cmd, env=e, capture_output=True, timeout=timeout)


def out_text(p):
    return p.stdout.decode("utf-8") + p.stderr.decode("utf-8")


def manifests(w):
    runs = os.path.join(w["archive"], "runs")
    ids = sorted(d for d in os.listdir(runs) if not d.startswith(".")) if os.path.isdir(runs) else []
    return [(i, json.load(open(os.path.join(runs, i, "manifest.json"), encoding="utf-8"))) for i in ids]


def archived_bytes(w, entry):
    with open(os.path.join(w["archive"], entry["archived"]), "rb") as f:
        data = f.read()
    return data if entry["archived_sha256"] == entry["sha256"] else gzip.decompress(data)


def manifest_is_true(w, what):
    """Every entry's hash is the content of the file its `archived` names."""
    for rid, m in manifests(w):
        for e in m["inputs"]:
            check(e["archived"] != "" and sha(archived_bytes(w, e)) == e["sha256"],
                  f"{what}: {rid} {e['name']}: the archived copy holds the bytes the manifest hashed")


def kilder(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["Kilder"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables["Kilder"].ref)
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


SOF = fixture("SOF-2008-H2.xml")
SOF2 = SOF.replace(b"pr. 1. december 2008", b"pr. 15. december 2008").replace(
    b'<bevilling aar="2009">3.500.000 kr.</bevilling>', b'<bevilling aar="2009">2.500.000 kr.</bevilling>')


# ---- 1. Read once -----------------------------------------------------------------

def read_once():
    mutations = {
        "append": "printf '<!-- mere -->' >> '{f}'",
        "replace": "cat '{new}' > '{f}.new' && mv '{f}.new' '{f}'",
        "truncate": "truncate -s 100 '{f}'",
        "delete": "rm -f '{f}'",
    }
    points = ["listed", "copied", "intake", "staged", "committed", "workbook"]
    for point in points:
        for what, hook in mutations.items():
            w = workdir("once")
            f = deliver(w, "SOF-2008-H2.xml", SOF)
            new = os.path.join(ROOT, "new.xml")
            with open(new, "wb") as fh:
                fh.write(SOF2)
            marker = os.path.join(ROOT, "hooked")
            if os.path.exists(marker):
                os.unlink(marker)
            cmd = f"[ -e '{marker}' ] || {{ touch '{marker}'; " + \
                hook.format(f=f.decode(), new=new) + "; }"
            p = run(w, env={"STATUSNOTAT_TEST_HOOK_AT": point, "STATUSNOTAT_TEST_HOOK": cmd})
            label = f"{what} at {point}"
            check(os.path.exists(marker), f"{label}: the hook ran")
            check(p.returncode in (0, 1), f"{label}: the night goes through: {p.returncode} {out_text(p)}")
            ms = manifests(w)
            manifest_is_true(w, label)
            if ms:
                entry = ms[-1][1]["inputs"][0]
                books = os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx")
                if entry["status"] == "accepted" and os.path.exists(books):
                    row = [r for r in kilder(books) if r["Fil"] == "SOF-2008-H2.xml"][0]
                    check(row["SHA-256"] == entry["sha256"],
                          f"{label}: the workbook counts the bytes the archive holds")
            left = os.path.join(w["inbox"], "SOF-2008-H2.xml")
            if os.path.exists(left) and ms:
                with open(left, "rb") as fh:
                    check(sha(fh.read()) != ms[-1][1]["inputs"][0]["sha256"],
                          f"{label}: a file left in the inbox holds other bytes than those taken")
            # Whatever is left is taken by the next night, consistently.
            p2 = run(w, EPOCH + DAY)
            check(p2.returncode in (0, 1), f"{label}: the next night goes through: {out_text(p2)}")
            manifest_is_true(w, label + ", next night")
            check(run(w, EPOCH + 2 * DAY, cmd=[BIN, "verify", "--archive", w["archive"]]).returncode == 0,
                  f"{label}: verify finds the archive intact")


def fifo_swap():
    w = workdir("fifo")
    f = deliver(w, "SOF-2008-H2.xml", SOF)
    deliver(w, "BR-2008-H2.xml", fixture("BR-2008-H2.xml"))
    hook = f"rm -f '{f.decode()}' && mkfifo '{f.decode()}'"
    start = time.time()
    try:
        p = run(w, env={"STATUSNOTAT_TEST_HOOK_AT": "listed_all", "STATUSNOTAT_TEST_HOOK": hook},
                timeout=30)
    except subprocess.TimeoutExpired:
        check(False, "a FIFO swapped in after listing blocks the night")
        return
    check(time.time() - start < 20, "the FIFO is not waited on")
    check(p.returncode == 6 and "FILE_UNREADABLE" in out_text(p) and "FIFO" in out_text(p),
          f"the FIFO is reported, an operator's matter (exit 6): {p.returncode} {out_text(p)}")
    left = sorted(os.listdir(w["inbox"]))
    check(left == ["SOF-2008-H2.xml"], f"the FIFO stays, the rest is taken: {left}")
    check(run(w, EPOCH + DAY).returncode == 6, "and it is reported the next night too")


# ---- 2. Limits before anything ---------------------------------------------------

def size_limits():
    cfg = limits(max_file_bytes=4096)
    w = workdir("limits", cfg)
    broken = b"<statusnotat><<<" + b"x" * 20000  # breaks in its first bytes, 20 kB
    deliver(w, "big-broken.xml", broken)
    deliver(w, "big-comment.xml", b"<!-- " + b"y" * 20000 + b" -->")
    deliver(w, "BR-2008-H2.xml", fixture("BR-2008-H2.xml"))
    p = run(w)
    t = out_text(p)
    check(p.returncode == 6 and t.count("FILE_TOO_LARGE") == 2, f"over the limit, reported (exit 6): {t}")
    check(sorted(os.listdir(w["inbox"])) == ["big-broken.xml", "big-comment.xml"],
          "files over the limit stay in the inbox")
    # The archive's copies and reasons, not its derived state (state.sqlite, oversigt.tsv).
    stored = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(w["archive"]) for f in fs
                 if f not in ("state.sqlite", "oversigt.tsv"))
    check(stored < 20000, f"nothing of them is archived or quarantined ({stored} bytes in the archive)")
    check(not os.path.exists(os.path.join(w["archive"], "quarantine")) or
          all(not fs for _, _, fs in os.walk(os.path.join(w["archive"], "quarantine"))),
          "nothing in quarantine")

    # The night's limit: the rest waits, in name order, for the next night.
    cfg = limits(max_night_bytes=2048)
    w = workdir("night-limit", cfg)
    names = ["BR-2008-H2.xml", "BUF-2008-H2.xml", "OEKF-2008-H2.xml", "SOF-2008-H2.xml"]
    for name in names:
        deliver(w, name, fixture(name))
    p = run(w)
    check(p.returncode == 0 and "venter til næste nat" in out_text(p), f"deferred: {out_text(p)}")
    first = manifests(w)[-1][1]["inputs"]
    check(sum(e["bytes"] for e in first) <= 2048 + max(e["bytes"] for e in first),
          "a night archives no more than its limit (plus the first file)")
    nights = 1
    while os.listdir(w["inbox"]) and nights < 6:
        run(w, EPOCH + nights * DAY)
        nights += 1
    taken = [e["name"] for _, m in manifests(w) for e in m["inputs"]]
    check(taken == names, f"every file is taken in order over the nights: {taken}")


# ---- 3. Unreadable is not a duplicate --------------------------------------------

def unreadable():
    w = workdir("unreadable")
    for name in ("a.xml", "b.xml"):
        os.symlink("/nonexistent", os.path.join(w["inbox"], name))
    os.mkdir(os.path.join(w["inbox"], "dir.xml"))
    for night in range(2):
        p = run(w, EPOCH + night * DAY)
        t = out_text(p)
        check(p.returncode == 6 and t.count("FILE_UNREADABLE") == 3 and "dublet" not in t,
              f"night {night}: every unreadable file reported, none a duplicate: {t}")
    check(manifests(w) == [], "a night that could read nothing makes no run")


# ---- 4. Any file name -------------------------------------------------------------

def names():
    w = workdir("names")
    br = fixture("BR-2008-H2.xml")
    bad = fixture("bad-ambiguous-amount.xml")
    weird = {
        b"SOF-\xe6\xf8.xml": SOF,                       # Latin-1 from a Windows share
        b"ny\nlinje.xml": fixture("BUF-2008-H2.xml"),
        b"-rf.xml": bad,
        b"tab\there\x07.xml": bad.replace(b"</statusnotat>", b"<!-- 2 --></statusnotat>"),
        b"\\back.xml": fixture("OEKF-2008-H2.xml"),
        (b"L" * 251) + b".xml": br,                     # 255 bytes
        (b"R" * 251) + b".xml": bad.replace(b"</statusnotat>", b"<!-- 3 --></statusnotat>"),  # 255 bytes, rejected
    }
    for name, data in weird.items():
        deliver(w, name, data)
    p = run(w)
    check(p.returncode == 1, f"the night goes through: {p.returncode} {out_text(p)}")
    (rid, m), = manifests(w)
    recorded = {e["name"] for e in m["inputs"]}
    check(len(recorded) == len(weird), f"every name is recorded: {recorded}")
    for e in m["inputs"]:
        check("\n" not in e["name"] and "\t" not in e["name"], f"one line: {e['name']!r}")
    expect = {"SOF-\\xE6\\xF8.xml", "ny\\x0Alinje.xml", "-rf.xml", "tab\\x09here\\x07.xml",
              "\\\\back.xml"}
    check(expect <= recorded, f"the documented escaped form: {sorted(recorded)}")
    for line in out_text(p).splitlines():
        check(line.isprintable() or line.startswith("\r"), f"a printable line on the terminal: {line!r}")
    for root, _, files in os.walk(ROOT + "/names"):
        for f in files:
            check(len(os.fsencode(f)) <= 255, f"no name the program makes exceeds 255 bytes: {f!r}")
    q = os.path.join(w["archive"], "quarantine", rid)
    reasons = [f for f in os.listdir(q) if f.endswith(".reasons.txt")]
    check(len(reasons) == 3, f"three rejected, three reasons files: {os.listdir(q)}")
    for r in reasons:
        text = open(os.path.join(q, r), encoding="utf-8").read()
        check("AMOUNT_INVALID" in text, "the reasons say why")
    check(os.listdir(w["inbox"]) == [], f"every file left the inbox: {os.listdir(w['inbox'])}")
    rows = kilder(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"))
    check({r["Fil"] for r in rows} == recorded, "Kilder shows every name, escaped")
    p = run(w, EPOCH + DAY)
    check(p.returncode == 0, f"the next night is clean: {out_text(p)}")
    p = run(w, EPOCH + DAY, cmd=[BIN, "check", "--", os.path.join(FIXTURES, "BR-2008-H2.xml")])
    check(p.returncode == 0, "check takes -- before a name")
    odd = deliver(w, b"BR-\xe6\n.xml", fixture("BR-2008-H2.xml"))
    p = run(w, cmd=[BIN, "check", odd])
    check(p.returncode == 0 and "BR-\\xE6\\x0A.xml: godkendt" in out_text(p) and
          all(line.startswith(odd.decode("utf-8", "replace").split("BR-")[0]) or "godkendt" in line
              for line in out_text(p).splitlines()),
          f"check shows the name escaped, each finding on one line: {out_text(p)!r}")


def generated_names():
    """Delivered names made to be the names the program generates for other
    files (quarantine's fil-NNNN-<8 hex of the name's SHA-256>, in either
    case, for .xml and .xml.gz): every rejected file keeps its own quarantine
    copy, and the archive stays intact."""
    w = workdir("generated-names")
    h = lambda name: hashlib.sha256(name.encode()).hexdigest()[:8]   # noqa: E731
    garbage = lambda k: f"<statusnotat>ikke et dokument {k}".encode()  # noqa: E731
    files = {
        "-a.xml": garbage(0),                                  # generated: fil-0000-h(-a.xml).xml
        "-b.xml.gz": gzip.compress(garbage(1), mtime=0),       # fil-0001-h(-b.xml.gz).xml.gz
        f"FIL-0000-{h('-a.xml')}.xml": garbage(2),
        f"fil-0000-{h('-a.xml')}.xml": garbage(3),
        f"fil-0001-{h('-b.xml.gz')}.xml.gz": gzip.compress(garbage(4), mtime=0),
        f"fil-0003-{h(f'fil-0003-{h(chr(45))}.xml')}.xml": garbage(5),
    }
    for name, data in files.items():
        deliver(w, name, data)
    p = run(w)
    check(p.returncode == 1, f"the night goes through: {p.returncode} {out_text(p)}")
    (rid, _), = manifests(w)
    q = os.path.join(w["archive"], "quarantine", rid)
    copies = sorted(f for f in os.listdir(q) if not f.endswith(".reasons.txt"))
    check(len(copies) == len(files), f"one quarantine copy per rejected file: {copies}")
    kept = {sha(open(os.path.join(q, c), "rb").read()) for c in copies}
    check(kept == {sha(d) for d in files.values()}, "each copy holds its own delivery's bytes")
    for c in copies:
        reasons = open(os.path.join(q, c + ".reasons.txt"), encoding="utf-8").read()
        named = [n for n in files if f"afviste {n} " in reasons]
        check(len(named) == 1 and sha(open(os.path.join(q, c), "rb").read()) == sha(files[named[0]]),
              f"{c}: its reasons file names the delivery it holds")
    check(all(not c.startswith(("fil-", "FIL-")) or re.fullmatch(r"fil-\d{4}-[0-9a-f]{8}\.xml(\.gz)?", c)
              for c in copies), f"a delivered name like a generated one is never kept as it is: {copies}")
    v = run(w, cmd=[BIN, "verify", "--archive", w["archive"]])
    check(v.returncode == 0, f"verify: {out_text(v)}")
    r = run(w, cmd=[BIN, "rerun", "--archive", w["archive"], "--run", rid, "--out", os.path.join(ROOT, "gn-rerun")])
    check(r.returncode == 0, f"rerun: {out_text(r)}")


def clock():
    """Time is a value to check: a run time outside 1900–2100 is refused before
    anything is written; the edges inside give byte-identical reruns (0 too,
    which libxlsxwriter would take for "now"); a committed run whose recorded
    time cannot be used is finished without crashing."""
    for epoch in (0, -1, -2208988800, 4133980799):
        w = workdir(f"clock{epoch}")
        deliver(w, "SOF-2008-H2.xml", SOF)
        p = run(w, epoch)
        check(p.returncode == 0, f"SOURCE_DATE_EPOCH={epoch}: the night runs: {out_text(p)}")
        (rid, _), = manifests(w)
        out = os.path.join(ROOT, f"clock{epoch}-rerun")
        r = run(w, epoch, cmd=[BIN, "rerun", "--archive", w["archive"], "--run", rid, "--out", out])
        same = all(sha(open(os.path.join(out, n), "rb").read()) ==
                   sha(open(os.path.join(w["out"], n), "rb").read()) for n in os.listdir(w["out"]))
        check(r.returncode == 0 and same, f"SOURCE_DATE_EPOCH={epoch}: the rerun gives the same bytes: "
                                          f"{r.returncode} {out_text(r)}")
    for epoch in ("4133980800", "-2208988801", "1733212800000000000", "1733212800000", "soon", "1e9"):
        w = workdir("clock-refused")
        deliver(w, "SOF-2008-H2.xml", SOF)
        p = run(w, env={"SOURCE_DATE_EPOCH": epoch})
        check(p.returncode == 2 and "SOURCE_DATE_EPOCH" in out_text(p) and not os.path.exists(w["archive"])
              and not os.path.exists(w["out"]) and os.listdir(w["inbox"]) == ["SOF-2008-H2.xml"],
              f"SOURCE_DATE_EPOCH={epoch}: refused before anything is written: {p.returncode} {out_text(p)}")
    # A run committed with a time no conversion can use (what a program that
    # did not check its clock left): the next night finishes it, every time
    # the same way.
    w = workdir("clock-recorded")
    deliver(w, "SOF-2008-H2.xml", SOF)
    p = run(w, env={"STATUSNOTAT_TEST_CRASH_AT": "committed"})
    check(p.returncode == -signal.SIGKILL, "killed after the commit")
    (rid, _), = manifests(w)
    path = os.path.join(w["archive"], "runs", rid, "manifest.json")
    m = json.load(open(path))
    m["recorded_time"] = 1733212800000000000
    json.dump(m, open(path, "w"), indent=1, ensure_ascii=False)
    p = run(w, EPOCH + DAY)
    check(p.returncode == 0 and "var afbrudt" in out_text(p), f"the run is finished: {p.returncode} {out_text(p)}")
    log = open(os.path.join(w["archive"], "runs", rid, "log.jsonl"), encoding="utf-8").read()
    check("recorded_time_unusable" in log, "and the log says its time could not be used")
    p = run(w, EPOCH + 2 * DAY)
    check(p.returncode == 0, f"the nights after are clean: {out_text(p)}")
    out = os.path.join(ROOT, "clock-recorded-rerun")
    r = run(w, cmd=[BIN, "rerun", "--archive", w["archive"], "--run", rid, "--out", out])
    check(r.returncode == 0, f"and its rerun gives its bytes: {out_text(r)}")


def folders():
    """Folders that must not overlap are refused before anything is touched:
    an inbox or out folder inside the archive (its quarantine, say), the
    archive inside the inbox or the out folder, the same folder twice —
    after every link is resolved."""
    w = workdir("folders")
    deliver(w, "bad-ambiguous-amount.xml", fixture("bad-ambiguous-amount.xml"))
    deliver(w, "SOF-2008-H2.xml", SOF)
    check(run(w).returncode == 1, "a night with a rejected file")
    (rid, _), = manifests(w)
    q = os.path.join(w["archive"], "quarantine", rid)
    before = sorted(os.listdir(q))
    base = os.path.dirname(w["inbox"])
    os.symlink(q, os.path.join(base, "link-to-quarantine"))
    os.symlink(w["inbox"], os.path.join(base, "link-to-inbox"))
    cases = [
        ("inbox in quarantine", q, w["archive"], w["out"]),
        ("inbox in quarantine, through a link", os.path.join(base, "link-to-quarantine"), w["archive"], w["out"]),
        ("out inside the archive", w["inbox"], w["archive"], os.path.join(w["archive"], "regneark")),
        ("archive inside the inbox", w["inbox"], os.path.join(w["inbox"], "arkiv"), w["out"]),
        ("archive inside the out folder", w["inbox"], os.path.join(w["out"], "arkiv"), w["out"]),
        ("inbox and out the same, through a link", w["inbox"], w["archive"], os.path.join(base, "link-to-inbox")),
        ("archive and out the same", w["inbox"], w["archive"], w["archive"] + "/"),
    ]
    for what, inbox, archive, out in cases:
        p = run(w, EPOCH + DAY, cmd=[BIN, "run", "--inbox", inbox, "--archive", archive, "--out", out,
                                     "--config", w["config"]])
        check(p.returncode == 2 and "mapperne skal holdes adskilt" in out_text(p),
              f"{what}: refused with the reason: {p.returncode} {out_text(p)}")
    check(sorted(os.listdir(q)) == before and len(manifests(w)) == 1 and
          not os.path.exists(os.path.join(w["inbox"], "arkiv")), "and nothing was touched")
    p = run(w, cmd=[BIN, "rerun", "--archive", w["archive"], "--run", rid, "--out",
                    os.path.join(w["archive"], "genskabt")])
    check(p.returncode == 2 and "mapperne skal holdes adskilt" in out_text(p),
          f"rerun into the archive: refused: {out_text(p)}")
    v = run(w, cmd=[BIN, "verify", "--archive", w["archive"]])
    check(v.returncode == 0, f"the archive is intact: {out_text(v)}")


# ---- 5. Containment -----------------------------------------------------------------

def containment():
    cfg = limits(max_indikatorer_per_document=50)
    w = workdir("rows", cfg)
    ind = "".join(f'<indikator navn="i{k}">{k}</indikator>' for k in range(60))
    deliver(w, "BUF-2008-H2.xml", doc("BUF", "Børne- og Ungdomsforvaltningen", "2008-H2", "1.12.2008",
                                      [("BUF-01", "1 kr.")], extra=ind))
    p = run(w)
    check(p.returncode == 1 and "TOO_MANY_ROWS" in out_text(p), f"too many rows: {out_text(p)}")

    bad = dict(copy.deepcopy(DEFAULT))
    bad["limits"]["max_indikatorer_per_document"] = 500000
    w2 = workdir("rows-config", bad)
    p = run(w2)
    check(p.returncode == 2 and "configuration" in out_text(p),
          f"limits that cannot fit a sheet are a configuration error: {out_text(p)}")

    # A period whose workbook cannot be written: the others go on, the run is
    # recorded, and no later night fails because of it.
    w = workdir("blocked")
    deliver(w, "SOF-2008-H2.xml", SOF)
    deliver(w, "SOF-2009-H1.xml", doc("SOF", "Socialforvaltningen", "2009-H1", "1.6.2009", [("SOF-01", "1 kr.")]))
    os.makedirs(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx", "x"))
    for crash in ("committed", None):
        p = run(w, env={"STATUSNOTAT_TEST_CRASH_AT": crash} if crash else None)
        if crash:
            check(p.returncode == -signal.SIGKILL, "killed after the commit")
            continue
        t = out_text(p)
        check(p.returncode == 4 and "2008-H2" in t and "kunne ikke skrives" in t,
              f"the blocked period is reported: {p.returncode} {t}")
    check(os.path.exists(os.path.join(w["out"], "statusredegoerelse-2009-H1.xlsx")),
          "the other period is written")
    (rid, _), = manifests(w)   # the recovery tried it again: no second run the same night
    check(os.path.exists(os.path.join(w["archive"], "runs", rid, "complete")), "the run is complete")
    report = json.load(open(os.path.join(w["archive"], "runs", rid, "report.json")))
    check([f["period"] for f in report["failed_periods"]] == ["2008-H2"], "the report names it")
    check([f["file"] for f in report["failed_workbooks"]] == ["statusredegoerelse-2008-H2.xlsx"],
          f"and the workbook: {report['failed_workbooks']}")
    # While it cannot be written, every night tries again and says the share is
    # incomplete; later deliveries still go through.
    p = run(w, EPOCH + DAY)
    check(p.returncode == 4 and "statusredegoerelse-2008-H2.xlsx kunne ikke skrives igen" in out_text(p),
          f"the next night tries again and says so: {p.returncode} {out_text(p)}")
    deliver(w, "BR-2009-H1.xml", doc("BR", "Borgerrådgiveren", "2009-H1", "1.6.2009", [("BR-01", "2 kr.")]))
    p = run(w, EPOCH + 2 * DAY)
    check(p.returncode == 4 and os.path.exists(os.path.join(w["out"], "BR-2009-H1.xlsx")),
          f"later deliveries go through: {p.returncode} {out_text(p)}")
    shutil.rmtree(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"))
    p = run(w, EPOCH + 3 * DAY)
    check(p.returncode == 0 and "skrevet igen: statusredegoerelse-2008-H2.xlsx" in out_text(p),
          f"once the way is clear it is written: {p.returncode} {out_text(p)}")

    # A rejected document without a period is in no period's workbook (and
    # rewrites none, whatever the number of periods), but in the overview's
    # Afviste: the one place finance staff see it came.
    w = workdir("noperiod")
    for year in range(2000, 2030):
        deliver(w, f"SOF-{year}.xml", doc("SOF", "Socialforvaltningen", f"{year}-H1", f"1.6.{year}",
                                          [(f"S-{year}", "1 kr.")]))
    run(w)
    before = {f: os.path.getmtime(os.path.join(w["out"], f)) for f in os.listdir(w["out"])}
    deliver(w, "broken.xml", b"not xml at all")
    p = run(w, EPOCH + DAY)
    check(p.returncode == 1 and "ingen perioder berørt" in out_text(p), f"no period touched: {out_text(p)}")
    after = {f: os.path.getmtime(os.path.join(w["out"], f)) for f in os.listdir(w["out"])}
    periods = [f for f in before if not f.endswith("-oversigt.xlsx")]
    check(len(periods) == 60 and all(before[f] == after[f] for f in periods),
          "no period's workbook is rewritten for a document without a period")
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(w["out"], "statusredegoerelse-oversigt.xlsx"), read_only=False)
    ws = wb["Afviste"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables["Afviste"].ref)
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
    check(len(rows) == 1 and rows[0][0] == "broken.xml" and rows[0][3] is None and rows[0][4] is None
          and rows[0][5] == "XML_MALFORMED" and rows[0][2] and rows[0][1] is not None,
          f"the overview's Afviste shows it, with its run and time, without department or period: {rows}")


# ---- 6. Arithmetic ------------------------------------------------------------------

def arithmetic():
    w = workdir("arith")
    big = "1.000.000.000.000.000 kr."
    for code, name in (("SOF", "Socialforvaltningen"), ("BUF", "Børne- og Ungdomsforvaltningen")):
        deliver(w, f"{code}.xml", doc(code, name, "2008-H2", "1.12.2008",
                                      [(f"{code}-{k}", big) for k in range(5000)]))
    deliver(w, "over.xml", doc("TMF", "Teknik- og Miljøforvaltningen", "2008-H2", "1.12.2008",
                               [("TMF-1", "1.000.000.000.000.001 kr.")]))
    p = run(w, timeout=600)
    check(p.returncode == 1 and "AMOUNT_INVALID" in out_text(p) and "10^15" in out_text(p),
          f"over 10^15 kr. is invalid: {out_text(p)[-400:]}")
    wb = openpyxl.load_workbook(os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx"), data_only=True)
    ov = wb["Overblik"]
    values = {ov.cell(r, 1).value: ov.cell(r, 2).value for r in range(1, ov.max_row + 1)}
    check(values.get("Bevilget i 2009") == 1e19, f"10 000 x 10^15 kr. sums to 10^19: {values.get('Bevilget i 2009')}")


# ---- 7. The manifest, a resend ------------------------------------------------------

def manifest_paths():
    w = workdir("dups")
    short = os.path.join(ROOT, "i")
    shutil.rmtree(short, ignore_errors=True)
    os.makedirs(short)
    w["inbox"] = short
    for name in ("a.xml", "b.xml", "c.xml"):
        deliver(w, name, fixture("BR-2008-H2.xml"))
    deliver(w, "x.xml", fixture("bad-ambiguous-amount.xml"))
    p = run(w)
    check(p.returncode == 1, out_text(p))
    manifest_is_true(w, "duplicates in one night")
    (_, m), = manifests(w)
    check(len({e["archived"] for e in m["inputs"] if e["name"] != "x.xml"}) == 1,
          "duplicates name the one copy that holds their bytes")
    deliver(w, "x.xml", fixture("bad-ambiguous-amount.xml"))
    p = run(w, EPOCH + DAY)
    check(p.returncode == 1 and "AMOUNT_INVALID" in out_text(p) and "1 afvist" in out_text(p),
          f"a rejected file sent again is rejected again: {out_text(p)}")
    rid = manifests(w)[-1][0]
    check(os.path.exists(os.path.join(w["archive"], "quarantine", rid, "x.xml.reasons.txt")),
          "with a new reasons file")
    manifest_is_true(w, "a rejected resend")


# ---- 8. A tampered archive -----------------------------------------------------------

def tamper():
    w = workdir("tamper")
    for name in ("SOF-2008-H2.xml", "BR-2008-H2.xml"):
        deliver(w, name, fixture(name))
    run(w)
    deliver(w, "BUF-2008-H2.xml", fixture("BUF-2008-H2.xml"))
    run(w, EPOCH + DAY)
    (r1, m1), (r2, m2) = manifests(w)
    verify = [BIN, "verify", "--archive", w["archive"]]
    p = run(w, cmd=verify)
    check(p.returncode == 0 and "i orden" in out_text(p), f"an intact archive: {out_text(p)}")
    out = os.path.join(ROOT, "tamper-rerun")
    rerun = [BIN, "rerun", "--archive", w["archive"], "--run", r2, "--out", out]
    check(run(w, cmd=rerun).returncode == 0, "an intact archive reruns")

    def tampered(rel, edit, what, checks=None):
        path = os.path.join(w["archive"], rel)
        saved = open(path, "rb").read()
        with open(path, "wb") as f:
            f.write(edit(saved))
        for cmd, named in checks or ((verify, os.path.basename(rel)), (rerun, os.path.basename(rel))):
            p = run(w, cmd=cmd)
            check(p.returncode == 4 and named in out_text(p),
                  f"{what}: {cmd[1]} exits 4 naming {named}: {p.returncode} {out_text(p)}")
        with open(path, "wb") as f:
            f.write(saved)

    copy_rel = m1["inputs"][0]["archived"]
    tampered(copy_rel, lambda b: gzip.compress(gzip.decompress(b).replace(b"3.500.000", b"4.500.000")),
             "an edited archive copy")
    tampered(f"runs/{r1}/config.json", lambda b: b.replace(b'"2009": 26500000', b'"2009": 36500000'),
             "an edited configuration")
    tampered(f"runs/{r1}/manifest.json", lambda b: b.replace(b'"accepted"', b'"rejected"', 1),
             "an edited manifest")
    # A workbook that no longer comes out as recorded (here: its recorded
    # hash edited; the same check catches a rebuild that differs).
    def edit_workbook_hash(b):
        report = json.loads(b)
        report["workbooks"][0]["sha256"] = "0" * 64
        return json.dumps(report, indent=2).encode()
    book = json.load(open(os.path.join(w["archive"], "runs", r1, "report.json")))["workbooks"][0]["file"]
    rerun1 = [BIN, "rerun", "--archive", w["archive"], "--run", r1, "--out", out + "1"]
    tampered(f"runs/{r1}/report.json", edit_workbook_hash, "a workbook that differs from the record",
             checks=((verify, "report.json"), (rerun1, book)))
    # The compact state a night reads must be what the manifests give.
    state = os.path.join(w["archive"], "state.sqlite")
    saved_state = open(state, "rb").read()
    con = sqlite3.connect(state)
    with con:
        con.execute("UPDATE entries SET line = replace(line, '\taccepted\t', '\trejected\t') WHERE seq = "
                    "(SELECT MIN(seq) FROM entries WHERE line LIKE '%' || char(9) || 'accepted' || char(9) || '%')")
    con.close()
    p = run(w, cmd=verify)
    check(p.returncode == 4 and "state.sqlite" in out_text(p),
          f"an edited state: verify exits 4 naming it: {p.returncode} {out_text(p)}")
    with open(state, "wb") as f:
        f.write(saved_state)
    p = run(w, cmd=verify)
    check(p.returncode == 0, "restored, the archive is intact again")
    for cmd in (["verify"], ["runs"], ["rerun", "--run", r1, "--out", os.path.join(ROOT, "x")]):
        p = run(w, cmd=[BIN, cmd[0], "--archive", os.path.join(ROOT, "nowhere")] + cmd[1:])
        check(p.returncode == 2 and "ikke et statusnotat-arkiv" in out_text(p),
              f"{cmd[0]} on a folder that is not an archive exits 2 and says so: {out_text(p)}")


# ---- 10. Cost follows the work ---------------------------------------------------------

def empty_night():
    w = workdir("empty")
    deliver(w, "BR-2008-H2.xml", fixture("BR-2008-H2.xml"))
    run(w)
    (rid, _), = manifests(w)
    manifest = os.path.join(w["archive"], "runs", rid, "manifest.json")
    saved = open(manifest, "rb").read()
    with open(manifest, "wb") as f:
        f.write(b"{ not json")
    p = run(w, EPOCH + DAY)
    check(p.returncode == 0 and "uændrede" in out_text(p),
          f"an empty night reads no manifest (a broken one does not stop it): {out_text(p)}")
    with open(manifest, "wb") as f:
        f.write(saved)


def books(out):
    return {n: sha(open(os.path.join(out, n), "rb").read()) for n in sorted(os.listdir(out))
            if n.endswith(".xlsx")}


_asan = []


def under_asan():
    """Whether BIN is an ASan build: it cannot start under an address-space
    limit (its shadow memory), so memory is bounded through ASan instead."""
    if not _asan:
        probe = subprocess.run([BIN, "--version"], capture_output=True,
                               preexec_fn=lambda: __import__("resource").setrlimit(
                                   __import__("resource").RLIMIT_AS, (1 << 30, 1 << 30)))
        _asan.append(probe.returncode != 0)
    return _asan[0]


def limited():
    """A night's limits in these tests: never a hang, never gigabytes."""
    def pre():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    return None if under_asan() else pre


def bounded_run(w, epoch=EPOCH, cmd=None):
    e = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    if under_asan():
        e["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") + ":hard_rss_limit_mb=3000").lstrip(":")
    for k in ("STATUSNOTAT_TEST_CRASH_AT", "STATUSNOTAT_TEST_HOOK_AT", "STATUSNOTAT_TEST_HOOK"):
        e.pop(k, None)
    cmd = cmd or [BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"],
                  "--config", w["config"]]
    try:
        return subprocess.run(cmd, env=e, capture_output=True, timeout=60, preexec_fn=limited())
    except subprocess.TimeoutExpired:
        return None


def two_nights(name):
    """An archive of two nights (2008-H1, then 2008-H2), the third night's
    delivery waiting in its inbox."""
    w = workdir(name)
    for f in ("OEKF-2008-H1.xml", "SOF-2008-H1.xml"):
        deliver(w, f, open(os.path.join(FIXTURES, "2008-H1", f), "rb").read())
    run(w)
    deliver(w, "SOF-2008-H2.xml", SOF)
    deliver(w, "bad-ambiguous-amount.xml", fixture("bad-ambiguous-amount.xml"))
    run(w, EPOCH + DAY)
    deliver(w, "SOF-2008-H2-rettet.xml", SOF2)
    return w


def replace_with(path, kind):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        os.symlink("/dev/zero", path)
    else:
        os.makedirs(os.path.join(path, "x"))


def own_files():
    """Every file the program reads of its own, replaced by a FIFO, a link to
    /dev/zero or a folder: derived data (the state, oversigt.tsv, the lock) is
    set aside and made again, and the night ends as it would have; the
    archive's own files (a manifest, a report, a configuration) are named by
    verify. Nothing hangs (60 s) and nothing takes gigabytes (3 GB of address
    space)."""
    twin = two_nights("own-twin")
    run(twin, EPOCH + 2 * DAY)
    want = books(twin["out"])
    for target in ("state.sqlite", "oversigt.tsv", "lock"):
        for kind in ("fifo", "zero", "folder"):
            w = two_nights(f"own-{target}-{kind}")
            replace_with(os.path.join(w["archive"], target), kind)
            v = bounded_run(w, cmd=[BIN, "verify", "--archive", w["archive"]])
            check(v is not None and (target == "lock" or (v.returncode == 4 and target in out_text(v))),
                  f"{target} as a {kind}: verify names it, at once: {v and out_text(v)}")
            p = bounded_run(w, EPOCH + 2 * DAY)
            check(p is not None and p.returncode == 0, f"{target} as a {kind}: the night goes through: "
                                                       f"{p and p.returncode} {p and out_text(p)}")
            check(books(w["out"]) == want, f"{target} as a {kind}: the workbooks are the twin's")
            v = bounded_run(w, cmd=[BIN, "verify", "--archive", w["archive"], "--out", w["out"]])
            check(v is not None and v.returncode == 0, f"{target} as a {kind}: made again: {v and out_text(v)}")
    for rel in ("manifest.json", "report.json", "config.json"):
        for kind in ("fifo", "zero", "folder"):
            w = two_nights(f"own-{rel}-{kind}")
            (r1, _), _ = manifests(w)
            replace_with(os.path.join(w["archive"], "runs", r1, rel), kind)
            v = bounded_run(w, cmd=[BIN, "verify", "--archive", w["archive"]])
            check(v is not None and v.returncode == 4 and rel in out_text(v),
                  f"runs/{r1}/{rel} as a {kind}: verify names it: {v and v.returncode} {v and out_text(v)}")
            os.unlink(os.path.join(w["archive"], "state.sqlite"))   # a night that must replay
            p = bounded_run(w, EPOCH + 2 * DAY)
            check(p is not None, f"runs/{r1}/{rel} as a {kind}: a night that replays does not hang")


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x20]))


def state_damage():
    """The state is checked the way it is read: damage to its table, to each
    index and to a random page — each followed by a night that ends as one
    without the damage, and verify naming it before."""
    twin = two_nights("damage-twin")
    run(twin, EPOCH + 2 * DAY)
    want = books(twin["out"])
    import random
    rng = random.Random(7)

    def page_of(db, name):
        con = sqlite3.connect(db)
        size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        con.close()
        return size, root, pages

    def damage_table(db):
        data = open(db, "rb").read()
        flip(db, data.index(b"SOF-2008-H2.xml") + 4)   # a row's text: the file's name

    def damage_index(name):
        def damage(db):
            size, root, _ = page_of(db, name)
            flip(db, (root - 1) * size + size - 20)   # a cell of the index's first page
        return damage

    def damage_random(db):
        size, _, pages = page_of(db, "entries")
        flip(db, rng.randrange(1, pages) * size + rng.randrange(100, size))

    for what, damage in (("the table", damage_table), ("the sha256 index", damage_index("entries_sha256")),
                         ("the period index", damage_index("entries_period")),
                         ("a random page", damage_random)):
        w = two_nights("damage-" + what.replace(" ", "-"))
        db = os.path.join(w["archive"], "state.sqlite")
        damage(db)
        v = bounded_run(w, cmd=[BIN, "verify", "--archive", w["archive"]])
        check(v is not None and v.returncode == 4 and "state.sqlite" in out_text(v),
              f"{what}: verify names the state: {v and out_text(v)}")
        p = bounded_run(w, EPOCH + 2 * DAY)
        check(p is not None and p.returncode == 0, f"{what}: the night goes through: {p and out_text(p)}")
        check(books(w["out"]) == want, f"{what}: the workbooks are the undamaged twin's")
        log = "".join(open(os.path.join(w["archive"], "runs", r, "log.jsonl"), encoding="utf-8").read()
                      for r, _ in manifests(w))
        check("state_unreadable" in log, f"{what}: the log says the state was made again")
        v = bounded_run(w, cmd=[BIN, "verify", "--archive", w["archive"]])
        check(v is not None and v.returncode == 0, f"{what}: the state made again is sound: {v and out_text(v)}")
        deliver(w, "BR-2008-H2.xml", fixture("BR-2008-H2.xml"))
        p = bounded_run(w, EPOCH + 3 * DAY)
        check(p is not None and p.returncode == 0, f"{what}: and the nights after: {p and out_text(p)}")


def table(path, sheet, name):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables[name].ref)
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def flood():
    """A flood in one period: 2 000 resends of one rejected file and 2 000
    distinct rejected files. The period's workbook is written (exit 1: only
    rejections): the resends are one Kilder row with their count and dates,
    their findings one set in Validering, and past limits.max_rows_per_sheet
    the rest is one row that says where it is; a valid correction the next
    night is written as well."""
    cfg = limits(max_rows_per_sheet=500)
    w = workdir("flood", cfg)
    bad = fixture("bad-ambiguous-amount.xml")
    for i in range(2000):
        deliver(w, f"KFF-2008-H2-{i:04d}.xml", bad)
        deliver(w, f"KFF-2008-H2-anden-{i:04d}.xml", bad.replace(b"</statusnotat>", f"<!-- {i} --></statusnotat>".encode()))
    p = run(w, timeout=600)
    check(p.returncode == 1, f"the flood night: exit 1 (rejections only): {p.returncode} {out_text(p)[-400:]}")
    book = os.path.join(w["out"], "statusredegoerelse-2008-H2.xlsx")
    check(os.path.exists(book), "the period's workbook is written")
    rows = table(book, "Kilder", "Kilder")
    check(len(rows) == 501, f"Kilder: 500 rows and one that sums up the rest: {len(rows)}")
    check(rows[0]["Fil"].startswith("KFF-2008-H2-0000.xml (sendt 2.000 gange med de samme bytes, ")
          and "sidst som KFF-2008-H2-1999.xml" in rows[0]["Fil"],
          f"the resends are one row with their count and dates: {rows[0]['Fil']}")
    check(rows[-1]["Fil"].startswith("… og 1.501 filer mere") and "manifest.json" in rows[-1]["Fil"],
          f"the rest is summed up with where to find it: {rows[-1]['Fil']}")
    fund = table(book, "Validering", "Fund")
    check(len(fund) == 501 and fund[0]["Fil"] == rows[0]["Fil"] and
          fund[-1]["Besked"].startswith("… og 1.501 fund mere i 1.501 filer") and "log.jsonl" in fund[-1]["Besked"],
          f"Validering: the resends' findings once, and the rest summed up: {len(fund)} {fund[-1]}")
    (rid, m), = manifests(w)
    repeated = sum(1 for x in m["inputs"] if "findings_as" in x)
    check(repeated == 1999, f"the manifest holds the resends' findings once: {repeated}")
    deliver(w, "KFF-2008-H2-rettet.xml", bad.replace(b"26.5 mio", b"26,5 mio"))
    p = run(w, EPOCH + DAY, timeout=600)
    check(p.returncode == 0, f"a valid correction the next night: {p.returncode} {out_text(p)[-400:]}")
    rows = table(book, "Kilder", "Kilder")
    check(any(r["Status"] == "godkendt" and r["Fil"] == "KFF-2008-H2-rettet.xml" for r in rows) or
          rows[-1]["Fil"].startswith("… og 1.502 filer mere"), "and shown")
    check(table(book, "Indsatser", "Indsatser")[0]["Indsats-id"] == "KFF-01", "its initiative counts")
    v = run(w, cmd=[BIN, "verify", "--archive", w["archive"], "--out", w["out"]], timeout=600)
    check(v.returncode == 0, f"verify: {out_text(v)[-300:]}")


def out_of_memory():
    """Out of memory is an error, not a crash: a night on a corpus under an
    address-space limit (ulimit -v) at several sizes ends with exit 0 or 4 —
    never a signal — and a 4 says it was the memory; the next night without
    the limit finishes, and its workbooks are the unlimited twin's. Under
    ASan (which cannot run under ulimit -v) the same with ASan's allocator
    returning NULL past a soft RSS limit."""
    corpus = os.path.join(ROOT, "oom-corpus")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench",
                    "generate.py"), corpus, "2", "2000"], check=True)
    twin = workdir("oom-twin")
    for f in sorted(os.listdir(corpus)):
        shutil.copy(os.path.join(corpus, f), twin["inbox"])
    run(twin, timeout=600)
    want = books(twin["out"])
    asan = under_asan()
    limits_mb = (80, 120, 160, 240) if asan else (150, 200, 250, 300, 400)
    fours = 0
    for mb in limits_mb:
        w = workdir(f"oom-{mb}")
        for f in sorted(os.listdir(corpus)):
            shutil.copy(os.path.join(corpus, f), w["inbox"])
        e = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        pre = None
        if asan:
            e["ASAN_OPTIONS"] = f"allocator_may_return_null=1:soft_rss_limit_mb={mb}:detect_leaks=0"
            e["STATUSNOTAT_CONTAIN"] = "always"   # (no ulimit for the program to see)
        else:
            pre = (lambda limit: lambda: __import__("resource").setrlimit(
                __import__("resource").RLIMIT_AS, (limit, limit)))(mb << 20)
        # (one job under ASan: its allocator does not lock itself around the
        # fork that contains a workbook's writing, contained.h)
        p = subprocess.run([BIN, "run", "--jobs", "1" if asan else "2", "--inbox", w["inbox"], "--archive", w["archive"],
                            "--out", w["out"], "--config", w["config"]], env=e, capture_output=True,
                           timeout=600, preexec_fn=pre)
        t = out_text(p)
        check(p.returncode in (0, 4), f"{mb} MB: an exit code, not a crash: {p.returncode} {t[-600:]}")
        check("AddressSanitizer" not in t or "soft_rss_limit" in t or "soft rss limit" in t.lower(),
              f"{mb} MB: no memory error: {t[-600:]}")
        if p.returncode == 4:
            fours += 1
            check("hukommelse" in t, f"{mb} MB: the 4 says it was the memory: {t[-600:]}")
        # (the same clock as the twin's night: a night that committed nothing
        # is made again by this one, with its time)
        p = run(w, EPOCH, timeout=600)
        check(p.returncode == 0, f"{mb} MB: the next night finishes: {p.returncode} {out_text(p)[-400:]}")
        check(books(w["out"]) == want, f"{mb} MB: and its workbooks are the twin's")
        v = run(w, cmd=[BIN, "verify", "--archive", w["archive"], "--out", w["out"]], timeout=600)
        check(v.returncode == 0, f"{mb} MB: verify: {out_text(v)[-300:]}")
    check(fours > 0, "some limit ran out of memory (the path is exercised)")


def faults():
    """Every durable operation of a night — each open, write, fsync, rename
    and mkdir, and the state's SQLite commit — failed in turn with ENOSPC and
    with EIO (durable.h's fault hook): the night says which file and why, in
    Danish and in the program's own words, and the next night without the
    fault ends as it should, the archive and the share sound."""
    base = workdir("faults-base")
    for f in ("OEKF-2008-H1.xml", "SOF-2008-H1.xml"):
        deliver(base, f, open(os.path.join(FIXTURES, "2008-H1", f), "rb").read())
    run(base)
    base_dir = os.path.dirname(base["inbox"])
    causes = {"ENOSPC": "disken er fuld", "EIO": "læse- eller skrivefejl på disken"}
    own = re.compile(r"^(statusnotat |kørsel |  |Ingen nye leverancer|\S.*:\d+: (fejl|advarsel) |\S+: (fejl|advarsel) )")
    met = 0
    for op in ("open", "write", "fsync", "rename", "mkdir", "sqlite"):
        for code, cause in causes.items():
            for nth in range(1, 40):
                w = workdir(f"faults-{op}-{code}-{nth}")
                shutil.rmtree(os.path.dirname(w["inbox"]))
                shutil.copytree(base_dir, os.path.dirname(w["inbox"]), symlinks=True)
                deliver(w, "SOF-2008-H2.xml", SOF)
                deliver(w, "bad-ambiguous-amount.xml", fixture("bad-ambiguous-amount.xml"))
                mark = os.path.join(ROOT, f"mark-{op}-{code}-{nth}")
                p = run(w, EPOCH + DAY, env={"STATUSNOTAT_TEST_FAULT": f"{op}:{code}:{nth}",
                                             "STATUSNOTAT_TEST_FAULT_MARK": mark})
                if not os.path.exists(mark):
                    break        # this night has no such operation left
                met += 1
                t = out_text(p)
                what = f"{op}:{code}:{nth} (exit {p.returncode})"
                check(p.returncode >= 0, f"{what}: no crash: {t[-400:]}")
                named = [line for line in t.splitlines() if cause in line and "/" in line]
                check(named, f"{what}: a line names the file and the cause: {t[-600:]}")
                for line in t.splitlines():
                    check(own.match(line), f"{what}: a line of the program's own: {line!r}")
                p = run(w, EPOCH + DAY)
                check(p.returncode in (0, 1), f"{what}: the next night ends: {p.returncode} {out_text(p)[-400:]}")
                v = run(w, cmd=[BIN, "verify", "--archive", w["archive"], "--out", w["out"]])
                check(v.returncode == 0, f"{what}: and the archive and the share are sound: {out_text(v)[-400:]}")
                shutil.rmtree(os.path.dirname(w["inbox"]))
    check(met > 60, f"the faults met durable operations: {met}")


def journal_priorities():
    """Under journald ($JOURNAL_STREAM naming the stream) every line carries
    its sd-daemon priority: <3> the program's errors, <4> warnings and a
    department's findings, <6> what the night did — so journalctl -p err
    finds the errors; elsewhere no prefix."""
    w = workdir("journal")
    deliver(w, "SOF-2008-H2.xml", SOF)
    deliver(w, "bad-ambiguous-amount.xml", fixture("bad-ambiguous-amount.xml"))
    os.symlink("/etc/hostname", os.path.join(w["inbox"], "link.xml"))
    r, wr = os.pipe()
    st = os.fstat(wr)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
    p = subprocess.Popen([BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"],
                          "--config", w["config"]], stdout=wr, stderr=wr, env=env)
    os.close(wr)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    p.wait()
    lines = b"".join(chunks).decode().splitlines()
    check(p.returncode == 6 and lines and all(re.match(r"^<[346]>", x) for x in lines),
          f"every line has its priority: {p.returncode} {lines}")
    check(any(x.startswith("<3>statusnotat run: ") for x in lines), f"the error at <3>: {lines}")
    check(any(x.startswith("<4>bad-ambiguous-amount.xml:") for x in lines), f"a finding at <4>: {lines}")
    check(any(x.startswith("<6>kørsel ") for x in lines), f"the summary at <6>: {lines}")
    p = run(w, EPOCH + DAY)
    check(not re.search(r"^<\d>", out_text(p), re.M), f"elsewhere no prefix: {out_text(p)}")


def main():
    try:
        read_once()
        fifo_swap()
        size_limits()
        unreadable()
        names()
        generated_names()
        clock()
        folders()
        containment()
        arithmetic()
        manifest_paths()
        tamper()
        own_files()
        flood()
        out_of_memory()
        faults()
        journal_priorities()
        state_damage()
        empty_night()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
    finish("hostile_test")


main()
