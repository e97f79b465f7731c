// SPDX-License-Identifier: Apache-2.0
#pragma once
// The edge driver every compute-fabric engine shares (the swap rule): loading route tables and
// PE configuration, streaming the edge inputs under credit flow control, random back-pressure
// on the edge outputs (SplitMix64 from WaferRunOptions::seed), collecting results, the watchdog
// and its diagnosis. The Verilated RTL (tb/verilated_fabric.hpp) and the C++ model
// (fabric_model.hpp) differ only in the `Pins` they hand to run_wafer_program, so on the same
// program and seed they see the same inputs, credits and stalls cycle by cycle.
//
// Pins (a k x k sa_fabric with PEs, seen from its ports) provides:
//   std::uint64_t cycle() const;                 cycles clocked since reset
//   void cfg_route(bool valid, const sw::RouteSetting& r);
//   void cfg_pe(int tile, bool valid, bool sram, std::uint16_t addr, std::uint32_t data);
//   void edge_in(int slot, bool valid, std::uint64_t wavelet);     (packed as sw::pack_wavelet)
//   void edge_out_credit(int slot, std::uint32_t pulses);
//   template <class F> void clock(F&& sample);   one cycle; sample() reads outputs before the edge
//   std::uint32_t edge_in_credit(int slot) const; bool edge_out_valid(int slot) const;
//   std::uint64_t edge_out_wavelet(int slot) const;
//   std::uint64_t macs(int tile) const, link_flits(int tile) const;   (activity counters, since reset)
//   std::uint64_t sram_reads(int tile) const, sram_writes(int tile) const, psum_adds(int tile) const;
//   bool pe_idle(int tile) const, route_error() const, pe_error() const;
//   bool stored(int tile, int bit) const, no_credit(int tile, int bit) const;  (bit p*colors + c)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sw/error.hpp"
#include "sw/fabric_program.hpp"
#include "sw/rng.hpp"
#include "models/ref/mesh_diagnosis.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"

namespace wb::ref {

inline void check_program_mesh(const sw::FabricProgram& program, int k) {
  if (program.mesh != k) {
    throw sw::InputError("the program was mapped for a " + std::to_string(program.mesh) + "x" +
                         std::to_string(program.mesh) + " fabric, this one is " + std::to_string(k) + "x" +
                         std::to_string(k));
  }
}

namespace fabric_drive_detail {

// Route tables one entry per cycle; every PE's registers and SRAM in parallel, a word per cycle.
template <class Pins>
void load(Pins& pins, int k, const sw::FabricProgram& p) {
  for (const auto& route : p.routes) {
    pins.cfg_route(true, route);
    pins.clock([] {});
  }
  pins.cfg_route(false, sw::RouteSetting{});
  const int tiles = k * k;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> words(static_cast<std::size_t>(tiles));  // (addr | sram bit, data)
  constexpr std::uint32_t kSram = 1u << hw::kPeCfgAddrWidth;
  std::size_t longest = 0;
  for (const auto& pe : p.pes) {
    auto& w = words[static_cast<std::size_t>(pe.y * k + pe.x)];
    w = {{hw::kPeRegMode, pe.mode}, {hw::kPeRegColors, pe.colors}, {hw::kPeRegShape, pe.shape}};
    for (std::size_t i = 0; i < pe.sram.size(); ++i) w.push_back({kSram | static_cast<std::uint32_t>(i), pe.sram[i]});
    longest = std::max(longest, w.size());
  }
  for (std::size_t i = 0; i < longest; ++i) {
    for (int t = 0; t < tiles; ++t) {
      const auto& w = words[static_cast<std::size_t>(t)];
      if (i < w.size()) {
        pins.cfg_pe(t, true, (w[i].first & kSram) != 0, static_cast<std::uint16_t>(w[i].first & (kSram - 1)), w[i].second);
      } else {
        pins.cfg_pe(t, false, false, 0, 0);
      }
    }
    pins.clock([] {});
  }
  for (int t = 0; t < tiles; ++t) pins.cfg_pe(t, false, false, 0, 0);
}

}  // namespace fabric_drive_detail

// The edge driver of one job, steppable: load() the program's routes and PE SRAMs, then step()
// a cycle at a time (or run_until a predicate). Each edge source injects its wavelets in order,
// each when its color has a credit and not before the cycle it became available (job cycles,
// 0 = the first cycle after reset); append() grows a source while the fabric runs (weight
// streaming), close_inputs() says nothing more will come. The program's own input wavelets are
// available from cycle 0. done() once every expected result is in and the fabric settled.
template <class Pins>
class WaferDriver {
 public:
  WaferDriver(Pins& pins, int k, const sw::FabricProgram& program, const WaferRunOptions& o)
      : m_pins(pins), m_k(k), m_program(program), m_o(o), m_rng(o.seed), m_base(pins.cycle()) {
    check_program_mesh(program, k);
    const int edges = 4 * k;
    for (const auto& in : program.inputs) {
      if (in.slot < 0 || in.slot >= edges) throw sw::InputError("program input slot out of range");
      Source s;
      s.slot = in.slot;
      s.wavelets = in.wavelets;
      s.avail.assign(in.wavelets.size(), 0);
      std::fill(std::begin(s.credits), std::end(s.credits), hw::kRouterDepth);
      m_sources.push_back(std::move(s));
    }
    m_sink_of.assign(static_cast<std::size_t>(edges), -1);
    for (const auto& out : program.outputs) {
      if (out.slot < 0 || out.slot >= edges) throw sw::InputError("program output slot out of range");
      m_sink_of[static_cast<std::size_t>(out.slot)] = static_cast<int>(m_sinks.size());
      m_sinks.push_back(Sink{&out});
    }
    m_expected = program.output_wavelets();
    m_r.result = sw::MatrixI32(program.result_rows, program.result_cols);
  }

