// SPDX-License-Identifier: Apache-2.0
// Weight streaming into the compute fabric (tb/fabric_transactor.hpp, tb/fabric_stream.hpp):
// bit-exact layers on the RTL and the model with equal cycles, hand-computed stream timing at
// high and low ingress bandwidth, and the double buffer's back-pressure. SystemC elaborates once
// per process, so every run goes to a forked child that reports back as JSON.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/mlp.hpp"
#include "sw/tensor.hpp"
#include "tb/fabric_stream.hpp"

using namespace wb;

namespace {

nlohmann::json in_child(const std::function<nlohmann::json()>& f) {
  int fd[2];
  REQUIRE(pipe(fd) == 0);
  std::cout.flush();
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fd[0]);
    std::string s;
    try {
      s = f().dump();
    } catch (const std::exception& e) {
      s = nlohmann::json{{"error", e.what()}}.dump();
    }
    std::size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = write(fd[1], s.data() + off, s.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fd[1]);
  std::string s;
  char buf[4096];
  for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) > 0;) s.append(buf, static_cast<std::size_t>(n));
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(!s.empty());
  nlohmann::json j = nlohmann::json::parse(s);
  INFO(j.dump());
  REQUIRE(!j.contains("error"));
  return j;
}

std::uint64_t hash(const std::vector<sw::MatrixI32>& ms) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& m : ms) {
    for (std::size_t i = 0; i < m.size(); ++i) h = (h ^ static_cast<std::uint32_t>(m.data()[i])) * 1099511628211ull;
  }
  return h;
}

nlohmann::json summary(const tb::FabricStreamResult& r) {
  nlohmann::json j;
  j["cycles"] = r.cycles;
  j["overwrites"] = r.overwrites;
  j["releases"] = r.releases;
  j["golden"] = r.golden_pass ? "pass" : "fail";
  j["hash"] = hash(r.outputs);
  for (const auto& l : r.layers) j["layers"].push_back(tb::to_json(l, 4));
  for (std::size_t s = 0; s < r.chunks.size(); ++s) {
    j["issue"].push_back(r.chunks[s].issue);
    j["ready"].push_back(r.chunks[s].ready);
    j["release"].push_back(s < r.release_cycles.size() ? r.release_cycles[s] : 0);
  }
  return j;
}

struct Mlp {
  sw::MatrixI8 x;
  std::vector<sw::MatrixI8> w;
};

Mlp make_mlp(const std::vector<int>& widths, int batch, double density, std::uint64_t seed) {
  Mlp m{sw::random_int8(batch, widths[0], seed), {}};
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    m.w.push_back(density < 1.0 ? sw::random_sparse_int8(widths[l], widths[l + 1], density, seed + l + 1)
                                : sw::random_int8(widths[l], widths[l + 1], seed + l + 1));
  }
  return m;
}

tb::FabricStreamOptions base_options(ref::Engine engine) {
  tb::FabricStreamOptions o;
  o.mesh = 4;
  o.engine = engine;
  o.ingress_bw = 16;
  o.hop_latency = 4;
  o.store.dram = {std::size_t{1} << 20, 64.0, 20};
  o.weight_buffer_bytes = 1024;
  return o;
}

nlohmann::json run(const tb::FabricStreamOptions& o, const Mlp& m) {
  return in_child([&] { return summary(tb::run_fabric_stream(o, m.x, m.w)); });
}

// A run on the model engine at `bw` B/cycle with a `buffer`-byte edge buffer; `tweak` may change more.
nlohmann::json run_model(const Mlp& m, double bw, std::size_t buffer,
                         const std::function<void(tb::FabricStreamOptions&)>& tweak = {}) {
  tb::FabricStreamOptions o = base_options(ref::Engine::kModel);
  o.ingress_bw = bw;
  o.weight_buffer_bytes = buffer;
  if (tweak) tweak(o);
  const nlohmann::json j = run(o, m);
  INFO(j.dump());
  CHECK(j["golden"] == "pass");
  CHECK(j["overwrites"] == 0);
  return j;
}

// The CPU chain: C_l = X_l W_l, X_{l+1} = relu_requantize(C_l).
std::uint64_t cpu_hash(const Mlp& m) {
  std::vector<sw::MatrixI32> cs;
  sw::MatrixI8 x = m.x;
  for (const auto& w : m.w) {
    cs.push_back(sw::gemm_ref(x, w));
    int shift = 0;
    x = sw::relu_requantize(cs.back(), shift);
  }
  return hash(cs);
}

}  // namespace

