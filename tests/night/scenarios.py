#!/usr/bin/python3
"""scenarios.py BIN FIXTURES CONFIG DIR — declarative night scenarios, after
curl's tests/data/testNNNN: each DIR/NNNN-*.scenario is a file of steps run in
a fresh inbox, archive and out folder, in order; the first line is its title.

Steps (one a line; '#' starts a comment; an indented line continues the
block of the step above it):

  deliver FILE [as NAME] [replace OLD NEW]   a fixture (fixtures/ or
                                   fixtures/2008-H1/) into the inbox, renamed,
                                   with one text replaced ("…" quotes)
  link NAME TARGET                 a symbolic link in the inbox
  night EPOCH exit N               statusnotat run at SOURCE_DATE_EPOCH, exit N
  rerun RUN exit N                 RUN: a run id, or #k for the k-th run
  verify exit N                    statusnotat verify --archive --out
  backup exit N                    statusnotat backup into a fresh folder,
                                   then verify of the copy must exit 0
  remove-out NAME / edit-out NAME  a workbook deleted or changed in the share
  damage ARCHIVE-GLOB              one byte of an archive file flipped
  stdout TEXT / stderr TEXT        the last command's output contains TEXT
  runs                             `statusnotat runs`, line by line exactly
    <the lines, indented>
  archive                          every pattern (glob, relative to the
    <patterns, indented>           archive) matches a file; "!pattern" none
  inbox                            the inbox holds exactly these names
    <names, indented>              (none: empty)
  out                              the share holds exactly these names
    <names, indented>
  cell WORKBOOK SHEET CELL VALUE   a cell's value (openpyxl) in the share
"""
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES, CONFIG, DIR = sys.argv[1:5]


def fixture(name):
    for folder in (FIXTURES, os.path.join(FIXTURES, "2008-H1")):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f"no fixture {name}")


