#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every Catch2 case in tests/*.cpp is one ctest entry, labelled by its tag.

Reads the TEST_CASE("name", "[tags]") of the sources and the build's test list
(ctest --show-only=json-v1) and checks that each case is there once with the label its tags
give: long for [long], else its one kind of [unit] [cosim] [system]. Prints the counts per label.

usage: check_case_labels.py SOURCE_DIR BUILD_DIR
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys

KINDS = ("unit", "cosim", "system")
CASE = re.compile(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"([^"]*)"')


def expected_labels(source_dir):
    want = {}
    for path in sorted(glob.glob(os.path.join(source_dir, "tests", "*.cpp"))):
        with open(path) as f:
            for m in CASE.finditer(f.read()):
                name = m.group(1).replace('\\"', '"').replace("\\\\", "\\")
                tags = re.findall(r"\[([^\]]*)\]", m.group(2))
                kinds = [k for k in KINDS if k in tags]
                if len(kinds) != 1:
                    want[name] = f"not exactly one of {KINDS} ({os.path.basename(path)})"
                else:
                    want[name] = "long" if "long" in tags else kinds[0]
    return want


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    want = expected_labels(sys.argv[1])
    listing = json.loads(subprocess.run(["ctest", "--show-only=json-v1"], cwd=sys.argv[2], check=True,
                                        capture_output=True, text=True).stdout)
    entries = collections.Counter(t["name"] for t in listing["tests"])
    labels = {t["name"]: [v for p in t.get("properties", []) if p["name"] == "LABELS" for v in p["value"]]
              for t in listing["tests"]}
    errors = []
    for name, label in want.items():
        if entries[name] != 1:
            errors.append(f"{name!r}: {entries[name]} ctest entries, expected 1")
        elif labels[name] != [label]:
            errors.append(f"{name!r}: labels {labels[name]}, expected [{label!r}]")
    if not want:
        errors.append("no TEST_CASE found in tests/*.cpp")
    for e in errors:
        print("FAIL: " + e)
    counts = collections.Counter(want.values())
    print(f"{len(want)} cases: " + ", ".join(f"{n} {label}" for label, n in sorted(counts.items())))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
