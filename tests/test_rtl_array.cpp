// [cosim] The Verilated systolic array driven at pin level (no SystemC): bit-exact GEMMs against
// the CPU reference over shapes x array sizes x dataflows x seeds, with random back-pressure on
// all three streams, and the single-fold cycle formula.
#include <catch2/catch.hpp>

#include "sw/gemm_ref.hpp"
#include "sw/rng.hpp"
#include "tb/array_dut.hpp"
#include "tb/pin_gemm.hpp"

using namespace wb;

namespace {

void check_gemm(sw::ArrayShape array, sw::Dataflow dataflow, sw::GemmShape shape, std::uint64_t seed,
                double stall) {
  tb::DutOptions options;
  options.a_stall = options.b_stall = options.c_stall = stall;
  options.seed = seed * 7919 + 1;
  auto dut = tb::make_array_dut(array.rows, array.cols, options);
  const sw::MatrixI8 a = sw::random_int8(shape.m, shape.k, seed);
  const sw::MatrixI8 b = sw::random_int8(shape.k, shape.n, seed + 1000);
  const sw::GemmPlan plan(shape, array, dataflow);
  const auto result = tb::run_gemm_on_pins(*dut, plan, a, b);
  const auto mm = sw::first_mismatch(sw::gemm_ref(a, b), result.c);
  INFO("array " << array.rows << "x" << array.cols << " " << sw::dataflow_name(dataflow) << " M=" << shape.m
                << " K=" << shape.k << " N=" << shape.n << " seed=" << seed << " stall=" << stall);
  INFO("mismatches=" << mm.count << " first at (" << mm.row << "," << mm.col << ") expected " << mm.expected
                     << " got " << mm.actual);
  CHECK(mm.count == 0);
  CHECK(result.cycles >= plan.ideal_cycles());
}

}  // namespace

TEST_CASE("array GEMM is bit-exact without back-pressure", "[cosim]") {
  for (int size : {4, 8}) {
    for (auto df : {sw::Dataflow::kWeightStationary, sw::Dataflow::kOutputStationary}) {
      for (sw::GemmShape shape : {sw::GemmShape{size, size, size}, sw::GemmShape{1, 3, 2},
                                  sw::GemmShape{100, 37, 53}, sw::GemmShape{1, 64, 9}, sw::GemmShape{17, 1, 30}}) {
        check_gemm({size, size}, df, shape, 11, 0.0);
      }
    }
  }
}

TEST_CASE("array GEMM survives random back-pressure on every stream", "[cosim]") {
  sw::SplitMix64 rng(2024);
  for (int trial = 0; trial < 24; ++trial) {
    const int size = trial % 2 ? 4 : 8;
    const auto df = (trial / 2) % 2 ? sw::Dataflow::kOutputStationary : sw::Dataflow::kWeightStationary;
    const sw::GemmShape shape{static_cast<int>(rng.uniform(1, 40)), static_cast<int>(rng.uniform(1, 40)),
                              static_cast<int>(rng.uniform(1, 40))};
    check_gemm({size, size}, df, shape, 100 + trial, trial % 3 == 0 ? 0.6 : 0.3);
  }
}

TEST_CASE("array GEMM at 16x16 and 32x32", "[cosim]") {
  for (int size : {16, 32}) {
    for (auto df : {sw::Dataflow::kWeightStationary, sw::Dataflow::kOutputStationary}) {
      check_gemm({size, size}, df, {size, size, size}, 5, 0.0);
      check_gemm({size, size}, df, {70, 45, 2 * size + 3}, 6, 0.25);
    }
  }
}
