#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Verilator line and toggle coverage of the RTL over the test suite, in build-cov/:
#   configure with -DWB_COVERAGE=ON and a subset of the hardware (array sizes WB_COVERAGE_SIZES,
#   default "4x4;8x8", and mesh sizes WB_COVERAGE_MESHES, default "4;8": the RTL is the same at
#   every size, and the big configurations would dominate the build and the run), build,
#   run the unit, cosim, system and waves tests (not long ones) with every process writing its
#   counts to build-cov/coverage/dat/, merge them (merged.dat), write lcov files of the line and
#   of the toggle points (coverage.info, toggle.info), their HTML pages
#   (build-cov/coverage-html/index.html, build-cov/coverage-html/toggle/index.html), the
#   annotated sources (build-cov/coverage/annotated/) and print the per-file table.
# Extra arguments go to ctest (e.g. -R router). Exits with ctest's status when a test failed (after the report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
build="$root/build-cov"
out="$build/coverage"
jobs="$(nproc 2>/dev/null || echo 2)"
sizes="${WB_COVERAGE_SIZES:-4x4;8x8}"
meshes="${WB_COVERAGE_MESHES:-4;8}"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$build" -G Ninja "${launcher[@]}" -DWB_COVERAGE=ON \
      -DWB_ONLY_SIZES="$sizes" -DWB_ONLY_MESHES="$meshes" >/dev/null
cmake --build "$build" -j "$jobs"

rm -rf "$out" "$build/coverage-html"
mkdir -p "$out/dat"
status=0
WB_COVERAGE_DIR="$out/dat" ctest --test-dir "$build" -j "$jobs" -L 'unit|cosim|system|waves' -LE long \
    --output-on-failure "$@" || status=$?

shopt -s nullglob
dats=("$out"/dat/*.dat)
if [ ${#dats[@]} -eq 0 ]; then
  echo "coverage: no test wrote a coverage file to $out/dat" >&2
  exit 1
fi
verilator_coverage --write "$out/merged.dat" "${dats[@]}" >/dev/null
python3 "$root/scripts/coverage_report.py" "$out/merged.dat" --line-dat "$out/line.dat" \
    --toggle-dat "$out/toggle.dat" > "$out/table.txt"
verilator_coverage --write-info "$out/coverage.info" "$out/line.dat" >/dev/null
verilator_coverage --write-info "$out/toggle.info" "$out/toggle.dat" >/dev/null
verilator_coverage --annotate "$out/annotated" "$out/merged.dat" >/dev/null
genhtml -q --title "waferbench RTL line coverage" -o "$build/coverage-html" "$out/coverage.info"
genhtml -q --title "waferbench RTL toggle coverage" -o "$build/coverage-html/toggle" "$out/toggle.info"

echo
echo "RTL coverage over ${#dats[@]} test processes (arrays $sizes, meshes $meshes):"
cat "$out/table.txt"
echo "HTML: $build/coverage-html/index.html (toggles: $build/coverage-html/toggle/index.html)"
echo "annotated sources (lines with %000000 were never run): $out/annotated/"
exit "$status"
