// SPDX-License-Identifier: Apache-2.0
// Training step and weight streaming: the integer training math [unit],
// the double-buffered weight streamer's timing against hand-computed cycles [unit], and the
// data-parallel equivalence of N = 1, 2, 4 systems on the RTL [cosim].
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/reduce_tree.hpp"
#include "models/weight_store.hpp"
#include "models/weight_streamer.hpp"
#include "sw/energy.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/training.hpp"
#include "tb/layer_records.hpp"
#include "tb/training_system.hpp"

using namespace wb;

namespace {

std::vector<int> ints(const sw::MatrixI8& m) { return std::vector<int>(m.data(), m.data() + m.size()); }

sw::MatrixI32 add(const sw::MatrixI32& a, const sw::MatrixI32& b) {
  sw::MatrixI32 s(a.rows(), a.cols());
  for (std::size_t i = 0; i < a.size(); ++i) s.data()[i] = a.data()[i] + b.data()[i];
  return s;
}

}  // namespace

TEST_CASE("training: requantisation, loss and backward gradient match hand-computed values", "[unit]") {
  sw::MatrixI32 y(1, 4);
  y.at(0, 0) = 300;    // 300 / 4 = 75
  y.at(0, 1) = -50;    // ReLU -> 0
  y.at(0, 2) = 1000;   // 250 -> 127
  y.at(0, 3) = 6;      // 1.5 -> 2 (ties up)
  CHECK(ints(sw::activation(y, 2)) == std::vector<int>{75, 0, 127, 2});
  sw::MatrixI8 t(1, 4);
  t.at(0, 0) = 70;
  t.at(0, 1) = 10;
  t.at(0, 2) = -100;
  t.at(0, 3) = 2;
  // round(y / 4) - t = 5, -12 - 10 = -22 (-12.5 ties up to -12), 250 + 100 -> 127, 0
  CHECK(ints(sw::loss_gradient(y, t, 2)) == std::vector<int>{5, -22, 127, 0});
  sw::MatrixI8 x(1, 4);
  x.at(0, 0) = 3;
  x.at(0, 1) = 0;
  x.at(0, 2) = 1;
  x.at(0, 3) = 5;
  // dx / 4 masked by x > 0: 75, 0 (masked), 127 (saturated), 2
  CHECK(ints(sw::backward_gradient(y, x, 2)) == std::vector<int>{75, 0, 127, 2});
  CHECK(ints(sw::transpose(sw::MatrixI8(2, 1, 7))) == std::vector<int>{7, 7});
}

TEST_CASE("training: the batch's dW is the sum of its slices' dW (data-parallel split)", "[unit]") {
  const sw::MlpSpec spec = sw::parse_mlp("mlp:24x16x8");
  const sw::TrainData d = sw::make_train_data(spec, 16, 5);
  const sw::TrainShifts shifts{10, 8};
  const sw::StepResult full = sw::train_passes_ref(d.weights, d.x, d.t, shifts);
  for (int n : {2, 4, 16}) {
    const int rows = 16 / n;
    std::vector<sw::MatrixI32> sum;
    for (int i = 0; i < n; ++i) {
      const sw::StepResult part =
          sw::train_passes_ref(d.weights, sw::row_slice(d.x, i * rows, rows), sw::row_slice(d.t, i * rows, rows), shifts);
      for (std::size_t l = 0; l < part.dws.size(); ++l) {
        if (i == 0) {
          sum.push_back(part.dws[l]);
        } else {
          sum[l] = add(sum[l], part.dws[l]);
        }
      }
    }
    for (std::size_t l = 0; l < sum.size(); ++l) CHECK(sum[l] == full.dws[l]);
  }
  // The gradients are not trivially zero: the test would prove nothing otherwise.
  std::size_t nonzero = 0;
  for (const auto& dw : full.dws) {
    for (std::size_t i = 0; i < dw.size(); ++i) nonzero += dw.data()[i] != 0;
  }
  CHECK(nonzero > full.dws[0].size() / 2);
}

