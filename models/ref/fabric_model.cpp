// SPDX-License-Identifier: Apache-2.0
#include "models/ref/fabric_model.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sw/error.hpp"
#include "models/ref/fabric_drive.hpp"
#include "wb/hw_config.hpp"

namespace wb::ref {

namespace {

constexpr int kColors = hw::kWaferColors;  // NumColors of the fabric build
constexpr int kDepth = hw::kRouterDepth;   // per-color buffer depth = initial credits
constexpr int kSramWords = hw::kPeSramWords;
constexpr int kNumAcc = hw::kPeAccumulators;
constexpr int kPorts = hw::kNumPorts;
constexpr int kDirs = hw::kNumDirs;  // ports 0 .. kDirs-1; the ramp is the last
constexpr int kRamp = hw::kPortRamp;
static_assert(kRamp == kDirs && kPorts == kDirs + 1, "the mesh directions come first, then the ramp");
static_assert(kColors >= 1 && kColors <= 32 && hw::kColorCodes <= 32, "color vectors are 32-bit words");
constexpr std::uint32_t kColorMask = kColors == 32 ? ~0u : (1u << kColors) - 1;
constexpr int clog2(int n) {
  int b = 0;
  while ((1 << b) < n) ++b;
  return b;
}
// The router indexes its tables with the color's low CIdxWidth bits.
constexpr std::uint32_t kColorIndexMask = (1u << (kColors > 1 ? clog2(kColors) : 1)) - 1;
constexpr std::uint32_t kPortMask = (1u << kPorts) - 1;

inline std::uint32_t color_bit(std::uint32_t color) { return color < 32 ? (1u << color) & kColorMask : 0; }
inline int lowest(std::uint32_t onehot) { return __builtin_ctz(onehot); }
// SA_ROUTER_PICK: the lowest requester at or after the pointer, else the lowest requester.
inline std::uint32_t pick(std::uint32_t req, std::uint32_t from) {
  const std::uint32_t m = req & from;
  return m ? m & (~m + 1) : req & (~req + 1);
}
// SA_ROUTER_AFTER: the positions after a one-hot pick.
inline std::uint32_t after(std::uint32_t onehot) { return ~(onehot | (onehot - 1)); }
inline int next_ptr(int ptr) { return ptr + 1 == kDepth ? 0 : ptr + 1; }

// sa_router's registers.
struct Router {
  std::uint8_t rx[hw::kColorCodes] = {}, tx[hw::kColorCodes] = {};
  std::uint32_t addressed = 0;
  struct Input {
    std::uint32_t stored = 0;
    std::uint8_t rd[kColors] = {}, wr[kColors] = {};
    std::uint32_t need[kPorts] = {};
    std::uint8_t route[kColors * kDepth] = {};
    std::uint64_t wavelet[kColors * kDepth] = {};
  } in[kPorts];
  struct Output {
    std::uint8_t credit[kColors];
    std::uint32_t has_credit = kColorMask;  // colors with credit > 0
    std::uint32_t port_rr = kPortMask, color_rr = kColorMask;
  } out[kPorts];
  bool route_error = false;
  std::uint64_t link_flits = 0;
  Router() {
    for (auto& o : out) std::fill(std::begin(o.credit), std::end(o.credit), static_cast<std::uint8_t>(kDepth));
  }
};

// sa_fifo.
struct Fifo {
  std::uint32_t mem[kDepth] = {};
  int rd = 0, wr = 0, count = 0;
};

// sa_wafer_pe's registers.
struct Pe {
  enum State { kIdle, kLoop, kReduce };
  bool mode = false, chain_head = true;
  std::uint32_t lane = 0;
  std::uint32_t mac_color = 0, psum_color = 0, out_color = 0;
  std::uint16_t rows = 0, batch = 1;
  std::vector<std::uint32_t> sram;
  std::uint32_t rdata = 0, cdata = 0;  // issue and fetch read ports
  Fifo mac, psum;
  bool f_valid = false, f_end = false;  // mode 0 fetch register
  std::uint16_t f_value = 0;
  State state = kIdle;
  std::uint16_t ptr = 0, left = 0, acc_next = 0, value = 0, k = 0;
  bool s1_valid = false;
  std::uint16_t s1_acc = 0;
  int out_credits = kDepth;
  std::vector<std::uint32_t> acc;
  std::vector<std::uint8_t> live;
  std::uint64_t macs = 0, sram_reads = 0, sram_writes = 0, psum_adds = 0;  // activity counters
  bool error = false;
  Pe() : sram(static_cast<std::size_t>(kSramWords), 0), acc(kNumAcc, 0), live(kNumAcc, 0) {}
  bool idle() const { return state == kIdle && !f_valid && mac.count == 0 && psum.count == 0 && !s1_valid; }
};

// What crosses tiles: registered outputs, read by the neighbours in the next cycle.
struct Links {
  std::vector<std::uint8_t> valid;     // [t*5+o] router output valid_q
  std::vector<std::uint64_t> wavelet;  // [t*5+o] router output wavelet_q
  std::vector<std::uint32_t> pulse;    // [t*5+p] router input credit pulse_q
  std::vector<std::uint8_t> pe_valid;  // [t] PE out_valid_o
  std::vector<std::uint64_t> pe_wavelet;
  std::vector<std::uint32_t> pe_credit;  // [t] PE in_credit_o
  void resize(int tiles) {
    const auto n = static_cast<std::size_t>(tiles);
    valid.assign(n * kPorts, 0);
    wavelet.assign(n * kPorts, 0);
    pulse.assign(n * kPorts, 0);
    pe_valid.assign(n, 0);
    pe_wavelet.assign(n, 0);
    pe_credit.assign(n, 0);
  }
};

}  // namespace

class ModelWaferDut::Fabric {
 public:
  explicit Fabric(int k) : m_k(k), m_tiles(k * k), m_routers(static_cast<std::size_t>(k * k)),
                           m_pes(static_cast<std::size_t>(k * k)) {
    m_links[0].resize(m_tiles);
    m_links[1].resize(m_tiles);
    const int edges = 4 * k;
    m_edge_in_valid.assign(static_cast<std::size_t>(edges), 0);
    m_edge_in_wavelet.assign(static_cast<std::size_t>(edges), 0);
    m_edge_valid_q.assign(static_cast<std::size_t>(edges), 0);
    m_edge_wavelet_q.assign(static_cast<std::size_t>(edges), 0);
    m_edge_out_credit.assign(static_cast<std::size_t>(edges), 0);
    m_pe_cfg.assign(static_cast<std::size_t>(m_tiles), PeCfg{});
    // Per tile and direction: the neighbour's tile, or -1 and the edge slot.
    m_nb.assign(static_cast<std::size_t>(m_tiles) * kDirs, -1);
    m_slot.assign(static_cast<std::size_t>(m_tiles) * kDirs, -1);
    for (int y = 0; y < k; ++y) {
      for (int x = 0; x < k; ++x) {
        const std::size_t b = static_cast<std::size_t>(y * k + x) * kDirs;
        if (y > 0) m_nb[b + hw::kPortN] = (y - 1) * k + x; else m_slot[b + hw::kPortN] = x;
        if (x < k - 1) m_nb[b + hw::kPortE] = y * k + x + 1; else m_slot[b + hw::kPortE] = k + y;
        if (y < k - 1) m_nb[b + hw::kPortS] = (y + 1) * k + x; else m_slot[b + hw::kPortS] = 2 * k + x;
        if (x > 0) m_nb[b + hw::kPortW] = y * k + x - 1; else m_slot[b + hw::kPortW] = 3 * k + y;
      }
    }
  }

