#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian package waferbench needs. Idempotent: exits quickly when all are present.
# --tests adds what only the tests need: Chromium, for the test that opens a report in a browser.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  verilator libsystemc-dev
  catch2 libboost-program-options-dev libboost-dev
  nlohmann-json3-dev
  gtkwave xvfb xauth imagemagick
  libyaml-cpp-dev parallel slurmctld slurmd slurm-client munge
  python3 zlib1g-dev lcov
  libonnx-dev libprotobuf-dev libonnx-testdata python3-onnx
  clang-14 libclang-rt-14-dev  # scripts/sanitize.sh: ASan, UBSan and libFuzzer
)
if [ "${1:-}" = "--tests" ]; then PACKAGES+=(chromium); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
