#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Quick start 1: set up, build, and run the built-in default workload (extra arguments go to
# `waferbench run`, e.g. --rows 32 --cols 32 --dataflow os).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Only what the default job needs: the waferbench executable with the default array's RTL (the
# other configurations, in waferbench-all, and the tests are built by `scripts/build.sh` or
# `scripts/test.sh`).
WB_TARGET=waferbench bash "$root/scripts/build.sh"
exec "$root/build/waferbench" run "$@"