  // ---- the pins run_wafer_program drives (see models/ref/fabric_drive.hpp)
  std::uint64_t cycle() const { return m_cycle; }
  void cfg_route(bool valid, const sw::RouteSetting& r) {
    m_route_cfg_valid = valid;
    m_route_cfg = r;
  }
  void cfg_pe(int t, bool valid, bool sram, std::uint16_t addr, std::uint32_t data) {
    m_pe_cfg[static_cast<std::size_t>(t)] = PeCfg{valid, sram, addr, data};
    m_pe_cfg_any |= valid;
  }
  void edge_in(int slot, bool valid, std::uint64_t wavelet) {
    m_edge_in_valid[static_cast<std::size_t>(slot)] = valid;
    if (valid) m_edge_in_wavelet[static_cast<std::size_t>(slot)] = wavelet;
  }
  void edge_out_credit(int slot, std::uint32_t pulses) { m_edge_out_credit[static_cast<std::size_t>(slot)] = pulses; }
  template <class Sample>
  void clock(Sample&& sample) {
    sample();
    step();
  }
  std::uint32_t edge_in_credit(int slot) const {
    const int t = edge_tile(slot), d = edge_dir(slot);
    return cur().pulse[static_cast<std::size_t>(t * kPorts + d)];
  }
  bool edge_out_valid(int slot) const {
    const int t = edge_tile(slot), d = edge_dir(slot);
    return cur().valid[static_cast<std::size_t>(t * kPorts + d)] != 0;
  }
  std::uint64_t edge_out_wavelet(int slot) const {
    const int t = edge_tile(slot), d = edge_dir(slot);
    return cur().wavelet[static_cast<std::size_t>(t * kPorts + d)];
  }
  // The counters wrap at hw::kCounterWidth bits, as the RTL's.
  std::uint64_t macs(int t) const { return m_pes[static_cast<std::size_t>(t)].macs & hw::kCounterMask; }
  std::uint64_t link_flits(int t) const { return m_routers[static_cast<std::size_t>(t)].link_flits & hw::kCounterMask; }
  std::uint64_t sram_reads(int t) const { return m_pes[static_cast<std::size_t>(t)].sram_reads & hw::kCounterMask; }
  std::uint64_t sram_writes(int t) const { return m_pes[static_cast<std::size_t>(t)].sram_writes & hw::kCounterMask; }
  std::uint64_t psum_adds(int t) const { return m_pes[static_cast<std::size_t>(t)].psum_adds & hw::kCounterMask; }
  bool pe_idle(int t) const { return m_pes[static_cast<std::size_t>(t)].idle(); }
  bool route_error() const {
    return std::any_of(m_routers.begin(), m_routers.end(), [](const Router& r) { return r.route_error; });
  }
  bool pe_error() const {
    return std::any_of(m_pes.begin(), m_pes.end(), [](const Pe& p) { return p.error; });
  }
  bool stored(int t, int bit) const {
    return (m_routers[static_cast<std::size_t>(t)].in[bit / kColors].stored >> (bit % kColors)) & 1;
  }
  bool no_credit(int t, int bit) const {
    return !((m_routers[static_cast<std::size_t>(t)].out[bit / kColors].has_credit >> (bit % kColors)) & 1);
  }