  // Cycles clocked since the job began (reset excluded).
  std::uint64_t cycle() const { return m_pins.cycle() - m_base; }

  void load() {
    fabric_drive_detail::load(m_pins, m_k, m_program);
    m_r.load_cycles = cycle();
    m_last_move = m_pins.cycle();
  }

  std::size_t inputs() const { return m_sources.size(); }
  int input_slot(std::size_t i) const { return m_sources[i].slot; }
  // Source i gets w, available from job cycle `avail` on.
  void append(std::size_t i, const sw::FabricWavelet& w, std::uint64_t avail) {
    m_sources[i].wavelets.push_back(w);
    m_sources[i].avail.push_back(avail);
  }
  // Streaming: a source that ran dry is waiting for more (no watchdog) until close_inputs().
  void open_inputs() { m_closed = false; }
  void close_inputs() { m_closed = true; }
  std::size_t appended(std::size_t i) const { return m_sources[i].wavelets.size(); }
  std::size_t injected(std::size_t i) const { return m_sources[i].next; }
  // Source i holds a wavelet available now (it may still wait for a credit).
  bool ready(std::size_t i) const {
    const Source& s = m_sources[i];
    return s.next < s.wavelets.size() && s.avail[s.next] <= cycle();
  }

  bool done() const { return m_received >= m_expected && m_pins.cycle() >= m_done_at + settle(); }

