// SPDX-License-Identifier: Apache-2.0
// [cosim] The C++ reference model of the compute fabric (models/ref/fabric_model.hpp) against the
// RTL: on the same programs and seeds (both layouts, densities 1 / 0.5 / 0.1 / 0.01, GEMV and
// SpMM, with and without back-pressure, on the built 4x4 and 8x8 meshes; 16x16 in
// tests/test_on_demand.cpp) the results,
// cycle counts, MACs, link flits, the PEs' SRAM reads and writes and partial-sum adds and the
// wavelet counts are equal; the model alone runs meshes that
// are not built, bit-exact against sw::gemm_ref.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/rng.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"
#include "tb/fabric_factory.hpp"
#include "tests/skip.hpp"

namespace {

using wb::sw::FabricLayout;
using wb::ref::Engine;

wb::sw::FabricLimits limits() { return {}; }  // the built hardware's

wb::ref::WaferRunResult run(Engine engine, const wb::sw::FabricProgram& program, double backpressure,
                           std::uint64_t seed = 1) {
  wb::ref::WaferDutOptions dut_options;
  dut_options.engine = engine;
  auto dut = wb::tb::make_wafer_dut(program.mesh, dut_options);
  wb::ref::WaferRunOptions options;
  options.backpressure = backpressure;
  options.seed = seed;
  return dut->run(program, options);
}

// SRAM words the program loads into its PEs.
std::uint64_t program_sram_words(const wb::sw::FabricProgram& program) {
  std::uint64_t words = 0;
  for (const auto& pe : program.pes) words += pe.sram.size();
  return words;
}

double g_worst = 1.0;  // worst model/RTL cycle ratio seen (furthest from 1)

// Runs both engines on the same program and checks that they agree.
void compare(int mesh, const wb::sw::MatrixI8& a, const wb::sw::MatrixI8& b, FabricLayout layout, double backpressure,
             std::uint64_t seed = 1) {
  const auto program = wb::sw::map_sparse_gemm(a, b, mesh, layout, limits());
  const auto rtl = run(Engine::kRtl, program, backpressure, seed);
  const auto model = run(Engine::kModel, program, backpressure, seed);
  INFO("mesh " << mesh << " " << wb::sw::fabric_layout_name(layout) << " " << a.rows() << "x" << a.cols() << "x"
               << b.cols() << " backpressure " << backpressure << ": rtl " << rtl.cycles << " cycles, model "
               << model.cycles);
  CHECK(rtl.result == wb::sw::gemm_ref(a, b));
  CHECK(model.result == rtl.result);
  const double ratio = static_cast<double>(model.cycles) / static_cast<double>(std::max<std::uint64_t>(rtl.cycles, 1));
  if (std::abs(ratio - 1.0) > std::abs(g_worst - 1.0)) g_worst = ratio;
  CHECK(ratio == Approx(1.0).epsilon(0.01));
  CHECK(model.cycles == rtl.cycles);  // the goal: cycle-exact
  CHECK(model.load_cycles == rtl.load_cycles);
  CHECK(model.sim_cycles == rtl.sim_cycles);
  CHECK(model.macs == rtl.macs);
  CHECK(model.macs == program.expected_macs);
  CHECK(model.link_flits == rtl.link_flits);
  CHECK(model.pe.sram_reads == rtl.pe.sram_reads);
  CHECK(model.pe.sram_writes == rtl.pe.sram_writes);
  CHECK(model.pe.psum_adds == rtl.pe.psum_adds);
  // Every MAC reads one SRAM word (an entry or an activation); loading writes every PE's image.
  CHECK(model.pe.sram_reads >= model.macs);
  CHECK(model.pe.sram_writes == program_sram_words(program));
  CHECK(model.wavelets_in == rtl.wavelets_in);
  CHECK(model.wavelets_out == rtl.wavelets_out);
  CHECK(model.extra_outputs == rtl.extra_outputs);
  CHECK(model.extra_outputs == 0);
  CHECK(model.route_error == rtl.route_error);
  CHECK(model.pe_error == rtl.pe_error);
}

// Prints the worst ratio so far, when it changes (and once per test case).
void report_worst(const char* what) {
  static double printed = 0.0;
  static std::string printed_for;
  if (g_worst == printed && printed_for == what) return;
  printed = g_worst;
  printed_for = what;
  std::printf("fabric model vs RTL, %s: worst cycle ratio model/RTL so far %.5f\n", what, g_worst);
}

}  // namespace

