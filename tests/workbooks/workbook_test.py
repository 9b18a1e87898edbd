#!/usr/bin/python3
"""workbook_test.py BIN FIXTURES — the workbooks read back by an independent
reader (openpyxl), not from the program's memory: every sheet, table and
column of WORKBOOK.md, the numbers of the 2008 report, duplicates and
supersession, safe cells, and byte-identical reruns."""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import both_half_years, check, finish  # noqa: E402

BIN, FIXTURES = sys.argv[1], sys.argv[2]
EPOCH = 1228780800  # 2008-12-09 00:00:00 UTC
YEARS = [2007, 2008, 2009, 2010]
EFFECTS = ["Ønsket effekt", "Mærkbar effekt", "Begrænset effekt", "Minimal effekt",
           "Ingen effekt", "Ikke dokumenteret", "For tidligt at vurdere"]
BEV = [f"Bevilling {y}" for y in YEARS]
CONTRACT = {  # sheet -> [(table, columns)], WORKBOOK.md
    "Overblik": [],
    "Indsatser": [("Indsatser", ["Forvaltning", "Indsats-id", "Titel", "Tema", "Status", "Effekt",
                                 "Effekt udledt", "Anbefaling"] + BEV + ["Kilde"])],
    "Udvikling": [("Udvikling", ["Forvaltning", "Indsats-id", "Titel", "Ændring", "Effekt før",
                                 "Effekt nu", "Status før", "Status nu", "Bevilling før",
                                 "Bevilling nu", "Forskel"])],
    "Effekt": [("EffektBevilling", ["Effekt", "Antal indsatser"] + BEV + ["Andel seneste år"]),
               ("EffektForvaltning", ["Forvaltning"] + EFFECTS + ["I alt"])],
    "Bevilling": [("Bevillingsprofil", ["År", "Bevilget", "Ramme", "Difference"]),
                  ("BevillingTema", ["Tema"] + BEV)],
    "Personale": [("Personale", ["Uddannelsesniveau", "Ansatte", "Andel af ansatte", "Arbejdsstyrke",
                                 "Andel af arbejdsstyrke", "Repræsentation", "Oplyst pct. ansatte",
                                 "Oplyst pct. arbejdsstyrke"])],
    "Indikatorer": [("Indikatorer", ["Forvaltning", "Indsats-id", "Indikator", "Værdi", "Fra", "Til",
                                     "Ud af", "Enhed", "Dato", "År", "Tekst"])],
    "Validering": [("Fund", ["Alvor", "Kode", "Fil", "Linje", "Sti", "Besked", "Handling"])],
    "Kilder": [("Kilder", ["Fil", "SHA-256", "Bytes", "Forvaltning", "Periode", "Indsendt", "Status",
                           "Erstattet af"])],
}



def run(inbox, out, expect_exit=None):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
    p = subprocess.run([BIN, "run", "--inbox", inbox, "--out", out], env=env,
                       capture_output=True, text=True)
    if expect_exit is not None:
        check(p.returncode == expect_exit, f"run {inbox}: exit {p.returncode}, want {expect_exit}\n"
              f"{p.stdout}{p.stderr}")
    return p


def table(wb, name):
    """(sheet, header list, data rows as lists, the row under the table) of a table."""
    for ws in wb.worksheets:
        if name in ws.tables:
            t = ws.tables[name]
            c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(t.ref)
            rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
            under = [ws.cell(r2 + 1, c).value for c in range(c1, c2 + 1)]
            data = [r for r in rows[1:] if any(v is not None for v in r)]
            return ws, rows[0], data, under
    raise KeyError(name)


def records(wb, name):
    _, header, data, _ = table(wb, name)
    return [dict(zip(header, r)) for r in data]


def load(path):
    return openpyxl.load_workbook(path, data_only=True), openpyxl.load_workbook(path)


def test_contract(wb, path):
    check(wb.sheetnames == list(CONTRACT), f"{path}: sheets {wb.sheetnames}")
    for sheet, tables in CONTRACT.items():
        ws = wb[sheet]
        check(sorted(ws.tables.keys()) == sorted(t for t, _ in tables),
              f"{path}: {sheet} tables {list(ws.tables.keys())}")
        for name, columns in tables:
            _, header, _, _ = table(wb, name)
            check(header == columns, f"{path}: {name} columns {header}")
            t = ws.tables[name]
            check([c.name for c in t.tableColumns] == columns, f"{path}: {name} table columns")
            check(t.autoFilter is not None, f"{path}: {name} has filters")
        if tables:
            # The first table's header row stays in view and on every page.
            _, first_row, _, _ = openpyxl.utils.cell.range_boundaries(ws.tables[tables[0][0]].ref)
            check(ws.freeze_panes == f"A{first_row + 1}", f"{path}: {sheet} header frozen ({ws.freeze_panes})")
            check(ws.print_title_rows in (f"{first_row}:{first_row}", f"${first_row}:${first_row}"),
                  f"{path}: {sheet} header repeats ({ws.print_title_rows})")
        fits = ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage
        if sheet == "Overblik":
            # A4 portrait at one scale of 60 % or more, with a page break
            # before the charts where they do not fit under the figures
            # (print_test.py measures the paper: at most two pages, no chart
            # across a break).
            check(ws.page_setup.orientation == "portrait" and not fits and
                  60 <= (ws.page_setup.scale or 0) <= 100,
                  f"{path}: Overblik portrait at {ws.page_setup.scale} %")
            continue
        check(ws.page_setup.orientation == "landscape", f"{path}: {sheet} landscape")
        # One page wide when the text stays at 65 % or more, else across pages
        # at 65 % with the first column repeated (tests/workbooks/print_test.py measures
        # the paper).
        check((fits and ws.page_setup.fitToWidth in (1, None)) or
              (not fits and ws.page_setup.scale == 65 and ws.print_title_cols in ("A:A", "$A:$A")),
              f"{path}: {sheet} one page wide, or across pages at 65 % with column A repeated "
              f"({fits}, {ws.page_setup.scale}, {ws.print_title_cols})")


