#pragma once
// The edge driver every compute-fabric engine shares (the swap rule): loading route tables and
// PE configuration, streaming the edge inputs under credit flow control, random back-pressure
// on the edge outputs (SplitMix64 from WaferRunOptions::seed), collecting results, the watchdog
// and its diagnosis. The Verilated RTL (verilated_wafer_dut.hpp) and the C++ model
// (model_wafer_dut.hpp) differ only in the `Pins` they hand to run_wafer_program, so on the same
// program and seed they see the same inputs, credits and stalls cycle by cycle.
//
// Pins (a k x k sa_fabric with PEs, seen from its ports) provides:
//   std::uint64_t cycle() const;                 cycles clocked since reset
//   void cfg_route(bool valid, const sw::RouteSetting& r);
//   void cfg_pe(int tile, bool valid, bool sram, std::uint16_t addr, std::uint32_t data);
//   void edge_in(int slot, bool valid, std::uint64_t wavelet);     (packed as pack_wavelet)
//   void edge_out_credit(int slot, std::uint32_t pulses);
//   template <class F> void clock(F&& sample);   one cycle; sample() reads outputs before the edge
//   std::uint32_t edge_in_credit(int slot) const; bool edge_out_valid(int slot) const;
//   std::uint64_t edge_out_wavelet(int slot) const;
//   std::uint64_t macs(int tile) const, link_flits(int tile) const;
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
#include "tb/mesh_diagnosis.hpp"
#include "tb/wafer_dut.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

// sa_wavelet_t as a 45-bit integer: color[44:40], dst_x[39:36], dst_y[35:32], data[31:0].
inline std::uint64_t pack_wavelet(const sw::FabricWavelet& w) {
  return (static_cast<std::uint64_t>(w.color) << 40) | (static_cast<std::uint64_t>(w.dst_x) << 36) |
         (static_cast<std::uint64_t>(w.dst_y) << 32) | w.data;
}

inline void check_program_mesh(const sw::FabricProgram& program, int k) {
  if (program.mesh != k) {
    throw sw::InputError("the program was mapped for a " + std::to_string(program.mesh) + "x" +
                         std::to_string(program.mesh) + " fabric, this one is " + std::to_string(k) + "x" +
                         std::to_string(k));
  }
}

namespace wafer_drive_detail {

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
  constexpr std::uint32_t kSram = 1u << 16;
  std::size_t longest = 0;
  for (const auto& pe : p.pes) {
    auto& w = words[static_cast<std::size_t>(pe.y * k + pe.x)];
    w = {{sw::kPeRegMode, pe.mode}, {sw::kPeRegColors, pe.colors}, {sw::kPeRegShape, pe.shape}};
    for (std::size_t i = 0; i < pe.sram.size(); ++i) w.push_back({kSram | static_cast<std::uint32_t>(i), pe.sram[i]});
    longest = std::max(longest, w.size());
  }
  for (std::size_t i = 0; i < longest; ++i) {
    for (int t = 0; t < tiles; ++t) {
      const auto& w = words[static_cast<std::size_t>(t)];
      if (i < w.size()) {
        pins.cfg_pe(t, true, (w[i].first & kSram) != 0, static_cast<std::uint16_t>(w[i].first & 0xFFFF), w[i].second);
      } else {
        pins.cfg_pe(t, false, false, 0, 0);
      }
    }
    pins.clock([] {});
  }
  for (int t = 0; t < tiles; ++t) pins.cfg_pe(t, false, false, 0, 0);
}

template <class Pins>
std::string watchdog_message(const Pins& pins, int k, const WaferRunOptions& o, const std::vector<Source>& sources,
                             const std::vector<Sink>& sinks) {
  std::ostringstream os;
  os << "watchdog: no wavelet entered or left the fabric for " << o.watchdog_cycles << " cycles at cycle "
     << pins.cycle() << ";";
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
  for (int t = 0; t < k * k; ++t) {
    if (!pins.pe_idle(t) && busy++ < 4) os << " PE (" << t % k << "," << t / k << ") busy;";
  }
  os << describe_mesh_ports(
      k, hw::kWaferColors, [&](int t, int bit) { return pins.stored(t, bit); },
      [&](int t, int bit) { return pins.no_credit(t, bit); });
  if (pins.route_error()) os << " a router dropped a wavelet with no route;";
  if (pins.pe_error()) os << " a PE got a wavelet on an unbound color;";
  return os.str();
}

template <class Pins>
void stream(Pins& pins, int k, const sw::FabricProgram& p, const WaferRunOptions& o, WaferRunResult& r) {
  const int edges = 4 * k;
  std::vector<Source> sources;
  for (const auto& in : p.inputs) {
    if (in.slot < 0 || in.slot >= edges) throw sw::InputError("program input slot out of range");
    Source s{};
    s.input = &in;
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
  std::uint64_t received = 0, first = 0, last = 0, last_move = pins.cycle();
  bool started = false;
  // After the last expected result, keep clocking a little to catch anything extra.
  const std::uint64_t settle = 4 * static_cast<std::uint64_t>(k) + 16;
  std::uint64_t done_at = 0;
  for (;;) {
    if (received >= expected && pins.cycle() >= done_at + settle) break;
    for (auto& s : sources) {
      bool valid = false;
      std::uint64_t wavelet = 0;
      if (s.next < s.input->wavelets.size()) {
        const auto& w = s.input->wavelets[s.next];
        if (s.credits[w.color] > 0) {
          --s.credits[w.color];
          wavelet = pack_wavelet(w);
          ++s.next;
          ++r.wavelets_in;
          valid = true;
          if (!started) first = pins.cycle();
          started = true;
          last_move = pins.cycle();
        }
      }
      pins.edge_in(s.input->slot, valid, wavelet);
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
      pins.edge_out_credit(e, pulses);
    }
    pins.clock([&] {
      for (auto& s : sources) {
        const std::uint32_t back = pins.edge_in_credit(s.input->slot);
        for (int c = 0; back && c < 32; ++c) s.credits[c] += (back >> c) & 1;
      }
      for (int e = 0; e < edges; ++e) {
        if (!pins.edge_out_valid(e)) continue;
        last_move = pins.cycle();
        const int si = sink_of[static_cast<std::size_t>(e)];
        const std::uint64_t w = pins.edge_out_wavelet(e);
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
        if (++received == expected) done_at = pins.cycle();
        last = pins.cycle();
      }
    });
    if (received < expected && pins.cycle() - last_move > o.watchdog_cycles) {
      throw std::runtime_error(watchdog_message(pins, k, o, sources, sinks));
    }
  }
  r.cycles = expected == 0 ? 0 : last - first + 1;
}

}  // namespace wafer_drive_detail

// One job on a fabric just out of reset: load, stream, read the counters.
template <class Pins>
WaferRunResult run_wafer_program(Pins& pins, int k, const sw::FabricProgram& program, const WaferRunOptions& o) {
  check_program_mesh(program, k);
  const auto t0 = std::chrono::steady_clock::now();
  WaferRunResult r;
  wafer_drive_detail::load(pins, k, program);
  r.load_cycles = pins.cycle();
  r.result = sw::MatrixI32(program.result_rows, program.result_cols);
  wafer_drive_detail::stream(pins, k, program, o, r);
  for (int t = 0; t < k * k; ++t) {
    r.macs += pins.macs(t);
    r.link_flits += pins.link_flits(t);
  }
  r.route_error = pins.route_error();
  r.pe_error = pins.pe_error();
  r.sim_cycles = pins.cycle();
  r.sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace wb::tb
