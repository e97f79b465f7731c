#!/usr/bin/env bash
# Installs what is missing, then configures and builds waferbench in build/ (Release, Ninja).
# Extra arguments go to CMake's configure step, e.g. -DWB_ONLY_SIZES="4x4;8x8".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
# ccache: a rebuild after a clean, or of a second checkout, reuses compiled objects.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$root/build" -G Ninja "${launcher[@]}" "$@" >/dev/null
cmake --build "$root/build" -j "$jobs"
