// SPDX-License-Identifier: Apache-2.0
// [cosim] The mesh at pin level: row and column multicast from the edges, and wavelets routed
// off the mesh through an edge port, with credits honoured on every ramp and edge.
#include "wb/fabric_models.hpp"  // Verilated headers first
#include "wb/hw_config.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <vector>

#include "sw/fabric_program.hpp"
#include "tb/verilated_model.hpp"

namespace {

enum Port { N = wb::hw::kPortN, E = wb::hw::kPortE, S = wb::hw::kPortS, W = wb::hw::kPortW, Ramp = wb::hw::kPortRamp };
constexpr int kColors = 4;

using Fabric = Vsa_fabric_k4_c4;
constexpr int K = 4;
constexpr int kEdges = 4 * K;

std::uint64_t wavelet(unsigned color, std::uint32_t data) {
  return wb::sw::pack_wavelet({static_cast<int>(color), 0, 0, data});
}

// One credit-based endpoint (a ramp or an edge slot): what it sends, what it received.
struct Endpoint {
  std::deque<std::uint64_t> to_send;
  int credits[kColors] = {};
  int held[kColors] = {};
  std::vector<std::uint32_t> received;
  Endpoint() {
    for (int& c : credits) c = wb::hw::kRouterDepth;
  }
};

class FabricBench {
 public:
  FabricBench() : m_top(std::make_unique<Fabric>(&m_ctx, "top")), m_ramps(K * K), m_edges(kEdges) {
    wb::tb::reset_model(*m_top);
  }
  ~FabricBench() { wb::tb::destroy_model(m_ctx, m_top); }

  void route(int x, int y, unsigned color, unsigned rx, unsigned tx) {
    m_top->cfg_valid_i = 1;
    m_top->cfg_x_i = x;
    m_top->cfg_y_i = y;
    m_top->cfg_color_i = color;
    m_top->cfg_addressed_i = 0;
    m_top->cfg_rx_i = rx;
    m_top->cfg_tx_i = tx;
    m_top->clk_i = 1;
    m_top->eval();
    m_top->clk_i = 0;
    m_top->eval();
    m_top->cfg_valid_i = 0;
  }
  Endpoint& ramp(int x, int y) { return m_ramps[y * K + x]; }
  Endpoint& edge(int slot) { return m_edges[slot]; }
  bool route_error() const { return m_top->route_error_o; }

  void run(int cycles) {
    for (int i = 0; i < cycles; ++i) {
      for (int t = 0; t < K * K; ++t) drive(m_ramps[t], m_top->inj_valid_i[t], m_top->inj_wavelet_i[t], m_top->ej_credit_i[t]);
      for (int e = 0; e < kEdges; ++e) {
        drive(m_edges[e], m_top->edge_in_valid_i[e], m_top->edge_in_wavelet_i[e], m_top->edge_out_credit_i[e]);
      }
      m_top->clk_i = 0;
      m_top->eval();
      for (int t = 0; t < K * K; ++t) {
        sample(m_ramps[t], m_top->inj_credit_o[t], m_top->ej_valid_o[t], m_top->ej_wavelet_o[t]);
      }
      for (int e = 0; e < kEdges; ++e) {
        sample(m_edges[e], m_top->edge_in_credit_o[e], m_top->edge_out_valid_o[e], m_top->edge_out_wavelet_o[e]);
      }
      m_top->clk_i = 1;
      m_top->eval();
    }
  }

