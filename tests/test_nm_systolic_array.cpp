// SPDX-License-Identifier: Apache-2.0
// [cosim] The N:M sparse systolic array (rtl/sa_nm_systolic_array.sv) against its reference model
// (ModelArrayDut with nm_group) and the CPU reference: random N:M weights, shapes, modes and
// back-pressure, results bit-exact and every cycle count equal; the documented cycle formula of
// one sparse fold; the 2:4 and 1:4 cycle counts of a whole layer; and the TLM path.
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners

#include <systemc>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "models/ref/pin_gemm.hpp"
#include "models/ref/systolic_array_dut.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/rng.hpp"
#include "sw/trace_settings.hpp"
#include "tb/array_jobs.hpp"
#include "tb/array_system.hpp"
#include "tb/systolic_array_factory.hpp"
#include "tests/engine_runs.hpp"
#include "wb/hw_config.hpp"

using namespace wb;

namespace {

constexpr int kGroup = hw::kNmGroup;

// K x N int8 with at most n nonzeros in every aligned group of kGroup along K (random kept
// positions; a kept weight is sometimes zero too).
sw::MatrixI8 random_nm(int k, int n_cols, int n, std::uint64_t seed) {
  sw::SplitMix64 rng(seed);
  sw::MatrixI8 b(k, n_cols);
  for (int c = 0; c < n_cols; ++c) {
    for (int g = 0; g * kGroup < k; ++g) {
      const int size = std::min(kGroup, k - g * kGroup);
      std::vector<int> slots(static_cast<std::size_t>(size));
      for (int i = 0; i < size; ++i) slots[static_cast<std::size_t>(i)] = i;
      for (int i = 0; i < std::min(n, size); ++i) {  // a random choice of n offsets
        std::swap(slots[static_cast<std::size_t>(i)], slots[static_cast<std::size_t>(rng.uniform(i, size - 1))]);
        b.at(g * kGroup + slots[static_cast<std::size_t>(i)], c) = static_cast<std::int8_t>(rng.uniform(-128, 127));
      }
    }
  }
  return b;
}

struct Job {
  sw::GemmShape shape;
  int n;  // kept of every kGroup
  std::uint64_t seed;
};

using test::EngineRun;

// Runs `jobs` back to back on one sparse-array DUT of `engine`, each checked against gemm_ref.
EngineRun run_jobs(ref::Engine engine, sw::ArrayShape array, const std::vector<Job>& jobs, double stall,
                   std::uint64_t seed) {
  ref::DutOptions options;
  options.nm_group = kGroup;
  options.a_stall = options.b_stall = options.c_stall = stall;
  options.seed = seed;
  return test::run_engine_jobs(engine, array, options, jobs, [&](ref::ArrayDut& dut, const Job& job) {
    const sw::MatrixI8 a = sw::random_int8(job.shape.m, job.shape.k, job.seed);
    const sw::MatrixI8 b = random_nm(job.shape.k, job.shape.n, job.n, job.seed + 1000);
    const sw::GemmPlan plan(job.shape, array, sw::Dataflow::kWeightStationary, {job.n, kGroup});
    ref::PinGemmResult result = ref::run_gemm_on_pins(dut, plan, a, sw::nm_operand(b, {job.n, kGroup}).operand);
    const sw::Mismatch mm = sw::first_mismatch(sw::gemm_ref(a, b), result.c);
    INFO(ref::engine_name(engine) << " " << array.rows << "x" << array.cols << " " << job.n << ":" << kGroup
                                  << " M=" << job.shape.m << " K=" << job.shape.k << " N=" << job.shape.n
                                  << " stall=" << stall << ": " << mm.count << " mismatches, first at (" << mm.row
                                  << "," << mm.col << ") expected " << mm.expected << " got " << mm.actual);
    CHECK(mm.count == 0);
    CHECK(result.cycles >= plan.ideal_cycles());
    return result;
  });
}

// The RTL and the model on the same jobs and stalls: equal results, cycles and counters.
void check_rtl_equals_model(sw::ArrayShape array, const std::vector<Job>& jobs, double stall, std::uint64_t seed) {
  const EngineRun rtl = run_jobs(ref::Engine::kRtl, array, jobs, stall, seed);
  const EngineRun model = run_jobs(ref::Engine::kModel, array, jobs, stall, seed);
  INFO(array.rows << "x" << array.cols << " stall=" << stall);
  CHECK(rtl.c == model.c);
  CHECK(rtl.cycles == model.cycles);
  test::check_counters_agree(rtl, model);
}

// Pin-level cycles of one GEMM with N:M weights (n = 0: the dense array).
std::uint64_t pin_cycles(ref::Engine engine, sw::ArrayShape array, sw::GemmShape shape, int n) {
  ref::DutOptions options;
  options.engine = engine;
  options.nm_group = n > 0 ? kGroup : 0;
  auto dut = tb::make_array_dut(array.rows, array.cols, options);
  const sw::MatrixI8 a = sw::random_int8(shape.m, shape.k, 5);
  const sw::MatrixI8 b = n > 0 ? random_nm(shape.k, shape.n, n, 6) : sw::random_int8(shape.k, shape.n, 6);
  const sw::GemmPlan plan(shape, array, sw::Dataflow::kWeightStationary, n > 0 ? sw::NmMode{n, kGroup} : sw::NmMode{});
  const auto result =
      ref::run_gemm_on_pins(*dut, plan, a, n > 0 ? sw::nm_operand(b, {n, kGroup}).operand : b);
  CHECK(sw::first_mismatch(sw::gemm_ref(a, b), result.c).count == 0);
  return result.cycles;
}

}  // namespace

