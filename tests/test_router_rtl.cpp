// SPDX-License-Identifier: Apache-2.0
// [cosim] The wafer-fabric router alone at pin level: every input and output driven by a
// self-checking bench with per-color credits and random back-pressure.
#include "wb/router_models.hpp"  // Verilated headers first
#include "wb/hw_config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sw/fabric_program.hpp"
#include "sw/rng.hpp"
#include "tb/verilated_model.hpp"

namespace {

constexpr int kPorts = wb::hw::kNumPorts;
enum Port { N = wb::hw::kPortN, E = wb::hw::kPortE, S = wb::hw::kPortS, W = wb::hw::kPortW, Ramp = wb::hw::kPortRamp };

struct Wavelet {
  unsigned color = 0, dst_x = 0, dst_y = 0;
  std::uint32_t data = 0;
};

std::uint64_t pack(const Wavelet& w) {
  return wb::sw::pack_wavelet(
      {static_cast<int>(w.color), static_cast<int>(w.dst_x), static_cast<int>(w.dst_y), w.data});
}
Wavelet unpack(std::uint64_t v) {
  const wb::sw::FabricWavelet w = wb::sw::unpack_wavelet(v);
  return Wavelet{static_cast<unsigned>(w.color), static_cast<unsigned>(w.dst_x), static_cast<unsigned>(w.dst_y), w.data};
}

struct Received {
  int port;
  Wavelet w;
  std::uint64_t cycle;
};

// Drives one Verilated router: senders on the five inputs honour per-color credits, sinks on
// the five outputs hold every wavelet for a random time before returning its credit.
template <class V>
class RouterBench {
 public:
  RouterBench(int colors, std::uint64_t seed) : m_colors(colors), m_rng(seed), m_top(std::make_unique<V>(&m_ctx, "top")) {
    for (auto& c : m_credits) c.assign(colors, wb::hw::kRouterDepth);
    for (auto& h : m_held) h.assign(colors, 0);
    for (auto& b : m_blocked) b.assign(colors, false);
    wb::tb::reset_model(*m_top);
  }
  ~RouterBench() { wb::tb::destroy_model(m_ctx, m_top); }

  void place(unsigned x, unsigned y) {
    m_top->x_i = x;
    m_top->y_i = y;
  }
  void route(unsigned color, unsigned rx, unsigned tx, bool addressed = false) {
    m_top->cfg_valid_i = 1;
    m_top->cfg_color_i = color;
    m_top->cfg_rx_i = rx;
    m_top->cfg_tx_i = tx;
    m_top->cfg_addressed_i = addressed;
    tick();
    m_top->cfg_valid_i = 0;
  }
  void send(int port, const Wavelet& w) { m_queue[port].push_back(w); }
  void block(int port, unsigned color, bool blocked) { m_blocked[port][color] = blocked; }

  double in_stall = 0.0, out_stall = 0.0;

  // Runs until every queued wavelet is sent and the router is quiet for `quiet` cycles.
  void run(std::uint64_t max_cycles, int quiet = 40) {
    int idle = 0;
    for (std::uint64_t i = 0; i < max_cycles && idle < quiet; ++i) {
      const bool moved = tick();
      bool pending = false;
      for (const auto& q : m_queue) pending |= !q.empty();
      idle = (moved || pending) ? 0 : idle + 1;
    }
  }

  const std::vector<Received>& received() const { return m_received; }
  std::uint64_t cycle() const { return m_cycle; }
  bool route_error() const { return m_top->route_error_o; }
  int credits(int port, unsigned color) const { return m_credits[port][color]; }

