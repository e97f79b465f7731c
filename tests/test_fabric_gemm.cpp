// SPDX-License-Identifier: Apache-2.0
// [cosim] Sparse GEMV and SpMM mapped onto the compute fabric RTL: bit-exact against the CPU
// reference at every density, in both layouts, with back-pressure on the edge outputs; the
// PEs do exactly the work the mapper expects (zero weights and activations are skipped).
// Small GEMVs and a row multicast pin hand-computed cycles, link flits, wavelet counts and the
// PEs' SRAM reads, writes and partial-sum adds on the RTL and on the model (alone on meshes that
// are not built), and a tiny GEMM's energy from those counters.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include <stdexcept>
#include <string>
#include <vector>

#include "sw/energy.hpp"
#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"
#include "tb/fabric_factory.hpp"
#include "tb/fabric_gemm.hpp"
#include "sw/layer_record.hpp"
#include "tests/skip.hpp"

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

TEST_CASE("sparse GEMV and SpMM are bit-exact at every density, weights resident", "[cosim][wafer]") {
  const double density = GENERATE(1.0, 0.5, 0.1, 0.01);
  const int m = GENERATE(1, 5);  // GEMV and SpMM
  const auto a = wb::sw::random_int8(m, 37, 11);
  const auto b = wb::sw::random_sparse_int8(37, 29, density, 12);
  INFO("density " << density << " m " << m);
  const auto r = run(4, a, b, FabricLayout::kWeightsResident, 0.3);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("sparse GEMV and SpMM are bit-exact at every density, weight streaming", "[cosim][wafer]") {
  const double density = GENERATE(1.0, 0.5, 0.1, 0.01);
  const int m = GENERATE(1, 4);
  const auto a = wb::sw::random_int8(m, 30, 21);
  const auto b = wb::sw::random_sparse_int8(30, 26, density, 22);
  INFO("density " << density << " m " << m);
  const auto r = run(4, a, b, FabricLayout::kWeightStreaming, 0.3);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("zero activations are never sent and cost nothing", "[cosim][wafer]") {
  auto a = wb::sw::random_int8(3, 16, 31);
  for (int c = 0; c < 16; c += 2) a.at(1, c) = 0;
  const auto b = wb::sw::random_sparse_int8(16, 16, 0.5, 32);
  const auto program =
      wb::sw::map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits(), wb::sw::FabricMapOptions::one_grid());
  std::uint64_t nonzero_acts = 0;
  for (int r = 0; r < a.rows(); ++r) {
    for (int c = 0; c < a.cols(); ++c) nonzero_acts += a.at(r, c) != 0;
  }
  // one wavelet per nonzero activation plus an end-of-vector per vector and column of PEs
  CHECK(program.input_wavelets() == nonzero_acts + 3u * static_cast<unsigned>(program.used_x));
  const auto r = run(4, a, b, FabricLayout::kWeightsResident);
  CHECK(r.result == wb::sw::gemm_ref(a, b));
}

TEST_CASE("sparser weights take fewer cycles", "[cosim][wafer]") {
  const auto a = wb::sw::random_int8(4, 32, 41);
  const auto dense = run(4, a, wb::sw::random_sparse_int8(32, 32, 1.0, 42), FabricLayout::kWeightsResident);
  const auto sparse = run(4, a, wb::sw::random_sparse_int8(32, 32, 0.1, 42), FabricLayout::kWeightsResident);
  CHECK(sparse.cycles * 2 < dense.cycles);
  CHECK(sparse.macs * 5 < dense.macs);
}

TEST_CASE("a layer smaller than the mesh uses a corner and its sums still reach the edge", "[cosim][wafer]") {
  const auto a = wb::sw::random_int8(2, 3, 51);
  const auto b = wb::sw::random_sparse_int8(3, 2, 1.0, 52);
  for (auto layout : {FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming}) {
    const auto r = run(4, a, b, layout);
    CHECK(r.result == wb::sw::gemm_ref(a, b));
  }
}

TEST_CASE("the 8x8 fabric runs a sparse SpMM bit-exact", "[cosim][wafer]") {
  wb::test::need_wafer_mesh(8);
  const auto a = wb::sw::random_int8(6, 100, 61);
  const auto b = wb::sw::random_sparse_int8(100, 90, 0.3, 62);
  for (auto layout : {FabricLayout::kWeightsResident, FabricLayout::kWeightStreaming}) {
    const auto r = run(8, a, b, layout, 0.2);
    CHECK(r.result == wb::sw::gemm_ref(a, b));
    CHECK(r.link_utilization(8) > 0.0);
  }
}

// The 16x16 fabric is built on demand, into waferbench-big only: tests/test_on_demand.cpp runs
// it (RTL against model, golden, every density and both layouts).

TEST_CASE("a watchdog names the stuck tile, port and color when results cannot leave", "[cosim][wafer]") {
  const auto a = wb::sw::random_int8(4, 16, 91);
  const auto b = wb::sw::random_int8(16, 16, 92);
  const auto program =
      wb::sw::map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits(), wb::sw::FabricMapOptions::one_grid());
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

TEST_CASE("a program for another mesh is refused", "[cosim][wafer]") {
  const auto a = wb::sw::random_int8(1, 8, 71);
  const auto b = wb::sw::random_int8(8, 8, 72);
  const auto program = wb::sw::map_sparse_gemm(a, b, 8, FabricLayout::kWeightsResident, limits());
  auto dut = wb::tb::make_wafer_dut(4);
  CHECK_THROWS_AS(dut->run(program, {}), wb::sw::InputError);
}

// ---------------------------------------------------------------- absolute figures
// Cycle counts, link flits and wavelet counts worked out by hand from the documented RTL
// (README, rtl/sa_*.sv), not by comparing two engines through the one driver they share: each
// is pinned as a number and checked on the model and, where the mesh is built, on the RTL.
// `cycles` runs from the cycle the first wavelet enters an edge to the cycle the last result
// is taken, inclusive; no back-pressure, every weight and activation nonzero. The terms:
//   +1 the edge input register, +1 per router (a wavelet arriving into an empty buffer leaves
//   in the same cycle, from a registered output), +1 the PE's input FIFO;
//   a weights-resident activation holds the PE's issue stage max(1, nb) cycles, one SRAM entry
//   per cycle (the fetch register reads the next column pointer meanwhile, and the SRAM's read
//   latency overlaps the next read), a streamed weight with batch 1 one cycle;
//   the end of the vector starts the reduction the cycle after it is taken, one sum per cycle;
//   down a PE row each partial sum costs +4 to the next PE (its output register, two routers,
//   the psum FIFO) and the last PE's sums +2 to the edge (output register, router) plus one per
//   router between it and the east edge; multicast down a column adds +1 per row;
//   the credit loops (3 cycles on a link, 4 through a PE's FIFO) fit in Depth = 4, so no
//   one-per-cycle stream ever waits.
namespace {

using wb::ref::Engine;

// Every entry nonzero (each weight stored, each activation sent): +-1..7.
wb::sw::MatrixI8 nonzero(int rows, int cols, int seed) {
  wb::sw::MatrixI8 m(rows, cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const int v = 1 + (r * 5 + c * 3 + seed) % 7;
      m.at(r, c) = static_cast<std::int8_t>((r + c) % 2 ? -v : v);
    }
  }
  return m;
}

std::vector<Engine> engines(int mesh) {
  if (wb::tb::is_built_wafer_mesh(mesh)) return {Engine::kModel, Engine::kRtl};
  return {Engine::kModel};
}

wb::ref::WaferRunResult run_on(Engine engine, const wb::sw::FabricProgram& program) {
  wb::ref::WaferDutOptions o;
  o.engine = engine;
  return wb::tb::make_wafer_dut(program.mesh, o)->run(program, {});
}

struct Figures {
  std::uint64_t cycles, load_cycles, link_flits, wavelets_in, wavelets_out;
  std::uint64_t sram_reads, sram_writes, psum_adds;  // the PEs' counters, summed
};

void check_figures(int mesh, const wb::sw::MatrixI8& a, const wb::sw::MatrixI8& b, FabricLayout layout,
                   const Figures& want) {
  const auto program = wb::sw::map_sparse_gemm(a, b, mesh, layout, limits());
  for (const Engine engine : engines(mesh)) {
    INFO(mesh << "x" << mesh << " " << wb::sw::fabric_layout_name(layout) << " " << a.rows() << "x" << a.cols() << "x"
              << b.cols() << " on the " << wb::ref::engine_name(engine));
    const auto r = run_on(engine, program);
    CHECK(r.result == wb::sw::gemm_ref(a, b));
    CHECK(r.cycles == want.cycles);
    CHECK(r.load_cycles == want.load_cycles);
    CHECK(r.link_flits == want.link_flits);
    CHECK(r.wavelets_in == want.wavelets_in);
    CHECK(r.wavelets_out == want.wavelets_out);
    CHECK(r.pe.sram_reads == want.sram_reads);
    CHECK(r.pe.sram_writes == want.sram_writes);
    CHECK(r.pe.psum_adds == want.psum_adds);
    CHECK(r.macs == static_cast<std::uint64_t>(a.rows()) * a.cols() * b.cols());
    CHECK(r.extra_outputs == 0);
    CHECK_FALSE(r.route_error);
    CHECK_FALSE(r.pe_error);
  }
}

}  // namespace