TEST_CASE("training: one reference step applies SGD to the passes' gradients", "[unit]") {
  const sw::MlpSpec spec = sw::parse_mlp("mlp:8x4x4");
  const sw::TrainData d = sw::make_train_data(spec, 4, 2);
  const sw::TrainShifts shifts{8, 6};
  sw::SgdOptions sgd;
  sgd.lr_num = 1;
  sgd.lr_shift = 10;
  const sw::StepResult r = sw::train_passes_ref(d.weights, d.x, d.t, shifts);
  // Hand-check one dW element: dW_0[0][0] = sum over samples of x[s][0] * dY_0[s][0].
  std::int32_t dw00 = 0;
  for (int s = 0; s < 4; ++s) dw00 += d.x.at(s, 0) * r.dys[0].at(s, 0);
  CHECK(r.dws[0].at(0, 0) == dw00);
  CHECK(r.dws[1] == sw::gemm_ref(sw::transpose(r.acts[1]), r.dys[1]));
  const std::vector<sw::MatrixI8> w = sw::train_ref(d.weights, d.x, d.t, shifts, sgd, 1);
  for (std::size_t l = 0; l < w.size(); ++l) {
    for (std::size_t i = 0; i < w[l].size(); ++i) {
      const int expect = sw::saturate_int8(d.weights[l].data()[i] - sw::round_shift(r.dws[l].data()[i], 10));
      REQUIRE(w[l].data()[i] == expect);
    }
  }
  CHECK(sw::train_step_macs(spec, 4) == 2u * 4 * 8 * 4 + 3u * 4 * 4 * 4);
}

namespace {

// Store + tree + weight streamer with N buffers; each system "computes" every chunk for a fixed
// number of cycles (no RTL), so the streamer's timing can be checked by hand.
struct StreamBench {
  const models::Clock clock{1000.0};  // 1 ns cycles
  std::unique_ptr<models::WeightStore> store;
  std::unique_ptr<models::ReduceTree> tree;
  std::vector<std::unique_ptr<models::WeightBuffer>> buffers;
  std::unique_ptr<models::WeightStreamer> streamer;
  std::vector<std::vector<double>> start, end, waited;  // per system, per chunk

  StreamBench(int systems, double link_bw, const std::vector<double>& compute, int chunks) {
    models::WeightStoreConfig sc;
    sc.dram = models::TierConfig{1 << 20, 64.0, 20};
    store = std::make_unique<models::WeightStore>("store", sc, clock);
    const int a = store->add_layer("a", sw::random_int8(4, 64, 1));
    const int b = store->add_layer("b", sw::random_int8(4, 64, 2));
    tree = std::make_unique<models::ReduceTree>("tree", models::TreeConfig{systems, 2, link_bw, 4}, clock);
    tree->tree2mx_wt.bind(store->tree2mx_wt);
    tree->tree2mx_grad.bind(store->tree2mx_grad);
    std::vector<models::WeightBuffer*> raw;
    for (int i = 0; i < systems; ++i) {
      buffers.push_back(std::make_unique<models::WeightBuffer>(("wbuf" + std::to_string(i)).c_str(), 256, clock));
      tree->tree2sys_wt.bind(buffers.back()->tree2sys_wt);
      raw.push_back(buffers.back().get());
    }
    streamer = std::make_unique<models::WeightStreamer>("wstream", *tree, raw, clock);
    for (int c = 0; c < chunks; ++c) {
      const models::LayerInfo& info = store->layer(c % 2 == 0 ? a : b);
      streamer->push(models::WeightChunk{info.id, false, 0, 4, 64, info.addr, 0});
    }
    start.resize(static_cast<std::size_t>(systems));
    end = waited = start;
    for (int i = 0; i < systems; ++i) {
      sc_core::sc_spawn([this, i, chunks, cycles = compute[static_cast<std::size_t>(i)]] {
        for (int c = 0; c < chunks; ++c) {
          waited[i].push_back(streamer->wait_ready(i, c));
          start[i].push_back(sc_core::sc_time_stamp() / clock.period());
          sc_core::wait(clock.time(static_cast<std::uint64_t>(cycles)));
          end[i].push_back(sc_core::sc_time_stamp() / clock.period());
          streamer->release(i, c);
        }
      });
    }
  }
};

struct GradSink : sc_core::sc_module {
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<GradSink>>> sockets;
  GradSink(sc_core::sc_module_name n, models::ReduceTree& tree, int systems) : sc_core::sc_module(n) {
    for (int i = 0; i < systems; ++i) {
      sockets.push_back(std::make_unique<tlm_utils::simple_initiator_socket<GradSink>>(("g" + std::to_string(i)).c_str()));
      sockets.back()->bind(tree.sys2tree_grad);
    }
  }
};

}  // namespace