 private:
  bool tick() {
    bool moved = false;
    for (int p = 0; p < kPorts; ++p) {
      // Like a real upstream with a queue per color: the oldest wavelet of any color that holds
      // a credit goes (a blocked color does not hold up the others). A color the router was not
      // built with has no credits: it is sent anyway, to be dropped.
      bool valid = false;
      auto& q = m_queue[p];
      if (!m_rng.chance(in_stall)) {
        for (auto it = q.begin(); it != q.end(); ++it) {
          const bool built = it->color < static_cast<unsigned>(m_colors);
          if (built && m_credits[p][it->color] == 0) continue;
          valid = true;
          m_top->in_wavelet_i[p] = pack(*it);
          if (built) --m_credits[p][it->color];
          q.erase(it);
          break;
        }
      }
      m_top->in_valid_i[p] = valid;
      moved |= valid;
      std::uint32_t pulses = 0;
      for (int c = 0; c < m_colors; ++c) {
        if (m_held[p][c] > 0 && !m_blocked[p][c] && !m_rng.chance(out_stall)) {
          --m_held[p][c];
          pulses |= 1u << c;
        }
      }
      m_top->out_credit_i[p] = pulses;
    }
    m_top->clk_i = 0;
    m_top->eval();
    for (int p = 0; p < kPorts; ++p) {
      const std::uint32_t back = m_top->in_credit_o[p];
      for (int c = 0; c < m_colors; ++c) m_credits[p][c] += (back >> c) & 1;
      moved |= back != 0;
      if (m_top->out_valid_o[p]) {
        const Wavelet w = unpack(m_top->out_wavelet_o[p]);
        REQUIRE(w.color < static_cast<unsigned>(m_colors));
        ++m_held[p][w.color];
        REQUIRE(m_held[p][w.color] <= wb::hw::kRouterDepth);  // the router spent only credits it had
        m_received.push_back({p, w, m_cycle});
        moved = true;
      }
    }
    m_top->clk_i = 1;
    m_top->eval();
    ++m_cycle;
    return moved;
  }

  VerilatedContext m_ctx;
  int m_colors;
  wb::sw::SplitMix64 m_rng;
  std::unique_ptr<V> m_top;
  std::array<std::deque<Wavelet>, kPorts> m_queue;
  std::array<std::vector<int>, kPorts> m_credits, m_held;
  std::array<std::vector<bool>, kPorts> m_blocked;
  std::vector<Received> m_received;
  std::uint64_t m_cycle = 0;
};

std::uint32_t tag(int src, unsigned seq) { return (static_cast<std::uint32_t>(src) << 24) | seq; }

// Each (source, color) stream must arrive complete, once, and in order at every output it is
// routed to, and nowhere else.
void check_delivery(const std::vector<Received>& got, const std::map<std::pair<int, unsigned>, std::vector<std::uint32_t>>& sent,
                    const std::function<unsigned(int src, const Wavelet&)>& outputs_of,
                    const std::map<std::uint32_t, Wavelet>& by_tag) {
  std::map<std::tuple<int, int, unsigned>, std::vector<std::uint32_t>> arrived;  // (out, src, color)
  for (const Received& r : got) arrived[{r.port, static_cast<int>(r.w.data >> 24), r.w.color}].push_back(r.w.data);
  std::size_t expected_total = 0;
  for (const auto& [key, tags] : sent) {
    const auto [src, color] = key;
    for (int out = 0; out < kPorts; ++out) {
      std::vector<std::uint32_t> want;
      for (std::uint32_t t : tags) {
        if (outputs_of(src, by_tag.at(t)) & (1u << out)) want.push_back(t);
      }
      expected_total += want.size();
      INFO("source " << src << " color " << color << " -> output " << out);
      const auto it = arrived.find({out, src, color});
      CHECK((it == arrived.end() ? std::vector<std::uint32_t>{} : it->second) == want);
    }
  }
  CHECK(got.size() == expected_total);
}

template <class V>
void routed_multicast(int colors, std::uint64_t seed, double in_stall, double out_stall) {
  RouterBench<V> bench(colors, seed);
  bench.in_stall = in_stall;
  bench.out_stall = out_stall;
  wb::sw::SplitMix64 rng(seed * 31 + 7);
  std::vector<unsigned> rx(colors), tx(colors);
  for (int c = 0; c < colors; ++c) {
    rx[c] = static_cast<unsigned>(rng.uniform(1, 31));
    tx[c] = static_cast<unsigned>(rng.uniform(1, 31));
    bench.route(c, rx[c], tx[c]);
  }
  std::map<std::pair<int, unsigned>, std::vector<std::uint32_t>> sent;
  std::map<std::uint32_t, Wavelet> by_tag;
  for (int p = 0; p < kPorts; ++p) {
    for (unsigned seq = 0; seq < 300; ++seq) {
      const unsigned c = static_cast<unsigned>(rng.uniform(0, colors - 1));
      if (!(rx[c] & (1u << p))) continue;
      const Wavelet w{c, 0, 0, tag(p, seq)};
      bench.send(p, w);
      sent[{p, c}].push_back(w.data);
      by_tag[w.data] = w;
    }
  }
  bench.run(200000);
  CHECK_FALSE(bench.route_error());
  check_delivery(bench.received(), sent, [&](int, const Wavelet& w) { return tx[w.color]; }, by_tag);
  // Every credit came home.
  for (int p = 0; p < kPorts; ++p) {
    for (int c = 0; c < colors; ++c) CHECK(bench.credits(p, c) == wb::hw::kRouterDepth);
  }
}

}  // namespace