def test_alt_texts(out):
    """Every chart has an alternative text that says what it shows with its
    headline figures (its title, then the figures): for screen readers."""
    import re
    n = 0
    for name in sorted(os.listdir(out)):
        with zipfile.ZipFile(os.path.join(out, name)) as z:
            for part in (p for p in z.namelist() if p.startswith("xl/drawings/drawing")):
                xml = z.read(part).decode()
                frames = re.findall(r"<xdr:graphicFrame.*?</xdr:graphicFrame>", xml, re.S)
                for frame in frames:
                    descr = re.search(r'<xdr:cNvPr [^>]*descr="([^"]*)"', frame)
                    n += 1
                    check(descr and ": " in descr.group(1) and re.search(r"\d", descr.group(1)),
                          f"{name}: a chart with an alternative text and its figures: {frame[:160]}")
    check(n >= 15, f"the charts of the fixtures' workbooks: {n}")
    with zipfile.ZipFile(os.path.join(out, "statusredegoerelse-2008-H2.xlsx")) as z:
        xml = z.read("xl/drawings/drawing1.xml").decode()
    check('descr="Bevilling 2009 efter effekt: 12.400.000 af 20.300.000 kr. på begrænset effekt, minimal '
          'effekt, ingen effekt eller ikke dokumenteret"' in xml,
          "the budget-by-effect chart says its headline figures (test_aggregate's 12,4 of 20,3 mio. kr.)")