def parse(path):
    """[(line number, words, block lines)]; the title."""
    lines = open(path, encoding="utf-8").read().split("\n")
    title = lines[0].lstrip("# ").strip()
    steps = []
    for n, line in enumerate(lines[1:], 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith((" ", "\t")):
            steps[-1][2].append(line.strip())
        else:
            steps.append((n, shlex.split(line), []))
    return title, steps


class Scenario:
    def __init__(self, path):
        self.name = os.path.basename(path)
        self.title, self.steps = parse(path)
        self.root = tempfile.mkdtemp(prefix="statusnotat-scenario-")
        self.inbox, self.archive, self.out = (os.path.join(self.root, d) for d in ("inbox", "archive", "out"))
        os.makedirs(self.inbox)
        self.last = None
        self.epoch = 1228780800

    def where(self, n):
        return f"{self.name}:{n} ({self.title})"

    def cmd(self, args, epoch=None):
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch or self.epoch))
        env.pop("JOURNAL_STREAM", None)
        self.last = subprocess.run([BIN] + args, env=env, capture_output=True, text=True, timeout=300)
        return self.last

    def expect_exit(self, n, words, p):
        want = int(words[words.index("exit") + 1])
        check(p.returncode == want, f"{self.where(n)}: {' '.join(words)}: exit {p.returncode}\n"
              f"{p.stdout[-600:]}{p.stderr[-600:]}")

    def run_ids(self):
        return sorted(d for d in os.listdir(os.path.join(self.archive, "runs")) if not d.startswith("."))

    def step(self, n, words, block):
        op = words[0]
        if op == "deliver":
            src, name = words[1], words[1]
            data = open(fixture(src), "rb").read()
            if "as" in words:
                name = words[words.index("as") + 1]
            if "replace" in words:
                i = words.index("replace")
                data = data.replace(words[i + 1].encode(), words[i + 2].encode(), 1)
            with open(os.path.join(self.inbox, name), "wb") as f:
                f.write(data)
            os.utime(os.path.join(self.inbox, name), (self.epoch - 3600, self.epoch - 3600))
        elif op == "link":
            os.symlink(words[2], os.path.join(self.inbox, words[1]))
        elif op == "night":
            self.epoch = int(words[1])
            p = self.cmd(["run", "--inbox", self.inbox, "--archive", self.archive, "--out", self.out,
                          "--config", CONFIG, "--jobs", "1"], self.epoch)
            self.expect_exit(n, words, p)
        elif op == "rerun":
            run = words[1]
            if run.startswith("#"):
                run = self.run_ids()[int(run[1:]) - 1]
            dest = tempfile.mkdtemp(dir=self.root, prefix="rerun-")
            self.expect_exit(n, words, self.cmd(["rerun", "--archive", self.archive, "--run", run,
                                                 "--out", dest, "--jobs", "1"]))
        elif op == "verify":
            self.expect_exit(n, words, self.cmd(["verify", "--archive", self.archive, "--out", self.out]))
        elif op == "backup":
            dest = os.path.join(self.root, "backup")
            p = self.cmd(["backup", "--archive", self.archive, "--to", dest, "--wait", "0"])
            self.expect_exit(n, words, p)
            if p.returncode == 0:
                v = subprocess.run([BIN, "verify", "--archive", dest], capture_output=True, text=True)
                check(v.returncode == 0, f"{self.where(n)}: the backup verifies: {v.stdout[-300:]}")
            self.last = p
        elif op == "remove-out":
            os.unlink(os.path.join(self.out, words[1]))
        elif op == "edit-out":
            with open(os.path.join(self.out, words[1]), "ab") as f:
                f.write(b"\0")
        elif op == "damage":
            found = sorted(glob.glob(os.path.join(self.archive, words[1])))
            check(bool(found), f"{self.where(n)}: nothing to damage at {words[1]}")
            if found:
                with open(found[0], "r+b") as f:
                    b = f.read(1)
                    f.seek(0)
                    f.write(bytes([b[0] ^ 1]))
        elif op in ("stdout", "stderr"):
            text = " ".join(words[1:])
            got = self.last.stdout if op == "stdout" else self.last.stderr
            check(text in got, f"{self.where(n)}: {op} has {text!r}:\n{got[-800:]}")
        elif op == "runs":
            p = self.cmd(["runs", "--archive", self.archive])
            got = [line.rstrip() for line in p.stdout.splitlines()]
            check(p.returncode == 0 and got == block,
                  f"{self.where(n)}: runs:\n  want " + "\n       ".join(block) + "\n  got  " + "\n       ".join(got))
        elif op == "archive":
            for pattern in block:
                absent = pattern.startswith("!")
                found = glob.glob(os.path.join(self.archive, pattern.lstrip("!")))
                check(bool(found) != absent, f"{self.where(n)}: archive {'has no' if absent else 'has'} {pattern.lstrip('!')}")
        elif op in ("inbox", "out"):
            folder = self.inbox if op == "inbox" else self.out
            got = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            check(got == sorted(block), f"{self.where(n)}: {op} holds {got}, not {sorted(block)}")
        elif op == "cell":
            import openpyxl
            book, sheet, cell, want = words[1], words[2], words[3], " ".join(words[4:])
            ws = openpyxl.load_workbook(os.path.join(self.out, book), data_only=False)[sheet]
            got = ws[cell].value
            check(str(got) == want, f"{self.where(n)}: {book} {sheet}!{cell} is {got!r}, not {want!r}")
        else:
            raise SystemExit(f"{self.where(n)}: no such step {op!r}")

    def run(self):
        try:
            for n, words, block in self.steps:
                self.step(n, words, block)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def main():
    files = sorted(glob.glob(os.path.join(DIR, "*.scenario")))
    check(len(files) >= 10, f"at least ten scenarios ({len(files)})")
    for path in files:
        Scenario(path).run()
    finish("scenarios")


main()