TEST_CASE("fabric stream: the wavelets of streamed chunks are the mapper's, per edge input", "[unit]") {
  const sw::MatrixI8 a = sw::random_int8(3, 37, 5);
  const sw::MatrixI8 b = sw::random_sparse_int8(37, 29, 0.3, 6);
  const sw::FabricProgram p = sw::map_sparse_gemm(a, b, 4, sw::FabricLayout::kWeightStreaming, sw::FabricLimits{});
  const sw::WeightStreamLayout l = sw::weight_stream_layout(37, 29, 4);
  const std::vector<int> order = sw::weight_stream_row_order(l);
  REQUIRE(order.size() == 37u);
  std::vector<std::vector<sw::FabricWavelet>> got;
  for (int r0 = 0; r0 < 37; r0 += 5) {  // chunks of 5 store rows
    const int rows = std::min(5, 37 - r0);
    sw::MatrixI8 chunk(rows, 29);
    for (int r = 0; r < rows; ++r) std::copy(b.row(order[r0 + r]), b.row(order[r0 + r]) + 29, chunk.row(r));
    sw::weight_stream_wavelets(l, chunk.data(), order.data() + r0, rows, r0 + 5 >= 37, got);
  }
  REQUIRE(got.size() == p.inputs.size());
  for (std::size_t x = 0; x < got.size(); ++x) {
    auto key = [](const sw::FabricWavelet& w) { return std::make_tuple(w.dst_x, w.dst_y, w.data); };
    std::vector<std::tuple<int, int, std::uint32_t>> want, have;
    for (const auto& w : p.inputs[x].wavelets) want.push_back(key(w));
    for (const auto& w : got[x]) have.push_back(key(w));
    std::sort(want.begin(), want.end());
    std::sort(have.begin(), have.end());
    CHECK(want == have);
    // each PE's end-of-layer wavelet is its last one
    for (int y = 0; y < l.used_y; ++y) {
      int last_end = -1, last_mac = -1;
      for (std::size_t i = 0; i < got[x].size(); ++i) {
        if (got[x][i].dst_y != y) continue;
        (hw::kPeMacIndex.get(got[x][i].data) == hw::kPeEndIndex ? last_end : last_mac) = static_cast<int>(i);
      }
      CHECK(last_end > last_mac);
    }
  }
}

TEST_CASE("fabric stream: a small MLP is bit-exact on the RTL and the model, with equal cycles, density 1 and 0.1",
          "[cosim]") {
  for (double density : {1.0, 0.1}) {
    for (double bp : {0.0, 0.2}) {
      const Mlp m = make_mlp({48, 40, 24, 10}, 6, density, 11);
      tb::FabricStreamOptions o = base_options(ref::Engine::kRtl);
      o.run.backpressure = bp;
      const nlohmann::json rtl = run(o, m);
      o.engine = ref::Engine::kModel;
      const nlohmann::json model = run(o, m);
      INFO("density " << density << " backpressure " << bp);
      CHECK(rtl["golden"] == "pass");
      CHECK(rtl["hash"] == cpu_hash(m));
      CHECK(rtl["overwrites"] == 0);
      for (const auto& l : rtl["layers"]) CHECK(l["macs"] == l["expected_macs"]);
      CHECK(model == rtl);  // results, every cycle count, every chunk's timing
    }
  }
}

TEST_CASE("fabric stream: batches bigger than the accumulators stream each pass's weights, RTL = model", "[cosim]") {
  const Mlp m = make_mlp({32, 48, 10}, 40, 0.5, 3);  // 12 outputs per PE x 40 rows > 256 accumulators
  tb::FabricStreamOptions o = base_options(ref::Engine::kRtl);
  const nlohmann::json rtl = run(o, m);
  o.engine = ref::Engine::kModel;
  const nlohmann::json model = run(o, m);
  CHECK(rtl["golden"] == "pass");
  CHECK(rtl["hash"] == cpu_hash(m));
  CHECK(rtl["layers"][0]["passes"].get<int>() > 1);
  CHECK(model == rtl);
}