def test_combined(out):
    path = os.path.join(out, "statusredegoerelse-2008-H2.xlsx")
    wb, wf = load(path)
    test_contract(wb, path)

    ind = records(wb, "Indsatser")
    check(len(ind) == 16, f"16 indsatser, got {len(ind)}")
    arb4 = [r for r in ind if r["Indsats-id"] == "ARB-04"][0]
    check(arb4["Bevilling 2009"] == 200000 and isinstance(arb4["Bevilling 2009"], int),
          f"ARB-04 2009 is the integer 200000: {arb4['Bevilling 2009']!r}")
    check(arb4["Forvaltning"] == "Økonomiforvaltningen" and arb4["Effekt"] == "Ingen effekt",
          "labels, not codes")
    dis = [r for r in ind if r["Indsats-id"] == "DIS-01"][0]
    check(dis["Effekt udledt"] == "Ja" and dis["Effekt"] == "Begrænset effekt", "derived effect")
    check(arb4["Effekt udledt"] == "Nej", "stated effect")
    ws, _, _, under = table(wb, "Indsatser")
    check(under[BEV.index("Bevilling 2009") + 8] == 20300000, f"Indsatser total 2009: {under}")
    _, _, _, under_f = table(wf, "Indsatser")
    check(str(under_f[10]).startswith("=SUBTOTAL(109,Indsatser[Bevilling 2009]"),
          f"total is a formula: {under_f[10]}")
    check(ws.cell(2, 11).number_format == "#,##0", "kroner in a thousands format")

    eff = records(wb, "EffektBevilling")
    check([r["Effekt"] for r in eff] == EFFECTS, "every effect category, in order")
    by = {r["Effekt"]: r for r in eff}
    limited = sum(by[e]["Bevilling 2009"] for e in EFFECTS[2:6])
    check(limited == 12400000, f"limited effect 2009: {limited}")
    check(by["Minimal effekt"]["Bevilling 2009"] == 0 and by["Minimal effekt"]["Antal indsatser"] == 1,
          "a category with no 2009 money still listed")
    check(abs(by["Ikke dokumenteret"]["Andel seneste år"] - 9900000 / 20300000) < 1e-12,
          "share of the latest year")
    ws = wb["Effekt"]
    check(ws.cell(2, 7).number_format == "0.0%", "shares in a percent format")
    fd = records(wb, "EffektForvaltning")
    oekf = [r for r in fd if r["Forvaltning"] == "Økonomiforvaltningen"][0]
    check(oekf["I alt"] == 6 and oekf["Ingen effekt"] == 2 and oekf["Ikke dokumenteret"] == 2,
          f"ØKF counts {oekf}")

    prof = {r["År"]: r for r in records(wb, "Bevillingsprofil")}
    check(prof[2009]["Bevilget"] == 20300000, f"2009 budget {prof[2009]}")
    check(prof[2009]["Ramme"] == 26500000 and prof[2009]["Difference"] == 6200000, "2009 frame")
    check(prof[2010]["Ramme"] == 17400000 and prof[2010]["Difference"] == 17400000, "2010 frame")
    check(prof[2007]["Ramme"] is None and prof[2007]["Difference"] is None, "no frame: empty cells")
    tema = {r["Tema"]: r for r in records(wb, "BevillingTema")}
    check(tema["Bolig"]["Bevilling 2009"] == 6000000, "Bolig 2009")
    check("Øvrige" in tema and tema["Øvrige"]["Bevilling 2009"] == 0, "Øvrige listed")

    staff = records(wb, "Personale")
    check(len(staff) == 5 and sum(r["Ansatte"] for r in staff) == 4217, "4.217 employees")
    check(sum(r["Arbejdsstyrke"] for r in staff) == 29071, "workforce rows")
    _, _, _, under = table(wb, "Personale")
    check(under[1] == 4217 and under[3] == 29071, f"Personale total {under}")
    ws = wb["Personale"]
    flagged = [ws.cell(r, 4) for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == 29271]
    check(len(flagged) == 1 and flagged[0].font.color is not None, "stated workforce 29.271 flagged")
    lang = staff[0]
    check(abs(lang["Andel af ansatte"] - 151 / 4217) < 1e-12, "share computed from counts")
    check(abs(lang["Oplyst pct. ansatte"] - 0.053) < 1e-12, "stated share beside it")
    check(abs(lang["Repræsentation"] - (151 / 4217) / (1543 / 29071)) < 1e-12, "representation")

    inds = records(wb, "Indikatorer")
    rng = [r for r in inds if r["Tekst"] == "80-90"][0]
    check((rng["Fra"], rng["Til"]) == (80, 90), "range")
    outof = [r for r in inds if r["Tekst"] == "17 ud af 20"][0]
    check((outof["Værdi"], outof["Ud af"]) == (17, 20), "out of")
    dated = [r for r in inds if r["Indikator"] == "Fleksible udlejninger"][0]
    check(dated["Dato"] == datetime.datetime(2008, 10, 1), "date cell")
    pct = [r for r in inds if r["Tekst"] == "80 procent"][0]
    check(pct["Værdi"] == 0.8, "percent as a fraction")

    fund = records(wb, "Fund")
    codes = {(r["Fil"], r["Kode"], r["Linje"]) for r in fund}
    check(("OEKF-2008-H2.xml", "TOTAL_MISMATCH", 87) in codes, "OEKF warning in Fund")
    check(("bad-ambiguous-amount.xml", "AMOUNT_INVALID", 12) in codes, "rejected finding in Fund")
    # A document with no valid period belongs to no period's workbook (it is
    # reported by the run and in its quarantine reasons file instead).
    check(not any(f == "bad-entity-expansion.xml" for f, _, _ in codes),
          "a document without a period is not in the period's Fund")
    check(all(r["Alvor"] in ("fejl", "advarsel") and r["Handling"] for r in fund), "Alvor, Handling")
    kilder = {r["Fil"]: r for r in records(wb, "Kilder")}
    check(len(kilder) == 6 and "bad-entity-expansion.xml" not in kilder,
          f"every file of the period in Kilder: {sorted(kilder)}")
    check(kilder["bad-ambiguous-amount.xml"]["Status"] == "afvist", "rejected in Kilder")
    check(kilder["OEKF-2008-H2.xml"]["Status"] == "godkendt", "accepted in Kilder")
    check(kilder["BIF-2008-H2.xml.gz"]["Bytes"] == 432, "bytes")
    check(kilder["OEKF-2008-H2.xml"]["Indsendt"] == datetime.datetime(2008, 12, 3), "Indsendt date")
    check(len(kilder["OEKF-2008-H2.xml"]["SHA-256"]) == 64, "SHA-256")

    ov = wb["Overblik"]
    values = {ov.cell(r, 1).value: [ov.cell(r, c).value for c in (2, 3)] for r in range(1, ov.max_row + 1)}
    check(values.get("Bevilget i 2009", [None])[0] == 20300000, "Overblik: 2009 budget")
    share_row = [v for k, v in values.items() if k and k.startswith("Heraf på indsatser med")]
    check(share_row and share_row[0][0] == 12400000 and abs(share_row[0][1] - 0.6108374) < 1e-6,
          f"Overblik: 12.400.000 kr. (61,1 %) {share_row}")
    check(values.get("Ramme minus bevilget", [None])[0] == 6200000, "Overblik: frame leaves 6.200.000")
    check(values.get("Godkendt", [None])[0] == 5 and values.get("Afvist (se Validering)", [None])[0] == 1,
          "Overblik: documents")
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        check(len(charts) == 3, f"three charts on Overblik: {charts}")
    p = wb.properties
    check(p.title and "2008-H2" in p.title and p.subject and p.creator == "statusnotat", "properties")
    check(p.created == datetime.datetime(2008, 12, 9, 0, 0), f"created is the run's time: {p.created}")
    with zipfile.ZipFile(path) as z:
        app = z.read("docProps/app.xml").decode()
        check("<Company>Københavns Kommune</Company>" in app, "company")


