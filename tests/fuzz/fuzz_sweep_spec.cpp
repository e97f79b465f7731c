// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: sweep specs, JSON or (WB_FUZZ_YAML=1) YAML, and the jobs of small grids.
#include "sw/sweep_spec.hpp"
#include "tests/fuzz/fuzz_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wb::fuzz::parse_or_reject(data, size, [](const std::string& b) {
    const wb::sw::SweepSpec spec = wb::sw::parse_sweep_spec(b, WB_FUZZ_YAML, "fuzz");
    std::size_t jobs = 1;
    for (const auto& axis : spec.axes) jobs *= axis.values.size();  // at most kMaxSweepJobs
    if (jobs > 1000) return;  // expanding is linear; big grids only slow the fuzzer down
    for (const auto& job : wb::sw::expand_sweep(spec)) job.args();
  });
}
