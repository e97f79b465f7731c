#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Quick start 2: set up, build, and run the test suite (unit, cosim, system, lint, waves), all but
# the cases labelled long (README, "Test labels"; `ctest --test-dir build -L long` runs those).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" --tests  # the browser test's Chromium too
bash "$root/scripts/build.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
cd "$root/build"
ctest --output-on-failure -j "$jobs" -LE long "$@"
