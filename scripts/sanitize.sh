#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The sanitizer build: clang with AddressSanitizer + UndefinedBehaviorSanitizer over all project
# C++ and the Verilated models (cmake/sanitize.cmake), configured in build-asan/ with the
# smallest array size, then the unit and system tests under it (the fuzzers' short runs are unit
# tests). Extra arguments go to ctest (e.g. -R fuzz_ or -L long for the two-minute fuzz runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" --tests  # clang-14, its sanitizer runtimes, the report tests' Chromium
jobs="$(nproc 2>/dev/null || echo 2)"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
build="$root/build-asan"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DWB_SANITIZE=ON -DWB_ONLY_SIZES=4x4 -DWB_ONLY_MESHES=4 \
      "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$jobs"
# halt_on_error / abort_on_error: the first report fails the test. UBSan's stack traces name the
# line. Leak checks stay on; libsystemc's own allocations are suppressed (sanitizers/lsan.supp).
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0}"
cd "$build"
ctest --output-on-failure -j "$jobs" -L 'unit|system' "$@"
