// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: SCALE-Sim topology files (conv and GEMM), lowered to layers.
#include "sw/topology_csv.hpp"
#include "tests/fuzz/fuzz_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wb::fuzz::parse_or_reject(data, size, [](const std::string& b) { wb::sw::parse_scalesim_topology(b, "fuzz.csv"); });
}
