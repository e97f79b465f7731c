// SPDX-License-Identifier: Apache-2.0
// [cosim] The C++ reference model of the systolic array (models/ref/systolic_array_model.hpp) against the
// Verilated RTL on the same traces: results equal bit for bit, cycle counts within 1 % (the
// worst ratio is printed), at pin level and through the full TLM path; and the model alone on a
// size that was not verilated, against the CPU reference.
#include <sys/wait.h>
#include <unistd.h>

#include <systemc>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/rng.hpp"
#include "models/ref/systolic_array_dut.hpp"
#include "tb/array_system.hpp"
#include "models/ref/pin_gemm.hpp"
#include "tb/systolic_array_factory.hpp"
#include "tests/engine_runs.hpp"
#include "tests/skip.hpp"

using namespace wb;

namespace {

struct Job {
  sw::GemmShape shape;
  sw::Dataflow dataflow;
  std::uint64_t seed;
};

using test::EngineRun;

// Runs `jobs` back to back on one DUT of `engine` (state carries over between jobs).
EngineRun run_jobs(ref::Engine engine, sw::ArrayShape array, const std::vector<Job>& jobs, double stall,
                   std::uint64_t seed) {
  ref::DutOptions options;
  options.a_stall = options.b_stall = options.c_stall = stall;
  options.seed = seed;
  return test::run_engine_jobs(engine, array, options, jobs, [&](ref::ArrayDut& dut, const Job& job) {
    const sw::MatrixI8 a = sw::random_int8(job.shape.m, job.shape.k, job.seed);
    const sw::MatrixI8 b = sw::random_int8(job.shape.k, job.shape.n, job.seed + 1000);
    return ref::run_gemm_on_pins(dut, sw::GemmPlan(job.shape, array, job.dataflow), a, b);
  });
}

double g_worst_ratio = 1.0;  // model cycles / RTL cycles furthest from 1 over all comparisons
int g_compared = 0;
int g_exact = 0;

void note_ratio(std::uint64_t model, std::uint64_t rtl) {
  const double ratio = static_cast<double>(model) / static_cast<double>(rtl);
  if (std::abs(ratio - 1.0) > std::abs(g_worst_ratio - 1.0)) g_worst_ratio = ratio;
  ++g_compared;
  g_exact += model == rtl;
}

// Same jobs, same stall seed on the RTL and on the model: equal results, cycles within 1 %.
void compare(sw::ArrayShape array, const std::vector<Job>& jobs, double stall, std::uint64_t seed,
             bool print = false) {
  const EngineRun rtl = run_jobs(ref::Engine::kRtl, array, jobs, stall, seed);
  const EngineRun model = run_jobs(ref::Engine::kModel, array, jobs, stall, seed);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    INFO("array " << array.rows << "x" << array.cols << " " << sw::dataflow_name(j.dataflow) << " " << j.shape.m
                  << "x" << j.shape.k << "x" << j.shape.n << " stall " << stall << " job " << i << ": rtl "
                  << rtl.cycles[i] << " cycles, model " << model.cycles[i]);
    CHECK(model.c[i] == rtl.c[i]);
    CHECK(rtl.c[i] == sw::gemm_ref(sw::random_int8(j.shape.m, j.shape.k, j.seed),
                                   sw::random_int8(j.shape.k, j.shape.n, j.seed + 1000)));
    const double ratio = static_cast<double>(model.cycles[i]) / static_cast<double>(rtl.cycles[i]);
    CHECK(std::abs(ratio - 1.0) <= 0.01);
    note_ratio(model.cycles[i], rtl.cycles[i]);
    if (print) {
      std::printf("%5dx%-3d %s %4dx%4dx%-4d stall %.1f  rtl %8llu  model %8llu  ratio %.4f\n", array.rows, array.cols,
                  sw::dataflow_name(j.dataflow), j.shape.m, j.shape.k, j.shape.n, stall,
                  static_cast<unsigned long long>(rtl.cycles[i]), static_cast<unsigned long long>(model.cycles[i]),
                  ratio);
    }
  }
  INFO("array " << array.rows << "x" << array.cols << " stall " << stall);
  test::check_counters_agree(rtl, model);
}

constexpr auto kWs = sw::Dataflow::kWeightStationary;
constexpr auto kOs = sw::Dataflow::kOutputStationary;

}  // namespace

TEST_CASE("model vs RTL: fixed shapes on every built size, both dataflows", "[cosim]") {
  std::printf("array    df  M x K x N           stall  rtl cycles  model cycles  ratio\n");
  for (const auto& size : tb::built_array_sizes()) {
    if (size.rows > 16 || size.cols > 16) continue;  // 32x32 RTL runs add little here
    for (auto df : {kWs, kOs}) {
      for (sw::GemmShape shape : {sw::GemmShape{size.rows, size.rows, size.cols}, sw::GemmShape{1, 3, 2},
                                  sw::GemmShape{1, 64, 9}, sw::GemmShape{100, 37, 53}, sw::GemmShape{17, 1, 30},
                                  sw::GemmShape{128, 128, 128}}) {
        compare(size, {{shape, df, 11}}, 0.0, 1, true);
      }
    }
  }
}

