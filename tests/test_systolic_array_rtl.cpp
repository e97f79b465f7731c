// SPDX-License-Identifier: Apache-2.0
// [cosim] The Verilated systolic array driven at pin level (no SystemC): bit-exact GEMMs against
// the CPU reference over shapes x array sizes x dataflows x seeds, with random back-pressure on
// all three streams, and the single-fold cycle formula.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/rng.hpp"
#include "models/ref/systolic_array_dut.hpp"
#include "models/ref/pin_gemm.hpp"
#include "tb/systolic_array_factory.hpp"
#include "tests/skip.hpp"

using namespace wb;

namespace {

void check_gemm(sw::ArrayShape array, sw::Dataflow dataflow, sw::GemmShape shape, std::uint64_t seed,
                double stall) {
  ref::DutOptions options;
  options.a_stall = options.b_stall = options.c_stall = stall;
  options.seed = seed * 7919 + 1;
  auto dut = tb::make_array_dut(array.rows, array.cols, options);
  const sw::MatrixI8 a = sw::random_int8(shape.m, shape.k, seed);
  const sw::MatrixI8 b = sw::random_int8(shape.k, shape.n, seed + 1000);
  const sw::GemmPlan plan(shape, array, dataflow);
  const auto result = ref::run_gemm_on_pins(*dut, plan, a, b);
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
  // Every built size x both dataflows x 4 seeds: random shapes (often not multiples of the
  // array, sometimes M, K or N = 1) and random stalls on A, B and C.
  sw::SplitMix64 rng(2024);
  std::uint64_t seed = 100;
  for (const auto& size : tb::built_array_sizes()) {
    const int limit = 3 * std::max(size.rows, size.cols);
    for (auto df : {sw::Dataflow::kWeightStationary, sw::Dataflow::kOutputStationary}) {
      for (int trial = 0; trial < 4; ++trial) {
        const auto dim = [&] { return static_cast<int>(rng.chance(0.15) ? 1 : rng.uniform(1, limit)); };
        const sw::GemmShape shape{dim(), dim(), dim()};
        const double stall = trial == 0 ? 0.0 : (trial == 1 ? 0.2 : 0.5);
        check_gemm(size, df, shape, seed++, stall);
      }
    }
  }
}

TEST_CASE("array GEMM: long K and M stream through many folds", "[cosim]") {
  wb::test::need_array(4, 8);
  wb::test::need_array(8, 8);
  check_gemm({4, 8}, sw::Dataflow::kWeightStationary, {300, 9, 17}, 3, 0.1);
  check_gemm({4, 8}, sw::Dataflow::kOutputStationary, {9, 300, 17}, 4, 0.1);
  check_gemm({8, 8}, sw::Dataflow::kOutputStationary, {16, 3, 16}, 5, 0.0);  // K < R: drain-limited folds
}

// The documented single-fold cycle counts (README, "Cycle counts"): from the cycle the first
// beat is offered to the cycle the last result is taken, inclusive, with every beat offered as
// early as the array takes it and no output back-pressure.
//   WS, K <= R, N <= C, any M:  R (weight beats) + M (activation beats) + R + C + 1 (latency)
//   OS, M <= R, N <= C, any K:  K (beat pairs) + R + C (last pair to last PE) + R (drain)
TEST_CASE("single-fold cycle counts follow the documented formula", "[cosim]") {
  for (const auto& size : tb::built_array_sizes()) {
    const int r = size.rows, c = size.cols;
    for (int m : {1, r, 3 * r + 1}) {
      auto dut = tb::make_array_dut(r, c, {});
      const sw::GemmPlan plan({m, r, c}, size, sw::Dataflow::kWeightStationary);
      const auto result = ref::run_gemm_on_pins(*dut, plan, sw::random_int8(m, r, 1), sw::random_int8(r, c, 2));
      INFO("ws " << r << "x" << c << " M=" << m);
      CHECK(result.cycles == static_cast<std::uint64_t>(2 * r + c + m + 1));
    }
    for (int k : {1, r, 5 * r}) {
      auto dut = tb::make_array_dut(r, c, {});
      const sw::GemmPlan plan({r, k, c}, size, sw::Dataflow::kOutputStationary);
      const auto result = ref::run_gemm_on_pins(*dut, plan, sw::random_int8(r, k, 1), sw::random_int8(k, c, 2));
      INFO("os " << r << "x" << c << " K=" << k);
      CHECK(result.cycles == static_cast<std::uint64_t>(k + 2 * r + c));
    }
  }
}

TEST_CASE("an array size that was not built is an input error", "[unit]") {
  CHECK_THROWS_AS(tb::make_array_dut(5, 7, {}), sw::InputError);
}