TEST_CASE("N:M sparse array: RTL and model agree bit for bit and cycle for cycle under back-pressure", "[cosim]") {
  // Every built size x 3 stall levels: 6 random GEMMs back to back on one DUT, switching n
  // between 1, 2 and 4 (dense) and with shapes often not multiples of the array.
  sw::SplitMix64 rng(77);
  std::uint64_t seed = 500;
  for (const auto& size : tb::built_nm_array_sizes()) {
    const int limit = 3 * std::max(size.rows, size.cols);
    for (double stall : {0.0, 0.2, 0.5}) {
      std::vector<Job> jobs;
      for (int j = 0; j < 6; ++j) {
        const auto dim = [&] { return static_cast<int>(rng.chance(0.15) ? 1 : rng.uniform(1, limit)); };
        const int n = j % 3 == 0 ? 1 : (j % 3 == 1 ? 2 : 4);
        jobs.push_back({{dim(), static_cast<int>(rng.uniform(1, 4 * limit)), dim()}, n, seed++});
      }
      check_rtl_equals_model(size, jobs, stall, seed);
    }
  }
}

TEST_CASE("N:M sparse array: long streams through many folds", "[cosim]") {
  check_rtl_equals_model({8, 8}, {{{300, 70, 17}, 2, 1}, {{9, 301, 20}, 1, 2}, {{40, 256, 8}, 2, 3}}, 0.1, 9);
  check_rtl_equals_model({4, 4}, {{{3, 1, 2}, 1, 4}, {{1, 64, 9}, 2, 5}, {{17, 4, 30}, 4, 6}}, 0.3, 10);
}

