// SPDX-License-Identifier: Apache-2.0
// [cosim] Networks layer by layer on the array, RTL and model side by side in one elaboration.
// One elaboration per test case (each runs in its own process under ctest).
#include <systemc>

#include <catch2/catch.hpp>

#include "tb/array_system.hpp"
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