// Every chunk is 256 bytes (4 rows x 64), one per buffer half. Issued at t on an idle system:
// the store reads it in 256/64 = 4 cycles + 20 latency, the one-level tree adds 4 hop cycles and
// 256/8 = 32 transfer cycles: ready = t + 60. Chunk 1 is issued at 0 too (the other half is free):
// the store starts it at 4 (t0 = 28), the link is busy until 56, so ready = 56 + 4 + 32 = 92.
// Chunk 2 waits for chunk 0's half.
TEST_CASE("weight streamer: compute-bound, layer i+1 streams while layer i computes, nothing exposed after the first chunk", "[unit]") {
  StreamBench bench(1, 8.0, {100}, 3);
  GradSink sink("sink", *bench.tree, 1);
  sc_core::sc_start();
  const auto& t = bench.streamer->timings();
  REQUIRE(t.size() == 3);
  CHECK(t[0].issue == 0);
  CHECK(t[0].ready == 60);
  CHECK(t[1].issue == 0);
  CHECK(t[1].ready == 92);
  // Chunk 1's stream [0, 92] overlaps chunk 0's compute [60, 160].
  CHECK(bench.start[0] == std::vector<double>{60, 160, 260});
  CHECK(t[2].issue == 160);   // chunk 0 released its half at 160
  CHECK(t[2].ready == 220);   // idle path again: 160 + 60
  CHECK(bench.waited[0] == std::vector<double>{60, 0, 0});
}

TEST_CASE("weight streamer: bandwidth-bound, the exposed stream equals the hand-computed waits", "[unit]") {
  StreamBench bench(1, 8.0, {10}, 3);
  GradSink sink("sink", *bench.tree, 1);
  sc_core::sc_start();
  const auto& t = bench.streamer->timings();
  // Chunk 0 computes [60, 70]; chunk 1 is ready at 92 (22 exposed) and computes [92, 102].
  // Chunk 2 is issued at 70: store [70, 74] + 20 -> t0 = 94, link free since 88 -> ready 94 + 36 = 130
  // (28 exposed after chunk 1's end at 102).
  CHECK(t[2].issue == 70);
  CHECK(t[2].ready == 130);
  CHECK(bench.start[0] == std::vector<double>{60, 92, 130});
  CHECK(bench.waited[0] == std::vector<double>{60, 22, 28});
}

TEST_CASE("weight streamer: a half is refilled only once every system released it", "[unit]") {
  StreamBench bench(2, 8.0, {10, 100}, 3);
  GradSink sink("sink", *bench.tree, 2);
  sc_core::sc_start();
  const auto& t = bench.streamer->timings();
  CHECK(t[0].ready == 60);       // both leaves are one link below the store, in parallel
  CHECK(t[2].issue == 160);      // system 1 held chunk 0 until 60 + 100
  CHECK(bench.buffers[0]->bytes_received() == 3 * 256);
  CHECK(bench.buffers[1]->bytes_received() == 3 * 256);
  CHECK(bench.start[1] == std::vector<double>{60, 160, 260});
}

TEST_CASE("weight streamer: a weight row wider than a buffer half is a clear error", "[unit]") {
  CHECK(models::rows_per_chunk(64, 256) == 4);
  CHECK_THROWS_WITH(models::rows_per_chunk(300, 256), Catch::Contains("cannot hold one weight row of 300 bytes"));
}