// README, "Cycle counts": one sparse fold (kept rows = R, i.e. K = R*M/n, N <= C, any M) takes
// what a dense WS fold takes, R + M + R + C + 1, from the first beat offered to the last
// result taken, with no back-pressure.
TEST_CASE("one N:M sparse fold follows the documented cycle formula", "[cosim]") {
  for (const auto& size : tb::built_nm_array_sizes()) {
    const int r = size.rows, c = size.cols;
    for (int n : {1, 2}) {
      for (int m : {1, r, 3 * r + 1}) {
        for (auto engine : {ref::Engine::kRtl, ref::Engine::kModel}) {
          INFO(ref::engine_name(engine) << " " << r << "x" << c << " " << n << ":" << kGroup << " M=" << m);
          CHECK(pin_cycles(engine, size, {m, r * kGroup / n, c}, n) == static_cast<std::uint64_t>(2 * r + c + m + 1));
        }
      }
    }
  }
  // 16x16 by hand: 2:4, M = 64, K = 32, N = 16: 16 + 64 + 16 + 16 + 1.
  CHECK(pin_cycles(ref::Engine::kModel, {16, 16}, {64, 32, 16}, 2) == 113);
}

// A layer of F folds, each with M >= R + 1 A beats (the next fold's weights load under them):
// R + F*M + R + C + 1. 64x256x256 on 16x16: dense F = 16*16 = 256 -> 16433; 2:4 keeps 128
// rows of K, F = 8*16 -> 8241; 1:4 keeps 64, F = 4*16 -> 4145.
TEST_CASE("64x256x256 on 16x16 takes about 1/2 the dense cycles at 2:4 and 1/4 at 1:4", "[cosim]") {
  const sw::GemmShape shape{64, 256, 256};
  std::vector<ref::Engine> engines{ref::Engine::kModel};
  if (tb::is_built_nm_array_size(16, 16) && tb::is_built_array_size(16, 16)) engines.push_back(ref::Engine::kRtl);
  for (auto engine : engines) {
    INFO(ref::engine_name(engine));
    CHECK(pin_cycles(engine, {16, 16}, shape, 0) == 16433);
    CHECK(pin_cycles(engine, {16, 16}, shape, 4) == 16433);  // 4:4 on the sparse array: dense
    CHECK(pin_cycles(engine, {16, 16}, shape, 2) == 8241);
    CHECK(pin_cycles(engine, {16, 16}, shape, 1) == 4145);
  }
}

TEST_CASE("4:4 on the N:M sparse array is the dense WS array cycle for cycle", "[cosim]") {
  for (const auto& size : tb::built_nm_array_sizes()) {
    if (!tb::is_built_array_size(size.rows, size.cols)) continue;
    for (sw::GemmShape shape : {sw::GemmShape{1, 1, 1}, sw::GemmShape{37, 100, 53}, sw::GemmShape{size.rows, 4, 3}}) {
      INFO(size.rows << "x" << size.cols << " M=" << shape.m << " K=" << shape.k << " N=" << shape.n);
      CHECK(pin_cycles(ref::Engine::kRtl, size, shape, 4) == pin_cycles(ref::Engine::kRtl, size, shape, 0));
    }
  }
}

TEST_CASE("the N:M model runs sizes that are not built", "[cosim]") {
  // 5 rows at 2:4: two groups per fold, the fifth row idle; 3 rows at 1:4; 64x64 at 1:4.
  run_jobs(ref::Engine::kModel, {5, 3}, {{{20, 50, 7}, 2, 1}, {{3, 9, 4}, 1, 2}, {{6, 13, 5}, 4, 3}}, 0.2, 4);
  run_jobs(ref::Engine::kModel, {3, 6}, {{{20, 50, 7}, 1, 5}, {{7, 30, 13}, 2, 6}}, 0.0, 7);
  run_jobs(ref::Engine::kModel, {64, 64}, {{{100, 1000, 130}, 1, 8}}, 0.0, 9);
}

TEST_CASE("an N:M sparse array size that was not built is an input error", "[unit]") {
  ref::DutOptions options;
  options.nm_group = kGroup;
  CHECK_THROWS_AS(tb::make_array_dut(5, 7, options), sw::InputError);
  options.nm_group = 2 * kGroup;  // the RTL has one group size
  CHECK_THROWS_AS(tb::make_array_dut(4, 4, options), sw::InputError);
}