 private:
  template <class Valid, class Data, class Credit>
  static void drive(Endpoint& ep, Valid& valid, Data& data, Credit& credit_back) {
    valid = 0;
    if (!ep.to_send.empty()) {
      const auto color = static_cast<unsigned>(wb::sw::unpack_wavelet(ep.to_send.front()).color);
      if (ep.credits[color] > 0) {
        --ep.credits[color];
        data = ep.to_send.front();
        valid = 1;
        ep.to_send.pop_front();
      }
    }
    unsigned pulses = 0;  // consume at once
    for (int c = 0; c < kColors; ++c) {
      if (ep.held[c] > 0) {
        --ep.held[c];
        pulses |= 1u << c;
      }
    }
    credit_back = pulses;
  }
  template <class Credit, class Valid, class Data>
  static void sample(Endpoint& ep, const Credit& credit, const Valid& valid, const Data& data) {
    for (int c = 0; c < kColors; ++c) ep.credits[c] += (credit >> c) & 1;
    if (valid) {
      const auto color = static_cast<unsigned>(wb::sw::unpack_wavelet(data).color);
      REQUIRE(color < kColors);
      REQUIRE(++ep.held[color] <= wb::hw::kRouterDepth);
      ep.received.push_back(static_cast<std::uint32_t>(data));
    }
  }

  VerilatedContext m_ctx;
  std::unique_ptr<Fabric> m_top;
  std::vector<Endpoint> m_ramps, m_edges;
};

std::vector<std::uint32_t> sequence(std::uint32_t first, int n) {
  std::vector<std::uint32_t> v;
  for (int i = 0; i < n; ++i) v.push_back(first + static_cast<std::uint32_t>(i));
  return v;
}

}  // namespace

TEST_CASE("fabric: a row broadcast from the west edge reaches every PE of the row in order", "[cosim]") {
  FabricBench bench;
  const int y = 2;
  for (int x = 0; x < K; ++x) bench.route(x, y, 0, 1u << W, (1u << Ramp) | (x + 1 < K ? 1u << E : 0u));
  for (std::uint32_t i = 0; i < 50; ++i) bench.edge(2 * K + K + y).to_send.push_back(wavelet(0, 100 + i));  // west slot of row y
  bench.run(400);
  for (int x = 0; x < K; ++x) {
    INFO("tile x=" << x);
    CHECK(bench.ramp(x, y).received == sequence(100, 50));
  }
  for (int x = 0; x < K; ++x) CHECK(bench.ramp(x, y + 1).received.empty());
  CHECK_FALSE(bench.route_error());
}

TEST_CASE("fabric: a column broadcast from the north edge, a second color at the same time", "[cosim]") {
  FabricBench bench;
  const int x = 1;
  for (int y = 0; y < K; ++y) {
    bench.route(x, y, 1, 1u << N, (1u << Ramp) | (y + 1 < K ? 1u << S : 0u));
    bench.route(x, y, 2, 1u << N, (1u << Ramp) | (y + 1 < K ? 1u << S : 0u));
  }
  for (std::uint32_t i = 0; i < 40; ++i) {
    bench.edge(x).to_send.push_back(wavelet(1, 1000 + i));  // north slot of column x
    bench.edge(x).to_send.push_back(wavelet(2, 5000 + i));
  }
  bench.run(400);
  for (int y = 0; y < K; ++y) {
    std::vector<std::uint32_t> c1, c2;
    for (std::uint32_t v : bench.ramp(x, y).received) (v >= 5000 ? c2 : c1).push_back(v);
    INFO("tile y=" << y);
    CHECK(c1 == sequence(1000, 40));
    CHECK(c2 == sequence(5000, 40));
  }
}

TEST_CASE("fabric: wavelets leave the mesh through an edge port", "[cosim]") {
  FabricBench bench;
  const int y = 3;
  // From the PE of (0, y) east along the row and out of the east edge.
  bench.route(0, y, 3, 1u << Ramp, 1u << E);
  for (int x = 1; x < K; ++x) bench.route(x, y, 3, 1u << W, 1u << E);
  for (std::uint32_t i = 0; i < 30; ++i) bench.ramp(0, y).to_send.push_back(wavelet(3, 7 + i));
  bench.run(300);
  CHECK(bench.edge(K + y).received == sequence(7, 30));  // east slot of row y
  CHECK_FALSE(bench.route_error());
}
