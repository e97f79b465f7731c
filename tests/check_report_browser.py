#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Opens waferbench's HTML reports in a real browser (Debian's headless Chromium) and checks them
as a reader would see them: every plot and table of the page is in the rendered DOM, no image
is broken, the run's command line is shown, every plot file is SVG, and a screenshot of the page
is not blank (ImageMagick measures it).

usage: check_report_browser.py --chromium /usr/bin/chromium --dir WORKDIR -- waferbench [args]
The command after -- is run with `--report WORKDIR/report` appended; several --run groups may be
given as separate invocations of this script.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"

# Loads the report in a frame (file: pages may read each other with
# --allow-file-access-from-files) and writes what it finds into the checker's DOM.
CHECKER = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="%s" width="1280" height="2000"></iframe>
<script>
document.getElementById('f').onload = function () {
  const d = this.contentDocument;
  const imgs = Array.from(d.images);
  const r = {
    title: d.title,
    text: d.body.innerText,
    tables: Array.from(d.querySelectorAll('table')).map(t => t.rows.length),
    headings: Array.from(d.querySelectorAll('h2')).map(h => h.textContent),
    figures: Array.from(d.querySelectorAll('figure.plot')).map(f => f.id),
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0)).map(i => i.alt),
    links: Array.from(d.querySelectorAll('a')).map(a => a.getAttribute('href')),
  };
  document.getElementById('out').textContent = 'RESULT ' + JSON.stringify(r);
};
</script></body></html>
"""


def chromium(exe, profile, *args):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile]
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=120)


def screenshot_ink(path):
    """(share of pixels darker than light grey, distinct colours) of an image, by ImageMagick."""
    out = subprocess.run(["convert", path, "-colorspace", "Gray", "-threshold", "80%", "-format", "%[fx:1-mean]", "info:"],
                         capture_output=True, text=True, check=True).stdout
    colours = subprocess.run(["identify", "-format", "%k", path], capture_output=True, text=True, check=True).stdout
    return float(out), int(colours)


def check(cond, what, failures):
    if not cond:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--min-plots", type=int, default=2)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not os.access(a.chromium, os.X_OK):
        sys.exit("no Chromium at %s: install it with scripts/setup.sh --tests (scripts/test.sh does)" % a.chromium)
    os.makedirs(a.dir, exist_ok=True)
    report = os.path.join(a.dir, "report")
    run = subprocess.run(cmd + ["--report", report], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s exited %d: %s" % (" ".join(cmd), run.returncode, run.stderr))
    failures = []
    files = sorted(os.listdir(report))
    for name in ("index.html", "records.json", "records.csv", "energy_table.json", ".waferbench-report"):
        check(name in files, "the report has no " + name, failures)
    svgs = [f for f in files if f.endswith(".svg")]
    check(len(svgs) >= a.min_plots, "only %d plots: %s" % (len(svgs), svgs), failures)
    for f in svgs:
        root = ET.parse(os.path.join(report, f)).getroot()
        check(root.tag == SVG + "svg", f + " is not SVG", failures)
        check(root.find(SVG + "title") is not None and root.find(SVG + "title").text, f + " has no title", failures)
        check(len(root.findall(".//" + SVG + "text")) >= 4, f + " has no axis labels and ticks", failures)
    records = json.load(open(os.path.join(report, "records.json")))
    check(records.get("schema") == 2 and records.get("records"), "records.json has no schema-2 records", failures)

    with tempfile.TemporaryDirectory() as profile:
        checker = os.path.join(a.dir, "checker.html")
        with open(checker, "w") as out:
            out.write(CHECKER % ("report/index.html"))
        dom = chromium(a.chromium, profile, "--allow-file-access-from-files", "--virtual-time-budget=2000",
                       "--dump-dom", "file://" + os.path.abspath(checker))
        m = re.search(r"RESULT (\{.*\})</pre>", dom.stdout.replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&lt;", "<").replace("&gt;", ">"))
        if not m:
            sys.exit("Chromium did not render the report: %s %s" % (dom.stdout[-500:], dom.stderr[-1500:]))
        page = json.loads(m.group(1))
    with tempfile.TemporaryDirectory() as profile:
        shot = os.path.join(a.dir, "screenshot.png")
        chromium(a.chromium, profile, "--window-size=1280,2400", "--hide-scrollbars", "--screenshot=" + shot,
                 "file://" + os.path.abspath(os.path.join(report, "index.html")))
        check(os.path.exists(shot), "no screenshot", failures)

    check(page["title"].startswith("waferbench "), "the page's title: " + page["title"], failures)
    check(sorted(page["figures"]) == sorted(svgs), "figures %s, plot files %s" % (page["figures"], svgs), failures)
    check(page["images"] == len(svgs), "%d images for %d plots" % (page["images"], len(svgs)), failures)
    check(not page["broken"], "broken images: %s" % page["broken"], failures)
    check(len(page["tables"]) >= 5, "only %d tables" % len(page["tables"]), failures)
    check(all(n >= 2 for n in page["tables"]), "an empty table: %s" % page["tables"], failures)
    for heading in ("Run", "Hardware configuration", "Per-layer results", "Energy by component", "Plots", "Files"):
        check(heading in page["headings"], "no section " + heading, failures)
    exe_name = os.path.basename(cmd[0])
    check(exe_name in page["text"] and "--report" in page["text"], "the command line is not shown", failures)
    check(re.search(r"git revision\s+(\w{12}|unknown)", page["text"]) is not None, "no git revision", failures)
    for link in page["links"]:
        check(os.path.exists(os.path.join(report, link)), "a broken link: " + link, failures)
    if os.path.exists(shot):
        ink, colours = screenshot_ink(shot)
        check(ink > 0.01, "the screenshot is blank (%.4f of its pixels inked)" % ink, failures)
        check(colours > 8, "the screenshot has only %d colours" % colours, failures)
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("%s: %d tables, %d plots, no broken image, screenshot inked" % (" ".join(cmd[1:3]), len(page["tables"]), len(svgs)))


if __name__ == "__main__":
    main()
