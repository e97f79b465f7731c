// SPDX-License-Identifier: Apache-2.0
#pragma once
// ref::NocDut over a Verilated sa_fabric class `V`. Include only where no SystemC header came first.
#include <verilated.h>

#include <chrono>
#include <deque>
#include <sstream>
#include <stdexcept>
#include <memory>
#include <vector>

#include "sw/error.hpp"
#include "sw/fabric_program.hpp"
#include "models/ref/noc_dut.hpp"
#include "tb/verilated_model.hpp"
#include "tb/wave_dump.hpp"
#include "wb/gtkw_views.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

template <class V>
class VerilatedNocDut final : public ref::NocDut {
 public:
  VerilatedNocDut(int k, int colors, const std::string& trace_path, const sw::TraceSettings& trace_settings = {})
      : m_k(k), m_colors(colors) {
    m_ctx.traceEverOn(!trace_path.empty());
    m_top = std::make_unique<V>(&m_ctx, "top");
    m_trace = std::make_unique<WaveDump>(*m_top, trace_path, trace_settings, views::k_router, kTracePeriodPs);
  }
  ~VerilatedNocDut() override {
    m_trace.reset();  // closes the dump before the model goes
    destroy_model(m_ctx, m_top);
  }
  int mesh() const override { return m_k; }
  int colors() const override { return m_colors; }