// Weights resident, a GEMV on used_x x used_y PEs of a k x k mesh, kb activations and nb
// outputs per PE:
//   cycles     = kb nb + nb + 4 (used_x - 1) + (k - used_x) + (used_y - 1) + 7
//                (3 to the first PE, 1 to fetch the first activation, kb nb of MACs, 1 to
//                take the end, nb sums, 4 per
//                PE down the row, 2 + (k - used_x) to the edge, used_y - 1 down the column,
//                and the first cycle itself)
//   load       = routes (per PE row: 2 + 3 (used_x - 1) + (k - used_x)) + 3 registers + kb + kb nb SRAM words
//   link flits = used_x (kb + 1) (used_y - 1) multicast hops + used_y k nb sums crossing the row
//   in = used_x (kb + 1) (activations and the end), out = N
//   PE SRAM    = per PE kb (1 + nb) words read (each activation's column pointer, then an entry
//                per MAC; the end's index reads nothing) and kb + kb nb written (loading)
//   psum adds  = used_y (used_x - 1) nb: every PE but a row's chain head adds its sums
TEST_CASE("fabric GEMV on one PE: cycles, load, flits and wavelets as hand-computed", "[cosim][wafer]") {
  // 1x1 mesh, K = 3, N = 5: 3 * 5 + 5 + 7 = 27 cycles; load 2 + 3 + 3 + 15 = 23.
  check_figures(1, nonzero(1, 3, 1), nonzero(3, 5, 2), FabricLayout::kWeightsResident, {27, 23, 5, 4, 5, 18, 18, 0});
  // 1x1, K = N = 1: 1 + 1 + 7 = 9; load 2 + 3 + 2 = 7.
  check_figures(1, nonzero(1, 1, 3), nonzero(1, 1, 4), FabricLayout::kWeightsResident, {9, 7, 1, 2, 1, 2, 2, 0});
  // The same PE in the corner of the 4x4 mesh: + 3 routers to the east edge = 12; routes
  // 2 + 3 pass-through, load 5 + 5 = 10; the sum crosses 4 routers.
  check_figures(4, nonzero(1, 1, 3), nonzero(1, 1, 4), FabricLayout::kWeightsResident, {12, 10, 4, 2, 1, 2, 2, 0});
}