def test_departments(out):
    names = sorted(os.listdir(out))
    stems = ["statusredegoerelse", "OEKF", "SOF", "BUF", "BIF", "BR", "KFF"]
    want = sorted([f"{s}-2008-H2.xlsx" for s in stems] + [f"{s}-oversigt.xlsx" for s in stems])
    check(names == want, f"workbooks: {names}")
    path = os.path.join(out, "OEKF-2008-H2.xlsx")
    wb, _ = load(path)
    test_contract(wb, path)
    ind = records(wb, "Indsatser")
    check(len(ind) == 6 and {r["Forvaltning"] for r in ind} == {"Økonomiforvaltningen"}, "ØKF only")
    check(len(records(wb, "Kilder")) == 1 and len(records(wb, "Fund")) == 1, "ØKF sources, findings")
    eff = records(wb, "EffektBevilling")
    check(len(eff) == 7, "every category in a department workbook")
    # WORKBOOK.md: a department's Overblik sets its money against the
    # municipality's, never against the frame.
    # By hand from the fixtures' 2009 bevillinger: SOF 0,5 + 1 + 3,5 + 1,0 mio. kr., of which
    # begrænset 1 + ikke dokumenteret 3,5; ØKF 6,4 + 5,4 + 0,3 + 0,2 + 1,0, of which
    # ikke dokumenteret 5,4 + 1,0 and ingen 0,3 + 0,2; BUF grants nothing in 2009.
    for code, own, limited in (("BUF", 0, 0), ("SOF", 6000000, 4500000), ("OEKF", 13300000, 6900000)):
        path = os.path.join(out, f"{code}-2008-H2.xlsx")
        wb, _ = load(path)
        ov = wb["Overblik"]
        rows = {ov.cell(r, 1).value: [ov.cell(r, c).value for c in (2, 3)] for r in range(1, ov.max_row + 1)}
        heraf = [v for k, v in rows.items() if k and k.startswith("Heraf på indsatser med")]
        check(rows.get("Bevilget i 2009", [None])[0] == own, f"{code}: its own 2009 money: {rows.get('Bevilget i 2009')}")
        check(heraf and heraf[0][0] == limited, f"{code}: of which limited effect: {heraf}")
        check(rows.get("Kommunens samlede bevilling i 2009", [None])[0] == 20300000,
              f"{code}: the municipality's total: {rows.get('Kommunens samlede bevilling i 2009')}")
        share = rows.get("Forvaltningens andel af kommunens bevilling i 2009", [None, None])[1]
        check(share is not None and abs(share - own / 20300000) < 1e-9, f"{code}: its share: {share}")
        check("Ramme minus bevilget" not in rows and
              rows.get("Kommunens ramme minus kommunens samlede bevilling", [None])[0] == 6200000,
              f"{code}: the frame only against the municipality's total")
        prof = records(wb, "Bevillingsprofil")
        check(all(r["Ramme"] is None and r["Difference"] is None for r in prof),
              f"{code}: no department money against the frame in Bevillingsprofil")
        check(ov["A1"].value == "Statusredegørelse 2. halvår 2008", f"{code}: the period as people say it")
        with zipfile.ZipFile(path) as z:
            charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        check(len(charts) == (0 if own == 0 else 2 + (code == "OEKF")),
              f"{code}: no empty chart is drawn: {charts}")
    wb, _ = load(os.path.join(out, "KFF-2008-H2.xlsx"))
    check(records(wb, "Indsatser") == [], "KFF: nothing accepted")
    check([r["Kode"] for r in records(wb, "Fund")] == ["AMOUNT_INVALID"], "KFF sees its rejection")


def doc(dept_code, dept_name, indsendt, ids, title="Indsats", amount="1,0 mio. kr.", extra=""):
    body = "".join(
        f'<indsats id="{i}"><titel>{title}</titel><tema>Bolig</tema>'
        f'<bevilling aar="2009">{amount}</bevilling><status>igangsat</status>'
        f'<effekt vurdering="ingen">x</effekt>{extra}</indsats>' for i in ids)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<statusnotat xmlns="urn:kk:integration:statusnotat:1" version="1.0"><hoved>'
            f'<forvaltning kode="{dept_code}">{dept_name}</forvaltning><periode>2009-H1</periode>'
            f'<indsendt>{indsendt}</indsendt></hoved><indsatser>{body}</indsatser></statusnotat>\n')