 private:
  struct PeCfg {
    bool valid = false, sram = false;
    std::uint16_t addr = 0;
    std::uint32_t data = 0;
  };

  const Links& cur() const { return m_links[m_cur]; }
  // Slot order of sa_fabric: north by x, east by y, south by x, west by y.
  int edge_tile(int slot) const {
    const int side = slot / m_k, i = slot % m_k;
    switch (side) {
      case 0: return i;
      case 1: return i * m_k + m_k - 1;
      case 2: return (m_k - 1) * m_k + i;
      default: return i * m_k;
    }
  }
  int edge_dir(int slot) const { return slot / m_k; }  // the sides in port order N, E, S, W

  void step() {
    const Links& c = m_links[m_cur];
    Links& n = m_links[1 - m_cur];
    for (int t = 0; t < m_tiles; ++t) step_tile(t, c, n);
    // Configuration, at the clock edge.
    if (m_route_cfg_valid && m_route_cfg.color >= 0 && m_route_cfg.color < kColors && m_route_cfg.x >= 0 &&
        m_route_cfg.x < m_k && m_route_cfg.y >= 0 && m_route_cfg.y < m_k) {
      Router& r = m_routers[static_cast<std::size_t>(m_route_cfg.y * m_k + m_route_cfg.x)];
      const int col = m_route_cfg.color;
      r.rx[col] = static_cast<std::uint8_t>(m_route_cfg.rx & kPortMask);
      r.tx[col] = static_cast<std::uint8_t>(m_route_cfg.tx & kPortMask);
      r.addressed = (r.addressed & ~(1u << col)) | (m_route_cfg.addressed ? 1u << col : 0u);
    }
    if (m_pe_cfg_any) {
      m_pe_cfg_any = false;
      for (int t = 0; t < m_tiles; ++t) {
        const PeCfg& cfg = m_pe_cfg[static_cast<std::size_t>(t)];
        if (!cfg.valid) continue;
        m_pe_cfg_any = true;
        Pe& pe = m_pes[static_cast<std::size_t>(t)];
        if (cfg.sram) {
          if (cfg.addr < kSramWords) {
            pe.sram[cfg.addr] = cfg.data;
            ++pe.sram_writes;
          }
        } else if (cfg.addr == hw::kPeRegMode) {
          pe.mode = hw::kPeMode.get(cfg.data) != 0;
          pe.lane = static_cast<std::uint32_t>(hw::kPeMacLane.get(cfg.data));
        } else if (cfg.addr == hw::kPeRegColors) {
          pe.mac_color = static_cast<std::uint32_t>(hw::kPeMacColor.get(cfg.data));
          pe.psum_color = static_cast<std::uint32_t>(hw::kPePsumColor.get(cfg.data));
          pe.out_color = static_cast<std::uint32_t>(hw::kPeOutColor.get(cfg.data));
          pe.chain_head = hw::kPeChainHead.get(cfg.data) != 0;
        } else if (cfg.addr == hw::kPeRegShape) {
          pe.rows = static_cast<std::uint16_t>(hw::kPeRows.get(cfg.data));
          pe.batch = static_cast<std::uint16_t>(hw::kPeBatch.get(cfg.data));
        }
      }
    }
    // Edge inputs are registered once.
    m_edge_valid_q = m_edge_in_valid;
    m_edge_wavelet_q = m_edge_in_wavelet;
    m_cur = 1 - m_cur;
    ++m_cycle;
  }

