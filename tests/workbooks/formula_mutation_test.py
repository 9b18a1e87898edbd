#!/usr/bin/python3
"""formula_mutation_test.py BIN FIXTURES — proof that a misplaced reference
cannot pass: every reference from one sheet to a cell of another (in cell
formulas and in chart series) is moved, in turn, by one row and by one column,
and tests/workbooks/formula_check.py must find each mutant wrong. A reference the check
cannot see moving would be a layout the tests do not hold.

Also checks that the workbooks themselves pass formula_check, and that cell
formulas refer to other sheets by the tables' structured references only (the
layout of a sheet is then decided in one place)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from formula_check import check_workbook  # noqa: E402
from harness import check, finish  # noqa: E402

BIN, FIXTURES = sys.argv[1], sys.argv[2]

# Sheet!A1 or Sheet!$A$1:$A$9 (and 'Sheet name'!…) inside a formula or a chart.
CROSS = re.compile(r"((?:'[^']+'|[A-Za-zÆØÅæøå_][A-Za-z0-9ÆØÅæøå_]*)!)"
                   r"(\$?)([A-Z]{1,3})(\$?)(\d+)(?::(\$?)([A-Z]{1,3})(\$?)(\d+))?")


def col_shift(col, by):
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    n += by
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def moved(m, rows, cols):
    sheet, d1, c1, d2, r1, d3, c2, d4, r2 = m.groups()
    text = f"{sheet}{d1}{col_shift(c1, cols)}{d2}{int(r1) + rows}"
    if c2:
        text += f":{d3}{col_shift(c2, cols)}{d4}{int(r2) + rows}"
    return text


def references(book):
    """(member, start, end, match) of every cross-sheet cell reference."""
    out = []
    with zipfile.ZipFile(book) as z:
        for member in z.namelist():
            if not (member.startswith("xl/worksheets/sheet") or member.startswith("xl/charts/chart")):
                continue
            xml = z.read(member).decode("utf-8")
            for f in re.finditer(r"<(?:c:)?f>(.*?)</(?:c:)?f>", xml, re.S):
                for m in CROSS.finditer(f.group(1)):
                    out.append((member, f.start(1) + m.start(), f.start(1) + m.end(), m))
    return out


def mutant(book, member, start, end, replacement, path):
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                text = data.decode("utf-8")
                data = (text[:start] + replacement + text[end:]).encode("utf-8")
            dst.writestr(item, data)


def main():
    root = tempfile.mkdtemp(prefix="statusnotat-mutation-")
    try:
        out = os.path.join(root, "out")
        p = subprocess.run([BIN, "run", "--inbox", FIXTURES, "--out", out], capture_output=True,
                           text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1228780800"))
        check(p.returncode in (0, 1), f"run: {p.returncode} {p.stderr}")
        books = sorted(os.path.join(out, b) for b in os.listdir(out))
        total = 0
        for book in books:
            name = os.path.basename(book)
            problems = check_workbook(book)
            check(not problems, f"{name} passes formula_check: {problems[:3]}")
            refs = references(book)
            for member, start, end, m in refs:
                check(member.startswith("xl/charts/"),
                      f"{name}: a cell formula refers to another sheet's cell ({m.group(0)} in "
                      f"{member}); use the table's structured reference")
                for rows, cols in ((1, 0), (-1, 0), (0, 1)):
                    if int(m.group(5)) + rows < 1:
                        continue
                    path = os.path.join(root, "mutant.xlsx")
                    mutant(book, member, start, end, moved(m, rows, cols), path)
                    total += 1
                    check(check_workbook(path),
                          f"{name}: {m.group(0)} in {member} moved by {rows} row(s), {cols} column(s) "
                          "is not caught")
        check(total > 0, "there are chart references to mutate")
        print(f"{total} mutants, each caught")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    finish("formula_mutation_test")


main()