def test_identity_and_safe_cells(tmp):
    inbox, out = os.path.join(tmp, "inbox2"), os.path.join(tmp, "out2")
    os.makedirs(inbox)
    files = {
        "a-sof.xml": doc("SOF", "Socialforvaltningen", "2009-06-01", ["S-1"]),
        "b-sof-copy.xml": None,  # byte-identical to a-sof.xml
        "c-sof-new.xml": doc("SOF", "Socialforvaltningen", "2009-06-15", ["S-1", "S-2"],
                             amount="2,0 mio. kr."),
        "d-sof-old.xml": doc("SOF", "Socialforvaltningen", "2009-05-01", ["S-9"]),
        "e-buf-clash.xml": doc("BUF", "Børne- og Ungdomsforvaltningen", "2009-06-02", ["S-2"]),
        "f-tmf-unsafe.xml": doc("TMF", "Teknik- og Miljøforvaltningen", "2009-06-03", ["T-1"],
                                title="=HYPERLINK(&quot;http://x&quot;)"),
        "g-kff-text.xml": doc("KFF", "Kultur- og Fritidsforvaltningen", "2009-06-03", ["K-1"],
                              title="+1 &#x85;styk\u0085ke"),
        "i-br-long.xml": doc("BR", "Borgerrådgiveren", "2009-06-03", ["R-2"], title="æ" * 40000),
        "h-bif-minus.xml": doc("BIF", "Beskæftigelses- og Integrationsforvaltningen", "2009-06-03",
                               ["B-1"], title="-2 eller @mig"),
        ".hidden.xml": doc("BR", "Borgerrådgiveren", "2009-06-03", ["R-1"]),
        "notes.txt": "not a delivery",
    }
    files["b-sof-copy.xml"] = files["a-sof.xml"]
    for name, text in files.items():
        with open(os.path.join(inbox, name), "w", encoding="utf-8") as f:
            f.write(text)
    run(inbox, out, expect_exit=1)
    wb, _ = load(os.path.join(out, "statusredegoerelse-2009-H1.xlsx"))
    kilder = {r["Fil"]: r for r in records(wb, "Kilder")}
    check(sorted(kilder) == sorted(n for n in files if n.endswith(".xml") and not n.startswith(".")),
          f"Kilder takes *.xml, not hidden files or others: {sorted(kilder)}")
    check(kilder["b-sof-copy.xml"]["Status"] == "dublet", "byte-identical resend is a duplicate")
    check(kilder["b-sof-copy.xml"]["Erstattet af"] not in (None, "", "b-sof-copy.xml"),
          f"a dublet names the earlier file it repeats: {kilder['b-sof-copy.xml']['Erstattet af']}")
    check(kilder["a-sof.xml"]["Status"] == "erstattet" and kilder["a-sof.xml"]["Erstattet af"] == "c-sof-new.xml",
          f"superseded by a later indsendt: {kilder['a-sof.xml']}")
    check(kilder["d-sof-old.xml"]["Status"] == "erstattet" and kilder["d-sof-old.xml"]["Erstattet af"] == "c-sof-new.xml",
          "an older document does not count")
    check(kilder["e-buf-clash.xml"]["Status"] == "afvist", "an id of another department: rejected")
    fund = records(wb, "Fund")
    check(any(r["Fil"] == "e-buf-clash.xml" and r["Kode"] == "ID_CONFLICT" for r in fund), "ID_CONFLICT")
    check(any(r["Fil"] == "d-sof-old.xml" and r["Kode"] == "DOCUMENT_OLDER" for r in fund), "DOCUMENT_OLDER")
    check(any(r["Fil"] == "i-br-long.xml" and r["Kode"] == "TEXT_TRUNCATED" for r in fund), "TEXT_TRUNCATED")
    ind = {r["Indsats-id"]: r for r in records(wb, "Indsatser")}
    check(sorted(ind) == ["B-1", "K-1", "R-2", "S-1", "S-2", "T-1"], f"counted: {sorted(ind)}")
    check(ind["R-2"]["Titel"] == "æ" * 32767, f"cut to what a cell holds: {len(ind['R-2']['Titel'])}")
    check(ind["S-1"]["Bevilling 2009"] == 2000000, "the superseding document counts")
    _, wf = load(os.path.join(out, "statusredegoerelse-2009-H1.xlsx"))
    ws = wf["Indsatser"]
    cells = {ws.cell(r, 2).value: ws.cell(r, 3) for r in range(2, ws.max_row + 1)}
    t1 = cells["T-1"]
    check(t1.data_type == "s" and t1.value == '=HYPERLINK("http://x")', f"= stays text: {t1.value!r} {t1.data_type}")
    check(cells["K-1"].data_type == "s" and cells["K-1"].value == "+1 stykke", f"+ text, C1 controls removed: {cells['K-1'].value!r}")
    check(cells["B-1"].data_type == "s" and cells["B-1"].value == "-2 eller @mig", "- and @ stay text")
    left = [n for n in os.listdir(out) if n.startswith(".")]
    check(left == [], f"no temporary files left: {left}")


def test_reruns_are_byte_identical(tmp):
    a, b = os.path.join(tmp, "again-a"), os.path.join(tmp, "again-b")
    run(FIXTURES, a, expect_exit=1)
    run(FIXTURES, b, expect_exit=1)
    for name in sorted(os.listdir(a)):
        with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
            check(fa.read() == fb.read(), f"{name}: same inputs, same bytes")
        with zipfile.ZipFile(os.path.join(a, name)) as z:
            blob = b"".join(z.read(n) for n in z.namelist())
            check(tmp.encode() not in blob and b"/tmp" not in blob, f"{name}: no machine path inside")