  void step_tile(int t, const Links& c, Links& n) {
    const std::size_t base = static_cast<std::size_t>(t) * kPorts;
    Router& r = m_routers[static_cast<std::size_t>(t)];
    Pe& pe = m_pes[static_cast<std::size_t>(t)];
    // The router's input links and the credits coming back to its outputs.
    bool in_valid[kPorts];
    std::uint64_t in_wavelet[kPorts];
    std::uint32_t out_credit[kPorts];
    bool any = false;
    for (int d = 0; d < kDirs; ++d) {
      const int nb = m_nb[static_cast<std::size_t>(t) * kDirs + static_cast<std::size_t>(d)];
      if (nb >= 0) {
        const std::size_t f = static_cast<std::size_t>(nb) * kPorts + static_cast<std::size_t>(hw::facing_port(d));
        in_valid[d] = c.valid[f] != 0;
        in_wavelet[d] = c.wavelet[f];
        out_credit[d] = c.pulse[f];
      } else {
        const std::size_t s = static_cast<std::size_t>(m_slot[static_cast<std::size_t>(t) * kDirs + static_cast<std::size_t>(d)]);
        in_valid[d] = m_edge_valid_q[s] != 0;
        in_wavelet[d] = m_edge_wavelet_q[s];
        out_credit[d] = m_edge_out_credit[s];
      }
      any |= in_valid[d] || out_credit[d] != 0 || r.in[d].stored != 0 || c.valid[base + static_cast<std::size_t>(d)] ||
             c.pulse[base + static_cast<std::size_t>(d)] != 0;
    }
    in_valid[kRamp] = c.pe_valid[static_cast<std::size_t>(t)] != 0;
    in_wavelet[kRamp] = c.pe_wavelet[static_cast<std::size_t>(t)];
    out_credit[kRamp] = c.pe_credit[static_cast<std::size_t>(t)];
    any |= in_valid[kRamp] || out_credit[kRamp] != 0 || r.in[kRamp].stored != 0 || c.valid[base + kRamp] ||
           c.pulse[base + kRamp] != 0;
    if (any) {
      for (int d = 0; d < kDirs; ++d) r.link_flits += c.valid[base + static_cast<std::size_t>(d)];
      step_router(t, r, in_valid, in_wavelet, out_credit, c, n);
    } else {  // nothing moves in the router: its registered outputs go (or stay) low
      for (int o = 0; o < kPorts; ++o) {
        n.valid[base + static_cast<std::size_t>(o)] = 0;
        n.wavelet[base + static_cast<std::size_t>(o)] = c.wavelet[base + static_cast<std::size_t>(o)];
        n.pulse[base + static_cast<std::size_t>(o)] = 0;
      }
    }
    if (c.valid[base + kRamp] || c.pulse[base + kRamp] != 0 || !pe.idle() || pe.state != Pe::kIdle) {
      step_pe(t, pe, c.valid[base + kRamp] != 0, c.wavelet[base + kRamp], c.pulse[base + kRamp], c, n);
    } else {  // an idle PE with nothing arriving: likewise
      n.pe_valid[static_cast<std::size_t>(t)] = 0;
      n.pe_wavelet[static_cast<std::size_t>(t)] = c.pe_wavelet[static_cast<std::size_t>(t)];
      n.pe_credit[static_cast<std::size_t>(t)] = 0;
    }
  }