  // One cycle: inject, return credits, clock, take the outputs; the watchdog. Throws
  // std::runtime_error from the watchdog (not while a source waits for wavelets to arrive).
  void step() {
    const std::uint64_t now = cycle();
    for (auto& s : m_sources) {
      bool valid = false;
      std::uint64_t wavelet = 0;
      if (s.next < s.wavelets.size() && s.avail[s.next] > now) {
        m_last_move = m_pins.cycle();  // not yet arrived: waiting, not hung
      } else if (s.next < s.wavelets.size()) {
        const auto& w = s.wavelets[s.next];
        if (s.credits[w.color] > 0) {
          --s.credits[w.color];
          wavelet = sw::pack_wavelet(w);
          ++s.next;
          ++m_r.wavelets_in;
          valid = true;
          if (!m_started) m_first = m_pins.cycle();
          m_started = true;
          m_last_move = m_pins.cycle();
        }
      } else if (!m_closed && s.next >= s.wavelets.size()) {
        m_last_move = m_pins.cycle();  // waiting for the streamer is not a hang
      }
      m_pins.edge_in(s.slot, valid, wavelet);
    }
    const int edges = 4 * m_k;
    for (int e = 0; e < edges; ++e) {
      std::uint32_t pulses = 0;
      const int si = m_sink_of[static_cast<std::size_t>(e)];
      if (si >= 0 && !(m_o.backpressure > 0 && m_rng.chance(m_o.backpressure))) {
        for (int c = 0; c < hw::kColorCodes; ++c) {
          if (m_sinks[static_cast<std::size_t>(si)].held[c] > 0) {
            --m_sinks[static_cast<std::size_t>(si)].held[c];
            pulses |= 1u << c;
          }
        }
      }  // a slot that expects nothing never returns credits: unexpected exits are counted, not drained
      m_pins.edge_out_credit(e, pulses);
    }
    m_pins.clock([&] {
      for (auto& s : m_sources) {
        const std::uint32_t back = m_pins.edge_in_credit(s.slot);
        for (int c = 0; back && c < hw::kColorCodes; ++c) s.credits[c] += (back >> c) & 1;
      }
      for (int e = 0; e < edges; ++e) {
        if (!m_pins.edge_out_valid(e)) continue;
        m_last_move = m_pins.cycle();
        const int si = m_sink_of[static_cast<std::size_t>(e)];
        const std::uint64_t w = m_pins.edge_out_wavelet(e);
        if (si < 0) {
          ++m_r.extra_outputs;
          continue;
        }
        Sink& s = m_sinks[static_cast<std::size_t>(si)];
        ++s.held[sw::unpack_wavelet(w).color];
        ++m_r.wavelets_out;
        if (s.received >= s.output->targets.size()) {
          ++m_r.extra_outputs;
          continue;
        }
        const auto& t = s.output->targets[s.received++];
        m_r.result.at(t.row, t.col) = static_cast<std::int32_t>(static_cast<std::uint32_t>(w));
        if (++m_received == m_expected) m_done_at = m_pins.cycle();
        m_last = m_pins.cycle();
      }
    });
    if (m_received < m_expected && m_pins.cycle() - m_last_move > m_o.watchdog_cycles) {
      throw std::runtime_error(watchdog_message());
    }
  }

  // Steps until `pred()` holds (checked before each cycle) or the job is done.
  template <class Pred>
  void run_until(Pred&& pred) {
    while (!done() && !pred()) step();
  }
  void run() {
    run_until([] { return false; });
  }

  // The counters; call once the job is done.
  WaferRunResult result() {
    WaferRunResult r = m_r;
    r.cycles = m_expected == 0 ? 0 : m_last - m_first + 1;
    for (int t = 0; t < m_k * m_k; ++t) {
      r.macs += m_pins.macs(t);
      r.link_flits += m_pins.link_flits(t);
      r.pe.sram_reads += m_pins.sram_reads(t);
      r.pe.sram_writes += m_pins.sram_writes(t);
      r.pe.psum_adds += m_pins.psum_adds(t);
    }
    r.route_error = m_pins.route_error();
    r.pe_error = m_pins.pe_error();
    r.sim_cycles = cycle();
    return r;
  }
  // Job cycle of the first wavelet injected and of the last result taken.
  std::uint64_t first_in_cycle() const { return m_first - m_base; }
  std::uint64_t last_out_cycle() const { return m_last - m_base; }

 private:
  struct Source {
    int slot = 0;
    std::vector<sw::FabricWavelet> wavelets;
    std::vector<std::uint64_t> avail;  // job cycle each wavelet became available
    std::size_t next = 0;
    int credits[hw::kColorCodes];
  };
  struct Sink {
    const sw::EdgeOutput* output;
    std::size_t received = 0;
    int held[hw::kColorCodes] = {};  // taken, credit not yet returned
  };

  // After the last expected result, keep clocking a little to catch anything extra.
  std::uint64_t settle() const { return 4 * static_cast<std::uint64_t>(m_k) + 16; }