TEST_CASE("fabric GEMV on a row of two PEs: the partial sum's hop, as hand-computed", "[cosim][wafer]") {
  // 2x2 mesh, K = 6, N = 1 (kb = 3, nb = 1, used 2 x 1): 3 * 1 + 1 + 4 + 0 + 0 + 7 = 15;
  // routes 2 + 3, load 5 + 3 + 3 + 3 = 14; 2 flits; in 2 * 4.
  check_figures(2, nonzero(1, 6, 5), nonzero(6, 1, 6), FabricLayout::kWeightsResident, {15, 14, 2, 8, 1, 12, 12, 1});
  // 4x4 mesh, K = 2, N = 1 (kb = nb = 1): 1 + 1 + 4 + 2 + 0 + 7 = 15; routes 2 + 3 + 2, load 7 + 5 = 12.
  check_figures(4, nonzero(1, 2, 7), nonzero(2, 1, 8), FabricLayout::kWeightsResident, {15, 12, 4, 4, 1, 4, 4, 1});
}

TEST_CASE("fabric GEMV on the whole 4x4 mesh: column multicast and row chains, as hand-computed", "[cosim][wafer]") {
  // K = 8, N = 20: kb = 2, nb = 5 (more sums per PE than a FIFO holds), 4 x 4 PEs:
  // 2 * 5 + 5 + 12 + 0 + 3 + 7 = 37 cycles; routes 4 * 11, load 44 + 3 + 2 + 10 = 59;
  // flits 4 * 3 * 3 + 4 * 4 * 5 = 116; in 4 * 3.
  check_figures(4, nonzero(1, 8, 9), nonzero(8, 20, 10), FabricLayout::kWeightsResident, {37, 59, 116, 12, 20, 192, 192, 60});
}

