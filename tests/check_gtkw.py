#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks GTKWave save files against a fresh dump. Runs the command after `--` first to make it.

- every signal a save file names exists in the dump (GTKWave silently drops the ones that do not);
- with --gtkwave, a headless GTKWave (xvfb-run) displays every trace of each save file, and a
  screenshot of it shows activity: GTKWave draws traces in green, and a view zoomed where
  nothing changes shows flat lines only, so the test counts the green trace edges along each
  pixel row of the wave pane (a flat view has a handful, a busy one thousands);
- with --time-range T0 T1, the dump's first and last time stamps are T0 and T1 (a window);
- with --depth N, no signal lies more than N scopes below top;
- with --max-bytes B, the dump is at most B bytes.

usage: check_gtkw.py --dump FILE.fst|.vcd --gtkw VIEW.gtkw [--gtkw ...] [--gtkwave] [--time-range T0 T1]
                     [--depth N] [--max-bytes B] [--shots DIR] -- command that writes FILE
"""
import argparse
import os
import subprocess
import sys
import tempfile

MIN_EDGES = 1000  # green trace edges in a screenshot that shows activity


def vcd_header(dump):
    if dump.endswith(".vcd"):
        with open(dump) as f:
            return f.read()
    return subprocess.run(["fst2vcd", dump], check=True, capture_output=True, text=True).stdout


def dump_signals(text):
    """Full names of every variable in a VCD text, with and without their bit range."""
    names, scope = set(), []
    for line in text.splitlines():
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


def time_range(text):
    stamps = [int(line[1:]) for line in text.splitlines() if line.startswith("#") and line[1:].isdigit()]
    return (stamps[0], stamps[-1]) if stamps else (None, None)


def gtkw_signals(path):
    """Signal lines of a save file: not a directive, flag, comment, zoom or group line."""
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and line.strip()[0] not in "[@*-#"]


def gtkw_value(path, key, default):
    with open(path) as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return default


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


def trace_edges(png, x0):
    """Green trace edges along the pixel rows of the wave pane (x >= x0) of a 1600x900 shot."""
    y0, x1, y1 = 130, 1590, 880
    w, h = x1 - x0, y1 - y0
    raw = subprocess.run(["convert", png, "-crop", f"{w}x{h}+{x0}+{y0}", "+repage", "-depth", "8", "rgb:-"],
                         capture_output=True, check=True).stdout
    edges = 0
    for y in range(h):
        row = raw[y * w * 3:(y + 1) * w * 3]
        green = [row[i + 1] > 150 and row[i] < 120 and row[i + 2] < 120 for i in range(0, len(row), 3)]
        edges += sum(1 for a, b in zip(green, green[1:]) if a != b)
    return edges


def screenshot_edges(dump, gtkw, png):
    """Opens the view in GTKWave under Xvfb, screenshots the screen after a wait and counts the
    trace edges; GTKWave takes a moment to draw on a busy machine, so a quiet shot is retried
    after longer waits. Returns the count of the last shot."""
    script = 'gtkwave "$1" "$2" >/dev/null 2>&1 & pid=$!; sleep "$4"; import -window root "$3"; kill $pid\n'
    x0 = gtkw_value(gtkw, "[sst_width]", 260) * gtkw_value(gtkw, "[sst_expanded]", 0) + gtkw_value(
        gtkw, "[signals_width]", 300) + 40
    edges = 0
    for wait in (3, 8, 20):
        subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", "sh", "-c", script, "shot", dump, gtkw, png,
                        str(wait)], capture_output=True, timeout=120)
        edges = trace_edges(png, x0) if os.path.exists(png) else 0
        if edges >= MIN_EDGES:
            break
    return edges


def main():
    argv = sys.argv[1:]
    command = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser()
    parser.add_argument("--dump", required=True)
    parser.add_argument("--gtkw", action="append", required=True)
    parser.add_argument("--gtkwave", action="store_true", help="also load and screenshot each save file in GTKWave")
    parser.add_argument("--time-range", nargs=2, type=int)
    parser.add_argument("--depth", type=int)
    parser.add_argument("--max-bytes", type=int)
    parser.add_argument("--shots", help="folder for the screenshots (default: beside the dump)")
    args = parser.parse_args(argv)
    if command:
        if os.path.exists(args.dump):
            os.remove(args.dump)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    text = vcd_header(args.dump)
    names = dump_signals(text)
    failed = False
    size = os.path.getsize(args.dump)
    print(f"{args.dump}: {size} bytes, {len(names)} names")
    if args.max_bytes is not None and size > args.max_bytes:
        print(f"{args.dump}: {size} bytes, over {args.max_bytes}")
        failed = True
    if args.time_range:
        got = time_range(text)
        print(f"{args.dump}: time {got[0]} to {got[1]}")
        if got != tuple(args.time_range):
            print(f"{args.dump}: expected time {args.time_range[0]} to {args.time_range[1]}")
            failed = True
    if args.depth is not None:
        deep = [n for n in names if n.count(".") > args.depth]
        if deep:
            print(f"{args.dump}: {len(deep)} signals deeper than {args.depth} levels, e.g. {deep[0]}")
            failed = True
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
            shots = args.shots or os.path.dirname(os.path.abspath(args.dump))
            png = os.path.join(shots, os.path.basename(gtkw) + ".png")
            edges = screenshot_edges(args.dump, gtkw, png)
            print(f"{gtkw}: screenshot {png}: {edges} trace edges (at least {MIN_EDGES})")
            failed |= edges < MIN_EDGES
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
