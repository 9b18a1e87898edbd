#!/usr/bin/python3
"""overview_data_test.py BIN FIXTURES GENERATOR [--pivot] — the overview as a
data source (WORKBOOK.md, "Data across periods", "Rejected deliveries").

A seeded corpus (tests/bench/generate.py: 6 half years, every department, 12
initiatives each) goes through two nights with an archive — the second
corrects a half year of the first, so its cached rows must not be used — with
rejected deliveries with and without a period. Then:

- every row of AlleIndsatser, in the municipality's overview and in each
  department's, is checked cell by cell against that period's workbook's
  Indsatser row (and every Indsatser row is in it): Titel, Tema, Status,
  Effekt, Effekt udledt and Kilde as they stand there, Seneste budgetår as on
  the period's Overblik (Perioder), Bevilling seneste år the Indsatser row's
  amount that year (0 where none), Begrænset effekt Ja exactly for the
  limited-effect labels; in period, department, id order;
- each period's sums over its rows are its Perioder's Bevilget and Heraf
  begrænset effekt;
- Afviste holds every rejected delivery of the manifests, in the order
  received, the period-less ones included, with the run, and the first fejl's
  code; a department's only its own;
- a rerun of the last night gives the overview byte for byte without any
  cache; `verify` finds a cached row that was changed by hand (and names the
  period); a night after the cache is gone writes the same bytes.

With --pivot (CTest overview_pivot), LibreOffice makes a PivotTable (a
DataPilot over AlleIndsatser: Periode as rows, the sum of Bevilling seneste
år, once for all and once for Begrænset effekt = Ja) and its figures must be
each period's Bevilget and Heraf begrænset effekt on Oversigt. Exits 77 when
LibreOffice's Python bridge is not installed."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

BIN, FIXTURES, GENERATOR = sys.argv[1], sys.argv[2], sys.argv[3]
PIVOT = "--pivot" in sys.argv[4:]
SKIP = 77
EPOCH = 1228780800
DAY = 86400

import openpyxl  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

LIMITED = {"Begrænset effekt", "Minimal effekt", "Ingen effekt", "Ikke dokumenteret"}
DATA = ["Periode", "Forvaltning", "Indsats-id", "Titel", "Tema", "Status", "Effekt", "Effekt udledt",
        "Seneste budgetår", "Bevilling seneste år", "Begrænset effekt", "Kilde"]
AFVISTE = ["Fil", "Indsendt", "Kørsel", "Forvaltning", "Periode", "Kode", "Besked"]


def table(wb, name):
    for ws in wb.worksheets:
        if name in ws.tables:
            c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables[name].ref)
            rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
            return rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    raise KeyError(name)


def records(wb, name):
    header, rows = table(wb, name)
    return [dict(zip(header, r)) for r in rows]


def night(w, epoch):
    return subprocess.run([BIN, "run", "--inbox", w["inbox"], "--archive", w["archive"], "--out", w["out"]],
                          env=dict(os.environ, SOURCE_DATE_EPOCH=str(epoch)), capture_output=True, text=True)


def cmd(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def corpus(root):
    """The seeded corpus, and two nights' deliveries from it."""
    all_docs = os.path.join(root, "corpus")
    subprocess.run(["/usr/bin/python3", GENERATOR, all_docs, "6", "12"], check=True)
    names = sorted(os.listdir(all_docs))
    first = [n for n in names if any(p in n for p in ("2008-H1", "2008-H2", "2009-H1"))]
    second = [n for n in names if n not in first]
    return all_docs, first, second


def deliver(w, src, names):
    for n in names:
        shutil.copy(os.path.join(src, n), os.path.join(w["inbox"], n))