def test_jobs_give_the_same_bytes(tmp):
    """--jobs N reads the files and writes the workbooks in N threads; the bytes
    never depend on N, and neither does what the run says or records."""
    inbox = os.path.join(tmp, "many-periods")
    os.makedirs(inbox)
    for name in os.listdir(FIXTURES):
        if os.path.isfile(os.path.join(FIXTURES, name)):
            shutil.copy(os.path.join(FIXTURES, name), inbox)
    for year in (2006, 2007, 2008):
        for half in (1, 2):
            body = doc("SOF", "Socialforvaltningen", f"1.{6 * half}.{year}",
                       [f"S{year}{half}-{k}" for k in range(3)]).replace("2009-H1", f"{year}-H{half}").encode()
            with open(os.path.join(inbox, f"SOF-{year}-H{half}.xml"), "wb") as f:
                f.write(body)
    outs, said, reports = {}, {}, {}
    for jobs in (1, 2, 5):
        out = os.path.join(tmp, f"jobs-{jobs}")
        env = dict(os.environ, SOURCE_DATE_EPOCH="1228780800")
        p = subprocess.run([BIN, "run", "--inbox", inbox, "--out", out, "--jobs", str(jobs)],
                           capture_output=True, text=True, env=env)
        check(p.returncode in (0, 1), f"--jobs {jobs}: {p.returncode} {p.stderr}")
        outs[jobs] = {n: open(os.path.join(out, n), "rb").read() for n in sorted(os.listdir(out))}
        said[jobs] = (p.returncode, p.stdout.replace(out, "OUT"), p.stderr)
        # A night: the files' log lines and the workbooks in report.json, in order.
        arkiv, inbox_copy = os.path.join(tmp, f"arkiv-{jobs}"), os.path.join(tmp, f"inbox-{jobs}")
        shutil.copytree(inbox, inbox_copy)
        p = subprocess.run([BIN, "run", "--inbox", inbox_copy, "--archive", arkiv, "--out",
                            os.path.join(tmp, f"night-{jobs}"), "--jobs", str(jobs)],
                           capture_output=True, text=True, env=env)
        check(p.returncode in (0, 1), f"night --jobs {jobs}: {p.returncode} {p.stderr}")
        run_dir = os.path.join(arkiv, "runs", sorted(os.listdir(os.path.join(arkiv, "runs")))[0])
        with open(os.path.join(run_dir, "report.json"), encoding="utf-8") as f:
            report = json.load(f)
        with open(os.path.join(run_dir, "log.jsonl"), encoding="utf-8") as f:
            files = [(e["file"], e["status"], e["sha256"]) for e in map(json.loads, f)
                     if e.get("event") == "file"]
        reports[jobs] = (report["workbooks"], report["periods"], report["counts"], files)
    check(len(outs[1]) >= 10, f"many periods' workbooks: {sorted(outs[1])}")
    check(outs[1] == outs[2] == outs[5], "--jobs 1, 2 and 5 write the same bytes")
    check(said[1] == said[2] == said[5], f"--jobs 1, 2 and 5 say the same: {said[1]} {said[5]}")
    check(len(reports[1][3]) == len(os.listdir(inbox)), f"a log line per file: {reports[1][3]}")
    check(reports[1] == reports[2] == reports[5],
          "a night records the same files in the same order, and the same workbooks, for every N")
    p = subprocess.run([BIN, "run", "--inbox", inbox, "--out", os.path.join(tmp, "x"), "--jobs", "0"],
                       capture_output=True, text=True)
    check(p.returncode == 2, "--jobs 0 is a usage error")