TEST_CASE("router: routed colors with multicast, random back-pressure on every port", "[cosim]") {
  routed_multicast<Vsa_router_c4>(4, 1, 0.0, 0.0);
  routed_multicast<Vsa_router_c4>(4, 2, 0.3, 0.5);
  routed_multicast<Vsa_router_c4>(4, 3, 0.7, 0.2);
  routed_multicast<Vsa_router_c24>(24, 4, 0.2, 0.4);
}

TEST_CASE("router: addressed colors route by dimension order (X, then Y)", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 9);
  bench.out_stall = 0.3;
  const unsigned x = 3, y = 2;
  bench.place(x, y);
  bench.route(1, 0, 0, true);
  std::map<std::pair<int, unsigned>, std::vector<std::uint32_t>> sent;
  std::map<std::uint32_t, Wavelet> by_tag;
  wb::sw::SplitMix64 rng(5);
  for (int p = 0; p < kPorts; ++p) {
    for (unsigned seq = 0; seq < 200; ++seq) {
      const Wavelet w{1, static_cast<unsigned>(rng.uniform(0, 7)), static_cast<unsigned>(rng.uniform(0, 7)), tag(p, seq)};
      bench.send(p, w);
      sent[{p, 1}].push_back(w.data);
      by_tag[w.data] = w;
    }
  }
  bench.run(100000);
  const auto xy = [&](int, const Wavelet& w) -> unsigned {
    if (w.dst_x > x) return 1u << E;
    if (w.dst_x < x) return 1u << W;
    if (w.dst_y > y) return 1u << S;
    if (w.dst_y < y) return 1u << N;
    return 1u << Ramp;
  };
  check_delivery(bench.received(), sent, xy, by_tag);
  CHECK_FALSE(bench.route_error());
}

TEST_CASE("router: a color whose sink never drains does not block another color", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 3);
  bench.route(0, 1u << W, 1u << E);
  bench.route(1, 1u << W, 1u << E);
  bench.block(E, 0, true);
  for (unsigned seq = 0; seq < 100; ++seq) {
    bench.send(W, Wavelet{0, 0, 0, tag(W, seq)});
    bench.send(W, Wavelet{1, 0, 0, tag(W, 1000 + seq)});
  }
  bench.run(5000);
  int color0 = 0, color1 = 0;
  for (const auto& r : bench.received()) (r.w.color == 0 ? color0 : color1)++;
  CHECK(color1 == 100);                        // color 1 flows through
  CHECK(color0 == wb::hw::kRouterDepth);       // color 0 stops at the sink's credits
  CHECK(bench.credits(W, 0) == 0);             // ... with the router's own buffer full
}

TEST_CASE("router: a wavelet with no route is dropped, its credit returned, route_error set", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 4);
  bench.route(2, 1u << N, 1u << S);
  bench.send(E, Wavelet{2, 0, 0, 1});  // E is not in color 2's rx set
  bench.run(100);
  CHECK(bench.received().empty());
  CHECK(bench.route_error());
  CHECK(bench.credits(E, 2) == wb::hw::kRouterDepth);
  RouterBench<Vsa_router_c4> unbuilt(4, 5);
  unbuilt.send(N, Wavelet{9, 0, 0, 1});  // color 9 does not exist in a 4-color router
  unbuilt.run(100);
  CHECK(unbuilt.received().empty());
  CHECK(unbuilt.route_error());
}

TEST_CASE("router: one cycle per hop at zero load", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 6);
  bench.route(3, 1u << W, (1u << E) | (1u << Ramp));  // multicast east and to the PE
  const std::uint64_t sent_at = bench.cycle();
  bench.send(W, Wavelet{3, 0, 0, 42});
  bench.run(50);
  REQUIRE(bench.received().size() == 2);
  for (const auto& r : bench.received()) CHECK(r.cycle == sent_at + 1);
}