TEST_CASE("fabric stream: with ingress far above need, nothing is exposed after the first layer", "[unit]") {
  // 64x64x64x64, batch 4, 4x4 mesh; 2 KiB buffer (halves of 1 KiB = 16 rows of 64 B, 4 chunks a layer).
  const Mlp m = make_mlp({64, 64, 64, 64}, 4, 1.0, 21);
  const nlohmann::json j = run_model(m, 1024, 2048, [](tb::FabricStreamOptions& o) { o.store.dram.bytes_per_cycle = 1024; });
  INFO(j.dump());
  // Hand check of the first chunk: issued at 0, store read 1024/1024 + 20 = 21, one hop of 4,
  // 1024 B at 1024 B/cycle: ready at 26. The second, issued at 0 too, queues behind it on the
  // store port (done 22) and the link (free at 22): 22 + 4 + 1 = 27.
  CHECK(j["issue"][0] == 0.0);
  CHECK(j["ready"][0] == Approx(26.0));
  CHECK(j["ready"][1] == Approx(27.0));
  for (std::size_t l = 1; l < j["layers"].size(); ++l) {
    INFO("layer " << l);
    CHECK(j["layers"][l]["exposed_cycles"].get<std::uint64_t>() == 0);
  }
  // Each layer: 64 x 64 B = 4096 B from DRAM.
  for (const auto& l : j["layers"]) CHECK(l["dram_bytes"] == 4096);
}

TEST_CASE("fabric stream: at low ingress bandwidth the stream takes bytes / bw and is exposed", "[unit]") {
  // One 64x64 layer (4096 B), batch 4, 1 KiB buffer (8 chunks of 512 B), 2 B/cycle: the link is
  // the bottleneck (a chunk takes 256 cycles to arrive, 512 wavelets over 4 columns enter in
  // about 128), so the chunks stream back to back: the first leaves the store at
  // 512/64 + 20 = 28, the last is in at 28 + 4 (hop) + 4096 / 2 = 2080.
  const Mlp m = make_mlp({64, 64}, 4, 1.0, 31);
  const nlohmann::json j = run_model(m, 2, 1024);
  INFO(j.dump());
  const auto& l = j["layers"][0];
  CHECK(l["chunks"] == 8);
  CHECK(l["first_issue_cycle"] == 0.0);
  CHECK(l["last_ready_cycle"].get<double>() == Approx(2080.0).margin(3));
  // The fabric waits for most of it: the first chunk's 284 cycles, then about 128 of every 256.
  CHECK(l["exposed_cycles"].get<std::uint64_t>() > 284 + 6 * 100);
  CHECK(l["compute_cycles"].get<std::uint64_t>() > 2080 - 284 - 10);
}

TEST_CASE("fabric stream: a half is refilled only after all of its wavelets entered the fabric", "[unit]") {
  // Halves of one 40-byte row: 48 + 40 chunks; ingress fast, so the streamer always waits for a half.
  const Mlp m = make_mlp({48, 40, 24}, 3, 0.5, 41);
  const nlohmann::json j = run_model(m, 512, 80);
  INFO(j.dump());
  const std::size_t n = j["issue"].size();
  REQUIRE(n == 48 + 40);
  CHECK(j["releases"] == n);
  int held_back = 0;
  for (std::size_t s = 2; s < n; ++s) {
    INFO("chunk " << s);
    CHECK(j["issue"][s].get<double>() >= j["release"][s - 2].get<double>());
    CHECK(j["release"][s].get<double>() >= j["ready"][s].get<double>());
    held_back += j["issue"][s].get<double>() == j["release"][s - 2].get<double>() &&
                 j["issue"][s].get<double>() > j["issue"][s - 1].get<double>();
  }
  CHECK(held_back > static_cast<int>(n) / 2);  // back-pressure really acted
}

TEST_CASE("fabric stream: bytes are counted per store tier, and a flash layer streams at the flash's pace", "[unit]") {
  // DRAM holds 2000 B: fc1 (48x40 = 1920 B) goes there, fc2 (40x24 = 960 B) to flash (8 B/cycle, 200 cycles).
  const Mlp m = make_mlp({48, 40, 24}, 3, 1.0, 51);
  // one chunk a layer
  const nlohmann::json j = run_model(m, 64, 4096, [](tb::FabricStreamOptions& o) { o.store.dram.capacity_bytes = 2000; });
  INFO(j.dump());
  const auto& fc1 = j["layers"][0];
  const auto& fc2 = j["layers"][1];
  CHECK(fc1["tier"] == "dram");
  CHECK(fc1["dram_bytes"] == 1920);
  CHECK(fc1["flash_bytes"] == 0);
  CHECK(fc2["tier"] == "flash");
  CHECK(fc2["flash_bytes"] == 960);
  CHECK(fc2["dram_bytes"] == 0);
  // fc2's chunk is issued at 0 (the other half is free): flash 960 / 8 + 200 = 320, behind
  // fc1's chunk on the link (free at 1920/64 + 20 + 1920/64 = 80), hop 4, 960 / 64 = 15: 339.
  CHECK(fc2["first_issue_cycle"] == 0.0);
  CHECK(fc2["last_ready_cycle"].get<double>() == Approx(339.0));
}

