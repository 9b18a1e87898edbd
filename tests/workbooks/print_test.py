#!/usr/bin/python3
"""print_test.py BIN FIXTURES — the workbooks on paper, as a finance employee
prints them.

Runs statusnotat on the fixtures, has LibreOffice print every workbook to PDF
(headless, A4 as the workbook sets it) and reads the PDF back with poppler's
pdftotext -bbox:

- no page prints its text below 60 %: the smallest word on each page is at
  least 60 % of the height the same default font has on a reference page
  printed at 100 % (made with openpyxl, so the yardstick is independent of the
  program);
- every table's header is on paper (each header cell's words are in the PDF);
- long titles, validation messages and their fix hints are not cut off by the
  next cell (every word of every Titel and Besked is in the PDF);
- Overblik names the period as people say it ("2. halvår 2008");
- an overview across periods prints on one page with its periods.

Exits 77 (CTest: skipped) where LibreOffice or pdftotext is not installed; CI
installs both (scripts/install-deps.sh --office)."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

BIN, FIXTURES = sys.argv[1], sys.argv[2]
SKIP = 77
if not shutil.which("soffice") or not shutil.which("pdftotext"):
    print("SKIPPED: LibreOffice or pdftotext is not installed; scripts/install-deps.sh --office installs them")
    sys.exit(SKIP)

import openpyxl  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

MIN_SCALE = 0.60


def to_pdf(xlsx, outdir, profile):
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", outdir, xlsx],
                   check=True, capture_output=True, timeout=300)
    return os.path.join(outdir, os.path.splitext(os.path.basename(xlsx))[0] + ".pdf")


def pages(pdf):
    """Per page: the list of (word, height)."""
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True,
                          text=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        words = [(w, float(y2) - float(y1)) for y1, y2, w in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
        out.append(words)
    return out


def unescape(s):
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def main():
    root = tempfile.mkdtemp(prefix="statusnotat-print-")
    profile = os.path.join(root, "profile")
    try:
        out = os.path.join(root, "out")
        p = subprocess.run([BIN, "run", "--inbox", FIXTURES, "--out", out], capture_output=True,
                           text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1228780800"))
        check(p.returncode in (0, 1), f"run: {p.returncode} {p.stderr}")

        # The yardstick: the default font at 100 %.
        ref = openpyxl.Workbook()
        ref.active["A1"] = "Reference Økonomiforvaltningen 2008"
        ref.active.page_setup.scale = 100
        ref_path = os.path.join(root, "reference.xlsx")
        ref.save(ref_path)
        ref_words = pages(to_pdf(ref_path, root, profile))[0]
        full = min(h for _, h in ref_words)
        check(full > 5, f"the reference page has text: {ref_words}")

        books = sorted(glob.glob(os.path.join(out, "*.xlsx")))
        check(len(books) >= 6, f"the fixtures' workbooks: {books}")
        for book in books:
            name = os.path.basename(book)
            pdf_pages = pages(to_pdf(book, root, profile))
            check(pdf_pages, f"{name}: printed")
            for i, words in enumerate(pdf_pages, 1):
                if not words:
                    continue
                smallest = min(h for _, h in words)
                check(smallest >= MIN_SCALE * full,
                      f"{name} page {i}: text printed at {smallest / full:.0%} of its size "
                      f"(smallest word {min(words, key=lambda x: x[1])[0]!r})")
            on_paper = {unescape(w) for page in pdf_pages for w, _ in page}
            wb = openpyxl.load_workbook(book)
            for ws in wb.worksheets:
                for table in ws.tables.values():
                    c1, r1, c2, _ = openpyxl.utils.cell.range_boundaries(table.ref)
                    for c in range(c1, c2 + 1):
                        header = str(ws.cell(r1, c).value)
                        missing = [w for w in header.split() if w not in on_paper]
                        check(not missing, f"{name}: the header {header!r} of table {table.name} "
                              f"is on paper (missing {missing})")
            if name.endswith("-oversigt.xlsx"):
                # The overview across periods: its title and every period on paper.
                text = " ".join(w for w, _ in pdf_pages[0])
                check("alle perioder" in text and "2008-H2" in text and len(pdf_pages) == 1,
                      f"{name}: one page naming the periods: {text[:120]}")
                continue
            for sheet, table, column in (("Indsatser", "Indsatser", "Titel"),
                                         ("Validering", "Fund", "Besked")):
                ws = wb[sheet]
                c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables[table].ref)
                headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
                col = c1 + headers.index(column)
                for r in range(r1 + 1, r2 + 1):
                    text = ws.cell(r, col).value
                    if not isinstance(text, str):
                        continue
                    missing = [w for w in text.split() if w not in on_paper]
                    check(not missing, f"{name}: {column} on row {r} is printed whole "
                          f"(missing {missing[:3]}): {text[:60]}")
            title = wb["Overblik"]["A1"].value
            check(title and "2. halvår 2008" in title and "2. halvår 2008" in
                  " ".join(w for w, _ in pdf_pages[0]), f"{name}: Overblik names the period: {title}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    finish("print_test")


main()
