#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that every signal a GTKWave save file names exists in a dump (GTKWave silently drops
the ones that do not). Runs the command after `--` first to make a fresh dump.

With --gtkwave it also opens each save file in a headless GTKWave (xvfb-run) and checks that
GTKWave itself displays every trace.

usage: check_gtkw.py --dump FILE.fst --gtkw VIEW.gtkw [--gtkw ...] [--gtkwave] -- command that writes FILE.fst
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def dump_signals(dump):
    """Full names of every variable in the dump, with and without their bit range."""
    header = subprocess.run(["fst2vcd", dump], check=True, capture_output=True, text=True).stdout
    names, scope = set(), []
    for line in header.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "$scope":
            scope.append(words[2])
        elif words[0] == "$upscope":
            scope.pop()
        elif words[0] == "$var":
            name = ".".join(scope + [words[4]])
            names.add(name)
            if len(words) > 5 and words[5].startswith("["):
                names.add(name + words[5])
        elif words[0] == "$enddefinitions":
            break
    return names


def gtkw_signals(path):
    """Signal lines of a save file: not a directive, flag, comment, zoom or group line."""
    signals = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "[@*-#":
                continue
            signals.append(line)
    return signals


def gtkwave_displayed(dump, gtkw):
    """Number of traces a headless GTKWave shows for the save file."""
    with tempfile.NamedTemporaryFile("w", suffix=".tcl", delete=False) as tcl:
        tcl.write('puts "DISPLAYED [llength [gtkwave::getDisplayedSignals]]"\ngtkwave::/File/Quit\n')
    try:
        out = subprocess.run(["xvfb-run", "-a", "gtkwave", "-S", tcl.name, dump, gtkw],
                             capture_output=True, text=True, timeout=120).stdout
    finally:
        os.remove(tcl.name)
    for line in out.splitlines():
        if line.startswith("DISPLAYED "):
            return int(line.split()[1])
    return -1


def main():
    argv = sys.argv[1:]
    command = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser()
    parser.add_argument("--dump", required=True)
    parser.add_argument("--gtkw", action="append", required=True)
    parser.add_argument("--gtkwave", action="store_true", help="also load each save file in headless GTKWave")
    args = parser.parse_args(argv)
    if command:
        if os.path.exists(args.dump):
            os.remove(args.dump)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    names = dump_signals(args.dump)
    failed = False
    for gtkw in args.gtkw:
        signals = gtkw_signals(gtkw)
        missing = [s for s in signals if s not in names]
        for s in missing:
            print(f"{gtkw}: signal not in {args.dump}: {s}")
        if not signals:
            print(f"{gtkw}: names no signals")
        failed |= bool(missing) or not signals
        print(f"{gtkw}: {len(signals) - len(missing)}/{len(signals)} signals found")
        if args.gtkwave:
            shown = gtkwave_displayed(args.dump, gtkw)
            print(f"{gtkw}: GTKWave displays {shown}/{len(signals)}")
            failed |= shown != len(signals)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
