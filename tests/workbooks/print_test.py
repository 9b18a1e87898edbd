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
- Overblik names the period as people say it ("2. halvår 2008"), and prints
  on at most two pages;
- charts print whole: every chart's frame is read from the PDF (PyMuPDF's
  vector drawings: the thin grey box the program draws round each chart) —
  as many frames as the workbook has charts, each of full height and inside
  its page; a chart cut by a page break would show as two short pieces;
- an overview across periods prints its Oversigt (the chart and every
  period) on its first page.

Exits 77 (CTest: skipped) where LibreOffice, pdftotext or PyMuPDF is not
installed; CI installs them (scripts/install-deps.sh --office)."""
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
import zipfile  # noqa: E402

try:
    import fitz  # noqa: E402  (Debian's python3-fitz: PyMuPDF)
except ImportError:
    print("SKIPPED: PyMuPDF is not installed; scripts/install-deps.sh --office installs it")
    sys.exit(SKIP)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import both_half_years, check, finish  # noqa: E402

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


FRAME_GREY = 0xA6 / 255


def chart_frames(pdf):
    """Per page: (page rect, [frame rects]) — the charts' grey frames."""
    out = []
    with fitz.open(pdf) as doc:
        for page in doc:
            frames = []
            for d in page.get_drawings():
                r, color = d["rect"], d.get("color")
                if (color and all(abs(c - FRAME_GREY) < 0.02 for c in color) and r.width > 100
                        and r.height > 60):
                    frames.append(r)
            out.append((page.rect, frames, page.get_text()))
    return out


def check_charts(name, book, pdf):
    """Every chart of the workbook on paper whole: one frame per chart, all of
    the same (full) height, each inside its page; and Overblik on at most two
    pages."""
    with zipfile.ZipFile(book) as z:
        n_charts = sum(1 for n in z.namelist() if n.startswith("xl/charts/chart"))
    pages = chart_frames(pdf)
    frames = [(i, page, r) for i, (page, rs, _) in enumerate(pages) for r in rs]
    check(len(frames) == n_charts, f"{name}: {n_charts} charts, {len(frames)} chart frames on paper "
          f"(a chart cut by a page break shows as two pieces): {[(i, tuple(round(v) for v in r)) for i, _, r in frames]}")
    if frames:
        tallest = max(r.height for _, _, r in frames)
        for i, page, r in frames:
            check(r.height > 0.95 * tallest and r.y0 >= page.y0 and r.y1 <= page.y1 and r.x0 >= page.x0
                  and r.x1 <= page.x1,
                  f"{name}: the chart on page {i + 1} is whole and on its page: {tuple(round(v) for v in r)} "
                  f"in {tuple(round(v) for v in page)}")
    if not name.endswith("-oversigt.xlsx"):
        # Overblik is the first sheet and has no footer; the next sheet's
        # pages start with their footer ("Indsatser", "1 / N").
        overblik = next((i for i, (_, _, text) in enumerate(pages) if text.startswith("Indsatser\n")),
                        len(pages))
        check(1 <= overblik <= 2, f"{name}: Overblik prints on {overblik} pages (at most two)")


def unescape(s):
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def main():
    root = tempfile.mkdtemp(prefix="statusnotat-print-")
    profile = os.path.join(root, "profile")
    try:
        out = os.path.join(root, "out")
        # Both half years: Overblik with everything it can hold (changes since
        # the half year before), and an overview of two periods.
        inbox = both_half_years(FIXTURES, os.path.join(root, "inbox"))
        p = subprocess.run([BIN, "run", "--inbox", inbox, "--out", out], capture_output=True,
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
            check_charts(name, book, os.path.join(root, os.path.splitext(name)[0] + ".pdf"))
            if name.endswith("-oversigt.xlsx"):
                # The overview across periods: its title and every period on
                # its first page.
                text = " ".join(w for w, _ in pdf_pages[0])
                check("alle perioder" in text and "2008-H2" in text,
                      f"{name}: the first page names the periods: {text[:120]}")
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
            half = "1. halvår 2008" if "2008-H1" in name else "2. halvår 2008"
            check(title and half in title and half in " ".join(w for w, _ in pdf_pages[0]),
                  f"{name}: Overblik names the period: {title}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    finish("print_test")


main()
