// SPDX-License-Identifier: Apache-2.0
// [cosim] Networks layer by layer on the array, RTL and model side by side in one elaboration.
// One elaboration per test case (each runs in its own process under ctest).
#include <systemc>

#include <catch2/catch.hpp>

#include "sw/energy.hpp"
#include "tb/array_system.hpp"
#include "tb/layer_records.hpp"
#include "tb/network_run.hpp"
#include "tests/small_network.hpp"

using namespace wb;

namespace {

tb::SystemOptions array_4x4() {
  tb::SystemOptions o;
  o.array = {4, 4};
  o.memory = {16.0, 3};
  return o;
}

std::vector<tb::ArrayLayerRun> run(const tb::ArrayNetworkOptions& options, tb::SystemOptions system = array_4x4()) {
  std::vector<tb::ArrayLayerRun> runs;
  tb::run_array_pair(system, [&](tb::ArraySession& rtl, tb::ArraySession& model) {
    runs = tb::run_network_on_array(test::small_network(7), options, rtl, model);
  });
  return runs;
}

}  // namespace

TEST_CASE("network on the array: every layer on the RTL within the budget, agreeing with the model", "[cosim]") {
  const std::vector<tb::ArrayLayerRun> runs = run(tb::ArrayNetworkOptions{});
  REQUIRE(runs.size() == 3);
  const tb::ArrayLayerRun& conv = runs[0];
  CHECK(conv.mode == "rtl");
  CHECK(conv.golden_pass);
  CHECK(conv.rtl_agrees);
  CHECK(conv.macs == 9u * 18 * 5);
  CHECK(conv.ideal_cycles == (9u * 18 * 5 + 15) / 16);  // 51
  CHECK(conv.folds == 5u * 2);                          // ws: ceil(18 / 4) x ceil(5 / 4)
  CHECK(conv.rtl_tiles == 10);
  CHECK(conv.cycles == conv.rtl_tile_cycles);
  CHECK(conv.cycles > conv.ideal_cycles);
  const tb::ArrayLayerRun& fc = runs[1];
  CHECK(fc.mode == "rtl");
  CHECK(fc.golden_pass);
  CHECK(fc.folds == 4u);
  CHECK(fc.mem_bytes_read > 0u);
  CHECK(runs[2].mode == "not mapped");
  CHECK(runs[2].cycles == 0u);
}

TEST_CASE("network on the array: a layer's record from the array's counters, as hand-computed", "[cosim]") {
  // 8x8x8 on 4x4, WS (the gemm command's case in test_report_cli): 2 K folds x 2 N folds, each
  // 8 A beats, 4 weight beats and 8 C beats; A's 8 x 4 slice and a 4 x 4 block of B per fold.
  sw::Network one;
  one.layers.push_back(sw::gemm_layer("fc", "Gemm", {8, 8, 8}, "test"));
  std::vector<tb::ArrayLayerRun> runs;
  tb::run_array_pair(array_4x4(), [&](tb::ArraySession& rtl, tb::ArraySession& model) {
    runs = tb::run_network_on_array(one, tb::ArrayNetworkOptions{}, rtl, model);
  });
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].mode == "rtl");
  CHECK(runs[0].rtl_agrees);
  sw::LayerRecord r = tb::record_of(one.layers[0], runs[0], array_4x4(), "rtl");
  CHECK(r.a_beats == 32);
  CHECK(r.b_beats == 16);
  CHECK(r.c_beats == 32);
  CHECK(r.macs == 512);
  CHECK(r.macs_issued == 512);
  CHECK(r.int32_adds == 64);         // the second K fold's 8 x 8 partial sums
  CHECK(r.register_bytes == 2624);   // 512 x 5 + 16 weight beats x 4
  CHECK(r.sram_a_read_bytes == 128);
  CHECK(r.sram_b_read_bytes == 64);
  CHECK(r.sram_write_bytes == 256);  // C, int32
  CHECK(r.stall_cycles == std::optional<std::uint64_t>(0));
  CHECK(r.fill_drain_cycles == std::optional<std::uint64_t>(r.cycles - 32));
  sw::add_energy(r, sw::default_energy_table());
  // 0.3 pJ per MAC, 0.1 per add, 0.25 per register byte, 12.5 per byte of the 256 MiB memory.
  CHECK(r.energy_pj() == Approx(153.6 + 6.4 + 656 + (192 + 256) * 12.5));
}