TEST_CASE("model vs RTL: random shapes, multi-fold, random stalls, back to back", "[cosim]") {
  sw::SplitMix64 rng(4242);
  std::uint64_t seed = 500;
  for (const auto& size : tb::built_array_sizes()) {
    if (size.rows > 16 || size.cols > 16) continue;
    const int limit = 4 * std::max(size.rows, size.cols);
    for (double stall : {0.0, 0.2, 0.5}) {
      std::vector<Job> jobs;
      for (int i = 0; i < 6; ++i) {
        const auto dim = [&] { return static_cast<int>(rng.chance(0.15) ? 1 : rng.uniform(1, limit)); };
        jobs.push_back({{dim(), dim(), dim()}, i % 2 ? kOs : kWs, seed++});
      }
      compare(size, jobs, stall, seed * 31 + 7);
    }
  }
  std::printf("model vs RTL: %d GEMMs compared, %d with equal cycles, worst cycle ratio model/rtl = %.5f\n",
              g_compared, g_exact, g_worst_ratio);
}

TEST_CASE("model vs RTL: long streams through many folds, with stalls", "[cosim]") {
  wb::test::need_array(4, 8);
  wb::test::need_array(8, 8);
  wb::test::need_array(16, 16);
  compare({4, 8}, {{{300, 9, 17}, kWs, 3}, {{9, 300, 17}, kOs, 4}}, 0.1, 9, true);
  compare({8, 8}, {{{16, 3, 16}, kOs, 5}, {{200, 70, 40}, kWs, 6}}, 0.3, 10, true);
  compare({16, 16}, {{{256, 256, 256}, kWs, 7}, {{256, 256, 256}, kOs, 8}}, 0.0, 11, true);
}

TEST_CASE("model alone: sizes that were not verilated match the CPU reference", "[cosim]") {
  // 300x8: more weight beats per fold than the pin driver's window (the driver widens it).
  for (auto array : {sw::ArrayShape{64, 64}, sw::ArrayShape{5, 3}, sw::ArrayShape{128, 128}, sw::ArrayShape{300, 8}}) {
    for (auto df : {kWs, kOs}) {
      for (double stall : {0.0, 0.3}) {
        const sw::GemmShape shape = array.rows == 128 ? sw::GemmShape{200, 300, 150} : sw::GemmShape{100, 130, 70};
        const EngineRun run = run_jobs(ref::Engine::kModel, array, {{shape, df, 21}}, stall, 3);
        INFO(array.rows << "x" << array.cols << " " << sw::dataflow_name(df) << " stall " << stall);
        CHECK(run.c[0] == sw::gemm_ref(sw::random_int8(shape.m, shape.k, 21), sw::random_int8(shape.k, shape.n, 1021)));
        const sw::GemmPlan plan(shape, array, df);
        CHECK(run.cycles[0] >= plan.ideal_cycles());
      }
    }
    // The documented single-fold formulas hold at any size.
    const int r = array.rows, c = array.cols;
    CHECK(run_jobs(ref::Engine::kModel, array, {{{7, r, c}, kWs, 1}}, 0.0, 1).cycles[0] ==
          static_cast<std::uint64_t>(r + 7 + r + c + 1));
    CHECK(run_jobs(ref::Engine::kModel, array, {{{r, 9, c}, kOs, 1}}, 0.0, 1).cycles[0] ==
          static_cast<std::uint64_t>(9 + 2 * r + c));
  }
  CHECK_THROWS_AS(tb::make_array_dut(0, 4, ref::DutOptions{ref::Engine::kModel}), sw::InputError);
  CHECK_THROWS_AS(tb::make_array_dut(4, -2, ref::DutOptions{ref::Engine::kModel}), sw::InputError);
  ref::DutOptions traced{ref::Engine::kModel};
  traced.trace_path = "model.fst";
  CHECK_THROWS_AS(tb::make_array_dut(4, 4, traced), sw::InputError);
}

TEST_CASE("model vs RTL: a C stream that never drains trips the same watchdog", "[cosim]") {
  for (ref::Engine engine : {ref::Engine::kRtl, ref::Engine::kModel}) {
    ref::DutOptions options;
    options.engine = engine;
    options.c_stall = 1.0;  // c_ready never
    options.watchdog_cycles = 300;
    auto dut = tb::make_array_dut(8, 8, options);
    const sw::GemmPlan plan({100, 8, 8}, {8, 8}, kWs);
    INFO(ref::engine_name(engine));
    CHECK_THROWS_WITH(ref::run_gemm_on_pins(*dut, plan, sw::random_int8(100, 8, 1), sw::random_int8(8, 8, 2)),
                      Catch::Contains("watchdog"));
    // Credits stop A after the FIFO's depth of results: both engines stall at the same point.
    CHECK(dut->counters().a_beats == static_cast<std::uint64_t>(8 + 8 + 4));
    CHECK(!dut->idle());
  }
}