def test_udvikling(tmp):
    """WORKBOOK.md's Udvikling on the fixtures and fixtures/2008-H1, cell by cell. The
    expected rows are what the H1 notes were made to differ in (fixtures/2008-H1)."""
    inbox = both_half_years(FIXTURES, os.path.join(tmp, "two-halves"))
    out = os.path.join(tmp, "two-halves-out")
    run(inbox, out, expect_exit=1)
    wb, _ = load(os.path.join(out, "statusredegoerelse-2008-H2.xlsx"))
    rows = records(wb, "Udvikling")
    got = [(r["Forvaltning"], r["Indsats-id"], r["Ændring"], r["Effekt før"], r["Effekt nu"],
            r["Bevilling før"], r["Bevilling nu"], r["Forskel"]) for r in rows]
    oekf, sof, br = "Økonomiforvaltningen", "Socialforvaltningen", "Borgerrådgiveren"
    want = [
        (oekf, "ARB-01", "effekt bedre", "Begrænset effekt", "Mærkbar effekt", 6400000, 6400000, 0),
        (oekf, "ARB-02", "uændret", "Ikke dokumenteret", "Ikke dokumenteret", 5400000, 5400000, 0),
        (oekf, "ARB-03", "bevilling ændret", "Ingen effekt", "Ingen effekt", 250000, 300000, 50000),
        (oekf, "ARB-04", "uændret", "Ingen effekt", "Ingen effekt", 200000, 200000, 0),
        (oekf, "ARB-05", "uændret", "Minimal effekt", "Minimal effekt", None, None, 0),
        (oekf, "ARB-06", "ny", None, "Ikke dokumenteret", None, 1000000, 1000000),
        (oekf, "ARB-09", "ophørt", "Ingen effekt", None, 400000, None, -400000),
        (sof, "BOL-01", "uændret", "Ønsket effekt", "Ønsket effekt", 500000, 500000, 0),
        (sof, "BOL-02", "effekt dårligere", "Ønsket effekt", "Begrænset effekt", 1000000, 1000000, 0),
        (sof, "BOL-03", "uændret", "Ikke dokumenteret", "Ikke dokumenteret", 3500000, 3500000, 0),
        (sof, "BOL-04", "uændret", "Ønsket effekt", "Ønsket effekt", 1000000, 1000000, 0),
        (sof, "MRT-03", "uændret", "For tidligt at vurdere", "For tidligt at vurdere", None, None, 0),
        (sof, "MRT-05", "uændret", "For tidligt at vurdere", "For tidligt at vurdere", None, None, 0),
        (br, "DIS-01", "uændret", "Begrænset effekt", "Begrænset effekt", 1000000, 1000000, 0),
    ]
    check(got == want, f"Udvikling 2008-H2 row by row: {got}")
    title = wb["Udvikling"]["A1"].value
    check("1. halvår 2008" in title and "ØKF, SOF, BR" in title and "BUF" in title.split("ikke med")[-1],
          f"the title line names what is compared and who is not: {title}")
    ws = openpyxl.load_workbook(os.path.join(out, "statusredegoerelse-2008-H2.xlsx"))["Udvikling"]
    forskel = [ws.cell(r, 11).value for r in range(4, 4 + len(want))]
    check(all(isinstance(f, str) and f.startswith("=J") for f in forskel), f"Forskel is a formula: {forskel[:2]}")
    # Overblik's figures since H1, by hand from the rows above: one better (ARB-01), one
    # worse (BOL-02), one new, one ended; into the limited categories BOL-02's 1.000.000
    # (ønsket → begrænset), out of them ARB-01's 6.400.000 (begrænset → mærkbar).
    ov = wb["Overblik"]
    figures = {ov.cell(r, 1).value: ov.cell(r, 2).value for r in range(1, ov.max_row + 1)}
    check((figures.get("Indsatser med bedre effekt"), figures.get("Indsatser med dårligere effekt"),
           figures.get("Indsatser med ændret effekt (uden rangorden)"), figures.get("Nye indsatser"),
           figures.get("Ophørte indsatser")) == (1, 1, 0, 1, 1), f"Overblik's counts: {figures}")
    into = [v for k, v in figures.items() if k and k.startswith("Bevilling på indsatser, hvis effekt er gået over til")]
    check(into == [1000000] and figures.get("Bevilling på indsatser, hvis effekt er gået den anden vej") == 6400000,
          f"money into and out of the limited categories: {into}")
    wb, _ = load(os.path.join(out, "OEKF-2008-H2.xlsx"))
    check([r["Indsats-id"] for r in records(wb, "Udvikling")] ==
          ["ARB-01", "ARB-02", "ARB-03", "ARB-04", "ARB-05", "ARB-06", "ARB-09"], "ØKF's own rows")
    wb, _ = load(os.path.join(out, "BUF-2008-H2.xlsx"))
    check(records(wb, "Udvikling") == [] and "ikke med" in wb["Udvikling"]["A1"].value,
          f"BUF did not report in H1: no new rows, and it says so: {wb['Udvikling']['A1'].value}")
    wb, _ = load(os.path.join(out, "statusredegoerelse-2008-H1.xlsx"))
    check(records(wb, "Udvikling") == [] and "ingen statusnotater for 2. halvår 2007" in wb["Udvikling"]["A1"].value,
          f"nothing before H1: an empty table and a sentence: {wb['Udvikling']['A1'].value}")
    return out


PERIODER = ["Periode", "Seneste budgetår", "Bevilget", "Heraf begrænset effekt", "Andel", "Ramme",
            "Indsatser", "Godkendte dokumenter", "Afviste dokumenter"]


