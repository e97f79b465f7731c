// SPDX-License-Identifier: Apache-2.0
// [cosim] One SystemC elaboration per process (tb/elaboration.hpp): whichever system runner
// goes first runs; any second one, the same runner or another, is refused with a
// std::logic_error that names both, before it touches SystemC.
#include <systemc>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/mlp.hpp"
#include "sw/training.hpp"
#include "tb/array_system.hpp"
#include "tb/elaboration.hpp"
#include "tb/fabric_stream.hpp"
#include "tb/training_system.hpp"

using namespace wb;

namespace {

bool one_gemm() {
  tb::SystemOptions o;
  o.array = {4, 4};
  o.dut.engine = ref::Engine::kModel;
  const sw::MatrixI8 a = sw::random_int8(5, 6, 1), b = sw::random_int8(6, 7, 2);
  bool pass = false;
  tb::run_array_system(o, [&](tb::ArraySession& s) { pass = s.gemm(a, b, sw::Dataflow::kWeightStationary).c == sw::gemm_ref(a, b); });
  return pass;
}

tb::TrainResult one_training() {
  tb::TrainOptions o;
  o.spec = sw::parse_mlp("mlp:8x4");
  o.batch = 4;
  o.system.array = {4, 4};
  o.system.dut.engine = ref::Engine::kModel;
  return tb::run_training(o, sw::make_train_data(o.spec, o.batch, 1));
}

tb::FabricStreamResult one_fabric_stream() {
  tb::FabricStreamOptions o;
  o.mesh = 2;
  o.engine = ref::Engine::kModel;
  return tb::run_fabric_stream(o, sw::random_int8(2, 8, 1), {sw::random_int8(8, 4, 2)});
}

std::size_t top_level_objects() { return sc_core::sc_get_top_level_objects().size(); }

}  // namespace

TEST_CASE("elaboration: after the array system, training and fabric streaming are refused by name", "[cosim]") {
  CHECK(tb::elaborated_by().empty());
  CHECK(one_gemm());
  CHECK(tb::elaborated_by() == "run_array_system");
  const std::size_t objects = top_level_objects();
  CHECK_THROWS_MATCHES(one_training(), std::logic_error,
                       Catch::Message("run_training: SystemC elaborates once per process, and run_array_system "
                                      "already did (run each system in its own process)"));
  CHECK_THROWS_MATCHES(one_fabric_stream(), std::logic_error,
                       Catch::Message("run_fabric_stream: SystemC elaborates once per process, and run_array_system "
                                      "already did (run each system in its own process)"));
  CHECK(top_level_objects() == objects);  // nothing elaborated by the refused calls
  CHECK(tb::elaborated_by() == "run_array_system");
}

TEST_CASE("elaboration: a runner called twice is refused the second time", "[cosim]") {
  const tb::TrainResult r = one_training();
  CHECK(r.golden_pass);
  CHECK(r.step_end.size() == 1);
  CHECK_THROWS_MATCHES(one_training(), std::logic_error,
                       Catch::Message("run_training: SystemC elaborates once per process, and run_training "
                                      "already did (run each system in its own process)"));
  CHECK_THROWS_AS(one_gemm(), std::logic_error);
}

TEST_CASE("elaboration: after fabric streaming, the array system is refused", "[cosim]") {
  CHECK(one_fabric_stream().golden_pass);
  CHECK_THROWS_MATCHES(one_gemm(), std::logic_error, Catch::Message(
      "run_array_system: SystemC elaborates once per process, and run_fabric_stream already did (run each system in "
      "its own process)"));
}

TEST_CASE("elaboration: bad input is still an input error after the elaboration", "[cosim]") {
  // Validation comes first: the user hears about the input, not the process.
  CHECK(one_gemm());
  tb::TrainOptions o;
  o.spec = sw::parse_mlp("mlp:8x4");
  o.batch = 3;
  o.systems = 2;
  CHECK_THROWS_AS(tb::run_training(o, sw::make_train_data(o.spec, o.batch, 1)), sw::InputError);
}
