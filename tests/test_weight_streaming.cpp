// SPDX-License-Identifier: Apache-2.0
// [unit] Weight streaming models: the integer SGD, the weight store and the
// broadcast/reduce tree, with timing checked against hand-computed cycle counts.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/reduce_tree.hpp"
#include "models/weight_store.hpp"
#include "sw/error.hpp"
#include "sw/sgd.hpp"

using namespace wb;

namespace {

const models::Clock kClock(1000.0);  // 1 ns cycles

double cycle_of(const sc_core::sc_time& local) { return (sc_core::sc_time_stamp() + local) / kClock.period(); }
sc_core::sc_time at_cycle(double c) { return kClock.period() * c; }

// One b_transport issued at local cycle `at`; returns the cycle it completes, or -1 on an error
// response.
template <typename Socket>
double transport(Socket& socket, tlm::tlm_command cmd, std::uint64_t addr, void* data, std::size_t len, double at) {
  tlm::tlm_generic_payload gp;
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(data));
  gp.set_data_length(static_cast<unsigned int>(len));
  gp.set_streaming_width(static_cast<unsigned int>(len));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = at_cycle(at);
  socket->b_transport(gp, delay);
  return gp.is_response_error() ? -1 : cycle_of(delay);
}

// Runs `body` in one SC_THREAD.
struct Driver : sc_core::sc_module {
  SC_HAS_PROCESS(Driver);
  std::function<void()> body;
  Driver(sc_core::sc_module_name name, std::function<void()> b) : sc_core::sc_module(name), body(std::move(b)) {
    SC_THREAD(run);
  }
  void run() { body(); }
};

// An initiator on the store's two sockets; every call returns the completion cycle, or -1.
struct StoreClient : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<StoreClient> wt{"wt"};
  tlm_utils::simple_initiator_socket<StoreClient> grad{"grad"};
  explicit StoreClient(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

  double read(std::uint64_t addr, std::size_t len, double at, std::vector<std::int8_t>& out) {
    out.resize(len);
    return transport(wt, tlm::TLM_READ_COMMAND, addr, out.data(), len, at);
  }
  double write_grads(std::uint64_t addr, std::vector<std::int32_t> g, double at) {
    return transport(grad, tlm::TLM_WRITE_COMMAND, addr, g.data(), g.size() * 4, at);
  }
};

// A receiver that takes at most one message every `cycles` (the slow-consumer knob).
struct Taker {
  double cycles = 0;
  double last = -1;  // cycle the previous message was taken
  double take(double arrival) {
    last = last < 0 ? arrival : std::max(arrival, last + cycles);
    return last;
  }
};

// One system below the tree: takes broadcast weights (at `taker`'s pace) and sends gradients up.
struct System : sc_core::sc_module {
  struct Delivery {
    std::uint64_t addr;
    std::vector<std::int8_t> data;
    double arrival;  // cycle the whole message is at the system
    double taken;
  };
  tlm_utils::simple_target_socket<System> tree2sys_wt{"tree2sys_wt"};
  tlm_utils::simple_initiator_socket<System> sys2tree_grad{"sys2tree_grad"};
  Taker taker;
  std::vector<Delivery> got;

