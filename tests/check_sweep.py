#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of `waferbench sweep` (one mode per ctest entry, each in its own folder):

  local     a 2 x 2 grid of GEMMs: hand-computed cycles in the merged CSV, a re-run that runs
            nothing, and bad input (exit 2, one line, nothing written)
  resume    a sweep killed (SIGKILL to its whole process group) while jobs run: every result
            left is whole, and the re-run finishes only the missing jobs, each row once, equal
            to an uninterrupted sweep
  parallel  the same grid through GNU parallel: the same CSV as the local launcher
  slurm     a real single-node Slurm cluster (scripts/slurm_cluster.sh): the grid as a
            throttled job array of several jobs per task, the same CSV; the cluster is torn down

usage: check_sweep.py MODE WAFERBENCH WORKDIR [SOURCE_DIR]
"""
import csv
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

# 4x4 array, K = N = 4 (one fold), M <= 4. Through the TLM path with unlimited bandwidth the
# memory latency (10) adds to the array's single-fold formulas (README, "Cycle counts"):
#   WS: R + M + R + C + 1 + 10 = 23 + M      OS: K + 2R + C + 10 = 26
GRID = {"command": "gemm", "m": [2, 4], "k": 4, "n": 4, "rows": 4, "cols": 4, "mem-bw": 1000000,
        "dataflow": ["ws", "os"]}
EXPECTED_CYCLES = {("2", "ws"): 25, ("2", "os"): 26, ("4", "ws"): 27, ("4", "os"): 26}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(argv, expect=0, env=None):
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    if r.returncode != expect:
        fail(f"{' '.join(argv)}: exit {r.returncode}, expected {expect}\n{r.stdout}{r.stderr}")
    return r


def write_spec(path, grid):
    with open(path, "w") as f:
        json.dump(grid, f)
    return path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_grid_csv(path):
    rows = read_csv(path)
    if len(rows) != 4:
        fail(f"{path}: {len(rows)} rows, expected 4")
    if len({r["job"] for r in rows}) != 4:
        fail(f"{path}: a job appears twice")
    for r in rows:
        want = EXPECTED_CYCLES[(r["--m"], r["--dataflow"])]
        if int(r["cycles"]) != want or r["golden"] != "pass" or r["m"] != r["--m"] or r["command"] != "gemm":
            fail(f"{path}: m={r['--m']} {r['--dataflow']}: cycles {r['cycles']} golden {r['golden']}, expected {want} pass")
    print(f"{path}: 4 rows, cycles " + ", ".join(f"m={r['--m']} {r['--dataflow']} {r['cycles']}" for r in rows))
    report = os.path.join(os.path.dirname(path), "report", "index.html")
    with open(report) as f:
        page = f.read()
    if "m=2 dataflow=ws: gemm" not in page:
        fail(f"{report} does not name the records by their points")
    return rows


def mode_local(exe, work):
    spec = write_spec(os.path.join(work, "grid.json"), GRID)
    out = os.path.join(work, "out")
    # --dry-run writes the jobs, each self-contained (its arguments), and runs none.
    dry = run([exe, "sweep", spec, "--out", out, "--dry-run"])
    jobs = sorted(os.listdir(os.path.join(out, "jobs")))
    if len(jobs) != 4 or os.listdir(os.path.join(out, "results")) or dry.stdout.count("\nrun  ") != 4:
        fail("--dry-run: " + dry.stdout)
    with open(os.path.join(out, "jobs", jobs[0])) as f:
        job = json.load(f)
    if job["id"] + ".json" != jobs[0] or job["args"][0] != "gemm" or "--rows" not in job["args"]:
        fail(f"job file {jobs[0]}: {job}")
    first = run([exe, "sweep", spec, "--out", out, "--launcher", "local"])
    if "4 jobs of gemm" not in first.stdout or "0 done, 4 to run" not in first.stdout:
        fail("first run: " + first.stdout)
    rows = check_grid_csv(os.path.join(out, "results.csv"))
    again = run([exe, "sweep", spec, "--out", out])
    if "4 done, 0 to run" not in again.stdout:
        fail("re-run ran jobs again: " + again.stdout)
    if read_csv(os.path.join(out, "results.csv")) != rows:
        fail("re-run changed the CSV")
    # The same grid in YAML, keys in another order: the same jobs, all done.
    yaml = os.path.join(work, "grid.yaml")
    with open(yaml, "w") as f:
        f.write("command: gemm\ndataflow: [ws, os]\nm: [2, 4]\nk: 4\nn: 4\nrows: 4\ncols: 4\nmem-bw: 1000000\n")
    if "4 done, 0 to run" not in run([exe, "sweep", yaml, "--out", out]).stdout:
        fail("the YAML spec named other jobs")
    # Bad input: exit 2, one line on stderr, no folder made.
    bad = os.path.join(work, "bad")
    for argv, part in [([exe, "sweep", spec], "--out DIR is required"),
                       ([exe, "sweep", "--out", bad], "no sweep spec given"),
                       ([exe, "sweep", os.path.join(work, "none.json"), "--out", bad], "cannot read sweep spec"),
                       ([exe, "sweep", write_spec(os.path.join(work, "b1.json"), {"command": "bench"}), "--out", bad],
                        "cannot sweep command 'bench'"),
                       ([exe, "sweep", spec, "--out", bad, "--launcher", "pbs"], "--launcher must be local, parallel or slurm"),
                       ([exe, "sweep", spec, "--out", bad, "--launcher-args", "-x"], "--launcher-args needs")]:
        r = run(argv, expect=2)
        if part not in r.stderr or r.stderr.count("\n") != 1:
            fail(f"{argv}: stderr {r.stderr!r}, expected one line with {part!r}")
    if os.path.exists(bad):
        fail("bad input created the sweep folder")
    # A job that fails (an option gemm does not take): exit 1, named with its log, others merged.
    out2 = os.path.join(work, "out2")
    r = run([exe, "sweep", write_spec(os.path.join(work, "b2.json"), {"command": "gemm", "m": 2, "k": 4, "n": 4,
                                                                      "rows": [4, 5], "cols": 4}), "--out", out2], expect=1)
    if "1/2 jobs done, 1 failed" not in r.stdout or "array size 5x4 is not built" not in open(
            r.stderr.split("log: ")[1].split(")")[0]).read():
        fail("failed job: " + r.stdout + r.stderr)
    print("local: ok")


def mode_resume(exe, work):
    # 8 jobs of about 0.5 s each, 2 at a time; killed when the first results are in.
    grid = {"command": "gemm", "m": 64, "k": 64, "n": [64, 96], "rows": [4, 8], "cols": 8, "dataflow": ["ws", "os"]}
    spec = write_spec(os.path.join(work, "grid.json"), grid)
    out = os.path.join(work, "out")
    p = subprocess.Popen([exe, "sweep", spec, "--out", out, "--jobs", "2"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    results = os.path.join(out, "results")
    deadline = time.time() + 120
    while time.time() < deadline:
        done = [f for f in os.listdir(results) if not f.startswith(".")] if os.path.isdir(results) else []
        if len(done) >= 1:
            break
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    done = [f for f in os.listdir(results) if not f.startswith(".")]
    if not 1 <= len(done) < 8:
        fail(f"killed with {len(done)} of 8 results: the kill did not come mid-sweep")
    for f in done:
        with open(os.path.join(results, f)) as fh:
            json.load(fh)  # whole: a result is renamed into place only when complete
    if os.path.exists(os.path.join(out, "results.csv")):
        fail("a CSV was written by the killed sweep")
    r = run([exe, "sweep", spec, "--out", out])
    skipped = int(re.search(r"(\d+) done, \d+ to run", r.stdout).group(1))
    if skipped < len(done):
        fail(f"the re-run skipped {skipped} jobs, but {len(done)} were done: " + r.stdout)
    rows = read_csv(os.path.join(out, "results.csv"))
    clean = os.path.join(work, "clean")
    run([exe, "sweep", spec, "--out", clean])
    if rows != read_csv(os.path.join(clean, "results.csv")) or len(rows) != 8 or len({x["job"] for x in rows}) != 8:
        fail("the resumed sweep's CSV differs from an uninterrupted one")
    print(f"resume: killed with {len(done)}/8 results, the re-run skipped {skipped} and ran the rest; CSV equal")


def mode_parallel(exe, work):
    if not shutil.which("parallel"):
        fail("GNU parallel is not installed (scripts/setup.sh installs it)")
    spec = write_spec(os.path.join(work, "grid.json"), GRID)
    out = os.path.join(work, "out")
    run([exe, "sweep", spec, "--out", out, "--launcher", "parallel", "--jobs", "2"])
    check_grid_csv(os.path.join(out, "results.csv"))
    joblogs = [f for f in os.listdir(os.path.join(out, "parallel")) if f.startswith("joblog-")]
    with open(os.path.join(out, "parallel", joblogs[0])) as f:
        if len(f.read().splitlines()) != 5:  # header + 4 jobs
            fail("GNU parallel's joblog does not list 4 jobs")
    print("parallel: ok")


def free_port_pair():
    for _ in range(50):
        port = random.randrange(20000, 30000, 2)
        try:
            for p in (port, port + 1):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
    fail("no free port pair for the Slurm daemons")


def mode_slurm(exe, work, source):
    cluster = os.path.join(source, "scripts", "slurm_cluster.sh")
    cdir = os.path.join(work, "cluster")
    env = dict(os.environ, SLURM_CONF=os.path.join(cdir, "etc", "slurm.conf"))
    start = time.time()
    try:
        up = run([cluster, "up", cdir, str(free_port_pair())])
        print(up.stdout.strip(), f"({time.time() - start:.1f} s)")
        spec = write_spec(os.path.join(work, "grid.json"), GRID)
        out = os.path.join(work, "out")
        # 4 jobs in 3 tasks at most (2, 2), 1 running at a time.
        r = run([exe, "sweep", spec, "--out", out, "--launcher", "slurm", "--max-tasks", "3", "--max-running", "1"],
                env=env)
        print(r.stdout.strip())
        if "2 tasks of up to 2 jobs, 1 at once" not in r.stdout:
            fail("the array was not grouped and throttled as asked")
        check_grid_csv(os.path.join(out, "results.csv"))
        with open(os.path.join(cdir, "log", "jobcomp.txt")) as f:
            completed = [line for line in f if "JobState=COMPLETED" in line]
        if len(completed) != 2:
            fail(f"Slurm's job log has {len(completed)} completed tasks, expected 2")
        print(f"slurm: 2 array tasks completed; whole test {time.time() - start:.1f} s")
    finally:
        pids = []
        for name in ("slurmctld.pid", "slurmd.pid"):
            if os.path.exists(os.path.join(cdir, name)):
                pids.append(int(open(os.path.join(cdir, name)).read()))
        subprocess.run([cluster, "down", cdir])
    for pid in pids:
        try:
            os.kill(pid, 0)
            fail(f"Slurm daemon {pid} of the test cluster is still running")
        except ProcessLookupError:
            pass


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    mode, exe, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if mode == "local":
        mode_local(exe, work)
    elif mode == "resume":
        mode_resume(exe, work)
    elif mode == "parallel":
        mode_parallel(exe, work)
    elif mode == "slurm":
        mode_slurm(exe, work, sys.argv[4])
    else:
        print(__doc__)
        return 2
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
