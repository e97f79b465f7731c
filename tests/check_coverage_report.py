#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scripts/coverage_report.py on two tiny coverage files written here (the format Verilator
5.006 writes), alone and after verilator_coverage --write merged them: the per-file table with
hand-counted figures, a point seen under two hierarchies counted once, the line/toggle split
that --write-info turns into lcov lines, and exit 2 on a malformed file.

    check_coverage_report.py WORKDIR"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "scripts", "coverage_report.py")


def point(path, line, page, what, hier, extra=""):
    return ("\x01f\x02" + path + "\x01l\x02" + str(line) + "\x01n\x021\x01page\x02" + page + "\x01o\x02" + what
            + extra + "\x01h\x02" + hier)


def write(path, points):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# SystemC::Coverage-3\n")
        for name, count in points:
            fh.write(f"C '{name}' {count}\n")


def run(*args):
    return subprocess.run([sys.executable, REPORT, *args], capture_output=True, text=True)


def row(out, name):
    for line in out.splitlines():
        cells = line.split()
        if cells and cells[0] == name:
            return cells[1:]
    raise AssertionError(f"no row {name} in:\n{out}")


def main():
    work = sys.argv[1]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    fifo, router = "/src/rtl/sa_fifo.sv", "/src/rtl/sa_router.sv"
    # Model a (hierarchy top.a): the block ran, the if arm never, the else arm did; bit 0 toggled.
    a = [(point(fifo, 33, "v_line/sa_fifo", "block", "top.a", "\x01S\x0233-36"), 5),
         (point(fifo, 37, "v_branch/sa_fifo", "if", "top.a", "\x01S\x0237"), 0),
         (point(fifo, 37, "v_branch/sa_fifo", "else", "top.a"), 3),
         (point(fifo, 13, "v_toggle/sa_fifo", "x[0]", "top.a"), 1),
         (point(fifo, 13, "v_toggle/sa_fifo", "x[1]", "top.a"), 0)]
    # Model b (top.b): the same if arm ran twice; a router block never ran.
    b = [(point(fifo, 37, "v_branch/sa_fifo", "if", "top.b", "\x01S\x0237"), 2),
         (point(fifo, 13, "v_toggle/sa_fifo", "x[1]", "top.b"), 0),
         (point(router, 90, "v_line/sa_router", "block", "top.b"), 0)]
    write(os.path.join(work, "a.dat"), a)
    write(os.path.join(work, "b.dat"), b)

    # a alone: 2 of 3 fifo line points, 1 of 2 toggles; no router row.
    r = run(os.path.join(work, "a.dat"))
    assert r.returncode == 0, r.stderr
    assert row(r.stdout, "sa_fifo.sv") == ["2/3", "66.7", "1/2", "50.0"], r.stdout
    assert "sa_router.sv" not in r.stdout

    # a and b, given apart or merged by verilator_coverage: the if arm is covered (by b), x[1]
    # is one point, the router's block is 0 of 1 and it has no toggle points.
    merged = os.path.join(work, "merged.dat")
    subprocess.run(["verilator_coverage", "--write", merged, os.path.join(work, "a.dat"), os.path.join(work, "b.dat")],
                   check=True, capture_output=True)
    for inputs in ([os.path.join(work, "a.dat"), os.path.join(work, "b.dat")], [merged]):
        r = run(*inputs, "--line-dat", os.path.join(work, "line.dat"), "--toggle-dat", os.path.join(work, "toggle.dat"))
        assert r.returncode == 0, r.stderr
        assert row(r.stdout, "sa_fifo.sv") == ["3/3", "100.0", "1/2", "50.0"], r.stdout
        assert row(r.stdout, "sa_router.sv") == ["0/1", "0.0", "0/0", "-"], r.stdout
        assert row(r.stdout, "total") == ["3/4", "75.0", "1/2", "50.0"], r.stdout

    # The split files hold one kind each; lcov lines of the line points only.
    with open(os.path.join(work, "toggle.dat"), encoding="utf-8") as fh:
        toggles = fh.read()
    assert toggles.count("\nC '") == 3 and "v_line" not in toggles and "v_branch" not in toggles, toggles
    info = os.path.join(work, "line.info")
    subprocess.run(["verilator_coverage", "--write-info", info, os.path.join(work, "line.dat")],
                   check=True, capture_output=True)
    with open(info, encoding="utf-8") as fh:
        da = sorted(line.strip() for line in fh if line.startswith("DA:"))
    assert "DA:13,0" not in da and "DA:13,1" not in da, da  # the toggled port is no line
    assert any(d.startswith("DA:34,") for d in da) and "DA:90,0" in da, da

    # Malformed: one line on stderr, exit 2, nothing written.
    bad = os.path.join(work, "bad.dat")
    with open(bad, "w") as fh:
        fh.write("# SystemC::Coverage-3\nC 'x' many\n")
    out = os.path.join(work, "never.dat")
    r = run(bad, "--line-dat", out)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "bad.dat:2" in r.stderr, (r.returncode, r.stderr)
    assert not os.path.exists(out)
    r = run(os.path.join(work, "missing.dat"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1, (r.returncode, r.stderr)
    print("coverage_report: all checks passed")


if __name__ == "__main__":
    main()
