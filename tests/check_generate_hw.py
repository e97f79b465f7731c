#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""cmake/generate_hw.py accepts config/hardware.json and rejects layouts the RTL and C++ cannot
share: overlapping or gapped wavelet fields, a field outside its word, two registers at one
address, an end index wider than the MAC index, activity counters
narrower than 16 bits. Exit 0 when every case behaves."""
import copy
import json
import os
import subprocess
import sys
import tempfile

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cmake", "generate_hw.py")
CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config", "hardware.json")


def run(cfg, out):
    path = os.path.join(out, "hw.json")
    with open(path, "w") as fh:
        json.dump(cfg, fh)
    return subprocess.run([sys.executable, GEN, "--config", path, "--out", out], capture_output=True, text=True)


def main():
    with open(CONFIG) as fh:
        good = json.load(fh)
    bad = []

    def case(name, edit):
        cfg = copy.deepcopy(good)
        edit(cfg["fabric"])
        bad.append((name, cfg))

    case("overlap", lambda f: f["wavelet"]["fields"][1].update(lsb=35))
    case("gap", lambda f: f["wavelet"]["fields"][0].update(lsb=41))
    case("too wide", lambda f: f["wavelet"]["fields"][0].update(width=6, lsb=40))
    case("register field outside its word", lambda f: f["pe_registers"]["registers"][2]["fields"][1].update(width=17))
    case("two registers at one address", lambda f: f["pe_registers"]["registers"][1].update(addr=0))
    case("end index wider than the index", lambda f: f["pe_words"].update(end_index=1 << 16))
    case("directions reordered", lambda f: f["router_ports"].update(directions=["N", "S", "E", "W"]))
    case("counters too narrow", lambda f: f["activity_counters"].update(width=8))

    failures = 0
    with tempfile.TemporaryDirectory() as out:
        r = run(good, out)
        if r.returncode != 0:
            print(f"the project's config was rejected: {r.stderr.strip()}")
            failures += 1
        for f in ("rtl/sa_fabric_pkg.sv", "wb/hw_fabric.hpp"):
            if not os.path.exists(os.path.join(out, f)):
                print(f"not written: {f}")
                failures += 1
        for name, cfg in bad:
            r = run(cfg, out)
            if r.returncode == 0 or "generate_hw.py" not in r.stderr:
                print(f"accepted a broken layout ({name})")
                failures += 1
    print("ok" if failures == 0 else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
