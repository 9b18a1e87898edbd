#!/usr/bin/python3
"""formula_check.py XLSX... — every formula and chart of a workbook checked
without a spreadsheet program and without trusting the values the program
cached:

- every formula is recalculated here from the workbook's own cells (a small
  evaluator for the formulas statusnotat writes: + - * /, comparisons, cell and
  range references on any sheet, structured references Table[Column], SUM,
  SUMIFS, COUNTIFS, COUNTA, SUBTOTAL(109, …) and IF), and must equal the value
  stored with it;
- every chart series must draw a column of a table: its categories the table's
  first column, its values the column whose header is the series' name, over
  exactly the table's data rows.

Used by tests/workbooks/formula_mutation_test.py (which moves every cross-sheet
reference by one row or column and must see this check fail) and run by CTest
on the fixtures' workbooks and on a seeded corpus. LibreOffice recalculates the
same workbooks in CI (tests/workbooks/libreoffice_recalc.py); this check runs anywhere."""
import re
import sys
import zipfile

import openpyxl
from openpyxl.utils.cell import column_index_from_string, range_boundaries


class FormulaError(Exception):
    pass


class ErrorValue:
    """#DIV/0! as a value, so that IF's untaken branch may hold one."""

    def __repr__(self):
        return "#DIV/0!"


DIV0 = ErrorValue()


TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<structured>[A-Za-z_][A-Za-z0-9_.]*\[[^\]]*\])
  | (?P<ref>(?:'[^']+'|[A-Za-zÆØÅæøå_][A-Za-z0-9ÆØÅæøå_]*)!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?
            |\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![A-Za-z0-9(])
  | (?P<func>[A-Z][A-Z0-9.]*)\(
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<op><=|>=|<>|[-+*/=<>(),&])
""", re.X)


def tokenize(text):
    pos, out = 0, []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise FormulaError(f"cannot read {text[pos:pos + 20]!r} in {text!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(kind)))
    return out


class Workbook:
    def __init__(self, path):
        self.path = path
        self.formulas = openpyxl.load_workbook(path)
        self.cached = openpyxl.load_workbook(path, data_only=True)
        self.tables = {}
        for ws in self.formulas.worksheets:
            for t in ws.tables.values():
                c1, r1, c2, r2 = range_boundaries(t.ref)
                headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
                self.tables[t.name] = (ws.title, c1, r1, c2, r2, headers)
        self.memo = {}

    # -- values --------------------------------------------------------------
    def cell(self, sheet, row, col):
        key = (sheet, row, col)
        if key in self.memo:
            return self.memo[key]
        v = self.formulas[sheet].cell(row, col).value
        if isinstance(v, str) and v.startswith("="):
            self.memo[key] = None   # a cycle reads as empty
            v = self.evaluate(v, sheet)
        self.memo[key] = v
        return v

    def area(self, sheet, c1, r1, c2, r2):
        return [self.cell(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def structured(self, text):
        name, col = re.match(r"([^\[]+)\[([^\]]*)\]", text).groups()
        if name not in self.tables:
            raise FormulaError(f"no table {name}")
        sheet, c1, r1, c2, r2, headers = self.tables[name]
        if col not in headers:
            raise FormulaError(f"table {name} has no column {col!r}")
        c = c1 + headers.index(col)
        return self.area(sheet, c, r1 + 1, c, r2)

    def reference(self, text, sheet):
        if "!" in text:
            sheet, text = text.rsplit("!", 1)
            sheet = sheet.strip("'")
        if sheet not in self.formulas.sheetnames:
            raise FormulaError(f"no sheet {sheet}")
        c1, r1, c2, r2 = range_boundaries(text.replace("$", ""))
        if ":" not in text:
            return self.cell(sheet, r1, c1)
        return self.area(sheet, c1, r1, c2, r2)

    # -- the evaluator ---------------------------------------------------------
    def evaluate(self, formula, sheet):
        return Parser(self, tokenize(formula[1:]), sheet).formula(formula)


class Parser:
    """One formula's reading; cells it refers to are evaluated by their own."""

    def __init__(self, wb, tokens, sheet):
        self.wb, self.tokens, self.pos, self.sheet = wb, tokens, 0, sheet

    def formula(self, text):
        v = self.comparison()
        if v is DIV0:
            raise FormulaError("#DIV/0!")
        if self.pos != len(self.tokens):
            raise FormulaError(f"unread rest of {text!r}")
        return v

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise FormulaError(f"expected {value!r}, got {tok}")
        self.pos += 1
        return tok

    def comparison(self):
        left = self.additive()
        while self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.additive()
            a, b = num(left), num(right)
            left = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return left

    def additive(self):
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            left = num(left) + num(right) if op == "+" else num(left) - num(right)
        return left

    def term(self):
        left = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.unary()
            if op == "*":
                left = num(left) * num(right)
            else:
                left = DIV0 if num(right) == 0 else num(left) / num(right)
        return left

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return -num(self.unary())
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "structured":
            return self.wb.structured(text)
        if kind == "ref":
            return self.wb.reference(text, self.sheet)
        if kind == "op" and text == "(":
            v = self.comparison()
            self.take(")")
            return v
        if kind == "func":
            args = []
            if self.peek()[1] != ")":
                args.append(self.comparison())
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.comparison())
            self.take(")")
            return call(text, args)
        raise FormulaError(f"unexpected {text!r}")


