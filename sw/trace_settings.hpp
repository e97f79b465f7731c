// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a waveform of a run holds: a window of cycles, a scope depth, FST or VCD, and the
// GTKWave view written beside it. Plain data, so that options structs below the CLI carry it.
#include <cstdint>
#include <limits>
#include <string>

namespace wb::sw {

constexpr std::uint64_t kTraceToEnd = std::numeric_limits<std::uint64_t>::max();

struct TraceSettings {
  // Cycles of the traced block's clock, counted from 0 after reset, as on the dump's time axis
  // (cycle c at c clock periods). Only [from, to] is dumped, so a long run gives a small file.
  std::uint64_t from = 0;
  std::uint64_t to = kTraceToEnd;  // inclusive
  int depth = 0;                   // scope levels below `top` that are dumped (1: top's ports); 0 all
  bool vcd = false;                // VCD (converted from FST when the dump closes), else FST
  std::string view_path;           // GTKWave save file written when the dump closes ("": none)
  std::string dump_name;           // the dump's final path, for the view's [dumpfile] line
};

// Whether a waveform file name asks for VCD (it ends in ".vcd"); FST otherwise.
bool is_vcd_path(const std::string& path);
// FILE.fst or FILE.vcd -> FILE.gtkw: the view written beside a dump.
std::string view_path_of(const std::string& dump_path);

}  // namespace wb::sw
