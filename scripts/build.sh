#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, then configures and builds waferbench in build/ (Release, Ninja).
# Extra arguments go to CMake's configure step, e.g. -DWB_ONLY_SIZES="4x4;8x8". WB_TARGET=name
# builds one target (and what it needs) instead of everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
# ccache: a rebuild after a clean, or of a second checkout, reuses compiled objects.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$root/build" -G Ninja "${launcher[@]}" "$@" >/dev/null
target=()
if [ -n "${WB_TARGET:-}" ]; then target=(--target "$WB_TARGET"); fi
cmake --build "$root/build" -j "$jobs" "${target[@]}"