TEST_CASE("fabric stream: a chunk that takes longer than the watchdog to arrive is waited for, not a hang", "[unit]") {
  // One 32x64 layer (2048 B, one chunk) at 0.05 B/cycle: ready at 2048/64 + 20 + 4 + 40960 = 41016,
  // twice the 20000-cycle watchdog.
  const Mlp m = make_mlp({32, 64}, 2, 1.0, 61);
  const nlohmann::json j = run_model(m, 0.05, 4096);
  INFO(j.dump());
  CHECK(j["layers"][0]["last_ready_cycle"].get<double>() == Approx(41016.0));
  CHECK(j["layers"][0]["exposed_cycles"].get<std::uint64_t>() > 40000);
}

TEST_CASE("fabric stream: a compressed store moves its encoded bytes through every tier, hand-computed", "[unit]") {
  // 8 x 4 weights with 2 nonzeros in every group of 4 along K: 16 nonzeros, a 2:4 layer.
  Mlp m{sw::random_int8(2, 8, 3), {sw::MatrixI8(8, 4)}};
  for (int k = 0; k < 8; ++k) {
    for (int c = 0; c < 4; ++c) {
      if ((k + c) % 4 < 2) m.w[0].at(k, c) = static_cast<std::int8_t>(k * 4 + c + 1);
    }
  }
  // One chunk of all 8 rows each: dense 32 B; CSR 9 row pointers + 16 column indices + 16
  // values = 41 B; bitmap 4 + 16 = 20 B; 2:4 two groups x 2 x 4 values + 16 two-bit indices =
  // 16 + 4 = 20 B. The store reads, the ingress link carries and the edge buffer takes exactly those.
  for (const auto& [format, bytes] : std::vector<std::pair<sw::FormatSpec, int>>{
           {{sw::SparseFormat::kDense}, 32}, {{sw::SparseFormat::kCsr}, 41}, {{sw::SparseFormat::kBitmap}, 20},
           {{sw::SparseFormat::kNm, 2, 4}, 20}}) {
    INFO(format.text());
    const nlohmann::json j = in_child([&, format = format] {
      tb::FabricStreamOptions o = base_options(ref::Engine::kModel);
      o.store_format = format;
      o.weight_buffer_bytes = 4096;
      const tb::FabricStreamResult r = tb::run_fabric_stream(o, m.x, m.w);
      nlohmann::json s = summary(r);
      s["store_dram_bytes"] = r.store_dram_bytes;
      s["link_bytes"] = r.link_bytes;
      s["buffer_bytes"] = r.buffer_bytes;
      return s;
    });
    CHECK(j["golden"] == "pass");
    CHECK(j["hash"] == cpu_hash(m));
    CHECK(j["layers"][0]["chunks"] == 1);
    CHECK(j["layers"][0]["weight_bytes"] == bytes);
    CHECK(j["store_dram_bytes"] == bytes);
    CHECK(j["link_bytes"] == bytes);
    CHECK(j["buffer_bytes"] == bytes);
  }
  // A 24-byte buffer (halves of 12): CSR chunks of whole rows up to 12 B. The store order on a
  // 4x4 mesh puts B's rows as weight_stream_row_order says; each row holds 2 nonzeros, so a
  // chunk of r rows takes (r + 1) + 2r + 2r = 5r + 1 bytes: 2 rows (11 B) per chunk, 4 chunks of 11 B.
  const nlohmann::json j = in_child([&] {
    tb::FabricStreamOptions o = base_options(ref::Engine::kModel);
    o.store_format = {sw::SparseFormat::kCsr};
    o.weight_buffer_bytes = 24;
    const tb::FabricStreamResult r = tb::run_fabric_stream(o, m.x, m.w);
    nlohmann::json s = summary(r);
    s["buffer_bytes"] = r.buffer_bytes;
    return s;
  });
  CHECK(j["golden"] == "pass");
  CHECK(j["layers"][0]["chunks"] == 4);
  CHECK(j["buffer_bytes"] == 44);
}