namespace {

struct SystemRecord {
  std::uint64_t cycles[8];
  std::int64_t checksum[8];
  int pass[8];
  int jobs;
};

// One SystemC elaboration per process: run the system in a child and read its record back.
SystemRecord system_in_child(ref::Engine engine, sw::ArrayShape array = {8, 8}, int max_dim = 60) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    SystemRecord rec{};
    try {
      tb::SystemOptions options;
      options.array = array;
      options.memory = {8.0, 7};
      options.buffer_beats = 40;
      options.chunk_beats = 16;
      options.dut.engine = engine;
      options.dut.a_stall = options.dut.b_stall = options.dut.c_stall = 0.2;
      options.dut.seed = 77;
      tb::run_array_system(options, [&](tb::ArraySession& session) {
        sw::SplitMix64 rng(5);
        for (int i = 0; i < 8; ++i) {
          const int m = static_cast<int>(rng.uniform(1, max_dim)), k = static_cast<int>(rng.uniform(1, max_dim)),
                    n = static_cast<int>(rng.uniform(1, max_dim));
          const auto a = sw::random_int8(m, k, 10 + i), b = sw::random_int8(k, n, 20 + i);
          const tb::GemmRun run = session.gemm(a, b, i % 3 == 1 ? kOs : kWs);
          rec.cycles[i] = run.cycles;
          for (std::size_t e = 0; e < run.c.size(); ++e) rec.checksum[i] = rec.checksum[i] * 31 + run.c.data()[e];
          rec.pass[i] = run.c == sw::gemm_ref(a, b);
          rec.jobs = i + 1;
        }
      });
    } catch (...) {
    }
    const ssize_t written = write(fds[1], &rec, sizeof rec);
    _exit(written == static_cast<ssize_t>(sizeof rec) ? 0 : 1);
  }
  close(fds[1]);
  SystemRecord rec{};
  const ssize_t got = read(fds[0], &rec, sizeof rec);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(got == static_cast<ssize_t>(sizeof rec));
  return rec;
}

}  // namespace

TEST_CASE("model vs RTL: the full TLM path gives the same results and cycles within 1 %", "[cosim]") {
  const SystemRecord rtl = system_in_child(ref::Engine::kRtl);
  const SystemRecord model = system_in_child(ref::Engine::kModel);
  REQUIRE(rtl.jobs == 8);
  REQUIRE(model.jobs == 8);
  for (int i = 0; i < 8; ++i) {
    INFO("job " << i << ": rtl " << rtl.cycles[i] << " cycles, model " << model.cycles[i]);
    CHECK(rtl.pass[i] == 1);
    CHECK(model.pass[i] == 1);
    CHECK(model.checksum[i] == rtl.checksum[i]);
    CHECK(std::abs(static_cast<double>(model.cycles[i]) / static_cast<double>(rtl.cycles[i]) - 1.0) <= 0.01);
    std::printf("TLM job %d: rtl %llu cycles, model %llu cycles\n", i, static_cast<unsigned long long>(rtl.cycles[i]),
                static_cast<unsigned long long>(model.cycles[i]));
  }
}

TEST_CASE("model alone: a 192x192 array through the full TLM path matches the CPU reference", "[cosim]") {
  // More rows than the transactor's default buffer (128 beats): it must still hold a fold's weights.
  const SystemRecord model = system_in_child(ref::Engine::kModel, {192, 192}, 500);
  REQUIRE(model.jobs == 8);
  for (int i = 0; i < 8; ++i) {
    INFO("job " << i);
    CHECK(model.pass[i] == 1);
  }
}

TEST_CASE("model vs RTL: simulation speed on a 16x16 GEMM (printed, not checked)", "[cosim]") {
  wb::test::need_array(16, 16);
  const sw::ArrayShape array{16, 16};
  const sw::GemmShape shape{2000, 32, 32};
  const auto a = sw::random_int8(shape.m, shape.k, 1), b = sw::random_int8(shape.k, shape.n, 2);
  const sw::GemmPlan plan(shape, array, kWs);
  for (ref::Engine engine : {ref::Engine::kRtl, ref::Engine::kModel}) {
    ref::DutOptions options;
    options.engine = engine;
    auto dut = tb::make_array_dut(array.rows, array.cols, options);
    const auto t0 = std::chrono::steady_clock::now();
    const auto result = ref::run_gemm_on_pins(*dut, plan, a, b);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(result.c == sw::gemm_ref(a, b));
    std::printf("speed %s 16x16 ws %dx%dx%d: %llu cycles in %.4f s = %.0f cycles/s\n", ref::engine_name(engine), shape.m,
                shape.k, shape.n, static_cast<unsigned long long>(dut->cycle()), s, static_cast<double>(dut->cycle()) / s);
  }
}