  ref::NocResult run(const ref::NocOptions& o) override {
    if (o.colors < 1 || o.colors > m_colors) {
      throw sw::InputError("--colors must be in [1, " + std::to_string(m_colors) + "] for this build");
    }
    const int n = m_k * m_k, colors = o.colors;
    reset_and_configure(colors);

    struct Flit {
      int src, dst;
      std::uint64_t born;
      bool measured;
    };
    std::vector<Flit> flits;
    std::vector<std::deque<std::uint32_t>> queue(n);
    std::vector<int> credits(static_cast<std::size_t>(n) * colors, hw::kRouterDepth);
    std::vector<int> next_color(n, 0);
    std::vector<int> held(static_cast<std::size_t>(n) * colors, 0);  // sink: ejected, credit not yet returned
    // Per tile, the colors with a credit and those the sink holds (bit c = color c), so that the
    // per-cycle loops visit only those colors, in increasing order as the counts would.
    const std::uint32_t all_colors = (colors >= 32) ? ~0u : ((1u << colors) - 1u);
    std::vector<std::uint32_t> credit_mask(n, all_colors);
    std::vector<std::uint32_t> held_mask(n, 0);
    std::vector<std::uint32_t> last_id(static_cast<std::size_t>(n) * n * colors, 0);
    std::vector<std::uint32_t> latencies;
    std::vector<bool> seen;                                   // per flit id
    std::vector<bool> pair_seen(static_cast<std::size_t>(n) * n, false);
    sw::SplitMix64 rng(o.seed);
    ref::NocResult r;
    r.k = m_k;
    r.colors = colors;
    std::uint64_t outstanding = 0, hops_total = 0, window_delivered = 0, window_generated = 0;
    std::uint64_t in_mesh = 0;  // injected, not yet ejected
    const std::uint64_t end_gen = o.warmup + o.cycles;
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t cycle = 0, last_move = 0;
    for (;; ++cycle) {
      const bool generating = cycle < end_gen;
      // After the drain limit nothing more is injected and the mesh is emptied: a flit still
      // queued at its source was not delivered in time, one that never leaves the mesh is lost
      // (the watchdog fires).
      const bool drained = cycle > end_gen + o.drain_limit;
      if (!generating && (outstanding == 0 || (drained && in_mesh == 0))) break;
      const bool in_window = cycle >= o.warmup && cycle < end_gen;
      for (int t = 0; t < n; ++t) {
        if (generating && rng.chance(o.rate)) {
          const int dst = sw::traffic_destination(o.traffic, m_k, t, rng);
          if (dst >= 0) {
            queue[t].push_back(static_cast<std::uint32_t>(flits.size()));
            flits.push_back({t, dst, cycle, in_window});
            seen.push_back(false);
            outstanding += in_window;
            window_generated += in_window;
          }
        }
        // Inject the oldest flit on the next color (round-robin) that holds a credit.
        const bool valid = !queue[t].empty() && !drained && credit_mask[t] != 0;
        if (valid) {
          const std::uint32_t from_next = credit_mask[t] & (all_colors << next_color[t]);
          const int c = lowest_bit(from_next != 0 ? from_next : credit_mask[t]);
          int& credit = credits[static_cast<std::size_t>(t) * colors + c];
          if (--credit == 0) credit_mask[t] &= ~(1u << c);
          const std::uint32_t id = queue[t].front();
          queue[t].pop_front();
          next_color[t] = c + 1 == colors ? 0 : c + 1;
          const Flit& f = flits[id];
          m_top->inj_wavelet_i[t] = sw::pack_wavelet({c, f.dst % m_k, f.dst / m_k, id});
          last_move = cycle;
          ++in_mesh;
        }
        m_top->inj_valid_i[t] = valid;
        // The sink returns at most one credit per color per cycle.
        std::uint32_t pulses = 0;
        for (std::uint32_t m = held_mask[t]; m != 0; m &= m - 1) {
          const int c = lowest_bit(m);
          if (o.eject_stall > 0 && rng.chance(o.eject_stall)) continue;
          pulses |= 1u << c;
          if (--held[static_cast<std::size_t>(t) * colors + c] == 0) held_mask[t] &= ~(1u << c);
        }
        m_top->ej_credit_i[t] = pulses;
      }
      m_top->clk_i = 0;
      m_top->eval();
      m_trace->dump(cycle, false);
      for (int t = 0; t < n; ++t) {
        const std::uint32_t back = m_top->inj_credit_o[t] & all_colors;
        for (std::uint32_t m = back; m != 0; m &= m - 1) ++credits[static_cast<std::size_t>(t) * colors + lowest_bit(m)];
        credit_mask[t] |= back;
        if (!m_top->ej_valid_o[t]) continue;
        last_move = cycle;
        const sw::FabricWavelet w = sw::unpack_wavelet(m_top->ej_wavelet_o[t]);
        const std::uint32_t id = w.data;
        const int c = w.color;
        ++held[static_cast<std::size_t>(t) * colors + c];
        held_mask[t] |= 1u << c;
        ++r.delivered;
        window_delivered += in_window;
        const Flit& f = flits[id];
        if (f.dst != t) ++r.misrouted;
        const bool first = !seen[id];
        if (!first) ++r.duplicated;
        in_mesh -= first;
        seen[id] = true;
        if (!pair_seen[static_cast<std::size_t>(f.src) * n + f.dst]) {
          pair_seen[static_cast<std::size_t>(f.src) * n + f.dst] = true;
          ++r.pairs_delivered;
        }
        std::uint32_t& last = last_id[(static_cast<std::size_t>(f.src) * n + f.dst) * colors + c];
        if (id + 1 < last) ++r.reordered;  // ids grow with generation time at each source
        last = id + 1;
        if (f.measured && first) {
          --outstanding;
          latencies.push_back(static_cast<std::uint32_t>(cycle - f.born));
          hops_total += static_cast<std::uint64_t>(sw::manhattan_hops(m_k, f.src, f.dst));
        }
      }
      m_top->clk_i = 1;
      m_top->eval();
      m_trace->dump(cycle, true);
      if (cycle - last_move > o.watchdog_cycles && r.delivered < flits.size()) {
        throw std::runtime_error(watchdog_message(o, cycle, flits, seen, queue, credits, held));
      }
    }
    r.sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.sim_cycles = cycle;
    r.generated = flits.size();
    r.undelivered = outstanding;
    r.route_error = m_top->route_error_o;
    const double node_cycles = static_cast<double>(n) * static_cast<double>(o.cycles);
    r.offered = static_cast<double>(window_generated) / node_cycles;
    r.accepted = static_cast<double>(window_delivered) / node_cycles;
    r.mean_hops = latencies.empty() ? 0.0 : static_cast<double>(hops_total) / static_cast<double>(latencies.size());
    r.latency = sw::latency_stats(latencies);
    return r;
  }