def test_oversigt(out):
    """WORKBOOK.md's overview across periods on both fixture half years, cell by cell.
    By hand from the fixtures (2009 is both halves' latest budget year):
    2008-H1: ØKF 6.400.000 + 5.400.000 + 250.000 + 200.000 + 400.000 = 12.650.000, all on
    limited effect; SOF 500.000 + 1.000.000 + 3.500.000 + 1.000.000 = 6.000.000 of which
    3.500.000 (BOL-03, ikke dokumenteret); BR 1.000.000 (begrænset): 19.650.000 granted,
    17.150.000 limited, 13 indsatser (6 + 6 + 1), 3 documents. 2008-H2: 20.300.000 and
    12.400.000 (test_aggregate), 16 indsatser (ØKF 6, SOF 6, BUF 2, BIF 1, BR 1), 5 accepted
    and the one rejected document with a period (bad-ambiguous-amount, KFF)."""
    names = sorted(n for n in os.listdir(out) if n.endswith("-oversigt.xlsx"))
    check(names == sorted(f"{s}-oversigt.xlsx" for s in ("statusredegoerelse", "OEKF", "SOF", "BUF",
                                                         "BIF", "BR", "KFF")),
          f"one overview for the municipality and one per department that sent anything: {names}")
    path = os.path.join(out, "statusredegoerelse-oversigt.xlsx")
    wb, wf = load(path)
    check(wb.sheetnames == ["Oversigt", "Data", "Afviste"], f"{path}: sheets {wb.sheetnames}")
    ws, header, rows, _ = table(wb, "Perioder")
    check(header == PERIODER, f"Perioder columns: {header}")
    check(ws.tables["Perioder"].autoFilter is not None, "Perioder has filters")
    first = openpyxl.utils.cell.range_boundaries(ws.tables["Perioder"].ref)[1]
    check(ws.freeze_panes == f"A{first + 1}" and ws.page_setup.orientation == "landscape",
          f"header frozen, landscape: {ws.freeze_panes}")
    want = [["2008-H1", 2009, 19650000, 17150000, 17150000 / 19650000, 26500000, 13, 3, 0],
            ["2008-H2", 2009, 20300000, 12400000, 12400000 / 20300000, 26500000, 16, 5, 1]]
    check(len(rows) == 2 and all(r[:4] == w[:4] and r[5:] == w[5:] and abs(r[4] - w[4]) < 1e-12
                                 for r, w in zip(rows, want)), f"Perioder row by row: {rows}")
    fs = wf["Oversigt"]
    andel = [fs.cell(first + 1 + i, 5).value for i in range(2)]
    check(andel == [f"=IF(C{first + 1 + i}=0,0,D{first + 1 + i}/C{first + 1 + i})" for i in range(2)],
          f"Andel is a formula over its row: {andel}")
    check(all(isinstance(v, int) for r in rows for v in (r[2], r[3])), "money is whole numbers")
    # The line chart of Andel over the periods.
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    check(len(charts) == 1 and "<c:lineChart>" in charts[0], "one line chart")
    check(f"Oversigt!$E${first + 1}:$E${first + 2}" in charts[0] and
          f"Oversigt!$A${first + 1}:$A${first + 2}" in charts[0], "it draws Andel over the periods")
    # A department's own periods, its own money; the frame only in the municipality's.
    wb, _ = load(os.path.join(out, "SOF-oversigt.xlsx"))
    _, _, rows, _ = table(wb, "Perioder")
    check([r[:4] + [r[5]] + r[6:] for r in rows] ==
          [["2008-H1", 2009, 6000000, 3500000, None, 6, 1, 0],
           ["2008-H2", 2009, 6000000, 4500000, None, 6, 1, 0]], f"SOF's periods: {rows}")
    wb, _ = load(os.path.join(out, "BUF-oversigt.xlsx"))
    _, _, rows, _ = table(wb, "Perioder")
    check([r[0] for r in rows] == ["2008-H2"], f"BUF did not report in H1: one period: {rows}")
    wb, _ = load(os.path.join(out, "KFF-oversigt.xlsx"))
    _, _, rows, _ = table(wb, "Perioder")
    check([r[0] for r in rows] == ["2008-H2"] and rows[0][6:] == [0, 0, 1],
          f"KFF's only note was rejected: {rows}")


def test_failed_write_keeps_the_old_workbook(tmp):
    """A workbook that cannot be written leaves the one in place untouched."""
    out = os.path.join(tmp, "atomic")
    run(FIXTURES, out, expect_exit=1)
    target = os.path.join(out, "statusredegoerelse-2008-H2.xlsx")
    with open(target, "rb") as f:
        before = f.read()
    os.mkdir(os.path.join(out, ".statusredegoerelse-2008-H2.xlsx.tmp"))  # blocks the temp file
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH + 86400))
    p = subprocess.run([BIN, "run", "--inbox", FIXTURES, "--out", out], env=env,
                       capture_output=True, text=True)
    check(p.returncode == 4, f"a failed write exits 4: {p.returncode} {p.stderr}")
    check("statusredegoerelse-2008-H2.xlsx" in p.stderr, f"the message names the workbook: {p.stderr}")
    with open(target, "rb") as f:
        check(f.read() == before, "the previous workbook is untouched")


def main():
    tmp = tempfile.mkdtemp(prefix="statusnotat-wb-")
    try:
        out = os.path.join(tmp, "out")
        p = run(FIXTURES, out, expect_exit=1)
        check("AMOUNT_INVALID" in p.stderr, "rejections on stderr")
        test_combined(out)
        test_alt_texts(out)
        test_departments(out)
        test_jobs_give_the_same_bytes(tmp)
        test_oversigt(test_udvikling(tmp))
        test_identity_and_safe_cells(tmp)
        test_reruns_are_byte_identical(tmp)
        test_failed_write_keeps_the_old_workbook(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish("workbook_test")


main()