  void step_router(int t, Router& r, const bool* in_valid, const std::uint64_t* in_wavelet,
                   const std::uint32_t* out_credit, const Links& c, Links& n) {
    const std::size_t base = static_cast<std::size_t>(t) * kPorts;
    const int x = t % m_k, y = t / m_k;
    std::uint32_t arrive[kPorts], bypass[kPorts], route_in[kPorts], need[kPorts][kPorts];
    std::uint32_t a_idx[kPorts];
    std::uint32_t want_port[kPorts] = {};  // [output]: inputs whose want is not empty
    // Arrival and requests.
    for (int p = 0; p < kPorts; ++p) {
      Router::Input& in = r.in[p];
      arrive[p] = 0;
      route_in[p] = 0;
      a_idx[p] = 0;
      if (in_valid[p]) {
        const sw::FabricWavelet w = sw::unpack_wavelet(in_wavelet[p]);
        const auto color = static_cast<std::uint32_t>(w.color);
        const std::uint32_t a = color & kColorIndexMask;
        a_idx[p] = a;
        arrive[p] = color_bit(color);
        if (arrive[p]) {
          if (!((r.addressed >> a) & 1)) {
            route_in[p] = ((r.rx[a] >> p) & 1) ? r.tx[a] : 0u;
          } else {
            const int dx = w.dst_x, dy = w.dst_y;
            route_in[p] = dx > x ? 1u << sw::kPortE
                        : dx < x ? 1u << sw::kPortW
                        : dy > y ? 1u << sw::kPortS
                        : dy < y ? 1u << sw::kPortN
                                 : 1u << sw::kPortRamp;
          }
        }
        if (arrive[p] == 0 || route_in[p] == 0) r.route_error = true;
      }
      bypass[p] = arrive[p] & ~in.stored;
      for (int o = 0; o < kPorts; ++o) {
        need[p][o] = in.need[o] | (((route_in[p] >> o) & 1) ? bypass[p] : 0u);
        if (need[p][o] & r.out[o].has_credit) want_port[o] |= 1u << p;
      }
    }
    // Outputs: an input round-robin, then a color of it round-robin.
    std::uint32_t grant_port[kPorts], grant_color[kPorts];
    for (int o = 0; o < kPorts; ++o) {
      Router::Output& out = r.out[o];
      const std::size_t oi = base + static_cast<std::size_t>(o);
      grant_port[o] = 0;
      grant_color[o] = 0;
      std::uint64_t wavelet = c.wavelet[oi];
      if (want_port[o]) {
        const std::uint32_t gp = pick(want_port[o], out.port_rr) & kPortMask;
        const int port = lowest(gp);
        const std::uint32_t gc = pick(need[port][o] & out.has_credit, out.color_rr) & kColorMask;
        const int color = lowest(gc);
        grant_port[o] = gp;
        grant_color[o] = gc;
        const Router::Input& in = r.in[port];
        wavelet = (bypass[port] & gc) ? in_wavelet[port] : in.wavelet[color * kDepth + in.rd[color]];
      }
      n.valid[oi] = grant_port[o] != 0;
      n.wavelet[oi] = wavelet;
    }
    // Inputs: what the outputs took, what leaves, what is stored, what the heads still need.
    for (int p = 0; p < kPorts; ++p) {
      Router::Input& in = r.in[p];
      std::uint32_t pop = 0;
      if ((in.stored | arrive[p]) != 0) {
        std::uint32_t left[kPorts], left_any = 0;
        for (int o = 0; o < kPorts; ++o) {
          const std::uint32_t took = ((grant_port[o] >> p) & 1) ? grant_color[o] : 0u;
          left[o] = need[p][o] & ~took;
          left_any |= left[o];
        }
        pop = (in.stored | bypass[p]) & ~left_any;
        const std::uint32_t stored_pop = pop & in.stored;
        const std::uint32_t push = arrive[p] & ~(pop & bypass[p]);
        std::uint8_t wr_q[kColors];
        std::copy(std::begin(in.wr), std::end(in.wr), wr_q);
        std::uint32_t stored_d = in.stored | push;
        if (push) {
          const std::uint32_t a = a_idx[p];
          const int slot = static_cast<int>(a) * kDepth + in.wr[a];
          in.route[slot] = static_cast<std::uint8_t>(route_in[p]);
          in.wavelet[slot] = in_wavelet[p];
          in.wr[a] = static_cast<std::uint8_t>(next_ptr(in.wr[a]));
        }
        for (int o = 0; o < kPorts; ++o) in.need[o] = left[o];
        for (std::uint32_t sp = stored_pop; sp; sp &= sp - 1) {
          const int col = lowest(sp);
          const int next = next_ptr(in.rd[col]);
          in.rd[col] = static_cast<std::uint8_t>(next);
          std::uint32_t route;
          if (next != wr_q[col]) {
            route = in.route[col * kDepth + next];
          } else if ((push >> col) & 1) {
            route = route_in[p];
          } else {
            route = 0;
            stored_d &= ~(1u << col);
          }
          for (int o = 0; o < kPorts; ++o) {
            in.need[o] = (in.need[o] & ~(1u << col)) | (((route >> o) & 1u) << col);
          }
        }
        in.stored = stored_d;
      }
      n.pulse[base + static_cast<std::size_t>(p)] = pop;
    }
    // Output registers: credits (a return and a grant of one color cancel), round-robin pointers.
    for (int o = 0; o < kPorts; ++o) {
      Router::Output& out = r.out[o];
      const std::uint32_t ret = out_credit[o] & kColorMask, g = grant_color[o];
      for (std::uint32_t ch = ret ^ g; ch; ch &= ch - 1) {
        const int col = lowest(ch);
        if ((ret >> col) & 1) {
          if (out.credit[col] < kDepth) ++out.credit[col];
        } else if (out.credit[col] > 0) {
          --out.credit[col];
        }
        if (out.credit[col] > 0) out.has_credit |= 1u << col; else out.has_credit &= ~(1u << col);
      }
      if (grant_port[o]) {
        out.port_rr = after(grant_port[o]) & kPortMask;
        out.color_rr = after(grant_color[o]) & kColorMask;
      }
    }
  }

