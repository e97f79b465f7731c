// SPDX-License-Identifier: Apache-2.0
// [cosim] Networks layer by layer on the compute fabric: the model for every layer, the RTL by
// the run policy, column blocks where the weights exceed the PEs' SRAM.
#include <catch2/catch.hpp>

#include "sw/energy.hpp"
#include "tb/fabric_network_run.hpp"
#include "tb/layer_records.hpp"
#include "tests/small_network.hpp"

using namespace wb;

namespace {

tb::FabricNetworkOptions on_mesh(int k) {
  tb::FabricNetworkOptions o;
  o.job.mesh = k;
  return o;
}

}  // namespace

TEST_CASE("network on the fabric: every layer on the RTL within the budget, agreeing with the model", "[cosim]") {
  const std::vector<tb::FabricLayerRun> runs = tb::run_network_on_fabric(test::small_network(20), on_mesh(4));
  REQUIRE(runs.size() == 3);
  for (int i = 0; i < 2; ++i) {
    INFO("layer " << i << ": " << runs[static_cast<std::size_t>(i)].mismatch);
    CHECK(runs[static_cast<std::size_t>(i)].mode == "rtl");
    CHECK(runs[static_cast<std::size_t>(i)].golden_pass);
    CHECK(runs[static_cast<std::size_t>(i)].rtl_agrees);
    CHECK(runs[static_cast<std::size_t>(i)].column_blocks == 1);
  }
  CHECK(runs[0].dense_macs == 9u * 18 * 5);
  CHECK(runs[0].ideal_cycles == (9u * 18 * 5 + 15) / 16);
  CHECK(runs[1].tiles == 2);  // 20 rows: two chunks of up to 16
  CHECK(runs[2].mode == "not mapped");
}

TEST_CASE("network on the fabric: the hand-computed GEMV of one PE, beyond the budget a sample of tiles", "[cosim]") {
  // 1x1 mesh, K = 3, N = 5, every value nonzero: 3 * 5 + 5 + 7 = 27 cycles, load 23 (the
  // fabric GEMV formula pinned in test_fabric_gemm).
  sw::Network one;
  sw::Layer l = sw::gemm_layer("gemv", "Gemm", {1, 3, 5}, "test");
  l.inputs = {sw::MatrixI8(1, 3, 1)};
  l.weights = {sw::MatrixI8(3, 5, 2)};
  one.layers.push_back(l);
  tb::FabricNetworkOptions o = on_mesh(1);
  o.policy.model_only = true;
  const tb::FabricLayerRun gemv = tb::run_network_on_fabric(one, o)[0];
  CHECK(gemv.mode == "model");
  CHECK(gemv.cycles == 27u);
  CHECK(gemv.load_cycles == 23u);
  CHECK(gemv.macs == 15u);
  CHECK(gemv.golden_pass);
  // Its record from the PEs' counters: 3 column pointers and 15 entries read, 3 + 15 words
  // written, 5 sums out through 1 router; the 48 KiB SRAM at 3.66993 pJ/B.
  CHECK(gemv.pe.sram_reads == 18u);
  CHECK(gemv.pe.sram_writes == 18u);
  CHECK(gemv.pe.psum_adds == 0u);
  sw::LayerRecord r = tb::record_of(one.layers[0], gemv, 1, "model");
  CHECK(r.pe_sram_read_bytes == 72u);
  CHECK(r.pe_sram_write_bytes == 72u);
  CHECK(r.register_bytes == 60u);
  CHECK(r.link_bytes == 29u);  // ceil(5 x 45 / 8)
  sw::add_energy(r, sw::default_energy_table());
  CHECK(r.energy_pe_sram_pj == Approx(144 * 3.66993).epsilon(1e-5));
  CHECK(r.energy_pj() == Approx(15 * 0.3 + 60 * 0.25 + 144 * 3.66993 + 29 * 0.8).epsilon(1e-5));

  tb::FabricNetworkOptions sampled = on_mesh(4);
  sampled.policy.rtl_budget_seconds = 1e-9;
  sampled.policy.sample_tiles = 2;
  const std::vector<tb::FabricLayerRun> runs = tb::run_network_on_fabric(test::small_network(20), sampled);
  CHECK(runs[1].mode == "sampled");
  CHECK(runs[1].rtl_tiles == 2);
  CHECK(runs[1].rtl_agrees);
  CHECK(runs[1].golden_pass);
}

TEST_CASE("network on the fabric: weights beyond the PEs' SRAM run as column blocks", "[cosim]") {
  // 2 x 8 x 1200 on 2x2: 600 outputs per PE row need more than the 256 accumulators of a PE.
  sw::Network wide;
  wide.layers.push_back(sw::gemm_layer("wide", "Gemm", {2, 8, 1200}, "test"));
  tb::FabricNetworkOptions o = on_mesh(2);
  o.policy.model_only = true;
  const tb::FabricLayerRun r = tb::run_network_on_fabric(wide, o)[0];
  INFO(r.mismatch);
  CHECK(r.column_blocks > 1);
  CHECK(r.golden_pass);
  CHECK(r.dense_macs == 2u * 8 * 1200);
  CHECK(r.load_cycles > 0u);
}
