#!/usr/bin/python3
"""golden_test.py BIN FIXTURES GOLDEN [--bless] — golden workbooks, after
libxlsxwriter's test/functional: the fixtures (both half years) are run
without an archive at a fixed time, and every part of every workbook is
compared with the unpacked XML kept in GOLDEN/<workbook>/<part>, each written
with a line break between adjacent tags so that a change shows as a readable
diff. A change of bytes is blessed on purpose: --bless writes GOLDEN anew, and
the diff is reviewed in the commit."""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES, GOLDEN = sys.argv[1], sys.argv[2], sys.argv[3]
BLESS = "--bless" in sys.argv[4:]


def readable(data):
    """The part's text with a line break between adjacent tags (nothing else
    changed: text and attributes are as written)."""
    text = data.decode("utf-8")
    return text.replace("><", ">\n<")


def main():
    tmp = tempfile.mkdtemp(prefix="statusnotat-golden-")
    try:
        inbox = os.path.join(tmp, "inbox")
        os.makedirs(inbox)
        for folder in (FIXTURES, os.path.join(FIXTURES, "2008-H1")):
            for name in sorted(os.listdir(folder)):
                if name.endswith((".xml", ".xml.gz")):
                    shutil.copy(os.path.join(folder, name), inbox)
        out = os.path.join(tmp, "out")
        env = dict(os.environ, SOURCE_DATE_EPOCH="1228780800", STATUSNOTAT_TEST_VERSION="golden")
        p = subprocess.run([BIN, "run", "--inbox", inbox, "--out", out, "--jobs", "1"], env=env,
                           capture_output=True, text=True)
        check(p.returncode == 1, f"the fixtures run (two rejected): {p.returncode} {p.stderr[-300:]}")
        books = sorted(n for n in os.listdir(out) if n.endswith(".xlsx"))
        if BLESS:
            shutil.rmtree(GOLDEN, ignore_errors=True)
        kept = sorted(os.listdir(GOLDEN)) if os.path.isdir(GOLDEN) else []
        check(BLESS or kept == [b[:-5] for b in books],
              f"the workbooks are the golden ones: new {sorted(set(b[:-5] for b in books) - set(kept))}, "
              f"gone {sorted(set(kept) - set(b[:-5] for b in books))}")
        for book in books:
            with zipfile.ZipFile(os.path.join(out, book)) as z:
                parts = sorted(z.namelist())
                base = os.path.join(GOLDEN, book[:-5])
                if BLESS:
                    for part in parts:
                        path = os.path.join(base, part)
                        os.makedirs(os.path.dirname(path), exist_ok=True)
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(readable(z.read(part)))
                    continue
                golden_parts = sorted(os.path.relpath(os.path.join(d, f), base)
                                      for d, _, fs in os.walk(base) for f in fs)
                check(parts == golden_parts, f"{book}: the parts are the golden ones: "
                      f"new {sorted(set(parts) - set(golden_parts))}, gone {sorted(set(golden_parts) - set(parts))}")
                for part in parts:
                    want_path = os.path.join(base, part)
                    if not os.path.exists(want_path):
                        continue
                    got = readable(z.read(part)).splitlines(keepends=True)
                    want = open(want_path, encoding="utf-8").read().splitlines(keepends=True)
                    diff = "".join(list(difflib.unified_diff(want, got, f"golden/{book[:-5]}/{part}",
                                                             f"now/{book[:-5]}/{part}", n=2))[:60])
                    check(got == want, f"{book}: {part} differs from the golden one "
                          f"(tests/workbooks/golden_test.py --bless writes it anew):\n{diff}")
        if BLESS:
            print(f"golden_test: blessed {len(books)} workbooks into {GOLDEN}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish("golden_test")


main()
