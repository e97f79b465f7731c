#!/usr/bin/env bash
# Quick start 1: set up, build, and run the built-in default workload (extra arguments go to
# `waferbench run`, e.g. --rows 32 --cols 32 --dataflow os).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/build.sh"
exec "$root/build/waferbench" run "$@"
