#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Per-RTL-file line and toggle coverage of Verilator coverage files (scripts/coverage.sh).

    coverage_report.py MERGED.dat [MORE.dat ...] [--line-dat F] [--toggle-dat F]

Prints one row per source file: covered/total line points and toggle points. A line point is
one of Verilator's --coverage-line points (a statement block, or one arm of an if or case:
pages v_line and v_branch), a toggle point one bit of a signal (page v_toggle). A point is
covered when its count is non-zero; the same point seen under several hierarchies (several
models, configurations or input files) is one point. --line-dat / --toggle-dat write the line
or toggle points alone as Verilator coverage files (for verilator_coverage --write-info, so that
lcov's "lines" are line coverage only). Exit 2 on a malformed or empty input."""
import argparse
import os
import sys

HEADER = "# SystemC::Coverage-3"
KINDS = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle"}


def fields(name):
    """The key/value pairs of a point name (\\x01 before each key, \\x02 between key and value)."""
    out = {}
    for part in name.split("\x01"):
        if part:
            key, sep, value = part.partition("\x02")
            if not sep:
                raise ValueError(f"point without key/value separator: {name!r}")
            out[key] = value
    return out


def read_points(path):
    """(name, count) of every point of a Verilator coverage file."""
    points = []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        first = fh.readline().rstrip("\n")
        if first != HEADER:
            raise ValueError(f"{path}: not a Verilator coverage file (first line {first!r})")
        for number, line in enumerate(fh, start=2):
            line = line.rstrip("\n")
            end = line.rfind("' ")
            if not line.startswith("C '") or end < 3 or not line[end + 2:].isdigit():
                raise ValueError(f"{path}:{number}: not a coverage point: {line[:80]!r}")
            points.append((line[3:end], int(line[end + 2:])))
    return points


def kind_of(f):
    return KINDS.get(f.get("page", "").split("/")[0])


def tally(points):
    """{file: {"line": [covered, total], "toggle": [...]}}, each point once across hierarchies."""
    merged = {}
    for name, count in points:
        f = fields(name)
        kind = kind_of(f)
        if kind is None or "f" not in f:
            continue
        ident = (f["f"], kind) + tuple(sorted((k, v) for k, v in f.items() if k != "h"))
        merged[ident] = merged.get(ident, 0) + count
    files = {}
    for (path, kind, *_), count in merged.items():
        row = files.setdefault(os.path.basename(path), {"line": [0, 0], "toggle": [0, 0]})
        row[kind][1] += 1
        row[kind][0] += count > 0
    return files


def percent(covered, total):
    return f"{100.0 * covered / total:5.1f}" if total else "    -"


def table(files):
    rows = [("file", "line points", "line %", "toggle points", "toggle %")]
    total = {"line": [0, 0], "toggle": [0, 0]}
    for name in sorted(files):
        r = files[name]
        rows.append((name, f"{r['line'][0]}/{r['line'][1]}", percent(*r["line"]),
                     f"{r['toggle'][0]}/{r['toggle'][1]}", percent(*r["toggle"])))
        for kind in total:
            total[kind][0] += r[kind][0]
            total[kind][1] += r[kind][1]
    rows.append(("total", f"{total['line'][0]}/{total['line'][1]}", percent(*total["line"]),
                 f"{total['toggle'][0]}/{total['toggle'][1]}", percent(*total["toggle"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]))
        if i == 0 or i == len(rows) - 2:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def write_kind(points, kind, path):
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(HEADER + "\n")
        for name, count in points:
            if kind_of(fields(name)) == kind:
                fh.write(f"C '{name}' {count}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dat", nargs="+")
    parser.add_argument("--line-dat")
    parser.add_argument("--toggle-dat")
    args = parser.parse_args()
    try:
        points = [p for path in args.dat for p in read_points(path)]
        files = tally(points)
    except (OSError, ValueError) as err:
        print(f"coverage_report: {err}", file=sys.stderr)
        return 2
    if not files:
        print("coverage_report: no line or toggle points in " + " ".join(args.dat), file=sys.stderr)
        return 2
    if args.line_dat:
        write_kind(points, "line", args.line_dat)
    if args.toggle_dat:
        write_kind(points, "toggle", args.toggle_dat)
    print(table(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