  void step_pe(int t, Pe& pe, bool in_valid, std::uint64_t in_wavelet, std::uint32_t out_credit_i, const Links& c,
               Links& n) {
    const std::size_t ti = static_cast<std::size_t>(t);
    const sw::FabricWavelet in_w = sw::unpack_wavelet(in_wavelet);
    const auto in_color = static_cast<std::uint32_t>(in_w.color);
    const std::uint32_t in_data = in_w.data;
    const bool to_mac = in_valid && in_color == pe.mac_color;
    const bool to_psum = in_valid && !pe.chain_head && in_color == pe.psum_color && !to_mac;
    const bool unbound = in_valid && !to_mac && !to_psum;
    const bool mac_ready = pe.mac.count != kDepth, mac_valid = pe.mac.count != 0;
    const bool psum_ready = pe.psum.count != kDepth, psum_valid = pe.psum.count != 0;
    const std::uint32_t mac_data = pe.mac.mem[pe.mac.rd], psum_data = pe.psum.mem[pe.psum.rd];

    const bool fire = pe.state == Pe::kReduce && pe.k != pe.rows && !pe.s1_valid && pe.out_credits != 0 &&
                      (pe.chain_head || psum_valid);
    const bool psum_pop = fire && !pe.chain_head;

    // Fetch (mode 0) and issue.
    Pe::State state_d = pe.state;
    std::uint16_t ptr_d = pe.ptr, left_d = pe.left, acc_next_d = pe.acc_next, value_d = pe.value, k_d = pe.k;
    bool s1_valid_d = false;
    std::uint16_t s1_acc_d = pe.acc_next;
    bool rd_en = false;
    std::uint16_t rd_addr = pe.ptr;
    const auto mac_index = static_cast<std::uint16_t>(hw::kPeMacIndex.get(mac_data));
    const auto mac_value = static_cast<std::uint16_t>(hw::kPeMacValue.get(mac_data));
    const auto row_base = static_cast<std::uint16_t>(hw::kPeStreamIndexRow.get(mac_index) * pe.batch);
    const auto col_base = static_cast<std::uint16_t>(hw::kPeStreamIndexCol.get(mac_index) * pe.batch);
    const bool f_take = pe.state == Pe::kIdle && pe.f_valid;
    const bool fetch = !pe.mode && mac_valid && (!pe.f_valid || f_take);
    bool mac_pop = fetch;
    switch (pe.state) {
      case Pe::kIdle:
        if (!pe.mode) {
          if (pe.f_valid) {
            const auto count = static_cast<std::uint16_t>(hw::kPeColptrCount.get(pe.cdata));
            if (pe.f_end) {
              state_d = Pe::kReduce;
              k_d = 0;
            } else if (count != 0 && pe.f_value != 0) {
              rd_en = true;
              rd_addr = static_cast<std::uint16_t>(hw::kPeColptrStart.get(pe.cdata));
              s1_valid_d = true;
              ptr_d = static_cast<std::uint16_t>(rd_addr + 1);
              left_d = static_cast<std::uint16_t>(count - 1);
              value_d = pe.f_value;
              state_d = count == 1 ? Pe::kIdle : Pe::kLoop;
            }
          }
        } else if (mac_valid) {
          mac_pop = true;
          value_d = mac_value;
          if (mac_index == hw::kPeEndIndex) {
            state_d = Pe::kReduce;
            k_d = 0;
          } else if (pe.batch != 0) {
            rd_en = true;
            rd_addr = col_base;
            s1_valid_d = true;
            s1_acc_d = row_base;
            ptr_d = static_cast<std::uint16_t>(col_base + 1);
            acc_next_d = static_cast<std::uint16_t>(row_base + 1);
            left_d = static_cast<std::uint16_t>(pe.batch - 1);
            state_d = pe.batch == 1 ? Pe::kIdle : Pe::kLoop;
          }
        }
        break;
      case Pe::kLoop:
        rd_en = true;
        s1_valid_d = true;
        ptr_d = static_cast<std::uint16_t>(pe.ptr + 1);
        acc_next_d = static_cast<std::uint16_t>(pe.acc_next + 1);
        left_d = static_cast<std::uint16_t>(pe.left - 1);
        if (pe.left == 1) state_d = Pe::kIdle;
        break;
      default:  // kReduce
        if (pe.k == pe.rows) state_d = Pe::kIdle;
        if (fire) k_d = static_cast<std::uint16_t>(pe.k + 1);
        break;
    }

    // Accumulators and output (from the registers before the edge).
    const bool k_in = pe.k < kNumAcc;
    const std::uint32_t k_acc = (k_in && pe.live[pe.k]) ? pe.acc[pe.k] : 0u;
    if (pe.s1_valid) {
      const std::uint16_t idx = pe.mode ? pe.s1_acc : static_cast<std::uint16_t>(hw::kPeEntryRow.get(pe.rdata));
      if (idx < kNumAcc) {
        const std::uint32_t old = pe.live[idx] ? pe.acc[idx] : 0u;
        const std::int32_t product = static_cast<std::int32_t>(static_cast<std::int16_t>(pe.value)) *
                                     static_cast<std::int32_t>(static_cast<std::int16_t>(hw::kPeEntryWeight.get(pe.rdata)));
        pe.acc[idx] = old + static_cast<std::uint32_t>(product);
        pe.live[idx] = 1;
      }
      ++pe.macs;
    }
    if (fire && k_in) pe.live[pe.k] = 0;
    if (psum_pop) ++pe.psum_adds;
    n.pe_valid[ti] = fire;
    n.pe_wavelet[ti] = fire ? sw::pack_wavelet({static_cast<int>(pe.out_color), 0, 0, k_acc + (pe.chain_head ? 0u : psum_data)})
                            : c.pe_wavelet[ti];
    const bool out_back = pe.out_color < 32 && ((out_credit_i & kColorMask) >> pe.out_color) & 1;
    pe.out_credits += (out_back ? 1 : 0) - (fire ? 1 : 0);
    n.pe_credit[ti] = ((mac_pop ? color_bit(pe.mac_color) : 0u) | (psum_pop ? color_bit(pe.psum_color) : 0u) |
                       (unbound ? color_bit(in_color) : 0u));
    if (unbound || (to_mac && !mac_ready) || (to_psum && !psum_ready)) pe.error = true;

    // FIFOs.
    auto fifo_step = [](Fifo& f, bool push, bool pop, std::uint32_t data) {
      if (push) {
        f.mem[f.wr] = data;
        f.wr = next_ptr(f.wr);
      }
      if (pop) f.rd = next_ptr(f.rd);
      f.count += (push ? 1 : 0) - (pop ? 1 : 0);
    };
    fifo_step(pe.mac, to_mac && mac_ready, mac_valid && mac_pop, in_data);
    fifo_step(pe.psum, to_psum && psum_ready, psum_valid && psum_pop, in_data);

    // SRAM reads, the fetch register and the issue registers.
    if (rd_en) {
      pe.rdata = rd_addr < kSramWords ? pe.sram[rd_addr] : 0u;
      pe.sram_reads += rd_addr < kSramWords;
    }
    if (fetch) {  // mode 0 lanes: the PE's int8, sign-extended
      const auto lane_value = [](std::uint64_t byte) { return static_cast<std::uint16_t>(static_cast<std::int8_t>(byte)); };
      pe.f_end = mac_index == hw::kPeEndIndex;
      pe.f_value = pe.lane == 1 ? lane_value(hw::kPeMacLanesLane0.get(mac_data))
                 : pe.lane == 2 ? lane_value(hw::kPeMacLanesLane1.get(mac_data))
                                : mac_value;
      pe.cdata = mac_index < kSramWords ? pe.sram[mac_index] : 0u;
      pe.sram_reads += mac_index < kSramWords;
    }
    if (fetch || f_take) pe.f_valid = fetch;
    pe.state = state_d;
    pe.ptr = ptr_d;
    pe.left = left_d;
    pe.acc_next = acc_next_d;
    pe.value = value_d;
    pe.k = k_d;
    pe.s1_valid = s1_valid_d;
    pe.s1_acc = s1_acc_d;
  }

