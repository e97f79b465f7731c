// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: GEMMs back to back on one array DUT of an engine, and what the RTL and the model
// must agree on afterwards (results, cycles, beat and stall counters, the final cycle).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/ref/pin_gemm.hpp"
#include "models/ref/systolic_array_dut.hpp"
#include "tb/systolic_array_factory.hpp"

namespace wb::test {

struct EngineRun {
  std::vector<sw::MatrixI32> c;
  std::vector<std::uint64_t> cycles;
  ref::DutCounters counters;
  std::uint64_t end_cycle = 0;
};

// One DUT of `engine` made with `options` runs `jobs` in order (state carries over between
// them); `gemm(dut, job)` runs one at pin level and returns its ref::PinGemmResult.
template <class Job, class Gemm>
EngineRun run_engine_jobs(ref::Engine engine, sw::ArrayShape array, ref::DutOptions options,
                          const std::vector<Job>& jobs, Gemm&& gemm) {
  options.engine = engine;
  auto dut = tb::make_array_dut(array.rows, array.cols, options);
  EngineRun out;
  for (const Job& job : jobs) {
    ref::PinGemmResult result = gemm(*dut, job);
    out.c.push_back(std::move(result.c));
    out.cycles.push_back(result.cycles);
  }
  out.counters = dut->counters();
  out.end_cycle = dut->cycle();
  return out;
}

inline void check_counters_agree(const EngineRun& rtl, const EngineRun& model) {
  CHECK(model.counters.a_beats == rtl.counters.a_beats);
  CHECK(model.counters.b_beats == rtl.counters.b_beats);
  CHECK(model.counters.c_beats == rtl.counters.c_beats);
  CHECK(model.counters.c_stalled == rtl.counters.c_stalled);
  CHECK(model.end_cycle == rtl.end_cycle);
}

}  // namespace wb::test