TEST_CASE("network on the array: beyond the budget the RTL runs a seeded sample of tiles", "[cosim]") {
  tb::ArrayNetworkOptions options;
  options.dataflow = sw::Dataflow::kOutputStationary;
  options.policy.rtl_budget_seconds = 1e-9;
  options.policy.sample_tiles = 3;
  const std::vector<tb::ArrayLayerRun> runs = run(options);
  const tb::ArrayLayerRun& conv = runs[0];
  CHECK(conv.mode == "sampled");
  CHECK(conv.folds == 3u * 2);  // os: ceil(9 / 4) x ceil(5 / 4)
  CHECK(conv.rtl_tiles == 3);
  CHECK(conv.rtl_agrees);
  CHECK(conv.golden_pass);
  CHECK(conv.rtl_tile_cycles > 0u);
  CHECK(conv.rtl_tile_cycles < conv.cycles);  // a sample of the layer
  CHECK(runs[1].mode == "sampled");
  CHECK(runs[1].rtl_tiles == 3);
}

TEST_CASE("network on the array: --engine model runs every layer on the model alone", "[cosim]") {
  tb::ArrayNetworkOptions options;
  options.policy.model_only = true;
  tb::SystemOptions system = array_4x4();
  system.array = {3, 5};  // not a built size: the model needs no RTL build
  system.dut.engine = ref::Engine::kModel;
  const std::vector<tb::ArrayLayerRun> runs = run(options, system);
  CHECK(runs[0].mode == "model");
  CHECK(runs[0].rtl_tiles == 0);
  CHECK(runs[0].golden_pass);
  CHECK(runs[0].folds == 6u);  // ws on 3x5: ceil(18 / 3) x ceil(5 / 5)
}

TEST_CASE("network on the N:M sparse array: 2:4 layers in about half the dense cycles, RTL = model", "[cosim]") {
  // The small network's conv and fc with 2:4 weights (as a topology's sparsity column gives):
  // each such layer runs in its own mode, 2:4 (tb::layer_nm_mode), and the network without the
  // declaration runs dense (n = 4 on the sparse array).
  const sw::Network plain = test::small_network(7);
  sw::Network net = plain;
  for (auto& layer : net.layers) {
    if (layer.mapped()) layer.sparsity = sw::NmSparsity{2, 4};
  }
  tb::SystemOptions system = array_4x4();
  system.dut.nm_group = 4;
  std::vector<tb::ArrayLayerRun> dense, sparse, sampled;
  tb::ArrayNetworkOptions options;
  CHECK(tb::network_nm_group(plain, options) == 0);
  CHECK(tb::network_nm_group(net, options) == 4);
  options.dataflow = sw::Dataflow::kOutputStationary;
  CHECK(tb::network_nm_group(net, options) == 0);  // the N:M sparse array is WS: dense in OS
  options.dataflow = sw::Dataflow::kWeightStationary;
  tb::run_array_pair(system, [&](tb::ArraySession& rtl, tb::ArraySession& model) {
    dense = tb::run_network_on_array(plain, options, rtl, model);
    sparse = tb::run_network_on_array(net, options, rtl, model);
    options.policy.rtl_budget_seconds = 1e-9;
    options.policy.sample_tiles = 3;
    sampled = tb::run_network_on_array(net, options, rtl, model);
  });
  for (int i : {0, 1}) {
    INFO("layer " << i);
    CHECK((dense[i].golden_pass && sparse[i].golden_pass && sampled[i].golden_pass));
    CHECK((dense[i].rtl_agrees && sparse[i].rtl_agrees && sampled[i].rtl_agrees));
    CHECK(sampled[i].mode == "sampled");
    CHECK(sampled[i].rtl_tiles == (i == 0 ? 3 : 2));  // of 6 and of 2 tiles (below)
  }
  // conv 9 x 18 x 5 on 4x4: dense 5 x 2 folds; 2:4 keeps 10 rows of 18 (5 groups), 3 x 2 folds
  CHECK(dense[0].folds == 10u);
  CHECK(sparse[0].folds == 6u);
  CHECK(sparse[0].ideal_cycles == (9u * 10 * 5 + 15) / 16);
  // fc 7 x 8 x 6: dense 2 x 2 folds of 7 A beats, 2:4 one fold of K per column block
  CHECK(dense[1].folds == 4u);
  CHECK(sparse[1].folds == 2u);
  CHECK(sparse[1].cycles < dense[1].cycles);
}