TEST_CASE("the fabric model equals the RTL on 4x4, every density, both layouts", "[cosim][wafer][model]") {
  const auto layout = GENERATE(FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming);
  const double density = GENERATE(1.0, 0.5, 0.1, 0.01);
  const int m = GENERATE(1, 5);  // GEMV and SpMM
  const double backpressure = GENERATE(0.0, 0.3);
  const auto a = wb::sw::random_int8(m, 37, 11);
  const auto b = wb::sw::random_sparse_int8(37, 29, density, 12);
  INFO("density " << density);
  compare(4, a, b, layout, backpressure);
  report_worst("4x4");
}

TEST_CASE("the fabric model equals the RTL on 8x8, every density, both layouts", "[cosim][wafer][model]") {
  wb::test::need_wafer_mesh(8);
  const auto layout = GENERATE(FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming);
  const double density = GENERATE(1.0, 0.5, 0.1, 0.01);
  const int m = GENERATE(1, 6);
  const double backpressure = GENERATE(0.0, 0.2);
  const auto a = wb::sw::random_int8(m, 100, 61);
  const auto b = wb::sw::random_sparse_int8(100, 90, density, 62);
  INFO("density " << density);
  compare(8, a, b, layout, backpressure, 7);
  report_worst("8x8");
}

// 16x16 (built on demand, into waferbench-big only): tests/test_on_demand.cpp.

TEST_CASE("the fabric model equals the RTL on copies of the PE grid, two lanes per stream", "[cosim][wafer][model]") {
  wb::test::need_wafer_mesh(8);
  const double density = GENERATE(1.0, 0.1, 0.01);
  const double backpressure = GENERATE(0.0, 0.3);
  INFO("density " << density);
  // The sparsity figure's layer: eight copies of a 4 x 2 grid, two on each north and south
  // stream; some activations zero in one lane only (the PE skips them).
  auto a = wb::sw::random_int8(8, 256, 1);
  for (int j = 0; j < 256; j += 5) a.at(j % 8, j) = 0;
  compare(8, a, wb::sw::random_sparse_int8(256, 256, density, 2), FabricLayout::kWeightsResident, backpressure, 5);
  // 4x4: eight copies (2 x 4), and three (one per row pair, the south one alone on its stream).
  compare(4, wb::sw::random_int8(8, 24, 3), wb::sw::random_sparse_int8(24, 20, density, 4), FabricLayout::kWeightsResident,
          backpressure, 6);
  compare(4, wb::sw::random_int8(3, 17, 7), wb::sw::random_sparse_int8(17, 9, density, 8), FabricLayout::kWeightsResident,
          backpressure, 7);
  report_worst("copies");
}

TEST_CASE("the fabric model equals the RTL on irregular shapes, zero rows and a corner", "[cosim][wafer][model]") {
  wb::test::need_wafer_mesh(8);
  auto a = wb::sw::random_int8(3, 16, 31);
  for (int c = 0; c < 16; c += 2) a.at(1, c) = 0;  // zero activations are never sent
  compare(4, a, wb::sw::random_sparse_int8(16, 16, 0.5, 32), FabricLayout::kWeightsResident, 0.5, 9);
  compare(4, wb::sw::random_int8(2, 3, 51), wb::sw::random_sparse_int8(3, 2, 1.0, 52), FabricLayout::kWeightsResident,
          0.0);
  compare(4, wb::sw::random_int8(2, 3, 51), wb::sw::random_sparse_int8(3, 2, 1.0, 52), FabricLayout::kWeightStreaming,
          0.0);
  compare(8, wb::sw::random_int8(17, 64, 53), wb::sw::random_sparse_int8(64, 70, 0.3, 54),
          FabricLayout::kWeightStreaming, 0.4, 11);
  compare(4, wb::sw::random_int8(40, 8, 55), wb::sw::random_sparse_int8(8, 8, 1.0, 56), FabricLayout::kWeightsResident,
          0.9, 13);
  report_worst("irregular");
}

TEST_CASE("the fabric model equals the RTL on random shapes, densities, layouts and stalls", "[cosim][wafer][model]") {
  wb::test::need_wafer_mesh(8);
  wb::sw::SplitMix64 rng(2024);
  for (int i = 0; i < 24; ++i) {
    const int mesh = i % 3 == 2 ? 8 : 4;
    const int m = static_cast<int>(rng.uniform(1, 12)), k = static_cast<int>(rng.uniform(1, 12 * mesh));
    const int n = static_cast<int>(rng.uniform(1, 10 * mesh));
    const double density = 0.02 + 0.98 * static_cast<double>(rng.uniform(0, 1000)) / 1000.0;
    const auto layout = rng.chance(0.5) ? FabricLayout::kWeightsResident : FabricLayout::kWeightStreaming;
    const double backpressure = static_cast<double>(rng.uniform(0, 6)) / 10.0;
    const auto a = wb::sw::random_sparse_int8(m, k, rng.chance(0.3) ? 0.5 : 1.0, 300 + i);
    const auto b = wb::sw::random_sparse_int8(k, n, density, 400 + i);
    INFO("case " << i << " density " << density);
    compare(mesh, a, b, layout, backpressure, 500 + i);
  }
  report_worst("random");
}

