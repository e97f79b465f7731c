#pragma once
// WaferDut over a Verilated sa_fabric class `V` built with PEs. Include only where no SystemC
// header came first.
#include <verilated.h>
#include <verilated_fst_c.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sw/error.hpp"
#include "sw/rng.hpp"
#include "tb/verilated_model.hpp"
#include "tb/wafer_dut.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

template <class V>
class VerilatedWaferDut final : public WaferDut {
 public:
  VerilatedWaferDut(int k, int threads, const std::string& trace_path) : m_k(k) {
    m_ctx.threads(static_cast<unsigned>(threads));
    m_ctx.traceEverOn(!trace_path.empty());
    m_top = std::make_unique<V>(&m_ctx, "top");
    m_trace = open_fst_trace(*m_top, trace_path);
  }
  ~VerilatedWaferDut() override {
    if (m_trace) m_trace->close();
    destroy_model(m_ctx, m_top);
  }
  int mesh() const override { return m_k; }

  WaferRunResult run(const sw::FabricProgram& program, const WaferRunOptions& o) override {
    if (program.mesh != m_k) {
      throw sw::InputError("the program was mapped for a " + std::to_string(program.mesh) + "x" +
                           std::to_string(program.mesh) + " fabric, this one is " + std::to_string(m_k) + "x" +
                           std::to_string(m_k));
    }
    const auto t0 = std::chrono::steady_clock::now();
    WaferRunResult r;
    reset_model(*m_top);
    load(program);
    r.load_cycles = m_cycle;
    r.result = sw::MatrixI32(program.result_rows, program.result_cols);
    stream(program, o, r);
    const int tiles = m_k * m_k;
    for (int t = 0; t < tiles; ++t) {
      r.macs += m_top->pe_macs_o[t];
      r.link_flits += m_top->link_flits_o[t];
    }
    r.route_error = m_top->route_error_o;
    r.pe_error = m_top->pe_error_o;
    r.sim_cycles = m_cycle;
    r.sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

 private:
  static std::uint64_t pack(const sw::FabricWavelet& w) {
    return (static_cast<std::uint64_t>(w.color) << 40) | (static_cast<std::uint64_t>(w.dst_x) << 36) |
           (static_cast<std::uint64_t>(w.dst_y) << 32) | w.data;
  }

  // One clock cycle: inputs are set before the call; `sample` reads outputs with the clock low.
  template <class Sample>
  void cycle(Sample&& sample) {
    m_top->clk_i = 0;
    m_top->eval();
    if (m_trace) m_trace->dump(m_cycle * kTracePeriodPs);
    sample();
    m_top->clk_i = 1;
    m_top->eval();
    if (m_trace) m_trace->dump(m_cycle * kTracePeriodPs + kTracePeriodPs / 2);
    ++m_cycle;
  }

  // Route tables one entry per cycle; every PE's registers and SRAM in parallel, a word per cycle.
  void load(const sw::FabricProgram& p) {
    for (const auto& route : p.routes) {
      m_top->cfg_valid_i = 1;
      m_top->cfg_x_i = route.x;
      m_top->cfg_y_i = route.y;
      m_top->cfg_color_i = route.color;
      m_top->cfg_addressed_i = route.addressed;
      m_top->cfg_rx_i = route.rx;
      m_top->cfg_tx_i = route.tx;
      cycle([] {});
    }
    m_top->cfg_valid_i = 0;
    const int tiles = m_k * m_k;
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> words(static_cast<std::size_t>(tiles));  // (addr | sram bit, data)
    constexpr std::uint32_t kSram = 1u << 16;
    std::size_t longest = 0;
    for (const auto& pe : p.pes) {
      auto& w = words[static_cast<std::size_t>(pe.y * m_k + pe.x)];
      w = {{sw::kPeRegMode, pe.mode}, {sw::kPeRegColors, pe.colors}, {sw::kPeRegShape, pe.shape}};
      for (std::size_t i = 0; i < pe.sram.size(); ++i) w.push_back({kSram | static_cast<std::uint32_t>(i), pe.sram[i]});
      longest = std::max(longest, w.size());
    }
    for (std::size_t i = 0; i < longest; ++i) {
      for (int t = 0; t < tiles; ++t) {
        const auto& w = words[static_cast<std::size_t>(t)];
        const bool valid = i < w.size();
        m_top->pe_cfg_valid_i[t] = valid;
        if (!valid) continue;
        m_top->pe_cfg_sram_i[t] = (w[i].first & kSram) != 0;
        m_top->pe_cfg_addr_i[t] = w[i].first & 0xFFFF;
        m_top->pe_cfg_data_i[t] = w[i].second;
      }
      cycle([] {});
    }
    for (int t = 0; t < tiles; ++t) m_top->pe_cfg_valid_i[t] = 0;
  }

  struct Source {
    const sw::EdgeInput* input;
    std::size_t next = 0;
    int credits[32];
  };
  struct Sink {
    const sw::EdgeOutput* output;
    std::size_t received = 0;
    int held[32] = {};  // taken, credit not yet returned
  };

  void stream(const sw::FabricProgram& p, const WaferRunOptions& o, WaferRunResult& r) {
    const int edges = 4 * m_k;
    std::vector<Source> sources;
    for (const auto& in : p.inputs) {
      if (in.slot < 0 || in.slot >= edges) throw sw::InputError("program input slot out of range");
      Source s{&in};
      std::fill(std::begin(s.credits), std::end(s.credits), hw::kRouterDepth);
      sources.push_back(s);
    }
    std::vector<int> sink_of(static_cast<std::size_t>(edges), -1);
    std::vector<Sink> sinks;
    for (const auto& out : p.outputs) {
      if (out.slot < 0 || out.slot >= edges) throw sw::InputError("program output slot out of range");
      sink_of[static_cast<std::size_t>(out.slot)] = static_cast<int>(sinks.size());
      sinks.push_back(Sink{&out});
    }
    const std::uint64_t expected = p.output_wavelets();
    sw::SplitMix64 rng(o.seed);
    std::uint64_t received = 0, first = 0, last = 0, last_move = m_cycle;
    bool started = false;
    // After the last expected result, keep clocking a little to catch anything extra.
    const std::uint64_t settle = 4 * static_cast<std::uint64_t>(m_k) + 16;
    std::uint64_t done_at = 0;
    for (;;) {
      if (received >= expected && m_cycle >= done_at + settle) break;
      for (auto& s : sources) {
        bool valid = false;
        if (s.next < s.input->wavelets.size()) {
          const auto& w = s.input->wavelets[s.next];
          if (s.credits[w.color] > 0) {
            --s.credits[w.color];
            m_top->edge_in_wavelet_i[s.input->slot] = pack(w);
            ++s.next;
            ++r.wavelets_in;
            valid = true;
            if (!started) first = m_cycle;
            started = true;
            last_move = m_cycle;
          }
        }
        m_top->edge_in_valid_i[s.input->slot] = valid;
      }
      for (int e = 0; e < edges; ++e) {
        std::uint32_t pulses = 0;
        const int si = sink_of[static_cast<std::size_t>(e)];
        if (si >= 0 && !(o.backpressure > 0 && rng.chance(o.backpressure))) {
          for (int c = 0; c < 32; ++c) {
            if (sinks[static_cast<std::size_t>(si)].held[c] > 0) {
              --sinks[static_cast<std::size_t>(si)].held[c];
              pulses |= 1u << c;
            }
          }
        }  // a slot that expects nothing never returns credits: unexpected exits are counted, not drained
        m_top->edge_out_credit_i[e] = pulses;
      }
      cycle([&] {
        for (auto& s : sources) {
          const std::uint32_t back = m_top->edge_in_credit_o[s.input->slot];
          for (int c = 0; back && c < 32; ++c) s.credits[c] += (back >> c) & 1;
        }
        for (int e = 0; e < edges; ++e) {
          if (!m_top->edge_out_valid_o[e]) continue;
          last_move = m_cycle;
          const int si = sink_of[static_cast<std::size_t>(e)];
          const std::uint64_t w = m_top->edge_out_wavelet_o[e];
          if (si < 0) {
            ++r.extra_outputs;
            continue;
          }
          Sink& s = sinks[static_cast<std::size_t>(si)];
          ++s.held[(w >> 40) & 31];
          ++r.wavelets_out;
          if (s.received >= s.output->targets.size()) {
            ++r.extra_outputs;
            continue;
          }
          const auto& t = s.output->targets[s.received++];
          r.result.at(t.row, t.col) = static_cast<std::int32_t>(static_cast<std::uint32_t>(w));
          if (++received == expected) done_at = m_cycle;
          last = m_cycle;
        }
      });
      if (received < expected && m_cycle - last_move > o.watchdog_cycles) {
        throw std::runtime_error(watchdog_message(o, sources, sinks));
      }
    }
    r.cycles = expected == 0 ? 0 : last - first + 1;
  }

  std::string watchdog_message(const WaferRunOptions& o, const std::vector<Source>& sources,
                               const std::vector<Sink>& sinks) const {
    std::ostringstream os;
    os << "watchdog: no wavelet entered or left the fabric for " << o.watchdog_cycles << " cycles at cycle " << m_cycle
       << ";";
    for (const auto& s : sources) {
      if (s.next < s.input->wavelets.size()) {
        os << " edge slot " << s.input->slot << " has " << s.input->wavelets.size() - s.next
           << " wavelets to send (color " << s.input->wavelets[s.next].color << ", "
           << s.credits[s.input->wavelets[s.next].color] << " credits);";
      }
    }
    for (const auto& s : sinks) {
      if (s.received < s.output->targets.size()) {
        os << " edge slot " << s.output->slot << " got " << s.received << " of " << s.output->targets.size()
           << " results;";
      }
    }
    int busy = 0;
    for (int t = 0; t < m_k * m_k; ++t) {
      if (!bit_of(m_top->pe_idle_o, t) && busy++ < 4) os << " PE (" << t % m_k << "," << t / m_k << ") busy;";
    }
    os << describe_mesh_ports(*m_top, m_k, hw::kWaferColors);
    if (m_top->route_error_o) os << " a router dropped a wavelet with no route;";
    if (m_top->pe_error_o) os << " a PE got a wavelet on an unbound color;";
    return os.str();
  }

  static constexpr std::uint64_t kTracePeriodPs = static_cast<std::uint64_t>(1e6 / hw::kClockMhz);

  VerilatedContext m_ctx;
  int m_k;
  std::uint64_t m_cycle = 0;
  std::unique_ptr<V> m_top;
  std::unique_ptr<VerilatedFstC> m_trace;
};

}  // namespace wb::tb