// Weights resident with copies of the PE grid (M vectors over R copies, one vector each here):
// every copy is a used_x x used_y grid as above, and they run side by side, so
//   cycles     = kb nb + nb + 4 (used_x - 1) + c + d + 7
//   c = k - used_x with one copy across (its sums go east past the unused columns), else 0
//   (the left copies' sums leave west, the right ones' east, from the PE at the edge); d = rows
//   from an edge to the farthest PE row its stream feeds (two copies share a stream, one int8
//   lane each);
//   load       = routes (per stream, one per row down to its farthest PE; per PE row,
//                1 + 2 (used_x - 1); the carries) + 3 registers + kb + kb nb SRAM words
//   link flits = per stream (kb + 1) d multicast hops + per PE row used_x nb sums
//   in = streams x (kb + 1), out = M N
//   PE SRAM and psum adds as above, per copy (a lane's PE reads the column pointer of every
//   wavelet of its stream)
TEST_CASE("fabric SpMM on copies of the PE grid, fed from two edges: as hand-computed", "[cosim][wafer]") {
  // 2x2, M = 2, K = 2, N = 1: two copies of a 2 x 1 grid (kb = nb = 1), one per row, fed from
  // the north and the south: 1 + 1 + 4 + 0 + 0 + 7 = 13; routes 4 + 2 * 3, load 10 + 5 = 15;
  // flits 2 * 2; in 4 * 2.
  const auto p2 = wb::sw::map_sparse_gemm(nonzero(2, 2, 21), nonzero(2, 1, 22), 2, FabricLayout::kWeightsResident, limits());
  CHECK(p2.replicas == 2);
  check_figures(2, nonzero(2, 2, 21), nonzero(2, 1, 22), FabricLayout::kWeightsResident, {13, 15, 4, 8, 2, 8, 8, 2});
  // 4x4, M = 8, K = 4, N = 2: eight copies of a 2 x 1 grid (kb = nb = 2), two across (sums out
  // west and east) and four down (two per edge stream): 4 + 2 + 4 + 0 + 1 + 7 = 18;
  // routes 8 * 2 + 8 * 3, load 40 + 9 = 49; flits 8 * 3 * 1 + 8 * 2 * 2 = 56; in 8 * 3.
  const auto p4 = wb::sw::map_sparse_gemm(nonzero(8, 4, 23), nonzero(4, 2, 24), 4, FabricLayout::kWeightsResident, limits());
  CHECK(p4.replicas == 8);
  check_figures(4, nonzero(8, 4, 23), nonzero(4, 2, 24), FabricLayout::kWeightsResident, {18, 49, 56, 24, 16, 96, 96, 16});
  // 8x8, M = 8, K = 8, N = 4: eight copies of a 4 x 2 grid (kb = nb = 2), each stream feeding
  // four rows: 4 + 2 + 12 + 0 + 3 + 7 = 28; routes 16 * 4 + 16 * 7, load 176 + 9 = 185;
  // flits 16 * 3 * 3 + 16 * 4 * 2 = 272; in 16 * 3.
  const auto p8 = wb::sw::map_sparse_gemm(nonzero(8, 8, 25), nonzero(8, 4, 26), 8, FabricLayout::kWeightsResident, limits());
  CHECK(p8.replicas == 8);
  check_figures(8, nonzero(8, 8, 25), nonzero(8, 4, 26), FabricLayout::kWeightsResident, {28, 185, 272, 48, 32, 384, 384, 96});
}