def check_data(out, name, department=None):
    """AlleIndsatser of one overview against the period workbooks, cell by cell."""
    wb = openpyxl.load_workbook(os.path.join(out, name), data_only=True)
    check(wb.sheetnames == ["Oversigt", "Data", "Afviste"], f"{name}: sheets {wb.sheetnames}")
    header, _ = table(wb, "AlleIndsatser")
    check(header == DATA, f"{name}: AlleIndsatser columns {header}")
    data = records(wb, "AlleIndsatser")
    perioder = {r["Periode"]: r for r in records(wb, "Perioder")}
    expected = []
    for p in sorted(perioder):
        pw = openpyxl.load_workbook(os.path.join(out, f"statusredegoerelse-{p}.xlsx"), data_only=True)
        rows = records(pw, "Indsatser")
        if department:
            rows = [r for r in rows if r["Forvaltning"] == department]
        order = [f["Forvaltning"] for f in records(pw, "EffektForvaltning")]
        rows.sort(key=lambda r: (order.index(r["Forvaltning"]), r["Indsats-id"]))
        year = perioder[p]["Seneste budgetår"]
        for r in rows:
            expected.append({"Periode": p, "Forvaltning": r["Forvaltning"], "Indsats-id": r["Indsats-id"],
                             "Titel": r["Titel"], "Tema": r["Tema"], "Status": r["Status"],
                             "Effekt": r["Effekt"], "Effekt udledt": r["Effekt udledt"],
                             "Seneste budgetår": year,
                             "Bevilling seneste år": (r.get(f"Bevilling {year}") or 0) if year else 0,
                             "Begrænset effekt": "Ja" if r["Effekt"] in LIMITED else "Nej",
                             "Kilde": r["Kilde"]})
    check(len(data) == len(expected) and len(data) > 0,
          f"{name}: one row per initiative of every period: {len(data)} rows, {len(expected)} in the periods")
    differing = [(i, d, e) for i, (d, e) in enumerate(zip(data, expected)) if d != e]
    check(not differing, f"{name}: every row as its period's Indsatser row, in order: "
          f"{len(differing)} differ, first {differing[:1]}")
    check(all(isinstance(d["Bevilling seneste år"], int) for d in data), f"{name}: money is whole numbers")
    for p, row in perioder.items():
        mine = [d for d in data if d["Periode"] == p]
        check(sum(d["Bevilling seneste år"] for d in mine) == row["Bevilget"] and
              sum(d["Bevilling seneste år"] for d in mine if d["Begrænset effekt"] == "Ja") ==
              row["Heraf begrænset effekt"],
              f"{name} {p}: the rows sum to Bevilget and Heraf begrænset effekt")
    return len(data)


def rejected_in_manifests(archive, cfg_labels):
    """Every rejected input of every run: (file, run, department label, period, first fejl code)."""
    out = []
    for run_dir in sorted(glob.glob(os.path.join(archive, "runs", "0*"))):
        m = json.load(open(os.path.join(run_dir, "manifest.json")))
        for x in m["inputs"]:
            if x["status"] != "rejected":
                continue
            first = next(f for f in x["findings"] if f.get("severity", "fejl") in ("fejl", "error"))
            out.append((x["name"], os.path.basename(run_dir), cfg_labels.get(x.get("department") or ""),
                        x.get("period") or None, first["code"]))
    return out


def check_afviste(out, archive, name, department=None):
    wb = openpyxl.load_workbook(os.path.join(out, name), data_only=True)
    header, _ = table(wb, "Afviste")
    check(header == AFVISTE, f"{name}: Afviste columns {header}")
    rows = records(wb, "Afviste")
    labels = {"KFF": "Kultur- og Fritidsforvaltningen", "SOF": "Socialforvaltningen"}
    want = rejected_in_manifests(archive, labels)
    if department:
        want = [x for x in want if x[2] == department]
    got = [(r["Fil"], r["Kørsel"], r["Forvaltning"], r["Periode"], r["Kode"]) for r in rows]
    check(got == want, f"{name}: Afviste is every rejected delivery in the order received: {got} != {want}")
    check(all(r["Indsendt"] is not None and r["Besked"] for r in rows), f"{name}: each with time and message")
    return rows


