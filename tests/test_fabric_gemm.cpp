// [cosim] Sparse GEMV and SpMM mapped onto the compute fabric RTL: bit-exact against the CPU
// reference at every density, in both layouts, with back-pressure on the edge outputs; the
// PEs do exactly the work the mapper expects (zero weights and activations are skipped).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"
#include "tb/fabric_factory.hpp"

namespace {

using wb::sw::FabricLayout;

wb::sw::FabricLimits limits() { return {}; }  // the built hardware's

wb::ref::WaferRunResult run(int mesh, const wb::sw::MatrixI8& a, const wb::sw::MatrixI8& b, FabricLayout layout,
                           double backpressure = 0.0) {
  const auto program = wb::sw::map_sparse_gemm(a, b, mesh, layout, limits());
  auto dut = wb::tb::make_wafer_dut(mesh);
  wb::ref::WaferRunOptions options;
  options.backpressure = backpressure;
  auto r = dut->run(program, options);
  CHECK(r.macs == program.expected_macs);
  CHECK(r.extra_outputs == 0);
  CHECK_FALSE(r.route_error);
  CHECK_FALSE(r.pe_error);
  CHECK(r.wavelets_in == program.input_wavelets());
  return r;
}

}  // namespace

TEST_CASE("sparse GEMV and SpMM are bit-exact at every density, weights resident", "[wafer]") {
  const double density = GENERATE(1.0, 0.5, 0.1, 0.01);
  const int m = GENERATE(1, 5);  // GEMV and SpMM
  const auto a = wb::sw::random_int8(m, 37, 11);
  const auto b = wb::sw::random_sparse_int8(37, 29, density, 12);
  INFO("density " << density << " m " << m);
  const auto r = run(4, a, b, FabricLayout::kWeightsResident, 0.3);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("sparse GEMV and SpMM are bit-exact at every density, weight streaming", "[wafer]") {
  const double density = GENERATE(1.0, 0.5, 0.1, 0.01);
  const int m = GENERATE(1, 4);
  const auto a = wb::sw::random_int8(m, 30, 21);
  const auto b = wb::sw::random_sparse_int8(30, 26, density, 22);
  INFO("density " << density << " m " << m);
  const auto r = run(4, a, b, FabricLayout::kWeightStreaming, 0.3);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("zero activations are never sent and cost nothing", "[wafer]") {
  auto a = wb::sw::random_int8(3, 16, 31);
  for (int c = 0; c < 16; c += 2) a.at(1, c) = 0;
  const auto b = wb::sw::random_sparse_int8(16, 16, 0.5, 32);
  const auto program = wb::sw::map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits());
  std::uint64_t nonzero_acts = 0;
  for (int r = 0; r < a.rows(); ++r) {
    for (int c = 0; c < a.cols(); ++c) nonzero_acts += a.at(r, c) != 0;
  }
  // one wavelet per nonzero activation plus an end-of-vector per vector and column of PEs
  CHECK(program.input_wavelets() == nonzero_acts + 3u * static_cast<unsigned>(program.used_x));
  const auto r = run(4, a, b, FabricLayout::kWeightsResident);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("sparser weights take fewer cycles", "[wafer]") {
  const auto a = wb::sw::random_int8(4, 32, 41);
  const auto dense = run(4, a, wb::sw::random_sparse_int8(32, 32, 1.0, 42), FabricLayout::kWeightsResident);
  const auto sparse = run(4, a, wb::sw::random_sparse_int8(32, 32, 0.1, 42), FabricLayout::kWeightsResident);
  CHECK(sparse.cycles * 2 < dense.cycles);
  CHECK(sparse.macs * 5 < dense.macs);
}

TEST_CASE("a layer smaller than the mesh uses a corner and its sums still reach the edge", "[wafer]") {
  const auto a = wb::sw::random_int8(2, 3, 51);
  const auto b = wb::sw::random_sparse_int8(3, 2, 1.0, 52);
  for (auto layout : {FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming}) {
    const auto r = run(4, a, b, layout);
    CHECK(r.result == wb::sw::gemm_ref(a, b));
  }
}

TEST_CASE("the 8x8 fabric runs a sparse SpMM bit-exact", "[wafer]") {
  const auto a = wb::sw::random_int8(6, 100, 61);
  const auto b = wb::sw::random_sparse_int8(100, 90, 0.3, 62);
  for (auto layout : {FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming}) {
    const auto r = run(8, a, b, layout, 0.2);
    CHECK(r.result == wb::sw::gemm_ref(a, b));
    CHECK(r.link_utilization(8) > 0.0);
  }
}

TEST_CASE("the 16x16 fabric builds and runs a sparse SpMM bit-exact", "[wafer]") {
  const auto a = wb::sw::random_int8(3, 200, 81);
  const auto b = wb::sw::random_sparse_int8(200, 180, 0.2, 82);
  const auto r = run(16, a, b, FabricLayout::kWeightsResident, 0.1);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("a watchdog names the stuck tile, port and color when results cannot leave", "[wafer]") {
  const auto a = wb::sw::random_int8(4, 16, 91);
  const auto b = wb::sw::random_int8(16, 16, 92);
  const auto program = wb::sw::map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits());
  auto dut = wb::tb::make_wafer_dut(4);
  wb::ref::WaferRunOptions options;
  options.backpressure = 1.0;  // the east edge never returns a credit
  options.watchdog_cycles = 500;
  try {
    dut->run(program, options);
    FAIL("the watchdog did not fire");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("watchdog") != std::string::npos);
    CHECK(what.find("got 4 of 16 results") != std::string::npos);  // Depth credits, then nothing
    CHECK(what.find("tile (3,0) output E has no credit for color") != std::string::npos);
    CHECK(what.find("busy") != std::string::npos);
  }
}

TEST_CASE("a program for another mesh is refused", "[wafer]") {
  const auto a = wb::sw::random_int8(1, 8, 71);
  const auto b = wb::sw::random_int8(8, 8, 72);
  const auto program = wb::sw::map_sparse_gemm(a, b, 8, FabricLayout::kWeightsResident, limits());
  auto dut = wb::tb::make_wafer_dut(4);
  CHECK_THROWS_AS(dut->run(program, {}), wb::sw::InputError);
}