  int m_k, m_tiles;
  std::uint64_t m_cycle = 0;
  std::vector<Router> m_routers;
  std::vector<Pe> m_pes;
  Links m_links[2];
  int m_cur = 0;
  std::vector<int> m_nb, m_slot;
  std::vector<std::uint8_t> m_edge_in_valid, m_edge_valid_q;
  std::vector<std::uint64_t> m_edge_in_wavelet, m_edge_wavelet_q;
  std::vector<std::uint32_t> m_edge_out_credit;
  bool m_route_cfg_valid = false;
  sw::RouteSetting m_route_cfg;
  std::vector<PeCfg> m_pe_cfg;
  bool m_pe_cfg_any = false;
};

ModelWaferDut::ModelWaferDut(int k) : m_k(k) {
  if (k < 1 || k > hw::kMaxMesh) {
    throw sw::InputError("the fabric model takes meshes from 1x1 to " + std::to_string(hw::kMaxMesh) + "x" +
                         std::to_string(hw::kMaxMesh) + " (" + std::to_string(hw::kWaveletDstX.width) + "-bit coordinates), got " +
                         std::to_string(k) + "x" + std::to_string(k));
  }
}

ModelWaferDut::~ModelWaferDut() = default;

WaferRunResult ModelWaferDut::run(const sw::FabricProgram& program, const WaferRunOptions& options) {
  check_program_mesh(program, m_k);
  m_fabric = std::make_unique<Fabric>(m_k);  // from reset
  return run_wafer_program(*m_fabric, m_k, program, options);
}

std::unique_ptr<WaferJob> ModelWaferDut::start(const sw::FabricProgram& program, const WaferRunOptions& options) {
  check_program_mesh(program, m_k);
  m_fabric = std::make_unique<Fabric>(m_k);  // from reset
  return std::make_unique<DriverJob<Fabric>>(*m_fabric, m_k, program, options);
}

std::unique_ptr<WaferDut> make_model_wafer_dut(int k, const WaferDutOptions& options) {
  if (!options.trace_path.empty()) throw sw::InputError("a waveform needs the RTL engine (the model has no pins)");
  return std::make_unique<ModelWaferDut>(k);
}

}  // namespace wb::ref