namespace {

void check_equivalence(int systems, std::size_t buffer_bytes, int grad_chunks, int batch = 8,
                       ref::Engine engine = ref::Engine::kRtl) {
  tb::TrainOptions o;
  o.spec = sw::parse_mlp("mlp:12x8x6");
  o.batch = batch;
  o.systems = systems;
  o.system.dut.engine = engine;
  o.steps = 2;
  o.system.array = {4, 4};
  o.ingress_bw = 4.0;
  o.weight_buffer_bytes = buffer_bytes;
  o.grad_chunks = grad_chunks;
  o.act_mem_bytes = 4096;
  o.shifts = {8, 7};
  o.store.sgd.lr_num = 1;
  o.store.sgd.lr_shift = 9;
  o.store.sgd.momentum = true;
  o.store.sgd.momentum_num = 1;
  o.store.sgd.momentum_shift = 1;
  const sw::TrainData d = sw::make_train_data(o.spec, o.batch, 3);
  std::vector<std::int64_t> squared_error;
  const std::vector<sw::MatrixI8> expect = sw::train_ref(d.weights, d.x, d.t, o.shifts, o.store.sgd, o.steps, &squared_error);
  const tb::TrainResult r = tb::run_training(o, d);
  CHECK(r.golden_pass);
  CHECK(r.squared_error == squared_error);  // the loss, summed over the systems
  REQUIRE(r.weights.size() == expect.size());
  for (std::size_t l = 0; l < expect.size(); ++l) {
    INFO("layer " << l);
    CHECK(r.weights[l] == expect[l]);
    CHECK(r.weights[l] != d.weights[l]);  // the steps changed something
  }
  REQUIRE(r.step_end.size() == 2);
  CHECK(r.step_end[1] > r.step_end[0]);
  // Forward: both layers; backward: layer 2 only (the input's gradient is not needed).
  const std::uint64_t bytes = 2u * (12 * 8 + 6 * 8 + 8 * 6);
  CHECK(r.dram_bytes_read == bytes);
  CHECK(r.dram_grad_bytes == 2u * 4 * (12 * 8 + 8 * 6));
}

}  // namespace

TEST_CASE("training equivalence: 1 system on the RTL gives the CPU full-batch weights after 2 steps", "[cosim]") {
  check_equivalence(1, 1024, 1);  // each dW whole
}

TEST_CASE("training equivalence: 2 systems on the RTL, batch split and reduced, give the full-batch weights", "[cosim]") {
  check_equivalence(2, 1024, 4);
}

TEST_CASE("training equivalence: 4 systems on the RTL with layers streamed in chunks give the full-batch weights", "[cosim]") {
  // Halves of 20 bytes: 2 rows of layer 1 (8 wide), 3 rows of layer 2 (6 wide) per chunk. dW goes
  // up in blocks of 4 rows (layer 1) and 3, 3, 2 rows (layer 2), each reduced on its own.
  check_equivalence(4, 40, 3);
}

TEST_CASE("training equivalence: 192 systems on the C++ array model, 2 samples each, give the full-batch weights", "[cosim]") {
  check_equivalence(192, 40, 3, 384, ref::Engine::kModel);
}

TEST_CASE("training record: a layer's MACs, adds, registers and memory from the array's counters, as hand-computed",
          "[cosim]") {
  // mlp:12x8x6, batch 8 on one 4x4 system, 2 steps, whole layers in the buffer and whole dW.
  // Layer 0 per step: forward 8x12x8 (3 K folds x 2 N folds) and dW 12x8x8 (2 x 2), WS; no dX.
  // Per fold M A beats, 4 weight beats, M C beats; A's M x 4 slice and a 4 x 4 block of B.
  tb::TrainOptions o;
  o.spec = sw::parse_mlp("mlp:12x8x6");
  o.batch = 8;
  o.steps = 2;
  o.system.array = {4, 4};
  o.system.dut.engine = ref::Engine::kModel;
  o.weight_buffer_bytes = 1024;
  o.grad_chunks = 1;
  o.act_mem_bytes = 4096;
  const tb::TrainResult result = tb::run_training(o, sw::make_train_data(o.spec, o.batch, 3));
  REQUIRE(result.golden_pass);
  sw::LayerRecord r = tb::record_of(result.layers[0], o, 0, "model");
  CHECK(r.count == 4);
  CHECK(r.macs == 4u * 8 * 12 * 8);
  CHECK(r.a_beats == 2u * (6 * 8 + 4 * 12));
  CHECK(r.macs_issued == r.a_beats * 16);  // no padding: 3072
  CHECK(r.macs_issued == r.macs);
  CHECK(r.b_beats == 2u * (6 + 4) * 4);
  CHECK(r.c_beats == 2u * (6 * 8 + 4 * 12));
  CHECK(r.int32_adds == 2u * (8 * 8 * 2 + 12 * 8 * 1));  // the partial sums of the K folds but the first
  CHECK(r.register_bytes == 3072u * 5 + r.b_beats * 4);
  CHECK(r.sram_a_read_bytes == 2u * (6 * 8 * 4 + 4 * 12 * 4));
  CHECK(r.sram_b_read_bytes == 2u * (6 + 4) * 16);
  CHECK(r.sram_write_bytes == 2u * 4 * (8 * 8 + 12 * 8));
  CHECK(r.sram_size_bytes == 1024u + 4096u);
  sw::add_energy(r, sw::default_energy_table());
  // 0.3 pJ per MAC, 0.1 per add, 0.25 per register byte; the 5 KiB memory costs the 8 KB entry,
  // 1.25 pJ per byte; the store's DRAM and the tree link as counted.
  CHECK(r.energy_mac_pj == Approx(3072 * 0.3));
  CHECK(r.energy_add_pj == Approx(448 * 0.1));
  CHECK(r.energy_register_pj == Approx((15360 + 320) * 0.25));
  CHECK(r.energy_sram_pj == Approx((768 + 320 + 1280) * 1.25));
}