 private:
  static int lowest_bit(std::uint32_t m) { return __builtin_ctz(m); }

  // Names the oldest wavelet still in flight (its tile, the port it waits at, its color) and the
  // ramps that hold queued wavelets without credits or ejected ones without returning credits.
  template <class Flits>
  std::string watchdog_message(const ref::NocOptions& o, std::uint64_t cycle, const Flits& flits, const std::vector<bool>& seen,
                               const std::vector<std::deque<std::uint32_t>>& queue, const std::vector<int>& credits,
                               const std::vector<int>& held) const {
    const auto tile = [&](int t) { return "(" + std::to_string(t % m_k) + "," + std::to_string(t / m_k) + ")"; };
    std::ostringstream os;
    os << "watchdog: no wavelet moved for " << o.watchdog_cycles << " cycles at cycle " << cycle << ";";
    for (std::size_t id = 0; id < flits.size(); ++id) {
      if (seen[id]) continue;
      const bool queued = !queue[static_cast<std::size_t>(flits[id].src)].empty() &&
                          queue[static_cast<std::size_t>(flits[id].src)].front() <= id;
      os << " oldest in flight: tile " << tile(flits[id].src) << " -> " << tile(flits[id].dst) << ", born at cycle "
         << flits[id].born << (queued ? ", still at its source ramp" : ", inside the mesh") << ";";
      break;
    }
    int shown = 0;
    for (int t = 0; t < m_k * m_k && shown < 4; ++t) {
      for (int c = 0; c < o.colors && shown < 4; ++c) {
        const std::size_t i = static_cast<std::size_t>(t) * o.colors + c;
        if (!queue[static_cast<std::size_t>(t)].empty() && credits[i] == 0) {
          os << " tile " << tile(t) << " port ramp-in color " << c << ": " << queue[static_cast<std::size_t>(t)].size()
             << " queued, no credit;";
          ++shown;
        }
        if (held[i] > 0) {
          os << " tile " << tile(t) << " port ramp-out color " << c << ": sink holds " << held[i] << ", no credit returned;";
          ++shown;
        }
      }
    }
    os << describe_mesh_ports(*m_top, m_k, m_colors);
    return os.str();
  }

  void reset_and_configure(int colors) {
    reset_model(*m_top);
    // Every color used is addressed (XY-routed) on every router.
    for (int y = 0; y < m_k; ++y) {
      for (int x = 0; x < m_k; ++x) {
        for (int c = 0; c < colors; ++c) {
          m_top->cfg_valid_i = 1;
          m_top->cfg_x_i = x;
          m_top->cfg_y_i = y;
          m_top->cfg_color_i = c;
          m_top->cfg_addressed_i = 1;
          m_top->cfg_rx_i = 0;
          m_top->cfg_tx_i = 0;
          m_top->clk_i = 1;
          m_top->eval();
          m_top->clk_i = 0;
          m_top->eval();
        }
      }
    }
    m_top->cfg_valid_i = 0;
  }

  // Dump times in picoseconds at the configured clock, as for the array.
  static constexpr std::uint64_t kTracePeriodPs = static_cast<std::uint64_t>(1e6 / hw::kClockMhz);

  VerilatedContext m_ctx;
  int m_k;
  int m_colors;
  std::unique_ptr<V> m_top;
  std::unique_ptr<WaveDump> m_trace;
};

}  // namespace wb::tb