// Round-robin fairness, pinned grant by grant: each output takes, from the input after the one
// it served last, the next that wants it, so inputs contending for one output take turns.
// Sources send one wavelet per cycle from cycle 0, the sink returns every credit at once (a
// credit comes back 3 cycles after its grant, under Depth = 4: the output never waits), and
// the first wavelet arrives into an empty buffer (bypass), so output E carries one wavelet per
// cycle from the cycle after the first is sent.
namespace {

const char* port_name(int p) { return p == N ? "N" : p == E ? "E" : p == S ? "S" : p == W ? "W" : "ramp"; }

// "N@1 W@2 ...": the source of each wavelet leaving `port`, in order, and its cycle (tags from tag()).
std::string grants(const std::vector<Received>& got, int port) {
  std::string out;
  for (const auto& r : got) {
    if (r.port != port) continue;
    out += (out.empty() ? "" : " ") + std::string(port_name(static_cast<int>(r.w.data >> 24))) + "@" +
           std::to_string(r.cycle);
  }
  return out;
}
std::string grant(std::string& list, int src, std::uint64_t cycle) {
  list += (list.empty() ? "" : " ") + std::string(port_name(src)) + "@" + std::to_string(cycle);
  return list;
}

}  // namespace

TEST_CASE("router: two inputs on one color take turns at one output, pinned grant by grant", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 7);
  bench.route(0, (1u << N) | (1u << W), 1u << E);
  const unsigned count = 12;
  const std::uint64_t t0 = bench.cycle();  // the first wavelets go in at t0
  for (unsigned seq = 0; seq < count; ++seq) {
    bench.send(N, Wavelet{0, 0, 0, tag(N, seq)});
    bench.send(W, Wavelet{0, 0, 0, tag(W, seq)});
  }
  bench.run(500);
  // Cycle 0 both heads want E and the pointer is at N (the lowest); after N it points past N,
  // so W; after W (port 3) only the ramp is at or after it, which does not ask: back to N.
  std::string want;
  for (unsigned i = 0; i < 2 * count; ++i) grant(want, i % 2 == 0 ? N : W, t0 + 1 + i);
  CHECK(grants(bench.received(), E) == want);
  // Each stream still in order.
  std::vector<std::uint32_t> from_n, from_w;
  for (const auto& r : bench.received()) (r.w.data >> 24 == N ? from_n : from_w).push_back(r.w.data & 0xFFFFFF);
  CHECK(from_n == from_w);
  CHECK(from_n.size() == count);
  CHECK(std::is_sorted(from_n.begin(), from_n.end()));
}

TEST_CASE("router: four inputs on four colors share one output in port order, one turn each", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 8);
  const int sources[4] = {N, S, W, Ramp};
  for (unsigned c = 0; c < 4; ++c) bench.route(c, 1u << sources[c], 1u << E);
  const unsigned count = 6;
  const std::uint64_t t0 = bench.cycle();
  for (unsigned seq = 0; seq < count; ++seq) {
    for (unsigned c = 0; c < 4; ++c) bench.send(sources[c], Wavelet{c, 0, 0, tag(sources[c], seq)});
  }
  bench.run(500);
  // N, S, W, ramp, N, ...: no input waits more than 3 cycles (the other three turns) for E.
  std::string want;
  for (unsigned i = 0; i < 4 * count; ++i) grant(want, sources[i % 4], t0 + 1 + i);
  CHECK(grants(bench.received(), E) == want);
}

TEST_CASE("router: two colors of one input take turns at one output", "[cosim]") {
  RouterBench<Vsa_router_c4> bench(4, 9);
  bench.route(1, 1u << W, 1u << E);
  bench.route(2, 1u << W, 1u << E);
  // Four of each color spend E's credits (the sink holds them back); four more of each then wait
  // in W's buffers, both colors' heads wanting E, until the credits return (both colors at once).
  for (unsigned c = 1; c <= 2; ++c) bench.block(E, c, true);
  for (unsigned seq = 0; seq < 8; ++seq) {
    bench.send(W, Wavelet{1, 0, 0, tag(W, 100 + seq)});
    bench.send(W, Wavelet{2, 0, 0, tag(W, 200 + seq)});
  }
  bench.run(60, 1000);
  REQUIRE(bench.received().size() == 8);
  for (unsigned c = 1; c <= 2; ++c) bench.block(E, c, false);
  bench.run(500);
  std::vector<unsigned> colors;
  std::vector<std::uint64_t> cycles;
  for (const auto& r : bench.received()) {
    colors.push_back(r.w.color);
    cycles.push_back(r.cycle);
  }
  // The waiting eight alternate too, one per cycle: the last color served before the wait was 2,
  // so the pointer wraps to 1.
  CHECK(colors == std::vector<unsigned>{1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2});
  REQUIRE(cycles.size() == 16);
  for (std::size_t i = 9; i < 16; ++i) CHECK(cycles[i] == cycles[8] + (i - 8));
}
