// SPDX-License-Identifier: Apache-2.0
// [cosim] The full SystemC/TLM path: memory -> streamer -> transactor -> Verilated array ->
// monitor. One elaboration per test case (each runs in its own process under ctest).
#include <systemc>

#include <catch2/catch.hpp>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/rng.hpp"
#include "tb/array_system.hpp"
#include "models/ref/pin_gemm.hpp"
#include "tb/systolic_array_factory.hpp"

using namespace wb;

TEST_CASE("system: random GEMMs back to back, switching dataflow, under back-pressure", "[cosim]") {
  tb::SystemOptions options;
  options.array = {8, 8};
  options.memory = {8.0, 7};
  options.buffer_beats = 40;
  options.chunk_beats = 16;
  options.dut.a_stall = options.dut.b_stall = options.dut.c_stall = 0.3;
  options.dut.seed = 77;
  int checked = 0;
  tb::run_array_system(options, [&](tb::ArraySession& session) {
    sw::SplitMix64 rng(5);
    for (int i = 0; i < 10; ++i) {
      const int m = static_cast<int>(rng.uniform(1, 50)), k = static_cast<int>(rng.uniform(1, 50)),
                n = static_cast<int>(rng.uniform(1, 50));
      const auto a = sw::random_int8(m, k, 10 + i), b = sw::random_int8(k, n, 20 + i);
      const auto df = i % 3 == 1 ? sw::Dataflow::kOutputStationary : sw::Dataflow::kWeightStationary;
      const tb::GemmRun run = session.gemm(a, b, df);
      INFO("job " << i << " " << m << "x" << k << "x" << n << " " << sw::dataflow_name(df));
      CHECK(run.c == sw::gemm_ref(a, b));
      CHECK(run.cycles >= sw::GemmPlan({m, k, n}, options.array, df).ideal_cycles());
      ++checked;
    }
  });
  CHECK(checked == 10);
}

TEST_CASE("system: with ideal memory the TLM path adds exactly the memory latency to the pin-level cycle count", "[cosim]") {
  const auto a = sw::random_int8(40, 20, 1), b = sw::random_int8(20, 12, 2);
  const sw::GemmPlan plan({40, 20, 12}, {8, 8}, sw::Dataflow::kWeightStationary);
  auto dut = tb::make_array_dut(8, 8, {});
  const auto pins = ref::run_gemm_on_pins(*dut, plan, a, b);
  tb::SystemOptions options;
  options.array = {8, 8};
  options.memory = {1e6, 25};
  tb::GemmRun run;
  tb::run_array_system(options, [&](tb::ArraySession& s) { run = s.gemm(a, b, sw::Dataflow::kWeightStationary); });
  CHECK(run.c == pins.c);
  CHECK(run.cycles == pins.cycles + 25);
}

TEST_CASE("system: a bandwidth-bound GEMM runs at the memory's pace", "[cosim]") {
  tb::SystemOptions options;
  options.array = {8, 8};
  options.memory = {2.0, 0};  // 2 bytes per cycle: each 8-byte A beat needs 4 cycles
  tb::GemmRun run;
  const auto a = sw::random_int8(200, 8, 1), b = sw::random_int8(8, 8, 2);
  tb::run_array_system(options, [&](tb::ArraySession& s) { run = s.gemm(a, b, sw::Dataflow::kWeightStationary); });
  CHECK(run.c == sw::gemm_ref(a, b));
  CHECK(run.mem_bytes_read == 200 * 8 + 8 * 8);
  const double bound = static_cast<double>(run.mem_bytes_read) / 2.0;
  CHECK(run.cycles >= bound);
  CHECK(run.cycles <= bound * 1.05 + 40);  // plus fill/drain of one fold
}

TEST_CASE("system: operands that do not fit the memory are an input error", "[cosim]") {
  tb::SystemOptions options;
  options.array = {4, 4};
  options.memory_bytes = 100;
  CHECK_THROWS_AS(tb::run_array_system(options,
                                       [&](tb::ArraySession& s) {
                                         s.gemm(sw::random_int8(10, 10, 1), sw::random_int8(10, 10, 2),
                                                sw::Dataflow::kWeightStationary);
                                       }),
                  sw::InputError);
}
