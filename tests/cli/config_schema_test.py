#!/usr/bin/python3
"""config_schema_test.py BIN SRC — config/statusnotat.schema.json describes the
configuration the program reads: the default configuration is valid against
it, and the edits the schema refuses, the program refuses too (exit 2)."""
import copy
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(SRC, "config", "statusnotat.schema.json")))
default = json.load(open(os.path.join(SRC, "config", "statusnotat.json")))
validator = jsonschema.Draft202012Validator(schema)
jsonschema.Draft202012Validator.check_schema(schema)

errors = list(validator.iter_errors(default))
check(errors == [], f"the default configuration is valid: {[e.message for e in errors]}")


def program_accepts(cfg):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(cfg, f, ensure_ascii=False)
    try:
        p = subprocess.run([BIN, "check", "--config", f.name, os.path.join(SRC, "fixtures", "OEKF-2008-H2.xml")],
                           capture_output=True, text=True)
        return p.returncode != 2, p.stderr
    finally:
        os.unlink(f.name)


ok, err = program_accepts(default)
check(ok, f"the program reads the default configuration: {err}")


def edit(fn):
    cfg = copy.deepcopy(default)
    fn(cfg)
    return cfg


refused = {
    "a misspelt key": edit(lambda c: c.__setitem__("limit", c.pop("limits"))),
    "a wrong format": edit(lambda c: c.__setitem__("format", "statusnotat-config/2")),
    "a department without a name": edit(lambda c: c["departments"][0].pop("name")),
    "a year out of range": edit(lambda c: c["budget"]["years"].append(1800)),
    "a negative frame": edit(lambda c: c["budget"]["frame"].__setitem__("2009", -1)),
    "a tiny file limit": edit(lambda c: c["limits"].__setitem__("max_file_bytes", 10)),
    "no themes": edit(lambda c: c.__setitem__("themes", [])),
}
for what, cfg in refused.items():
    check(not validator.is_valid(cfg), f"the schema refuses {what}")
    ok, err = program_accepts(cfg)
    check(not ok and "configuration error" in err, f"the program refuses {what}: {err}")

finish("config_schema_test")