def main():
    root = tempfile.mkdtemp(prefix="statusnotat-data-")
    try:
        src, first, second = corpus(root)
        w = {k: os.path.join(root, k) for k in ("inbox", "archive", "out")}
        os.makedirs(w["inbox"])
        deliver(w, src, first)
        with open(os.path.join(w["inbox"], "broken.xml"), "wb") as f:
            f.write(b"<statusnotat>not closed")
        shutil.copy(os.path.join(FIXTURES, "bad-ambiguous-amount.xml"), w["inbox"])
        p = night(w, EPOCH)
        check(p.returncode == 1, f"night 1: exit 1 (rejections): {p.returncode} {p.stderr[-300:]}")
        # Night 2: the rest, a correction of 2008-H2 (SOF's note again, other
        # money: its cached rows must not be used), and another file without
        # a period.
        deliver(w, src, second)
        sof = open(os.path.join(src, "SOF-2008-H2.xml"), encoding="utf-8").read()
        sof = sof.replace('aar="2009">', 'aar="2009">1', 1).replace("<indsendt>1.1.2009<", "<indsendt>2.1.2009<")
        with open(os.path.join(w["inbox"], "SOF-2008-H2-rettet.xml"), "w", encoding="utf-8") as f:
            f.write(sof)
        with open(os.path.join(w["inbox"], "tom.xml"), "wb") as f:
            f.write(b"")
        p = night(w, EPOCH + DAY)
        check(p.returncode == 1, f"night 2: exit 1: {p.returncode} {p.stderr[-300:]}")
        out = w["out"]
        n = check_data(out, "statusredegoerelse-oversigt.xlsx")
        check(n == 6 * 8 * 12, f"6 half years x 8 departments x 12 initiatives: {n}")
        rows = check_afviste(out, w["archive"], "statusredegoerelse-oversigt.xlsx")
        check({"broken.xml", "tom.xml"} <= {r["Fil"] for r in rows if r["Periode"] is None},
              "the rejections without a period are there")
        depts = 0
        for name in sorted(os.listdir(out)):
            if name.endswith("-oversigt.xlsx") and not name.startswith("statusredegoerelse"):
                wb = openpyxl.load_workbook(os.path.join(out, name), data_only=True)
                label = wb["Oversigt"]["A2"].value.split(" · ")[-1]
                check_data(out, name, label)
                check_afviste(out, w["archive"], name, label)
                depts += 1
        check(depts == 8, f"eight departments' overviews: {depts}")
        sof_rows = [r for r in records(openpyxl.load_workbook(os.path.join(out, "statusredegoerelse-oversigt.xlsx"),
                                                              data_only=True), "AlleIndsatser")
                    if r["Periode"] == "2008-H2" and r["Forvaltning"] == "Socialforvaltningen"]
        check(sof_rows and all(r["Kilde"] == "SOF-2008-H2-rettet.xml" for r in sof_rows),
              f"the corrected half year's rows are the correction's, not the cache's: {sof_rows[:1]}")

        # A rerun without any cache gives the same bytes.
        runs = sorted(os.listdir(os.path.join(w["archive"], "runs")))
        rerun_out = os.path.join(root, "rerun")
        p = cmd("rerun", "--archive", w["archive"], "--run", runs[-1], "--out", rerun_out)
        check(p.returncode in (0, 1), f"rerun: {p.returncode} {p.stderr[-300:]}")
        for name in ("statusredegoerelse-oversigt.xlsx", "SOF-oversigt.xlsx"):
            check(open(os.path.join(rerun_out, name), "rb").read() == open(os.path.join(out, name), "rb").read(),
                  f"rerun: {name} byte for byte")
        p = cmd("verify", "--archive", w["archive"], "--out", out)
        check(p.returncode == 0, f"verify: the cache and the share as the archive says: {p.returncode} {p.stdout}{p.stderr}")

        # A cached initiative changed by hand: verify names its period.
        cache = os.path.join(w["archive"], "oversigt.tsv")
        text = open(cache, encoding="utf-8").read()
        lines = text.split("\n")
        k = next(i for i, l in enumerate(lines) if l.startswith("I\t2009-H2\t"))
        fields = lines[k].split("\t")
        fields[10] = str(int(float(fields[10])) + 1)
        lines[k] = "\t".join(fields)
        with open(cache, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        p = cmd("verify", "--archive", w["archive"])
        check(p.returncode != 0 and "oversigt.tsv" in p.stdout + p.stderr and "2009-H2" in p.stdout + p.stderr,
              f"verify finds the changed cached row and names its period: {p.returncode} {p.stdout}{p.stderr}")
        with open(cache, "w", encoding="utf-8") as f:
            f.write(text)
        # The cache gone: the next night (one more file) writes the same rows.
        before = records(openpyxl.load_workbook(os.path.join(out, "statusredegoerelse-oversigt.xlsx"),
                                                data_only=True), "AlleIndsatser")
        os.remove(cache)
        with open(os.path.join(w["inbox"], "igen.xml"), "wb") as f:
            f.write(b"<?xml version='1.0'?><x/>")
        p = night(w, EPOCH + 2 * DAY)
        after = records(openpyxl.load_workbook(os.path.join(out, "statusredegoerelse-oversigt.xlsx"),
                                               data_only=True), "AlleIndsatser")
        check(p.returncode == 1 and after == before and os.path.exists(cache),
              f"without the cache the same rows, and the cache is made again: {p.returncode}")
        if PIVOT:
            pivot(root, os.path.join(out, "statusredegoerelse-oversigt.xlsx"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    finish("overview_pivot" if PIVOT else "overview_data")


def pivot(root, path):
    """LibreOffice's DataPilot over AlleIndsatser gives Perioder's figures."""
    try:
        import uno  # noqa: F401
        from com.sun.star.table import CellAddress
    except ImportError:
        print("SKIPPED: LibreOffice's Python bridge (python3-uno) is not installed")
        sys.exit(SKIP)
    from com.sun.star.sheet.DataPilotFieldOrientation import ROW, DATA
    from com.sun.star.sheet.GeneralFunction import SUM
    from office import connect, prop
    proc, desktop = connect(root)
    try:
        doc = desktop.loadComponentFromURL("file://" + path, "_blank", 0, (prop("Hidden", True),))
        try:
            wb = openpyxl.load_workbook(path, data_only=True)
            perioder = {r["Periode"]: r for r in records(wb, "Perioder")}
            c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(wb["Data"].tables["AlleIndsatser"].ref)
            data = doc.Sheets.getByName("Data")
            source = data.getCellRangeByPosition(c1 - 1, r1 - 1, c2 - 1, r2 - 1).getRangeAddress()
            doc.Sheets.insertNewByName("Pivot", doc.Sheets.getCount())
            target = doc.Sheets.getByName("Pivot")
            results = {}
            for k, limited_only in enumerate((False, True)):
                tables = target.getDataPilotTables()
                d = tables.createDataPilotDescriptor()
                d.setSourceRange(source)
                fields = d.getDataPilotFields()
                names = [fields.getByIndex(i).Name for i in range(fields.getCount())]
                fields.getByIndex(names.index("Periode")).Orientation = ROW
                money = fields.getByIndex(names.index("Bevilling seneste år"))
                money.Orientation = DATA
                money.Function = SUM
                if limited_only:
                    from com.sun.star.sheet import TableFilterField
                    from com.sun.star.sheet.FilterOperator import EQUAL
                    f = TableFilterField()
                    f.Field = names.index("Begrænset effekt")
                    f.Operator = EQUAL
                    f.IsNumeric = False
                    f.StringValue = "Ja"
                    d.getFilterDescriptor().setFilterFields((f,))
                at = CellAddress()
                at.Sheet, at.Column, at.Row = doc.Sheets.getCount() - 1, 4 * k, 0
                tables.insertNewByName(f"P{k}", at, d)
                doc.calculateAll()
                got = {}
                for row in range(0, 400):
                    label = target.getCellByPosition(4 * k, row).getString()
                    if label in perioder:
                        got[label] = target.getCellByPosition(4 * k + 1, row).getValue()
                results[limited_only] = got
            check(results[False] == {p: r["Bevilget"] for p, r in perioder.items()},
                  f"the PivotTable's sums per period are Perioder's Bevilget: {results[False]}")
            check(results[True] == {p: r["Heraf begrænset effekt"] for p, r in perioder.items()},
                  f"and over Begrænset effekt = Ja its Heraf begrænset effekt: {results[True]}")
        finally:
            doc.close(True)
    finally:
        proc.kill()
        proc.wait()


main()