TEST_CASE("the fabric model's watchdog stops where the RTL's does, with the same diagnosis", "[cosim][wafer][model]") {
  const auto a = wb::sw::random_int8(4, 16, 91);
  const auto b = wb::sw::random_int8(16, 16, 92);
  const auto program =
      wb::sw::map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits(), wb::sw::FabricMapOptions::one_grid());
  std::string messages[2];
  for (auto engine : {Engine::kRtl, Engine::kModel}) {
    wb::ref::WaferDutOptions dut_options;
    dut_options.engine = engine;
    auto dut = wb::tb::make_wafer_dut(4, dut_options);
    wb::ref::WaferRunOptions options;
    options.backpressure = 1.0;  // the east edge never returns a credit
    options.watchdog_cycles = 500;
    try {
      dut->run(program, options);
      FAIL("the watchdog did not fire");
    } catch (const std::runtime_error& e) {
      messages[engine == Engine::kModel] = e.what();
    }
  }
  INFO(messages[1]);
  CHECK(messages[1].find("got 4 of 16 results") != std::string::npos);
  CHECK(messages[1].find("tile (3,0) output E has no credit for color") != std::string::npos);
  CHECK(messages[1] == messages[0]);
}

TEST_CASE("the fabric model runs meshes that are not built, bit-exact", "[unit][wafer][model]") {
  const int mesh = GENERATE(1, 2, 3, 6, 12);
  const auto layout = GENERATE(FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming);
  const double density = GENERATE(1.0, 0.1);
  const int k = 9 * mesh + 5, n = 7 * mesh + 3;
  const auto a = wb::sw::random_int8(4, k, 100 + mesh);
  const auto b = wb::sw::random_sparse_int8(k, n, density, 200 + mesh);
  const auto program = wb::sw::map_sparse_gemm(a, b, mesh, layout, limits());
  INFO("mesh " << mesh << " " << wb::sw::fabric_layout_name(layout) << " density " << density);
  CHECK_FALSE(wb::tb::is_built_wafer_mesh(6));
  const auto r = run(Engine::kModel, program, 0.2);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
  CHECK(r.macs == program.expected_macs);
  CHECK(r.extra_outputs == 0);
  CHECK(r.wavelets_in == program.input_wavelets());
  CHECK(r.wavelets_out == program.output_wavelets());
  CHECK_FALSE(r.route_error);
  CHECK_FALSE(r.pe_error);
  CHECK(r.cycles > 0);
}

TEST_CASE("the fabric model refuses meshes over 16x16, waveforms and programs for another mesh", "[unit][wafer][model]") {
  wb::ref::WaferDutOptions o;
  o.engine = Engine::kModel;
  CHECK_THROWS_AS(wb::tb::make_wafer_dut(17, o), wb::sw::InputError);
  CHECK_THROWS_AS(wb::tb::make_wafer_dut(0, o), wb::sw::InputError);
  o.trace_path = "x.fst";
  CHECK_THROWS_AS(wb::tb::make_wafer_dut(4, o), wb::sw::InputError);
  o.trace_path.clear();
  const auto program = wb::sw::map_sparse_gemm(wb::sw::random_int8(1, 8, 71), wb::sw::random_int8(8, 8, 72), 8,
                                               FabricLayout::kWeightsResident, limits());
  CHECK_THROWS_AS(wb::tb::make_wafer_dut(6, o)->run(program, {}), wb::sw::InputError);
}

TEST_CASE("the fabric model equals the RTL when each PE emits more partial sums than its buffers hold", "[cosim][wafer][model]") {
  // 6x100x70 on 4x4: 25 inputs and 18 outputs per PE. Weights resident, each PE sends 18 sums
  // per vector (weight streaming: 18 x 6 at the end of the layer) into a row whose FIFOs and
  // router buffers hold 4 of a color each. When the east edge stalls, the sums back up the row:
  // a PE runs out of output credits and must send on each one as it comes back (a PE that
  // waited for two credits would lose cycles here).
  const auto layout = GENERATE(FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming);
  const double density = GENERATE(1.0, 0.5);
  const double backpressure = GENERATE(0.0, 0.2);
  const auto a = wb::sw::random_int8(6, 100, 111);
  const auto b = wb::sw::random_sparse_int8(100, 70, density, 112);
  INFO("density " << density);
  compare(4, a, b, layout, backpressure, 13);
  report_worst("more sums than buffers");
}