  std::string watchdog_message() const {
    std::ostringstream os;
    os << "watchdog: no wavelet entered or left the fabric for " << m_o.watchdog_cycles << " cycles at cycle "
       << m_pins.cycle() << ";";
    for (const auto& s : m_sources) {
      if (s.next < s.wavelets.size()) {
        os << " edge slot " << s.slot << " has " << s.wavelets.size() - s.next << " wavelets to send (color "
           << s.wavelets[s.next].color << ", " << s.credits[s.wavelets[s.next].color] << " credits);";
      }
    }
    for (const auto& s : m_sinks) {
      if (s.received < s.output->targets.size()) {
        os << " edge slot " << s.output->slot << " got " << s.received << " of " << s.output->targets.size()
           << " results;";
      }
    }
    int busy = 0;
    for (int t = 0; t < m_k * m_k; ++t) {
      if (!m_pins.pe_idle(t) && busy++ < 4) os << " PE (" << t % m_k << "," << t / m_k << ") busy;";
    }
    os << describe_mesh_ports(
        m_k, hw::kWaferColors, [&](int t, int bit) { return m_pins.stored(t, bit); },
        [&](int t, int bit) { return m_pins.no_credit(t, bit); });
    if (m_pins.route_error()) os << " a router dropped a wavelet with no route;";
    if (m_pins.pe_error()) os << " a PE got a wavelet on an unbound color;";
    return os.str();
  }

  Pins& m_pins;
  int m_k;
  const sw::FabricProgram& m_program;
  WaferRunOptions m_o;
  sw::SplitMix64 m_rng;
  std::uint64_t m_base;
  std::vector<Source> m_sources;
  std::vector<int> m_sink_of;
  std::vector<Sink> m_sinks;
  std::uint64_t m_expected = 0, m_received = 0;
  std::uint64_t m_first = 0, m_last = 0, m_last_move = 0, m_done_at = 0;
  bool m_started = false, m_closed = true;
  WaferRunResult m_r;
};

// WaferDriver behind the engine-neutral WaferJob interface (WaferDut::start): loads on creation.
template <class Pins>
class DriverJob final : public WaferJob {
 public:
  DriverJob(Pins& pins, int k, const sw::FabricProgram& program, const WaferRunOptions& o) : m_d(pins, k, program, o) {
    m_d.open_inputs();
    m_d.load();
    m_load = m_d.cycle();
  }
  std::uint64_t cycle() const override { return m_d.cycle(); }
  std::uint64_t load_cycles() const override { return m_load; }
  std::size_t inputs() const override { return m_d.inputs(); }
  int input_slot(std::size_t i) const override { return m_d.input_slot(i); }
  void append(std::size_t i, const sw::FabricWavelet& w, std::uint64_t avail) override { m_d.append(i, w, avail); }
  void close_inputs() override { m_d.close_inputs(); }
  std::size_t appended(std::size_t i) const override { return m_d.appended(i); }
  std::size_t injected(std::size_t i) const override { return m_d.injected(i); }
  bool ready(std::size_t i) const override { return m_d.ready(i); }
  bool done() const override { return m_d.done(); }
  void step() override { m_d.step(); }
  WaferRunResult result() override { return m_d.result(); }
  std::uint64_t first_in_cycle() const override { return m_d.first_in_cycle(); }
  std::uint64_t last_out_cycle() const override { return m_d.last_out_cycle(); }

 private:
  WaferDriver<Pins> m_d;
  std::uint64_t m_load = 0;
};

// One job on a fabric just out of reset: load, stream, read the counters.
template <class Pins>
WaferRunResult run_wafer_program(Pins& pins, int k, const sw::FabricProgram& program, const WaferRunOptions& o) {
  check_program_mesh(program, k);
  const auto t0 = std::chrono::steady_clock::now();
  WaferDriver<Pins> driver(pins, k, program, o);
  driver.load();
  driver.run();
  WaferRunResult r = driver.result();
  r.sim_cycles = pins.cycle();
  r.sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace wb::ref
