#!/usr/bin/python3
"""libreoffice_recalc.py BIN FIXTURES — a real client opens every workbook.

LibreOffice (headless, driven over UNO) loads each workbook the run writes,
recalculates everything, and every formula's recalculated value must equal
the value stored in the file (read independently with openpyxl), with no
formula in error. Exits 77 (CTest: skipped) when LibreOffice or its Python
bridge is not installed; CI installs both (scripts/install-deps.sh --office)."""
import os
import shutil
import subprocess
import sys
import tempfile

BIN, FIXTURES = sys.argv[1], sys.argv[2]
SKIP = 77

soffice = shutil.which("soffice")
try:
    import uno  # noqa: F401  (Debian's python3-uno)
except ImportError:
    uno = None
if not soffice or uno is None:
    print("SKIPPED: LibreOffice is not installed (soffice and python3-uno); "
          "scripts/install-deps.sh --office installs it")
    sys.exit(SKIP)

import openpyxl  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import both_half_years, check, finish  # noqa: E402
from office import connect, prop  # noqa: E402


def close_enough(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return (a or "") == (b or "")
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def check_workbook(desktop, path):
    stored = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path)
    doc = desktop.loadComponentFromURL("file://" + path, "_blank", 0, (prop("Hidden", True),))
    try:
        doc.calculateAll()
        name = os.path.basename(path)
        n_formulas = 0
        for ws in formulas.worksheets:
            sheet = doc.Sheets.getByName(ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                        continue
                    n_formulas += 1
                    lo = sheet.getCellByPosition(cell.column - 1, cell.row - 1)
                    want = stored[ws.title].cell(cell.row, cell.column).value
                    where = f"{name} {ws.title}!{cell.coordinate} {cell.value}"
                    if lo.getError() != 0:
                        check(False, f"{where}: LibreOffice error {lo.getError()}")
                        continue
                    got = lo.getValue() if not isinstance(want, str) else lo.getString()
                    check(want is not None, f"{where}: no stored value")
                    if want is not None:
                        check(close_enough(got, want), f"{where}: recalculated {got}, stored {want}")
        check(n_formulas > 0, f"{name}: has formulas")
        return n_formulas
    finally:
        doc.close(True)


def main():
    tmp = tempfile.mkdtemp(prefix="statusnotat-lo-")
    proc = None
    try:
        out = os.path.join(tmp, "out")
        env = dict(os.environ, SOURCE_DATE_EPOCH="1228780800")
        # Both half years, so that Udvikling's formulas are there to recalculate.
        inbox = both_half_years(FIXTURES, os.path.join(tmp, "inbox"))
        subprocess.run([BIN, "run", "--inbox", inbox, "--out", out], env=env,
                       capture_output=True, check=False)
        books = sorted(os.path.join(out, n) for n in os.listdir(out) if n.endswith(".xlsx"))
        # 11 workbooks of the two half years, and 7 overviews across them (Perioder's Andel)
        check(len(books) == 18, f"18 workbooks (two half years and the overviews), got {len(books)}")
        check(sum(b.endswith("-oversigt.xlsx") for b in books) == 7, "7 overviews")
        proc, desktop = connect(tmp)
        total = sum(check_workbook(desktop, b) for b in books)
        print(f"libreoffice_recalc: {len(books)} workbooks, {total} formulas recalculated")
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        if proc:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    finish("libreoffice_recalc")


main()
