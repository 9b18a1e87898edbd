"""harness.py — the checks the Python tests share: count passed and failed
checks, say what failed, and end with the closing line CTest logs show."""
import os
import shutil
import sys

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def finish(name):
    print(f"{name}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def both_half_years(fixtures, inbox):
    """Delivers the fixtures (2008-H2) and fixtures/2008-H1 into a new inbox."""
    os.makedirs(inbox)
    for folder in (fixtures, os.path.join(fixtures, "2008-H1")):
        for name in os.listdir(folder):
            if os.path.isfile(os.path.join(folder, name)):
                shutil.copy(os.path.join(folder, name), inbox)
    return inbox