// The energy of a tiny GEMM from the fabric's counters (the default table, Horowitz 45 nm):
// 2x4x4 on 2x2 is two copies of a 1 x 2 grid (kb = 4, nb = 2), one vector each, chain heads
// only. Per PE 4 + 8 SRAM words written and 4 (1 + 2) read: 48 + 48 words, 384 bytes at the
// 48 KiB SRAM's 2.5 + 10 (log2 49152 - 15) / 5 = 3.6699 pJ/B; 32 MACs at 0.3 pJ and their
// accumulators, 4 bytes each at 0.25 pJ/B; link flits 2 streams x 5 wavelets x 1 hop + 4 PE
// rows x 2 sums = 18, ceil(18 x 45 / 8) = 102 bytes at 0.8 pJ/B; no partial-sum adds.
TEST_CASE("fabric energy of a 2x4x4 GEMM on 2x2 from the PEs' counters, as hand-computed", "[cosim][wafer]") {
  wb::tb::FabricJob job;
  job.mesh = 2;
  job.engine = Engine::kModel;  // 2x2 is not built; the model equals the RTL counter for counter
  wb::sw::MatrixI32 c;
  const auto a = nonzero(2, 4, 31), b = nonzero(4, 4, 32);
  const wb::sw::FabricStats s = wb::tb::run_fabric_gemm(job, a, b, c);
  CHECK(c == wb::sw::gemm_ref(a, b));
  CHECK(s.pe.sram_reads == 48);
  CHECK(s.pe.sram_writes == 48);
  CHECK(s.pe.psum_adds == 0);
  CHECK(s.link_flits == 18);
  wb::sw::LayerRecord r = wb::sw::record_of(s, "gemm", "model");
  CHECK(r.macs_issued == 32);
  CHECK(r.register_bytes == 128);
  CHECK(r.pe_sram_read_bytes == 192);
  CHECK(r.pe_sram_write_bytes == 192);
  CHECK(r.int32_adds == 0);
  CHECK(r.link_bytes == 102);
  wb::sw::add_energy(r, wb::sw::default_energy_table());
  const double pe_sram_pj_per_byte = 2.5 + 10 * (std::log2(49152.0) - 15) / 5;
  CHECK(pe_sram_pj_per_byte == Approx(3.66993));
  CHECK(r.energy_mac_pj == Approx(9.6));
  CHECK(r.energy_add_pj == 0);
  CHECK(r.energy_register_pj == Approx(32));
  CHECK(r.energy_pe_sram_pj == Approx(384 * pe_sram_pj_per_byte));
  CHECK(r.energy_link_pj == Approx(81.6));
  CHECK(r.energy_pj() == Approx(9.6 + 32 + 1409.2512 + 81.6));
  CHECK(r.energy_per_mac_pj() == Approx(1532.4512 / 32));
}