def num(v):
    if v is DIV0:
        raise FormulaError("#DIV/0!")
    if isinstance(v, list):
        raise FormulaError("a range where a number was meant")
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    raise FormulaError(f"text {v!r} where a number was meant")


def numbers(values):
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def matches(value, criterion):
    if isinstance(criterion, str):
        return isinstance(value, str) and value.lower() == criterion.lower()
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value) == float(criterion)


def call(name, args):
    if name in ("SUM", "SUBTOTAL"):
        if name == "SUBTOTAL":
            if num(args[0]) != 109:
                raise FormulaError("only SUBTOTAL(109, …)")
            args = args[1:]
        total = 0.0
        for a in args:
            total += sum(numbers(a)) if isinstance(a, list) else num(a)
        return total
    if name == "COUNTA":
        return float(sum(1 for v in args[0] if v not in (None, "")))
    if name in ("SUMIFS", "COUNTIFS"):
        target = args[0] if name == "SUMIFS" else None
        pairs = args[1:] if name == "SUMIFS" else args
        ranges, criteria = pairs[0::2], pairs[1::2]
        n = len(ranges[0])
        total = 0.0
        for i in range(n):
            if all(matches(r[i], c) for r, c in zip(ranges, criteria)):
                total += num(target[i]) if target is not None else 1.0
        return total
    if name == "IF":
        return args[1] if num(args[0]) else (args[2] if len(args) > 2 else False)
    raise FormulaError(f"function {name} is not one statusnotat writes")


def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def check_formulas(wb):
    """Problems: every formula recalculated against its stored value."""
    problems = []
    for ws in wb.formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    cached = wb.cached[ws.title].cell(c.row, c.column).value
                    try:
                        got = wb.evaluate(c.value, ws.title)
                    except FormulaError as err:
                        problems.append(f"{ws.title}!{c.coordinate} {c.value}: {err}")
                        continue
                    if not close(got, cached):
                        problems.append(f"{ws.title}!{c.coordinate} {c.value}: recalculated {got!r}, "
                                        f"stored {cached!r}")
    return problems


def sheet_of_range(ref):
    sheet, area = ref.lstrip("=").rsplit("!", 1)
    return sheet.strip("'"), range_boundaries(area.replace("$", ""))


def check_charts(wb):
    """Problems: every chart series draws one column of one table."""
    problems = []
    with zipfile.ZipFile(wb.path) as z:
        charts = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
        for name in charts:
            xml = z.read(name).decode("utf-8")
            for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S):
                title = re.search(r"<c:tx>.*?<c:v>(.*?)</c:v>", ser, re.S)
                cat = re.search(r"<c:cat>.*?<c:f>(.*?)</c:f>", ser, re.S)
                val = re.search(r"<c:val>.*?<c:f>(.*?)</c:f>", ser, re.S)
                if not (title and cat and val):
                    problems.append(f"{name}: a series without a name, categories or values")
                    continue
                series = title.group(1)
                (cs, (cc1, cr1, cc2, cr2)), (vs, (vc1, vr1, vc2, vr2)) = \
                    sheet_of_range(cat.group(1)), sheet_of_range(val.group(1))
                found = False
                for tname, (tsheet, c1, r1, c2, r2, headers) in wb.tables.items():
                    if tsheet != cs or cc1 != c1 or cc2 != c1:
                        continue
                    if (cr1, cr2) != (r1 + 1, r2) or (vr1, vr2) != (r1 + 1, r2) or vs != tsheet:
                        continue
                    if vc1 != vc2 or not c1 <= vc1 <= c2 or headers[vc1 - c1] != series:
                        continue
                    found = True
                if not found:
                    problems.append(f"{name}: series {series!r} ({cat.group(1)}, {val.group(1)}) is not "
                                    "a table's first column against the column of that name")
    return problems


def check_workbook(path):
    wb = Workbook(path)
    return check_formulas(wb) + check_charts(wb)


def main():
    failed = passed = 0
    for path in sys.argv[1:]:
        problems = check_workbook(path)
        for p in problems:
            print(f"FAIL: {path}: {p}")
        failed += len(problems)
        passed += not problems
    print(f"formula_check: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