TEST_CASE("training: bad batch split and a small activation memory are clear errors", "[unit]") {
  tb::TrainOptions o;
  o.spec = sw::parse_mlp("mlp:12x8x6");
  o.batch = 6;
  o.systems = 4;
  const sw::TrainData d = sw::make_train_data(o.spec, o.batch, 1);
  CHECK_THROWS_WITH(tb::run_training(o, d), Catch::Contains("does not split evenly over 4 systems"));
  o.systems = 2;
  o.act_mem_bytes = 10;
  CHECK_THROWS_WITH(tb::run_training(o, d), Catch::Contains("activation memory of 10 bytes is too small"));
  o.act_mem_bytes = 4096;
  o.grad_chunks = 0;
  CHECK_THROWS_WITH(tb::run_training(o, d), Catch::Contains("--grad-chunks must be in [1, 4096]"));
}

TEST_CASE("training: the squared error is exact and adds up over the batch's slices", "[unit]") {
  // round_shift(Y, 8) - T: 512 -> 2, minus 0; -384 -> -1.5, ties up to -1, minus 1; 100 -> 0, minus -3.
  sw::MatrixI32 y(1, 3);
  sw::MatrixI8 t(1, 3);
  const std::int32_t ys[] = {512, -384, 100};
  const std::int8_t ts[] = {0, 1, -3};
  std::copy(ys, ys + 3, y.data());
  std::copy(ts, ts + 3, t.data());
  CHECK(sw::squared_error(y, t, 8) == 4 + 4 + 9);
  // A whole batch is the sum of its slices (the data-parallel split).
  const sw::MatrixI32 yy = sw::gemm_ref(sw::random_int8(6, 5, 1), sw::random_int8(5, 4, 2));
  const sw::MatrixI8 tt = sw::random_int8(6, 4, 3);
  sw::MatrixI32 top(2, 4), bottom(4, 4);
  std::copy(yy.data(), yy.data() + top.size(), top.data());
  std::copy(yy.data() + top.size(), yy.data() + yy.size(), bottom.data());
  CHECK(sw::squared_error(yy, tt, 3) ==
        sw::squared_error(top, sw::row_slice(tt, 0, 2), 3) + sw::squared_error(bottom, sw::row_slice(tt, 2, 4), 3));
  CHECK_THROWS_AS(sw::squared_error(yy, sw::random_int8(6, 3, 1), 3), sw::InputError);
}

TEST_CASE("training: one set of limits, in the options, for the library and the CLI", "[unit]") {
  tb::TrainOptions o;
  o.spec = sw::parse_mlp("mlp:12x8x6");
  o.batch = 256;
  o.systems = 65;
  CHECK_THROWS_WITH(o.validate(), "--systems must be in [1, 64] with --engine rtl");
  o.system.dut.engine = ref::Engine::kModel;
  o.systems = 193;
  CHECK_THROWS_WITH(o.validate(), "--systems must be in [1, 192] with --engine model");
  o.systems = 128;
  CHECK_NOTHROW(o.validate());
  o.steps = tb::TrainLimits::kMaxSteps + 1;
  CHECK_THROWS_WITH(o.validate(), "--steps must be in [1, 100]");
  o.steps = 1;
  o.hop_latency = static_cast<std::uint64_t>(-1);  // what a negative option value becomes
  CHECK_THROWS_WITH(o.validate(), "--hop-latency must be in [0, 100000]");
  o.hop_latency = 4;
  o.act_mem_bytes = tb::activation_bytes(o.spec, 2) - 1;  // 2 samples per system
  CHECK(tb::activation_bytes(o.spec, 2) == 2 * (12 + 8 + 6 + 2 * 12));
  CHECK_THROWS_WITH(o.validate(), Catch::Contains("2 samples per system need 100 bytes"));
  o.act_mem_bytes += 1;
  CHECK_NOTHROW(o.validate());
}