// Through memory, streamer and transactor. 2:4, 16x32x8 on 8x8: 16 kept rows of K, 2 folds;
// each reads A 16 x 16 (4 groups of 4) and 8 kept rows of 8 weights with their 2-bit offsets,
// packed (64 values, 64 * 2 / 8 = 16 offset bytes, as sw::storage_bytes counts the nm format):
// 2 * (256 + 64 + 16) = 672 bytes, 32 of them offsets; the dense GEMM reads 768 (4 folds of
// 16 x 8 A bytes and 8 x 8 B bytes).
TEST_CASE("N:M GEMM through the TLM path: RTL equals model, bytes as computed", "[cosim]") {
  tb::SystemOptions options;
  options.array = {8, 8};
  options.dut.nm_group = kGroup;
  options.dut.a_stall = options.dut.c_stall = 0.1;
  const sw::MatrixI8 a = sw::random_int8(16, 32, 1);
  const sw::MatrixI8 b = random_nm(32, 8, 2, 2);
  const sw::MatrixI8 big_a = sw::random_int8(70, 200, 3);
  const sw::MatrixI8 big_b = random_nm(200, 30, 1, 4);
  tb::run_array_pair(options, [&](tb::ArraySession& rtl, tb::ArraySession& model) {
    for (auto* operands : {&a, &big_a}) {
      const sw::MatrixI8& x = *operands;
      const sw::MatrixI8& w = operands == &a ? b : big_b;
      const sw::NmOperand op = sw::nm_operand(w, {operands == &a ? 2 : 1, kGroup});
      const tb::GemmRun r = rtl.gemm_nm(x, op);
      const tb::GemmRun m = model.gemm_nm(x, op);
      CHECK(sw::first_mismatch(sw::gemm_ref(x, w), r.c).count == 0);
      CHECK(r.c == m.c);
      CHECK(r.cycles == m.cycles);
      CHECK(r.mem_bytes_read == m.mem_bytes_read);
      CHECK(r.mem_b_metadata_bytes_read == m.mem_b_metadata_bytes_read);
      if (operands == &a) {
        CHECK(r.mem_bytes_read == 672);
        CHECK(r.mem_b_metadata_bytes_read == 32);
        CHECK(r.mem_bytes_read - r.mem_a_bytes_read == sw::storage_bytes(op.compressed).total());
      }
    }
  });
}

// The dump that waves/nm_systolic_array.gtkw opens on (the waves_nm_systolic_array ctest
// names the file in WB_NM_TRACE; alone, the case writes into its own directory): a 2:4 GEMM
// 40x64x20 on the 16x16 sparse array, and the view written beside it.
TEST_CASE("N:M sparse array: a waveform of a 2:4 GEMM and its view", "[cosim]") {
  if (!tb::is_built_nm_array_size(16, 16)) return;
  const char* env = std::getenv("WB_NM_TRACE");
  ref::DutOptions options;
  options.nm_group = kGroup;
  options.trace_path = env ? env : test::case_path("nm.fst");
  options.trace_settings.view_path = sw::view_path_of(options.trace_path);
  options.trace_settings.dump_name = options.trace_path;
  {
    auto dut = tb::make_array_dut(16, 16, options);
    const sw::MatrixI8 a = sw::random_int8(40, 64, 1), b = random_nm(64, 20, 2, 2);
    const sw::GemmPlan plan({40, 64, 20}, {16, 16}, sw::Dataflow::kWeightStationary, {2, kGroup});
    const auto result = ref::run_gemm_on_pins(*dut, plan, a, sw::nm_operand(b, {2, kGroup}).operand);
    CHECK(result.c == sw::gemm_ref(a, b));
  }
  CHECK(std::filesystem::file_size(options.trace_path) > 0);
  CHECK(std::filesystem::exists(options.trace_settings.view_path));
}