// Weight streaming, one PE row (used_y = 1), batch 1: each of the kb nb weights holds the issue
// stage one cycle, then as above:
//   cycles = kb nb + nb + 4 (used_x - 1) + (k - used_x) + 6
//   load   = routes + 3 registers + kb SRAM words (the activations)
//   flits  = k nb (the weights go from the north edge straight down the ramp)
//   PE SRAM = kb nb words read (a resident activation per MAC), kb written; psum adds (used_x - 1) nb
TEST_CASE("fabric weight-streaming GEMV on a PE row: cycles, load, flits and wavelets as hand-computed", "[cosim][wafer]") {
  // 1x1, K = 3, N = 5: 15 + 5 + 6 = 26; load 2 + 3 + 3 = 8; in 15 weights + the end.
  check_figures(1, nonzero(1, 3, 11), nonzero(3, 5, 12), FabricLayout::kWeightStreaming, {26, 8, 5, 16, 5, 15, 3, 0});
  // 4x4, K = 2, N = 1: 1 + 1 + 4 + 2 + 6 = 14; load 7 + 3 + 1 = 11; in 2 * 2.
  check_figures(4, nonzero(1, 2, 13), nonzero(2, 1, 14), FabricLayout::kWeightStreaming, {14, 11, 4, 4, 1, 2, 2, 1});
}

// A row multicast, routed by hand (no PE involved): n wavelets enter the west edge of the bottom
// row and every router of it sends each one both south (out of the mesh) and east, so each
// leaves through all k south edge slots and the east one. The i-th is taken at the south slot
// of column x in cycle i + x + 2 (edge register, x + 1 routers):
//   cycles = n + k + 1, load = k routes, link flits = 2 k n, out = (k + 1) n
TEST_CASE("fabric row multicast: every wavelet reaches every south edge slot and the east one, as hand-computed",
          "[cosim][wafer]") {
  const int k = GENERATE(1, 4, 8);
  const int n = 10, y = k - 1, color = 1;
  wb::sw::FabricProgram p;
  p.mesh = k;
  p.used_x = k;
  p.used_y = 1;
  p.result_rows = k + 1;
  p.result_cols = n;
  wb::sw::MatrixI32 want(k + 1, n);
  wb::sw::EdgeInput in{3 * k + y, {}};  // the west slot of row y
  for (int i = 0; i < n; ++i) {
    in.wavelets.push_back({color, 0, 0, 1000u + static_cast<std::uint32_t>(i)});
    for (int o = 0; o <= k; ++o) want.at(o, i) = 1000 + i;
  }
  p.inputs.push_back(in);
  for (int x = 0; x < k; ++x) {
    p.routes.push_back({x, y, color, false, wb::sw::port_bit(wb::sw::kPortW),
                        wb::sw::port_bit(wb::sw::kPortS) | wb::sw::port_bit(wb::sw::kPortE)});
  }
  for (int o = 0; o <= k; ++o) {
    wb::sw::EdgeOutput out{o < k ? 2 * k + o : wb::sw::east_slot(k, y), {}};  // south slots, then east
    for (int i = 0; i < n; ++i) out.targets.push_back({o, i});
    p.outputs.push_back(out);
  }
  for (const Engine engine : engines(k)) {
    INFO(k << "x" << k << " on the " << wb::ref::engine_name(engine));
    const auto r = run_on(engine, p);
    CHECK(r.result == want);
    CHECK(r.cycles == static_cast<std::uint64_t>(n + k + 1));  // 12, 15, 19
    CHECK(r.load_cycles == static_cast<std::uint64_t>(k));
    CHECK(r.link_flits == static_cast<std::uint64_t>(2 * k * n));
    CHECK(r.wavelets_in == static_cast<std::uint64_t>(n));
    CHECK(r.wavelets_out == static_cast<std::uint64_t>((k + 1) * n));
    CHECK(r.extra_outputs == 0);
    CHECK(r.macs == 0);
    CHECK_FALSE(r.route_error);
  }
}