  explicit System(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    tree2sys_wt.register_b_transport(this, &System::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    const double arrival = cycle_of(delay);
    const double taken = taker.take(arrival);
    const auto* d = reinterpret_cast<const std::int8_t*>(gp.get_data_ptr());
    got.push_back({gp.get_address(), std::vector<std::int8_t>(d, d + gp.get_data_length()), arrival, taken});
    delay = at_cycle(taken) - sc_core::sc_time_stamp();
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  // Returns the cycle the system's link has sent the gradients, or -1.
  double send_grads(std::uint64_t addr, std::vector<std::int32_t> g, double at) {
    return transport(sys2tree_grad, tlm::TLM_WRITE_COMMAND, addr, g.data(), g.size() * 4, at);
  }
};

// Stands in for the store: serves reads with zeros, records writes (int32 data) and takes
// them at `taker`'s pace (a slow store).
struct Recorder : sc_core::sc_module {
  struct Write {
    std::uint64_t addr;
    std::vector<std::int32_t> data;
    double arrival;
  };
  tlm_utils::simple_target_socket<Recorder> socket{"socket"};
  Taker taker;
  std::vector<Write> writes;

  explicit Recorder(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    socket.register_b_transport(this, &Recorder::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    if (gp.is_read()) {
      std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
    } else {
      std::vector<std::int32_t> d(gp.get_data_length() / 4);
      std::memcpy(d.data(), gp.get_data_ptr(), gp.get_data_length());
      const double arrival = cycle_of(delay);
      writes.push_back({gp.get_address(), d, arrival});
      delay = at_cycle(taker.take(arrival)) - sc_core::sc_time_stamp();
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// A tree with N systems over either a weight store or two recorders.
struct TreeBench {
  std::unique_ptr<models::ReduceTree> tree;
  std::vector<std::unique_ptr<System>> systems;
  std::unique_ptr<Recorder> wt_recorder;
  std::unique_ptr<Recorder> grad_recorder;

  TreeBench(const std::string& name, const models::TreeConfig& config, models::WeightStore* store) {
    tree = std::make_unique<models::ReduceTree>((name + "_tree").c_str(), config, kClock);
    for (int i = 0; i < config.systems; ++i) {
      systems.push_back(std::make_unique<System>((name + "_sys" + std::to_string(i)).c_str()));
      tree->tree2sys_wt.bind(systems.back()->tree2sys_wt);
      systems.back()->sys2tree_grad.bind(tree->sys2tree_grad);
    }
    if (store != nullptr) {
      tree->tree2mx_wt.bind(store->tree2mx_wt);
      tree->tree2mx_grad.bind(store->tree2mx_grad);
    } else {
      wt_recorder = std::make_unique<Recorder>((name + "_wt_rec").c_str());
      grad_recorder = std::make_unique<Recorder>((name + "_grad_rec").c_str());
      tree->tree2mx_wt.bind(wt_recorder->socket);
      tree->tree2mx_grad.bind(grad_recorder->socket);
    }
  }
  System& sys(int i) { return *systems[static_cast<std::size_t>(i)]; }
};

sw::MatrixI8 filled(int rows, int cols, int first) {
  sw::MatrixI8 m(rows, cols);
  for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<std::int8_t>(first + static_cast<int>(i));
  return m;
}

// int, not int8, so that Catch prints numbers.
std::vector<int> ints(const std::int8_t* p, std::size_t n) { return std::vector<int>(p, p + n); }
std::vector<int> ints(const std::vector<std::int8_t>& v) { return ints(v.data(), v.size()); }
std::vector<int> ints(const sw::MatrixI8& m) { return ints(m.data(), m.size()); }

}  // namespace

TEST_CASE("sgd: integer steps with and without momentum match hand-computed values", "[unit]") {
  CHECK(sw::round_shift(6, 2) == 2);    // 1.5 -> 2 (ties up)
  CHECK(sw::round_shift(-6, 2) == -1);  // -1.5 -> -1
  CHECK(sw::round_shift(-7, 2) == -2);  // -1.75 -> -2
  CHECK(sw::round_shift(5, 0) == 5);

  sw::SgdOptions plain;
  plain.lr_num = 1;
  plain.lr_shift = 2;  // lr = 1/4
  std::vector<std::int8_t> w{10, -5, 127, -128, 0, 3};
  std::vector<std::int64_t> v;
  sw::sgd_step(w, {8, -6, -20, 20, 2, 0}, v, plain);
  // updates round(g/4) = 2, -1 (-1.5 ties up), -5, 5, 1 (0.5 ties up), 0; saturated to int8
  CHECK(ints(w) == std::vector<int>{8, -4, 127, -128, -1, 3});
  CHECK(v.empty());

  sw::SgdOptions rational = plain;
  rational.lr_num = 3;
  rational.lr_shift = 3;  // lr = 3/8: 10 * 3/8 = 3.75 -> 4; -7 * 3/8 = -2.625 -> -3
  w = {0, 0};
  sw::sgd_step(w, {10, -7}, v, rational);
  CHECK(ints(w) == std::vector<int>{-4, 3});

  sw::SgdOptions momentum = plain;
  momentum.momentum = true;
  momentum.momentum_num = 1;
  momentum.momentum_shift = 1;  // mu = 1/2
  w = {0};
  v.clear();
  sw::sgd_step(w, {8}, v, momentum);  // v = 8, w -= 2
  CHECK(int(w[0]) == -2);
  CHECK(v == std::vector<std::int64_t>{8});
  sw::sgd_step(w, {8}, v, momentum);  // v = 4 + 8 = 12, w -= 3
  CHECK(int(w[0]) == -5);
  sw::sgd_step(w, {0}, v, momentum);  // v = 6, w -= round(1.5) = 2
  CHECK(int(w[0]) == -7);
  CHECK(v == std::vector<std::int64_t>{6});

  sw::SgdOptions bad = momentum;
  bad.momentum_num = 2;  // mu = 1
  CHECK_THROWS_AS(sw::validate(bad), sw::InputError);
  bad = plain;
  bad.lr_shift = 40;
  CHECK_THROWS_AS(sw::validate(bad), sw::InputError);
}

TEST_CASE("weight store: layers fill DRAM then flash, and a layer that fits nowhere is a one-line InputError", "[unit]") {
  models::WeightStoreConfig cfg;
  cfg.dram = {100, 16.0, 5};
  cfg.flash = {300, 4.0, 50};
  models::WeightStore store("store", cfg, kClock);
  CHECK(store.capacity() == 400);
  const int a = store.add_layer("a", filled(8, 8, 0));   // 64 B
  const int b = store.add_layer("b", filled(4, 8, 1));   // 32 B: DRAM has 36 left
  const int c = store.add_layer("c", filled(16, 16, 2));  // 256 B: only flash has room
  const int d = store.add_layer("d", filled(1, 4, 3));   // 4 B: back in DRAM
  const int e = store.add_layer("e", filled(2, 2, 4), models::Placement::kFlash);
  CHECK(store.layer(a).tier == models::Tier::kDram);
  CHECK(store.layer(a).addr == 0);
  CHECK(store.layer(b).addr == 64);
  CHECK(store.layer(c).tier == models::Tier::kFlash);
  CHECK(store.layer(c).addr == 100);
  CHECK(store.layer(d).tier == models::Tier::kDram);
  CHECK(store.layer(d).addr == 96);
  CHECK(store.layer(e).tier == models::Tier::kFlash);
  CHECK(store.layer(e).addr == 356);
  CHECK(store.layer(c).rows == 16);
  CHECK(store.find_layer("c") == c);
  CHECK(store.find_layer("zz") == -1);
  CHECK(store.free_bytes(models::Tier::kDram) == 0);
  CHECK(store.free_bytes(models::Tier::kFlash) == 40);
  CHECK(store.weights(c) == filled(16, 16, 2));

  CHECK_THROWS_WITH(store.add_layer("big", filled(7, 7, 0)),
                    "weight store: layer 'big' (49 B) does not fit: DRAM 0 B free of 100, flash 40 B free of 300");
  CHECK_THROWS_WITH(store.add_layer("big", filled(1, 5, 0), models::Placement::kDram),
                    "weight store: layer 'big' (5 B) does not fit in DRAM: 0 B free of 100");
  CHECK_THROWS_AS(store.add_layer("a", filled(1, 1, 0)), sw::InputError);
  CHECK_THROWS_AS(store.add_layer("", filled(1, 1, 0)), sw::InputError);
  CHECK(store.layer_count() == 5);  // failed adds change nothing
  CHECK(store.free_bytes(models::Tier::kFlash) == 40);

  models::WeightStoreConfig bad = cfg;
  bad.flash.bytes_per_cycle = 0;
  CHECK_THROWS_AS(models::WeightStore("bad", bad, kClock), sw::InputError);
}

// DRAM 16 B/cycle + 5 cycles, flash 4 B/cycle + 50 cycles; layers a (64 B) and b (32 B) in
// DRAM, c (256 B) in flash.
struct StoreBench {
  models::WeightStore store;
  StoreClient client{"client"};
  Driver driver;
  StoreBench(const models::WeightStoreConfig& cfg, std::function<void()> body)
      : store("store", cfg, kClock), driver("driver", std::move(body)) {
    client.wt.bind(store.tree2mx_wt);
    client.grad.bind(store.tree2mx_grad);
  }
  static models::WeightStoreConfig config() {
    models::WeightStoreConfig cfg;
    cfg.dram = {100, 16.0, 5};
    cfg.flash = {300, 4.0, 50};
    cfg.sgd.lr_num = 1;
    cfg.sgd.lr_shift = 2;
    return cfg;
  }
};

TEST_CASE("weight store: a read costs bytes over its tier's bandwidth plus latency, and reads queue per tier", "[unit]") {
  std::vector<double> done;
  std::vector<std::vector<std::int8_t>> data(7);
  StoreBench* bp = nullptr;
  StoreBench bench(StoreBench::config(), [&] {
    StoreClient& c = bp->client;
    done.push_back(c.read(0, 64, 0, data[0]));      // a: 64/16 = 4 on the DRAM port, +5
    done.push_back(c.read(64, 32, 0, data[1]));     // b: behind a on the port: 4 + 2, +5
    done.push_back(c.read(100, 256, 0, data[2]));   // c: flash port idle: 256/4 = 64, +50
    done.push_back(c.read(0, 64, 100, data[3]));    // a again, idle DRAM port: 100 + 4 + 5
    done.push_back(c.read(228, 128, 0, data[4]));   // second half of c: behind c, 64 + 32 + 50
    done.push_back(c.read(60, 8, 200, data[5]));    // straddles a and b
    done.push_back(c.read(96, 4, 200, data[6]));    // free DRAM, no layer
  });
  bp = &bench;
  bench.store.add_layer("a", filled(8, 8, 0));
  bench.store.add_layer("b", filled(4, 8, 100));
  bench.store.add_layer("c", filled(16, 16, -128));
  sc_core::sc_start();
  REQUIRE(done.size() == 7);
  CHECK(done[0] == Approx(9));
  CHECK(done[1] == Approx(11));
  CHECK(done[2] == Approx(114));
  CHECK(done[3] == Approx(109));
  CHECK(done[4] == Approx(146));
  CHECK(done[5] == -1);
  CHECK(done[6] == -1);
  CHECK(ints(data[0]) == ints(filled(8, 8, 0)));
  CHECK(ints(data[1]) == ints(filled(4, 8, 100)));
  CHECK(ints(data[2]) == ints(filled(16, 16, -128)));
  CHECK(ints(data[4]) == ints(data[2].data() + 128, 128));
  CHECK(bench.store.counters(models::Tier::kDram).weight_bytes_read == 160);
  CHECK(bench.store.counters(models::Tier::kFlash).weight_bytes_read == 384);
}

TEST_CASE("weight store: gradients accumulate until the layer is complete, then one SGD step and its write-back", "[unit]") {
  std::vector<double> done;
  std::vector<std::int8_t> before_step, after_step;
  std::vector<std::uint64_t> steps;
  StoreBench* bp = nullptr;
  StoreBench bench(StoreBench::config(), [&] {
    StoreClient& c = bp->client;
    const auto& layer = bp->store.layer(0);  // 2x4 = 8 weights at address 0, lr = 1/4
    // Two halves of one gradient: 16 B each on the DRAM port (1 cycle), +5.
    done.push_back(c.write_grads(0, {8, -6, 3, 1}, 0));
    steps.push_back(layer.steps);
    c.read(0, 8, 0, before_step);
    done.push_back(c.write_grads(4, {-20, 20, 2, 400}, 0));
    steps.push_back(layer.steps);
    // The read queues behind the second half (which ended at 2.5, behind the read above) and
    // the 8-byte write-back (0.5): 3 + 0.5 + 5.
    done.push_back(c.read(0, 8, 0, after_step));
    done.push_back(c.write_grads(2, {1, 1, 1, 1, 1, 1, 1}, 0));  // runs past the layer's end
    done.push_back(c.write_grads(0, {1, 2}, 0));                   // partial: no step yet
    std::vector<std::int8_t> bad(3);
    done.push_back(transport(c.grad, tlm::TLM_WRITE_COMMAND, 0, bad.data(), 3, 0));  // not whole int32s
  });
  bp = &bench;
  sw::MatrixI8 w(2, 4);
  const std::vector<std::int8_t> init{10, -5, 0, 7, 127, -128, 0, 100};
  std::memcpy(w.data(), init.data(), 8);
  bench.store.add_layer("fc", w);
  sc_core::sc_start();
  REQUIRE(done.size() == 6);
  CHECK(done[0] == Approx(6));
  CHECK(done[1] == Approx(1 + 0.5 + 1 + 5));  // behind the first half and the 8-byte read
  CHECK(steps == std::vector<std::uint64_t>{0, 1});
  CHECK(ints(before_step) == ints(init));
  // round(g / 4) = 2, -1, 1, 0, -5, 5, 1, 100
  CHECK(ints(after_step) == std::vector<int>{8, -4, -1, 7, 127, -128, -1, 0});
  CHECK(done[2] == Approx(3 + 0.5 + 5));
  CHECK(done[3] == -1);
  CHECK(done[4] > 0);
  CHECK(done[5] == -1);
  CHECK(bench.store.optimizer_steps() == 1);
  CHECK(ints(bench.store.weights(0)) == ints(after_step));
  const models::TierCounters& dram = bench.store.counters(models::Tier::kDram);
  CHECK(dram.gradient_bytes_written == 40);
  CHECK(dram.weight_bytes_written == 8);
  CHECK(dram.weight_bytes_read == 16);
}

TEST_CASE("weight store: momentum SGD over three steps matches the hand-computed trajectory", "[unit]") {
  models::WeightStoreConfig cfg = StoreBench::config();
  cfg.sgd.momentum = true;
  cfg.sgd.momentum_num = 1;
  cfg.sgd.momentum_shift = 1;  // mu = 1/2, lr = 1/4
  cfg.gradients_per_step = 2;   // two direct writers per step
  std::vector<std::vector<int>> seen;
  StoreBench* bp = nullptr;
  StoreBench bench(cfg, [&] {
    StoreClient& c = bp->client;
    // Per step the two contributions sum to 8, 8, 0 (and -40, 0, 0 for the second weight).
    const std::vector<std::vector<std::int32_t>> halves{{5, -10}, {3, -30}, {4, 0}, {4, 0}, {-1, 0}, {1, 0}};
    for (std::size_t i = 0; i < halves.size(); ++i) {
      c.write_grads(bp->store.layer(0).addr, halves[i], 0);
      if (i % 2 == 1) seen.push_back(ints(bp->store.weights(0)));
    }
  });
  bp = &bench;
  sw::MatrixI8 w(1, 2);
  w.at(0, 1) = 50;
  bench.store.add_layer("fc", w, models::Placement::kFlash);
  sc_core::sc_start();
  // weight 0: v = 8, 12, 6 -> w = -2, -5, -7; weight 1: v = -40, -20, -10 -> w = 60, 65, 67 (-2.5 -> -2)
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::vector<int>{-2, 60});
  CHECK(seen[1] == std::vector<int>{-5, 65});
  CHECK(seen[2] == std::vector<int>{-7, 67});
  CHECK(bench.store.layer(0).steps == 3);
  CHECK(bench.store.counters(models::Tier::kFlash).weight_bytes_written == 6);
}

TEST_CASE("reduce tree: depth is ceil(log_f N), at least 1, and level l has ceil(N / f^(d-l)) links", "[unit]") {
  CHECK(models::tree_depth(1, 2) == 1);
  CHECK(models::tree_depth(2, 2) == 1);
  CHECK(models::tree_depth(3, 2) == 2);
  CHECK(models::tree_depth(4, 2) == 2);
  CHECK(models::tree_depth(5, 2) == 3);
  CHECK(models::tree_depth(4, 4) == 1);
  CHECK(models::tree_depth(16, 4) == 2);
  CHECK(models::tree_depth(17, 4) == 3);
  models::ReduceTree tree("tree", models::TreeConfig{5, 2, 8.0, 3}, kClock);
  CHECK(tree.depth() == 3);
  CHECK(tree.level(1).links == 2);
  CHECK(tree.level(2).links == 3);
  CHECK(tree.level(3).links == 5);
  CHECK_THROWS_AS(models::ReduceTree("t0", models::TreeConfig{0, 2, 8.0, 3}, kClock), sw::InputError);
  CHECK_THROWS_AS(models::ReduceTree("t1", models::TreeConfig{4, 1, 8.0, 3}, kClock), sw::InputError);
  CHECK_THROWS_AS(models::ReduceTree("t2", models::TreeConfig{4, 2, 0.0, 3}, kClock), sw::InputError);
}

namespace {

models::WeightStoreConfig dram_store() {
  models::WeightStoreConfig cfg;
  cfg.dram = {4096, 16.0, 5};
  cfg.flash = {4096, 1.0, 100};
  return cfg;
}

}  // namespace

TEST_CASE("reduce tree: a broadcast reaches every system after the store read plus depth*L + B/bw, and pipelines", "[unit]") {
  // Links 8 B/cycle, 3 cycles per hop; the store reads 16 B/cycle with 5 cycles of latency.
  models::WeightStore store4("store4", dram_store(), kClock);
  models::WeightStore store1("store1", dram_store(), kClock);
  models::WeightStore store5("store5", dram_store(), kClock);
  TreeBench n4("n4", models::TreeConfig{4, 2, 8.0, 3}, &store4);
  TreeBench n1("n1", models::TreeConfig{1, 2, 8.0, 3}, &store1);
  TreeBench n5("n5", models::TreeConfig{5, 2, 8.0, 3}, &store5);
  for (models::WeightStore* s : {&store4, &store1, &store5}) {
    s->add_layer("a", filled(8, 8, 0));
    s->add_layer("b", filled(8, 8, 64));
  }
  std::vector<double> done4, done1, done5;
  auto broadcast = [](models::ReduceTree& tree, std::uint64_t addr) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tree.broadcast(addr, 64, delay);
    return cycle_of(delay);
  };
  Driver driver("driver", [&] {
    // Back to back, all issued at cycle 0. Read 4 + 5 = 9, levels start at 9 and 12, all
    // there at 12 + 3 + 8 = 23. The next one is read at 13, but level 1 is busy until 17:
    // 17, 20 -> 31; then 25, 28 -> 39: one message per B/bw = 8 cycles.
    for (std::uint64_t addr : {0, 64, 0}) done4.push_back(broadcast(*n4.tree, addr));
    done1.push_back(broadcast(*n1.tree, 0));  // depth 1: 9 + 3 + 8
    done5.push_back(broadcast(*n5.tree, 0));  // depth 3: 9 + 9 + 8
  });
  sc_core::sc_start();
  CHECK(done4 == std::vector<double>{23, 31, 39});
  CHECK(done1 == std::vector<double>{20});
  CHECK(done5 == std::vector<double>{26});
  for (int i = 0; i < 4; ++i) {
    const auto& got = n4.sys(i).got;
    REQUIRE(got.size() == 3);
    CHECK(got[0].addr == 0);
    CHECK(got[1].addr == 64);
    CHECK(got[2].addr == 0);
    CHECK(ints(got[1].data) == ints(filled(8, 8, 64)));
    CHECK(ints(got[2].data) == ints(filled(8, 8, 0)));
    CHECK(got[2].arrival == Approx(39));
  }
  for (int i = 0; i < 5; ++i) CHECK(n5.sys(i).got.size() == 1);
  const models::LevelCounters l1 = n4.tree->level(1);
  const models::LevelCounters l2 = n4.tree->level(2);
  CHECK(l1.links == 2);
  CHECK(l1.bytes_down == 2 * 64 * 3);
  CHECK(l2.bytes_down == 4 * 64 * 3);
  CHECK(l2.bytes_up == 0);
  CHECK(l1.busy_cycles_down == Approx(2 * 8 * 3));
  CHECK(l2.busy_cycles_down == Approx(4 * 8 * 3));
  // Over the 24 cycles from the first start on level 1 (9) to the last end (33), level 1 is busy all the time.
  CHECK(l1.utilization_down(24) == Approx(1.0));
  CHECK(n4.tree->broadcasts() == 3);
  CHECK(store4.counters(models::Tier::kDram).weight_bytes_read == 3 * 64);
}

TEST_CASE("reduce tree: gradients are summed exactly and reach the store after the slowest leaf plus depth*L + B/bw", "[unit]") {
  TreeBench bench("n4", models::TreeConfig{4, 2, 8.0, 3}, nullptr);
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int32_t> dist(-1000000, 1000000);
  std::vector<std::vector<std::int32_t>> grads(8, std::vector<std::int32_t>(16));
  for (auto& g : grads) {
    for (auto& x : g) x = dist(rng);
  }
  std::vector<double> sent;
  std::vector<double> errors;
  std::string overflow;
  Driver driver("driver", [&] {
    // Round 1 (16 int32 = 64 B, 8 cycles a link), systems issue at 0, 2, 5, 1: their links
    // send until 8, 10, 13, 9; switch 0 starts at max(0, 2) + 3 = 5, switch 1 at
    // max(5, 1) + 3 = 8; the store has it at 8 + 3 + 8 = 19.
    const double issue[4] = {0, 2, 5, 1};
    for (int i = 0; i < 4; ++i) sent.push_back(bench.sys(i).send_grads(0, grads[static_cast<std::size_t>(i)], issue[i]));
    // Round 2, everyone at 0, in reverse order: the leaf links of systems 3, 2, 1, 0 are free
    // at 9, 13, 10, 8 ...
    for (int i = 3; i >= 0; --i) sent.push_back(bench.sys(i).send_grads(64, grads[static_cast<std::size_t>(4 + i)], 0));
    // A second message for a range still being reduced is refused.
    errors.push_back(bench.sys(0).send_grads(128, {1}, 0));
    errors.push_back(bench.sys(0).send_grads(128, {1}, 0));
    // A sum that does not fit int32 is a simulation error, not a silent wrap.
    for (int i = 0; i < 3; ++i) bench.sys(i).send_grads(256, {1 << 30}, 0);
    try {
      bench.sys(3).send_grads(256, {1 << 30}, 0);
    } catch (const std::runtime_error& e) {
      overflow = e.what();
    }
  });
  sc_core::sc_start();
  // ... so they send until 16, 18, 21, 17 (in call order 3, 2, 1, 0); switch 0 starts at
  // max(8 + 3, 10 + 3, free 13) = 13, switch 1 at max(16, free 16) = 16: store at 16 + 3 + 8 = 27.
  CHECK(sent == std::vector<double>{8, 10, 13, 9, 17, 21, 18, 16});
  const auto& writes = bench.grad_recorder->writes;
  REQUIRE(writes.size() == 2);
  CHECK(writes[0].addr == 0);
  CHECK(writes[0].arrival == Approx(19));
  CHECK(writes[1].addr == 64);
  CHECK(writes[1].arrival == Approx(27));
  for (std::size_t r = 0; r < 2; ++r) {
    std::vector<std::int32_t> sum(16, 0);
    for (std::size_t i = 0; i < 4; ++i) {
      for (std::size_t e = 0; e < 16; ++e) sum[e] += grads[4 * r + i][e];
    }
    CHECK(writes[r].data == sum);
  }
  CHECK(errors == std::vector<double>{16.5, -1});  // 4 B behind round 2 on its link
  CHECK(overflow == "reduce tree: gradient sum at address 256 + 0 overflows int32 (4294967296)");
  CHECK(bench.tree->reductions() == 2);
  CHECK(bench.tree->level(2).bytes_up == 4 * 64 * 2 + 4 * 4 + 4);
  CHECK(bench.tree->level(1).bytes_up == 2 * 64 * 2);
  CHECK(bench.tree->level(1).busy_cycles_up == Approx(2 * 8 * 2));
}

TEST_CASE("reduce tree: a slow system or a slow store never loses or reorders data", "[unit]") {
  // Weights: 3 systems (fan-out 2, depth 2), system 1 takes one message every 20 cycles.
  models::WeightStore store("store", dram_store(), kClock);
  TreeBench down("down", models::TreeConfig{3, 2, 8.0, 3}, &store);
  down.sys(1).taker.cycles = 20;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(-128, 127);
  constexpr int kMessages = 8;
  for (int m = 0; m < kMessages; ++m) {
    sw::MatrixI8 w(4, 4);
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = static_cast<std::int8_t>(byte(rng));
    store.add_layer("l" + std::to_string(m), w);
  }
  // Gradients: a store that takes one write every 50 cycles, behind 3 systems sending 6
  // rounds back to back.
  TreeBench up("up", models::TreeConfig{3, 2, 8.0, 3}, nullptr);
  up.grad_recorder->taker.cycles = 50;
  constexpr int kRounds = 6;
  std::uniform_int_distribution<std::int32_t> grad(-100000, 100000);
  std::vector<std::vector<std::vector<std::int32_t>>> grads(kRounds);
  for (auto& round : grads) {
    for (int i = 0; i < 3; ++i) {
      round.emplace_back(8);
      for (auto& g : round.back()) g = grad(rng);
    }
  }
  std::vector<double> done;
  Driver driver("driver", [&] {
    for (int m = 0; m < kMessages; ++m) {
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;  // all issued at 0: the tree queues them
      down.tree->broadcast(store.layer(m).addr, 16, delay);
      done.push_back(cycle_of(delay));
    }
    for (int r = 0; r < kRounds; ++r) {
      for (int i = 0; i < 3; ++i) up.sys(i).send_grads(32 * static_cast<std::uint64_t>(r), grads[r][static_cast<std::size_t>(i)], 0);
    }
  });
  sc_core::sc_start();
  // The fast systems see the tree's pace (read k done at k + 6, level 1 every 2 cycles, +3 +3 +2);
  // system 1 takes message k at 14 + 20k, and each broadcast is complete when it has.
  for (int i = 0; i < 3; ++i) {
    const auto& got = down.sys(i).got;
    REQUIRE(got.size() == kMessages);
    for (int m = 0; m < kMessages; ++m) {
      const auto& d = got[static_cast<std::size_t>(m)];
      CHECK(d.addr == store.layer(m).addr);
      CHECK(ints(d.data) == ints(store.weights(m)));
      if (i != 1) CHECK(d.arrival == Approx(14 + 2 * m));
      if (i == 1) CHECK(d.taken == Approx(14 + 20 * m));
      // The head of message m arrives (2 cycles before its tail) only after m - 1 was taken.
      if (m > 0) CHECK(d.arrival - 2 >= got[static_cast<std::size_t>(m - 1)].taken - 1e-9);
    }
  }
  for (int m = 0; m < kMessages; ++m) CHECK(done[static_cast<std::size_t>(m)] == Approx(14 + 20 * m));
  const auto& writes = up.grad_recorder->writes;
  REQUIRE(writes.size() == kRounds);
  for (int r = 0; r < kRounds; ++r) {
    const auto& w = writes[static_cast<std::size_t>(r)];
    CHECK(w.addr == 32 * static_cast<std::uint64_t>(r));
    for (std::size_t e = 0; e < 8; ++e) CHECK(w.data[e] == grads[r][0][e] + grads[r][1][e] + grads[r][2][e]);
    if (r > 0) CHECK(w.arrival >= writes[static_cast<std::size_t>(r - 1)].arrival);
  }
  CHECK(up.grad_recorder->taker.last == Approx(writes[0].arrival + 50 * (kRounds - 1)));
}

namespace {

// Model-level training: per step and layer, the tree broadcasts the layer's weights, every
// system computes the gradient of its slice of the batch from the weights it received
// (per-sample g = w * x - t with small integers x, t), and the tree sums the slices into the
// store, which steps. The same gradients summed over the whole batch drive sw::sgd_step.
constexpr int kBatch = 12;
constexpr int kSteps = 4;

std::int32_t sample_grad(std::int8_t w, int step, int layer, int sample, std::size_t e) {
  std::mt19937 rng(static_cast<std::uint32_t>(((step * 7 + layer) * 131 + sample) * 1009 + static_cast<int>(e)));
  const int x = std::uniform_int_distribution<int>(-4, 4)(rng);
  const int t = std::uniform_int_distribution<int>(-300, 300)(rng);
  return w * x - t;
}

std::vector<std::int32_t> slice_grad(const std::vector<std::int8_t>& w, int step, int layer, int first, int count) {
  std::vector<std::int32_t> g(w.size(), 0);
  for (int s = first; s < first + count; ++s) {
    for (std::size_t e = 0; e < w.size(); ++e) g[e] += sample_grad(w[e], step, layer, s, e);
  }
  return g;
}

models::WeightStoreConfig training_store() {
  models::WeightStoreConfig cfg = dram_store();
  cfg.sgd.lr_num = 3;
  cfg.sgd.lr_shift = 10;
  cfg.sgd.momentum = true;
  cfg.sgd.momentum_num = 3;
  cfg.sgd.momentum_shift = 2;  // mu = 3/4
  return cfg;
}

const std::vector<sw::MatrixI8> kInitial{sw::random_int8(4, 8, 1), sw::random_int8(8, 2, 2)};

}  // namespace

TEST_CASE("data parallel: N = 1, 2, 3, 4 systems reducing their batch slices give the weights of one system with the whole batch", "[unit]") {
  const std::vector<int> sizes{1, 2, 3, 4};
  std::vector<std::unique_ptr<models::WeightStore>> stores;
  std::vector<std::unique_ptr<TreeBench>> benches;
  for (int n : sizes) {
    stores.push_back(std::make_unique<models::WeightStore>(("store" + std::to_string(n)).c_str(), training_store(), kClock));
    for (std::size_t l = 0; l < kInitial.size(); ++l) stores.back()->add_layer("fc" + std::to_string(l), kInitial[l]);
    benches.push_back(std::make_unique<TreeBench>("n" + std::to_string(n), models::TreeConfig{n, 2, 8.0, 3}, stores.back().get()));
  }
  // Four systems writing straight to a store that sums four gradients per step.
  models::WeightStoreConfig direct_cfg = training_store();
  direct_cfg.gradients_per_step = 4;
  models::WeightStore direct("direct", direct_cfg, kClock);
  for (std::size_t l = 0; l < kInitial.size(); ++l) direct.add_layer("fc" + std::to_string(l), kInitial[l]);
  StoreClient direct_client("direct_client");
  direct_client.wt.bind(direct.tree2mx_wt);
  direct_client.grad.bind(direct.tree2mx_grad);

  // The reference: one system, the whole batch, sw::sgd_step.
  std::vector<std::vector<std::int8_t>> ref;
  std::vector<std::vector<std::int64_t>> velocity(kInitial.size());
  for (const auto& w : kInitial) ref.emplace_back(w.data(), w.data() + w.size());
  for (int step = 0; step < kSteps; ++step) {
    for (std::size_t l = 0; l < ref.size(); ++l) {
      const std::vector<std::int32_t> g = slice_grad(ref[l], step, static_cast<int>(l), 0, kBatch);
      sw::sgd_step(ref[l], std::vector<std::int64_t>(g.begin(), g.end()), velocity[l], training_store().sgd);
    }
  }

  Driver driver("driver", [&] {
    for (int step = 0; step < kSteps; ++step) {
      for (std::size_t b = 0; b < benches.size(); ++b) {
        TreeBench& bench = *benches[b];
        const int n = sizes[b];
        for (int l = 0; l < static_cast<int>(kInitial.size()); ++l) {
          const models::LayerInfo& layer = stores[b]->layer(l);
          sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
          bench.tree->broadcast(layer.addr, layer.bytes, delay);
          for (int i = 0; i < n; ++i) {
            const std::vector<std::int8_t>& w = bench.sys(i).got.back().data;
            const int per = kBatch / n;
            bench.sys(i).send_grads(layer.addr, slice_grad(w, step, l, i * per, per), delay / kClock.period());
          }
        }
      }
      for (int l = 0; l < static_cast<int>(kInitial.size()); ++l) {
        std::vector<std::int8_t> w;
        const models::LayerInfo& layer = direct.layer(l);
        direct_client.read(layer.addr, layer.bytes, 0, w);
        for (int i = 0; i < 4; ++i) direct_client.write_grads(layer.addr, slice_grad(w, step, l, i * 3, 3), 0);
      }
    }
  });
  sc_core::sc_start();
  for (std::size_t l = 0; l < kInitial.size(); ++l) {
    INFO("layer " << l);
    CHECK(ints(ref[l]) != ints(kInitial[l]));  // training moved the weights
    for (std::size_t b = 0; b < stores.size(); ++b) {
      INFO("N = " << sizes[b]);
      CHECK(ints(stores[b]->weights(static_cast<int>(l))) == ints(ref[l]));
      CHECK(stores[b]->layer(static_cast<int>(l)).steps == kSteps);
    }
    CHECK(ints(direct.weights(static_cast<int>(l))) == ints(ref[l]));
  }
}
